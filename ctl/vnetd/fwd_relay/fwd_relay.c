/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hairpin relay (fwd_relay.h): listeners on the uplink address, one
 * per forwarded TCP host port, and the connections they relay. Everything
 * is non-blocking in the core's loop; a connection holds one bounded
 * buffer per direction and reads a side only when that buffer is empty,
 * so a slow reader slows its writer (TCP's own flow control) and memory
 * stays at 2 * FWD_RELAY_BUF per connection. */
#include "fwd_relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/util.h"

struct fwd_listener;

/* One direction: bytes read from src, not yet written to dst. */
struct fwd_dir {
	size_t off, len;
	int eof;	/* src said EOF */
	int shut;	/* dst got our FIN (SHUT_WR) */
	uint8_t buf[FWD_RELAY_BUF];
};

struct fwd_conn {
	struct fwd_listener *l;
	int fd[2];		/* 0: the client, 1: the guest */
	uint32_t ev[2];		/* the events asked of the loop */
	int watched[2];		/* still in the loop (a hung-up side is not) */
	int connecting;		/* the guest side's connect is in progress */
	uint64_t last_ms;
	struct fwd_dir dir[2];	/* 0: client -> guest, 1: guest -> client */
	struct fwd_conn *next;
};

struct fwd_listener {
	struct fwd_relay *r;
	int fd;
	uint16_t host_port;
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} guest;
	unsigned n_conns;
	struct fwd_conn *conns;
	struct fwd_listener *next;
};

struct fwd_relay {
	struct loop *loop;
	char net[64];
	struct netdef_addr addr;	/* the uplink's: its family is the forwards' */
	struct fwd_listener *listeners;
	long sweep_timer;
	struct fwd_relay_counters c;
};

static void conn_close(struct fwd_conn *c)
{
	struct fwd_listener *l = c->l;
	struct fwd_conn **pp;

	for (int i = 0; i < 2; i++) {
		if (c->fd[i] < 0)
			continue;
		if (c->watched[i])
			loop_del_fd(l->r->loop, c->fd[i]);
		close(c->fd[i]);
	}
	for (pp = &l->conns; *pp && *pp != c; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = c->next;
	l->n_conns--;
	l->r->c.active--;
	free(c);
}

/* Move what can be moved on direction d without blocking. 0, or -1 when
 * the connection is broken (a reset, an error). A bounded number of
 * rounds: level-triggered epoll comes back for the rest. */
static int dir_pump(struct fwd_conn *c, int d)
{
	struct fwd_dir *x = &c->dir[d];
	int src = c->fd[d], dst = c->fd[!d];

	for (int round = 0; round < 16; round++) {
		ssize_t n;

		if (!x->len && !x->eof) {
			n = read(src, x->buf, sizeof(x->buf));
			if (n > 0) {
				x->off = 0;
				x->len = (size_t)n;
				c->last_ms = loop_now_ms();
			} else if (n == 0) {
				x->eof = 1;
			} else if (errno != EAGAIN && errno != EINTR) {
				return -1;
			}
		}
		if (x->len) {
			n = send(dst, x->buf + x->off, x->len, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0)
				return errno == EAGAIN || errno == EINTR ? 0 : -1;
			x->off += (size_t)n;
			x->len -= (size_t)n;
			c->last_ms = loop_now_ms();
			if (x->len)
				return 0;
			continue;
		}
		if (x->eof && !x->shut) {
			shutdown(dst, SHUT_WR); /* the half-close, passed on */
			x->shut = 1;
		}
		return 0; /* nothing read (EAGAIN) or done */
	}
	return 0;
}

static void conn_io(int fd, uint32_t events, void *data);

/* Ask the loop for what each side needs now: readable when its buffer is
 * empty and it has not said EOF, writable when bytes wait for it. */
static void conn_rearm(struct fwd_conn *c)
{
	for (int i = 0; i < 2; i++) {
		uint32_t want = 0;

		if (!c->watched[i])
			continue;
		if (c->connecting) {
			want = i == 1 ? EPOLLOUT : 0;
		} else {
			if (!c->dir[i].eof && !c->dir[i].len)
				want |= EPOLLIN;
			if (c->dir[!i].len)
				want |= EPOLLOUT;
		}
		if (want != c->ev[i] && !loop_mod_fd(c->l->r->loop, c->fd[i], want))
			c->ev[i] = want;
	}
}

static void conn_io(int fd, uint32_t events, void *data)
{
	struct fwd_conn *c = data;
	struct fwd_relay *r = c->l->r;
	int side = fd == c->fd[1];

	if (c->connecting) {
		int e = 0;
		socklen_t len = sizeof(e);

		if (!side) { /* the client hung up or reset before the guest answered */
			if (events & (EPOLLERR | EPOLLHUP))
				conn_close(c);
			return;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) || e || (events & EPOLLERR)) {
			r->c.connect_failed++;
			conn_close(c);
			return;
		}
		c->connecting = 0;
		r->c.connections++;
	} else if (events & EPOLLERR) {
		conn_close(c);
		return;
	} else if ((events & EPOLLHUP) && c->watched[side]) {
		/* both ways shut on this side: what it sent is still to be
		 * read, driven by the other side's wake-ups (no busy loop on
		 * a hang-up the loop reports whatever we ask) */
		loop_del_fd(r->loop, fd);
		c->watched[side] = 0;
	}
	if (dir_pump(c, 0) || dir_pump(c, 1)) {
		conn_close(c);
		return;
	}
	if (c->dir[0].shut && c->dir[1].shut) {
		conn_close(c);
		return;
	}
	conn_rearm(c);
}

static void relay_accept_one(struct fwd_listener *l, int cfd)
{
	struct fwd_relay *r = l->r;
	struct fwd_conn *c;
	int gfd;

	if (l->n_conns >= FWD_RELAY_MAX_CONNS) {
		r->c.refused_cap++;
		close(cfd);
		return;
	}
	c = calloc(1, sizeof(*c));
	gfd = socket(l->guest.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!c || gfd < 0) {
		free(c);
		if (gfd >= 0)
			close(gfd);
		close(cfd);
		return;
	}
	if (connect(gfd, &l->guest.sa, l->guest.sa.sa_family == AF_INET6 ? sizeof(l->guest.in6)
									  : sizeof(l->guest.in)) &&
	    errno != EINPROGRESS) {
		r->c.connect_failed++;
		free(c);
		close(gfd);
		close(cfd);
		return;
	}
	c->l = l;
	c->fd[0] = cfd;
	c->fd[1] = gfd;
	c->connecting = 1;
	c->ev[1] = EPOLLOUT;
	c->last_ms = loop_now_ms();
	if (loop_add_fd(r->loop, cfd, 0, conn_io, c)) {
		free(c);
		close(gfd);
		close(cfd);
		return;
	}
	c->watched[0] = 1;
	if (loop_add_fd(r->loop, gfd, EPOLLOUT, conn_io, c)) {
		loop_del_fd(r->loop, cfd);
		free(c);
		close(gfd);
		close(cfd);
		return;
	}
	c->watched[1] = 1;
	c->next = l->conns;
	l->conns = c;
	l->n_conns++;
	r->c.active++;
}

static void listener_io(int fd, uint32_t events, void *data)
{
	struct fwd_listener *l = data;

	(void)events;
	for (int i = 0; i < 64; i++) { /* the rest at the next wake-up */
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0)
			return;
		relay_accept_one(l, cfd);
	}
}

static int listener_open(struct fwd_relay *r, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = r->addr.v4,
				  .sin_port = htons(port) };
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6, .sin6_addr = r->addr.v6,
				    .sin6_port = htons(port) };
	int six = r->addr.family == AF_INET6, one = 1;
	int fd = socket(six ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (six && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    (six ? bind(fd, (struct sockaddr *)&sa6, sizeof(sa6))
		 : bind(fd, (struct sockaddr *)&sa, sizeof(sa))) ||
	    listen(fd, 128)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static struct fwd_listener *listener_find(struct fwd_relay *r, uint16_t port,
					  struct fwd_listener ***prevp)
{
	struct fwd_listener **pp;

	for (pp = &r->listeners; *pp; pp = &(*pp)->next)
		if ((*pp)->host_port == port) {
			if (prevp)
				*prevp = pp;
			return *pp;
		}
	return NULL;
}

static void listener_free(struct fwd_relay *r, struct fwd_listener *l)
{
	while (l->conns)
		conn_close(l->conns);
	loop_del_fd(r->loop, l->fd);
	close(l->fd);
	r->c.listeners--;
	free(l);
}

/* The guest's address and port as connect() takes them. */
static void guest_sockaddr(struct fwd_listener *l, const struct netdef_port_forward *pf,
			   uint16_t gport)
{
	memset(&l->guest, 0, sizeof(l->guest));
	if (pf->family == AF_INET6)
		l->guest.in6 = (struct sockaddr_in6){ .sin6_family = AF_INET6,
						      .sin6_addr = pf->guest_ip6,
						      .sin6_port = htons(gport) };
	else
		l->guest.in = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr = pf->guest_ip,
						    .sin_port = htons(gport) };
}

static int listen_port(struct fwd_relay *r, uint16_t port, const struct netdef_port_forward *pf,
		       uint16_t gport)
{
	struct fwd_listener *l = listener_find(r, port, NULL);
	char a[INET6_ADDRSTRLEN];
	int fd;

	if (l) { /* the same port again: the newest target */
		guest_sockaddr(l, pf, gport);
		return 0;
	}
	fd = listener_open(r, port);
	if (fd < 0) {
		r->c.listen_failed++;
		if (r->addr.family == AF_INET6)
			inet_ntop(AF_INET6, &r->addr.v6, a, sizeof(a));
		else
			inet_ntop(AF_INET, &r->addr.v4, a, sizeof(a));
		log_warn("network %s: no hairpin relay on %s port %u (%s); the wan's forward works",
			 r->net, a, port, strerror(-fd));
		return 0;
	}
	l = calloc(1, sizeof(*l));
	if (!l || loop_add_fd(r->loop, fd, EPOLLIN, listener_io, l)) {
		free(l);
		close(fd);
		return -ENOMEM;
	}
	l->r = r;
	l->fd = fd;
	l->host_port = port;
	guest_sockaddr(l, pf, gport);
	l->next = r->listeners;
	r->listeners = l;
	r->c.listeners++;
	return 0;
}

static unsigned relay_ports(const struct netdef_port_forward *pf)
{
	unsigned n = pf->host_port_end > pf->host_port ? pf->host_port_end - pf->host_port + 1u : 1u;

	return n > FWD_RELAY_MAX_LISTENERS ? FWD_RELAY_MAX_LISTENERS : n;
}

/* One of the forwards this relay serves: TCP, of its address family. */
static int relay_serves(const struct fwd_relay *r, const struct netdef_port_forward *pf)
{
	return r && pf->proto == IPPROTO_TCP &&
	       (pf->family == AF_INET6) == (r->addr.family == AF_INET6);
}

int fwd_relay_add(struct fwd_relay *r, const struct netdef_port_forward *pf)
{
	unsigned n = relay_ports(pf);

	if (!relay_serves(r, pf))
		return 0;
	if (n < (pf->host_port_end > pf->host_port ? pf->host_port_end - pf->host_port + 1u : 1u))
		log_warn("network %s: hairpin relay for the first %u ports of %u-%u only",
			 r->net, n, pf->host_port, pf->host_port_end);
	for (unsigned i = 0; i < n; i++) {
		int ret = listen_port(r, (uint16_t)(pf->host_port + i), pf,
				      (uint16_t)(pf->guest_port + i));

		if (ret)
			return ret;
	}
	return 0;
}

void fwd_relay_del(struct fwd_relay *r, const struct netdef_port_forward *pf)
{
	unsigned n = relay_ports(pf);

	if (!relay_serves(r, pf))
		return;
	for (unsigned i = 0; i < n; i++) {
		struct fwd_listener **pp, *l = listener_find(r, (uint16_t)(pf->host_port + i), &pp);

		if (!l)
			continue;
		*pp = l->next;
		listener_free(r, l);
	}
}

/* Every 30 s: close the connections idle for FWD_RELAY_IDLE_MS. */
static void relay_sweep(void *data)
{
	struct fwd_relay *r = data;
	uint64_t now = loop_now_ms();

	for (struct fwd_listener *l = r->listeners; l; l = l->next) {
		for (struct fwd_conn *c = l->conns, *next; c; c = next) {
			next = c->next;
			if (now - c->last_ms >= FWD_RELAY_IDLE_MS) {
				r->c.idle_closed++;
				conn_close(c);
			}
		}
	}
	r->sweep_timer = loop_add_timer(r->loop, 30000, relay_sweep, r);
}

struct fwd_relay *fwd_relay_new(struct loop *loop, const char *net, const struct netdef_addr *addr)
{
	struct fwd_relay *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->loop = loop;
	r->addr = *addr;
	snprintf(r->net, sizeof(r->net), "%s", net);
	r->sweep_timer = loop_add_timer(loop, 30000, relay_sweep, r);
	return r;
}

void fwd_relay_free(struct fwd_relay *r)
{
	if (!r)
		return;
	while (r->listeners) {
		struct fwd_listener *l = r->listeners;

		r->listeners = l->next;
		listener_free(r, l);
	}
	if (r->sweep_timer > 0)
		loop_cancel_timer(r->loop, r->sweep_timer);
	free(r);
}

int fwd_relay_at(const struct fwd_relay *r, const struct netdef_addr *addr)
{
	if (!r || r->addr.family != addr->family)
		return 0;
	return addr->family == AF_INET6 ? IN6_ARE_ADDR_EQUAL(&r->addr.v6, &addr->v6)
					: r->addr.v4.s_addr == addr->v4.s_addr;
}

void fwd_relay_counters(const struct fwd_relay *r, struct fwd_relay_counters *c)
{
	*c = r ? r->c : (struct fwd_relay_counters){ 0 };
}
