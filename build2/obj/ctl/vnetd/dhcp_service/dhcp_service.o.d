/work/wt-ipv6/build2/obj/ctl/vnetd/dhcp_service/dhcp_service.o: \
 ctl/vnetd/dhcp_service/dhcp_service.c \
 ctl/vnetd/dhcp_service/dhcp_service.h ctl/vnetd/core/core.h \
 lib/dhcp/dhcp.h lib/lease/lease.h lib/netdef/netdef.h lib/util/util.h
ctl/vnetd/dhcp_service/dhcp_service.h:
ctl/vnetd/core/core.h:
lib/dhcp/dhcp.h:
lib/lease/lease.h:
lib/netdef/netdef.h:
lib/util/util.h:
