/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replaying recorded addresses and routes (nl_snapshot.c's JSON) onto a
 * device: the same object, only the device (and an address label that
 * names it) changed. */
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"

#define ADDR_STATE_FLAGS (IFA_F_SECONDARY | IFA_F_TENTATIVE | IFA_F_DADFAILED | \
			  IFA_F_DEPRECATED | IFA_F_PERMANENT)

static struct nl_addr *addr_from(struct json_object *o, const char *key, int family, int plen)
{
	unsigned char bin[16];
	const char *s = snap_str(o, key);
	struct nl_addr *a;

	if (!s || inet_pton(family, s, bin) != 1)
		return NULL;
	a = nl_addr_build(family, bin, family == AF_INET ? 4 : 16);
	if (a && plen >= 0)
		nl_addr_set_prefixlen(a, plen);
	return a;
}

/* Set an optional address attribute; the setters take their own ref. */
static void set_addr(struct json_object *o, const char *key, int fam, int plen, void *obj,
		     int (*set)(void *, struct nl_addr *))
{
	struct nl_addr *a = addr_from(o, key, fam, plen);

	if (a)
		set(obj, a);
	nl_addr_put(a);
}

static void relabel(struct rtnl_addr *ra, const char *label, const char *from, const char *to)
{
	char buf[IFNAMSIZ];
	size_t n = from ? strlen(from) : 0;

	if (!label)
		return;
	if (from && to && !strncmp(label, from, n) && (!label[n] || label[n] == ':'))
		snprintf(buf, sizeof(buf), "%s%s", to, label + n);
	else
		snprintf(buf, sizeof(buf), "%s", label);
	rtnl_addr_set_label(ra, buf);
}

static struct rtnl_addr *addr_build(struct json_object *a, int ifindex, const char *from,
				    const char *to, enum snap_op op)
{
	int fam = snap_int(a, "family", AF_INET), plen = snap_int(a, "prefixlen", 0);
	unsigned flags = snap_int(a, "flags", 0) & ~ADDR_STATE_FLAGS;
	struct rtnl_addr *ra = rtnl_addr_alloc();

	if (!ra)
		return NULL;
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_family(ra, fam);
	set_addr(a, "local", fam, plen, ra, (int (*)(void *, struct nl_addr *))rtnl_addr_set_local);
	set_addr(a, "peer", fam, plen, ra, (int (*)(void *, struct nl_addr *))rtnl_addr_set_peer);
	rtnl_addr_set_prefixlen(ra, plen);
	if (op == SNAP_DEL)
		return ra;
	set_addr(a, "broadcast", fam, -1, ra,
		 (int (*)(void *, struct nl_addr *))rtnl_addr_set_broadcast);
	rtnl_addr_set_scope(ra, snap_int(a, "scope", 0));
	if (op == SNAP_ADD_MOVED && fam == AF_INET6)
		flags |= IFA_F_NODAD;
	rtnl_addr_set_flags(ra, flags);
	relabel(ra, snap_str(a, "label"), from, to);
	rtnl_addr_set_valid_lifetime(ra, snap_int(a, "valid_lft", 0xffffffffu));
	rtnl_addr_set_preferred_lifetime(ra, snap_int(a, "preferred_lft", 0xffffffffu));
	return ra;
}

int snap_addr_apply(struct nl_sock *sk, struct json_object *a, int ifindex, const char *from_name,
		    const char *to_name, enum snap_op op)
{
	struct rtnl_addr *ra = addr_build(a, ifindex, from_name, to_name, op);
	int r;

	if (!ra)
		return -NLE_NOMEM;
	if (!rtnl_addr_get_local(ra)) {
		rtnl_addr_put(ra);
		return -NLE_INVAL;
	}
	r = op == SNAP_DEL ? rtnl_addr_delete(sk, ra, 0) : rtnl_addr_add(sk, ra, 0);
	rtnl_addr_put(ra);
	return r;
}

static int add_nexthops(struct rtnl_route *rt, struct json_object *r, int fam, int from, int to)
{
	struct json_object *nhs;

	if (!json_object_object_get_ex(r, "nexthops", &nhs))
		return -NLE_INVAL;
	for (size_t i = 0; i < json_object_array_length(nhs); i++) {
		struct json_object *j = json_object_array_get_idx(nhs, i);
		struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
		struct nl_addr *gw = addr_from(j, "gateway", fam, -1);
		int idx = snap_int(j, "ifindex", 0);

		if (!nh) {
			nl_addr_put(gw);
			return -NLE_NOMEM;
		}
		rtnl_route_nh_set_ifindex(nh, idx == from ? to : idx);
		if (gw)
			rtnl_route_nh_set_gateway(nh, gw);
		nl_addr_put(gw);
		rtnl_route_nh_set_weight(nh, snap_int(j, "weight", 0));
		if (snap_int(j, "flags", 0))
			rtnl_route_nh_set_flags(nh, snap_int(j, "flags", 0));
		if (snap_int(j, "realms", 0))
			rtnl_route_nh_set_realms(nh, snap_int(j, "realms", 0));
		rtnl_route_add_nexthop(rt, nh);
	}
	return 0;
}

static void set_metrics(struct rtnl_route *rt, struct json_object *r)
{
	struct json_object *m;

	if (!json_object_object_get_ex(r, "metrics", &m))
		return;
	json_object_object_foreach(m, k, v)
		rtnl_route_set_metric(rt, atoi(k), json_object_get_int64(v));
}

static struct rtnl_route *route_build(struct json_object *r, int from, int to)
{
	int fam = snap_int(r, "family", AF_INET);
	struct rtnl_route *rt = rtnl_route_alloc();
	struct nl_addr *dst = addr_from(r, "dst", fam, snap_int(r, "dst_len", 0));

	if (!rt || !dst)
		goto fail;
	rtnl_route_set_family(rt, fam);
	rtnl_route_set_table(rt, snap_int(r, "table", RT_TABLE_MAIN));
	rtnl_route_set_dst(rt, dst);
	set_addr(r, "src", fam, snap_int(r, "src_len", 0), rt,
		 (int (*)(void *, struct nl_addr *))rtnl_route_set_src);
	set_addr(r, "prefsrc", fam, -1, rt,
		 (int (*)(void *, struct nl_addr *))rtnl_route_set_pref_src);
	rtnl_route_set_type(rt, snap_int(r, "type", RTN_UNICAST));
	rtnl_route_set_protocol(rt, snap_int(r, "protocol", RTPROT_BOOT));
	rtnl_route_set_scope(rt, snap_int(r, "scope", RT_SCOPE_UNIVERSE));
	rtnl_route_set_priority(rt, snap_int(r, "priority", 0));
	rtnl_route_set_tos(rt, snap_int(r, "tos", 0));
	if (snap_int(r, "flags", 0) & RTNH_F_ONLINK)
		rtnl_route_set_flags(rt, RTNH_F_ONLINK);
	set_metrics(rt, r);
	if (add_nexthops(rt, r, fam, from, to))
		goto fail;
	nl_addr_put(dst);
	return rt;
fail:
	nl_addr_put(dst);
	rtnl_route_put(rt);
	return NULL;
}

int snap_route_apply(struct nl_sock *sk, struct json_object *r, int from_idx, int to_idx,
		     enum snap_op op)
{
	struct rtnl_route *rt = route_build(r, from_idx, to_idx);
	int ret;

	if (!rt)
		return -NLE_INVAL;
	/* No NLM_F_EXCL, no NLM_F_APPEND: an IPv4 route of the same key is
	 * prepended, so the moved route takes over before the old goes. */
	ret = op == SNAP_DEL ? rtnl_route_delete(sk, rt, 0) : rtnl_route_add(sk, rt, NLM_F_CREATE);
	rtnl_route_put(rt);
	return ret;
}

static int route_matches(struct rtnl_route *have, struct rtnl_route *want, int ifindex)
{
	if (rtnl_route_get_table(have) != rtnl_route_get_table(want) ||
	    rtnl_route_get_tos(have) != rtnl_route_get_tos(want) ||
	    rtnl_route_get_priority(have) != rtnl_route_get_priority(want) ||
	    nl_addr_get_prefixlen(rtnl_route_get_dst(have)) !=
		    nl_addr_get_prefixlen(rtnl_route_get_dst(want)))
		return 0;
	if (nl_addr_get_prefixlen(rtnl_route_get_dst(want)) &&
	    nl_addr_cmp_prefix(rtnl_route_get_dst(have), rtnl_route_get_dst(want)))
		return 0;
	for (int i = 0; i < rtnl_route_get_nnexthops(have); i++)
		if (rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(have, i)) == ifindex)
			return 1;
	return 0;
}

int snap_route_present(struct nl_sock *sk, struct json_object *r, int ifindex)
{
	struct rtnl_route *want = route_build(r, ifindex, ifindex);
	struct nl_cache *c;
	struct nl_object *o;
	int found = 0, ret;

	if (!want)
		return -NLE_INVAL;
	ret = rtnl_route_alloc_cache(sk, rtnl_route_get_family(want), 0, &c);
	if (ret < 0) {
		rtnl_route_put(want);
		return ret;
	}
	for (o = nl_cache_get_first(c); o && !found; o = nl_cache_get_next(o))
		found = route_matches((struct rtnl_route *)o, want, ifindex);
	nl_cache_free(c);
	rtnl_route_put(want);
	return found;
}

void snap_route_describe(struct json_object *r, char *buf, size_t len)
{
	struct json_object *nhs, *nh = NULL;
	const char *gw = NULL;

	if (json_object_object_get_ex(r, "nexthops", &nhs))
		nh = json_object_array_get_idx(nhs, 0);
	if (nh)
		gw = snap_str(nh, "gateway");
	if (!snap_int(r, "dst_len", 0))
		snprintf(buf, len, "default%s%s table %lld metric %lld", gw ? " via " : "",
			 gw ? gw : "", snap_int(r, "table", 0), snap_int(r, "priority", 0));
	else
		snprintf(buf, len, "%s/%lld%s%s table %lld metric %lld", snap_str(r, "dst"),
			 snap_int(r, "dst_len", 0), gw ? " via " : "", gw ? gw : "",
			 snap_int(r, "table", 0), snap_int(r, "priority", 0));
}

void snap_addr_describe(struct json_object *a, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%lld", snap_str(a, "local") ? snap_str(a, "local") : "?",
		 snap_int(a, "prefixlen", 0));
}
