/work/wt-ipv6/build2/obj/ctl/vnetd/core/main.o: ctl/vnetd/core/main.c \
 /usr/include/libxml2/libxml/parser.h \
 /usr/include/libxml2/libxml/xmlversion.h \
 /usr/include/libxml2/libxml/xmlexports.h \
 /usr/include/libxml2/libxml/tree.h \
 /usr/include/libxml2/libxml/xmlstring.h \
 /usr/include/libxml2/libxml/xmlregexp.h \
 /usr/include/libxml2/libxml/dict.h /usr/include/libxml2/libxml/hash.h \
 /usr/include/libxml2/libxml/valid.h \
 /usr/include/libxml2/libxml/xmlerror.h \
 /usr/include/libxml2/libxml/list.h \
 /usr/include/libxml2/libxml/xmlautomata.h \
 /usr/include/libxml2/libxml/entities.h \
 /usr/include/libxml2/libxml/encoding.h \
 /usr/include/libxml2/libxml/xmlIO.h \
 /usr/include/libxml2/libxml/globals.h /usr/include/libxml2/libxml/SAX2.h \
 /usr/include/libxml2/libxml/xlink.h \
 /usr/include/libxml2/libxml/xmlmemory.h \
 /usr/include/libxml2/libxml/threads.h ctl/vnetd/control/control.h \
 ctl/vnetd/core/core.h ctl/vnetd/netmgr/netmgr.h \
 ctl/vnetd/dhcp_service/dhcp_service.h lib/dhcp/dhcp.h lib/lease/lease.h \
 lib/netdef/netdef.h ctl/vnetd/dp/dp.h bpf/vnet_shared.h \
 ctl/vnetd/aclstore/aclstore.h lib/acl/acl.h ctl/vnetd/privsep/privsep.h \
 lib/dhcp6/dhcp6.h ctl/vnetd/dns_service/dns_service.h lib/dns/dns.h \
 ctl/vnetd/metrics_http/metrics_http.h lib/util/util.h ctl/vnetd/nl/nl.h \
 ctl/vnetd/share/share.h ctl/vnetd/core/core.h
/usr/include/libxml2/libxml/parser.h:
/usr/include/libxml2/libxml/xmlversion.h:
/usr/include/libxml2/libxml/xmlexports.h:
/usr/include/libxml2/libxml/tree.h:
/usr/include/libxml2/libxml/xmlstring.h:
/usr/include/libxml2/libxml/xmlregexp.h:
/usr/include/libxml2/libxml/dict.h:
/usr/include/libxml2/libxml/hash.h:
/usr/include/libxml2/libxml/valid.h:
/usr/include/libxml2/libxml/xmlerror.h:
/usr/include/libxml2/libxml/list.h:
/usr/include/libxml2/libxml/xmlautomata.h:
/usr/include/libxml2/libxml/entities.h:
/usr/include/libxml2/libxml/encoding.h:
/usr/include/libxml2/libxml/xmlIO.h:
/usr/include/libxml2/libxml/globals.h:
/usr/include/libxml2/libxml/SAX2.h:
/usr/include/libxml2/libxml/xlink.h:
/usr/include/libxml2/libxml/xmlmemory.h:
/usr/include/libxml2/libxml/threads.h:
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
lib/util/util.h:
ctl/vnetd/nl/nl.h:
ctl/vnetd/share/share.h:
ctl/vnetd/core/core.h:
