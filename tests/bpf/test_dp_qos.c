/* SPDX-License-Identifier: GPL-2.0-or-later */
/* <bandwidth> in the data path (issue 19.4) through BPF_PROG_TEST_RUN:
 * outbound policing at the port's ingress (a port's bucket, a network's
 * aggregate), inbound pacing by the port's egress program (departure times
 * in skb->tstamp, the horizon), the floor, and ports without limits left
 * alone. Rates are tiny (1 kB/s), so the test's own speed does not
 * matter. */
#include <time.h>

#include "dp_test.h"

#define SEC_NS 1000000000ULL

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * SEC_NS + ts.tv_nsec;
}

/* p1 -> p2 (known unicast, the fast path): how many of n passed. */
static int send_p1_to_p2(int n)
{
	struct frame f;
	int pass = 0;

	build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 4000, 5000, 0);	/* 58 bytes */
	for (int i = 0; i < n; i++)
		pass += run_tc("vnet_port_tc", &f, W.p1, NULL) == TC_REDIRECT;
	return pass;
}

static int send_p2_to_p1(int n)
{
	struct frame f;
	int pass = 0;

	build(&f, MAC1, MAC2, GUEST2, GUEST1, IPPROTO_UDP, 4000, 5000, 0);
	for (int i = 0; i < n; i++)
		pass += run_tc("vnet_port_tc", &f, W.p2, NULL) == TC_REDIRECT;
	return pass;
}

/* Frames of 44 IP bytes a 1 kB/s bucket of 2048 bytes lets by from t0 on:
 * the burst, the one that crosses it, and what refilled meanwhile. */
static int police_max(uint64_t t0)
{
	return 2048 / 44 + 2 + (int)((mono_ns() - t0) * 1000 / SEC_NS / 44);
}

static struct vnet_qos_stats qstats(int ifindex)
{
	struct vnet_qos_stats s;

	dp_port_qos_stats(W.dp, ifindex, &s);
	return s;
}

static void clear_all(void)
{
	char err[128];

	assert_int_equal(dp_port_qos_set(W.dp, W.p1, NULL, false, err, sizeof(err)), 0);
	assert_int_equal(dp_port_qos_set(W.dp, W.p2, NULL, false, err, sizeof(err)), 0);
	assert_int_equal(dp_net_qos_set(W.dp, 1, NULL, err, sizeof(err)), 0);
}

/* outbound average 1 kB/s, burst 2 kB: about 2048 bytes pass (46 frames
 * of 58 bytes, 44 of IP, give or take the one that crosses), the rest is dropped
 * and counted; the port without a limit is untouched. */
static void test_outbound_policed(void **state)
{
	struct netdef_bandwidth bw = { .out = { .average = 1, .burst = 2 } };
	uint64_t before, t0;
	char err[128];
	int pass;

	NEED_WORLD();
	before = net_drops(1, VNET_DROP_QOS_POLICED);
	t0 = mono_ns();
	assert_int_equal(dp_port_qos_set(W.dp, W.p1, &bw, false, err, sizeof(err)), 0);
	pass = send_p1_to_p2(100);
	assert_in_range(pass, 2048 / 44, police_max(t0));
	assert_int_equal(net_drops(1, VNET_DROP_QOS_POLICED), before + 100 - pass);
	assert_int_equal(qstats(W.p1).policed, 100 - pass);
	assert_int_equal(send_p2_to_p1(100), 100);
	/* removed: everything passes again */
	clear_all();
	assert_int_equal(send_p1_to_p2(100), 100);
}

/* a network's outbound aggregate: one bucket shared by its ports */
static void test_network_aggregate_outbound(void **state)
{
	struct netdef_bandwidth bw = { .out = { .average = 1, .burst = 2 } };
	uint64_t t0;
	char err[128];
	int pass;

	NEED_WORLD();
	t0 = mono_ns();
	assert_int_equal(dp_net_qos_set(W.dp, 1, &bw, err, sizeof(err)), 0);
	pass = send_p1_to_p2(20);
	assert_int_equal(pass, 20);
	pass += send_p2_to_p1(100);
	assert_in_range(pass, 2048 / 44, police_max(t0));
	clear_all();
}

/* Run the pacing program on ifindex with a frame carrying len bytes of IP
 * (what a limit counts: qos_len): its verdict, *ts the departure time it
 * set. */
static int run_pace(int ifindex, uint32_t len, uint64_t *ts)
{
	struct frame f;
	struct __sk_buff ctx = { .ifindex = ifindex }, out = { 0 };
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f.b, .data_size_in = len + 14,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .ctx_out = &out,
			    .ctx_size_out = sizeof(out));

	build(&f, MAC2, BRMAC, WAN, GUEST2, IPPROTO_UDP, 53, 4000, 0);
	assert_int_equal(bpf_prog_test_run_opts(prog_fd("vnet_port_qos"), &o), 0);
	*ts = out.tstamp;
	return o.retval;
}

/* This kernel may have no sch_fq (then vnetd polices inbound): the pacing
 * arithmetic is tested as a kernel with fq runs it, its entry rewritten
 * to pace. */
static void set_in(int ifindex, const struct netdef_bandwidth *bw, bool net_in)
{
	struct vnet_qos q;
	__u32 key = ifindex;
	char err[128];

	assert_int_equal(dp_port_qos_set(W.dp, ifindex, bw, net_in, err, sizeof(err)), 0);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, qos_map), &key, &q), 0);
	q.flags &= ~VNET_QOS_IN_POLICE;
	if (bw)
		dp_qos_dir_of(&bw->in, 0, &q.in);
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, qos_map), &key, &q, BPF_ANY), 0);
}

static void set_net_in(const struct netdef_bandwidth *bw)
{
	struct vnet_qos q;
	__u32 key = VNET_QOS_NET | 1;
	char err[128];

	assert_int_equal(dp_net_qos_set(W.dp, 1, bw, err, sizeof(err)), 0);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, qos_map), &key, &q), 0);
	dp_qos_dir_of(&bw->in, 0, &q.in);
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, qos_map), &key, &q, BPF_ANY), 0);
}

/* inbound average 1 kB/s: 1000-byte packets leave 1 s apart (skb->tstamp,
 * for fq); one more than 2 s ahead (the horizon) is dropped and counted */
static void test_inbound_paced(void **state)
{
	struct netdef_bandwidth bw = { .in = { .average = 1 } };
	uint64_t t0, t[4], before;

	NEED_WORLD();
	before = net_drops(1, VNET_DROP_QOS_HORIZON);
	set_in(W.p2, &bw, false);
	t0 = mono_ns();
	for (int i = 0; i < 3; i++)
		assert_int_equal(run_pace(W.p2, 1000, &t[i]), TC_OK);
	assert_in_range(t[0], t0, t0 + SEC_NS / 10);
	assert_int_equal(t[1] - t[0], SEC_NS);
	assert_int_equal(t[2] - t[1], SEC_NS);
	assert_int_equal(run_pace(W.p2, 1000, &t[3]), TC_SHOT);
	assert_int_equal(net_drops(1, VNET_DROP_QOS_HORIZON), before + 1);
	assert_int_equal(qstats(W.p2).paced, 2);
	assert_int_equal(qstats(W.p2).dropped, 1);
	clear_all();
}

/* libvirt's burst with peak: the burst's bytes at peak speed, then the
 * average */
static void test_inbound_peak_burst(void **state)
{
	/* average 1 kB/s, peak 10 kB/s, burst 2 kB (2048 bytes) */
	struct netdef_bandwidth bw = { .in = { .average = 1, .peak = 10, .burst = 2 } };
	uint64_t t[5];

	NEED_WORLD();
	set_in(W.p2, &bw, false);
	for (int i = 0; i < 5; i++)
		assert_int_equal(run_pace(W.p2, 1000, &t[i]), TC_OK);
	/* 1000 bytes at 10 kB/s: 100 ms apart while the burst lasts */
	assert_in_range(t[1] - t[0], SEC_NS / 10, SEC_NS / 10 + 1000);
	assert_in_range(t[2] - t[1], SEC_NS / 10, SEC_NS / 10 + 1000);
	/* 3000 bytes out of a 2048-byte burst: the average's pace */
	assert_true(t[4] - t[3] >= SEC_NS - SEC_NS / 10);
	clear_all();
}

/* The network's inbound aggregate holds every port's inbound traffic; a
 * port under its floor bypasses it (but is counted in it). */
static void test_network_aggregate_and_floor(void **state)
{
	struct netdef_bandwidth net = { .in = { .average = 1 } };
	struct netdef_bandwidth p2bw = { .in = { .average = 100, .floor = 10 } };
	uint64_t t[4], now;

	NEED_WORLD();
	set_net_in(&net);
	set_in(W.p1, NULL, true);
	set_in(W.p2, &p2bw, true);
	now = mono_ns();
	assert_int_equal(run_pace(W.p1, 500, &t[0]), TC_OK);
	assert_int_equal(run_pace(W.p1, 500, &t[1]), TC_OK);
	assert_int_equal(t[1] - t[0], SEC_NS / 2);	/* held by the aggregate */
	/* p2 under its 10 kB/s floor: leaves now, the aggregate notwithstanding */
	assert_int_equal(run_pace(W.p2, 500, &t[2]), TC_OK);
	assert_in_range(t[2], now, now + SEC_NS / 10);
	/* ... and p1 waits for it too */
	assert_int_equal(run_pace(W.p1, 500, &t[3]), TC_OK);
	assert_int_equal(t[3] - t[1], SEC_NS);
	clear_all();
}

/* A paced port is entered through its egress (fq), not the veth's peer:
 * its egress program is attached; an unlimited port has none. */
static void test_pacing_program_attached(void **state)
{
	struct netdef_bandwidth bw = { .in = { .average = 1 } };
	char err[128];

	NEED_WORLD();
	assert_int_equal(dp_port_qos_set(W.dp, W.p2, &bw, false, err, sizeof(err)), 0);
	assert_true(tc_prog_on(W.p2, 1));
	if (dp_have_fq())
		assert_int_equal(system("tc qdisc show dev p2 | grep -q '^qdisc fq '"), 0);
	clear_all();
	assert_false(tc_prog_on(W.p2, 1));
	assert_int_not_equal(system("tc qdisc show dev p2 | grep -q '^qdisc fq '"), 0);
}

/* Without sch_fq there is no queue: inbound over rate + burst is dropped
 * (policed) at the port's egress, counted qos_policed. */
static void test_inbound_policed_without_fq(void **state)
{
	struct netdef_bandwidth bw = { .in = { .average = 1, .burst = 2 } };
	struct vnet_qos q;
	__u32 key = W.p2;
	uint64_t ts, before;
	char err[128];
	int pass = 0;

	NEED_WORLD();
	before = net_drops(1, VNET_DROP_QOS_POLICED);
	assert_int_equal(dp_port_qos_set(W.dp, W.p2, &bw, false, err, sizeof(err)), 0);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, qos_map), &key, &q), 0);
	q.flags |= VNET_QOS_IN_POLICE;	/* as on a kernel without fq */
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, qos_map), &key, &q, BPF_ANY), 0);
	for (int i = 0; i < 10; i++)
		pass += run_pace(W.p2, 500, &ts) == TC_OK;
	assert_in_range(pass, 4, 5);	/* 2048 bytes of 500 */
	assert_int_equal(net_drops(1, VNET_DROP_QOS_POLICED), before + 10 - pass);
	clear_all();
}

/* A port with no limit of its own in a network with an inbound aggregate,
 * no fq (policed): packets under the aggregate's rate pass, the copies of
 * one broadcast too (DHCP offers to new guests were dropped: the aggregate
 * was made for pacing, without depth). */
static void test_aggregate_only_policed(void **state)
{
	struct netdef_bandwidth net = { .in = { .average = 12500 } };
	struct vnet_qos q;
	__u32 key = W.p1;
	char err[128];
	uint64_t ts;

	NEED_WORLD();
	assert_int_equal(dp_net_qos_set(W.dp, 1, &net, err, sizeof(err)), 0);
	assert_int_equal(dp_port_qos_set(W.dp, W.p1, NULL, true, err, sizeof(err)), 0);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, qos_map), &key, &q), 0);
	q.flags |= VNET_QOS_IN_POLICE;
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, qos_map), &key, &q, BPF_ANY), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(run_pace(W.p1, 350, &ts), TC_OK);
		usleep(10000);
	}
	if (!dp_have_fq()) {
		/* policed, the aggregate has depth: the copies of one broadcast
		 * to every port of the network, at once, all pass */
		key = VNET_QOS_NET | 1;
		assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, qos_map), &key, &q), 0);
		assert_true(q.in.tau >= SEC_NS / 2);
		for (int i = 0; i < 8; i++)
			assert_int_equal(run_pace(W.p1, 350, &ts), TC_OK);
	}
	clear_all();
}

/* vnet_qos_on follows qos_map's entries by a count vnetd keeps (a
 * port-add no longer walks the map, issue 21): each write and removal,
 * a rewrite of the same key counted once, the count taken again at start. */
static void test_qos_on_counts(void **state)
{
	struct netdef_bandwidth bw = { .out = { .average = 1000 } };
	char err[128];

	NEED_WORLD();
	clear_all();
	assert_int_equal(W.dp->skel->bss->vnet_qos_on, 0);
	assert_int_equal(dp_port_qos_set(W.dp, W.p1, &bw, false, err, sizeof(err)), 0);
	assert_int_equal(dp_port_qos_set(W.dp, W.p2, &bw, false, err, sizeof(err)), 0);
	assert_int_equal(dp_net_qos_set(W.dp, 1, &bw, err, sizeof(err)), 0);
	assert_int_equal(W.dp->skel->bss->vnet_qos_on, 3);
	assert_int_equal(dp_port_qos_set(W.dp, W.p1, &bw, false, err, sizeof(err)), 0);
	assert_int_equal(W.dp->skel->bss->vnet_qos_on, 3);
	dp_qos_open(W.dp);	/* a restart's count: the same */
	assert_int_equal(W.dp->skel->bss->vnet_qos_on, 3);
	assert_int_equal(dp_port_qos_set(W.dp, W.p1, NULL, false, err, sizeof(err)), 0);
	assert_int_equal(W.dp->skel->bss->vnet_qos_on, 2);
	dp_port_qos_clear(W.dp, W.p2);
	dp_port_qos_clear(W.dp, W.p2);	/* twice: counted out once */
	assert_int_equal(W.dp->skel->bss->vnet_qos_on, 1);
	assert_int_equal(dp_net_qos_set(W.dp, 1, NULL, err, sizeof(err)), 0);
	assert_int_equal(W.dp->skel->bss->vnet_qos_on, 0);
	assert_int_equal(send_p1_to_p2(10), 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* first: before any port has shown whether the kernel has fq */
		cmocka_unit_test(test_aggregate_only_policed),
		cmocka_unit_test(test_outbound_policed),
		cmocka_unit_test(test_network_aggregate_outbound),
		cmocka_unit_test(test_inbound_paced),
		cmocka_unit_test(test_inbound_peak_burst),
		cmocka_unit_test(test_network_aggregate_and_floor),
		cmocka_unit_test(test_pacing_program_attached),
		cmocka_unit_test(test_inbound_policed_without_fq),
		cmocka_unit_test(test_qos_on_counts),
	};

	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
