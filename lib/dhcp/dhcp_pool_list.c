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

static void record_of(const struct dhcp_pool *p, uint32_t i, struct lease_rec *r)
{
	const struct entry *e = &p->e[i];

	memset(r, 0, sizeof(*r));
	memcpy(r->mac, e->mac, 6);
	r->ip = slot_ip(p, i);
	r->expires = e->expires < 0 ? 0 : expiry_out(e->expires);
	r->state = e->state == E_BOUND ? LEASE_BOUND :
		   e->state == E_RELEASED ? LEASE_RELEASED : LEASE_DECLINED;
	snprintf(r->hostname, sizeof(r->hostname), "%s", e->hostname);
}

size_t dhcp_pool_snapshot(const struct dhcp_pool *p, struct lease_rec *out, size_t cap)
{
	size_t n = 0;

	for (uint32_t i = 0; i < p->n && n < cap; i++) {
		if (!persistent(&p->e[i]))
			continue;
		record_of(p, i, &out[n]);
		n++;
	}
	return n;
}

/* ---- the lease file's journal ---------------------------------------------- */

void pool_entry_changed(struct dhcp_pool *p, long i)
{
	if (dhcp_bitset_test(&p->changed, (uint32_t)i))
		return;
	if (p->n_chg == DHCP_JOURNAL_MAX) {
		p->chg_overflow = 1; /* the next save writes everything */
		return;
	}
	dhcp_bitset_set(&p->changed, (uint32_t)i);
	p->chg[p->n_chg++] = (uint32_t)i;
}

static void journal_clear(struct dhcp_pool *p)
{
	for (uint32_t k = 0; k < p->n_chg; k++)
		dhcp_bitset_clear(&p->changed, p->chg[k]);
	p->n_chg = 0;
	p->chg_overflow = 0;
}

long dhcp_pool_journal(struct dhcp_pool *p, struct lease_rec *out, size_t cap)
{
	size_t n = 0;

	if (p->chg_overflow || p->n_chg > cap) {
		journal_clear(p);
		return -1;
	}
	for (uint32_t k = 0; k < p->n_chg; k++) {
		uint32_t i = p->chg[k];

		if (persistent(&p->e[i])) {
			record_of(p, i, &out[n++]);
			dhcp_bitset_set(&p->on_file, i);
		} else if (dhcp_bitset_test(&p->on_file, i)) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].ip = slot_ip(p, i);
			out[n++].state = LEASE_FREE; /* forget what the file says */
			dhcp_bitset_clear(&p->on_file, i);
		}
	}
	journal_clear(p);
	return (long)n;
}

size_t dhcp_pool_journal_len(const struct dhcp_pool *p)
{
	return p->chg_overflow ? DHCP_JOURNAL_MAX : p->n_chg;
}

void dhcp_pool_journal_saved(struct dhcp_pool *p)
{
	journal_clear(p);
	for (uint32_t i = 0; i < p->n; i++) {
		if (persistent(&p->e[i]))
			dhcp_bitset_set(&p->on_file, i);
		else
			dhcp_bitset_clear(&p->on_file, i);
	}
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
