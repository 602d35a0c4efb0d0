// SPDX-License-Identifier: GPL-2.0-or-later
/* Port forwards to guests' IPv6 addresses (issue 18): fwd6_map, one entry
 * per host port keyed by the network's NAT66 address (nat6_map), read by
 * the uplink program's dnat6_new (bpf/lib/route6.h). A network whose
 * uplink has no global IPv6 address yet gets none, without an error
 * (NAT66 waits for one too); a new address drops them (nat6_set) and the
 * caller adds the forwards again, as for IPv4's fwd_map. */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>
#include <bpf/bpf.h>

#include "dp_priv.h"
#include "vnet.skel.h"

static int fwd6_key(struct datapath *dp, uint32_t net_id, const struct netdef_port_forward *pf,
		    struct vnet_fwd6_key *k)
{
	static const struct vnet_nat6 none;
	struct vnet_nat6 a6;

	if (!net_id || net_id >= VNET_MAX_NETS ||
	    bpf_map_lookup_elem(DP_MAP_FD(dp, nat6_map), &net_id, &a6))
		return -ENOENT;
	if (pf->proto != IPPROTO_TCP && pf->proto != IPPROTO_UDP)
		return -EPROTONOSUPPORT;
	if (!memcmp(&a6, &none, sizeof(a6)))
		return -EADDRNOTAVAIL;
	*k = (struct vnet_fwd6_key){ .port = htons(pf->host_port), .proto = pf->proto };
	memcpy(k->addr, a6.addr, 16);
	return 0;
}

int dp_fwd6_add(struct datapath *dp, uint32_t net_id, const struct netdef_port_forward *pf,
		char *err, size_t errlen)
{
	struct vnet_fwd6 v = { .net_id = net_id, .guest_port = htons(pf->guest_port) };
	struct vnet_fwd6_key k;
	int r = fwd6_key(dp, net_id, pf, &k);

	if (r == -EADDRNOTAVAIL)
		return 0;	/* added again with the address (network.c) */
	if (r) {
		dp_err(err, errlen, "IPv6 port forward on network %u: %s", net_id, strerror(-r));
		return r;
	}
	memcpy(v.guest_ip, &pf->guest_ip6, 16);
	if (bpf_map_update_elem(DP_MAP_FD(dp, fwd6_map), &k, &v, BPF_ANY)) {
		r = -errno;
		dp_err(err, errlen, "IPv6 port forward: map update: %s", strerror(-r));
	}
	return r;
}

int dp_fwd6_del(struct datapath *dp, uint32_t net_id, const struct netdef_port_forward *pf)
{
	struct vnet_fwd6_key k;
	int r = fwd6_key(dp, net_id, pf, &k);

	if (r)
		return r == -EADDRNOTAVAIL ? 0 : r;
	if (bpf_map_delete_elem(DP_MAP_FD(dp, fwd6_map), &k) && errno != ENOENT)
		return -errno;
	return 0;
}

static int match_fwd6_net(const void *k, const void *v, const void *arg)
{
	(void)k;
	return ((const struct vnet_fwd6 *)v)->net_id == *(const __u32 *)arg;
}

void dp_fwd6_purge(struct datapath *dp, uint32_t net_id)
{
	purge_matching(DP_MAP_FD(dp, fwd6_map), sizeof(struct vnet_fwd6_key),
		       sizeof(struct vnet_fwd6), match_fwd6_net, &net_id);
}
