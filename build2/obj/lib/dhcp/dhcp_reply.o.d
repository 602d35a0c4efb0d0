/work/wt-ipv6/build2/obj/lib/dhcp/dhcp_reply.o: lib/dhcp/dhcp_reply.c \
 lib/dhcp/dhcp_reply_priv.h lib/dhcp/dhcp.h lib/lease/lease.h \
 lib/netdef/netdef.h
lib/dhcp/dhcp_reply_priv.h:
lib/dhcp/dhcp.h:
lib/lease/lease.h:
lib/netdef/netdef.h:
