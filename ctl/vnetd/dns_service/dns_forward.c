/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Forwarding to the upstream resolvers, hardened as RFC 5452 asks: a fresh
 * socket per attempt (the kernel picks a random ephemeral port), a random
 * 16-bit ID from getrandom(), and a reply is accepted only when source
 * address, port, ID and question all match. Bad replies are ignored and we
 * keep waiting until the attempt times out; then the next upstream, then
 * SERVFAIL. Identical questions in flight are merged. TC answers are
 * retried over TCP to the same upstream. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/util.h"
#include "dns/dns.h"
#include "dns_service.h"

#define UDP_BUF 4096
#define TCP_BUF (2 + 65535)

struct pending {
	struct pending *next;
	struct dns_fwd *f;
	struct dns_query q; /* question, DO and CD as the first client sent them */
	uint8_t key[DNS_CACHE_KEY_MAX];
	size_t klen;
	struct dns_client clients[DNS_FWD_MAX_CLIENTS];
	unsigned n_clients;
	unsigned upstream; /* index of the upstream being tried */
	uint16_t id;	   /* our ID towards it */
	int fd;		   /* this attempt's socket, -1 if none */
	int tcp, sending;
	long timer;
	uint8_t *tbuf;	   /* TCP: the query going out, then the reply coming in */
	size_t tlen, tdone;
	uint64_t sent_us;  /* when this attempt's query left, for the latency histogram */
};

struct dns_fwd {
	struct loop *loop;
	struct sockaddr_storage ups[DNS_MAX_UPSTREAMS]; /* IPv4 or IPv6 */
	size_t n_ups;
	dns_fwd_done_cb done;
	void *ctx;
	struct dns_counters *ctr;
	struct pending *list;
	unsigned n_pending;
	struct addr_quota *quota; /* client slots held per guest address */
};

static void attempt(struct pending *p);

struct dns_fwd *dns_fwd_new(struct loop *loop, const struct sockaddr_storage *ups, size_t n_ups,
			    dns_fwd_done_cb done, void *ctx, struct dns_counters *ctr)
{
	struct dns_fwd *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->loop = loop;
	/* neither family (a message from the core we cannot use): skipped */
	for (size_t i = 0; i < n_ups && f->n_ups < DNS_MAX_UPSTREAMS; i++)
		if (dns_sockaddr_len(&ups[i]))
			f->ups[f->n_ups++] = ups[i];
	f->done = done;
	f->ctx = ctx;
	f->ctr = ctr;
	f->quota = addr_quota_new(DNS_FWD_GUEST_MAX);
	if (!f->quota) {
		free(f);
		return NULL;
	}
	return f;
}

static void close_attempt(struct pending *p)
{
	if (p->timer > 0)
		loop_cancel_timer(p->f->loop, p->timer);
	p->timer = 0;
	if (p->fd >= 0) {
		loop_del_fd(p->f->loop, p->fd);
		close(p->fd);
	}
	p->fd = -1;
	free(p->tbuf);
	p->tbuf = NULL;
}

static void pending_free(struct pending *p)
{
	struct pending **pp;

	close_attempt(p);
	for (pp = &p->f->list; *pp && *pp != p; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = p->next;
	p->f->n_pending--;
	for (unsigned i = 0; i < p->n_clients; i++)
		addr_quota_put(p->f->quota, dns_peer_key(&p->clients[i].addr));
	free(p);
}

void dns_fwd_free(struct dns_fwd *f)
{
	if (!f)
		return;
	while (f->list)
		pending_free(f->list);
	addr_quota_free(f->quota);
	free(f);
}

/* Hand the outcome to the service, then forget the question. */
static void finish(struct pending *p, const uint8_t *reply, size_t len)
{
	struct dns_fwd *f = p->f;

	f->done(f->ctx, reply, len, p->clients, p->n_clients);
	pending_free(p);
}

static void next_upstream(struct pending *p)
{
	close_attempt(p);
	p->tcp = 0;
	if (++p->upstream >= p->f->n_ups) {
		p->f->ctr->upstream_failures++;
		finish(p, NULL, 0);
		return;
	}
	attempt(p);
}

static void on_timeout(void *data)
{
	struct pending *p = data;

	p->timer = 0;
	p->f->ctr->upstream_timeouts++;
	log_debug("dns: upstream %u timed out", p->upstream);
	next_upstream(p);
}

/* RFC 5452 9.1: accept only if "the question section ... the ID field
 * ... the source and destination addresses and ports" all match. */
static int reply_matches(const struct pending *p, const uint8_t *m, size_t len,
			 struct dns_reply_info *r)
{
	if (dns_parse_reply(m, len, r) < 0 || !r->has_q || r->hdr.id != p->id)
		return 0;
	return r->q.qtype == p->q.q.qtype && r->q.qclass == p->q.q.qclass &&
	       dns_name_equal(r->q.name, r->q.name_len, p->q.q.name, p->q.q.name_len);
}

static void start_tcp(struct pending *p);

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void observe_latency(struct dns_counters *c, uint64_t us)
{
	static const unsigned bounds_ms[DNS_LATENCY_N] = DNS_LATENCY_BUCKETS_MS;

	for (unsigned i = 0; i < DNS_LATENCY_N; i++)
		if (us <= bounds_ms[i] * 1000ull)
			c->latency_le[i]++;
	c->latency_count++;
	c->latency_sum_us += us;
}

/* A matching reply: retry over TCP if truncated, try the next upstream if
 * it failed, else deliver. */
static void got_reply(struct pending *p, const uint8_t *m, size_t len,
		      const struct dns_reply_info *r)
{
	unsigned rc = dns_rcode(&r->hdr);

	if (p->sent_us)
		observe_latency(p->f->ctr, now_us() - p->sent_us);
	if ((r->hdr.flags & DNS_F_TC) && !p->tcp) {
		p->f->ctr->upstream_tcp_retries++;
		start_tcp(p);
		return;
	}
	if ((rc == DNS_R_SERVFAIL || rc == DNS_R_REFUSED || rc == DNS_R_NOTIMP ||
	     rc == DNS_R_FORMERR) && p->upstream + 1 < p->f->n_ups) {
		p->f->ctr->upstream_failures++;
		next_upstream(p);
		return;
	}
	finish(p, m, len);
}

/* The reply came from the upstream's address and port (the scope of a
 * link-local one is the kernel's to check: the socket is connected). */
static int same_source(const struct sockaddr_storage *from, const struct sockaddr_storage *up)
{
	struct sockaddr_storage f = *from;

	if (f.ss_family == AF_INET6 && up->ss_family == AF_INET6)
		((struct sockaddr_in6 *)&f)->sin6_scope_id =
			((const struct sockaddr_in6 *)up)->sin6_scope_id;
	return dns_sockaddr_same(&f, up);
}

static void on_udp(int fd, uint32_t events, void *data)
{
	struct pending *p = data;
	const struct sockaddr_storage *up = &p->f->ups[p->upstream];
	uint8_t buf[UDP_BUF];
	struct dns_reply_info r;
	struct sockaddr_storage from;

	for (int i = 0; i < 16; i++) { /* bounded: a flood cannot stall the loop */
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&from, &fl);

		if (n < 0)
			return; /* EAGAIN, or an ICMP error: wait for the timeout */
		if (fl != dns_sockaddr_len(up) || !same_source(&from, up) || (size_t)n > sizeof(buf) ||
		    !reply_matches(p, buf, n, &r)) {
			p->f->ctr->bad_replies++;
			continue;
		}
		got_reply(p, buf, n, &r);
		return; /* p may be gone */
	}
}

static int random_id(uint16_t *id)
{
	return getrandom(id, sizeof(*id), 0) == sizeof(*id) ? 0 : -EIO;
}

static int open_socket(struct pending *p, int type)
{
	const struct sockaddr_storage *up = &p->f->ups[p->upstream];
	int fd = socket(up->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	/* connect(): the kernel binds a random ephemeral port (RFC 6056
	 * algorithm in Linux) and drops datagrams from other sources. */
	if (connect(fd, (const struct sockaddr *)up, dns_sockaddr_len(up)) < 0 &&
	    errno != EINPROGRESS) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int attempt_udp(struct pending *p)
{
	uint8_t q[DNS_HDR_LEN + DNS_NAME_MAX + 4 + 11];
	int len;

	if (random_id(&p->id) < 0)
		return -EIO;
	len = dns_build_upstream_query(q, sizeof(q), &p->q, p->id);
	if (len < 0)
		return len;
	p->fd = open_socket(p, SOCK_DGRAM);
	if (p->fd < 0)
		return p->fd;
	if (send(p->fd, q, len, 0) != len)
		return -errno;
	return loop_add_fd(p->f->loop, p->fd, EPOLLIN, on_udp, p);
}

static void attempt(struct pending *p)
{
	int err;

	for (;;) {
		err = attempt_udp(p);
		if (!err)
			break;
		log_debug("dns: upstream %u: %s", p->upstream, strerror(-err));
		close_attempt(p);
		if (++p->upstream >= p->f->n_ups) {
			p->f->ctr->upstream_failures++;
			finish(p, NULL, 0);
			return;
		}
	}
	p->sent_us = now_us();
	p->timer = loop_add_timer(p->f->loop, DNS_FWD_TIMEOUT_MS, on_timeout, p);
}

/* ---- TCP retry (RFC 7766: length-prefixed messages) ---------------------- */

static void tcp_fail(struct pending *p)
{
	p->f->ctr->bad_replies++;
	next_upstream(p);
}

static void tcp_read(struct pending *p)
{
	struct dns_reply_info r;
	ssize_t n = read(p->fd, p->tbuf + p->tdone, p->tlen - p->tdone);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		tcp_fail(p);
		return;
	}
	p->tdone += n;
	if (p->tdone == 2 && p->tlen == 2) { /* length known: read the body */
		p->tlen = 2 + (p->tbuf[0] << 8 | p->tbuf[1]);
		if (p->tlen == 2) {
			tcp_fail(p);
			return;
		}
	}
	if (p->tdone < p->tlen)
		return;
	if (!reply_matches(p, p->tbuf + 2, p->tlen - 2, &r)) {
		tcp_fail(p);
		return;
	}
	got_reply(p, p->tbuf + 2, p->tlen - 2, &r);
}

static void on_tcp(int fd, uint32_t events, void *data)
{
	struct pending *p = data;
	ssize_t n;

	if (!p->sending) {
		tcp_read(p);
		return;
	}
	n = send(fd, p->tbuf + p->tdone, p->tlen - p->tdone, MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		tcp_fail(p);
		return;
	}
	p->tdone += n;
	if (p->tdone == p->tlen) { /* query sent: read the 2-byte length */
		p->sending = 0;
		p->tlen = 2;
		p->tdone = 0;
		loop_mod_fd(p->f->loop, fd, EPOLLIN);
	}
}

static void start_tcp(struct pending *p)
{
	int len;

	close_attempt(p);
	p->tcp = 1;
	p->tbuf = malloc(TCP_BUF);
	if (!p->tbuf || random_id(&p->id) < 0)
		goto fail;
	len = dns_build_upstream_query(p->tbuf + 2, TCP_BUF - 2, &p->q, p->id);
	if (len < 0)
		goto fail;
	p->tbuf[0] = len >> 8;
	p->tbuf[1] = len & 0xff;
	p->tlen = len + 2;
	p->tdone = 0;
	p->sending = 1;
	p->fd = open_socket(p, SOCK_STREAM);
	if (p->fd < 0 || loop_add_fd(p->f->loop, p->fd, EPOLLOUT, on_tcp, p) < 0)
		goto fail;
	p->timer = loop_add_timer(p->f->loop, DNS_FWD_TIMEOUT_MS, on_timeout, p);
	return;
fail:
	next_upstream(p);
}

/* ---- entry --------------------------------------------------------------- */

/* Join c to an identical question in flight: 1 merged (or a retransmission),
 * 0 none in flight, -ENOBUFS the question has its clients, -EDQUOT c's
 * guest holds its share of them or of all questions. */
static int merge(struct dns_fwd *f, const struct dns_client *c, const uint8_t *key, size_t klen)
{
	for (struct pending *p = f->list; p; p = p->next) {
		unsigned same = 0;

		if (p->klen != klen || memcmp(p->key, key, klen))
			continue;
		for (unsigned i = 0; i < p->n_clients; i++) {
			const struct dns_client *o = &p->clients[i];

			if (dns_peer_key(&o->addr).s_addr != dns_peer_key(&c->addr).s_addr)
				continue;
			if (o->q.hdr.id == c->q.hdr.id && o->tcp == c->tcp &&
			    o->conn_id == c->conn_id && dns_peer_equal(&o->addr, &c->addr))
				return 1; /* a retransmission of the same query */
			same++;
		}
		if (same >= DNS_FWD_GUEST_PER_QUESTION)
			return -EDQUOT;
		if (p->n_clients >= DNS_FWD_MAX_CLIENTS)
			return -ENOBUFS;
		if (addr_quota_take(f->quota, dns_peer_key(&c->addr)))
			return -EDQUOT;
		p->clients[p->n_clients++] = *c;
		f->ctr->merged++;
		return 1;
	}
	return 0;
}

int dns_fwd_query(struct dns_fwd *f, const struct dns_client *c)
{
	uint8_t key[DNS_CACHE_KEY_MAX];
	size_t klen = dns_cache_key(key, c->q.q.name, c->q.q.name_len, c->q.q.qtype,
				    c->q.q.qclass, c->q.edns_do);
	struct pending *p;
	int m;

	if (!f->n_ups)
		return -ENETUNREACH;
	m = merge(f, c, key, klen);
	if (m)
		return m < 0 ? m : 0;
	if (f->n_pending >= DNS_FWD_MAX_PENDING)
		return -ENOBUFS;
	m = addr_quota_take(f->quota, dns_peer_key(&c->addr));
	if (m)
		return m == -EDQUOT ? m : -ENOBUFS;
	if (!(p = calloc(1, sizeof(*p)))) {
		addr_quota_put(f->quota, dns_peer_key(&c->addr));
		return -ENOBUFS;
	}
	p->f = f;
	p->q = c->q;
	memcpy(p->key, key, klen);
	p->klen = klen;
	p->clients[0] = *c;
	p->n_clients = 1;
	p->fd = -1;
	p->next = f->list;
	f->list = p;
	f->n_pending++;
	f->ctr->forwarded++;
	attempt(p);
	return 0;
}
