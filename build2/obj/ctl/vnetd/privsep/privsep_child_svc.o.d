/work/wt-ipv6/build2/obj/ctl/vnetd/privsep/privsep_child_svc.o: \
 ctl/vnetd/privsep/privsep_child_svc.c lib/dhcp/dhcp.h lib/lease/lease.h \
 lib/netdef/netdef.h lib/util/util.h ctl/vnetd/core/core.h \
 ctl/vnetd/privsep/privsep_child_priv.h \
 ctl/vnetd/dhcp_service/dhcp_service.h \
 ctl/vnetd/dns_service/dns_service.h lib/dns/dns.h \
 ctl/vnetd/tftp_service/tftp_service.h lib/tftp/tftp.h \
 ctl/vnetd/dhcp6_service/dhcp6_service.h lib/dhcp6/dhcp6.h \
 ctl/vnetd/privsep/privsep.h ctl/vnetd/metrics_http/metrics_http.h
lib/dhcp/dhcp.h:
lib/lease/lease.h:
lib/netdef/netdef.h:
lib/util/util.h:
ctl/vnetd/core/core.h:
ctl/vnetd/privsep/privsep_child_priv.h:
ctl/vnetd/dhcp_service/dhcp_service.h:
ctl/vnetd/dns_service/dns_service.h:
lib/dns/dns.h:
ctl/vnetd/tftp_service/tftp_service.h:
lib/tftp/tftp.h:
ctl/vnetd/dhcp6_service/dhcp6_service.h:
lib/dhcp6/dhcp6.h:
ctl/vnetd/privsep/privsep.h:
ctl/vnetd/metrics_http/metrics_http.h:
