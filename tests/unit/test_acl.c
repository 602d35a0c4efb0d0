/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/acl: the XML form (parse, format, round trip, clear
 * errors), the rule words of acl-rule-add, and the compiler checked
 * against a plain first-match walk over random rule sets and packets. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "acl/acl.h"

static const char XML[] =
	"<acl xmlns='http://vnet.dev/schemas/network/1.0' name='web' default='drop'>\n"
	"  <rule action='allow' direction='out' proto='tcp' dst='10.1.0.0/16' dport='80'/>\n"
	"  <rule action='allow' direction='in' proto='tcp' src='192.168.1.7' sport='1000-2000'/>\n"
	"  <rule action='drop' proto='icmp' icmpType='8'/>\n"
	"  <rule action='allow' src='2001:db8::/32'/>\n"
	"</acl>\n";

static void test_parse_and_round_trip(void **state)
{
	struct acl *a, *b;
	char err[256], *x;

	assert_int_equal(acl_parse_xml(XML, strlen(XML), &a, err, sizeof(err)), 0);
	assert_string_equal(a->name, "web");
	assert_int_equal(a->dflt, ACL_DROP);
	assert_int_equal(a->n_rules, 4);
	assert_int_equal(a->rules[0].dir, ACL_OUT);
	assert_int_equal(a->rules[0].proto, IPPROTO_TCP);
	assert_int_equal(a->rules[0].dst.len, 16);
	assert_int_equal(a->rules[0].dport_lo, 80);
	assert_int_equal(a->rules[0].dport_hi, 80);
	assert_int_equal(a->rules[1].sport_lo, 1000);
	assert_int_equal(a->rules[1].sport_hi, 2000);
	assert_int_equal(a->rules[2].dir, ACL_INOUT);
	assert_int_equal(a->rules[2].icmp_type, 8);
	assert_int_equal(a->rules[3].src.family, AF_INET6);
	x = acl_format_xml(a);
	assert_non_null(x);
	assert_int_equal(acl_parse_xml(x, strlen(x), &b, err, sizeof(err)), 0);
	assert_int_equal(b->n_rules, a->n_rules);
	assert_memory_equal(b->rules, a->rules, a->n_rules * sizeof(a->rules[0]));
	free(x);
	free(a);
	free(b);
}

static void refused(const char *xml, const char *want)
{
	struct acl *a = NULL;
	char err[256] = "";

	assert_int_equal(acl_parse_xml(xml, strlen(xml), &a, err, sizeof(err)), -EINVAL);
	assert_null(a);
	if (!strstr(err, want))
		fail_msg("error '%s' does not say '%s'", err, want);
}

static void test_errors(void **state)
{
	refused("<acl/>", "missing attribute 'name'");
	refused("<acl name='../x'/>", "bad ACL name");
	refused("<network name='x'/>", "expected <acl>");
	refused("<acl name='x'><rule action='maybe'/></acl>", "action 'maybe'");
	refused("<acl name='x'><rule dport='80'/></acl>", "ports need proto tcp or udp");
	refused("<acl name='x'><rule proto='tcp' dport='90-80'/></acl>", "dport '90-80'");
	refused("<acl name='x'><rule proto='tcp' dport='65536'/></acl>", "dport '65536'");
	refused("<acl name='x'><rule icmpType='8'/></acl>", "icmpType needs proto icmp");
	refused("<acl name='x'><rule src='10.0.0.0/33'/></acl>", "src '10.0.0.0/33'");
	refused("<acl name='x'><rule src='10.0.0.0/8' dst='::1'/></acl>", "families");
	refused("<acl name='x'><rule colour='red'/></acl>", "unknown rule attribute 'colour'");
	refused("<acl name='x'><match/></acl>", "unsupported element <match>");
	refused("<acl name='x' default='maybe'/>", "default 'maybe'");
	refused("<!DOCTYPE acl><acl name='x'/>", "DOCTYPE");
	refused("<acl name='x'", "XML parse error");
}

static void test_rule_words(void **state)
{
	const char *w[] = { "drop", "out", "tcp", "src=10.0.0.1/8", "dport=22-23" };
	const char *bad[] = { "drop", "sideways" };
	struct acl_rule r;
	char err[256], line[256];

	assert_int_equal(acl_rule_parse(5, w, &r, err, sizeof(err)), 0);
	assert_int_equal(r.action, ACL_DROP);
	assert_int_equal(r.src.v4.s_addr, inet_addr("10.0.0.0"));	/* host bits cleared */
	acl_rule_format(&r, line, sizeof(line));
	assert_string_equal(line, "drop out tcp src=10.0.0.0/8 dport=22-23");
	assert_int_equal(acl_rule_parse(2, bad, &r, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "sideways"));
}

/* --- the compiler against a first-match walk ------------------------------ */
/* A packet of either family, and a first-match walk of the rules over it. */
struct apkt {
	int fam;
	uint8_t s[16], d[16];	/* IPv4: the first 4 bytes */
	uint8_t proto;
	uint16_t sp, dp;
};

static int bits_has(const struct acl_prefix *p, int fam, const uint8_t *a)
{
	const uint8_t *x = p->family == AF_INET ? (const uint8_t *)&p->v4 : p->v6.s6_addr;

	if (!p->family)
		return 1;
	if (p->family != fam)
		return 0;
	for (unsigned b = 0; b < p->len; b++)
		if (((x[b / 8] ^ a[b / 8]) >> (7 - b % 8)) & 1)
			return 0;
	return 1;
}

static int walk(const struct acl *a, enum acl_table_dir dir, const struct apkt *k)
{
	uint8_t icmp = k->fam == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int bit = 0;

	for (size_t i = 0; i < a->n_rules; i++) {
		const struct acl_rule *r = &a->rules[i];

		if (!(r->dir & (dir == ACL_TABLE_IN ? ACL_IN : ACL_OUT)))
			continue;
		bit++;
		if (r->proto && r->proto != k->proto)
			continue;
		/* icmp is IPv4's protocol, icmpv6 IPv6's, whatever the number */
		if ((r->proto == IPPROTO_ICMP || r->proto == IPPROTO_ICMPV6) && r->proto != icmp)
			continue;
		if (!bits_has(&r->src, k->fam, k->s) || !bits_has(&r->dst, k->fam, k->d))
			continue;
		if (k->proto == icmp) {
			if (r->icmp_type >= 0 && r->icmp_type != k->dp)
				continue;
		} else if (r->proto && (k->sp < r->sport_lo || k->sp > r->sport_hi ||
					k->dp < r->dport_lo || k->dp > r->dport_hi)) {
			continue;
		}
		return bit - 1;
	}
	return -1;
}

static uint32_t rnd_addr(void)
{
	/* a small space, so prefixes overlap and nest */
	return htonl(0x0a000000u | (uint32_t)(rand() % 4) << 16 | (uint32_t)(rand() % 4) << 8 |
		     (uint32_t)(rand() % 4));
}

static uint16_t rnd_port(void)
{
	static const uint16_t p[] = { 0, 1, 22, 80, 443, 1023, 1024, 8080, 32767, 32768, 65535 };

	return rand() % 3 ? p[rand() % 11] : (uint16_t)rand();
}

static void rnd_rule(struct acl_rule *r)
{
	static const uint8_t protos[] = { 0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };

	acl_rule_init(r);
	r->action = rand() % 2;
	r->dir = 1 + rand() % 3;
	r->proto = protos[rand() % 4];
	if (rand() % 2) {
		r->src.family = AF_INET;
		r->src.len = (uint8_t)(rand() % 33);
		r->src.v4.s_addr = rnd_addr() & htonl(r->src.len ? ~0u << (32 - r->src.len) : 0);
	}
	if (rand() % 2) {
		r->dst.family = AF_INET;
		r->dst.len = (uint8_t)(8 + rand() % 25);
		r->dst.v4.s_addr = rnd_addr() & htonl(~0u << (32 - r->dst.len));
	}
	if (r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP) {
		uint16_t a = rnd_port(), b = rnd_port();

		if (rand() % 2)
			r->sport_lo = a < b ? a : b, r->sport_hi = a < b ? b : a;
		a = rnd_port(), b = rnd_port();
		if (rand() % 3)
			r->dport_lo = a < b ? a : b, r->dport_hi = rand() % 2 ? r->dport_lo : (a < b ? b : a);
	}
	if (r->proto == IPPROTO_ICMP && rand() % 2)
		r->icmp_type = rand() % 3 ? 8 : rand() % 256;
}

static void test_compiler_matches_walk(void **state)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, 47 };
	struct acl *a = calloc(1, sizeof(*a));

	srand(19);
	for (int round = 0; round < 40; round++) {
		struct acl_table t[2];

		a->n_rules = 1 + (size_t)(rand() % (round < 35 ? 70 : ACL_MAX_RULES));
		for (size_t i = 0; i < a->n_rules; i++)
			rnd_rule(&a->rules[i]);
		assert_int_equal(acl_compile(a, ACL_TABLE_IN, &t[0]), 0);
		assert_int_equal(acl_compile(a, ACL_TABLE_OUT, &t[1]), 0);
		for (int k = 0; k < 400; k++) {
			uint32_t s = rnd_addr(), d = rnd_addr();
			uint8_t p = protos[rand() % 4];
			uint16_t sp = p == IPPROTO_ICMP ? 0 : rnd_port();
			uint16_t dp = p == IPPROTO_ICMP ? (rand() % 2 ? 8 : rand() % 256) : rnd_port();

			if (p == 47)
				sp = dp = 0;
			for (int dir = 0; dir < 2; dir++) {
				struct apkt k = { .fam = AF_INET, .proto = p, .sp = sp, .dp = dp };
				int want;

				memcpy(k.s, &s, 4);
				memcpy(k.d, &d, 4);
				want = walk(a, dir, &k);
				int got = acl_table_match(&t[dir], s, d, p, sp, dp);

				if (want != got)
					fail_msg("round %d dir %d: walk %d, compiled %d", round, dir,
						 want, got);
			}
		}
		acl_table_free(&t[0]);
		acl_table_free(&t[1]);
	}
	free(a);
}

static void rnd_addr6(uint8_t *a)
{
	/* 2001:db8:X::Y, a small space so prefixes overlap and nest */
	memset(a, 0, 16);
	a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8;
	a[5] = (uint8_t)(rand() % 4);
	a[15] = (uint8_t)(rand() % 4);
	if (rand() % 4 == 0)
		a[0] = 0xfe, a[1] = 0x80, a[2] = a[3] = 0;
}

static void rnd_prefix6(struct acl_prefix *p)
{
	p->family = AF_INET6;
	p->len = (uint8_t)(rand() % 129);
	rnd_addr6(p->v6.s6_addr);
	for (unsigned b = p->len; b < 128; b++)
		p->v6.s6_addr[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
}

static void test_compiler_both_families(void **state)
{
	static const uint8_t rprotos[] = { 0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6 };
	static const uint8_t pprotos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6, 47 };
	struct acl *a = calloc(1, sizeof(*a));
	unsigned matched6 = 0;

	srand(18);
	for (int round = 0; round < 30; round++) {
		struct acl_table t[2];

		a->n_rules = 1 + (size_t)(rand() % 60);
		for (size_t i = 0; i < a->n_rules; i++) {
			struct acl_rule *r = &a->rules[i];

			rnd_rule(r);
			r->proto = rprotos[rand() % 5];
			/* what rule_check allows: ports with tcp/udp, a type with icmp */
			if (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)
				r->sport_lo = r->dport_lo = 0, r->sport_hi = r->dport_hi = 65535;
			if (r->proto != IPPROTO_ICMP)
				r->icmp_type = -1;
			if (r->proto == IPPROTO_ICMPV6 && rand() % 2)
				r->icmp_type = rand() % 2 ? 128 : rand() % 256;
			/* the family the rule's protocol allows, or either */
			if (r->proto == IPPROTO_ICMPV6 || (r->proto != IPPROTO_ICMP && rand() % 2)) {
				r->src.family = r->dst.family = 0;
				if (rand() % 2)
					rnd_prefix6(&r->src);
				if (rand() % 2)
					rnd_prefix6(&r->dst);
			}
		}
		assert_int_equal(acl_compile(a, ACL_TABLE_IN, &t[0]), 0);
		assert_int_equal(acl_compile(a, ACL_TABLE_OUT, &t[1]), 0);
		for (int n = 0; n < 400; n++) {
			struct apkt k = { .fam = rand() % 2 ? AF_INET6 : AF_INET };

			k.proto = pprotos[rand() % 5];
			if (k.fam == AF_INET6) {
				rnd_addr6(k.s);
				rnd_addr6(k.d);
			} else {
				uint32_t s = rnd_addr(), d = rnd_addr();

				memcpy(k.s, &s, 4);
				memcpy(k.d, &d, 4);
			}
			if (k.proto == IPPROTO_ICMP || k.proto == IPPROTO_ICMPV6)
				k.dp = (uint16_t)(rand() % 2 ? (rand() % 2 ? 8 : 128) : rand() % 256);
			else if (k.proto != 47)
				k.sp = rnd_port(), k.dp = rnd_port();
			for (int dir = 0; dir < 2; dir++) {
				int want = walk(a, dir, &k), got;

				if (k.fam == AF_INET6)
					got = acl_table_match6(&t[dir], (const struct in6_addr *)k.s,
							       (const struct in6_addr *)k.d, k.proto,
							       k.sp, k.dp);
				else
					got = acl_table_match(&t[dir], *(uint32_t *)k.s,
							      *(uint32_t *)k.d, k.proto, k.sp, k.dp);
				if (want != got)
					fail_msg("round %d dir %d fam %d proto %u: walk %d, compiled %d",
						 round, dir, k.fam, k.proto, want, got);
				matched6 += k.fam == AF_INET6 && want >= 0;
			}
		}
		acl_table_free(&t[0]);
		acl_table_free(&t[1]);
	}
	assert_true(matched6 > 100);	/* the IPv6 rules did match packets */
	free(a);
}

static void test_icmpv6_rules(void **state)
{
	const char *ok[] = { "drop", "in", "icmpv6", "icmp-type=128", "dst=fe80::/10" };
	const char *bad1[] = { "icmp", "dst=fe80::/10" };
	const char *bad2[] = { "icmpv6", "src=10.0.0.0/8" };
	struct acl_rule r;
	char err[128], line[256];

	assert_int_equal(acl_rule_parse(5, ok, &r, err, sizeof(err)), 0);
	assert_int_equal(r.proto, IPPROTO_ICMPV6);
	acl_rule_format(&r, line, sizeof(line));
	assert_non_null(strstr(line, "icmpv6"));
	assert_int_not_equal(acl_rule_parse(2, bad1, &r, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "icmpv6"));
	assert_int_not_equal(acl_rule_parse(2, bad2, &r, err, sizeof(err)), 0);
}

static void test_rule_insert_remove(void **state)
{
	struct acl *a = calloc(1, sizeof(*a));
	struct acl_rule r;
	char err[128];

	acl_rule_init(&r);
	strcpy(a->name, "x");
	for (int i = 0; i < 3; i++) {
		r.dport_lo = r.dport_hi = (uint16_t)i;
		assert_int_equal(acl_rule_insert(a, 99, &r, err, sizeof(err)), 0);
	}
	r.dport_lo = 7;
	assert_int_equal(acl_rule_insert(a, 1, &r, err, sizeof(err)), 0);
	assert_int_equal(a->rules[1].dport_lo, 7);
	assert_int_equal(a->rules[2].dport_lo, 1);
	assert_int_equal(acl_rule_remove(a, 0, err, sizeof(err)), 0);
	assert_int_equal(a->rules[0].dport_lo, 7);
	assert_int_equal(acl_rule_remove(a, 3, err, sizeof(err)), -EINVAL);
	a->n_rules = ACL_MAX_RULES;
	assert_int_equal(acl_rule_insert(a, 0, &r, err, sizeof(err)), -EINVAL);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_round_trip),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_rule_words),
		cmocka_unit_test(test_compiler_matches_walk),
		cmocka_unit_test(test_compiler_both_families),
		cmocka_unit_test(test_icmpv6_rules),
		cmocka_unit_test(test_rule_insert_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
