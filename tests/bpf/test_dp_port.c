/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest port ingress through BPF_PROG_TEST_RUN: anti-spoofing (MAC, IP,
 * ARP, rogue DHCP server, VLAN), DHCP from 0.0.0.0, a BOOTREQUEST's chaddr,
 * MACs owned by another port, fdb learning, the
 * port-to-port fast path, the host-access policy, isolated networks. */
#include "dp_test.h"

static void test_spoofed_mac_dropped(void **state)
{
	static const uint8_t bad[6] = { 2, 0, 0, 0, 0, 0x99 };
	uint64_t before;
	struct frame f;

	NEED_WORLD();
	before = drops(VNET_DROP_SRC_MAC);
	build(&f, BRMAC, bad, GUEST1, WAN, IPPROTO_UDP, 4000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_SRC_MAC), before + 1);
	/* the XDP build of the same pipeline agrees */
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_DROP);
	assert_int_equal(drops(VNET_DROP_SRC_MAC), before + 2);
}

static void test_spoofed_ip_dropped(void **state)
{
	uint64_t before;
	struct frame f;

	NEED_WORLD();
	before = drops(VNET_DROP_SRC_IP);
	/* guest 1 claims guest 2's address */
	build(&f, BRMAC, MAC1, GUEST2, WAN, IPPROTO_UDP, 4000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	build(&f, BRMAC, MAC1, "192.168.122.99", WAN, IPPROTO_TCP, 4000, 80, 2);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_SRC_IP), before + 2);
}

static void test_dhcp_from_zero_passes(void **state)
{
	struct frame f;

	NEED_WORLD();
	build_bootp(&f, BCAST, MAC1, "0.0.0.0", "255.255.255.255", 68, 67, 1, MAC1, 1);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	/* but nothing else from 0.0.0.0 */
	build(&f, BCAST, MAC1, "0.0.0.0", "255.255.255.255", IPPROTO_UDP, 68, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
}

/* Issue 16.4: a server's message from a guest is a rogue server's, from
 * whatever source port: anything from port 67, anything to a client's
 * port 68, a BOOTREPLY to port 67. */
static void test_rogue_dhcp_server_dropped(void **state)
{
	static const uint16_t sports[] = { 67, 68, 1067, 0 };
	uint64_t before;
	struct frame f;

	NEED_WORLD();
	before = drops(VNET_DROP_DHCP_SERVER);
	build(&f, BCAST, MAC1, GUEST1, "255.255.255.255", IPPROTO_UDP, 67, 68, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	for (int i = 0; i < 4; i++) {
		build_bootp(&f, BCAST, MAC1, GUEST1, "255.255.255.255", sports[i], 68, 2, MAC2, 2);
		assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
		build_bootp(&f, MAC2, MAC1, GUEST1, GUEST2, sports[i], 68, 2, MAC2, 5);
		assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	}
	build_bootp(&f, BRMAC, MAC1, GUEST1, GW, 68, 67, 2, MAC1, 5);	/* BOOTREPLY to 67 */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_DROP);
	assert_int_equal(drops(VNET_DROP_DHCP_SERVER), before + 11);
}

/* Issue 16.3: a BOOTREQUEST asks for the frame's own MAC; the port it came
 * in on is noted for vnetd. One too short to show its chaddr is a runt. */
static void test_dhcp_chaddr_checked(void **state)
{
	struct vnet_fdb_key k = { .net_id = 1 };
	uint64_t before = drops(VNET_DROP_DHCP_CHADDR), runt = drops(VNET_DROP_RUNT);
	struct vnet_dhcp_seen seen;
	bool multi = true;
	struct frame f;
	int ifindex;

	NEED_WORLD();
	build_bootp(&f, BCAST, MAC1, "0.0.0.0", "255.255.255.255", 68, 67, 1, MAC2, 7);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	build_bootp(&f, BRMAC, MAC1, GUEST1, GW, 68, 67, 1, MAC2, 7);	/* RELEASE for MAC2 */
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_DROP);
	assert_int_equal(drops(VNET_DROP_DHCP_CHADDR), before + 2);
	build(&f, BCAST, MAC1, "0.0.0.0", "255.255.255.255", IPPROTO_UDP, 68, 67, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_RUNT), runt + 1);
	memcpy(k.mac, MAC2, 6);
	assert_int_not_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, dhcp_seen_map), &k, &seen), 0);
	build_bootp(&f, BCAST, MAC1, "0.0.0.0", "255.255.255.255", 68, 67, 1, MAC1, 3);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	assert_int_equal(dp_dhcp_origin(W.dp, 1, MAC1, &ifindex, &multi), 0);
	assert_int_equal(ifindex, W.p1);
	assert_false(multi);
}

/* Issue 16.2: ports p3 and p4 are added without a MAC. Neither may use a
 * MAC another port owns (p1's, given at port-add), nor one whose DHCP
 * exchange is going on on the other; a lease makes the MAC its port's. */
static void test_mac_owner_guard(void **state)
{
	static const uint8_t mac4[6] = { 2, 0, 0, 0, 0, 0x44 };
	struct vnet_fdb_key k = { .net_id = 1 };
	uint64_t owned = drops(VNET_DROP_MAC_OWNED);
	struct in_addr ip = { ip4("192.168.122.44") };
	int p3, p4, ifindex;
	struct vnet_fdb fv;
	struct frame f;
	bool multi;

	NEED_WORLD();
	assert_int_equal(system("ip link add p3 type veth peer name p3x && ip link add p4 type veth "
				"peer name p4x && ip link set p3 up && ip link set p4 up"), 0);
	p3 = if_nametoindex("p3");
	p4 = if_nametoindex("p4");
	assert_int_equal(dp_port_add(W.dp, 1, p3, NULL, NULL, 0), 0);
	assert_int_equal(dp_port_add(W.dp, 1, p4, NULL, NULL, 0), 0);
	build(&f, BCAST, MAC1, "0.0.0.0", "255.255.255.255", IPPROTO_UDP, 5, 6, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_SHOT);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, p3, NULL), XDP_DROP);
	memcpy(k.mac, MAC1, 6);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, fdb_map), &k, &fv), 0);
	assert_int_equal(fv.ifindex, W.p1);	/* not learned on p3 */
	assert_int_equal(dp_bind_port(W.dp, 1, p3, MAC1, ip), -EBUSY);
	assert_int_equal(dp_port_add(W.dp, 1, p3, MAC2, NULL, 0), -EBUSY);
	/* p1 is locked to MAC1: a lease for another MAC cannot be its */
	assert_int_equal(dp_bind_port(W.dp, 1, W.p1, mac4, ip), -EPERM);
	/* mac4's exchange starts on p3: p4 may not join in */
	build_bootp(&f, BCAST, mac4, "0.0.0.0", "255.255.255.255", 68, 67, 1, mac4, 1);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_OK);
	assert_int_equal(run_tc("vnet_port_tc", &f, p4, NULL), TC_SHOT);
	assert_int_equal(dp_dhcp_origin(W.dp, 1, mac4, &ifindex, &multi), 0);
	assert_int_equal(ifindex, p3);
	/* a lease on p4 (a service child lying) is not believed; MAC1 is p1's */
	assert_true(dp_lease_port_ok(W.dp, 1, mac4, p3));
	assert_false(dp_lease_port_ok(W.dp, 1, mac4, p4));
	assert_true(dp_lease_port_ok(W.dp, 1, MAC1, W.p1));
	assert_false(dp_lease_port_ok(W.dp, 1, MAC1, p3));
	/* its lease makes mac4 p3's for good */
	assert_int_equal(dp_bind_port(W.dp, 1, p3, mac4, ip), 0);
	assert_false(dp_lease_port_ok(W.dp, 1, mac4, p4));
	build(&f, BRMAC, mac4, "192.168.122.44", GW, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_OK);
	assert_int_equal(run_tc("vnet_port_tc", &f, p4, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_MAC_OWNED), owned + 4);
	/* deleting p3 frees mac4 */
	assert_int_equal(dp_port_del(W.dp, p3), 0);
	build(&f, BCAST, mac4, "0.0.0.0", "255.255.255.255", IPPROTO_UDP, 5, 6, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, p4, NULL), TC_SHOT);	/* from 0.0.0.0 */
	assert_int_equal(drops(VNET_DROP_MAC_OWNED), owned + 4);
	assert_int_equal(dp_port_del(W.dp, p4), 0);
	assert_int_equal(system("ip link del p3 && ip link del p4"), 0);
}

static void arp(struct frame *f, const uint8_t *sha, const char *sip, const char *tip)
{
	uint32_t s = ip4(sip), t = ip4(tip);
	uint8_t *a = f->b + 14;

	memset(f, 0, sizeof(*f));
	memcpy(f->b, BCAST, 6);
	memcpy(f->b + 6, MAC1, 6);
	put16(f->b + 12, 0x0806);
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, &s, 4);
	memcpy(a + 24, &t, 4);
	f->len = 14 + 28;
}

static void test_arp_checked(void **state)
{
	uint64_t before;
	struct frame f;

	NEED_WORLD();
	before = drops(VNET_DROP_ARP_SPOOF);
	arp(&f, MAC1, GUEST1, GW);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	arp(&f, MAC1, "0.0.0.0", GUEST1);	/* RFC 5227 probe */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	arp(&f, MAC1, GUEST2, GW);		/* claims guest 2's IP */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	arp(&f, MAC2, GUEST1, GW);		/* sender MAC != frame source */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_ARP_SPOOF), before + 2);
}

/* ARP from smac (frame and sender MAC) for sip asking tip. */
static void arp_from(struct frame *f, const uint8_t *smac, const char *sip, const char *tip)
{
	arp(f, smac, sip, tip);
	memcpy(f->b + 6, smac, 6);
}

static void set_policy(int ifindex, enum netdef_filter filter, bool isolated, unsigned limit)
{
	struct dp_port_policy pol = { .filter = filter, .isolated = isolated, .learn_limit = limit };

	assert_int_equal(dp_port_set_policy(W.dp, ifindex, &pol), 0);
}

/* Issue 19: filter mode off has no source checks -- another address, an
 * ARP for the gateway's, another MAC -- but a MAC another port owns and
 * a rogue DHCP server are still refused. */
static void test_filter_off(void **state)
{
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 0x66 };
	uint64_t ip = drops(VNET_DROP_SRC_IP), as = drops(VNET_DROP_ARP_SPOOF);
	uint64_t owned = drops(VNET_DROP_MAC_OWNED), srv = drops(VNET_DROP_DHCP_SERVER);
	struct dp_port_policy pol;
	struct frame f;

	NEED_WORLD();
	set_policy(W.p1, NETDEF_FILTER_OFF, false, 0);
	assert_int_equal(dp_port_get_policy(W.dp, W.p1, &pol), 0);
	assert_int_equal(pol.filter, NETDEF_FILTER_OFF);
	build(&f, BRMAC, MAC1, "192.168.122.99", GW, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	build(&f, MAC2, MAC1, GUEST2, GUEST1, IPPROTO_UDP, 5000, 53, 0);	/* guest 2's address */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	arp_from(&f, MAC1, GW, GUEST2);	/* poisons the gateway */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	build(&f, BRMAC, other, GUEST1, GW, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_PASS);
	assert_int_equal(drops(VNET_DROP_SRC_IP), ip);
	assert_int_equal(drops(VNET_DROP_ARP_SPOOF), as);
	build(&f, BRMAC, MAC2, GUEST2, GW, IPPROTO_UDP, 5000, 53, 0);	/* p2's MAC */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_MAC_OWNED), owned + 1);
	build_bootp(&f, BCAST, MAC1, GUEST1, "255.255.255.255", 67, 68, 2, MAC2, 2);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_DHCP_SERVER), srv + 1);
	/* back to strict: guest 2's address is refused again */
	set_policy(W.p1, NETDEF_FILTER_STRICT, false, 0);
	build(&f, MAC2, MAC1, GUEST2, GUEST1, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_SRC_IP), ip + 1);
}

static bool bound(const char *ip, int ifindex, struct vnet_bind *b)
{
	struct vnet_bind_key bk = { .net_id = 1, .ip = ip4(ip) };

	return bpf_map_lookup_elem(DP_MAP_FD(W.dp, bind_map), &bk, b) == 0 &&
	       b->ifindex == (__u32)ifindex;
}

/* Issue 19: filter mode learn. A port's first frame fixes its MAC; a
 * static guest's ARP binds its address (not the gateway's, not one
 * outside the subnet, not one another port holds), up to the limit;
 * IPv4 from an address it did not ARP for is dropped; an unused learned
 * binding expires and the address is free for another port. */
static void test_filter_learn(void **state)
{
	static const uint8_t ma[6] = { 2, 0, 0, 0, 0, 0xa1 }, mb[6] = { 2, 0, 0, 0, 0, 0xb1 };
	uint64_t as = drops(VNET_DROP_ARP_SPOOF), lim = drops(VNET_DROP_LEARN_LIMIT);
	uint64_t sm = drops(VNET_DROP_SRC_MAC), si = drops(VNET_DROP_SRC_IP);
	struct vnet_bind_key bk = { .net_id = 1, .ip = ip4("192.168.122.70") };
	struct vnet_bind b;
	struct vnet_port port;
	struct frame f;
	__u32 key;
	int p3, p4;

	NEED_WORLD();
	assert_int_equal(system("ip link add p3 type veth peer name p3x && ip link add p4 type veth "
				"peer name p4x && ip link set p3 up && ip link set p4 up"), 0);
	p3 = if_nametoindex("p3");
	p4 = if_nametoindex("p4");
	assert_int_equal(dp_port_add(W.dp, 1, p3, NULL, NULL, 0), 0);
	assert_int_equal(dp_port_add(W.dp, 1, p4, NULL, NULL, 0), 0);
	set_policy(p3, NETDEF_FILTER_LEARN, false, 2);
	set_policy(p4, NETDEF_FILTER_LEARN, false, 0);
	/* IPv4 before any ARP: not the port's */
	build(&f, BRMAC, ma, "192.168.122.70", GW, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_SRC_IP), si + 1);
	key = p3;
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_map), &key, &port), 0);
	assert_true(port.mac_locked);	/* the first frame fixed it */
	assert_memory_equal(port.mac, ma, 6);
	arp_from(&f, ma, "192.168.122.70", GW);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_OK);
	assert_true(bound("192.168.122.70", p3, &b));
	assert_true(b.learned & VNET_BIND_LEARNED);
	assert_memory_equal(b.mac, ma, 6);
	build(&f, BRMAC, ma, "192.168.122.70", GW, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_OK);
	/* another MAC on p3 */
	build(&f, BRMAC, mb, "192.168.122.70", GW, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_SHOT);
	assert_true(drops(VNET_DROP_SRC_MAC) >= sm + 1);	/* peers of p1, p2 send too */
	/* p4 takes p3's address, poisons the gateway, claims guest 1's lease,
	 * an address off the subnet */
	arp_from(&f, mb, "192.168.122.70", GW);
	assert_int_equal(run_tc("vnet_port_tc", &f, p4, NULL), TC_SHOT);
	arp_from(&f, mb, GW, "192.168.122.70");
	assert_int_equal(run_tc("vnet_port_tc", &f, p4, NULL), TC_SHOT);
	arp_from(&f, mb, GUEST1, GW);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, p4, NULL), XDP_DROP);
	arp_from(&f, mb, "10.9.9.9", GW);
	assert_int_equal(run_tc("vnet_port_tc", &f, p4, NULL), TC_SHOT);
	arp_from(&f, mb, "192.168.122.255", GW);
	assert_int_equal(run_tc("vnet_port_tc", &f, p4, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_ARP_SPOOF), as + 5);
	build(&f, BRMAC, mb, "192.168.122.70", GW, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, p4, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_SRC_IP), si + 2);
	/* the limit: 2 on p3 */
	arp_from(&f, ma, "192.168.122.71", GW);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_OK);
	arp_from(&f, ma, "192.168.122.72", GW);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_LEARN_LIMIT), lim + 1);
	/* .70 unused for longer than the expiry: gone at the next tick, and
	 * free for p4; p3 may learn again */
	assert_true(bound("192.168.122.70", p3, &b));
	b.learned = VNET_BIND_LEARNED | ((b.learned - 400) & VNET_BIND_SEEN_MASK);
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, bind_map), &bk, &b, BPF_EXIST), 0);
	dp_tick(W.dp);
	assert_false(bound("192.168.122.70", p3, &b));
	assert_true(bound("192.168.122.71", p3, &b));
	arp_from(&f, mb, "192.168.122.70", GW);
	assert_int_equal(run_tc("vnet_port_tc", &f, p4, NULL), TC_OK);
	assert_true(bound("192.168.122.70", p4, &b));
	arp_from(&f, ma, "192.168.122.72", GW);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_OK);
	/* strict keeps no learned address; a declared one is the port's */
	set_policy(p3, NETDEF_FILTER_STRICT, false, 0);
	assert_false(bound("192.168.122.71", p3, &b));
	assert_int_equal(dp_port_declare(W.dp, p3, (struct in_addr){ ip4("192.168.122.73") }), 0);
	assert_int_equal(dp_port_declare(W.dp, p3, (struct in_addr){ ip4("192.168.122.70") }),
			 -EBUSY);
	build(&f, BRMAC, ma, "192.168.122.73", GW, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_OK);
	build(&f, BRMAC, ma, "192.168.122.71", GW, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, p3, NULL), TC_SHOT);
	assert_int_equal(dp_port_del(W.dp, p3), 0);
	assert_int_equal(dp_port_del(W.dp, p4), 0);
	assert_int_equal(system("ip link del p3 && ip link del p4"), 0);
}

/* Issue 19: two isolated ports do not reach each other in the fast path;
 * an isolated port still reaches a port that is not isolated. */
static void test_port_isolated(void **state)
{
	uint64_t iso = drops(VNET_DROP_PORT_ISOLATED);
	struct frame f;

	NEED_WORLD();
	set_policy(W.p1, NETDEF_FILTER_STRICT, true, 0);
	set_policy(W.p2, NETDEF_FILTER_STRICT, true, 0);
	build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_DROP);
	assert_int_equal(drops(VNET_DROP_PORT_ISOLATED), iso + 2);
	build(&f, BRMAC, MAC1, GUEST1, GW, IPPROTO_UDP, 5000, 53, 0);	/* the gateway */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	set_policy(W.p2, NETDEF_FILTER_STRICT, false, 0);
	build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	set_policy(W.p1, NETDEF_FILTER_STRICT, false, 0);
}

/* IPv6 is judged by ipv6.h (test_dp_ipv6); a VLAN tag, another
 * ethertype and a runt are dropped */
static void test_vlan_and_l2_dropped(void **state)
{
	uint64_t v = 0, l2 = 0;
	struct frame f;

	NEED_WORLD();
	v = drops(VNET_DROP_VLAN);
	l2 = drops(VNET_DROP_L2_PROTO);
	build(&f, BRMAC, MAC1, GUEST1, WAN, IPPROTO_UDP, 4000, 53, 0);
	put16(f.b + 12, 0x8100);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	put16(f.b + 12, 0x88cc);	/* LLDP */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	put16(f.b + 12, 0x0806);
	f.len = 14 + 10;	/* runt: a third of an ARP packet */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_VLAN), v + 1);
	assert_true(drops(VNET_DROP_RUNT) >= 1);
	assert_int_equal(drops(VNET_DROP_L2_PROTO), l2 + 1);
}

static void test_fdb_learned_and_fast_path(void **state)
{
	struct vnet_fdb_key k = { .net_id = 1 };
	struct vnet_stats st;
	uint64_t fast = 0, tx = 0;
	struct vnet_fdb v;
	struct frame f, out;

	NEED_WORLD();
	build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_TCP, 40000, 22, 2);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_memory_equal(out.b, f.b, f.len);	/* L2: not rewritten */
	memcpy(k.mac, MAC1, 6);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, fdb_map), &k, &v), 0);
	assert_int_equal(v.ifindex, W.p1);
	assert_int_equal(dp_port_counters(W.dp, W.p1, &st), 0);	/* port_ctr by its slot */
	fast = st.fast_packets;
	assert_int_equal(dp_port_counters(W.dp, W.p2, &st), 0);
	tx = st.tx_packets;
	assert_true(fast >= 1 && tx >= 1);
	/* unknown unicast and broadcast go to the bridge */
	build(&f, (uint8_t[]){ 2, 0, 0, 0, 0, 0x77 }, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 1, 2, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	build(&f, BCAST, MAC1, GUEST1, "192.168.122.255", IPPROTO_UDP, 1, 2, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
}

static void test_host_access_policy(void **state)
{
	uint64_t before;
	struct frame f;

	NEED_WORLD();
	before = drops(VNET_DROP_TO_HOST);
	build(&f, BRMAC, MAC1, GUEST1, GW, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	build(&f, BRMAC, MAC1, GUEST1, GW, IPPROTO_TCP, 5000, 53, 2);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	build_bootp(&f, BRMAC, MAC1, GUEST1, GW, 68, 67, 1, MAC1, 3);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	build(&f, BRMAC, MAC1, GUEST1, GW, IPPROTO_TCP, 5000, 22, 2);	/* ssh */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	build(&f, BRMAC, MAC1, GUEST1, GW, IPPROTO_TCP, 22, 5000, 0x12);	/* answers the host */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	build(&f, BRMAC, MAC1, GUEST1, GW, IPPROTO_UDP, 5000, 161, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	build(&f, BRMAC, MAC1, GUEST1, UPLINK, IPPROTO_TCP, 5000, 22, 2);	/* host's wan addr */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_TO_HOST), before + 3);
}

static void test_isolated_network(void **state)
{
	struct dp_net_cfg c = { .net_id = 1, .mode = NETDEF_MODE_ISOLATED, .prefix = 24,
				.bridge_ifindex = W.br };
	uint64_t before;
	struct frame f;

	NEED_WORLD();
	memcpy(c.bridge_mac, BRMAC, 6);
	c.gw.s_addr = ip4(GW);
	assert_int_equal(dp_net_set(W.dp, &c, NULL, 0), 0);
	before = drops(VNET_DROP_ISOLATED);
	build(&f, BRMAC, MAC1, GUEST1, WAN, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_ISOLATED), before + 1);
	/* guests of an isolated network still reach each other */
	build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
}

static void test_lease_needs_seen_mac(void **state)
{
	static const uint8_t unseen[6] = { 2, 0, 0, 0, 0, 0x55 };

	NEED_WORLD();
	assert_int_equal(dp_lease_bind(W.dp, 1, unseen, (struct in_addr){ ip4("192.168.122.50") },
				       true), -ENOENT);
}

int dp_port_set_multi_mac(struct datapath *dp, int ifindex);

/* A VDE tap carries several guests: MACs are not locked, but each IP is
 * still bound to its own MAC. */
static void test_multi_mac_port(void **state)
{
	static const uint8_t mac3[6] = { 2, 0, 0, 0, 0, 0x33 };
	struct frame f;

	NEED_WORLD();
	assert_int_equal(dp_port_set_multi_mac(W.dp, W.p1), 0);
	build_bootp(&f, BCAST, mac3, "0.0.0.0", "255.255.255.255", 68, 67, 1, mac3, 1);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);	/* learns mac3 */
	assert_int_equal(dp_lease_bind(W.dp, 1, mac3, (struct in_addr){ ip4("192.168.122.60") },
				       true), 0);
	build(&f, BRMAC, mac3, "192.168.122.60", GW, IPPROTO_UDP, 5000, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	build(&f, BRMAC, MAC1, GUEST1, GW, IPPROTO_UDP, 5000, 53, 0);	/* the first guest */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	build(&f, BRMAC, mac3, GUEST1, GW, IPPROTO_UDP, 5000, 53, 0);	/* not its IP */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
}

/* Deleting a port detaches it and purges what it owned. Runs last. */
/* <vnet:overlay> (issue 22): a MAC zebra installed on the VXLAN device
 * (mirrored by dp_remote_sync) is redirected to that device at tc and
 * counted for its VTEP; XDP hands it to tc; withdrawn, it goes to the
 * bridge again. A local port's MAC wins over a remote entry. */
static void test_remote_fast_path(void **state)
{
	static const uint8_t RMAC[6] = { 2, 0, 0, 0, 0, 0x33 };
	struct dp_remote r = { .vtep.s_addr = ip4("10.99.0.2") };
	struct vnet_remote_key rk = { .net_id = 1, .vtep = ip4("10.99.0.2") };
	struct vnet_remote_stats rs[libbpf_num_possible_cpus()];
	struct vnet_fdb_key k = { .net_id = 1 };
	unsigned added = 0, removed = 0;
	uint64_t packets = 0, bytes = 0;
	struct vnet_remote v;
	struct frame f;

	NEED_WORLD();
	memcpy(r.mac, RMAC, 6);
	memcpy(k.mac, RMAC, 6);
	build(&f, RMAC, MAC1, GUEST1, "192.168.122.50", IPPROTO_UDP, 1, 2, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);	/* unknown: bridge */
	assert_int_equal(dp_remote_sync(W.dp, 1, W.up, &r, 1, &added, &removed), 0);
	assert_int_equal(added, 1);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, remote_fdb_map), &k, &v), 0);
	assert_int_equal(v.ifindex, W.up);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_PASS);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, remote_stats), &rk, rs), 0);
	for (int i = 0; i < libbpf_num_possible_cpus(); i++) {
		packets += rs[i].packets;
		bytes += rs[i].bytes;
	}
	assert_int_equal(packets, 1);	/* XDP counted nothing: tc does */
	assert_int_equal(bytes, f.len + VNET_VXLAN_OVERHEAD);
	/* the same again: nothing to change */
	assert_int_equal(dp_remote_sync(W.dp, 1, W.up, &r, 1, &added, &removed), 0);
	assert_int_equal(added + removed, 0);
	/* another network's frame for that MAC is not sent there */
	k.net_id = 2;
	assert_int_not_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, remote_fdb_map), &k, &v), 0);
	/* withdrawn: the bridge again */
	assert_int_equal(dp_remote_sync(W.dp, 1, W.up, NULL, 0, &added, &removed), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	dp_remote_purge(W.dp, 1, 0);
	assert_int_not_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, remote_stats), &rk, rs), 0);
}

/* port_state (issue 21): the port path's one value per port follows the
 * maps it copies, and a port's counter slot is its own until it goes. */
static void test_port_state_follows_maps(void **state)
{
	static const uint8_t mac5[6] = { 2, 0, 0, 0, 0, 0x55 };
	int sfd = DP_MAP_FD(W.dp, port_state), n = libbpf_num_possible_cpus();
	struct vnet_port_state ps, ps1, ps2;
	struct vnet_stats st, ctr[n];
	struct vnet_port port;
	struct vnet_net net;
	__u32 key = W.p1, nid = 1, k2 = W.p2, k5, slot;
	struct frame f;
	int p5;

	NEED_WORLD();
	assert_int_equal(bpf_map_lookup_elem(sfd, &key, &ps1), 0);
	assert_int_equal(bpf_map_lookup_elem(sfd, &k2, &ps2), 0);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_map), &key, &port), 0);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, net_map), &nid, &net), 0);
	/* test_isolated_network's dp_net_set (no uplink) reached the copy */
	assert_memory_equal(&ps1.net, &net, sizeof(net));
	assert_int_equal(!!(ps1.flags & VNET_PS_UPLINK), net.uplink_ifindex != 0);
	assert_int_equal(ps1.port.net_id, 1);
	assert_int_equal(ps1.port.mac_locked, port.mac_locked);
	assert_memory_equal(ps1.port.mac, MAC1, 6);
	assert_int_not_equal(ps1.slot, ps2.slot);
	/* an egress ACL attached: its table copied; detached: gone */
	assert_int_equal(dp_acl_port_set(W.dp, W.p1, 0, 3), 0);
	assert_int_equal(bpf_map_lookup_elem(sfd, &key, &ps), 0);
	assert_int_equal(ps.acl.out_t, VNET_ACL_TABLE(3, VNET_ACL_DIR_OUT));
	assert_int_equal(ps.slot, ps1.slot);	/* the same counters */
	assert_int_equal(dp_acl_port_set(W.dp, W.p1, 0, 0), 0);
	assert_int_equal(bpf_map_lookup_elem(sfd, &key, &ps), 0);
	assert_int_equal(ps.acl.out_t, 0);
	/* a new port: a slot of its own, counted there; deleted: its entry
	 * and its counters gone */
	assert_int_equal(system("ip link add p5 type veth peer name p5x && ip link set p5 up"), 0);
	p5 = if_nametoindex("p5");
	k5 = p5;
	assert_int_equal(dp_port_add(W.dp, 1, p5, mac5, NULL, 0), 0);
	assert_int_equal(bpf_map_lookup_elem(sfd, &k5, &ps), 0);
	assert_true(ps.slot != ps1.slot && ps.slot != ps2.slot);
	slot = ps.slot;
	build(&f, MAC1, mac5, "192.168.122.55", GUEST1, IPPROTO_UDP, 1, 2, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, p5, NULL), TC_SHOT);	/* no lease */
	assert_int_equal(dp_port_counters(W.dp, p5, &st), 0);
	assert_int_equal(st.rx_packets, 1);
	assert_int_equal(st.drops, 1);
	assert_int_equal(dp_port_del(W.dp, p5), 0);
	assert_int_not_equal(bpf_map_lookup_elem(sfd, &k5, &ps), 0);
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_ctr), &slot, ctr), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(ctr[i].rx_packets + ctr[i].drops, 0);
	assert_int_equal(system("ip link del p5"), 0);
}

static void test_port_del_purges(void **state)
{
	struct vnet_bind_key bk = { .net_id = 1, .ip = ip4(GUEST2) };
	struct vnet_fdb_key fk = { .net_id = 1 };
	struct vnet_port port;
	struct vnet_bind b;
	struct vnet_fdb fv;
	__u32 key = W.p2;

	NEED_WORLD();
	memcpy(fk.mac, MAC2, 6);
	assert_int_equal(dp_port_del(W.dp, W.p2), 0);
	assert_int_not_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_map), &key, &port), 0);
	assert_int_not_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, bind_map), &bk, &b), 0);
	assert_int_not_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, fdb_map), &fk, &fv), 0);
	assert_false(tc_has_prog(W.p2, 0, "vnet_port_tc"));
	assert_true(tc_has_prog(W.p1, 0, "vnet_port_tc"));
	assert_int_equal(dp_port_del(W.dp, W.p2), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spoofed_mac_dropped),
		cmocka_unit_test(test_spoofed_ip_dropped),
		cmocka_unit_test(test_dhcp_from_zero_passes),
		cmocka_unit_test(test_rogue_dhcp_server_dropped),
		cmocka_unit_test(test_dhcp_chaddr_checked),
		cmocka_unit_test(test_mac_owner_guard),
		cmocka_unit_test(test_arp_checked),
		cmocka_unit_test(test_filter_off),
		cmocka_unit_test(test_filter_learn),
		cmocka_unit_test(test_port_isolated),
		cmocka_unit_test(test_vlan_and_l2_dropped),
		cmocka_unit_test(test_fdb_learned_and_fast_path),
		cmocka_unit_test(test_remote_fast_path),
		cmocka_unit_test(test_host_access_policy),
		cmocka_unit_test(test_isolated_network),
		cmocka_unit_test(test_lease_needs_seen_mac),
		cmocka_unit_test(test_multi_mac_port),
		cmocka_unit_test(test_port_state_follows_maps),
		cmocka_unit_test(test_port_del_purges),
	};

	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
