/work/wt-ipv6/build2/obj/lib/ctl/ctl_verbs.o: lib/ctl/ctl_verbs.c \
 lib/ctl/ctl.h
lib/ctl/ctl.h:
