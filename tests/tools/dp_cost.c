/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What vnet's programs cost per packet, path by path, without any device
 * around them: BPF_PROG_RUN, one run per call (the kernel times the
 * program alone; a redirect is decided, not carried out). make bench prints
 * it beside the throughput figures, so a change to the pipeline shows up
 * in nanoseconds even when the end-to-end figures are noise. Runs in a
 * private network namespace (dp_test.h's world); IPv6 guest->guest and
 * NAT66 beside IPv4's (issue 18). Usage: dp_cost [RUNS];
 * DP_COST_ONLY=NAME or "program:path;..." times only those rows (skipped()
 * below). */
#include <linux/if_link.h>
#include <time.h>

#include "bpf/dp_test.h"
#include "acl/acl.h"

static unsigned runs = 100000;

/* Mean ns per run of prog on frame f arriving on ifindex. One run per
 * call: a repeated run would see the frame as the previous run left it
 * (NAT rewrites it in place) and time a different path. */
static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* One run of prog fd on frame f arriving on ifindex: the kernel's
 * duration, ns. */
static __u32 run_once(int fd, const struct frame *f, int ifindex, int xdp, int *verdict)
{
	struct __sk_buff skb = { .ifindex = ifindex };
	struct xdp_md md = { .ingress_ifindex = ifindex, .data_end = f->len };
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b, .data_size_in = f->len);

	if (xdp) {
		o.ctx_in = &md;
		o.ctx_size_in = sizeof(md);
	} else {
		o.ctx_in = &skb;
		o.ctx_size_in = sizeof(skb);
	}
	if (bpf_prog_test_run_opts(fd, &o)) {
		fprintf(stderr, "dp_cost: run: %s\n", strerror(errno));
		exit(1);
	}
	*verdict = o.retval;
	return o.duration;
}

/* Mean (DP_COST_MEDIAN=1: median) ns of the n runs in each[]. */
static double summary_ns(__u32 *each, unsigned n)
{
	const char *med = getenv("DP_COST_MEDIAN");
	double total = 0;

	if (med && *med == '1') {
		qsort(each, n, sizeof(*each), cmp_u32);
		return each[n / 2];
	}
	for (unsigned i = 0; i < n; i++)
		total += each[i];
	return total / n;
}

/* ns per run of prog fd, less an empty program's (empty >= 0) run in
 * turn with it: both see the machine as it is at that moment, so a
 * loaded machine's slower calls are not charged to the program.
 * DP_COST_MEDIAN=1: medians instead of means (a run the machine's other
 * work interrupted moves the mean, hardly the median). */
/* Set for a TCP stream's row (tcp_ack_row): each run's frame acknowledges
 * 1448 more bytes, as a download's ACKs do, so the flow's OUT entry sees a
 * new ACK number every packet (conntrack.h ct_note_ack keeps it). */
static int ack_advances;

/* DP_COST_ROUND=N: the runs are judged in rounds of N calls, and a row's
 * figure is its fastest round (each round's program less the empty
 * program's in the same round), the median round kept in round_median.
 * This machine switches between two speeds for the programs every 0.1-3 s
 * (docs/performance.md, "The program rows: a machine that changes speed"):
 * a round short enough to fall within one phase times the program at the
 * machine's faster speed instead of a mix. Unset: one round of all runs. */
static double round_median;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double rounds_of(__u32 *each, __u32 *base, int with_base)
{
	const char *r = getenv("DP_COST_ROUND");
	unsigned per = r ? (unsigned)strtoul(r, NULL, 10) : 0, n = 0;
	double *fig, best;

	if (!per || per > runs)
		per = runs;
	fig = calloc(runs / per + 1, sizeof(*fig));
	if (!fig) {
		fprintf(stderr, "dp_cost: out of memory\n");
		exit(1);
	}
	for (unsigned at = 0; at + per <= runs; at += per)
		fig[n++] = summary_ns(each + at, per) - (with_base ? summary_ns(base + at, per) : 0);
	qsort(fig, n, sizeof(*fig), cmp_double);
	best = fig[0];
	round_median = fig[n / 2];
	free(fig);
	return best;
}

static double cost_vs(int fd, int empty, const struct frame *f, int ifindex, int xdp,
		      int *verdict)
{
	__u32 *each = calloc(runs, sizeof(*each)), *base = calloc(runs, sizeof(*base));
	struct frame g = *f;
	double ns;
	int v;

	if (!each || !base) {
		fprintf(stderr, "dp_cost: out of memory\n");
		exit(1);
	}
	for (unsigned i = 0; i < runs; i++) {
		if (ack_advances) {
			__u32 ack = htonl(1 + i * 1448);

			memcpy(g.b + 14 + 20 + 8, &ack, 4);
		}
		each[i] = run_once(fd, &g, ifindex, xdp, verdict);
		if (empty >= 0)
			base[i] = run_once(empty, f, ifindex, xdp, &v);
	}
	ns = rounds_of(each, base, empty >= 0);
	free(each);
	free(base);
	return ns;
}

static double cost(int fd, const struct frame *f, int ifindex, int xdp, int *verdict)
{
	return cost_vs(fd, -1, f, ifindex, xdp, verdict);
}

/* An empty program of that type: what BPF_PROG_RUN itself costs per call,
 * subtracted from every row. */
static int empty_prog(int xdp)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(xdp ? BPF_PROG_TYPE_XDP : BPF_PROG_TYPE_SCHED_CLS, NULL, "GPL",
			       insns, 2, NULL);

	if (fd < 0) {
		fprintf(stderr, "dp_cost: empty program: %s\n", strerror(errno));
		exit(1);
	}
	return fd;
}

/* How fast the machine is right now, for branchy code that a program's
 * lookups resemble: ns an iteration of a hash-and-probe loop over a 16 KiB
 * table, in userspace. This machine (a KVM guest on a shared host) runs
 * such code up to ~1.4x slower in some phases of seconds than in others,
 * and vnet's programs (and an empty one) ~2x slower in the same phases;
 * the rows say which phase a run met (tests/bench/cost_merge.py lays them
 * side by side). Fastest of 5 short loops. */
static double machine_ref(void)
{
	static unsigned tab[4096];
	double best = 1e12;

	for (int r = 0; r < 5; r++) {
		struct timespec t0, t1;
		unsigned h = 1, hit = 0;
		double ns;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (unsigned q = 0; q < 400000; q++) {
			unsigned k = q * 2654435761u;

			h ^= k;
			h = (h << 13 | h >> 19) * 5 + 0xe6546b64;
			k = h & 4095;
			if (tab[k] == q)
				hit++;
			else
				tab[k] = h;
			hit += (h & 0x10) ? 2 : 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		__asm__ volatile("" : : "r"(hit) : "memory");
		ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 400000;
		if (ns < best)
			best = ns;
	}
	return best;
}

static void set_hooks(__u8 port_hook, __u8 up_kind, __u8 up_hook)
{
	struct vnet_port p;
	struct vnet_uplink u;
	__u32 key = W.p2;

	bpf_map_lookup_elem(DP_MAP_FD(W.dp, port_map), &key, &p);
	p.hook = port_hook;
	bpf_map_update_elem(DP_MAP_FD(W.dp, port_map), &key, &p, BPF_EXIST);
	dp_port_state_sync(W.dp, key);
	bpf_map_update_elem(DP_MAP_FD(W.dp, tx_ports), &key, &key, BPF_ANY);
	key = W.up;
	bpf_map_lookup_elem(DP_MAP_FD(W.dp, uplink_map), &key, &u);
	u.kind = up_kind;
	u.hook = up_hook;
	bpf_map_update_elem(DP_MAP_FD(W.dp, uplink_map), &key, &u, BPF_EXIST);
	dp_uplink_slot_sync(W.dp, key);	/* the uplink programs' copy */
	dp_port_state_sync_all(W.dp);	/* the ports' copies of the uplink */
	bpf_map_update_elem(DP_MAP_FD(W.dp, tx_ports), &key, &key, BPF_ANY);
}

static double base_ns[2];
static double ref_start;	/* machine_ref() before the rows */
static int empty_fd[2] = { -1, -1 };

/* ACL slot 1 as p1's egress ACL: n rules, the last one the packet's match
 * ("allow out udp"), the others drop rules for other destinations -- the
 * worst case for the bitmaps (every word ANDed). n = 0: no ACL. */
static void acl_rules(unsigned n)
{
	static struct acl a;
	char err[256] = "";

	dp_acl_port_set(W.dp, W.p1, 0, 0);
	if (!n)
		return;
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "cost");
	for (unsigned i = 0; i < n; i++) {
		char d[40];
		const char *drop[] = { "drop", "out", "any", d }, *last[] = { "allow", "out", "udp" };

		snprintf(d, sizeof(d), "dst=10.%u.%u.0/24", i / 256, i % 256);
		if (acl_rule_parse(i + 1 < n ? 4 : 3, i + 1 < n ? drop : last, &a.rules[i], err,
				   sizeof(err))) {
			fprintf(stderr, "dp_cost: rule: %s\n", err);
			exit(1);
		}
	}
	a.n_rules = n;
	if (dp_acl_load(W.dp, 1, &a, err, sizeof(err)) || dp_acl_port_set(W.dp, W.p1, 0, 1)) {
		fprintf(stderr, "dp_cost: ACL: %s\n", err);
		exit(1);
	}
}

/* DP_COST_ONLY=NAME: only the rows of programs whose name contains NAME
 * are timed (a profile or an old/new comparison of one program);
 * DP_COST_ONLY="program:path;...": only those rows (one path). The others
 * run once, for what they leave behind (the NAT flow a reply row needs). */
static int skipped(const char *prog, const char *path)
{
	const char *only = getenv("DP_COST_ONLY");
	char want[160];

	if (!only || !*only)
		return 0;
	if (!strchr(only, ':'))
		return !strstr(prog, only);
	snprintf(want, sizeof(want), "%s:%s", prog, path);
	for (const char *s = only; *s;) {
		size_t n = strcspn(s, ";");

		if (n == strlen(want) && !strncmp(s, want, n))
			return 0;
		s += n + (s[n] == ';');
	}
	return 1;
}

static void row(const char *path, const char *prog, const struct frame *f, int ifindex, int xdp,
		int want)
{
	int verdict;
	double ns;

	if (skipped(prog, path)) {
		unsigned all = runs;

		runs = 1;
		cost(prog_fd(prog), f, ifindex, xdp, &verdict);
		runs = all;
		return;
	}
	ns = cost_vs(prog_fd(prog), empty_fd[xdp], f, ifindex, xdp, &verdict);

	printf("{\"path\": \"%s\", \"program\": \"%s\", \"ns\": %.0f, \"round_median\": %.0f, "
	       "\"verdict\": %d, \"ok\": %s}\n", path, prog, ns, round_median, verdict,
	       verdict == want ? "true" : "false");
}

/* Issue 21.1: the uplink's XDP program on the reply, into guest 1's port
 * as a tap (a NIC uplink: incremental checksums) and as an xdp-veth veth
 * (the full TCP/UDP checksum recomputed, as from a veth uplink). */
static void uplink_xdp_rows(const struct frame *reply)
{
	struct vnet_port p, old;
	__u32 key = W.p1;
	int fd = DP_MAP_FD(W.dp, port_map);

	bpf_map_lookup_elem(fd, &key, &old);
	p = old;
	p.kind = VNET_KIND_TAP;
	bpf_map_update_elem(fd, &key, &p, BPF_EXIST);
	dp_port_state_sync(W.dp, key);
	bpf_map_update_elem(DP_MAP_FD(W.dp, tx_ports), &key, &key, BPF_ANY);
	set_hooks(VNET_HOOK_TC, VNET_KIND_OTHER, VNET_HOOK_TC);
	row("wan->guest reply, XDP tap", "vnet_uplink_xdp", reply, W.up, 1, XDP_REDIRECT);
	p.kind = VNET_KIND_VETH;
	p.hook = VNET_HOOK_XDP_VETH;
	bpf_map_update_elem(fd, &key, &p, BPF_EXIST);
	dp_port_state_sync(W.dp, key);
	row("wan->guest reply, XDP veth", "vnet_uplink_xdp", reply, W.up, 1, XDP_REDIRECT);
	bpf_map_update_elem(fd, &key, &old, BPF_EXIST);
	dp_port_state_sync(W.dp, key);
	bpf_map_delete_elem(DP_MAP_FD(W.dp, tx_ports), &key);
}

/* <bandwidth> (bpf/lib/qos.h): an unlimited port while some other port
 * has a limit (one qos_map lookup), a limited port (limits far above the
 * test's rate: nothing is dropped), the paced port's egress program. */
static void qos_rows(const struct frame *g2g, const struct frame *nat)
{
	struct netdef_bandwidth other = { .out = { .average = 1 } };
	struct netdef_bandwidth big = { .in = { .average = 1ULL << 30 },
					.out = { .average = 1ULL << 30 } };
	char err[128];

	if (dp_port_qos_set(W.dp, 999999, &other, false, err, sizeof(err))) {
		fprintf(stderr, "dp_cost: qos: %s\n", err);
		exit(1);
	}
	row("guest->guest, a limit elsewhere", "vnet_port_tc", g2g, W.p1, 0, 7);
	row("guest->wan NAT, a limit elsewhere", "vnet_port_tc", nat, W.p1, 0, 7);
	if (dp_port_qos_set(W.dp, W.p1, &big, false, err, sizeof(err)) ||
	    dp_port_qos_set(W.dp, W.p2, &big, false, err, sizeof(err))) {
		fprintf(stderr, "dp_cost: qos: %s\n", err);
		exit(1);
	}
	row("guest->guest, both ports limited", "vnet_port_tc", g2g, W.p1, 0, 7);
	row("guest->wan NAT, port limited", "vnet_port_tc", nat, W.p1, 0, 7);
	row("paced port's egress", "vnet_port_qos", g2g, W.p2, 0, 0);
	dp_port_qos_set(W.dp, W.p1, NULL, false, err, sizeof(err));
	dp_port_qos_set(W.dp, W.p2, NULL, false, err, sizeof(err));
	dp_port_qos_set(W.dp, 999999, NULL, false, err, sizeof(err));
}

/* 1 rule against 1,000 (issue 19.5: less than twice): measured in
 * alternation, the fastest of five rounds each, so a busy machine slows
 * both alike instead of whichever ran during the noise. */
static void acl_rows(const struct frame *f)
{
	static const unsigned n[3] = { 0, 1, 1000 };
	static const char *const path[3] = { "guest->wan NAT, no ACL (min)",
					     "guest->wan NAT, ACL 1 rule",
					     "guest->wan NAT, ACL 1000 rules" };
	double best[3] = { 1e12, 1e12, 1e12 };
	unsigned all = runs;
	int v[3];

	if (skipped("vnet_port_tc", path[1]))
		return;
	runs = all / 5 ? all / 5 : 1;
	for (int round = 0; round < 5; round++)
		for (int i = 0; i < 3; i++) {
			double ns;

			acl_rules(n[i]);
			ns = cost_vs(prog_fd("vnet_port_tc"), empty_fd[0], f, W.p1, 0, &v[i]);
			if (ns < best[i])
				best[i] = ns;
		}
	runs = all;
	acl_rules(0);
	for (int i = 0; i < 3; i++)
		printf("{\"path\": \"%s\", \"program\": \"vnet_port_tc\", \"ns\": %.0f, "
		       "\"verdict\": %d, \"ok\": %s}\n", path[i], best[i], v[i],
		       v[i] == 7 ? "true" : "false");
}

/* IPv6 (issue 18): Ethernet + IPv6 + UDP with build()'s 16-byte payload,
 * or (dad != 0) the neighbour solicitation of duplicate address detection
 * for dst from "::" (RFC 4862 5.4.2), which a port learns its guest's
 * address from. Checksums are not checked by the programs: left zero. */
static void build6(struct frame *f, const uint8_t *dmac, const uint8_t *smac, const char *src,
		   const char *dst, int dad)
{
	uint8_t *ip = f->b + 14, *l4 = ip + 40, t[16];
	unsigned len = 24;	/* NS: type .. target; UDP: 8 + 16 */

	memset(f, 0, sizeof(*f));
	memcpy(f->b + 6, smac, 6);
	put16(f->b + 12, 0x86dd);
	ip[0] = 0x60;
	put16(ip + 4, len);
	ip[7] = 255;
	if (inet_pton(AF_INET6, src, ip + 8) != 1 || inet_pton(AF_INET6, dst, t) != 1) {
		fprintf(stderr, "dp_cost: bad address\n");
		exit(1);
	}
	if (dad) {	/* to the target's solicited-node group */
		memcpy(f->b, (uint8_t[]){ 0x33, 0x33, 0xff, t[13], t[14], t[15] }, 6);
		memcpy(ip + 24, (uint8_t[]){ 0xff, 2, [11] = 1, 0xff, t[13], t[14], t[15] }, 16);
		ip[6] = IPPROTO_ICMPV6;
		l4[0] = 135;
		memcpy(l4 + 8, t, 16);
	} else {
		memcpy(f->b, dmac, 6);
		memcpy(ip + 24, t, 16);
		ip[6] = IPPROTO_UDP;
		put16(l4, 9000);
		put16(l4 + 2, 9000);
		put16(l4 + 4, len);
		memset(l4 + 8, 0xab, 16);
	}
	f->len = 14 + 40 + len;
}

/* NAT66 (issue 18.4): the network masquerades IPv6 to the uplink's
 * 2001:db8:a::1 (dp_test6.h's world6_setup), guest 1 at fd00:66::10 (its
 * DAD) sends UDP to a far host; the first run makes the flow, the rest
 * are the established flow's path, as "guest->wan NAT". */
static void learn(const struct frame *f, int ifindex);

static int nat66_world(struct frame *nat6)
{
	struct dp_net_cfg c = { .net_id = 1, .mode = NETDEF_MODE_NAT, .prefix = 24, .nat6 = true,
				.n_ip6 = 1, .prefix6 = { 64 } };
	struct frame dad;

	if (system("ip addr add fd00:66::1/64 dev br0 nodad && "
		   "ip addr add 2001:db8:a::1/64 dev up0 nodad && "
		   "ip neigh add 2001:db8:a::2 lladdr 02:00:00:00:0a:02 dev up0 nud permanent && "
		   "ip -6 route add default via 2001:db8:a::2 dev up0"))
		return -1;
	c.bridge_ifindex = W.br;
	memcpy(c.bridge_mac, BRMAC, 6);
	c.gw.s_addr = ip4(GW);
	c.uplink_ifindex = W.up;
	c.uplink_addr.s_addr = ip4(UPLINK);
	inet_pton(AF_INET6, "fd00:66::1", &c.ip6[0]);
	inet_pton(AF_INET6, "2001:db8:a::1", &c.uplink_addr6);
	if (dp_net_set(W.dp, &c, NULL, 0))
		return -1;
	build6(&dad, NULL, MAC1, "::", "fd00:66::10", 1);
	learn(&dad, W.p1);
	build6(nat6, BRMAC, MAC1, "fd00:66::10", "2001:db8:b::7", 0);
	return 0;
}

/* One run of the port program: the port learns from it. */
static void learn(const struct frame *f, int ifindex)
{
	unsigned all = runs;
	int v;

	runs = 1;
	cost(prog_fd("vnet_port_tc"), f, ifindex, 0, &v);
	runs = all;
}

int main(int argc, char **argv)
{
	struct frame g2g6, dad, nat6;
	struct frame g2g, nat, reply;

	if (argc > 1)
		runs = (unsigned)strtoul(argv[1], NULL, 10);
	if (world_setup(NULL) || !W.dp) {
		fprintf(stderr, "dp_cost: no data path (needs root)\n");
		return 77;
	}
	ref_start = machine_ref();
	build(&g2g, MAC1, MAC2, GUEST2, GUEST1, IPPROTO_UDP, 9000, 9000, 0);
	{
		int v;

		learn(&g2g, W.p2);	/* MAC2 on p2 */
		empty_fd[0] = empty_prog(0);
		empty_fd[1] = empty_prog(1);
		base_ns[0] = cost(empty_fd[0], &g2g, W.p2, 0, &v);
		base_ns[1] = cost(empty_fd[1], &g2g, W.p2, 1, &v);
		printf("{\"path\": \"BPF_PROG_RUN per call, subtracted\", \"tc_ns\": %.0f, "
		       "\"xdp_ns\": %.0f}\n", base_ns[0], base_ns[1]);
	}
	build(&g2g, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 9000, 9000, 0);
	build(&nat, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 7100, 9000, 0);
	/* the reply to nat's flow: the guest's port was free, so it is kept */
	build(&reply, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_UDP, 9000, 7100, 0);

	set_hooks(VNET_HOOK_TC, VNET_KIND_OTHER, VNET_HOOK_TC);
	build6(&dad, NULL, MAC1, "::", "fe80::10", 1);
	learn(&dad, W.p1);
	build6(&dad, NULL, MAC2, "::", "fe80::11", 1);
	learn(&dad, W.p2);
	build6(&g2g6, MAC2, MAC1, "fe80::10", "fe80::11", 0);
	row("guest->guest", "vnet_port_tc", &g2g, W.p1, 0, 7);
	row("IPv6 guest->guest", "vnet_port_tc", &g2g6, W.p1, 0, 7);
	{	/* a guest on another host (<vnet:overlay>): to its VXLAN device */
		static const uint8_t RMAC[6] = { 2, 0, 0, 0, 0, 0x33 };
		struct dp_remote r = { .vtep.s_addr = ip4("10.99.0.2") };
		struct frame g2r;

		memcpy(r.mac, RMAC, 6);
		dp_remote_sync(W.dp, 1, W.up, &r, 1, NULL, NULL);
		build(&g2r, RMAC, MAC1, GUEST1, "192.168.122.50", IPPROTO_UDP, 9000, 9000, 0);
		row("guest->remote guest (VXLAN)", "vnet_port_tc", &g2r, W.p1, 0, 7);
	}
	row("guest->wan NAT", "vnet_port_tc", &nat, W.p1, 0, 7);
	row("wan->guest NAT reply", "vnet_uplink_tc", &reply, W.up, 0, 7);
	{	/* a TCP stream's ACKs, each acknowledging new data */
		struct frame tcp;
		int v;

		build(&tcp, BRMAC, MAC1, GUEST1, FAR, IPPROTO_TCP, 7200, 443, 0x02);
		run_once(prog_fd("vnet_port_tc"), &tcp, W.p1, 0, &v);	/* the flow */
		build(&tcp, BRMAC, MAC1, GUEST1, FAR, IPPROTO_TCP, 7200, 443, 0x10);
		ack_advances = 1;
		row("guest->wan NAT, TCP ACKs advancing", "vnet_port_tc", &tcp, W.p1, 0, 7);
		ack_advances = 0;
	}
	acl_rows(&nat);
	set_hooks(VNET_HOOK_XDP_VETH, VNET_KIND_VETH, VNET_HOOK_XDP_VETH);
	row("guest->guest", "vnet_port_xdpf", &g2g, W.p1, 1, XDP_REDIRECT);
	{	/* a guest with checksum offload on: the UDP field holds the
		 * pseudo-header's sum, completed at XDP (bpf/lib/l4sum.h) */
		struct frame part = g2g;
		uint8_t *ip = part.b + 14;

		put16(ip + 20 + 6, fold(sum16(ip + 12, 8, IPPROTO_UDP + get16(ip + 2) - 20)) ^ 0xffff);
		row("guest->guest, partial sum", "vnet_port_xdpf", &part, W.p1, 1, XDP_REDIRECT);
	}
	row("IPv6 guest->guest", "vnet_port_xdpf", &g2g6, W.p1, 1, XDP_REDIRECT);
	row("guest->wan NAT", "vnet_port_xdpf", &nat, W.p1, 1, XDP_REDIRECT);
	uplink_xdp_rows(&reply);
	set_hooks(VNET_HOOK_TC, VNET_KIND_OTHER, VNET_HOOK_TC);
	qos_rows(&g2g, &nat);
	if (nat66_world(&nat6)) {
		fprintf(stderr, "dp_cost: no NAT66 world\n");
		return 1;
	}
	row("IPv6 guest->wan NAT66", "vnet_port_tc", &nat6, W.p1, 0, 7);
	set_hooks(VNET_HOOK_XDP_VETH, VNET_KIND_VETH, VNET_HOOK_XDP_VETH);
	row("IPv6 guest->wan NAT66", "vnet_port_xdpf", &nat6, W.p1, 1, XDP_REDIRECT);
	set_hooks(VNET_HOOK_TC, VNET_KIND_OTHER, VNET_HOOK_TC);
	printf("{\"path\": \"machine reference\", \"ref_ns\": %.3f, \"ref_end_ns\": %.3f}\n",
	       ref_start, machine_ref());
	world_teardown(NULL);
	return 0;
}
