/work/wt-ipv6/build2/obj/ctl/vnetd/netmgr/network.o: \
 ctl/vnetd/netmgr/network.c lib/util/util.h ctl/vnetd/nl/nl.h \
 lib/netdef/netdef.h ctl/vnetd/netmgr/netmgr.h ctl/vnetd/core/core.h \
 ctl/vnetd/dhcp_service/dhcp_service.h lib/dhcp/dhcp.h lib/lease/lease.h \
 ctl/vnetd/dp/dp.h bpf/vnet_shared.h ctl/vnetd/aclstore/aclstore.h \
 lib/acl/acl.h ctl/vnetd/privsep/privsep.h lib/dhcp6/dhcp6.h \
 ctl/vnetd/dns_service/dns_service.h lib/dns/dns.h \
 ctl/vnetd/metrics_http/metrics_http.h ctl/vnetd/share/share.h \
 ctl/vnetd/ra_service/ra_service.h ctl/vnetd/guest/guest.h
lib/util/util.h:
ctl/vnetd/nl/nl.h:
lib/netdef/netdef.h:
ctl/vnetd/netmgr/netmgr.h:
ctl/vnetd/core/core.h:
ctl/vnetd/dhcp_service/dhcp_service.h:
lib/dhcp/dhcp.h:
lib/lease/lease.h:
ctl/vnetd/dp/dp.h:
bpf/vnet_shared.h:
ctl/vnetd/aclstore/aclstore.h:
lib/acl/acl.h:
ctl/vnetd/privsep/privsep.h:
lib/dhcp6/dhcp6.h:
ctl/vnetd/dns_service/dns_service.h:
lib/dns/dns.h:
ctl/vnetd/metrics_http/metrics_http.h:
ctl/vnetd/share/share.h:
ctl/vnetd/ra_service/ra_service.h:
ctl/vnetd/guest/guest.h:
