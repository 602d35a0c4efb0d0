/work/wt-ipv6/build2/obj/ctl/vnetd/dns_service/dns_forward.o: \
 ctl/vnetd/dns_service/dns_forward.c lib/util/util.h lib/dns/dns.h \
 lib/netdef/netdef.h ctl/vnetd/dns_service/dns_service.h \
 ctl/vnetd/core/core.h
lib/util/util.h:
lib/dns/dns.h:
lib/netdef/netdef.h:
ctl/vnetd/dns_service/dns_service.h:
ctl/vnetd/core/core.h:
