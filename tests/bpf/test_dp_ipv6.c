/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv6 from guest ports through BPF_PROG_TEST_RUN (issue 18): link-local
 * and SLAAC addresses learned per port from duplicate address detection or
 * a first solicitation, guest-to-guest switching at tc and XDP, the guards
 * (spoofed sources, forged neighbour advertisements and link-layer options,
 * router advertisements and redirects, DHCPv6 server messages), the
 * extension-header walk, the per-port address limit, and what the bridge
 * program lets through to the host. */
#include "dp_test6.h"

#define LL1 "fe80::10"
#define LL2 "fe80::11"
#define PFX "fd00:1::"
#define GW6 "fd00:1::1"

static bool bound6(const char *addr, int ifindex)
{
	struct vnet_bind6_key k = { .net_id = 1 };
	struct vnet_bind6 b;

	a6(addr, k.addr);
	return bpf_map_lookup_elem(DP_MAP_FD(W.dp, bind6_map), &k, &b) == 0 &&
	       (int)b.ifindex == ifindex;
}

/* Network 1 with an IPv6 gateway address fd00:1::1/64. */
static int setup(void **state)
{
	struct dp_net_cfg c;

	if (world6_setup(state, GW6) || !W.dp)
		return W.dp ? -1 : 0;
	c = world_net6_cfg(NETDEF_MODE_NAT, GW6);
	return dp_net_set(W.dp, &c, NULL, 0);
}

/* Two guests' link-local addresses learned from their DAD; then TCP
 * between them is switched port to port (tc redirect; at XDP into a tc
 * veth it goes on to tc), not rewritten. */
static void test_dad_learns_and_switches(void **state)
{
	struct frame f, out;
	struct v6 v;

	NEED_WORLD();
	assert_int_equal(dad(W.p1, MAC1, LL1), TC_OK);
	assert_int_equal(dad(W.p2, MAC2, LL2), TC_OK);
	assert_true(bound6(LL1, W.p1));
	assert_true(bound6(LL2, W.p2));
	tcp6(&v, 40000, 22, 0x02);
	build6(&f, MAC2, MAC1, LL1, LL2, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_memory_equal(out.b, f.b, f.len);
	assert_int_not_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_DROP);
	/* echo to the other guest, and its neighbour solicitation */
	memset(&v, 0, sizeof(v));
	v.l4_proto = IPPROTO_ICMPV6;
	v.l4[0] = 128;
	v.l4_len = 16;
	build6(&f, MAC2, MAC1, LL1, LL2, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	icmp6(&v, 135, LL2, 1, MAC1);
	uint8_t gmac[6];
	const char *g = snm(LL2, gmac);

	build6(&f, gmac, MAC1, LL1, g, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);	/* to the bridge */
	icmp6(&v, 136, LL2, 2, MAC2);	/* guest 2 answers */
	build6(&f, MAC1, MAC2, LL2, LL1, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p2, NULL), TC_REDIRECT);
}

/* Counters by address family (issue 18.7): an IPv6 frame switched port
 * to port counts rx and tx IPv6 packets on the network, at tc
 * and at XDP, and no IPv4 ones. */
static void test_family_counters(void **state)
{
	uint64_t rx4 = net_counter(1, VNET_G_RX4_PACKETS), rx6 = net_counter(1, VNET_G_RX6_PACKETS);
	uint64_t tx6 = net_counter(1, VNET_G_TX6_PACKETS), tx4 = net_counter(1, VNET_G_TX4_PACKETS);
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	assert_int_equal(dad(W.p1, MAC1, LL1), TC_OK);
	assert_int_equal(dad(W.p2, MAC2, LL2), TC_OK);
	assert_int_equal(net_counter(1, VNET_G_RX6_PACKETS), rx6 + 2); /* the DADs */
	rx6 += 2;
	tcp6(&v, 40000, 22, 0x02);
	build6(&f, MAC2, MAC1, LL1, LL2, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	assert_int_equal(net_counter(1, VNET_G_RX6_PACKETS), rx6 + 1);
	assert_int_equal(net_counter(1, VNET_G_TX6_PACKETS), tx6 + 1);
	assert_int_equal(net_counter(1, VNET_G_RX4_PACKETS), rx4);
	assert_int_equal(net_counter(1, VNET_G_TX4_PACKETS), tx4);
	assert_int_not_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_DROP);
	assert_int_equal(net_counter(1, VNET_G_RX6_PACKETS), rx6 + 2);
	assert_int_equal(net_counter(1, VNET_G_RX4_PACKETS), rx4);
}

/* No DAD seen (vnetd came later): the first solicitation from an address
 * claims it; another port cannot then use it. */
static void test_first_ns_claims(void **state)
{
	uint64_t before = drops(VNET_DROP_SRC_IP6);
	uint8_t gmac[6];
	const char *g = snm(LL2, gmac);
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	icmp6(&v, 135, LL2, 1, MAC1);
	build6(&f, gmac, MAC1, "fe80::1:10", g, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	assert_true(bound6("fe80::1:10", W.p1));
	icmp6(&v, 135, LL1, 1, MAC2);
	build6(&f, gmac, MAC2, "fe80::1:10", g, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p2, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_SRC_IP6), before + 1);
}

/* Sources not claimed on the port: another guest's, one never claimed,
 * one outside the network's prefix, multicast, :: (but DAD and MLD). */
static void test_spoofed_source_dropped(void **state)
{
	uint64_t before = drops(VNET_DROP_SRC_IP6);
	static const char *bad[] = { LL2, "fe80::99", "2001:db8::1", "ff02::1", "::" };
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	assert_int_equal(dad(W.p1, MAC1, LL1), TC_OK);
	assert_int_equal(dad(W.p2, MAC2, LL2), TC_OK);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		udp6(&v, 5000, 5001);
		build6(&f, MAC2, MAC1, bad[i], LL2, &v);
		assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
		assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_DROP);
	}
	assert_int_equal(drops(VNET_DROP_SRC_IP6), before + 10);
	/* an MLDv2 report from :: passes (RFC 3810 5.2.13) */
	memset(&v, 0, sizeof(v));
	v.l4_proto = IPPROTO_ICMPV6;
	v.l4[0] = 143;
	v.l4_len = 8;
	build6(&f, (uint8_t[]){ 0x33, 0x33, 0, 0, 0, 0x16 }, MAC1, "::", "ff02::16", &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
}

/* SLAAC: an address in the network's prefix is claimed by DAD; one outside
 * is not (its DAD passes, its traffic does not). */
static void test_slaac_in_prefix(void **state)
{
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	assert_int_equal(dad(W.p1, MAC1, PFX "5054:ff:fe00:10"), TC_OK);
	assert_true(bound6(PFX "5054:ff:fe00:10", W.p1));
	assert_int_equal(dad(W.p1, MAC1, "fd00:2::10"), TC_OK);
	assert_false(bound6("fd00:2::10", W.p1));
	udp6(&v, 5000, 5001);
	build6(&f, MAC2, MAC1, PFX "5054:ff:fe00:10", LL2, &v);
	assert_int_not_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	build6(&f, MAC2, MAC1, "fd00:2::10", LL2, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	/* DAD for an address another port holds passes, unlearned */
	assert_int_equal(dad(W.p2, MAC2, PFX "5054:ff:fe00:10"), TC_OK);
	assert_true(bound6(PFX "5054:ff:fe00:10", W.p1));
}

/* Advertisements claim only the sender's addresses, and link-layer
 * options name the sender's MAC. */
static void test_forged_nd_dropped(void **state)
{
	uint64_t before = drops(VNET_DROP_ND_SPOOF);
	uint8_t gmac[6];
	const char *g = snm(LL2, gmac);
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	assert_int_equal(dad(W.p1, MAC1, LL1), TC_OK);
	assert_int_equal(dad(W.p2, MAC2, LL2), TC_OK);
	icmp6(&v, 136, LL2, 2, MAC1);	/* "LL2 is at MAC1" */
	build6(&f, (uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, MAC1, LL1, "ff02::1", &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_DROP);
	icmp6(&v, 136, LL1, 2, MAC2);	/* own address, another's MAC */
	build6(&f, (uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, MAC1, LL1, "ff02::1", &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	icmp6(&v, 135, LL2, 1, MAC2);	/* solicitation with another's MAC */
	build6(&f, gmac, MAC1, LL1, g, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	icmp6(&v, 136, "fe80::77", 2, MAC1);	/* an address never claimed, from another */
	build6(&f, (uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, MAC1, LL1, "ff02::1", &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_ND_SPOOF), before + 5);
	/* sent from the address it advertises, nobody's yet: claimed (a guest
	 * whose DAD was missed answers a solicitation) */
	icmp6(&v, 136, "fe80::78", 2, MAC1);
	build6(&f, MAC2, MAC1, "fe80::78", LL2, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	assert_true(bound6("fe80::78", W.p1));
	icmp6(&v, 136, LL2, 2, MAC1);	/* but never one another port holds */
	build6(&f, MAC2, MAC1, LL2, LL2, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	icmp6(&v, 136, LL1, 2, MAC1);	/* the truth passes */
	build6(&f, (uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, MAC1, LL1, "ff02::1", &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
}

/* RA guard, redirects, DHCPv6 guard -- also behind extension headers and
 * in a first fragment. */
static void test_ra_and_dhcp6_guards(void **state)
{
	uint64_t ra = drops(VNET_DROP_RA_GUARD), d6 = drops(VNET_DROP_DHCP6_SERVER);
	uint8_t allnodes[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	assert_int_equal(dad(W.p1, MAC1, LL1), TC_OK);
	icmp6(&v, 134, NULL, 1, MAC1);
	build6(&f, allnodes, MAC1, LL1, "ff02::1", &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_DROP);
	icmp6(&v, 137, LL2, 0, NULL);
	build6(&f, MAC2, MAC1, LL1, LL2, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	/* behind hop-by-hop and destination options (PadN) */
	icmp6(&v, 134, NULL, 1, MAC1);
	v.nh = 0;
	v.ext[0] = 60;
	v.ext[2] = 1;
	v.ext[3] = 4;
	v.ext[8] = IPPROTO_ICMPV6;
	v.ext[10] = 1;
	v.ext[11] = 4;
	v.ext_len = 16;
	build6(&f, allnodes, MAC1, LL1, "ff02::1", &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	/* in a first fragment */
	icmp6(&v, 134, NULL, 1, MAC1);
	v.nh = 44;
	v.ext[0] = IPPROTO_ICMPV6;
	v.ext[3] = 1;	/* offset 0, more fragments */
	v.ext_len = 8;
	build6(&f, allnodes, MAC1, LL1, "ff02::1", &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_RA_GUARD), ra + 5);
	/* DHCPv6 server messages: from 547, to a client's 546 */
	udp6(&v, 547, 546);
	build6(&f, MAC2, MAC1, LL1, LL2, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	udp6(&v, 4000, 546);
	build6(&f, MAC2, MAC1, LL1, LL2, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	udp6(&v, 547, 547);
	build6(&f, (uint8_t[]){ 0x33, 0x33, 0, 1, 0, 2 }, MAC1, LL1, "ff02::1:2", &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_DHCP6_SERVER), d6 + 3);
	/* a client's solicit passes, and claims an unclaimed link-local
	 * (the guest's DAD went by before its port was added) */
	udp6(&v, 546, 547);
	build6(&f, (uint8_t[]){ 0x33, 0x33, 0, 1, 0, 2 }, MAC1, LL1, "ff02::1:2", &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	build6(&f, (uint8_t[]){ 0x33, 0x33, 0, 1, 0, 2 }, MAC1, "fe80::1:1:10", "ff02::1:2", &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	assert_true(bound6("fe80::1:1:10", W.p1));
	build6(&f, (uint8_t[]){ 0x33, 0x33, 0, 1, 0, 2 }, MAC1, PFX "1:1:10", "ff02::1:2", &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);	/* link-local only */
}

/* An extension-header chain longer than the walk, a bad version: ip_bad. */
static void test_ext_chain_bounded(void **state)
{
	uint64_t before = drops(VNET_DROP_IP_OPTS);
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	assert_int_equal(dad(W.p1, MAC1, LL1), TC_OK);
	udp6(&v, 5000, 5001);
	v.nh = 60;
	for (int i = 0; i < 6; i++) {	/* six destination-options headers */
		v.ext[i * 8] = i == 5 ? IPPROTO_UDP : 60;
		v.ext[i * 8 + 2] = 1;
		v.ext[i * 8 + 3] = 4;
	}
	v.ext_len = 48;
	build6(&f, MAC2, MAC1, LL1, LL2, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	udp6(&v, 5000, 5001);
	build6(&f, MAC2, MAC1, LL1, LL2, &v);
	f.b[14] = 0x40;
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_IP_OPTS), before + 2);
}

/* A port claims at most VNET_IP6_PER_PORT addresses; its DAD for one more
 * is refused; port-del forgets them. */
static void test_claim_limit(void **state)
{
	uint64_t before = drops(VNET_DROP_SRC_IP6);
	char a[64];
	int n = 0;

	NEED_WORLD();
	for (int i = 0; i < VNET_IP6_PER_PORT + 2; i++) {
		snprintf(a, sizeof(a), PFX "2:%x", i);
		if (dad(W.p2, MAC2, a) == TC_OK && bound6(a, W.p2))
			n++;
	}
	assert_true(n <= VNET_IP6_PER_PORT);
	assert_true(drops(VNET_DROP_SRC_IP6) >= before + 2);
	assert_int_equal(dp_port_del(W.dp, W.p2), 0);
	assert_false(bound6(LL2, W.p2));
	assert_int_equal(dp_port_add(W.dp, 1, W.p2, MAC2, NULL, 0), 0);
	assert_int_equal(dad(W.p2, MAC2, LL2), TC_OK);
	assert_true(bound6(LL2, W.p2));
}

/* The bridge program: to the host only what the host serves (neighbour
 * discovery, router solicitations, ping, DNS on the gateway); a guest's
 * other multicast is the guests' (host_group); IPv6 the kernel would
 * route: ipv6. */
static void test_bridge_ipv6(void **state)
{
	uint64_t grp = drops(VNET_DROP_HOST_GROUP), to_host = drops(VNET_DROP_TO_HOST);
	uint64_t v6 = drops(VNET_DROP_IPV6);
	uint8_t gmac[6];
	const char *g = snm(GW6, gmac);
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	icmp6(&v, 135, GW6, 1, MAC1);
	build6(&f, gmac, MAC1, LL1, g, &v);
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_OK);
	icmp6(&v, 133, NULL, 1, MAC1);
	build6(&f, (uint8_t[]){ 0x33, 0x33, 0, 0, 0, 2 }, MAC1, LL1, "ff02::2", &v);
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_OK);
	memset(&v, 0, sizeof(v));
	v.l4_proto = IPPROTO_ICMPV6;
	v.l4[0] = 128;
	v.l4_len = 16;
	build6(&f, BRMAC, MAC1, PFX "10", GW6, &v);
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_OK);
	udp6(&v, 5000, 53);
	build6(&f, BRMAC, MAC1, PFX "10", GW6, &v);
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_OK);
	udp6(&v, 5000, 9);
	build6(&f, BRMAC, MAC1, PFX "10", GW6, &v);
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_SHOT);
	tcp6(&v, 5000, 22, 0x02);
	build6(&f, BRMAC, MAC1, LL1, "fe80::1", &v);
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_TO_HOST), to_host + 2);
	udp6(&v, 5000, 5353);
	build6(&f, (uint8_t[]){ 0x33, 0x33, 0, 0, 0, 0xfb }, MAC1, LL1, "ff02::fb", &v);
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_HOST_GROUP), grp + 1);
	udp6(&v, 5000, 53);
	build6(&f, BRMAC, MAC1, PFX "10", "2001:db8::53", &v);
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_IPV6), v6 + 1);
}

/* Filter mode off (issue 19): no source checks for IPv6 either, but the
 * RA and DHCPv6 guards stay; strict learns as learn does (SLAAC). */
static void test_filter_modes(void **state)
{
	struct dp_port_policy off = { .filter = NETDEF_FILTER_OFF };
	struct dp_port_policy strict = { .filter = NETDEF_FILTER_STRICT };
	struct frame f;
	struct v6 v;

	NEED_WORLD();
	assert_int_equal(dp_port_set_policy(W.dp, W.p1, &off), 0);
	udp6(&v, 5000, 5001);
	build6(&f, MAC2, MAC1, "2001:db8::77", LL2, &v);
	assert_int_not_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	icmp6(&v, 134, NULL, 1, MAC1);
	build6(&f, (uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, MAC1, LL1, "ff02::1", &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	udp6(&v, 547, 546);
	build6(&f, MAC2, MAC1, LL1, LL2, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(dp_port_set_policy(W.dp, W.p1, &strict), 0);
	udp6(&v, 5000, 5001);
	build6(&f, MAC2, MAC1, "2001:db8::77", LL2, &v);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(dad(W.p1, MAC1, PFX "77"), TC_OK);
	build6(&f, MAC2, MAC1, PFX "77", LL2, &v);
	assert_int_not_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dad_learns_and_switches),
		cmocka_unit_test(test_first_ns_claims),
		cmocka_unit_test(test_family_counters),
		cmocka_unit_test(test_spoofed_source_dropped),
		cmocka_unit_test(test_slaac_in_prefix),
		cmocka_unit_test(test_forged_nd_dropped),
		cmocka_unit_test(test_ra_and_dhcp6_guards),
		cmocka_unit_test(test_ext_chain_bounded),
		cmocka_unit_test(test_claim_limit),
		cmocka_unit_test(test_bridge_ipv6),
		cmocka_unit_test(test_filter_modes),
	};

	return cmocka_run_group_tests(tests, setup, world_teardown);
}
