/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The core's copy of a network's leases, kept from the child's lease
 * messages: `vnetctl leases` and the NSS-facing state read it without
 * asking the child, and it stays while a crashed child restarts. Keyed by
 * address (one lease per address), open addressing with backward-shift
 * deletion, at most half full. */
#include "privsep_leases_priv.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

struct mlease {
	uint32_t ip;	/* network order; 0 = empty slot */
	uint8_t stale, is_static;
	uint8_t mac[6];
	int64_t expires;
	char hostname[NETDEF_NAME_MAX];
};

struct lease_mirror {
	struct mlease *v;
	size_t cap, n;	/* cap: a power of two */
};

static size_t slot(const struct lease_mirror *m, uint32_t ip)
{
	return (ip * 2654435761u) & (m->cap - 1);
}

static struct mlease *find(const struct lease_mirror *m, uint32_t ip)
{
	for (size_t i = slot(m, ip);; i = (i + 1) & (m->cap - 1)) {
		if (!m->v[i].ip || m->v[i].ip == ip)
			return &m->v[i];
	}
}

static int grow(struct lease_mirror *m)
{
	struct lease_mirror n = { calloc(m->cap * 2, sizeof(struct mlease)), m->cap * 2, m->n };

	if (!n.v)
		return -1;
	for (size_t i = 0; i < m->cap; i++)
		if (m->v[i].ip)
			*find(&n, m->v[i].ip) = m->v[i];
	free(m->v);
	*m = n;
	return 0;
}

struct lease_mirror *lease_mirror_new(void)
{
	struct lease_mirror *m = calloc(1, sizeof(*m));

	if (m && !(m->v = calloc(64, sizeof(struct mlease)))) {
		free(m);
		return NULL;
	}
	if (m)
		m->cap = 64;
	return m;
}

void lease_mirror_free(struct lease_mirror *m)
{
	if (m)
		free(m->v);
	free(m);
}

void lease_mirror_set(struct lease_mirror *m, const struct dhcp_lease_info *l)
{
	struct mlease *e;

	if ((m->n + 1) * 2 > m->cap && grow(m))
		return;
	e = find(m, l->ip.s_addr);
	if (!e->ip)
		m->n++;
	e->ip = l->ip.s_addr;
	e->stale = 0;
	e->is_static = !!l->is_static;
	memcpy(e->mac, l->mac, 6);
	e->expires = l->expires;
	memcpy(e->hostname, l->hostname, sizeof(e->hostname));
}

/* Backward shift: entries after the hole that probed past it move up. */
static void remove_at(struct lease_mirror *m, size_t hole)
{
	size_t i = hole;

	memset(&m->v[hole], 0, sizeof(m->v[hole]));
	m->n--;
	for (;;) {
		i = (i + 1) & (m->cap - 1);
		if (!m->v[i].ip)
			return;
		size_t home = slot(m, m->v[i].ip);

		/* moves if its home is not in (hole, i] (cyclically) */
		if ((i > hole && (home <= hole || home > i)) || (i < hole && home <= hole && home > i)) {
			m->v[hole] = m->v[i];
			memset(&m->v[i], 0, sizeof(m->v[i]));
			hole = i;
		}
	}
}

void lease_mirror_del(struct lease_mirror *m, struct in_addr ip)
{
	struct mlease *e = find(m, ip.s_addr);

	if (e->ip)
		remove_at(m, (size_t)(e - m->v));
}

void lease_mirror_mark_stale(struct lease_mirror *m)
{
	for (size_t i = 0; i < m->cap; i++)
		m->v[i].stale = 1;
}

static void info_of(const struct mlease *e, struct dhcp_lease_info *l)
{
	memset(l, 0, sizeof(*l));
	memcpy(l->mac, e->mac, 6);
	l->ip.s_addr = e->ip;
	l->expires = e->expires;
	l->is_static = e->is_static;
	memcpy(l->hostname, e->hostname, sizeof(l->hostname));
}

void lease_mirror_sweep(struct lease_mirror *m, void (*gone)(void *, const struct dhcp_lease_info *),
			void *ctx)
{
	struct dhcp_lease_info l;

	for (size_t i = 0; i < m->cap;) {
		if (m->v[i].ip && m->v[i].stale) {
			info_of(&m->v[i], &l);
			remove_at(m, i);
			gone(ctx, &l);
			continue; /* slot i holds a shifted entry now */
		}
		i++;
	}
}

/* As the DHCP service lists them: static hosts first, then by address. */
static int by_listing(const void *a, const void *b)
{
	const struct mlease *x = a, *y = b;

	if (x->is_static != y->is_static)
		return y->is_static - x->is_static;
	return ntohl(x->ip) < ntohl(y->ip) ? -1 : ntohl(x->ip) > ntohl(y->ip);
}

struct json_object *lease_mirror_json(const struct lease_mirror *m)
{
	struct json_object *a = json_object_new_array();
	struct mlease *v = m ? malloc((m->n + 1) * sizeof(*v)) : NULL;
	size_t n = 0;
	char mac[18];

	if (!v)
		return a;
	for (size_t i = 0; i < m->cap; i++)
		if (m->v[i].ip)
			v[n++] = m->v[i];
	qsort(v, n, sizeof(*v), by_listing);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		struct in_addr ip = { v[i].ip };

		mac_format(v[i].mac, mac);
		json_object_object_add(o, "mac", json_object_new_string(mac));
		json_object_object_add(o, "ip", json_object_new_string(inet_ntoa(ip)));
		json_object_object_add(o, "hostname", json_object_new_string(v[i].hostname));
		json_object_object_add(o, "expires", json_object_new_int64(v[i].expires));
		json_object_object_add(o, "static", json_object_new_boolean(v[i].is_static));
		json_object_array_add(a, o);
	}
	free(v);
	return a;
}

size_t lease_mirror_count(const struct lease_mirror *m)
{
	return m ? m->n : 0;
}
