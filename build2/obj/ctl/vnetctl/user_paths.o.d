/work/wt-ipv6/build2/obj/ctl/vnetctl/user_paths.o: \
 ctl/vnetctl/user_paths.c ctl/vnetctl/user_priv.h lib/netdef/netdef.h \
 lib/util/util.h
ctl/vnetctl/user_priv.h:
lib/netdef/netdef.h:
lib/util/util.h:
