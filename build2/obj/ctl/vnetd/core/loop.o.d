/work/wt-ipv6/build2/obj/ctl/vnetd/core/loop.o: ctl/vnetd/core/loop.c \
 ctl/vnetd/core/core.h
ctl/vnetd/core/core.h:
