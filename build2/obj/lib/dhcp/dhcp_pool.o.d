/work/wt-ipv6/build2/obj/lib/dhcp/dhcp_pool.o: lib/dhcp/dhcp_pool.c \
 lib/dhcp/dhcp_pool_priv.h lib/dhcp/dhcp_index_priv.h lib/dhcp/dhcp.h \
 lib/lease/lease.h lib/netdef/netdef.h lib/dhcp/dhcp_reply_priv.h \
 lib/util/util.h
lib/dhcp/dhcp_pool_priv.h:
lib/dhcp/dhcp_index_priv.h:
lib/dhcp/dhcp.h:
lib/lease/lease.h:
lib/netdef/netdef.h:
lib/dhcp/dhcp_reply_priv.h:
lib/util/util.h:
