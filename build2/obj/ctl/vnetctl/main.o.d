/work/wt-ipv6/build2/obj/ctl/vnetctl/main.o: ctl/vnetctl/main.c \
 ctl/vnetctl/client.h lib/ctl/ctl.h lib/util/util.h ctl/vnetctl/print.h \
 ctl/vnetctl/stats_text.h ctl/vnetctl/suggest.h ctl/vnetctl/user.h
ctl/vnetctl/client.h:
lib/ctl/ctl.h:
lib/util/util.h:
ctl/vnetctl/print.h:
ctl/vnetctl/stats_text.h:
ctl/vnetctl/suggest.h:
ctl/vnetctl/user.h:
