/* SPDX-License-Identifier: GPL-2.0-or-later */
/* <vnet:overlay> (issue 22): one network across hosts over kernel VXLAN,
 * FRR's BGP EVPN as the control plane. Parse only; the checks that need
 * the whole definition are netdef_overlay.c's. */
#include "netdef_xml_priv.h"

#include <string.h>
#include <sys/socket.h>

/* An IPv4 underlay address (the VXLAN device and FRR's peers are IPv4 here). */
static int attr_underlay_addr(struct nx *nx, xmlNode *node, const char *name,
			      struct in_addr *out, int required)
{
	struct netdef_addr a = { 0 };
	int r = nx_attr_addr(nx, node, name, &a, required);

	if (r <= 0)
		return r;
	if (a.family != AF_INET)
		return nx_fail(nx, "<vnet:%s %s>: an IPv6 underlay is not supported yet "
				   "(give an IPv4 address)", (const char *)node->name, name);
	*out = a.v4;
	return 1;
}

static int parse_underlay(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "dev", "local", NULL };
	struct netdef_overlay *o = &nx->def->overlay;
	int r;

	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "dev", o->underlay_dev, sizeof(o->underlay_dev), 0)) < 0 ||
	    (r = attr_underlay_addr(nx, node, "local", &o->local, 0)) < 0)
		return r;
	return nx_children(nx, node, NULL, 0);
}

static int parse_peer(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "address", NULL };
	struct netdef_overlay *o = &nx->def->overlay;
	int r;

	if (o->n_peers >= NETDEF_MAX_OVERLAY_PEERS)
		return nx_fail(nx, "too many <vnet:peer> (max %d; use a route reflector)",
			       NETDEF_MAX_OVERLAY_PEERS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = attr_underlay_addr(nx, node, "address", &o->peers[o->n_peers], 1)) < 0)
		return r;
	nx->ln->overlay_peer[o->n_peers++] = nx_line(node);
	return nx_children(nx, node, NULL, 0);
}

int nx_parse_overlay(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "vni", "asn", "nat", NULL };
	static const struct nx_rule rules[] = {
		{ "underlay", parse_underlay, 1, 1 },
		{ "peer", parse_peer, 0, 1 },
	};
	struct netdef_overlay *o = &nx->def->overlay;
	char nat[16] = "", q[NX_QUOTE_MAX + 4];
	unsigned long vni = 0, asn = 0;
	int r, has_nat;

	o->enabled = 1;
	nx->ln->overlay = nx_line(node);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_uint(nx, node, "vni", 16777215, &vni, 1)) < 0 ||
	    (r = nx_attr_uint(nx, node, "asn", 4294967295ul, &asn, 1)) < 0 ||
	    (has_nat = nx_attr(nx, node, "nat", nat, sizeof(nat), 0)) < 0)
		return r < 0 ? r : has_nat;
	o->vni = (uint32_t)vni;
	o->asn = (uint32_t)asn;
	if (has_nat && strcmp(nat, "distributed"))
		return nx_fail(nx, "invalid nat '%s' in <vnet:overlay> (distributed: each host "
				   "NATs its own guests out of its own uplink)", nx_quote(nat, q));
	o->nat = has_nat ? NETDEF_OVL_NAT_DISTRIBUTED : NETDEF_OVL_NAT_UNSET;
	return nx_children(nx, node, rules, NX_N(rules));
}
