/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/dns_zone.c: local names, domain suffix, reverse zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "dns_zone.h"

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

	/* the same pair from a static host and a lease */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_forward_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nodata_nxdomain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reverse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refcount_and_delete, setup, teardown),
		cmocka_unit_test(test_no_domain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
