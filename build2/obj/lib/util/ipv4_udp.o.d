/work/wt-ipv6/build2/obj/lib/util/ipv4_udp.o: lib/util/ipv4_udp.c \
 lib/util/util.h
lib/util/util.h:
