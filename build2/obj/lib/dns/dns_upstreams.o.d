/work/wt-ipv6/build2/obj/lib/dns/dns_upstreams.o: lib/dns/dns_upstreams.c \
 lib/dns/dns.h lib/netdef/netdef.h lib/util/util.h
lib/dns/dns.h:
lib/netdef/netdef.h:
lib/util/util.h:
