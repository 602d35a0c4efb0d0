/work/wt-ipv6/build2/obj/ctl/vnetctl/client.o: ctl/vnetctl/client.c \
 ctl/vnetctl/client.h lib/ctl/ctl.h
ctl/vnetctl/client.h:
lib/ctl/ctl.h:
