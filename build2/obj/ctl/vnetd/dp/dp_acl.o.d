/work/wt-ipv6/build2/obj/ctl/vnetd/dp/dp_acl.o: ctl/vnetd/dp/dp_acl.c \
 ctl/vnetd/dp/dp_priv.h ctl/vnetd/dp/dp.h lib/netdef/netdef.h \
 bpf/vnet_shared.h /work/wt-ipv6/build2/vnet.skel.h lib/acl/acl.h
ctl/vnetd/dp/dp_priv.h:
ctl/vnetd/dp/dp.h:
lib/netdef/netdef.h:
bpf/vnet_shared.h:
/work/wt-ipv6/build2/vnet.skel.h:
lib/acl/acl.h:
