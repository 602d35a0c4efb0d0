/work/wt-ipv6/build2/obj/lib/util/ratelimit.o: lib/util/ratelimit.c \
 lib/util/util.h
lib/util/util.h:
