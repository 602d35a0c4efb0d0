/work/wt-ipv6/build2/obj/lib/util/pktsock.o: lib/util/pktsock.c \
 lib/util/util.h
lib/util/util.h:
