/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv6 frames and helpers for the BPF tests of IPv6
 * (test_dp_ipv6.c, test_dp_bind6.c, test_dp_route6.c, test_dp_nat66.c,
 * test_dp_dnat6.c). */
#ifndef VNET_DP_TEST6_H
#define VNET_DP_TEST6_H

#include "dp_test.h"

struct v6 {
	uint8_t nh;		/* first next header after the fixed header */
	uint8_t ext[64];	/* extension headers, as they go on the wire */
	unsigned ext_len;
	uint8_t l4[128];	/* the L4 header and payload */
	unsigned l4_len;
	uint8_t l4_proto;	/* next header of the last extension header */
};

static inline void a6(const char *s, uint8_t *out)
{
	assert_int_equal(inet_pton(AF_INET6, s, out), 1);
}

/* Ethernet + IPv6 (+ extension headers) + L4, hop limit 255 (NDP). */
static inline void build6(struct frame *f, const uint8_t *dmac, const uint8_t *smac, const char *src,
		   const char *dst, const struct v6 *v)
{
	uint8_t *ip = f->b + 14;

	memset(f, 0, sizeof(*f));
	memcpy(f->b, dmac, 6);
	memcpy(f->b + 6, smac, 6);
	put16(f->b + 12, 0x86dd);
	ip[0] = 0x60;
	put16(ip + 4, v->ext_len + v->l4_len);
	ip[6] = v->ext_len ? v->nh : v->l4_proto;
	ip[7] = 255;
	a6(src, ip + 8);
	a6(dst, ip + 24);
	memcpy(ip + 40, v->ext, v->ext_len);
	memcpy(ip + 40 + v->ext_len, v->l4, v->l4_len);
	f->len = 14 + 40 + v->ext_len + v->l4_len;
}

/* ICMPv6 of type with a target (NS/NA/redirect) and an optional
 * link-layer address option (opt 1: source, 2: target). */
static inline void icmp6(struct v6 *v, uint8_t type, const char *target, uint8_t opt, const uint8_t *mac)
{
	memset(v, 0, sizeof(*v));
	v->l4_proto = IPPROTO_ICMPV6;
	v->l4[0] = type;
	v->l4_len = 24;
	if (target)
		a6(target, v->l4 + 8);
	if (opt) {
		v->l4[24] = opt;
		v->l4[25] = 1;
		memcpy(v->l4 + 26, mac, 6);
		v->l4_len = 32;
	}
}

static inline void udp6(struct v6 *v, uint16_t sport, uint16_t dport)
{
	memset(v, 0, sizeof(*v));
	v->l4_proto = IPPROTO_UDP;
	put16(v->l4, sport);
	put16(v->l4 + 2, dport);
	put16(v->l4 + 4, 24);
	v->l4_len = 24;
}

static inline void tcp6(struct v6 *v, uint16_t sport, uint16_t dport, uint8_t flags)
{
	memset(v, 0, sizeof(*v));
	v->l4_proto = IPPROTO_TCP;
	put16(v->l4, sport);
	put16(v->l4 + 2, dport);
	v->l4[12] = 5 << 4;
	v->l4[13] = flags;
	v->l4_len = 32;
}

/* The solicited-node group of an address and its MAC (RFC 4291 2.7.1). */
static inline const char *snm(const char *addr, uint8_t *mac)
{
	static char s[64];
	uint8_t a[16];

	a6(addr, a);
	snprintf(s, sizeof(s), "ff02::1:ff%02x:%02x%02x", a[13], a[14], a[15]);
	memcpy(mac, (uint8_t[]){ 0x33, 0x33, 0xff, a[13], a[14], a[15] }, 6);
	return s;
}

/* DAD for addr from port ifindex with mac (RFC 4862 5.4.2). */
static inline int dad(int ifindex, const uint8_t *mac, const char *addr)
{
	uint8_t gmac[6];
	const char *g = snm(addr, gmac);
	struct frame f;
	struct v6 v;

	icmp6(&v, 135, addr, 0, NULL);
	build6(&f, gmac, mac, "::", g, &v);
	return run_tc("vnet_port_tc", &f, ifindex, NULL);
}


/* The L4 checksum of an IPv6 packet at ip (TCP, UDP, ICMPv6): 0 when
 * right. */
static inline uint16_t l6_check(const uint8_t *ip)
{
	unsigned len = get16(ip + 4);
	uint32_t s = sum16(ip + 8, 32, 0) + ip[6] + len;

	return fold(sum16(ip + 40, len, s));
}

/* Fill the L4 checksum of a frame build6 made without extension headers. */
static inline void csum6(struct frame *f)
{
	uint8_t *ip = f->b + 14;
	unsigned off = ip[6] == IPPROTO_TCP ? 16 : ip[6] == IPPROTO_UDP ? 6 : 2;

	put16(ip + 40 + off, 0);
	put16(ip + 40 + off, l6_check(ip));
}

/* A routed frame: build6's with hop limit 64 (255 is NDP's), checksum set. */
static inline void frame6(struct frame *f, const uint8_t *dmac, const uint8_t *smac, const char *src,
			  const char *dst, struct v6 *v)
{
	build6(f, dmac, smac, src, dst, v);
	f->b[14 + 7] = 64;
	csum6(f);
}

/* Entries in ct6_map (two a NAT66 flow). */
static inline int ct6_count(void)
{
	struct vnet_ct6_key k, next, *prev = NULL;
	int n = 0, fd = DP_MAP_FD(W.dp, ct6_map);

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

/* The BPF world with gw6/64 on br0. The caller then sets network 1
 * (world_net6_cfg, dp_net_set) when W.dp: without it every test skips. */
static inline int world6_setup(void **state, const char *gw6)
{
	char cmd[128];

	if (world_setup(state) || !W.dp)
		return W.dp ? -1 : 0;
	snprintf(cmd, sizeof(cmd), "ip addr add %s/64 dev br0 nodad", gw6);
	return system(cmd) ? -1 : 0;
}

/* world6_setup, and the wan of the routed and NAT66 tests: the uplink up0
 * has 2001:db8:a::1/64 and its default IPv6 route via the wan router
 * 2001:db8:a::2. */
static inline int world6_wan_setup(void **state, const char *gw6)
{
	if (world6_setup(state, gw6) || !W.dp)
		return W.dp ? -1 : 0;
	return system("ip addr add 2001:db8:a::1/64 dev up0 nodad && "
		      "ip neigh add 2001:db8:a::2 lladdr 02:00:00:00:0a:02 dev up0 nud permanent && "
		      "ip -6 route add default via 2001:db8:a::2 dev up0") ? -1 : 0;
}

#endif
