/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capturing a device's link, addresses and routes as JSON, and replaying
 * them onto another device (or back). The JSON is the on-disk record of a
 * share, so every field needed to rebuild an object is kept explicitly. */
#include "nl.h"
#include "core/core.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <string.h>


long long snap_int(struct json_object *o, const char *key, long long dflt)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : dflt;
}

const char *snap_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

/* Binary address to text; a zero-length address (default route) is the
 * all-zero address of its family. */
static void addr_text(struct nl_addr *a, int family, char *buf, size_t len)
{
	unsigned char zero[16] = { 0 };
	const void *bin = a && nl_addr_get_len(a) ? nl_addr_get_binary_addr(a) : zero;

	if (!inet_ntop(family, bin, buf, len))
		snprintf(buf, len, "?");
}

static void put_addr(struct json_object *o, const char *key, struct nl_addr *a, int family)
{
	char buf[INET6_ADDRSTRLEN];

	if (!a)
		return;
	addr_text(a, family, buf, sizeof(buf));
	json_object_object_add(o, key, json_object_new_string(buf));
}

static void put_int(struct json_object *o, const char *key, long long v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static struct json_object *addr_json(struct rtnl_addr *a)
{
	struct json_object *o = json_object_new_object();
	int fam = rtnl_addr_get_family(a);

	put_int(o, "family", fam);
	put_addr(o, "local", rtnl_addr_get_local(a), fam);
	put_int(o, "prefixlen", rtnl_addr_get_prefixlen(a));
	if (rtnl_addr_get_peer(a) && nl_addr_cmp(rtnl_addr_get_peer(a), rtnl_addr_get_local(a)))
		put_addr(o, "peer", rtnl_addr_get_peer(a), fam);
	put_addr(o, "broadcast", rtnl_addr_get_broadcast(a), fam);
	put_int(o, "scope", rtnl_addr_get_scope(a));
	put_int(o, "flags", rtnl_addr_get_flags(a));
	if (rtnl_addr_get_label(a))
		json_object_object_add(o, "label", json_object_new_string(rtnl_addr_get_label(a)));
	put_int(o, "valid_lft", rtnl_addr_get_valid_lifetime(a));
	put_int(o, "preferred_lft", rtnl_addr_get_preferred_lifetime(a));
	return o;
}

static struct json_object *nexthop_json(struct rtnl_nexthop *nh, int fam)
{
	struct json_object *o = json_object_new_object();

	put_int(o, "ifindex", rtnl_route_nh_get_ifindex(nh));
	put_addr(o, "gateway", rtnl_route_nh_get_gateway(nh), fam);
	put_int(o, "weight", rtnl_route_nh_get_weight(nh));
	put_int(o, "flags", rtnl_route_nh_get_flags(nh) & RTNH_F_ONLINK);
	put_int(o, "realms", rtnl_route_nh_get_realms(nh));
	return o;
}

static struct json_object *route_metrics_json(struct rtnl_route *r)
{
	struct json_object *m = json_object_new_object();
	char key[8];
	uint32_t v;

	for (int i = 1; i <= RTAX_MAX; i++) {
		if (rtnl_route_get_metric(r, i, &v) == 0) {
			snprintf(key, sizeof(key), "%d", i);
			put_int(m, key, v);
		}
	}
	return m;
}

static struct json_object *route_json(struct rtnl_route *r)
{
	struct json_object *o = json_object_new_object(), *nhs = json_object_new_array();
	int fam = rtnl_route_get_family(r);

	put_int(o, "family", fam);
	put_int(o, "table", rtnl_route_get_table(r));
	put_addr(o, "dst", rtnl_route_get_dst(r), fam);
	put_int(o, "dst_len", nl_addr_get_prefixlen(rtnl_route_get_dst(r)));
	if (rtnl_route_get_src(r) && nl_addr_get_prefixlen(rtnl_route_get_src(r))) {
		put_addr(o, "src", rtnl_route_get_src(r), fam);
		put_int(o, "src_len", nl_addr_get_prefixlen(rtnl_route_get_src(r)));
	}
	put_addr(o, "prefsrc", rtnl_route_get_pref_src(r), fam);
	put_int(o, "type", rtnl_route_get_type(r));
	put_int(o, "protocol", rtnl_route_get_protocol(r));
	put_int(o, "scope", rtnl_route_get_scope(r));
	put_int(o, "priority", rtnl_route_get_priority(r));
	put_int(o, "tos", rtnl_route_get_tos(r));
	put_int(o, "flags", rtnl_route_get_flags(r));
	json_object_object_add(o, "metrics", route_metrics_json(r));
	for (int i = 0; i < rtnl_route_get_nnexthops(r); i++)
		json_object_array_add(nhs, nexthop_json(rtnl_route_nexthop_n(r, i), fam));
	json_object_object_add(o, "nexthops", nhs);
	return o;
}

static int route_uses(struct rtnl_route *r, int ifindex)
{
	for (int i = 0; i < rtnl_route_get_nnexthops(r); i++)
		if (rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(r, i)) == ifindex)
			return 1;
	return 0;
}

static int capture_link(struct nl_sock *sk, const char *ifname, struct json_object *o, char *err,
			size_t errlen)
{
	struct rtnl_link *l;
	struct nl_addr *mac;
	char buf[32];
	int r = rtnl_link_get_kernel(sk, 0, ifname, &l);

	if (r < 0)
		return ERR("device %s: %s", ifname, nl_geterror(r)), r;
	mac = rtnl_link_get_addr(l);
	if (!mac || nl_addr_get_len(mac) != 6 || rtnl_link_get_arptype(l) != ARPHRD_ETHER ||
	    (rtnl_link_get_flags(l) & IFF_LOOPBACK)) {
		rtnl_link_put(l);
		return ERR("%s is not an Ethernet device", ifname), -NLE_INVAL;
	}
	json_object_object_add(o, "ifname", json_object_new_string(ifname));
	put_int(o, "ifindex", rtnl_link_get_ifindex(l));
	json_object_object_add(o, "mac", json_object_new_string(nl_addr2str(mac, buf, sizeof(buf))));
	put_int(o, "mtu", rtnl_link_get_mtu(l));
	json_object_object_add(o, "up", json_object_new_boolean(rtnl_link_get_flags(l) & IFF_UP));
	put_int(o, "master", rtnl_link_get_master(l));
	json_object_object_add(o, "kind", json_object_new_string(rtnl_link_get_type(l) ?
								 rtnl_link_get_type(l) : ""));
	rtnl_link_put(l);
	return 0;
}

static int capture_objs(struct nl_sock *sk, int ifindex, struct json_object *o)
{
	struct json_object *addrs = json_object_new_array(), *routes = json_object_new_array();
	struct nl_cache *ac = NULL, *rc = NULL;
	struct nl_object *obj;
	int r = rtnl_addr_alloc_cache(sk, &ac);

	if (r >= 0)
		r = rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &rc);
	for (obj = r >= 0 ? nl_cache_get_first(ac) : NULL; obj; obj = nl_cache_get_next(obj))
		if (rtnl_addr_get_ifindex((struct rtnl_addr *)obj) == ifindex)
			json_object_array_add(addrs, addr_json((struct rtnl_addr *)obj));
	for (obj = r >= 0 ? nl_cache_get_first(rc) : NULL; obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_route *rt = (struct rtnl_route *)obj;

		if (route_uses(rt, ifindex) && !(rtnl_route_get_flags(rt) & RTM_F_CLONED))
			json_object_array_add(routes, route_json(rt));
	}
	json_object_object_add(o, "addrs", addrs);
	json_object_object_add(o, "routes", routes);
	nl_cache_free(ac);
	nl_cache_free(rc);
	return r < 0 ? r : 0;
}

int snap_capture(struct nl_sock *sk, const char *ifname, struct json_object **ret, char *err,
		 size_t errlen)
{
	struct json_object *o = json_object_new_object();
	int r = capture_link(sk, ifname, o, err, errlen);

	if (!r) {
		r = capture_objs(sk, snap_int(o, "ifindex", 0), o);
		if (r)
			ERR("cannot read addresses and routes: %s", nl_geterror(r));
	}
	if (r) {
		json_object_put(o);
		return r;
	}
	*ret = o;
	return 0;
}

bool snap_addr_movable(struct json_object *a)
{
	return !(snap_int(a, "family", 0) == AF_INET6 && snap_int(a, "scope", 0) == RT_SCOPE_LINK);
}

bool snap_route_movable(struct json_object *r, int ifindex)
{
	struct json_object *nhs;

	if (snap_int(r, "protocol", 0) == RTPROT_KERNEL)
		return false; /* follows the address it was derived from */
	if (!json_object_object_get_ex(r, "nexthops", &nhs))
		return false;
	for (size_t i = 0; i < json_object_array_length(nhs); i++)
		if (snap_int(json_object_array_get_idx(nhs, i), "ifindex", 0) == ifindex)
			return true;
	return false;
}
