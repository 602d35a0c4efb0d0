/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-CPU counters: per port stats (port_ctr by the port's slot, the
 * uplinks' uplink_ctr by theirs, the bridges' in port_stats by ifindex),
 * drops by network and reason (enum vnet_drop from VNET_DROP_REASONS),
 * counters by network. */
#ifndef VNET_BPF_COUNTERS_H
#define VNET_BPF_COUNTERS_H

#include "maps.h"

_Static_assert(VNET_MAX_NETS <= 256, "pkt.net_id is a byte");

static __always_inline struct vnet_stats *stats_of(__u32 ifindex)
{
	struct vnet_stats *s = bpf_map_lookup_elem(&port_stats, &ifindex);

	if (s)
		return s;
	struct vnet_stats zero = {};

	bpf_map_update_elem(&port_stats, &ifindex, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&port_stats, &ifindex);
}

/* The uplink on ifindex: 1 (and its kind, and in *s its counters by its
 * slot in uplink_ctr), or 0: no uplink. Found in its slot of uplink_slot
 * (an array lookup) or, when another uplink holds that slot, in uplink_map
 * (vnet_uplink.ctr says where its counters are). Only scalars leave here:
 * a pointer into either map kept by the caller would make the verifier
 * walk the rest of the program once per map (uplink tc 144k -> 221k). */
static __always_inline int uplink_find(__u32 ifindex, __u8 *kind, struct vnet_stats **s)
{
	__u32 slot = VNET_UPLINK_SLOT(ifindex);
	const struct vnet_uplink_slot *us = bpf_map_lookup_elem(&uplink_slot, &slot);
	const struct vnet_uplink *up;

	if (us && us->ifindex == ifindex)
		up = &us->up;
	else
		up = bpf_map_lookup_elem(&uplink_map, &ifindex);
	if (!up)
		return 0;
	*kind = up->kind;
	slot = (__u32)up->ctr - 1;	/* ctr 0, no slot yet: no key, not counted */
	*s = bpf_map_lookup_elem(&uplink_ctr, &slot);
	return 1;
}

/* The counters of a device that is no port: an uplink's by its slot
 * (uplink_find), else port_stats by ifindex (a bridge). */
static __always_inline struct vnet_stats *dev_stats(__u32 ifindex)
{
	struct vnet_stats *s;
	__u8 kind;

	if (uplink_find(ifindex, &kind, &s))
		return s;
	return stats_of(ifindex);
}

/* Counter idx (enum vnet_global) of network net_id (0: none). */
static __always_inline void count_net(__u32 net_id, __u32 idx)
{
	__u32 k = VNET_G_IDX(net_id < VNET_MAX_NETS ? net_id : 0, idx);
	__u64 *v = bpf_map_lookup_elem(&global_stats, &k);

	if (v)
		(*v)++;
}

/* Address families without a branch. p->fam is a value the verifier must
 * not know: a family decided by a branch at count_rx is a constant on
 * every later path, and the verifier then walks each program once per
 * family (the tc port program went from 186k to 553k instructions, the
 * XDP ones to 757k of their 1M). So the family is computed with ALU
 * operations only (barrier_var keeps clang from turning them back into
 * compares and jumps): bit 0 IPv4, bit 1 IPv6, 0 anything else. */
static __always_inline __u64 is_zero(__u64 x)
{
	barrier_var(x);
	return 1 - ((x | (0 - x)) >> 63);
}

/* The untagged frame's family bits (above). */
static __always_inline __u8 frame_family(const struct pkt *p)
{
	const __u8 *d = p->data;
	__u64 et;

	if ((const void *)(d + 14) > p->data_end)
		return 0;
	et = ((__u64)d[12] << 8) | d[13];
	return is_zero(et ^ 0x0800) | (is_zero(et ^ 0x86dd) << 1);
}

/* Count a frame of family bits fam: counter idx4 of network net_id, or the
 * IPv6 one right after it; a frame of no IP family counts nothing. A
 * global function, verified once (below). */
__noinline int count_family(__u32 net_id, __u32 fam, __u32 idx4)
{
	if (fam & 3)
		count_net(net_id, idx4 + ((fam >> 1) & 1));
	return 0;
}

/* A redirect into target: its tx counters and, a guest port, its
 * network's by family (a target that is no port, the uplink, counts no
 * family). tx: the port's network and slot as the path found them
 * (struct pkt), or 0: looked up here. A global function: the verdict is
 * reached by many states, and each would verify the lookups again
 * (inlined, the tx count alone took the XDP port programs from 404k to
 * 757k instructions). */
__noinline int count_tx(__u32 target, __u32 len, __u32 fam, __u32 tx)
{
	struct vnet_port_state *ps;
	struct vnet_stats *s;
	__u32 slot;

	if (tx == TX_NOT_PORT) {
		s = dev_stats(target);	/* the uplink by its slot */
	} else if (tx) {
		slot = (tx & 0xffffff) - 1;
		if (fam & 3)	/* count_family's, without its call: verified once here */
			count_net(tx >> 24, VNET_G_TX4_PACKETS + ((fam >> 1) & 1));
		s = bpf_map_lookup_elem(&port_ctr, &slot);
	} else if ((ps = bpf_map_lookup_elem(&port_state, &target))) {
		slot = ps->slot;
		count_family(ps->port.net_id, fam, VNET_G_TX4_PACKETS);
		s = bpf_map_lookup_elem(&port_ctr, &slot);
	} else {
		s = stats_of(target);
	}
	if (s) {
		s->tx_packets++;
		s->tx_bytes += len;
	}
	return 0;
}

/* The ingress device's counters are looked up once per packet: here,
 * kept in p (a port's from port_ctr, count_rx_port; an uplink's from
 * uplink_find). */
static __always_inline void count_rx_in(struct pkt *p, struct vnet_stats *s)
{
	p->stats = s;
	p->fam = frame_family(p);
	if (p->counted)
		return;
	if (s) {
		s->rx_packets++;
		s->rx_bytes += p->len;
	}
	count_family(p->net_id, p->fam, VNET_G_RX4_PACKETS);
}


static __always_inline void count_rx_port(struct pkt *p, const struct vnet_port_state *ps)
{
	__u32 slot = ps->slot;

	count_rx_in(p, bpf_map_lookup_elem(&port_ctr, &slot));
}

/* The verdict a of a device no one counted at rx (the uplink guard, the
 * bridge, a port's egress program): a port's counters by its slot, else
 * port_stats by ifindex. A global function, verified once rather than at
 * every verdict. */
__noinline int count_dev(__u32 ifindex, __u32 a, __u32 len)
{
	struct vnet_port_state *ps = bpf_map_lookup_elem(&port_state, &ifindex);
	struct vnet_stats *s;

	if (ps) {
		__u32 slot = ps->slot;

		s = bpf_map_lookup_elem(&port_ctr, &slot);
	} else {
		s = bpf_map_lookup_elem(&port_stats, &ifindex);
	}
	if (!s)
		return 0;
	if (a == ACT_DROP) {
		s->drops++;
	} else if (a == ACT_PASS) {
		s->slow_packets++;
		s->slow_bytes += len;
	} else {
		s->fast_packets++;
		s->fast_bytes += len;
	}
	return 0;
}

/* Account the verdict on the ingress port and, for redirects, the target. */
static __always_inline void count_verdict(const struct pkt *p, enum act a,
					  enum vnet_drop reason, __u32 target)
{
	struct vnet_stats *s = p->stats;

	if (a == ACT_DROP) {
		__u32 k = VNET_DROP_IDX((__u32)p->net_id, reason);	/* a byte: < VNET_MAX_NETS */
		__u64 *d = bpf_map_lookup_elem(&drops, &k);

		if (d)
			(*d)++;
	}
	if (!s) {
		count_dev(p->ifindex, a, p->len);
	} else if (a == ACT_DROP) {
		s->drops++;
	} else if (a == ACT_PASS) {
		s->slow_packets++;
		s->slow_bytes += p->len;
	} else {
		s->fast_packets++;
		s->fast_bytes += p->len;
	}
	if (a == ACT_REDIRECT)
		count_tx(target, p->len, p->fam, p->tx);
}

#endif
