/work/wt-ipv6/build2/obj/lib/dhcp/dhcp_option.o: lib/dhcp/dhcp_option.c \
 lib/dhcp/dhcp.h lib/lease/lease.h lib/netdef/netdef.h
lib/dhcp/dhcp.h:
lib/lease/lease.h:
lib/netdef/netdef.h:
