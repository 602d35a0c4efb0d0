/work/wt-ipv6/build2/obj/lib/util/log.o: lib/util/log.c lib/util/util.h
lib/util/util.h:
