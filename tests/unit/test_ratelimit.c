/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/ratelimit.c: the token bucket for log lines a guest
 * can cause (DHCP lease events, refused DNS names). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/util.h"

static void test_burst_then_interval(void **state)
{
	struct ratelimit r = RATELIMIT_INIT(3, 1000);
	uint64_t held = 99;

	for (int i = 0; i < 3; i++)
		assert_true(ratelimit_ok(&r, 5000, &held));
	assert_int_equal(held, 0);
	for (int i = 0; i < 10; i++)
		assert_false(ratelimit_ok(&r, 5999, &held));
	assert_true(ratelimit_ok(&r, 6000, &held));
	assert_int_equal(held, 10); /* reported with the next line, once */
	assert_false(ratelimit_ok(&r, 6500, &held));
	assert_true(ratelimit_ok(&r, 7000, &held));
	assert_int_equal(held, 1);
}

/* 20,000 events in 100 s: the burst plus one a second get through. */
static void test_flood(void **state)
{
	struct ratelimit r = RATELIMIT_INIT(20, 1000);
	unsigned logged = 0;
	uint64_t held, total_held = 0;

	for (uint64_t i = 0; i < 20000; i++)
		if (ratelimit_ok(&r, i * 5, &held)) {
			logged++;
			total_held += held;
		}
	assert_true(logged >= 115 && logged <= 121);
	assert_int_equal(logged + total_held + r.suppressed, 20000);
}

/* A long quiet spell refills to the burst, no more. */
static void test_refill_caps(void **state)
{
	struct ratelimit r = RATELIMIT_INIT(2, 100);
	int n = 0;

	assert_true(ratelimit_ok(&r, 0, NULL));
	assert_true(ratelimit_ok(&r, 0, NULL));
	for (int i = 0; i < 10; i++)
		n += ratelimit_ok(&r, 1000000, NULL);
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_interval),
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_refill_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
