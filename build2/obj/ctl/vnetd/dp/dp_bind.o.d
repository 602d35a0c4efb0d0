/work/wt-ipv6/build2/obj/ctl/vnetd/dp/dp_bind.o: ctl/vnetd/dp/dp_bind.c \
 ctl/vnetd/dp/dp_priv.h ctl/vnetd/dp/dp.h lib/netdef/netdef.h \
 bpf/vnet_shared.h /work/wt-ipv6/build2/vnet.skel.h
ctl/vnetd/dp/dp_priv.h:
ctl/vnetd/dp/dp.h:
lib/netdef/netdef.h:
bpf/vnet_shared.h:
/work/wt-ipv6/build2/vnet.skel.h:
