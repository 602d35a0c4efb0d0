/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The core's side of privilege separation: the service child's life and
 * the channel to it.
 *
 * The child is this binary again (/proc/self/exe, so always the core's own
 * version), started with only the channel open. It is watched through a
 * pidfd and restarted with back-off; a new child gets every service again
 * (ops->resend), and since the core keeps the services' sockets open, what
 * arrives while no child runs waits in the socket buffers. The core never
 * blocks on the child: messages queue in memory and leave when the socket
 * takes them; a request waits PRIVSEP_CALL_MS at most. A child that sends
 * a message no honest child sends, stops answering pings, or lets the queue
 * grow past PRIVSEP_QUEUE_MAX is killed and restarted. */
#include "privsep.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

#define PRIVSEP_QUEUE_MAX (64u << 20) /* bytes queued for the child */
#define PRIVSEP_SNDBUF (4 << 20)
/* a datagram must fit the send buffer (less the kernel's overhead) */
_Static_assert(PRIVSEP_SNDBUF >= 2 * PSM_MAX, "PRIVSEP_SNDBUF holds a definition");
#define PRIVSEP_PING_MS 2000
#define PRIVSEP_DEAD_MS 10000	      /* no pong for this long: hung */
#define PRIVSEP_STABLE_MS 10000	      /* a child that lived this long starts back-off anew */
#define PRIVSEP_BACKOFF_MIN_MS 100
#define PRIVSEP_BACKOFF_MAX_MS 5000

struct qmsg {
	struct qmsg *next;
	size_t len;
	int fds[PSM_MAX_FDS];
	unsigned n_fds;
	uint8_t data[];
};

struct call {
	unsigned want;
	uint32_t seq;
	void *reply;
	int done;
};

static struct {
	struct loop *loop;
	struct privsep_config cfg;
	struct privsep_ops ops;
	pid_t pid;
	int pidfd, chan;
	uint64_t started_ms, last_pong_ms, last_ping_ms;
	unsigned backoff_ms;
	long restart_timer;
	struct qmsg *q, **q_tail;
	size_t q_bytes;
	uint32_t seq;
	struct call *call;
	struct privsep_counters ctr;
	struct metrics_http_counters http;
	uint64_t last_log_ms;
	unsigned suppressed;
} ps = { .pid = -1, .pidfd = -1, .chan = -1 };

static uint8_t rxbuf[PSM_MAX] __attribute__((aligned(8)));

uint32_t privsep_seq(void)
{
	return ++ps.seq ? ps.seq : ++ps.seq;
}

uint32_t privsep_new_gen(void)
{
	return privsep_seq();
}

int privsep_child_up(void)
{
	return ps.chan >= 0;
}

pid_t privsep_child_pid(void)
{
	return ps.pid;
}

void privsep_get_counters(struct privsep_counters *out)
{
	*out = ps.ctr;
}

void privsep_http_counters(struct metrics_http_counters *out)
{
	*out = ps.http;
}

/* A bad message is logged at most once a second, with how many were not. */
static void log_rejected(const char *why)
{
	uint64_t now = loop_now_ms();

	if (now - ps.last_log_ms < 1000) {
		ps.suppressed++;
		return;
	}
	log_warn("service child: rejected a message: %s (%u more not logged)", why, ps.suppressed);
	ps.suppressed = 0;
	ps.last_log_ms = now;
}

static void q_free(struct qmsg *m)
{
	for (unsigned i = 0; i < m->n_fds; i++)
		close(m->fds[i]);
	free(m);
}

static void q_clear(void)
{
	while (ps.q) {
		struct qmsg *m = ps.q;

		ps.q = m->next;
		q_free(m);
	}
	ps.q_tail = &ps.q;
	ps.q_bytes = 0;
}

static void kill_child(const char *why)
{
	if (ps.pidfd < 0)
		return;
	log_err("service child %d: %s; killing it", (int)ps.pid, why);
	ps.ctr.killed++;
	syscall(SYS_pidfd_send_signal, ps.pidfd, SIGKILL, NULL, 0);
}

/* The channel is gone (EOF, error, or the child is being killed): no more
 * sends; the pidfd tells when the child is reaped. */
static void chan_close(void)
{
	if (ps.chan < 0)
		return;
	loop_del_fd(ps.loop, ps.chan);
	close(ps.chan);
	ps.chan = -1;
	q_clear();
}

static int send_one(const struct qmsg *m)
{
	char cbuf[CMSG_SPACE(sizeof(int) * PSM_MAX_FDS)] = { 0 };
	struct iovec iov = { (void *)m->data, m->len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (m->n_fds) {
		struct cmsghdr *c;

		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * m->n_fds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * m->n_fds);
		memcpy(CMSG_DATA(c), m->fds, sizeof(int) * m->n_fds);
	}
	return sendmsg(ps.chan, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -errno : 0;
}

static void q_flush(void)
{
	int r = 0;

	while (ps.q && ps.chan >= 0) {
		struct qmsg *m = ps.q;

		r = send_one(m);
		if (r == -EAGAIN || r == -EINTR)
			break;
		if (r) {
			log_warn("service child: send: %s", strerror(-r));
			chan_close();
			return;
		}
		ps.q = m->next;
		if (!ps.q)
			ps.q_tail = &ps.q;
		ps.q_bytes -= m->len;
		q_free(m);
	}
	if (ps.chan >= 0)
		loop_mod_fd(ps.loop, ps.chan, EPOLLIN | (ps.q ? EPOLLOUT : 0));
}

int privsep_send(const void *msg, const int *fds)
{
	const struct psm_hdr *h = msg;
	struct qmsg *m;

	if (ps.chan < 0)
		return -ENOTCONN;
	if (ps.q_bytes + h->len > PRIVSEP_QUEUE_MAX) {
		kill_child("it does not read its messages");
		chan_close();
		return -ENOTCONN;
	}
	m = malloc(sizeof(*m) + h->len);
	if (!m)
		return -ENOMEM;
	memcpy(m->data, msg, h->len);
	m->len = h->len;
	m->next = NULL;
	for (m->n_fds = 0; m->n_fds < h->n_fds; m->n_fds++)
		m->fds[m->n_fds] = fcntl(fds[m->n_fds], F_DUPFD_CLOEXEC, 3);
	*ps.q_tail = m;
	ps.q_tail = &m->next;
	ps.q_bytes += m->len;
	q_flush();
	return 0;
}

/* ---- receiving -------------------------------------------------------------- */

static void on_metrics_req(void *data);

static void dispatch(const struct psm_hdr *h)
{
	if (ps.call && h->type == ps.call->want && psm_reply_seq(h) == ps.call->seq) {
		memcpy(ps.call->reply, h, h->len);
		ps.call->done = 1;
		return;
	}
	switch (h->type) {
	case PSM_LEASE:
		ps.ops.on_lease(ps.ops.ctx, (const void *)h);
		break;
	case PSM_LEASE6:
		dhcp6_proxy_on_lease((const void *)h);
		break;
	case PSM_SNOOP_ACK:
		ps.ops.on_snoop_ack(ps.ops.ctx, (const void *)h);
		break;
	case PSM_RESULT:
		ps.ops.on_result(ps.ops.ctx, (const void *)h);
		break;
	case PSM_PONG:
		ps.last_pong_ms = loop_now_ms();
		break;
	case PSM_ORIGIN_REQ: {
		struct psm_origin a;

		psm_init(&a, PSM_ORIGIN);
		a.seq = ((const struct psm_origin_req *)h)->seq;
		ps.ops.origin(ps.ops.ctx, (const void *)h, &a);
		privsep_send(&a, NULL);
		break;
	}
	case PSM_METRICS_REQ: {
		const struct psm_metrics_req *r = (const void *)h;
		uint32_t *id = malloc(sizeof(*id));

		ps.http = r->http;
		/* rendering asks the child for counters: not from in here */
		if (id) {
			*id = r->req_id;
			loop_add_timer(ps.loop, 0, on_metrics_req, id);
		}
		break;
	}
	default:
		ps.ctr.stale++; /* an answer that came after its request gave up */
	}
}

/* One message from the child, or -1 when none is left (or the channel went). */
static int recv_one(void)
{
	char cbuf[CMSG_SPACE(sizeof(int) * PSM_MAX_FDS)], why[160];
	struct iovec iov = { rxbuf, sizeof(rxbuf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	ssize_t n = recvmsg(ps.chan, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	unsigned n_fds = 0;
	enum psm_verdict v;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -1;
	if (n <= 0) {
		chan_close();
		return -1;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int *fds = (int *)CMSG_DATA(c);
			unsigned k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (unsigned i = 0; i < k; i++)
				close(fds[i]); /* the child never sends descriptors */
			n_fds += k;
		}
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		n_fds++, n = 0; /* a size no type has: rejected below */
	v = psm_check_from_child(rxbuf, (size_t)n, n_fds, ps.ops.lookup, ps.ops.ctx, why,
				 sizeof(why));
	if (v == PSM_BAD) {
		ps.ctr.rejected++;
		log_rejected(why);
		kill_child("it sent a malformed message");
		chan_close();
		return -1;
	}
	if (v == PSM_STALE) {
		ps.ctr.stale++;
		return 0;
	}
	dispatch((const struct psm_hdr *)rxbuf);
	return 0;
}

void privsep_count_rejected(const char *why)
{
	ps.ctr.rejected++;
	log_rejected(why);
}

static void on_chan(int fd, uint32_t events, void *data)
{
	if (events & EPOLLOUT)
		q_flush();
	for (int i = 0; i < 64 && ps.chan >= 0; i++) /* bounded: other fds get a turn */
		if (recv_one() < 0)
			break;
}

int privsep_call(const void *msg, const int *fds, unsigned want, uint32_t seq, void *reply)
{
	uint64_t deadline = loop_now_ms() + PRIVSEP_CALL_MS;
	struct call c = { want, seq, reply, 0 };

	if (ps.call)
		return -EBUSY; /* never nested: dispatch makes no calls */
	if (privsep_send(msg, fds))
		return -ENOTCONN;
	ps.call = &c;
	while (!c.done && ps.chan >= 0) {
		uint64_t now = loop_now_ms();
		struct pollfd p = { ps.chan, POLLIN | (ps.q ? POLLOUT : 0), 0 };

		if (now >= deadline)
			break;
		if (poll(&p, 1, (int)(deadline - now)) < 0 && errno != EINTR)
			break;
		if (p.revents & POLLOUT)
			q_flush();
		while (!c.done && ps.chan >= 0 && recv_one() == 0)
			;
	}
	ps.call = NULL;
	if (c.done)
		return 0;
	if (ps.chan < 0)
		return -ENOTCONN;
	ps.ctr.timeouts++;
	log_warn("service child: no answer to %s within %d ms", psm_type_name(
		 ((const struct psm_hdr *)msg)->type), PRIVSEP_CALL_MS);
	return -ETIMEDOUT;
}

static void on_metrics_req(void *data)
{
	uint32_t id = *(uint32_t *)data;
	struct psm_metrics_text m;
	char *text;
	int fd;

	free(data);
	text = ps.ops.render_metrics(ps.ops.ctx);
	if (!text)
		return; /* the request times out into a 503 */
	psm_init(&m, PSM_METRICS_TEXT);
	m.req_id = id;
	m.len = (uint32_t)strlen(text);
	fd = memfd_create("vnet-metrics", MFD_CLOEXEC);
	if (fd >= 0 && write(fd, text, m.len) == (ssize_t)m.len)
		privsep_send(&m, &fd);
	if (fd >= 0)
		close(fd);
	free(text);
}

/* ---- the child's life --------------------------------------------------------- */

static void on_child_exit(int fd, uint32_t events, void *data);

/* In the forked child, before exec: only the channel (as fd 3) survives,
 * signals as a new process has them. */
static void __attribute__((noreturn)) exec_child(int chan)
{
	char uid[16], gid[16], flags[8];
	char *argv[] = { "vnetd", PRIVSEP_CHILD_ARG, uid, gid, (char *)ps.cfg.lease_dir, flags,
			 NULL };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(chan, 3) < 0 || fcntl(3, F_SETFD, 0) < 0)
		_exit(126);
	close_range(4, ~0u, 0);
	snprintf(uid, sizeof(uid), "%u", (unsigned)ps.cfg.uid);
	snprintf(gid, sizeof(gid), "%u", (unsigned)ps.cfg.gid);
	snprintf(flags, sizeof(flags), "%s%s", ps.cfg.debug ? "d" : "-", ps.cfg.syslog ? "s" : "");
	execv("/proc/self/exe", argv);
	_exit(127);
}

static int spawn(char *err, size_t errlen)
{
	int sv[2], sz = PRIVSEP_SNDBUF, got = 0;
	socklen_t gotlen = sizeof(got);
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return snprintf(err, errlen, "socketpair: %s", strerror(errno)), -errno;
	/* A definition (struct netdef, ~500 KB) goes in one message, which
	 * must fit the send buffer; SO_SNDBUF is capped by net.core.wmem_max
	 * (212992 on a stock system), SO_SNDBUFFORCE (CAP_NET_ADMIN, which the
	 * core has) is not. */
	if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &got, &gotlen) == 0 &&
	    (size_t)got < PSM_MAX + 4096)
		log_warn("service child: send buffer %d bytes is below a definition (%zu): "
			 "networks will not start (no CAP_NET_ADMIN, and net.core.wmem_max too low)",
			 got, (size_t)PSM_MAX);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -EAGAIN;
	}
	if (pid == 0)
		exec_child(sv[1]);
	close(sv[1]);
	ps.pid = pid;
	ps.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	ps.chan = sv[0];
	fcntl(ps.chan, F_SETFL, O_NONBLOCK);
	if (ps.pidfd < 0 || loop_add_fd(ps.loop, ps.pidfd, EPOLLIN, on_child_exit, NULL) ||
	    loop_add_fd(ps.loop, ps.chan, EPOLLIN, on_chan, NULL)) {
		snprintf(err, errlen, "cannot watch the service child");
		kill(pid, SIGKILL);
		return -EIO;
	}
	ps.started_ms = ps.last_pong_ms = ps.last_ping_ms = loop_now_ms();
	ps.ctr.starts++;
	log_info("service child %d started (uid %u, gid %u)", (int)pid, (unsigned)ps.cfg.uid,
		 (unsigned)ps.cfg.gid);
	return 0;
}

static void send_metrics_start(void)
{
	struct psm_seq m;

	if (ps.cfg.metrics_fd < 0)
		return;
	psm_init(&m, PSM_METRICS_START);
	privsep_send(&m, &ps.cfg.metrics_fd);
}

static void restart(void *data)
{
	char err[160];

	ps.restart_timer = 0;
	if (spawn(err, sizeof(err))) {
		log_err("cannot restart the service child: %s", err);
		ps.restart_timer = loop_add_timer(ps.loop, PRIVSEP_BACKOFF_MAX_MS, restart, NULL);
		return;
	}
	send_metrics_start();
	ps.ops.resend(ps.ops.ctx);
}

static void log_exit(const siginfo_t *si)
{
	if (si->si_code == CLD_EXITED)
		log_err("service child %d exited with status %d", (int)ps.pid, si->si_status);
	else
		log_err("service child %d killed by signal %d (%s)", (int)ps.pid, si->si_status,
			strsignal(si->si_status));
}

static void on_child_exit(int fd, uint32_t events, void *data)
{
	siginfo_t si = { 0 };
	uint64_t lived = loop_now_ms() - ps.started_ms;

	if (waitid(P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG) < 0 || !si.si_pid)
		return;
	log_exit(&si);
	ps.ctr.crashes++;
	chan_close();
	loop_del_fd(ps.loop, fd);
	close(fd);
	ps.pidfd = -1;
	ps.pid = -1;
	/* a crash after a stable run restarts at once; a crash loop backs off */
	if (lived >= PRIVSEP_STABLE_MS || !ps.backoff_ms)
		ps.backoff_ms = PRIVSEP_BACKOFF_MIN_MS;
	else if ((ps.backoff_ms *= 2) > PRIVSEP_BACKOFF_MAX_MS)
		ps.backoff_ms = PRIVSEP_BACKOFF_MAX_MS;
	ps.restart_timer = loop_add_timer(ps.loop, ps.backoff_ms, restart, NULL);
}

void privsep_tick(void)
{
	uint64_t now = loop_now_ms();
	struct psm_seq m;

	if (ps.chan < 0)
		return;
	if (now - ps.last_pong_ms > PRIVSEP_DEAD_MS) {
		kill_child("it stopped answering");
		chan_close();
		return;
	}
	if (now - ps.last_ping_ms >= PRIVSEP_PING_MS) {
		psm_init(&m, PSM_PING);
		m.seq = privsep_seq();
		privsep_send(&m, NULL);
		ps.last_ping_ms = now;
	}
}

int privsep_start(struct loop *loop, const struct privsep_config *cfg,
		  const struct privsep_ops *ops, char *err, size_t errlen)
{
	ps.loop = loop;
	ps.cfg = *cfg;
	ps.ops = *ops;
	ps.q_tail = &ps.q;
	if (spawn(err, errlen))
		return -1;
	send_metrics_start();
	return 0;
}

/* The daemon exits: the child sees the channel close, saves what is unsaved
 * and exits; after a second it is killed. */
void privsep_stop(void)
{
	struct pollfd p = { ps.pidfd, POLLIN, 0 };

	if (ps.restart_timer > 0)
		loop_cancel_timer(ps.loop, ps.restart_timer);
	chan_close();
	if (ps.pidfd < 0)
		return;
	if (poll(&p, 1, 1000) <= 0)
		syscall(SYS_pidfd_send_signal, ps.pidfd, SIGKILL, NULL, 0);
	waitpid(ps.pid, NULL, 0);
	loop_del_fd(ps.loop, ps.pidfd);
	close(ps.pidfd);
	ps.pidfd = -1;
	ps.pid = -1;
	if (ps.cfg.metrics_fd >= 0)
		close(ps.cfg.metrics_fd);
}
