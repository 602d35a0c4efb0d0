/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the BPF unit tests: a private network namespace with dummy
 * devices (ports p1, p2, uplink up0, "bridge" br0), the data path opened
 * through datapath.h with pins in a per-process bpffs dir, frames built in
 * C with correct checksums, BPF_PROG_TEST_RUN and map readers. */
#ifndef VNET_DP_TEST_H
#define VNET_DP_TEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp/dp_priv.h"
#include "vnet.skel.h"

#define GUEST1 "192.168.122.10"
#define GUEST2 "192.168.122.11"
#define GW "192.168.122.1"
#define UPLINK "203.0.113.1"
#define WAN "203.0.113.2"
#define FAR "198.51.100.7"

static const uint8_t MAC1[6] = { 2, 0, 0, 0, 0, 0x10 };
static const uint8_t MAC2[6] = { 2, 0, 0, 0, 0, 0x11 };
static const uint8_t BRMAC[6] = { 2, 0, 0, 0, 1, 1 };
static const uint8_t UPMAC[6] = { 2, 0, 0, 0, 0xa, 1 };
static const uint8_t WANMAC[6] = { 2, 0, 0, 0, 0xa, 2 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct world {
	struct datapath *dp;
	char pin[128];
	int p1, p2, up, br;
};
static struct world W;

static inline uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* Network 1 as world_setup sets it up (bridge br0, gateway GW, uplink up0)
 * in MODE with uplink address ADDR: a test changes a field, then dp_net_set. */
static inline struct dp_net_cfg world_net_cfg(enum netdef_mode mode, const char *addr)
{
	struct dp_net_cfg c = { .net_id = 1, .mode = mode, .prefix = 24,
				.bridge_ifindex = W.br, .uplink_ifindex = W.up };

	memcpy(c.bridge_mac, BRMAC, 6);
	c.gw.s_addr = ip4(GW);
	c.uplink_addr.s_addr = ip4(addr);
	return c;
}

/* world_net_cfg (uplink address UPLINK) with an IPv6 gateway address
 * GW6/64 as well: the network of the IPv6 tests. */
static inline struct dp_net_cfg world_net6_cfg(enum netdef_mode mode, const char *gw6)
{
	struct dp_net_cfg c = world_net_cfg(mode, UPLINK);

	c.n_ip6 = 1;
	inet_pton(AF_INET6, gw6, &c.ip6[0]);
	c.prefix6[0] = 64;
	return c;
}

/* --- the namespace and the data path ------------------------------------ */
static inline int world_setup(void **state)
{
	static const char *cmds =
		"ip link set lo up && "
		/* no automatic IPv6 addresses: else the kernel's own DAD, router
		 * solicitations and MLD reports from the veth peers reach the
		 * programs under test at random moments and count as drops */
		"echo 1 >/proc/sys/net/ipv6/conf/default/addr_gen_mode && "
		"ip link add p1 type veth peer name p1x && ip link add p2 type veth peer name p2x && "
		"ip link add br0 type bridge && ip link set br0 address 02:00:00:00:01:01 && "
		"ip addr add 192.168.122.1/24 dev br0 && ip link set br0 up && "
		"ip link add wv type veth peer name wvx && ip link set wv up && ip link set wvx up && "
		"ip link add up0 link wv type macvlan mode bridge && "
		"ip link set up0 address 02:00:00:00:0a:01 && "
		"ip addr add 203.0.113.1/24 dev up0 && ip link set up0 up && "
		"ip link set p1 up && ip link set p2 up && ip link set p1x up && ip link set p2x up && "
		"ip neigh add 203.0.113.2 lladdr 02:00:00:00:0a:02 dev up0 nud permanent && "
		"ip route add default via 203.0.113.2";
	struct dp_net_cfg c;
	char err[256] = "";

	if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "skipping: needs root (BPF, network namespace)\n");
		return 0;	/* every test then skips (NEED_WORLD) */
	}
	if (system(cmds) != 0)
		return -1;
	{	/* tc hooks, the default table (DP_TEST_CT_MAX: another size) */
		struct dp_config cfg = DP_CONFIG_DEFAULT;
		const char *ct = getenv("DP_TEST_CT_MAX");

		if (ct && *ct)
			cfg.ct_max = strtoul(ct, NULL, 10);
		dp_configure(&cfg);
	}
	W.p1 = if_nametoindex("p1");
	W.p2 = if_nametoindex("p2");
	W.up = if_nametoindex("up0");
	W.br = if_nametoindex("br0");
	snprintf(W.pin, sizeof(W.pin), "/sys/fs/bpf/%s-bpftest-%d",
		 getenv("VNET_TEST_PREFIX") ? getenv("VNET_TEST_PREFIX") : "vnet", getpid());
	if (dp_open(W.pin, &W.dp, err, sizeof(err))) {
		fprintf(stderr, "dp_open: %s\n", err);
		dp_purge(W.pin);	/* maps pinned before the load failed */
		return -1;
	}
	c = world_net_cfg(NETDEF_MODE_NAT, UPLINK);
	if (dp_net_set(W.dp, &c, err, sizeof(err)) || dp_uplink_add(W.dp, W.up, err, sizeof(err)) ||
	    dp_port_add(W.dp, 1, W.p1, MAC1, err, sizeof(err)) ||
	    dp_port_add(W.dp, 1, W.p2, MAC2, err, sizeof(err)) ||
	    dp_lease_bind(W.dp, 1, MAC1, (struct in_addr){ ip4(GUEST1) }, true) ||
	    dp_lease_bind(W.dp, 1, MAC2, (struct in_addr){ ip4(GUEST2) }, true)) {
		fprintf(stderr, "setup: %s\n", err);
		dp_close(W.dp);
		dp_purge(W.pin);
		W.dp = NULL;
		return -1;
	}
	return 0;
}

static inline int world_teardown(void **state)
{
	if (W.dp) {
		dp_close(W.dp);
		dp_purge(W.pin);
	}
	return 0;
}

/* What sits on a device's tc hook (egress 0/1): vnet's clsact filter (the
 * fallback, and every vnetd before issue 21.2) and the tcx programs
 * (BPF_TCX_INGRESS/EGRESS = 46/47, Linux 6.6+; this build's headers
 * predate them). */
static inline int tc_filter_on(int ifindex, int egress)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = DP_TC_HANDLE, .priority = DP_TC_PRIO);

	return bpf_tc_query(&hook, &o) == 0;
}

static inline unsigned tcx_progs_on(int ifindex, int egress)
{
	__u32 n = 0;

	if (bpf_prog_query(ifindex, (enum bpf_attach_type)(egress ? 47 : 46), 0, NULL, NULL, &n))
		return 0;
	return n;
}

static inline int prog_is(__u32 id, const char *name)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id), r;

	if (fd < 0)
		return 0;
	r = bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
	    !strncmp(info.name, name, sizeof(info.name) - 1);
	close(fd);
	return r;
}

/* The program NAME (its first 15 characters) on the hook, either way. */
static inline int tc_has_prog(int ifindex, int egress, const char *name)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = DP_TC_HANDLE, .priority = DP_TC_PRIO);
	__u32 ids[8], n = 8;

	if (bpf_tc_query(&hook, &o) == 0 && prog_is(o.prog_id, name))
		return 1;
	if (bpf_prog_query(ifindex, (enum bpf_attach_type)(egress ? 47 : 46), 0, NULL, ids, &n))
		return 0;
	for (__u32 i = 0; i < n && i < 8; i++)
		if (prog_is(ids[i], name))
			return 1;
	return 0;
}

/* vnet's program on the hook, either way. */
static inline int tc_prog_on(int ifindex, int egress)
{
	return tcx_progs_on(ifindex, egress) > 0 || tc_filter_on(ifindex, egress);
}

#define NEED_WORLD() do { if (!W.dp) skip(); } while (0)

static inline int prog_fd(const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(W.dp->skel->obj, name);

	return p ? bpf_program__fd(p) : -1;
}

/* --- frames --------------------------------------------------------------- */
struct frame {
	uint8_t b[1600];
	uint32_t len;
};

static inline uint32_t sum16(const void *p, size_t n, uint32_t s)
{
	const uint8_t *b = p;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (b[i] << 8) | b[i + 1];
	if (n & 1)
		s += b[n - 1] << 8;
	return s;
}

static inline uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Checksum over the pseudo header + L4 (TCP/UDP) or over ICMP alone:
 * 0 when the packet's checksum is right. */
static inline uint16_t l4_check(const uint8_t *ip)
{
	unsigned ihl = (ip[0] & 0xf) * 4, tot = (ip[2] << 8) | ip[3], len = tot - ihl;
	uint32_t s = 0;

	if (ip[9] != IPPROTO_ICMP) {
		s = sum16(ip + 12, 8, 0);
		s += ip[9] + len;
	}
	return fold(sum16(ip + ihl, len, s));
}

static inline uint16_t ip_check(const uint8_t *ip)
{
	return fold(sum16(ip, (ip[0] & 0xf) * 4, 0));
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline uint16_t get16(const uint8_t *p)
{
	return (p[0] << 8) | p[1];
}

/* Ethernet + IPv4 + TCP/UDP/ICMP-echo (id = sport) + payload, checksummed. */
static inline void build(struct frame *f, const uint8_t *dmac, const uint8_t *smac, const char *src,
		  const char *dst, uint8_t proto, uint16_t sport, uint16_t dport, uint8_t flags)
{
	uint8_t *ip = f->b + 14, *l4 = ip + 20;
	unsigned l4len = proto == IPPROTO_TCP ? 20 : 8, plen = 16;
	uint32_t s = ip4(src), d = ip4(dst);

	memset(f, 0, sizeof(*f));
	memcpy(f->b, dmac, 6);
	memcpy(f->b + 6, smac, 6);
	put16(f->b + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 20 + l4len + plen);
	put16(ip + 4, 0x1234);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, &s, 4);
	memcpy(ip + 16, &d, 4);
	put16(ip + 10, ip_check(ip));
	if (proto == IPPROTO_ICMP) {
		l4[0] = 8;
		put16(l4 + 4, sport);
		put16(l4 + 6, 1);
	} else {
		put16(l4, sport);
		put16(l4 + 2, dport);
	}
	if (proto == IPPROTO_TCP) {
		l4[12] = 5 << 4;
		l4[13] = flags;
		put16(l4 + 14, 64240);
	}
	if (proto == IPPROTO_UDP)
		put16(l4 + 4, l4len + plen);
	memset(l4 + l4len, 0xab, plen);
	put16(l4 + (proto == IPPROTO_TCP ? 16 : proto == IPPROTO_UDP ? 6 : 2), l4_check(ip));
	f->len = 14 + 20 + l4len + plen;
}

/* Ethernet + IPv4 + UDP carrying a BOOTP message (RFC 951): op, chaddr,
 * the DHCP magic cookie and a message type (53), checksummed. */
static inline void build_bootp(struct frame *f, const uint8_t *dmac, const uint8_t *smac,
			       const char *src, const char *dst, uint16_t sport, uint16_t dport,
			       uint8_t op, const uint8_t *chaddr, uint8_t type)
{
	uint8_t *ip = f->b + 14, *udp = ip + 20, *b = udp + 8;
	unsigned blen = 300;
	uint32_t s = ip4(src), d = ip4(dst);

	memset(f, 0, sizeof(*f));
	memcpy(f->b, dmac, 6);
	memcpy(f->b + 6, smac, 6);
	put16(f->b + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 20 + 8 + blen);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &s, 4);
	memcpy(ip + 16, &d, 4);
	put16(ip + 10, ip_check(ip));
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, 8 + blen);
	b[0] = op;
	b[1] = 1;
	b[2] = 6;
	memcpy(b + 28, chaddr, 6);
	memcpy(b + 236, "\x63\x82\x53\x63\x35\x01", 6);
	b[242] = type;
	b[243] = 0xff;
	put16(udp + 6, l4_check(ip));
	f->len = 14 + 20 + 8 + blen;
}

/* --- running -------------------------------------------------------------- */
static inline void assert_no_stray(void);

/* Run the tc program fd as if the frame arrived on ifindex; out gets the
 * frame as the program left it. Returns the program's verdict. */
static inline int run_tc_fd(int fd, const struct frame *in, int ifindex, struct frame *out)
{
	struct __sk_buff ctx = { .ifindex = ifindex };
	struct frame tmp;
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in->b, .data_size_in = in->len,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));

	out = out ? out : &tmp;
	o.data_out = out->b;
	o.data_size_out = sizeof(out->b);
	assert_int_equal(bpf_prog_test_run_opts(fd, &o), 0);
	out->len = o.data_size_out;
	assert_no_stray();
	return o.retval;
}

static inline int run_xdp_fd(int fd, const struct frame *in, int ifindex, struct frame *out)
{
	struct xdp_md ctx = { .ingress_ifindex = ifindex, .data_end = in->len };
	struct frame tmp;
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in->b, .data_size_in = in->len,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));

	out = out ? out : &tmp;
	o.data_out = out->b;
	o.data_size_out = sizeof(out->b);
	assert_int_equal(bpf_prog_test_run_opts(fd, &o), 0);
	out->len = o.data_size_out;
	assert_no_stray();
	return o.retval;
}

static inline int run_tc(const char *prog, const struct frame *in, int ifindex, struct frame *out)
{
	return run_tc_fd(prog_fd(prog), in, ifindex, out);
}

static inline int run_xdp(const char *prog, const struct frame *in, int ifindex, struct frame *out)
{
	return run_xdp_fd(prog_fd(prog), in, ifindex, out);
}

#define TC_OK 0
#define TC_SHOT 2
#define TC_REDIRECT 7

/* --- counters ------------------------------------------------------------- */
/* percpu_u64(map, key): the map by its skeleton name (a typo fails to build) */
#define percpu_u64(map, key) percpu_u64_fd(DP_MAP_FD(W.dp, map), key)
static inline uint64_t percpu_u64_fd(int fd, uint32_t key)
{
	int n = libbpf_num_possible_cpus();
	uint64_t v[n], s = 0;

	if (bpf_map_lookup_elem(fd, &key, v))
		return 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	return s;
}

/* A network's drops for reason r / counter g (net 0: counted on none). */
static inline uint64_t net_drops(uint32_t net, enum vnet_drop r)
{
	return percpu_u64(drops, VNET_DROP_IDX(net, r));
}

static inline uint64_t net_counter(uint32_t net, enum vnet_global g)
{
	return percpu_u64(global_stats, VNET_G_IDX(net, g));
}

/* The same over every network. */
static inline uint64_t drops(enum vnet_drop r)
{
	uint64_t s = 0;

	for (uint32_t n = 0; n < VNET_MAX_NETS; n++)
		s += net_drops(n, r);
	return s;
}

/* Every run checks that no packet ended in a drop counted "internal" (a
 * result that is no final verdict reached tc_verdict/xdp_verdict: a path
 * of the pipeline that decided nothing), but those test_dp_verdict makes
 * on purpose and adds here. */
static uint64_t stray_expected;

static inline void assert_no_stray(void)
{
	uint64_t n = drops(VNET_DROP_INTERNAL), want = stray_expected;

	stray_expected = n;	/* one failure per stray, not every run after it */
	if (n != want)
		fail_msg("%llu drop(s) counted \"internal\" (expected %llu): a path of the "
			 "pipeline reached the verdict without deciding (bpf/lib/verdict.h)",
			 (unsigned long long)n, (unsigned long long)want);
}

static inline uint64_t global(enum vnet_global g)
{
	uint64_t s = 0;

	for (uint32_t n = 0; n < VNET_MAX_NETS; n++)
		s += net_counter(n, g);
	return s;
}

static inline int ct_count(void)
{
	struct vnet_ct_key k, next, *prev = NULL;
	int n = 0, fd = DP_MAP_FD(W.dp, ct_map);

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

/* Overwrite ifindex's port state as the programs see it: its port_state
 * entry and its slot's copy in port_state_slot (vnet_shared.h), which the
 * programs read (bpf/lib/port_state.h). */
static inline void port_state_put(uint32_t ifindex, const struct vnet_port_state *ps)
{
	struct vnet_port_state c = *ps;
	uint32_t slot = ps->slot;

	c.ifindex = ifindex;
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, port_state), &ifindex, &c, BPF_EXIST),
			 0);
	assert_int_equal(bpf_map_update_elem(DP_MAP_FD(W.dp, port_state_slot), &slot, &c, BPF_ANY),
			 0);
}

#endif
