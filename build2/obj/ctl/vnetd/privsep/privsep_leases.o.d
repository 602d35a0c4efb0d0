/work/wt-ipv6/build2/obj/ctl/vnetd/privsep/privsep_leases.o: \
 ctl/vnetd/privsep/privsep_leases.c \
 ctl/vnetd/privsep/privsep_leases_priv.h \
 ctl/vnetd/dhcp_service/dhcp_service.h ctl/vnetd/core/core.h \
 lib/dhcp/dhcp.h lib/lease/lease.h lib/netdef/netdef.h lib/util/util.h
ctl/vnetd/privsep/privsep_leases_priv.h:
ctl/vnetd/dhcp_service/dhcp_service.h:
ctl/vnetd/core/core.h:
lib/dhcp/dhcp.h:
lib/lease/lease.h:
lib/netdef/netdef.h:
lib/util/util.h:
