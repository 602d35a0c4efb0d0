/work/wt-ipv6/build2/obj/ctl/vnet-user/frame.o: ctl/vnet-user/frame.c \
 ctl/vnet-user/frame.h
ctl/vnet-user/frame.h:
