/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The verdict is the last line of defence against a pipeline path that
 * decided nothing (the TTL-0 bug of 606d29b was a "go on" read as a pass):
 * whatever reaches tc_verdict/xdp_verdict that is not a pass, a redirect or
 * a drop with a reason is dropped and counted "internal". Proven with the
 * test-only programs of tests/bpf/stray.bpf.c, which hand the data path's
 * own verdict code (bpf/lib/verdict.h) a result taken from the frame and
 * count into the data path's pinned maps. Every other BPF test checks,
 * run by run (dp_test.h), that the real programs never count one. */
#include "dp_test.h"
#include "tests/bpf/stray.skel.h"

/* tests/bpf/stray.bpf.c's cases */
enum { STRAY_CONTINUE = 1, STRAY_DROP_NONE, STRAY_RAW, STRAY_DROP, STRAY_PASS };

static struct stray *S;

static int stray_setup(void **state)
{
	DECLARE_LIBBPF_OPTS(bpf_object_open_opts, o, .pin_root_path = W.pin);

	if (world_setup(state))
		return -1;
	if (!W.dp)
		return 0;
	/* the data path's pins: drops and port_stats are the real ones */
	S = stray__open_opts(&o);
	if (!S || stray__load(S)) {
		fprintf(stderr, "stray: cannot load\n");
		return -1;
	}
	return 0;
}

static int stray_teardown(void **state)
{
	stray__destroy(S);
	return world_teardown(state);
}

static uint64_t port_drops(uint32_t ifindex)
{
	struct vnet_stats st;

	if (dp_port_counters(W.dp, (int)ifindex, &st))
		return 0;
	return st.drops;
}

/* Run case c (argument arg) on both hooks: the verdict each returned.
 * stray: the case must count one internal drop a run (the run helpers
 * check the count against stray_expected right after each run). */
static void stray_run(uint8_t c, uint8_t arg, bool stray, int *tc, int *xdp)
{
	struct frame f;

	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 1, 2, 0);
	f.b[0] = c;
	f.b[1] = arg;
	stray_expected += stray;
	*tc = run_tc_fd(bpf_program__fd(S->progs.stray_tc), &f, W.p1, NULL);
	stray_expected += stray;
	*xdp = run_xdp_fd(bpf_program__fd(S->progs.stray_xdp), &f, W.p1, NULL);
}

/* Not a final verdict: dropped on both hooks, counted internal and as a
 * drop of the port. */
static void stray_dropped(uint8_t c, uint8_t arg)
{
	uint64_t port = port_drops(W.p1);
	int tc, xdp;

	stray_run(c, arg, true, &tc, &xdp);
	assert_int_equal(tc, TC_SHOT);
	assert_int_equal(xdp, XDP_DROP);
	assert_int_equal(port_drops(W.p1), port + 2);
}

static void test_stray_result_dropped_and_counted(void **state)
{
	struct frame f;

	NEED_WORLD();
	/* p1's counters exist once its program has seen a frame (count_rx) */
	build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 1, 2, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	stray_dropped(STRAY_CONTINUE, 0);	/* "go on" that reached a verdict */
	stray_dropped(STRAY_DROP_NONE, 0);	/* a drop nobody gave a reason */
	stray_dropped(STRAY_RAW, 0);		/* no verdict at all (the old ACT_PASS) */
	stray_dropped(STRAY_RAW, 200);		/* junk */
	stray_dropped(STRAY_DROP, VNET_DROP_MAX);	/* a reason off the list */
	assert_int_equal(drops(VNET_DROP_INTERNAL), 10);
}

/* Real verdicts are untouched: internal stays where it was. */
static void test_real_verdicts_not_internal(void **state)
{
	uint64_t runt;
	int tc, xdp;

	NEED_WORLD();
	runt = drops(VNET_DROP_RUNT);
	stray_run(STRAY_DROP, VNET_DROP_RUNT, false, &tc, &xdp);
	assert_int_equal(tc, TC_SHOT);
	assert_int_equal(xdp, XDP_DROP);
	assert_int_equal(drops(VNET_DROP_RUNT), runt + 2);
	stray_run(STRAY_PASS, 0, false, &tc, &xdp);
	assert_int_equal(tc, TC_OK);
	assert_int_equal(xdp, XDP_PASS);
}

/* The real programs, through the same check, on a few everyday paths. */
static void test_pipeline_reaches_verdicts(void **state)
{
	struct frame f;

	NEED_WORLD();
	build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 1, 2, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 1000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_REDIRECT);
	build(&f, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_UDP, 53, 9, 0);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_OK);
	assert_int_equal(drops(VNET_DROP_INTERNAL), stray_expected);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stray_result_dropped_and_counted),
		cmocka_unit_test(test_real_verdicts_not_internal),
		cmocka_unit_test(test_pipeline_reaches_verdicts),
	};

	return cmocka_run_group_tests(tests, stray_setup, stray_teardown);
}
