/work/wt-ipv6/build2/obj/ctl/vnetctl/print.o: ctl/vnetctl/print.c \
 ctl/vnetctl/print.h
ctl/vnetctl/print.h:
