/work/wt-ipv6/build2/obj/ctl/vnet-user/supervise.o: \
 ctl/vnet-user/supervise.c lib/util/util.h ctl/vnet-user/vu.h \
 lib/netdef/netdef.h
lib/util/util.h:
ctl/vnet-user/vu.h:
lib/netdef/netdef.h:
