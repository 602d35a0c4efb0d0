/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Read-only TFTP server core (tftp.h): sessions, options, retransmission. */
#include "tftp.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct sess {
	int used;
	struct sockaddr_in peer;
	int fh;
	uint64_t size;
	unsigned blksize;
	unsigned timeout_ms;
	uint32_t block;	  /* in flight: 0 = the OACK, n = DATA n (wraps on the wire) */
	int last;	  /* the block in flight is the file's last */
	uint64_t sent_ms;
	unsigned tries;
	size_t len;
	uint8_t pkt[TFTP_PKT_MAX];
};

struct tftp_server {
	struct tftp_file_ops ops;
	tftp_send_fn send;
	void *send_ctx;
	struct tftp_counters c;
	struct sess s[TFTP_MAX_SESSIONS];
};

struct tftp_server *tftp_server_new(const struct tftp_file_ops *ops, tftp_send_fn send,
				    void *send_ctx)
{
	struct tftp_server *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->ops = *ops;
	s->send = send;
	s->send_ctx = send_ctx;
	return s;
}

static void sess_end(struct tftp_server *s, struct sess *x)
{
	if (x->used)
		s->ops.close(s->ops.ctx, x->fh);
	x->used = 0;
}

void tftp_server_free(struct tftp_server *s)
{
	if (!s)
		return;
	for (int i = 0; i < TFTP_MAX_SESSIONS; i++)
		sess_end(s, &s->s[i]);
	free(s);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void send_error(struct tftp_server *s, const struct sockaddr_in *to, enum tftp_err code,
		       const char *msg)
{
	uint8_t pkt[128];
	size_t n = strnlen(msg, sizeof(pkt) - 5);

	put16(pkt, TFTP_ERROR);
	put16(pkt + 2, code);
	memcpy(pkt + 4, msg, n);
	pkt[4 + n] = 0;
	s->send(s->send_ctx, to, pkt, 5 + n);
}

int tftp_name_ok(const char *in, char *out, size_t outlen)
{
	size_t n, comp = 0;

	while (*in == '/')
		in++;
	n = strlen(in);
	if (!n || n > TFTP_NAME_MAX || n >= outlen)
		return -EACCES;
	for (size_t i = 0; i <= n; i++) {
		char c = in[i];

		if (c == '/' || c == '\0') {
			/* empty, "." and ".." components: no way up or around */
			if (comp == 0 || (comp == 1 && in[i - 1] == '.') ||
			    (comp == 2 && in[i - 1] == '.' && in[i - 2] == '.'))
				return -EACCES;
			comp = 0;
			continue;
		}
		if (c < 0x21 || c > 0x7e || c == '\\')
			return -EACCES;
		comp++;
	}
	memcpy(out, in, n + 1);
	return 0;
}

static struct sess *find(struct tftp_server *s, const struct sockaddr_in *peer)
{
	for (int i = 0; i < TFTP_MAX_SESSIONS; i++) {
		struct sess *x = &s->s[i];

		if (x->used && x->peer.sin_addr.s_addr == peer->sin_addr.s_addr &&
		    x->peer.sin_port == peer->sin_port)
			return x;
	}
	return NULL;
}

/* A free slot, or NULL when the server or this client is at its cap. */
static struct sess *slot(struct tftp_server *s, const struct sockaddr_in *peer)
{
	struct sess *free_slot = NULL;
	unsigned mine = 0;

	for (int i = 0; i < TFTP_MAX_SESSIONS; i++) {
		struct sess *x = &s->s[i];

		if (!x->used) {
			if (!free_slot)
				free_slot = x;
		} else if (x->peer.sin_addr.s_addr == peer->sin_addr.s_addr) {
			mine++;
		}
	}
	return mine >= TFTP_MAX_PER_CLIENT ? NULL : free_slot;
}

static void transmit(struct tftp_server *s, struct sess *x, uint64_t now)
{
	x->sent_ms = now;
	s->send(s->send_ctx, &x->peer, x->pkt, x->len);
}

/* Build DATA x->block from the file; 0 or -errno. */
static int load_block(struct tftp_server *s, struct sess *x)
{
	uint64_t off = (uint64_t)(x->block - 1) * x->blksize;
	ssize_t n = 0;

	if (off < x->size) {
		n = s->ops.read(s->ops.ctx, x->fh, off, x->pkt + 4, x->blksize);
		if (n < 0)
			return (int)n;
	}
	put16(x->pkt, TFTP_DATA);
	put16(x->pkt + 2, x->block & 0xffff);
	x->len = 4 + (size_t)n;
	x->last = (size_t)n < x->blksize;
	x->tries = 0;
	s->c.bytes += (uint64_t)n;
	return 0;
}

struct rrq {
	const char *name, *mode;
	int want_blksize, want_tsize, want_timeout;
	unsigned long blksize, timeout;
};

/* Next NUL-terminated string at *p (below end), or NULL. */
static const char *next_str(const char **p, const char *end)
{
	const char *s = *p, *z = memchr(s, 0, (size_t)(end - s));

	if (s >= end || !z)
		return NULL;
	*p = z + 1;
	return s;
}

static int num(const char *v, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *e;
	unsigned long n;

	if (!*v || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoul(v, &e, 10);
	if (errno || *e || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

/* RRQ/WRQ body: name, mode, then option/value pairs (RFC 2347). Options
 * we do not know, or with values out of range, are ignored (not
 * acknowledged), as the RFC says. */
static int parse_rrq(const uint8_t *pkt, size_t len, struct rrq *r)
{
	const char *p = (const char *)pkt + 2, *end = (const char *)pkt + len, *o, *v;

	memset(r, 0, sizeof(*r));
	if (!(r->name = next_str(&p, end)) || !(r->mode = next_str(&p, end)))
		return -1;
	while (p < end) {
		if (!(o = next_str(&p, end)) || !(v = next_str(&p, end)))
			return -1;
		if (!strcasecmp(o, "blksize") && !num(v, TFTP_BLKSIZE_MIN, 65464, &r->blksize))
			r->want_blksize = 1;
		else if (!strcasecmp(o, "tsize"))
			r->want_tsize = 1;
		else if (!strcasecmp(o, "timeout") && !num(v, 1, 255, &r->timeout))
			r->want_timeout = 1;
	}
	return 0;
}

static size_t put_opt(uint8_t *p, size_t at, const char *name, unsigned long long v)
{
	int n = snprintf((char *)p + at, TFTP_PKT_MAX - at, "%s%c%llu", name, 0, v);

	return at + (size_t)n + 1;
}

/* The first answer: an OACK if any option was taken, else DATA 1. */
static int first_packet(struct tftp_server *s, struct sess *x, const struct rrq *r)
{
	size_t at = 2;

	if (!r->want_blksize && !r->want_tsize && !r->want_timeout) {
		x->block = 1;
		return load_block(s, x);
	}
	put16(x->pkt, TFTP_OACK);
	if (r->want_blksize)
		at = put_opt(x->pkt, at, "blksize", x->blksize);
	if (r->want_tsize)
		at = put_opt(x->pkt, at, "tsize", x->size);
	if (r->want_timeout)
		at = put_opt(x->pkt, at, "timeout", r->timeout);
	x->len = at;
	x->block = 0;
	x->last = 0;
	return 0;
}

static void on_request(struct tftp_server *s, uint64_t now, const struct sockaddr_in *from,
		       const uint8_t *pkt, size_t len)
{
	char name[TFTP_NAME_MAX + 1];
	struct sess *x = find(s, from);
	struct rrq r;
	uint64_t size;
	int fh;

	if (get16(pkt) == TFTP_WRQ) {
		s->c.refused++;
		return send_error(s, from, TFTP_E_ACCESS, "read-only server");
	}
	if (x) {
		/* a retransmitted request: answer again what it started */
		if (x->block <= 1 && x->tries < TFTP_RETRIES)
			transmit(s, x, now);
		return;
	}
	if (parse_rrq(pkt, len, &r) < 0) {
		s->c.bad++;
		return send_error(s, from, TFTP_E_ILLEGAL, "malformed request");
	}
	if (strcasecmp(r.mode, "octet") && strcasecmp(r.mode, "netascii")) {
		s->c.refused++;
		return send_error(s, from, TFTP_E_ILLEGAL, "mode not supported");
	}
	if (tftp_name_ok(r.name, name, sizeof(name)) < 0) {
		s->c.refused++;
		return send_error(s, from, TFTP_E_ACCESS, "access violation");
	}
	if (!(x = slot(s, from))) {
		s->c.refused++;
		return send_error(s, from, TFTP_E_UNDEF, "too many transfers");
	}
	fh = s->ops.open(s->ops.ctx, name, &size);
	if (fh < 0) {
		s->c.refused++;
		return send_error(s, from, fh == -ENOENT ? TFTP_E_NOT_FOUND : TFTP_E_ACCESS,
				  fh == -ENOENT ? "file not found" : "access violation");
	}
	memset(x, 0, offsetof(struct sess, pkt));
	x->used = 1;
	x->peer = *from;
	x->fh = fh;
	x->size = size;
	x->blksize = r.want_blksize ?
			     (unsigned)(r.blksize < TFTP_BLKSIZE_MAX ? r.blksize : TFTP_BLKSIZE_MAX) :
			     TFTP_BLKSIZE_DEFAULT;
	x->timeout_ms = r.want_timeout ? (unsigned)r.timeout * 1000 : TFTP_TIMEOUT_MS;
	if (first_packet(s, x, &r) < 0) {
		sess_end(s, x);
		s->c.refused++;
		return send_error(s, from, TFTP_E_ACCESS, "read error");
	}
	s->c.requests++;
	transmit(s, x, now);
}

static void on_ack(struct tftp_server *s, uint64_t now, struct sess *x, unsigned block)
{
	/* an older block's ACK (delayed duplicate): never answered, or both
	 * sides would resend every block twice (Sorcerer's Apprentice) */
	if (block != (x->block & 0xffff))
		return;
	if (x->last) {
		s->c.completed++;
		return sess_end(s, x);
	}
	x->block++;
	if (load_block(s, x) < 0) {
		send_error(s, &x->peer, TFTP_E_ACCESS, "read error");
		return sess_end(s, x);
	}
	transmit(s, x, now);
}

void tftp_input(struct tftp_server *s, uint64_t now_ms, const struct sockaddr_in *from,
		const void *data, size_t len)
{
	const uint8_t *pkt = data;
	struct sess *x;
	unsigned op;

	if (len < 4) {
		s->c.bad++;
		return;
	}
	op = get16(pkt);
	if (op == TFTP_RRQ || op == TFTP_WRQ)
		return on_request(s, now_ms, from, pkt, len);
	x = find(s, from);
	if (!x) {
		/* not answered: an error to an unknown TID could be reflected */
		s->c.bad++;
		return;
	}
	if (op == TFTP_ACK)
		return on_ack(s, now_ms, x, get16(pkt + 2));
	if (op == TFTP_ERROR) /* the client gave up (or refused our options) */
		return sess_end(s, x);
	s->c.bad++;
}

long tftp_tick(struct tftp_server *s, uint64_t now_ms)
{
	long next = -1;

	for (int i = 0; i < TFTP_MAX_SESSIONS; i++) {
		struct sess *x = &s->s[i];
		uint64_t due;

		if (!x->used)
			continue;
		due = x->sent_ms + x->timeout_ms;
		if (now_ms >= due) {
			if (++x->tries > TFTP_RETRIES) {
				s->c.timeouts++;
				sess_end(s, x);
				continue;
			}
			transmit(s, x, now_ms);
			due = now_ms + x->timeout_ms;
		}
		if (next < 0 || (long)(due - now_ms) < next)
			next = (long)(due - now_ms);
	}
	return next;
}

unsigned tftp_sessions(const struct tftp_server *s)
{
	unsigned n = 0;

	for (int i = 0; i < TFTP_MAX_SESSIONS; i++)
		n += s->s[i].used != 0;
	return n;
}

void tftp_get_counters(const struct tftp_server *s, struct tftp_counters *out)
{
	*out = s->c;
}
