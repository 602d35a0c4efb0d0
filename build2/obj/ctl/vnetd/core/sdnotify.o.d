/work/wt-ipv6/build2/obj/ctl/vnetd/core/sdnotify.o: \
 ctl/vnetd/core/sdnotify.c ctl/vnetd/core/core.h
ctl/vnetd/core/core.h:
