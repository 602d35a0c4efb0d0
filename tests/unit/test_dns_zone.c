/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/dns_zone.c: local names, domain suffix, reverse zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "dns/dns.h"

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static enum dns_zone_result look(struct dns_zone *z, const char *name, uint16_t type,
				 struct dns_zone_answer *ans)
{
	uint8_t w[DNS_NAME_MAX];
	int n = dns_name_from_text(name, w);

	assert_true(n > 0);
	return dns_zone_lookup(z, w, n, type, ans);
}

static int setup(void **state)
{
	struct dns_zone *z = dns_zone_new("example", ip4("192.168.122.1"), 24);

	assert_non_null(z);
	assert_int_equal(dns_zone_add(z, "guest1", ip4("192.168.122.10")), 0);
	assert_int_equal(dns_zone_add(z, "web.example", ip4("192.168.122.11")), 0);
	assert_int_equal(dns_zone_add(z, "multi", ip4("192.168.122.20")), 0);
	assert_int_equal(dns_zone_add(z, "multi", ip4("192.168.122.21")), 0);
	*state = z;
	return 0;
}

static int teardown(void **state)
{
	dns_zone_free(*state);
	return 0;
}

static void test_forward_names(void **state)
{
	struct dns_zone *z = *state;
	struct dns_zone_answer a;

	assert_int_equal(look(z, "guest1", DNS_T_A, &a), DNS_ZONE_ANSWER);
	assert_int_equal(a.n_addrs, 1);
	assert_int_equal(a.addrs[0].s_addr, ip4("192.168.122.10").s_addr);
	assert_int_equal(look(z, "guest1.example", DNS_T_A, &a), DNS_ZONE_ANSWER);
	assert_int_equal(look(z, "GUEST1.Example.", DNS_T_A, &a), DNS_ZONE_ANSWER);
	assert_int_equal(a.addrs[0].s_addr, ip4("192.168.122.10").s_addr);
	assert_int_equal(look(z, "web.example", DNS_T_ANY, &a), DNS_ZONE_ANSWER);
	assert_int_equal(a.addrs[0].s_addr, ip4("192.168.122.11").s_addr);
	assert_int_equal(look(z, "multi.example", DNS_T_A, &a), DNS_ZONE_ANSWER);
	assert_int_equal(a.n_addrs, 2);
}

static void test_nodata_nxdomain(void **state)
{
	struct dns_zone *z = *state;
	struct dns_zone_answer a;

	assert_int_equal(look(z, "guest1.example", DNS_T_AAAA, &a), DNS_ZONE_NODATA);
	assert_int_equal(a.n_addrs, 0);
	assert_int_equal(look(z, "guest1", DNS_T_MX, &a), DNS_ZONE_NODATA);
	assert_int_equal(look(z, "example", DNS_T_A, &a), DNS_ZONE_NODATA);
	assert_int_equal(look(z, "nope.example", DNS_T_A, &a), DNS_ZONE_NXDOMAIN);
	assert_int_equal(look(z, "a.b.Example", DNS_T_A, &a), DNS_ZONE_NXDOMAIN);
	assert_int_equal(look(z, "guest1.other.example", DNS_T_A, &a), DNS_ZONE_NXDOMAIN);
}

static void test_not_ours(void **state)
{
	struct dns_zone *z = *state;
	struct dns_zone_answer a;

	assert_int_equal(look(z, "www.debian.org", DNS_T_A, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "nope", DNS_T_A, &a), DNS_ZONE_NOT_OURS);
	/* suffix must sit on a label boundary */
	assert_int_equal(look(z, "xexample", DNS_T_A, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "guest1.example.com", DNS_T_A, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, ".", DNS_T_NS, &a), DNS_ZONE_NOT_OURS);
}

static void test_reverse(void **state)
{
	struct dns_zone *z = *state;
	struct dns_zone_answer a;
	char t[DNS_TEXT_MAX];

	assert_int_equal(look(z, "10.122.168.192.in-addr.arpa", DNS_T_PTR, &a), DNS_ZONE_ANSWER);
	dns_name_to_text(a.ptr, a.ptr_len, t, sizeof(t));
	assert_string_equal(t, "guest1.example");
	assert_int_equal(look(z, "11.122.168.192.IN-ADDR.ARPA.", DNS_T_PTR, &a), DNS_ZONE_ANSWER);
	dns_name_to_text(a.ptr, a.ptr_len, t, sizeof(t));
	assert_string_equal(t, "web.example");
	assert_int_equal(look(z, "10.122.168.192.in-addr.arpa", DNS_T_A, &a), DNS_ZONE_NODATA);
	assert_int_equal(look(z, "99.122.168.192.in-addr.arpa", DNS_T_PTR, &a), DNS_ZONE_NXDOMAIN);
	assert_int_equal(look(z, "122.168.192.in-addr.arpa", DNS_T_SOA, &a), DNS_ZONE_NODATA);
	assert_int_equal(look(z, "x.10.122.168.192.in-addr.arpa", DNS_T_PTR, &a),
			 DNS_ZONE_NXDOMAIN);
	assert_int_equal(look(z, "010.122.168.192.in-addr.arpa", DNS_T_PTR, &a),
			 DNS_ZONE_NXDOMAIN);
	assert_int_equal(look(z, "256.122.168.192.in-addr.arpa", DNS_T_PTR, &a),
			 DNS_ZONE_NXDOMAIN);
	assert_int_equal(look(z, "10.123.168.192.in-addr.arpa", DNS_T_PTR, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "168.192.in-addr.arpa", DNS_T_NS, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "1.1.1.1.in-addr.arpa", DNS_T_PTR, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "in-addr.arpa", DNS_T_NS, &a), DNS_ZONE_NOT_OURS);
}

static void test_refcount_and_delete(void **state)
{
	struct dns_zone *z = *state;
	struct dns_zone_answer a;

	/* the same configured pair twice (a static host and a <dns><host>) */
	assert_int_equal(dns_zone_add(z, "Guest1", ip4("192.168.122.10")), 0);
	assert_int_equal(dns_zone_count(z), 4);
	assert_int_equal(dns_zone_del(z, "guest1", ip4("192.168.122.10")), 0);
	assert_int_equal(look(z, "guest1.example", DNS_T_A, &a), DNS_ZONE_ANSWER);
	assert_int_equal(dns_zone_del(z, "guest1", ip4("192.168.122.10")), 0);
	assert_int_equal(look(z, "guest1.example", DNS_T_A, &a), DNS_ZONE_NXDOMAIN);
	assert_int_equal(look(z, "10.122.168.192.in-addr.arpa", DNS_T_PTR, &a), DNS_ZONE_NXDOMAIN);
	assert_int_equal(dns_zone_del(z, "guest1", ip4("192.168.122.10")), -ENOENT);
	assert_int_equal(dns_zone_del(z, "multi", ip4("192.168.122.99")), -ENOENT);
	assert_int_equal(dns_zone_count(z), 3);
	assert_int_equal(dns_zone_add(z, "bad..name", ip4("192.168.122.5")), -EINVAL);
	assert_int_equal(dns_zone_add(z, "", ip4("192.168.122.5")), -EINVAL);
}

static void test_no_domain(void **state)
{
	struct dns_zone *z = dns_zone_new("", ip4("10.0.0.1"), 16);
	struct dns_zone_answer a;
	char t[DNS_TEXT_MAX];

	assert_non_null(z);
	assert_int_equal(dns_zone_add(z, "g", ip4("10.0.5.3")), 0);
	assert_int_equal(look(z, "G", DNS_T_A, &a), DNS_ZONE_ANSWER);
	assert_int_equal(look(z, "g.example", DNS_T_A, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "3.5.0.10.in-addr.arpa", DNS_T_PTR, &a), DNS_ZONE_ANSWER);
	dns_name_to_text(a.ptr, a.ptr_len, t, sizeof(t));
	assert_string_equal(t, "g");
	assert_int_equal(look(z, "5.0.10.in-addr.arpa", DNS_T_NS, &a), DNS_ZONE_NODATA);
	assert_int_equal(look(z, "0.10.in-addr.arpa", DNS_T_NS, &a), DNS_ZONE_NODATA);
	assert_int_equal(look(z, "4.1.10.in-addr.arpa", DNS_T_NS, &a), DNS_ZONE_NOT_OURS);
	dns_zone_free(z);
	/* /20: the /24 zones inside it are ours, others not */
	z = dns_zone_new(NULL, ip4("172.16.16.1"), 20);
	assert_int_equal(look(z, "1.31.16.172.in-addr.arpa", DNS_T_PTR, &a), DNS_ZONE_NXDOMAIN);
	assert_int_equal(look(z, "1.32.16.172.in-addr.arpa", DNS_T_PTR, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "16.172.in-addr.arpa", DNS_T_NS, &a), DNS_ZONE_NOT_OURS);
	dns_zone_free(z);
	/* prefix 0: no reverse zone at all */
	z = dns_zone_new(NULL, ip4("0.0.0.0"), 0);
	assert_int_equal(look(z, "1.0.0.10.in-addr.arpa", DNS_T_PTR, &a), DNS_ZONE_NOT_OURS);
	dns_zone_free(z);
	assert_null(dns_zone_new("bad..domain", ip4("10.0.0.1"), 8));
}

static enum dns_lease_name label_of(struct dns_zone *z, const char *h, char *out)
{
	return dns_zone_lease_label(z, h, out);
}

/* Which DHCP hostnames give a name (issue 16.6). */
static void test_lease_label(void **state)
{
	struct dns_zone *z = *state, *nodom = dns_zone_new(NULL, ip4("10.0.0.1"), 24);
	char l[DNS_LEASE_LABEL_MAX], long63[64], long64[65];

	assert_int_equal(label_of(z, "Guest1", l), DNS_LEASE_NAME_OK);
	assert_string_equal(l, "guest1");
	assert_int_equal(label_of(z, "guest1.", l), DNS_LEASE_NAME_OK);
	assert_int_equal(label_of(z, "pc-2.EXAMPLE.", l), DNS_LEASE_NAME_OK);
	assert_string_equal(l, "pc-2");
	assert_int_equal(label_of(z, "www.example.com", l), DNS_LEASE_NAME_OUTSIDE);
	assert_int_equal(label_of(z, "a.b.example", l), DNS_LEASE_NAME_OUTSIDE);
	assert_int_equal(label_of(z, "guest1..", l), DNS_LEASE_NAME_OUTSIDE);
	assert_int_equal(label_of(nodom, "g.example", l), DNS_LEASE_NAME_OUTSIDE);
	assert_int_equal(label_of(nodom, "g", l), DNS_LEASE_NAME_OK);
	assert_int_equal(label_of(z, "-x", l), DNS_LEASE_NAME_INVALID);
	assert_int_equal(label_of(z, "x-", l), DNS_LEASE_NAME_INVALID);
	assert_int_equal(label_of(z, "under_score", l), DNS_LEASE_NAME_INVALID);
	assert_int_equal(label_of(z, "sp ace", l), DNS_LEASE_NAME_INVALID);
	assert_int_equal(label_of(z, ".lead", l), DNS_LEASE_NAME_INVALID);
	assert_int_equal(label_of(z, "", l), DNS_LEASE_NAME_NONE);
	assert_int_equal(label_of(z, NULL, l), DNS_LEASE_NAME_NONE);
	memset(long63, 'a', 63);
	long63[63] = 0;
	memset(long64, 'a', 64);
	long64[64] = 0;
	assert_int_equal(label_of(z, long63, l), DNS_LEASE_NAME_OK);
	assert_int_equal(label_of(z, long64, l), DNS_LEASE_NAME_INVALID);
	assert_true(dns_lease_reserved("wpad") && dns_lease_reserved("localhost"));
	assert_false(dns_lease_reserved("guest1"));
	assert_string_equal(dns_lease_name_str(DNS_LEASE_NAME_TAKEN), "taken");
	dns_zone_free(nodom);
}

static struct in_addr a_of(struct dns_zone *z, const char *name)
{
	struct dns_zone_answer a;

	if (look(z, name, DNS_T_A, &a) != DNS_ZONE_ANSWER || a.n_addrs != 1)
		return ip4("0.0.0.0");
	return a.addrs[0];
}

/* First come keeps a label; configured and reserved names are not
 * claimable; foreign names never become ours. */
static void test_lease_first_come(void **state)
{
	struct dns_zone *z = *state;
	struct in_addr g = ip4("192.168.122.50"), h = ip4("192.168.122.51");
	struct dns_zone_answer a;

	assert_int_equal(dns_zone_lease_set(z, g, "attacker"), DNS_LEASE_NAME_OK);
	assert_int_equal(a_of(z, "attacker.example").s_addr, g.s_addr);
	assert_int_equal(a_of(z, "ATTACKER").s_addr, g.s_addr);
	assert_int_equal(dns_zone_lease_set(z, h, "Attacker"), DNS_LEASE_NAME_TAKEN);
	assert_int_equal(dns_zone_lease_set(z, h, "guest1"), DNS_LEASE_NAME_TAKEN);
	assert_int_equal(dns_zone_lease_set(z, h, "web"), DNS_LEASE_NAME_TAKEN);
	assert_int_equal(dns_zone_lease_set(z, h, "wpad"), DNS_LEASE_NAME_RESERVED);
	assert_int_equal(look(z, "wpad.example", DNS_T_A, &a), DNS_ZONE_NXDOMAIN);
	assert_int_equal(dns_zone_lease_set(z, h, "www.example.com"), DNS_LEASE_NAME_OUTSIDE);
	assert_int_equal(look(z, "www.example.com", DNS_T_A, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "www", DNS_T_A, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(a_of(z, "guest1.example").s_addr, ip4("192.168.122.10").s_addr);
	assert_int_equal(a_of(z, "attacker.example").s_addr, g.s_addr);
	assert_int_equal(dns_zone_lease_count(z), 1);
	/* a static host's own name in its lease: published by the config */
	assert_int_equal(dns_zone_lease_set(z, ip4("192.168.122.10"), "guest1"), DNS_LEASE_NAME_OK);
	assert_int_equal(dns_zone_lease_count(z), 1);
	assert_int_equal(look(z, "10.122.168.192.in-addr.arpa", DNS_T_PTR, &a), DNS_ZONE_ANSWER);
	/* the name goes with the lease; then it is free */
	dns_zone_lease_clear(z, g);
	assert_int_equal(look(z, "attacker.example", DNS_T_A, &a), DNS_ZONE_NXDOMAIN);
	assert_int_equal(dns_zone_lease_set(z, h, "attacker"), DNS_LEASE_NAME_OK);
	assert_int_equal(a_of(z, "attacker.example").s_addr, h.s_addr);
	assert_int_equal(look(z, "51.122.168.192.in-addr.arpa", DNS_T_PTR, &a), DNS_ZONE_ANSWER);
	assert_int_equal(dns_zone_count(z), 5);
}

/* A renewal keeps the name; a new hostname replaces it; an invalid one
 * removes it. 1000 renamings leave one name. */
static void test_lease_renames(void **state)
{
	struct dns_zone *z = *state;
	struct in_addr g = ip4("192.168.122.60");
	struct dns_zone_answer a;
	char name[32];

	assert_int_equal(dns_zone_lease_set(z, g, "one"), DNS_LEASE_NAME_OK);
	assert_int_equal(dns_zone_lease_set(z, g, "One"), DNS_LEASE_NAME_OK);
	assert_int_equal(dns_zone_lease_set(z, g, "two.example"), DNS_LEASE_NAME_OK);
	assert_int_equal(look(z, "one.example", DNS_T_A, &a), DNS_ZONE_NXDOMAIN);
	assert_int_equal(a_of(z, "two").s_addr, g.s_addr);
	assert_int_equal(dns_zone_lease_set(z, g, "bad_name"), DNS_LEASE_NAME_INVALID);
	assert_int_equal(look(z, "two.example", DNS_T_A, &a), DNS_ZONE_NXDOMAIN);
	assert_int_equal(dns_zone_lease_set(z, g, NULL), DNS_LEASE_NAME_NONE);
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		assert_int_equal(dns_zone_lease_set(z, g, name), DNS_LEASE_NAME_OK);
	}
	assert_int_equal(dns_zone_lease_count(z), 1);
	assert_int_equal(dns_zone_count(z), 5);
	assert_int_equal(look(z, "n998.example", DNS_T_A, &a), DNS_ZONE_NXDOMAIN);
	assert_int_equal(a_of(z, "n999.example").s_addr, g.s_addr);
	dns_zone_lease_clear(z, g);
	dns_zone_lease_clear(z, g);
	assert_int_equal(dns_zone_lease_count(z), 0);
	assert_int_equal(dns_zone_count(z), 4);
}

/* The operator's names win over a lease's, even added later. */
static void test_lease_config_wins(void **state)
{
	struct dns_zone *z = *state;
	struct in_addr g = ip4("192.168.122.52"), p = ip4("192.168.122.90");

	assert_int_equal(dns_zone_lease_set(z, g, "printer"), DNS_LEASE_NAME_OK);
	assert_int_equal(dns_zone_add(z, "printer.example", p), 0);
	assert_int_equal(a_of(z, "printer.example").s_addr, p.s_addr);
	assert_int_equal(dns_zone_lease_count(z), 0);
	assert_int_equal(dns_zone_lease_set(z, g, "printer"), DNS_LEASE_NAME_TAKEN);
	assert_int_equal(dns_zone_lease_set(z, g, "scanner"), DNS_LEASE_NAME_OK);
	assert_int_equal(dns_zone_add(z, "scanner", p), 0);
	assert_int_equal(a_of(z, "scanner.example").s_addr, p.s_addr);
	/* a configured name is not deleted through a lease's name */
	assert_int_equal(dns_zone_lease_set(z, g, "mine"), DNS_LEASE_NAME_OK);
	assert_int_equal(dns_zone_del(z, "mine", g), -ENOENT);
	assert_int_equal(a_of(z, "mine").s_addr, g.s_addr);
}

/* A lease label asked at the root may also be a TLD: only its address
 * records are ours there; under the domain every type is. */
static void test_lease_root_types(void **state)
{
	struct dns_zone *z = *state;
	struct in_addr g = ip4("192.168.122.53");
	struct dns_zone_answer a;

	assert_int_equal(dns_zone_lease_set(z, g, "com"), DNS_LEASE_NAME_OK);
	assert_int_equal(look(z, "com", DNS_T_A, &a), DNS_ZONE_ANSWER);
	assert_int_equal(look(z, "com", DNS_T_AAAA, &a), DNS_ZONE_NODATA);
	assert_int_equal(look(z, "com", DNS_T_NS, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "com", DNS_T_SOA, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "com", 43 /* DS */, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "com.example", DNS_T_NS, &a), DNS_ZONE_NODATA);
	assert_int_equal(look(z, "guest1", DNS_T_MX, &a), DNS_ZONE_NODATA); /* configured */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_forward_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nodata_nxdomain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reverse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refcount_and_delete, setup, teardown),
		cmocka_unit_test(test_no_domain),
		cmocka_unit_test_setup_teardown(test_lease_label, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_first_come, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_renames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_config_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_root_types, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
