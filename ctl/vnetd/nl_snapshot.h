/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A snapshot of one network device as JSON (link: MAC, MTU, up state;
 * every address; every route through it in every table, both families),
 * and the operations that move its objects to another device and back.
 * Used by share.c; through libnl-route-3 on the caller's socket. */
#ifndef VNET_NL_SNAPSHOT_H
#define VNET_NL_SNAPSHOT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

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
