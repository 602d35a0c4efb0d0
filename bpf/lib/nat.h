/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SNAT/DNAT: creating translated flows and rewriting packets. */
#ifndef VNET_BPF_NAT_H
#define VNET_BPF_NAT_H

#include "conntrack.h"
#include "csum.h"

/* The i-th NAT port (host order), i < VNET_NAT_PORTS: the low range
 * first, then the high one. */
static __always_inline __u16 nat_port_at(__u32 i)
{
	const __u32 lo = VNET_NAT_LO_MAX - VNET_NAT_LO_MIN + 1;

	return i < lo ? VNET_NAT_LO_MIN + i : VNET_NAT_HI_MIN + (i - lo);
}

/* The pair of a new SNAT flow from h, but for its NAT port (snat_probe). */
static __always_inline void snat_pair(struct ct_pair *cp, const struct hdrs *h,
				      const struct vnet_net *net, __u32 net_id,
				      __u32 port_ifindex, const struct vnet_ct_key *ok, __u8 flags)
{
	__builtin_memset(cp, 0, sizeof(*cp));
	cp->in.dir = VNET_CT_IN;
	cp->in.xaddr = h->saddr;
	cp->in.xport = h->sport;
	cp->in.net_id = net_id;
	cp->in.ifindex = port_ifindex;
	cp->in.nat = 1;
	cp->in.flags = flags;
	__builtin_memcpy(cp->in.mac, h->smac, 6);
	cp->in.peer = *ok;
	cp->out.dir = VNET_CT_OUT;
	cp->out.initiator = 1;
	cp->out.xaddr = net->uplink_addr;
	cp->out.net_id = net_id;
	cp->out.nat = 1;
	cp->out.flags = flags;
}

/* Where a new flow of h is translated to: the network's address range
 * (one address per guest, by its own address) or the uplink's address,
 * and its port range for TCP/UDP (span 0: vnet's two ranges). */
struct snat_to {
	__u32 addr;
	__u32 port_lo, span;
};

static __always_inline void snat_target(struct snat_to *t, const struct hdrs *h,
					const struct vnet_net *net, __u32 net_id)
{
	const struct vnet_nat *nc = bpf_map_lookup_elem(&nat_map, &net_id);
	__u32 lo, hi;

	t->addr = net->uplink_addr;
	t->port_lo = 0;
	t->span = 0;
	if (!nc)
		return;
	lo = bpf_ntohl(nc->addr_lo);
	hi = bpf_ntohl(nc->addr_hi);
	if (lo && hi >= lo)
		t->addr = bpf_htonl(lo + bpf_ntohl(h->saddr) % (hi - lo + 1));
	if (nc->port_lo && nc->port_hi >= nc->port_lo &&
	    (h->proto == IPPROTO_TCP_ || h->proto == IPPROTO_UDP_)) {
		t->port_lo = nc->port_lo;
		t->span = (__u32)nc->port_hi - nc->port_lo + 1;
	}
}

/* May the flow keep the guest's own source port (host order)? */
static __always_inline bool snat_own_ok(__u16 own, const struct snat_to *t)
{
	if (t->span)
		return own >= t->port_lo && own - t->port_lo < t->span;
	return VNET_NAT_PORT_OK(own);
}

/* The NAT port's holder under ik (an IN key) if it is a TCP SNAT flow
 * closed by a reset, seen in either direction: the flow is over (no
 * TIME_WAIT follows a reset), it only waits for the GC. */
static __always_inline struct vnet_ct *snat_reset_holder(const struct vnet_ct_key *ik)
{
	struct vnet_ct *in = bpf_map_lookup_elem(&ct_map, ik), *out;

	if (!in || in->dir != VNET_CT_IN || in->nat != 1)
		return NULL;
	if (in->seen & VNET_CT_RST)
		return in;
	out = bpf_map_lookup_elem(&ct_map, &in->peer);
	return out && (out->seen & VNET_CT_RST) ? in : NULL;
}

/* Every probe found its port taken: a new TCP connection (snat_probe's
 * second round of probes) takes a probed port a reset flow holds, whose
 * pair is removed first, as nf_conntrack lets a SYN reuse a closed tuple;
 * CT_NO_PORT: a live flow holds it. Without it a client churning short
 * connections to one server outgrows the ports while reset flows wait
 * 10 s for the GC, and every refused SYN costs it a 1-s retransmission
 * (issue 21). The removed flow's count against its guest's cap
 * (VNET_CTF_QUOTA) is given back by the GC's reconcile within a cycle, as
 * its expiry would have (no stack left here for a quota key). */
static __always_inline enum ct_insert_result snat_take_reset(struct vnet_ct_key *ik,
							     struct vnet_ct *in,
							     struct vnet_ct_key *ok,
							     struct vnet_ct *out)
{
	struct vnet_ct *old = snat_reset_holder(ik);

	if (!old)
		return CT_NO_PORT;
	bpf_map_delete_elem(&ct_map, &old->peer);
	bpf_map_delete_elem(&ct_map, ik);
	return ct_insert_pair(ik, in, ok, out);
}

/* Insert the pair with a free NAT port toward the remote endpoint. The
 * guest's own source port (echo id) is kept when it is a NAT port and free
 * (as masquerade does); otherwise every probe is an independent random
 * port (RFC 6056 style; never a consecutive run, so a clustered table does
 * not make the probes fail together: at occupancy o all VNET_NAT_TRIES
 * fail with probability o^32). CT_EXISTS: another CPU made this flow
 * meanwhile; CT_NO_PORT: every probe found its port taken. */
static __always_inline enum ct_insert_result snat_probe(const struct hdrs *h,
							const struct snat_to *t,
							struct ct_pair *cp, struct vnet_ct_key *ok)
{
	struct vnet_ct_key ik = { .saddr = h->daddr, .daddr = t->addr,
				  .sport = h->dport, .proto = h->proto };
	__u16 own = bpf_ntohs(h->sport);
	enum ct_insert_result r;
	int i;

	for (i = 0; i < 2 * VNET_NAT_TRIES; i++) {
		__u32 rnd = bpf_get_prandom_u32();
		__u16 port;

		/* all VNET_NAT_TRIES taken: as many more for a reset flow's
		 * port, for a new TCP connection only (snat_take_reset) */
		if (i == VNET_NAT_TRIES && (h->proto != IPPROTO_TCP_ ||
					    (h->tcp_flags & (TCPF_SYN | TCPF_ACK)) != TCPF_SYN))
			break;
		if (i == 0 && snat_own_ok(own, t))
			port = h->sport;
		else if (t->span)
			port = bpf_htons((__u16)(t->port_lo + rnd % t->span));
		else
			port = bpf_htons(nat_port_at(rnd % VNET_NAT_PORTS));
		if (h->proto == IPPROTO_ICMP_) {
			ik.sport = port;
			ik.dport = 0;
		} else {
			ik.dport = port;
		}
		cp->out.xport = port;
		cp->out.peer = ik;
		if (i < VNET_NAT_TRIES)
			r = ct_insert_pair(&ik, &cp->in, ok, &cp->out);
		else
			r = snat_take_reset(&ik, &cp->in, ok, &cp->out);
		if (r != CT_EXISTS && r != CT_NO_PORT)
			return r;
		if (r == CT_EXISTS && bpf_map_lookup_elem(&ct_map, ok))
			return CT_EXISTS;	/* another CPU created this flow */
	}
	return CT_NO_PORT;	/* counted as that drop only */
}

/* Create the pair for a guest-initiated flow leaving through net's uplink
 * with source net->uplink_addr or the network's NAT range (snat_target), counted against the guest's cap (its
 * address in the network). VNET_DROP_NONE: the flow is in (made here or
 * by another CPU). */
static __always_inline enum vnet_drop snat_new_inline(const struct hdrs *h,
						      const struct vnet_net *net, __u32 net_id,
						      __u32 port_ifindex, struct vnet_ct_key *ok)
{
	struct vnet_quota_key qk = { .net_id = net_id, .addr = h->saddr,
				     .kind = VNET_QUOTA_GUEST };
	enum ct_insert_result r;
	enum quota_result q;
	struct snat_to to;
	struct ct_pair *cp;
	__u32 zero = 0;

	cp = bpf_map_lookup_elem(&ct_scratch, &zero);
	if (!cp)
		return VNET_DROP_CT_FULL;
	q = quota_take(&qk, vnet_ct_guest_max);
	if (q == QUOTA_OVER)
		return VNET_DROP_CT_GUEST_LIMIT;
	snat_pair(cp, h, net, net_id, port_ifindex, ok,
		  VNET_CTF_TCP_STATE | (q == QUOTA_TAKEN ? VNET_CTF_QUOTA : 0));
	snat_target(&to, h, net, net_id);
	cp->out.xaddr = to.addr;
	r = snat_probe(h, &to, cp, ok);
	if (r != CT_INSERTED && q == QUOTA_TAKEN)
		quota_put(&qk);
	if (r == CT_INSERTED)
		count_net(net_id, VNET_G_NAT_CREATED);
	return ct_insert_drop(r);
}

/* snat_new_inline as a global (separately verified) function: its port
 * probing loop is verified once, not on every path that creates a flow,
 * which keeps the programs well inside the verifier's budget. It runs
 * once per new flow, so the call costs nothing that matters. */
__noinline enum vnet_drop snat_new(const struct hdrs *h, const struct vnet_net *net,
				   __u32 net_id, __u32 port_ifindex, struct vnet_ct_key *ok)
{
	if (!h || !net || !ok)
		return VNET_DROP_CT_FULL;
	return snat_new_inline(h, net, net_id, port_ifindex, ok);
}

/* Rewrite source (src) or destination address/port, decrement the TTL and
 * set both MACs. Direct writes first; on tc the L4 checksum helper runs
 * last because it invalidates packet pointers. With p->fill_csum (XDP, a
 * partial sum) the TCP/UDP checksum is left to l4_csum_fill. VNET_DROP_RUNT if
 * the headers are not there to rewrite. */
static __always_inline enum vnet_drop nat_apply(struct pkt *p, const struct hdrs *h, int src,
						__u32 addr, __u16 port, const __u8 *smac,
						const __u8 *dmac)
{
	__u32 port_off = 0, old_addr;
	__u16 old_port = 0, before, *pp, *w;
	int l4 = 1;
	struct ethhdr *eth;
	struct iphdr *ip;

	pkt_reload(p);
	eth = PKT_PTR(p, 0, ETH_HLEN_);
	ip = PKT_PTR(p, ETH_HLEN_, 20);
	if (!eth || !ip)
		return VNET_DROP_RUNT;
	if (frag_later(h))
		l4 = 0;	/* no L4 header: its checksum was fixed in the first */
	else if (h->proto == IPPROTO_TCP_ || h->proto == IPPROTO_UDP_)
		port_off = p->l4_off + (src ? 0 : 2);
	else if (h->proto == IPPROTO_ICMP_ && (h->icmp_type == 0 || h->icmp_type == 8))
		port_off = p->l4_off + 4;	/* echo id */
	if (port_off) {
		pp = PKT_PTR(p, port_off, 2);
		if (!pp)
			return VNET_DROP_RUNT;
		old_port = *pp;
		*pp = port;
	}
	__builtin_memcpy(eth->h_source, smac, 6);
	__builtin_memcpy(eth->h_dest, dmac, 6);
	old_addr = src ? ip->saddr : ip->daddr;
	if (src)
		ip->saddr = addr;
	else
		ip->daddr = addr;
	csum_replace4(&ip->check, old_addr, addr);
	/* TTL and protocol share one 16-bit word of the header checksum */
	w = (__u16 *)&ip->ttl;
	before = *w;
	*w = bpf_htons(bpf_ntohs(before) - 0x100);
	csum_replace2(&ip->check, before, *w);
	if (!l4 || (p->fill_csum == FILL_CSUM_PARTIAL && !h->frag && h->proto != IPPROTO_ICMP_))
		return VNET_DROP_NONE;	/* none here, or recomputed in full at the redirect */
	if (addr != old_addr)
		l4_csum_fix(p, h->proto, h->csum_off, old_addr, addr, 4, 1);
	if (port_off && port != old_port)
		l4_csum_fix(p, h->proto, h->csum_off, old_port, port, 2, 0);
	return VNET_DROP_NONE;
}

#endif
