/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The service child: vnetd started by its core as
 * "vnetd --privsep-child UID GID LEASE_DIR FLAGS" with the channel as fd 3.
 * It sandboxes itself (privsep_sandbox.c) before it reads a message, then
 * runs the DHCP and DNS services, the snooping parser and the metrics
 * endpoint on the sockets the core sends, in the same event loop library
 * as the core. It owns the lease files (written before any ACK leaves, as
 * always); everything else it learns from, and reports to, the core.
 * Sends block (at most PRIVSEP_CHILD_SEND_S): the core always reads, and a
 * child that cannot report a lease must not go on granting them. */
#include "privsep.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "privsep_child_priv.h"

#define PRIVSEP_CHILD_SEND_S 10
#define METRICS_TEXT_MAX (64u << 20)

struct child child;

static uint8_t rxbuf[PSM_MAX] __attribute__((aligned(8)));

void child_send(const void *msg)
{
	const struct psm_hdr *h = msg;

	if (send(CHILD_CHAN, msg, h->len, MSG_NOSIGNAL) != (ssize_t)h->len) {
		log_err("cannot report to the core: %s; exiting", strerror(errno));
		exit(2);
	}
}

void child_result(uint32_t seq, int rc, const char *err)
{
	struct psm_result r;

	psm_init(&r, PSM_RESULT);
	r.seq = seq;
	r.rc = rc;
	snprintf(r.err, sizeof(r.err), "%s", rc ? err : "");
	child_send(&r);
}

struct child_net *child_net(uint32_t id, int create)
{
	struct child_net *free_slot = NULL;

	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++) {
		if (child.nets[i].def && child.nets[i].id == id)
			return &child.nets[i];
		if (!child.nets[i].def && !free_slot)
			free_slot = &child.nets[i];
	}
	if (!create || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->id = id;
	free_slot->snoop_fd = -1;
	return free_slot;
}

static void on_netdef(const struct psm_netdef *m)
{
	struct child_net *n = child_net(m->net_id, 1);
	struct netdef *d = malloc(sizeof(*d));

	if (!n || !d) {
		free(d);
		log_err("no room for network %u", m->net_id);
		return;
	}
	memcpy(d, &m->def, sizeof(*d));
	free(n->def);
	n->def = d;
}

static void on_counters_req(const struct psm_seq *q)
{
	struct child_net *n = child_net(q->in.net_id, 0);
	struct psm_counters c;

	psm_init(&c, PSM_COUNTERS);
	c.in = q->in;
	c.seq = q->seq;
	if (n && n->dhcp) {
		c.has_dhcp = 1;
		dhcp_service_counters(n->dhcp, &c.dhcp, &c.dhcp_active);
	}
	if (n && n->dhcp6) {
		c.has_dhcp6 = 1;
		c.dhcp6 = *dhcp6_service_counters(n->dhcp6);
	}
	if (n && n->dns) {
		c.has_dns = 1;
		dns_service_counters(n->dns, &c.dns, &c.dns_gauges);
	}
	child_send(&c);
}

static void metrics_fetch(void *ctx, uint32_t req_id)
{
	struct psm_metrics_req r;

	psm_init(&r, PSM_METRICS_REQ);
	r.req_id = req_id;
	metrics_http_get_counters(&r.http);
	child_send(&r);
}

static void on_metrics_start(int fd)
{
	char err[160];

	metrics_http_stop();
	if (metrics_http_start(child.loop, fd, metrics_fetch, NULL, err, sizeof(err)))
		log_warn("metrics disabled: %s", err);
}

/* The core's answer: text in a memfd (sent whole: no partial reads). */
static void on_metrics_text(const struct psm_metrics_text *m, int fd)
{
	char *text = NULL;

	if (m->len <= METRICS_TEXT_MAX && (text = malloc((size_t)m->len + 1)) &&
	    pread(fd, text, m->len, 0) == (ssize_t)m->len) {
		text[m->len] = '\0';
	} else {
		free(text);
		text = NULL;
	}
	close(fd);
	metrics_http_answer(m->req_id, text);
}

static void on_ping(const struct psm_seq *q)
{
	struct psm_seq r;

	psm_init(&r, PSM_PONG);
	r.seq = q->seq;
	child_send(&r);
}

static void dispatch(const struct psm_hdr *h, int *fds)
{
	switch (h->type) {
	case PSM_NETDEF: on_netdef((const void *)h); break;
	case PSM_DNS_START: child_dns_start((const void *)h, fds[0], fds[1], fds[2]); break;
	case PSM_DNS_STOP: child_dns_stop((const void *)h); break;
	case PSM_DNS_NAME: child_dns_name((const void *)h); break;
	case PSM_DNS_LEASE: child_dns_lease((const void *)h); break;
	case PSM_DNS_LEASE6: child_dns_lease6((const void *)h); break;
	case PSM_DNS_LISTEN: child_dns_listen((const void *)h, fds[0], fds[1]); break;
	case PSM_DNS_PEER_LISTEN: child_dns_peer_listen((const void *)h, fds[0]); break;
	case PSM_DNS_PEER_ASK: child_dns_peer_ask((const void *)h); break;
	case PSM_DHCP_START: child_dhcp_start((const void *)h, fds[0], fds[1]); break;
	case PSM_DHCP_STOP: child_dhcp_stop((const void *)h); break;
	case PSM_HOST_ADD: child_host_add((const void *)h); break;
	case PSM_SNOOP_START: child_snoop_start((const void *)h, fds[0]); break;
	case PSM_SNOOP_STOP: child_snoop_stop((const void *)h); break;
	case PSM_COUNTERS_REQ: on_counters_req((const void *)h); break;
	case PSM_METRICS_START: on_metrics_start(fds[0]); break;
	case PSM_METRICS_TEXT: on_metrics_text((const void *)h, fds[0]); break;
	case PSM_PING: on_ping((const void *)h); break;
	case PSM_PORT_GONE: child_port_gone((const void *)h); break;
	case PSM_TFTP_START: child_tftp_start((const void *)h, fds[0], fds[1]); break;
	case PSM_TFTP_STOP: child_tftp_stop((const void *)h); break;
	case PSM_DHCP6_START: child_dhcp6_start((const void *)h, fds[0]); break;
	case PSM_DHCP6_STOP: child_dhcp6_stop((const void *)h); break;
	case PSM_ORIGIN: break; /* its request gave up waiting */
	}
}

static unsigned take_fds(struct msghdr *mh, int *fds)
{
	unsigned n = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		int *cf = (int *)CMSG_DATA(c);
		unsigned k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (unsigned i = 0; i < k; i++, n++) {
			if (n < PSM_MAX_FDS)
				fds[n] = cf[i];
			else
				close(cf[i]);
		}
	}
	return n;
}

/* One checked message from the core into rxbuf: its length, -1 when none
 * is waiting, -2 when the core is gone. */
static ssize_t recv_msg(int *fds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * (PSM_MAX_FDS + 2))], why[160];
	struct iovec iov = { rxbuf, sizeof(rxbuf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	ssize_t n = recvmsg(CHILD_CHAN, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	unsigned n_fds;

	fds[0] = fds[1] = fds[2] = -1;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -1;
	if (n <= 0)
		return -2;
	n_fds = take_fds(&mh, fds);
	if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    psm_check_from_core(rxbuf, (size_t)n, n_fds, why, sizeof(why)) != PSM_OK) {
		/* the core is trusted: this is a bug, not an attack */
		log_err("bad message from the core: %s; exiting", why);
		exit(3);
	}
	return n;
}

/* Messages that came while a DHCP request waited for its origin: handled,
 * in order, once the loop has them again. */
struct deferred {
	struct deferred *next;
	int fds[PSM_MAX_FDS];
	uint8_t data[] __attribute__((aligned(8)));
};
static struct deferred *dq, **dq_tail = &dq;

static void drain_deferred(void *data)
{
	child.dq_timer = 0;
	while (dq) {
		struct deferred *d = dq;

		if (!(dq = d->next))
			dq_tail = &dq;
		dispatch((const struct psm_hdr *)d->data, d->fds);
		free(d);
	}
}

static void defer(size_t len, const int *fds)
{
	struct deferred *d = malloc(sizeof(*d) + len);

	if (!d) {
		log_err("out of memory for a message from the core; exiting");
		exit(2);
	}
	memcpy(d->data, rxbuf, len);
	memcpy(d->fds, fds, sizeof(d->fds));
	d->next = NULL;
	*dq_tail = d;
	dq_tail = &d->next;
	if (!child.dq_timer)
		child.dq_timer = loop_add_timer(child.loop, 0, drain_deferred, NULL);
}

int child_wait_origin(uint32_t seq, struct dhcp_origin *o)
{
	uint64_t deadline = loop_now_ms() + PRIVSEP_ORIGIN_MS;
	int fds[PSM_MAX_FDS];

	for (uint64_t now; (now = loop_now_ms()) < deadline;) {
		struct pollfd p = { CHILD_CHAN, POLLIN, 0 };
		const struct psm_origin *a = (const void *)rxbuf;
		ssize_t n;

		poll(&p, 1, (int)(deadline - now));
		n = recv_msg(fds);
		if (n == -2)
			return -ECONNRESET;
		if (n < 0)
			continue;
		if (a->h.type != PSM_ORIGIN) {
			defer((size_t)n, fds);
			continue;
		}
		if (a->seq != seq)
			continue; /* an answer that came too late */
		o->port = a->port;
		o->max_macs = a->max_macs;
		return a->port ? 0 : -ENOENT;
	}
	log_warn("no answer from the core about a DHCP request's port in %d ms",
		 PRIVSEP_ORIGIN_MS);
	return -ETIMEDOUT;
}

static void on_chan(int fd, uint32_t events, void *data)
{
	int fds[PSM_MAX_FDS];

	drain_deferred(NULL);
	for (int i = 0; i < 64; i++) {
		ssize_t n = recv_msg(fds);

		if (n == -2) {
			loop_quit(child.loop); /* the core exited: so do we */
			return;
		}
		if (n < 0)
			return;
		dispatch((const struct psm_hdr *)rxbuf, fds);
	}
}

static void stop_all(void)
{
	metrics_http_stop();
	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++) {
		struct child_net *n = &child.nets[i];

		if (!n->def)
			continue;
		dhcp_service_stop(n->dhcp); /* saves what is unsaved */
		dns_service_stop(n->dns);
		tftp_service_stop(n->tftp);
		dhcp6_service_stop(n->dhcp6); /* saves its leases */
		child_snoop_close(n);
		free(n->def);
		n->def = NULL;
	}
}

static int parse_args(int argc, char **argv, uid_t *uid, gid_t *gid, int *debug, int *use_syslog)
{
	if (argc != 6 || strcmp(argv[1], PRIVSEP_CHILD_ARG))
		return -1;
	*uid = (uid_t)strtoul(argv[2], NULL, 10);
	*gid = (gid_t)strtoul(argv[3], NULL, 10);
	*debug = !!strchr(argv[5], 'd');
	*use_syslog = !!strchr(argv[5], 's');
	return *uid && *gid ? 0 : -1;
}

int privsep_child_main(int argc, char **argv)
{
	int debug, use_syslog, sz = 4 << 20;
	struct timeval tv = { PRIVSEP_CHILD_SEND_S, 0 };
	pid_t parent = getppid();
	char err[256];
	uid_t uid;
	gid_t gid;

	if (parse_args(argc, argv, &uid, &gid, &debug, &use_syslog))
		return 2;
	log_init("vnetd-svc", use_syslog, debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if (use_syslog) /* connected now: /dev/log is not in the chroot */
		openlog("vnetd-svc", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	prctl(PR_SET_NAME, "vnetd-svc");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN); /* the core decides when we stop */
	signal(SIGHUP, SIG_IGN);
	umask(022);		 /* leases readable by all, for the NSS module */
	tzset();		 /* before the chroot hides the zone files */
	setsockopt(CHILD_CHAN, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(CHILD_CHAN, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	child.loop = loop_new();
	if (!child.loop || loop_add_fd(child.loop, CHILD_CHAN, EPOLLIN, on_chan, NULL))
		fatal("cannot set up the event loop");
	if (privsep_sandbox(argv[4], uid, gid, err, sizeof(err)))
		fatal("sandbox: %s", err);
	if (getppid() != parent) /* the core died before the death signal was set */
		return 0;
	loop_run(child.loop);
	stop_all();
	return 0;
}
