/work/wt-ipv6/build2/obj/ctl/vnet-user/udns.o: ctl/vnet-user/udns.c \
 ctl/vnet-user/udns.h lib/dns/dns.h lib/netdef/netdef.h \
 ctl/vnet-user/frame.h ctl/vnet-user/udns_fwd.h
ctl/vnet-user/udns.h:
lib/dns/dns.h:
lib/netdef/netdef.h:
ctl/vnet-user/frame.h:
ctl/vnet-user/udns_fwd.h:
