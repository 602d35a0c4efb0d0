/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The opt-in XDP fast path on veths (VNET_DP_HOOK=xdp-veth): XDP redirects
 * into a veth port or a veth uplink only when it is marked
 * VNET_HOOK_XDP_VETH and the frame fits the peer's MTU; otherwise it passes
 * (on to the tc program). The hook choice and the attachment. */
#include <linux/if_link.h>

#include "dp_test6.h"

static void set_port_hook(int ifindex, __u8 hook)
{
	struct vnet_port p;
	__u32 key = ifindex;

	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_map), &key, &p), 0);
	p.hook = hook;
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, port_map), &key, &p, BPF_EXIST), 0);
	assert_int_equal(dp_port_state_sync(W.dp, key), 0);	/* the programs' copy */
}

/* A port's kind and hook in port_map and the programs' copy, and whether it
 * is an XDP redirect target (tx_ports). */
static void set_port(int ifindex, __u8 kind, __u8 hook, int target)
{
	struct vnet_port p;
	__u32 key = ifindex;

	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_map), &key, &p), 0);
	p.kind = kind;
	p.hook = hook;
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, port_map), &key, &p, BPF_EXIST), 0);
	assert_int_equal(dp_port_state_sync(W.dp, key), 0);
	if (target)
		assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, tx_ports), &key, &key, BPF_ANY), 0);
	else
		bpf_map_delete_elem(DP_MAP_FD(W.dp, tx_ports), &key);
}

static void set_uplink(__u8 kind, __u8 hook)
{
	struct vnet_uplink u;
	__u32 key = W.up;

	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, uplink_map), &key, &u), 0);
	u.kind = kind;
	u.hook = hook;
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, uplink_map), &key, &u, BPF_EXIST), 0);
	dp_uplink_slot_sync(W.dp, key);	/* the uplink programs' copy */
	dp_port_state_sync_all(W.dp);	/* the ports' copies of the uplink */
}

static void test_port_to_veth_port(void **state)
{
	struct frame f, out;
	__u32 key;

	NEED_WORLD();
	/* learn MAC2 on p2 */
	build(&f, MAC1, MAC2, GUEST2, GUEST1, IPPROTO_UDP, 1000, 2000, 0);
	run_tc("vnet_port_tc", &f, W.p2, NULL);
	build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 2000, 1000, 0);
	/* default: p2 is a veth on tc, not an XDP target */
	assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, NULL), XDP_PASS);
	set_port_hook(W.p2, VNET_HOOK_XDP_VETH);
	key = W.p2;
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, tx_ports), &key, &key, BPF_ANY), 0);
	assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, &out), XDP_REDIRECT);
	assert_memory_equal(out.b, f.b, f.len);
	/* longer than the peer's MTU (a GSO-sized frame): the tc path */
	f.len = VNET_XDP_VETH_MAX + 1;
	assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, NULL), XDP_PASS);
	f.len = VNET_XDP_VETH_MAX;
	assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, NULL), XDP_REDIRECT);
	set_port_hook(W.p2, VNET_HOOK_TC);
	assert_int_equal(bpf_map_delete_elem(DP_MAP_FD(W.dp, tx_ports), &key), 0);
}

/* Payload of n bytes, lengths and checksums recomputed, then the L4 field
 * garbled as a CHECKSUM_PARTIAL skb leaves it (the pseudo-header sum). */
static void resize_partial(struct frame *f, uint8_t proto, unsigned n)
{
	uint8_t *ip = f->b + 14, *l4 = ip + 20;
	unsigned l4len = proto == IPPROTO_TCP ? 20 : 8, cs = proto == IPPROTO_TCP ? 16 : 6;

	memset(l4 + l4len, 0, sizeof(f->b) - 34 - l4len);
	for (unsigned i = 0; i < n; i++)
		l4[l4len + i] = (uint8_t)(i * 7 + 1);
	put16(ip + 2, 20 + l4len + n);
	if (proto == IPPROTO_UDP)
		put16(l4 + 4, l4len + n);
	put16(ip + 10, 0);
	put16(ip + 10, ip_check(ip));
	put16(l4 + cs, 0);
	put16(l4 + cs, fold(sum16(ip + 12, 8, proto + l4len + n)) ^ 0xffff);
	f->len = 34 + l4len + n;
}

/* The redirected frame leaves with a complete checksum (the xdp_frame
 * loses CHECKSUM_PARTIAL), odd lengths and every chunk size included. */
static void test_partial_csum_completed(void **state)
{
	static const unsigned lens[] = { 0, 1, 2, 3, 5, 255, 256, 333, 1000, 1446, 1459 };
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	struct frame f, out;
	__u32 key = W.p2;

	NEED_WORLD();
	set_port_hook(W.p2, VNET_HOOK_XDP_VETH);
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, tx_ports), &key, &key, BPF_ANY), 0);
	for (unsigned i = 0; i < 2; i++) {
		for (unsigned j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			build(&f, MAC2, MAC1, GUEST1, GUEST2, protos[i], 2000, 1000, 0x10);
			resize_partial(&f, protos[i], lens[j]);
			if (f.len > VNET_XDP_VETH_MAX)
				continue;
			assert_int_not_equal(l4_check(f.b + 14), 0);
			assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, &out), XDP_REDIRECT);
			assert_int_equal(out.len, f.len);
			assert_int_equal(l4_check(out.b + 14), 0);
		}
	}
	set_port_hook(W.p2, VNET_HOOK_TC);
	assert_int_equal(bpf_map_delete_elem(DP_MAP_FD(W.dp, tx_ports), &key), 0);
}

static void test_nat_to_veth_uplink(void **state)
{
	struct frame f, out;

	NEED_WORLD();
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 7100, 9000, 0);
	set_uplink(VNET_KIND_VETH, VNET_HOOK_TC);
	assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, NULL), XDP_PASS);
	set_uplink(VNET_KIND_VETH, VNET_HOOK_XDP_VETH);
	assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, &out), XDP_REDIRECT);
	assert_memory_equal(out.b, WANMAC, 6);
	assert_memory_equal(out.b + 6, UPMAC, 6);
	assert_memory_equal(out.b + 14 + 12, &(uint32_t){ ip4(UPLINK) }, 4);	/* SNAT */
	assert_int_equal(ip_check(out.b + 14), 0);	/* sums to 0 with the field */
	assert_int_equal(l4_check(out.b + 14), 0);
	set_uplink(VNET_KIND_OTHER, VNET_HOOK_TC);
}

/* Where the TCP/UDP checksum of an IPv4 or IPv6 frame (no extension
 * headers) lies, and its pseudo-header's sum folded (not complemented). */
static uint8_t *l4_field(struct frame *f, uint16_t *pseudo)
{
	uint8_t *ip = f->b + 14;
	int v6 = ip[0] >> 4 == 6;
	uint8_t proto = v6 ? ip[6] : ip[9];
	unsigned len = v6 ? get16(ip + 4) : get16(ip + 2) - 20;
	uint8_t *l4 = ip + (v6 ? 40 : 20);

	*pseudo = fold(sum16(ip + (v6 ? 8 : 12), v6 ? 32 : 8, proto + len)) ^ 0xffff;
	return l4 + (proto == IPPROTO_TCP ? 16 : 6);
}

/* The field as a CHECKSUM_PARTIAL skb leaves it (a guest with checksum
 * offload on): the pseudo-header's sum only. */
static void make_partial(struct frame *f)
{
	uint16_t ps;
	uint8_t *c = l4_field(f, &ps);

	put16(c, ps);
}

/* 0 when the frame's TCP/UDP checksum is right. */
static uint16_t frame_l4_check(const struct frame *f)
{
	const uint8_t *ip = f->b + 14;

	return ip[0] >> 4 == 6 ? l6_check(ip) : l4_check(ip);
}

/* The field's complete value (UDP's computed 0 sent as 0xffff). */
static void complete_sum(struct frame *f)
{
	const uint8_t *ip = f->b + 14;
	int udp = (ip[0] >> 4 == 6 ? ip[6] : ip[9]) == IPPROTO_UDP;
	uint16_t ps, c;
	uint8_t *field = l4_field(f, &ps);

	put16(field, 0);
	c = frame_l4_check(f);
	put16(field, udp && c == 0 ? 0xffff : c);
}

/* A frame from guest 1 to guest 2 (IPv4 or, v6, IPv6 link-local), TCP or
 * UDP with a payload of n bytes, its checksum complete. */
static void g2g_frame(struct frame *f, int v6, uint8_t proto, unsigned n)
{
	struct v6 v;

	if (!v6) {
		build(f, MAC2, MAC1, GUEST1, GUEST2, proto, 2000, 1000, 0x10);
		resize_partial(f, proto, n);
		complete_sum(f);
		return;
	}
	if (proto == IPPROTO_TCP)
		tcp6(&v, 2000, 1000, 0x10);
	else
		udp6(&v, 2000, 1000);
	v.l4_len = (proto == IPPROTO_TCP ? 20 : 8) + n;
	for (unsigned i = 0; i < n; i++)
		v.l4[v.l4_len - n + i] = (uint8_t)(i * 7 + 1);
	if (proto == IPPROTO_UDP)
		put16(v.l4 + 4, v.l4_len);
	frame6(f, MAC2, MAC1, "fe80::10", "fe80::11", &v);
}

/* A guest with checksum offload on sends partial sums, one with it off
 * complete ones: into an xdp-veth port (a veth), a tap (ndo_xdp_xmit: the
 * VM reads the frame with no checksum flags) and through NAT to a NIC
 * uplink, every frame leaves with a complete sum (the xdp_frame carries no
 * CHECKSUM_PARTIAL), TCP and UDP, IPv4 and IPv6. A complete sum is not
 * recomputed: a wrong one stays wrong, as the wire would deliver it. */
static void g2g_csum_case(int v6, uint8_t proto, unsigned n)
{
	struct frame f, out;
	uint16_t ps;

	g2g_frame(&f, v6, proto, n);
	assert_int_equal(frame_l4_check(&f), 0);
	/* offload off: the frame as it came */
	assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, &out), XDP_REDIRECT);
	assert_int_equal(out.len, f.len);
	assert_memory_equal(out.b, f.b, f.len);
	/* a wrong complete sum is forwarded as it is (the receiver drops it) */
	l4_field(&f, &ps)[1] ^= 0x40;
	assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, &out), XDP_REDIRECT);
	assert_memory_equal(out.b, f.b, f.len);
	/* offload on: completed */
	make_partial(&f);
	assert_int_not_equal(frame_l4_check(&f), 0);
	assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, &out), XDP_REDIRECT);
	assert_int_equal(out.len, f.len);
	assert_int_equal(frame_l4_check(&out), 0);
	complete_sum(&f);
	assert_memory_equal(out.b, f.b, f.len);	/* nothing else changed */
}

static void test_guest_csum_offload_on_off(void **state)
{
	static const unsigned lens[] = { 0, 1, 3, 16, 100 };
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	static const __u8 kinds[] = { VNET_KIND_VETH, VNET_KIND_TAP };

	NEED_WORLD();
	assert_int_equal(dad(W.p1, MAC1, "fe80::10"), TC_OK);
	assert_int_equal(dad(W.p2, MAC2, "fe80::11"), TC_OK);
	for (unsigned k = 0; k < 2; k++) {
		set_port(W.p2, kinds[k], kinds[k] == VNET_KIND_VETH ? VNET_HOOK_XDP_VETH : VNET_HOOK_TC, 1);
		for (int v6 = 0; v6 < 2; v6++)
			for (unsigned i = 0; i < 2; i++)
				for (unsigned j = 0; j < sizeof(lens) / sizeof(lens[0]); j++)
					g2g_csum_case(v6, protos[i], lens[j]);
	}
	set_port(W.p2, VNET_KIND_VETH, VNET_HOOK_TC, 0);
}

/* NAT to the uplink at XDP, a NIC (ndo_xdp_xmit: no checksum offload) or
 * an xdp-veth veth: a partial sum leaves complete, a complete one stays
 * complete through the rewrite (updated for the new address and port). */
static void test_nat_csum_offload_on_off(void **state)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	static const __u8 kinds[] = { VNET_KIND_OTHER, VNET_KIND_VETH };
	struct frame f, out;

	NEED_WORLD();
	for (unsigned k = 0; k < 2; k++) {
		set_uplink(kinds[k], kinds[k] == VNET_KIND_VETH ? VNET_HOOK_XDP_VETH : VNET_HOOK_TC);
		for (unsigned i = 0; i < 2; i++)
			for (int partial = 0; partial < 2; partial++) {
				build(&f, BRMAC, MAC1, GUEST1, FAR, protos[i], 7300 + i, 9000, 0x10);
				resize_partial(&f, protos[i], 100);
				if (!partial)
					complete_sum(&f);
				assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, &out), XDP_REDIRECT);
				assert_memory_equal(out.b + 14 + 12, &(uint32_t){ ip4(UPLINK) }, 4);
				assert_int_equal(ip_check(out.b + 14), 0);
				assert_int_equal(l4_check(out.b + 14), 0);
			}
	}
	set_uplink(VNET_KIND_OTHER, VNET_HOOK_TC);
}

/* One counter of a port's per-CPU stats, summed (offset into vnet_stats). */
static uint64_t port_stat(int ifindex, size_t off)
{
	struct vnet_stats st;

	if (dp_port_counters(W.dp, ifindex, &st))
		return 0;
	return *(uint64_t *)((char *)&st + off);
}
#define RX(i) port_stat(i, offsetof(struct vnet_stats, rx_packets))
#define SLOW(i) port_stat(i, offsetof(struct vnet_stats, slow_packets))

/* A frame the xdp.frags program passes carries its mark in 4 bytes of
 * metadata (BPF_PROG_RUN returns them in front of the frame): DONE for the
 * kernel's slow path (counted once, here), RETRY for what tc can still
 * redirect (rx counted here, the verdict left to tc). */
static void test_pass_marks(void **state)
{
	struct frame f, out;
	uint64_t rx, slow;
	uint32_t mark;

	NEED_WORLD();
	/* broadcast: the bridge's job */
	build(&f, BCAST, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 1000, 2000, 0);
	rx = RX(W.p1);
	slow = SLOW(W.p1);
	assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, &out), XDP_PASS);
	assert_int_equal(out.len, f.len + 4);
	memcpy(&mark, out.b, 4);
	assert_int_equal(mark, 0x766e0001u);	/* VNET_META_DONE */
	assert_memory_equal(out.b + 4, f.b, f.len);
	assert_int_equal(RX(W.p1), rx + 1);
	assert_int_equal(SLOW(W.p1), slow + 1);
	/* known unicast to a veth port on tc: not for XDP, tc redirects it */
	build(&f, MAC1, MAC2, GUEST2, GUEST1, IPPROTO_UDP, 1000, 2000, 0);
	run_tc("vnet_port_tc", &f, W.p2, NULL);	/* learn MAC2 on p2 */
	build(&f, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 2000, 1000, 0);
	rx = RX(W.p1);
	slow = SLOW(W.p1);
	assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, &out), XDP_PASS);
	memcpy(&mark, out.b, 4);
	assert_int_equal(mark, 0x766e0002u);	/* VNET_META_RETRY */
	assert_int_equal(RX(W.p1), rx + 1);
	assert_int_equal(SLOW(W.p1), slow);
	/* the XDP program for taps (nothing behind it) marks nothing */
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, &out), XDP_PASS);
	assert_int_equal(out.len, f.len);
	assert_int_equal(SLOW(W.p1), slow + 1);
}

/* An L4 header that does not fit in the IP packet's own length (tot_len)
 * is a runt, though the frame is long enough: a rewrite or a full
 * checksum would run past the packet. */
static void test_l4_beyond_tot_len(void **state)
{
	struct frame f;
	uint64_t runts;

	NEED_WORLD();
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_TCP, 7100, 80, 0x02);
	put16(f.b + 14 + 2, 20 + 10);	/* TCP header cut at 10 of 20 bytes */
	put16(f.b + 14 + 10, 0);
	put16(f.b + 14 + 10, ip_check(f.b + 14));
	runts = drops(VNET_DROP_RUNT);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(run_xdp("vnet_port_xdpf", &f, W.p1, NULL), XDP_DROP);
	assert_int_equal(drops(VNET_DROP_RUNT), runts + 2);
}

static void test_hook_choice(void **state)
{
	struct dp_config c = DP_CONFIG_DEFAULT;

	c.hook_policy = DP_POLICY_XDP_VETH;
	dp_configure(&c);
	assert_int_equal(dp_hook_for(VNET_KIND_VETH, 0), VNET_HOOK_XDP_VETH);
	assert_int_equal(dp_hook_for(VNET_KIND_VETH, 1), VNET_HOOK_XDP_VETH);
	assert_int_equal(dp_hook_for(VNET_KIND_TAP, 0), VNET_HOOK_TC);
	assert_int_equal(dp_hook_for(VNET_KIND_OTHER, 1), VNET_HOOK_TC);
	c.hook_policy = DP_POLICY_TC;
	dp_configure(&c);
	assert_int_equal(dp_hook_for(VNET_KIND_VETH, 0), VNET_HOOK_TC);
}

/* Both programs on the port, the devmap entry; detach removes both. */
static void test_attach_detach(void **state)
{
	__u32 key = W.p2, val;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char err[256] = "";

	NEED_WORLD();
	assert_int_equal(dp_attach_port(W.dp, W.p2, VNET_HOOK_XDP_VETH, 0, err, sizeof(err)), 0);
	assert_int_equal(bpf_xdp_query(W.p2, 0, &q), 0);
	assert_int_not_equal(q.prog_id, 0);
	assert_true(tc_prog_on(W.p2, 0));
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, tx_ports), &key, &val), 0);
	/* again, as dp_open re-attaches: replaced in place (the pinned link) */
	assert_int_equal(dp_attach_port(W.dp, W.p2, VNET_HOOK_XDP_VETH, 0, err, sizeof(err)), 0);
	assert_int_equal(bpf_xdp_query(W.p2, 0, &q), 0);
	assert_int_not_equal(q.prog_id, 0);
	assert_int_equal(dp_detach(W.pin, W.p2, VNET_HOOK_XDP_VETH, 0), 0);
	assert_int_equal(bpf_xdp_query(W.p2, 0, &q), 0);
	assert_int_equal(q.prog_id, 0);
	assert_false(tc_prog_on(W.p2, 0));
	bpf_map_delete_elem(DP_MAP_FD(W.dp, tx_ports), &key);
	assert_int_equal(dp_attach_port(W.dp, W.p2, VNET_HOOK_TC, 0, err, sizeof(err)), 0);
}

static void link_pin(char *buf, size_t len, int ifindex)
{
	snprintf(buf, len, "%s/link_tcx_in_%d", W.pin, ifindex);
}

/* Is there a clsact qdisc on the device (`tc qdisc show`)? */
static int clsact_on(int ifindex)
{
	char name[IF_NAMESIZE] = "", cmd[128];

	assert_non_null(if_indextoname((unsigned)ifindex, name));
	snprintf(cmd, sizeof(cmd), "tc qdisc show dev %s | grep -q clsact", name);
	return system(cmd) == 0;
}

/* A cls_bpf filter on the device's clsact qdisc at handle/prio, running
 * the port program: at vnet's (DP_TC_HANDLE/DP_TC_PRIO) as an older vnetd
 * attached it, elsewhere as another tool's. */
static void filter_add(int ifindex, int egress, __u32 handle, __u32 prio)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = handle, .priority = prio,
			    .prog_fd = bpf_program__fd(W.dp->skel->progs.vnet_port_tc));
	int r = bpf_tc_hook_create(&hook);

	assert_true(r == 0 || r == -EEXIST);
	assert_int_equal(bpf_tc_attach(&hook, &o), 0);
}

static int filter_on(int ifindex, int egress, __u32 handle, __u32 prio)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = handle, .priority = prio);

	return bpf_tc_query(&hook, &o) == 0;
}

/* Issue 21.2: ports on tcx links (no clsact qdisc to create per port).
 * An older vnetd's clsact filter gives way to a pinned link (the link
 * first, then the filter: no gap); VNET_TC_LINK=clsact keeps filters, and
 * a pinned link is still updated in place; detaching leaves no link, no
 * filter and no pin. */
static void test_tc_link_upgrade(void **state)
{
	struct dp_config c = DP_CONFIG_DEFAULT;
	char err[256] = "", path[PATH_MAX];

	NEED_WORLD();
	if (!tcx_progs_on(W.p1, 0))
		skip();	/* a kernel without tcx: filters, as before */
	link_pin(path, sizeof(path), W.p2);
	assert_int_equal(dp_detach(W.pin, W.p2, VNET_HOOK_TC, 0), 0);
	assert_false(tc_prog_on(W.p2, 0));
	assert_int_not_equal(access(path, F_OK), 0);
	c.tc_link = DP_TC_LINK_CLSACT;	/* the old vnetd */
	dp_configure(&c);
	assert_int_equal(dp_attach_port(W.dp, W.p2, VNET_HOOK_TC, 0, err, sizeof(err)), 0);
	assert_true(tc_filter_on(W.p2, 0));
	assert_int_equal(tcx_progs_on(W.p2, 0), 0);
	c.tc_link = DP_TC_LINK_AUTO;	/* the new one */
	dp_configure(&c);
	assert_int_equal(dp_attach_port(W.dp, W.p2, VNET_HOOK_TC, 0, err, sizeof(err)), 0);
	assert_int_equal(tcx_progs_on(W.p2, 0), 1);
	assert_false(tc_filter_on(W.p2, 0));
	assert_false(clsact_on(W.p2));	/* vnet's filter was its last: the qdisc went */
	assert_int_equal(access(path, F_OK), 0);
	c.tc_link = DP_TC_LINK_CLSACT;	/* a restart: the link is replaced in place */
	dp_configure(&c);
	assert_int_equal(dp_attach_port(W.dp, W.p2, VNET_HOOK_TC, 0, err, sizeof(err)), 0);
	assert_int_equal(tcx_progs_on(W.p2, 0), 1);
	assert_false(tc_filter_on(W.p2, 0));
	c.tc_link = DP_TC_LINK_AUTO;
	dp_configure(&c);
	assert_int_equal(dp_detach(W.pin, W.p2, VNET_HOOK_TC, 0), 0);
	assert_false(tc_prog_on(W.p2, 0));
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(dp_attach_port(W.dp, W.p2, VNET_HOOK_TC, 0, err, sizeof(err)), 0);
}

/* From filters to links with another tool's filter on the clsact qdisc
 * (egress, the other direction): vnet's filter goes, the qdisc and the
 * other filter stay. Then the other filter gone, vnet's filter on a
 * device with vnet's link (a crash between creating the link and deleting
 * the filter): re-taking the link at a restart deletes the leftover filter
 * and the qdisc it was the last filter of. Port-del in the fallback
 * (filters) removes the qdisc its filter was the last of, too. */
static void test_tc_link_clsact_litter(void **state)
{
	struct dp_config c = DP_CONFIG_DEFAULT;
	char err[256] = "";

	NEED_WORLD();
	if (!tcx_progs_on(W.p1, 0))
		skip();
	assert_int_equal(dp_detach(W.pin, W.p2, VNET_HOOK_TC, 0), 0);
	c.tc_link = DP_TC_LINK_CLSACT;	/* the old vnetd */
	dp_configure(&c);
	assert_int_equal(dp_attach_port(W.dp, W.p2, VNET_HOOK_TC, 0, err, sizeof(err)), 0);
	filter_add(W.p2, 1, 7, 9);	/* another tool's */
	c.tc_link = DP_TC_LINK_AUTO;	/* the new one */
	dp_configure(&c);
	assert_int_equal(dp_attach_port(W.dp, W.p2, VNET_HOOK_TC, 0, err, sizeof(err)), 0);
	assert_int_equal(tcx_progs_on(W.p2, 0), 1);
	assert_false(tc_filter_on(W.p2, 0));
	assert_true(clsact_on(W.p2));
	assert_true(filter_on(W.p2, 1, 7, 9));
	/* the crash: vnet's link and vnet's old filter behind it */
	filter_add(W.p2, 0, DP_TC_HANDLE, DP_TC_PRIO);
	assert_true(tc_filter_on(W.p2, 0));
	assert_int_equal(dp_attach_port(W.dp, W.p2, VNET_HOOK_TC, 0, err, sizeof(err)), 0);
	assert_false(tc_filter_on(W.p2, 0));
	assert_true(filter_on(W.p2, 1, 7, 9));	/* never another tool's */
	assert_true(clsact_on(W.p2));
	assert_int_equal(system("tc filter del dev p2 egress pref 9"), 0);
	filter_add(W.p2, 0, DP_TC_HANDLE, DP_TC_PRIO);
	assert_int_equal(dp_attach_port(W.dp, W.p2, VNET_HOOK_TC, 0, err, sizeof(err)), 0);
	assert_int_equal(tcx_progs_on(W.p2, 0), 1);
	assert_false(tc_filter_on(W.p2, 0));
	assert_false(clsact_on(W.p2));
	/* the fallback: port-del takes the qdisc with vnet's last filter */
	assert_int_equal(dp_detach(W.pin, W.p2, VNET_HOOK_TC, 0), 0);
	c.tc_link = DP_TC_LINK_CLSACT;
	dp_configure(&c);
	assert_int_equal(dp_attach_port(W.dp, W.p2, VNET_HOOK_TC, 0, err, sizeof(err)), 0);
	assert_true(clsact_on(W.p2));
	assert_int_equal(dp_detach(W.pin, W.p2, VNET_HOOK_TC, 0), 0);
	assert_false(clsact_on(W.p2));
	c.tc_link = DP_TC_LINK_AUTO;
	dp_configure(&c);
	assert_int_equal(dp_attach_port(W.dp, W.p2, VNET_HOOK_TC, 0, err, sizeof(err)), 0);
	assert_int_equal(tcx_progs_on(W.p2, 0), 1);
}

/* A device gone with its link pinned: the pin is defunct. A new device
 * under the same ifindex gets a link of its own (not the dead one's), and
 * dp_tc_unpin_stale removes only defunct pins. */
static void test_tc_link_stale_pin(void **state)
{
	char err[256] = "", path[PATH_MAX], cmd[128];
	int idx;

	NEED_WORLD();
	if (!tcx_progs_on(W.p1, 0))
		skip();
	assert_int_equal(system("ip link add tcxd type veth peer name tcxdx"), 0);
	idx = (int)if_nametoindex("tcxd");
	link_pin(path, sizeof(path), idx);
	assert_int_equal(dp_attach_bridge(W.dp, idx, err, sizeof(err)), 0);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(system("ip link del tcxd"), 0);
	assert_int_equal(access(path, F_OK), 0);	/* the pin outlives the device */
	snprintf(cmd, sizeof(cmd), "ip link add tcxd index %d type veth peer name tcxdx", idx);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(dp_attach_bridge(W.dp, idx, err, sizeof(err)), 0);
	assert_int_equal(tcx_progs_on(idx, 0), 1);
	dp_tc_unpin_stale(W.pin, idx);	/* live: stays */
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(system("ip link del tcxd"), 0);
	dp_tc_unpin_stale(W.pin, idx);	/* defunct: goes */
	assert_int_not_equal(access(path, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_to_veth_port),
		cmocka_unit_test(test_tc_link_upgrade),
		cmocka_unit_test(test_tc_link_stale_pin),
		cmocka_unit_test(test_tc_link_clsact_litter),
		cmocka_unit_test(test_partial_csum_completed),
		cmocka_unit_test(test_nat_to_veth_uplink),
		cmocka_unit_test(test_guest_csum_offload_on_off),
		cmocka_unit_test(test_nat_csum_offload_on_off),
		cmocka_unit_test(test_pass_marks),
		cmocka_unit_test(test_l4_beyond_tot_len),
		cmocka_unit_test(test_hook_choice),
		cmocka_unit_test(test_attach_detach),
	};

	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
