/work/wt-ipv6/build2/obj/ctl/vnet-user/udns_fwd.o: \
 ctl/vnet-user/udns_fwd.c ctl/vnet-user/udns_fwd.h lib/dns/dns.h \
 lib/netdef/netdef.h ctl/vnet-user/frame.h lib/util/util.h \
 ctl/vnet-user/vu.h
ctl/vnet-user/udns_fwd.h:
lib/dns/dns.h:
lib/netdef/netdef.h:
ctl/vnet-user/frame.h:
lib/util/util.h:
ctl/vnet-user/vu.h:
