/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The checks of <vnet:overlay> (issue 22) that need the whole definition:
 * what a network spanning hosts must have for every host to agree. */
#include "netdef_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int ifname_ok(const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	if (n == size)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	return 1;
}

static int addr_usable(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return h && h != 0xffffffffu && (h >> 24) != 127 && (h >> 28) != 14;
}

static void check_peers(const struct netdef_overlay *o, const struct netdef_lines *ln,
			void (*fail)(void *, unsigned, const char *), void *ctx)
{
	char msg[160], a[INET_ADDRSTRLEN];

	for (size_t i = 0; i < o->n_peers; i++) {
		unsigned l = ln ? ln->overlay_peer[i] : 0;

		inet_ntop(AF_INET, &o->peers[i], a, sizeof(a));
		if (!addr_usable(o->peers[i])) {
			snprintf(msg, sizeof(msg), "<vnet:peer address='%s'> is not a unicast "
				 "underlay address", a);
			fail(ctx, l, msg);
		}
		for (size_t j = 0; j < i; j++)
			if (o->peers[j].s_addr == o->peers[i].s_addr) {
				snprintf(msg, sizeof(msg), "duplicate <vnet:peer address='%s'>", a);
				fail(ctx, l, msg);
			}
	}
}

void netdef_validate_overlay(const struct netdef *def, const struct netdef_lines *ln,
			     void (*fail)(void *ctx, unsigned line, const char *msg), void *ctx)
{
	const struct netdef_overlay *o = &def->overlay;
	unsigned l = ln ? ln->overlay : 0;

	if (!o->enabled)
		return;
	if (o->n_peers > NETDEF_MAX_OVERLAY_PEERS) {
		fail(ctx, l, "too many <vnet:peer>");
		return;
	}
	if (!o->vni || o->vni > 16777215)
		fail(ctx, l, "<vnet:overlay vni> must be 1..16777215");
	if (!o->asn)
		fail(ctx, l, "<vnet:overlay asn> must be 1..4294967295");
	if ((unsigned)o->nat > NETDEF_OVL_NAT_DISTRIBUTED)
		fail(ctx, l, "invalid <vnet:overlay nat>");
	if (!ifname_ok(o->underlay_dev, sizeof(o->underlay_dev)))
		fail(ctx, l, "invalid <vnet:underlay dev>");
	if (o->local.s_addr && !addr_usable(o->local))
		fail(ctx, l, "<vnet:underlay local> is not a unicast underlay address");
	if (!o->n_peers)
		fail(ctx, l, "<vnet:overlay> needs at least one <vnet:peer> (the other hosts, "
			     "or a route reflector)");
	check_peers(o, ln, fail, ctx);
	if (def->mode == NETDEF_MODE_BRIDGE || def->mode == NETDEF_MODE_OPEN)
		fail(ctx, l, "<vnet:overlay> needs a network vnet runs (nat, route or isolated), "
			     "not forward mode='bridge' or 'open'");
	if (!def->has_mac)
		fail(ctx, l, "<vnet:overlay> needs <mac address>: the anycast gateway's MAC must "
			     "be the same on every host");
}

/* Host index of count: its rank among the peers sorted by address (every
 * host lists the same peers, itself included), so no two hosts get one. */
int netdef_overlay_host_index(const struct netdef *def, struct in_addr local, unsigned *index,
			      unsigned *count)
{
	const struct netdef_overlay *o = &def->overlay;
	unsigned below = 0, found = 0;

	for (size_t i = 0; i < o->n_peers && i < NETDEF_MAX_OVERLAY_PEERS; i++) {
		found |= o->peers[i].s_addr == local.s_addr;
		below += ntohl(o->peers[i].s_addr) < ntohl(local.s_addr);
	}
	if (!found)
		return -ENOENT;
	*index = below;
	*count = (unsigned)o->n_peers;
	return 0;
}

/* Keep slice index of count of the IPv4 DHCP ranges: the addresses of all
 * ranges in order, cut in count nearly equal runs. */
void netdef_dhcp_partition(struct netdef *def, unsigned index, unsigned count)
{
	struct netdef_range out[NETDEF_MAX_RANGES];
	uint64_t total = 0, from, to, pos = 0;
	size_t n = 0, nr = def->n_ranges < NETDEF_MAX_RANGES ? def->n_ranges : NETDEF_MAX_RANGES;

	if (!count)
		return;
	for (size_t i = 0; i < nr; i++)
		if (def->ranges[i].start.family == AF_INET)
			total += ntohl(def->ranges[i].end.v4.s_addr) -
				 ntohl(def->ranges[i].start.v4.s_addr) + 1;
	from = index < count ? total * index / count : 0;
	to = index < count ? total * (index + 1) / count : 0; /* exclusive; none: no slice */
	for (size_t i = 0; i < nr; i++) {
		const struct netdef_range *r = &def->ranges[i];
		uint32_t s, e;
		uint64_t len, a, b;

		if (r->start.family != AF_INET)
			continue;
		s = ntohl(r->start.v4.s_addr);
		e = ntohl(r->end.v4.s_addr);
		len = (uint64_t)e - s + 1;
		a = from > pos ? from - pos : 0;
		b = to - pos < len ? to - pos : len; /* exclusive, within the range */
		if (to > pos && a < b) {
			out[n] = *r;
			out[n].start.v4.s_addr = htonl((uint32_t)(s + a));
			out[n].end.v4.s_addr = htonl((uint32_t)(s + b - 1));
			n++;
		}
		pos += len;
	}
	memset(def->ranges, 0, sizeof(def->ranges));
	memcpy(def->ranges, out, n * sizeof(out[0]));
	def->n_ranges = n;
	if (n) {
		def->dhcp_start = out[0].start.v4;
		def->dhcp_end = out[0].end.v4;
	} else {
		def->has_dhcp = 0;
		def->dhcp_start.s_addr = def->dhcp_end.s_addr = 0;
	}
}
