/work/wt-ipv6/build2/obj/lib/dns/dns_zone_netdef.o: \
 lib/dns/dns_zone_netdef.c lib/dns/dns.h lib/netdef/netdef.h \
 lib/util/util.h
lib/dns/dns.h:
lib/netdef/netdef.h:
lib/util/util.h:
