/work/wt-ipv6/build2/obj/ctl/vnetctl/user.o: ctl/vnetctl/user.c \
 ctl/vnetctl/user.h ctl/vnetctl/client.h lib/util/util.h \
 ctl/vnetctl/user_priv.h lib/netdef/netdef.h
ctl/vnetctl/user.h:
ctl/vnetctl/client.h:
lib/util/util.h:
ctl/vnetctl/user_priv.h:
lib/netdef/netdef.h:
