/work/wt-ipv6/build2/obj/lib/dhcp/dhcp_lease_file.o: \
 lib/dhcp/dhcp_lease_file.c lib/dhcp/dhcp.h lib/lease/lease.h \
 lib/netdef/netdef.h lib/util/util.h
lib/dhcp/dhcp.h:
lib/lease/lease.h:
lib/netdef/netdef.h:
lib/util/util.h:
