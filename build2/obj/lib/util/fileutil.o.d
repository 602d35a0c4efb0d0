/work/wt-ipv6/build2/obj/lib/util/fileutil.o: lib/util/fileutil.c \
 lib/util/util.h
lib/util/util.h:
