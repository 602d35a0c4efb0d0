/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-CPU counters: per port (ifindex) stats, drops by network and reason
 * (enum vnet_drop from VNET_DROP_REASONS), counters by network. */
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

/* Counter idx (enum vnet_global) of network net_id (0: none). */
static __always_inline void count_net(__u32 net_id, __u32 idx)
{
	__u32 k = VNET_G_IDX(net_id < VNET_MAX_NETS ? net_id : 0, idx);
	__u64 *v = bpf_map_lookup_elem(&global_stats, &k);

	if (v)
		(*v)++;
}

/* A frame of family fam (4, 6) on network net_id: counter idx4, or the
 * IPv6 one right after it. */
static __always_inline void count_family(__u32 net_id, __u8 fam, __u32 idx4)
{
	count_net(net_id, idx4 + (fam == 6 ? 1 : 0));
}

/* The untagged frame's address family: 4, 6, or 0. */
static __always_inline __u8 frame_family(const struct pkt *p)
{
	const __u8 *d = p->data;

	if ((const void *)(d + 14) > p->data_end)
		return 0;
	if (d[12] == 0x08 && d[13] == 0x00)
		return 4;
	return d[12] == 0x86 && d[13] == 0xdd ? 6 : 0;
}

/* The port's counters are looked up once per packet: here, kept in p. */
static __always_inline void count_rx(struct pkt *p)
{
	struct vnet_stats *s = stats_of(p->ifindex);

	p->stats = s;
	p->fam = frame_family(p);
	if (p->counted)
		return;
	if (s) {
		s->rx_packets++;
		s->rx_bytes += p->len;
	}
	if (p->fam)
		count_family(p->net_id, p->fam, VNET_G_RX4_PACKETS);
}

/* Account the verdict on the ingress port and, for redirects, the target. */
static __always_inline void count_verdict(const struct pkt *p, enum act a,
					  enum vnet_drop reason, __u32 target)
{
	__u32 ifindex = p->ifindex;	/* a copy: &p->x would pin p to the stack */
	struct vnet_stats *s = p->stats;

	if (!s)	/* not counted at rx (the uplink guard) */
		s = bpf_map_lookup_elem(&port_stats, &ifindex);

	if (a == ACT_DROP) {
		__u32 k = VNET_DROP_IDX((__u32)p->net_id, reason);	/* a byte: < VNET_MAX_NETS */
		__u64 *d = bpf_map_lookup_elem(&drops, &k);

		if (d)
			(*d)++;
		if (s)
			s->drops++;
		return;
	}
	if (a == ACT_PASS) {
		if (s) {
			s->slow_packets++;
			s->slow_bytes += p->len;
		}
		return;
	}
	if (s) {
		s->fast_packets++;
		s->fast_bytes += p->len;
	}
	s = stats_of(target);
	if (s) {
		s->tx_packets++;
		s->tx_bytes += p->len;
	}
	if (p->fam) {	/* to a guest port: its network's tx by family */
		struct vnet_port *port = bpf_map_lookup_elem(&port_map, &target);

		if (port)
			count_family(port->net_id, p->fam, VNET_G_TX4_PACKETS);
	}
}

#endif
