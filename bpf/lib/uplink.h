/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Uplink ingress: replies of NATed flows and DNAT port forwards are
 * translated and sent straight to the guest port; route-mode subnets are
 * delivered to the bound guest; unsolicited traffic for a NAT subnet is
 * dropped; everything else passes to the host untouched. */
#ifndef VNET_BPF_UPLINK_H
#define VNET_BPF_UPLINK_H

#include "route.h"
#include "route6.h"
#include "icmp.h"
#include "learn.h"

/* The pair of a new connection to forward f of net_id, bound guest b. */
static __always_inline void dnat_pair(struct ct_pair *cp, const struct hdrs *h,
				      const struct vnet_fwd *f, __u32 net_id,
				      const struct vnet_bind *b, const struct vnet_ct_key *ik,
				      const struct vnet_ct_key *ok, __u8 flags)
{
	__builtin_memset(cp, 0, sizeof(*cp));
	cp->in.peer = *ok;
	cp->in.xaddr = f->guest_ip;
	cp->in.xport = f->guest_port;
	cp->in.dir = VNET_CT_IN;
	cp->in.net_id = net_id;
	cp->in.ifindex = b->ifindex;
	cp->in.nat = 2;
	cp->in.initiator = 1;
	cp->in.flags = flags;
	__builtin_memcpy(cp->in.mac, b->mac, 6);
	cp->out.peer = *ik;
	cp->out.xaddr = h->daddr;
	cp->out.xport = h->dport;
	cp->out.dir = VNET_CT_OUT;
	cp->out.net_id = net_id;
	cp->out.nat = 2;
	cp->out.flags = flags;
}

/* A new connection to a port forward: create the pair (IN = as seen on the
 * uplink, OUT = the guest's replies as seen on its port), counted against
 * the forward's cap. ACT_CONTINUE: go on, with *ct the flow's IN entry
 * (made here or by another CPU), or NULL: not a forward's. Else the
 * verdict: a refused connection is dropped on the forward's network. */
static __always_inline enum act dnat_new(struct pkt *p, const struct hdrs *h,
					 struct vnet_ct_key *ik, struct vnet_ct **ct)
{
	struct vnet_fwd_key fk = { .addr = h->daddr, .port = h->dport, .proto = h->proto };
	struct vnet_quota_key qk = { .addr = h->daddr, .port = h->dport, .proto = h->proto,
				     .kind = VNET_QUOTA_FWD };
	struct vnet_bind_key bk = {};
	struct vnet_ct_key ok = {};
	struct vnet_bind *b;
	struct vnet_fwd *f;
	struct vnet_net *net;
	enum ct_insert_result r;
	enum quota_result q;
	struct ct_pair *cp;
	__u32 zero = 0;

	if (h->proto != IPPROTO_TCP_ && h->proto != IPPROTO_UDP_)
		return ACT_CONTINUE;
	f = bpf_map_lookup_elem(&fwd_map, &fk);
	if (!f)
		return ACT_CONTINUE;
	bk.net_id = qk.net_id = f->net_id;
	net = bpf_map_lookup_elem(&net_map, &bk.net_id);
	if (!net || !(net->flags & VNET_NET_NAT) || net->uplink_addr != h->daddr)
		return ACT_CONTINUE;
	bk.ip = f->guest_ip;
	b = bpf_map_lookup_elem(&bind_map, &bk);
	cp = bpf_map_lookup_elem(&ct_scratch, &zero);
	/* a declared address whose MAC is not known yet: the kernel's way */
	if (!b || !cp || mac_is_zero(b->mac))
		return ACT_CONTINUE;
	p->net_id = bk.net_id;	/* a refusal is the forward's network's */
	q = quota_take(&qk, vnet_ct_fwd_max);
	if (q == QUOTA_OVER)
		return drop(p, VNET_DROP_CT_FWD_LIMIT);
	ok = (struct vnet_ct_key){ .saddr = f->guest_ip, .daddr = h->saddr,
				   .sport = f->guest_port, .dport = h->sport, .proto = h->proto };
	dnat_pair(cp, h, f, bk.net_id, b, ik, &ok,
		  VNET_CTF_TCP_STATE | (q == QUOTA_TAKEN ? VNET_CTF_QUOTA : 0));
	r = ct_insert_pair(ik, &cp->in, &ok, &cp->out);
	if (r != CT_INSERTED && q == QUOTA_TAKEN)
		quota_put(&qk);
	if (r == CT_INSERTED)
		count_net(bk.net_id, VNET_G_DNAT_HITS);
	else if (r != CT_EXISTS)
		return drop(p, ct_insert_drop(r));
	/* CT_EXISTS: ik another CPU's flow (found here), or ok taken (not
	 * found: the packet goes on as no flow's) */
	*ct = bpf_map_lookup_elem(&ct_map, ik);
	return ACT_CONTINUE;
}

/* Not a tracked flow: route-mode subnets get routed, NAT subnets are not
 * reachable from outside, the rest is the host's. */
static __always_inline enum act uplink_other(struct pkt *p, const struct hdrs *h)
{
	struct vnet_lpm_key lk = { .prefixlen = 32, .addr = h->daddr };
	struct vnet_bind_key bk = { .ip = h->daddr };
	struct vnet_bind *b;
	struct vnet_net *net;
	__u32 *id;

	id = bpf_map_lookup_elem(&subnet_map, &lk);
	if (!id) {
		count_net(0, VNET_G_UPLINK_PASS);
		return ACT_PASS;
	}
	bk.net_id = *id;
	p->net_id = *id;	/* a drop here is that network's */
	net = bpf_map_lookup_elem(&net_map, &bk.net_id);
	if (!net || !(net->flags & VNET_NET_ROUTE) || net->uplink_ifindex != p->ifindex)
		return drop(p, VNET_DROP_UNSOLICITED);
	b = bpf_map_lookup_elem(&bind_map, &bk);
	if (!b || h->frag || mac_is_zero(b->mac))
		return ACT_PASS;
	/* no translation: keep the destination port, or for ICMP the echo id
	 * (parse.h keeps it in sport) */
	return deliver_in(p, h, bk.net_id, b->ifindex, b->mac, h->daddr,
			  h->proto == IPPROTO_ICMP_ ? h->sport : h->dport);
}

/* An IPv4 packet from outside (parsed): the tc program's and the uplink
 * XDP program's (uplink_xdp.h) one path. At XDP an ICMP error goes on to
 * tc (icmp_error_in pulls and rewrites the embedded packet: tc's job). */
static __always_inline enum act uplink_ipv4(struct pkt *p, struct hdrs *h)
{
	struct vnet_ct_key k = {};
	struct vnet_ct *ct;

	if (h->proto == IPPROTO_ICMP_ && icmp_is_error(h->icmp_type) && !h->frag)
		return p->tc ? icmp_error_in(p, h) : pass_to_tc(p);
	if (frag_later(h)) {	/* frag.h: follows its first fragment */
		struct vnet_frag *f = frag_find(h, VNET_CT_IN);
		enum act r;

		if (!f)
			return uplink_other(p, h);
		r = deliver_in(p, h, f->net_id, f->ifindex, f->mac, f->xaddr, 0);
		if (r != ACT_PASS || !p->retry_tc)	/* tc delivers it: tc's record */
			frag_done(h, VNET_CT_IN);
		return r;
	}
	if (ct_trackable(h)) {
		ct_key_of(&k, h);
		ct = bpf_map_lookup_elem(&ct_map, &k);
		if (!ct) {
			enum act a = dnat_new(p, h, &k, &ct);

			if (a != ACT_CONTINUE)
				return a;
		}
		if (ct && ct->dir == VNET_CT_IN) {
			if (!ct_rst_believed(ct, p, h))
				h->tcp_flags &= ~TCPF_RST;	/* for conntrack only */
			ct_takeover(ct, h);
			ct_touch(ct, h);
			frag_record(h, ct);
			return deliver_in(p, h, ct->net_id, ct->ifindex, ct->mac, ct->xaddr,
					  ct->xport);
		}
	}
	return uplink_other(p, h);
}

static __always_inline enum act uplink_ingress(struct pkt *p)
{
	struct vnet_stats *s;
	struct hdrs h = {};
	__u8 kind;

	if (!uplink_find(p->ifindex, &kind, &s))
		return ACT_PASS;
	count_rx_in(p, s);
	if (parse_eth(p, &h))
		return ACT_PASS;
	if (h.eth_proto == ETH_P_IPV6)
		return uplink_ipv6(p, &h);	/* route6.h */
	if (h.eth_proto != ETH_P_IP || parse_ipv4(p, &h))
		return ACT_PASS;
	return uplink_ipv4(p, &h);
}

/* tc egress on the uplink, whatever sent the packet (the kernel's
 * forwarding included): nothing with a NAT subnet's source leaves, nothing
 * from an isolated network or through another network's uplink, and a
 * route-mode network's packets only as route_out would send them. */
static __always_inline enum act uplink_guard(struct pkt *p)
{
	struct vnet_lpm_key lk = { .prefixlen = 32 };
	struct hdrs h = {};
	struct vnet_net *net;
	enum vnet_drop r;
	__u32 *id;

	if (parse_eth(p, &h))
		return ACT_PASS;
	if (h.eth_proto == ETH_P_IPV6)
		return uplink_guard6(p);	/* route6.h */
	if (h.eth_proto != ETH_P_IP)
		return ACT_PASS;
	pkt_pull(p, ETH_HLEN_ + 20);
	struct iphdr *ip = PKT_PTR(p, ETH_HLEN_, 20);

	if (!ip)
		return ACT_PASS;
	lk.addr = ip->saddr;
	id = bpf_map_lookup_elem(&subnet_map, &lk);
	if (!id)
		return ACT_PASS;
	p->net_id = *id;
	net = bpf_map_lookup_elem(&net_map, id);
	if (!net)
		return ACT_PASS;
	if (net->flags & VNET_NET_NAT)
		return drop(p, VNET_DROP_UNNAT_GUARD);
	h.daddr = ip->daddr;
	h.ip_opts = ip->ihl > 5;
	r = route_refused(&h, net);
	if (!r && net->uplink_ifindex != p->ifindex)
		r = VNET_DROP_CROSS_NET;
	return r ? drop(p, r) : ACT_PASS;
}

#endif
