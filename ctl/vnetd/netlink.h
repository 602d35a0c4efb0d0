/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Link, address and route operations through rtnetlink (libnl3). */
#ifndef VNET_NETLINK_H
#define VNET_NETLINK_H

#include <netinet/in.h>
#include <stdint.h>

int nl_init(void);
void nl_fini(void);

/* Create a bridge (or reuse an existing one of that name); 0 or -errno. */
int nl_bridge_ensure(const char *name, unsigned mtu, int stp);
int nl_link_delete(const char *name);
int nl_link_set_up(const char *name, int up);
int nl_link_set_mtu(const char *name, unsigned mtu);
int nl_link_set_master(const char *port, const char *bridge); /* bridge NULL: release */
int nl_link_master(const char *port);	/* ifindex of the master, 0 if none, -errno */
int nl_link_mac(const char *name, uint8_t mac[6]);
/* "veth", "tun", "bridge", ... or "" for a plain device; 0 or -errno. */
int nl_link_kind(const char *name, char *kind, size_t len);
int nl_addr_add(const char *name, struct in_addr ip, unsigned prefix);
/* First IPv4 address of a device; -ENOENT if none. */
int nl_link_ipv4(const char *name, struct in_addr *ret_ip);
/* Device of the IPv4 default route in the main table; -ENOENT if none. */
int nl_default_route_dev(char *name, size_t len);

const char *nl_strerror(int err);

#endif
