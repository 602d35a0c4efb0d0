/work/wt-ipv6/build2/obj/lib/netdef/netdef.o: lib/netdef/netdef.c \
 lib/netdef/netdef.h lib/netdef/netdef_priv.h
lib/netdef/netdef.h:
lib/netdef/netdef_priv.h:
