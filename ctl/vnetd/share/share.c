/* SPDX-License-Identifier: GPL-2.0-or-later */
/* share NIC: record the NIC, then create the bridge with its MAC and MTU,
 * put the NIC's addresses on the bridge, enslave the NIC, add its routes
 * on the bridge, and only then remove routes and addresses from the NIC.
 * Until the enslave the NIC still receives with its own addresses; after
 * it the bridge receives with the same ones; the NIC can send throughout,
 * so the host stays reachable and its connections survive. Any failure
 * undoes everything (share_undo.c). */
#include "share.h"

#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "nl/nl.h"
#include "netmgr/netmgr.h"
#include "share_priv.h"
#include "core/core.h"

/* Test hooks (vnetd-test only, test_hooks.h; tests/system/shared_nic.sh):
 * SHARE_FAIL=STEP (bridge|addr|enslave|route|nic) makes that step of a
 * share fail, to exercise the rollback; SHARE_CRASH=STEP kills the daemon
 * just before it, to exercise the recovery at the next start. */
static int forced(const char *step)
{
	const char *s = test_hook(TEST_HOOK_SHARE_FAIL);

	return s && !strcmp(s, step);
}

/* libnl's message, or the test hook's for a forced failure. */
static const char *nlerr(int r)
{
	if (r == -NLE_FAILURE && test_hook(TEST_HOOK_SHARE_FAIL))
		return "failure forced by a test hook";
	return nl_geterror(r);
}

static void crash_point(const char *step)
{
	const char *s = test_hook(TEST_HOOK_SHARE_CRASH);

	if (s && !strcmp(s, step)) {
		log_err("share: dying before step %s (test hook)", step);
		_exit(70);
	}
}

static int step_bridge(struct share_ctx *c)
{
	struct rtnl_link *l = rtnl_link_bridge_alloc();
	struct nl_addr *mac = NULL;
	int r = l ? nl_addr_parse(snap_str(c->snap, "mac"), AF_LLC, &mac) : -NLE_NOMEM;

	if (!r) {
		rtnl_link_set_name(l, c->bridge);
		rtnl_link_set_addr(l, mac);
		rtnl_link_set_mtu(l, snap_int(c->snap, "mtu", 1500));
		rtnl_link_set_flags(l, IFF_UP);
		r = forced("bridge") ? -NLE_FAILURE : rtnl_link_add(c->sk, l, NLM_F_CREATE | NLM_F_EXCL);
	}
	nl_addr_put(mac);
	rtnl_link_put(l);
	/* never the index of a device that had the name first (EXCL) */
	c->br_idx = r < 0 ? 0 : (int)if_nametoindex(c->bridge);
	if (r < 0 || !c->br_idx)
		return SHARE_ERR(c, "cannot create bridge %s: %s", c->bridge, nlerr(r)), -EIO;
	return 0;
}

void share_mark(const struct share_ctx *c, char *buf, size_t len)
{
	snprintf(buf, len, "vnet share %s", c->nic);
}

/* vnet's mark on the bridge (netlink.h): the undo removes only a marked
 * bridge, or the one the NIC is a port of. An unmarkable bridge goes now. */
static int step_mark(struct share_ctx *c)
{
	struct rtnl_link *l, *ch = rtnl_link_alloc();
	char mark[NL_MARK_MAX];
	int r = ch ? rtnl_link_get_kernel(c->sk, c->br_idx, NULL, &l) : -NLE_NOMEM;

	share_mark(c, mark, sizeof(mark));
	if (r >= 0) {
		rtnl_link_set_ifalias(ch, mark);
		r = rtnl_link_change(c->sk, l, ch, 0);
		if (r < 0)
			rtnl_link_delete(c->sk, l);
		rtnl_link_put(l);
	}
	rtnl_link_put(ch);
	if (r < 0)
		return SHARE_ERR(c, "cannot mark bridge %s as vnet's: %s", c->bridge, nlerr(r)),
		       -EIO;
	return 0;
}

static int step_addrs(struct share_ctx *c, int to_idx, const char *to, enum snap_op op)
{
	struct json_object *addrs = json_object_object_get(c->snap, "addrs");
	size_t n = json_object_array_length(addrs);
	char d[80];

	for (size_t k = 0; k < n; k++) {
		/* Deleting goes backwards: secondaries before their primary,
		 * which would otherwise take them along. */
		struct json_object *a = json_object_array_get_idx(addrs, op == SNAP_DEL ? n - 1 - k : k);
		int r;

		if (!snap_addr_movable(a))
			continue;
		r = forced(op == SNAP_DEL ? "nic" : "addr") ? -NLE_FAILURE
			: snap_addr_apply(c->sk, a, to_idx, c->nic, to, op);
		if (r == -NLE_EXIST || (op == SNAP_DEL && r == -NLE_NOADDR))
			r = 0;
		if (r < 0) {
			snap_addr_describe(a, d, sizeof(d));
			return SHARE_ERR(c, "cannot %s address %s %s %s: %s",
					 op == SNAP_DEL ? "remove" : "add", d,
					 op == SNAP_DEL ? "from" : "to", to, nlerr(r)), -EIO;
		}
	}
	return 0;
}

static int step_enslave(struct share_ctx *c)
{
	struct rtnl_link *l, *ch = rtnl_link_alloc();
	int r = ch ? rtnl_link_get_kernel(c->sk, c->nic_idx, NULL, &l) : -NLE_NOMEM;

	if (r >= 0) {
		rtnl_link_set_flags(ch, IFF_UP);
		r = rtnl_link_change(c->sk, l, ch, 0);
		rtnl_link_put(l);
	}
	rtnl_link_put(ch);
	if (r >= 0)
		r = forced("enslave") ? -NLE_FAILURE
				      : rtnl_link_enslave_ifindex(c->sk, c->br_idx, c->nic_idx);
	if (r < 0)
		return SHARE_ERR(c, "cannot make %s a port of %s: %s", c->nic, c->bridge,
				 nlerr(r)), -EIO;
	return 0;
}

/* Add every movable route on the bridge; a route whose gateway is reached
 * through another moved route waits for it (passes while progressing). */
static int step_routes_add(struct share_ctx *c)
{
	struct json_object *routes = json_object_object_get(c->snap, "routes");
	size_t n = json_object_array_length(routes), left = n, progress = 1;
	char *done = calloc(n + 1, 1), d[160] = "";
	size_t fail_at = n; /* forced failure: the last movable route */
	int last = 0;

	if (!done)
		return SHARE_ERR(c, "out of memory"), -ENOMEM;
	for (size_t i = 0; forced("route") && i < n; i++)
		if (snap_route_movable(json_object_array_get_idx(routes, i), c->nic_idx))
			fail_at = i;
	while (left && progress) {
		progress = left = 0;
		for (size_t i = 0; i < n; i++) {
			struct json_object *rt = json_object_array_get_idx(routes, i);
			int r;

			if (done[i] || !snap_route_movable(rt, c->nic_idx))
				continue;
			r = i == fail_at ? -NLE_FAILURE
				: snap_route_apply(c->sk, rt, c->nic_idx, c->br_idx, SNAP_ADD_MOVED);
			if (r == 0 || r == -NLE_EXIST) {
				done[i] = 1;
				progress++;
			} else {
				left++;
				last = r;
				snap_route_describe(rt, d, sizeof(d));
			}
		}
	}
	free(done);
	if (left)
		return SHARE_ERR(c, "cannot move route %s to %s: %s", d, c->bridge,
				 nlerr(last)), -EIO;
	return 0;
}

static int step_routes_del(struct share_ctx *c)
{
	struct json_object *routes = json_object_object_get(c->snap, "routes");
	char d[160];

	for (size_t i = 0; i < json_object_array_length(routes); i++) {
		struct json_object *rt = json_object_array_get_idx(routes, i);
		int r;

		if (!snap_route_movable(rt, c->nic_idx))
			continue;
		r = snap_route_apply(c->sk, rt, c->nic_idx, c->nic_idx, SNAP_DEL);
		if (r < 0 && r != -NLE_OBJ_NOTFOUND) {
			snap_route_describe(rt, d, sizeof(d));
			return SHARE_ERR(c, "cannot remove route %s from %s: %s", d, c->nic,
					 nlerr(r)), -EIO;
		}
	}
	return 0;
}

static int check_nic(struct share_ctx *c)
{
	const char *kind = snap_str(c->snap, "kind");

	c->nic_idx = snap_int(c->snap, "ifindex", 0);
	if (snap_int(c->snap, "master", 0))
		return SHARE_ERR(c, "%s is already a port of another device", c->nic), -EBUSY;
	if (kind && (!strcmp(kind, "bridge") || !strcmp(kind, "bond")))
		return SHARE_ERR(c, "%s is a %s; share one of its ports instead", c->nic, kind),
		       -EINVAL;
	if (if_nametoindex(c->bridge))
		return SHARE_ERR(c, "device %s already exists", c->bridge), -EEXIST;
	return 0;
}

static int do_share(struct share_ctx *c)
{
	int r = step_bridge(c);

	if (!r)
		r = step_mark(c);
	if (!r)
		r = step_addrs(c, c->br_idx, c->bridge, SNAP_ADD_MOVED);
	if (!r)
		r = step_enslave(c);
	if (!r)
		crash_point("route");
	if (!r)
		r = step_routes_add(c);
	if (!r)
		r = step_routes_del(c);
	if (!r)
		r = step_addrs(c, c->nic_idx, c->nic, SNAP_DEL);
	return r;
}

static void rollback(struct share_ctx *c)
{
	char why[256];
	size_t n = strlen(c->err);

	if (share_undo(c, why, sizeof(why)))
		snprintf(c->err + n, c->errlen - n, "; rollback incomplete: %s", why);
	else
		snprintf(c->err + n, c->errlen - n, "; rolled back");
	share_record_remove(c->state_dir, c->nic);
}

static void prefix_err(char *err, size_t errlen, const char *nic)
{
	char prefix[64];
	size_t n;

	if (!strncmp(err, "share ", 6))
		return;
	n = snprintf(prefix, sizeof(prefix), "share %s: ", nic);
	memmove(err + n, err, errlen - n - 1);
	memcpy(err, prefix, n);
	err[errlen - 1] = '\0';
}

int share_do(const char *state_dir, const char *nic, const char *bridge, int *ret_idx,
	     char *err, size_t errlen)
{
	struct share_ctx c = { .state_dir = state_dir, .err = err, .errlen = errlen };
	int r;

	if (strlen(nic) >= IFNAMSIZ || strlen(bridge) >= IFNAMSIZ || !strcmp(nic, bridge))
		return snprintf(err, errlen, "share: invalid device names"), -EINVAL;
	snprintf(c.nic, sizeof(c.nic), "%s", nic);
	snprintf(c.bridge, sizeof(c.bridge), "%s", bridge);
	if (share_record_read(state_dir, nic, &c.snap) == 0) {
		json_object_put(c.snap);
		return snprintf(err, errlen, "share %s: already shared", nic), -EALREADY;
	}
	c.snap = NULL;
	if (share_sock_open(&c.sk))
		return snprintf(err, errlen, "share: cannot open a netlink socket"), -EIO;
	r = snap_capture(c.sk, nic, &c.snap, err, errlen);
	if (!r)
		r = check_nic(&c);
	if (!r && (r = share_record_write(&c, "sharing")))
		snprintf(err, errlen, "cannot record the state of %s: %s", nic, strerror(-r));
	else if (!r && (r = do_share(&c)))
		rollback(&c);
	else if (!r && (r = share_record_write(&c, "shared")))
		snprintf(err, errlen, "cannot record the share of %s: %s", nic, strerror(-r)),
			rollback(&c);
	if (r)
		prefix_err(err, errlen, nic);
	else
		log_info("shared %s on bridge %s", nic, bridge);
	*ret_idx = c.nic_idx;
	json_object_put(c.snap);
	nl_socket_free(c.sk);
	return r;
}

int share_iface(struct netmgr *m, const char *nic, const char *bridge, char *err, size_t errlen)
{
	int idx = 0, r = share_do(m->paths.state_dir, nic, bridge ? bridge : SHARE_DEFAULT_BRIDGE,
				  &idx, err, errlen);

	if (!r)
		share_rehome(m, idx, bridge ? bridge : SHARE_DEFAULT_BRIDGE);
	return r;
}
