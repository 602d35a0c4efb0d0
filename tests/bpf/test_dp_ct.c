/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Conntrack TCP states and timeouts through BPF_PROG_TEST_RUN and the GC
 * (issue 16.7): a flow is established only when the initiator's ACK
 * follows the answer to its SYN; a SYN answered by a SYN-ACK and never
 * acknowledged, a SYN nobody answers, closing and reset flows all expire
 * on their short timeouts. Flows are aged by moving both entries' last-
 * seen time into the past, then one GC pass (dp_tick) judges them. */
#include <time.h>

#include "dp_test.h"
#include "dp/dp_gc_slice_priv.h"

#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define ACK 0x10

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* A TCP segment of guest 1's flow sport -> FAR:80 leaving through its port:
 * returns the NAT port it left from. */
static uint16_t out_seg(uint16_t sport, uint8_t flags)
{
	struct frame f, out;

	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_TCP, sport, 80, flags);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	return get16(out.b + 34);
}

/* The remote's segment back to NAT port nport. */
static void in_seg(uint16_t nport, uint8_t flags)
{
	struct frame f;

	build(&f, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_TCP, 80, nport, flags);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_REDIRECT);
}

static struct vnet_ct_key out_key(uint16_t sport)
{
	return (struct vnet_ct_key){ .saddr = ip4(GUEST1), .daddr = ip4(FAR),
				     .sport = htons(sport), .dport = htons(80),
				     .proto = IPPROTO_TCP };
}

/* Age the flow whose entry is k (and its partner) by sec seconds of
 * silence; 0 if it exists. */
static int age(struct vnet_ct_key k, unsigned sec)
{
	int fd = DP_MAP_FD(W.dp, ct_map);
	struct vnet_ct v, pv;

	if (bpf_map_lookup_elem(fd, &k, &v) || bpf_map_lookup_elem(fd, &v.peer, &pv))
		return -1;
	v.seen_ns = pv.seen_ns = now_ns() - sec * 1000000000ULL;
	bpf_map_update_elem(fd, &k, &v, BPF_EXIST);
	bpf_map_update_elem(fd, &v.peer, &pv, BPF_EXIST);
	return 0;
}

static bool alive(struct vnet_ct_key k)
{
	struct vnet_ct v;

	return bpf_map_lookup_elem(DP_MAP_FD(W.dp, ct_map), &k, &v) == 0;
}

/* Aged sec seconds, is the flow still there after a GC pass? */
static bool survives(struct vnet_ct_key k, unsigned sec)
{
	assert_int_equal(age(k, sec), 0);
	dp_tick(W.dp);
	return alive(k);
}

/* SYN, SYN-ACK, ACK: established, kept for hours of silence. */
static void test_handshake_established(void **state)
{
	struct vnet_ct_key k = out_key(41001);
	struct vnet_ct v;
	uint16_t np;

	NEED_WORLD();
	np = out_seg(41001, SYN);
	in_seg(np, SYN | ACK);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, ct_map), &k, &v), 0);
	assert_int_equal(v.seen & VNET_CT_EST, 0);
	assert_true(v.flags & VNET_CTF_TCP_STATE);
	out_seg(41001, ACK);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, ct_map), &k, &v), 0);
	assert_true(v.seen & VNET_CT_EST);
	assert_true(survives(out_key(41001), 3600));
}

/* The attack: the guest sends SYN, the remote answers SYN-ACK, the guest
 * swallows it (drops its own RST). Half open: kept for SYN_RECV's 60 s,
 * not for the established timeout. */
static void test_syn_synack_only_is_embryonic(void **state)
{
	uint64_t expired;
	uint16_t np;

	NEED_WORLD();
	np = out_seg(41002, SYN);
	in_seg(np, SYN | ACK);
	assert_true(survives(out_key(41002), 30));
	expired = global(VNET_G_CT_EXPIRED);
	assert_false(survives(out_key(41002), 61));
	assert_int_equal(global(VNET_G_CT_EXPIRED), expired + 1);
}

/* An ACK from the guest before the remote answered does not complete
 * the handshake (nf_conntrack: invalid in SYN_SENT). */
static void test_early_ack_not_established(void **state)
{
	uint16_t np;

	NEED_WORLD();
	np = out_seg(41003, SYN);
	out_seg(41003, ACK);
	in_seg(np, SYN | ACK);
	assert_false(survives(out_key(41003), 61));
}

/* A SYN nobody answers: SYN_SENT, 120 s (a client retransmits its SYN for
 * about that long). */
static void test_syn_unanswered(void **state)
{
	NEED_WORLD();
	out_seg(41004, SYN);
	assert_true(survives(out_key(41004), 100));
	assert_false(survives(out_key(41004), 121));
}

/* One side closed (FIN_WAIT/CLOSE_WAIT): 120 s, not the established
 * timeout; both sides: 30 s; a reset: 10 s. */
static void test_closing_timeouts(void **state)
{
	uint16_t np;

	NEED_WORLD();
	np = out_seg(41005, SYN);
	in_seg(np, SYN | ACK);
	out_seg(41005, ACK);
	out_seg(41005, FIN | ACK);
	assert_true(survives(out_key(41005), 100));
	assert_false(survives(out_key(41005), 121));

	np = out_seg(41006, SYN);
	in_seg(np, SYN | ACK);
	out_seg(41006, ACK);
	out_seg(41006, FIN | ACK);
	in_seg(np, FIN | ACK);
	assert_false(survives(out_key(41006), 31));

	np = out_seg(41007, SYN);
	in_seg(np, SYN | ACK);
	out_seg(41007, ACK);
	in_seg(np, RST);
	assert_false(survives(out_key(41007), 11));
}

/* Through a port forward the wan host is the initiator: its SYN answered
 * by the guest's SYN-ACK and never acknowledged (random spoofed sources)
 * is half open; acknowledged, established. */
static void test_forward_half_open(void **state)
{
	struct netdef_port_forward pf = { .proto = IPPROTO_TCP, .host_port = 8081,
					  .guest_port = 80 };
	struct vnet_ct_key ik = { .saddr = ip4(WAN), .daddr = ip4(UPLINK), .dport = htons(8081),
				  .proto = IPPROTO_TCP };
	struct frame f;

	NEED_WORLD();
	pf.guest_ip.s_addr = ip4(GUEST2);
	assert_int_equal(dp_forward_add(W.dp, 1, &pf, NULL, 0), 0);
	for (int i = 0; i < 2; i++) {
		ik.sport = htons(50000 + i);
		build(&f, UPMAC, WANMAC, WAN, UPLINK, IPPROTO_TCP, 50000 + i, 8081, SYN);
		assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_REDIRECT);
		build(&f, BRMAC, MAC2, GUEST2, WAN, IPPROTO_TCP, 80, 50000 + i, SYN | ACK);
		assert_int_equal(run_tc("vnet_port_tc", &f, W.p2, NULL), TC_REDIRECT);
		if (i) {	/* the third packet */
			build(&f, UPMAC, WANMAC, WAN, UPLINK, IPPROTO_TCP, 50000 + i, 8081, ACK);
			assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_REDIRECT);
		}
		assert_int_equal(survives(ik, 61), i == 1);
	}
	assert_int_equal(dp_forward_del(W.dp, 1, &pf), 0);
}

/* Flows counted for a guest (its address in net 1) or a forward. */
static int32_t quota_used(struct vnet_quota_key k)
{
	uint32_t made = 0, gone = 0;

	bpf_map_lookup_elem(DP_MAP_FD(W.dp, ct_made), &k, &made);
	bpf_map_lookup_elem(DP_MAP_FD(W.dp, ct_gone), &k, &gone);
	return (int32_t)(made - gone);
}

static struct vnet_quota_key guest_q(const char *ip)
{
	return (struct vnet_quota_key){ .net_id = 1, .addr = ip4(ip), .kind = VNET_QUOTA_GUEST };
}

/* Counted flows of guest ip in the table (its OUT entries). */
static int32_t guest_flows(const char *ip)
{
	struct vnet_ct_key k, next, *prev = NULL;
	int fd = DP_MAP_FD(W.dp, ct_map);
	struct vnet_ct v;
	int32_t n = 0;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v) == 0 && v.initiator && v.nat == 1 &&
		    k.saddr == ip4(ip) && (v.flags & VNET_CTF_QUOTA))
			n++;
	}
	return n;
}

/* A guest's new flows stop at its cap, counted on its network; its flows
 * in progress, and other guests, go on; a flow the GC removes gives its
 * room back. */
static void test_guest_cap(void **state)
{
	uint64_t refused;
	int32_t used;
	struct frame f;

	NEED_WORLD();
	refused = net_drops(1, VNET_DROP_CT_GUEST_LIMIT);
	used = quota_used(guest_q(GUEST1));
	assert_int_equal(used, guest_flows(GUEST1));
	dp_set_ct_limits(W.dp, used + 4, -1);
	for (int i = 0; i < 4; i++)
		out_seg(42000 + i, SYN);
	assert_int_equal(quota_used(guest_q(GUEST1)), used + 4);
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_TCP, 42004, 80, SYN);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(net_drops(1, VNET_DROP_CT_GUEST_LIMIT), refused + 1);
	assert_int_equal(drops(VNET_DROP_CT_GUEST_LIMIT), refused + 1);	/* on net 1 only */
	out_seg(42000, ACK);	/* a flow it has */
	build(&f, BRMAC, MAC2, GUEST2, FAR, IPPROTO_TCP, 42004, 80, SYN);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p2, NULL), TC_REDIRECT);
	/* the unanswered SYN expires (SYN_SENT): room for one more */
	assert_false(survives(out_key(42001), 121));
	assert_int_equal(quota_used(guest_q(GUEST1)), used + 3);
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_TCP, 42004, 80, SYN);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	dp_set_ct_limits(W.dp, -1, -1);
}

/* A guest at its cap: the GC evicts its own half-open flows, least
 * recently seen first, down to 3/4 of the cap (its established ones stay),
 * so a guest churning through connections is refused for a second at most. */
static void test_guest_cap_evicts_its_half_open(void **state)
{
	uint64_t evicted;
	int32_t used, cap;
	struct frame f;

	NEED_WORLD();
	dp_tick(W.dp);
	used = quota_used(guest_q(GUEST1));
	cap = used + 16;
	dp_set_ct_limits(W.dp, cap, -1);
	for (int i = 0; i < 16; i++)
		out_seg(44000 + i, SYN);
	for (int i = 0; i < 16; i++)	/* 44000 the oldest, 44015 the newest */
		assert_int_equal(age(out_key(44000 + i), 20 - i), 0);
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_TCP, 44016, 80, SYN);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	evicted = net_counter(1, VNET_G_CT_EVICTED);
	dp_tick(W.dp);
	assert_true(quota_used(guest_q(GUEST1)) <= cap - cap / 4);
	assert_int_equal(quota_used(guest_q(GUEST1)), guest_flows(GUEST1));
	assert_true(net_counter(1, VNET_G_CT_EVICTED) >= evicted + (uint64_t)(cap / 4));
	assert_false(alive(out_key(44000)));
	assert_true(alive(out_key(44015)));	/* the newest stay */
	assert_true(alive(out_key(41001)));	/* established */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	dp_set_ct_limits(W.dp, -1, -1);
}

/* A port forward's connections stop at its cap (random wan sources), are
 * dropped and counted there, not passed to the host; another forward is
 * not affected. */
static void test_forward_cap(void **state)
{
	struct netdef_port_forward pf = { .proto = IPPROTO_TCP, .host_port = 8082,
					  .guest_port = 80 }, pf2 = pf;
	struct vnet_quota_key fq = { .net_id = 1, .addr = ip4(UPLINK), .port = htons(8082),
				     .proto = IPPROTO_TCP, .kind = VNET_QUOTA_FWD };
	uint64_t refused;
	char src[32];
	struct frame f;

	NEED_WORLD();
	refused = net_drops(1, VNET_DROP_CT_FWD_LIMIT);
	pf.guest_ip.s_addr = pf2.guest_ip.s_addr = ip4(GUEST2);
	pf2.host_port = 8083;
	assert_int_equal(dp_forward_add(W.dp, 1, &pf, NULL, 0), 0);
	assert_int_equal(dp_forward_add(W.dp, 1, &pf2, NULL, 0), 0);
	dp_set_ct_limits(W.dp, -1, 3);
	for (int i = 0; i < 4; i++) {
		snprintf(src, sizeof(src), "198.18.0.%d", i + 1);
		build(&f, UPMAC, WANMAC, src, UPLINK, IPPROTO_TCP, 1000 + i, 8082, SYN);
		assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL),
				 i < 3 ? TC_REDIRECT : TC_SHOT);
	}
	assert_int_equal(quota_used(fq), 3);
	assert_int_equal(net_drops(1, VNET_DROP_CT_FWD_LIMIT), refused + 1);
	build(&f, UPMAC, WANMAC, "198.18.0.9", UPLINK, IPPROTO_TCP, 1009, 8083, SYN);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_REDIRECT);
	dp_set_ct_limits(W.dp, -1, -1);
	assert_int_equal(dp_forward_del(W.dp, 1, &pf), 0);
	assert_int_equal(dp_forward_del(W.dp, 1, &pf2), 0);
}

/* A count that drifted (vnetd killed between deleting flows and counting
 * them) is repaired from the table once no flow was made for a pass. */
static void test_quota_reconciled(void **state)
{
	int fd = DP_MAP_FD(W.dp, ct_gone);
	struct vnet_quota_key q = guest_q(GUEST1);
	uint32_t gone = 0;

	NEED_WORLD();
	dp_tick(W.dp);
	bpf_map_lookup_elem(fd, &q, &gone);
	gone += 5;	/* 5 flows too few */
	assert_int_equal(bpf_map_update_elem(fd, &q, &gone, BPF_ANY), 0);
	assert_int_equal(quota_used(q), guest_flows(GUEST1) - 5);
	dp_tick(W.dp);
	assert_int_equal(quota_used(q), guest_flows(GUEST1));
}

/* Fake pairs of guest 1's network: TCP, half open (a SYN), pair i last
 * seen at seen_ns + i ns (so the order is strict); its ports are
 * 1 + i % 60000 and base + i / 60000. */
static void fake_pairs(int n, uint16_t base, uint64_t seen_ns)
{
	int fd = DP_MAP_FD(W.dp, ct_map);
	struct vnet_ct_key k = { .saddr = ip4("192.168.122.99"), .daddr = ip4(FAR),
				 .proto = IPPROTO_TCP };
	struct vnet_ct_key ik = { .saddr = ip4(FAR), .daddr = ip4(UPLINK), .proto = IPPROTO_TCP };
	struct vnet_ct out = { .dir = VNET_CT_OUT, .initiator = 1, .net_id = 1, .nat = 1,
			       .seen = VNET_CT_SEEN | VNET_CT_SYN, .flags = VNET_CTF_TCP_STATE,
			       .seen_ns = seen_ns };
	struct vnet_ct in = { .dir = VNET_CT_IN, .net_id = 1, .nat = 1,
			      .flags = VNET_CTF_TCP_STATE, .seen_ns = seen_ns };

	for (int i = 0; i < n; i++) {
		k.sport = ik.dport = htons((uint16_t)(1 + i % 60000));
		k.dport = ik.sport = htons((uint16_t)(base + i / 60000));
		out.peer = ik;
		in.peer = k;
		out.seen_ns = in.seen_ns = seen_ns + i;
		assert_int_equal(bpf_map_update_elem(fd, &k, &out, BPF_NOEXIST), 0);
		assert_int_equal(bpf_map_update_elem(fd, &ik, &in, BPF_NOEXIST), 0);
	}
}

static struct vnet_ct_key fake_key(int i, uint16_t base)
{
	return (struct vnet_ct_key){ .saddr = ip4("192.168.122.99"), .daddr = ip4(FAR),
				     .sport = htons((uint16_t)(1 + i % 60000)),
				     .dport = htons((uint16_t)(base + i / 60000)), .proto = IPPROTO_TCP };
}

/* A table past 7/8 full: half-open flows are evicted, least recently seen
 * first, down to 3/4, counted per network; established ones never. */
static void test_full_table_evicts_half_open_first(void **state)
{
	uint64_t evicted, now = now_ns();
	int max, flows;
	uint16_t np;

	NEED_WORLD();
	max = bpf_map__max_entries(W.dp->skel->maps.ct_map);
	evicted = net_counter(1, VNET_G_CT_EVICTED);
	np = out_seg(43001, SYN);	/* one established flow, silent for 100 s */
	in_seg(np, SYN | ACK);
	out_seg(43001, ACK);
	assert_int_equal(age(out_key(43001), 100), 0);
	flows = (max / 8 * 7 - ct_count()) / 2 + 100;
	fake_pairs(10000, 1000, now - 20 * 1000000000ULL);	/* older */
	fake_pairs(flows - 10000, 2000, now);
	dp_tick(W.dp);
	assert_true(ct_count() <= max / 4 * 3);
	assert_true(ct_count() >= max / 4 * 3 - 2);
	assert_true(alive(out_key(43001)));
	assert_false(alive(fake_key(0, 1000)));	/* the oldest go first */
	assert_false(alive(fake_key(9999, 1000)));
	assert_true(alive(fake_key(flows - 10001, 2000)));	/* the newest stay */
	assert_true(net_counter(1, VNET_G_CT_EVICTED) >= evicted + (uint64_t)(max / 16));	/* 7/8 -> 3/4 */
	/* below the mark nothing more is evicted; the rest expire (SYN_SENT) */
	evicted = net_counter(1, VNET_G_CT_EVICTED);
	dp_tick(W.dp);
	assert_int_equal(net_counter(1, VNET_G_CT_EVICTED), evicted);
	for (int i = 0; i < flows - 10000; i++) {
		struct vnet_ct_key ok = fake_key(i, 2000);

		bpf_map_delete_elem(DP_MAP_FD(W.dp, ct_map), &(struct vnet_ct_key){
			.saddr = ip4(FAR), .daddr = ip4(UPLINK), .proto = IPPROTO_TCP,
			.sport = fake_key(i, 2000).dport, .dport = fake_key(i, 2000).sport });
		bpf_map_delete_elem(DP_MAP_FD(W.dp, ct_map), &ok);
	}
	dp_tick(W.dp);
	assert_true(alive(out_key(43001)));
}

/* Ballast for the sliced GC (issue 21): n established flows, fresh, not
 * counted for any guest, so the table is more than a tick reads whole
 * and the GC walks it by slices (dp_gc_slice.c); then two ticks to size
 * its cycle. ballast_clear removes them. */
#define BALLAST 50000
static void ballast(void)
{
	int fd = DP_MAP_FD(W.dp, ct_map);
	struct vnet_ct_key k = { .saddr = ip4("192.168.122.98"), .daddr = ip4(FAR),
				 .proto = IPPROTO_TCP };
	struct vnet_ct_key ik = { .saddr = ip4(FAR), .daddr = ip4("203.0.113.77"),
				  .proto = IPPROTO_TCP };
	struct vnet_ct out = { .dir = VNET_CT_OUT, .initiator = 1, .net_id = 1, .nat = 1,
			       .seen = VNET_CT_SEEN | VNET_CT_SYN | VNET_CT_ACK | VNET_CT_EST,
			       .flags = VNET_CTF_TCP_STATE, .seen_ns = now_ns() };
	struct vnet_ct in = { .dir = VNET_CT_IN, .net_id = 1, .nat = 1,
			      .seen = VNET_CT_SEEN | VNET_CT_SYN | VNET_CT_ACK,
			      .flags = VNET_CTF_TCP_STATE, .seen_ns = out.seen_ns };

	for (int i = 0; i < BALLAST; i++) {
		k.sport = ik.dport = htons((uint16_t)(1 + i % 60000));
		k.dport = ik.sport = htons((uint16_t)(5000 + i / 60000));
		out.peer = ik;
		in.peer = k;
		assert_int_equal(bpf_map_update_elem(fd, &k, &out, BPF_NOEXIST), 0);
		assert_int_equal(bpf_map_update_elem(fd, &ik, &in, BPF_NOEXIST), 0);
	}
	dp_tick(W.dp);
	dp_tick(W.dp);
	assert_true(dp_gc_slices(W.dp) > 1);
}

static int ballast_left(void)
{
	int fd = DP_MAP_FD(W.dp, ct_map), n = 0;
	struct vnet_ct_key k = { .saddr = ip4("192.168.122.98"), .daddr = ip4(FAR),
				 .proto = IPPROTO_TCP };
	struct vnet_ct v;

	for (int i = 0; i < BALLAST; i++) {
		k.sport = htons((uint16_t)(1 + i % 60000));
		k.dport = htons((uint16_t)(5000 + i / 60000));
		n += bpf_map_lookup_elem(fd, &k, &v) == 0;
	}
	return n;
}

static void ballast_clear(void)
{
	int fd = DP_MAP_FD(W.dp, ct_map);
	struct vnet_ct_key k = { .saddr = ip4("192.168.122.98"), .daddr = ip4(FAR),
				 .proto = IPPROTO_TCP };
	struct vnet_ct v;

	for (int i = 0; i < BALLAST; i++) {
		k.sport = htons((uint16_t)(1 + i % 60000));
		k.dport = htons((uint16_t)(5000 + i / 60000));
		if (bpf_map_lookup_elem(fd, &k, &v) == 0) {
			bpf_map_delete_elem(fd, &v.peer);
			bpf_map_delete_elem(fd, &k);
		}
	}
	dp_tick(W.dp);
}

/* The sliced GC keeps the 7/8 mark: a flood that fills the table between
 * two ticks is pushed back to 3/4 by the next one (it reads the table
 * whole once a slice shows it past the mark); established flows stay. */
static void test_sliced_full_table_evicts(void **state)
{
	uint64_t evicted, now = now_ns();
	int max, flows;

	NEED_WORLD();
	ballast();
	max = bpf_map__max_entries(W.dp->skel->maps.ct_map);
	evicted = net_counter(1, VNET_G_CT_EVICTED);
	flows = (max / 8 * 7 - ct_count()) / 2 + 100;
	fake_pairs(flows, 3000, now);
	dp_tick(W.dp);
	assert_true(ct_count() <= max / 4 * 3);
	assert_true(ct_count() >= max / 4 * 3 - 2);
	assert_true(net_counter(1, VNET_G_CT_EVICTED) >= evicted + (uint64_t)(max / 16));
	assert_int_equal(ballast_left(), BALLAST);
	for (int i = 0; i < flows; i++) {
		struct vnet_ct_key k = fake_key(i, 3000);
		struct vnet_ct v;

		if (bpf_map_lookup_elem(DP_MAP_FD(W.dp, ct_map), &k, &v) == 0) {
			bpf_map_delete_elem(DP_MAP_FD(W.dp, ct_map), &v.peer);
			bpf_map_delete_elem(DP_MAP_FD(W.dp, ct_map), &k);
		}
	}
	ballast_clear();
}

/* The sliced GC keeps a guest's cap: a guest past 7/8 of it loses its
 * half-open flows down to 3/4 at the next tick, as with a small table. */
static void test_sliced_guest_cap_evicts(void **state)
{
	int32_t used, cap;

	NEED_WORLD();
	ballast();
	used = quota_used(guest_q(GUEST1));
	cap = used + 16;
	dp_set_ct_limits(W.dp, cap, -1);
	for (int i = 0; i < 16; i++)
		out_seg(45000 + i, SYN);
	for (int i = 0; i < 16; i++)
		assert_int_equal(age(out_key(45000 + i), 20 - i), 0);
	dp_tick(W.dp);
	assert_true(quota_used(guest_q(GUEST1)) <= cap - cap / 4);
	assert_int_equal(quota_used(guest_q(GUEST1)), guest_flows(GUEST1));
	assert_false(alive(out_key(45000)));
	assert_true(alive(out_key(45015)));
	assert_int_equal(ballast_left(), BALLAST);
	dp_set_ct_limits(W.dp, -1, -1);
	ballast_clear();
}

/* The sliced GC repairs a drifted count too: within two cycles of the
 * slices (a key's flows are counted over a whole cycle). */
static void test_sliced_quota_reconciled(void **state)
{
	int fd = DP_MAP_FD(W.dp, ct_gone);
	struct vnet_quota_key q = guest_q(GUEST1);
	uint32_t gone = 0;
	int t;

	NEED_WORLD();
	ballast();
	bpf_map_lookup_elem(fd, &q, &gone);
	gone += 5;
	assert_int_equal(bpf_map_update_elem(fd, &q, &gone, BPF_ANY), 0);
	assert_int_equal(quota_used(q), guest_flows(GUEST1) - 5);
	for (t = 0; t < 2 * GC_MAX_SLICES + 1 && quota_used(q) != guest_flows(GUEST1); t++)
		dp_tick(W.dp);
	assert_int_equal(quota_used(q), guest_flows(GUEST1));
	assert_true(dp_gc_slices(W.dp) > 1);	/* repaired by the slices */
	ballast_clear();
}

/* A table of flows in every state for test_kernel_judge_matches_walk:
 * each flow's protocol, seen bits of both sides, flags and idle times from
 * a fixed sequence, 1 in 16 an orphan (one side only). Flow i's initiator
 * key is mix_key(i, 1), its answer's mix_key(i, 0). */
#define MIX 4000
static uint32_t mix_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static struct vnet_ct_key mix_key(int i, int out)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };
	uint8_t proto = protos[i % 3];

	if (out)
		return (struct vnet_ct_key){ .saddr = ip4(GUEST1), .daddr = ip4(FAR),
					     .sport = htons((uint16_t)(20000 + i)), .dport = htons(7000),
					     .proto = proto };
	return (struct vnet_ct_key){ .saddr = ip4(FAR), .daddr = ip4(UPLINK), .sport = htons(7000),
				     .dport = htons((uint16_t)(20000 + i)), .proto = proto };
}

static void mix_fill(uint64_t now)
{
	static const unsigned idles[] = { 0, 5, 12, 25, 35, 45, 65, 100, 130, 400, 25000 };
	static const uint8_t flags[] = { 0, VNET_CTF_TCP_STATE, VNET_CTF_TCP_STATE | VNET_CTF_QUOTA,
					 VNET_CTF_QUOTA };
	int fd = DP_MAP_FD(W.dp, ct_map);
	uint32_t x = 2463534242u;

	for (int i = 0; i < MIX; i++) {
		struct vnet_ct_key k = mix_key(i, 1), ik = mix_key(i, 0);
		uint8_t f = flags[mix_rand(&x) % 4];
		struct vnet_ct out = { .peer = ik, .dir = VNET_CT_OUT, .initiator = 1, .net_id = 1,
				       .nat = 1, .seen = (uint8_t)(mix_rand(&x) & 63), .flags = f };
		struct vnet_ct in = { .peer = k, .dir = VNET_CT_IN, .net_id = 1, .nat = 1,
				      .seen = (uint8_t)(mix_rand(&x) & 63), .flags = f };
		unsigned r = mix_rand(&x) % 16;

		out.seen_ns = now - idles[mix_rand(&x) % 11] * 1000000000ULL - 1000;
		in.seen_ns = now - idles[mix_rand(&x) % 11] * 1000000000ULL - 1000;
		if (r != 0)
			assert_int_equal(bpf_map_update_elem(fd, &k, &out, BPF_ANY), 0);
		if (r != 1)
			assert_int_equal(bpf_map_update_elem(fd, &ik, &in, BPF_ANY), 0);
	}
}

/* Which of the mix's entries are left (left[2 * MIX]); the mix removed. */
static void mix_collect(bool *left)
{
	for (int i = 0; i < MIX; i++) {
		struct vnet_ct_key k = mix_key(i, 1), ik = mix_key(i, 0);

		left[2 * i] = alive(k);
		left[2 * i + 1] = alive(ik);
		bpf_map_delete_elem(DP_MAP_FD(W.dp, ct_map), &k);
		bpf_map_delete_elem(DP_MAP_FD(W.dp, ct_map), &ik);
	}
}

/* Judge the mixed table at now by one path (user: vnetd's walk) for two
 * cycles; which of its entries are left (left[2 * MIX]), and the flows
 * counted expired. */
static uint64_t mix_judge(uint64_t now, int user, bool *left)
{
	uint64_t expired = net_counter(1, VNET_G_CT_EXPIRED);

	W.dp->gc_user_only = user;
	mix_fill(now);
	for (int t = 0; t < 2 * GC_MAX_SLICES; t++)
		dp_gc_at(W.dp, now);
	W.dp->gc_user_only = 0;
	mix_collect(left);
	return net_counter(1, VNET_G_CT_EXPIRED) - expired;
}

/* The kernel judge (bpf/vnet_gc.bpf.c, issue 21.2) removes what vnetd's
 * walk by slices removes: the same table of flows in every state, idle
 * from 0 to 7 h, orphans among them, judged by each path at the same time:
 * the same entries are left, as many flows are counted expired, the same
 * flows are left counted against the guest's cap. */
static void test_kernel_judge_matches_walk(void **state)
{
	static bool user[2 * MIX], kern[2 * MIX];
	int fd = DP_MAP_FD(W.dp, ct_gone);
	struct vnet_quota_key q = guest_q(GUEST1);
	uint64_t now = now_ns(), exp_user, exp_kern;
	uint32_t gone0 = 0;
	int32_t used_user;
	int n = 0;

	NEED_WORLD();
	ballast();	/* a table the walk reads by slices */
	bpf_map_lookup_elem(fd, &q, &gone0);
	exp_user = mix_judge(now, 1, user);
	used_user = quota_used(q);
	assert_int_equal(bpf_map_update_elem(fd, &q, &gone0, BPF_ANY), 0);
	exp_kern = mix_judge(now, 0, kern);
	for (int i = 0; i < 2 * MIX; i++) {
		if (user[i] != kern[i])
			print_message("entry %d of flow %d: walk %d, kernel %d\n", i % 2, i / 2,
				      user[i], kern[i]);
		n += user[i];
		assert_int_equal(user[i], kern[i]);
	}
	assert_true(n > MIX / 4 && n < MIX * 2 - MIX / 4);	/* a mix: some go, some stay */
	assert_int_equal(exp_user, exp_kern);
	assert_int_equal(quota_used(q), used_user);
	ballast_clear();
}

/* Ticks until the GC's next whole pass (at most limit; limit + 1: none). */
static unsigned ticks_to_pass(uint64_t now, unsigned limit)
{
	long long p0 = W.dp->gc_passes;
	unsigned t = 0;

	while (W.dp->gc_passes == p0 && t <= limit) {
		dp_gc_at(W.dp, now);
		t++;
	}
	return t;
}

/* The kernel judge walks a calm big table (its last pass expired under
 * 1/64 of its flows, the table under half full) every 2k ticks, k the
 * slices' cycle, and a busy one every k: a pass that finds many flows
 * expired brings the cycle back. Each fails with gc_kern_cycle's
 * stretch removed or made unconditional. */
static void test_kernel_judge_calm_cycle(void **state)
{
	int fd = DP_MAP_FD(W.dp, ct_map);
	uint64_t now = now_ns();
	unsigned k;

	NEED_WORLD();
	assert_true(now > 40000000000ULL);
	ballast();	/* fresh TCP flows: nothing expires */
	k = dp_gc_slices(W.dp);
	assert_true(k > 1);
	ticks_to_pass(now, 4 * k);	/* a pass: the table found calm */
	assert_int_equal(ticks_to_pass(now, 4 * k), 2 * k);
	assert_int_equal(ticks_to_pass(now, 4 * k), 2 * k);
	/* 1 in 8 of the flows unanswered UDP idle 40 s (the monotonic clock
	 * counts from boot: no longer): the next pass expires them */
	for (int i = 0; i < BALLAST / 8; i++) {
		struct vnet_ct_key a = { .saddr = ip4("192.168.122.97"), .daddr = ip4(FAR),
					 .sport = htons((uint16_t)(1 + i)), .dport = htons(80),
					 .proto = IPPROTO_UDP };
		struct vnet_ct_key b = { .saddr = ip4(FAR), .daddr = ip4("203.0.113.78"),
					 .sport = htons(80), .dport = htons((uint16_t)(1 + i)),
					 .proto = IPPROTO_UDP };
		struct vnet_ct out = { .dir = VNET_CT_OUT, .initiator = 1, .net_id = 1, .nat = 1,
				       .peer = b, .seen_ns = now - 40000000000ULL };
		struct vnet_ct in = { .dir = VNET_CT_IN, .net_id = 1, .nat = 1, .peer = a,
				      .seen_ns = now - 40000000000ULL };

		assert_int_equal(bpf_map_update_elem(fd, &a, &out, BPF_NOEXIST), 0);
		assert_int_equal(bpf_map_update_elem(fd, &b, &in, BPF_NOEXIST), 0);
	}
	assert_int_equal(ticks_to_pass(now, 4 * k), 2 * k);	/* still calm: this pass expires them */
	assert_int_equal(ticks_to_pass(now, 4 * k), k);	/* busy: the plain cycle */
	assert_int_equal(ticks_to_pass(now, 4 * k), 2 * k);	/* calm again */
	ballast_clear();
}

/* A table for test_kernel_purge_matches_walk: MIX flows of networks 1
 * and 2 delivering to ports 11-14 (their IN entries), 1 in 16 an orphan
 * of either side; flow i's keys are mix_key's. */
static void purge_fill(void)
{
	int fd = DP_MAP_FD(W.dp, ct_map);
	uint32_t x = 88172645u;

	for (int i = 0; i < MIX; i++) {
		struct vnet_ct_key k = mix_key(i, 1), ik = mix_key(i, 0);
		uint8_t f = mix_rand(&x) & 1 ? VNET_CTF_QUOTA : 0;
		uint32_t net = 1 + (mix_rand(&x) & 1), port = 11 + mix_rand(&x) % 4;
		struct vnet_ct out = { .peer = ik, .dir = VNET_CT_OUT, .initiator = 1, .net_id = net,
				       .nat = 1, .flags = f, .ifindex = W.p1, .seen_ns = now_ns() };
		struct vnet_ct in = { .peer = k, .dir = VNET_CT_IN, .net_id = net, .nat = 1,
				      .flags = f, .ifindex = port, .seen_ns = now_ns() };
		unsigned r = mix_rand(&x) % 16;

		if (r != 0)
			assert_int_equal(bpf_map_update_elem(fd, &k, &out, BPF_ANY), 0);
		if (r != 1)
			assert_int_equal(bpf_map_update_elem(fd, &ik, &in, BPF_ANY), 0);
	}
}

/* Purge the table by one path (user: vnetd's read of the table); which
 * entries are left, and the flows of GUEST1 counted gone (its caps in
 * networks 1 and 2). */
static uint32_t purge_by(int user, const struct dp_ct_sel *sel, bool *left)
{
	int fd = DP_MAP_FD(W.dp, ct_gone), mfd = DP_MAP_FD(W.dp, ct_made);
	struct vnet_quota_key q[2] = { guest_q(GUEST1), guest_q(GUEST1) };
	uint32_t gone0[2] = { 0 }, gone = 0, made0[2], made = 1000000, g;
	long long kern0 = W.dp->ct_kern_purges;
	int had[2];

	q[1].net_id = 2;
	for (int j = 0; j < 2; j++) {
		had[j] = bpf_map_lookup_elem(mfd, &q[j], &made0[j]) == 0;
		bpf_map_lookup_elem(fd, &q[j], &gone0[j]);
		/* a key with flows made: only such a key's gone count is kept */
		assert_int_equal(bpf_map_update_elem(mfd, &q[j], &made, BPF_ANY), 0);
	}
	purge_fill();
	W.dp->gc_user_only = user;
	dp_ct_purge(W.dp, sel);
	W.dp->gc_user_only = 0;
	/* the path asked for, not the other one as a fallback */
	assert_int_equal(W.dp->ct_kern_purges - kern0, !user);
	for (int j = 0; j < 2; j++) {
		g = gone0[j];
		bpf_map_lookup_elem(fd, &q[j], &g);
		gone += g - gone0[j];
		assert_int_equal(bpf_map_update_elem(fd, &q[j], &gone0[j], BPF_ANY), 0);
		if (had[j])
			bpf_map_update_elem(mfd, &q[j], &made0[j], BPF_ANY);
		else
			bpf_map_delete_elem(mfd, &q[j]);
	}
	mix_collect(left);
	return gone;
}

/* The kernel's purge (vnet_gc.bpf.c GC_PURGE, issue 21) removes what
 * vnetd's read of the table removes, by ports, by network and both: the
 * same entries left (each flow whole: both entries or neither, an orphan
 * by its own entry), as many flows counted gone from the guest's cap. */
static void test_kernel_purge_matches_walk(void **state)
{
	static const __u32 ports[] = { 12, 14 };
	static const struct dp_ct_sel sels[] = {
		{ .ports = { ports, 2 } },
		{ .net_id = 2 },
		{ .net_id = 2, .ports = { ports, 1 } },
	};
	static bool user[2 * MIX], kern[2 * MIX];

	NEED_WORLD();
	for (size_t s = 0; s < sizeof(sels) / sizeof(sels[0]); s++) {
		uint32_t gone_user = purge_by(1, &sels[s], user);
		uint32_t gone_kern = purge_by(0, &sels[s], kern);
		int n = 0;

		for (int i = 0; i < 2 * MIX; i++) {
			if (user[i] != kern[i])
				print_message("selection %zu, entry %d of flow %d: walk %d, kernel %d\n",
					      s, i % 2, i / 2, user[i], kern[i]);
			assert_int_equal(user[i], kern[i]);
			n += user[i];
		}
		assert_true(n > MIX / 4 && n < MIX * 2 - MIX / 4);	/* some go, some stay */
		assert_true(gone_user > 0);
		assert_int_equal(gone_user, gone_kern);
	}
}

static int ct_of_port(int ifindex)
{
	struct vnet_ct_key k, next, *prev = NULL;
	int n = 0, fd = DP_MAP_FD(W.dp, ct_map);
	struct vnet_ct ct;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		n += bpf_map_lookup_elem(fd, &k, &ct) == 0 && ct.dir == VNET_CT_IN &&
		     ct.ifindex == (__u32)ifindex;
	}
	return n;
}

/* A network's stop removes its ports together (dp_ports_del): every
 * entry naming any of them goes in one pass over each table (issue 21:
 * a pass per port took 22 min for 1,000 ports over 4M flows); a port not
 * in the list keeps its flows, its fdb entry and its lease. Runs after
 * test_purges_release_quota (which counts on the earlier tests' flows). */
static void test_ports_del_together(void **state)
{
	static const uint8_t mac7[6] = { 2, 0, 0, 0, 0, 0x77 };
	struct vnet_bind_key bk = { .net_id = 1, .ip = ip4("192.168.122.77") };
	struct vnet_fdb_key fk = { .net_id = 1 };
	struct vnet_bind b;
	struct vnet_fdb fv;
	struct frame f;
	long long passes;
	__u32 gone[4];
	int p7;

	NEED_WORLD();
	assert_int_equal(system("ip link add p7 type veth peer name p7x && ip link set p7 up"), 0);
	p7 = if_nametoindex("p7");
	assert_int_equal(dp_port_add(W.dp, 1, p7, mac7, NULL, 0), 0);
	assert_int_equal(dp_lease_bind(W.dp, 1, mac7, (struct in_addr){ ip4("192.168.122.77") },
				       true), 0);
	for (int port = 0; port < 8; port++) {	/* 8 flows of each guest */
		build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 6000 + port, 53, 0);
		assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
		build(&f, BRMAC, MAC2, GUEST2, FAR, IPPROTO_UDP, 6000 + port, 53, 0);
		assert_int_equal(run_tc("vnet_port_tc", &f, W.p2, NULL), TC_REDIRECT);
		build(&f, BRMAC, mac7, "192.168.122.77", FAR, IPPROTO_UDP, 6000 + port, 53, 0);
		assert_int_equal(run_tc("vnet_port_tc", &f, p7, NULL), TC_REDIRECT);
	}
	assert_true(ct_of_port(W.p1) >= 8 && ct_of_port(W.p2) >= 8);
	assert_int_equal(ct_of_port(p7), 8);
	passes = W.dp->port_purges;
	/* the list as a caller may give it: unsorted, with a non-port */
	gone[0] = W.p2, gone[1] = 424242, gone[2] = W.p1, gone[3] = 0;
	assert_int_equal(dp_ports_del(W.dp, gone, 4), 2);
	assert_int_equal(W.dp->port_purges, passes + 1);
	assert_int_equal(ct_of_port(W.p1), 0);
	assert_int_equal(ct_of_port(W.p2), 0);
	assert_int_equal(quota_used(guest_q(GUEST1)), 0);
	assert_int_equal(quota_used(guest_q(GUEST2)), 0);
	memcpy(fk.mac, MAC1, 6);
	assert_int_not_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, fdb_map), &fk, &fv), 0);
	memcpy(fk.mac, MAC2, 6);
	assert_int_not_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, fdb_map), &fk, &fv), 0);
	/* the port not listed: untouched */
	assert_int_equal(ct_of_port(p7), 8);
	assert_int_equal(quota_used(guest_q("192.168.122.77")), 8);
	memcpy(fk.mac, mac7, 6);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, fdb_map), &fk, &fv), 0);
	assert_int_equal(fv.ifindex, p7);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, bind_map), &bk, &b), 0);
	assert_int_equal(b.ifindex, p7);
	assert_int_equal(dp_port_del(W.dp, p7), 0);
	assert_int_equal(W.dp->port_purges, passes + 2);
	assert_int_equal(ct_count(), 0);
	assert_int_equal(system("ip link del p7"), 0);
	/* the world as it was for the tests after */
	assert_int_equal(dp_port_add(W.dp, 1, W.p1, MAC1, NULL, 0), 0);
	assert_int_equal(dp_port_add(W.dp, 1, W.p2, MAC2, NULL, 0), 0);
	assert_int_equal(dp_lease_bind(W.dp, 1, MAC1, (struct in_addr){ ip4(GUEST1) }, true), 0);
	assert_int_equal(dp_lease_bind(W.dp, 1, MAC2, (struct in_addr){ ip4(GUEST2) }, true), 0);
}

/* Flows removed with a port or a network's old uplink address give their
 * room back. Runs last: it re-adds guest 2's port and re-addresses. */
static void test_purges_release_quota(void **state)
{
	struct dp_net_cfg c = world_net_cfg(NETDEF_MODE_NAT, "203.0.113.9");
	struct frame f;

	NEED_WORLD();
	build(&f, BRMAC, MAC2, GUEST2, FAR, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p2, NULL), TC_REDIRECT);
	assert_true(quota_used(guest_q(GUEST2)) > 0);
	assert_int_equal(dp_port_del(W.dp, W.p2), 0);
	assert_int_equal(quota_used(guest_q(GUEST2)), 0);
	assert_int_equal(dp_port_add(W.dp, 1, W.p2, MAC2, NULL, 0), 0);
	assert_int_equal(dp_lease_bind(W.dp, 1, MAC2, (struct in_addr){ ip4(GUEST2) }, true), 0);
	assert_true(quota_used(guest_q(GUEST1)) > 0);
	assert_int_equal(dp_net_set(W.dp, &c, NULL, 0), 0);	/* another uplink address */
	assert_int_equal(ct_count(), 0);
	assert_int_equal(quota_used(guest_q(GUEST1)), 0);
	c.uplink_addr.s_addr = ip4(UPLINK);
	assert_int_equal(dp_net_set(W.dp, &c, NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_established),
		cmocka_unit_test(test_syn_synack_only_is_embryonic),
		cmocka_unit_test(test_early_ack_not_established),
		cmocka_unit_test(test_syn_unanswered),
		cmocka_unit_test(test_closing_timeouts),
		cmocka_unit_test(test_forward_half_open),
		cmocka_unit_test(test_guest_cap),
		cmocka_unit_test(test_guest_cap_evicts_its_half_open),
		cmocka_unit_test(test_forward_cap),
		cmocka_unit_test(test_quota_reconciled),
		cmocka_unit_test(test_full_table_evicts_half_open_first),
		cmocka_unit_test(test_sliced_full_table_evicts),
		cmocka_unit_test(test_sliced_guest_cap_evicts),
		cmocka_unit_test(test_sliced_quota_reconciled),
		cmocka_unit_test(test_kernel_judge_matches_walk),
		cmocka_unit_test(test_purges_release_quota),
		cmocka_unit_test(test_ports_del_together),
		cmocka_unit_test(test_kernel_purge_matches_walk),
		cmocka_unit_test(test_kernel_judge_calm_cycle),
	};

	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
