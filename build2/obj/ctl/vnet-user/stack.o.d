/work/wt-ipv6/build2/obj/ctl/vnet-user/stack.o: ctl/vnet-user/stack.c \
 lib/util/util.h lib/netdef/netdef.h lib/dhcp/dhcp.h lib/lease/lease.h \
 ctl/vnet-user/stack.h /usr/include/slirp/libslirp.h \
 /usr/include/slirp/libslirp-version.h ctl/vnet-user/udhcp.h \
 lib/dns/dns.h ctl/vnet-user/frame.h ctl/vnet-user/udns.h \
 ctl/vnet-user/udns_fwd.h ctl/vnet-user/vu.h
lib/util/util.h:
lib/netdef/netdef.h:
lib/dhcp/dhcp.h:
lib/lease/lease.h:
ctl/vnet-user/stack.h:
/usr/include/slirp/libslirp.h:
/usr/include/slirp/libslirp-version.h:
ctl/vnet-user/udhcp.h:
lib/dns/dns.h:
ctl/vnet-user/frame.h:
ctl/vnet-user/udns.h:
ctl/vnet-user/udns_fwd.h:
ctl/vnet-user/vu.h:
