/work/wt-ipv6/build2/obj/lib/dhcp6/dhcp6_msg.o: lib/dhcp6/dhcp6_msg.c \
 lib/dhcp6/dhcp6.h
lib/dhcp6/dhcp6.h:
