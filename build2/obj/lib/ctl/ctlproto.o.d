/work/wt-ipv6/build2/obj/lib/ctl/ctlproto.o: lib/ctl/ctlproto.c \
 lib/ctl/ctl.h
lib/ctl/ctl.h:
