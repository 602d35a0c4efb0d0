/work/wt-ipv6/build2/obj/lib/util/pidfile.o: lib/util/pidfile.c \
 lib/util/util.h
lib/util/util.h:
