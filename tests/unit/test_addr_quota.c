/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/addr_quota.c: per-address caps on the DNS proxy's
 * in-flight questions and TCP connections (issue 16.10). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "util/util.h"

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static void test_cap_per_address(void **state)
{
	struct addr_quota *q = addr_quota_new(3);
	struct in_addr a = ip4("10.0.0.5"), b = ip4("10.0.0.6");

	assert_non_null(q);
	for (int i = 0; i < 3; i++)
		assert_int_equal(addr_quota_take(q, a), 0);
	assert_int_equal(addr_quota_take(q, a), -EDQUOT);
	/* another address is not affected by a's use */
	assert_int_equal(addr_quota_take(q, b), 0);
	assert_int_equal(addr_quota_held(q, a), 3);
	assert_int_equal(addr_quota_held(q, b), 1);
	assert_int_equal(addr_quota_holders(q), 2);
	addr_quota_put(q, a);
	assert_int_equal(addr_quota_take(q, a), 0);
	addr_quota_free(q);
}

static void test_release_frees(void **state)
{
	struct addr_quota *q = addr_quota_new(2);
	struct in_addr a = ip4("192.168.122.9");

	assert_int_equal(addr_quota_take(q, a), 0);
	assert_int_equal(addr_quota_take(q, a), 0);
	addr_quota_put(q, a);
	addr_quota_put(q, a);
	assert_int_equal(addr_quota_held(q, a), 0);
	assert_int_equal(addr_quota_holders(q), 0);
	/* a put without a take is ignored */
	addr_quota_put(q, a);
	assert_int_equal(addr_quota_holders(q), 0);
	assert_int_equal(addr_quota_take(q, a), 0);
	addr_quota_free(q);
}

/* Many addresses in one bucket chain: each keeps its own count. */
static void test_many_addresses(void **state)
{
	struct addr_quota *q = addr_quota_new(1);
	struct in_addr a;

	for (uint32_t i = 0; i < 4096; i++) {
		a.s_addr = htonl(0x0a000000 + i);
		assert_int_equal(addr_quota_take(q, a), 0);
		assert_int_equal(addr_quota_take(q, a), -EDQUOT);
	}
	assert_int_equal(addr_quota_holders(q), 4096);
	for (uint32_t i = 0; i < 4096; i += 2) {
		a.s_addr = htonl(0x0a000000 + i);
		addr_quota_put(q, a);
	}
	assert_int_equal(addr_quota_holders(q), 2048);
	a.s_addr = htonl(0x0a000001);
	assert_int_equal(addr_quota_held(q, a), 1);
	addr_quota_free(q);
	addr_quota_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_per_address),
		cmocka_unit_test(test_release_frees),
		cmocka_unit_test(test_many_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
