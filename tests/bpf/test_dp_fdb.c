/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fdb's fast entries (issue 21): an fdb_map entry carries its port's
 * counter slot (vnet_fdb.slot1 = slot + 1), and port_slot holds, by slot,
 * what the port path needs of a target port (vnetd's copy, kept with
 * port_state). The two must agree on the ifindex; else the target's
 * port_state decides, as before. A port deleted or moved never receives
 * through a stale entry; a MAC that moves to another port is followed.
 * The port's own state is found the same way (bpf/lib/port_state.h): by
 * the slot port_ifslot hints for its ifindex, in port_state_slot, whose
 * copy must name the port; else by port_state's slot. */
#include "dp_test.h"

static const uint8_t MAC3[6] = { 2, 0, 0, 0, 0, 0x13 };
static const uint8_t MAC4[6] = { 2, 0, 0, 0, 0, 0x14 };
static const uint8_t MACX[6] = { 2, 0, 0, 0, 0, 0x1f };

static __u32 slot_of(int ifindex)
{
	struct vnet_port_state ps;
	__u32 k = (__u32)ifindex;

	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_state), &k, &ps), 0);
	return ps.slot;
}

static uint64_t tx_of(int ifindex)
{
	struct vnet_stats st;

	return dp_port_counters(W.dp, ifindex, &st) ? 0 : st.tx_packets;
}

static int fdb_get(const uint8_t *mac, struct vnet_fdb *v)
{
	struct vnet_fdb_key k = { .net_id = 1 };

	memcpy(k.mac, mac, 6);
	return bpf_map_lookup_elem(DP_MAP_FD(W.dp, fdb_map), &k, v);
}

static void fdb_put(const uint8_t *mac, __u32 ifindex, __u32 slot1)
{
	struct vnet_fdb_key k = { .net_id = 1 };
	struct vnet_fdb v = { .ifindex = ifindex, .slot1 = slot1 };

	memcpy(k.mac, mac, 6);
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, fdb_map), &k, &v, BPF_ANY), 0);
}

/* A new veth port NAME on network 1 with mac (NULL: not locked). */
static int port_new(const char *name, const uint8_t *mac)
{
	char cmd[160], err[256] = "";
	int ifindex;

	snprintf(cmd, sizeof(cmd), "ip link add %s type veth peer name %sx && ip link set %s up && "
		 "ip link set %sx up", name, name, name, name);
	assert_int_equal(system(cmd), 0);
	ifindex = (int)if_nametoindex(name);
	assert_true(ifindex > 0);
	assert_int_equal(dp_port_add(W.dp, 1, ifindex, mac, err, sizeof(err)), 0);
	return ifindex;
}

static void port_gone(const char *name, int ifindex)
{
	char cmd[80];

	dp_port_del(W.dp, ifindex);
	snprintf(cmd, sizeof(cmd), "ip link del %s", name);
	assert_int_equal(system(cmd), 0);
}

static void to_mac(const uint8_t *dmac, int want)
{
	struct frame f;

	build(&f, dmac, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), want);
}

/* mac's fdb entry is the port ifindex's, with its slot. */
static void assert_fdb(const uint8_t *mac, int ifindex)
{
	struct vnet_fdb v;

	assert_int_equal(fdb_get(mac, &v), 0);
	assert_int_equal(v.ifindex, ifindex);
	assert_int_equal(v.slot1, slot_of(ifindex) + 1);
}

/* A frame from p1 to mac is redirected to the port ifindex. */
static void assert_delivered(const uint8_t *mac, int ifindex)
{
	uint64_t tx = tx_of(ifindex);

	to_mac(mac, TC_REDIRECT);
	assert_int_equal(tx_of(ifindex), tx + 1);
}

/* port-add seeds the MAC's entry with the port's slot, port_slot has the
 * port by it, and the port path redirects by them; a learned entry gets
 * its port's slot too. */
static void test_fdb_carries_slot(void **state)
{
	struct vnet_port_state ps;
	struct vnet_port_slot sp;
	__u32 s, k = W.p1;

	NEED_WORLD();
	assert_fdb(MAC2, W.p2);
	s = slot_of(W.p2);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_slot), &s, &sp), 0);
	assert_int_equal(sp.ifindex, W.p2);
	assert_int_equal(sp.net_id, 1);
	assert_int_equal(sp.kind, VNET_KIND_VETH);
	assert_delivered(MAC2, W.p2);
	/* p1's entry learned afresh (its once-a-second learn due now) */
	fdb_put(MAC1, W.p1, 0);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_state), &k, &ps), 0);
	ps.port.learn_s = (__u16)~0;
	port_state_put(k, &ps);
	to_mac(MAC2, TC_REDIRECT);
	assert_fdb(MAC1, W.p1);
}

/* The kernel's jiffies (/proc/timer_list), 0 when unreadable. */
static unsigned long long jiffies_now(void)
{
	unsigned long long j = 0;
	char line[256];
	FILE *f = fopen("/proc/timer_list", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "jiffies: %llu", &j) == 1)
			break;
	if (f)
		fclose(f);
	return j;
}

/* A locked port's frames refresh its fdb entry once a period, stamped
 * jiffies >> 8 in port.learn_s (fdb_due: an inlined bpf_jiffies64, not the
 * clock helper's three calls a frame): the first frame of a period learns
 * and stamps, the next frame in the same period does not learn. */
static void test_locked_learn_period(void **state)
{
	struct vnet_port_state ps;
	struct vnet_fdb v;
	__u32 k = W.p1;
	unsigned long long j0, j1;
	int tries;

	NEED_WORLD();
	for (tries = 0; tries < 3; tries++) {
		assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_state), &k, &ps), 0);
		ps.port.learn_s = (__u16)~0;
		port_state_put(k, &ps);
		fdb_put(MAC1, W.p1, 0);
		j0 = jiffies_now();
		to_mac(MAC2, TC_REDIRECT);	/* due: learns, stamps */
		j1 = jiffies_now();
		assert_fdb(MAC1, W.p1);
		/* the stamp is in the copy the programs read (port_state_slot) */
		assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_state_slot), &ps.slot, &ps),
				 0);
		if (j0 && (j0 >> 8) == (j1 >> 8))
			assert_int_equal(ps.port.learn_s, (__u16)(j0 >> 8));
		fdb_put(MAC1, W.p1, 0);
		to_mac(MAC2, TC_REDIRECT);	/* same period: no learning */
		assert_int_equal(fdb_get(MAC1, &v), 0);
		if (v.slot1 == 0)
			return;
		/* a period ended between the two frames: again */
	}
	fail_msg("a locked port learned on every frame");
}

/* A deleted port receives nothing through an entry that survived it, nor
 * does the port that takes its slot; an entry whose slot holds another
 * port goes to its own port. */
static void test_stale_fast_entry(void **state)
{
	int p3, p4;
	__u32 s3;
	uint64_t tx2, tx4;

	NEED_WORLD();
	p3 = port_new("p3", MAC3);
	s3 = slot_of(p3);
	to_mac(MAC3, TC_REDIRECT);
	assert_int_equal(tx_of(p3), 1);
	assert_int_equal(dp_port_del(W.dp, p3), 0);
	fdb_put(MAC3, (__u32)p3, s3 + 1);	/* learned by a frame in flight */
	to_mac(MAC3, TC_OK);			/* the bridge's */
	p4 = port_new("p4", MAC4);
	assert_int_equal(slot_of(p4), s3);	/* the freed slot, handed out again */
	fdb_put(MAC3, (__u32)p3, s3 + 1);
	tx4 = tx_of(p4);
	to_mac(MAC3, TC_OK);
	assert_int_equal(tx_of(p4), tx4);
	/* p4's MAC with p2's slot: to p4 all the same */
	fdb_put(MAC4, (__u32)p4, slot_of(W.p2) + 1);
	tx2 = tx_of(W.p2);
	to_mac(MAC4, TC_REDIRECT);
	assert_int_equal(tx_of(p4), tx4 + 1);
	assert_int_equal(tx_of(W.p2), tx2);
	/* a slot number out of range */
	fdb_put(MAC4, (__u32)p4, 0xfffffff0u);
	to_mac(MAC4, TC_REDIRECT);
	assert_int_equal(tx_of(p4), tx4 + 2);
	port_gone("p4", p4);
	assert_int_equal(system("ip link del p3"), 0);
	to_mac(MAC4, TC_OK);
}

/* What vnetd changes of a target is seen at once through its slot: its
 * isolation, its device kind. */
static void test_fast_entry_follows_port(void **state)
{
	struct dp_port_policy pol = { .filter = NETDEF_FILTER_STRICT, .isolated = true };
	struct vnet_port_slot sp;
	__u32 s = slot_of(W.p2);

	NEED_WORLD();
	to_mac(MAC2, TC_REDIRECT);
	assert_int_equal(dp_port_set_policy(W.dp, W.p1, &pol), 0);
	assert_int_equal(dp_port_set_policy(W.dp, W.p2, &pol), 0);
	to_mac(MAC2, TC_SHOT);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_slot), &s, &sp), 0);
	assert_true(sp.flags & VNET_PORT_ISOLATED);
	pol.isolated = false;
	assert_int_equal(dp_port_set_policy(W.dp, W.p2, &pol), 0);
	to_mac(MAC2, TC_REDIRECT);
	assert_int_equal(dp_port_set_policy(W.dp, W.p1, &pol), 0);
}

/* A MAC seen on another (unlocked) port is followed there. */
static void test_mac_moves(void **state)
{
	struct dp_port_policy off = { .filter = NETDEF_FILTER_OFF };
	struct frame f;
	uint64_t tx3;
	int p3, p4;

	NEED_WORLD();
	p3 = port_new("p3", NULL);
	p4 = port_new("p4", NULL);
	assert_int_equal(dp_port_set_policy(W.dp, p3, &off), 0);
	assert_int_equal(dp_port_set_policy(W.dp, p4, &off), 0);
	build(&f, MAC1, MACX, "192.168.122.77", GUEST1, IPPROTO_UDP, 53, 5000, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_REDIRECT);
	assert_fdb(MACX, p3);
	assert_delivered(MACX, p3);
	tx3 = tx_of(p3);
	assert_int_equal(run_tc("vnet_port_tc", &f, p4, NULL), TC_REDIRECT);	/* moved */
	assert_fdb(MACX, p4);
	assert_delivered(MACX, p4);
	assert_int_equal(tx_of(p3), tx3);
	port_gone("p3", p3);
	port_gone("p4", p4);
}

static __u32 hint_of(__u32 ifindex)
{
	__u32 h = 0;

	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_ifslot), &ifindex, &h), 0);
	return h;
}

static __u32 copy_names(__u32 slot)
{
	struct vnet_port_state c;

	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_state_slot), &slot, &c), 0);
	return c.ifindex;
}

static void hint_put(__u32 ifindex, __u32 hint)
{
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, port_ifslot), &ifindex, &hint,
					     BPF_ANY), 0);
}

/* A frame from MAC1 on ifindex to MAC2: what the port path makes of it. */
static int from_mac1(int ifindex)
{
	struct frame f;

	build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 5000, 53, 0);
	return run_tc("vnet_port_tc", &f, ifindex, NULL);
}

/* A frame from MACX on ifindex, a port under filter off, to MAC1. */
static int from_macx(int ifindex)
{
	struct frame f;

	build(&f, MAC1, MACX, "192.168.122.77", GUEST1, IPPROTO_UDP, 53, 5000, 0);
	return run_tc("vnet_port_tc", &f, ifindex, NULL);
}

static uint64_t rx_of(int ifindex)
{
	struct vnet_stats st;

	return dp_port_counters(W.dp, ifindex, &st) ? 0 : st.rx_packets;
}

/* Each port has its hint and its slot's copy naming it; a port whose
 * ifindex is past the hint array is found by port_state, as is a port
 * whose hint is to another port's copy (not trusted: a frame of p1 judged
 * as p2's would be dropped, p2 is locked to MAC2); a copy that names
 * another port is not taken either. */
static void test_port_state_by_slot(void **state)
{
	struct dp_port_policy off = { .filter = NETDEF_FILTER_OFF };
	__u32 s1 = slot_of(W.p1), s2 = slot_of(W.p2), p5;
	uint64_t sm = drops(VNET_DROP_SRC_MAC);
	struct vnet_port_state c;
	char err[256] = "";

	NEED_WORLD();
	assert_int_equal(hint_of(W.p1), s1 + 1);
	assert_int_equal(copy_names(s1), W.p1);
	assert_int_equal(copy_names(s2), W.p2);
	assert_int_equal(from_mac1(W.p1), TC_REDIRECT);
	/* past the hints: the hash lookup */
	assert_int_equal(system("ip link add p5 index 300000 type veth peer name p5x && "
				"ip link set p5 up && ip link set p5x up"), 0);
	p5 = if_nametoindex("p5");
	assert_true(p5 >= VNET_PORT_IFSLOTS);
	assert_int_equal(dp_port_add(W.dp, 1, p5, NULL, err, sizeof(err)), 0);
	assert_int_equal(dp_port_set_policy(W.dp, p5, &off), 0);
	assert_int_equal(copy_names(slot_of(p5)), p5);
	assert_int_equal(from_macx(p5), TC_REDIRECT);
	assert_int_equal(rx_of(p5), 1);
	port_gone("p5", p5);
	/* a hint to p2's copy */
	hint_put(W.p1, s2 + 1);
	assert_int_equal(from_mac1(W.p1), TC_REDIRECT);
	hint_put(W.p1, 0xfffffff0u);	/* out of range */
	assert_int_equal(from_mac1(W.p1), TC_REDIRECT);
	/* p1's copy naming p2: p1 is no port until vnetd writes it again */
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_state_slot), &s2, &c), 0);
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, port_state_slot), &s1, &c, BPF_ANY),
			 0);
	hint_put(W.p1, s1 + 1);
	assert_int_equal(from_mac1(W.p1), TC_OK);
	assert_int_equal(dp_port_state_sync(W.dp, W.p1), 0);
	assert_int_equal(copy_names(s1), W.p1);
	assert_int_equal(from_mac1(W.p1), TC_REDIRECT);
	assert_int_equal(drops(VNET_DROP_SRC_MAC), sm);
}

/* port-del clears the port's hint and copy before its port_state entry
 * goes: a frame on the deleted port is no port's (the bridge's). */
static void test_port_del_clears_copy(void **state)
{
	struct dp_port_policy off = { .filter = NETDEF_FILTER_OFF };
	__u32 s3;
	int p3;

	NEED_WORLD();
	p3 = port_new("p3", NULL);
	assert_int_equal(dp_port_set_policy(W.dp, p3, &off), 0);
	s3 = slot_of(p3);
	assert_int_equal(hint_of(p3), s3 + 1);
	assert_int_equal(copy_names(s3), p3);
	assert_int_equal(from_macx(p3), TC_REDIRECT);
	assert_int_equal(dp_port_del(W.dp, p3), 0);
	assert_int_equal(hint_of(p3), 0);
	assert_int_equal(copy_names(s3), 0);
	assert_int_equal(from_macx(p3), TC_OK);
	assert_int_equal(system("ip link del p3"), 0);
}

/* The programs write the first-frame MAC lock into the copy they read:
 * vnetd's rewrites of the entry (a lease's summary) keep it. */
static void test_copy_keeps_mac_lock(void **state)
{
	struct dp_port_policy learn = { .filter = NETDEF_FILTER_LEARN };
	uint64_t sm = drops(VNET_DROP_SRC_MAC);
	struct frame f;
	int p3;

	NEED_WORLD();
	p3 = port_new("p3", NULL);
	assert_int_equal(dp_port_set_policy(W.dp, p3, &learn), 0);
	build(&f, BRMAC, MAC3, "192.168.122.73", GW, IPPROTO_UDP, 5000, 53, 0);
	run_tc("vnet_port_tc", &f, p3, NULL);	/* locks MAC3 */
	dp_port_state_bind_set(W.dp, p3, 1, ip4("192.168.122.73"), MAC3);
	build(&f, BRMAC, MAC4, "192.168.122.73", GW, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_SRC_MAC), sm + 1);
	port_gone("p3", p3);
}

/* vnetd starts again on the same pins: a port_slot entry or a
 * port_state_slot copy whose port does not hold that slot (left by a
 * crash between two writes) is cleared, the ports' own are kept, and the
 * fast path goes on. */
static void test_restart_sweeps_slots(void **state)
{
	struct vnet_port_slot sp, stale = { .net_id = 1, .kind = VNET_KIND_VETH };
	struct vnet_port_state c;
	char err[256] = "";
	__u32 s2, free_slot;

	NEED_WORLD();
	s2 = slot_of(W.p2);
	free_slot = s2 + 100;
	stale.ifindex = W.p2;
	stale.slot = free_slot;
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, port_slot), &free_slot, &stale,
					     BPF_ANY), 0);
	/* and a copy of p2's state there, hinted to: p2's own until swept */
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_state_slot), &s2, &c), 0);
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, port_state_slot), &free_slot, &c,
					     BPF_ANY), 0);
	hint_put(W.p2, free_slot + 1);
	dp_close(W.dp);
	W.dp = NULL;
	assert_int_equal(dp_open(W.pin, &W.dp, err, sizeof(err)), 0);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_slot), &free_slot, &sp), 0);
	assert_int_equal(sp.ifindex, 0);
	assert_int_equal(slot_of(W.p2), s2);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_slot), &s2, &sp), 0);
	assert_int_equal(sp.ifindex, W.p2);
	assert_int_equal(copy_names(free_slot), 0);
	assert_int_equal(copy_names(s2), W.p2);
	assert_int_equal(hint_of(W.p2), s2 + 1);
	assert_delivered(MAC2, W.p2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fdb_carries_slot),
		cmocka_unit_test(test_locked_learn_period),
		cmocka_unit_test(test_stale_fast_entry),
		cmocka_unit_test(test_fast_entry_follows_port),
		cmocka_unit_test(test_mac_moves),
		cmocka_unit_test(test_port_state_by_slot),
		cmocka_unit_test(test_port_del_clears_copy),
		cmocka_unit_test(test_copy_keeps_mac_lock),
		cmocka_unit_test(test_restart_sweeps_slots),
	};

	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
