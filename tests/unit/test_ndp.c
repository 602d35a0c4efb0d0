/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/ndp: router advertisements as a network's configuration says (M/O
 * flags, prefix with L and A, MTU, RDNSS and DNSSL in RFC 8106 form, the
 * final RA's lifetime 0), checked byte by byte and by scapy's reading in
 * ra_service's system test; router solicitations accepted and refused as
 * RFC 4861 6.1.1 says; the RFC 4861 6.2.4 timers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "ndp/ndp.h"

static struct ndp_ra_cfg cfg(bool ranges, bool dns)
{
	struct ndp_ra_cfg c = { .src_mac = { 2, 0, 0, 0, 1, 1 }, .n_prefixes = 1, .mtu = 1500 };

	inet_pton(AF_INET6, "fd00:1::1", &c.prefixes[0].prefix);
	c.prefixes[0].len = 64;
	ndp_ra_cfg_defaults(&c, ranges, dns);
	if (dns) {
		c.n_rdnss = 1;
		inet_pton(AF_INET6, "fd00:1::1", &c.rdnss[0]);
		strcpy(c.dnssl, "example.org");
	}
	return c;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* The option of type t, or NULL. */
static const uint8_t *opt(const uint8_t *m, size_t n, uint8_t t)
{
	for (size_t off = 16; off + 2 <= n && m[off + 1]; off += m[off + 1] * 8)
		if (m[off] == t)
			return m + off;
	return NULL;
}

static void test_ra_slaac_dns(void **state)
{
	struct ndp_ra_cfg c = cfg(false, true);
	uint8_t m[NDP_RA_MAX], want[16];
	const uint8_t *o;
	ssize_t n = ndp_ra_build(&c, m, sizeof(m));

	assert_true(n > 0 && n % 8 == 0);
	assert_int_equal(m[0], 134);
	assert_int_equal(m[5], 0x40);	/* O without M: stateless DHCPv6/DNS */
	assert_int_equal((m[6] << 8) | m[7], 1800);
	o = opt(m, n, 1);
	assert_non_null(o);
	assert_memory_equal(o + 2, c.src_mac, 6);
	o = opt(m, n, 5);
	assert_non_null(o);
	assert_int_equal(get32(o + 4), 1500);
	o = opt(m, n, 3);
	assert_non_null(o);
	assert_int_equal(o[1], 4);
	assert_int_equal(o[2], 64);
	assert_int_equal(o[3], 0xc0);	/* L and A */
	assert_int_equal(get32(o + 4), 86400);
	assert_int_equal(get32(o + 8), 14400);
	inet_pton(AF_INET6, "fd00:1::", want);	/* the host bits cleared */
	assert_memory_equal(o + 16, want, 16);
	o = opt(m, n, 25);
	assert_non_null(o);
	assert_int_equal(o[1], 3);
	assert_int_equal(get32(o + 4), 1800);
	inet_pton(AF_INET6, "fd00:1::1", want);
	assert_memory_equal(o + 8, want, 16);
	o = opt(m, n, 31);
	assert_non_null(o);
	assert_int_equal(o[1], 3);	/* 8 + 13 bytes of name, padded to 24 */
	assert_memory_equal(o + 8, "\x07" "example" "\x03" "org" "\x00", 13);
}

static void test_ra_flags_and_final(void **state)
{
	struct ndp_ra_cfg c = cfg(true, true);
	uint8_t m[NDP_RA_MAX];
	ssize_t n;

	n = ndp_ra_build(&c, m, sizeof(m));
	assert_true(n > 0);
	assert_int_equal(m[5], 0xc0);	/* M and O: stateful DHCPv6 */
	c = cfg(false, false);
	n = ndp_ra_build(&c, m, sizeof(m));
	assert_int_equal(m[5], 0);
	assert_null(opt(m, n, 25));
	assert_null(opt(m, n, 31));
	c.router_lifetime_s = 0;	/* the final RA */
	n = ndp_ra_build(&c, m, sizeof(m));
	assert_int_equal((m[6] << 8) | m[7], 0);
	c.prefixes[0].len = 80;	/* SLAAC is /64 only: no A flag */
	n = ndp_ra_build(&c, m, sizeof(m));
	assert_int_equal(opt(m, n, 3)[3], 0x80);
}

static void test_ra_refused(void **state)
{
	struct ndp_ra_cfg c = cfg(false, true);
	uint8_t m[NDP_RA_MAX];

	assert_int_equal(ndp_ra_build(&c, m, 40), -ENOSPC);
	strcpy(c.dnssl, "a..b");
	assert_int_equal(ndp_ra_build(&c, m, sizeof(m)), -EINVAL);
	c = cfg(false, false);
	c.prefixes[0].len = 129;
	assert_int_equal(ndp_ra_build(&c, m, sizeof(m)), -EINVAL);
}

static void test_rs_parse(void **state)
{
	static const uint8_t rs[] = { 133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0, 0x10 };
	struct in6_addr ll, any = IN6ADDR_ANY_INIT;
	uint8_t bad[sizeof(rs)];
	struct ndp_rs r;

	inet_pton(AF_INET6, "fe80::10", &ll);
	assert_int_equal(ndp_rs_parse(rs, sizeof(rs), 255, &ll, &r), 0);
	assert_true(r.has_slla);
	assert_int_equal(r.slla[5], 0x10);
	assert_int_equal(ndp_rs_parse(rs, 8, 255, &any, &r), 0);	/* :: without SLLA */
	assert_false(r.has_slla);
	assert_int_equal(ndp_rs_parse(rs, sizeof(rs), 255, &any, &r), -EINVAL);
	assert_int_equal(ndp_rs_parse(rs, sizeof(rs), 64, &ll, &r), -EINVAL);	/* routed */
	assert_int_equal(ndp_rs_parse(rs, 7, 255, &ll, &r), -EINVAL);
	memcpy(bad, rs, sizeof(rs));
	bad[9] = 0;	/* option length 0 */
	assert_int_equal(ndp_rs_parse(bad, sizeof(bad), 255, &ll, &r), -EINVAL);
	bad[9] = 2;	/* beyond the message */
	assert_int_equal(ndp_rs_parse(bad, sizeof(bad), 255, &ll, &r), -EINVAL);
	memcpy(bad, rs, sizeof(rs));
	bad[1] = 1;	/* code */
	assert_int_equal(ndp_rs_parse(bad, sizeof(bad), 255, &ll, &r), -EINVAL);
	bad[0] = 134;
	assert_int_equal(ndp_rs_parse(bad, sizeof(bad), 255, &ll, &r), -EINVAL);
}

static void test_sched(void **state)
{
	struct ndp_sched s;
	uint64_t t = 1000000;

	ndp_sched_start(&s, t, 123456);
	assert_true(s.next_ms >= t && s.next_ms <= t + NDP_MAX_RA_DELAY_TIME_MS);
	/* three initial RAs at most 16 s apart, then 198..600 s */
	for (int i = 0; i < NDP_MAX_INITIAL_RTR_ADVERTISEMENTS; i++) {
		t = s.next_ms;
		ndp_sched_sent(&s, t, 0xffffffffu - i);
		assert_true(s.next_ms - t <= 16000);
	}
	for (uint32_t r = 0; r < 2000000000u; r += 123456789u) {
		t = s.next_ms;
		ndp_sched_sent(&s, t, r);
		assert_true(s.next_ms - t >= 198000 && s.next_ms - t <= 600000);
	}
	/* a solicitation: within 0.5 s, but not within 3 s of the last RA */
	t += 1000;
	ndp_sched_solicited(&s, t, 499);
	assert_int_equal(s.next_ms, s.last_ms + NDP_MIN_DELAY_BETWEEN_RAS_MS);
	t += 10000;
	ndp_sched_sent(&s, s.next_ms, 0);
	ndp_sched_solicited(&s, s.last_ms + 5000, 250);
	assert_int_equal(s.next_ms, s.last_ms + 5250);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ra_slaac_dns),
		cmocka_unit_test(test_ra_flags_and_final),
		cmocka_unit_test(test_ra_refused),
		cmocka_unit_test(test_rs_parse),
		cmocka_unit_test(test_sched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
