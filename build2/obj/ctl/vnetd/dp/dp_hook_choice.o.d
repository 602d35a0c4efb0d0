/work/wt-ipv6/build2/obj/ctl/vnetd/dp/dp_hook_choice.o: \
 ctl/vnetd/dp/dp_hook_choice.c ctl/vnetd/dp/dp.h lib/netdef/netdef.h \
 bpf/vnet_shared.h
ctl/vnetd/dp/dp.h:
lib/netdef/netdef.h:
bpf/vnet_shared.h:
