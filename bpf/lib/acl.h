/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACLs in the data path: ordered allow/drop rules judged per packet by a
 * bit-vector classifier (vnet_shared.h, docs/datapath.md "ACLs"). Five
 * lookups whatever the number of rules -- source and destination prefix,
 * source and destination port (ICMP: the type as the destination "port"),
 * protocol -- each giving the bitmap of the rules that field allows; the
 * lowest bit set in their AND is the first matching rule. A packet no rule
 * matches that answers a flow the port's other ACL allowed passes
 * (acl_flow, nftables' "ct state established"); else the ACL's default.
 * Judged where a packet leaves a guest (port ingress, "out") and where
 * vnet's programs deliver one into a guest port ("in": l2_forward,
 * deliver_to). */
#ifndef VNET_BPF_ACL_H
#define VNET_BPF_ACL_H

#include "parse.h"
#include "maps.h"
#include "route.h"
#include "counters.h"

/* The packet as an ACL sees it, as it is or will be on the guest's wire. */
struct acl_tuple {
	__u32 saddr, daddr;
	__u16 sport, dport;	/* network order; ICMP echo: id in sport */
	__u8 proto;
	__u8 icmp_type;
};

static __always_inline struct vnet_acl_bits *acl_lpm_get(__u8 field, __u32 cls, const void *v,
							 __u32 bytes)
{
	struct vnet_acl_lpm_key k = { .field = field };

	k.cls[0] = cls >> 8;
	k.cls[1] = cls;
	k.prefixlen = 24 + bytes * 8;
	if (bytes == 4)
		__builtin_memcpy(k.data, v, 4);
	else
		__builtin_memcpy(k.data, v, 2);
	return bpf_map_lookup_elem(&acl_lpm, &k);
}

/* Index of the lowest bit set in w (w != 0): no ctz instruction in BPF. */
static __always_inline __u32 acl_lowbit(__u64 w)
{
	__u32 n = 0;

	w &= -w;
	if (!(w & 0xffffffffULL)) { n += 32; w >>= 32; }
	if (!(w & 0xffffULL)) { n += 16; w >>= 16; }
	if (!(w & 0xffULL)) { n += 8; w >>= 8; }
	if (!(w & 0xfULL)) { n += 4; w >>= 4; }
	if (!(w & 0x3ULL)) { n += 2; w >>= 2; }
	if (!(w & 0x1ULL))
		n += 1;
	return n;
}

static __always_inline __u32 acl_pclass(__u8 proto)
{
	if (proto == IPPROTO_TCP_)
		return VNET_ACL_P_TCP;
	if (proto == IPPROTO_UDP_)
		return VNET_ACL_P_UDP;
	if (proto == IPPROTO_ICMP_)
		return VNET_ACL_P_ICMP;
	return VNET_ACL_P_OTHER;
}

/* The first rule whose five fields' bitmaps all have its bit, counted;
 * or -1 (none, or a field no rule allows). */
static __always_inline int acl_first_rule(__u32 cls, __u32 nw, const struct vnet_acl_bits *s,
					  const struct vnet_acl_bits *d,
					  const struct vnet_acl_bits *sp,
					  const struct vnet_acl_bits *dp,
					  const struct vnet_acl_bits *pr)
{
	__u32 k, i;
	__u64 *hit;

	if (!pr || !s || !d || !sp || !dp)
		return -1;	/* a field no rule allows */
	for (i = 0; i < VNET_ACL_WORDS; i++) {
		__u64 w;

		if (i >= nw)
			break;
		w = s->w[i] & d->w[i] & sp->w[i] & dp->w[i] & pr->w[i];
		if (w) {
			__u32 bit = i * 64 + acl_lowbit(w);

			k = cls * VNET_ACL_HIT_STRIDE + bit;
			hit = bpf_map_lookup_elem(&acl_hits, &k);
			if (hit)
				__sync_fetch_and_add(hit, 1);
			return bit;
		}
	}
	return -1;
}

/* The first rule of classifier cls that matches, counted; or -1 (none).
 * ports: sport << 16 | dport (network order each; ICMP: 0, type). A global
 * function: verified once, not on every path of its callers. */
__noinline int vnet_acl_classify(__u32 cls, __u32 saddr, __u32 daddr, __u32 ports, __u32 proto)
{
	struct vnet_acl_bits *s, *d, *sp, *dp, *pr;
	__u16 sport = ports >> 16, dport = ports;
	struct vnet_acl_info *info;
	__u32 k;

	cls &= 0xffff;
	if (cls >= VNET_ACL_CLASSIFIERS)
		return -1;
	info = bpf_map_lookup_elem(&acl_info, &cls);
	if (!info || !info->valid)
		return -1;
	k = cls * 4 + acl_pclass(proto);
	pr = bpf_map_lookup_elem(&acl_proto, &k);
	s = acl_lpm_get(VNET_ACL_F_SRC, cls, &saddr, 4);
	d = acl_lpm_get(VNET_ACL_F_DST, cls, &daddr, 4);
	sp = acl_lpm_get(VNET_ACL_F_SPORT, cls, &sport, 2);
	dp = acl_lpm_get(VNET_ACL_F_DPORT, cls, &dport, 2);
	return acl_first_rule(cls, info->nwords, s, d, sp, dp, pr);
}

static __always_inline void acl_count(__u32 cls, __u32 what)
{
	__u32 k = cls * VNET_ACL_HIT_STRIDE + what;
	__u64 *hit = bpf_map_lookup_elem(&acl_hits, &k);

	if (hit)
		__sync_fetch_and_add(hit, 1);
}

/* The acl_flow key of t at ifindex in direction dir; reply: the tuple its
 * answer will have (ICMP echo keeps its id in sport both ways). */
static __always_inline void acl_flow_key(struct vnet_acl_flow_key *fk, __u32 ifindex, __u8 dir,
					 const struct acl_tuple *t, int reply)
{
	fk->ifindex = ifindex;
	fk->dir = dir;
	fk->proto = t->proto;
	if (!reply) {
		fk->saddr = t->saddr;
		fk->daddr = t->daddr;
		fk->sport = t->sport;
		fk->dport = t->dport;
		return;
	}
	fk->saddr = t->daddr;
	fk->daddr = t->saddr;
	fk->sport = t->proto == IPPROTO_ICMP_ ? t->sport : t->dport;
	fk->dport = t->proto == IPPROTO_ICMP_ ? t->dport : t->sport;
}

/* The live classifier judging a port with tables ap (its acl_port_map
 * entry or port_state's copy of it; NULL: none) in direction dir, and
 * whether the port has an ACL in the other direction too; NULL: none
 * judges. */
static __always_inline struct vnet_acl_info *acl_live_ap(const struct vnet_acl_port *ap, __u8 dir,
							 __u32 *cls, __u32 *other)
{
	struct vnet_acl_info *info;
	__u32 tb, *gen;

	if (!ap)
		return NULL;
	tb = dir == VNET_ACL_DIR_IN ? ap->in_t : ap->out_t;
	*other = dir == VNET_ACL_DIR_IN ? ap->out_t : ap->in_t;
	if (!tb)
		return NULL;
	gen = bpf_map_lookup_elem(&acl_gen, &tb);
	if (!gen)
		return NULL;
	*cls = VNET_ACL_CLS(tb, *gen);
	info = bpf_map_lookup_elem(&acl_info, cls);
	if (!info || !info->valid)
		return NULL;
	return info;
}

/* The same for port ifindex, by its acl_port_map entry. */
static __always_inline struct vnet_acl_info *acl_live(__u32 ifindex, __u8 dir, __u32 *cls,
						      __u32 *other)
{
	return acl_live_ap(bpf_map_lookup_elem(&acl_port_map, &ifindex), dir, cls, other);
}

/* Judge t at port ifindex, whose tables are ap, in direction dir
 * (VNET_ACL_DIR_*). */
static __always_inline enum vnet_drop acl_judge(__u32 ifindex, const struct vnet_acl_port *ap,
						__u8 dir, const struct acl_tuple *t)
{
	struct vnet_acl_flow_key fk = {};
	struct vnet_acl_info *info;
	__u32 other = 0, cls = 0;
	__u64 now, *seen;
	__u8 act;
	int bit;

	info = acl_live_ap(ap, dir, &cls, &other);
	if (!info)
		return VNET_DROP_NONE;
	bit = vnet_acl_classify(cls, t->saddr, t->daddr,
				t->proto == IPPROTO_ICMP_ ? bpf_htons(t->icmp_type) :
				((__u32)t->sport << 16) | t->dport, t->proto);
	if (bit >= 0 && bit < VNET_ACL_RULES) {
		act = info->act[(__u32)bit & (VNET_ACL_RULES - 1)];
	} else {
		acl_flow_key(&fk, ifindex, dir, t, 0);
		seen = bpf_map_lookup_elem(&acl_flow, &fk);
		if (seen && bpf_ktime_get_coarse_ns() - *seen < VNET_ACL_FLOW_NS) {
			acl_count(cls, VNET_ACL_HIT_EST);
			return VNET_DROP_NONE;
		}
		acl_count(cls, VNET_ACL_HIT_DEFAULT);
		act = info->dflt;
	}
	if (act != VNET_ACL_ALLOW)
		return VNET_DROP_ACL;
	if (!other)
		return VNET_DROP_NONE;
	/* the answer may pass the other direction's ACL: noted once a second */
	acl_flow_key(&fk, ifindex, !dir, t, 1);
	now = bpf_ktime_get_coarse_ns();
	seen = bpf_map_lookup_elem(&acl_flow, &fk);
	if (seen && now - *seen < 1000000000ULL)
		return VNET_DROP_NONE;
	bpf_map_update_elem(&acl_flow, &fk, &now, BPF_ANY);
	return VNET_DROP_NONE;
}

static __always_inline void acl_tuple_of(struct acl_tuple *t, const struct hdrs *h)
{
	t->saddr = h->saddr;
	t->daddr = h->daddr;
	t->sport = h->sport;
	t->dport = h->dport;
	t->proto = h->proto;
	t->icmp_type = h->icmp_type;
}

/* A guest's IPv4 packet leaving it (port ingress, after the source checks). */
static __always_inline enum vnet_drop acl_from_guest(const struct pkt *p, const struct hdrs *h,
						      const struct vnet_acl_port *ap)
{
	struct acl_tuple t;

	if (h->eth_proto != ETH_P_IP)
		return VNET_DROP_NONE;
	acl_tuple_of(&t, h);
	return acl_judge(p->ifindex, ap, VNET_ACL_DIR_OUT, &t);
}

/* A packet vnet delivers into guest port ifindex, with the destination
 * (addr, port) it will have there (after translation). */
static __always_inline enum vnet_drop acl_to_guest(const struct hdrs *h, __u32 ifindex,
						    const struct vnet_acl_port *ap,
						    __u32 daddr, __u16 dport)
{
	struct acl_tuple t;

	acl_tuple_of(&t, h);
	t.daddr = daddr;
	if (h->proto == IPPROTO_ICMP_)
		t.sport = dport;	/* the echo id, as the guest sees it */
	else
		t.dport = dport;
	return acl_judge(ifindex, ap, VNET_ACL_DIR_IN, &t);
}

/* ---- IPv6: the same classifiers, the addresses in acl_lpm6 ------------- */

/* An IPv6 packet as an ACL sees it, built with the keys in acl6_scratch
 * (per CPU, not pinned): the IPv6 paths have no stack left for 80 bytes. */
struct acl_tuple6 {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport, dport;	/* network order; ICMPv6 echo: id in sport */
	__u8 proto;
	__u8 icmp_type;
	__u8 pad[2];
};

struct acl6_scratch {
	struct acl_tuple6 t;
	struct vnet_acl_lpm6_key lk;	/* an address's */
	struct vnet_acl_lpm_key pk;	/* a port's */
	struct vnet_acl_flow6_key fk;
	__u64 now;
	__u32 ifindex;		/* judged at this port */
	__u32 cls, other;	/* acl_live's */
	int bit;		/* the first matching rule, -1: none */
	__u8 dir;		/* VNET_ACL_DIR_* */
	__u8 dflt, act;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct acl6_scratch);
} acl6_scratch SEC(".maps");

static __always_inline __u32 acl6_pclass(__u8 proto)
{
	if (proto == IPPROTO_TCP_)
		return VNET_ACL_P_TCP;
	if (proto == IPPROTO_UDP_)
		return VNET_ACL_P_UDP;
	if (proto == IPPROTO_ICMPV6_)
		return VNET_ACL_P_ICMP;
	return VNET_ACL_P_OTHER;
}

/* Neighbour discovery and MLD (ICMPv6 130-137, 143) are not judged, as ARP
 * is not: no IPv6 link works without them, and the guards (ipv6.h) check
 * what a guest sends of them. */
static __always_inline bool acl6_exempt(const struct hdrs *h)
{
	return h->proto == IPPROTO_ICMPV6_ && (!h->frag || h->frag_first) &&
	       ((h->icmp_type >= 130 && h->icmp_type <= 137) || h->icmp_type == 143);
}

static __always_inline void acl6_flow_key(struct vnet_acl_flow6_key *fk, __u32 ifindex, __u8 dir,
					  const struct acl_tuple6 *t, int reply)
{
	bool icmp = t->proto == IPPROTO_ICMPV6_;

	fk->ifindex = ifindex;
	fk->dir = dir;
	fk->proto = t->proto;
	__builtin_memcpy(fk->saddr, reply ? t->daddr : t->saddr, 16);
	__builtin_memcpy(fk->daddr, reply ? t->saddr : t->daddr, 16);
	fk->sport = reply && !icmp ? t->dport : t->sport;
	fk->dport = reply && !icmp ? t->sport : t->dport;
}

/* The first rule of the live classifier judging sc's port and direction
 * that matches sc's tuple, counted, into sc->bit (-1: none); 0: no ACL
 * judges. vnet_acl_classify's IPv6 twin. Global functions (verified once)
 * whose frames add to their caller's, which is why all their state lives
 * in sc and why the judgement is two calls, not one calling the other. */
__noinline int vnet_acl6_classify(void)
{
	struct vnet_acl_bits *s, *d, *sp, *dp, *pr;
	struct vnet_acl_info *info;
	struct acl6_scratch *sc;
	__u32 zero = 0, k;

	sc = bpf_map_lookup_elem(&acl6_scratch, &zero);
	if (!sc)
		return 0;
	sc->bit = -1;
	info = acl_live(sc->ifindex, sc->dir, &sc->cls, &sc->other);
	if (!info)
		return 0;
	sc->cls &= 0xffff;
	sc->dflt = info->dflt;
	k = sc->cls * 4 + acl6_pclass(sc->t.proto);
	pr = bpf_map_lookup_elem(&acl_proto6, &k);
	sc->lk.prefixlen = 24 + 128;
	sc->lk.cls[0] = sc->cls >> 8;
	sc->lk.cls[1] = sc->cls;
	sc->lk.field = VNET_ACL_F_SRC;
	__builtin_memcpy(sc->lk.data, sc->t.saddr, 16);
	s = bpf_map_lookup_elem(&acl_lpm6, &sc->lk);
	sc->lk.field = VNET_ACL_F_DST;
	__builtin_memcpy(sc->lk.data, sc->t.daddr, 16);
	d = bpf_map_lookup_elem(&acl_lpm6, &sc->lk);
	sc->pk = (struct vnet_acl_lpm_key){ .prefixlen = 24 + 16, .field = VNET_ACL_F_SPORT };
	sc->pk.cls[0] = sc->cls >> 8;
	sc->pk.cls[1] = sc->cls;
	if (sc->t.proto != IPPROTO_ICMPV6_)	/* ICMPv6: sport 0, the type as dport */
		__builtin_memcpy(sc->pk.data, &sc->t.sport, 2);
	sp = bpf_map_lookup_elem(&acl_lpm, &sc->pk);
	sc->pk.field = VNET_ACL_F_DPORT;
	if (sc->t.proto == IPPROTO_ICMPV6_) {
		sc->pk.data[0] = 0;
		sc->pk.data[1] = sc->t.icmp_type;
	} else {
		__builtin_memcpy(sc->pk.data, &sc->t.dport, 2);
	}
	dp = bpf_map_lookup_elem(&acl_lpm, &sc->pk);
	sc->bit = acl_first_rule(sc->cls, info->nwords, s, d, sp, dp, pr);
	if (sc->bit >= 0 && sc->bit < VNET_ACL_RULES)
		sc->act = info->act[(__u32)sc->bit & (VNET_ACL_RULES - 1)];
	return 1;
}

/* The verdict on what vnet_acl6_classify found (acl_judge's second half):
 * no rule matched -- the reply of an allowed flow passes, else the
 * default; an allowed packet notes its reply for the other direction. */
__noinline int vnet_acl6_verdict(void)
{
	struct acl6_scratch *sc;
	__u64 *seen;
	__u32 zero = 0;

	sc = bpf_map_lookup_elem(&acl6_scratch, &zero);
	if (!sc)
		return VNET_DROP_ACL;	/* never: fail closed */
	if (sc->bit < 0 || sc->bit >= VNET_ACL_RULES) {
		acl6_flow_key(&sc->fk, sc->ifindex, sc->dir, &sc->t, 0);
		seen = bpf_map_lookup_elem(&acl_flow6, &sc->fk);
		if (seen && bpf_ktime_get_coarse_ns() - *seen < VNET_ACL_FLOW_NS) {
			acl_count(sc->cls, VNET_ACL_HIT_EST);
			return VNET_DROP_NONE;
		}
		acl_count(sc->cls, VNET_ACL_HIT_DEFAULT);
		sc->act = sc->dflt;
	}
	if (sc->act != VNET_ACL_ALLOW)
		return VNET_DROP_ACL;
	if (!sc->other)
		return VNET_DROP_NONE;
	/* the answer may pass the other direction's ACL: noted once a second */
	acl6_flow_key(&sc->fk, sc->ifindex, !sc->dir, &sc->t, 1);
	sc->now = bpf_ktime_get_coarse_ns();
	seen = bpf_map_lookup_elem(&acl_flow6, &sc->fk);
	if (seen && sc->now - *seen < 1000000000ULL)
		return VNET_DROP_NONE;
	bpf_map_update_elem(&acl_flow6, &sc->fk, &sc->now, BPF_ANY);
	return VNET_DROP_NONE;
}

/* Judge the IPv6 packet in the frame -- its addresses as they are there
 * now (translated, for one vnet delivers) -- at port ifindex in direction
 * dir; dport: its destination port there (ICMPv6 echo: the id). */
static __always_inline enum vnet_drop acl6_judge_frame(struct pkt *p, const struct hdrs *h,
						       __u32 ifindex,
						       const struct vnet_acl_port *ap,
						       __u8 dir, __u16 dport)
{
	struct acl6_scratch *sc;
	__u8 *src, *dst;
	__u32 zero = 0;

	/* ap: the port's acl_port_map entry or port_state's copy of it (no
	 * hash lookup on the port path); none or no table: no ACL */
	if (acl6_exempt(h) || !ap || !(ap->in_t | ap->out_t))
		return VNET_DROP_NONE;
	sc = bpf_map_lookup_elem(&acl6_scratch, &zero);
	pkt_reload(p);	/* after a rewrite's helpers the old pointers are void */
	src = IP6_SRC(p);
	dst = IP6_DST(p);
	if (!sc || !src || !dst)
		return VNET_DROP_ACL;	/* never (parsed): fail closed */
	__builtin_memcpy(sc->t.saddr, src, 16);
	__builtin_memcpy(sc->t.daddr, dst, 16);
	sc->t.proto = h->proto;
	sc->t.icmp_type = h->icmp_type;
	sc->t.sport = h->sport;
	sc->t.dport = h->dport;
	if (h->proto == IPPROTO_ICMPV6_)
		sc->t.sport = dport;
	else
		sc->t.dport = dport;
	sc->ifindex = ifindex;
	sc->dir = dir;
	if (!vnet_acl6_classify())
		return VNET_DROP_NONE;
	return (enum vnet_drop)vnet_acl6_verdict();
}

/* A guest's IPv6 packet leaving it (port ingress, after the guards); ap:
 * port_state's copy of its acl_port_map entry. */
static __always_inline enum vnet_drop acl6_from_guest(struct pkt *p, const struct hdrs *h,
						       const struct vnet_acl_port *ap)
{
	return acl6_judge_frame(p, h, p->ifindex, ap, VNET_ACL_DIR_OUT,
				h->proto == IPPROTO_ICMPV6_ ? h->sport : h->dport);
}

/* The destination port an ACL sees of h: ICMP echo's id. */
static __always_inline __u16 acl_l4_dport(const struct hdrs *h)
{
	return h->proto == IPPROTO_ICMP_ || h->proto == IPPROTO_ICMPV6_ ? h->sport : h->dport;
}

/* Redirect into guest port ifindex, judged by its ingress ACL where the
 * redirect skips the port's egress (a veth's peer, the devmap); through
 * the egress the port's egress program judges it (acl_port_egress), as
 * everything else the port receives: once either way. net_id, slot:
 * the target's counters; acl: its ACL tables. */
static __always_inline enum act acl_redirect_to(struct pkt *p, const struct hdrs *h,
						__u32 ifindex, __u32 net_id, __u32 slot, __u8 kind,
						__u8 hook, const struct vnet_acl_port *acl,
						__u32 daddr, __u16 dport)
{
	enum act a = set_redirect(p, ifindex, kind, hook);

	/* the target's counters, found already (count_tx) */
	p->tx = (net_id << 24) | ((slot + 1) & 0xffffff);
	if (a != ACT_REDIRECT || p->how == REDIR_EGRESS)
		return a;
	if (h->eth_proto == ETH_P_IPV6 ?
	    acl6_judge_frame(p, h, ifindex, acl, VNET_ACL_DIR_IN, dport) :
	    acl_to_guest(h, ifindex, acl, daddr, dport))
		return drop(p, VNET_DROP_ACL);
	return a;
}

/* The same for a target found by its port_state entry (dst: its port). */
static __always_inline enum act acl_redirect(struct pkt *p, const struct hdrs *h, __u32 ifindex,
					     const struct vnet_port *dst, __u32 daddr, __u16 dport)
{
	return acl_redirect_to(p, h, ifindex, dst->net_id, ps_of(dst)->slot, dst->kind, dst->hook,
			       &ps_of(dst)->acl, daddr, dport);
}

/* The port's egress (vnet_port_qos, attached while the port has an
 * ingress ACL): what the kernel delivers -- the bridge's floods and
 * unknown unicast, the host's own packets -- and vnet's redirects through
 * the egress. TC_ACT_OK: go on (to pacing). */
static __always_inline int acl_port_egress(struct pkt *p)
{
	__u32 ifindex = p->ifindex;
	struct vnet_acl_port *ap = bpf_map_lookup_elem(&acl_port_map, &ifindex);
	struct vnet_port *port;
	struct acl_tuple t;
	struct hdrs h = {};

	if (!ap)
		return TC_ACT_OK;
	if (parse_eth(p, &h))
		return TC_ACT_OK;
	if (h.eth_proto == ETH_P_IPV6) {
		if (parse_ipv6(p, &h) ||
		    acl6_judge_frame(p, &h, ifindex, ap, VNET_ACL_DIR_IN, acl_l4_dport(&h)) ==
			    VNET_DROP_NONE)
			return TC_ACT_OK;
	} else {
		if (h.eth_proto != ETH_P_IP || parse_ipv4(p, &h))
			return TC_ACT_OK;	/* ARP, ... as at ingress */
		acl_tuple_of(&t, &h);
		if (acl_judge(ifindex, ap, VNET_ACL_DIR_IN, &t) == VNET_DROP_NONE)
			return TC_ACT_OK;
	}
	port = bpf_map_lookup_elem(&port_map, &ifindex);
	p->net_id = port ? port->net_id : 0;
	count_verdict(p, ACT_DROP, VNET_DROP_ACL, 0);
	return TC_ACT_SHOT;
}

#endif
