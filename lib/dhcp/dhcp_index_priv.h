/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Indexes the DHCP pool keeps over its address table so that a packet costs
 * O(1) instead of a walk over the whole range: a MAC -> entries map and a
 * bit set with find-first (lowest free address). Pure data structures; the
 * table itself stays in lib/dhcp_pool.c. */
#ifndef VNET_DHCP_INDEX_H
#define VNET_DHCP_INDEX_H

#include <stddef.h>
#include <stdint.h>

/* MAC -> the table entries holding that MAC. Open addressing with linear
 * probing over list heads; the entries of one MAC are chained in index
 * order, so a lookup sees them in the order a full table walk would. The
 * MAC of entry i is read from the table (mac0 + i * stride): it must not
 * change while i is in the index. The key may be another field of the
 * entry (dhcp_index_init_key: keylen bytes, at most 8). */
struct dhcp_index {
	int32_t *slot;	     /* head entry index, -1 = empty */
	int32_t *next;	     /* per entry: next entry with the same MAC, -1 = end */
	uint32_t mask;	     /* slots - 1 (a power of two >= 2 * entries) */
	const uint8_t *mac0; /* MAC of entry 0 */
	size_t stride;	     /* bytes between two entries' MACs */
	size_t keylen;	     /* 6: a MAC */
};

/* n entries at most. -ENOMEM. */
int dhcp_index_init(struct dhcp_index *x, uint32_t n, const void *mac0, size_t stride);
int dhcp_index_init_key(struct dhcp_index *x, uint32_t n, const void *key0, size_t stride,
			size_t keylen);
void dhcp_index_free(struct dhcp_index *x);
/* Add entry i under its current MAC; i must not be in the index. */
void dhcp_index_add(struct dhcp_index *x, uint32_t i);
/* Remove entry i, which must be in the index under its current MAC. */
void dhcp_index_del(struct dhcp_index *x, uint32_t i);
/* Lowest entry holding mac, or -1; then the next higher one, or -1. */
long dhcp_index_first(const struct dhcp_index *x, const uint8_t *mac);
long dhcp_index_next(const struct dhcp_index *x, uint32_t i);

/* A bit per table entry, with a summary word per 64 words so that the
 * lowest set bit of a 65536-entry table is found in at most 17 loads. */
struct dhcp_bitset {
	uint64_t *w;
	uint64_t *sum; /* bit j set iff w[j] != 0 */
	uint32_t n;
};

int dhcp_bitset_init(struct dhcp_bitset *b, uint32_t n); /* all clear; -ENOMEM */
void dhcp_bitset_free(struct dhcp_bitset *b);
void dhcp_bitset_set(struct dhcp_bitset *b, uint32_t i);
void dhcp_bitset_clear(struct dhcp_bitset *b, uint32_t i);
int dhcp_bitset_test(const struct dhcp_bitset *b, uint32_t i);
long dhcp_bitset_first(const struct dhcp_bitset *b); /* lowest set bit, or -1 */

#endif
