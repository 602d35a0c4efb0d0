/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "udns_fwd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/dns.h"
#include "util/util.h"
#include "vu.h"

void vu_dnsfwd_init(struct vu_dnsfwd *f, const struct netdef *def, const uint8_t gw_mac[6])
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < DNSFWD_MAX; i++)
		f->q[i].fd = -1;
	f->gw = def->ip;
	memcpy(f->gw_mac, gw_mac, 6);
	/* the daemon's choice, but one upstream: a user network is small, and
	 * none found leaves ss_family 0 (queries get REFUSED) */
	if (!dns_upstreams_load(def, getenv("VNET_RESOLV_CONF"), &f->up, 1))
		log_warn("dns: %s: no upstream resolver; only local names answered", def->name);
}

static int answer(struct vu_dnsfwd *f, const struct dnsfwd_q *c, const uint8_t *msg, size_t len,
		  uint8_t *out, size_t cap)
{
	return frame_udp_build(out, cap, f->gw_mac, c->mac, f->gw, 53, c->ip, c->port, msg, len);
}

static int rcode_frame(struct vu_dnsfwd *f, const struct dnsfwd_q *c, unsigned rcode,
		       uint8_t *out, size_t cap)
{
	struct dns_builder b;
	uint8_t msg[512];

	dns_build_reply(&b, msg, sizeof(msg), &c->q, rcode, 0);
	return answer(f, c, msg, dns_build_finish(&b, &c->q, 0), out, cap);
}

static int open_upstream(struct vu_dnsfwd *f)
{
	int fd = socket(f->up.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	/* connect(): the kernel then drops datagrams from any other address */
	if (fd >= 0 && connect(fd, (struct sockaddr *)&f->up, dns_sockaddr_len(&f->up))) {
		close(fd);
		return -1;
	}
	return fd;
}

int vu_dnsfwd_query(struct vu_dnsfwd *f, const struct udp_view *u, const struct dns_query *q,
		    uint8_t *out, size_t cap)
{
	struct dnsfwd_q *c = NULL, tmp = { .q = *q, .ip = u->src, .port = u->sport };
	uint8_t msg[DNS_EDNS_SIZE];
	int n;

	memcpy(tmp.mac, u->src_mac, 6);
	for (size_t i = 0; i < DNSFWD_MAX && !c; i++)
		if (f->q[i].fd < 0)
			c = &f->q[i];
	if (!f->up.ss_family || !c) {
		f->refused++;
		return rcode_frame(f, &tmp, f->up.ss_family ? DNS_R_SERVFAIL : DNS_R_REFUSED, out, cap);
	}
	/* RFC 5452 9.2: an unpredictable ID and source port for each query */
	if (getrandom(&tmp.id, sizeof(tmp.id), GRND_NONBLOCK) != sizeof(tmp.id))
		tmp.id = (uint16_t)rand();
	n = dns_build_upstream_query(msg, sizeof(msg), q, tmp.id);
	tmp.fd = n > 0 ? open_upstream(f) : -1;
	if (tmp.fd < 0 || send(tmp.fd, msg, (size_t)n, 0) != n) {
		if (tmp.fd >= 0)
			close(tmp.fd);
		f->refused++;
		tmp.fd = -1;
		return rcode_frame(f, &tmp, DNS_R_SERVFAIL, out, cap);
	}
	tmp.deadline = vu_clock_ms() + DNSFWD_TIMEOUT_MS;
	*c = tmp;
	f->sent++;
	return 0;
}

int vu_dnsfwd_fill(struct vu_dnsfwd *f, struct pollfd *pfd, int max)
{
	int n = 0;

	for (size_t i = 0; i < DNSFWD_MAX && n < max; i++)
		if (f->q[i].fd >= 0)
			pfd[n++] = (struct pollfd){ .fd = f->q[i].fd, .events = POLLIN };
	return n;
}

/* A reply for c, or -1 to keep waiting: RFC 5452 section 9.1, the reply
 * must match the ID and the question (address and port: connect()). */
static int take_reply(struct vu_dnsfwd *f, struct dnsfwd_q *c, uint8_t *out, size_t cap)
{
	uint8_t buf[4096], rel[DNS_EDNS_SIZE];
	struct dns_reply_info ri;
	ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
	int r;

	if (n <= 0 || dns_parse_reply(buf, (size_t)n, &ri) || ri.hdr.id != c->id || !ri.has_q ||
	    ri.q.qtype != c->q.q.qtype || ri.q.qclass != c->q.q.qclass ||
	    !dns_name_equal(ri.q.name, ri.q.name_len, c->q.q.name, c->q.q.name_len)) {
		f->ignored++;
		return -1;
	}
	r = dns_relay_reply(buf, (size_t)n, rel, sizeof(rel), &c->q, 0,
			    dns_client_udp_limit(&c->q));
	if (r < 0)
		return rcode_frame(f, c, DNS_R_SERVFAIL, out, cap);
	f->replies++;
	return answer(f, c, rel, (size_t)r, out, cap);
}

void vu_dnsfwd_poll(struct vu_dnsfwd *f, const struct pollfd *pfd, int n, int64_t now_ms,
		    void (*send_fn)(void *ctx, const uint8_t *frame, size_t len), void *ctx)
{
	uint8_t out[FRAME_MAX];
	int k = 0, len;

	for (size_t i = 0; i < DNSFWD_MAX; i++) {
		struct dnsfwd_q *c = &f->q[i];

		if (c->fd < 0)
			continue;
		len = -1;
		if (k < n && pfd[k].fd == c->fd && (pfd[k].revents & POLLIN))
			len = take_reply(f, c, out, sizeof(out));
		k += k < n && pfd[k].fd == c->fd;
		if (len < 0 && now_ms >= c->deadline) {
			f->timeouts++;
			len = rcode_frame(f, c, DNS_R_SERVFAIL, out, sizeof(out));
		}
		if (len < 0)
			continue;
		if (len > 0)
			send_fn(ctx, out, (size_t)len);
		close(c->fd);
		c->fd = -1;
	}
}

void vu_dnsfwd_close(struct vu_dnsfwd *f)
{
	for (size_t i = 0; i < DNSFWD_MAX; i++)
		if (f->q[i].fd >= 0)
			close(f->q[i].fd);
}
