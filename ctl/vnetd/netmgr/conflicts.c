/* SPDX-License-Identifier: GPL-2.0-or-later */
/* net-start's safety checks on a real host (issue 17.3): a network's
 * subnets (every <ip>, both families) must not be configured on a host
 * device, routed by the host, or used by another active vnet network --
 * libvirt checks at start, not at define, so that two inactive
 * definitions may share a subnet. The error names the device or network. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "netmgr.h"
#include "nl/nl.h"
#include "util/util.h"

/* The network's own prefixes: every <ip>, or the primary one of a
 * definition built without ips[] (hand-made, older stores). */
static size_t own_prefixes(const struct netdef *d, struct nl_prefix *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n_ips && n < max; i++) {
		out[n] = (struct nl_prefix){ .prefix = d->ips[i].prefix };
		out[n].addr.family = d->ips[i].family;
		out[n].addr.v4 = d->ips[i].addr4;
		out[n].addr.v6 = d->ips[i].addr6;
		n++;
	}
	if (!n && d->has_ip) {
		out[0] = (struct nl_prefix){ .prefix = d->prefix };
		out[0].addr.family = AF_INET;
		out[0].addr.v4 = d->ip;
		n = 1;
	}
	return n;
}

static const uint8_t *addr_bytes(const struct netdef_addr *a)
{
	return a->family == AF_INET ? (const uint8_t *)&a->v4 : (const uint8_t *)&a->v6;
}

/* Do the two prefixes share an address (one contains the other)? */
static bool overlaps(const struct nl_prefix *a, const struct nl_prefix *b)
{
	const uint8_t *x = addr_bytes(&a->addr), *y = addr_bytes(&b->addr);
	unsigned bits = a->prefix < b->prefix ? a->prefix : b->prefix;

	if (a->addr.family != b->addr.family)
		return false;
	for (unsigned i = 0; i < bits / 8; i++)
		if (x[i] != y[i])
			return false;
	if (bits % 8) {
		uint8_t m = (uint8_t)(0xff << (8 - bits % 8));

		return (x[bits / 8] & m) == (y[bits / 8] & m);
	}
	return true;
}

static void prefix_format(const struct nl_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(p->addr.family, addr_bytes(&p->addr), a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->prefix);
}

/* Not a claim on a subnet: IPv6 link-local (every device has fe80::/64),
 * multicast, loopback. */
static bool ignorable(const struct nl_prefix *p)
{
	const uint8_t *b = addr_bytes(&p->addr);

	if (p->addr.family == AF_INET)
		return b[0] == 127 || b[0] >= 224;
	return (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b[0] == 0xff ||
	       IN6_IS_ADDR_LOOPBACK(&p->addr.v6);
}

struct host_walk {
	const struct nl_prefix *own;
	size_t n_own;
	int skip_ifindex;	/* the network's own bridge (a resumed network) */
	const char *what;	/* "configured on" / "routed" */
	char *err;
	size_t errlen;
};

static int host_one(void *ctx, const struct nl_prefix *p)
{
	struct host_walk *w = ctx;
	char mine[64], theirs[64], dev[IF_NAMESIZE] = "?";

	if ((w->skip_ifindex && p->ifindex == w->skip_ifindex) || ignorable(p))
		return 0;
	for (size_t i = 0; i < w->n_own; i++) {
		if (!overlaps(&w->own[i], p))
			continue;
		prefix_format(&w->own[i], mine, sizeof(mine));
		prefix_format(p, theirs, sizeof(theirs));
		if (p->ifindex)
			if_indextoname(p->ifindex, dev);
		snprintf(w->err, w->errlen, "subnet of %s is already %s the host: %s on %s", mine,
			 w->what, theirs, dev);
		return -EADDRINUSE;
	}
	return 0;
}

struct route_walk {
	const struct netdef *d;
	int skip_ifindex;
	char *err;
	size_t errlen;
};

/* A <route> whose destination the host already routes elsewhere: adding
 * it would fail or shadow the host's; refused, named. */
static int route_one(void *ctx, const struct nl_prefix *p)
{
	struct route_walk *w = ctx;
	char dst[64], dev[IF_NAMESIZE] = "?";

	if (w->skip_ifindex && p->ifindex == w->skip_ifindex)
		return 0;
	for (size_t i = 0; i < w->d->n_routes; i++) {
		const struct netdef_route *r = &w->d->routes[i];
		struct nl_prefix mine = { .addr = r->addr, .prefix = r->prefix };

		if (r->prefix != p->prefix || !overlaps(&mine, p))
			continue;
		prefix_format(&mine, dst, sizeof(dst));
		if (p->ifindex)
			if_indextoname(p->ifindex, dev);
		snprintf(w->err, w->errlen, "<route> %s is already routed by the host on %s", dst,
			 dev);
		return -EADDRINUSE;
	}
	return 0;
}

static int check_networks(struct network *n, const struct nl_prefix *own, size_t n_own,
			  char *err, size_t errlen)
{
	struct nl_prefix other[NETDEF_MAX_IPS];
	char mine[64], theirs[64];

	for (size_t i = 0; i < n->mgr->n_nets; i++) {
		struct network *o = n->mgr->nets[i];
		size_t k;

		if (o == n || o->state != NETWORK_ACTIVE || o->def->mode == NETDEF_MODE_BRIDGE)
			continue;
		k = own_prefixes(o->def, other, NETDEF_MAX_IPS);
		for (size_t a = 0; a < n_own; a++)
			for (size_t b = 0; b < k; b++) {
				if (!overlaps(&own[a], &other[b]))
					continue;
				prefix_format(&own[a], mine, sizeof(mine));
				prefix_format(&other[b], theirs, sizeof(theirs));
				return ERR("subnet of %s overlaps %s of active network %s (bridge %s)",
					   mine, theirs, o->def->name, o->def->bridge), -EADDRINUSE;
			}
	}
	return 0;
}

/* The network's own bridge, still up from before (a resumed network):
 * marked for it, or the unmarked bridge of a vnetd without marks that
 * bridge_claim will mark (network.c). */
static bool own_bridge(const struct network *n)
{
	char kind[32] = "", alias[8] = "";

	if (network_bridge_is_ours(n))
		return true;
	if (!n->bridge_legacy || nl_link_kind(n->def->bridge, kind, sizeof(kind)))
		return false;
	nl_link_alias(n->def->bridge, alias, sizeof(alias));
	return !strcmp(kind, "bridge") && !alias[0];
}

int network_check_conflicts(struct network *n, char *err, size_t errlen)
{
	struct nl_prefix own[NETDEF_MAX_IPS];
	size_t n_own;
	struct host_walk w = { .err = err, .errlen = errlen };
	int ret;

	/* a shared LAN's addresses are the LAN's, moved from its NIC */
	if (n->def->mode == NETDEF_MODE_BRIDGE)
		return 0;
	n_own = own_prefixes(n->def, own, NETDEF_MAX_IPS);
	if (!n_own)
		return 0;
	ret = check_networks(n, own, n_own, err, errlen);
	if (ret)
		return ret;
	w.own = own;
	w.n_own = n_own;
	if (own_bridge(n))
		w.skip_ifindex = (int)if_nametoindex(n->def->bridge);
	w.what = "configured on";
	ret = nl_addrs_each(host_one, &w);
	if (!ret) {
		w.what = "routed by";
		ret = nl_routes_each(host_one, &w);
	}
	if (!ret && n->def->n_routes) {
		struct route_walk rw = { n->def, w.skip_ifindex, err, errlen };

		ret = nl_routes_each(route_one, &rw);
	}
	if (ret && ret != -EADDRINUSE)
		return ERR("cannot read the host's addresses and routes: %s", strerror(-ret)), ret;
	return ret;
}

struct uplink_addrs {
	int ifindex;
	size_t n;
	uint32_t addr[256]; /* host order */
};

static int uplink_one(void *ctx, const struct nl_prefix *p)
{
	struct uplink_addrs *u = ctx;

	if (p->ifindex == u->ifindex && p->addr.family == AF_INET && u->n < 256)
		u->addr[u->n++] = ntohl(p->addr.v4.s_addr);
	return 0;
}

int network_check_nat(struct network *n, char *err, size_t errlen)
{
	const struct netdef *d = n->def;
	struct uplink_addrs u = { .ifindex = n->uplink_ifindex };
	uint32_t lo = ntohl(d->nat_addr_start.s_addr), hi = ntohl(d->nat_addr_end.s_addr);
	struct in_addr a;
	int ret;

	if (d->mode != NETDEF_MODE_NAT || !lo)
		return 0;
	if (!hi)
		hi = lo;
	if (hi < lo || hi - lo >= 256)
		return ERR("<nat><address> range %s.. is reversed or longer than 256 addresses",
			   inet_ntoa(d->nat_addr_start)), -EINVAL;
	if (!n->uplink_ifindex)
		return ERR("<nat><address> needs an uplink, and network %s has none", d->name),
		       -EADDRNOTAVAIL;
	ret = nl_addrs_each(uplink_one, &u);
	if (ret)
		return ERR("cannot read the addresses of %s: %s", n->uplink, strerror(-ret)), ret;
	for (uint32_t x = lo; x >= lo && x <= hi; x++) {
		bool found = false;

		for (size_t i = 0; i < u.n; i++)
			found |= u.addr[i] == x;
		if (found)
			continue;
		a.s_addr = htonl(x);
		return ERR("NAT address %s (<nat><address>) is not an address of uplink %s; add it "
			   "there or change the range", inet_ntoa(a), n->uplink), -EADDRNOTAVAIL;
	}
	return 0;
}
