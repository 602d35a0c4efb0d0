/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/dns_cache.c: TTL expiry, negative caching, LRU bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "dns/dns.h"

static size_t key(uint8_t *k, const char *name, uint16_t type, int do_bit)
{
	uint8_t w[DNS_NAME_MAX];
	int n = dns_name_from_text(name, w);

	assert_true(n > 0);
	return dns_cache_key(k, w, n, type, DNS_C_IN, do_bit);
}

static void test_hit_age_expiry(void **state)
{
	struct dns_cache *c = dns_cache_new(16);
	uint8_t k[DNS_CACHE_KEY_MAX];
	size_t kl = key(k, "www.example.com", DNS_T_A, 0), ml;
	const uint8_t *m;
	uint32_t age;
	struct dns_cache_stats st;

	assert_int_equal(dns_cache_get(c, k, kl, 1000, &m, &ml, &age), 0);
	assert_int_equal(dns_cache_put(c, k, kl, (const uint8_t *)"hello", 5, 10, 0, 1000), 0);
	assert_int_equal(dns_cache_get(c, k, kl, 4500, &m, &ml, &age), 1);
	assert_int_equal(ml, 5);
	assert_memory_equal(m, "hello", 5);
	assert_int_equal(age, 3);
	assert_int_equal(dns_cache_get(c, k, kl, 10999, &m, &ml, &age), 1);
	assert_int_equal(age, 9);
	/* expires exactly ttl seconds after it was stored */
	assert_int_equal(dns_cache_get(c, k, kl, 11000, &m, &ml, &age), 0);
	dns_cache_stats(c, &st);
	assert_int_equal(st.hits, 2);
	assert_int_equal(st.misses, 2);
	assert_int_equal(st.expired, 1);
	assert_int_equal(st.entries, 0);
	dns_cache_free(c);
}

static void test_key_case_and_do(void **state)
{
	struct dns_cache *c = dns_cache_new(16);
	uint8_t k1[DNS_CACHE_KEY_MAX], k2[DNS_CACHE_KEY_MAX], k3[DNS_CACHE_KEY_MAX];
	size_t l1 = key(k1, "WWW.Example.COM", DNS_T_A, 0), l2 = key(k2, "www.example.com", DNS_T_A, 0);
	size_t l3 = key(k3, "www.example.com", DNS_T_A, 1), ml;
	const uint8_t *m;
	uint32_t age;

	assert_int_equal(dns_cache_put(c, k1, l1, (const uint8_t *)"x", 1, 60, 0, 0), 0);
	assert_int_equal(dns_cache_get(c, k2, l2, 0, &m, &ml, &age), 1);
	assert_int_equal(dns_cache_get(c, k3, l3, 0, &m, &ml, &age), 0);
	l3 = key(k3, "www.example.com", DNS_T_AAAA, 0);
	assert_int_equal(dns_cache_get(c, k3, l3, 0, &m, &ml, &age), 0);
	dns_cache_free(c);
}

static void test_zero_ttl_and_caps(void **state)
{
	struct dns_cache *c = dns_cache_new(16);
	uint8_t k[DNS_CACHE_KEY_MAX], n[DNS_CACHE_KEY_MAX];
	size_t kl = key(k, "a.example", DNS_T_A, 0), nl = key(n, "nx.example", DNS_T_A, 0), ml;
	const uint8_t *m;
	uint32_t age;
	struct dns_cache_stats st;

	assert_int_equal(dns_cache_put(c, k, kl, (const uint8_t *)"x", 1, 0, 0, 0), -EINVAL);
	assert_int_equal(dns_cache_get(c, k, kl, 0, &m, &ml, &age), 0);
	/* positive TTL capped at one day */
	assert_int_equal(dns_cache_put(c, k, kl, (const uint8_t *)"x", 1, 0x7fffffff, 0, 0), 0);
	assert_int_equal(dns_cache_get(c, k, kl, DNS_CACHE_MAX_TTL * 1000ull - 1, &m, &ml, &age), 1);
	assert_int_equal(dns_cache_get(c, k, kl, DNS_CACHE_MAX_TTL * 1000ull, &m, &ml, &age), 0);
	/* negative entries: served, counted, capped shorter */
	assert_int_equal(dns_cache_put(c, n, nl, (const uint8_t *)"nx", 2, 3600, 1, 0), 0);
	assert_int_equal(dns_cache_get(c, n, nl, 1000, &m, &ml, &age), 1);
	assert_int_equal(dns_cache_get(c, n, nl, DNS_CACHE_NEG_MAX_TTL * 1000ull, &m, &ml, &age), 0);
	dns_cache_stats(c, &st);
	assert_int_equal(st.neg_hits, 1);
	dns_cache_free(c);
}

static void test_lru_bound(void **state)
{
	struct dns_cache *c = dns_cache_new(2);
	uint8_t a[DNS_CACHE_KEY_MAX], b[DNS_CACHE_KEY_MAX], d[DNS_CACHE_KEY_MAX];
	size_t al = key(a, "a", DNS_T_A, 0), bl = key(b, "b", DNS_T_A, 0), dl = key(d, "d", DNS_T_A, 0);
	size_t ml;
	const uint8_t *m;
	uint32_t age;
	struct dns_cache_stats st;

	dns_cache_put(c, a, al, (const uint8_t *)"A", 1, 60, 0, 0);
	dns_cache_put(c, b, bl, (const uint8_t *)"B", 1, 60, 0, 0);
	assert_int_equal(dns_cache_get(c, a, al, 1, &m, &ml, &age), 1); /* a most recent */
	dns_cache_put(c, d, dl, (const uint8_t *)"D", 1, 60, 0, 2);
	assert_int_equal(dns_cache_get(c, b, bl, 3, &m, &ml, &age), 0);
	assert_int_equal(dns_cache_get(c, a, al, 3, &m, &ml, &age), 1);
	assert_int_equal(dns_cache_get(c, d, dl, 3, &m, &ml, &age), 1);
	/* replace keeps one entry and the new content */
	dns_cache_put(c, d, dl, (const uint8_t *)"E", 1, 60, 0, 4);
	assert_int_equal(dns_cache_get(c, d, dl, 5, &m, &ml, &age), 1);
	assert_int_equal(m[0], 'E');
	dns_cache_stats(c, &st);
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.evictions, 1);
	dns_cache_free(c);
}

static void test_many(void **state)
{
	struct dns_cache *c = dns_cache_new(100);
	uint8_t k[DNS_CACHE_KEY_MAX], big[3000] = { 0 };
	char name[32];
	struct dns_cache_stats st;

	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "n%d.example", i);
		size_t kl = key(k, name, DNS_T_A, 0);

		assert_int_equal(dns_cache_put(c, k, kl, big, 1 + i % 3000, 60, i & 1, i), 0);
	}
	dns_cache_stats(c, &st);
	assert_true(st.entries <= 100);
	assert_int_equal(st.inserts, 1000);
	dns_cache_free(c);
	dns_cache_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_age_expiry),
		cmocka_unit_test(test_key_case_and_do),
		cmocka_unit_test(test_zero_ttl_and_caps),
		cmocka_unit_test(test_lru_bound),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
