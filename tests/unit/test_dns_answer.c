/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/dns/dns_answer.c: local answers built once, a hit
 * the same bytes as a reply built afresh, invalidated by zone changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "dns/dns.h"

/* id 0x1234, RD, 1 question guest1.example A IN, OPT 1232 DO */
static const uint8_t q_guest[] = {
	0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1,
	6, 'g', 'u', 'e', 's', 't', '1', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
	0, 1, 0, 1,
	0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0,
};
#define NAME_END (DNS_HDR_LEN + 16)

/* What dns_service's answer_local builds for q from z. */
static size_t build(const struct dns_zone *z, const uint8_t *pkt, size_t len, uint8_t *out,
		    size_t cap)
{
	struct dns_zone_answer ans;
	struct dns_builder b;
	struct dns_query q;
	enum dns_zone_result r;

	assert_int_equal(dns_parse_query(pkt, len, &q), 0);
	r = dns_zone_lookup(z, q.q.name, q.q.name_len, q.q.qtype, &ans);
	assert_int_not_equal(r, DNS_ZONE_NOT_OURS);
	dns_build_reply(&b, out, dns_client_udp_limit(&q) < cap ? dns_client_udp_limit(&q) : cap,
			&q, r == DNS_ZONE_NXDOMAIN ? DNS_R_NXDOMAIN : DNS_R_NOERROR, 1);
	for (unsigned i = 0; i < ans.n_addrs; i++)
		dns_add_a(&b, 0, ans.addrs[i]);
	return dns_build_finish(&b, &q, 0);
}

static struct dns_zone *zone(void)
{
	struct in_addr net = { htonl(0x0a610000) };
	struct dns_zone *z = dns_zone_new("example", net, 24);

	assert_non_null(z);
	assert_int_equal(dns_zone_add(z, "guest1", (struct in_addr){ htonl(0x0a61000a) }), 0);
	return z;
}

/* A hit is byte for byte what a reply built for that query would be: the
 * query's ID and the case of its question (0x20), the rest shared. */
static void test_hit_patches_id_and_case(void **state)
{
	struct dns_zone *z = zone();
	struct dns_answers *a = dns_answers_new();
	uint8_t q2[sizeof(q_guest)], r1[512], r2[512], hit[512];
	size_t n1, n2, nh;
	unsigned tag = 0;

	assert_non_null(a);
	n1 = build(z, q_guest, sizeof(q_guest), r1, sizeof(r1));
	assert_int_equal(dns_answers_get(a, dns_zone_generation(z), q_guest, sizeof(q_guest), hit,
					 sizeof(hit), &tag), 0);
	dns_answers_put(a, dns_zone_generation(z), q_guest, sizeof(q_guest), r1, n1, 77);

	memcpy(q2, q_guest, sizeof(q2));
	q2[0] = 0xab;
	q2[1] = 0xcd;
	q2[13] = 'G';
	q2[21] = 'X';
	n2 = build(z, q2, sizeof(q2), r2, sizeof(r2));
	nh = dns_answers_get(a, dns_zone_generation(z), q2, sizeof(q2), hit, sizeof(hit), &tag);
	assert_int_equal(nh, n2);
	assert_int_equal(tag, 77);
	assert_memory_equal(hit, r2, n2);
	assert_int_equal(hit[0], 0xab);
	assert_int_equal(hit[13], 'G');
	/* too small a buffer: a miss, nothing written */
	assert_int_equal(dns_answers_get(a, dns_zone_generation(z), q2, sizeof(q2), hit, 10, &tag),
			 0);
	dns_answers_free(a);
	dns_zone_free(z);
}

/* Any change to the zone (a name added, removed, a lease) makes every
 * answer stale. */
static void test_zone_change_invalidates(void **state)
{
	struct dns_zone *z = zone();
	struct dns_answers *a = dns_answers_new();
	uint8_t r[512], hit[512];
	size_t n = build(z, q_guest, sizeof(q_guest), r, sizeof(r));
	unsigned tag;
	uint64_t g = dns_zone_generation(z);

	assert_int_not_equal(g, 0);
	dns_answers_put(a, g, q_guest, sizeof(q_guest), r, n, 1);
	assert_int_equal(dns_answers_get(a, g, q_guest, sizeof(q_guest), hit, sizeof(hit), &tag),
			 n);
	assert_int_equal(dns_zone_add(z, "guest1", (struct in_addr){ htonl(0x0a61000b) }), 0);
	assert_int_not_equal(dns_zone_generation(z), g);
	assert_int_equal(dns_answers_get(a, dns_zone_generation(z), q_guest, sizeof(q_guest), hit,
					 sizeof(hit), &tag), 0);
	g = dns_zone_generation(z);
	dns_zone_lease_set(z, (struct in_addr){ htonl(0x0a610014) }, "guest2");
	assert_int_not_equal(dns_zone_generation(z), g);
	g = dns_zone_generation(z);
	dns_zone_lease_clear(z, (struct in_addr){ htonl(0x0a610014) });
	assert_int_not_equal(dns_zone_generation(z), g);
	g = dns_zone_generation(z);
	dns_zone_del(z, "guest1", (struct in_addr){ htonl(0x0a61000b) });
	assert_int_not_equal(dns_zone_generation(z), g);
	dns_answers_free(a);
	dns_zone_free(z);
}

/* Different queries never share an entry: the type byte 'A' (0x41) is
 * not lower-cased like a name's; other flags, EDNS, another ID-less byte. */
static void test_key_is_the_whole_query(void **state)
{
	struct dns_zone *z = zone();
	struct dns_answers *a = dns_answers_new();
	uint8_t q2[sizeof(q_guest)], r[512], hit[512];
	size_t n = build(z, q_guest, sizeof(q_guest), r, sizeof(r));
	uint64_t g = dns_zone_generation(z);
	unsigned tag;

	dns_answers_put(a, g, q_guest, sizeof(q_guest), r, n, 1);
	memcpy(q2, q_guest, sizeof(q2));
	q2[NAME_END + 1] = 0x41; /* qtype 65 */
	assert_int_equal(dns_answers_get(a, g, q2, sizeof(q2), hit, sizeof(hit), &tag), 0);
	memcpy(q2, q_guest, sizeof(q2));
	q2[2] = 0; /* no RD */
	assert_int_equal(dns_answers_get(a, g, q2, sizeof(q2), hit, sizeof(hit), &tag), 0);
	memcpy(q2, q_guest, sizeof(q2));
	q2[sizeof(q2) - 4] = 0; /* no DO */
	assert_int_equal(dns_answers_get(a, g, q2, sizeof(q2), hit, sizeof(hit), &tag), 0);
	/* without the OPT: a different length */
	assert_int_equal(dns_answers_get(a, g, q_guest, NAME_END + 4, hit, sizeof(hit), &tag), 0);
	dns_answers_free(a);
	dns_zone_free(z);
}

/* What is not cached: two questions, a compressed name, a reply that does
 * not carry the query's question, generation 0. */
static void test_not_cached(void **state)
{
	struct dns_answers *a = dns_answers_new();
	uint8_t q2[sizeof(q_guest)], r[sizeof(q_guest)], hit[512];
	unsigned tag;

	memcpy(r, q_guest, sizeof(r));
	r[2] |= 0x80;
	memcpy(q2, q_guest, sizeof(q2));
	q2[5] = 2;
	dns_answers_put(a, 5, q2, sizeof(q2), r, sizeof(r), 1);
	assert_int_equal(dns_answers_get(a, 5, q2, sizeof(q2), hit, sizeof(hit), &tag), 0);
	memcpy(q2, q_guest, sizeof(q2));
	q2[DNS_HDR_LEN] = 0xc0;
	dns_answers_put(a, 5, q2, sizeof(q2), r, sizeof(r), 1);
	assert_int_equal(dns_answers_get(a, 5, q2, sizeof(q2), hit, sizeof(hit), &tag), 0);
	r[DNS_HDR_LEN + 1] = 'h';
	dns_answers_put(a, 5, q_guest, sizeof(q_guest), r, sizeof(r), 1);
	assert_int_equal(dns_answers_get(a, 5, q_guest, sizeof(q_guest), hit, sizeof(hit), &tag),
			 0);
	r[DNS_HDR_LEN + 1] = 'g';
	dns_answers_put(a, 0, q_guest, sizeof(q_guest), r, sizeof(r), 1);
	assert_int_equal(dns_answers_get(a, 0, q_guest, sizeof(q_guest), hit, sizeof(hit), &tag),
			 0);
	dns_answers_put(a, 5, q_guest, sizeof(q_guest), r, sizeof(r), 1);
	assert_int_equal(dns_answers_get(a, 5, q_guest, sizeof(q_guest), hit, sizeof(hit), &tag),
			 sizeof(r));
	assert_int_equal(dns_answers_get(a, 6, q_guest, sizeof(q_guest), hit, sizeof(hit), &tag),
			 0);
	dns_answers_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_patches_id_and_case),
		cmocka_unit_test(test_zone_change_invalidates),
		cmocka_unit_test(test_key_is_the_whole_query),
		cmocka_unit_test(test_not_cached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
