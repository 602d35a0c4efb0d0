/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What reaches the host and what leaves a network (issue 16.1, 16.9)
 * through BPF_PROG_TEST_RUN: the bridge program on every frame the bridge
 * hands up (test_run sets pkt_type from the frame's MAC against br0, so
 * BRMAC stands for "addressed to the host", whichever local MAC the guest
 * picked in real life), reserved destinations and IP options on the port
 * program's routed path (tc and XDP), the bridge's link-local MACs, the
 * uplink guard in route mode, and the bridge program's attachment. */
#include "dp_test.h"

#define SYN 0x02
#define ACK 0x10
static const uint8_t OTHERMAC[6] = { 2, 0, 0, 0, 0, 0x77 };
static const uint8_t LLDPMAC[6] = { 0x01, 0x80, 0xc2, 0, 0, 0x0e };
/* loose source route via 198.51.100.7, then end of options */
static const uint8_t LSRR[8] = { 0x83, 7, 4, 198, 51, 100, 7, 0 };

static void set_net(enum netdef_mode mode)
{
	struct dp_net_cfg c = { .net_id = 1, .mode = mode, .prefix = 24, .bridge_ifindex = W.br };

	memcpy(c.bridge_mac, BRMAC, 6);
	c.gw.s_addr = ip4(GW);
	if (mode != NETDEF_MODE_ISOLATED) {
		c.uplink_ifindex = W.up;
		c.uplink_addr.s_addr = ip4(UPLINK);
	}
	assert_int_equal(dp_net_set(W.dp, &c, NULL, 0), 0);
}

/* Give f's IPv4 header n bytes of options (n a multiple of 4). */
static void add_ip_opts(struct frame *f, const uint8_t *opt, unsigned n)
{
	uint8_t *ip = f->b + 14;
	unsigned tot = get16(ip + 2);

	memmove(ip + 20 + n, ip + 20, tot - 20);
	memcpy(ip + 20, opt, n);
	ip[0] = 0x40 | ((20 + n) / 4);
	put16(ip + 2, tot + n);
	put16(ip + 10, 0);
	put16(ip + 10, ip_check(ip));
	f->len += n;
}

/* The bridge program's verdict on a frame from guest 1. */
static int bridge(const uint8_t *dmac, const char *dst, uint8_t proto, uint16_t dport,
		  uint8_t flags)
{
	struct frame f;

	build(&f, dmac, MAC1, GUEST1, dst, proto, 40000, dport, flags);
	return run_tc("vnet_bridge_tc", &f, W.br, NULL);
}

static void test_bridge_host_services(void **state)
{
	uint64_t th = 0, grp = 0, bad = 0;
	struct frame f;

	NEED_WORLD();
	th = net_drops(1, VNET_DROP_TO_HOST);
	grp = net_drops(1, VNET_DROP_HOST_GROUP);
	bad = net_drops(1, VNET_DROP_BAD_DST);
	/* the gateway's services, and replies to what the host opened */
	assert_int_equal(bridge(BRMAC, GW, IPPROTO_UDP, 53, 0), TC_OK);
	assert_int_equal(bridge(BRMAC, GW, IPPROTO_TCP, 53, SYN), TC_OK);
	assert_int_equal(bridge(BRMAC, GW, IPPROTO_UDP, 67, 0), TC_OK);
	assert_int_equal(bridge(BRMAC, GW, IPPROTO_ICMP, 0, 0), TC_OK);
	assert_int_equal(bridge(BRMAC, GW, IPPROTO_TCP, 22, SYN | ACK), TC_OK);
	build(&f, BCAST, MAC1, "0.0.0.0", "255.255.255.255", IPPROTO_UDP, 68, 67, 0);
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_OK);	/* DHCP */
	/* anything else addressed to the host */
	assert_int_equal(bridge(BRMAC, GW, IPPROTO_TCP, 22, SYN), TC_SHOT);
	assert_int_equal(bridge(BRMAC, GW, IPPROTO_UDP, 7004, 0), TC_SHOT);
	assert_int_equal(bridge(BRMAC, UPLINK, IPPROTO_TCP, 22, SYN), TC_SHOT);
	assert_int_equal(bridge(BRMAC, GUEST2, IPPROTO_TCP, 22, SYN), TC_SHOT);
	assert_int_equal(bridge(BCAST, GW, IPPROTO_UDP, 7004, 0), TC_SHOT);
	assert_int_equal(net_drops(1, VNET_DROP_TO_HOST), th + 5);
	/* broadcast and multicast: flooded copies apart, crafted ones bad_dst */
	assert_int_equal(bridge(BCAST, "255.255.255.255", IPPROTO_UDP, 7004, 0), TC_SHOT);
	assert_int_equal(bridge(BCAST, "192.168.122.255", IPPROTO_UDP, 137, 0), TC_SHOT);
	assert_int_equal(net_drops(1, VNET_DROP_HOST_GROUP), grp + 2);
	assert_int_equal(bridge(BRMAC, "192.168.122.255", IPPROTO_UDP, 7004, 0), TC_SHOT);
	assert_int_equal(bridge(BRMAC, "224.0.0.251", IPPROTO_UDP, 5353, 0), TC_SHOT);
	assert_int_equal(net_drops(1, VNET_DROP_BAD_DST), bad + 2);
	/* ARP passes (the port checked it); another port's MAC: dropped as
	 * the stack would, uncounted */
	build(&f, BRMAC, MAC1, GUEST1, GW, IPPROTO_UDP, 1, 2, 0);
	put16(f.b + 12, 0x0806);
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_OK);
	th = net_drops(1, VNET_DROP_TO_HOST);
	assert_int_equal(bridge(OTHERMAC, GW, IPPROTO_TCP, 22, SYN), TC_SHOT);
	assert_int_equal(net_drops(1, VNET_DROP_TO_HOST), th);
	/* a device that is no vnet bridge: not judged */
	build(&f, BRMAC, MAC1, GUEST1, GW, IPPROTO_TCP, 40000, 22, SYN);
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.p2, NULL), TC_OK);
}

/* What the kernel would route: only through the network's own uplink. */
static void test_bridge_routed(void **state)
{
	uint64_t cross = 0, th = 0, opt = 0, iso = 0;
	struct frame f;

	NEED_WORLD();
	assert_int_equal(system("ip link add dm0 type veth peer name dm1 && ip link set dm1 up && "
				"ip link set dm0 up && "
				"ip addr add 10.98.0.1/32 dev dm0 && "
				"ip route add 10.99.0.0/24 dev dm0"), 0);
	cross = net_drops(1, VNET_DROP_CROSS_NET);
	th = net_drops(1, VNET_DROP_TO_HOST);
	opt = net_drops(1, VNET_DROP_IP_OPTIONS);
	/* TTL expiry, route-mode fragments, other protocols: the kernel's */
	assert_int_equal(bridge(BRMAC, FAR, IPPROTO_UDP, 7100, 0), TC_OK);
	assert_int_equal(bridge(BRMAC, "10.99.0.5", IPPROTO_UDP, 7100, 0), TC_SHOT);
	assert_int_equal(net_drops(1, VNET_DROP_CROSS_NET), cross + 1);
	assert_int_equal(bridge(BRMAC, "10.98.0.1", IPPROTO_TCP, 22, SYN), TC_SHOT);
	assert_int_equal(net_drops(1, VNET_DROP_TO_HOST), th + 1);	/* another host address */
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 40000, 7100, 0);
	add_ip_opts(&f, LSRR, sizeof(LSRR));
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_SHOT);
	build(&f, BRMAC, MAC1, GUEST1, GW, IPPROTO_UDP, 40000, 53, 0);	/* a service, but */
	add_ip_opts(&f, LSRR, sizeof(LSRR));
	assert_int_equal(run_tc("vnet_bridge_tc", &f, W.br, NULL), TC_SHOT);
	assert_int_equal(net_drops(1, VNET_DROP_IP_OPTIONS), opt + 2);
	set_net(NETDEF_MODE_ISOLATED);
	iso = net_drops(1, VNET_DROP_ISOLATED);
	assert_int_equal(bridge(BRMAC, FAR, IPPROTO_UDP, 7100, 0), TC_SHOT);
	assert_int_equal(net_drops(1, VNET_DROP_ISOLATED), iso + 1);
	assert_int_equal(bridge(BRMAC, GW, IPPROTO_UDP, 53, 0), TC_OK);
	set_net(NETDEF_MODE_NAT);
	assert_int_equal(system("ip link del dm0"), 0);
}

/* The port program's routed path refuses reserved destinations and IP
 * options; a DHCP broadcast to the gateway's MAC is still the host's. */
static void test_port_reserved_and_options(void **state)
{
	static const char *const dsts[] = { "255.255.255.255", "224.0.0.251", "239.1.2.3",
					    "240.0.0.1", "0.1.2.3", "127.0.0.1",
					    "192.168.122.255" };
	uint64_t bad = 0, opt = 0;
	struct frame f;
	size_t i;

	NEED_WORLD();
	bad = net_drops(1, VNET_DROP_BAD_DST);
	opt = net_drops(1, VNET_DROP_IP_OPTIONS);
	for (i = 0; i < sizeof(dsts) / sizeof(dsts[0]); i++) {
		build(&f, BRMAC, MAC1, GUEST1, dsts[i], IPPROTO_UDP, 40000, 7100, 0);
		assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
		assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_DROP);
	}
	assert_int_equal(net_drops(1, VNET_DROP_BAD_DST), bad + 2 * i);
	build_bootp(&f, BRMAC, MAC1, GUEST1, "255.255.255.255", 68, 67, 1, MAC1, 3);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_OK);
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 40000, 7100, 0);
	add_ip_opts(&f, LSRR, sizeof(LSRR));
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_DROP);
	build(&f, BRMAC, MAC1, GUEST1, GW, IPPROTO_ICMP, 1, 0, 0);	/* ping -R */
	add_ip_opts(&f, (const uint8_t[]){ 7, 3, 4, 0 }, 4);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(net_drops(1, VNET_DROP_IP_OPTIONS), opt + 3);
}

/* The bridge hands 01:80:c2:00:00:0X to the port device's own stack. */
static void test_port_link_local_mac(void **state)
{
	uint64_t th = 0;
	struct frame f;

	NEED_WORLD();
	th = net_drops(1, VNET_DROP_TO_HOST);
	build(&f, LLDPMAC, MAC1, GUEST1, GW, IPPROTO_UDP, 40000, 7004, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, NULL), XDP_DROP);
	assert_int_equal(net_drops(1, VNET_DROP_TO_HOST), th + 2);
}

/* Route mode: the guard lets a guest's packet leave only as route_out
 * would send it; an isolated network's never. */
static void test_guard_route_mode(void **state)
{
	uint64_t bad = 0, opt = 0, iso = 0;
	struct frame f;

	NEED_WORLD();
	set_net(NETDEF_MODE_ROUTE);
	bad = net_drops(1, VNET_DROP_BAD_DST);
	opt = net_drops(1, VNET_DROP_IP_OPTIONS);
	build(&f, WANMAC, UPMAC, GUEST1, FAR, IPPROTO_UDP, 40000, 7100, 0);
	assert_int_equal(run_tc("vnet_uplink_guard", &f, W.up, NULL), TC_OK);
	add_ip_opts(&f, LSRR, sizeof(LSRR));
	assert_int_equal(run_tc("vnet_uplink_guard", &f, W.up, NULL), TC_SHOT);
	build(&f, WANMAC, UPMAC, GUEST1, "239.1.2.3", IPPROTO_UDP, 40000, 7100, 0);
	assert_int_equal(run_tc("vnet_uplink_guard", &f, W.up, NULL), TC_SHOT);
	assert_int_equal(net_drops(1, VNET_DROP_BAD_DST), bad + 1);
	assert_int_equal(net_drops(1, VNET_DROP_IP_OPTIONS), opt + 1);
	set_net(NETDEF_MODE_ISOLATED);
	iso = net_drops(1, VNET_DROP_ISOLATED);
	build(&f, WANMAC, UPMAC, GUEST1, FAR, IPPROTO_UDP, 40000, 7100, 0);
	assert_int_equal(run_tc("vnet_uplink_guard", &f, W.up, NULL), TC_SHOT);
	assert_int_equal(net_drops(1, VNET_DROP_ISOLATED), iso + 1);
	set_net(NETDEF_MODE_NAT);
}

static int bridge_filter(void)
{
	return tc_has_prog(W.br, 0, "vnet_bridge_tc");
}

/* Attached with the network, recorded, re-attached by dp_open, removed
 * with the network; a shared LAN's bridge has none. */
static void test_bridge_program_attachment(void **state)
{
	__u32 key = W.br, id = 0;
	struct datapath *dp2 = NULL;
	char err[256];

	NEED_WORLD();
	assert_true(bridge_filter());
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, bridge_map), &key, &id), 0);
	assert_int_equal(id, 1);
	{	/* the program lost (its link detached, or an old filter deleted) */
		char path[PATH_MAX];
		struct bpf_link *l;

		snprintf(path, sizeof(path), "%s/link_tcx_in_%d", W.pin, W.br);
		l = bpf_link__open(path);
		if (l) {
			assert_int_equal(bpf_link__detach(l), 0);
			bpf_link__destroy(l);
		} else {
			assert_int_equal(system("tc filter del dev br0 ingress"), 0);
		}
		assert_false(bridge_filter());
	}
	assert_int_equal(dp_open(W.pin, &dp2, err, sizeof(err)), 0);
	assert_true(bridge_filter());	/* re-attached from bridge_map */
	dp_close(dp2);
	assert_int_equal(dp_net_del(W.dp, 1), 0);
	assert_false(bridge_filter());
	assert_int_not_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, bridge_map), &key, &id), 0);
	set_net(NETDEF_MODE_BRIDGE);
	assert_false(bridge_filter());
	set_net(NETDEF_MODE_NAT);
	assert_true(bridge_filter());
	assert_int_equal(dp_lease_bind(W.dp, 1, MAC1, (struct in_addr){ ip4(GUEST1) }, true), 0);
	assert_int_equal(dp_lease_bind(W.dp, 1, MAC2, (struct in_addr){ ip4(GUEST2) }, true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bridge_host_services),
		cmocka_unit_test(test_bridge_routed),
		cmocka_unit_test(test_port_reserved_and_options),
		cmocka_unit_test(test_port_link_local_mac),
		cmocka_unit_test(test_guard_route_mode),
		cmocka_unit_test(test_bridge_program_attachment),
	};

	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
