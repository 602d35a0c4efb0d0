/work/wt-ipv6/build2/obj/lib/dhcp/dhcp_pool_port.o: \
 lib/dhcp/dhcp_pool_port.c lib/dhcp/dhcp_pool_priv.h \
 lib/dhcp/dhcp_index_priv.h lib/dhcp/dhcp.h lib/lease/lease.h \
 lib/netdef/netdef.h
lib/dhcp/dhcp_pool_priv.h:
lib/dhcp/dhcp_index_priv.h:
lib/dhcp/dhcp.h:
lib/lease/lease.h:
lib/netdef/netdef.h:
