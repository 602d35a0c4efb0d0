/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Header parsing: Ethernet (+802.1Q detection), ARP, IPv4, IPv6 (with its
 * extension headers), TCP, UDP, ICMP, ICMPv6.
 * Every read is bounds-checked against data_end; the result is a flat
 * struct hdrs with fields in network byte order. A parser returns
 * VNET_DROP_NONE or the reason the frame cannot be handled. */
#ifndef VNET_BPF_PARSE_H
#define VNET_BPF_PARSE_H

#include "ctx.h"
#include "vnet_shared.h"

#define ETH_HLEN_ 14
#define IPPROTO_ICMPV6_ 58
#define IP6_HLEN 40
/* Extension headers walked to the L4 header (RFC 8200, 4.1 order: hop-by-
 * hop, destination options, routing, fragment, destination options): a
 * chain longer than this is refused (ip_bad), as Linux limits it too. */
#define IP6_MAX_EXT 4
#define IP6_EXT_BYTES 128	/* and no longer than this in all */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_ACK 0x10

struct hdrs {
	__u16 eth_proto;	/* host order */
	__u8 smac[6];
	__u8 dmac[6];
	__u8 proto;		/* L4 */
	__u8 ttl;
	__u8 frag;		/* any fragment */
	__u8 frag_first;	/* the first fragment (offset 0): has the L4 header */
	__u8 frag_last;		/* the last fragment (no "more fragments") */
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 ip_opts;		/* bytes of IPv4 options (IHL - 5 words) */
	__u32 saddr, daddr;	/* IPv4; IPv6 addresses stay in the frame (ip6_src/ip6_dst) */
	__u16 sport, dport;	/* ICMP echo: id in sport, dport 0 */
	__u16 tot_len;
	__u16 ip_id;		/* network order: ties fragments together */
	__u32 csum_off;		/* absolute offset of the L4 checksum */
	/* ARP */
	__u8 arp_sha[6];
	__u32 arp_sip, arp_tip;
	/* BOOTP (parse_bootp); chaddr 2-byte aligned for mac_eq */
	__u8 chaddr[6];
	__u8 bootp_op;
};

/* 16-bit reads: a MAC in struct hdrs is only 2-byte aligned, and the
 * verifier refuses a misaligned 4-byte stack read. */
static __always_inline bool mac_eq(const __u8 *a, const __u8 *b)
{
	const __u16 *x = (const __u16 *)a, *y = (const __u16 *)b;

	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2])) == 0;
}

static __always_inline bool mac_is_group(const __u8 *m)
{
	return m[0] & 1;
}

/* 01:80:c2:00:00:0X, the IEEE 802.1D reserved range: a bridge hands such
 * frames (LLDP, 802.1X, ...) to the port device's own stack instead of
 * forwarding them or passing them up through the bridge device. */
static __always_inline bool mac_is_link_local(const __u8 *m)
{
	return m[0] == 0x01 && m[1] == 0x80 && m[2] == 0xc2 && m[3] == 0 && m[4] == 0 &&
	       (m[5] & 0xf0) == 0;
}

static __always_inline enum vnet_drop parse_eth(struct pkt *p, struct hdrs *h)
{
	struct ethhdr *eth = PKT_PTR(p, 0, ETH_HLEN_);

	if (!eth)
		return VNET_DROP_RUNT;
	__builtin_memcpy(h->smac, eth->h_source, 6);
	__builtin_memcpy(h->dmac, eth->h_dest, 6);
	h->eth_proto = bpf_ntohs(eth->h_proto);
	p->l3_off = ETH_HLEN_;
	if (h->eth_proto == ETH_P_8021Q || h->eth_proto == ETH_P_8021AD)
		return VNET_DROP_VLAN;
	return VNET_DROP_NONE;
}

static __always_inline enum vnet_drop parse_arp(struct pkt *p, struct hdrs *h)
{
	/* Ethernet/IPv4 ARP only: htype 1, ptype 0x0800, hlen 6, plen 4. */
	__u8 *a = PKT_PTR(p, ETH_HLEN_, 28);

	if (!a)
		return VNET_DROP_RUNT;
	if (a[0] != 0 || a[1] != 1 || a[2] != 0x08 || a[3] != 0 || a[4] != 6 || a[5] != 4)
		return VNET_DROP_ARP_SPOOF;
	__builtin_memcpy(h->arp_sha, a + 8, 6);
	__builtin_memcpy(&h->arp_sip, a + 14, 4);
	__builtin_memcpy(&h->arp_tip, a + 24, 4);
	return VNET_DROP_NONE;
}

/* The L4 header must lie inside the IP packet (tot_len), not only inside
 * the frame: a rewrite and a checksum cover exactly that packet. */
static __always_inline enum vnet_drop parse_l4(struct pkt *p, struct hdrs *h)
{
	__u32 room = ETH_HLEN_ + h->tot_len - p->l4_off;
	__u8 *l4;

	if (h->frag && !h->frag_first)
		return VNET_DROP_NONE;	/* a later fragment: no L4 header */
	if ((h->proto == IPPROTO_TCP_ && room < 20) ||
	    ((h->proto == IPPROTO_UDP_ || h->proto == IPPROTO_ICMP_ ||
	      h->proto == IPPROTO_ICMPV6_) && room < 8))
		return VNET_DROP_RUNT;
	if (h->proto == IPPROTO_TCP_) {
		l4 = PKT_PTR(p, p->l4_off, 20);
		if (!l4)
			return VNET_DROP_RUNT;
		h->tcp_flags = l4[13];
		h->csum_off = p->l4_off + 16;
	} else if (h->proto == IPPROTO_UDP_) {
		l4 = PKT_PTR(p, p->l4_off, 8);
		if (!l4)
			return VNET_DROP_RUNT;
		h->csum_off = p->l4_off + 6;
	} else if (h->proto == IPPROTO_ICMP_ || h->proto == IPPROTO_ICMPV6_) {
		l4 = PKT_PTR(p, p->l4_off, 8);
		if (!l4)
			return VNET_DROP_RUNT;
		h->icmp_type = l4[0];
		h->csum_off = p->l4_off + 2;
		/* echo request/reply: 8/0 (ICMP), 128/129 (ICMPv6) */
		if (h->icmp_type == 8 || h->icmp_type == 0 || (h->proto == IPPROTO_ICMPV6_ &&
		    (h->icmp_type == 128 || h->icmp_type == 129)))
			__builtin_memcpy(&h->sport, l4 + 4, 2);
		return VNET_DROP_NONE;
	} else {
		return VNET_DROP_NONE;
	}
	__builtin_memcpy(&h->sport, l4, 2);
	__builtin_memcpy(&h->dport, l4 + 2, 2);
	return VNET_DROP_NONE;
}

static __always_inline enum vnet_drop parse_ipv4(struct pkt *p, struct hdrs *h)
{
	struct iphdr *ip;
	__u32 hlen;

	pkt_pull(p, ETH_HLEN_ + 20);
	ip = PKT_PTR(p, ETH_HLEN_, 20);
	if (!ip)
		return VNET_DROP_RUNT;
	hlen = (ip->ihl & 0xf) * 4;
	if (ip->version != 4 || hlen < 20)
		return VNET_DROP_IP_OPTS;
	/* The headers parse_l4 reads and no payload byte more: a TCP segment
	 * (a GSO one above all) has its headers linear and its payload in
	 * pages, and pulling payload into a cloned skb (TCP sends clones)
	 * reallocates its head, a copy per packet (issue 21). */
	pkt_pull(p, ETH_HLEN_ + hlen + (ip->protocol == IPPROTO_TCP_ ? 20 : 8));
	ip = PKT_PTR(p, ETH_HLEN_, 20);
	if (!ip || !PKT_PTR(p, ETH_HLEN_, hlen))
		return VNET_DROP_RUNT;
	h->saddr = ip->saddr;
	h->daddr = ip->daddr;
	h->proto = ip->protocol;
	h->ttl = ip->ttl;
	h->tot_len = bpf_ntohs(ip->tot_len);
	if (h->tot_len < hlen || h->tot_len > p->len - ETH_HLEN_)
		return VNET_DROP_IP_OPTS;
	h->frag = (ip->frag_off & bpf_htons(0x3fff)) != 0;
	h->frag_first = h->frag && !(ip->frag_off & bpf_htons(0x1fff));
	h->frag_last = h->frag && !(ip->frag_off & bpf_htons(0x2000));
	h->ip_id = ip->id;
	h->ip_opts = hlen - 20;	/* no branch: one verifier path */
	p->l4_off = ETH_HLEN_ + hlen;
	return parse_l4(p, h);
}

static __always_inline bool ip6_is_ext(__u8 nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 60;
}

/* The IPv6 extension-header walk over a linear frame [data, data_end):
 * at most IP6_MAX_EXT headers and IP6_EXT_BYTES. Returns the L4 offset
 * (low 16 bits) and protocol (bits 16-23), or minus the drop reason. A
 * fragment header sets h's fragment fields; a later fragment ends the walk
 * (no L4 header follows). A hop-by-hop header must come first. */
static __always_inline int ip6_walk(void *data, void *data_end, struct hdrs *h)
{
	__u32 off = ETH_HLEN_ + IP6_HLEN, end;
	__u8 *ip = data + ETH_HLEN_, *e;
	__u16 plen, fo;
	__u8 nh;

	if ((void *)(ip + IP6_HLEN) > data_end)
		return -VNET_DROP_RUNT;
	__builtin_memcpy(&plen, ip + 4, 2);
	end = ETH_HLEN_ + IP6_HLEN + bpf_ntohs(plen);
	nh = ip[6];
	for (int i = 0; i < IP6_MAX_EXT; i++) {
		if (!ip6_is_ext(nh) || (h->frag && !h->frag_first))
			break;
		if (nh == 0 && i != 0)
			return -VNET_DROP_IP_OPTS;
		e = data + off;
		if ((void *)(e + 8) > data_end)
			return -VNET_DROP_RUNT;
		if (nh == 44) {	/* fragment: 8 bytes, offset and M flag */
			__builtin_memcpy(&fo, e + 2, 2);
			fo = bpf_ntohs(fo);
			h->frag = 1;
			h->frag_first = (fo & 0xfff8) == 0;
			h->frag_last = !(fo & 1);
			__builtin_memcpy(&h->ip_id, e + 6, 2);	/* low half of the 32-bit id */
			off += 8;
		} else {	/* hop-by-hop (0), routing (43), destination options (60) */
			off += ((__u32)e[1] + 1) * 8;
		}
		nh = e[0];
		if (off > end || off > ETH_HLEN_ + IP6_HLEN + IP6_EXT_BYTES)
			return -VNET_DROP_IP_OPTS;
	}
	if (ip6_is_ext(nh) && !(h->frag && !h->frag_first))
		return -VNET_DROP_IP_OPTS;	/* more than IP6_MAX_EXT */
	return (int)(off | (__u32)nh << 16);
}

/* The walk as global functions, one per hook: verified once, so what
 * follows is verified once for any chain, not once per chain length. */
__noinline int ip6_walk_tc(struct __sk_buff *skb, struct hdrs *h)
{
	if (!h)
		return -VNET_DROP_RUNT;
	return ip6_walk((void *)(long)skb->data, (void *)(long)skb->data_end, h);
}

__noinline int ip6_walk_xdp(struct xdp_md *xdp, struct hdrs *h)
{
	if (!h)
		return -VNET_DROP_RUNT;
	return ip6_walk((void *)(long)xdp->data, (void *)(long)xdp->data_end, h);
}

/* IPv6: the fixed header, then the extension headers to the L4 header
 * (h->proto, p->l4_off). tot_len is the whole packet (40 + payload
 * length), so parse_l4's bounds read as for IPv4. A jumbogram (payload 0),
 * a chain too long, ESP or AH: refused or left with proto what the walk
 * stopped at (the port program switches IPv6, never rewrites it). */
static __always_inline enum vnet_drop parse_ipv6(struct pkt *p, struct hdrs *h)
{
	__u8 *ip;
	__u16 plen;
	__u32 tot;
	int w;

	pkt_pull(p, ETH_HLEN_ + IP6_HLEN);
	ip = PKT_PTR(p, ETH_HLEN_, IP6_HLEN);
	if (!ip)
		return VNET_DROP_RUNT;
	/* TCP or UDP right after the fixed header: its header and no payload
	 * (parse_ipv4); else the walk's whole window */
	pkt_pull(p, ETH_HLEN_ + IP6_HLEN + (ip[6] == IPPROTO_TCP_ ? 20 : ip[6] == IPPROTO_UDP_ ? 8 :
						  IP6_EXT_BYTES + 20));
	ip = PKT_PTR(p, ETH_HLEN_, IP6_HLEN);
	if (!ip)
		return VNET_DROP_RUNT;
	if ((ip[0] >> 4) != 6)
		return VNET_DROP_IP_OPTS;
	__builtin_memcpy(&plen, ip + 4, 2);
	tot = IP6_HLEN + bpf_ntohs(plen);
	/* tot_len is 16 bits: a payload of more than 65495 bytes is too big
	 * for it (GSO stays below, BIG TCP's jumbograms have payload 0) */
	if (plen == 0 || tot > 0xffff || tot > p->len - ETH_HLEN_)
		return VNET_DROP_IP_OPTS;
	h->tot_len = tot;
	h->ttl = ip[7];
	w = p->tc ? ip6_walk_tc(p->ctx, h) : ip6_walk_xdp(p->ctx, h);
	if (w < 0)
		return w < -(int)VNET_DROP_INTERNAL ? VNET_DROP_INTERNAL : (enum vnet_drop)-w;
	p->l4_off = w & 0xffff;
	h->proto = (w >> 16) & 0xff;
	if (p->l4_off < ETH_HLEN_ + IP6_HLEN || p->l4_off > ETH_HLEN_ + IP6_HLEN + IP6_EXT_BYTES)
		return VNET_DROP_IP_OPTS;
	if (h->frag && !h->frag_first)
		return VNET_DROP_NONE;
	return parse_l4(p, h);
}

/* The addresses of a parsed IPv6 packet, in the frame (NULL: cannot be,
 * parse_ipv6 checked the header; the verifier wants the check). */
#define IP6_SRC(p) ((__u8 *)PKT_PTR(p, ETH_HLEN_ + 8, 16))
#define IP6_DST(p) ((__u8 *)PKT_PTR(p, ETH_HLEN_ + 24, 16))

/* BOOTP (RFC 951) fixed header of a UDP datagram: op and chaddr, which
 * lie in its first 34 bytes. A datagram (or first fragment) too short to
 * hold them is a runt: nothing about it can be checked. */
#define BOOTP_CHADDR_OFF 28
#define BOOTP_MIN 34

static __always_inline enum vnet_drop parse_bootp(struct pkt *p, struct hdrs *h)
{
	__u32 off = p->l4_off;
	__u8 *b;

	if (off > ETH_HLEN_ + 60 || ETH_HLEN_ + (__u32)h->tot_len < off + 8 + BOOTP_MIN)
		return VNET_DROP_RUNT;
	pkt_pull(p, off + 8 + BOOTP_MIN);
	b = PKT_PTR(p, off + 8, BOOTP_MIN);
	if (!b)
		return VNET_DROP_RUNT;
	h->bootp_op = b[0];
	__builtin_memcpy(h->chaddr, b + BOOTP_CHADDR_OFF, 6);
	return VNET_DROP_NONE;
}

#endif
