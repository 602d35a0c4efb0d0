/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Routing + NAT through BPF_PROG_TEST_RUN: SNAT (tc and XDP builds, TCP,
 * UDP, ICMP echo), reply translation, ICMP errors, DNAT port forwards,
 * unsolicited inbound, the uplink guard, conntrack-full and GC. Every
 * rewritten frame is checked byte by byte and by full checksum
 * recomputation. */
#include <time.h>

#include "dp_test.h"
#include "dp/dp_gc_slice_priv.h"

#define SYN 0x02
#define ACK 0x10

static const uint8_t *ip_of(const struct frame *f)
{
	return f->b + 14;
}

static uint32_t addr_at(const struct frame *f, int off)
{
	uint32_t a;

	memcpy(&a, f->b + 14 + off, 4);
	return a;
}

static uint16_t port_at(const struct frame *f, int off)
{
	return get16(f->b + 14 + 20 + off);
}

static void assert_csums_ok(const struct frame *f)
{
	assert_int_equal(ip_check(ip_of(f)), 0);
	assert_int_equal(l4_check(ip_of(f)), 0);
}

static void assert_macs(const struct frame *f, const uint8_t *dst, const uint8_t *src)
{
	assert_memory_equal(f->b, dst, 6);
	assert_memory_equal(f->b + 6, src, 6);
}

/* The source snat_out expects (NULL: any, test_snat_ranges checks it). */
static const char *snat_src = UPLINK;

/* Guest 1 -> FAR through the tc port program: returns the NAT port. */
static uint16_t snat_out(uint8_t proto, uint16_t sport, uint16_t dport, struct frame *out)
{
	struct frame f;

	build(&f, BRMAC, MAC1, GUEST1, FAR, proto, sport, dport, SYN);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, out), TC_REDIRECT);
	assert_int_equal(out->len, f.len);
	assert_macs(out, WANMAC, UPMAC);	/* next hop from the FIB */
	if (snat_src)
		assert_int_equal(addr_at(out, 12), ip4(snat_src));
	assert_int_equal(addr_at(out, 16), ip4(FAR));
	assert_int_equal(out->b[14 + 8], 63);	/* TTL */
	assert_csums_ok(out);
	return proto == IPPROTO_ICMP ? port_at(out, 4) : port_at(out, 0);
}

static void test_snat_tcp_and_reply(void **state)
{
	uint64_t created;
	struct frame out, r;
	uint16_t nport;

	NEED_WORLD();
	created = global(VNET_G_NAT_CREATED);
	nport = snat_out(IPPROTO_TCP, 40000, 443, &out);
	assert_true(VNET_NAT_PORT_OK(nport));	/* 40000: host ephemeral, not kept */
	assert_int_equal(port_at(&out, 2), 443);
	assert_int_equal(global(VNET_G_NAT_CREATED), created + 1);
	/* the same flow keeps its port */
	assert_int_equal(snat_out(IPPROTO_TCP, 40000, 443, &out), nport);
	assert_int_equal(global(VNET_G_NAT_CREATED), created + 1);
	/* the reply comes back translated, to guest 1's port */
	build(&r, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_TCP, 443, nport, SYN | ACK);
	assert_int_equal(run_tc("vnet_uplink_tc", &r, W.up, &out), TC_REDIRECT);
	assert_macs(&out, MAC1, BRMAC);
	assert_int_equal(addr_at(&out, 12), ip4(FAR));
	assert_int_equal(addr_at(&out, 16), ip4(GUEST1));
	assert_int_equal(port_at(&out, 0), 443);
	assert_int_equal(port_at(&out, 2), 40000);
	assert_csums_ok(&out);
	/* a reply whose TTL would expire is the kernel's (ICMP time exceeded),
	 * not translated and delivered with TTL 0 */
	r.b[14 + 8] = 1;
	put16(r.b + 14 + 10, 0);
	put16(r.b + 14 + 10, ip_check(r.b + 14));
	assert_int_equal(run_tc("vnet_uplink_tc", &r, W.up, &out), TC_OK);
	assert_int_equal(addr_at(&out, 16), ip4(UPLINK));
}

static void test_snat_udp_icmp(void **state)
{
	struct frame out, r;
	uint16_t nport, nid;

	NEED_WORLD();
	nport = snat_out(IPPROTO_UDP, 5353, 53, &out);
	assert_int_equal(nport, 5353);	/* a free NAT port: the guest's own kept */
	nid = snat_out(IPPROTO_ICMP, 0x4242, 0, &out);	/* echo id 0x4242 */
	assert_int_equal(nid, 0x4242);
	/* echo reply: type 0, id = the NAT id */
	build(&r, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_ICMP, nid, 0, 0);
	r.b[14 + 20] = 0;
	put16(r.b + 14 + 22, 0);
	put16(r.b + 14 + 22, l4_check(ip_of(&r)));
	assert_int_equal(run_tc("vnet_uplink_tc", &r, W.up, &out), TC_REDIRECT);
	assert_int_equal(addr_at(&out, 16), ip4(GUEST1));
	assert_int_equal(port_at(&out, 4), 0x4242);
	assert_csums_ok(&out);
}

/* The OUT entry of guest 1's UDP flow sport -> FAR:dport. */
static int out_entry(uint16_t sport, uint16_t dport, struct vnet_ct_key *k, struct vnet_ct *v)
{
	*k = (struct vnet_ct_key){ .saddr = ip4(GUEST1), .daddr = ip4(FAR), .sport = htons(sport),
				   .dport = htons(dport), .proto = IPPROTO_UDP };
	return bpf_map_lookup_elem(DP_MAP_FD(W.dp, ct_map), k, v);
}

/* The flow's next hop is cached in its OUT entry (nexthop.h): used for
 * packets up to the length it was looked up for, looked up again for a
 * longer one, and when the flow's timestamp is refreshed (~1 s). A stale
 * MAC planted in the entry shows which one a packet got. */
static void test_nexthop_cache(void **state)
{
	static const uint8_t STALE[6] = { 2, 0, 0, 0, 0xee, 0xee };
	int fd = DP_MAP_FD(W.dp, ct_map);
	struct vnet_ct_key k;
	struct vnet_ct v;
	struct frame f, big, out;

	NEED_WORLD();
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 6100, 7000, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_int_equal(out_entry(6100, 7000, &k, &v), 0);
	assert_int_equal(v.nh_valid, 1);
	assert_memory_equal(v.nh_dmac, WANMAC, 6);
	assert_memory_equal(v.nh_smac, UPMAC, 6);
	assert_int_equal(v.nh_len, f.len - 14);
	/* cached: the planted MAC is used, for tc and XDP */
	memcpy(v.nh_dmac, STALE, 6);
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_macs(&out, STALE, UPMAC);
	assert_csums_ok(&out);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, &out), XDP_REDIRECT);
	assert_macs(&out, STALE, UPMAC);
	/* longer than the lookup checked (MTU): looked up, cache refreshed */
	big = f;
	big.len += 100;
	put16(big.b + 14 + 2, big.len - 14);
	put16(big.b + 14 + 10, 0);
	put16(big.b + 14 + 10, ip_check(big.b + 14));
	put16(big.b + 34 + 4, big.len - 34);
	put16(big.b + 34 + 6, 0);
	put16(big.b + 34 + 6, l4_check(big.b + 14));
	assert_int_equal(run_tc("vnet_port_tc", &big, W.p1, &out), TC_REDIRECT);
	assert_macs(&out, WANMAC, UPMAC);
	assert_csums_ok(&out);
	assert_int_equal(out_entry(6100, 7000, &k, &v), 0);
	assert_int_equal(v.nh_len, big.len - 14);
	/* the timestamp refresh (a second) expires it */
	memcpy(v.nh_dmac, STALE, 6);
	v.seen_ns = 1;
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_macs(&out, WANMAC, UPMAC);
}

/* run_tc with the skb marked GSO (gso_size set, as a TSO super-packet). */
static int run_tc_gso(const struct frame *in, int ifindex, struct frame *out)
{
	struct __sk_buff ctx = { .ifindex = ifindex, .gso_size = 1000, .gso_segs = 2 };
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in->b, .data_size_in = in->len,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .data_out = out->b,
			    .data_size_out = sizeof(out->b));

	assert_int_equal(bpf_prog_test_run_opts(prog_fd("vnet_port_tc"), &o), 0);
	out->len = o.data_size_out;
	return o.retval;
}

/* tc GSO super-packets (TCP through NAT) use the cached next hop: their
 * lookup would check only that the device is up, not their length (issue
 * 21: they all looked up). One's own lookup is kept with length 0: it
 * serves GSO packets, not a plain packet, which looks up for its length. */
static void test_nexthop_cache_gso(void **state)
{
	static const uint8_t STALE[6] = { 2, 0, 0, 0, 0xee, 0xef };
	int fd = DP_MAP_FD(W.dp, ct_map);
	struct vnet_ct_key k;
	struct vnet_ct v;
	struct frame f, out;

	NEED_WORLD();
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 6101, 7000, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_int_equal(out_entry(6101, 7000, &k, &v), 0);
	assert_int_equal(v.nh_valid, 1);
	memcpy(v.nh_dmac, STALE, 6);
	v.nh_len = 20;	/* shorter than the frame: only GSO may use it */
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
	assert_int_equal(run_tc_gso(&f, W.p1, &out), TC_REDIRECT);
	assert_macs(&out, STALE, UPMAC);
	assert_csums_ok(&out);
	/* expired: a GSO packet looks up and keeps it with length 0 */
	assert_int_equal(out_entry(6101, 7000, &k, &v), 0);
	v.seen_ns = 1;
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
	assert_int_equal(run_tc_gso(&f, W.p1, &out), TC_REDIRECT);
	assert_macs(&out, WANMAC, UPMAC);
	assert_int_equal(out_entry(6101, 7000, &k, &v), 0);
	assert_int_equal(v.nh_valid, 1);
	assert_int_equal(v.nh_len, 0);
	/* which a plain packet does not take: it looks up (the planted MAC
	 * is not used) and keeps its own length */
	memcpy(v.nh_dmac, STALE, 6);
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_macs(&out, WANMAC, UPMAC);
	assert_int_equal(out_entry(6101, 7000, &k, &v), 0);
	assert_int_equal(v.nh_len, f.len - 14);
}

/* A UDP datagram with 64 bytes of payload, checksummed, split after 40
 * bytes of L4 into two fragments of IP id `id`: *a (offset 0, MF) and *b. */
static void udp_fragments(const uint8_t *dmac, const uint8_t *smac, const char *src,
			  const char *dst, uint16_t sport, uint16_t dport, uint16_t id,
			  struct frame *a, struct frame *b)
{
	struct frame d;
	uint8_t *ip = d.b + 14, *l4 = ip + 20;

	build(&d, dmac, smac, src, dst, IPPROTO_UDP, sport, dport, 0);
	for (int i = 0; i < 64; i++)
		l4[8 + i] = (uint8_t)(i * 5 + 3);
	put16(ip + 2, 20 + 8 + 64);
	put16(ip + 4, id);
	put16(l4 + 4, 8 + 64);
	put16(l4 + 6, 0);
	put16(l4 + 6, l4_check(ip));
	*a = d;
	put16(a->b + 14 + 2, 20 + 40);
	put16(a->b + 14 + 6, 0x2000);	/* MF, offset 0 */
	a->len = 14 + 20 + 40;
	*b = d;
	memcpy(b->b + 34, l4 + 40, 32);
	put16(b->b + 14 + 2, 20 + 32);
	put16(b->b + 14 + 6, 40 / 8);	/* offset 40, last */
	b->len = 14 + 20 + 32;
	for (struct frame *f = a; f; f = f == a ? b : NULL) {
		put16(f->b + 14 + 10, 0);
		put16(f->b + 14 + 10, ip_check(f->b + 14));
	}
}

/* The two translated fragments put back together: the UDP checksum over
 * the whole datagram (it lies in the first) must still be right. */
static void assert_reassembled_ok(const struct frame *a, const struct frame *b)
{
	struct frame d = *a;

	assert_int_equal(ip_check(a->b + 14), 0);
	assert_int_equal(ip_check(b->b + 14), 0);
	assert_memory_equal(a->b + 14 + 12, b->b + 14 + 12, 8);	/* same addresses */
	memcpy(d.b + 34 + 40, b->b + 34, 32);
	put16(d.b + 14 + 2, 20 + 72);
	assert_int_equal(l4_check(d.b + 14), 0);
}

/* Fragmented datagrams cross the NAT both ways without reassembly
 * (frag.h): the first fragment is translated with its flow and records
 * the address; the later one follows it; one whose first was not seen is
 * dropped on a guest port. */
static void test_fragments(void **state)
{
	struct frame a, b, oa, ob;
	uint64_t bad;
	uint16_t nport;

	NEED_WORLD();
	udp_fragments(BRMAC, MAC1, GUEST1, FAR, 6200, 7200, 0x1111, &a, &b);
	assert_int_equal(run_tc("vnet_port_tc", &a, W.p1, &oa), TC_REDIRECT);
	assert_int_equal(run_tc("vnet_port_tc", &b, W.p1, &ob), TC_REDIRECT);
	assert_macs(&ob, WANMAC, UPMAC);
	assert_int_equal(addr_at(&oa, 12), ip4(UPLINK));
	assert_int_equal(addr_at(&ob, 12), ip4(UPLINK));
	assert_memory_equal(ob.b + 34, b.b + 34, 32);	/* payload untouched */
	assert_int_equal(ob.b[14 + 8], 63);
	nport = port_at(&oa, 0);
	assert_reassembled_ok(&oa, &ob);
	/* XDP the same */
	assert_int_equal(run_xdp("vnet_port_xdp", &a, W.p1, &oa), XDP_REDIRECT);
	assert_int_equal(run_xdp("vnet_port_xdp", &b, W.p1, &ob), XDP_REDIRECT);
	assert_reassembled_ok(&oa, &ob);
	/* the record went with the last fragment (an IP id may be reused) */
	bad = drops(VNET_DROP_IP_OPTS);
	assert_int_equal(run_tc("vnet_port_tc", &b, W.p1, NULL), TC_SHOT);
	/* a later fragment whose first was never seen */
	put16(b.b + 14 + 4, 0x2222);
	put16(b.b + 14 + 10, 0);
	put16(b.b + 14 + 10, ip_check(b.b + 14));
	assert_int_equal(run_tc("vnet_port_tc", &b, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_IP_OPTS), bad + 2);
	/* the reply, fragmented by the remote: back to the guest's address and port */
	udp_fragments(UPMAC, WANMAC, FAR, UPLINK, 7200, nport, 0x3333, &a, &b);
	assert_int_equal(run_tc("vnet_uplink_tc", &a, W.up, &oa), TC_REDIRECT);
	assert_int_equal(run_tc("vnet_uplink_tc", &b, W.up, &ob), TC_REDIRECT);
	assert_int_equal(addr_at(&oa, 16), ip4(GUEST1));
	assert_int_equal(addr_at(&ob, 16), ip4(GUEST1));
	assert_int_equal(port_at(&oa, 2), 6200);
	assert_macs(&ob, MAC1, BRMAC);
	assert_reassembled_ok(&oa, &ob);
	/* the same id again after the last fragment, and an unknown one: the
	 * host's, as before */
	assert_int_equal(run_tc("vnet_uplink_tc", &b, W.up, NULL), TC_OK);
	put16(b.b + 14 + 4, 0x4444);
	put16(b.b + 14 + 10, 0);
	put16(b.b + 14 + 10, ip_check(b.b + 14));
	assert_int_equal(run_tc("vnet_uplink_tc", &b, W.up, NULL), TC_OK);
}

static void test_snat_xdp(void **state)
{
	struct frame f, out;

	NEED_WORLD();
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 7000, 9000, 0);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, &out), XDP_REDIRECT);
	assert_macs(&out, WANMAC, UPMAC);
	assert_int_equal(addr_at(&out, 12), ip4(UPLINK));
	assert_int_equal(port_at(&out, 0), 7000);
	assert_csums_ok(&out);	/* checksums computed by hand on XDP */
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_TCP, 7001, 80, SYN);
	assert_int_equal(run_xdp("vnet_port_xdp", &f, W.p1, &out), XDP_REDIRECT);
	assert_csums_ok(&out);
}

/* An ICMP port unreachable about a translated UDP flow. */
static void test_icmp_error_translated(void **state)
{
	struct frame out, sent, e;
	uint8_t *ip = e.b + 14, *icmp = ip + 20;
	uint16_t nport;

	NEED_WORLD();
	nport = snat_out(IPPROTO_UDP, 6000, 69, &sent);
	memset(&e, 0, sizeof(e));
	memcpy(e.b, UPMAC, 6);
	memcpy(e.b + 6, WANMAC, 6);
	put16(e.b + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 20 + 8 + 28);
	ip[8] = 64;
	ip[9] = IPPROTO_ICMP;
	memcpy(ip + 12, (uint32_t[]){ ip4(FAR) }, 4);
	memcpy(ip + 16, (uint32_t[]){ ip4(UPLINK) }, 4);
	put16(ip + 10, ip_check(ip));
	icmp[0] = 3;
	icmp[1] = 3;
	memcpy(icmp + 8, sent.b + 14, 28);	/* embedded: what we sent */
	put16(icmp + 2, l4_check(ip));
	e.len = 14 + 20 + 8 + 28;
	assert_int_equal(run_tc("vnet_uplink_tc", &e, W.up, &out), TC_REDIRECT);
	ip = out.b + 14;
	icmp = ip + 20;
	assert_macs(&out, MAC1, BRMAC);
	assert_int_equal(addr_at(&out, 16), ip4(GUEST1));
	assert_int_equal(ip_check(ip), 0);
	assert_int_equal(l4_check(ip), 0);		/* ICMP checksum */
	assert_int_equal(ip_check(icmp + 8), 0);	/* embedded IP checksum */
	assert_memory_equal(icmp + 8 + 12, (uint32_t[]){ ip4(GUEST1) }, 4);
	assert_int_equal(get16(icmp + 8 + 20), 6000);
	(void)nport;
}

static void test_dnat_forward(void **state)
{
	struct netdef_port_forward pf = { .proto = IPPROTO_TCP, .host_port = 8080,
					  .guest_port = 80 };
	struct frame f, out;
	uint64_t hits;

	NEED_WORLD();
	pf.guest_ip.s_addr = ip4(GUEST2);
	assert_int_equal(dp_forward_add(W.dp, 1, &pf, NULL, 0), 0);
	hits = global(VNET_G_DNAT_HITS);
	build(&f, UPMAC, WANMAC, WAN, UPLINK, IPPROTO_TCP, 33333, 8080, SYN);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_macs(&out, MAC2, BRMAC);
	assert_int_equal(addr_at(&out, 16), ip4(GUEST2));
	assert_int_equal(port_at(&out, 2), 80);
	assert_csums_ok(&out);
	assert_int_equal(global(VNET_G_DNAT_HITS), hits + 1);
	/* the guest's answer leaves from the uplink address and host port */
	build(&f, BRMAC, MAC2, GUEST2, WAN, IPPROTO_TCP, 80, 33333, SYN | ACK);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p2, &out), TC_REDIRECT);
	assert_int_equal(addr_at(&out, 12), ip4(UPLINK));
	assert_int_equal(port_at(&out, 0), 8080);
	assert_csums_ok(&out);
	/* a UDP packet to the TCP forward is not forwarded */
	build(&f, UPMAC, WANMAC, WAN, UPLINK, IPPROTO_UDP, 33333, 8080, 0);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_OK);
	assert_int_equal(dp_forward_del(W.dp, 1, &pf), 0);
}

static void test_unsolicited_and_host_traffic(void **state)
{
	uint64_t before;
	struct frame f;

	NEED_WORLD();
	before = drops(VNET_DROP_UNSOLICITED);
	build(&f, UPMAC, WANMAC, WAN, GUEST1, IPPROTO_TCP, 1234, 22, SYN);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_UNSOLICITED), before + 1);
	/* the host's own traffic passes untouched */
	build(&f, UPMAC, WANMAC, WAN, UPLINK, IPPROTO_TCP, 1234, 22, SYN);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_OK);
	build(&f, UPMAC, WANMAC, WAN, UPLINK, IPPROTO_UDP, 53, 40000, 0);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_OK);
}

static void test_guard(void **state)
{
	uint64_t before;
	struct frame f;

	NEED_WORLD();
	before = drops(VNET_DROP_UNNAT_GUARD);
	build(&f, WANMAC, UPMAC, GUEST1, WAN, IPPROTO_UDP, 1, 2, 0);
	assert_int_equal(run_tc("vnet_uplink_guard", &f, W.up, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_UNNAT_GUARD), before + 1);
	build(&f, WANMAC, UPMAC, UPLINK, WAN, IPPROTO_UDP, 1, 2, 0);
	assert_int_equal(run_tc("vnet_uplink_guard", &f, W.up, NULL), TC_OK);
}

/* GC: an idle pair is collected and counted; a fresh one stays. */
static void test_gc(void **state)
{
	int fd = DP_MAP_FD(W.dp, ct_map);
	struct vnet_ct_key k = { .saddr = ip4(GUEST1), .daddr = ip4(FAR), .sport = htons(1),
				 .dport = htons(2), .proto = IPPROTO_UDP };
	struct vnet_ct_key ik = { .saddr = ip4(FAR), .daddr = ip4(UPLINK), .sport = htons(2),
				  .dport = htons(61999), .proto = IPPROTO_UDP };
	struct vnet_ct out = { .peer = ik, .dir = VNET_CT_OUT, .initiator = 1, .seen_ns = 1 };
	struct vnet_ct in = { .peer = k, .dir = VNET_CT_IN, .seen_ns = 1 };
	struct vnet_ct v;
	uint64_t expired;
	int n;

	NEED_WORLD();
	snat_out(IPPROTO_UDP, 2222, 53, &(struct frame){ 0 });	/* fresh */
	assert_int_equal(bpf_map_update_elem(fd, &k, &out, BPF_NOEXIST), 0);
	assert_int_equal(bpf_map_update_elem(fd, &ik, &in, BPF_NOEXIST), 0);
	n = ct_count();
	expired = global(VNET_G_CT_EXPIRED);
	dp_tick(W.dp);
	assert_int_equal(ct_count(), n - 2);
	assert_int_equal(global(VNET_G_CT_EXPIRED), expired + 1);
	assert_int_not_equal(bpf_map_lookup_elem(fd, &k, &v), 0);
	assert_int_not_equal(bpf_map_lookup_elem(fd, &ik, &v), 0);
}

static void fill_pairs(int fd, int flows, uint64_t seen_ns)
{
	struct vnet_ct_key k = { .saddr = ip4(GUEST1), .daddr = ip4(FAR), .proto = IPPROTO_UDP };
	struct vnet_ct_key ik = { .saddr = ip4(FAR), .daddr = ip4(UPLINK), .proto = IPPROTO_UDP };
	struct vnet_ct out = { .dir = VNET_CT_OUT, .initiator = 1, .seen_ns = seen_ns };
	struct vnet_ct in = { .dir = VNET_CT_IN, .seen_ns = seen_ns };

	for (int i = 0; i < flows; i++) {
		k.sport = htons(1 + i % 60000);
		k.dport = htons(1 + i / 60000);
		ik.sport = k.dport;
		ik.dport = k.sport;
		out.peer = ik;
		in.peer = k;
		assert_int_equal(bpf_map_update_elem(fd, &k, &out, BPF_NOEXIST), 0);
		assert_int_equal(bpf_map_update_elem(fd, &ik, &in, BPF_NOEXIST), 0);
	}
}

/* GC of a big table (issue 21): 100k flows (200k entries of the default
 * 262,144, near the eviction mark) are more than a tick reads, so the GC
 * goes over the table in a cycle of several ticks: the live flows are all
 * kept, and once idle they are all removed and counted within one cycle
 * (GC_MAX_SLICES ticks), by the kernel judge (bpf/vnet_gc.bpf.c: the whole
 * table once a cycle) and by vnetd's walk by slices (user: some left
 * after the first tick, the table was not read whole). */
static void gc_big_table(int user)
{
	int fd = DP_MAP_FD(W.dp, ct_map), n, t;
	struct timespec now;
	uint64_t expired;

	W.dp->gc_user_only = user;
	clock_gettime(CLOCK_MONOTONIC, &now);
	n = ct_count();
	fill_pairs(fd, 100000, now.tv_sec * 1000000000ULL + now.tv_nsec);
	for (t = 0; t < 2 * GC_MAX_SLICES; t++)
		dp_tick(W.dp);
	assert_int_equal(ct_count(), n + 200000);
	assert_true(dp_gc_slices(W.dp) > 1);
	/* the same flows, idle since boot (both entries of each) */
	for (int i = 0; i < 100000; i++) {
		struct vnet_ct_key k = { .saddr = ip4(GUEST1), .daddr = ip4(FAR),
					 .sport = htons(1 + i % 60000), .dport = htons(1 + i / 60000),
					 .proto = IPPROTO_UDP };
		struct vnet_ct v, pv;

		assert_int_equal(bpf_map_lookup_elem(fd, &k, &v), 0);
		assert_int_equal(bpf_map_lookup_elem(fd, &v.peer, &pv), 0);
		v.seen_ns = pv.seen_ns = 1;
		assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
		assert_int_equal(bpf_map_update_elem(fd, &v.peer, &pv, BPF_EXIST), 0);
	}
	expired = global(VNET_G_CT_EXPIRED);
	dp_tick(W.dp);
	if (user)
		assert_true(ct_count() > n && ct_count() < n + 200000);	/* one slice */
	for (t = 1; t < GC_MAX_SLICES && ct_count() > n; t++)
		dp_tick(W.dp);
	assert_int_equal(ct_count(), n);
	assert_int_equal(global(VNET_G_CT_EXPIRED), expired + 100000);
	/* what stats reports follows (a tick of the table left reads it
	 * whole again); the table, not n: earlier tests' flows may expire in
	 * this tick on a slow run */
	dp_tick(W.dp);
	assert_int_equal(W.dp->ct_entries, ct_count());
	W.dp->gc_user_only = 0;
}

static void test_gc_big_table(void **state)
{
	NEED_WORLD();
	gc_big_table(0);
	gc_big_table(1);
}

/* VNET_CT_MAX sizes a new table; an existing pin keeps its size (an
 * upgrade to another default must not fail to load). */
static int ct_max_of(struct datapath *dp)
{
	return bpf_map__max_entries(dp->skel->maps.ct_map);
}

static void test_ct_max_env(void **state)
{
	struct datapath *dp = NULL;
	char pin[160], err[256];

	NEED_WORLD();
	assert_int_equal(ct_max_of(W.dp), VNET_MAX_CT);
	struct dp_config c = DP_CONFIG_DEFAULT;

	c.ct_max = 1024;
	dp_configure(&c);
	assert_int_equal(dp_open(W.pin, &dp, err, sizeof(err)), 0);	/* reuses W's pins */
	assert_int_equal(ct_max_of(dp), VNET_MAX_CT);
	dp_close(dp);
	snprintf(pin, sizeof(pin), "%s-fresh", W.pin);
	assert_int_equal(dp_open(pin, &dp, err, sizeof(err)), 0);
	assert_int_equal(ct_max_of(dp), 1024);
	dp_close(dp);
	dp_purge(pin);
	dp_configure(&(struct dp_config)DP_CONFIG_DEFAULT);
}

/* Counter maps pinned by a build with another shape (drops and
 * global_stats were global arrays of VNET_DROP_MAX / VNET_G_MAX entries
 * before they became per network) are replaced, not a load failure; the
 * other pins are reused as they are. */
static void test_old_counter_pins_replaced(void **state)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	struct datapath *dp = NULL;
	char pin[160], path[200], err[256] = "";
	int fd, ncpu = libbpf_num_possible_cpus();
	uint64_t old[ncpu];

	NEED_WORLD();
	snprintf(pin, sizeof(pin), "%s-old", W.pin);
	assert_int_equal(dp_open(pin, &dp, err, sizeof(err)), 0);	/* a current pin dir */
	dp_close(dp);
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "global_stats" : "drops";

		snprintf(path, sizeof(path), "%s/%s", pin, name);
		unlink(path);
		fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, name, 4, 8, i ? 6 : 21, NULL);
		assert_true(fd >= 0);
		memset(old, 0, sizeof(old));
		old[0] = 77;
		assert_int_equal(bpf_map_update_elem(fd, &(__u32){ 1 }, old, BPF_ANY), 0);
		assert_int_equal(bpf_obj_pin(fd, path), 0);
		close(fd);
	}
	dp = NULL;
	assert_int_equal(dp_open(pin, &dp, err, sizeof(err)), 0);
	fd = bpf_obj_get(path);
	assert_true(fd >= 0);
	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	assert_int_equal(info.max_entries, VNET_MAX_NETS * VNET_G_SLOTS);
	assert_int_equal(bpf_map_lookup_elem(fd, &(__u32){ 1 }, old), 0);
	assert_int_equal(old[0], 0);	/* counts restart */
	close(fd);
	assert_int_equal(bpf_map__max_entries(dp->skel->maps.drops),
			 VNET_MAX_NETS * VNET_DROP_SLOTS);
	dp_close(dp);
	dp_purge(pin);
}

/* A full table: new flows fail (counted), existing ones keep working. */
static void test_ct_full(void **state)
{
	int fd = DP_MAP_FD(W.dp, ct_map);
	struct vnet_ct_key k = { .proto = IPPROTO_UDP };
	struct vnet_ct v = { .dir = VNET_CT_IN };
	struct frame out, f;
	uint64_t before;
	uint16_t nport;
	int i;

	NEED_WORLD();
	nport = snat_out(IPPROTO_UDP, 3333, 53, &out);
	for (i = 0; i < VNET_MAX_CT; i++) {
		k.saddr = htonl(0x0a000000 + i);
		if (bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST))
			break;
	}
	assert_int_equal(errno, E2BIG);
	before = drops(VNET_DROP_CT_FULL);
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 3334, 53, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_CT_FULL), before + 1);
	assert_int_equal(snat_out(IPPROTO_UDP, 3333, 53, &out), nport);	/* still works */
	for (; i >= 0; i--) {
		k.saddr = htonl(0x0a000000 + i);
		bpf_map_delete_elem(fd, &k);
	}
}

/* Every NAT port toward one remote endpoint taken: counted, not sent. */
static void test_nat_port_exhaustion(void **state)
{
	int fd = DP_MAP_FD(W.dp, ct_map), port;
	struct vnet_ct_key k = { .saddr = ip4(FAR), .daddr = ip4(UPLINK), .sport = htons(123),
				 .proto = IPPROTO_UDP };
	struct vnet_ct v = { .dir = VNET_CT_IN };
	uint64_t before, failed;
	struct frame f;

	NEED_WORLD();
	for (port = 1; port <= 65535; port++) {
		if (!VNET_NAT_PORT_OK(port))
			continue;
		k.dport = htons(port);
		assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST), 0);
	}
	before = drops(VNET_DROP_NAT_NO_PORT);
	failed = global(VNET_G_CT_FAILED);
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 4444, 123, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_NAT_NO_PORT), before + 1);
	/* counted as that drop only: the table itself is not full */
	assert_int_equal(global(VNET_G_CT_FAILED), failed);
	/* another remote port still gets one (endpoint-dependent mapping) */
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 4444, 124, 0);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_REDIRECT);
	for (port = 1; port <= 65535; port++) {
		k.dport = htons(port);
		bpf_map_delete_elem(fd, &k);
	}
}

/* The guest's port is kept when free; when another guest flow holds it
 * toward the same endpoint, a random NAT port is used instead. */
static void test_snat_own_port_collision(void **state)
{
	int fd = DP_MAP_FD(W.dp, ct_map);
	struct vnet_ct_key k = { .saddr = ip4(FAR), .daddr = ip4(UPLINK), .sport = htons(25),
				 .dport = htons(2500), .proto = IPPROTO_TCP };
	struct vnet_ct v = { .dir = VNET_CT_IN };
	struct frame out;
	uint16_t nport;

	NEED_WORLD();
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST), 0);
	nport = snat_out(IPPROTO_TCP, 2500, 25, &out);
	assert_int_not_equal(nport, 2500);
	assert_true(VNET_NAT_PORT_OK(nport));
	assert_int_equal(snat_out(IPPROTO_TCP, 2501, 25, &out), 2501);
	bpf_map_delete_elem(fd, &k);
}

/* Probes are random, not a run of consecutive ports: with one cluster of
 * 18000 consecutive ports (half the NAT ports) taken toward one endpoint,
 * 20 new flows all find a port (failure odds 0.5^31 each). Linear probing
 * from a random start fails whenever it starts inside the cluster. */
static void test_snat_random_probe(void **state)
{
	int fd = DP_MAP_FD(W.dp, ct_map), port, i, fails = 0;
	struct vnet_ct_key k = { .saddr = ip4(FAR), .daddr = ip4(UPLINK), .sport = htons(7),
				 .proto = IPPROTO_UDP };
	struct vnet_ct v = { .dir = VNET_CT_IN };
	struct frame f, out;

	NEED_WORLD();
	for (port = VNET_NAT_LO_MIN; port < VNET_NAT_LO_MIN + 18000; port++) {
		k.dport = htons(port);
		assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST), 0);
	}
	for (i = 0; i < 20; i++) {
		build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 1100 + i, 7, 0);
		if (run_tc("vnet_port_tc", &f, W.p1, &out) != TC_REDIRECT)
			fails++;
	}
	assert_int_equal(fails, 0);
	for (port = VNET_NAT_LO_MIN; port < VNET_NAT_LO_MIN + 18000; port++) {
		k.dport = htons(port);
		bpf_map_delete_elem(fd, &k);
	}
}

/* A new SYN on a tuple whose connection was reset takes the flow over:
 * both directions' state is cleared, so GC does not expire the new
 * connection on the old one's RST timeout. */
static void test_syn_takes_over_closed_flow(void **state)
{
	int fd = DP_MAP_FD(W.dp, ct_map);
	struct vnet_ct_key k = { .saddr = ip4(GUEST1), .daddr = ip4(FAR), .sport = htons(42000),
				 .dport = htons(80), .proto = IPPROTO_TCP };
	struct vnet_ct v, in;
	struct frame f, out;
	uint16_t nport;

	NEED_WORLD();
	nport = snat_out(IPPROTO_TCP, 42000, 80, &out);
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_TCP, 42000, 80, 0x04);	/* RST */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_int_equal(bpf_map_lookup_elem(fd, &k, &v), 0);
	assert_true(v.seen & VNET_CT_RST);
	assert_int_equal(snat_out(IPPROTO_TCP, 42000, 80, &out), nport);	/* new SYN */
	assert_int_equal(bpf_map_lookup_elem(fd, &k, &v), 0);
	assert_int_equal(v.seen & VNET_CT_RST, 0);
	assert_true(v.seen & VNET_CT_SYN);
	assert_int_equal(bpf_map_lookup_elem(fd, &v.peer, &in), 0);
	assert_int_equal(in.seen, 0);
	/* a retransmitted SYN of a live flow changes nothing */
	assert_int_equal(snat_out(IPPROTO_TCP, 42000, 80, &out), nport);
}

/* A TCP frame's sequence and acknowledgement numbers, checksum redone. */
static void set_seq(struct frame *f, uint32_t seq, uint32_t ack)
{
	uint8_t *ip = f->b + 14, *l4 = ip + 20;

	put16(l4 + 4, seq >> 16);
	put16(l4 + 6, seq);
	put16(l4 + 8, ack >> 16);
	put16(l4 + 10, ack);
	put16(l4 + 16, 0);
	put16(l4 + 16, l4_check(ip));
}

/* A reset from outside closes a NAT flow only if its sequence number is
 * in the guest's receive window (RFC 5961): a wan host that guesses the
 * 4-tuple (the guest's public port shows) cannot forge one to end a
 * guest's connection early (10 s) nor to free its NAT port for another
 * flow (snat_take_reset). Delivered to the guest all the same; a reset
 * in the window, or any from the guest, still closes it (issue 21). */
static void test_wan_rst_needs_window(void **state)
{
	int fd = DP_MAP_FD(W.dp, ct_map);
	const uint32_t cisn = 1000, sisn = 0x70000000;
	struct vnet_ct_key k;
	struct vnet_ct v, in;
	struct frame f, out;
	uint16_t nport;

	NEED_WORLD();
	nport = snat_out(IPPROTO_TCP, 42100, 443, &out);
	k = (struct vnet_ct_key){ .saddr = ip4(GUEST1), .daddr = ip4(FAR), .sport = htons(42100),
				  .dport = htons(443), .proto = IPPROTO_TCP };
	build(&f, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_TCP, 443, nport, SYN | ACK);
	set_seq(&f, sisn, cisn + 1);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_TCP, 42100, 443, ACK);
	set_seq(&f, cisn + 1, sisn + 5001);	/* 5000 bytes received */
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	/* forged: far outside the window, at tc and at XDP; delivered, no state */
	build(&f, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_TCP, 443, nport, 0x04);
	set_seq(&f, sisn + 0x40000000, 0);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	run_xdp("vnet_uplink_xdp", &f, W.up, &out);
	set_seq(&f, sisn + 5000, 0);	/* just before the window */
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_int_equal(bpf_map_lookup_elem(fd, &k, &v), 0);
	assert_int_equal(bpf_map_lookup_elem(fd, &v.peer, &in), 0);
	assert_int_equal((v.seen | in.seen) & VNET_CT_RST, 0);
	assert_true(in.seen & VNET_CT_EST || v.seen & VNET_CT_EST);
	/* genuine: at the guest's ACK */
	set_seq(&f, sisn + 5001, 0);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_int_equal(bpf_map_lookup_elem(fd, &v.peer, &in), 0);
	assert_true(in.seen & VNET_CT_RST);
	/* the tuple reused (a new SYN takes the flow over): the old
	 * connection's ACK is forgotten, a refusal (RST+ACK, seq 0) counts */
	assert_int_equal(snat_out(IPPROTO_TCP, 42100, 443, &out), nport);
	build(&f, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_TCP, 443, nport, 0x04 | ACK);
	set_seq(&f, 0, 1);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_int_equal(bpf_map_lookup_elem(fd, &v.peer, &in), 0);
	assert_true(in.seen & VNET_CT_RST);
}

/* Another network's subnet is reached through its bridge, not the
 * uplink: never routed by the fast path. */
static void test_networks_isolated_from_each_other(void **state)
{
	uint64_t before;
	struct frame f;

	NEED_WORLD();
	assert_int_equal(system("ip link add br1 type bridge && ip addr add 10.7.0.1/24 dev br1 && "
				"ip link set br1 up"), 0);
	before = drops(VNET_DROP_CROSS_NET);
	build(&f, BRMAC, MAC1, GUEST1, "10.7.0.5", IPPROTO_TCP, 5555, 80, SYN);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_CROSS_NET), before + 1);
	system("ip link del br1");
}

static void set_net(int mode, const char *uplink_addr)
{
	struct dp_net_cfg c = world_net_cfg(mode, uplink_addr);

	assert_int_equal(dp_net_set(W.dp, &c, NULL, 0), 0);
}

/* A new uplink address flushes the network's translations; setting the
 * same one again keeps them. */
static void test_uplink_addr_change(void **state)
{
	struct frame out;

	NEED_WORLD();
	snat_out(IPPROTO_UDP, 8888, 53, &out);
	assert_true(ct_count() >= 2);
	set_net(NETDEF_MODE_NAT, UPLINK);
	assert_true(ct_count() >= 2);
	set_net(NETDEF_MODE_NAT, "203.0.113.9");
	assert_int_equal(ct_count(), 0);
	set_net(NETDEF_MODE_NAT, UPLINK);
}

/* <nat><port start end> and <nat><address start end> (nat_map): TCP and
 * UDP flows take ports of the range only (a guest's own port only if in
 * it), the source from the address range, the same for all of a guest's
 * flows; ICMP keeps vnet's ranges; replies come back to the guest. */
static void test_snat_ranges(void **state)
{
	struct dp_net_cfg c = world_net_cfg(NETDEF_MODE_NAT, UPLINK);
	struct frame out, r;
	uint32_t src = 0;
	uint16_t nport;
	int i;

	NEED_WORLD();
	c.nat_port_start = 20000;
	c.nat_port_end = 20009;
	c.nat_addr_start.s_addr = ip4("203.0.113.10");
	c.nat_addr_end.s_addr = ip4("203.0.113.12");
	assert_int_equal(dp_net_set(W.dp, &c, NULL, 0), 0);
	snat_src = NULL;
	for (i = 0; i < 10; i++) {	/* the range's 10 ports toward one endpoint */
		nport = snat_out(i % 2 ? IPPROTO_UDP : IPPROTO_TCP, 30000 + i, 443, &out);
		assert_in_range(nport, 20000, 20009);
		if (!src)
			src = addr_at(&out, 12);
		assert_int_equal(addr_at(&out, 12), src);	/* one address per guest */
		assert_in_range(ntohl(src), ntohl(ip4("203.0.113.10")), ntohl(ip4("203.0.113.12")));
	}
	assert_int_equal(snat_out(IPPROTO_TCP, 20005, 80, &out), 20005);	/* own port, in range */
	/* a reply to a range address comes back to the guest */
	build(&r, UPMAC, WANMAC, FAR, "0.0.0.0", IPPROTO_TCP, 80, 20005, SYN | ACK);
	memcpy(r.b + 14 + 16, &src, 4);
	put16(r.b + 14 + 10, 0);
	put16(r.b + 14 + 10, ip_check(r.b + 14));
	put16(r.b + 14 + 20 + 16, 0);
	put16(r.b + 14 + 20 + 16, l4_check(ip_of(&r)));
	assert_int_equal(run_tc("vnet_uplink_tc", &r, W.up, &out), TC_REDIRECT);
	assert_int_equal(addr_at(&out, 16), ip4(GUEST1));
	assert_int_equal(port_at(&out, 2), 20005);
	assert_true(VNET_NAT_PORT_OK(snat_out(IPPROTO_ICMP, 0x4343, 0, &out)));
	snat_src = UPLINK;
	set_net(NETDEF_MODE_NAT, UPLINK);	/* no ranges: vnet's again */
	nport = snat_out(IPPROTO_TCP, 40001, 443, &out);
	assert_true(VNET_NAT_PORT_OK(nport));
	assert_int_equal(addr_at(&out, 12), ip4(UPLINK));
}

/* Every NAT port toward one endpoint taken: a new TCP connection takes
 * over the port of a flow closed by a reset (its pair is removed) instead
 * of being dropped as nat_no_port -- a client churning short connections
 * to one server (make bench's connections/s: a refused SYN costs it a 1-s
 * retransmission) outgrows the ports while reset flows wait 10 s for the
 * GC. A port held by a live flow is never taken (issue 21). */
static void test_snat_takes_reset_port(void **state)
{
	struct dp_net_cfg c = world_net_cfg(NETDEF_MODE_NAT, UPLINK);
	uint64_t np = drops(VNET_DROP_NAT_NO_PORT);
	struct vnet_ct_key k = { .saddr = ip4(GUEST1), .daddr = ip4(FAR), .sport = htons(31000),
				 .dport = htons(443), .proto = IPPROTO_TCP };
	struct frame f, out, r;
	struct vnet_ct v;
	uint16_t p0;

	NEED_WORLD();
	c.nat_port_start = 21000;
	c.nat_port_end = 21001;
	assert_int_equal(dp_net_set(W.dp, &c, NULL, 0), 0);
	p0 = snat_out(IPPROTO_TCP, 31000, 443, &out);
	assert_in_range(snat_out(IPPROTO_TCP, 31001, 443, &out), 21000, 21001);
	/* both ports taken by live flows: refused */
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_TCP, 31002, 443, SYN);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, NULL), TC_SHOT);
	assert_int_equal(drops(VNET_DROP_NAT_NO_PORT), np + 1);
	/* the guest resets its first connection: its port may be taken */
	build(&r, BRMAC, MAC1, GUEST1, FAR, IPPROTO_TCP, 31000, 443, 0x04 | ACK);
	assert_int_equal(run_tc("vnet_port_tc", &r, W.p1, &out), TC_REDIRECT);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_int_equal(port_at(&out, 0), p0);
	assert_int_equal(drops(VNET_DROP_NAT_NO_PORT), np + 1);
	assert_int_not_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, ct_map), &k, &v), 0);
	/* the reply reaches the new connection */
	build(&r, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_TCP, 443, p0, SYN | ACK);
	assert_int_equal(run_tc("vnet_uplink_tc", &r, W.up, &out), TC_REDIRECT);
	assert_int_equal(port_at(&out, 2), 31002);
	set_net(NETDEF_MODE_NAT, UPLINK);	/* no ranges: vnet's again */
}

/* --- the uplink's XDP program (bpf/lib/uplink_xdp.h): twins of the tc
 * cases above. p1/p2 are veths on tc: XDP hands their frames to tc
 * untouched (RETRY); as xdp-veth ports, or a tap, XDP redirects them. */
#define XDP_RUN(f, out) run_xdp("vnet_uplink_xdp", (f), W.up, (out))

/* XDP passed the frame untouched, marked for the tc program behind it
 * (4 bytes of XDP metadata, which the test run hands out in front). */
#define META_DONE 0x766e0001u	/* VNET_META_DONE (bpf/lib/ctx.h) */
#define META_RETRY 0x766e0002u	/* VNET_META_RETRY */

static void assert_passed(const struct frame *out, const struct frame *in, uint32_t mark)
{
	uint32_t m;

	assert_int_equal(out->len, in->len + 4);
	memcpy(&m, out->b, 4);
	assert_int_equal(m, mark);
	assert_memory_equal(out->b + 4, in->b, in->len);
}

static void port_hook(int ifindex, const uint8_t *mac, int choice)
{
	char err[256] = "";

	assert_int_equal(dp_port_add_hook(W.dp, 1, ifindex, mac, choice, err, sizeof(err)), 0);
}

static void test_uplink_xdp_reply(void **state)
{
	uint64_t fast = global(VNET_G_UPLINK_XDP), to_tc = global(VNET_G_UPLINK_XDP_TC);
	struct frame out, r;
	uint16_t nport;

	NEED_WORLD();
	nport = snat_out(IPPROTO_TCP, 40100, 443, &out);
	build(&r, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_TCP, 443, nport, SYN | ACK);
	/* a tc veth port: XDP cannot, tc can; the frame goes on untouched */
	assert_int_equal(XDP_RUN(&r, &out), XDP_PASS);
	assert_passed(&out, &r, META_RETRY);
	assert_int_equal(global(VNET_G_UPLINK_XDP_TC), to_tc + 1);
	assert_int_equal(global(VNET_G_UPLINK_XDP), fast);
	/* the same port as xdp-veth: redirected at XDP, translated */
	port_hook(W.p1, MAC1, DP_HOOK_XDP);
	assert_int_equal(XDP_RUN(&r, &out), XDP_REDIRECT);
	assert_macs(&out, MAC1, BRMAC);
	assert_int_equal(addr_at(&out, 12), ip4(FAR));
	assert_int_equal(addr_at(&out, 16), ip4(GUEST1));
	assert_int_equal(port_at(&out, 0), 443);
	assert_int_equal(port_at(&out, 2), 40100);
	assert_int_equal(out.b[14 + 8], 63);
	assert_csums_ok(&out);
	assert_int_equal(global(VNET_G_UPLINK_XDP), fast + 1);
	/* UDP and an echo reply the same way */
	nport = snat_out(IPPROTO_UDP, 5454, 53, &out);
	build(&r, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_UDP, 53, nport, 0);
	assert_int_equal(XDP_RUN(&r, &out), XDP_REDIRECT);
	assert_int_equal(addr_at(&out, 16), ip4(GUEST1));
	assert_int_equal(port_at(&out, 2), 5454);
	assert_csums_ok(&out);
	nport = snat_out(IPPROTO_ICMP, 0x4343, 0, &out);
	build(&r, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_ICMP, nport, 0, 0);
	r.b[14 + 20] = 0;
	put16(r.b + 14 + 22, 0);
	put16(r.b + 14 + 22, l4_check(ip_of(&r)));
	assert_int_equal(XDP_RUN(&r, &out), XDP_REDIRECT);
	assert_int_equal(port_at(&out, 4), 0x4343);
	assert_csums_ok(&out);
	/* TTL 1: the kernel's (time exceeded), passed untouched, not tc's */
	to_tc = global(VNET_G_UPLINK_XDP_TC);
	build(&r, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_UDP, 53, nport, 0);
	r.b[14 + 8] = 1;
	put16(r.b + 14 + 10, 0);
	put16(r.b + 14 + 10, ip_check(r.b + 14));
	assert_int_equal(XDP_RUN(&r, &out), XDP_PASS);
	assert_passed(&out, &r, META_DONE);
	assert_int_equal(global(VNET_G_UPLINK_XDP_TC), to_tc);
	port_hook(W.p1, MAC1, DP_HOOK_TC);
}

/* A veth uplink's far end hands over partial checksums (CHECKSUM_PARTIAL:
 * only the pseudo-header sum in the field): recomputed in full; complete
 * ones (its checksum offload off) updated for the rewrite. */
static void test_uplink_xdp_partial_csum(void **state)
{
	struct vnet_uplink up, veth;
	struct frame out, r;
	uint16_t nport;
	__u32 key = W.up;

	NEED_WORLD();
	assert_int_equal(bpf_map_lookup_elem(DP_MAP_FD(W.dp, uplink_map), &key, &up), 0);
	veth = up;
	veth.kind = VNET_KIND_VETH;
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, uplink_map), &key, &veth, BPF_ANY), 0);
	dp_uplink_slot_sync(W.dp, key);	/* the uplink programs' copy */
	dp_port_state_sync_all(W.dp);
	port_hook(W.p1, MAC1, DP_HOOK_XDP);
	nport = snat_out(IPPROTO_TCP, 40200, 443, &out);
	build(&r, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_TCP, 443, nport, ACK);
	/* complete (the far end without checksum offload): updated */
	assert_int_equal(XDP_RUN(&r, &out), XDP_REDIRECT);
	assert_int_equal(addr_at(&out, 16), ip4(GUEST1));
	assert_csums_ok(&out);
	/* partial: the field holds the pseudo-header's sum only */
	put16(r.b + 14 + 20 + 16, fold(sum16(r.b + 14 + 12, 8, IPPROTO_TCP + 20 + 16)) ^ 0xffff);
	assert_int_not_equal(l4_check(r.b + 14), 0);
	assert_int_equal(XDP_RUN(&r, &out), XDP_REDIRECT);
	assert_int_equal(addr_at(&out, 16), ip4(GUEST1));
	assert_csums_ok(&out);
	port_hook(W.p1, MAC1, DP_HOOK_TC);
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, uplink_map), &key, &up, BPF_ANY), 0);
	dp_uplink_slot_sync(W.dp, key);	/* the uplink programs' copy */
	dp_port_state_sync_all(W.dp);
}

/* A port forward at XDP into an xdp-veth port and into a tap. */
static void test_uplink_xdp_dnat(void **state)
{
	struct netdef_port_forward pf = { .proto = IPPROTO_TCP, .host_port = 8081,
					  .guest_port = 80 };
	static const uint8_t MAC3[6] = { 2, 0, 0, 0, 0, 0x12 };
	uint64_t hits, fast;
	struct frame f, out;
	char err[256] = "";
	int tap;

	NEED_WORLD();
	pf.guest_ip.s_addr = ip4(GUEST2);
	assert_int_equal(dp_forward_add(W.dp, 1, &pf, NULL, 0), 0);
	port_hook(W.p2, MAC2, DP_HOOK_XDP);
	hits = global(VNET_G_DNAT_HITS);
	fast = global(VNET_G_UPLINK_XDP);
	build(&f, UPMAC, WANMAC, WAN, UPLINK, IPPROTO_TCP, 33334, 8081, SYN);
	assert_int_equal(XDP_RUN(&f, &out), XDP_REDIRECT);
	assert_macs(&out, MAC2, BRMAC);
	assert_int_equal(addr_at(&out, 16), ip4(GUEST2));
	assert_int_equal(port_at(&out, 2), 80);
	assert_csums_ok(&out);
	assert_int_equal(global(VNET_G_DNAT_HITS), hits + 1);
	assert_int_equal(global(VNET_G_UPLINK_XDP), fast + 1);
	/* on a tc port the pair made at XDP is tc's to use: counted once */
	port_hook(W.p2, MAC2, DP_HOOK_TC);
	build(&f, UPMAC, WANMAC, WAN, UPLINK, IPPROTO_TCP, 33335, 8081, SYN);
	assert_int_equal(XDP_RUN(&f, &out), XDP_PASS);
	assert_passed(&out, &f, META_RETRY);
	assert_int_equal(global(VNET_G_DNAT_HITS), hits + 2);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_int_equal(addr_at(&out, 16), ip4(GUEST2));
	assert_int_equal(global(VNET_G_DNAT_HITS), hits + 2);
	assert_int_equal(dp_forward_del(W.dp, 1, &pf), 0);
	/* a tap takes XDP frames (ndo_xdp_xmit) whatever its hook */
	assert_int_equal(system("ip tuntap add tp0 mode tap && ip link set tp0 up"), 0);
	tap = if_nametoindex("tp0");
	assert_int_equal(dp_port_add(W.dp, 1, tap, MAC3, err, sizeof(err)), 0);
	assert_int_equal(dp_lease_bind(W.dp, 1, MAC3, (struct in_addr){ ip4("192.168.122.12") },
				       true), 0);
	pf.guest_ip.s_addr = ip4("192.168.122.12");
	assert_int_equal(dp_forward_add(W.dp, 1, &pf, NULL, 0), 0);
	build(&f, UPMAC, WANMAC, WAN, UPLINK, IPPROTO_TCP, 33336, 8081, SYN);
	assert_int_equal(XDP_RUN(&f, &out), XDP_REDIRECT);
	assert_macs(&out, MAC3, BRMAC);
	assert_int_equal(addr_at(&out, 16), ip4("192.168.122.12"));
	assert_csums_ok(&out);
	assert_int_equal(dp_forward_del(W.dp, 1, &pf), 0);
	assert_int_equal(dp_port_del(W.dp, tap), 0);
	assert_int_equal(system("ip link del tp0"), 0);
}

/* What XDP leaves to tc or the host: ICMP errors and ARP (tc's, RETRY),
 * the host's own traffic (passed, DONE), unsolicited (dropped at XDP). */
static void test_uplink_xdp_fallback(void **state)
{
	uint64_t to_tc, pass, unsol;
	struct frame f, out;

	NEED_WORLD();
	port_hook(W.p1, MAC1, DP_HOOK_XDP);
	to_tc = global(VNET_G_UPLINK_XDP_TC);
	pass = global(VNET_G_UPLINK_PASS);
	unsol = drops(VNET_DROP_UNSOLICITED);
	build(&f, UPMAC, WANMAC, WAN, UPLINK, IPPROTO_ICMP, 1, 0, 0);
	f.b[14 + 20] = 3;	/* an ICMP error, however bogus: tc's */
	assert_int_equal(XDP_RUN(&f, &out), XDP_PASS);
	assert_passed(&out, &f, META_RETRY);
	assert_int_equal(global(VNET_G_UPLINK_XDP_TC), to_tc + 1);
	memset(&f, 0, sizeof(f));
	memcpy(f.b, BCAST, 6);
	memcpy(f.b + 6, WANMAC, 6);
	put16(f.b + 12, 0x0806);
	f.len = 60;
	assert_int_equal(XDP_RUN(&f, &out), XDP_PASS);
	assert_passed(&out, &f, META_RETRY);
	assert_int_equal(global(VNET_G_UPLINK_XDP_TC), to_tc + 2);
	build(&f, UPMAC, WANMAC, WAN, UPLINK, IPPROTO_TCP, 1234, 22, SYN);
	assert_int_equal(XDP_RUN(&f, &out), XDP_PASS);
	assert_passed(&out, &f, META_DONE);
	assert_int_equal(global(VNET_G_UPLINK_PASS), pass + 1);
	assert_int_equal(global(VNET_G_UPLINK_XDP_TC), to_tc + 2);
	build(&f, UPMAC, WANMAC, WAN, GUEST1, IPPROTO_TCP, 1234, 22, SYN);
	assert_int_equal(XDP_RUN(&f, NULL), XDP_DROP);
	assert_int_equal(drops(VNET_DROP_UNSOLICITED), unsol + 1);
	port_hook(W.p1, MAC1, DP_HOOK_TC);
}

/* Route mode: no translation, no conntrack; inbound goes to the guest
 * that holds the address. Runs last: it reconfigures network 1. */
static void test_route_mode(void **state)
{
	struct frame f, out;
	int n;

	NEED_WORLD();
	set_net(NETDEF_MODE_ROUTE, UPLINK);
	n = ct_count();
	build(&f, BRMAC, MAC1, GUEST1, FAR, IPPROTO_TCP, 41000, 80, SYN);
	assert_int_equal(run_tc("vnet_port_tc", &f, W.p1, &out), TC_REDIRECT);
	assert_macs(&out, WANMAC, UPMAC);
	assert_int_equal(addr_at(&out, 12), ip4(GUEST1));
	assert_int_equal(port_at(&out, 0), 41000);
	assert_int_equal(out.b[14 + 8], 63);
	assert_csums_ok(&out);
	assert_int_equal(ct_count(), n);
	build(&f, UPMAC, WANMAC, FAR, GUEST1, IPPROTO_TCP, 80, 41000, SYN | ACK);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_macs(&out, MAC1, BRMAC);
	assert_csums_ok(&out);
	/* an echo request from the wan keeps its id (ICMP has no ports) */
	build(&f, UPMAC, WANMAC, FAR, GUEST1, IPPROTO_ICMP, 0x5151, 0, 0);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, &out), TC_REDIRECT);
	assert_int_equal(port_at(&out, 4), 0x5151);
	assert_csums_ok(&out);
	/* nobody holds .77: the kernel decides */
	build(&f, UPMAC, WANMAC, FAR, "192.168.122.77", IPPROTO_TCP, 80, 41000, SYN);
	assert_int_equal(run_tc("vnet_uplink_tc", &f, W.up, NULL), TC_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snat_tcp_and_reply),
		cmocka_unit_test(test_snat_udp_icmp),
		cmocka_unit_test(test_snat_xdp),
		cmocka_unit_test(test_nexthop_cache),
		cmocka_unit_test(test_nexthop_cache_gso),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_icmp_error_translated),
		cmocka_unit_test(test_dnat_forward),
		cmocka_unit_test(test_unsolicited_and_host_traffic),
		cmocka_unit_test(test_uplink_xdp_reply),
		cmocka_unit_test(test_uplink_xdp_partial_csum),
		cmocka_unit_test(test_uplink_xdp_dnat),
		cmocka_unit_test(test_uplink_xdp_fallback),
		cmocka_unit_test(test_guard),
		cmocka_unit_test(test_networks_isolated_from_each_other),
		cmocka_unit_test(test_snat_ranges),
		cmocka_unit_test(test_snat_takes_reset_port),
		cmocka_unit_test(test_gc),
		cmocka_unit_test(test_gc_big_table),
		cmocka_unit_test(test_ct_max_env),
		cmocka_unit_test(test_old_counter_pins_replaced),
		cmocka_unit_test(test_ct_full),
		cmocka_unit_test(test_nat_port_exhaustion),
		cmocka_unit_test(test_snat_own_port_collision),
		cmocka_unit_test(test_snat_random_probe),
		cmocka_unit_test(test_syn_takes_over_closed_flow),
		cmocka_unit_test(test_wan_rst_needs_window),
		cmocka_unit_test(test_uplink_addr_change),
		cmocka_unit_test(test_route_mode),
	};

	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
