/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NAT66 (issue 18.4, <nat ipv6='yes'>) through BPF_PROG_TEST_RUN: a guest's
 * TCP, UDP and ICMPv6 echo leave with the uplink's IPv6 address and a NAT
 * port (the guest's own when it is one), at tc and at XDP, checksums right;
 * the answers come back translated to the guest's port; the guard drops an
 * untranslated source; the wan's unsolicited IPv6 for the prefix is
 * dropped; <nat><port start end> bounds the NAT ports as for IPv4; the GC
 * expires idle flows and a deleted port's go with it. */
#include <time.h>

#include "dp_test6.h"

#define GW6 "fd00:66::1"
#define G6 "fd00:66::10"
#define UP6 "2001:db8:a::1"
#define FAR6 "2001:db8:b::7"

static struct dp_net_cfg cfg6;	/* network 1 as setup sets it */

static int setup(void **state)
{
	if (world6_wan_setup(state, GW6) || !W.dp)
		return W.dp ? -1 : 0;
	cfg6 = world_net6_cfg(NETDEF_MODE_NAT, GW6);
	cfg6.nat6 = true;
	inet_pton(AF_INET6, UP6, &cfg6.uplink_addr6);
	if (dp_net_set(W.dp, &cfg6, NULL, 0))
		return -1;
	return dad(W.p1, MAC1, G6) == TC_OK ? 0 : -1;
}

static void echo6(struct v6 *v, uint8_t type, uint16_t id)
{
	memset(v, 0, sizeof(*v));
	v->l4_proto = IPPROTO_ICMPV6;
	v->l4[0] = type;
	put16(v->l4 + 4, id);
	put16(v->l4 + 6, 1);
	v->l4_len = 16;
}

/* The guest's packet out: translated to UP6 and a NAT port (returned). */
static uint16_t assert_out(const struct frame *in, const struct frame *out, unsigned port_off)
{
	uint8_t up[16], far[16];
	uint16_t port = get16(out->b + 54 + port_off);

	a6(UP6, up);
	a6(FAR6, far);
	assert_int_equal(out->len, in->len);
	assert_memory_equal(out->b, WANMAC, 6);
	assert_memory_equal(out->b + 6, UPMAC, 6);
	assert_int_equal(out->b[14 + 7], 63);
	assert_memory_equal(out->b + 14 + 8, up, 16);
	assert_memory_equal(out->b + 14 + 24, far, 16);
	assert_int_equal(l6_check(out->b + 14), 0);
	assert_true(VNET_NAT_PORT_OK(port));
	return port;
}

/* The answer delivered to the guest: G6 and its own port again. */
static void assert_in(const struct frame *out, unsigned port_off, uint16_t port)
{
	uint8_t g[16];

	a6(G6, g);
	assert_memory_equal(out->b, MAC1, 6);
	assert_memory_equal(out->b + 6, BRMAC, 6);
	assert_memory_equal(out->b + 14 + 24, g, 16);
	assert_int_equal(get16(out->b + 54 + port_off), port);
	assert_int_equal(l6_check(out->b + 14), 0);
}

static void test_tcp_tc(void **state)
{
	struct frame f, out, in;
	uint16_t xport;
	struct v6 v;

	NEED_WORLD();
	tcp6(&v, 40000, 443, 0x02);	/* 40000: not a NAT port */
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	xport = assert_out(&f, &out, 0);
	assert_int_equal(ct6_count(), 2);
	tcp6(&v, 443, xport, 0x12);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &in), TC_REDIRECT);
	assert_in(&in, 2, 40000);
	/* the next packet keeps the flow's port */
	tcp6(&v, 40000, 443, 0x10);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_int_equal(assert_out(&f, &out, 0), xport);
	assert_int_equal(ct6_count(), 2);
}

/* tcp6 with sequence and acknowledgement numbers. */
static void tcp6_seq(struct v6 *v, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
		     uint32_t ack)
{
	tcp6(v, sport, dport, flags);
	put16(v->l4 + 4, seq >> 16);
	put16(v->l4 + 6, seq);
	put16(v->l4 + 8, ack >> 16);
	put16(v->l4 + 10, ack);
}

/* The seen bits of both entries of the flow answering FAR6:443 -> xport. */
static uint8_t seen6(uint16_t xport)
{
	struct vnet_ct6_key k = { .sport = htons(443), .dport = htons(xport), .proto = IPPROTO_TCP };
	int fd = DP_MAP_FD(W.dp, ct6_map);
	struct vnet_ct6 in, out;

	a6(FAR6, k.saddr);
	a6(UP6, k.daddr);
	assert_int_equal(bpf_map_lookup_elem(fd, &k, &in), 0);
	assert_int_equal(bpf_map_lookup_elem(fd, &in.peer, &out), 0);
	return in.seen | out.seen;
}

/* IPv4's test_wan_rst_needs_window for NAT66: a reset from outside ends
 * the flow only within the guest's receive window (RFC 5961). */
static void test_wan_rst_needs_window6(void **state)
{
	const uint32_t sisn = 0x70000000;
	struct frame f, out;
	uint16_t xport;
	struct v6 v;

	NEED_WORLD();
	tcp6_seq(&v, 40002, 443, 0x02, 1000, 0);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	xport = assert_out(&f, &out, 0);
	tcp6_seq(&v, 443, xport, 0x12, sisn, 1001);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	tcp6_seq(&v, 40002, 443, 0x10, 1001, sisn + 5001);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	/* forged: delivered, changes nothing */
	tcp6_seq(&v, 443, xport, 0x04, sisn + 0x40000000, 0);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_int_equal(seen6(xport) & VNET_CT_RST, 0);
	/* genuine: at the guest's ACK */
	tcp6_seq(&v, 443, xport, 0x04, sisn + 5001, 0);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_true(seen6(xport) & VNET_CT_RST);
}

static void test_tcp_xdp(void **state)
{
	struct frame f, out, in;
	uint16_t xport;
	struct v6 v;

	NEED_WORLD();
	tcp6(&v, 40001, 443, 0x02);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, &out), XDP_REDIRECT);
	xport = assert_out(&f, &out, 0);
	tcp6(&v, 443, xport, 0x12);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &in), TC_REDIRECT);
	assert_in(&in, 2, 40001);
}

/* UDP from a NAT port keeps it; ICMPv6 echo by id. */
static void test_udp_and_echo(void **state)
{
	struct frame f, out, in;
	uint16_t id;
	struct v6 v;

	NEED_WORLD();
	udp6(&v, 5000, 53);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_int_equal(assert_out(&f, &out, 0), 5000);
	udp6(&v, 53, 5000);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &in), TC_REDIRECT);
	assert_in(&in, 2, 5000);

	echo6(&v, 128, 7);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	id = assert_out(&f, &out, 4);
	echo6(&v, 129, id);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &in), TC_REDIRECT);
	assert_in(&in, 4, 7);
	/* at XDP too */
	echo6(&v, 128, 8);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, &out), XDP_REDIRECT);
	assert_out(&f, &out, 4);
}

/* A packet too big from a wan router about a NAT66 flow: translated to
 * the guest (outer destination, embedded source and port), checksum
 * right; one about no flow of ours is the host's. */
static void test_ptb_translated(void **state)
{
	struct frame f, out, err;
	uint8_t *ip, g[16];
	uint16_t xport;
	struct v6 v;

	NEED_WORLD();
	tcp6(&v, 40003, 443, 0x10);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	xport = assert_out(&f, &out, 0);
	/* the error quotes the translated packet as it left */
	memset(&v, 0, sizeof(v));
	v.l4_proto = IPPROTO_ICMPV6;
	v.l4[0] = 2;
	put16(v.l4 + 6, 1400);	/* the MTU, low half */
	memcpy(v.l4 + 8, out.b + 14, 40 + 32);
	v.l4_len = 8 + 40 + 32;
	frame6(&err, UPMAC, WANMAC, "2001:db8:a::2", UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &err, W.up, &out), TC_REDIRECT);
	a6(G6, g);
	ip = out.b + 14;
	assert_memory_equal(out.b, MAC1, 6);
	assert_memory_equal(ip + 24, g, 16);		/* outer destination */
	assert_memory_equal(ip + 48 + 8, g, 16);	/* embedded source */
	assert_int_equal(get16(ip + 48 + 40), 40003);	/* embedded source port */
	assert_int_equal(l6_check(ip), 0);
	/* about a flow nobody made: the host's */
	put16(err.b + 14 + 48 + 40, xport ^ 1);
	csum6(&err);
	assert_int_equal(run_tc("vnet_uplink_tc", &err, W.up, NULL), TC_OK);
}

/* A fragmented UDP datagram: the first fragment (UDP header, the sum of
 * the whole datagram) is translated with its flow, the later one gets the
 * same address; the answer's fragments come back the same way; a later
 * fragment whose first was never seen is dropped (ip_bad). tc. */
static void frag6(struct frame *f, const uint8_t *dmac, const uint8_t *smac, const char *src,
		  const char *dst, int first, uint16_t sport, uint16_t dport)
{
	struct v6 v;

	memset(&v, 0, sizeof(v));
	v.nh = 44;
	v.ext[0] = IPPROTO_UDP;
	put16(v.ext + 2, first ? 1 : (24 << 3));	/* offset 0, M / offset 24, last */
	put16(v.ext + 6, 0x4242);			/* id (low half) */
	v.ext_len = 8;
	v.l4_proto = IPPROTO_UDP;
	if (first) {
		put16(v.l4, sport);
		put16(v.l4 + 2, dport);
		put16(v.l4 + 4, 48);
		put16(v.l4 + 6, 0x1234);	/* the whole datagram's sum (any) */
	}
	memset(v.l4 + (first ? 8 : 0), 0xcd, first ? 16 : 24);
	v.l4_len = 24;
	build6(f, dmac, smac, src, dst, &v);
	f->b[14 + 7] = 64;
}

static void test_fragments(void **state)
{
	uint64_t bad = drops(VNET_DROP_IP_OPTS);
	uint8_t up[16], g[16];
	struct frame f, out;
	uint16_t xport, sum;

	NEED_WORLD();
	a6(UP6, up);
	a6(G6, g);
	frag6(&f, BRMAC, MAC1, G6, FAR6, 1, 40010, 9);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_memory_equal(out.b + 14 + 8, up, 16);
	xport = get16(out.b + 62);
	assert_true(VNET_NAT_PORT_OK(xport));
	/* the sum moved by exactly the address and port change (RFC 1624) */
	sum = get16(out.b + 62 + 6);
	{
		uint32_t c = (uint16_t)~0x1234;

		for (int i = 0; i < 16; i += 2)
			c += (uint16_t)~get16(g + i) + get16(up + i);
		c += (uint16_t)~40010 + xport;
		assert_int_equal(sum, fold(c));
	}
	frag6(&f, BRMAC, MAC1, G6, FAR6, 0, 0, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_memory_equal(out.b + 14 + 8, up, 16);
	assert_memory_equal(out.b, WANMAC, 6);
	assert_int_equal(out.b[14 + 7], 63);
	/* the last fragment took the record: another later one is ip_bad */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_IP_OPTS), bad + 1);
	/* the answer */
	frag6(&f, UPMAC, WANMAC, FAR6, UP6, 1, 9, xport);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_memory_equal(out.b + 14 + 24, g, 16);
	assert_int_equal(get16(out.b + 62 + 2), 40010);
	frag6(&f, UPMAC, WANMAC, FAR6, UP6, 0, 0, 0);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_memory_equal(out.b, MAC1, 6);
	assert_memory_equal(out.b + 14 + 24, g, 16);
	/* not seen: the host's */
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_OK);
}

/* Nothing leaves untranslated, nothing unsolicited comes in. */
static void test_guard_and_unsolicited(void **state)
{
	uint64_t guard = drops(VNET_DROP_UNNAT_GUARD), uns = drops(VNET_DROP_UNSOLICITED);
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	tcp6(&v, 40000, 443, 0x02);
	frame6(&f, WANMAC, UPMAC, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_uplink_guard", &f, W.up, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_UNNAT_GUARD), guard + 1);
	tcp6(&v, 443, 40000, 0x02);
	frame6(&f, UPMAC, WANMAC, FAR6, G6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_UNSOLICITED), uns + 1);
	/* to the uplink's address without a flow: the host's */
	tcp6(&v, 443, 22, 0x02);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_OK);
	/* other protocols go to the kernel (the guard stops them) */
	memset(&v, 0, sizeof(v));
	v.l4_proto = 47;
	v.l4_len = 8;
	build6(&f, BRMAC, MAC1, G6, FAR6, &v);
	f.b[14 + 7] = 64;
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
}

/* The guest's NAT66 flows counted in ct6_made - ct6_gone. */
static uint32_t used6(void)
{
	struct vnet_quota6_key k = { .net_id = 1 };
	uint32_t made = 0, gone = 0;

	a6(G6, k.addr);
	bpf_map_lookup_elem(DP_MAP_FD(W.dp, ct6_made), &k, &made);
	bpf_map_lookup_elem(DP_MAP_FD(W.dp, ct6_gone), &k, &gone);
	return made - gone;
}

/* <nat><port start end> (nat_map, as IPv4's test_snat_ranges) bounds NAT66
 * too: TCP and UDP flows take ports of the range only (a guest's own port
 * only if in it), at tc and at XDP, and their answers come back to the
 * guest's port; ICMPv6 echo keeps vnet's ranges; without the range, vnet's
 * ranges again. */
static void test_port_range(void **state)
{
	struct dp_net_cfg c = cfg6;
	struct frame f, out, in;
	uint16_t xport;
	struct v6 v;

	NEED_WORLD();
	c.nat_port_start = 20000;
	c.nat_port_end = 20009;
	assert_int_equal(dp_net_set(W.dp, &c, NULL, 0), 0);
	for (int i = 0; i < 8; i++) {	/* 8 of the range's 10 ports */
		if (i % 2)
			udp6(&v, 30000 + i, 53);
		else
			tcp6(&v, 30000 + i, 443, 0x02);
		frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
		assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
		assert_in_range(assert_out(&f, &out, 0), 20000, 20009);
	}
	udp6(&v, 20005, 443);	/* its own port, in the range: kept */
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_int_equal(assert_out(&f, &out, 0), 20005);
	udp6(&v, 5001, 443);	/* a NAT port of vnet's ranges, not of this one */
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_in_range(assert_out(&f, &out, 0), 20000, 20009);
	/* at XDP, and the answer back to the guest's port */
	tcp6(&v, 30100, 443, 0x02);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, &out), XDP_REDIRECT);
	xport = assert_out(&f, &out, 0);
	assert_in_range(xport, 20000, 20009);
	tcp6(&v, 443, xport, 0x12);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &in), TC_REDIRECT);
	assert_in(&in, 2, 30100);
	echo6(&v, 128, 0x4343);	/* a NAT id of vnet's ranges: kept */
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_int_equal(assert_out(&f, &out, 4), 0x4343);
	/* no range: vnet's again (40010 is not a NAT port: never kept) */
	assert_int_equal(dp_net_set(W.dp, &cfg6, NULL, 0), 0);
	udp6(&v, 20006, 444);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_int_equal(assert_out(&f, &out, 0), 20006);
	udp6(&v, 40010, 444);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_out(&f, &out, 0);
}

/* The per-guest cap (--ct-guest-max) holds for NAT66 flows too. */
/* nh6_map's entry for FAR6 (nexthop.h): 0, or -1 if none. */
static int nh6_entry(struct vnet_nh6_key *k, struct vnet_nh6 *v)
{
	struct vnet_nh6_key next, *prev = NULL;
	int fd = DP_MAP_FD(W.dp, nh6_map);
	uint8_t far[16];

	a6(FAR6, far);
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		*k = next;
		prev = k;
		if (!memcmp(k->addr, far, 16))
			return bpf_map_lookup_elem(fd, k, v);
	}
	return -1;
}

/* A NAT66 flow's next hop is cached by destination (nh6_map, nexthop.h),
 * as IPv4's is in its conntrack entry: used for packets up to the length
 * it was looked up for, at tc and XDP; looked up again for a longer one,
 * and when it is a second old. A stale MAC planted in the entry shows
 * which one a packet got. */
static void test_nexthop_cache6(void **state)
{
	static const uint8_t STALE[6] = { 2, 0, 0, 0, 0xee, 0xee };
	int fd = DP_MAP_FD(W.dp, nh6_map);
	struct frame f, big, out;
	struct vnet_nh6_key k;
	struct vnet_nh6 nh;
	struct v6 v;

	NEED_WORLD();
	udp6(&v, 5200, 53);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_int_equal(nh6_entry(&k, &nh), 0);
	assert_memory_equal(nh.dmac, WANMAC, 6);
	assert_memory_equal(nh.smac, UPMAC, 6);
	assert_int_equal(nh.len, f.len - 14);
	/* cached: the planted MAC is used, for tc and XDP */
	memcpy(nh.dmac, STALE, 6);
	assert_int_equal(bpf_map_update_elem(fd, &k, &nh, BPF_EXIST), 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_memory_equal(out.b, STALE, 6);
	assert_memory_equal(out.b + 6, UPMAC, 6);
	assert_int_equal(l6_check(out.b + 14), 0);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, &out), XDP_REDIRECT);
	assert_memory_equal(out.b, STALE, 6);
	/* longer than the lookup checked (MTU): looked up, cache refreshed */
	v.l4_len = 124;
	put16(v.l4 + 4, 124);
	frame6(&big, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &big, W.p1, &out), TC_REDIRECT);
	assert_memory_equal(out.b, WANMAC, 6);
	assert_int_equal(l6_check(out.b + 14), 0);
	assert_int_equal(nh6_entry(&k, &nh), 0);
	assert_int_equal(nh.len, big.len - 14);
	/* a second old: looked up again */
	memcpy(nh.dmac, STALE, 6);
	nh.stamp_ns = 1;
	assert_int_equal(bpf_map_update_elem(fd, &k, &nh, BPF_EXIST), 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_memory_equal(out.b, WANMAC, 6);
}

/* tc GSO super-packets (NAT66 TCP) use the cached next hop as IPv4's do
 * (test_dp_nat test_nexthop_cache_gso): any fresh entry, whatever its
 * length; their own lookup is kept with length 0, which serves GSO only. */
static void test_nexthop_cache6_gso(void **state)
{
	static const uint8_t STALE[6] = { 2, 0, 0, 0, 0xee, 0xef };
	struct __sk_buff ctx = { .ifindex = W.p1, .gso_size = 1000, .gso_segs = 2 };
	int fd = DP_MAP_FD(W.dp, nh6_map);
	struct frame f, out;
	struct vnet_nh6_key k;
	struct vnet_nh6 nh;
	struct v6 v;
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
			    .data_out = out.b, .data_size_out = sizeof(out.b));

	NEED_WORLD();
	udp6(&v, 5201, 53);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	o.data_in = f.b;
	o.data_size_in = f.len;
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_int_equal(nh6_entry(&k, &nh), 0);
	memcpy(nh.dmac, STALE, 6);
	nh.len = 20;	/* shorter than the frame: only GSO may use it */
	assert_int_equal(bpf_map_update_elem(fd, &k, &nh, BPF_EXIST), 0);
	assert_int_equal(bpf_prog_test_run_opts(prog_fd("vnet_port_tc"), &o), 0);
	assert_int_equal(o.retval, TC_REDIRECT);
	assert_memory_equal(out.b, STALE, 6);
	assert_int_equal(l6_check(out.b + 14), 0);
	/* a second old: a GSO packet looks up and keeps it with length 0 */
	nh.stamp_ns = 1;
	assert_int_equal(bpf_map_update_elem(fd, &k, &nh, BPF_EXIST), 0);
	o.data_size_out = sizeof(out.b);
	assert_int_equal(bpf_prog_test_run_opts(prog_fd("vnet_port_tc"), &o), 0);
	assert_memory_equal(out.b, WANMAC, 6);
	assert_int_equal(nh6_entry(&k, &nh), 0);
	assert_int_equal(nh.len, 0);
	/* which a plain packet does not take: it looks up, keeps its length */
	memcpy(nh.dmac, STALE, 6);
	assert_int_equal(bpf_map_update_elem(fd, &k, &nh, BPF_EXIST), 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_memory_equal(out.b, WANMAC, 6);
	assert_int_equal(nh6_entry(&k, &nh), 0);
	assert_int_equal(nh.len, f.len - 14);
}

static void test_guest_cap(void **state)
{
	uint64_t lim = drops(VNET_DROP_CT_GUEST_LIMIT);
	uint32_t used = used6();
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	assert_true(used >= 6);
	assert_int_equal(used, ct6_count() / 2);
	dp_set_ct_limits(W.dp, used + 1, -1);
	udp6(&v, 5100, 53);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	udp6(&v, 5101, 53);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_CT_GUEST_LIMIT), lim + 1);
	assert_int_equal(used6(), used + 1);
}

/* With nothing to evict, a fresh entry is judged without its partner
 * (issue 21): a flow whose answer vanished stays while fresh and goes
 * once idle past the shortest timeout its protocol may have (UDP 30 s);
 * the others are kept. */
static void test_gc6_fresh_alone(void **state)
{
	int fd = DP_MAP_FD(W.dp, ct6_map);
	struct vnet_ct6_key k = { .sport = htons(7000), .dport = htons(53), .proto = IPPROTO_UDP };
	struct vnet_ct6 v = { .dir = VNET_CT_OUT, .initiator = 1, .net_id = 1, .seen = VNET_CT_SEEN };
	unsigned cap, fwd;
	struct timespec ts;

	NEED_WORLD();
	dp_get_ct_limits(W.dp, &cap, &fwd);
	dp_set_ct_limits(W.dp, 0, 0);	/* no guest near a cap */
	a6("fd00:99::5", k.saddr);
	a6(FAR6, k.daddr);
	a6(FAR6, v.peer.saddr);	/* a partner that is not there */
	a6(UP6, v.peer.daddr);
	v.peer.proto = IPPROTO_UDP;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	v.seen_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST), 0);
	dp_gc6(W.dp);
	assert_int_equal(bpf_map_lookup_elem(fd, &k, &v), 0);	/* fresh: kept */
	v.seen_ns -= 31 * 1000000000ULL;
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
	dp_gc6(W.dp);
	assert_int_not_equal(bpf_map_lookup_elem(fd, &k, &v), 0);	/* an orphan idle past 30 s */
	dp_set_ct_limits(W.dp, cap, fwd);
}

/* The GC expires idle flows (timeouts divided: 1 s each) and a deleted
 * port's flows go with it. */
static void test_gc_and_purge(void **state)
{
	struct frame f, out;
	struct v6 v;

	NEED_WORLD();
	assert_true(ct6_count() >= 12);
	dp_gc6(W.dp);
	assert_true(ct6_count() >= 8);	/* fresh */
	W.dp->ct_timeout_div = 1000000;
	sleep(3);
	dp_gc6(W.dp);
	W.dp->ct_timeout_div = 1;
	assert_int_equal(ct6_count(), 0);
	assert_int_equal(used6(), 0);	/* given back: the cap allows new flows */
	tcp6(&v, 40002, 443, 0x02);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_int_equal(ct6_count(), 2);
	assert_int_equal(dp_port_del(W.dp, W.p1), 0);
	assert_int_equal(ct6_count(), 0);
	assert_int_equal(used6(), 0);
	dp_set_ct_limits(W.dp, -1, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_tc),
		cmocka_unit_test(test_tcp_xdp),
		cmocka_unit_test(test_wan_rst_needs_window6),
		cmocka_unit_test(test_udp_and_echo),
		cmocka_unit_test(test_ptb_translated),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_guard_and_unsolicited),
		cmocka_unit_test(test_port_range),
		cmocka_unit_test(test_nexthop_cache6),
		cmocka_unit_test(test_nexthop_cache6_gso),
		cmocka_unit_test(test_guest_cap),
		cmocka_unit_test(test_gc6_fresh_alone),
		cmocka_unit_test(test_gc_and_purge),
	};

	return cmocka_run_group_tests(tests, setup, world_teardown);
}
