/work/wt-ipv6/build2/obj/lib/dhcp6/dhcp6_pool.o: lib/dhcp6/dhcp6_pool.c \
 lib/dhcp6/dhcp6.h
lib/dhcp6/dhcp6.h:
