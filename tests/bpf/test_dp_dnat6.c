/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Port forwards to a guest's IPv6 address (issue 18; fwd6_map, dnat6_new)
 * through BPF_PROG_TEST_RUN: the wan's TCP to the uplink's IPv6 address
 * and a forwarded port reaches the guest's address and toPort (a range in
 * step), its answers leave from the uplink's address and host port at tc
 * and at XDP (not masqueraded as new NAT66 flows), UDP too; the uplink's
 * XDP program hands such IPv6 to tc; a packet too big about a forwarded
 * flow reaches the guest; an unclaimed guest's or an unforwarded port's
 * packets are the host's; the forward cap (--ct-forward-max, per host
 * port as IPv4's) holds and the GC gives the flows back; a removed forward stops. */
#include "dp_test6.h"

#define GW6 "fd00:66::1"
#define G6 "fd00:66::10"
#define G6B "fd00:66::11"	/* never claimed by a port */
#define UP6 "2001:db8:a::1"
#define FAR6 "2001:db8:b::7"

static struct netdef_port_forward fwd_tcp = { .proto = IPPROTO_TCP, .host_port = 8080,
					      .host_port_end = 8081, .guest_port = 80,
					      .family = AF_INET6 };
static struct netdef_port_forward fwd_udp = { .proto = IPPROTO_UDP, .host_port = 5300,
					      .guest_port = 5301, .family = AF_INET6 };
static struct netdef_port_forward fwd_away = { .proto = IPPROTO_TCP, .host_port = 8090,
					       .guest_port = 80, .family = AF_INET6 };

static int setup(void **state)
{
	struct dp_net_cfg c;

	if (world6_wan_setup(state, GW6) || !W.dp)
		return W.dp ? -1 : 0;
	c = world_net6_cfg(NETDEF_MODE_NAT, GW6);
	c.nat6 = true;
	inet_pton(AF_INET6, UP6, &c.uplink_addr6);
	if (dp_net_set(W.dp, &c, NULL, 0))
		return -1;
	inet_pton(AF_INET6, G6, &fwd_tcp.guest_ip6);
	inet_pton(AF_INET6, G6, &fwd_udp.guest_ip6);
	inet_pton(AF_INET6, G6B, &fwd_away.guest_ip6);
	if (dp_forward_add(W.dp, 1, &fwd_tcp, NULL, 0) || dp_forward_add(W.dp, 1, &fwd_udp, NULL, 0) ||
	    dp_forward_add(W.dp, 1, &fwd_away, NULL, 0))
		return -1;
	return dad(W.p1, MAC1, G6) == TC_OK ? 0 : -1;
}

/* The wan's packet delivered to the guest: G6 and gport, the wan's source
 * and port kept. */
static void assert_to_guest(const struct frame *out, uint16_t wport, uint16_t gport)
{
	uint8_t g[16], far[16];

	a6(G6, g);
	a6(FAR6, far);
	assert_memory_equal(out->b, MAC1, 6);
	assert_memory_equal(out->b + 6, BRMAC, 6);
	assert_int_equal(out->b[14 + 7], 63);
	assert_memory_equal(out->b + 14 + 8, far, 16);
	assert_memory_equal(out->b + 14 + 24, g, 16);
	assert_int_equal(get16(out->b + 54), wport);
	assert_int_equal(get16(out->b + 56), gport);
	assert_int_equal(l6_check(out->b + 14), 0);
}

/* The guest's answer leaving: from UP6 and the host port, to the wan. */
static void assert_to_wan(const struct frame *out, uint16_t hport, uint16_t wport)
{
	uint8_t up[16], far[16];

	a6(UP6, up);
	a6(FAR6, far);
	assert_memory_equal(out->b, WANMAC, 6);
	assert_memory_equal(out->b + 6, UPMAC, 6);
	assert_memory_equal(out->b + 14 + 8, up, 16);
	assert_memory_equal(out->b + 14 + 24, far, 16);
	assert_int_equal(get16(out->b + 54), hport);
	assert_int_equal(get16(out->b + 56), wport);
	assert_int_equal(l6_check(out->b + 14), 0);
}

static void test_tcp_forward(void **state)
{
	uint64_t hits = net_counter(1, VNET_G_DNAT_HITS), nat = net_counter(1, VNET_G_NAT_CREATED);
	struct frame f, out;
	struct v6 v;

	NEED_WORLD();
	tcp6(&v, 50000, 8080, 0x02);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_to_guest(&out, 50000, 80);
	assert_int_equal(ct6_count(), 2);
	assert_int_equal(net_counter(1, VNET_G_DNAT_HITS), hits + 1);
	/* the answer at tc, then at XDP: the flow's, not a new NAT66 one */
	tcp6(&v, 80, 50000, 0x12);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_to_wan(&out, 8080, 50000);
	tcp6(&v, 80, 50000, 0x10);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, &out), XDP_REDIRECT);
	assert_to_wan(&out, 8080, 50000);
	assert_int_equal(net_counter(1, VNET_G_NAT_CREATED), nat);
	/* the wan's next packet follows the flow */
	tcp6(&v, 50000, 8080, 0x10);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_to_guest(&out, 50000, 80);
	assert_int_equal(ct6_count(), 2);
	assert_int_equal(net_counter(1, VNET_G_DNAT_HITS), hits + 1);
	/* the range's second port goes to toPort + 1 */
	tcp6(&v, 50001, 8081, 0x02);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_to_guest(&out, 50001, 81);
	tcp6(&v, 81, 50001, 0x12);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_to_wan(&out, 8081, 50001);
}

/* The uplink's XDP program hands IPv6 to tc (RETRY), which forwards it. */
static void test_uplink_xdp_hands_to_tc(void **state)
{
	struct frame f, out;
	struct v6 v;

	NEED_WORLD();
	tcp6(&v, 50002, 8080, 0x02);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_xdp("vnet_uplink_xdp", &f, W.up, NULL), XDP_PASS);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_to_guest(&out, 50002, 80);
}

static void test_udp_forward(void **state)
{
	struct frame f, out;
	struct v6 v;

	NEED_WORLD();
	udp6(&v, 40000, 5300);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_to_guest(&out, 40000, 5301);
	udp6(&v, 5301, 40000);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_to_wan(&out, 5300, 40000);
}

/* A packet too big about the guest's answer (as it left: UP6:8080) is
 * translated to the guest (its own address and port 80). */
static void test_ptb_translated(void **state)
{
	struct frame f, out, err;
	uint8_t *ip, g[16];
	struct v6 v;

	NEED_WORLD();
	tcp6(&v, 50003, 8080, 0x02);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	tcp6(&v, 80, 50003, 0x12);
	frame6(&f, BRMAC, MAC1, G6, FAR6, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_to_wan(&out, 8080, 50003);
	memset(&v, 0, sizeof(v));
	v.l4_proto = IPPROTO_ICMPV6;
	v.l4[0] = 2;
	put16(v.l4 + 6, 1400);
	memcpy(v.l4 + 8, out.b + 14, 40 + 32);
	v.l4_len = 8 + 40 + 32;
	frame6(&err, UPMAC, WANMAC, "2001:db8:a::2", UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &err, W.up, &out), TC_REDIRECT);
	a6(G6, g);
	ip = out.b + 14;
	assert_memory_equal(out.b, MAC1, 6);
	assert_memory_equal(ip + 24, g, 16);		/* outer destination */
	assert_memory_equal(ip + 48 + 8, g, 16);	/* embedded source */
	assert_int_equal(get16(ip + 48 + 40), 80);	/* embedded source port */
	assert_int_equal(l6_check(ip), 0);
}

/* Not the guest's: an unforwarded port, a forward to an address no port
 * claimed (the kernel's, as for IPv4). */
static void test_host_and_unclaimed(void **state)
{
	uint64_t uns = drops(VNET_DROP_UNSOLICITED);
	int n = ct6_count();
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	tcp6(&v, 50004, 8082, 0x02);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_OK);
	tcp6(&v, 50004, 8090, 0x02);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_OK);
	assert_int_equal(ct6_count(), n);
	assert_int_equal(drops(VNET_DROP_UNSOLICITED), uns);
}

/* A forward's flows (VNET_QUOTA6_FWD_ID: network 1, uplink address, proto,
 * host port) in ct6_made - ct6_gone. */
static uint32_t fwd_used6(uint8_t proto, uint16_t port)
{
	struct vnet_quota6_key k = { .net_id = VNET_QUOTA6_FWD_ID(1, proto, port) };
	uint32_t made = 0, gone = 0;

	a6(UP6, k.addr);
	bpf_map_lookup_elem(DP_MAP_FD(W.dp, ct6_made), &k, &made);
	bpf_map_lookup_elem(DP_MAP_FD(W.dp, ct6_gone), &k, &gone);
	return made - gone;
}

/* --ct-forward-max caps each forward (each host port) as IPv4's; the GC
 * gives expired flows back. */
static void test_cap_and_gc(void **state)
{
	uint64_t lim = drops(VNET_DROP_CT_FWD_LIMIT);
	uint32_t used = fwd_used6(IPPROTO_TCP, 8080);
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	assert_int_equal(used, 3);	/* 50000, 50002, 50003 */
	assert_int_equal(fwd_used6(IPPROTO_TCP, 8081), 1);
	assert_int_equal(fwd_used6(IPPROTO_UDP, 5300), 1);
	assert_int_equal(ct6_count() / 2, 5);
	dp_set_ct_limits(W.dp, -1, used + 1);
	tcp6(&v, 50010, 8080, 0x02);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_REDIRECT);
	tcp6(&v, 50011, 8080, 0x02);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_CT_FWD_LIMIT), lim + 1);
	assert_int_equal(fwd_used6(IPPROTO_TCP, 8080), used + 1);
	/* the range's other port is a forward of its own, under its cap */
	tcp6(&v, 50012, 8081, 0x02);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_REDIRECT);
	assert_int_equal(fwd_used6(IPPROTO_TCP, 8081), 2);
	dp_gc6(W.dp);
	assert_int_equal(fwd_used6(IPPROTO_TCP, 8080), used + 1);	/* fresh: kept */
	W.dp->ct_timeout_div = 1000000;
	sleep(3);
	dp_gc6(W.dp);
	W.dp->ct_timeout_div = 1;
	assert_int_equal(ct6_count(), 0);
	assert_int_equal(fwd_used6(IPPROTO_TCP, 8080), 0);
	assert_int_equal(fwd_used6(IPPROTO_TCP, 8081), 0);
	tcp6(&v, 50011, 8080, 0x02);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_REDIRECT);
	dp_set_ct_limits(W.dp, -1, -1);
}

/* A removed forward stops; a network stopped takes its forwards along. */
static void test_forward_del(void **state)
{
	struct vnet_fwd6_key next;
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	assert_int_equal(dp_forward_del(W.dp, 1, &fwd_tcp), 0);
	tcp6(&v, 50020, 8081, 0x02);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_OK);
	udp6(&v, 40001, 5300);
	frame6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_REDIRECT);
	assert_int_equal(dp_net_del(W.dp, 1), 0);
	assert_int_not_equal(bpf_map_get_next_key(DP_MAP_FD(W.dp, fwd6_map), NULL, &next), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_forward),
		cmocka_unit_test(test_uplink_xdp_hands_to_tc),
		cmocka_unit_test(test_udp_forward),
		cmocka_unit_test(test_ptb_translated),
		cmocka_unit_test(test_host_and_unclaimed),
		cmocka_unit_test(test_cap_and_gc),
		cmocka_unit_test(test_forward_del),
	};

	return cmocka_run_group_tests(tests, setup, world_teardown);
}
