/* SPDX-License-Identifier: GPL-2.0-or-later */
/* make bench-scale (issue 21, tests/bench/scale.sh): does vnet's per-packet
 * cost stay flat as the conntrack table and the ports grow?
 *   ct_scale fill PIN_DIR FLOWS [IDLE]
 *                                 FLOWS synthetic NAT flows (two entries
 *                                 each, answered UDP, seen now or IDLE
 *                                 seconds ago) into a running vnetd's
 *                                 pinned ct_map (flows already there are
 *                                 written again)
 *   ct_scale cost [RUNS]          dp_cost's guest->guest, NAT and NAT reply
 *                                 rows (BPF_PROG_RUN, tests/tools/dp_cost.c)
 *                                 with 10, 10k and 1M flows in the table and
 *                                 2, 200 and 1,000 ports (real veths, each
 *                                 with the program, a MAC and a lease), in a
 *                                 private namespace (dp_test.h's world; its
 *                                 table: DP_TEST_CT_MAX entries); last,
 *                                 10 flows and 2 ports again.
 * cost prints one JSON line per figure. */
#include <time.h>

#include "bpf/dp_test.h"

static unsigned runs = 60000;

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Flow i: guest 100.64.0.0/10 + i to 198.x (i >> 12) port 53, SNATed to
 * the uplink address, NAT port 40000 + (i & 4095): every key distinct
 * for i < 2^22, none the measured frames' own. */
static void flow(unsigned i, __u32 uplink, int ifindex, unsigned long long now,
		 struct vnet_ct_key *ko, struct vnet_ct *vo, struct vnet_ct_key *ki,
		 struct vnet_ct *vi)
{
	*ko = (struct vnet_ct_key){ .saddr = htonl(0x64400000u + i),
				    .daddr = htonl(0xc6000000u | (i >> 12)),
				    .sport = htons(1024 + (i & 0x7fff)), .dport = htons(53),
				    .proto = IPPROTO_UDP };
	*ki = (struct vnet_ct_key){ .saddr = ko->daddr, .daddr = uplink, .sport = htons(53),
				    .dport = htons(40000 + (i & 4095)), .proto = IPPROTO_UDP };
	*vo = (struct vnet_ct){ .peer = *ki, .xaddr = uplink, .xport = ki->dport,
				.dir = VNET_CT_OUT, .seen = VNET_CT_SEEN, .net_id = 1, .nat = 1,
				.initiator = 1, .seen_ns = now };
	*vi = (struct vnet_ct){ .peer = *ko, .xaddr = ko->saddr, .xport = ko->sport,
				.dir = VNET_CT_IN, .seen = VNET_CT_SEEN, .net_id = 1,
				.ifindex = (__u32)ifindex, .nat = 1, .seen_ns = now };
}

/* Flows [from, to) into fd by batches. 0 or -errno. */
static unsigned long long idle_ns;	/* fill: flows last seen this long ago */

static int fill(int fd, unsigned from, unsigned to, __u32 uplink, int ifindex)
{
	enum { B = 8192 };
	static struct vnet_ct_key k[2 * B];
	static struct vnet_ct v[2 * B];
	unsigned long long now = mono_ns() - idle_ns;

	while (from < to) {
		__u32 n = 0;

		for (; from < to && n < 2 * B; from++, n += 2)
			flow(from, uplink, ifindex, now, &k[n], &v[n], &k[n + 1], &v[n + 1]);
		DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, o);
		if (bpf_map_update_batch(fd, k, v, &n, &o))
			return -errno;
	}
	return 0;
}

static double cost(int fd, const struct frame *f, int ifindex, unsigned n)
{
	struct __sk_buff skb = { .ifindex = ifindex };
	double total = 0;

	for (unsigned i = 0; i < n; i++) {
		DECLARE_LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b, .data_size_in = f->len,
				    .ctx_in = &skb, .ctx_size_in = sizeof(skb));
		if (bpf_prog_test_run_opts(fd, &o)) {
			fprintf(stderr, "ct_scale: run: %s\n", strerror(errno));
			exit(1);
		}
		total += o.duration;
	}
	return total / n;
}

static int empty_prog(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, NULL, "GPL", insns, 2, NULL);
}

static struct frame g2g, nat, reply;
static int empty_fd;

/* The three paths, the fastest of five rounds each (the rounds
 * alternate, so noise from the machine hits them alike). */
static void rows(unsigned flows, unsigned ports)
{
	static const char *const path[3] = { "guest->guest", "guest->wan NAT",
					     "wan->guest NAT reply" };
	const struct frame *f[3] = { &g2g, &nat, &reply };
	int fd[3] = { prog_fd("vnet_port_tc"), prog_fd("vnet_port_tc"), prog_fd("vnet_uplink_tc") };
	int dev[3] = { W.p1, W.p1, W.up };
	double best[3] = { 1e12, 1e12, 1e12 };

	for (int r = 0; r < 5; r++) {
		double base = cost(empty_fd, &g2g, W.p2, runs / 5);

		for (int i = 0; i < 3; i++) {
			double ns = cost(fd[i], f[i], dev[i], runs / 5) - base;

			if (ns < best[i])
				best[i] = ns;
		}
	}
	for (int i = 0; i < 3; i++)
		printf("{\"flows\": %u, \"ports\": %u, \"path\": \"%s\", \"ns\": %.1f}\n", flows,
		       ports, path[i], best[i]);
	fflush(stdout);
}

/* Flows [0, n) out of fd again (the keys fill made). */
static void unfill(int fd, unsigned n, __u32 uplink)
{
	enum { B = 8192 };
	static struct vnet_ct_key k[2 * B];
	struct vnet_ct vo, vi;

	for (unsigned from = 0; from < n;) {
		__u32 c = 0;

		for (; from < n && c < 2 * B; from++, c += 2)
			flow(from, uplink, 0, 0, &k[c], &vo, &k[c + 1], &vi);
		DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, o);
		bpf_map_delete_batch(fd, k, &c, &o);
	}
}

/* Ports q0.. (veth pairs) up to total - 2 (p1, p2 are the world's). */
static unsigned n_extra;

static void ports_to(unsigned total)
{
	char err[256], cmd[128];
	FILE *f;

	if (total - 2 <= n_extra)
		return;
	f = fopen("/tmp/ct_scale.links", "w");
	if (!f)
		exit(1);
	for (unsigned i = n_extra; i < total - 2; i++)
		fprintf(f, "link add q%u type veth peer name qx%u\nlink set q%u up\n", i, i, i);
	fclose(f);
	if (system("ip -batch /tmp/ct_scale.links >/dev/null")) {
		fprintf(stderr, "ct_scale: cannot create the veths\n");
		exit(1);
	}
	unlink("/tmp/ct_scale.links");
	for (unsigned i = n_extra; i < total - 2; i++) {
		uint8_t mac[6] = { 2, 0x51, 0, 0, (uint8_t)(i >> 8), (uint8_t)i };
		struct in_addr ip = { htonl(0x0ac80000u + i + 2) };	/* 10.200.x.y */
		int idx;

		snprintf(cmd, sizeof(cmd), "q%u", i);
		idx = (int)if_nametoindex(cmd);
		if (!idx || dp_port_add(W.dp, 1, idx, mac, err, sizeof(err))) {
			fprintf(stderr, "ct_scale: port q%u: %s\n", i, err);
			exit(1);
		}
		dp_lease_bind(W.dp, 1, mac, ip, true);
	}
	n_extra = total - 2;
}

static int cmd_cost(void)
{
	static const unsigned flows[3] = { 10, 10000, 1000000 };
	static const unsigned ports[3] = { 2, 200, 1000 };
	__u32 uplink = inet_addr(UPLINK);
	unsigned have = 0, max;
	int ctfd, v;

	if (world_setup(NULL) || !W.dp) {
		fprintf(stderr, "ct_scale: no data path (needs root)\n");
		return 77;
	}
	ctfd = DP_MAP_FD(W.dp, ct_map);
	max = bpf_map__max_entries(W.dp->skel->maps.ct_map) / 2;
	empty_fd = empty_prog();
	build(&g2g, MAC1, MAC2, GUEST1, GUEST2, IPPROTO_UDP, 9000, 9000, 0);
	cost(prog_fd("vnet_port_tc"), &g2g, W.p2, 1);	/* learn MAC2 on p2 */
	build(&g2g, MAC2, MAC1, GUEST1, GUEST2, IPPROTO_UDP, 9000, 9000, 0);
	build(&nat, BRMAC, MAC1, GUEST1, FAR, IPPROTO_UDP, 7100, 9000, 0);
	build(&reply, UPMAC, WANMAC, FAR, UPLINK, IPPROTO_UDP, 9000, 7100, 0);
	cost(prog_fd("vnet_port_tc"), &nat, W.p1, 1);	/* the measured NAT flow */
	(void)v;
	printf("{\"ct_max_flows\": %u}\n", max);
	for (int i = 0; i < 3; i++) {	/* 10 flows: 2, 200, 1,000 ports */
		if (fill(ctfd, have, flows[0], uplink, W.p1))
			return fprintf(stderr, "ct_scale: fill: %s\n", strerror(errno)), 1;
		have = flows[0];
		ports_to(ports[i]);
		rows(flows[0], ports[i]);
	}
	for (int i = 1; i < 3; i++) {	/* 1,000 ports: 10k, 1M flows */
		unsigned want = flows[i] < max ? flows[i] : max - max / 16;
		int r = fill(ctfd, have, want, uplink, W.p1);

		if (r)
			return fprintf(stderr, "ct_scale: fill to %u: %s\n", want, strerror(-r)), 1;
		have = want;
		rows(want, ports[2]);
	}
	/* back to 10 flows and 2 ports: the reference again, so a machine
	 * busier at the start than at the end does not pass for a trend */
	unfill(ctfd, have, uplink);
	fill(ctfd, 0, flows[0], uplink, W.p1);
	for (unsigned i = 0; i < n_extra; i++) {
		char name[16];

		snprintf(name, sizeof(name), "q%u", i);
		dp_port_del(W.dp, (int)if_nametoindex(name));
	}
	rows(flows[0], ports[0]);
	world_teardown(NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "fill")) {
		char path[PATH_MAX];
		unsigned long long t0 = mono_ns();
		int fd, r;

		snprintf(path, sizeof(path), "%s/ct_map", argv[2]);
		fd = bpf_obj_get(path);
		if (argc > 4)
			idle_ns = strtoull(argv[4], NULL, 10) * 1000000000ULL;
		if (fd < 0)
			return fprintf(stderr, "ct_scale: %s: %s\n", path, strerror(errno)), 1;
		r = fill(fd, 0, (unsigned)strtoul(argv[3], NULL, 10), inet_addr(UPLINK), 0);
		if (r)
			return fprintf(stderr, "ct_scale: fill: %s\n", strerror(-r)), 1;
		printf("{\"filled\": %s, \"ms\": %.0f}\n", argv[3], (mono_ns() - t0) / 1e6);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "cost")) {
		if (argc > 2)
			runs = (unsigned)strtoul(argv[2], NULL, 10);
		return cmd_cost();
	}
	fprintf(stderr, "usage: ct_scale fill PIN_DIR FLOWS [IDLE] | cost [RUNS]\n");
	return 2;
}
