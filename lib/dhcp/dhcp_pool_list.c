/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading the pool out: lease events, the active list and the records the
 * lease file persists. */
#include <stdio.h>
#include <string.h>

#include "dhcp_pool_priv.h"

void dhcp_pool_make_event(struct dhcp_pool_event *ev, int bound, const uint8_t *mac,
			  struct in_addr ip, const char *name, int64_t expires, int is_static)
{
	memset(ev, 0, sizeof(*ev));
	ev->bound = bound;
	memcpy(ev->mac, mac, 6);
	ev->ip = ip;
	snprintf(ev->hostname, sizeof(ev->hostname), "%s", name);
	ev->expires = expiry_out(expires);
	ev->is_static = is_static;
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
		r->ip = slot_ip(p, i);
		r->expires = e->expires < 0 ? 0 : expiry_out(e->expires);
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
			dhcp_pool_make_event(&ev, 1, sh->mac, sh->ip, sh->client_name, 0, 1);
			cb(ctx, &ev);
		}
	}
	for (uint32_t i = 0; i < p->n; i++) {
		const struct entry *e = &p->e[i];

		if (e->state == E_BOUND) {
			dhcp_pool_make_event(&ev, 1, e->mac, slot_ip(p, i), e->hostname,
					      expiry_out(e->expires), 0);
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
