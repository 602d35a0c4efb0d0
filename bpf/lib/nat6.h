/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NAT66 (issue 18.4, <nat ipv6='yes'>): a guest's IPv6 flows masqueraded
 * to the uplink's global IPv6 address, conntrack for TCP, UDP and ICMPv6
 * echo in ct6_map (pairs as ct_map's: vnet_shared.h), the same TCP states
 * and timeouts (the GC: ctl/vnetd/dp/dp_gc6.c), the same NAT port ranges
 * (vnet's, or the network's <nat><port start end> in nat_map).
 * Kept apart from IPv4's conntrack.h/nat.h: their pinned layouts stay. */
#ifndef VNET_BPF_NAT6_H
#define VNET_BPF_NAT6_H

#include "nat.h"

#define ICMP6_ECHO_REQ 128
#define ICMP6_ECHO_REP 129

/* Protocols NAT66 translates: TCP, UDP, ICMPv6 echo (by id); not a later
 * fragment (no ports). */
static __always_inline bool ct6_trackable(const struct hdrs *h)
{
	if (frag_later(h))
		return false;	/* follows its first fragment (frag6_find) */
	if (h->proto == IPPROTO_TCP_ || h->proto == IPPROTO_UDP_)
		return true;
	return h->proto == IPPROTO_ICMPV6_ &&
	       (h->icmp_type == ICMP6_ECHO_REQ || h->icmp_type == ICMP6_ECHO_REP);
}

/* The packet's tuple as seen on the wire. false: the header is not there. */
static __always_inline bool ct6_key_of(struct vnet_ct6_key *k, struct pkt *p, const struct hdrs *h)
{
	__u8 *ip = PKT_PTR(p, ETH_HLEN_, IP6_HLEN);

	if (!ip)
		return false;
	__builtin_memcpy(k->saddr, ip + 8, 16);
	__builtin_memcpy(k->daddr, ip + 24, 16);
	k->sport = h->sport;
	k->dport = h->proto == IPPROTO_ICMPV6_ ? 0 : h->dport;
	k->proto = h->proto;
	return true;
}

/* ct_established, ct_touch and ct_takeover of conntrack.h for ct6_map. */
static __always_inline __u8 ct6_established(const struct vnet_ct6 *ct, const struct hdrs *h)
{
	struct vnet_ct6 *peer;

	if (!ct->initiator || (ct->seen & VNET_CT_EST) ||
	    (h->tcp_flags & (TCPF_SYN | TCPF_ACK | TCPF_RST)) != TCPF_ACK)
		return 0;
	peer = bpf_map_lookup_elem(&ct6_map, &ct->peer);
	return peer && (peer->seen & VNET_CT_ACK) ? VNET_CT_EST : 0;
}

static __always_inline void ct6_touch(struct vnet_ct6 *ct, const struct hdrs *h, bool rst_ok)
{
	__u8 seen = VNET_CT_SEEN;
	__u64 now = bpf_ktime_get_coarse_ns();

	if (h->proto == IPPROTO_TCP_)
		seen |= ct_tcp_seen(h) | ct6_established(ct, h);
	if (!rst_ok)
		seen &= ~VNET_CT_RST;
	if ((ct->seen & seen) != seen)
		ct->seen |= seen;
	if (now - ct->seen_ns >= CT_REFRESH_NS)
		ct->seen_ns = now;
}

/* ct_note_ack and ct_rst_believed of conntrack.h for ct6_map: a reset
 * from outside counts only within VNET_CT_RST_WINDOW past the guest's
 * last ACK (kept in the OUT entry's guest_ack). */
static __always_inline void ct6_note_ack(struct vnet_ct6 *ct, const struct pkt *p,
					 const struct hdrs *h)
{
	ct_ack_keep(&ct->guest_ack, &ct->flags, p, h);
}

static __always_inline bool ct6_rst_believed(const struct vnet_ct6 *ct, const struct pkt *p,
					     const struct hdrs *h)
{
	const struct vnet_ct6 *out;

	if (h->proto != IPPROTO_TCP_ || !(h->tcp_flags & TCPF_RST))
		return true;
	out = bpf_map_lookup_elem(&ct6_map, &ct->peer);
	return !out || ct_rst_in_window(out->guest_ack, out->flags, p);
}

static __always_inline void ct6_takeover(struct vnet_ct6 *ct, const struct hdrs *h)
{
	const __u8 closed = VNET_CT_RST | VNET_CT_FIN;
	struct vnet_ct6 *peer;

	if (!ct->initiator || h->proto != IPPROTO_TCP_ ||
	    (h->tcp_flags & (TCPF_SYN | TCPF_ACK)) != TCPF_SYN)
		return;
	peer = bpf_map_lookup_elem(&ct6_map, &ct->peer);
	if (!(ct->seen & closed) && !(peer && (peer->seen & closed)))
		return;
	ct->seen = 0;
	ct->flags &= ~VNET_CTF_ACK;	/* the old connection's (ct6_rst_believed) */
	if (peer) {
		peer->seen = 0;
		peer->flags &= ~VNET_CTF_ACK;
	}
}

/* The entry of key k in direction dir, touched; NULL: none. */
static __always_inline struct vnet_ct6 *ct6_find(const struct pkt *p, struct vnet_ct6_key *k,
						 const struct hdrs *h, __u8 dir)
{
	struct vnet_ct6 *ct = bpf_map_lookup_elem(&ct6_map, k);

	if (!ct || ct->dir != dir)
		return NULL;
	ct6_takeover(ct, h);
	ct6_touch(ct, h, dir == VNET_CT_OUT || ct6_rst_believed(ct, p, h));
	if (dir == VNET_CT_OUT)
		ct6_note_ack(ct, p, h);
	return ct;
}

/* Insert a pair: a (the IN entry) with NOEXIST, then b; undo a if b fails. */
static __always_inline enum ct_insert_result ct6_insert_pair(struct vnet_ct6_key *a,
							     struct vnet_ct6 *va,
							     struct vnet_ct6_key *b,
							     struct vnet_ct6 *vb)
{
	long err = bpf_map_update_elem(&ct6_map, a, va, BPF_NOEXIST);

	if (err == -EEXIST_)
		return CT_EXISTS;
	if (err)
		goto full;
	err = bpf_map_update_elem(&ct6_map, b, vb, BPF_NOEXIST);
	if (!err) {
		count_net(va->net_id, VNET_G_CT_CREATED);
		return CT_INSERTED;
	}
	bpf_map_delete_elem(&ct6_map, a);
	if (err == -EEXIST_)
		return CT_EXISTS;
full:
	count_net(va->net_id, VNET_G_CT_FAILED);
	return CT_FAILED;
}

/* What snat6_new needs, copied out of the packet (a global function takes
 * no packet pointers). */
struct snat6_req {
	struct vnet_ct6_key out;	/* the flow as seen on the guest port */
	struct vnet_ct6_key in;		/* snat6_new: its answers' as seen on the uplink */
	struct vnet_quota6_key qk;	/* snat6_new: the guest's flow count */
	struct vnet_frag6_key fk;	/* a fragment's record: key, value */
	struct vnet_frag6 fv;
	__u8 to[16];			/* the uplink's IPv6 address */
	__u32 net_id;
	__u32 ifindex;			/* the guest's port */
	__u8 mac[6];			/* the guest's MAC */
	__u8 pad[2];
	struct vnet_nh6_key nk;		/* nat6_out: the flow's next hop (nexthop.h) */
	struct vnet_nh6 nv;
};

/* quota_take / quota_put of quota.h for a guest's NAT66 flows. */
static __always_inline enum quota_result quota6_take(const struct vnet_quota6_key *k, __u32 max)
{
	__u32 zero = 0, *made, *gone, used;

	made = bpf_map_lookup_elem(&ct6_made, k);
	if (!made) {
		bpf_map_update_elem(&ct6_made, k, &zero, BPF_NOEXIST);
		made = bpf_map_lookup_elem(&ct6_made, k);
		if (!made)
			return QUOTA_UNCOUNTED;
	}
	gone = bpf_map_lookup_elem(&ct6_gone, k);
	used = *made - (gone ? *gone : 0);
	if (max && (__s32)used >= (__s32)max)
		return QUOTA_OVER;
	__sync_fetch_and_add(made, 1);
	return QUOTA_TAKEN;
}

static __always_inline void quota6_put(const struct vnet_quota6_key *k)
{
	__u32 *made = bpf_map_lookup_elem(&ct6_made, k);

	if (made)
		__sync_fetch_and_add(made, -1);
}

/* Where route6.h builds a snat6_req (per CPU, not pinned: off the stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct snat6_req);
} snat6_scratch SEC(".maps");

/* Create the pair of a guest's new IPv6 flow with a free NAT port (the
 * guest's own when it is a NAT port and free, then random ones, as
 * snat_probe; from the network's <nat><port> range if it has one). A global function: its probe loop is verified once.
 * VNET_DROP_NONE: the flow is in (made here or by another CPU). */
__noinline enum vnet_drop snat6_new(struct snat6_req *r)
{
	enum ct_insert_result res = CT_NO_PORT;
	struct snat_to t = { 0 };	/* port range only (span 0: vnet's) */
	const struct vnet_nat *nc;
	struct vnet_ct6_key *ik;
	struct ct6_pair *cp;
	enum quota_result q;
	__u32 zero = 0;
	__u8 flags;
	__u16 own;

	if (!r)
		return VNET_DROP_CT_FULL;
	cp = bpf_map_lookup_elem(&ct6_scratch, &zero);
	if (!cp)
		return VNET_DROP_CT_FULL;
	r->qk.net_id = r->net_id;
	__builtin_memcpy(r->qk.addr, r->out.saddr, 16);
	q = quota6_take(&r->qk, vnet_ct_guest_max);
	if (q == QUOTA_OVER)
		return VNET_DROP_CT_GUEST_LIMIT;
	flags = VNET_CTF_TCP_STATE | (q == QUOTA_TAKEN ? VNET_CTF_QUOTA : 0);
	__builtin_memset(cp, 0, sizeof(*cp));
	cp->in.dir = VNET_CT_IN;
	__builtin_memcpy(cp->in.xaddr, r->out.saddr, 16);
	cp->in.xport = r->out.sport;
	cp->in.net_id = r->net_id;
	cp->in.ifindex = r->ifindex;
	cp->in.nat = 1;
	cp->in.flags = flags;
	__builtin_memcpy(cp->in.mac, r->mac, 6);
	cp->in.peer = r->out;
	cp->out.dir = VNET_CT_OUT;
	cp->out.initiator = 1;
	__builtin_memcpy(cp->out.xaddr, r->to, 16);
	cp->out.net_id = r->net_id;
	cp->out.nat = 1;
	cp->out.flags = flags;
	ik = &r->in;
	__builtin_memset(ik, 0, sizeof(*ik));
	__builtin_memcpy(ik->saddr, r->out.daddr, 16);
	__builtin_memcpy(ik->daddr, r->to, 16);
	ik->proto = r->out.proto;
	own = bpf_ntohs(r->out.sport);
	/* <nat><port start end> (nat_map) for TCP and UDP, as IPv4's
	 * snat_target; ICMPv6 echo ids keep vnet's ranges */
	nc = bpf_map_lookup_elem(&nat_map, &r->net_id);
	if (nc && nc->port_lo && nc->port_hi >= nc->port_lo &&
	    (ik->proto == IPPROTO_TCP_ || ik->proto == IPPROTO_UDP_)) {
		t.port_lo = nc->port_lo;
		t.span = (__u32)nc->port_hi - nc->port_lo + 1;
	}
	for (int i = 0; i < VNET_NAT_TRIES; i++) {
		__u16 port;

		if (i == 0 && snat_own_ok(own, &t))
			port = r->out.sport;
		else if (t.span)
			port = bpf_htons((__u16)(t.port_lo + bpf_get_prandom_u32() % t.span));
		else
			port = bpf_htons(nat_port_at(bpf_get_prandom_u32() % VNET_NAT_PORTS));
		if (ik->proto == IPPROTO_ICMPV6_) {
			ik->sport = port;
			ik->dport = 0;
		} else {
			ik->sport = r->out.dport;
			ik->dport = port;
		}
		cp->out.xport = port;
		cp->out.peer = *ik;
		res = ct6_insert_pair(ik, &cp->in, &r->out, &cp->out);
		if (res != CT_EXISTS)
			break;
		if (bpf_map_lookup_elem(&ct6_map, &r->out)) {
			res = CT_EXISTS;	/* another CPU created this flow */
			break;
		}
		res = CT_NO_PORT;
	}
	if (res != CT_INSERTED && q == QUOTA_TAKEN)
		quota6_put(&r->qk);
	if (res == CT_INSERTED)
		count_net(r->net_id, VNET_G_NAT_CREATED);
	return ct_insert_drop(res);
}

/* Fragments (frag.h's rules for IPv6): the first fragment, translated
 * with its flow, records the translation; the later ones get its address
 * (they have no L4 header: the checksum was fixed in the first); the
 * record goes with the last fragment, or is ignored after 30 s. Keys and
 * values are built in the scratch request (rq), off the stack. */
static __always_inline bool frag6_key_of(struct vnet_frag6_key *k, struct pkt *p,
					 const struct hdrs *h, __u8 dir)
{
	__u8 *ip = PKT_PTR(p, ETH_HLEN_, IP6_HLEN);

	if (!ip)
		return false;
	__builtin_memcpy(k->saddr, ip + 8, 16);
	__builtin_memcpy(k->daddr, ip + 24, 16);
	k->id = h->ip_id;
	k->proto = h->proto;
	k->dir = dir;
	return true;
}

/* Before the rewrite: the key is the packet as seen on the wire. */
static __always_inline void frag6_record(struct pkt *p, const struct hdrs *h,
					 const struct vnet_ct6 *ct, struct snat6_req *rq)
{
	if (!h->frag_first || !frag6_key_of(&rq->fk, p, h, ct->dir))
		return;
	__builtin_memcpy(rq->fv.xaddr, ct->xaddr, 16);
	rq->fv.net_id = ct->net_id;
	rq->fv.ifindex = ct->ifindex;
	__builtin_memcpy(rq->fv.mac, ct->mac, 6);
	rq->fv.seen_ns = bpf_ktime_get_coarse_ns();
	bpf_map_update_elem(&frag6_map, &rq->fk, &rq->fv, BPF_ANY);
}

static __always_inline struct vnet_frag6 *frag6_find(struct pkt *p, const struct hdrs *h,
						     __u8 dir, struct snat6_req *rq)
{
	struct vnet_frag6 *f;

	if (!frag6_key_of(&rq->fk, p, h, dir))
		return NULL;
	f = bpf_map_lookup_elem(&frag6_map, &rq->fk);
	if (!f || bpf_ktime_get_coarse_ns() - f->seen_ns > VNET_FRAG_TTL_NS)
		return NULL;
	return f;
}

/* After frag6_find: the last fragment takes the record with it. */
static __always_inline void frag6_done(const struct hdrs *h, struct snat6_req *rq)
{
	if (h->frag_last)
		bpf_map_delete_elem(&frag6_map, &rq->fk);
}

/* A later fragment's rewrite: the address, MACs, hop limit. */
static __always_inline enum vnet_drop nat6_addr(struct pkt *p, int src, const __u8 *addr,
						const __u8 *smac, const __u8 *dmac)
{
	__u8 *e;

	pkt_reload(p);
	e = PKT_PTR(p, 0, ETH_HLEN_ + IP6_HLEN);
	if (!e)
		return VNET_DROP_RUNT;
	__builtin_memcpy(e, dmac, 6);
	__builtin_memcpy(e + 6, smac, 6);
	e[ETH_HLEN_ + 7] -= 1;
	__builtin_memcpy(e + ETH_HLEN_ + (src ? 8 : 24), addr, 16);
	return VNET_DROP_NONE;
}

/* Fold a checksum difference (bpf_csum_diff) into a 16-bit checksum field
 * by hand (XDP), RFC 1624. */
static __always_inline void csum_apply_diff(__u16 *sum, __u32 diff)
{
	__u64 c = (__u16)~*sum;

	c += diff;
	c = (c & 0xffffffff) + (c >> 32);
	*sum = ~csum_fold32((__u32)c);
}

/* Rewrite the source (src) or destination address to addr and the port
 * (TCP/UDP source or destination, or the echo id) to port, set both MACs,
 * decrement the hop limit; the L4 checksum (its pseudo header holds the
 * addresses: TCP, UDP and ICMPv6 alike) follows. The L4 header must be
 * right after the fixed header at XDP (the caller passes other frames to
 * tc); p->fill_csum (XDP, a partial sum): TCP/UDP sums are recomputed in
 * full at the redirect. */
static __always_inline enum vnet_drop nat6_apply(struct pkt *p, const struct hdrs *h, int src,
						 const __u8 *addr, __u16 port, const __u8 *smac,
						 const __u8 *dmac)
{
	__u32 port_off, aoff = ETH_HLEN_ + (src ? 8 : 24), diff;
	__u8 *e, *a;
	__u16 old_port, *pp, *sum;

	pkt_reload(p);
	e = PKT_PTR(p, 0, ETH_HLEN_ + IP6_HLEN);
	if (!e)
		return VNET_DROP_RUNT;
	if (h->proto == IPPROTO_ICMPV6_)
		port_off = p->l4_off + 4;	/* echo id, both directions */
	else
		port_off = p->l4_off + (src ? 0 : 2);
	if (port_off > ETH_HLEN_ + IP6_HLEN + IP6_EXT_BYTES + 4)
		return VNET_DROP_RUNT;
	pp = PKT_PTR(p, port_off, 2);
	a = PKT_PTR(p, aoff, 16);
	if (!pp || !a)
		return VNET_DROP_RUNT;
	__builtin_memcpy(e, dmac, 6);
	__builtin_memcpy(e + 6, smac, 6);
	e[ETH_HLEN_ + 7] -= 1;
	/* the difference before the write (no copy of the old address) */
	diff = (__u32)bpf_csum_diff((__be32 *)a, 16, (__be32 *)addr, 16, 0);
	__builtin_memcpy(a, addr, 16);
	old_port = *pp;
	*pp = port;
	if (p->fill_csum == FILL_CSUM_PARTIAL && h->proto != IPPROTO_ICMPV6_)
		return VNET_DROP_NONE;	/* recomputed in full at the redirect */
	if (p->tc) {
		__u64 f = BPF_F_PSEUDO_HDR | (h->proto == IPPROTO_UDP_ ? BPF_F_MARK_MANGLED_0 : 0);

		bpf_l4_csum_replace(p->ctx, h->csum_off, 0, diff, f);
		if (port != old_port)
			bpf_l4_csum_replace(p->ctx, h->csum_off, old_port, port,
					    2 | (h->proto == IPPROTO_UDP_ ? BPF_F_MARK_MANGLED_0 : 0));
		return VNET_DROP_NONE;
	}
	if (h->csum_off > ETH_HLEN_ + IP6_HLEN + 16)
		return VNET_DROP_RUNT;	/* never (the caller): bounds it */
	sum = PKT_PTR(p, h->csum_off, 2);
	if (!sum)
		return VNET_DROP_RUNT;
	csum_apply_diff(sum, diff);
	if (port != old_port)
		csum_replace2(sum, old_port, port);
	if (h->proto == IPPROTO_UDP_ && *sum == 0)
		*sum = 0xffff;
	return VNET_DROP_NONE;
}

#endif
