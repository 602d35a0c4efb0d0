/work/wt-ipv6/build2/obj/lib/util/slirp_mac.o: lib/util/slirp_mac.c \
 lib/util/util.h
lib/util/util.h:
