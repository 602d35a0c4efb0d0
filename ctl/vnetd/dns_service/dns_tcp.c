/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DNS over TCP from guests (RFC 7766): non-blocking, a bounded number of
 * connections, bounded input and output buffers, an idle timeout, several
 * queries per connection. Nothing here can block the daemon's loop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/util.h"
#include "dns_service.h"

struct tconn {
	struct tconn *next;
	struct dns_tcp *t;
	int fd;
	uint64_t id;
	union dns_sockaddr peer;
	uint8_t in[2 + DNS_TCP_QUERY_MAX];
	size_t inlen;
	uint8_t *out;
	size_t outlen;
	long timer;
	int busy, dead;
};

struct dns_tcp {
	struct loop *loop;
	int lfd[DNS_MAX_LISTEN];
	size_t n_lfd;
	struct dns_service *s;
	struct dns_counters *ctr;
	struct tconn *conns;
	unsigned n;
	uint64_t next_id;
	struct addr_quota *per_guest; /* connections per guest address */
};

static void conn_close(struct tconn *c)
{
	struct dns_tcp *t = c->t;
	struct tconn **pp;

	for (pp = &t->conns; *pp != c; pp = &(*pp)->next)
		;
	*pp = c->next;
	t->n--;
	addr_quota_put(t->per_guest, dns_peer_key(&c->peer));
	if (c->timer > 0)
		loop_cancel_timer(t->loop, c->timer);
	loop_del_fd(t->loop, c->fd);
	close(c->fd);
	free(c->out);
	free(c);
}

static void on_idle(void *data)
{
	struct tconn *c = data;

	c->timer = 0;
	c->t->ctr->tcp_closed_idle++;
	conn_close(c);
}

static void touch(struct tconn *c)
{
	if (c->timer > 0)
		loop_cancel_timer(c->t->loop, c->timer);
	c->timer = loop_add_timer(c->t->loop, DNS_TCP_IDLE_MS, on_idle, c);
}

static void fail(struct tconn *c)
{
	c->t->ctr->tcp_closed_error++;
	if (c->busy)
		c->dead = 1; /* closed when the reading callback unwinds */
	else
		conn_close(c);
}

/* Write what the socket takes; poll for EPOLLOUT while data is queued. */
static void flush(struct tconn *c)
{
	while (c->outlen) {
		ssize_t n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			fail(c);
			return;
		}
		memmove(c->out, c->out + n, c->outlen - n);
		c->outlen -= n;
	}
	loop_mod_fd(c->t->loop, c->fd, EPOLLIN | (c->outlen ? EPOLLOUT : 0));
}

int dns_tcp_send(struct dns_tcp *t, uint64_t conn_id, const uint8_t *msg, size_t len)
{
	struct tconn *c;

	for (c = t->conns; c && c->id != conn_id; c = c->next)
		;
	if (!c || c->dead)
		return -ENOTCONN; /* the guest went away meanwhile */
	if (len > 65535 || c->outlen + 2 + len > DNS_TCP_OUT_MAX) {
		fail(c); /* a client that does not read its answers */
		return -ENOBUFS;
	}
	if (!c->out && !(c->out = malloc(DNS_TCP_OUT_MAX))) {
		fail(c);
		return -ENOMEM;
	}
	c->out[c->outlen] = len >> 8;
	c->out[c->outlen + 1] = len & 0xff;
	memcpy(c->out + c->outlen + 2, msg, len);
	c->outlen += 2 + len;
	flush(c);
	return 0;
}

/* Handle every complete length-prefixed query in the input buffer. */
static void consume(struct tconn *c)
{
	struct dns_client cl;
	size_t off = 0;

	while (!c->dead && c->inlen - off >= 2) {
		size_t l = c->in[off] << 8 | c->in[off + 1];

		if (l == 0 || l > DNS_TCP_QUERY_MAX) {
			c->t->ctr->dropped++;
			fail(c);
			return;
		}
		if (c->inlen - off < 2 + l)
			break;
		memset(&cl, 0, sizeof(cl));
		cl.tcp = 1;
		cl.conn_id = c->id;
		cl.addr = c->peer;
		c->t->ctr->queries_tcp++;
		dns_service_handle(c->t->s, &cl, c->in + off + 2, l);
		off += 2 + l;
	}
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
}

static void on_conn(int fd, uint32_t events, void *data)
{
	struct tconn *c = data;

	c->busy = 1;
	if (events & EPOLLOUT)
		flush(c);
	if (!c->dead && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		ssize_t n = read(fd, c->in + c->inlen, sizeof(c->in) - c->inlen);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			c->dead = 1; /* peer closed: nothing more to answer */
		} else if (n > 0) {
			c->inlen += n;
			touch(c);
			consume(c);
		}
	}
	c->busy = 0;
	if (c->dead)
		conn_close(c);
}

static void accept_one(struct dns_tcp *t, int fd, const union dns_sockaddr *peer)
{
	struct in_addr key = dns_peer_key(peer);
	struct tconn *c;
	int q;

	/* one guest's slow connections cannot hold the others' slots */
	q = addr_quota_take(t->per_guest, key);
	if (q) {
		if (q == -EDQUOT)
			t->ctr->tcp_guest_rejected++;
		else
			t->ctr->tcp_rejected++;
		close(fd);
		return;
	}
	if (t->n >= DNS_TCP_MAX_CONNS || !(c = calloc(1, sizeof(*c)))) {
		addr_quota_put(t->per_guest, key);
		t->ctr->tcp_rejected++;
		close(fd);
		return;
	}
	c->t = t;
	c->fd = fd;
	c->id = ++t->next_id;
	c->peer = *peer;
	if (loop_add_fd(t->loop, fd, EPOLLIN, on_conn, c) < 0) {
		addr_quota_put(t->per_guest, key);
		t->ctr->tcp_rejected++;
		close(fd);
		free(c);
		return;
	}
	c->next = t->conns;
	t->conns = c;
	t->n++;
	t->ctr->tcp_accepted++;
	touch(c);
}

static void on_listen(int lfd, uint32_t events, void *data)
{
	struct dns_tcp *t = data;

	for (int i = 0; i < 16; i++) {
		union dns_sockaddr peer;
		socklen_t pl = sizeof(peer);
		int fd;

		memset(&peer, 0, sizeof(peer));
		fd = accept4(lfd, &peer.sa, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_debug("dns: accept: %s", strerror(errno));
			return;
		}
		accept_one(t, fd, &peer);
	}
}

struct dns_tcp *dns_tcp_new(struct loop *loop, int listen_fd, struct dns_service *s,
			    struct dns_counters *ctr)
{
	struct dns_tcp *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->loop = loop;
	t->lfd[t->n_lfd++] = listen_fd;
	t->s = s;
	t->ctr = ctr;
	t->per_guest = addr_quota_new(DNS_TCP_GUEST_MAX);
	if (!t->per_guest || loop_add_fd(loop, listen_fd, EPOLLIN, on_listen, t) < 0) {
		addr_quota_free(t->per_guest);
		free(t);
		return NULL;
	}
	return t;
}

int dns_tcp_listen(struct dns_tcp *t, int listen_fd)
{
	if (t->n_lfd == DNS_MAX_LISTEN || loop_add_fd(t->loop, listen_fd, EPOLLIN, on_listen, t) < 0)
		return -1;
	t->lfd[t->n_lfd++] = listen_fd;
	return 0;
}

void dns_tcp_free(struct dns_tcp *t)
{
	if (!t)
		return;
	while (t->conns)
		conn_close(t->conns);
	for (size_t i = 0; i < t->n_lfd; i++)
		loop_del_fd(t->loop, t->lfd[i]);
	addr_quota_free(t->per_guest);
	free(t);
}
