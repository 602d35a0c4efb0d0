/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MAC index and bit set for lib/dhcp_pool.c (see dhcp_index.h). */
#include "dhcp_index_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t *mac_at(const struct dhcp_index *x, uint32_t i)
{
	return x->mac0 + (size_t)i * x->stride;
}

static uint32_t hash(const struct dhcp_index *x, const uint8_t *mac)
{
	uint64_t k = 0;

	memcpy(&k, mac, x->keylen);
	/* MurmurHash3's fmix64: every input bit reaches the low bits we keep
	 * (guests' MACs often differ only in their last bytes). */
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return (uint32_t)k & x->mask;
}

int dhcp_index_init(struct dhcp_index *x, uint32_t n, const void *mac0, size_t stride)
{
	return dhcp_index_init_key(x, n, mac0, stride, 6);
}

int dhcp_index_init_key(struct dhcp_index *x, uint32_t n, const void *mac0, size_t stride,
			size_t keylen)
{
	uint32_t slots = 16;

	memset(x, 0, sizeof(*x));
	if (keylen == 0 || keylen > 8)
		return -EINVAL;
	x->keylen = keylen;
	while (slots < 2 * (uint64_t)n)
		slots <<= 1; /* load factor <= 1/2 keeps probe runs short */
	x->slot = malloc(slots * sizeof(*x->slot));
	x->next = malloc((n ? n : 1) * sizeof(*x->next));
	if (!x->slot || !x->next) {
		dhcp_index_free(x);
		return -ENOMEM;
	}
	memset(x->slot, 0xff, slots * sizeof(*x->slot));
	memset(x->next, 0xff, (n ? n : 1) * sizeof(*x->next));
	x->mask = slots - 1;
	x->mac0 = mac0;
	x->stride = stride;
	return 0;
}

void dhcp_index_free(struct dhcp_index *x)
{
	free(x->slot);
	free(x->next);
	x->slot = x->next = NULL;
}

/* The slot holding mac's list, or the empty slot where it would go. */
static uint32_t probe(const struct dhcp_index *x, const uint8_t *mac)
{
	uint32_t pos = hash(x, mac);

	while (x->slot[pos] >= 0 && memcmp(mac_at(x, (uint32_t)x->slot[pos]), mac, x->keylen))
		pos = (pos + 1) & x->mask;
	return pos;
}

void dhcp_index_add(struct dhcp_index *x, uint32_t i)
{
	uint32_t pos = probe(x, mac_at(x, i));
	int32_t prev = x->slot[pos];

	if (prev < 0 || (int32_t)i < prev) {
		x->next[i] = prev;
		x->slot[pos] = (int32_t)i;
		return;
	}
	while (x->next[prev] >= 0 && x->next[prev] < (int32_t)i)
		prev = x->next[prev];
	x->next[i] = x->next[prev];
	x->next[prev] = (int32_t)i;
}

/* Empty slot pos without breaking other probe runs: move later members of
 * the run back (backward-shift deletion, no tombstones to accumulate). */
static void slot_remove(struct dhcp_index *x, uint32_t pos)
{
	uint32_t j = pos, k;

	for (;;) {
		x->slot[pos] = -1;
		for (;;) {
			j = (j + 1) & x->mask;
			if (x->slot[j] < 0)
				return;
			k = hash(x, mac_at(x, (uint32_t)x->slot[j]));
			/* j may stay if its home k lies cyclically in (pos, j]. */
			if (pos <= j ? (pos < k && k <= j) : (pos < k || k <= j))
				continue;
			break;
		}
		x->slot[pos] = x->slot[j];
		pos = j;
	}
}

void dhcp_index_del(struct dhcp_index *x, uint32_t i)
{
	uint32_t pos = probe(x, mac_at(x, i));
	int32_t prev = x->slot[pos];

	if (prev < 0)
		return; /* not indexed: a caller bug, but keep the table sane */
	if (prev == (int32_t)i) {
		if (x->next[i] >= 0)
			x->slot[pos] = x->next[i];
		else
			slot_remove(x, pos);
	} else {
		while (x->next[prev] >= 0 && x->next[prev] != (int32_t)i)
			prev = x->next[prev];
		if (x->next[prev] == (int32_t)i)
			x->next[prev] = x->next[i];
	}
	x->next[i] = -1;
}

long dhcp_index_first(const struct dhcp_index *x, const uint8_t *mac)
{
	return x->slot[probe(x, mac)];
}

long dhcp_index_next(const struct dhcp_index *x, uint32_t i)
{
	return x->next[i];
}

int dhcp_bitset_init(struct dhcp_bitset *b, uint32_t n)
{
	size_t words = (n + 63) / 64, sums = (words + 63) / 64;

	b->n = n;
	b->w = calloc(words ? words : 1, sizeof(*b->w));
	b->sum = calloc(sums ? sums : 1, sizeof(*b->sum));
	if (!b->w || !b->sum) {
		dhcp_bitset_free(b);
		return -ENOMEM;
	}
	return 0;
}

void dhcp_bitset_free(struct dhcp_bitset *b)
{
	free(b->w);
	free(b->sum);
	b->w = b->sum = NULL;
}

void dhcp_bitset_set(struct dhcp_bitset *b, uint32_t i)
{
	b->w[i / 64] |= 1ull << (i % 64);
	b->sum[i / 4096] |= 1ull << (i / 64 % 64);
}

void dhcp_bitset_clear(struct dhcp_bitset *b, uint32_t i)
{
	b->w[i / 64] &= ~(1ull << (i % 64));
	if (!b->w[i / 64])
		b->sum[i / 4096] &= ~(1ull << (i / 64 % 64));
}

int dhcp_bitset_test(const struct dhcp_bitset *b, uint32_t i)
{
	return !!(b->w[i / 64] & (1ull << (i % 64)));
}

long dhcp_bitset_first(const struct dhcp_bitset *b)
{
	size_t sums = ((b->n + 63) / 64 + 63) / 64;

	for (size_t s = 0; s < sums; s++) {
		if (b->sum[s]) {
			size_t wi = s * 64 + (size_t)__builtin_ctzll(b->sum[s]);

			return (long)(wi * 64 + (size_t)__builtin_ctzll(b->w[wi]));
		}
	}
	return -1;
}
