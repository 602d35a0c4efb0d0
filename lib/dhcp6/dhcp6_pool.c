/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The I/O-free DHCPv6 server (dhcp6.h): bindings of (DUID, IAID) to
 * addresses from ranges (a FIFO free list per range: an address given
 * back is handed out again last, so a guest that comes back soon tends to
 * find it free) or from reservations. */
#include "dhcp6_pool_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- bindings per port (a short list: only ports that hold some) ---------- */

static struct port_held *port_find(const struct dhcp6_pool *p, uint32_t port)
{
	for (uint32_t i = 0; i < p->n_ports; i++)
		if (p->ports[i].port == port)
			return (struct port_held *)&p->ports[i];
	return NULL;
}

uint32_t dhcp6_pool_port_held(const struct dhcp6_pool *p, uint32_t port)
{
	const struct port_held *h = port_find(p, port);

	return h ? h->n : 0;
}

/* 0, or -1 when the list is full (the binding stays unowned). */
static int port_hold(struct dhcp6_pool *p, uint32_t port)
{
	struct port_held *h = port_find(p, port);

	if (!h) {
		if (p->n_ports == DHCP6_POOL_MAX_PORTS)
			return -1;
		h = &p->ports[p->n_ports++];
		*h = (struct port_held){ port, 0 };
	}
	h->n++;
	return 0;
}

static void port_drop(struct dhcp6_pool *p, uint32_t port)
{
	struct port_held *h = port_find(p, port);

	if (h && !--h->n)
		*h = p->ports[--p->n_ports];
}

/* ---- addresses ---------------------------------------------------------- */

static uint64_t lo64(const struct in6_addr *a)
{
	uint64_t v = 0;

	for (int i = 8; i < 16; i++)
		v = v << 8 | a->s6_addr[i];
	return v;
}

static struct in6_addr rng_addr(const struct rng *r, uint32_t off)
{
	struct in6_addr a;
	uint64_t v = r->lo + off;

	memcpy(a.s6_addr, r->hi, 8);
	for (int i = 15; i >= 8; i--, v >>= 8)
		a.s6_addr[i] = (uint8_t)v;
	return a;
}

/* The range holding a, and its offset there; -1 if none. */
static int rng_of(const struct dhcp6_pool *p, const struct in6_addr *a, uint32_t *off)
{
	uint64_t v = lo64(a);

	for (size_t i = 0; i < p->n_r; i++) {
		const struct rng *r = &p->r[i];

		if (!memcmp(a->s6_addr, r->hi, 8) && v >= r->lo && v - r->lo < r->size) {
			*off = (uint32_t)(v - r->lo);
			return (int)i;
		}
	}
	return -1;
}

static void free_unlink(struct rng *r, uint32_t off)
{
	uint32_t pv = r->fprev[off], nx = r->fnext[off];

	if (pv != NIL)
		r->fnext[pv] = nx;
	else
		r->fhead = nx;
	if (nx != NIL)
		r->fprev[nx] = pv;
	else
		r->ftail = pv;
	r->fprev[off] = r->fnext[off] = NIL;
}

static void free_push_tail(struct rng *r, uint32_t off)
{
	r->fprev[off] = r->ftail;
	r->fnext[off] = NIL;
	if (r->ftail != NIL)
		r->fnext[r->ftail] = off;
	else
		r->fhead = off;
	r->ftail = off;
}

/* ---- entries ------------------------------------------------------------ */

static uint32_t hash(const struct dhcp6_duid *d, uint32_t iaid, uint32_t n)
{
	uint32_t h = 2166136261u ^ iaid;

	for (unsigned i = 0; i < d->len; i++)
		h = (h ^ d->b[i]) * 16777619u;
	return h & (n - 1);
}

static int duid_eq(const struct dhcp6_duid *a, const struct dhcp6_duid *b)
{
	return a->len == b->len && !memcmp(a->b, b->b, a->len);
}

static uint32_t find(const struct dhcp6_pool *p, const struct dhcp6_duid *d, uint32_t iaid)
{
	for (uint32_t i = p->bucket[hash(d, iaid, p->n_bucket)]; i != NIL; i = p->e[i].next)
		if (p->e[i].l.iaid == iaid && duid_eq(&p->e[i].l.duid, d))
			return i;
	return NIL;
}

static void chain_add(struct dhcp6_pool *p, uint32_t i)
{
	uint32_t *b = &p->bucket[hash(&p->e[i].l.duid, p->e[i].l.iaid, p->n_bucket)];

	p->e[i].next = *b;
	*b = i;
}

static void chain_del(struct dhcp6_pool *p, uint32_t i)
{
	uint32_t *b = &p->bucket[hash(&p->e[i].l.duid, p->e[i].l.iaid, p->n_bucket)];

	while (*b != NIL && *b != i)
		b = &p->e[*b].next;
	if (*b == i)
		*b = p->e[i].next;
}

static void emit(struct dhcp6_pool *p, const struct ent *x, int bound)
{
	struct dhcp6_event ev = { bound, &x->l };

	if (p->cb)
		p->cb(p->ctx, &ev);
}

/* Give the entry's address back and free the slot. */
static void ent_free(struct dhcp6_pool *p, uint32_t i)
{
	struct ent *x = &p->e[i];
	uint8_t in_chg = x->in_chg;

	pool_ent_gone(p, i);
	if (x->l.duid.len)
		chain_del(p, i);
	if (x->port)
		port_drop(p, x->port);
	if (x->range >= 0) {
		p->r[x->range].by_off[x->off] = NIL;
		free_push_tail(&p->r[x->range], x->off);
	} else if (x->host >= 0) {
		p->host_ent[x->host] = NIL;
	}
	memset(x, 0, sizeof(*x));
	x->in_chg = in_chg;
	x->next = p->e_free;
	p->e_free = i;
}

static uint32_t ent_new(struct dhcp6_pool *p)
{
	uint32_t i = p->e_free;
	uint8_t in_chg;

	if (i == NIL)
		return NIL;
	p->e_free = p->e[i].next;
	in_chg = p->e[i].in_chg;
	memset(&p->e[i], 0, sizeof(p->e[i]));
	p->e[i].in_chg = in_chg;
	p->e[i].used = 1;
	p->e[i].host = -1;
	p->e[i].range = -1;
	p->e[i].next = NIL;
	return i;
}

/* ---- configuration -------------------------------------------------------- */

static int add_range(struct dhcp6_pool *p, const struct dhcp6_range *cr)
{
	struct rng *r = &p->r[p->n_r];
	uint64_t a = lo64(&cr->start), b = lo64(&cr->end);

	if (memcmp(cr->start.s6_addr, cr->end.s6_addr, 8) || a > b ||
	    b - a >= DHCP6_POOL_MAX_ADDRS)
		return -EINVAL;
	memcpy(r->hi, cr->start.s6_addr, 8);
	r->lo = a;
	r->size = (uint32_t)(b - a + 1);
	r->lease_secs = cr->lease_secs;
	r->by_off = malloc(sizeof(uint32_t) * r->size);
	r->fprev = malloc(sizeof(uint32_t) * r->size);
	r->fnext = malloc(sizeof(uint32_t) * r->size);
	p->n_r++;
	if (!r->by_off || !r->fprev || !r->fnext)
		return -ENOMEM;
	r->fhead = r->ftail = NIL;
	for (uint32_t o = 0; o < r->size; o++) {
		r->by_off[o] = NIL;
		free_push_tail(r, o);
	}
	return 0;
}

void dhcp6_pool_free(struct dhcp6_pool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_r; i++) {
		free(p->r[i].by_off);
		free(p->r[i].fprev);
		free(p->r[i].fnext);
	}
	free(p->host_ent);
	free(p->chg);
	free(p->gone);
	free(p->e);
	free(p->bucket);
	free(p);
}

struct dhcp6_pool *dhcp6_pool_new(const struct dhcp6_pool_config *cfg, dhcp6_event_cb cb,
				  void *ctx)
{
	struct dhcp6_pool *p;
	uint64_t total = 0;
	int r = 0;

	if (cfg->n_ranges > DHCP6_POOL_MAX_RANGES || cfg->n_hosts > DHCP6_POOL_MAX_HOSTS ||
	    !cfg->server_id.len) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->cfg = *cfg;
	p->cb = cb;
	p->ctx = ctx;
	for (size_t i = 0; i < cfg->n_ranges && !r; i++) {
		r = add_range(p, &cfg->ranges[i]);
		total += p->r[i].size;
	}
	for (size_t i = 0; i < p->n_r && !r; i++)
		for (size_t j = 0; j < i && !r; j++)
			if (!memcmp(p->r[i].hi, p->r[j].hi, 8) && p->r[i].lo < p->r[j].lo + p->r[j].size &&
			    p->r[j].lo < p->r[i].lo + p->r[i].size)
				r = -EINVAL; /* overlapping ranges */
	total += cfg->n_hosts + 1;
	if (total > DHCP6_POOL_MAX_LEASES)
		total = DHCP6_POOL_MAX_LEASES;
	p->n_e = (uint32_t)total;
	for (p->n_bucket = 16; p->n_bucket < p->n_e; p->n_bucket <<= 1)
		;
	p->e = calloc(p->n_e, sizeof(*p->e));
	p->bucket = malloc(sizeof(uint32_t) * p->n_bucket);
	p->host_ent = malloc(sizeof(uint32_t) * (cfg->n_hosts + 1));
	p->chg = malloc(sizeof(*p->chg) * p->n_e);
	p->gone = malloc(sizeof(*p->gone) * p->n_e);
	if (!r && (!p->e || !p->bucket || !p->host_ent || !p->chg || !p->gone))
		r = -ENOMEM;
	if (r) {
		dhcp6_pool_free(p);
		errno = -r;
		return NULL;
	}
	memset(p->bucket, 0xff, sizeof(uint32_t) * p->n_bucket);
	for (size_t i = 0; i <= cfg->n_hosts; i++)
		p->host_ent[i] = NIL;
	p->e_free = NIL;
	for (uint32_t i = p->n_e; i-- > 0;) {
		p->e[i].next = p->e_free;
		p->e_free = i;
	}
	return p;
}

/* ---- assignment ----------------------------------------------------------- */

/* The reservation for this client: by DUID, else by its FQDN name. */
static int host_for(const struct dhcp6_pool *p, const struct dhcp6_msg *m)
{
	for (size_t i = 0; i < p->cfg.n_hosts; i++)
		if (p->cfg.hosts[i].has_id && duid_eq(&p->cfg.hosts[i].id, &m->client))
			return (int)i;
	if (!m->hostname[0])
		return -1;
	for (size_t i = 0; i < p->cfg.n_hosts; i++)
		if (!p->cfg.hosts[i].has_id && p->cfg.hosts[i].name[0] &&
		    !strcasecmp(p->cfg.hosts[i].name, m->hostname))
			return (int)i;
	return -1;
}

static uint32_t lease_secs(const struct dhcp6_pool *p, const struct ent *x)
{
	uint32_t s = 0;

	if (x->host >= 0)
		s = p->cfg.hosts[x->host].lease_secs;
	if (!s && x->range >= 0)
		s = p->r[x->range].lease_secs;
	if (!s)
		s = p->cfg.lease_secs ? p->cfg.lease_secs : DHCP6_DEFAULT_LEASE;
	return s;
}

/* Take a slot holding the address for (client, ia): the reserved one, a
 * free one it asked for, or the free list's head. NIL if none. */
static uint32_t take(struct dhcp6_pool *p, const struct dhcp6_msg *m, const struct dhcp6_ia *ia,
		     int host)
{
	uint32_t i, off = 0;
	int ri = -1;

	if (host >= 0 && p->cfg.hosts[host].has_ip) {
		if (p->host_ent[host] != NIL) /* held under another IAID or name */
			return NIL;
		if ((i = ent_new(p)) == NIL)
			return NIL;
		p->e[i].host = host;
		p->e[i].l.ip = p->cfg.hosts[host].ip;
		p->host_ent[host] = i;
		return i;
	}
	for (unsigned k = 0; k < ia->n_addrs && ri < 0; k++) {
		ri = rng_of(p, &ia->addrs[k], &off);
		if (ri >= 0 && p->r[ri].by_off[off] != NIL)
			ri = -1;
	}
	if (ri < 0) {
		for (size_t k = 0; k < p->n_r && ri < 0; k++)
			if (p->r[k].fhead != NIL)
				ri = (int)k, off = p->r[k].fhead;
	}
	if (ri < 0 || (i = ent_new(p)) == NIL)
		return NIL;
	free_unlink(&p->r[ri], off);
	p->r[ri].by_off[off] = i;
	p->e[i].range = ri;
	p->e[i].off = off;
	p->e[i].host = host;
	p->e[i].l.ip = rng_addr(&p->r[ri], off);
	return i;
}

/* ---- the reply ------------------------------------------------------------ */

struct out {
	uint8_t *b;
	size_t cap, len;
	int bad;
};

static void put(struct out *o, const void *v, size_t n)
{
	if (o->len + n > o->cap) {
		o->bad = 1;
		return;
	}
	if (n) /* an empty option (rapid commit) has no value */
		memcpy(o->b + o->len, v, n);
	o->len += n;
}

static void put16(struct out *o, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(o, b, 2);
}

static void put32(struct out *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	put(o, b, 4);
}

static void opt(struct out *o, unsigned code, const void *v, size_t n)
{
	put16(o, code);
	put16(o, (unsigned)n);
	put(o, v, n);
}

/* Start an option whose length is known at its end. */
static size_t opt_open(struct out *o, unsigned code)
{
	size_t at = o->len;

	put16(o, code);
	put16(o, 0);
	return at;
}

static void opt_close(struct out *o, size_t at)
{
	size_t n = o->len - at - 4;

	if (!o->bad) {
		o->b[at + 2] = (uint8_t)(n >> 8);
		o->b[at + 3] = (uint8_t)n;
	}
}

static void status(struct out *o, enum dhcp6_status code, const char *msg)
{
	size_t at = opt_open(o, DHCP6_OPT_STATUS_CODE);

	put16(o, code);
	put(o, msg, strlen(msg));
	opt_close(o, at);
}

/* An IA_NA with its address (or a status instead). */
static void ia_out(struct out *o, uint32_t iaid, const struct in6_addr *a, uint32_t valid,
		   enum dhcp6_status st, const char *msg)
{
	size_t at = opt_open(o, DHCP6_OPT_IA_NA), aa;
	int inf = valid == DHCP6_LEASE_INFINITE;

	put32(o, iaid);
	put32(o, a ? (inf ? valid : valid / 2) : 0);
	put32(o, a ? (inf ? valid : valid / 5 * 4) : 0);
	if (a) {
		aa = opt_open(o, DHCP6_OPT_IAADDR);
		put(o, a, 16);
		put32(o, valid); /* preferred */
		put32(o, valid);
		opt_close(o, aa);
	} else {
		status(o, st, msg);
	}
	opt_close(o, at);
}

static void head(struct out *o, const struct dhcp6_pool *p, const struct dhcp6_msg *m,
		 unsigned type)
{
	uint8_t h[4] = { (uint8_t)type, (uint8_t)(m->xid >> 16), (uint8_t)(m->xid >> 8),
			 (uint8_t)m->xid };

	put(o, h, 4);
	opt(o, DHCP6_OPT_SERVERID, p->cfg.server_id.b, p->cfg.server_id.len);
	if (m->has_client)
		opt(o, DHCP6_OPT_CLIENTID, m->client.b, m->client.len);
}

/* DNS servers and the search domain (RFC 3646), in every answer. */
static void info(struct out *o, const struct dhcp6_pool *p)
{
	const char *d = p->cfg.domain;
	size_t at;

	if (!p->cfg.has_dns)
		return;
	opt(o, DHCP6_OPT_DNS_SERVERS, &p->cfg.dns, 16);
	if (!d[0])
		return;
	at = opt_open(o, DHCP6_OPT_DOMAIN_LIST);
	while (*d) {
		const char *dot = strchr(d, '.');
		size_t n = dot ? (size_t)(dot - d) : strlen(d);
		uint8_t l = (uint8_t)(n > 63 ? 63 : n);

		put(o, &l, 1);
		put(o, d, l);
		d += n + (dot ? 1 : 0);
	}
	put(o, "", 1);
	opt_close(o, at);
}

/* ---- the exchanges -------------------------------------------------------- */

void dhcp6_pool_forget_port(struct dhcp6_pool *p, uint32_t port)
{
	if (!port || !port_find(p, port))
		return;
	for (uint32_t i = 0; i < p->n_e; i++)
		if (p->e[i].used && p->e[i].port == port) {
			port_drop(p, port);
			p->e[i].port = 0;
		}
}

/* A message about binding x may come from where it is held (or from
 * where is not known). */
static int port_ok(const struct dhcp6_pool *p, const struct ent *x)
{
	return !p->from || !p->from->port || !x->port || x->port == p->from->port;
}

/* The message's port holds its share: no new binding for it. */
static int port_full(const struct dhcp6_pool *p)
{
	return p->from && p->from->port &&
	       dhcp6_pool_port_held(p, p->from->port) >= p->from->max_leases;
}

/* A binding of no known port (new, restored) becomes the message's port's. */
static void adopt(struct dhcp6_pool *p, struct ent *x)
{
	if (!x->port && p->from && p->from->port && !port_hold(p, p->from->port))
		x->port = p->from->port;
}

/* SOLICIT (offer = !commit), REQUEST, and RENEW/REBIND without a binding
 * (create_only_requested: the address the client has, if it is free). */
static void assign(struct dhcp6_pool *p, const struct dhcp6_msg *m, int64_t now, struct out *o,
		   int commit, int *dirty)
{
	unsigned n = m->n_ia < DHCP6_MAX_IA ? m->n_ia : DHCP6_MAX_IA;
	int host = host_for(p, m);

	for (unsigned k = 0; k < n; k++) {
		const struct dhcp6_ia *ia = &m->ia[k];
		uint32_t i = find(p, &m->client, ia->iaid), secs;
		struct ent *x;

		if (i != NIL && p->e[i].l.state == DHCP6_DECLINED)
			i = NIL;
		if (i != NIL && !port_ok(p, &p->e[i])) {
			p->c.wrong_port++;
			ia_out(o, ia->iaid, NULL, 0, DHCP6_NO_ADDRS_AVAIL, "held on another port");
			continue;
		}
		if (i == NIL && port_full(p)) {
			p->c.port_limit++;
			ia_out(o, ia->iaid, NULL, 0, DHCP6_NO_ADDRS_AVAIL, "port limit");
			continue;
		}
		if (i == NIL) {
			i = take(p, m, ia, host);
			if (i == NIL) {
				p->c.no_addrs++;
				ia_out(o, ia->iaid, NULL, 0, DHCP6_NO_ADDRS_AVAIL, "no addresses");
				continue;
			}
			x = &p->e[i];
			x->l.duid = m->client;
			x->l.iaid = ia->iaid;
			x->l.state = DHCP6_OFFERED;
			chain_add(p, i);
		}
		x = &p->e[i];
		pool_ent_changed(p, i);
		adopt(p, x);
		secs = lease_secs(p, x);
		if (m->hostname[0])
			memcpy(x->l.hostname, m->hostname, sizeof(x->l.hostname));
		if (commit) {
			x->l.state = DHCP6_BOUND;
			x->l.expires = secs == DHCP6_LEASE_INFINITE ? 0 : now + secs;
			*dirty = 1;
			emit(p, x, 1);
		} else if (x->l.state != DHCP6_BOUND) {
			x->l.state = DHCP6_OFFERED;
			x->l.expires = now + DHCP6_OFFER_HOLD;
		}
		ia_out(o, ia->iaid, &x->l.ip, secs, DHCP6_SUCCESS, "");
	}
}

/* RENEW, REBIND: extend what the client holds; a binding we lost (a
 * restored server) is made again for the address it has, if free. */
static void extend(struct dhcp6_pool *p, const struct dhcp6_msg *m, int64_t now, struct out *o,
		   int *dirty)
{
	unsigned n = m->n_ia < DHCP6_MAX_IA ? m->n_ia : DHCP6_MAX_IA;

	for (unsigned k = 0; k < n; k++) {
		const struct dhcp6_ia *ia = &m->ia[k];
		uint32_t i = find(p, &m->client, ia->iaid), off;
		struct dhcp6_msg one;

		if (i == NIL || p->e[i].l.state == DHCP6_DECLINED) {
			int ri = ia->n_addrs ? rng_of(p, &ia->addrs[0], &off) : -1;

			if (ri < 0 || p->r[ri].by_off[off] != NIL) {
				ia_out(o, ia->iaid, NULL, 0, DHCP6_NO_BINDING, "no binding");
				continue;
			}
		}
		one = *m;
		one.n_ia = 1;
		one.ia[0] = *ia;
		assign(p, &one, now, o, 1, dirty);
	}
}

/* RELEASE, DECLINE: the client gives its addresses back. */
static void give_back(struct dhcp6_pool *p, const struct dhcp6_msg *m, int64_t now, int decline,
		      int *dirty)
{
	unsigned n = m->n_ia < DHCP6_MAX_IA ? m->n_ia : DHCP6_MAX_IA;

	for (unsigned k = 0; k < n; k++) {
		uint32_t i = find(p, &m->client, m->ia[k].iaid);
		struct ent *x;

		if (i == NIL)
			continue;
		x = &p->e[i];
		if (!port_ok(p, x)) {
			p->c.wrong_port++;
			continue;
		}
		if (x->l.state == DHCP6_BOUND)
			emit(p, x, 0);
		*dirty = 1;
		if (!decline || x->range < 0) {
			ent_free(p, i);
			continue;
		}
		/* the address is in use by someone unknown: withhold it */
		p->c.declines++;
		chain_del(p, i);
		if (x->port)
			port_drop(p, x->port);
		x->port = 0;
		memset(&x->l.duid, 0, sizeof(x->l.duid));
		x->l.state = DHCP6_DECLINED;
		x->l.expires = now + DHCP6_QUARANTINE;
		x->l.hostname[0] = 0;
		pool_ent_changed(p, i);
	}
}

static int on_link(const struct dhcp6_pool *p, const struct in6_addr *a)
{
	for (size_t i = 0; i < p->n_r; i++)
		if (!memcmp(a->s6_addr, p->r[i].hi, 8))
			return 1;
	for (size_t i = 0; i < p->cfg.n_hosts; i++)
		if (p->cfg.hosts[i].has_ip && !memcmp(a->s6_addr, p->cfg.hosts[i].ip.s6_addr, 8))
			return 1;
	return 0;
}

/* RFC 8415 16: who must and must not name a server. */
static int acceptable(const struct dhcp6_pool *p, const struct dhcp6_msg *m)
{
	int ours = m->has_server && duid_eq(&m->server, &p->cfg.server_id);

	switch (m->type) {
	case DHCP6_SOLICIT:
	case DHCP6_REBIND:
	case DHCP6_CONFIRM:
		return m->has_client && !m->has_server;
	case DHCP6_REQUEST:
	case DHCP6_RENEW:
	case DHCP6_RELEASE:
	case DHCP6_DECLINE:
		return m->has_client && ours;
	case DHCP6_INFORMATION_REQUEST:
		return !m->has_server || ours;
	}
	return 0; /* server and relay messages */
}

size_t dhcp6_pool_handle_from(struct dhcp6_pool *p, const struct dhcp6_msg *m,
			      const struct dhcp6_origin *o, int64_t now, uint8_t *buf, size_t cap,
			      int *dirty)
{
	size_t n;

	p->from = o;
	n = dhcp6_pool_handle(p, m, now, buf, cap, dirty);
	p->from = NULL;
	return n;
}

size_t dhcp6_pool_handle(struct dhcp6_pool *p, const struct dhcp6_msg *m, int64_t now,
			 uint8_t *buf, size_t cap, int *dirty)
{
	struct out o = { buf, cap, 0, 0 };
	unsigned type = DHCP6_REPLY;

	*dirty = 0;
	p->c.rx[m->type <= DHCP6_TYPE_MAX ? m->type : 0]++;
	if (!acceptable(p, m)) {
		p->c.ignored++;
		return 0;
	}
	/* Expiry times are whole seconds: one sweep a second frees all a sweep
	 * before each message would (it was one pass over every entry per
	 * message: perfdhcp -6 got 70 exchanges/s from 65,536 addresses). */
	if (!p->swept || p->swept_at != now) {
		p->swept = 1;
		p->swept_at = now;
		dhcp6_pool_expire(p, now);
	}
	switch (m->type) {
	case DHCP6_SOLICIT: {
		int rapid = m->rapid_commit && p->cfg.rapid_commit;

		type = rapid ? DHCP6_REPLY : DHCP6_ADVERTISE;
		head(&o, p, m, type);
		if (rapid)
			opt(&o, DHCP6_OPT_RAPID_COMMIT, NULL, 0);
		if (!m->n_ia)
			status(&o, DHCP6_NO_ADDRS_AVAIL, "no IA_NA");
		assign(p, m, now, &o, rapid, dirty);
		break;
	}
	case DHCP6_REQUEST:
		head(&o, p, m, type);
		assign(p, m, now, &o, 1, dirty);
		break;
	case DHCP6_RENEW:
	case DHCP6_REBIND:
		head(&o, p, m, type);
		extend(p, m, now, &o, dirty);
		break;
	case DHCP6_RELEASE:
	case DHCP6_DECLINE:
		head(&o, p, m, type);
		give_back(p, m, now, m->type == DHCP6_DECLINE, dirty);
		status(&o, DHCP6_SUCCESS, "");
		break;
	case DHCP6_CONFIRM: {
		unsigned n = 0, ok = 1;

		for (unsigned k = 0; k < m->n_ia && k < DHCP6_MAX_IA; k++)
			for (unsigned j = 0; j < m->ia[k].n_addrs; j++, n++)
				ok &= (unsigned)on_link(p, &m->ia[k].addrs[j]);
		if (!n)
			return 0; /* nothing to confirm: no reply (RFC 8415 18.3.3) */
		head(&o, p, m, type);
		status(&o, ok ? DHCP6_SUCCESS : DHCP6_NOT_ON_LINK, ok ? "" : "not on link");
		break;
	}
	case DHCP6_INFORMATION_REQUEST:
		head(&o, p, m, type);
		break;
	}
	info(&o, p);
	if (o.bad)
		return 0;
	p->c.tx[type]++;
	return o.len;
}

int dhcp6_pool_expire(struct dhcp6_pool *p, int64_t now)
{
	int n = 0;

	for (uint32_t i = 0; i < p->n_e; i++) {
		struct ent *x = &p->e[i];

		if (!x->used || !x->l.expires || x->l.expires > now)
			continue;
		if (x->l.state == DHCP6_BOUND)
			emit(p, x, 0);
		ent_free(p, i);
		n++;
	}
	return n;
}

int dhcp6_pool_restore(struct dhcp6_pool *p, const struct dhcp6_lease *l, int64_t now)
{
	struct dhcp6_msg m = { 0 };
	struct dhcp6_ia ia = { .iaid = l->iaid, .n_addrs = 1 };
	uint32_t i, off;
	int ri, host = -1;

	if (l->expires && l->expires <= now)
		return 0;
	ri = rng_of(p, &l->ip, &off);
	if (l->state == DHCP6_DECLINED) {
		if (ri < 0 || p->r[ri].by_off[off] != NIL || (i = ent_new(p)) == NIL)
			return -EINVAL;
		free_unlink(&p->r[ri], off);
		p->r[ri].by_off[off] = i;
		p->e[i].range = ri;
		p->e[i].off = off;
		p->e[i].l = *l;
		return 0;
	}
	if (l->state != DHCP6_BOUND || !l->duid.len || find(p, &l->duid, l->iaid) != NIL)
		return -EINVAL;
	m.client = l->duid;
	m.has_client = 1;
	memcpy(m.hostname, l->hostname, sizeof(m.hostname));
	host = host_for(p, &m);
	if (ri < 0 && (host < 0 || !p->cfg.hosts[host].has_ip ||
		       memcmp(&p->cfg.hosts[host].ip, &l->ip, 16)))
		return -EINVAL;
	if (ri >= 0 && p->r[ri].by_off[off] != NIL)
		return -EINVAL;
	ia.addrs[0] = l->ip;
	i = take(p, &m, &ia, ri >= 0 ? -1 : host);
	if (i == NIL || memcmp(&p->e[i].l.ip, &l->ip, 16)) {
		if (i != NIL)
			ent_free(p, i);
		return -EINVAL;
	}
	p->e[i].l = *l;
	chain_add(p, i);
	emit(p, &p->e[i], 1);
	return 0;
}

const struct dhcp6_counters *dhcp6_pool_counters(const struct dhcp6_pool *p)
{
	return &p->c;
}
