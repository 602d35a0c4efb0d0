/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/dhcp_index.c: the MAC index against a plain array
 * model under random adds and deletes (collisions, backward-shift
 * deletion, per-MAC order), and the bit set's find-first across words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dhcp/dhcp_index_priv.h"


struct ent {
	uint8_t mac[6];
	int in; /* model: entry is in the index */
};

static uint32_t rnd_state = 1;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static void set_mac(uint8_t *mac, unsigned k)
{
	const uint8_t m[6] = { 0x52, 0x54, 0, 2, (uint8_t)(k >> 8), (uint8_t)k };

	memcpy(mac, m, 6);
}

/* Every MAC's chain lists exactly the model's entries, in index order. */
static void check(const struct dhcp_index *x, const struct ent *e, uint32_t n, unsigned macs)
{
	uint8_t mac[6];

	for (unsigned k = 0; k < macs; k++) {
		long i;

		set_mac(mac, k);
		i = dhcp_index_first(x, mac);
		for (uint32_t j = 0; j < n; j++) {
			if (!e[j].in || memcmp(e[j].mac, mac, 6))
				continue;
			assert_int_equal(i, j);
			i = dhcp_index_next(x, (uint32_t)i);
		}
		assert_int_equal(i, -1);
	}
}

/* n entries, macs distinct MACs: fewer MACs than entries chains several
 * entries per MAC; as many MACs as entries (or more) fills the table to 1/2 and
 * makes long probe runs; checked after every round of 2n changes. */
static void run_random(uint32_t n, unsigned macs, int rounds)
{
	struct ent *e = calloc(n, sizeof(*e));
	struct dhcp_index x;

	assert_int_equal(dhcp_index_init(&x, n, e[0].mac, sizeof(*e)), 0);
	for (int round = 0; round < rounds; round++) {
		for (uint32_t op = 0; op < 2 * n; op++) {
			uint32_t i = rnd() % n;

			if (e[i].in) {
				dhcp_index_del(&x, i);
				e[i].in = 0;
			} else {
				set_mac(e[i].mac, rnd() % macs);
				dhcp_index_add(&x, i);
				e[i].in = 1;
			}
		}
		check(&x, e, n, macs);
	}
	/* Empty it: every MAC is gone, and the table takes new ones again. */
	for (uint32_t i = 0; i < n; i++)
		if (e[i].in) {
			dhcp_index_del(&x, i);
			e[i].in = 0;
		}
	check(&x, e, n, macs);
	for (uint32_t i = 0; i < n; i++) {
		set_mac(e[i].mac, i % macs);
		dhcp_index_add(&x, i);
		e[i].in = 1;
	}
	check(&x, e, n, macs);
	dhcp_index_free(&x);
	free(e);
}

static void test_index_random(void **state)
{
	(void)state;
	run_random(3000, 700, 40);
	run_random(2048, 2048, 8);
	run_random(8, 300, 5000); /* 16 slots: runs often wrap around the end */
	run_random(9, 3, 5000);
}

static void test_bitset(void **state)
{
	struct dhcp_bitset b;
	const uint32_t n = 65536, probe[] = { 65535, 4096, 4095, 64, 63, 1, 0 };

	(void)state;
	assert_int_equal(dhcp_bitset_init(&b, n), 0);
	assert_int_equal(dhcp_bitset_first(&b), -1);
	for (size_t k = 0; k < sizeof(probe) / sizeof(probe[0]); k++) {
		dhcp_bitset_set(&b, probe[k]);
		assert_true(dhcp_bitset_test(&b, probe[k]));
		assert_int_equal(dhcp_bitset_first(&b), probe[k]); /* falling order */
	}
	for (size_t k = sizeof(probe) / sizeof(probe[0]); k-- > 1;) {
		dhcp_bitset_clear(&b, probe[k]);
		assert_false(dhcp_bitset_test(&b, probe[k]));
		assert_int_equal(dhcp_bitset_first(&b), probe[k - 1]);
	}
	dhcp_bitset_clear(&b, 65535);
	assert_int_equal(dhcp_bitset_first(&b), -1);
	dhcp_bitset_free(&b);
	/* A size that is not a multiple of 64. */
	assert_int_equal(dhcp_bitset_init(&b, 70), 0);
	dhcp_bitset_set(&b, 69);
	assert_int_equal(dhcp_bitset_first(&b), 69);
	dhcp_bitset_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_random),
		cmocka_unit_test(test_bitset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
