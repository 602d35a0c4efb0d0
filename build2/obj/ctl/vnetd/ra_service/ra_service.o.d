/work/wt-ipv6/build2/obj/ctl/vnetd/ra_service/ra_service.o: \
 ctl/vnetd/ra_service/ra_service.c lib/ndp/ndp.h \
 ctl/vnetd/ra_service/ra_service.h ctl/vnetd/core/core.h \
 lib/netdef/netdef.h lib/util/util.h
lib/ndp/ndp.h:
ctl/vnetd/ra_service/ra_service.h:
ctl/vnetd/core/core.h:
lib/netdef/netdef.h:
lib/util/util.h:
