/work/wt-ipv6/build2/obj/ctl/vnetctl/user_run.o: ctl/vnetctl/user_run.c \
 ctl/vnetctl/user_priv.h lib/netdef/netdef.h lib/util/util.h
ctl/vnetctl/user_priv.h:
lib/netdef/netdef.h:
lib/util/util.h:
