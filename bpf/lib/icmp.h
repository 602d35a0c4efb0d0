/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ICMP errors arriving on the uplink for a translated flow. RFC 5508, 4.2:
 * "a NAT device MUST translate the ICMP Error packet ... the NAT device
 * MUST translate the embedded IP packet" -- the outer destination, the
 * embedded source address and port (or echo id) go back to the guest's,
 * with the embedded IP checksum and the ICMP checksum updated. */
#ifndef VNET_BPF_ICMP_H
#define VNET_BPF_ICMP_H

#include "deliver.h"

static __always_inline bool icmp_is_error(__u8 type)
{
	return type == 3 || type == 11 || type == 12;
}

/* The flow an error is about: the embedded packet is one we sent, so its
 * reversed tuple is the flow's IN key. Returns the embedded L4 offset. */
static __always_inline __u32 icmp_inner_key(struct pkt *p, struct vnet_ct_key *k)
{
	__u32 in_off = p->l4_off + 8, ihl;
	struct iphdr *iip;
	__u8 *l4;

	pkt_pull(p, in_off + 60 + 8);
	iip = PKT_PTR(p, in_off, 20);
	if (!iip)
		return 0;
	ihl = (iip->ihl & 0xf) * 4;
	if (ihl < 20)
		return 0;
	l4 = PKT_PTR(p, in_off + ihl, 8);
	if (!l4)
		return 0;
	k->saddr = iip->daddr;
	k->daddr = iip->saddr;
	k->proto = iip->protocol;
	if (k->proto == IPPROTO_TCP_ || k->proto == IPPROTO_UDP_) {
		__builtin_memcpy(&k->sport, l4 + 2, 2);
		__builtin_memcpy(&k->dport, l4, 2);
		return in_off + ihl;
	}
	if (k->proto == IPPROTO_ICMP_ && l4[0] == 8) {
		__builtin_memcpy(&k->sport, l4 + 4, 2);
		return in_off + ihl;
	}
	return 0;
}

/* Rewrite the embedded source address/port; keep both checksums right.
 * VNET_DROP_RUNT if the headers are not there. */
static __always_inline enum vnet_drop icmp_inner_rewrite(struct pkt *p, __u32 l4in, __u8 proto,
							 __u32 addr, __u16 port)
{
	__u32 in_off = p->l4_off + 8;
	__u16 *icsum = PKT_PTR(p, p->l4_off + 2, 2), *pp, old_check, old_port;
	struct iphdr *iip = PKT_PTR(p, in_off, 20);
	__u32 old_addr;

	pp = PKT_PTR(p, l4in + (proto == IPPROTO_ICMP_ ? 4 : 0), 2);
	if (!icsum || !iip || !pp)
		return VNET_DROP_RUNT;
	old_addr = iip->saddr;
	old_check = iip->check;
	old_port = *pp;
	iip->saddr = addr;
	csum_replace4(&iip->check, old_addr, addr);
	*pp = port;
	csum_replace4(icsum, old_addr, addr);
	csum_replace2(icsum, old_check, iip->check);
	csum_replace2(icsum, old_port, port);
	return VNET_DROP_NONE;
}

static __always_inline enum act icmp_error_in(struct pkt *p, const struct hdrs *h)
{
	struct vnet_ct_key k = {};
	struct vnet_port *dst;
	struct vnet_net *net;
	struct vnet_ct *ct;
	__u32 l4in, ifindex;
	enum vnet_drop d;
	enum act a;

	l4in = icmp_inner_key(p, &k);
	if (!l4in)
		return ACT_PASS;
	ct = bpf_map_lookup_elem(&ct_map, &k);
	if (!ct || ct->dir != VNET_CT_IN || h->daddr != k.daddr)
		return ACT_PASS;	/* about the host's own traffic */
	ifindex = ct->ifindex;
	a = deliver_check(p, h, ct->net_id, ifindex, &dst, &net);
	if (a != ACT_CONTINUE)
		return a;
	if (!dst || !net)	/* never (deliver_check): for the verifier */
		return drop(p, VNET_DROP_INTERNAL);
	d = icmp_inner_rewrite(p, l4in, k.proto, ct->xaddr, ct->xport);
	if (d)
		return drop(p, d);
	return deliver_to(p, h, ifindex, dst, net, ct->mac, ct->xaddr, 0);
}

#endif
