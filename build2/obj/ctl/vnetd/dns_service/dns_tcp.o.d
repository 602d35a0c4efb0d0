/work/wt-ipv6/build2/obj/ctl/vnetd/dns_service/dns_tcp.o: \
 ctl/vnetd/dns_service/dns_tcp.c lib/util/util.h \
 ctl/vnetd/dns_service/dns_service.h ctl/vnetd/core/core.h lib/dns/dns.h \
 lib/netdef/netdef.h
lib/util/util.h:
ctl/vnetd/dns_service/dns_service.h:
ctl/vnetd/core/core.h:
lib/dns/dns.h:
lib/netdef/netdef.h:
