/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#define AQ_BUCKETS 256

struct holder {
	struct holder *next;
	struct in_addr addr;
	unsigned n;
};

struct addr_quota {
	unsigned limit;
	size_t holders;
	struct holder *b[AQ_BUCKETS];
};

static unsigned bucket(struct in_addr a)
{
	uint32_t v = ntohl(a.s_addr);

	return (v ^ (v >> 8) ^ (v >> 16) ^ (v >> 24)) % AQ_BUCKETS;
}

struct addr_quota *addr_quota_new(unsigned limit)
{
	struct addr_quota *q = calloc(1, sizeof(*q));

	if (q)
		q->limit = limit ? limit : 1;
	return q;
}

void addr_quota_free(struct addr_quota *q)
{
	if (!q)
		return;
	for (unsigned i = 0; i < AQ_BUCKETS; i++) {
		while (q->b[i]) {
			struct holder *h = q->b[i];

			q->b[i] = h->next;
			free(h);
		}
	}
	free(q);
}

static struct holder **find(const struct addr_quota *q, struct in_addr a)
{
	struct holder **pp = (struct holder **)&q->b[bucket(a)];

	while (*pp && (*pp)->addr.s_addr != a.s_addr)
		pp = &(*pp)->next;
	return pp;
}

int addr_quota_take(struct addr_quota *q, struct in_addr a)
{
	struct holder **pp = find(q, a), *h = *pp;

	if (h) {
		if (h->n >= q->limit)
			return -EDQUOT;
		h->n++;
		return 0;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->addr = a;
	h->n = 1;
	*pp = h;
	q->holders++;
	return 0;
}

void addr_quota_put(struct addr_quota *q, struct in_addr a)
{
	struct holder **pp = find(q, a), *h = *pp;

	if (!h || --h->n)
		return;
	*pp = h->next;
	free(h);
	q->holders--;
}

unsigned addr_quota_held(const struct addr_quota *q, struct in_addr a)
{
	struct holder *h = *find(q, a);

	return h ? h->n : 0;
}

size_t addr_quota_holders(const struct addr_quota *q)
{
	return q->holders;
}
