/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv6 from a guest port: the guards (RA guard, DHCPv6 guard, neighbour
 * discovery spoofing, source addresses learned per port) and what may be
 * switched. A guest's IPv6 source must be an address it claimed on this
 * port: learned from its duplicate address detection (a neighbour
 * solicitation from ::, RFC 4862 5.4) or, when that was missed (vnetd was
 * not yet running, the port added after the guest's interface came up, DAD
 * off), from its first solicitation (neighbour or router), MLD report or
 * DHCPv6 client message (link-local only) sent from the address, or its
 * first advertisement of it -- first come, first served (RFC 6620). Claimable: link-local
 * addresses, addresses inside a prefix of the network (SLAAC), any address
 * on a <network ipv6='yes'> without a prefix or a shared LAN; at most
 * VNET_IP6_PER_PORT per port. Filter modes (issue 19): learn and strict
 * both learn so (SLAAC is how an IPv6 guest gets its address, as a lease
 * under strict); off checks no source, the RA and DHCPv6 guards apply in
 * every mode. */
#ifndef VNET_BPF_IPV6_H
#define VNET_BPF_IPV6_H

#include "fdb.h"

#define ICMP6_MLD_QUERY 130
#define ICMP6_MLD_REPORT 131
#define ICMP6_MLD_DONE 132
#define ICMP6_RS 133
#define ICMP6_RA 134
#define ICMP6_NS 135
#define ICMP6_NA 136
#define ICMP6_REDIRECT 137
#define ICMP6_MLD2_REPORT 143
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_MAX_OPTS 3		/* options looked at in a solicitation/advertisement */
#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547

/* Byte tests on addresses in the frame (2-byte aligned at best). */
static __always_inline bool ip6_is_zero(const __u8 *a)
{
	__u64 x, y;

	__builtin_memcpy(&x, a, 8);
	__builtin_memcpy(&y, a + 8, 8);
	return (x | y) == 0;
}

static __always_inline bool ip6_is_linklocal(const __u8 *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static __always_inline bool ip6_is_multicast(const __u8 *a)
{
	return a[0] == 0xff;
}

static __always_inline bool ip6_eq(const __u8 *a, const __u8 *b)
{
	__u64 a0, a1, b0, b1;

	__builtin_memcpy(&a0, a, 8);
	__builtin_memcpy(&a1, a + 8, 8);
	__builtin_memcpy(&b0, b, 8);
	__builtin_memcpy(&b1, b + 8, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

/* The first plen bits of a 64-bit half (big endian) as a mask. */
static __always_inline __u64 ip6_half_mask(__u32 plen)
{
	if (plen >= 64)
		return ~0ULL;
	if (plen == 0)
		return 0;
	return ~0ULL << (64 - plen);
}

/* Is a inside the prefix (addr, plen)? */
static __always_inline bool ip6_in_prefix(const __u8 *a, const struct vnet_pfx6 *pf)
{
	__u64 a0, a1, p0, p1;
	__u32 plen = pf->plen;

	__builtin_memcpy(&a0, a, 8);
	__builtin_memcpy(&a1, a + 8, 8);
	__builtin_memcpy(&p0, pf->addr, 8);
	__builtin_memcpy(&p1, pf->addr + 8, 8);
	a0 = bpf_be64_to_cpu(a0 ^ p0);
	a1 = bpf_be64_to_cpu(a1 ^ p1);
	return (a0 & ip6_half_mask(plen)) == 0 &&
	       (a1 & ip6_half_mask(plen > 64 ? plen - 64 : 0)) == 0;
}

/* Is a one of the network's prefixes? (the gateway's own addresses among) */
static __always_inline bool ip6_in_net(const __u8 *a, const struct vnet_net6 *n6)
{
	for (int i = 0; i < VNET_NET6_PFX; i++) {
		if (i >= n6->n_pfx)
			break;
		if (ip6_in_prefix(a, &n6->pfx[i]))
			return true;
	}
	return false;
}

/* Is a one of the gateway's own addresses? */
static __always_inline bool ip6_gw(const __u8 *a, const struct vnet_net6 *n6)
{
	for (int i = 0; i < VNET_NET6_PFX; i++) {
		if (i >= n6->n_pfx)
			break;
		if (ip6_eq(a, n6->pfx[i].addr))
			return true;
	}
	return false;
}

/* May a guest claim a? */
static __always_inline bool ip6_claimable(const __u8 *a, const struct vnet_net6 *n6)
{
	if (ip6_is_multicast(a) || ip6_is_zero(a))
		return false;
	if (ip6_is_linklocal(a))
		return true;
	if (!n6 || !(n6->flags & VNET_NET6_VALID))
		return false;
	return (n6->flags & VNET_NET6_ANY) || ip6_in_net(a, n6);
}

enum claim { CLAIM_OK = 1, CLAIM_TAKEN, CLAIM_FULL, CLAIM_NOT_HERE };

/* What ip6_claim and ip6_bound look at, copied out of the frame: they
 * are global functions (verified once, not at every call site), which
 * take no packet pointers. */
struct ip6_who {
	struct vnet_bind6_key k;	/* network and address */
	__u32 ifindex;			/* the port */
	__u8 mac[6];			/* the frame's source MAC */
	__u16 slot;			/* the port's port_state slot (bind6_sum) */
};
_Static_assert(VNET_MAX_PORTS <= 0x10000, "a slot fits ip6_who.slot");

static __always_inline void ip6_who_set(struct ip6_who *w, const struct pkt *p,
					const struct vnet_port *port, const __u8 *a,
					const __u8 *mac)
{
	w->k.net_id = port->net_id;
	__builtin_memcpy(w->k.addr, a, 16);
	w->ifindex = p->ifindex;
	__builtin_memcpy(w->mac, mac, 6);
	w->slot = (__u16)ps_of(port)->slot;
}

/* Is a, from mac, in the summary of the port at slot in net_id
 * (bind6_sum)? a may point into the frame. */
static __always_inline bool ip6_sum_match(__u32 slot, __u32 net_id, const __u8 *a,
					  const __u8 *mac)
{
	struct vnet_bind6_sum *s = bpf_map_lookup_elem(&bind6_sum, &slot);
	__u32 n;

	if (!s || s->net_id != net_id || !mac_eq(s->mac, mac))
		return false;
	n = s->n;
	for (int i = 0; i < VNET_B6SUM_N; i++) {
		if (i >= n)
			break;
		if (ip6_eq(s->addr[i], a))
			return true;
	}
	return false;
}

static __always_inline bool ip6_sum_has(const struct ip6_who *w)
{
	return ip6_sum_match(w->slot, w->k.net_id, w->k.addr, w->mac);
}

/* w's address, bound in bind6_map to w's port and MAC, into this CPU's
 * summary of the port: a summary of another network is emptied first;
 * one full or of another MAC is left (the address falls back). */
static __always_inline void ip6_sum_add(const struct ip6_who *w)
{
	__u32 slot = w->slot;
	struct vnet_bind6_sum *s = bpf_map_lookup_elem(&bind6_sum, &slot);
	__u32 n;

	if (!s)
		return;
	if (s->net_id != w->k.net_id) {
		s->n = 0;
		__builtin_memcpy(s->mac, w->mac, 6);
		s->net_id = w->k.net_id;
	} else if (!mac_eq(s->mac, w->mac)) {
		return;
	}
	n = s->n;
	for (int i = 0; i < VNET_B6SUM_N; i++) {
		if (i >= n)
			break;
		if (ip6_eq(s->addr[i], w->k.addr))
			return;
	}
	if (n >= VNET_B6SUM_N)
		return;
	__builtin_memcpy(s->addr[n], w->k.addr, 16);
	s->n = n + 1;
}

/* The port claims the address (learning it) or already has it. CLAIM_TAKEN:
 * another port of the network holds it; CLAIM_FULL: this port holds its
 * VNET_IP6_PER_PORT already; CLAIM_NOT_HERE: not claimable here. */
__noinline enum claim ip6_claim(const struct ip6_who *w)
{
	struct vnet_bind6 v = {}, *b;
	struct vnet_bind6_key k;
	struct vnet_port *other;
	struct vnet_net6 *n6;
	__u32 ifindex, one = 1, was, net_id, *cnt;

	if (!w)
		return CLAIM_NOT_HERE;
	k = w->k;
	ifindex = w->ifindex;
	net_id = k.net_id;
	b = bpf_map_lookup_elem(&bind6_map, &k);
	if (b && b->ifindex == ifindex) {
		if (!mac_eq(b->mac, w->mac))
			return CLAIM_TAKEN;
		ip6_sum_add(w);
		return CLAIM_OK;
	}
	if (b) {
		was = b->ifindex;
		other = bpf_map_lookup_elem(&port_map, &was);
		if (other && other->net_id == net_id)
			return CLAIM_TAKEN;
		bpf_map_delete_elem(&bind6_map, &k);	/* its port is gone */
	}
	n6 = bpf_map_lookup_elem(&net6_map, &net_id);
	if (!ip6_claimable(k.addr, n6))
		return CLAIM_NOT_HERE;
	cnt = bpf_map_lookup_elem(&bind6_count, &ifindex);
	if (cnt && *cnt >= VNET_IP6_PER_PORT)
		return CLAIM_FULL;
	v.ifindex = ifindex;
	__builtin_memcpy(v.mac, w->mac, 6);
	v.seen_ns = bpf_ktime_get_coarse_ns();
	if (bpf_map_update_elem(&bind6_map, &k, &v, BPF_NOEXIST))
		return CLAIM_TAKEN;	/* another CPU was first */
	ip6_sum_add(w);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else if (bpf_map_update_elem(&bind6_count, &ifindex, &one, BPF_NOEXIST))
		if ((cnt = bpf_map_lookup_elem(&bind6_count, &ifindex)))
			__sync_fetch_and_add(cnt, 1);
	return CLAIM_OK;
}

/* Is the address bound to this port and this MAC? The port's summary
 * first (bind6_sum), else bind6_map, whose answer is summarised. */
__noinline bool ip6_bound(const struct ip6_who *w)
{
	struct vnet_bind6_key k;
	struct vnet_bind6 *b;

	if (!w)
		return false;
	if (ip6_sum_has(w))
		return true;
	k = w->k;
	b = bpf_map_lookup_elem(&bind6_map, &k);
	if (!b || b->ifindex != w->ifindex || !mac_eq(b->mac, w->mac))
		return false;
	ip6_sum_add(w);
	return true;
}

/* The link-layer address options of a solicitation or advertisement must
 * name the frame's own MAC: a neighbour's cache takes them on trust. */
static __always_inline enum vnet_drop nd_opts_check(struct pkt *p, const struct hdrs *h,
						    __u32 off)
{
	__u32 end = ETH_HLEN_ + h->tot_len;
	__u8 *o;

	for (int i = 0; i < ND_MAX_OPTS; i++) {
		if (off + 8 > end || off > ETH_HLEN_ + IP6_HLEN + IP6_EXT_BYTES + 64)
			break;
		o = PKT_PTR(p, off, 8);
		if (!o)
			return VNET_DROP_RUNT;
		if (o[1] == 0)
			return VNET_DROP_ND_SPOOF;	/* RFC 4861 4.6: length 0 is invalid */
		if ((o[0] == ND_OPT_SLLA || o[0] == ND_OPT_TLLA) && !mac_eq(o + 2, h->smac))
			return VNET_DROP_ND_SPOOF;
		off += (__u32)o[1] * 8;
	}
	return VNET_DROP_NONE;
}

/* A source address the port holds (claiming it on its first solicitation). */
static __always_inline enum vnet_drop ip6_src_check(struct pkt *p, const struct hdrs *h,
						    const struct vnet_port *port, const __u8 *src,
						    bool may_claim)
{
	struct ip6_who w;

	ip6_who_set(&w, p, port, src, h->smac);
	if (ip6_bound(&w))
		return VNET_DROP_NONE;
	if (may_claim && ip6_claim(&w) == CLAIM_OK)
		return VNET_DROP_NONE;
	return VNET_DROP_SRC_IP6;
}

/* Neighbour solicitation / advertisement. */
static __always_inline enum vnet_drop check_nd(struct pkt *p, const struct hdrs *h,
					       const struct vnet_port *port, const __u8 *src)
{
	__u8 *nd, *target;
	struct ip6_who w;
	enum vnet_drop r;

	if (h->frag || ETH_HLEN_ + h->tot_len < p->l4_off + 24)
		return VNET_DROP_RUNT;	/* RFC 6980: NDP is never fragmented */
	nd = PKT_PTR(p, p->l4_off, 24);
	if (!nd)
		return VNET_DROP_RUNT;
	target = nd + 8;
	r = nd_opts_check(p, h, p->l4_off + 24);
	if (r)
		return r;
	if (h->icmp_type == ICMP6_NS) {
		if (!ip6_is_zero(src))
			return ip6_src_check(p, h, port, src, true);
		/* DAD: the target is the address the guest wants. Taken by
		 * another port: passed unlearned (its owner answers, the
		 * prober gives up); refused here: the prober would use it,
		 * so it learns now that it may not */
		ip6_who_set(&w, p, port, target, h->smac);
		return ip6_claim(&w) == CLAIM_FULL ? VNET_DROP_SRC_IP6 : VNET_DROP_NONE;
	}
	/* An advertisement claims only what this port holds -- or, sent from
	 * the address it advertises, one nobody holds: a guest whose DAD
	 * went by before its port was added answers a solicitation first
	 * (first come, first served, as a first solicitation) */
	ip6_who_set(&w, p, port, target, h->smac);
	if (!ip6_bound(&w) && (!ip6_eq(target, src) || ip6_claim(&w) != CLAIM_OK))
		return VNET_DROP_ND_SPOOF;
	return ip6_src_check(p, h, port, src, false);
}

/* IPv6 from a guest: VNET_DROP_NONE (switch or pass) or the reason. */
static __always_inline enum vnet_drop check_ipv6(struct pkt *p, struct hdrs *h,
						  const struct vnet_port *port)
{
	enum vnet_drop r = parse_ipv6(p, h);
	bool l4 = !h->frag || h->frag_first;
	__u8 *src;

	if (r)
		return r;
	src = IP6_SRC(p);
	if (!src)
		return VNET_DROP_RUNT;
	if (l4 && h->proto == IPPROTO_UDP_ &&
	    (h->sport == bpf_htons(DHCP6_SERVER_PORT) || h->dport == bpf_htons(DHCP6_CLIENT_PORT)))
		return VNET_DROP_DHCP6_SERVER;
	if (l4 && h->proto == IPPROTO_ICMPV6_ &&
	    (h->icmp_type == ICMP6_RA || h->icmp_type == ICMP6_REDIRECT))
		return VNET_DROP_RA_GUARD;
	/* filter mode off: the guards of the network's own router and DHCPv6
	 * service above, no source checks (as IPv4's) */
	if (port->flags & VNET_PORT_FILTER_OFF)
		return VNET_DROP_NONE;
	if (l4 && h->proto == IPPROTO_ICMPV6_) {
		if (h->icmp_type == ICMP6_NS || h->icmp_type == ICMP6_NA)
			return check_nd(p, h, port, src);
		/* MLD reports go out from :: before the link-local is ready
		 * (RFC 3810 5.2.13), a router solicitation may (RFC 4861
		 * 4.1); from an address, they and a router
		 * solicitation claim it as a first solicitation does (a
		 * guest whose DAD was missed asks for a router first) */
		if (h->icmp_type == ICMP6_MLD_REPORT || h->icmp_type == ICMP6_MLD_DONE ||
		    h->icmp_type == ICMP6_MLD2_REPORT || h->icmp_type == ICMP6_RS) {
			if (ip6_is_zero(src))
				return VNET_DROP_NONE;
			return ip6_src_check(p, h, port, src, true);
		}
	}
	/* a DHCPv6 client's first message from its link-local claims it
	 * too: the server's answer needs it, and nothing else may have
	 * come from the guest since its missed DAD */
	if (l4 && h->proto == IPPROTO_UDP_ && h->sport == bpf_htons(DHCP6_CLIENT_PORT) &&
	    h->dport == bpf_htons(DHCP6_SERVER_PORT) && ip6_is_linklocal(src))
		return ip6_src_check(p, h, port, src, true);
	/* the common case, a source in the port's summary: checked here,
	 * without ip6_bound's call and copy */
	if (ip6_sum_match(ps_of(port)->slot, port->net_id, src, h->smac))
		return VNET_DROP_NONE;
	return ip6_src_check(p, h, port, src, false);
}

#endif
