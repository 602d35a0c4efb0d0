/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The anti-spoofing check's common case from port_state (issue 21): the
 * summary of a port's one lease (struct vnet_bind_sum) passes its frames
 * without a bind_map lookup, and is never wider than bind_map: a lease
 * that changes is checked against the new address at once, a spoofed
 * source is still dropped, a port with several bindings falls back to
 * bind_map, a lease moved to another port leaves the old one's summary,
 * and vnetd rebuilds every summary at start, from a pin of the layout
 * before the summary too (recreated, the ports keeping their counters). */
#include "dp_test.h"

#define A "192.168.122.66"
#define B "192.168.122.67"
#define C "192.168.122.68"

/* p's summary, checked against bind_map: an address it holds is bound
 * there to p and to the same MAC, not learned. */
static struct vnet_bind_sum summary(__u32 ifindex)
{
	struct vnet_bind_key bk = { .net_id = 1 };
	struct vnet_port_state ps;
	struct vnet_bind b;

	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_state), &ifindex, &ps), 0);
	if (ps.bind.ip) {
		bk.ip = ps.bind.ip;
		assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, bind_map), &bk, &b), 0);
		assert_int_equal(b.ifindex, ifindex);
		assert_memory_equal(b.mac, ps.bind.mac, 6);
		assert_int_equal(b.learned, 0);
	}
	return ps.bind;
}

/* A UDP frame from (mac, src) on the port: 1 passed, 0 dropped (the tc
 * and the XDP build agree). */
static int passes(const uint8_t *mac, const char *src, int ifindex)
{
	struct frame f;
	int tc, xdp;

	build(&f, BRMAC, mac, src, GW, IPPROTO_UDP, 5000, 53, 0);
	tc = run_tc("vnet_port_tc", &f, ifindex, NULL);
	xdp = run_xdp("vnet_port_xdp", &f, ifindex, NULL);
	assert_true(tc == TC_OK || tc == TC_SHOT);
	assert_int_equal(tc == TC_OK, xdp == XDP_PASS);
	return tc == TC_OK;
}

static int lease(const uint8_t *mac, const char *ip, bool add)
{
	return dp_lease_bind(W.dp, 1, mac, (struct in_addr){ ip4(ip) }, add);
}

static void test_lease_summarised(void **state)
{
	struct vnet_bind_sum s;
	uint64_t before;

	NEED_WORLD();
	s = summary(W.p1);
	assert_int_equal(s.ip, ip4(GUEST1));
	assert_memory_equal(s.mac, MAC1, 6);
	assert_int_equal(summary(W.p2).ip, ip4(GUEST2));
	assert_true(passes(MAC1, GUEST1, W.p1));
	/* spoofed: another guest's address, an unbound one */
	before = drops(VNET_DROP_SRC_IP);
	assert_false(passes(MAC1, GUEST2, W.p1));
	assert_false(passes(MAC1, A, W.p1));
	assert_int_equal(drops(VNET_DROP_SRC_IP), before + 4);
}

/* A new lease replaces the summary, an old one leaves it, whichever
 * comes first; the old address is dropped from that moment. */
static void test_lease_change_at_once(void **state)
{
	NEED_WORLD();
	assert_int_equal(lease(MAC1, GUEST1, false), 0);
	assert_int_equal(summary(W.p1).ip, 0);
	assert_false(passes(MAC1, GUEST1, W.p1));
	assert_int_equal(lease(MAC1, A, true), 0);
	assert_int_equal(summary(W.p1).ip, ip4(A));
	assert_true(passes(MAC1, A, W.p1));
	assert_false(passes(MAC1, GUEST1, W.p1));
	/* the new one before the old one goes */
	assert_int_equal(lease(MAC1, B, true), 0);
	assert_int_equal(summary(W.p1).ip, ip4(B));
	assert_true(passes(MAC1, A, W.p1));	/* still bound: bind_map */
	assert_int_equal(lease(MAC1, A, false), 0);
	assert_int_equal(summary(W.p1).ip, ip4(B));
	assert_false(passes(MAC1, A, W.p1));
	assert_true(passes(MAC1, B, W.p1));
	assert_int_equal(lease(MAC1, B, false), 0);
	assert_int_equal(lease(MAC1, GUEST1, true), 0);
	assert_int_equal(summary(W.p1).ip, ip4(GUEST1));
	assert_false(passes(MAC1, B, W.p1));
}

/* Two bindings: the summary holds one, the other is found in bind_map;
 * an address moved to another port is gone from the first one's summary
 * before it moves. */
static void test_several_bindings_fall_back(void **state)
{
	NEED_WORLD();
	assert_int_equal(dp_port_declare(W.dp, W.p1, (struct in_addr){ ip4(A) }), 0);
	assert_int_equal(summary(W.p1).ip, ip4(A));
	assert_true(passes(MAC1, A, W.p1));
	assert_true(passes(MAC1, GUEST1, W.p1));	/* bind_map */
	assert_false(passes(MAC1, C, W.p1));
	assert_false(passes(MAC1, GUEST2, W.p1));
	/* A's lease goes to guest 2's port */
	assert_int_equal(lease(MAC2, A, true), 0);
	assert_int_equal(summary(W.p1).ip, 0);
	assert_int_equal(summary(W.p2).ip, ip4(A));
	assert_false(passes(MAC1, A, W.p1));
	assert_true(passes(MAC1, GUEST1, W.p1));
	assert_true(passes(MAC2, A, W.p2));
	assert_true(passes(MAC2, GUEST2, W.p2));
	assert_int_equal(lease(MAC2, A, false), 0);
	assert_int_equal(lease(MAC1, GUEST1, true), 0);
	assert_int_equal(summary(W.p1).ip, ip4(GUEST1));
}

/* A stopped network's bindings are purged: so are its ports' summaries. */
static void test_net_clear_clears(void **state)
{
	struct vnet_port_state ps;
	__u32 key = W.p1;

	NEED_WORLD();
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_state), &key, &ps), 0);
	assert_int_not_equal(ps.bind.ip, 0);
	dp_port_state_bind_clear_net(W.dp, 1);
	assert_int_equal(summary(W.p1).ip, 0);
	assert_int_equal(summary(W.p2).ip, 0);
	assert_true(passes(MAC1, GUEST1, W.p1));	/* bind_map still binds it */
	dp_port_state_bind_set(W.dp, W.p1, 1, ip4(GUEST1), MAC1);
	dp_port_state_bind_set(W.dp, W.p2, 1, ip4(GUEST2), MAC2);
	dp_port_state_bind_set(W.dp, W.p2, 2, ip4(C), MAC2);	/* another network's: no */
	assert_int_equal(summary(W.p2).ip, ip4(GUEST2));
}

/* vnetd stops and starts again on the same pins. */
static void reopen(void)
{
	char err[256] = "";

	dp_close(W.dp);
	W.dp = NULL;
	assert_int_equal(dp_open(W.pin, &W.dp, err, sizeof(err)), 0);
}

/* The pinned port_state made by the build before the summary: 64-byte
 * values, the same fields up to flags. */
static void pin_old_layout(void)
{
	char path[PATH_MAX];
	struct vnet_port_state ps;
	__u32 key, next, *prev = NULL;
	int fd, old;

	snprintf(path, sizeof(path), "%s/port_state", W.pin);
	fd = bpf_obj_get(path);
	assert_true(fd >= 0);
	old = bpf_map_create(BPF_MAP_TYPE_HASH, "port_state", 4, 64, 4096, NULL);
	assert_true(old >= 0);
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		assert_int_equal(bpf_map_lookup_elem(fd, &key, &ps), 0);
		assert_int_equal(bpf_map_update_elem(old, &key, &ps, BPF_ANY), 0);	/* 64 bytes */
	}
	close(fd);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(bpf_obj_pin(old, path), 0);
	close(old);
}

static void test_rebuilt_at_start(void **state)
{
	struct vnet_port_state ps, ps1, ps2;
	struct bpf_map_info info = { 0 };
	__u32 k1 = W.p1, k2 = W.p2, len = sizeof(info);
	struct vnet_stats st;
	uint64_t rx;
	int sfd;

	NEED_WORLD();
	sfd = DP_MAP_FD(W.dp, port_state);
	assert_int_equal(bpf_map_lookup_elem(sfd, &k1, &ps1), 0);
	assert_int_equal(bpf_map_lookup_elem(sfd, &k2, &ps2), 0);
	/* a summary bind_map does not back (a crash between the writes):
	 * not kept */
	ps = ps2;
	ps.bind.ip = ip4(C);
	port_state_put(k2, &ps);
	assert_true(passes(MAC2, C, W.p2));
	reopen();
	assert_int_equal(summary(W.p2).ip, ip4(GUEST2));
	assert_false(passes(MAC2, C, W.p2));
	/* from the old layout: recreated, the same slots and counters */
	assert_int_equal(dp_port_counters(W.dp, W.p1, &st), 0);
	rx = st.rx_packets;
	assert_true(rx > 0);
	pin_old_layout();
	reopen();
	sfd = DP_MAP_FD(W.dp, port_state);
	assert_int_equal(bpf_obj_get_info_by_fd(sfd, &info, &len), 0);
	assert_int_equal(info.value_size, sizeof(struct vnet_port_state));
	assert_int_equal(bpf_map_lookup_elem(sfd, &k1, &ps), 0);
	assert_int_equal(ps.slot, ps1.slot);
	assert_int_equal(bpf_map_lookup_elem(sfd, &k2, &ps), 0);
	assert_int_equal(ps.slot, ps2.slot);
	assert_int_equal(summary(W.p1).ip, ip4(GUEST1));
	assert_int_equal(summary(W.p2).ip, ip4(GUEST2));
	assert_true(passes(MAC1, GUEST1, W.p1));
	assert_false(passes(MAC1, GUEST2, W.p1));
	assert_int_equal(dp_port_counters(W.dp, W.p1, &st), 0);
	assert_int_equal(st.rx_packets, rx + 4);	/* tc and XDP, twice */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lease_summarised),
		cmocka_unit_test(test_lease_change_at_once),
		cmocka_unit_test(test_several_bindings_fall_back),
		cmocka_unit_test(test_net_clear_clears),
		cmocka_unit_test(test_rebuilt_at_start),
	};

	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
