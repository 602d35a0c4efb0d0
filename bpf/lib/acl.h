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

/* The first rule of classifier cls that matches, counted; or -1 (none).
 * ports: sport << 16 | dport (network order each; ICMP: 0, type). A global
 * function: verified once, not on every path of its callers. */
__noinline int vnet_acl_classify(__u32 cls, __u32 saddr, __u32 daddr, __u32 ports, __u32 proto)
{
	struct vnet_acl_bits *s, *d, *sp, *dp, *pr;
	__u16 sport = ports >> 16, dport = ports;
	struct vnet_acl_info *info;
	__u32 k, nw, i;
	__u64 *hit;

	cls &= 0xffff;
	if (cls >= VNET_ACL_CLASSIFIERS)
		return -1;
	info = bpf_map_lookup_elem(&acl_info, &cls);
	if (!info || !info->valid)
		return -1;
	nw = info->nwords;
	k = cls * 4 + acl_pclass(proto);
	pr = bpf_map_lookup_elem(&acl_proto, &k);
	s = acl_lpm_get(VNET_ACL_F_SRC, cls, &saddr, 4);
	d = acl_lpm_get(VNET_ACL_F_DST, cls, &daddr, 4);
	sp = acl_lpm_get(VNET_ACL_F_SPORT, cls, &sport, 2);
	dp = acl_lpm_get(VNET_ACL_F_DPORT, cls, &dport, 2);
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

/* Judge t at port ifindex in direction dir (VNET_ACL_DIR_*). */
static __always_inline enum vnet_drop acl_judge(__u32 ifindex, __u8 dir, const struct acl_tuple *t)
{
	struct vnet_acl_port *ap = bpf_map_lookup_elem(&acl_port_map, &ifindex);
	struct vnet_acl_flow_key fk = {};
	struct vnet_acl_info *info;
	__u32 tb, other, cls, *gen;
	__u64 now, *seen;
	__u8 act;
	int bit;

	if (!ap)
		return VNET_DROP_NONE;
	tb = dir == VNET_ACL_DIR_IN ? ap->in_t : ap->out_t;
	other = dir == VNET_ACL_DIR_IN ? ap->out_t : ap->in_t;
	if (!tb)
		return VNET_DROP_NONE;
	gen = bpf_map_lookup_elem(&acl_gen, &tb);
	if (!gen)
		return VNET_DROP_NONE;
	cls = VNET_ACL_CLS(tb, *gen);
	info = bpf_map_lookup_elem(&acl_info, &cls);
	if (!info || !info->valid)
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
static __always_inline enum vnet_drop acl_from_guest(const struct pkt *p, const struct hdrs *h)
{
	struct acl_tuple t;

	if (h->eth_proto != ETH_P_IP)
		return VNET_DROP_NONE;
	acl_tuple_of(&t, h);
	return acl_judge(p->ifindex, VNET_ACL_DIR_OUT, &t);
}

/* A packet vnet delivers into guest port ifindex, with the destination
 * (addr, port) it will have there (after translation). */
static __always_inline enum vnet_drop acl_to_guest(const struct hdrs *h, __u32 ifindex,
						    __u32 daddr, __u16 dport)
{
	struct acl_tuple t;

	acl_tuple_of(&t, h);
	t.daddr = daddr;
	if (h->proto == IPPROTO_ICMP_)
		t.sport = dport;	/* the echo id, as the guest sees it */
	else
		t.dport = dport;
	return acl_judge(ifindex, VNET_ACL_DIR_IN, &t);
}

/* Redirect into guest port ifindex, judged by its ingress ACL where the
 * redirect skips the port's egress (a veth's peer, the devmap); through
 * the egress the port's egress program judges it (acl_port_egress), as
 * everything else the port receives: once either way. */
static __always_inline enum act acl_redirect(struct pkt *p, const struct hdrs *h, __u32 ifindex,
					     const struct vnet_port *dst, __u32 daddr, __u16 dport)
{
	enum act a = set_redirect(p, ifindex, dst->kind, dst->hook);

	if (a == ACT_REDIRECT && p->how != REDIR_EGRESS && acl_to_guest(h, ifindex, daddr, dport))
		return drop(p, VNET_DROP_ACL);
	return a;
}

/* The port's egress (vnet_port_qos, attached while the port has an
 * ingress ACL): what the kernel delivers -- the bridge's floods and
 * unknown unicast, the host's own packets -- and vnet's redirects through
 * the egress. TC_ACT_OK: go on (to pacing). */
static __always_inline int acl_port_egress(struct pkt *p)
{
	__u32 ifindex = p->ifindex;
	struct vnet_port *port;
	struct acl_tuple t;
	struct hdrs h = {};

	if (!bpf_map_lookup_elem(&acl_port_map, &ifindex))
		return TC_ACT_OK;
	if (parse_eth(p, &h) || h.eth_proto != ETH_P_IP || parse_ipv4(p, &h))
		return TC_ACT_OK;	/* IPv4 only, as at ingress */
	acl_tuple_of(&t, &h);
	if (acl_judge(ifindex, VNET_ACL_DIR_IN, &t) == VNET_DROP_NONE)
		return TC_ACT_OK;
	port = bpf_map_lookup_elem(&port_map, &ifindex);
	p->net_id = port ? port->net_id : 0;
	count_verdict(p, ACT_DROP, VNET_DROP_ACL, 0);
	return TC_ACT_SHOT;
}

#endif
