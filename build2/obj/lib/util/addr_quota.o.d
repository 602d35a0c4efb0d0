/work/wt-ipv6/build2/obj/lib/util/addr_quota.o: lib/util/addr_quota.c \
 lib/util/util.h
lib/util/util.h:
