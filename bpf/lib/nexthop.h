/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A NATed flow's next hop, cached in its OUT conntrack entry: the FIB
 * lookup is about a third of the guest->wan program's cost (tests/tools/
 * dp_cost), and a flow's route rarely changes. The cache serves packets no
 * longer than the one it was looked up for (that lookup checked the MTU),
 * and lives until ct_touch next refreshes the flow's timestamp (about a
 * second): a route or neighbour change reaches a flow within a second, as
 * the kernel's own neighbour cache lets stale entries serve for a while.
 * Only lookups that succeeded outright are cached (not NO_NEIGH: tc then
 * resolves through the kernel). A tc GSO super-packet (TCP through NAT:
 * nearly every packet of a stream) takes any valid cached hop: the lookup
 * it would make (tot_len 0) checks a GSO skb against nothing but the
 * device being up (is_skb_forwardable), never its length; its own lookup
 * is stored with length 0, which serves GSO packets only. */
#ifndef VNET_BPF_NEXTHOP_H
#define VNET_BPF_NEXTHOP_H

#include "conntrack.h"

static __always_inline bool nh_gso(const struct pkt *p)
{
	return p->tc && ((struct __sk_buff *)p->ctx)->gso_size;
}

/* The cached next hop if it serves this packet, else NULL. Call after
 * ct_touch (which may have just expired it). */
static __always_inline const struct vnet_ct *nh_cached(const struct pkt *p, const struct hdrs *h,
						       const struct vnet_ct *ct)
{
	if (!ct->nh_valid || (h->tot_len > ct->nh_len && !nh_gso(p)))
		return NULL;
	return ct;
}

/* Remember a successful lookup made for this packet. The MACs are written
 * before the flag; a CPU reading concurrently sees either the old valid
 * hop or no flag. */
static __always_inline void nh_store(const struct pkt *p, const struct hdrs *h, struct vnet_ct *ct,
				     const struct bpf_fib_lookup *fib)
{
	__builtin_memcpy(ct->nh_smac, fib->smac, 6);
	__builtin_memcpy(ct->nh_dmac, fib->dmac, 6);
	ct->nh_len = nh_gso(p) ? 0 : h->tot_len;
	asm volatile("" ::: "memory");
	ct->nh_valid = 1;
}

/* NAT66's next hop (nat6_out): the same rules, kept by network and
 * destination in nh6_map, as vnet_ct6 has no room for it -- a lookup of
 * one hash entry instead of the FIB's. A second at most (the entry's own
 * stamp: nothing refreshes it but a new lookup), packets no longer than
 * the one it was looked up for or tc GSO (stored with length 0). k and
 * the value to store are the caller's per-CPU scratch (the stack is
 * spent). */
static __always_inline const struct vnet_nh6 *nh6_cached(const struct pkt *p, const struct hdrs *h,
							 const struct vnet_nh6_key *k)
{
	struct vnet_nh6 *nh;

	nh = bpf_map_lookup_elem(&nh6_map, k);
	if (!nh || (h->tot_len > nh->len && !nh_gso(p)) ||
	    bpf_ktime_get_coarse_ns() - nh->stamp_ns >= 1000000000ULL)
		return NULL;
	return nh;
}

static __always_inline void nh6_store(const struct pkt *p, const struct hdrs *h,
				      const struct vnet_nh6_key *k, struct vnet_nh6 *v,
				      const struct bpf_fib_lookup *fib)
{
	__builtin_memcpy(v->smac, fib->smac, 6);
	__builtin_memcpy(v->dmac, fib->dmac, 6);
	v->len = nh_gso(p) ? 0 : h->tot_len;
	v->stamp_ns = bpf_ktime_get_coarse_ns();
	bpf_map_update_elem(&nh6_map, k, v, BPF_ANY);	/* replaced whole: no torn reads */
}

#endif
