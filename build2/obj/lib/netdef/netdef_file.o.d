/work/wt-ipv6/build2/obj/lib/netdef/netdef_file.o: \
 lib/netdef/netdef_file.c lib/netdef/netdef.h lib/util/util.h
lib/netdef/netdef.h:
lib/util/util.h:
