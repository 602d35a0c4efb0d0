// SPDX-License-Identifier: GPL-2.0-or-later
/* Socket-side load for the benchmark (traffic that enters the Linux stack
 * as skbs, so it takes any path a guest's own packets take):
 *
 *   netload raw IFNAME SMAC DMAC SIP DIP SECONDS [FLOWS [RATE [COUNT [DPORTS]]]]
 *	64-byte UDP frames through an AF_PACKET socket (sendmmsg, qdisc
 *	bypass); packet i belongs to flow f = i % FLOWS: dport 9000 + f %
 *	DPORTS (default 1, at most 1000), sport 10000 + f / DPORTS % 50000;
 *	RATE > 0 paces to RATE packets/s; COUNT > 0 stops after COUNT packets.
 *   netload server PORT           TCP echo server (epoll), until killed
 *   netload crr IP PORT SECONDS P new connections/s: P processes each
 *	connect, send 1 byte, read 1 byte, close with RST (no TIME_WAIT)
 *   netload rr IP PORT SECONDS    TCP 1-byte request/response latency
 * Results are one JSON line on stdout. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"

#define BATCH 64
#define MAX_SAMPLES (1 << 21)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int raw_socket(const char *ifname)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = if_nametoindex(ifname) };
	int fd = socket(AF_PACKET, SOCK_RAW, 0), one = 1;

	if (fd < 0 || !sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		return -1;
	/* straight to the driver, like a guest NIC: no qdisc in the guest */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	return fd;
}

static int cmd_raw(int argc, char **argv)
{
	struct bench_flow fl = { .dport = BENCH_DPORT };
	static uint8_t frames[BATCH][BENCH_FRAME_LEN];
	struct mmsghdr msg[BATCH] = { 0 };
	struct iovec iov[BATCH];
	double secs = atof(argv[5]), rate = argc > 7 ? atof(argv[7]) : 0, t0, t;
	unsigned long flows = argc > 6 ? strtoul(argv[6], NULL, 0) : 1, i = 0;
	unsigned long count = argc > 8 ? strtoul(argv[8], NULL, 0) : 0;
	unsigned long dports = argc > 9 ? strtoul(argv[9], NULL, 0) : 1;
	unsigned long long sent = 0;
	int fd = raw_socket(argv[0]), n;

	if (fd < 0 || bench_parse_mac(argv[1], fl.smac) || bench_parse_mac(argv[2], fl.dmac) ||
	    !inet_aton(argv[3], &fl.saddr) || !inet_aton(argv[4], &fl.daddr) || !flows ||
	    !dports || dports > 1000)
		return fprintf(stderr, "netload raw: bad arguments or socket: %m\n"), 2;
	for (int b = 0; b < BATCH; b++) {
		bench_frame(frames[b], &fl);
		iov[b] = (struct iovec){ frames[b], BENCH_FRAME_LEN };
		msg[b].msg_hdr.msg_iov = &iov[b];
		msg[b].msg_hdr.msg_iovlen = 1;
	}
	t0 = t = now();
	while (t - t0 < secs && (!count || sent < count)) {
		n = BATCH;
		if (count && count - sent < BATCH)
			n = count - sent;
		for (int b = 0; b < n; b++, i++) {
			unsigned long f = i % flows;

			bench_set_ports(frames[b], 10000 + f / dports % 50000, BENCH_DPORT + f % dports);
		}
		n = sendmmsg(fd, msg, n, 0);
		if (n > 0)
			sent += n;
		t = now();
		while (rate > 0 && sent > rate * (t - t0))
			t = now();
	}
	printf("{\"sent\":%llu,\"seconds\":%.3f,\"pps\":%.0f}\n", sent, t - t0, sent / (t - t0));
	return 0;
}

static void echo_ready(int ep, int fd)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0 && write(fd, buf, n) == n)
		return;
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
}

static int cmd_server(char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[0])) };
	int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), ep = epoll_create1(0), one = 1;
	struct epoll_event ev = { .events = EPOLLIN }, evs[64];

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || ep < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4096))
		return fprintf(stderr, "netload server: %m\n"), 1;
	ev.data.fd = l;
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	for (;;) {
		int n = epoll_wait(ep, evs, 64, -1);

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd, c;

			if (fd != l) {
				echo_ready(ep, fd);
				continue;
			}
			while ((c = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
				setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
				ev.data.fd = c;
				epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
			}
		}
	}
}

static int tcp_connect(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 1 };
	struct linger lg = { 1, 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0 || !inet_aton(ip, &a.sin_addr))
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));	/* bounds connect() */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One request/response; 0 on success. */
static int transact(int fd)
{
	char c = 'x';

	return write(fd, &c, 1) == 1 && read(fd, &c, 1) == 1 ? 0 : -1;
}

static void crr_child(const char *ip, int port, double secs, int out)
{
	unsigned long res[2] = { 0, 0 };	/* ok, errors */
	double t0 = now();

	while (now() - t0 < secs) {
		int fd = tcp_connect(ip, port);

		if (fd >= 0 && !transact(fd))
			res[0]++;
		else
			res[1]++;
		if (fd >= 0)
			close(fd);
	}
	if (write(out, res, sizeof(res)) != sizeof(res))
		_exit(1);
	_exit(0);
}

static int cmd_crr(char **argv)
{
	int p[2], par = atoi(argv[3]);
	double secs = atof(argv[2]);
	unsigned long ok = 0, err = 0, res[2];

	if (pipe(p) || par < 1)
		return 2;
	for (int i = 0; i < par; i++)
		if (fork() == 0)
			crr_child(argv[0], atoi(argv[1]), secs, p[1]);
	close(p[1]);
	while (read(p[0], res, sizeof(res)) == sizeof(res)) {
		ok += res[0];
		err += res[1];
	}
	while (wait(NULL) > 0)
		;
	printf("{\"conns\":%lu,\"errors\":%lu,\"cps\":%.0f}\n", ok, err, ok / secs);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmd_rr(char **argv)
{
	static double us[MAX_SAMPLES];
	int fd = tcp_connect(argv[0], atoi(argv[1])), n = 0;
	double secs = atof(argv[2]), t0 = now(), t;

	if (fd < 0)
		return fprintf(stderr, "netload rr: connect: %m\n"), 1;
	while (n < MAX_SAMPLES && (t = now()) - t0 < secs) {
		if (transact(fd))
			return fprintf(stderr, "netload rr: transaction failed: %m\n"), 1;
		us[n++] = (now() - t) * 1e6;
	}
	close(fd);
	if (!n)
		return 1;
	qsort(us, n, sizeof(us[0]), cmp_double);
	printf("{\"count\":%d,\"p50_us\":%.1f,\"p99_us\":%.1f,\"tps\":%.0f}\n", n, us[n / 2],
	       us[(int)(n * 0.99)], n / secs);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 8 && argc <= 12 && !strcmp(argv[1], "raw"))
		return cmd_raw(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "server"))
		return cmd_server(argv + 2);
	if (argc == 6 && !strcmp(argv[1], "crr"))
		return cmd_crr(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "rr"))
		return cmd_rr(argv + 2);
	fprintf(stderr, "usage: netload raw IFNAME SMAC DMAC SIP DIP SECONDS [FLOWS [RATE [COUNT [DPORTS]]]]\n"
			"       netload server PORT | crr IP PORT SECONDS P | rr IP PORT SECONDS\n");
	return 2;
}
