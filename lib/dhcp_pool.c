/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 2131 server behaviour over an address table indexed by offset in the
 * dynamic range. Clients are identified by chaddr (the anti-spoofing maps
 * are keyed by MAC too); the client identifier is only echoed. */
#include "dhcp_pool.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

enum entry_state {
	E_FREE = 0,	/* never used, or forgotten */
	E_OFFERED,	/* reserved for mac until expires */
	E_BOUND,	/* leased to mac until expires */
	E_RELEASED,	/* free, remembered for mac */
	E_DECLINED,	/* quarantined until expires */
};

struct entry {
	uint8_t mac[6];
	uint8_t state;
	int64_t expires;
	char hostname[DHCP_HOSTNAME_MAX];
};

struct static_host {
	uint8_t mac[6];
	struct in_addr ip;
	char name[DHCP_HOSTNAME_MAX];
	int bound; /* acked at least once: listed as active */
	char client_name[DHCP_HOSTNAME_MAX];
};

struct dhcp_pool {
	struct dhcp_pool_config cfg;
	uint32_t mask;		/* host order */
	uint32_t start, n;	/* host order first address, range size */
	struct entry *e;
	struct static_host *hosts;
	size_t n_hosts;
	int64_t next_expiry;
	dhcp_pool_event_cb cb;
	void *ctx;
	struct dhcp_counters c;
};

static const uint8_t zero_mac[6];

static uint32_t h(struct in_addr a)
{
	return ntohl(a.s_addr);
}

static struct in_addr addr(uint32_t host)
{
	struct in_addr a = { htonl(host) };

	return a;
}

static int in_subnet(const struct dhcp_pool *p, struct in_addr a)
{
	return (h(a) & p->mask) == (h(p->cfg.server_ip) & p->mask);
}

/* Index of a in the range, or -1. */
static long idx_of(const struct dhcp_pool *p, struct in_addr a)
{
	uint32_t off = h(a) - p->start;

	return off < p->n ? (long)off : -1;
}

static struct static_host *static_by_mac(const struct dhcp_pool *p, const uint8_t *mac)
{
	for (size_t i = 0; i < p->n_hosts; i++)
		if (!memcmp(p->hosts[i].mac, mac, 6))
			return &p->hosts[i];
	return NULL;
}

static struct static_host *static_by_ip(const struct dhcp_pool *p, struct in_addr a)
{
	for (size_t i = 0; i < p->n_hosts; i++)
		if (p->hosts[i].ip.s_addr == a.s_addr)
			return &p->hosts[i];
	return NULL;
}

static void note_expiry(struct dhcp_pool *p, int64_t t)
{
	if (!p->next_expiry || t < p->next_expiry)
		p->next_expiry = t;
}

static void make_event(struct dhcp_pool_event *ev, int bound, const uint8_t *mac,
		       struct in_addr ip, const char *name, int64_t expires, int is_static)
{
	memset(ev, 0, sizeof(*ev));
	ev->bound = bound;
	memcpy(ev->mac, mac, 6);
	ev->ip = ip;
	snprintf(ev->hostname, sizeof(ev->hostname), "%s", name);
	ev->expires = expires;
	ev->is_static = is_static;
}

static void event(struct dhcp_pool *p, int bound, const uint8_t *mac, struct in_addr ip,
		  const char *name, int64_t expires, int is_static)
{
	struct dhcp_pool_event ev;

	make_event(&ev, bound, mac, ip, name, expires, is_static);
	if (p->cb)
		p->cb(p->ctx, &ev);
}

static void entry_gone(struct dhcp_pool *p, long i)
{
	struct entry *e = &p->e[i];

	event(p, 0, e->mac, addr(p->start + (uint32_t)i), e->hostname, e->expires, 0);
}

struct dhcp_pool *dhcp_pool_new(const struct dhcp_pool_config *cfg, dhcp_pool_event_cb cb,
				void *ctx)
{
	struct dhcp_pool *p;
	uint32_t mask, s = h(cfg->start), e = h(cfg->end), srv = h(cfg->server_ip);

	if (cfg->prefix < 1 || cfg->prefix > 30) {
		errno = EINVAL;
		return NULL;
	}
	mask = ~0u << (32 - cfg->prefix);
	if (s > e || (s & mask) != (srv & mask) || (e & mask) != (srv & mask) ||
	    (srv >= s && srv <= e) || e - s >= DHCP_POOL_MAX_ADDRS || (s & ~mask) == 0 ||
	    (e & ~mask) == ~mask) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
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
	p->start = s;
	p->n = e - s + 1;
	p->e = calloc(p->n, sizeof(*p->e));
	p->hosts = calloc(DHCP_POOL_MAX_STATIC, sizeof(*p->hosts));
	if (!p->e || !p->hosts) {
		dhcp_pool_free(p);
		errno = ENOMEM;
		return NULL;
	}
	p->cb = cb;
	p->ctx = ctx;
	return p;
}

void dhcp_pool_free(struct dhcp_pool *p)
{
	if (!p)
		return;
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
	for (uint32_t i = 0; i < p->n; i++) {
		struct entry *e = &p->e[i];

		if ((long)i == keep || e->state == E_FREE || e->state == E_DECLINED || memcmp(e->mac, mac, 6))
			continue;
		if (e->state == E_BOUND && e->expires > now)
			entry_gone(p, i);
		memset(e, 0, sizeof(*e));
	}
}

int dhcp_pool_add_static(struct dhcp_pool *p, const uint8_t mac[6], struct in_addr ip,
			 const char *name, int64_t now)
{
	struct static_host *sh = static_by_mac(p, mac), *other = static_by_ip(p, ip);
	long i = idx_of(p, ip);

	if (!in_subnet(p, ip) || ip.s_addr == p->cfg.server_ip.s_addr || !memcmp(mac, zero_mac, 6) ||
	    (h(ip) & ~p->mask) == 0 || (h(ip) & ~p->mask) == ~p->mask)
		return -EINVAL;
	if (sh)
		return sh->ip.s_addr == ip.s_addr ? 0 : -EEXIST;
	if (other)
		return -EADDRINUSE;
	if (p->n_hosts == DHCP_POOL_MAX_STATIC)
		return -ENOSPC;
	sh = &p->hosts[p->n_hosts++];
	memset(sh, 0, sizeof(*sh));
	memcpy(sh->mac, mac, 6);
	sh->ip = ip;
	if (name && lease_hostname_valid(name, strlen(name)))
		snprintf(sh->name, sizeof(sh->name), "%s", name);
	/* The admin's pin wins over a dynamic lease: the holder is NAKed at
	 * its next renewal. */
	if (i >= 0 && p->e[i].state != E_FREE) {
		if (p->e[i].state == E_BOUND && p->e[i].expires > now)
			entry_gone(p, i);
		memset(&p->e[i], 0, sizeof(p->e[i]));
	}
	revoke_mac(p, mac, -1, now);
	return 0;
}

int dhcp_pool_restore(struct dhcp_pool *p, const struct lease_rec *r, int64_t now)
{
	long i = idx_of(p, r->ip);
	struct entry *e;

	if (i < 0 || static_by_ip(p, r->ip))
		return -EINVAL;
	if (r->state != LEASE_DECLINED && (!memcmp(r->mac, zero_mac, 6) || static_by_mac(p, r->mac)))
		return -EINVAL;
	e = &p->e[i];
	if (e->state != E_FREE)
		return -EEXIST;
	for (uint32_t j = 0; r->state == LEASE_BOUND && j < p->n; j++)
		if (p->e[j].state == E_BOUND && !memcmp(p->e[j].mac, r->mac, 6))
			return -EEXIST;
	memcpy(e->mac, r->state == LEASE_DECLINED ? zero_mac : r->mac, 6);
	e->expires = r->expires;
	snprintf(e->hostname, sizeof(e->hostname), "%s", r->hostname);
	e->state = r->state == LEASE_BOUND ? E_BOUND :
		   r->state == LEASE_RELEASED ? E_RELEASED : E_DECLINED;
	if (e->state == E_BOUND && e->expires <= now)
		e->state = E_RELEASED; /* expired while we were down */
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
			memset(e, 0, sizeof(*e));
			dirty = 1;
		} else {
			e->state = E_RELEASED; /* remembered for the same client */
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

	if (static_by_ip(p, addr(p->start + (uint32_t)i)))
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
	long found = -1;

	for (uint32_t i = 0; i < p->n; i++) {
		const struct entry *e = &p->e[i];

		if (e->state == E_FREE || e->state == E_DECLINED || memcmp(e->mac, mac, 6))
			continue;
		if (e->state != E_RELEASED)
			return i; /* a live binding beats a memory */
		found = i;
	}
	return found;
}

/* A new address: never-used first, then the one released longest ago (so
 * a returning client most likely finds its old address still free). */
static long pick_new(const struct dhcp_pool *p, const uint8_t *mac, int64_t now)
{
	long best = -1;

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

/* ---- replies ---------------------------------------------------------------- */

static void reply_base(const struct dhcp_pool *p, const struct dhcp_msg *m, uint8_t type,
		       struct dhcp_result *res)
{
	struct dhcp_reply *r = &res->reply;

	memset(r, 0, sizeof(*r));
	res->has_reply = 1;
	r->type = type;
	r->xid = m->xid;
	r->flags = m->flags & DHCP_BROADCAST_FLAG;
	r->htype = m->htype;
	r->hlen = m->hlen;
	r->giaddr = m->giaddr;
	memcpy(r->chaddr, m->chaddr, sizeof(r->chaddr));
	r->server_id = p->cfg.server_ip;
	memcpy(r->prl, m->prl, m->prl_len);
	r->prl_len = m->prl_len;
	/* RFC 6842: "the server MUST include the client identifier in its
	 * response" when the client sent one. */
	memcpy(r->client_id, m->client_id, m->client_id_len);
	r->client_id_len = m->client_id_len;
}

static int prl_has(const struct dhcp_msg *m, uint8_t code)
{
	return memchr(m->prl, code, m->prl_len) != NULL;
}

/* OFFER or ACK carrying an address (yiaddr) or, for INFORM, none. */
static void reply_config(const struct dhcp_pool *p, const struct dhcp_msg *m, uint8_t type,
			 struct in_addr yiaddr, const char *hostname, struct dhcp_result *res)
{
	struct dhcp_reply *r = &res->reply;

	reply_base(p, m, type, res);
	r->yiaddr = yiaddr;
	r->has_netcfg = 1;
	r->mask.s_addr = htonl(p->mask);
	r->router = p->cfg.server_ip;
	r->dns = p->cfg.dns;
	snprintf(r->domain, sizeof(r->domain), "%s", p->cfg.domain);
	r->mtu = p->cfg.mtu >= 68 && p->cfg.mtu <= 65535 ? (uint16_t)p->cfg.mtu : 0;
	if (yiaddr.s_addr) {
		/* RFC 2131 4.4.5: "T1 defaults to (0.5 * duration_of_lease). T2
		 * defaults to (0.875 * duration_of_lease)." */
		r->has_lease = 1;
		r->lease_secs = p->cfg.lease_secs;
		r->t1_secs = p->cfg.lease_secs / 2;
		r->t2_secs = (uint32_t)((uint64_t)p->cfg.lease_secs * 7 / 8);
	}
	if (hostname && hostname[0] && (m->hostname_len || prl_has(m, OPT_HOSTNAME)))
		snprintf(r->hostname, sizeof(r->hostname), "%s", hostname);
}

static void reply_nak(struct dhcp_pool *p, const struct dhcp_msg *m, const char *why,
		      struct dhcp_result *res)
{
	reply_base(p, m, DHCPNAK, res);
	res->reply.prl_len = 0;
	snprintf(res->reply.message, sizeof(res->reply.message), "%s", why);
	/* RFC 2131 4.3.2: "If 'giaddr' is set in the DHCPREQUEST message, the
	 * client is on a different subnet. The server MUST set the broadcast
	 * bit in the DHCPNAK, so that the relay agent will broadcast the
	 * DHCPNAK to the client". */
	if (m->giaddr.s_addr)
		res->reply.flags |= DHCP_BROADCAST_FLAG;
}

/* RFC 2131 4.1: "If the 'giaddr' field in a DHCP message from a client is
 * non-zero, the server sends any return messages to the 'DHCP server' port
 * on the BOOTP relay agent whose address appears in 'giaddr'. If the
 * 'giaddr' field is zero and the 'ciaddr' field is nonzero, then the server
 * unicasts DHCPOFFER and DHCPACK messages to the address in 'ciaddr'. [...]
 * In all cases, when 'giaddr' is zero, the server broadcasts any DHCPNAK
 * messages to 0xffffffff." A client without an address gets a broadcast
 * too: unicasting to chaddr/yiaddr would need an ARP entry injected. */
static void set_dest(const struct dhcp_msg *m, struct dhcp_result *res)
{
	if (m->giaddr.s_addr) {
		res->dest = DHCP_DEST_RELAY;
		res->dest_ip = m->giaddr;
	} else if (res->reply.type != DHCPNAK && m->ciaddr.s_addr) {
		res->dest = DHCP_DEST_CIADDR;
		res->dest_ip = m->ciaddr;
	} else {
		res->dest = DHCP_DEST_BROADCAST;
		res->dest_ip.s_addr = INADDR_BROADCAST;
	}
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
	struct static_host *sh = static_by_mac(p, m->chaddr);
	char name[DHCP_HOSTNAME_MAX];
	struct entry *e;
	long i;

	client_name(m, sh, name);
	if (sh) {
		res->what = "offer static";
		reply_config(p, m, DHCPOFFER, sh->ip, name, res);
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
		memcpy(e->mac, m->chaddr, 6);
		e->state = E_OFFERED;
		e->expires = now + p->cfg.offer_hold_secs;
		if (name[0] || !same)
			snprintf(e->hostname, sizeof(e->hostname), "%s", name);
		note_expiry(p, e->expires);
	}
	res->what = "offer";
	reply_config(p, m, DHCPOFFER, addr(p->start + (uint32_t)i), name, res);
}

static void ack_static(struct dhcp_pool *p, const struct dhcp_msg *m, struct static_host *sh,
		       struct dhcp_result *res)
{
	char name[DHCP_HOSTNAME_MAX];

	client_name(m, sh, name);
	sh->bound = 1;
	snprintf(sh->client_name, sizeof(sh->client_name), "%s", name);
	event(p, 1, sh->mac, sh->ip, name, 0, 1);
	reply_config(p, m, DHCPACK, sh->ip, name, res);
	res->reply.ciaddr = m->ciaddr;
}

/* Bind ip to the sender if it may have it, else NAK. */
static void ack_or_nak(struct dhcp_pool *p, const struct dhcp_msg *m, struct in_addr ip,
		       int64_t now, struct dhcp_result *res)
{
	struct static_host *sh = static_by_mac(p, m->chaddr);
	long own = find_client(p, m->chaddr), i = idx_of(p, ip);
	char name[DHCP_HOSTNAME_MAX];
	struct entry *e;

	if (sh) {
		if (sh->ip.s_addr == ip.s_addr) {
			ack_static(p, m, sh, res);
			return;
		}
		reply_nak(p, m, "address reserved for another client", res);
		return;
	}
	if (i < 0 || !available(p, i, m->chaddr, now)) {
		reply_nak(p, m, "address not available", res);
		return;
	}
	/* A client holding a live offer or lease elsewhere asks for the wrong one. */
	if (own >= 0 && own != i && p->e[own].state != E_RELEASED && p->e[own].expires > now) {
		reply_nak(p, m, "address not yours", res);
		return;
	}
	if (own >= 0 && own != i)
		memset(&p->e[own], 0, sizeof(p->e[own]));
	client_name(m, NULL, name);
	e = &p->e[i];
	if (!name[0] && own == i) /* named in its DISCOVER only */
		snprintf(name, sizeof(name), "%s", e->hostname);
	memcpy(e->mac, m->chaddr, 6);
	e->state = E_BOUND;
	e->expires = now + p->cfg.lease_secs;
	snprintf(e->hostname, sizeof(e->hostname), "%s", name);
	note_expiry(p, e->expires);
	res->dirty = 1;
	event(p, 1, e->mac, ip, name, e->expires, 0);
	reply_config(p, m, DHCPACK, ip, name, res);
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
			if (i >= 0 && p->e[i].state == E_OFFERED)
				p->e[i].state = E_RELEASED;
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
			reply_nak(p, m, "wrong network", res);
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
		reply_nak(p, m, "wrong network", res);
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
	memset(e, 0, sizeof(*e));
	e->state = E_DECLINED;
	e->expires = now + p->cfg.quarantine_secs;
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
		return;
	}
	if (!e || e->state != E_BOUND || memcmp(e->mac, m->chaddr, 6)) {
		p->c.release_ignored++;
		res->what = "release of a lease not held";
		return;
	}
	if (e->expires > now)
		entry_gone(p, i);
	e->state = E_RELEASED;
	e->expires = now;
	res->dirty = 1;
}

/* RFC 2131 4.3.5: "The server responds to a DHCPINFORM message by sending a
 * DHCPACK message directly to the address given in the 'ciaddr' field of
 * the DHCPINFORM message. The server MUST NOT send a lease expiration time
 * to the client and SHOULD NOT fill in 'yiaddr'." */
static void on_inform(struct dhcp_pool *p, const struct dhcp_msg *m, struct dhcp_result *res)
{
	struct static_host *sh = static_by_mac(p, m->chaddr);
	char name[DHCP_HOSTNAME_MAX];
	struct in_addr none = { 0 };

	res->what = "inform";
	if (m->ciaddr.s_addr && !in_subnet(p, m->ciaddr)) {
		p->c.ignored++;
		return;
	}
	client_name(m, sh, name);
	reply_config(p, m, DHCPACK, none, name, res);
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

int dhcp_pool_handle(struct dhcp_pool *p, const struct dhcp_msg *m, int unicast, int64_t now,
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
	if (res->has_reply)
		set_dest(m, res);
	return 0;
}

/* ---- listing and persistence ------------------------------------------------ */

static int persistent(const struct entry *e)
{
	return e->state == E_BOUND || e->state == E_RELEASED || e->state == E_DECLINED;
}

size_t dhcp_pool_persist_count(const struct dhcp_pool *p)
{
	size_t n = 0;

	for (uint32_t i = 0; i < p->n; i++)
		n += persistent(&p->e[i]);
	return n;
}

size_t dhcp_pool_snapshot(const struct dhcp_pool *p, struct lease_rec *out, size_t cap)
{
	size_t n = 0;

	for (uint32_t i = 0; i < p->n && n < cap; i++) {
		const struct entry *e = &p->e[i];
		struct lease_rec *r = &out[n];

		if (!persistent(e))
			continue;
		memset(r, 0, sizeof(*r));
		memcpy(r->mac, e->mac, 6);
		r->ip = addr(p->start + i);
		r->expires = e->expires < 0 ? 0 : e->expires;
		r->state = e->state == E_BOUND ? LEASE_BOUND :
			   e->state == E_RELEASED ? LEASE_RELEASED : LEASE_DECLINED;
		snprintf(r->hostname, sizeof(r->hostname), "%s", e->hostname);
		n++;
	}
	return n;
}

void dhcp_pool_foreach(const struct dhcp_pool *p, dhcp_pool_event_cb cb, void *ctx)
{
	struct dhcp_pool_event ev;

	for (size_t i = 0; i < p->n_hosts; i++) {
		const struct static_host *sh = &p->hosts[i];

		if (sh->bound) {
			make_event(&ev, 1, sh->mac, sh->ip, sh->client_name, 0, 1);
			cb(ctx, &ev);
		}
	}
	for (uint32_t i = 0; i < p->n; i++) {
		const struct entry *e = &p->e[i];

		if (e->state == E_BOUND) {
			make_event(&ev, 1, e->mac, addr(p->start + i), e->hostname, e->expires, 0);
			cb(ctx, &ev);
		}
	}
}

static void count_cb(void *ctx, const struct dhcp_pool_event *ev)
{
	(void)ev;
	(*(size_t *)ctx)++;
}

size_t dhcp_pool_active(const struct dhcp_pool *p)
{
	size_t n = 0;

	dhcp_pool_foreach(p, count_cb, &n);
	return n;
}
