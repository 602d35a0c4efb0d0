/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Link, address and route operations through rtnetlink (libnl3). */
#ifndef VNET_NETLINK_H
#define VNET_NETLINK_H

#include <netinet/in.h>
#include <stdint.h>

int nl_init(void);
void nl_fini(void);

/* Ownership: vnet marks every device it creates with an alias
 * (IFLA_IFALIAS, e.g. "vnet network default"), visible in `ip link` and to a
 * restarted vnetd, gone with the device; it deletes, re-addresses or takes
 * over only a device carrying its mark. */
#define NL_MARK_MAX 128
/* Create a bridge and mark it; -EEXIST if any device has that name. */
int nl_bridge_create(const char *name, unsigned mtu, const char *mark);
int nl_link_set_mark(const char *name, const char *mark);
/* 1 if the device exists and carries exactly this mark, else 0. */
int nl_link_has_mark(const char *name, const char *mark);
/* The device's alias ("" if none); 0 or -errno. */
int nl_link_alias(const char *name, char *buf, size_t len);
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
