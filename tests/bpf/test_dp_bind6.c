/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv6 anti-spoofing's common case from the port's summary (issue 21,
 * struct vnet_bind6_sum): the addresses a port claimed pass without a
 * bind6_map lookup, and the summary is never wider than bind6_map: every
 * address in it is bound there to the port and MAC; a spoofed source is
 * still dropped; more addresses than it holds fall back to bind6_map; a
 * port deleted and its slot handed out again, or its network deleted
 * and made again, leaves nothing of its old addresses; a summary bind6_map
 * does not back is gone after a restart. */
#include "dp_test6.h"

#define LL1 "fe80::10"
#define LL2 "fe80::11"
#define GW6 "fd00:1::1"
#define S1 "fd00:1::10"

static int net6(void)
{
	struct dp_net_cfg c = world_net6_cfg(NETDEF_MODE_NAT, GW6);

	return dp_net_set(W.dp, &c, NULL, 0);
}

static int setup(void **state)
{
	if (world6_setup(state, GW6) || !W.dp)
		return W.dp ? -1 : 0;
	return net6();
}

static __u32 slot_of(int ifindex)
{
	struct vnet_port_state ps;
	__u32 key = ifindex;

	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_state), &key, &ps), 0);
	return ps.slot;
}

/* Does any CPU's summary of the port hold addr? Every address in them is
 * checked against bind6_map: bound to the port and the summary's MAC. */
static bool summarised(int ifindex, const char *addr)
{
	int ncpu = libbpf_num_possible_cpus();
	struct vnet_bind6_sum *s = calloc(ncpu, sizeof(*s));
	struct vnet_bind6_key k;
	struct vnet_bind6 b;
	__u32 slot = slot_of(ifindex);
	uint8_t a[16];
	bool found = false;

	assert_non_null(s);
	a6(addr, a);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, bind6_sum), &slot, s), 0);
	for (int c = 0; c < ncpu; c++) {
		if (!s[c].net_id)
			continue;
		assert_true(s[c].n <= VNET_B6SUM_N);
		for (int i = 0; i < s[c].n; i++) {
			k.net_id = s[c].net_id;
			memcpy(k.addr, s[c].addr[i], 16);
			assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, bind6_map), &k, &b), 0);
			assert_int_equal(b.ifindex, ifindex);
			assert_memory_equal(b.mac, s[c].mac, 6);
			found |= !memcmp(s[c].addr[i], a, 16);
		}
	}
	free(s);
	return found;
}

/* A UDP frame from (mac, src) on the port: 1 passed, 0 dropped (tc and
 * XDP agree). */
static int passes(const uint8_t *mac, const char *src, int ifindex)
{
	struct frame f;
	struct v6 v;
	int tc, xdp;

	udp6(&v, 5000, 5001);
	build6(&f, BRMAC, mac, src, "fd00:1::99", &v);
	tc = run_tc("vnet_port_tc", &f, ifindex, NULL);
	xdp = run_xdp("vnet_port_xdp", &f, ifindex, NULL);
	assert_true(tc == TC_OK || tc == TC_SHOT);
	assert_int_equal(tc == TC_SHOT, xdp == XDP_DROP);
	return tc != TC_SHOT;
}

static void test_claims_summarised(void **state)
{
	uint64_t before;

	NEED_WORLD();
	assert_int_equal(dad(W.p1, MAC1, LL1), TC_OK);
	assert_int_equal(dad(W.p2, MAC2, LL2), TC_OK);
	assert_true(summarised(W.p1, LL1));	/* at the claim */
	assert_false(summarised(W.p1, LL2));
	assert_true(passes(MAC1, LL1, W.p1));
	assert_true(passes(MAC2, LL2, W.p2));
	/* spoofed: the other guest's address, one never claimed, one
	 * outside the prefix */
	before = drops(VNET_DROP_SRC_IP6);
	assert_false(passes(MAC1, LL2, W.p1));
	assert_false(passes(MAC1, "fe80::99", W.p1));
	assert_false(passes(MAC1, "2001:db8::10", W.p1));
	assert_int_equal(drops(VNET_DROP_SRC_IP6), before + 6);
	assert_false(summarised(W.p1, LL2));
}

/* A summary bind6_map does not back (a downgraded build's, a crash):
 * zeroed at start, the port program fills it again from bind6_map. */
static void test_zeroed_at_start(void **state)
{
	int ncpu = libbpf_num_possible_cpus();
	struct vnet_bind6_sum *s = calloc(ncpu, sizeof(*s));
	__u32 slot = slot_of(W.p1);
	char err[256] = "";

	NEED_WORLD();
	assert_non_null(s);
	assert_true(passes(MAC1, LL1, W.p1));
	for (int c = 0; c < ncpu; c++) {
		s[c].net_id = 1;
		memcpy(s[c].mac, MAC1, 6);
		s[c].n = 1;
		a6("fe80::77", s[c].addr[0]);
	}
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, bind6_sum), &slot, s, BPF_ANY), 0);
	free(s);
	assert_true(passes(MAC1, "fe80::77", W.p1));	/* the summary is trusted */
	dp_close(W.dp);
	W.dp = NULL;
	assert_int_equal(dp_open(W.pin, &W.dp, err, sizeof(err)), 0);
	assert_false(passes(MAC1, "fe80::77", W.p1));
	assert_true(passes(MAC1, LL1, W.p1));
	assert_true(summarised(W.p1, LL1));
}

/* More addresses than the summary holds: each still passes (bind6_map),
 * unclaimed ones do not. */
static void test_more_fall_back(void **state)
{
	static const char *mine[] = { S1, "fd00:1::11", "fd00:1::12", "fd00:1::13", "fd00:1::14" };

	NEED_WORLD();
	for (unsigned i = 0; i < sizeof(mine) / sizeof(mine[0]); i++)
		assert_int_equal(dad(W.p1, MAC1, mine[i]), TC_OK);
	for (int round = 0; round < 2; round++) {
		assert_true(passes(MAC1, LL1, W.p1));
		for (unsigned i = 0; i < sizeof(mine) / sizeof(mine[0]); i++)
			assert_true(passes(MAC1, mine[i], W.p1));
	}
	assert_true(summarised(W.p1, LL1));
	assert_false(passes(MAC1, "fd00:1::15", W.p1));
	assert_false(passes(MAC1, LL2, W.p1));
	assert_false(passes(MAC2, S1, W.p2));
}

/* The port goes and comes back in the same slot: none of its old
 * addresses pass until claimed again, and another port may claim them. */
static void test_port_gone_slot_reused(void **state)
{
	char err[256] = "";
	__u32 slot = slot_of(W.p1);

	NEED_WORLD();
	assert_true(passes(MAC1, LL1, W.p1));
	assert_true(summarised(W.p1, LL1));
	assert_int_equal(dp_port_del(W.dp, W.p1), 0);
	assert_int_equal(dp_port_add(W.dp, 1, W.p1, MAC1, err, sizeof(err)), 0);
	assert_int_equal(dp_lease_bind(W.dp, 1, MAC1, (struct in_addr){ ip4(GUEST1) }, true), 0);
	assert_int_equal(slot_of(W.p1), slot);
	assert_false(summarised(W.p1, LL1));
	assert_false(passes(MAC1, LL1, W.p1));
	assert_false(passes(MAC1, S1, W.p1));
	assert_int_equal(dad(W.p1, MAC1, LL1), TC_OK);
	assert_true(passes(MAC1, LL1, W.p1));
}

/* The network is deleted and made again, its ports kept: their
 * addresses are unbound with it, another port's claim of one wins. */
static void test_net_deleted(void **state)
{
	NEED_WORLD();
	assert_int_equal(dad(W.p1, MAC1, S1), TC_OK);
	assert_true(passes(MAC1, LL1, W.p1));
	assert_true(passes(MAC1, S1, W.p1));
	assert_true(summarised(W.p1, S1));
	assert_int_equal(dp_net_del(W.dp, 1), 0);
	assert_int_equal(net6(), 0);
	assert_false(passes(MAC1, LL1, W.p1));
	assert_int_equal(dad(W.p2, MAC2, S1), TC_OK);
	assert_false(passes(MAC1, S1, W.p1));
	assert_true(passes(MAC2, S1, W.p2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claims_summarised),
		cmocka_unit_test(test_zeroed_at_start),
		cmocka_unit_test(test_more_fall_back),
		cmocka_unit_test(test_port_gone_slot_reused),
		cmocka_unit_test(test_net_deleted),
	};

	return cmocka_run_group_tests(tests, setup, world_teardown);
}
