/work/wt-ipv6/build2/obj/lib/netdef/netdef_format.o: \
 lib/netdef/netdef_format.c lib/netdef/netdef.h
lib/netdef/netdef.h:
