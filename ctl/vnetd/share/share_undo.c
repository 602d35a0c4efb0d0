/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Putting a shared NIC back exactly as its snapshot recorded it. Used by
 * unshare, by the rollback of a failed share and at daemon start. The
 * order keeps the host reachable: addresses and routes go back on the NIC
 * while the bridge still carries them (the NIC can send meanwhile), then
 * the NIC leaves the bridge (it receives again) and the bridge goes. */
#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"
#include "nl/nl.h"
#include "share_priv.h"

/* Keep the first problem only. */
#define WHY(...) (void)(why[0] || snprintf(why, whylen, __VA_ARGS__))

static int link_change(struct share_ctx *c, int ifindex, struct rtnl_link *change)
{
	struct rtnl_link *l;
	int r = rtnl_link_get_kernel(c->sk, ifindex, NULL, &l);

	if (r < 0)
		return r;
	r = rtnl_link_change(c->sk, l, change, 0);
	rtnl_link_put(l);
	return r;
}

static int set_up(struct share_ctx *c, int ifindex, int up)
{
	struct rtnl_link *ch = rtnl_link_alloc();
	int r;

	if (!ch)
		return -NLE_NOMEM;
	if (up)
		rtnl_link_set_flags(ch, IFF_UP);
	else
		rtnl_link_unset_flags(ch, IFF_UP);
	r = link_change(c, ifindex, ch);
	rtnl_link_put(ch);
	return r;
}

/* MAC and MTU as recorded (only what differs: some drivers refuse a MAC
 * change while up even to the same value). */
static int restore_link(struct share_ctx *c, char *why, size_t whylen)
{
	struct rtnl_link *l, *ch = rtnl_link_alloc();
	struct nl_addr *mac = NULL;
	int r = ch ? rtnl_link_get_kernel(c->sk, c->nic_idx, NULL, &l) : -NLE_NOMEM, dirty = 0;

	if (r < 0) {
		rtnl_link_put(ch);
		return WHY("cannot read %s: %s", c->nic, nl_geterror(r)), r;
	}
	if (nl_addr_parse(snap_str(c->snap, "mac"), AF_LLC, &mac) == 0 &&
	    nl_addr_cmp(mac, rtnl_link_get_addr(l))) {
		rtnl_link_set_addr(ch, mac);
		dirty = 1;
	}
	if (rtnl_link_get_mtu(l) != (unsigned)snap_int(c->snap, "mtu", rtnl_link_get_mtu(l))) {
		rtnl_link_set_mtu(ch, snap_int(c->snap, "mtu", 1500));
		dirty = 1;
	}
	r = dirty ? rtnl_link_change(c->sk, l, ch, 0) : 0;
	if (r < 0)
		WHY("cannot restore MAC/MTU of %s: %s", c->nic, nl_geterror(r));
	nl_addr_put(mac);
	rtnl_link_put(ch);
	rtnl_link_put(l);
	return r;
}

static void restore_addrs(struct share_ctx *c, char *why, size_t whylen)
{
	struct json_object *addrs;
	char d[80];

	if (!json_object_object_get_ex(c->snap, "addrs", &addrs))
		return;
	for (size_t i = 0; i < json_object_array_length(addrs); i++) {
		struct json_object *a = json_object_array_get_idx(addrs, i);
		int r = snap_addr_apply(c->sk, a, c->nic_idx, NULL, NULL, SNAP_ADD);

		if (r < 0 && r != -NLE_EXIST) {
			snap_addr_describe(a, d, sizeof(d));
			WHY("cannot restore address %s on %s: %s", d, c->nic, nl_geterror(r));
		}
	}
}

/* Routes whose gateway is reached through another recorded route need that
 * one first: repeat passes while they make progress. */
static void restore_routes(struct share_ctx *c, char *why, size_t whylen)
{
	struct json_object *routes;
	size_t n, left, progress = 1;
	char d[160] = "";
	int last = 0;

	if (!json_object_object_get_ex(c->snap, "routes", &routes))
		return;
	n = json_object_array_length(routes);
	for (left = n; left && progress;) {
		progress = 0;
		left = 0;
		for (size_t i = 0; i < n; i++) {
			struct json_object *rt = json_object_array_get_idx(routes, i);
			int r;

			if (!snap_route_movable(rt, c->nic_idx) ||
			    snap_route_present(c->sk, rt, c->nic_idx) > 0)
				continue;
			r = snap_route_apply(c->sk, rt, c->nic_idx, c->nic_idx, SNAP_ADD);
			if (r == 0 || r == -NLE_EXIST) {
				progress++;
				continue;
			}
			left++;
			last = r;
			snap_route_describe(rt, d, sizeof(d));
		}
	}
	if (left)
		WHY("cannot restore route %s on %s: %s", d, c->nic, nl_geterror(last));
}

static int master_of(struct share_ctx *c, int ifindex)
{
	struct rtnl_link *l;
	int m;

	if (rtnl_link_get_kernel(c->sk, ifindex, NULL, &l) < 0)
		return 0;
	m = rtnl_link_get_master(l);
	rtnl_link_put(l);
	return m;
}

/* Remove the share's bridge: one carrying our mark, or, unmarked (a share
 * made before bridges were marked), the one the NIC was a port of when the
 * undo began. A device that took the name otherwise is left alone. */
static void remove_bridge(struct share_ctx *c, int nic_port_of, char *why, size_t whylen)
{
	struct rtnl_link *l;
	char mark[NL_MARK_MAX];
	const char *alias;
	int r, ours, idx = if_nametoindex(c->bridge);

	if (!idx)
		return;
	if (rtnl_link_get_kernel(c->sk, idx, NULL, &l) < 0)
		return;
	share_mark(c, mark, sizeof(mark));
	alias = rtnl_link_get_ifalias(l);
	ours = (alias && !strcmp(alias, mark)) || ((!alias || !alias[0]) && idx == nic_port_of);
	r = ours && rtnl_link_is_bridge(l) ? rtnl_link_delete(c->sk, l) : 0;
	if (!ours)
		WHY("%s is not the bridge vnet made; left alone", c->bridge);
	else if (!rtnl_link_is_bridge(l))
		WHY("%s is no longer a bridge; left alone", c->bridge);
	else if (r < 0)
		WHY("cannot delete bridge %s: %s", c->bridge, nl_geterror(r));
	rtnl_link_put(l);
}

int share_undo(struct share_ctx *c, char *why, size_t whylen)
{
	int br = if_nametoindex(c->bridge), port_of;

	why[0] = '\0';
	c->nic_idx = snap_int(c->snap, "ifindex", 0);
	if (!c->nic_idx || (int)if_nametoindex(c->nic) != c->nic_idx) {
		WHY("%s is gone; removing the bridge only", c->nic);
		remove_bridge(c, 0, why, whylen);
		return -ENODEV;
	}
	port_of = master_of(c, c->nic_idx);
	restore_link(c, why, whylen);
	set_up(c, c->nic_idx, 1); /* routes can only go on an up device */
	restore_addrs(c, why, whylen);
	restore_routes(c, why, whylen);
	if (br && br == master_of(c, c->nic_idx) &&
	    rtnl_link_release_ifindex(c->sk, c->nic_idx) < 0)
		WHY("cannot release %s from %s", c->nic, c->bridge);
	remove_bridge(c, port_of, why, whylen);
	restore_link(c, why, whylen);
	if (!json_object_get_boolean(json_object_object_get(c->snap, "up")))
		set_up(c, c->nic_idx, 0);
	return why[0] ? -EIO : 0;
}
