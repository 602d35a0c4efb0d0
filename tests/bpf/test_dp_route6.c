/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Routed IPv6 (issue 18.4) through BPF_PROG_TEST_RUN: a route-mode network
 * with an IPv6 prefix has its guests' IPv6 routed to the uplink at tc and
 * at XDP (FIB lookup AF_INET6, MACs, hop limit - 1, the source kept), hop
 * limit 1 and the unknown left to the kernel, and the wan's IPv6 for the
 * prefix delivered to the guest that claimed the address; the bridge
 * program lets the kernel route it only through the uplink; the uplink
 * guard lets the network's sources leave only there, and never a NAT-mode
 * network's that does not route IPv6. */
#include "dp_test6.h"
#include "util/util.h"

#define PFX6 "fd00:6::"
#define GW6 "fd00:6::1"
#define G6 "fd00:6::10"
#define UP6 "2001:db8:a::1"
#define WAN6 "2001:db8:a::2"
#define FAR6 "2001:db8:b::7"

/* Network 1 in route mode with fd00:6::1/64; the uplink up0 has
 * 2001:db8:a::1/64 and its default IPv6 route via the wan router. */
static int setup(void **state)
{
	struct dp_net_cfg c;

	if (world6_wan_setup(state, GW6) || !W.dp)
		return W.dp ? -1 : 0;
	c = world_net6_cfg(NETDEF_MODE_ROUTE, GW6);
	c.route6 = true;
	return dp_net_set(W.dp, &c, NULL, 0);
}

/* A TCP SYN from the guest's claimed address to a far host, hop limit 64. */
static void syn_out(struct frame *f, const char *src, const char *dst, uint8_t hops)
{
	struct v6 v;

	tcp6(&v, 40000, 443, 0x02);
	build6(f, BRMAC, MAC1, src, dst, &v);
	f->b[14 + 7] = hops;
	csum6(f);
}

static void assert_routed(const struct frame *in, const struct frame *out, uint8_t hops)
{
	assert_int_equal(out->len, in->len);
	assert_memory_equal(out->b, WANMAC, 6);
	assert_memory_equal(out->b + 6, UPMAC, 6);
	assert_int_equal(out->b[14 + 7], hops);
	assert_memory_equal(out->b + 14 + 8, in->b + 14 + 8, 32);	/* addresses kept */
	assert_int_equal(l6_check(out->b + 14), 0);
}

/* The bridge's forwarding for IPv6 is on (the FIB lookups need it). */
static void test_forwarding_on(void **state)
{
	NEED_WORLD();
	assert_int_equal(ipv6_conf_get("br0", "forwarding"), 1);
}

static void test_out_tc(void **state)
{
	struct frame f, out;

	NEED_WORLD();
	assert_int_equal(dad(W.p1, MAC1, G6), TC_OK);
	syn_out(&f, G6, FAR6, 64);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_routed(&f, &out, 63);
}

static void test_out_xdp(void **state)
{
	struct frame f, out;

	NEED_WORLD();
	syn_out(&f, G6, FAR6, 64);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, &out), XDP_REDIRECT);
	assert_routed(&f, &out, 63);
}

/* Hop limit 1: the kernel answers time exceeded; the gateway's address,
 * on-link and link-local destinations are the host's or the link's; a
 * reserved destination is dropped; an unclaimed source never leaves. */
static void test_out_left_to_kernel(void **state)
{
	uint64_t bad = drops(VNET_DROP_BAD_DST), src = drops(VNET_DROP_SRC_IP6);
	struct frame f, out;

	NEED_WORLD();
	syn_out(&f, G6, FAR6, 1);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_OK);
	assert_memory_equal(out.b, f.b, f.len);
	syn_out(&f, G6, GW6, 64);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	syn_out(&f, G6, PFX6 "99", 64);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	syn_out(&f, G6, "::ffff:198.51.100.7", 64);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_BAD_DST), bad + 1);
	syn_out(&f, PFX6 "66", FAR6, 64);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_SRC_IP6), src + 1);
}

/* The wan's answer to the guest's address: delivered to its port with the
 * bridge's MAC as source, hop limit - 1; an address nobody claimed goes to
 * the kernel (it resolves the neighbour); hop limit 1 too. */
static void test_in_delivered(void **state)
{
	struct frame f, out;
	struct v6 v;

	NEED_WORLD();
	tcp6(&v, 443, 40000, 0x12);
	build6(&f, UPMAC, WANMAC, FAR6, G6, &v);
	f.b[14 + 7] = 60;
	csum6(&f);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_memory_equal(out.b, MAC1, 6);
	assert_memory_equal(out.b + 6, BRMAC, 6);
	assert_int_equal(out.b[14 + 7], 59);
	assert_memory_equal(out.b + 14 + 8, f.b + 14 + 8, 32);
	assert_int_equal(l6_check(out.b + 14), 0);
	build6(&f, UPMAC, WANMAC, FAR6, PFX6 "99", &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_OK);
	build6(&f, UPMAC, WANMAC, FAR6, G6, &v);
	f.b[14 + 7] = 1;
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_OK);
	/* not one of the networks': the host's */
	build6(&f, UPMAC, WANMAC, FAR6, UP6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_OK);
}

/* The bridge program lets the kernel route a guest's IPv6 only through
 * the network's uplink; the uplink guard lets the network's sources
 * leave there, not to a reserved destination. */
static void test_bridge_and_guard(void **state)
{
	uint64_t bad = drops(VNET_DROP_BAD_DST);
	struct frame f;

	NEED_WORLD();
	syn_out(&f, G6, FAR6, 1);
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_OK);
	syn_out(&f, G6, FAR6, 64);
	assert_int_equal(run_tc("vnet_uplink_guard", &f, W.up, NULL), TC_OK);
	syn_out(&f, G6, "::1", 64);
	assert_int_equal(run_tc("vnet_uplink_guard", &f, W.up, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_BAD_DST), bad + 1);
	syn_out(&f, UP6, FAR6, 64);	/* the host's own */
	assert_int_equal(run_tc("vnet_uplink_guard", &f, W.up, NULL), TC_OK);
}

/* A NAT network without <nat ipv6='yes'> routes no IPv6 (as before this
 * work): its guests' IPv6 to the wan goes to the bridge, whose program
 * drops it (ipv6), the guard drops its sources on the uplink, and the
 * wan's IPv6 for its prefix is unsolicited. */
static void test_nat_without_nat6(void **state)
{
	struct dp_net_cfg c = world_net6_cfg(NETDEF_MODE_NAT, GW6);
	uint64_t v6 = drops(VNET_DROP_IPV6), uns = drops(VNET_DROP_UNSOLICITED);
	struct frame f, out;
	struct v6 v;

	NEED_WORLD();
	c.route6 = true;
	assert_int_equal(dp_net_set(W.dp, &c, NULL, 0), 0);
	syn_out(&f, G6, FAR6, 64);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_OK);
	assert_memory_equal(out.b, f.b, f.len);
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_SHOT);
	assert_int_equal(run_tc("vnet_uplink_guard", &f, W.up, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_IPV6), v6 + 2);
	tcp6(&v, 443, 40000, 0x12);
	build6(&f, UPMAC, WANMAC, FAR6, G6, &v);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_UNSOLICITED), uns + 1);
	c.mode = NETDEF_MODE_ROUTE;	/* back, for whatever runs after */
	assert_int_equal(dp_net_set(W.dp, &c, NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forwarding_on),
		cmocka_unit_test(test_out_tc),
		cmocka_unit_test(test_out_xdp),
		cmocka_unit_test(test_out_left_to_kernel),
		cmocka_unit_test(test_in_delivered),
		cmocka_unit_test(test_bridge_and_guard),
		cmocka_unit_test(test_nat_without_nat6),
	};

	return cmocka_run_group_tests(tests, setup, world_teardown);
}
