/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libslirp's callbacks (frames out to the switch, clock, timers) and its
 * configuration from the network definition. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "stack.h"

int64_t vu_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static ssize_t send_packet(const void *buf, size_t len, void *opaque)
{
	struct vu_stack *s = opaque;
	ssize_t n = vde_send(s->vde, buf, len, 0);

	if (n < 0) {
		s->ctr.tx_errors++;
		return n;
	}
	s->ctr.tx_frames++;
	s->ctr.tx_bytes += len;
	return n;
}

static void guest_error(const char *msg, void *opaque)
{
	struct vu_stack *s = opaque;

	s->ctr.guest_errors++;
	log_debug("slirp: guest error: %s", msg);
}

static int64_t clock_get_ns(void *opaque)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct vu_stack *s = opaque;
	struct vu_timer *t = calloc(1, sizeof(*t));

	if (!t)
		fatal("out of memory");
	t->cb = cb;
	t->cb_opaque = cb_opaque;
	t->expire_ms = -1;
	t->next = s->timers;
	s->timers = t;
	return t;
}

static void timer_free(void *timer, void *opaque)
{
	struct vu_stack *s = opaque;

	for (struct vu_timer **pp = &s->timers; *pp; pp = &(*pp)->next) {
		if (*pp == timer) {
			*pp = (*pp)->next;
			free(timer);
			return;
		}
	}
}

/* expire_time is in milliseconds of clock_get_ns's clock */
static void timer_mod(void *timer, int64_t expire_time, void *opaque)
{
	((struct vu_timer *)timer)->expire_ms = expire_time;
}

static void no_fd(int fd, void *opaque) { }
static void notify(void *opaque) { }

const SlirpCb vu_slirp_cb = {
	.send_packet = send_packet,
	.guest_error = guest_error,
	.clock_get_ns = clock_get_ns,
	.timer_new = timer_new,
	.timer_free = timer_free,
	.timer_mod = timer_mod,
	.register_poll_fd = no_fd,
	.unregister_poll_fd = no_fd,
	.notify = notify,
};

int vu_timers_run(struct vu_stack *s)
{
	int64_t now = vu_clock_ms(), next = -1;
	struct vu_timer *t;

again:
	for (t = s->timers; t; t = t->next) {
		if (t->expire_ms >= 0 && t->expire_ms <= now) {
			t->expire_ms = -1;
			t->cb(t->cb_opaque); /* may free or add timers: rescan */
			goto again;
		}
	}
	for (t = s->timers; t; t = t->next)
		if (t->expire_ms >= 0 && (next < 0 || t->expire_ms - now < next))
			next = t->expire_ms - now;
	return (int)next;
}

Slirp *vu_slirp_new(struct vu_stack *s)
{
	const struct netdef *d = s->def;
	SlirpConfig c = {
		.version = 4,
		/* isolated: no connection leaves; forwards into the guests still work */
		.restricted = d->mode == NETDEF_MODE_ISOLATED,
		.in_enabled = true,
		.vnetwork = { d->ip.s_addr & netdef_mask(d) },
		.vnetmask = { netdef_mask(d) },
		.vhost = d->ip,
		.vhostname = d->name,
		.vdhcp_start = d->dhcp_start,
		/* not the gateway: slirp maps its DNS address to the host's resolver
		 * for TCP too, which would hide the host's loopback behind the
		 * gateway. Guests' DNS goes to the gateway and udns*.c answers or
		 * forwards it; slirp's own DNS alias is off. */
		.vnameserver = { htonl(INADDR_ANY) },
		.disable_dns = true,
		.vdomainname = d->domain[0] ? d->domain : NULL,
		.if_mtu = d->mtu ? d->mtu : 1500,
		.if_mru = d->mtu ? d->mtu : 1500,
		.disable_dhcp = true, /* udhcp.c answers DHCP */
	};

	return slirp_new(&c, &vu_slirp_cb, s);
}

/* slirp_add_hostfwd binds host:port at once, so a port in use fails here. */
int vu_fwd_add(struct vu_stack *s, const struct vu_fwd *f, char *err, size_t errlen)
{
	char host[INET_ADDRSTRLEN];
	int e;

	inet_ntop(AF_INET, &f->host, host, sizeof(host));
	if (f->host_port < 1024) {
		snprintf(err, errlen, "host port %u is below 1024: user networks bind only "
			 "unprivileged ports", f->host_port);
		return -EACCES;
	}
	if (s->n_fwds == VU_MAX_FWDS) {
		snprintf(err, errlen, "too many port forwards (max %d)", VU_MAX_FWDS);
		return -ENOSPC;
	}
	errno = 0;
	if (slirp_add_hostfwd(s->slirp, f->udp, f->host, f->host_port, f->guest, f->guest_port)) {
		e = errno ? errno : EADDRINUSE;
		snprintf(err, errlen, "cannot forward %s %s:%u: %s%s", f->udp ? "udp" : "tcp", host,
			 f->host_port, strerror(e),
			 e == EADDRINUSE ? " (the port is in use on the host)" : "");
		return -e;
	}
	s->fwds[s->n_fwds++] = *f;
	return 0;
}
