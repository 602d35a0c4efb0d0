/work/wt-ipv6/build2/obj/lib/dhcp/dhcp_index.o: lib/dhcp/dhcp_index.c \
 lib/dhcp/dhcp_index_priv.h
lib/dhcp/dhcp_index_priv.h:
