/work/wt-ipv6/build2/obj/ctl/vnetd/control/commands.o: \
 ctl/vnetd/control/commands.c ctl/vnetd/control/control.h \
 ctl/vnetd/core/core.h ctl/vnetd/netmgr/netmgr.h \
 ctl/vnetd/dhcp_service/dhcp_service.h lib/dhcp/dhcp.h lib/lease/lease.h \
 lib/netdef/netdef.h ctl/vnetd/dp/dp.h bpf/vnet_shared.h \
 ctl/vnetd/aclstore/aclstore.h lib/acl/acl.h ctl/vnetd/privsep/privsep.h \
 lib/dhcp6/dhcp6.h ctl/vnetd/dns_service/dns_service.h lib/dns/dns.h \
 ctl/vnetd/metrics_http/metrics_http.h lib/ctl/ctl.h lib/util/util.h \
 ctl/vnetd/share/share.h ctl/vnetd/guest/guest.h
ctl/vnetd/control/control.h:
ctl/vnetd/core/core.h:
ctl/vnetd/netmgr/netmgr.h:
ctl/vnetd/dhcp_service/dhcp_service.h:
lib/dhcp/dhcp.h:
lib/lease/lease.h:
lib/netdef/netdef.h:
ctl/vnetd/dp/dp.h:
bpf/vnet_shared.h:
ctl/vnetd/aclstore/aclstore.h:
lib/acl/acl.h:
ctl/vnetd/privsep/privsep.h:
lib/dhcp6/dhcp6.h:
ctl/vnetd/dns_service/dns_service.h:
lib/dns/dns.h:
ctl/vnetd/metrics_http/metrics_http.h:
lib/ctl/ctl.h:
lib/util/util.h:
ctl/vnetd/share/share.h:
ctl/vnetd/guest/guest.h:
