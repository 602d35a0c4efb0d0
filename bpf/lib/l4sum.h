/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The TCP/UDP checksum of an IPv4 or IPv6 frame from scratch, for XDP
 * redirects of frames whose sum is partial. A guest with checksum offload
 * sends CHECKSUM_PARTIAL skbs (a tap's VM: NEEDS_CSUM) whose field holds
 * only the pseudo-header sum; an xdp_frame carries no checksum state, so
 * whatever receives it -- a veth's peer, a tap's VM, a NIC's wire --
 * would verify it and drop the segment (measured: TcpInCsumErrors, no TCP
 * connection). XDP cannot read the skb's state, so l4_csum_partial judges
 * by the field: one that equals the pseudo-header's sum is partial and
 * filled in full; any other is complete (a guest with offload off) and
 * left alone, NAT updating it incrementally as it does for tc.
 * RFC 793 3.1 / RFC 768: "the 16 bit one's complement of the one's
 * complement sum of ... the pseudo header, the TCP header, and the text". */
#ifndef VNET_BPF_L4SUM_H
#define VNET_BPF_L4SUM_H

#include "csum.h"
#include "vnet_shared.h"

/* Sum n-byte chunks while at least n bytes remain (n a multiple of 4). */
#define L4SUM_CHUNKS(n, times)						\
	for (int i = 0; i < (times); i++) {				\
		if (rem < (n))						\
			break;						\
		ptr = p->data + pos;					\
		/* opaque: checked and used as one register */		\
		asm volatile("" : "+r"(ptr));				\
		if (ptr + (n) > (__u8 *)p->data_end)			\
			return -1;					\
		sum = (__u32)bpf_csum_diff(NULL, 0, (__be32 *)ptr, n, sum);	\
		pos += (n);						\
		rem -= (n);						\
	}

/* Sum of the L4 header and payload at pos (at most VNET_XDP_VETH_MAX).
 * A success flag (0 done, -1 not: ran off the frame), not a verdict. */
static __always_inline int l4sum_data(struct pkt *p, __u32 pos, __u32 rem, __u32 *out)
{
	__u32 sum = 0, tail = 0;
	__u8 *ptr, *t = (__u8 *)&tail;

	L4SUM_CHUNKS(256, 6)
	L4SUM_CHUNKS(64, 3)
	L4SUM_CHUNKS(16, 3)
	L4SUM_CHUNKS(4, 3)
	/* 0-3 bytes left: padded with zeros, as the RFC pads an odd octet */
	for (int i = 0; i < 3; i++) {
		if (i >= (int)rem)
			break;
		ptr = PKT_PTR(p, pos + i, 1);
		if (!ptr)
			return -1;
		t[i] = *ptr;
	}
	*out = (__u32)bpf_csum_diff(NULL, 0, (__be32 *)&tail, 4, sum);
	return 0;
}

/* Where a frame's TCP/UDP checksum lies and its pseudo-header sum. */
struct l4sum_at {
	__u64 pseudo;	/* the pseudo-header's sum */
	__u32 pos;	/* the L4 header */
	__u32 len;	/* L4 header and payload */
	__u8 udp;
};

/* IPv4: 1 to fill (*at set), 0 nothing to fill, -1 not done here. */
static __always_inline int l4sum_at4(struct pkt *p, struct l4sum_at *at)
{
	struct iphdr *ip = PKT_PTR(p, 14, 20);
	__u32 hlen, tot;

	if (!ip)
		return 0;	/* short: not IPv4 TCP/UDP */
	if (ip->protocol != IPPROTO_TCP_ && ip->protocol != IPPROTO_UDP_)
		return 0;
	if (ip->frag_off & bpf_htons(0x3fff))
		return 0;	/* a fragmented datagram's sum was completed before
				 * fragmenting (nothing is offloaded); NAT updated it */
	hlen = ip->ihl * 4;
	tot = bpf_ntohs(ip->tot_len);
	if (hlen < 20 || tot <= hlen || tot > VNET_XDP_VETH_MAX - 14)
		return -1;
	at->udp = ip->protocol == IPPROTO_UDP_;
	at->pos = 14 + hlen;
	at->len = tot - hlen;
	at->pseudo = (__u64)ip->saddr + ip->daddr + bpf_htons(ip->protocol) + bpf_htons(tot - hlen);
	return 1;
}

/* IPv6 (RFC 8200 8.1: both addresses, the upper-layer length, the next
 * header) when TCP or UDP follows the fixed header: the port program
 * hands a TCP/UDP packet with extension headers to tc instead
 * (ipv6_forward), so nothing else here has an offloaded sum (fragments,
 * ICMPv6). Same returns as l4sum_at4. */
static __always_inline int l4sum_at6(struct pkt *p, struct l4sum_at *at)
{
	__u8 *ip6 = PKT_PTR(p, 14, 40);
	__u32 plen;

	if (!ip6)
		return -1;
	if (ip6[6] != IPPROTO_TCP_ && ip6[6] != IPPROTO_UDP_)
		return 0;
	plen = ((__u32)ip6[4] << 8) | ip6[5];
	if (plen == 0 || plen > VNET_XDP_VETH_MAX - 14 - 40)
		return -1;
	at->udp = ip6[6] == IPPROTO_UDP_;
	at->pos = 14 + 40;
	at->len = plen;
	/* the helper's sum, of a range the verifier does not track: summed
	 * by hand, the summing loops below were walked once per range
	 * (+150k instructions on each XDP program) */
	at->pseudo = (__u32)bpf_csum_diff(NULL, 0, (__be32 *)(ip6 + 8), 32, 0);
	at->pseudo += bpf_htons(ip6[6]) + bpf_htons(plen);
	return 1;
}

/* A pseudo-header sum folded to 16 bits (end-around carries). */
static __always_inline __u16 l4sum_fold(__u64 c)
{
	c = (c & 0xffffffff) + (c >> 32);
	c = (c & 0xffffffff) + (c >> 32);
	return csum_fold32((__u32)c);
}

/* 1: the frame's TCP/UDP sum is partial -- its field holds the
 * pseudo-header's sum, as a sender with checksum offload leaves it --, or
 * cannot be judged here (l4_csum_fill then decides: an odd header, an IPv6
 * next header that is not TCP/UDP, which the IPv6 paths pass to tc where
 * an extension header hides the L4 one); 0: complete (or none: not
 * TCP/UDP, a fragment, IPv4 UDP without a sum). A complete sum equal to
 * the pseudo-header's (1 in 65,536) is judged partial and recomputed: to
 * itself. Call before any rewrite of the addresses or ports. Registers
 * only: it runs as a callee of the port programs, whose frame is near the
 * 512-byte limit of the two together. */
static __always_inline int l4_csum_partial(void *data, void *end)
{
	__u8 *eth = data, *ip = data + 14, *l4;
	__u32 hlen, len;
	__u16 field, ps;
	__u64 c;
	__u8 proto;

	if ((void *)ip > end)
		return 0;
	if (eth[12] == 0x08 && eth[13] == 0x00) {
		if ((void *)(ip + 20) > end)
			return 0;	/* short: not IPv4 TCP/UDP */
		proto = ip[9];
		if (proto != IPPROTO_TCP_ && proto != IPPROTO_UDP_)
			return 0;
		if (*(__u16 *)(ip + 6) & bpf_htons(0x3fff))
			return 0;	/* a fragment: completed before fragmenting */
		hlen = (ip[0] & 0xf) * 4;
		len = ((__u32)ip[2] << 8 | ip[3]) - hlen;
		if (hlen < 20 || len > VNET_XDP_VETH_MAX)
			return 1;
		c = (__u64)*(__u32 *)(ip + 12) + *(__u32 *)(ip + 16);
	} else if (eth[12] == 0x86 && eth[13] == 0xdd) {
		if ((void *)(ip + 40) > end)
			return 1;
		proto = ip[6];
		if (proto != IPPROTO_TCP_ && proto != IPPROTO_UDP_)
			return 1;	/* as before: the paths judge extension headers */
		hlen = 40;
		len = (__u32)ip[4] << 8 | ip[5];
		c = 0;
		for (int i = 0; i < 8; i++)
			c += ((__u32 *)(ip + 8))[i];
	} else {
		return 0;
	}
	l4 = ip + hlen;
	if (proto == IPPROTO_UDP_) {
		if ((void *)(l4 + 8) > end)
			return 1;
		field = *(__u16 *)(l4 + 6);
		if (field == 0 && eth[12] == 0x08)
			return 0;	/* IPv4 "no checksum" */
	} else {
		if ((void *)(l4 + 18) > end)
			return 1;
		field = *(__u16 *)(l4 + 16);
	}
	ps = l4sum_fold(c + bpf_htons(proto) + bpf_htons(len));
	return field == ps || (ps == 0xffff && field == 0);
}

/* A success flag, not a verdict: 0, the checksum is complete (or the frame
 * has none to fill, fragments included); -1, not done here (odd header,
 * too long: xdp_verdict drops the frame). */
static __always_inline int l4_csum_fill(struct pkt *p)
{
	__u8 *eth = PKT_PTR(p, 0, 14);
	struct l4sum_at at = {};
	__u32 sum;
	__u16 *field;
	__u64 c;
	int r;

	if (!eth)
		return -1;
	if (eth[12] == 0x08 && eth[13] == 0x00)
		r = l4sum_at4(p, &at);
	else if (eth[12] == 0x86 && eth[13] == 0xdd)
		r = l4sum_at6(p, &at);
	else
		return 0;
	if (r <= 0)
		return r;
	field = PKT_PTR(p, at.pos + (at.udp ? 6 : 16), 2);
	if (!field)
		return -1;
	if (at.udp && *field == 0 && eth[12] == 0x08)
		return 0;	/* IPv4 "no checksum" stays so */
	*field = 0;
	if (l4sum_data(p, at.pos, at.len, &sum))
		return -1;
	c = at.pseudo + sum;
	*field = ~l4sum_fold(c);
	if (at.udp && *field == 0)
		*field = 0xffff;
	return 0;
}

/* l4_csum_partial as a global (separately verified) function of the XDP
 * context: FILL_CSUM_PARTIAL or FILL_CSUM_COMPLETE (enum fill_csum, ctx.h),
 * a value the verifier does not know, so the paths after a judgment are
 * walked once, not once per answer; complete whatever the field when the
 * source sends no partial sums (may 0: a NIC uplink). */
__noinline int vnet_l4_judge(struct xdp_md *ctx, int may)
{
	if (!may)
		return FILL_CSUM_COMPLETE;
	if (!ctx)
		return FILL_CSUM_PARTIAL;
	return l4_csum_partial((void *)(long)ctx->data, (void *)(long)ctx->data_end) ?
		       FILL_CSUM_PARTIAL : FILL_CSUM_COMPLETE;
}

/* l4_csum_fill (the same success flag) as a global function of the XDP
 * context: verified once, not again on every path that reaches a
 * redirect, which keeps the XDP programs well inside the verifier's
 * budget. fill: the frame's pkt.fill_csum (ctx.h); complete sums are left
 * as they are, an unjudged frame (no rewrite of addresses or ports since
 * the sender) is judged here. */
__noinline int vnet_l4_csum_fill(struct xdp_md *ctx, int fill)
{
	struct pkt p = { .ctx = ctx };

	if (fill == FILL_CSUM_COMPLETE)
		return 0;
	/* a call, not inlined: the judge's branches would each walk the
	 * summing loops again in the verifier */
	if (fill == FILL_CSUM_UNJUDGED && vnet_l4_judge(ctx, 1) == FILL_CSUM_COMPLETE)
		return 0;	/* complete: as the sender made it */
	if (!ctx)
		return -1;
	pkt_reload(&p);
	return l4_csum_fill(&p);
}

#endif
