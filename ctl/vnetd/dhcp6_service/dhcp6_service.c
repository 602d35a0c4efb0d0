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

#define SAVE_MAX DHCP6_POOL_MAX_LEASES

struct dhcp6_service {
	struct loop *loop;
	char net[NETDEF_NAME_MAX];
	char path[NETDEF_NAME_MAX + 16];
	int fd, watched;
	long timer;
	struct dhcp6_pool *pool;
	struct dhcp6_hooks hooks;
	int loading;
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

/* The file, whole, atomically: a crash leaves the old one or the new. */
static int save(struct dhcp6_service *s)
{
	static struct dhcp6_lease ls[SAVE_MAX];
	size_t n = dhcp6_pool_snapshot(s->pool, ls, SAVE_MAX), cap = n * 256 + 64, at = 0;
	char *buf = malloc(cap);
	int r;

	if (!buf)
		return -ENOMEM;
	at += (size_t)snprintf(buf, cap, "# vnet DHCPv6 leases of %s\n", s->net);
	for (size_t i = 0; i < n; i++) {
		r = dhcp6_lease_format(&ls[i], buf + at, cap - at);
		if (r > 0)
			at += (size_t)r;
	}
	r = file_write_atomic(s->path, buf, at, 0644);
	free(buf);
	if (r < 0)
		log_warn("dhcp6 %s: cannot save leases: %s", s->net, strerror(-r));
	return r;
}

static void load(struct dhcp6_service *s)
{
	FILE *f = fopen(s->path, "re");
	char line[512];
	struct dhcp6_lease l;
	unsigned bad = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (dhcp6_lease_parse(line, &l) < 0 || dhcp6_pool_restore(s->pool, &l, time(NULL)) < 0)
			bad++;
	}
	fclose(f);
	if (bad)
		log_warn("dhcp6 %s: %u lease lines skipped", s->net, bad);
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
	if (dhcp6_pool_expire(s->pool, time(NULL)) > 0)
		save(s);
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

/* Messages are handled in batches of up to RX_BATCH (the IPv4 service's
 * way): the lease file is written once per batch, before any reply of that
 * batch leaves, so a committed binding is on disk before its REPLY. */
#define RX_BATCH 64

static void on_readable(int fd, uint32_t events, void *data)
{
	struct dhcp6_service *s = data;
	static uint8_t in[DHCP6_MSG_MAX], out[RX_BATCH][DHCP6_MSG_MAX];
	static struct sockaddr_in6 to[RX_BATCH];
	static size_t out_len[RX_BATCH];
	struct sockaddr_in6 from;
	const struct dhcp6_origin *op;
	struct dhcp6_origin o;
	struct dhcp6_msg m;
	socklen_t fl;
	ssize_t n;
	size_t rn;
	int dirty, any_dirty = 0, nout = 0;

	(void)events;
	for (int i = 0; i < RX_BATCH; i++) {
		fl = sizeof(from);
		n = recvfrom(fd, in, sizeof(in), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0)
			break;
		if (fl < sizeof(from) || from.sin6_port != htons(DHCP6_CLIENT_PORT))
			continue;
		if (dhcp6_msg_parse(in, (size_t)n, &m) < 0)
			continue;
		op = origin_of(s, &from.sin6_addr, &o);
		/* clients speak from their link-local address (RFC 8415 13.1);
		 * some (busybox udhcpc6) unicast a Request, Renew or Release
		 * from the leased address: taken only from the port that
		 * claimed that address (bind6_map), never a Solicit */
		if (!IN6_IS_ADDR_LINKLOCAL(&from.sin6_addr) && (!op || !unicast_type(m.type)))
			continue;
		rn = dhcp6_pool_handle_from(s->pool, &m, op, time(NULL), out[nout],
					    sizeof(out[nout]), &dirty);
		any_dirty |= dirty;
		if (rn) {
			to[nout] = from;
			out_len[nout++] = rn;
		}
	}
	if (any_dirty)
		save(s);
	for (int i = 0; i < nout; i++)
		sendto(fd, out[i], out_len[i], MSG_DONTWAIT, (struct sockaddr *)&to[i], sizeof(to[i]));
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
	s->hooks = *hooks;
	snprintf(s->net, sizeof(s->net), "%s", def->name);
	snprintf(s->path, sizeof(s->path), "%s", lease_path);
	if (dhcp6_pool_config_from_netdef(def, mac, cfg) < 0 ||
	    !(s->pool = dhcp6_pool_new(cfg, on_event, s))) {
		snprintf(err, errlen, "dhcp6: %s: bad IPv6 DHCP configuration", def->name);
		goto fail;
	}
	load(s);
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
	if (s->pool)
		save(s);
	dhcp6_pool_free(s->pool);
	close(s->fd);
	free(s);
}

const struct dhcp6_counters *dhcp6_service_counters(const struct dhcp6_service *s)
{
	return s ? dhcp6_pool_counters(s->pool) : NULL;
}

void dhcp6_service_port_gone(struct dhcp6_service *s, int ifindex)
{
	if (s && ifindex > 0)
		dhcp6_pool_forget_port(s->pool, (uint32_t)ifindex);
}
