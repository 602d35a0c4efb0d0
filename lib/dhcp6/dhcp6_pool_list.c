/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading the DHCPv6 pool out (dhcp6.h): the persistent leases, and the
 * lease file's journal of what changed. */
#include <string.h>

#include "dhcp6_pool_priv.h"

static int persistent(const struct ent *x)
{
	return x->used && x->l.state != DHCP6_OFFERED;
}

size_t dhcp6_pool_snapshot(const struct dhcp6_pool *p, struct dhcp6_lease *out, size_t cap)
{
	size_t n = 0;

	for (uint32_t i = 0; i < p->n_e && n < cap; i++)
		if (persistent(&p->e[i]))
			out[n++] = p->e[i].l;
	return n;
}

size_t dhcp6_pool_count(const struct dhcp6_pool *p)
{
	size_t n = 0;

	for (uint32_t i = 0; i < p->n_e; i++)
		n += persistent(&p->e[i]);
	return n;
}

/* ---- the lease file's journal ---------------------------------------------- */

void pool_ent_changed(struct dhcp6_pool *p, uint32_t i)
{
	if (p->e[i].in_chg)
		return;
	p->e[i].in_chg = 1;
	p->chg[p->n_chg++] = i; /* once per entry: at most n_e */
}

void pool_ent_gone(struct dhcp6_pool *p, uint32_t i)
{
	struct ent *x = &p->e[i];

	/* an entry is on file once per journal: at most n_e addresses */
	if (x->on_file && p->n_gone < p->n_e)
		p->gone[p->n_gone++] = x->l.ip;
	x->on_file = 0;
}

static void journal_clear(struct dhcp6_pool *p)
{
	for (uint32_t k = 0; k < p->n_chg; k++)
		p->e[p->chg[k]].in_chg = 0;
	p->n_chg = 0;
	p->n_gone = 0;
}

size_t dhcp6_pool_journal_len(const struct dhcp6_pool *p)
{
	return (size_t)p->n_gone + p->n_chg;
}

/* The addresses given up first: an address freed and taken again in the
 * same journal has its "free" line before its new binding's. */
long dhcp6_pool_journal(struct dhcp6_pool *p, struct dhcp6_lease *out, size_t cap)
{
	size_t n = 0;

	if (dhcp6_pool_journal_len(p) > cap) {
		journal_clear(p);
		return -1;
	}
	for (uint32_t k = 0; k < p->n_gone; k++) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].ip = p->gone[k];
		out[n++].state = DHCP6_FREE;
	}
	for (uint32_t k = 0; k < p->n_chg; k++) {
		struct ent *x = &p->e[p->chg[k]];

		if (persistent(x)) {
			out[n++] = x->l;
			x->on_file = 1;
		} else if (x->used && x->on_file) { /* not one a file holds any more */
			memset(&out[n], 0, sizeof(out[n]));
			out[n].ip = x->l.ip;
			out[n++].state = DHCP6_FREE;
			x->on_file = 0;
		}
	}
	journal_clear(p);
	return (long)n;
}

void dhcp6_pool_journal_saved(struct dhcp6_pool *p)
{
	journal_clear(p);
	for (uint32_t i = 0; i < p->n_e; i++)
		p->e[i].on_file = (uint8_t)persistent(&p->e[i]);
}
