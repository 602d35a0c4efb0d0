/work/wt-ipv6/build2/obj/ctl/vnetctl/suggest.o: ctl/vnetctl/suggest.c \
 ctl/vnetctl/suggest.h
ctl/vnetctl/suggest.h:
