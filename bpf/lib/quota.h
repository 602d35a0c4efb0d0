/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Flow caps per guest and per port forward (issue 16.7): a guest that
 * floods half-open connections, or a wan host flooding a forward from
 * random sources, takes at most its share of the conntrack table and of
 * the NAT ports toward one endpoint. Counted once per new flow, never
 * per packet. */
#ifndef VNET_BPF_QUOTA_H
#define VNET_BPF_QUOTA_H

#include "maps.h"

/* The caps in flows, written by vnetd through the skeleton's .bss
 * (dp_set_ct_limits); 0: no cap (the flows are still counted). */
__u32 vnet_ct_guest_max;
__u32 vnet_ct_fwd_max;

/* What quota_take did. */
enum quota_result {
	QUOTA_TAKEN = 1,	/* counted: give it back (quota_put) if no flow is made */
	QUOTA_UNCOUNTED,	/* no room left to track k: the flow goes ahead
				 * uncounted rather than fail */
	QUOTA_OVER,		/* at the cap: refuse the flow */
};

/* Take one flow for k under max. Two CPUs may both pass at max - 1: a cap
 * is exact to within the CPUs creating flows for one guest at the same
 * instant. */
static __always_inline enum quota_result quota_take(const struct vnet_quota_key *k, __u32 max)
{
	__u32 zero = 0, *made, *gone, used;

	made = bpf_map_lookup_elem(&ct_made, k);
	if (!made) {
		bpf_map_update_elem(&ct_made, k, &zero, BPF_NOEXIST);
		made = bpf_map_lookup_elem(&ct_made, k);
		if (!made)
			return QUOTA_UNCOUNTED;
	}
	gone = bpf_map_lookup_elem(&ct_gone, k);
	used = *made - (gone ? *gone : 0);
	/* signed: a count that drifted below zero (vnetd reconciles it) is no
	 * reason to refuse */
	if (max && (__s32)used >= (__s32)max)
		return QUOTA_OVER;
	__sync_fetch_and_add(made, 1);
	return QUOTA_TAKEN;
}

/* Give back a flow quota_take counted but that was not made after all. */
static __always_inline void quota_put(const struct vnet_quota_key *k)
{
	__u32 *made = bpf_map_lookup_elem(&ct_made, k);

	if (made)
		__sync_fetch_and_add(made, -1);
}

#endif
