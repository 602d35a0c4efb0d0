/work/wt-ipv6/build2/obj/lib/dns/dns_msg.o: lib/dns/dns_msg.c \
 lib/dns/dns.h lib/netdef/netdef.h
lib/dns/dns.h:
lib/netdef/netdef.h:
