/work/wt-ipv6/build2/obj/lib/dhcp/dhcp_counters_json.o: \
 lib/dhcp/dhcp_counters_json.c lib/dhcp/dhcp.h lib/lease/lease.h \
 lib/netdef/netdef.h
lib/dhcp/dhcp.h:
lib/lease/lease.h:
lib/netdef/netdef.h:
