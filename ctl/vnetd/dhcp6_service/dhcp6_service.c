/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A network's DHCPv6 server on the loop (dhcp6_service.h). */
#include "dhcp6_service.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

/* Messages are handled in batches of up to RX_BATCH, read with one
 * recvmmsg, the replies sent with sendmmsg (the IPv4 service's way). A batch's changes are saved without blocking the loop (save_sync:
 * the changed leases appended and fdatasynced, or at the first save and
 * when the journal is as long as the table the whole file: temp file, its
 * fsync, rename, the directory's fsync), one save in flight: the Replies that commit a binding are held until the save
 * holding it is durable, while Advertises and the other replies leave at
 * once and the next batches are read (their changes go into the next
 * save). Reading pauses while HELD_MAX Replies wait. */
#define RX_BATCH 64
#define HELD_MAX (4 * RX_BATCH)

struct reply {
	struct sockaddr_in6 to;
	size_t len;
	uint8_t buf[DHCP6_MSG_MAX];
};

struct dhcp6_service {
	struct loop *loop;
	char net[NETDEF_NAME_MAX];
	char path[NETDEF_NAME_MAX + 16];
	int fd, watched;
	long timer;
	struct dhcp6_pool *pool;
	struct dhcp6_lease_file file;
	struct dhcp6_hooks hooks;
	/* The save in flight (sync) covers the first sync.n_inflight of
	 * held[0, n_held), then come the Replies of the batches read since;
	 * pending: changes not yet written; unsaved: the last save failed
	 * (the timer saves again: a rewrite). */
	struct save_sync sync;
	int pending, paused, unsaved;
	struct reply *held; /* HELD_MAX, allocated at the first batch */
	unsigned n_held;
};

int dhcp6_service_socket(const char *bridge, char *err, size_t errlen)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(DHCP6_SERVER_PORT) };
	struct ipv6_mreq mr = { .ipv6mr_interface = if_nametoindex(bridge) };
	int one = 1, e, fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET6, "ff02::1:2", &mr.ipv6mr_multiaddr);
	if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, bridge, (socklen_t)strlen(bridge) + 1) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) < 0) {
		e = errno;
		snprintf(err, errlen, "dhcp6: udp [::]:547 on %s: %s", bridge, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	return fd;
}

static void on_event(void *ctx, const struct dhcp6_event *ev)
{
	struct dhcp6_service *s = ctx;

	if (ev->bound && s->hooks.bound)
		s->hooks.bound(s->hooks.ctx, ev->lease);
	else if (!ev->bound && s->hooks.gone)
		s->hooks.gone(s->hooks.ctx, ev->lease);
}

/* A save's end: the first failure of a run is logged, and the recovery. */
static int save_result(struct dhcp6_service *s, int r)
{
	if (r < 0 && !s->unsaved)
		log_warn("dhcp6 %s: cannot save leases: %s (retrying)", s->net, strerror(-r));
	else if (r >= 0 && s->unsaved)
		log_info("dhcp6 %s: %s written again", s->net, s->path);
	s->unsaved = r < 0;
	return r;
}

/* Write what changed (lease_journal: appended, or the file rewritten): 1
 * with *ret_fd to sync (*ret_full: fsync), else the save is over. */
static int save_begin(struct dhcp6_service *s, int *ret_fd, int *ret_full)
{
	int r = lease_journal_write(&s->file.j, ret_fd);

	s->pending = 0;
	*ret_full = lease_journal_sync_full(&s->file.j);
	return r == 1 ? 1 : save_result(s, r);
}

/* save_sync's step: an append synced ends the save; a rewrite's temp file
 * synced is renamed, then the directory is synced. */
static int save_step(void *ctx, int fd, int err, int *ret_fd, int *ret_full)
{
	struct dhcp6_service *s = ctx;
	int r = lease_journal_synced(&s->file.j, fd, err, ret_fd);

	*ret_full = 1;
	if (r == 1)
		return 1;
	save_result(s, r);
	return 0;
}

/* The same, blocking (at stop; no memory to hold Replies). */
static int save(struct dhcp6_service *s)
{
	int fd, full, err, r = save_begin(s, &fd, &full);

	while (r == 1) {
		err = (full ? fsync(fd) : fdatasync(fd)) < 0 ? -errno : 0;
		r = save_step(s, fd, err, &fd, &full);
	}
	return r;
}

/* The file's leases into the pool. -errno if it exists but cannot be
 * read: starting anyway would overwrite it with none (as DHCPv4's). */
static int load(struct dhcp6_service *s, char *err, size_t errlen)
{
	unsigned bad;
	int r = dhcp6_lease_file_load(&s->file, time(NULL), &bad);

	if (r < 0)
		snprintf(err, errlen, "dhcp6: cannot read %s: %s", s->path, strerror(-r));
	else if (bad)
		log_warn("dhcp6 %s: %u lease lines skipped", s->net, bad);
	return r;
}

static void on_timer(void *data);

static void schedule(struct dhcp6_service *s)
{
	if (s->timer > 0)
		loop_cancel_timer(s->loop, s->timer);
	s->timer = loop_add_timer(s->loop, 5000, on_timer, s);
}

static void on_timer(void *data)
{
	struct dhcp6_service *s = data;

	s->timer = 0;
	if (dhcp6_pool_expire(s->pool, time(NULL)) > 0 || s->unsaved)
		s->pending = 1;
	save_sync_kick(&s->sync, s->n_held);
	schedule(s);
}

/* Where a client's message came in, if the data path knows: the port
 * that claimed its link-local source address. */
static const struct dhcp6_origin *origin_of(struct dhcp6_service *s, const struct in6_addr *src,
					    struct dhcp6_origin *o)
{
	if (!s->hooks.origin || s->hooks.origin(s->hooks.ctx, src, o) || !o->port)
		return NULL;
	return o;
}

/* The messages a client may send to the server's unicast address (RFC
 * 8415 18.4: not Solicit, Confirm, Rebind, Information-request). */
static bool unicast_type(unsigned type)
{
	return type == DHCP6_REQUEST || type == DHCP6_RENEW || type == DHCP6_RELEASE ||
	       type == DHCP6_DECLINE;
}

/* n replies, RX_BATCH a sendmmsg; one that cannot leave (a full socket
 * buffer, an unreachable client) is skipped, as a sendto's would be. */
static void send_all(struct dhcp6_service *s, const struct reply *r, unsigned n)
{
	struct mmsghdr mm[RX_BATCH];
	struct iovec iov[RX_BATCH];

	for (unsigned i = 0, k, sent; i < n; i += k) {
		k = n - i < RX_BATCH ? n - i : RX_BATCH;
		for (unsigned j = 0; j < k; j++) {
			const struct reply *x = &r[i + j];

			iov[j] = (struct iovec){ (void *)x->buf, x->len };
			mm[j] = (struct mmsghdr){ .msg_hdr = { .msg_name = (void *)&x->to,
							       .msg_namelen = sizeof(x->to),
							       .msg_iov = &iov[j],
							       .msg_iovlen = 1 } };
		}
		for (sent = 0; sent < k;) {
			int m = sendmmsg(s->fd, mm + sent, k - sent, MSG_DONTWAIT);

			sent += m > 0 ? (unsigned)m : 1;
		}
	}
}

/* The first n held Replies leave (save_sync's release): what they commit
 * is on disk (or cannot be written: a full disk must not stop DHCPv6). */
static void send_held(void *ctx, unsigned n)
{
	struct dhcp6_service *s = ctx;

	if (!n)
		return;
	send_all(s, s->held, n);
	memmove(s->held, s->held + n, (s->n_held - n) * sizeof(*s->held));
	s->n_held -= n;
}

/* Another batch is read while its Replies fit the held queue. */
static void reading(struct dhcp6_service *s)
{
	int on = s->n_held + RX_BATCH <= HELD_MAX;

	if (on != s->paused)
		return;
	s->paused = !on;
	loop_mod_fd(s->loop, s->fd, on ? EPOLLIN : 0);
}

/* save_sync's begin: a save if something changed. */
static int kick_begin(void *ctx, int *ret_fd, int *ret_full)
{
	struct dhcp6_service *s = ctx;

	return s->pending && save_begin(s, ret_fd, ret_full) == 1;
}

/* save_sync's done: the save in flight is durable (its Replies left), the
 * next save starts. */
static void save_done(void *ctx)
{
	struct dhcp6_service *s = ctx;

	save_sync_kick(&s->sync, s->n_held);
	reading(s);
}

static const struct save_sync_ops save_ops = { .step = save_step, .done = save_done,
					       .begin = kick_begin, .release = send_held };

/* One message: its reply in *r (0: none); *hold when it commits a binding. */
static size_t handle(struct dhcp6_service *s, const uint8_t *in, size_t n,
		     const struct sockaddr_in6 *from, struct reply *r, int *hold)
{
	const struct dhcp6_origin *op;
	struct dhcp6_origin o;
	struct dhcp6_msg m;

	*hold = 0;
	if (from->sin6_port != htons(DHCP6_CLIENT_PORT) || dhcp6_msg_parse(in, n, &m) < 0)
		return 0;
	op = origin_of(s, &from->sin6_addr, &o);
	/* clients speak from their link-local address (RFC 8415 13.1);
	 * some (busybox udhcpc6) unicast a Request, Renew or Release
	 * from the leased address: taken only from the port that
	 * claimed that address (bind6_map), never a Solicit */
	if (!IN6_IS_ADDR_LINKLOCAL(&from->sin6_addr) && (!op || !unicast_type(m.type)))
		return 0;
	r->to = *from;
	r->len = dhcp6_pool_handle_from(s->pool, &m, op, time(NULL), r->buf, sizeof(r->buf), hold);
	return r->len;
}

/* Up to RX_BATCH datagrams with one recvmmsg: how many (0 when drained). */
static unsigned read_batch(int fd, uint8_t (*in)[DHCP6_MSG_MAX], struct sockaddr_in6 *from,
			   struct mmsghdr *mm)
{
	static struct iovec iov[RX_BATCH];
	int n;

	for (unsigned i = 0; i < RX_BATCH; i++) {
		iov[i] = (struct iovec){ in[i], DHCP6_MSG_MAX };
		mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &from[i],
						       .msg_namelen = sizeof(from[i]),
						       .msg_iov = &iov[i],
						       .msg_iovlen = 1 } };
	}
	n = recvmmsg(fd, mm, RX_BATCH, MSG_DONTWAIT, NULL);
	return n > 0 ? (unsigned)n : 0;
}

static void on_readable(int fd, uint32_t events, void *data)
{
	struct dhcp6_service *s = data;
	static uint8_t in[RX_BATCH][DHCP6_MSG_MAX];
	static struct sockaddr_in6 from[RX_BATCH];
	static struct mmsghdr mm[RX_BATCH];
	static struct reply out[RX_BATCH];
	unsigned n_now = 0, n;
	int hold;

	(void)events;
	if (!s->held)
		s->held = malloc(HELD_MAX * sizeof(*s->held));
	if (s->n_held + RX_BATCH > HELD_MAX) { /* an error event while paused */
		reading(s);
		return;
	}
	n = read_batch(fd, in, from, mm);
	for (unsigned i = 0; i < n; i++) {
		if (mm[i].msg_hdr.msg_namelen < sizeof(from[i]) ||
		    !handle(s, in[i], mm[i].msg_len, &from[i], &out[n_now], &hold))
			continue;
		s->pending |= hold;
		if (!hold)
			n_now++;
		else if (s->held)
			s->held[s->n_held++] = out[n_now];
		else /* no memory to hold it: saved before it leaves */
			n_now++;
	}
	if (!s->held) {
		save_sync_drain(&s->sync);
		if (s->pending)
			save(s);
	}
	send_all(s, out, n_now);
	if (s->held) {
		save_sync_kick(&s->sync, s->n_held);
		reading(s);
	}
}

struct dhcp6_service *dhcp6_service_start_on(struct loop *loop, const struct netdef *def,
					     const uint8_t mac[6], const char *lease_path,
					     const struct dhcp6_hooks *hooks, int fd, char *err,
					     size_t errlen)
{
	struct dhcp6_service *s = calloc(1, sizeof(*s));
	struct dhcp6_pool_config *cfg = calloc(1, sizeof(*cfg));

	if (!s || !cfg) {
		snprintf(err, errlen, "dhcp6: out of memory");
		goto fail;
	}
	s->loop = loop;
	s->fd = fd;
	if (save_sync_init(&s->sync, loop, &save_ops, s) < 0) {
		snprintf(err, errlen, "dhcp6: cannot watch the lease file's syncs");
		goto fail;
	}
	s->hooks = *hooks;
	snprintf(s->net, sizeof(s->net), "%s", def->name);
	snprintf(s->path, sizeof(s->path), "%s", lease_path);
	if (dhcp6_pool_config_from_netdef(def, mac, cfg) < 0 ||
	    !(s->pool = dhcp6_pool_new(cfg, on_event, s))) {
		snprintf(err, errlen, "dhcp6: %s: bad IPv6 DHCP configuration", def->name);
		goto fail;
	}
	if (dhcp6_lease_file_init(&s->file, lease_path, def->name, s->pool) < 0) {
		snprintf(err, errlen, "dhcp6: %s: lease file path too long", def->name);
		goto fail;
	}
	if (load(s, err, errlen) < 0)
		goto fail;
	if (loop_add_fd(loop, fd, EPOLLIN, on_readable, s) < 0) {
		snprintf(err, errlen, "dhcp6: cannot watch the socket");
		goto fail;
	}
	s->watched = 1;
	schedule(s);
	free(cfg);
	log_debug("dhcp6: %s: serving", def->name);
	return s;
fail:
	free(cfg);
	if (s) {
		s->fd = fd;
		dhcp6_service_stop(s);
	} else {
		close(fd);
	}
	return NULL;
}

void dhcp6_service_stop(struct dhcp6_service *s)
{
	if (!s)
		return;
	if (s->timer > 0)
		loop_cancel_timer(s->loop, s->timer);
	if (s->watched)
		loop_del_fd(s->loop, s->fd);
	save_sync_free(&s->sync); /* the save in flight finished */
	if (s->pool && s->file.pool) {
		s->pending = 1; /* whatever the journal holds (expiries) */
		save(s);
	}
	send_held(s, s->n_held); /* the socket is still open: what is saved leaves */
	dhcp6_pool_free(s->pool);
	close(s->fd);
	free(s->held);
	free(s);
}

const struct dhcp6_counters *dhcp6_service_counters(const struct dhcp6_service *s)
{
	return s ? dhcp6_pool_counters(s->pool) : NULL;
}

size_t dhcp6_service_lease_count(const struct dhcp6_service *s)
{
	return s ? dhcp6_pool_count(s->pool) : 0;
}

void dhcp6_service_port_gone(struct dhcp6_service *s, int ifindex)
{
	if (s && ifindex > 0)
		dhcp6_pool_forget_port(s->pool, (uint32_t)ifindex);
}
