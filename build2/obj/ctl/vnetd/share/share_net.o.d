/work/wt-ipv6/build2/obj/ctl/vnetd/share/share_net.o: \
 ctl/vnetd/share/share_net.c /usr/include/libnl3/netlink/netlink.h \
 /usr/include/libnl3/netlink/netlink-compat.h \
 /usr/include/libnl3/netlink/version.h \
 /usr/include/libnl3/netlink/errno.h /usr/include/libnl3/netlink/types.h \
 /usr/include/libnl3/netlink/handlers.h \
 /usr/include/libnl3/netlink/netlink-kernel.h \
 /usr/include/libnl3/netlink/socket.h \
 /usr/include/libnl3/netlink/object.h /usr/include/libnl3/netlink/utils.h \
 /usr/include/libnl3/netlink/list.h lib/util/util.h ctl/vnetd/nl/nl.h \
 lib/netdef/netdef.h ctl/vnetd/netmgr/netmgr.h ctl/vnetd/core/core.h \
 ctl/vnetd/dhcp_service/dhcp_service.h lib/dhcp/dhcp.h lib/lease/lease.h \
 ctl/vnetd/dp/dp.h bpf/vnet_shared.h ctl/vnetd/aclstore/aclstore.h \
 lib/acl/acl.h ctl/vnetd/privsep/privsep.h lib/dhcp6/dhcp6.h \
 ctl/vnetd/dns_service/dns_service.h lib/dns/dns.h \
 ctl/vnetd/metrics_http/metrics_http.h ctl/vnetd/share/share.h \
 ctl/vnetd/share/share_priv.h
/usr/include/libnl3/netlink/netlink.h:
/usr/include/libnl3/netlink/netlink-compat.h:
/usr/include/libnl3/netlink/version.h:
/usr/include/libnl3/netlink/errno.h:
/usr/include/libnl3/netlink/types.h:
/usr/include/libnl3/netlink/handlers.h:
/usr/include/libnl3/netlink/netlink-kernel.h:
/usr/include/libnl3/netlink/socket.h:
/usr/include/libnl3/netlink/object.h:
/usr/include/libnl3/netlink/utils.h:
/usr/include/libnl3/netlink/list.h:
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
ctl/vnetd/share/share_priv.h:
