/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The TCP/UDP checksum of an IPv4 or IPv6 frame from scratch, for XDP redirects
 * into a veth (VNET_HOOK_XDP_VETH). A guest with checksum offload sends
 * CHECKSUM_PARTIAL skbs whose field holds only the pseudo-header sum; an
 * xdp_frame carries no checksum state, so the receiving end would verify
 * it and drop the segment (measured: TcpInCsumErrors, no TCP connection).
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
	at->pseudo = (__u32)bpf_csum_diff(NULL, 0, (__be32 *)(ip6 + 8), 32, 0);
	at->pseudo += bpf_htons(ip6[6]) + bpf_htons(plen);
	return 1;
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
	c = (c & 0xffffffff) + (c >> 32);
	c = (c & 0xffffffff) + (c >> 32);
	*field = ~csum_fold32((__u32)c);
	if (at.udp && *field == 0)
		*field = 0xffff;
	return 0;
}

/* The same (the same success flag) as a global (separately verified)
 * function of the XDP context: verified once, not again on every path that
 * reaches a redirect, which keeps the XDP programs well inside the
 * verifier's budget. */
__noinline int vnet_l4_csum_fill(struct xdp_md *ctx)
{
	struct pkt p = { .ctx = ctx };

	if (!ctx)
		return -1;
	pkt_reload(&p);
	return l4_csum_fill(&p);
}

#endif
