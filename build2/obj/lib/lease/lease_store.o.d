/work/wt-ipv6/build2/obj/lib/lease/lease_store.o: lib/lease/lease_store.c \
 lib/lease/lease.h lib/util/util.h
lib/lease/lease.h:
lib/util/util.h:
