/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A bounded DNS answer cache: whole reply messages keyed by question
 * (lower-case name, type, class, DO bit), honouring TTLs (RFC 1035 3.2.1,
 * RFC 2181 8) with negative caching (RFC 2308). LRU eviction when full.
 * Pure: time is passed in as `now` (milliseconds, monotonic). */
#ifndef VNET_DNS_CACHE_H
#define VNET_DNS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define DNS_CACHE_KEY_MAX (255 + 5)
#define DNS_CACHE_MAX_TTL 86400 /* cap: one day */
#define DNS_CACHE_NEG_MAX_TTL 900 /* RFC 2308 5 suggests 1-3 h; we keep it short */
#define DNS_CACHE_MSG_MAX 65535

struct dns_cache;

struct dns_cache_stats {
	uint64_t hits, misses, neg_hits, inserts, evictions, expired;
	size_t entries;
};

struct dns_cache *dns_cache_new(size_t max_entries);
void dns_cache_free(struct dns_cache *c);

/* Build the key for a question; name in wire form, any case. Returns its
 * length. out must hold DNS_CACHE_KEY_MAX bytes. */
size_t dns_cache_key(uint8_t *out, const uint8_t *name, size_t nlen, uint16_t qtype,
		     uint16_t qclass, int do_bit);

/* Store msg for ttl seconds (capped; ttl 0 is not stored). negative marks
 * an NXDOMAIN/NODATA answer. Replaces an existing entry. 0, -EINVAL or
 * -ENOMEM. */
int dns_cache_put(struct dns_cache *c, const uint8_t *key, size_t klen, const uint8_t *msg,
		  size_t mlen, uint32_t ttl, int negative, uint64_t now);

/* Look up: on a hit sets *msg, *mlen (valid until the next put/free) and
 * *age_s (seconds since stored) and returns 1; 0 on a miss (expired
 * entries are dropped). Counts hits and misses. */
int dns_cache_get(struct dns_cache *c, const uint8_t *key, size_t klen, uint64_t now,
		  const uint8_t **msg, size_t *mlen, uint32_t *age_s);

void dns_cache_stats(const struct dns_cache *c, struct dns_cache_stats *st);

#endif
