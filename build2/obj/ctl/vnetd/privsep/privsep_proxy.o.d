/work/wt-ipv6/build2/obj/ctl/vnetd/privsep/privsep_proxy.o: \
 ctl/vnetd/privsep/privsep_proxy.c ctl/vnetd/privsep/privsep.h \
 ctl/vnetd/core/core.h lib/dhcp/dhcp.h lib/lease/lease.h \
 lib/netdef/netdef.h lib/dhcp6/dhcp6.h \
 ctl/vnetd/dhcp_service/dhcp_service.h \
 ctl/vnetd/dns_service/dns_service.h lib/dns/dns.h \
 ctl/vnetd/metrics_http/metrics_http.h lib/util/util.h \
 ctl/vnetd/privsep/privsep_leases_priv.h
ctl/vnetd/privsep/privsep.h:
ctl/vnetd/core/core.h:
lib/dhcp/dhcp.h:
lib/lease/lease.h:
lib/netdef/netdef.h:
lib/dhcp6/dhcp6.h:
ctl/vnetd/dhcp_service/dhcp_service.h:
ctl/vnetd/dns_service/dns_service.h:
lib/dns/dns.h:
ctl/vnetd/metrics_http/metrics_http.h:
lib/util/util.h:
ctl/vnetd/privsep/privsep_leases_priv.h:
