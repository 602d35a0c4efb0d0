/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The token-bucket (GCRA) arithmetic of <bandwidth> (bpf/lib/qos_math.h)
 * with the clock in the test's hand: pacing, burst, peak, policing, the
 * horizon, and libvirt's units (dp_qos_dir_of). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/qos_math.h"
#include "dp/dp_priv.h"

#define MS 1000000ULL
#define S 1000000000ULL

/* 1000 bytes/s, no burst: 100-byte packets leave 100 ms apart. */
static void test_pace_even(void **state)
{
	struct vnet_qos_dir d = { .rate = 1000 };

	for (int i = 0; i < 10; i++)
		assert_int_equal(qos_pace(&d, 0, 100, 10 * S), i * 100 * MS);
	/* later, once the backlog is gone, at once again */
	assert_int_equal(qos_pace(&d, 5 * S, 100, 10 * S), 5 * S);
}

/* burst = 500 bytes (tau 0.5 s): 500 bytes at once (plus the one that
 * crosses), then paced; an idle second refills no more than the burst. */
static void test_pace_burst(void **state)
{
	struct vnet_qos_dir d = { .rate = 1000, .tau = 500 * MS };
	int now = 0;

	for (int i = 0; i < 6; i++)
		assert_int_equal(qos_pace(&d, 0, 100, 10 * S), 0);
	assert_int_equal(qos_pace(&d, 0, 100, 10 * S), 100 * MS);
	assert_int_equal(qos_pace(&d, 0, 100, 10 * S), 200 * MS);
	/* 10 s idle: again 6 at once, not 100 */
	for (int i = 0; i < 6; i++)
		now += qos_pace(&d, 10 * S, 100, 10 * S) == 10 * S;
	assert_int_equal(now, 6);
	assert_true(qos_pace(&d, 10 * S, 100, 10 * S) > 10 * S);
}

/* peak: the burst goes at peak speed (libvirt's semantics), then average. */
static void test_pace_peak(void **state)
{
	struct vnet_qos_dir d = { .rate = 1000, .peak = 10000, .tau = 500 * MS };
	uint64_t t = 0, prev = 0;

	for (int i = 0; i < 6; i++) {
		t = qos_pace(&d, 0, 100, 10 * S);
		assert_int_equal(t, i * 10 * MS);	/* 100 B at 10 kB/s */
		prev = t;
	}
	t = qos_pace(&d, 0, 100, 10 * S);
	assert_int_equal(t, 100 * MS);	/* the average bucket is empty now */
	assert_true(t > prev);
	assert_int_equal(qos_pace(&d, 0, 100, 10 * S), 200 * MS);
}

/* beyond the horizon: 0, and nothing charged */
static void test_pace_horizon(void **state)
{
	struct vnet_qos_dir d = { .rate = 1000 };

	assert_int_equal(qos_pace(&d, 0, 1000, 2 * S), 0 + 0);	/* leaves now */
	assert_int_equal(qos_pace(&d, 0, 1000, 2 * S), 1 * S);
	assert_int_equal(qos_pace(&d, 0, 1000, 2 * S), 2 * S);
	assert_int_equal(qos_pace(&d, 0, 1000, 2 * S), 0);	/* 3 s away: dropped */
	assert_int_equal(d.tat, 3 * S);
	assert_int_equal(qos_pace(&d, 1 * S, 1000, 2 * S), 3 * S);
}

/* policing: conforming packets pass, the rest are dropped uncharged */
static void test_police(void **state)
{
	struct vnet_qos_dir d = { .rate = 1000, .tau = 500 * MS };
	int pass = 0;

	for (int i = 0; i < 20; i++)
		pass += qos_police(&d, 0, 100);
	assert_int_equal(pass, 6);
	assert_false(qos_police(&d, 50 * MS, 100));
	assert_true(qos_police(&d, 100 * MS, 100));
	/* long run: 1000 bytes/s over 100 s, whatever is offered */
	pass = 0;
	for (uint64_t t = 1 * S; t < 101 * S; t += MS)
		pass += qos_police(&d, t, 100);
	assert_in_range(pass, 1000 - 2, 1000 + 6);
}

/* libvirt units: kbytes/s = 1000 bytes/s (tc's kbps), burst kbytes = 1024
 * bytes (tc's kb); outbound (policed) defaults the burst to the average,
 * as libvirt's police filter does; inbound paces evenly. */
static void test_units(void **state)
{
	struct netdef_bw bw = { .average = 12500 };
	struct vnet_qos_dir d;

	dp_qos_dir_of(&bw, 0, &d);
	assert_int_equal(d.rate, 12500000);
	assert_int_equal(d.tau, 0);
	dp_qos_dir_of(&bw, 1, &d);
	assert_int_equal(d.tau, 12500ULL * 1024 * S / 12500000);
	bw.peak = 25000;
	bw.burst = 1000;
	dp_qos_dir_of(&bw, 0, &d);
	assert_int_equal(d.peak, 25000000);
	assert_int_equal(d.tau, 1000ULL * 1024 * S / 12500000);
	bw.average = 0;	/* no average: nothing (libvirt requires it) */
	dp_qos_dir_of(&bw, 0, &d);
	assert_int_equal(d.rate, 0);
	assert_int_equal(d.peak, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pace_even),    cmocka_unit_test(test_pace_burst),
		cmocka_unit_test(test_pace_peak),    cmocka_unit_test(test_pace_horizon),
		cmocka_unit_test(test_police),       cmocka_unit_test(test_units),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
