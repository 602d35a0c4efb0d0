/work/wt-ipv6/build2/obj/lib/util/macaddr.o: lib/util/macaddr.c \
 lib/util/util.h
lib/util/util.h:
