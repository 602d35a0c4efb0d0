/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Connection tracking: each flow is a pair of entries in ct_map (see
 * vnet_shared.h). The programs create pairs and update "seen" bits and
 * timestamps; user space (dp_tick) expires pairs by TCP state/protocol. */
#ifndef VNET_BPF_CONNTRACK_H
#define VNET_BPF_CONNTRACK_H

#include "maps.h"
#include "parse.h"
#include "counters.h"

static __always_inline void ct_key_of(struct vnet_ct_key *k, const struct hdrs *h)
{
	k->saddr = h->saddr;
	k->daddr = h->daddr;
	k->sport = h->sport;
	k->dport = h->dport;
	k->proto = h->proto;
}

/* Protocols the NAT translates: TCP, UDP, ICMP echo (by id). */
static __always_inline bool ct_trackable(const struct hdrs *h)
{
	if (h->frag)
		return false;
	if (h->proto == IPPROTO_TCP_ || h->proto == IPPROTO_UDP_)
		return true;
	return h->proto == IPPROTO_ICMP_ && (h->icmp_type == 8 || h->icmp_type == 0);
}

static __always_inline void ct_touch(struct vnet_ct *ct, const struct hdrs *h, __u32 len)
{
	__u8 seen = VNET_CT_SEEN;

	if (h->proto == IPPROTO_TCP_) {
		if (h->tcp_flags & TCPF_SYN)
			seen |= VNET_CT_SYN;
		if (h->tcp_flags & TCPF_FIN)
			seen |= VNET_CT_FIN;
		if (h->tcp_flags & TCPF_RST)
			seen |= VNET_CT_RST;
		if (h->tcp_flags & TCPF_ACK)
			seen |= VNET_CT_ACK;
	}
	if ((ct->seen & seen) != seen)
		ct->seen |= seen;
	ct->seen_ns = bpf_ktime_get_ns();
	ct->packets++;
	ct->bytes += len;
}

/* Insert a pair: first (key a) with NOEXIST, then b; undo a if b fails.
 * Returns 0, -EEXIST (a taken: caller may pick another port) or a drop
 * reason (> 0) when the table is full. */
static __always_inline int ct_insert_pair(struct vnet_ct_key *a, struct vnet_ct *va,
					  struct vnet_ct_key *b, struct vnet_ct *vb)
{
	long err = bpf_map_update_elem(&ct_map, a, va, BPF_NOEXIST);

	if (err == -17)
		return -17;
	if (err)
		goto full;
	err = bpf_map_update_elem(&ct_map, b, vb, BPF_NOEXIST);
	if (!err) {
		count_global(VNET_G_CT_CREATED);
		return 0;
	}
	bpf_map_delete_elem(&ct_map, a);
	if (err == -17)
		return -17;
full:
	count_global(VNET_G_CT_FAILED);
	return VNET_DROP_CT_FULL;
}

#endif
