/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The DHCPv4 service of one network: a UDP socket on port 67 bound to the
 * bridge, the pure protocol logic of lib/dhcp_pool.c, and the lease file.
 * Packets are handled in batches; a batch's changes are appended to the
 * lease file and synced without blocking the loop (fdsync), one sync in
 * flight: its ACKs are held until it completes, so an acknowledged lease is
 * on disk, while OFFERs and NAKs go out at once and the next batches are
 * read meanwhile (their changes go into the next sync: group commit). */
#include "dhcp_service.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dhcp/dhcp.h"
#include "util/util.h"
#include "core/core.h"

/* Datagrams handled per lease file write (group commit): under load one
 * fdatasync covers what arrived while the last one ran, up to this many
 * (with 256, a 16 ms fdatasync on a busy disk capped the server at 16k
 * datagrams/s and its socket overflowed; issue 21.3). At most half are
 * ACKs in a DORA burst, all of them in a renewal storm: <= DHCP_JOURNAL_MAX
 * changed leases, so a batch still appends to the journal. */
#define BATCH 1024
_Static_assert(2 * BATCH <= DHCP_JOURNAL_MAX, "a batch's changed leases fit one journal append");
/* ACKs held for the lease file at most (those of the sync in flight and of
 * the batches read meanwhile, 548 bytes each); reading pauses at it. */
#define HELD_MAX (4 * BATCH)
/* A burst of this many bytes of requests waits while a batch is written. */
#define RCVBUF (4 << 20)
#define MAX_TIMER_MS 60000
/* Lease events logged: a boot storm of 32 at once, then one a second. A
 * guest renewing in a loop (new hostname each time) cannot flood the log;
 * what is held back is counted in the next line (issue 16.6). */
#define LEASE_LOG_BURST 32
#define LEASE_LOG_MS 1000

struct out_pkt {
	uint8_t buf[DHCP_MAX_REPLY];
	int len;
	uint8_t type;
	struct sockaddr_in to;
};

struct dhcp_service {
	struct loop *loop;
	char name[NETDEF_NAME_MAX];
	struct dhcp_lease_file leases;
	struct dhcp_hooks hooks;
	struct dhcp_pool *pool;
	struct in_addr server_ip;
	struct ratelimit lease_log;
	int fd, ifindex, watched;
	int pkt_fd;		/* guest_udp_socket (issue 19.2), or -1 */
	long timer;
	/* The lease file's save: one in flight (sync), its ACKs the first
	 * sync.n_inflight of held[0, n_held), then those of the batches read
	 * since; pending: changes not yet written. */
	struct save_sync sync;
	int pending, paused;
	struct out_pkt *held; /* HELD_MAX */
	unsigned n_held;
};

/* The replies of the batch being handled. One loop thread runs every
 * service, and a batch is handled to its end before another starts. */
static struct out_pkt batch_out[BATCH];

static void pool_event(void *ctx, const struct dhcp_pool_event *ev)
{
	struct dhcp_service *s = ctx;
	struct dhcp_lease_info li = { .ip = ev->ip, .expires = ev->expires,
				      .is_static = ev->is_static, .ifindex = (int)ev->port };
	uint64_t held = 0;
	char mac[18], more[64] = "";

	memcpy(li.mac, ev->mac, 6);
	snprintf(li.hostname, sizeof(li.hostname), "%s", ev->hostname);
	mac_format(ev->mac, mac);
	if (ratelimit_ok(&s->lease_log, loop_now_ms(), &held)) {
		if (held)
			snprintf(more, sizeof(more), " (%llu lease events not logged before)",
				 (unsigned long long)held);
		log_info("dhcp %s: lease %s %s %s%s%s%s", s->name, ev->bound ? "bound" : "gone",
			 mac, inet_ntoa(ev->ip), li.hostname[0] ? " " : "", li.hostname, more);
	}
	if (ev->bound && s->hooks.lease_bound)
		s->hooks.lease_bound(s->hooks.ctx, &li);
	else if (!ev->bound && s->hooks.lease_gone)
		s->hooks.lease_gone(s->hooks.ctx, &li);
}

static void on_timer(void *data);

/* One timer at the earliest expiry (wall-clock seconds, polled at least
 * every minute so a clock step cannot stall expiry for long). */
static void schedule(struct dhcp_service *s)
{
	int64_t next = dhcp_pool_next_expiry(s->pool), now = time(NULL);
	uint64_t ms = MAX_TIMER_MS;

	if (next)
		ms = next <= now ? 0 : (uint64_t)(next - now) * 1000;
	if (s->leases.unsaved && ms > DHCP_LEASE_RETRY_SECS * 1000)
		ms = DHCP_LEASE_RETRY_SECS * 1000;
	if (ms > MAX_TIMER_MS)
		ms = MAX_TIMER_MS;
	if (s->timer > 0)
		loop_cancel_timer(s->loop, s->timer);
	s->timer = loop_add_timer(s->loop, (unsigned)ms, on_timer, s);
}

static void on_timer(void *data)
{
	struct dhcp_service *s = data;

	s->timer = 0; /* the loop frees a fired timer itself */
	if (dhcp_pool_expire(s->pool, time(NULL)))
		s->pending = 1;
	save_sync_kick(&s->sync, s->n_held);
	schedule(s);
}

static void to_addr(struct sockaddr_in *sa, struct in_addr ip, uint16_t port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr = ip;
	sa->sin_port = htons(port);
}

/* Datagrams per recvmmsg / sendmmsg call on the UDP socket */
#define MMSG_CHUNK 64

struct pktinfo_cmsg {
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	};
};

/* Send n replies with sendmmsg, each from the gateway's address on the
 * bridge (IP_PKTINFO). A reply the socket refuses is dropped, as sendmsg's
 * would be: the client retries. */
static void send_chunk(struct dhcp_service *s, const struct out_pkt *o, unsigned n)
{
	struct pktinfo_cmsg cb[MMSG_CHUNK];
	struct mmsghdr mm[MMSG_CHUNK];
	struct iovec iov[MMSG_CHUNK];
	unsigned i = 0;

	for (unsigned k = 0; k < n; k++) {
		struct cmsghdr *c = &cb[k].align;
		struct in_pktinfo *pi = (struct in_pktinfo *)CMSG_DATA(c);

		memset(&cb[k], 0, sizeof(cb[k]));
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(*pi));
		pi->ipi_ifindex = s->ifindex;
		pi->ipi_spec_dst = s->server_ip; /* source address: the gateway */
		iov[k] = (struct iovec){ (void *)o[k].buf, (size_t)o[k].len };
		mm[k] = (struct mmsghdr){ .msg_hdr = {
			.msg_name = (void *)&o[k].to, .msg_namelen = sizeof(o[k].to),
			.msg_iov = &iov[k], .msg_iovlen = 1,
			.msg_control = cb[k].buf, .msg_controllen = sizeof(cb[k].buf) } };
	}
	while (i < n) {
		int r = sendmmsg(s->fd, &mm[i], n - i, MSG_DONTWAIT);

		if (r <= 0) {
			log_debug("dhcp %s: send to %s: %s", s->name, inet_ntoa(o[i].to.sin_addr),
				  r < 0 ? strerror(errno) : "nothing sent");
			r = 1; /* skip the one refused */
		} else {
			for (unsigned k = i; k < i + (unsigned)r; k++)
				dhcp_pool_counters(s->pool)->tx[o[k].type]++;
		}
		i += (unsigned)r;
	}
}

/* The datagrams of one recvmmsg, with where each was addressed */
struct rx_slot {
	uint8_t buf[1500];
	struct pktinfo_cmsg cb;
	struct sockaddr_in from;
	struct iovec iov;
};
static struct rx_slot rx[MMSG_CHUNK];

/* Read up to max (<= MMSG_CHUNK) datagrams into rx[]: how many, 0 when the
 * socket is drained. */
static unsigned recv_chunk(struct dhcp_service *s, struct mmsghdr *mm, unsigned max)
{
	int n;

	for (unsigned i = 0; i < max; i++) {
		rx[i].iov = (struct iovec){ rx[i].buf, sizeof(rx[i].buf) };
		mm[i] = (struct mmsghdr){ .msg_hdr = {
			.msg_name = &rx[i].from, .msg_namelen = sizeof(rx[i].from),
			.msg_iov = &rx[i].iov, .msg_iovlen = 1,
			.msg_control = rx[i].cb.buf, .msg_controllen = sizeof(rx[i].cb.buf) } };
	}
	n = recvmmsg(s->fd, mm, max, MSG_DONTWAIT, NULL);
	return n > 0 ? (unsigned)n : 0;
}

/* A received datagram's length (0 if truncated: counted as bad); *unicast
 * tells whether it was addressed to us rather than broadcast. */
static size_t rx_meta(struct dhcp_service *s, struct mmsghdr *m, int *unicast)
{
	struct msghdr *mh = &m->msg_hdr;

	*unicast = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo *pi = (struct in_pktinfo *)CMSG_DATA(c);

			*unicast = pi->ipi_addr.s_addr == s->server_ip.s_addr;
		}
	}
	return mh->msg_flags & MSG_TRUNC ? 0 : m->msg_len;
}

/* Parse and handle one datagram; queue the reply into *o. 1 if queued. */
static int process(struct dhcp_service *s, const uint8_t *buf, size_t len, int unicast,
		   struct out_pkt *o, int *dirty)
{
	struct dhcp_result res;
	struct dhcp_msg m;
	char mac[18];

	struct dhcp_origin from = { 0 };

	if (dhcp_msg_parse(buf, len, &m) < 0) {
		dhcp_pool_counters(s->pool)->bad_packets++;
		log_debug("dhcp %s: malformed packet (%zu bytes) ignored", s->name, len);
		return 0;
	}
	mac_format(m.chaddr, mac);
	if (s->hooks.origin && s->hooks.origin(s->hooks.ctx, m.chaddr, &from)) {
		/* not through a guest port's program: no port to bind it to */
		dhcp_pool_counters(s->pool)->unknown_port++;
		log_debug("dhcp %s: %s from %s: arrival port unknown, ignored", s->name,
			  dhcp_type_name(m.type), mac);
		return 0;
	}
	dhcp_pool_handle_from(s->pool, &m, s->hooks.origin ? &from : NULL, unicast, time(NULL),
			      &res);
	*dirty |= res.dirty;
	log_debug("dhcp %s: %s from %s: %s%s%s", s->name, dhcp_type_name(m.type), mac, res.what,
		  res.has_reply ? " -> " : "", res.has_reply ? dhcp_type_name(res.reply.type) : "");
	if (!res.has_reply)
		return 0;
	o->len = dhcp_msg_build(&res.reply, o->buf, sizeof(o->buf));
	if (o->len < 0)
		return 0;
	o->type = res.reply.type;
	to_addr(&o->to, res.dest_ip, res.dest == DHCP_DEST_RELAY ? DHCP_SERVER_PORT :
								   DHCP_CLIENT_PORT);
	return 1;
}

/* Test builds only (test_hooks.h; privsep.sh): a datagram holding the
 * marker crashes the service child, as a parser bug would. */
static void crash_hook(const uint8_t *pkt, size_t len)
{
	const char *marker = test_hook(TEST_HOOK_CHILD_CRASH);

	if (marker && *marker && memmem(pkt, len, marker, strlen(marker))) {
		log_err("dhcp: test hook: crash marker in a datagram; aborting");
		abort();
	}
}

/* A request read from the packet socket (before the host's INPUT chain):
 * to the server or broadcast, from a client's port 68. */
static ssize_t recv_pkt(struct dhcp_service *s, uint8_t *buf, size_t cap, int *unicast,
			const uint8_t **payload)
{
	struct ipv4_udp u;

	while (guest_udp_recv(s->pkt_fd, buf, cap, &u) > 0) {
		if (u.dst.s_addr != s->server_ip.s_addr && u.dst.s_addr != INADDR_BROADCAST)
			continue;
		*unicast = u.dst.s_addr == s->server_ip.s_addr;
		*payload = u.payload;
		return (ssize_t)u.len;
	}
	return -1;
}

/* A batch from the packet socket (guest_udp_socket): one datagram a read */
static int read_pkt_socket(struct dhcp_service *s, int *dirty)
{
	uint8_t buf[1500];
	int n_out = 0, unicast;

	for (int i = 0; i < BATCH; i++) {
		const uint8_t *d = buf;
		ssize_t n = recv_pkt(s, buf, sizeof(buf), &unicast, &d);

		if (n < 0)
			break;
		crash_hook(d, (size_t)n);
		n_out += process(s, d, (size_t)n, unicast, &batch_out[n_out], dirty);
	}
	return n_out;
}

/* A batch from the UDP socket, MMSG_CHUNK datagrams a recvmmsg */
static int read_udp_socket(struct dhcp_service *s, int *dirty)
{
	struct mmsghdr mm[MMSG_CHUNK];
	unsigned total = 0;
	int n_out = 0, unicast;

	while (total < BATCH) {
		unsigned want = BATCH - total < MMSG_CHUNK ? BATCH - total : MMSG_CHUNK;
		unsigned n = recv_chunk(s, mm, want);

		for (unsigned i = 0; i < n; i++) {
			size_t len = rx_meta(s, &mm[i], &unicast);

			crash_hook(rx[i].buf, len);
			n_out += process(s, rx[i].buf, len, unicast, &batch_out[n_out], dirty);
		}
		total += n;
		if (n < want)
			break;
	}
	return n_out;
}

static void send_all(struct dhcp_service *s, const struct out_pkt *o, unsigned n)
{
	for (unsigned i = 0; i < n; i += MMSG_CHUNK)
		send_chunk(s, &o[i], n - i < MMSG_CHUNK ? n - i : MMSG_CHUNK);
}

/* The held queue, allocated at the first batch (its pages are touched only
 * as ACKs are held). 0 if there is no memory for it. */
static int held_ready(struct dhcp_service *s)
{
	if (!s->held)
		s->held = malloc(HELD_MAX * sizeof(*s->held));
	return s->held != NULL;
}

/* Move the batch's ACKs to the held queue (can_read made room for a
 * batch); what stays in batch_out, in order, may leave now. */
static unsigned hold_acks(struct dhcp_service *s, unsigned n_out)
{
	unsigned keep = 0;

	for (unsigned i = 0; i < n_out; i++) {
		if (batch_out[i].type == DHCPACK)
			s->held[s->n_held++] = batch_out[i];
		else
			batch_out[keep++] = batch_out[i];
	}
	return keep;
}

/* save_sync's release: the first n held ACKs leave: what they grant is on
 * disk (or cannot be written: a full disk must not stop DHCP, dhcp.h). */
static void send_held(void *ctx, unsigned n)
{
	struct dhcp_service *s = ctx;

	send_all(s, s->held, n);
	memmove(s->held, s->held + n, (s->n_held - n) * sizeof(*s->held));
	s->n_held -= n;
}

/* Read another batch: room for its ACKs, and for its changes in the next
 * journal (a REQUEST may change two entries) so that it stays an append. */
static int can_read(struct dhcp_service *s)
{
	return s->n_held + BATCH <= HELD_MAX &&
	       dhcp_pool_journal_len(s->pool) + 2 * BATCH <= DHCP_JOURNAL_MAX;
}

static void reading(struct dhcp_service *s)
{
	int on = can_read(s);

	if (on != s->paused)
		return;
	s->paused = !on;
	loop_mod_fd(s->loop, s->fd, on ? EPOLLIN : 0);
	if (s->pkt_fd >= 0)
		loop_mod_fd(s->loop, s->pkt_fd, on ? EPOLLIN : 0);
}

/* save_sync's step: the lease file's next file to sync, if any. */
static int save_step(void *ctx, int fd, int err, int *ret_fd, int *ret_full)
{
	struct dhcp_service *s = ctx;

	if (dhcp_lease_file_synced(&s->leases, s->pool, fd, err, ret_fd) != 1)
		return 0;
	*ret_full = dhcp_lease_file_sync_full(&s->leases);
	return 1;
}

/* save_sync's begin: write what changed, its first file to sync. */
static int save_begin(void *ctx, int *ret_fd, int *ret_full)
{
	struct dhcp_service *s = ctx;

	if (!s->pending && !s->leases.unsaved)
		return 0;
	s->pending = 0;
	if (dhcp_lease_file_write(&s->leases, s->pool, ret_fd) != 1)
		return 0;
	*ret_full = dhcp_lease_file_sync_full(&s->leases);
	return 1;
}

/* save_sync's done: the save in flight is durable (its ACKs left), the
 * next save starts. */
static void save_done(void *ctx)
{
	struct dhcp_service *s = ctx;

	save_sync_kick(&s->sync, s->n_held);
	reading(s);
	schedule(s);
}

static const struct save_sync_ops save_ops = { .step = save_step, .done = save_done,
					       .begin = save_begin, .release = send_held };

static void on_readable(int fd, uint32_t events, void *data)
{
	struct dhcp_service *s = data;
	int dirty = 0;
	unsigned n_out;

	(void)events;
	if (!can_read(s)) { /* an error event while paused */
		reading(s);
		return;
	}
	n_out = (unsigned)(fd == s->pkt_fd ? read_pkt_socket(s, &dirty) :
					     read_udp_socket(s, &dirty));
	s->pending |= dirty;
	if (!held_ready(s)) { /* no room to hold ACKs: sync before they leave */
		save_sync_drain(&s->sync);
		if (s->pending || s->leases.unsaved)
			dhcp_lease_file_save(&s->leases, s->pool);
		s->pending = 0;
		send_all(s, batch_out, n_out);
		schedule(s);
		return;
	}
	send_all(s, batch_out, hold_acks(s, n_out));
	save_sync_kick(&s->sync, s->n_held);
	reading(s);
	schedule(s);
}

int dhcp_service_socket(const char *bridge, int *ifindex, char *err, size_t errlen)
{
	struct sockaddr_in sa;
	int one = 1, fd;

	*ifindex = (int)if_nametoindex(bridge);
	if (!*ifindex) {
		snprintf(err, errlen, "dhcp: no interface %s", bridge);
		return -ENODEV;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, bridge, (socklen_t)strlen(bridge)))
		goto fail;
	/* over rmem_max (the core has CAP_NET_ADMIN); else as much as allowed */
	one = RCVBUF;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &one, sizeof(one)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one));
	one = 1;
	to_addr(&sa, (struct in_addr){ htonl(INADDR_ANY) }, DHCP_SERVER_PORT);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto fail;
	return fd;
fail:
	one = errno;
	snprintf(err, errlen, "dhcp: socket on %s port 67: %s", bridge, strerror(one));
	if (fd >= 0)
		close(fd);
	return -one;
}

static int load(struct dhcp_service *s, char *err, size_t errlen)
{
	int r = dhcp_lease_file_load(&s->leases, s->pool, time(NULL));

	if (r < 0)
		snprintf(err, errlen, "dhcp: cannot read %s: %s", s->leases.j.path, strerror(-r));
	return r;
}

struct dhcp_service *dhcp_service_start_on(struct loop *loop, const struct netdef *def,
					   const char *lease_path, const struct dhcp_hooks *hooks,
					   int fd, int ifindex, char *err, size_t errlen)
{
	struct dhcp_service *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "dhcp: out of memory");
		close(fd);
		return NULL;
	}
	s->fd = fd;
	s->pkt_fd = -1;
	s->ifindex = ifindex;
	s->loop = loop;
	if (save_sync_init(&s->sync, loop, &save_ops, s) < 0) {
		snprintf(err, errlen, "dhcp: cannot watch the lease file's syncs");
		goto fail;
	}
	s->lease_log = (struct ratelimit)RATELIMIT_INIT(LEASE_LOG_BURST, LEASE_LOG_MS);
	s->server_ip = def->ip;
	snprintf(s->name, sizeof(s->name), "%s", def->name);
	if (dhcp_lease_file_init(&s->leases, lease_path, def->name)) {
		snprintf(err, errlen, "dhcp: lease path too long");
		goto fail;
	}
	if (hooks)
		s->hooks = *hooks;
	s->pool = dhcp_pool_from_netdef(def, time(NULL), pool_event, s);
	if (!s->pool) {
		snprintf(err, errlen, "dhcp: invalid range for network %s (at most %u addresses)",
			 def->name, DHCP_POOL_MAX_ADDRS);
		goto fail;
	}
	if (load(s, err, errlen))
		goto fail;
	if (loop_add_fd(loop, s->fd, EPOLLIN, on_readable, s)) {
		snprintf(err, errlen, "dhcp: cannot watch socket");
		goto fail;
	}
	s->watched = 1;
	schedule(s);
	return s;
fail:
	s->hooks = (struct dhcp_hooks){ 0 }; /* no gone events for a failed start */
	dhcp_service_stop(s);
	return NULL;
}

struct dhcp_service *dhcp_service_start(struct loop *loop, const struct netdef *def,
					const char *lease_path, const struct dhcp_hooks *hooks,
					char *err, size_t errlen)
{
	int ifindex, fd = dhcp_service_socket(def->bridge, &ifindex, err, errlen);

	if (fd < 0)
		return NULL;
	return dhcp_service_start_on(loop, def, lease_path, hooks, fd, ifindex, err, errlen);
}

int dhcp_service_guest_socket(struct dhcp_service *s, int pkt_fd)
{
	if (loop_add_fd(s->loop, pkt_fd, EPOLLIN, on_readable, s)) {
		close(pkt_fd);
		return -EIO;
	}
	s->pkt_fd = pkt_fd;
	return 0;
}

void dhcp_service_stop(struct dhcp_service *s)
{
	if (!s)
		return;
	save_sync_drain(&s->sync); /* its ACKs leave: the socket is still open */
	if (s->pkt_fd >= 0) {
		loop_del_fd(s->loop, s->pkt_fd);
		close(s->pkt_fd);
	}
	if (s->timer > 0)
		loop_cancel_timer(s->loop, s->timer);
	if (s->watched)
		loop_del_fd(s->loop, s->fd);
	if (s->fd >= 0)
		close(s->fd);
	save_sync_free(&s->sync);
	if (s->leases.unsaved || s->pending)
		dhcp_lease_file_save(&s->leases, s->pool);
	dhcp_pool_free(s->pool);
	free(s->held);
	free(s);
}

int dhcp_service_add_host(struct dhcp_service *s, const struct netdef_host *h, char *err,
			  size_t errlen)
{
	int r = dhcp_pool_add_netdef_host(s->pool, h, time(NULL));

	switch (r) {
	case 0:
		save_sync_drain(&s->sync);
		dhcp_lease_file_save(&s->leases, s->pool);
		schedule(s);
		return 0;
	case -EEXIST:
		snprintf(err, errlen, "MAC already has another fixed address");
		break;
	case -EADDRINUSE:
		snprintf(err, errlen, "address %s already fixed for another MAC", inet_ntoa(h->ip));
		break;
	case -ENOSPC:
		snprintf(err, errlen, "too many static hosts (max %d)", DHCP_POOL_MAX_STATIC);
		break;
	default:
		snprintf(err, errlen, "address %s is not a usable host address of the network",
			 inet_ntoa(h->ip));
	}
	return r;
}

int dhcp_service_del_host(struct dhcp_service *s, const struct netdef_host *h, char *err,
			  size_t errlen)
{
	char mac[18];
	int r = dhcp_pool_del_static(s->pool, h->mac, time(NULL));

	if (r) {
		mac_format(h->mac, mac);
		snprintf(err, errlen, "no static host with MAC %s", mac);
		return r;
	}
	save_sync_drain(&s->sync);
	dhcp_lease_file_save(&s->leases, s->pool);
	schedule(s);
	return 0;
}

void dhcp_service_port_gone(struct dhcp_service *s, int ifindex)
{
	if (s && ifindex > 0)
		dhcp_pool_forget_port(s->pool, (uint32_t)ifindex);
}

struct json_object *dhcp_service_leases_json(struct dhcp_service *s)
{
	return dhcp_pool_leases_json(s ? s->pool : NULL);
}

struct json_object *dhcp_service_counters_json(struct dhcp_service *s)
{
	return dhcp_counters_json(s ? s->pool : NULL);
}

void dhcp_service_counters(struct dhcp_service *s, struct dhcp_counters *c, uint64_t *active)
{
	*c = *dhcp_pool_counters(s->pool);
	*active = dhcp_pool_active(s->pool);
}
