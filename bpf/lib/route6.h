/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv6 beyond the link (issue 18.4): a network that routes IPv6
 * (VNET_NET6_ROUTE: <forward mode='route'|'open'> with an IPv6 <ip>) has
 * its guests' IPv6 routed by the port program to the uplink (bpf_fib_lookup
 * AF_INET6, hop limit decremented, redirect), and the uplink program
 * delivers IPv6 for its prefixes to the guest that claimed the address
 * (bind6_map). What the fast path cannot do goes to the kernel, which
 * forwards on the devices vnetd turned forwarding on for (the bridge, the
 * uplink): hop limit 1 (time exceeded), a packet too big for the route
 * (packet too big), an unresolved neighbour at XDP, an address no guest
 * claimed yet. The bridge program lets such packets pass only through the
 * network's uplink, and the uplink guard lets a network's IPv6 sources
 * leave only as this path would send them. Kept apart from IPv4's route.h
 * so either family's changes stay in its own functions. */
#ifndef VNET_BPF_ROUTE6_H
#define VNET_BPF_ROUTE6_H

#include "deliver.h"
#include "nat6.h"
#include "ipv6.h"
#include "learn.h"

#define AF_INET6_ 10

/* Destinations no guest IPv6 is routed to (multicast and link-local are
 * judged before: the host's or the link's): the unspecified address, the
 * loopback, IPv4-mapped addresses (::ffff:0:0/96), RFC 4291 2.5.5.2. */
static __always_inline bool ip6_dst_reserved(const __u8 *d)
{
	__u64 a0, a1;

	__builtin_memcpy(&a0, d, 8);
	__builtin_memcpy(&a1, d + 8, 8);
	if (a0 != 0)
		return false;
	return a1 == 0 || a1 == bpf_cpu_to_be64(1) ||
	       (bpf_be64_to_cpu(a1) >> 32) == 0xffff;
}

/* The network's IPv6 flags (VNET_NET6_*), 0 without an entry. */
static __always_inline __u32 net6_flags(__u32 net_id)
{
	struct vnet_net6 *n6 = bpf_map_lookup_elem(&net6_map, &net_id);

	return n6 ? n6->flags : 0;
}

/* Next hop of an IPv6 packet leaving via the uplink, looked up as if it had
 * arrived on the bridge (the kernel answers only for a device with IPv6
 * forwarding on: dp_net_set turns it on there). The helper's code. */
static __always_inline int fib6_out(struct pkt *p, const struct hdrs *h, const struct vnet_net *net,
				    struct bpf_fib_lookup *fib, const __u8 *src)
{
	__u8 *ip = PKT_PTR(p, ETH_HLEN_, IP6_HLEN);

	if (!ip)
		return -1;
	fib->family = AF_INET6_;
	fib->l4_protocol = h->proto;
	fib->sport = h->sport;
	fib->dport = h->dport;
	/* tc: 0 lets the kernel check the skb against the MTU (GSO aware) */
	fib->tot_len = p->tc ? 0 : h->tot_len;
	__builtin_memcpy(fib->ipv6_src, src ? src : ip + 8, 16);
	__builtin_memcpy(fib->ipv6_dst, ip + 24, 16);
	fib->ifindex = net->bridge_ifindex;
	return bpf_fib_lookup(p->ctx, fib, sizeof(*fib), 0);
}

/* Set both MACs and decrement the hop limit (IPv6 has no header checksum,
 * and the hop limit is in no pseudo header). */
static __always_inline enum vnet_drop ip6_rewrite(struct pkt *p, const __u8 *smac,
						  const __u8 *dmac)
{
	__u8 *e;

	pkt_reload(p);
	e = PKT_PTR(p, 0, ETH_HLEN_ + IP6_HLEN);
	if (!e)
		return VNET_DROP_RUNT;
	__builtin_memcpy(e, dmac, 6);
	__builtin_memcpy(e + 6, smac, 6);
	e[ETH_HLEN_ + 7] -= 1;
	return VNET_DROP_NONE;
}

/* XDP completes an offloaded TCP/UDP sum (l4sum.h) only right after the
 * fixed header: a frame with extension headers is tc's. */
static __always_inline bool xdp_ext_l4(const struct pkt *p, const struct hdrs *h)
{
	return !p->tc && p->l4_off != ETH_HLEN_ + IP6_HLEN &&
	       (h->proto == IPPROTO_TCP_ || h->proto == IPPROTO_UDP_);
}

/* IPv6 to another of the host's addresses: host access all lets it in;
 * services only a TCP port forward's host port on the uplink's NAT66
 * address (the hairpin relay listens there, as host_access lets IPv4's
 * uplink address in). */
static __always_inline enum act host6_other(struct pkt *p, const struct hdrs *h,
					    const struct vnet_net *net, __u32 net_id)
{
	struct vnet_nat6 *a6;
	__u8 *d;

	if (net->host_access == VNET_HOST_ALL)
		return ACT_PASS;
	a6 = bpf_map_lookup_elem(&nat6_map, &net_id);
	d = IP6_DST(p);
	if (net->host_access == VNET_HOST_SERVICES && a6 && d && !h->frag &&
	    !ip6_is_zero(a6->addr) && ip6_eq(d, a6->addr) &&
	    host_svc_open(h, net_id, VNET_HOST_SVC_FWD))
		return ACT_PASS;
	return drop(p, VNET_DROP_TO_HOST);
}

/* The lookup's code judged for a packet to the uplink: ACT_CONTINUE (send
 * it; *neigh: unresolved, tc resolves it), else the verdict. */
static __always_inline enum act route6_judge(struct pkt *p, const struct hdrs *h, int rc,
					     const struct bpf_fib_lookup *fib,
					     const struct vnet_net *net, __u32 net_id, int *neigh)
{
	if (rc == BPF_FIB_LKUP_RET_NOT_FWDED)	/* another of the host's addresses */
		return host6_other(p, h, net, net_id);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return ACT_PASS;	/* the kernel sends packet too big */
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH && !p->tc)
		return pass_to_tc(p);
	if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED)
		return drop(p, VNET_DROP_FWD_DISABLED);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
		return drop(p, VNET_DROP_NO_ROUTE);
	if (fib->ifindex != net->uplink_ifindex)
		return net->flags & VNET_NET_OPEN ? ACT_PASS : drop(p, VNET_DROP_CROSS_NET);
	*neigh = rc == BPF_FIB_LKUP_RET_NO_NEIGH;
	return ACT_CONTINUE;
}

/* NAT66 (nat6.h): a guest's TCP, UDP or ICMPv6 echo leaves with the
 * uplink's IPv6 address and a NAT port; other protocols and fragments go
 * to the kernel, where the guard stops them (unnat_guard). At XDP only a
 * frame whose L4 header follows the fixed header (the checksum update). */
static __always_inline enum act nat6_out(struct pkt *p, const struct hdrs *h, __u32 net_id,
					 const struct vnet_net *net, const struct vnet_uplink *up)
{
	struct bpf_fib_lookup fib = {};
	const struct vnet_nh6 *nh;
	struct vnet_frag6 *f = NULL;
	struct vnet_ct6 *ct = NULL;
	struct snat6_req *rq;
	struct vnet_nat6 *a6;
	int neigh = 0, rc;
	__u32 zero = 0;
	enum vnet_drop r;
	enum act a;

	if (!p->tc && p->l4_off != ETH_HLEN_ + IP6_HLEN)
		return pass_to_tc(p);	/* fragments too: tc */
	if (!ct6_trackable(h) && !frag_later(h))
		return ACT_PASS;
	a6 = bpf_map_lookup_elem(&nat6_map, &net_id);
	if (!a6 || ip6_is_zero(a6->addr))
		return drop(p, VNET_DROP_NO_ROUTE);	/* the uplink has no IPv6 address */
	/* the key and a new flow's request live in a per-CPU map, off the
	 * stack (snat6_new's frame adds to this one's) */
	rq = bpf_map_lookup_elem(&snat6_scratch, &zero);
	if (!rq)
		return drop(p, VNET_DROP_CT_FULL);
	/* a later fragment: its first fragment's address, or ip_bad (not
	 * seen, as IPv4's); one path with the flows' (one fib on the stack) */
	if (frag_later(h)) {
		f = frag6_find(p, h, VNET_CT_OUT, rq);
		if (!f)
			return drop(p, VNET_DROP_IP_OPTS);
	} else {
		if (!ct6_key_of(&rq->out, p, h))
			return drop(p, VNET_DROP_RUNT);
		ct = ct6_find(p, &rq->out, h, VNET_CT_OUT);
	}
	/* a flow's next hop: cached (nexthop.h), else the FIB's, remembered */
	nh = NULL;
	if (ct) {
		rq->nk.net_id = net_id;
		__builtin_memcpy(rq->nk.addr, rq->out.daddr, 16);
		nh = nh6_cached(p, h, &rq->nk);
	}
	if (nh) {
		__builtin_memcpy(fib.smac, nh->smac, 6);
		__builtin_memcpy(fib.dmac, nh->dmac, 6);
	} else {
		rc = fib6_out(p, h, net, &fib, a6->addr);
		a = route6_judge(p, h, rc, &fib, net, net_id, &neigh);
		if (a != ACT_CONTINUE)
			return a;
		if (!f && !neigh) {
			rq->nk.net_id = net_id;
			__builtin_memcpy(rq->nk.addr, rq->out.daddr, 16);
			nh6_store(p, h, &rq->nk, &rq->nv, &fib);
		}
	}
	if (f) {
		r = nat6_addr(p, 1, f->xaddr, fib.smac, fib.dmac);
		if (r)
			return drop(p, r);
		frag6_done(h, rq);
		goto send;
	}
	if (!ct) {
		__builtin_memcpy(rq->to, a6->addr, 16);
		rq->net_id = net_id;
		rq->ifindex = p->ifindex;
		__builtin_memcpy(rq->mac, h->smac, 6);
		r = snat6_new(rq);
		if (r)
			return drop(p, r);
		ct = ct6_find(p, &rq->out, h, VNET_CT_OUT);
		if (!ct)
			return drop(p, VNET_DROP_CT_FULL);
	}
	set_fill_csum(p);
	frag6_record(p, h, ct, rq);
	r = nat6_apply(p, h, 1, ct->xaddr, ct->xport, fib.smac, fib.dmac);
	if (r)
		return drop(p, r);
send:
	p->target = net->uplink_ifindex;
	p->how = !p->tc ? REDIR_DEVMAP : neigh ? REDIR_NEIGH : REDIR_EGRESS;
	return ACT_REDIRECT;
}

/* IPv6 from a guest to the bridge's MAC. The host's (multicast, link-local,
 * a gateway address), on-link or not routed by the network: to the bridge
 * (the bridge program judges). Else routed to the uplink. */
static __always_inline enum act route6_out(struct pkt *p, const struct hdrs *h, __u32 net_id,
					   const struct vnet_net *net)
{
	struct vnet_net6 *n6 = bpf_map_lookup_elem(&net6_map, &net_id);
	struct bpf_fib_lookup fib = {};
	__u32 uplink = net->uplink_ifindex;
	struct vnet_uplink *up;
	int neigh = 0, rc;
	enum vnet_drop r;
	enum act a;
	__u8 *d = IP6_DST(p);

	if (!d)
		return drop(p, VNET_DROP_RUNT);
	if (!n6 || !(n6->flags & (VNET_NET6_ROUTE | VNET_NET6_NAT)) || !uplink || ip6_is_multicast(d) ||
	    ip6_is_linklocal(d) || ip6_in_net(d, n6))
		return ACT_PASS;
	if (ip6_dst_reserved(d))
		return drop(p, VNET_DROP_BAD_DST);
	up = bpf_map_lookup_elem(&uplink_map, &uplink);
	if (!up)
		return drop(p, VNET_DROP_NO_ROUTE);
	if (xdp_cannot(p, up->kind, up->hook) || xdp_ext_l4(p, h))
		return pass_to_tc(p);
	if (h->ttl <= 1)
		return ACT_PASS;	/* the kernel answers time exceeded */
	if (n6->flags & VNET_NET6_NAT)
		return nat6_out(p, h, net_id, net, up);
	rc = fib6_out(p, h, net, &fib, NULL);
	a = route6_judge(p, h, rc, &fib, net, net_id, &neigh);
	if (a != ACT_CONTINUE)
		return a;
	r = ip6_rewrite(p, fib.smac, fib.dmac);
	if (r)
		return drop(p, r);
	p->target = uplink;
	p->how = !p->tc ? REDIR_DEVMAP : neigh ? REDIR_NEIGH : REDIR_EGRESS;
	return ACT_REDIRECT;
}

/* dnat6_new's answer besides a drop reason: not a forward's packet. */
#define DNAT6_NONE (-1)

/* A new connection from the wan to a port forward to a guest's IPv6
 * address (fwd6_map, issue 18), as dnat_new for IPv4: the pair in ct6_map
 * (IN: r->in, the packet as seen on the uplink; OUT: the guest's answers
 * as seen on its port, translated back to the uplink's address and host
 * port by nat6_out), counted against the forward's cap
 * (VNET_QUOTA6_FWD_ID). In: r->in, r->ifindex (the uplink); out: r->net_id.
 * A global function: verified once. DNAT6_NONE: no forward of a network
 * on this uplink, a stale one (the address moved), or the guest not there
 * yet (the host's, as for IPv4); VNET_DROP_NONE: the flow is in (made here
 * or by another CPU); else the drop reason. */
__noinline int dnat6_new(struct snat6_req *r)
{
	struct vnet_fwd6_key fk = {};
	struct vnet_bind6_key bk = {};
	enum ct_insert_result res;
	struct vnet_bind6 *b;
	struct vnet_nat6 *a6;
	struct vnet_fwd6 *f;
	struct vnet_net *net;
	struct ct6_pair *cp;
	enum quota_result q;
	__u32 zero = 0;
	__u8 flags;

	if (!r || (r->in.proto != IPPROTO_TCP_ && r->in.proto != IPPROTO_UDP_))
		return DNAT6_NONE;
	__builtin_memcpy(fk.addr, r->in.daddr, 16);
	fk.port = r->in.dport;
	fk.proto = r->in.proto;
	f = bpf_map_lookup_elem(&fwd6_map, &fk);
	if (!f)
		return DNAT6_NONE;
	bk.net_id = f->net_id;
	net = bpf_map_lookup_elem(&net_map, &bk.net_id);
	a6 = bpf_map_lookup_elem(&nat6_map, &bk.net_id);
	if (!net || !a6 || net->uplink_ifindex != r->ifindex || !ip6_eq(a6->addr, fk.addr))
		return DNAT6_NONE;
	__builtin_memcpy(bk.addr, f->guest_ip, 16);
	b = bpf_map_lookup_elem(&bind6_map, &bk);
	cp = bpf_map_lookup_elem(&ct6_scratch, &zero);
	if (!b || !cp || mac_is_zero(b->mac))
		return DNAT6_NONE;
	r->net_id = bk.net_id;	/* a refusal is the forward's network's */
	r->qk.net_id = VNET_QUOTA6_FWD_ID(bk.net_id, fk.proto, bpf_ntohs(fk.port));
	__builtin_memcpy(r->qk.addr, fk.addr, 16);
	q = quota6_take(&r->qk, vnet_ct_fwd_max);
	if (q == QUOTA_OVER)
		return VNET_DROP_CT_FWD_LIMIT;
	flags = VNET_CTF_TCP_STATE | (q == QUOTA_TAKEN ? VNET_CTF_QUOTA : 0);
	__builtin_memset(&r->out, 0, sizeof(r->out));
	__builtin_memcpy(r->out.saddr, f->guest_ip, 16);
	__builtin_memcpy(r->out.daddr, r->in.saddr, 16);
	r->out.sport = f->guest_port;
	r->out.dport = r->in.sport;
	r->out.proto = r->in.proto;
	__builtin_memset(cp, 0, sizeof(*cp));
	cp->in.peer = r->out;
	__builtin_memcpy(cp->in.xaddr, f->guest_ip, 16);
	cp->in.xport = f->guest_port;
	cp->in.dir = VNET_CT_IN;
	cp->in.net_id = bk.net_id;
	cp->in.ifindex = b->ifindex;
	__builtin_memcpy(cp->in.mac, b->mac, 6);
	cp->in.nat = 2;
	cp->in.initiator = 1;
	cp->in.flags = flags;
	cp->out.peer = r->in;
	__builtin_memcpy(cp->out.xaddr, fk.addr, 16);
	cp->out.xport = fk.port;
	cp->out.dir = VNET_CT_OUT;
	cp->out.net_id = bk.net_id;
	cp->out.nat = 2;
	cp->out.flags = flags;
	res = ct6_insert_pair(&r->in, &cp->in, &r->out, &cp->out);
	if (res != CT_INSERTED && q == QUOTA_TAKEN)
		quota6_put(&r->qk);
	if (res == CT_INSERTED)
		count_net(bk.net_id, VNET_G_DNAT_HITS);
	return ct_insert_drop(res);
}

/* A later fragment from the wan of a NAT66 datagram whose first fragment
 * was translated: to the guest. ACT_CONTINUE: not ours (the host's). */
static __always_inline enum act nat6_frag_in(struct pkt *p, const struct hdrs *h,
					     struct snat6_req *rq)
{
	struct vnet_frag6 *f = frag6_find(p, h, VNET_CT_IN, rq);
	struct vnet_port *dst;
	struct vnet_net *net;
	enum vnet_drop r;
	__u32 ifindex;
	enum act a;

	if (!f)
		return ACT_CONTINUE;
	ifindex = f->ifindex;
	a = deliver_check(p, h, f->net_id, ifindex, &dst, &net);
	if (a != ACT_CONTINUE)
		return a;
	if (!dst || !net)	/* never (deliver_check): for the verifier */
		return drop(p, VNET_DROP_INTERNAL);
	if (!p->tc)
		return pass_to_tc(p);
	r = nat6_addr(p, 0, f->xaddr, net->bridge_mac, f->mac);
	if (r)
		return drop(p, r);
	frag6_done(h, rq);
	return acl_redirect(p, h, ifindex, dst, 0, h->dport);	/* its ingress ACL */
}

/* A NAT66 flow's packet from the wan (its IN entry), or a new connection
 * to a port forward (dnat6_new): the destination back to (or on to) the
 * guest's address and port, to its port. ACT_CONTINUE: no flow of ours. */
static __always_inline enum act nat6_in(struct pkt *p, const struct hdrs *h)
{
	struct snat6_req *rq;
	struct vnet_port *dst;
	struct vnet_net *net;
	struct vnet_ct6 *ct;
	__u32 ifindex, zero = 0;
	enum vnet_drop r;
	enum act a;

	rq = bpf_map_lookup_elem(&snat6_scratch, &zero);	/* the key, off the stack */
	if (!rq)
		return ACT_CONTINUE;
	if (frag_later(h))
		return nat6_frag_in(p, h, rq);
	if (!ct6_key_of(&rq->in, p, h))
		return ACT_CONTINUE;
	ct = ct6_find(p, &rq->in, h, VNET_CT_IN);
	if (!ct) {
		int d;

		rq->ifindex = p->ifindex;
		d = dnat6_new(rq);
		if (d == DNAT6_NONE)
			return ACT_CONTINUE;
		p->net_id = rq->net_id;
		if (d != VNET_DROP_NONE)
			return drop(p, (enum vnet_drop)d);
		/* not found: the answers' key was taken (no flow's packet) */
		ct = ct6_find(p, &rq->in, h, VNET_CT_IN);
		if (!ct)
			return ACT_CONTINUE;
	}
	ifindex = ct->ifindex;
	a = deliver_check(p, h, ct->net_id, ifindex, &dst, &net);
	if (a != ACT_CONTINUE)
		return a;
	if (!dst || !net)	/* never (deliver_check): for the verifier */
		return drop(p, VNET_DROP_INTERNAL);
	if (!p->tc && p->l4_off != ETH_HLEN_ + IP6_HLEN)
		return pass_to_tc(p);
	frag6_record(p, h, ct, rq);
	r = nat6_apply(p, h, 0, ct->xaddr, ct->xport, net->bridge_mac, ct->mac);
	if (r)
		return drop(p, r);
	return acl_redirect(p, h, ifindex, dst, 0, ct->xport);	/* its ingress ACL */
}

/* ICMPv6 errors (RFC 4443: destination unreachable 1, packet too big 2,
 * time exceeded 3, parameter problem 4) from the wan about a NAT66 flow:
 * the embedded packet is one the guest sent, translated, so its reversed
 * tuple is the flow's IN key. Translated back as RFC 5508 says for IPv4:
 * the outer destination, the embedded source address and port (or echo
 * id), the ICMPv6 checksum (its pseudo header holds the outer destination,
 * its message the embedded packet); then to the guest's port. Packet too
 * big must reach the guest, or path MTU discovery breaks. ACT_CONTINUE:
 * about no flow of ours (the host's own, or a routed network's guest:
 * delivered by address). */
static __always_inline bool icmp6_is_error(__u8 type)
{
	return type >= 1 && type <= 4;
}

static __always_inline enum act icmp6_error_in(struct pkt *p, const struct hdrs *h)
{
	__u32 in_off = p->l4_off + 8, zero = 0, ifindex, diff, port_off;
	struct vnet_ct6_key *k;
	struct snat6_req *rq;
	struct vnet_port *dst;
	struct vnet_net *net;
	struct vnet_ct6 *ct;
	__u16 *sum, *pp, old_port;
	__u8 *o, *i6, *l4, nh;
	enum act a;

	if (!p->tc && p->l4_off != ETH_HLEN_ + IP6_HLEN)
		return pass_to_tc(p);
	if (in_off > ETH_HLEN_ + IP6_HLEN + IP6_EXT_BYTES + 8)
		return ACT_CONTINUE;
	pkt_pull(p, in_off + IP6_HLEN + 8);
	i6 = PKT_PTR(p, in_off, IP6_HLEN);
	l4 = PKT_PTR(p, in_off + IP6_HLEN, 8);
	rq = bpf_map_lookup_elem(&snat6_scratch, &zero);	/* the key, off the stack */
	if (!i6 || !l4 || !rq)
		return ACT_CONTINUE;
	nh = i6[6];
	k = &rq->in;
	__builtin_memcpy(k->saddr, i6 + 24, 16);
	__builtin_memcpy(k->daddr, i6 + 8, 16);
	k->proto = nh;
	k->pad[0] = k->pad[1] = k->pad[2] = 0;
	if (nh == IPPROTO_TCP_ || nh == IPPROTO_UDP_) {
		__builtin_memcpy(&k->sport, l4 + 2, 2);
		__builtin_memcpy(&k->dport, l4, 2);
		port_off = in_off + IP6_HLEN;
	} else if (nh == IPPROTO_ICMPV6_ && l4[0] == ICMP6_ECHO_REQ) {
		__builtin_memcpy(&k->sport, l4 + 4, 2);
		k->dport = 0;
		port_off = in_off + IP6_HLEN + 4;
	} else {
		return ACT_CONTINUE;
	}
	ct = bpf_map_lookup_elem(&ct6_map, k);
	o = IP6_DST(p);
	if (!ct || ct->dir != VNET_CT_IN || !o || !ip6_eq(o, k->daddr))
		return ACT_CONTINUE;
	ifindex = ct->ifindex;
	a = deliver_check(p, h, ct->net_id, ifindex, &dst, &net);
	if (a != ACT_CONTINUE)
		return a;
	if (!dst || !net)	/* never (deliver_check): for the verifier */
		return drop(p, VNET_DROP_INTERNAL);
	/* every rewrite first, then the checksum (tc's helper invalidates
	 * packet pointers); the outer destination and the embedded source
	 * were the same address (the uplink's), both become the guest's */
	pkt_reload(p);
	o = PKT_PTR(p, 0, ETH_HLEN_ + IP6_HLEN);
	i6 = PKT_PTR(p, in_off, IP6_HLEN);
	if (port_off > ETH_HLEN_ + IP6_HLEN + IP6_EXT_BYTES + 8 + IP6_HLEN + 4)
		return drop(p, VNET_DROP_RUNT);
	pp = PKT_PTR(p, port_off, 2);
	if (!o || !i6 || !pp)
		return drop(p, VNET_DROP_RUNT);
	diff = (__u32)bpf_csum_diff((__be32 *)(o + ETH_HLEN_ + 24), 16, (__be32 *)ct->xaddr, 16, 0);
	__builtin_memcpy(o, ct->mac, 6);
	__builtin_memcpy(o + 6, net->bridge_mac, 6);
	o[ETH_HLEN_ + 7] -= 1;
	__builtin_memcpy(o + ETH_HLEN_ + 24, ct->xaddr, 16);
	__builtin_memcpy(i6 + 8, ct->xaddr, 16);
	old_port = *pp;
	*pp = ct->xport;
	if (p->tc) {
		bpf_l4_csum_replace(p->ctx, h->csum_off, 0, diff, BPF_F_PSEUDO_HDR);
		bpf_l4_csum_replace(p->ctx, h->csum_off, 0, diff, 0);
		bpf_l4_csum_replace(p->ctx, h->csum_off, old_port, ct->xport, 2);
	} else {
		if (h->csum_off != ETH_HLEN_ + IP6_HLEN + 2)
			return drop(p, VNET_DROP_RUNT);	/* never (checked above) */
		sum = PKT_PTR(p, ETH_HLEN_ + IP6_HLEN + 2, 2);
		if (!sum)
			return drop(p, VNET_DROP_RUNT);
		csum_apply_diff(sum, diff);
		csum_apply_diff(sum, diff);
		csum_replace2(sum, old_port, ct->xport);
	}
	return acl_redirect(p, h, ifindex, dst, 0, h->dport);	/* its ingress ACL */
}

/* IPv6 on the uplink (parsed): for a network's prefix, delivered to the
 * guest that claimed the address when the network routes IPv6; else
 * unsolicited. Not a network's: the host's. */
static __always_inline enum act uplink_ipv6(struct pkt *p, struct hdrs *h)
{
	struct vnet_lpm6_key lk = { .prefixlen = 128 };
	struct vnet_bind6_key bk = {};
	struct vnet_port *dst;
	struct vnet_net *net;
	struct vnet_bind6 *b;
	__u32 *id, ifindex;
	enum vnet_drop r;
	enum act a;
	__u8 *d, mac[6];

	if (parse_ipv6(p, h))
		return ACT_PASS;
	if (h->proto == IPPROTO_ICMPV6_ && icmp6_is_error(h->icmp_type) && !h->frag) {
		a = icmp6_error_in(p, h);	/* about a NAT66 flow */
		if (a != ACT_CONTINUE)
			return a;
	}
	if (ct6_trackable(h) || frag_later(h)) {	/* a NAT66 flow's answer */
		a = nat6_in(p, h);
		if (a != ACT_CONTINUE)
			return a;
	}
	d = IP6_DST(p);
	if (!d)
		return ACT_PASS;
	__builtin_memcpy(lk.addr, d, 16);
	id = bpf_map_lookup_elem(&subnet6_map, &lk);
	if (!id) {
		count_net(0, VNET_G_UPLINK_PASS);
		return ACT_PASS;
	}
	bk.net_id = *id;
	p->net_id = *id;	/* a drop here is that network's */
	net = bpf_map_lookup_elem(&net_map, &bk.net_id);
	if (!net || !(net6_flags(bk.net_id) & VNET_NET6_ROUTE) || net->uplink_ifindex != p->ifindex)
		return drop(p, VNET_DROP_UNSOLICITED);
	__builtin_memcpy(bk.addr, d, 16);
	b = bpf_map_lookup_elem(&bind6_map, &bk);
	if (!b || mac_is_zero(b->mac))
		return ACT_PASS;	/* not claimed yet: the kernel resolves it */
	ifindex = b->ifindex;
	__builtin_memcpy(mac, b->mac, 6);
	a = deliver_check(p, h, bk.net_id, ifindex, &dst, &net);
	if (a != ACT_CONTINUE)
		return a;
	if (!dst || !net)	/* never (deliver_check): for the verifier */
		return drop(p, VNET_DROP_INTERNAL);
	if (p->fill_csum == FILL_CSUM_PARTIAL && xdp_ext_l4(p, h))
		return pass_to_tc(p);
	r = ip6_rewrite(p, net->bridge_mac, mac);
	if (r)
		return drop(p, r);
	return acl_redirect(p, h, ifindex, dst, 0, acl_l4_dport(h));	/* its ingress ACL */
}

/* The uplink guard for IPv6: a source in a network's prefixes leaves only
 * from a network that routes IPv6, through its own uplink, not to a
 * reserved destination; NAT66 sources never untranslated. */
static __always_inline enum act uplink_guard6(struct pkt *p)
{
	struct vnet_lpm6_key lk = { .prefixlen = 128 };
	struct vnet_net *net;
	__u32 *id, f;
	__u8 *ip;

	pkt_pull(p, ETH_HLEN_ + IP6_HLEN);
	ip = PKT_PTR(p, ETH_HLEN_, IP6_HLEN);
	if (!ip)
		return ACT_PASS;
	__builtin_memcpy(lk.addr, ip + 8, 16);
	id = bpf_map_lookup_elem(&subnet6_map, &lk);
	if (!id)
		return ACT_PASS;
	p->net_id = *id;
	net = bpf_map_lookup_elem(&net_map, id);
	if (!net)
		return ACT_PASS;
	f = net6_flags(*id);
	if (f & VNET_NET6_NAT)
		return drop(p, VNET_DROP_UNNAT_GUARD);
	if (!(f & VNET_NET6_ROUTE) || !net->uplink_ifindex)
		return drop(p, VNET_DROP_IPV6);
	if (ip6_dst_reserved(ip + 24))
		return drop(p, VNET_DROP_BAD_DST);
	if (net->uplink_ifindex != p->ifindex)
		return drop(p, VNET_DROP_CROSS_NET);
	return ACT_PASS;
}

/* IPv6 the bridge hands up that the kernel would route (not the host's):
 * for a network that routes IPv6, only through its own uplink (what the
 * port program leaves to the kernel on purpose: hop limit 1, too big, an
 * unresolved neighbour at XDP); the guard keeps NAT66 sources from leaving
 * untranslated. Else not routed: ipv6. */
static __always_inline enum act bridge_routed6(struct pkt *p, const struct hdrs *h,
					       const struct vnet_net *net, __u32 net_id, __u32 f,
					       const __u8 *d)
{
	struct bpf_fib_lookup fib = {};
	int rc;

	if (!(f & (VNET_NET6_ROUTE | VNET_NET6_NAT)) || !net->uplink_ifindex)
		return drop(p, VNET_DROP_IPV6);
	if (ip6_dst_reserved(d))
		return drop(p, VNET_DROP_BAD_DST);
	rc = fib6_out(p, h, net, &fib, NULL);
	if (rc == BPF_FIB_LKUP_RET_NOT_FWDED)
		return host6_other(p, h, net, net_id);
	if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED)
		return drop(p, VNET_DROP_FWD_DISABLED);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH &&
	    rc != BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return drop(p, VNET_DROP_NO_ROUTE);
	return fib.ifindex == net->uplink_ifindex ? ACT_PASS : drop(p, VNET_DROP_CROSS_NET);
}

#endif
