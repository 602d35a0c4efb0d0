/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/nl/ (one header per folder). */
#ifndef VNET_NL_NL_H
#define VNET_NL_NL_H

#include <json-c/json.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netdef/netdef.h"

/* ---- netlink ---- */
/* Link, address and route operations through rtnetlink (libnl3). */
int nl_init(void);
void nl_fini(void);

/* Ownership: vnet marks every device it creates with an alias
 * (IFLA_IFALIAS, e.g. "vnet network default"), visible in `ip link` and to a
 * restarted vnetd, gone with the device; it deletes, re-addresses or takes
 * over only a device carrying its mark. */
#define NL_MARK_MAX 128
/* Create a bridge and mark it; -EEXIST if any device has that name. mac:
 * its address (<mac address>), NULL for a random 52:54:00 one; mtu 0: the
 * kernel's default. */
int nl_bridge_create(const char *name, unsigned mtu, const uint8_t *mac, const char *mark);
/* <bridge stp delay>: the kernel bridge's stp_state and forward_delay. */
int nl_bridge_set_stp(const char *name, int stp, unsigned delay_secs);
int nl_link_set_mark(const char *name, const char *mark);
/* 1 if the device exists and carries exactly this mark, else 0. */
int nl_link_has_mark(const char *name, const char *mark);
/* The device's alias ("" if none); 0 or -errno. */
int nl_link_alias(const char *name, char *buf, size_t len);
int nl_link_delete(const char *name);
int nl_link_set_up(const char *name, int up);
/* 1 if the device is administratively up, 0 if down, -errno. */
int nl_link_is_up(const char *name);
int nl_link_set_mtu(const char *name, unsigned mtu);
int nl_link_set_master(const char *port, const char *bridge); /* bridge NULL: release */
/* The bridge port's isolated flag (IFLA_BRPORT_ISOLATED, as libvirt sets
 * for <port isolated='yes'>): the bridge forwards and floods nothing
 * between two isolated ports. */
int nl_brport_set_isolated(const char *port, int on);
/* An overlay port (issue 22): neigh_suppress on (the bridge answers ARP/ND
 * for remote guests from the neighbour table zebra fills), learning off
 * (zebra installs the remote MACs). */
int nl_brport_set_overlay(const char *port);
/* Create and mark a VXLAN device: VNI, local VTEP address, UDP 4789, no
 * learning, over dev ("" or NULL: any); -EEXIST if the name is taken. */
/* Each bridge fdb entry of a port (`bridge fdb show dev DEV`): its MAC,
 * the remote VTEP (a VXLAN device's entries; 0 for none) and NTF_* flags. */
typedef void (*nl_fdb_fn)(const uint8_t mac[6], struct in_addr dst, unsigned ntf_flags,
			  void *ctx);
int nl_fdb_each(const char *dev, nl_fdb_fn fn, void *ctx);
/* Each IPv4 neighbour entry of a device (`ip neigh show dev DEV`): its
 * address, MAC, NTF_* flags (zebra's remote guests: NTF_EXT_LEARNED) and
 * NUD_* state. */
typedef void (*nl_neigh4_fn)(struct in_addr ip, const uint8_t mac[6], unsigned ntf_flags,
			     unsigned nud_state, void *ctx);
int nl_neigh4_each(const char *dev, nl_neigh4_fn fn, void *ctx);
int nl_vxlan_create(const char *name, uint32_t vni, struct in_addr local, const char *dev,
		    unsigned mtu, const char *mark);
int nl_link_master(const char *port);	/* ifindex of the master, 0 if none, -errno */
int nl_link_mac(const char *name, uint8_t mac[6]);
/* "veth", "tun", "bridge", ... or "" for a plain device; 0 or -errno. */
int nl_link_kind(const char *name, char *kind, size_t len);
int nl_addr_add(const char *name, struct in_addr ip, unsigned prefix);
/* An IPv6 address on a device, without DAD (IFA_F_NODAD). */
int nl_addr6_add(const char *name, const struct in6_addr *ip, unsigned prefix);
/* A static route of the main table through ifindex (a <route>: dst/prefix
 * via gw, metric 0 = none); adding never replaces (-EEXIST). Deleting
 * matches all of it, so only the route vnet added through that device
 * goes. */
int nl_route_add(const struct netdef_addr *dst, unsigned prefix, const struct netdef_addr *gw,
		 unsigned metric, int ifindex);
int nl_route_del(const struct netdef_addr *dst, unsigned prefix, const struct netdef_addr *gw,
		 unsigned metric, int ifindex);
/* First IPv4 address of a device; -ENOENT if none. */
int nl_link_ipv4(const char *name, struct in_addr *ret_ip);
/* The device's first global IPv6 address past DAD (not deprecated):
 * NAT66's source. -ENOENT if none. */
int nl_link_ipv6_global(const char *name, struct in6_addr *ret_ip);
/* Device of the IPv4 default route in the main table; -ENOENT if none. */
int nl_default_route_dev(char *name, size_t len);

/* Every address of the host (both families), every unicast route of the
 * main table but the default ones: fn is called with each as a prefix
 * (an address with its subnet's length) and the device it is on (a
 * route's first next hop; 0 if none). A non-zero return of fn stops the
 * walk and is returned. net-start's conflict checks (netmgr/conflicts.c). */
struct nl_prefix {
	struct netdef_addr addr;
	unsigned prefix;
	int ifindex;
};
typedef int (*nl_prefix_fn)(void *ctx, const struct nl_prefix *p);
int nl_addrs_each(nl_prefix_fn fn, void *ctx);
int nl_routes_each(nl_prefix_fn fn, void *ctx);

/* Every device of the namespace from one dump (not a request per device):
 * fn gets its name, ifindex and master's ifindex (0: none); a non-zero
 * return stops the walk and is returned. The reconciler's port check. */
typedef int (*nl_link_fn)(void *ctx, const char *name, int ifindex, int master);
int nl_links_each(nl_link_fn fn, void *ctx);

const char *nl_strerror(int err);

/* ---- nl_snapshot ---- */
/* A snapshot of one network device as JSON (link: MAC, MTU, up state;
 * every address; every route through it in every table, both families),
 * and the operations that move its objects to another device and back.
 * Used by share.c; through libnl-route-3 on the caller's socket. */
struct nl_sock;

enum snap_op {
	SNAP_ADD,	/* add as recorded (restoring) */
	SNAP_ADD_MOVED, /* add on the new device: IPv6 without DAD (it passed on this link) */
	SNAP_DEL,
};

/* {"ifname","ifindex","mac","mtu","up","master","addrs":[...],"routes":[...]} */
int snap_capture(struct nl_sock *sk, const char *ifname, struct json_object **ret, char *err,
		 size_t errlen);

/* What share moves: every address except IPv6 link-local ones (the bridge
 * derives the same one from the same MAC), and every route through the
 * device that the kernel did not derive from an address. */
bool snap_addr_movable(struct json_object *a);
bool snap_route_movable(struct json_object *r, int ifindex);

/* Add or delete one recorded address on ifindex. The label follows the
 * device: "eth0:1" recorded on from_name becomes "ebr0:1" on to_name.
 * Returns 0 or a negative libnl error (nl_geterror). */
int snap_addr_apply(struct nl_sock *sk, struct json_object *a, int ifindex, const char *from_name,
		    const char *to_name, enum snap_op op);
/* Add or delete one recorded route with nexthops through from_idx moved
 * to to_idx. Adding never replaces: an existing equal route is -NLE_EXIST. */
int snap_route_apply(struct nl_sock *sk, struct json_object *r, int from_idx, int to_idx,
		     enum snap_op op);
/* Is there a route with the recorded key (family, table, dst, tos,
 * metric) through ifindex? 1, 0 or negative libnl error. */
int snap_route_present(struct nl_sock *sk, struct json_object *r, int ifindex);

/* "192.168.1.0/24 via 192.168.1.1 table 254 metric 0" */
void snap_route_describe(struct json_object *r, char *buf, size_t len);
void snap_addr_describe(struct json_object *a, char *buf, size_t len);

/* JSON accessors that tolerate missing keys. */
long long snap_int(struct json_object *o, const char *key, long long dflt);
const char *snap_str(struct json_object *o, const char *key);

#endif
