/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A network spanning hosts (<vnet:overlay>, issue 22): known unicast to a
 * guest on another host goes from the port program straight to the
 * network's VXLAN device, which encapsulates it to the remote VTEP zebra
 * installed for the MAC (remote_fdb_map is vnetd's mirror of those fdb
 * entries), instead of through the kernel bridge. Counted per remote
 * VTEP (remote_stats). */
#ifndef VNET_BPF_OVERLAY_H
#define VNET_BPF_OVERLAY_H

#include "maps.h"

/* What went to one remote VTEP: a global function (scalars only), so the
 * lookups are verified once, not on every path that reaches it. */
__noinline int count_remote(__u32 net_id, __u32 vtep, __u32 len)
{
	struct vnet_remote_key k = { .net_id = net_id, .vtep = vtep };
	struct vnet_remote_stats *s = bpf_map_lookup_elem(&remote_stats, &k);

	if (!s) {
		struct vnet_remote_stats zero = {};

		bpf_map_update_elem(&remote_stats, &k, &zero, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&remote_stats, &k);
		if (!s)
			return 0;
	}
	s->packets++;
	s->bytes += len + VNET_VXLAN_OVERHEAD;
	return 0;
}

/* A frame for a MAC no local port has: the VXLAN device if zebra knows
 * the MAC on a remote VTEP (ACT_REDIRECT), else the bridge (ACT_PASS).
 * XDP cannot transmit into a VXLAN device: such a frame goes on to tc. */
static __always_inline enum act remote_forward(struct pkt *p, const struct hdrs *h, __u32 net_id)
{
	struct vnet_fdb_key k = { .net_id = net_id };
	struct vnet_remote *r;

	__builtin_memcpy(k.mac, h->dmac, 6);
	r = bpf_map_lookup_elem(&remote_fdb_map, &k);
	if (!r || !r->ifindex)
		return ACT_PASS;
	if (!p->tc)
		return pass_to_tc(p);
	count_remote(net_id, r->vtep, p->len);
	p->how = REDIR_EGRESS;
	p->target = r->ifindex;
	return ACT_REDIRECT;
}

#endif
