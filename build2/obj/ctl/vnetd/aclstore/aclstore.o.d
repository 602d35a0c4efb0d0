/work/wt-ipv6/build2/obj/ctl/vnetd/aclstore/aclstore.o: \
 ctl/vnetd/aclstore/aclstore.c ctl/vnetd/aclstore/aclstore.h \
 lib/acl/acl.h ctl/vnetd/dp/dp.h lib/netdef/netdef.h bpf/vnet_shared.h \
 lib/util/util.h
ctl/vnetd/aclstore/aclstore.h:
lib/acl/acl.h:
ctl/vnetd/dp/dp.h:
lib/netdef/netdef.h:
bpf/vnet_shared.h:
lib/util/util.h:
