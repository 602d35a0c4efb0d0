/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the data path's header parser (bpf/lib/parse.h: IPv4,
 * IPv6 with its extension-header walk, ARP, BOOTP), built
 * for the host through fuzz_host_shim.h. The first input byte picks the hook
 * (bit 0: tc, else XDP) and the second how much of a tc frame is linear;
 * the rest is the frame. Bytes past the linear part are poisoned for ASan,
 * so a read the bounds checks should have stopped is caught, and every
 * offset the parser hands on must lie inside what it may touch. */
#include <sanitizer/asan_interface.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_host_shim.h"

/* The host pull also unpoisons what it makes linear (defined before the
 * parser so its pkt_pull calls this one). */
static long pull(struct __sk_buff *skb, __u32 n)
{
	unsigned long old = skb->data_end;
	long r = host_skb_pull_data(skb, n);

	if (skb->data_end > old)
		ASAN_UNPOISON_MEMORY_REGION((void *)old, skb->data_end - old);
	return r;
}
#undef bpf_skb_pull_data
#define bpf_skb_pull_data(skb, n) pull(skb, n)

#include "lib/parse.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static void check_ipv4(struct pkt *p, const struct hdrs *h, const uint8_t *f)
{
	__u32 lin = p->data_end - p->data;

	check(p->l4_off >= ETH_HLEN_ + 20 && p->l4_off <= ETH_HLEN_ + 60);
	check(p->l4_off <= lin);
	check(h->ip_opts == p->l4_off - ETH_HLEN_ - 20);	/* options: the rest of IHL */
	check(h->tot_len >= p->l4_off - ETH_HLEN_ && h->tot_len <= p->len - ETH_HLEN_);
	check(!memcmp(&h->saddr, f + 26, 4) && !memcmp(&h->daddr, f + 30, 4));
	check(h->frag_first == (h->frag && !(f[20] & 0x1f) && !f[21]));
	if (h->frag && !h->frag_first) {	/* a later fragment: no L4 header */
		check(!h->sport && !h->dport && !h->csum_off);
		return;
	}
	if (h->csum_off)	/* the L4 header lies inside the IP packet too */
		check(h->csum_off + 2 <= ETH_HLEN_ + h->tot_len);
	if (h->proto == IPPROTO_TCP_)
		check(p->l4_off + 20 <= lin && h->csum_off == p->l4_off + 16);
	if (h->proto == IPPROTO_UDP_)
		check(p->l4_off + 8 <= lin && h->csum_off == p->l4_off + 6);
	if (h->proto == IPPROTO_ICMP_)
		check(p->l4_off + 8 <= lin && h->csum_off == p->l4_off + 2);
	check(!h->csum_off || h->csum_off + 2 <= lin);
}

/* IPv6: the L4 header after at most IP6_EXT_BYTES of extension headers,
 * inside the linear part and the packet (tot_len: 40 + payload). */
static void check_ipv6(struct pkt *p, const struct hdrs *h, const uint8_t *f)
{
	__u32 lin = p->data_end - p->data;

	check(p->l4_off >= ETH_HLEN_ + IP6_HLEN && p->l4_off <= ETH_HLEN_ + IP6_HLEN + IP6_EXT_BYTES);
	check(p->l4_off <= lin && p->l4_off <= ETH_HLEN_ + h->tot_len);
	check(h->tot_len == IP6_HLEN + ((f[18] << 8) | f[19]) && h->tot_len <= p->len - ETH_HLEN_);
	check(h->ttl == f[21]);
	if (h->frag && !h->frag_first) {
		check(!h->sport && !h->dport && !h->csum_off);
		return;
	}
	if (h->csum_off)
		check(h->csum_off + 2 <= ETH_HLEN_ + h->tot_len && h->csum_off + 2 <= lin);
	if (h->proto == IPPROTO_TCP_)
		check(h->csum_off == p->l4_off + 16);
	if (h->proto == IPPROTO_UDP_ || h->proto == IPPROTO_ICMPV6_)
		check(h->csum_off == p->l4_off + (h->proto == IPPROTO_UDP_ ? 6 : 2));
	check(!ip6_is_ext(h->proto));
}

/* op and chaddr come from inside the UDP datagram, now linear. */
static void check_bootp(struct pkt *p, struct hdrs *h)
{
	enum vnet_drop r = parse_bootp(p, h);
	const uint8_t *b = p->data + p->l4_off + 8;

	if (r) {
		check(r == VNET_DROP_RUNT);
		return;
	}
	check(p->l4_off + 8 + BOOTP_MIN <= ETH_HLEN_ + h->tot_len);
	check(p->l4_off + 8 + BOOTP_MIN <= (__u32)(p->data_end - p->data));
	check(h->bootp_op == b[0] && !memcmp(h->chaddr, b + BOOTP_CHADDR_OFF, 6));
}

static void run(struct pkt *p)
{
	struct hdrs h = {};
	enum vnet_drop r = parse_eth(p, &h);

	if (r) {
		check(r == VNET_DROP_RUNT || r == VNET_DROP_VLAN);
		return;
	}
	check(p->data_end - p->data >= ETH_HLEN_ && p->l3_off == ETH_HLEN_);
	if (h.eth_proto == ETH_P_ARP) {
		r = parse_arp(p, &h);
		check(r || p->data_end - p->data >= ETH_HLEN_ + 28);
	} else if (h.eth_proto == ETH_P_IP) {
		r = parse_ipv4(p, &h);
		if (!r)
			check_ipv4(p, &h, p->data);
		if (!r && h.proto == IPPROTO_UDP_ && (!h.frag || h.frag_first))
			check_bootp(p, &h);
	} else if (h.eth_proto == ETH_P_IPV6) {
		r = parse_ipv6(p, &h);
		if (!r)
			check_ipv6(p, &h, p->data);
	}
	check(r == 0 || r == VNET_DROP_RUNT || r == VNET_DROP_ARP_SPOOF || r == VNET_DROP_IP_OPTS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct __sk_buff skb = {};
	struct xdp_md xdp = {};
	struct pkt p = {};
	uint8_t *mem, *buf;
	size_t len, lin;

	if (size < 2 || size > 4096)
		return 0;
	len = size - 2;
	/* NET_IP_ALIGN: the kernel leaves 2 bytes of headroom so the IP
	 * header after the 14-byte Ethernet header is 4-byte aligned */
	mem = malloc(len + 2);
	check(mem != NULL);
	ASAN_POISON_MEMORY_REGION(mem, 2);
	buf = mem + 2;
	memcpy(buf, data + 2, len);
	if (data[0] & 1) {
		lin = data[1] == 0xff ? len : (size_t)data[1] * 2;
		lin = lin < len ? lin : len;
		skb.data = (unsigned long)buf;
		skb.data_end = skb.data + lin;
		skb.len = len;
		ASAN_POISON_MEMORY_REGION(buf + lin, len - lin);
		pkt_init(&p, &skb, 1);
	} else {
		xdp.data = (unsigned long)buf;
		xdp.data_end = xdp.data + len;
		pkt_init(&p, &xdp, 0);
	}
	run(&p);
	ASAN_UNPOISON_MEMORY_REGION(mem, len + 2);
	free(mem);
	return 0;
}
