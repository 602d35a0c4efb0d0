/work/wt-ipv6/build2/obj/lib/dns/dns_zone.o: lib/dns/dns_zone.c \
 lib/dns/dns.h lib/netdef/netdef.h
lib/dns/dns.h:
lib/netdef/netdef.h:
