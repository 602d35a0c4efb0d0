/work/wt-ipv6/build2/obj/ctl/vnetd/core/test_hooks.o: \
 ctl/vnetd/core/test_hooks.c ctl/vnetd/core/core.h
ctl/vnetd/core/core.h:
