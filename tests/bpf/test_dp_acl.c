/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACLs in the data path (bpf/lib/acl.h) through BPF_PROG_TEST_RUN: rule
 * order, prefixes, port ranges, ICMP types, hit counters, ingress (into a
 * port: port to port and uplink replies) and egress (from a port), replies
 * of allowed flows under a default drop, an atomic rule change, 1,000
 * rules. ACLs are built with lib/acl (the rule words acl-rule-add takes)
 * and loaded with dp_acl_load, as vnetd does. */
#include "dp_test.h"
#include "acl/acl.h"

static struct acl A;

/* ACL A from rule lines ("drop out udp dport=53" -> words), default dflt. */
static void acl_set(uint8_t dflt, const char *const *lines, size_t n)
{
	char err[256] = "";

	memset(&A, 0, sizeof(A));
	snprintf(A.name, sizeof(A.name), "t");
	A.dflt = dflt;
	for (size_t i = 0; i < n; i++) {
		char buf[256], *w[16], *save = NULL;
		int nw = 0;

		snprintf(buf, sizeof(buf), "%s", lines[i]);
		for (char *t = strtok_r(buf, " ", &save); t && nw < 16; t = strtok_r(NULL, " ", &save))
			w[nw++] = t;
		if (acl_rule_parse(nw, (const char *const *)w, &A.rules[A.n_rules], err,
				   sizeof(err)))
			fail_msg("rule '%s': %s", lines[i], err);
		A.n_rules++;
	}
}

static void load(unsigned slot)
{
	char err[256] = "";

	if (dp_acl_load(W.dp, slot, &A, err, sizeof(err)))
		fail_msg("dp_acl_load: %s", err);
}

static uint64_t hits(unsigned slot, size_t rule)
{
	uint64_t h[ACL_MAX_RULES], d, e;

	dp_acl_hits(W.dp, slot, &A, h, &d, &e);
	return rule == (size_t)-1 ? d : rule == (size_t)-2 ? e : h[rule];
}
#define DEFAULT ((size_t)-1)
#define EST ((size_t)-2)

/* guest 1 -> FAR through the NAT: TC_REDIRECT if allowed */
static int out_udp(uint16_t sport, uint16_t dport)
{
	struct frame f;

	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, sport, dport, 0);
	return run_tc("vnet_port_tc", &f, W.p1, NULL);
}

static int out_tcp(const char *dst, uint16_t dport)
{
	struct frame f;

	build(&f, BRMAC, MAC1, GUEST1, dst, IPPROTO_TCP, 41000, dport, 2);
	return run_tc("vnet_port_tc", &f, W.p1, NULL);
}

static void detach(void)
{
	dp_acl_port_set(W.dp, W.p1, 0, 0);
	dp_acl_port_set(W.dp, W.p2, 0, 0);
}

static void test_egress_drop_counted(void **state)
{
	static const char *const rules[] = { "drop out udp dport=53" };
	uint64_t before;

	NEED_WORLD();
	acl_set(ACL_ALLOW, rules, 1);
	load(1);
	before = drops(VNET_DROP_ACL);
	assert_int_equal(out_udp(5000, 53), TC_REDIRECT);	/* not attached yet */
	assert_int_equal(dp_acl_port_set(W.dp, W.p1, 0, 1), 0);
	assert_int_equal(out_udp(5000, 53), TC_SHOT);
	assert_int_equal(out_udp(5000, 54), TC_REDIRECT);
	assert_int_equal(drops(VNET_DROP_ACL), before + 1);
	assert_int_equal(hits(1, 0), 1);
	assert_int_equal(hits(1, DEFAULT), 1);
	/* the XDP build of the pipeline judges the same */
	{
		struct frame f;

		build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 5000, 53, 0);
		assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_DROP);
		assert_int_equal(hits(1, 0), 2);
	}
	/* "in" rules do not judge what leaves the guest */
	{
		static const char *const in[] = { "drop in udp dport=53" };

		acl_set(ACL_ALLOW, in, 1);
		load(1);
		assert_int_equal(out_udp(5000, 53), TC_REDIRECT);
	}
	detach();
}

static void test_rule_order_and_prefixes(void **state)
{
	static const char *const rules[] = {
		"allow out tcp dst=198.51.100.7 dport=80",
		"drop out tcp dst=198.51.100.0/24",
		"allow out tcp dst=198.51.0.0/16 dport=22",
		"drop out any dst=198.0.0.0/8",
	};

	NEED_WORLD();
	acl_set(ACL_ALLOW, rules, 4);
	load(2);
	assert_int_equal(dp_acl_port_set(W.dp, W.p1, 0, 2), 0);
	assert_int_equal(out_tcp("198.51.100.7", 80), TC_REDIRECT);	/* rule 0 before 1 */
	assert_int_equal(out_tcp("198.51.100.7", 81), TC_SHOT);		/* rule 1 */
	assert_int_equal(out_tcp("198.51.100.9", 80), TC_SHOT);		/* rule 1 */
	assert_int_equal(out_tcp("198.51.7.1", 22), TC_REDIRECT);		/* rule 2 */
	assert_int_equal(out_tcp("198.51.7.1", 23), TC_SHOT);		/* rule 3 */
	assert_int_equal(out_tcp("203.0.113.2", 23), TC_REDIRECT);		/* default */
	assert_int_equal(hits(2, 0), 1);
	assert_int_equal(hits(2, 1), 2);
	assert_int_equal(hits(2, 2), 1);
	assert_int_equal(hits(2, 3), 1);
	assert_int_equal(hits(2, DEFAULT), 1);
	detach();
}

static void test_port_ranges(void **state)
{
	static const char *const rules[] = {
		"drop out udp dport=1000-2000",
		"drop out udp sport=7000-7003 dport=3000",
	};
	static const struct { uint16_t s, d; int v; } c[] = {
		{ 5000, 999, TC_REDIRECT }, { 5000, 1000, TC_SHOT }, { 5000, 1537, TC_SHOT },
		{ 5000, 2000, TC_SHOT }, { 5000, 2001, TC_REDIRECT }, { 6999, 3000, TC_REDIRECT },
		{ 7000, 3000, TC_SHOT }, { 7003, 3000, TC_SHOT }, { 7004, 3000, TC_REDIRECT },
		{ 7001, 3001, TC_REDIRECT },
	};

	NEED_WORLD();
	acl_set(ACL_ALLOW, rules, 2);
	load(3);
	assert_int_equal(dp_acl_port_set(W.dp, W.p1, 0, 3), 0);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (out_udp(c[i].s, c[i].d) != c[i].v)
			fail_msg("sport %u dport %u: expected %d", c[i].s, c[i].d, c[i].v);
	assert_int_equal(hits(3, 0), 3);
	assert_int_equal(hits(3, 1), 2);
	detach();
}

/* An ICMP message of type t from guest 1 to FAR. */
static int out_icmp(uint8_t type)
{
	struct frame f;
	uint8_t *ip = f.b + 14;

	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_ICMP, 0x77, 0, 0);
	ip[20] = type;
	put16(ip + 22, 0);
	put16(ip + 22, l4_check(ip));
	return run_tc("vnet_port_tc", &f, W.p1, NULL);
}

static void test_icmp_type(void **state)
{
	static const char *const rules[] = { "drop out icmp icmp-type=8" };

	NEED_WORLD();
	acl_set(ACL_ALLOW, rules, 1);
	load(4);
	assert_int_equal(dp_acl_port_set(W.dp, W.p1, 0, 4), 0);
	assert_int_equal(out_icmp(8), TC_SHOT);
	assert_int_not_equal(out_icmp(13), TC_SHOT);
	assert_int_equal(hits(4, 0), 1);
	/* a UDP packet to "port 8" is no ICMP echo */
	assert_int_equal(out_udp(5000, 8), TC_REDIRECT);
	assert_int_equal(hits(4, 0), 1);
	detach();
}

/* Port to port (l2_forward) into p2, judged by p2's "in" ACL; an uplink
 * reply into p1 (deliver_to) by p1's. */
static void test_ingress(void **state)
{
	static const char *const rules[] = { "drop in udp src=192.168.122.10 dport=9000",
					     "drop in udp src=198.51.100.7" };
	struct frame f, out;
	uint16_t nport;

	NEED_WORLD();
	acl_set(ACL_ALLOW, rules, 2);
	load(5);
	assert_int_equal(dp_acl_port_set(W.dp, W.p2, 5, 0), 0);
	build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 5000, 9000, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	/* XDP cannot redirect into p2 (a tc port): passed on unjudged, p2's
	 * ingress ACL judges it at the tc program or the port's egress */
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_PASS);
	build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 5000, 9001, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	assert_int_equal(hits(5, 0), 1);
	/* p1's own egress is not p2's ingress: p1 -> FAR passes */
	assert_int_equal(out_udp(5100, 9000), TC_REDIRECT);
	/* the reply to that flow, into p1: judged once p1 has the ACL */
	nport = 5100;
	build(&f, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_UDP, 9000, nport, 0);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_int_equal(dp_acl_port_set(W.dp, W.p1, 5, 0), 0);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_SHOT);
	assert_int_equal(hits(5, 1), 1);
	detach();
}

/* What the kernel delivers into a port (bridge floods, the host's own
 * packets) meets the port's ingress ACL at its egress: the egress program
 * is attached while the port has one. */
static void test_ingress_at_egress(void **state)
{
	static const char *const rules[] = { "drop in udp dport=9000" };
	struct frame f;

	NEED_WORLD();
	acl_set(ACL_ALLOW, rules, 1);
	load(9);
	assert_false(tc_has_prog(W.p2, 1, "vnet_port_qos"));
	assert_int_equal(dp_acl_port_set(W.dp, W.p2, 9, 0), 0);
	assert_true(tc_has_prog(W.p2, 1, "vnet_port_qos"));
	build(&f, BCAST, BRMAC, GW, "192.168.122.255", IPPROTO_UDP, 5000, 9000, 0);
	assert_int_equal(run_tc("vnet_port_qos", &f, W.p2, NULL), TC_SHOT);
	build(&f, MAC2, BRMAC, GW, GUEST2, IPPROTO_UDP, 5000, 9001, 0);
	assert_int_equal(run_tc("vnet_port_qos", &f, W.p2, NULL), TC_OK);
	assert_int_equal(hits(9, 0), 1);
	/* no ACL, no judging there (and the program goes) */
	assert_int_equal(dp_acl_port_set(W.dp, W.p2, 0, 0), 0);
	assert_false(tc_has_prog(W.p2, 1, "vnet_port_qos"));
	build(&f, BCAST, BRMAC, GW, "192.168.122.255", IPPROTO_UDP, 5000, 9000, 0);
	assert_int_equal(run_tc("vnet_port_qos", &f, W.p2, NULL), TC_OK);
	assert_int_equal(hits(9, 0), 1);
}

/* Default drop both ways on p1, one allow rule out: the flow's replies
 * pass (established), other packets in do not. */
static void test_replies_of_allowed_flows(void **state)
{
	static const char *const rules[] = { "allow out udp dport=7000" };
	struct frame f;

	NEED_WORLD();
	acl_set(ACL_DROP, rules, 1);
	load(6);
	assert_int_equal(dp_acl_port_set(W.dp, W.p1, 6, 6), 0);
	build(&f, MAC1, MAC2, GUEST2, GUEST1, IPPROTO_UDP, 7000, 5000, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p2, NULL), TC_SHOT);	/* no flow yet */
	build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 5000, 7000, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	build(&f, MAC1, MAC2, GUEST2, GUEST1, IPPROTO_UDP, 7000, 5000, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p2, NULL), TC_REDIRECT);	/* the reply */
	build(&f, MAC1, MAC2, GUEST2, GUEST1, IPPROTO_UDP, 7000, 5001, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p2, NULL), TC_SHOT);	/* another port */
	assert_int_equal(hits(6, EST), 1);
	/* a drop rule stops the flow, replies included */
	{
		static const char *const r2[] = { "drop inout udp sport=7000",
						  "drop inout udp dport=7000",
						  "allow out udp dport=7000" };

		acl_set(ACL_DROP, r2, 3);
		load(6);
		build(&f, MAC1, MAC2, GUEST2, GUEST1, IPPROTO_UDP, 7000, 5000, 0);
		assert_int_equal(run_tc("vnet_port_tc", &f, W.p2, NULL), TC_SHOT);
		build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 5000, 7000, 0);
		assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
		assert_int_equal(hits(6, 0), 1);
		assert_int_equal(hits(6, 1), 1);
	}
	detach();
}

/* A change swaps the whole rule set: hits of the new generation start
 * at zero; the slot's other rules keep judging. */
static void test_change_is_atomic(void **state)
{
	static const char *const r1[] = { "drop out udp dport=53" };
	static const char *const r2[] = { "allow out udp dport=53", "drop out udp" };

	NEED_WORLD();
	acl_set(ACL_ALLOW, r1, 1);
	load(7);
	assert_int_equal(dp_acl_port_set(W.dp, W.p1, 0, 7), 0);
	assert_int_equal(out_udp(5000, 53), TC_SHOT);
	acl_set(ACL_ALLOW, r2, 2);
	load(7);
	assert_int_equal(out_udp(5000, 53), TC_REDIRECT);
	assert_int_equal(out_udp(5000, 54), TC_SHOT);
	assert_int_equal(hits(7, 0), 1);
	assert_int_equal(hits(7, 1), 1);
	/* an ACL with no rules left: the default */
	acl_set(ACL_DROP, NULL, 0);
	load(7);
	assert_int_equal(out_udp(5000, 53), TC_SHOT);
	detach();
}

/* 1,000 rules: the first match wins wherever it is. */
static void test_thousand_rules(void **state)
{
	char err[256];

	NEED_WORLD();
	memset(&A, 0, sizeof(A));
	snprintf(A.name, sizeof(A.name), "big");
	A.dflt = ACL_ALLOW;
	for (int i = 0; i < 1000; i++) {
		char d[32], p[32];
		const char *w[4] = { i == 999 ? "allow" : "drop", "out", d, p };

		snprintf(d, sizeof(d), "dst=10.%d.%d.0/24", i / 256, i % 256);
		snprintf(p, sizeof(p), "proto=%s", i % 2 ? "tcp" : "udp");
		assert_int_equal(acl_rule_parse(4, w, &A.rules[A.n_rules++], err, sizeof(err)), 0);
	}
	load(8);
	assert_int_equal(dp_acl_port_set(W.dp, W.p1, 0, 8), 0);
	assert_int_equal(out_tcp("10.1.245.9", 80), TC_SHOT);	/* rule 501 */
	assert_int_equal(hits(8, 501), 1);
	assert_int_equal(out_tcp("10.3.231.9", 80), TC_REDIRECT);	/* rule 999: allow */
	assert_int_equal(hits(8, 999), 1);
	assert_int_equal(out_tcp("10.3.232.9", 80), TC_REDIRECT);	/* none: default */
	assert_int_equal(out_udp(5000, 80), TC_REDIRECT);
	assert_int_equal(hits(8, DEFAULT), 2);
	detach();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_egress_drop_counted),
		cmocka_unit_test(test_rule_order_and_prefixes),
		cmocka_unit_test(test_port_ranges),
		cmocka_unit_test(test_icmp_type),
		cmocka_unit_test(test_ingress),
		cmocka_unit_test(test_ingress_at_egress),
		cmocka_unit_test(test_replies_of_allowed_flows),
		cmocka_unit_test(test_change_is_atomic),
		cmocka_unit_test(test_thousand_rules),
	};

	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
