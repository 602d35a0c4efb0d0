// SPDX-License-Identifier: GPL-2.0-or-later
/* Benchmark generator and counters on top of tests/bench/pktgen.bpf.c.
 *
 *   pktgen send IFNAME SMAC DMAC SIP DIP SECONDS
 *	64-byte UDP frames (IPv6 ones when SIP and DIP are IPv6 addresses) transmitted on IFNAME (XDP_TX through BPF_PROG_RUN
 *	with BPF_F_TEST_XDP_LIVE_FRAMES): they reach IFNAME's veth peer as
 *	xdp_frames, like a guest NIC at line rate. Prints {"sent":N,"pps":R,
 *	"cpu":S}: S the CPU seconds the sending loop took (its system calls
 *	carry each frame through the veth and whatever runs behind it).
 *   pktgen count IFNAME WARMUP SECONDS
 *	count (and drop) benchmark UDP arriving on IFNAME, at XDP and at tc
 *	ingress; after WARMUP s, measure for SECONDS. Prints {"packets":N,"pps":R}.
 *   pktgen redirect IFNAME TARGET SECONDS
 *	the ceiling: a bare XDP redirect IFNAME -> TARGET for SECONDS.
 *   pktgen tcredirect IFNAME TARGET peer|egress SECONDS
 *	the same at tc ingress (bpf_redirect_peer or bpf_redirect to egress).
 * Everything attached is removed on exit (XDP by link, tc explicitly). */
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "frame.h"
#include "pktgen.skel.h"

#define TC_HANDLE 0xbe7c
#define TC_PRIO 0xbe7

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep up to s seconds; returns early (non-zero) on a signal. */
static int nap(double s)
{
	double end = now() + s;

	while (!stop && now() < end)
		usleep(20000);
	return stop;
}

static int ifindex_of(const char *name)
{
	int i = if_nametoindex(name);

	if (!i)
		fprintf(stderr, "pktgen: no interface %s\n", name);
	return i;
}

static int make_frame(char **argv, uint8_t frame[BENCH_FRAME_LEN])
{
	struct bench_flow fl = { .sport = 1234, .dport = BENCH_DPORT };
	struct in6_addr s6, d6;

	if (strchr(argv[3], ':')) {	/* IPv6 addresses: the IPv6 frame */
		if (bench_parse_mac(argv[1], fl.smac) || bench_parse_mac(argv[2], fl.dmac) ||
		    inet_pton(AF_INET6, argv[3], &s6) != 1 || inet_pton(AF_INET6, argv[4], &d6) != 1)
			return -1;
		bench_frame6(frame, fl.smac, fl.dmac, &s6, &d6, fl.sport, fl.dport);
		return 0;
	}
	if (bench_parse_mac(argv[1], fl.smac) || bench_parse_mac(argv[2], fl.dmac) ||
	    !inet_aton(argv[3], &fl.saddr) || !inet_aton(argv[4], &fl.daddr))
		return -1;
	bench_frame(frame, &fl);
	return 0;
}

static int cmd_send(struct pktgen *s, char **argv)
{
	uint8_t frame[BENCH_FRAME_LEN];
	int ifindex = ifindex_of(argv[0]), r;
	struct xdp_md ctx = { .data_end = BENCH_FRAME_LEN, .ingress_ifindex = ifindex };
	double t0, t, c0, secs = atof(argv[5]);
	unsigned long long sent = 0;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = sizeof(frame),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .repeat = 1 << 16, .batch_size = 64);

	if (!ifindex)
		return 2;
	memcpy(frame, s->bss->frame, sizeof(frame));
	t0 = now();
	c0 = cpu_now();
	do {
		r = bpf_prog_test_run_opts(bpf_program__fd(s->progs.bench_tx), &o);
		if (r)
			return fprintf(stderr, "pktgen: BPF_PROG_RUN: %s\n", strerror(-r)), 1;
		sent += o.repeat;
		t = now();
	} while (!stop && t - t0 < secs);
	printf("{\"sent\":%llu,\"seconds\":%.3f,\"pps\":%.0f,\"cpu\":%.3f}\n", sent, t - t0,
	       sent / (t - t0), cpu_now() - c0);
	return 0;
}

static unsigned long long read_count(struct pktgen *s)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long v[ncpu > 0 ? ncpu : 1], sum = 0;
	__u32 k = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(s->maps.rx_count), &k, v))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

static int tc_counter(int ifindex, int prog_fd, int attach)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = TC_HANDLE, .priority = TC_PRIO);
	int r;

	if (!attach)
		return bpf_tc_detach(&h, &o);
	r = bpf_tc_hook_create(&h);
	if (r && r != -EEXIST)
		return r;
	o.prog_fd = prog_fd;
	o.flags = BPF_TC_F_REPLACE;
	return bpf_tc_attach(&h, &o);
}

static int cmd_count(struct pktgen *s, char **argv)
{
	int ifindex = ifindex_of(argv[0]), r;
	double warm = atof(argv[1]), secs = atof(argv[2]), t0, t1;
	unsigned long long c0, c1;
	struct bpf_link *l;

	if (!ifindex)
		return 2;
	l = bpf_program__attach_xdp(s->progs.bench_xdp_count, ifindex);
	if (!l)
		return fprintf(stderr, "pktgen: XDP attach: %s\n", strerror(errno)), 1;
	r = tc_counter(ifindex, bpf_program__fd(s->progs.bench_tc_count), 1);
	if (r)
		return fprintf(stderr, "pktgen: tc attach: %s\n", strerror(-r)), 1;
	printf("ready\n");
	fflush(stdout);
	nap(warm);
	c0 = read_count(s);
	t0 = now();
	nap(secs);
	c1 = read_count(s);
	t1 = now();
	tc_counter(ifindex, 0, 0);
	bpf_link__destroy(l);
	printf("{\"packets\":%llu,\"seconds\":%.3f,\"pps\":%.0f}\n", c1 - c0, t1 - t0,
	       (c1 - c0) / (t1 - t0));
	return 0;
}

/* BPF_TCX_INGRESS (Linux 6.6; Debian 12's UAPI headers predate it) */
#define TCX_INGRESS ((enum bpf_attach_type)46)
/* The bare tc redirect's tcx link (-1: none, a clsact filter instead). */
static int tcx_fd = -1;

/* Attach the bare XDP (tc == NULL) or tc redirect; returns the XDP link.
 * The tc redirect goes on a tcx link, as vnet's port programs do (a
 * clsact filter costs 12-37 ns a frame more: docs/performance.md, "The
 * guest->guest live gap"), so the ceiling is the same hook's; a clsact
 * filter only on a kernel without tcx. */
static int attach_redirect(struct pktgen *s, int ifindex, const char *tc, struct bpf_link **l)
{
	if (tc) {
		tcx_fd = bpf_link_create(bpf_program__fd(s->progs.bench_tc_redirect), ifindex,
					 TCX_INGRESS, NULL);
		if (tcx_fd >= 0)
			return 0;
		return tc_counter(ifindex, bpf_program__fd(s->progs.bench_tc_redirect), 1);
	}
	*l = bpf_program__attach_xdp(s->progs.bench_redirect, ifindex);
	return *l ? 0 : -errno;
}

static int cmd_redirect(char **argv, const char *tc)
{
	int ifindex = ifindex_of(argv[0]), target = ifindex_of(argv[1]), r = 1;
	struct bpf_link *l = NULL;
	struct pktgen *s;

	if (!ifindex || !target)
		return 2;
	s = pktgen__open();
	if (!s)
		return 1;
	s->rodata->redirect_ifindex = target;
	s->rodata->redirect_to_peer = tc && !strcmp(tc, "peer");
	if (pktgen__load(s))
		goto out;
	r = attach_redirect(s, ifindex, tc, &l);
	if (r) {
		fprintf(stderr, "pktgen: attach: %s\n", strerror(-r));
		goto out;
	}
	printf("ready\n");
	nap(atof(argv[tc ? 3 : 2]));
	if (tcx_fd >= 0)
		close(tcx_fd);	/* unpinned: closing it detaches */
	else if (tc)
		tc_counter(ifindex, 0, 0);
	bpf_link__destroy(l);
	r = 0;
out:
	pktgen__destroy(s);
	return r;
}

/* bpf_tc_hook_create reports an existing clsact qdisc (EEXIST, fine) */
static int print_fn(enum libbpf_print_level l, const char *fmt, va_list ap)
{
	if (l == LIBBPF_DEBUG || strstr(fmt, "Kernel error message"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	struct pktgen *s;
	int r;

	libbpf_set_print(print_fn);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "redirect"))
		return cmd_redirect(argv + 2, NULL);
	if (argc == 6 && !strcmp(argv[1], "tcredirect"))
		return cmd_redirect(argv + 2, argv[4]);
	if (!((argc == 8 && !strcmp(argv[1], "send")) || (argc == 5 && !strcmp(argv[1], "count")))) {
		fprintf(stderr, "usage: pktgen send IFNAME SMAC DMAC SIP DIP SECONDS\n"
				"       pktgen count IFNAME WARMUP SECONDS\n"
				"       pktgen redirect IFNAME TARGET SECONDS\n"
				"       pktgen tcredirect IFNAME TARGET peer|egress SECONDS\n");
		return 2;
	}
	s = pktgen__open();
	if (!s || (argv[1][0] == 's' && make_frame(argv + 2, s->bss->frame)) ||
	    pktgen__load(s))
		return fprintf(stderr, "pktgen: bad arguments or cannot load the BPF object\n"), 1;
	r = argv[1][0] == 's' ? cmd_send(s, argv + 2) : cmd_count(s, argv + 2);
	pktgen__destroy(s);
	return r;
}
