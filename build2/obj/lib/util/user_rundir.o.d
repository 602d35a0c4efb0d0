/work/wt-ipv6/build2/obj/lib/util/user_rundir.o: lib/util/user_rundir.c \
 lib/util/util.h
lib/util/util.h:
