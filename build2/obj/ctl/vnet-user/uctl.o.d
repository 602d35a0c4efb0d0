/work/wt-ipv6/build2/obj/ctl/vnet-user/uctl.o: ctl/vnet-user/uctl.c \
 lib/ctl/ctl.h lib/util/util.h ctl/vnet-user/stack.h \
 /usr/include/slirp/libslirp.h /usr/include/slirp/libslirp-version.h \
 ctl/vnet-user/udhcp.h lib/dns/dns.h lib/netdef/netdef.h \
 ctl/vnet-user/frame.h ctl/vnet-user/udns.h ctl/vnet-user/udns_fwd.h \
 ctl/vnet-user/vu.h
lib/ctl/ctl.h:
lib/util/util.h:
ctl/vnet-user/stack.h:
/usr/include/slirp/libslirp.h:
/usr/include/slirp/libslirp-version.h:
ctl/vnet-user/udhcp.h:
lib/dns/dns.h:
lib/netdef/netdef.h:
ctl/vnet-user/frame.h:
ctl/vnet-user/udns.h:
ctl/vnet-user/udns_fwd.h:
ctl/vnet-user/vu.h:
