/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dns.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>


struct centry {
	struct centry *hnext;	     /* hash chain */
	struct centry *prev, *next; /* LRU list, most recent first */
	uint8_t key[DNS_CACHE_KEY_MAX];
	size_t klen;
	uint8_t *msg;
	size_t mlen;
	uint64_t stored, expires;   /* ms */
	int negative;
};

struct dns_cache {
	size_t max_entries, max_bytes, bytes, nbuckets;
	struct centry **buckets;
	struct centry *head, *tail;
	struct dns_cache_stats st;
};

struct dns_cache *dns_cache_new(size_t max_entries)
{
	struct dns_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->max_entries = max_entries ? max_entries : 1;
	/* bytes bound too: a few big answers must not pin megabytes each */
	c->max_bytes = c->max_entries * 1024 < 65536 * 2 ? 65536 * 2 : c->max_entries * 1024;
	for (c->nbuckets = 64; c->nbuckets < 2 * c->max_entries; c->nbuckets *= 2)
		;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return NULL;
	}
	return c;
}

static unsigned bucket(const struct dns_cache *c, const uint8_t *key, size_t klen)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < klen; i++)
		h = (h ^ key[i]) * 16777619u;
	return h & (c->nbuckets - 1);
}

static void lru_unlink(struct dns_cache *c, struct centry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(struct dns_cache *c, struct centry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

static void drop(struct dns_cache *c, struct centry *e)
{
	struct centry **pp = &c->buckets[bucket(c, e->key, e->klen)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(c, e);
	c->bytes -= e->mlen;
	c->st.entries--;
	free(e->msg);
	free(e);
}

void dns_cache_free(struct dns_cache *c)
{
	if (!c)
		return;
	while (c->head)
		drop(c, c->head);
	free(c->buckets);
	free(c);
}

size_t dns_cache_key(uint8_t *out, const uint8_t *name, size_t nlen, uint16_t qtype,
		     uint16_t qclass, int do_bit)
{
	if (nlen > DNS_NAME_MAX)
		nlen = DNS_NAME_MAX;
	memcpy(out, name, nlen);
	dns_name_lower(out, nlen);
	out[nlen] = qtype >> 8;
	out[nlen + 1] = qtype & 0xff;
	out[nlen + 2] = qclass >> 8;
	out[nlen + 3] = qclass & 0xff;
	out[nlen + 4] = !!do_bit;
	return nlen + 5;
}

static struct centry *find(struct dns_cache *c, const uint8_t *key, size_t klen)
{
	for (struct centry *e = c->buckets[bucket(c, key, klen)]; e; e = e->hnext)
		if (e->klen == klen && !memcmp(e->key, key, klen))
			return e;
	return NULL;
}

int dns_cache_put(struct dns_cache *c, const uint8_t *key, size_t klen, const uint8_t *msg,
		  size_t mlen, uint32_t ttl, int negative, uint64_t now)
{
	uint32_t cap = negative ? DNS_CACHE_NEG_MAX_TTL : DNS_CACHE_MAX_TTL;
	struct centry *e = find(c, key, klen);

	if (e)
		drop(c, e);
	if (!ttl || !mlen || mlen > DNS_CACHE_MSG_MAX || klen > DNS_CACHE_KEY_MAX ||
	    mlen > c->max_bytes)
		return -EINVAL;
	while (c->head && (c->st.entries >= c->max_entries || c->bytes + mlen > c->max_bytes)) {
		drop(c, c->tail);
		c->st.evictions++;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->msg = malloc(mlen))) {
		free(e);
		return -ENOMEM;
	}
	memcpy(e->key, key, klen);
	e->klen = klen;
	memcpy(e->msg, msg, mlen);
	e->mlen = mlen;
	e->stored = now;
	e->expires = now + (uint64_t)(ttl > cap ? cap : ttl) * 1000;
	e->negative = negative;
	e->hnext = c->buckets[bucket(c, key, klen)];
	c->buckets[bucket(c, key, klen)] = e;
	lru_push(c, e);
	c->bytes += mlen;
	c->st.entries++;
	c->st.inserts++;
	return 0;
}

int dns_cache_get(struct dns_cache *c, const uint8_t *key, size_t klen, uint64_t now,
		  const uint8_t **msg, size_t *mlen, uint32_t *age_s)
{
	struct centry *e = find(c, key, klen);

	if (e && now >= e->expires) {
		drop(c, e);
		c->st.expired++;
		e = NULL;
	}
	if (!e) {
		c->st.misses++;
		return 0;
	}
	lru_unlink(c, e);
	lru_push(c, e);
	c->st.hits++;
	if (e->negative)
		c->st.neg_hits++;
	*msg = e->msg;
	*mlen = e->mlen;
	*age_s = (uint32_t)((now - e->stored) / 1000);
	return 1;
}

void dns_cache_stats(const struct dns_cache *c, struct dns_cache_stats *st)
{
	*st = c->st;
}
