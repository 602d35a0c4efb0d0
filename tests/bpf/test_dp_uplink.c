/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The uplink's one value (issue 21): uplink_slot and uplink_ctr by
 * VNET_UPLINK_SLOT(ifindex) (dp_uplink_slot.c). A NAT reply counts in the
 * uplink's slot at tc and at XDP (no port_stats entry made), the ports'
 * port_state copies the slot, a changed uplink address keeps the slot and
 * its counts, a removed and re-added uplink starts from 0, an uplink whose
 * slot a live uplink holds takes another and counts there. */
#include "dp_test.h"

#define ACK 0x10

/* Guest 1 -> FAR (UDP sport -> 53): the flow's NAT port. */
static uint16_t nat_out(uint16_t sport)
{
	struct frame f, out;

	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, sport, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	return get16(out.b + 14 + 20);
}

/* FAR's reply to uplink address to (nat_out's port nport) on the uplink's
 * tc program: redirected into guest 1's port. */
static void reply_in(const char *to, uint16_t nport)
{
	struct frame r, out;
	uint32_t a;

	build(&r, UPMAC, WANMAC, FAR, to, IPPROTO_UDP, 53, nport, 0);
	assert_int_equal(run_tc("vnet_uplink_tc", &r, W.up, &out), TC_REDIRECT);
	memcpy(&a, out.b + 14 + 16, 4);
	assert_int_equal(a, ip4(GUEST1));
}

static struct vnet_stats up_counters(void)
{
	struct vnet_stats st;

	memset(&st, 0, sizeof(st));
	dp_port_counters(W.dp, W.up, &st);
	return st;
}

static int in_port_stats(__u32 ifindex)
{
	size_t n = (size_t)libbpf_num_possible_cpus();
	struct vnet_stats v[n];

	return bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_stats), &ifindex, v) == 0;
}

static struct vnet_uplink uplink_entry(__u32 ifindex)
{
	struct vnet_uplink up;

	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, uplink_map), &ifindex, &up), 0);
	return up;
}

static void set_net_addr(const char *uplink_addr)
{
	struct dp_net_cfg c = world_net_cfg(NETDEF_MODE_NAT, uplink_addr);

	assert_int_equal(dp_net_set(W.dp, &c, NULL, 0), 0);
}

/* The reply counts in the slot, at tc and at XDP; port_state has it. */
static void test_reply_counts_in_slot(void **state)
{
	__u32 slot = VNET_UPLINK_SLOT(W.up), p1 = W.p1;
	struct vnet_port_state ps;
	struct vnet_uplink_slot us;
	struct vnet_stats a, b;
	struct frame r, out;
	uint16_t nport;

	NEED_WORLD();
	assert_int_equal(uplink_entry(W.up).ctr, slot + 1);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, uplink_slot), &slot, &us), 0);
	assert_int_equal(us.ifindex, W.up);
	assert_int_equal(us.up.ctr, slot + 1);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_state), &p1, &ps), 0);
	assert_int_equal(ps.up.ctr, slot + 1);	/* the port path's copy */
	nport = nat_out(7001);
	a = up_counters();
	reply_in(UPLINK, nport);
	b = up_counters();
	assert_int_equal(b.rx_packets, a.rx_packets + 1);
	assert_int_equal(b.fast_packets, a.fast_packets + 1);
	assert_false(in_port_stats(W.up));	/* found and counted by its slot */
	/* the uplink's XDP program: counted at rx, handed to tc (guest 1's
	 * port is a veth on tc) */
	build(&r, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_UDP, 53, nport, 0);
	assert_int_equal(run_xdp("vnet_uplink_xdp", &r, W.up, &out), XDP_PASS);
	assert_int_equal(up_counters().rx_packets, b.rx_packets + 1);
	assert_false(in_port_stats(W.up));
}

/* A new uplink address (reconcile: dp_net_set, dp_uplink_add again)
 * keeps the uplink's slot and counts; the new address's flows come back
 * and count there. */
static void test_addr_change_keeps_slot(void **state)
{
	__u32 slot = VNET_UPLINK_SLOT(W.up);
	struct vnet_stats a;
	uint16_t nport;
	char err[256] = "";

	NEED_WORLD();
	nport = nat_out(7002);
	reply_in(UPLINK, nport);
	a = up_counters();
	assert_true(a.rx_packets >= 1);
	set_net_addr("203.0.113.9");
	assert_int_equal(dp_uplink_add(W.dp, W.up, err, sizeof(err)), 0);
	assert_int_equal(uplink_entry(W.up).ctr, slot + 1);
	assert_int_equal(up_counters().rx_packets, a.rx_packets);	/* kept */
	nport = nat_out(7003);
	reply_in("203.0.113.9", nport);
	assert_int_equal(up_counters().rx_packets, a.rx_packets + 1);
	set_net_addr(UPLINK);
	assert_int_equal(dp_uplink_add(W.dp, W.up, err, sizeof(err)), 0);
}

/* A removed and re-added uplink counts from 0: nothing of its slot's or
 * port_stats' old counts is reused. */
static void test_readded_starts_from_zero(void **state)
{
	char err[256] = "";
	uint16_t nport;

	NEED_WORLD();
	nport = nat_out(7004);
	reply_in(UPLINK, nport);
	assert_true(up_counters().rx_packets >= 1);
	assert_int_equal(dp_uplink_del(W.dp, W.up), 0);
	assert_int_equal(dp_uplink_add(W.dp, W.up, err, sizeof(err)), 0);
	assert_int_equal(up_counters().rx_packets, 0);
	reply_in(UPLINK, nport);
	assert_int_equal(up_counters().rx_packets, 1);
}

/* Another live uplink holds the slot: this one takes another free one,
 * is found in uplink_map and counted in its own slot all the same; when
 * the other goes it keeps that slot, its counts going on. */
static void test_slot_taken(void **state)
{
	__u32 slot = VNET_UPLINK_SLOT(W.up), other = W.up + VNET_UPLINK_SLOTS;
	struct vnet_uplink_slot held = { .ifindex = other, .up = { .ctr = slot + 1 } };
	struct vnet_uplink up = held.up;
	uint16_t nport;
	__u8 ctr;

	NEED_WORLD();
	nport = nat_out(7005);
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, uplink_map), &other, &up, BPF_ANY), 0);
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, uplink_slot), &slot, &held, BPF_ANY), 0);
	assert_int_equal(dp_uplink_slot_sync(W.dp, W.up), 0);
	ctr = uplink_entry(W.up).ctr;
	assert_true(ctr && ctr != slot + 1);	/* another slot */
	assert_int_equal(up_counters().rx_packets, 0);	/* a fresh slot's */
	reply_in(UPLINK, nport);
	assert_false(in_port_stats(W.up));
	assert_int_equal(up_counters().rx_packets, 1);
	/* the other uplink goes: this one keeps its slot and counts */
	assert_int_equal(bpf_map_delete_elem(DP_MAP_FD(W.dp, uplink_map), &other), 0);
	dp_uplink_slot_sync_all(W.dp);
	assert_int_equal(uplink_entry(W.up).ctr, ctr);
	reply_in(UPLINK, nport);
	assert_int_equal(up_counters().rx_packets, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_counts_in_slot),
		cmocka_unit_test(test_addr_change_keeps_slot),
		cmocka_unit_test(test_readded_starts_from_zero),
		cmocka_unit_test(test_slot_taken),
	};

	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
