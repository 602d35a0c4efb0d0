/work/wt-ipv6/build2/obj/ctl/vnet-user/main.o: ctl/vnet-user/main.c \
 lib/util/util.h ctl/vnet-user/vu.h lib/netdef/netdef.h
lib/util/util.h:
ctl/vnet-user/vu.h:
lib/netdef/netdef.h:
