/work/wt-ipv6/build2/obj/ctl/vnetd/dhcp6_service/dhcp6_service.o: \
 ctl/vnetd/dhcp6_service/dhcp6_service.c \
 ctl/vnetd/dhcp6_service/dhcp6_service.h ctl/vnetd/core/core.h \
 lib/dhcp6/dhcp6.h lib/netdef/netdef.h lib/util/util.h
ctl/vnetd/dhcp6_service/dhcp6_service.h:
ctl/vnetd/core/core.h:
lib/dhcp6/dhcp6.h:
lib/netdef/netdef.h:
lib/util/util.h:
