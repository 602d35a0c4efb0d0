/work/wt-ipv6/build2/obj/ctl/vnetctl/stats_text.o: \
 ctl/vnetctl/stats_text.c ctl/vnetctl/print.h ctl/vnetctl/stats_text.h
ctl/vnetctl/print.h:
ctl/vnetctl/stats_text.h:
