/work/wt-ipv6/build2/obj/ctl/vnet-user/udhcp.o: ctl/vnet-user/udhcp.c \
 ctl/vnet-user/udhcp.h lib/dns/dns.h lib/netdef/netdef.h \
 ctl/vnet-user/frame.h lib/dhcp/dhcp.h lib/lease/lease.h lib/util/util.h
ctl/vnet-user/udhcp.h:
lib/dns/dns.h:
lib/netdef/netdef.h:
ctl/vnet-user/frame.h:
lib/dhcp/dhcp.h:
lib/lease/lease.h:
lib/util/util.h:
