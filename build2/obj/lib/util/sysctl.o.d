/work/wt-ipv6/build2/obj/lib/util/sysctl.o: lib/util/sysctl.c \
 lib/util/util.h
lib/util/util.h:
