/work/wt-ipv6/build2/obj/lib/dhcp6/dhcp6_lease.o: lib/dhcp6/dhcp6_lease.c \
 lib/dhcp6/dhcp6.h
lib/dhcp6/dhcp6.h:
