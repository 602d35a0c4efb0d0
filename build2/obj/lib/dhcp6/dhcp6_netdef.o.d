/work/wt-ipv6/build2/obj/lib/dhcp6/dhcp6_netdef.o: \
 lib/dhcp6/dhcp6_netdef.c lib/dhcp6/dhcp6.h lib/netdef/netdef.h
lib/dhcp6/dhcp6.h:
lib/netdef/netdef.h:
