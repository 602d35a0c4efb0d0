/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 2131 server behaviour over an address table indexed by offset in the
 * dynamic range. Clients are identified by chaddr (the anti-spoofing maps
 * are keyed by MAC too); the client identifier is only echoed. A MAC index
 * and a free-address bit set (lib/dhcp_index.h) keep each packet O(1);
 * replies are built in lib/dhcp_reply.c, listing is in dhcp_pool_list.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_pool_priv.h"
#include "dhcp_reply_priv.h"
#include "util/util.h"

static const uint8_t zero_mac[6];

static int in_subnet(const struct dhcp_pool *p, struct in_addr a)
{
	return (h(a) & p->mask) == (h(p->cfg.server_ip) & p->mask);
}

/* Index of a in the ranges, or -1 (at most DHCP_POOL_MAX_RANGES steps). */
static long idx_of(const struct dhcp_pool *p, struct in_addr a)
{
	for (size_t k = 0; k < p->n_r; k++) {
		uint32_t off = h(a) - p->r[k].start;

		if (off < p->r[k].n)
			return (long)(p->r[k].base + off);
	}
	return -1;
}

/* The host that mac is: by its MAC, or the by-name host it holds. */
static struct static_host *host_by_mac(const struct dhcp_pool *p, const uint8_t *mac)
{
	for (size_t i = 0; i < p->n_hosts; i++)
		if ((p->hosts[i].has_mac || p->hosts[i].claimed) && !memcmp(p->hosts[i].mac, mac, 6))
			return &p->hosts[i];
	return NULL;
}

/* The host a client's message is: by MAC, else a by-name host that its
 * option 12 names and no other client holds. */
static struct static_host *host_of(const struct dhcp_pool *p, const struct dhcp_msg *m)
{
	struct static_host *sh = host_by_mac(p, m->chaddr);

	if (sh || !m->hostname_len)
		return sh;
	for (size_t i = 0; i < p->n_hosts; i++) {
		struct static_host *x = &p->hosts[i];

		if (!x->has_mac && x->name[0] && !strcasecmp(x->name, m->hostname) &&
		    (!x->claimed || !x->bound))
			return x;
	}
	return NULL;
}

static struct static_host *with_ip(struct static_host *sh)
{
	return sh && sh->ip.s_addr ? sh : NULL;
}

/* A static host (one with an address) by MAC only, as RELEASE and the
 * port checks know a client. */
static struct static_host *static_by_mac(const struct dhcp_pool *p, const uint8_t *mac)
{
	return with_ip(host_by_mac(p, mac));
}

static struct static_host *static_by_ip(const struct dhcp_pool *p, struct in_addr a)
{
	for (size_t i = 0; i < p->n_hosts; i++)
		if (p->hosts[i].ip.s_addr && p->hosts[i].ip.s_addr == a.s_addr)
			return &p->hosts[i];
	return NULL;
}

/* The by-name host sh now belongs to mac (it is offered or acked to it). */
static void host_claim(struct static_host *sh, const uint8_t *mac)
{
	if (sh->has_mac)
		return;
	if (sh->claimed && memcmp(sh->mac, mac, 6)) {
		sh->bound = 0;
		sh->port = 0;
	}
	memcpy(sh->mac, mac, 6);
	sh->claimed = 1;
}

/* The lease time entry i (-1: a static host's address) gives to sh's client. */
static uint32_t lease_of(const struct dhcp_pool *p, long i, const struct static_host *sh)
{
	if (sh && sh->lease_secs)
		return sh->lease_secs;
	if (i >= 0 && slot_range(p, (uint32_t)i)->lease_secs)
		return slot_range(p, (uint32_t)i)->lease_secs;
	return p->cfg.lease_secs;
}

static int64_t until(int64_t now, uint32_t secs)
{
	return secs == DHCP_LEASE_INFINITE ? DHCP_NEVER : now + secs;
}

static void note_expiry(struct dhcp_pool *p, int64_t t)
{
	if (t == DHCP_NEVER)
		return;
	if (!p->next_expiry || t < p->next_expiry)
		p->next_expiry = t;
}

static void event(struct dhcp_pool *p, int bound, const uint8_t *mac, struct in_addr ip,
		  const char *name, int64_t expires, int is_static)
{
	struct dhcp_pool_event ev;

	dhcp_pool_make_event(&ev, bound, mac, ip, name, expires, is_static);
	ev.port = bound ? p->msg_port : 0;
	if (p->cb)
		p->cb(p->ctx, &ev);
}

static void entry_gone(struct dhcp_pool *p, long i)
{
	struct entry *e = &p->e[i];

	event(p, 0, e->mac, slot_ip(p, (uint32_t)i), e->hostname, e->expires, 0);
}

/* Entries with a MAC; FREE and DECLINED ones have an all-zero MAC. */
static int indexed(const struct entry *e)
{
	return e->state == E_OFFERED || e->state == E_BOUND || e->state == E_RELEASED;
}

/* Forget entry i: it becomes FREE. */
static void entry_clear(struct dhcp_pool *p, long i)
{
	pool_entry_changed(p, i);
	if (indexed(&p->e[i]))
		dhcp_index_del(&p->by_mac, (uint32_t)i);
	pool_entry_port(p, i, 0);
	memset(&p->e[i], 0, sizeof(p->e[i]));
	if (!dhcp_bitset_test(&p->static_set, (uint32_t)i))
		dhcp_bitset_set(&p->free_set, (uint32_t)i);
}

/* Give entry i to mac in state (OFFERED, BOUND or RELEASED). */
static void entry_own(struct dhcp_pool *p, long i, const uint8_t *mac, uint8_t state)
{
	struct entry *e = &p->e[i];
	int in = indexed(e);

	pool_entry_changed(p, i);
	if (in && memcmp(e->mac, mac, 6)) {
		dhcp_index_del(&p->by_mac, (uint32_t)i);
		in = 0;
	}
	dhcp_bitset_clear(&p->free_set, (uint32_t)i);
	memcpy(e->mac, mac, 6);
	e->state = state;
	if (!in)
		dhcp_index_add(&p->by_mac, (uint32_t)i);
}

/* Withhold entry i from everyone until expires. */
static void entry_quarantine(struct dhcp_pool *p, long i, int64_t expires)
{
	entry_clear(p, i);
	dhcp_bitset_clear(&p->free_set, (uint32_t)i);
	p->e[i].state = E_DECLINED;
	p->e[i].expires = expires;
}

/* Range s..e (host order) is servable: inside the subnet, not the network
 * or broadcast address, not containing the server. */
static int range_ok(uint32_t s, uint32_t e, uint32_t srv, uint32_t mask)
{
	return s <= e && (s & mask) == (srv & mask) && (e & mask) == (srv & mask) &&
	       !(srv >= s && srv <= e) && e - s < DHCP_POOL_MAX_ADDRS && (s & ~mask) != 0 &&
	       (e & ~mask) != ~mask;
}

/* Lay cfg's ranges out in p->r; 0 or -EINVAL (a bad or overlapping range,
 * more than DHCP_POOL_MAX_ADDRS addresses in all). */
static int layout_ranges(struct dhcp_pool *p, const struct dhcp_pool_config *cfg, uint32_t mask)
{
	struct dhcp_pool_range one = { cfg->start, cfg->end, 0 };
	const struct dhcp_pool_range *rs = cfg->n_ranges ? cfg->ranges : &one;
	size_t n = cfg->n_ranges ? cfg->n_ranges : cfg->start.s_addr ? 1 : 0;
	uint64_t total = 0;

	if (n > DHCP_POOL_MAX_RANGES)
		return -EINVAL;
	for (size_t k = 0; k < n; k++) {
		uint32_t s = h(rs[k].start), e = h(rs[k].end);

		if (!range_ok(s, e, h(cfg->server_ip), mask))
			return -EINVAL;
		for (size_t j = 0; j < k; j++)
			if (s <= p->r[j].start + p->r[j].n - 1 && e >= p->r[j].start)
				return -EINVAL;
		p->r[k] = (struct pool_range){ s, e - s + 1, (uint32_t)total, rs[k].lease_secs };
		total += e - s + 1;
	}
	if (total > DHCP_POOL_MAX_ADDRS)
		return -EINVAL;
	p->n_r = n;
	p->n = (uint32_t)total;
	return 0;
}

struct dhcp_pool *dhcp_pool_new(const struct dhcp_pool_config *cfg, dhcp_pool_event_cb cb,
				void *ctx)
{
	struct dhcp_pool *p;
	uint32_t mask, cap;

	if (cfg->prefix < 1 || cfg->prefix > 30 || cfg->n_opts > DHCP_MAX_RAW_OPTS) {
		errno = EINVAL;
		return NULL;
	}
	mask = ~0u << (32 - cfg->prefix);
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	if (layout_ranges(p, cfg, mask)) {
		free(p);
		errno = EINVAL;
		return NULL;
	}
	p->cfg = *cfg;
	if (!p->cfg.lease_secs)
		p->cfg.lease_secs = DHCP_DEFAULT_LEASE;
	if (!p->cfg.offer_hold_secs)
		p->cfg.offer_hold_secs = DHCP_DEFAULT_OFFER_HOLD;
	if (!p->cfg.quarantine_secs)
		p->cfg.quarantine_secs = DHCP_DEFAULT_QUARANTINE;
	if (!p->cfg.dns.s_addr)
		p->cfg.dns = cfg->server_ip;
	p->mask = mask;
	cap = p->n ? p->n : 1; /* hosts only: no entries, but valid indexes */
	p->e = calloc(cap, sizeof(*p->e));
	p->hosts = calloc(DHCP_POOL_MAX_STATIC, sizeof(*p->hosts));
	if (!p->e || !p->hosts || dhcp_index_init(&p->by_mac, cap, p->e[0].mac, sizeof(*p->e)) ||
	    dhcp_index_init_key(&p->by_port, cap, &p->e[0].port, sizeof(*p->e),
				sizeof(p->e[0].port)) ||
	    dhcp_bitset_init(&p->free_set, cap) || dhcp_bitset_init(&p->static_set, cap) ||
	    dhcp_bitset_init(&p->changed, cap) || dhcp_bitset_init(&p->on_file, cap) ||
	    !(p->chg = calloc(DHCP_JOURNAL_MAX, sizeof(*p->chg)))) {
		dhcp_pool_free(p);
		errno = ENOMEM;
		return NULL;
	}
	for (uint32_t i = 0; i < p->n; i++)
		dhcp_bitset_set(&p->free_set, i);
	p->cb = cb;
	p->ctx = ctx;
	return p;
}

void dhcp_pool_free(struct dhcp_pool *p)
{
	if (!p)
		return;
	dhcp_index_free(&p->by_mac);
	dhcp_index_free(&p->by_port);
	dhcp_bitset_free(&p->free_set);
	dhcp_bitset_free(&p->static_set);
	dhcp_bitset_free(&p->changed);
	dhcp_bitset_free(&p->on_file);
	free(p->chg);
	free(p->e);
	free(p->hosts);
	free(p);
}

struct dhcp_counters *dhcp_pool_counters(struct dhcp_pool *p)
{
	return &p->c;
}

/* Drop every dynamic association of mac except entry keep (-1: none). */
static void revoke_mac(struct dhcp_pool *p, const uint8_t *mac, long keep, int64_t now)
{
	long i = dhcp_index_first(&p->by_mac, mac), next;

	for (; i >= 0; i = next) {
		next = dhcp_index_next(&p->by_mac, (uint32_t)i);
		if (i == keep)
			continue;
		if (p->e[i].state == E_BOUND && p->e[i].expires > now)
			entry_gone(p, i);
		entry_clear(p, i);
	}
}

int dhcp_pool_add_static(struct dhcp_pool *p, const uint8_t mac[6], struct in_addr ip,
			 const char *name, int64_t now)
{
	struct dhcp_pool_host hh = { .has_mac = 1, .ip = ip };

	memcpy(hh.mac, mac, 6);
	if (name)
		snprintf(hh.name, sizeof(hh.name), "%s", name);
	if (!ip.s_addr)
		return -EINVAL;
	return dhcp_pool_add_host(p, &hh, now);
}

/* The host already known by hh's MAC or (for a host by name) name. */
static struct static_host *same_host(const struct dhcp_pool *p, const struct dhcp_pool_host *hh)
{
	for (size_t i = 0; i < p->n_hosts; i++) {
		struct static_host *x = &p->hosts[i];

		if (hh->has_mac ? x->has_mac && !memcmp(x->mac, hh->mac, 6) :
				  !x->has_mac && !strcasecmp(x->name, hh->name))
			return x;
	}
	return NULL;
}

int dhcp_pool_add_host(struct dhcp_pool *p, const struct dhcp_pool_host *hh, int64_t now)
{
	struct in_addr ip = hh->ip;
	struct static_host *sh = same_host(p, hh), *other = ip.s_addr ? static_by_ip(p, ip) : NULL;
	int named = hh->name[0] && lease_hostname_valid(hh->name, strnlen(hh->name, sizeof(hh->name)));
	long i = ip.s_addr ? idx_of(p, ip) : -1;

	if (ip.s_addr && (!in_subnet(p, ip) || ip.s_addr == p->cfg.server_ip.s_addr ||
			  (h(ip) & ~p->mask) == 0 || (h(ip) & ~p->mask) == ~p->mask))
		return -EINVAL;
	if (hh->has_mac ? !memcmp(hh->mac, zero_mac, 6) || (hh->mac[0] & 1) : !named)
		return -EINVAL;
	if (sh)
		return sh->ip.s_addr == ip.s_addr ? 0 : -EEXIST;
	if (other)
		return -EADDRINUSE;
	if (p->n_hosts == DHCP_POOL_MAX_STATIC)
		return -ENOSPC;
	sh = &p->hosts[p->n_hosts++];
	memset(sh, 0, sizeof(*sh));
	memcpy(sh->mac, hh->mac, 6);
	sh->has_mac = hh->has_mac;
	sh->ip = ip;
	sh->lease_secs = hh->lease_secs;
	if (named)
		snprintf(sh->name, sizeof(sh->name), "%s", hh->name);
	if (!ip.s_addr)
		return 0; /* a name and lease time only */
	/* The admin's pin wins over a dynamic lease: the holder is NAKed at
	 * its next renewal. */
	if (i >= 0) {
		dhcp_bitset_set(&p->static_set, (uint32_t)i);
		dhcp_bitset_clear(&p->free_set, (uint32_t)i);
	}
	if (i >= 0 && p->e[i].state != E_FREE) {
		if (p->e[i].state == E_BOUND && p->e[i].expires > now)
			entry_gone(p, i);
		entry_clear(p, i);
	}
	if (sh->has_mac)
		revoke_mac(p, sh->mac, -1, now);
	return 0;
}

int dhcp_pool_del_static(struct dhcp_pool *p, const uint8_t mac[6], int64_t now)
{
	struct static_host *sh = static_by_mac(p, mac);
	long i;

	(void)now;
	if (!sh)
		return -ENOENT;
	if (sh->bound)
		event(p, 0, sh->mac, sh->ip, sh->client_name, 0, 1);
	i = idx_of(p, sh->ip);
	if (i >= 0) {
		dhcp_bitset_clear(&p->static_set, (uint32_t)i);
		if (p->e[i].state == E_FREE)
			dhcp_bitset_set(&p->free_set, (uint32_t)i);
	}
	*sh = p->hosts[--p->n_hosts];
	return 0;
}

int dhcp_pool_restore(struct dhcp_pool *p, const struct lease_rec *r, int64_t now)
{
	long i = idx_of(p, r->ip), j;
	struct entry *e;
	uint8_t state;

	if (i < 0 || static_by_ip(p, r->ip))
		return -EINVAL;
	if (r->state != LEASE_DECLINED && (!memcmp(r->mac, zero_mac, 6) || static_by_mac(p, r->mac)))
		return -EINVAL;
	e = &p->e[i];
	if (e->state != E_FREE)
		return -EEXIST;
	j = r->state == LEASE_BOUND ? dhcp_index_first(&p->by_mac, r->mac) : -1;
	for (; j >= 0; j = dhcp_index_next(&p->by_mac, (uint32_t)j))
		if (p->e[j].state == E_BOUND)
			return -EEXIST;
	state = r->state == LEASE_BOUND ? E_BOUND :
		r->state == LEASE_RELEASED ? E_RELEASED : E_DECLINED;
	if (state == E_BOUND && r->expires <= now && r->expires != 0)
		state = E_RELEASED; /* expired while we were down (0: never expires) */
	if (state == E_DECLINED)
		entry_quarantine(p, i, r->expires);
	else
		entry_own(p, i, r->mac, state);
	e->expires = state == E_BOUND && r->expires == 0 ? DHCP_NEVER : r->expires;
	snprintf(e->hostname, sizeof(e->hostname), "%s", r->hostname);
	if (e->state == E_BOUND || e->state == E_DECLINED)
		note_expiry(p, e->expires);
	if (e->state == E_BOUND)
		event(p, 1, e->mac, r->ip, e->hostname, e->expires, 0);
	return 0;
}

int dhcp_pool_expire(struct dhcp_pool *p, int64_t now)
{
	int dirty = 0;

	if (!p->next_expiry || p->next_expiry > now)
		return 0;
	p->next_expiry = 0;
	for (uint32_t i = 0; i < p->n; i++) {
		struct entry *e = &p->e[i];

		if (e->state == E_FREE || e->state == E_RELEASED)
			continue;
		if (e->expires > now) {
			note_expiry(p, e->expires);
			continue;
		}
		if (e->state == E_BOUND) {
			entry_gone(p, i);
			dirty = 1;
		}
		if (e->state == E_DECLINED) {
			entry_clear(p, i);
			dirty = 1;
		} else {
			pool_entry_changed(p, i);
			e->state = E_RELEASED; /* remembered for the same client */
			pool_entry_port(p, i, 0);
		}
	}
	return dirty;
}

int64_t dhcp_pool_next_expiry(const struct dhcp_pool *p)
{
	return p->next_expiry;
}

/* ---- address choice -------------------------------------------------------- */

/* Whether entry i may be given to mac now. */
static int available(const struct dhcp_pool *p, long i, const uint8_t *mac, int64_t now)
{
	const struct entry *e = &p->e[i];

	if (dhcp_bitset_test(&p->static_set, (uint32_t)i))
		return 0;
	switch (e->state) {
	case E_FREE:
	case E_RELEASED:
		return 1;
	case E_OFFERED:
	case E_BOUND:
		return !memcmp(e->mac, mac, 6) || e->expires <= now;
	default:
		return e->expires <= now;
	}
}

/* The client's own entry (bound, offered or remembered), or -1. */
static long find_client(const struct dhcp_pool *p, const uint8_t *mac)
{
	long found = -1, i = dhcp_index_first(&p->by_mac, mac);

	for (; i >= 0; i = dhcp_index_next(&p->by_mac, (uint32_t)i)) {
		if (p->e[i].state != E_RELEASED)
			return i; /* a live binding beats a memory */
		found = i; /* the highest-numbered memory, as a full walk found */
	}
	return found;
}

/* A new address: never-used first, then the one released longest ago (so
 * a returning client most likely finds its old address still free). */
static long pick_new(const struct dhcp_pool *p, const uint8_t *mac, int64_t now)
{
	long best = dhcp_bitset_first(&p->free_set);

	if (best >= 0)
		return best; /* the lowest FREE entry, which is always available */
	/* Every address has been used: walk for the oldest released. */
	for (uint32_t i = 0; i < p->n; i++) {
		if (!available(p, i, mac, now))
			continue;
		if (p->e[i].state == E_FREE)
			return i;
		if (best < 0 || p->e[i].expires < p->e[best].expires)
			best = i;
	}
	return best;
}

/* RFC 2131 4.3.1: "The client's current address as recorded in the client's
 * current binding, ELSE the client's previous address as recorded in the
 * client's (now expired or released) binding, if that address is in the
 * server's pool of available addresses and not already allocated, ELSE the
 * address requested in the 'Requested IP Address' option, if that address
 * is valid and not already allocated, ELSE a new address allocated from the
 * server's pool of available addresses." */
static long choose_address(const struct dhcp_pool *p, const struct dhcp_msg *m, int64_t now)
{
	long i = find_client(p, m->chaddr);

	if (i >= 0 && available(p, i, m->chaddr, now))
		return i;
	if (m->has_req_ip) {
		i = idx_of(p, m->req_ip);
		if (i >= 0 && available(p, i, m->chaddr, now))
			return i;
	}
	return pick_new(p, m->chaddr, now);
}

/* The hostname a lease carries: the admin's name, else a valid client one. */
static void client_name(const struct dhcp_msg *m, const struct static_host *sh, char *out)
{
	out[0] = '\0';
	if (sh && sh->name[0])
		snprintf(out, DHCP_HOSTNAME_MAX, "%s", sh->name);
	else if (lease_hostname_valid(m->hostname, m->hostname_len))
		snprintf(out, DHCP_HOSTNAME_MAX, "%s", m->hostname);
}

/* ---- message handlers ------------------------------------------------------- */

static void on_discover(struct dhcp_pool *p, const struct dhcp_msg *m, int64_t now,
			struct dhcp_result *res)
{
	struct static_host *host = host_of(p, m), *sh = with_ip(host);
	char name[DHCP_HOSTNAME_MAX];
	struct entry *e;
	long i;

	client_name(m, host, name);
	if (sh) {
		res->what = "offer static";
		host_claim(sh, m->chaddr);
		dhcp_reply_config(&p->cfg, p->mask, m, DHCPOFFER, sh->ip, lease_of(p, -1, sh), name,
				  res);
		return;
	}
	if (!p->n) {
		p->c.ignored++;
		res->what = "no range, not a host";
		return;
	}
	i = choose_address(p, m, now);
	if (i < 0) {
		p->c.pool_exhausted++;
		res->what = "pool exhausted";
		return;
	}
	/* Drop any other memory of this client so it owns one entry only. */
	e = &p->e[i];
	if (e->state != E_BOUND || memcmp(e->mac, m->chaddr, 6)) {
		int same = !memcmp(e->mac, m->chaddr, 6);

		revoke_mac(p, m->chaddr, i, now);
		entry_own(p, i, m->chaddr, E_OFFERED);
		e->expires = now + p->cfg.offer_hold_secs;
		if (name[0] || !same)
			snprintf(e->hostname, sizeof(e->hostname), "%s", name);
		note_expiry(p, e->expires);
	}
	pool_entry_port(p, i, p->msg_port);
	res->what = "offer";
	dhcp_reply_config(&p->cfg, p->mask, m, DHCPOFFER, slot_ip(p, (uint32_t)i),
			  lease_of(p, i, host), name, res);
}

static void ack_static(struct dhcp_pool *p, const struct dhcp_msg *m, struct static_host *sh,
		       struct dhcp_result *res)
{
	char name[DHCP_HOSTNAME_MAX];

	client_name(m, sh, name);
	host_claim(sh, m->chaddr);
	sh->bound = 1;
	sh->port = p->msg_port;
	snprintf(sh->client_name, sizeof(sh->client_name), "%s", name);
	event(p, 1, sh->mac, sh->ip, name, 0, 1);
	dhcp_reply_config(&p->cfg, p->mask, m, DHCPACK, sh->ip, lease_of(p, -1, sh), name, res);
	res->reply.ciaddr = m->ciaddr;
}

/* Bind ip to the sender if it may have it, else NAK. */
static void ack_or_nak(struct dhcp_pool *p, const struct dhcp_msg *m, struct in_addr ip,
		       int64_t now, struct dhcp_result *res)
{
	struct static_host *host = host_of(p, m), *sh = with_ip(host);
	long own = find_client(p, m->chaddr), i = idx_of(p, ip);
	char name[DHCP_HOSTNAME_MAX];
	struct entry *e;
	uint32_t secs;

	if (sh) {
		if (sh->ip.s_addr == ip.s_addr) {
			ack_static(p, m, sh, res);
			return;
		}
		dhcp_reply_nak(&p->cfg, m, "address reserved for another client", res);
		return;
	}
	if (i < 0 || !available(p, i, m->chaddr, now)) {
		dhcp_reply_nak(&p->cfg, m, "address not available", res);
		return;
	}
	/* A client holding a live offer or lease elsewhere asks for the wrong one. */
	if (own >= 0 && own != i && p->e[own].state != E_RELEASED && p->e[own].expires > now) {
		dhcp_reply_nak(&p->cfg, m, "address not yours", res);
		return;
	}
	if (own >= 0 && own != i)
		entry_clear(p, own);
	client_name(m, host, name);
	e = &p->e[i];
	if (!name[0] && own == i) /* named in its DISCOVER only */
		snprintf(name, sizeof(name), "%s", e->hostname);
	entry_own(p, i, m->chaddr, E_BOUND);
	pool_entry_port(p, i, p->msg_port);
	secs = lease_of(p, i, host);
	e->expires = until(now, secs);
	snprintf(e->hostname, sizeof(e->hostname), "%s", name);
	note_expiry(p, e->expires);
	res->dirty = 1;
	event(p, 1, e->mac, ip, name, e->expires, 0);
	dhcp_reply_config(&p->cfg, p->mask, m, DHCPACK, ip, secs, name, res);
	res->reply.ciaddr = m->ciaddr;
}

static int has_record(const struct dhcp_pool *p, const uint8_t *mac)
{
	return static_by_mac(p, mac) || find_client(p, mac) >= 0;
}

static void on_request(struct dhcp_pool *p, const struct dhcp_msg *m, int unicast, int64_t now,
		       struct dhcp_result *res)
{
	if (m->has_server_id) {
		/* SELECTING: "Client inserts the address of the selected server
		 * in 'server identifier'". Another server chosen: free our offer. */
		long i = find_client(p, m->chaddr);

		if (m->server_id.s_addr != p->cfg.server_ip.s_addr) {
			if (i >= 0 && p->e[i].state == E_OFFERED) {
				pool_entry_changed(p, i);
				p->e[i].state = E_RELEASED;
				pool_entry_port(p, i, 0);
			}
			p->c.ignored++;
			res->what = "selected another server";
			return;
		}
		res->what = "selecting";
		if (!m->has_req_ip && !m->ciaddr.s_addr) {
			p->c.bad_packets++;
			return;
		}
		ack_or_nak(p, m, m->has_req_ip ? m->req_ip : m->ciaddr, now, res);
		return;
	}
	if (m->ciaddr.s_addr) {
		/* RENEWING (unicast) / REBINDING (broadcast): "'ciaddr' MUST be
		 * filled in with client's IP address." */
		res->what = unicast ? "renewing" : "rebinding";
		if (!in_subnet(p, m->ciaddr)) {
			dhcp_reply_nak(&p->cfg, m, "wrong network", res);
			return;
		}
		ack_or_nak(p, m, m->ciaddr, now, res);
		return;
	}
	if (!m->has_req_ip) {
		p->c.bad_packets++;
		res->what = "request without address";
		return;
	}
	/* INIT-REBOOT: "Server SHOULD send a DHCPNAK message to the client if
	 * the 'requested IP address' is incorrect, or is on the wrong network.
	 * [...] If the DHCP server has no record of this client, then it MUST
	 * remain silent". */
	res->what = "init-reboot";
	if (!in_subnet(p, m->req_ip)) {
		dhcp_reply_nak(&p->cfg, m, "wrong network", res);
		return;
	}
	if (!has_record(p, m->chaddr)) {
		p->c.ignored++;
		res->what = "init-reboot, no record";
		return;
	}
	ack_or_nak(p, m, m->req_ip, now, res);
}

static int other_server(const struct dhcp_pool *p, const struct dhcp_msg *m)
{
	return m->has_server_id && m->server_id.s_addr != p->cfg.server_ip.s_addr;
}

/* RFC 2131 4.3.3: "If the server receives a DHCPDECLINE message, the client
 * has discovered through some other means that the suggested network
 * address is already in use. The server MUST mark the network address as
 * not available". Only the client we gave the address to can decline it,
 * so a guest cannot quarantine its neighbours' addresses. */
static void on_decline(struct dhcp_pool *p, const struct dhcp_msg *m, int64_t now,
		       struct dhcp_result *res)
{
	long i = m->has_req_ip ? idx_of(p, m->req_ip) : -1;
	struct entry *e = i >= 0 ? &p->e[i] : NULL;

	res->what = "decline";
	if (other_server(p, m)) {
		p->c.ignored++;
		return;
	}
	if (!e || (e->state != E_OFFERED && e->state != E_BOUND) || memcmp(e->mac, m->chaddr, 6)) {
		p->c.release_ignored++;
		res->what = "decline of an address not held";
		return;
	}
	p->c.declines++;
	if (e->state == E_BOUND && e->expires > now)
		entry_gone(p, i);
	entry_quarantine(p, i, now + p->cfg.quarantine_secs);
	note_expiry(p, e->expires);
	res->dirty = 1;
}

/* RFC 2131 4.3.4: "Upon receipt of a DHCPRELEASE message, the server marks
 * the network address as not allocated. The server SHOULD retain a record
 * of the client's initialization parameters for possible reuse in response
 * to subsequent requests from the client." */
static void on_release(struct dhcp_pool *p, const struct dhcp_msg *m, int64_t now,
		       struct dhcp_result *res)
{
	struct static_host *sh = static_by_mac(p, m->chaddr);
	long i = idx_of(p, m->ciaddr);
	struct entry *e = i >= 0 ? &p->e[i] : NULL;

	res->what = "release";
	if (other_server(p, m)) {
		p->c.ignored++;
		return;
	}
	if (sh && sh->ip.s_addr == m->ciaddr.s_addr) {
		if (sh->bound)
			event(p, 0, sh->mac, sh->ip, sh->client_name, 0, 1);
		sh->bound = 0;
		sh->port = 0;
		sh->claimed = 0;
		return;
	}
	if (!e || e->state != E_BOUND || memcmp(e->mac, m->chaddr, 6)) {
		p->c.release_ignored++;
		res->what = "release of a lease not held";
		return;
	}
	if (e->expires > now)
		entry_gone(p, i);
	pool_entry_changed(p, i);
	e->state = E_RELEASED;
	pool_entry_port(p, i, 0);
	e->expires = now;
	res->dirty = 1;
}

/* RFC 2131 4.3.5: "The server responds to a DHCPINFORM message by sending a
 * DHCPACK message directly to the address given in the 'ciaddr' field of
 * the DHCPINFORM message. The server MUST NOT send a lease expiration time
 * to the client and SHOULD NOT fill in 'yiaddr'." */
static void on_inform(struct dhcp_pool *p, const struct dhcp_msg *m, struct dhcp_result *res)
{
	struct static_host *sh = host_of(p, m);
	char name[DHCP_HOSTNAME_MAX];
	struct in_addr none = { 0 };

	res->what = "inform";
	if (m->ciaddr.s_addr && !in_subnet(p, m->ciaddr)) {
		p->c.ignored++;
		return;
	}
	client_name(m, sh, name);
	dhcp_reply_config(&p->cfg, p->mask, m, DHCPACK, none, 0, name, res);
	res->reply.ciaddr = m->ciaddr;
}

/* Sanity checks a server applies before any state machine. */
static int acceptable(struct dhcp_pool *p, const struct dhcp_msg *m)
{
	if (m->op != BOOTREQUEST || m->htype != 1 || m->hlen != 6 || !m->type ||
	    m->type > DHCP_TYPE_MAX || (m->chaddr[0] & 1) || !memcmp(m->chaddr, zero_mac, 6))
		return 0;
	/* Relayed: only from a relay on our own subnet (one subnet per network). */
	if (m->giaddr.s_addr && !in_subnet(p, m->giaddr))
		return 0;
	return 1;
}

/* The port that holds mac's offer or lease (0: none, or not known). */
static uint32_t holder_port(const struct dhcp_pool *p, const uint8_t *mac)
{
	const struct static_host *sh = static_by_mac(p, mac);
	long i;

	if (sh)
		return sh->bound ? sh->port : 0;
	i = find_client(p, mac);
	return i >= 0 && p->e[i].state != E_RELEASED ? p->e[i].port : 0;
}

/* Not RFC 2131: a server that hears every guest port on one socket. A
 * client's offer and lease belong to the port they were made on, so a
 * message for it from another port is not the client's (it would move or
 * end another guest's lease); a port may take at most o->max_macs clients
 * in offers and leases (one guest, one MAC), so one port cannot drain
 * the pool. INFORM takes nothing and goes by. */
static int port_refused(struct dhcp_pool *p, const struct dhcp_msg *m,
			const struct dhcp_origin *o, struct dhcp_result *res)
{
	uint32_t held = holder_port(p, m->chaddr);

	if (!o || !o->port || m->type == DHCPINFORM)
		return 0;
	if (held && held != o->port) {
		p->c.wrong_port++;
		res->what = "client held on another port";
		return 1;
	}
	if (held || !o->max_macs || (m->type != DHCPDISCOVER && m->type != DHCPREQUEST) ||
	    pool_port_macs(p, o->port, m->chaddr) < o->max_macs)
		return 0;
	p->c.port_limit++;
	res->what = "port holds its limit of clients";
	return 1;
}

static void dispatch(struct dhcp_pool *p, const struct dhcp_msg *m, int unicast, int64_t now,
		     struct dhcp_result *res)
{
	switch (m->type) {
	case DHCPDISCOVER:
		on_discover(p, m, now, res);
		break;
	case DHCPREQUEST:
		on_request(p, m, unicast, now, res);
		break;
	case DHCPDECLINE:
		on_decline(p, m, now, res);
		break;
	case DHCPRELEASE:
		on_release(p, m, now, res);
		break;
	case DHCPINFORM:
		on_inform(p, m, res);
		break;
	default: /* a server message from a client port: rogue or looped */
		p->c.bad_packets++;
		res->what = "server message type";
		break;
	}
}

int dhcp_pool_handle_from(struct dhcp_pool *p, const struct dhcp_msg *m,
			  const struct dhcp_origin *o, int unicast, int64_t now,
			  struct dhcp_result *res)
{
	memset(res, 0, sizeof(*res));
	res->what = "ignored";
	if (!acceptable(p, m)) {
		p->c.bad_packets++;
		res->what = "invalid for a server";
		return 0;
	}
	p->c.rx[m->type]++;
	res->dirty = dhcp_pool_expire(p, now);
	if (port_refused(p, m, o, res))
		return 0;
	p->msg_port = o ? o->port : 0;
	dispatch(p, m, unicast, now, res);
	p->msg_port = 0;
	if (res->has_reply)
		dhcp_reply_dest(m, res);
	return 0;
}

int dhcp_pool_handle(struct dhcp_pool *p, const struct dhcp_msg *m, int unicast, int64_t now,
		     struct dhcp_result *res)
{
	return dhcp_pool_handle_from(p, m, NULL, unicast, now, res);
}
