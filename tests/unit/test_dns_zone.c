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

/* ---- IPv6 (issue 18.6) ---- */
static struct in6_addr ip6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* The ip6.arpa name of an address: 32 nibbles, reversed. */
static void arpa6(const char *addr, char *out)
{
	struct in6_addr a = ip6(addr);
	static const char hex[] = "0123456789abcdef";
	char *p = out;

	for (int i = 15; i >= 0; i--) {
		*p++ = hex[a.s6_addr[i] & 15], *p++ = '.';
		*p++ = hex[a.s6_addr[i] >> 4], *p++ = '.';
	}
	strcpy(p, "ip6.arpa");
}

static const char *ptr_of6(struct dns_zone *z, const char *addr, enum dns_zone_result *r)
{
	static char t[DNS_TEXT_MAX];
	struct dns_zone_answer a;
	char name[128];

	arpa6(addr, name);
	*r = look(z, name, DNS_T_PTR, &a);
	t[0] = 0;
	if (*r == DNS_ZONE_ANSWER)
		dns_name_to_text(a.ptr, a.ptr_len, t, sizeof(t));
	return t;
}

static int has_aaaa(struct dns_zone *z, const char *name, const char *addr)
{
	struct dns_zone_answer a;
	struct in6_addr want = ip6(addr);

	if (look(z, name, DNS_T_AAAA, &a) != DNS_ZONE_ANSWER)
		return 0;
	for (unsigned i = 0; i < a.n_rrs; i++)
		if (a.rrs[i].type == DNS_T_AAAA && a.rrs[i].len == 16 &&
		    !memcmp(a.rrs[i].data, &want, 16))
			return 1;
	return 0;
}

/* A DHCPv6 lease's hostname: AAAA and PTR, first come keeps it, gone with
 * the lease; the same guest (its DUID's MAC) may hold one name in both
 * families, another guest may not. */
static void test_lease6(void **state)
{
	struct dns_zone *z = *state;
	struct in6_addr g = ip6("fd00::10"), h = ip6("fd00::11");
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0xaa, 0xbb, 0xcc };
	static const uint8_t other[6] = { 0x52, 0x54, 0, 0xaa, 0xbb, 0xcd };
	enum dns_zone_result r;
	struct dns_zone_answer a;

	assert_int_equal(dns_zone_lease6_set(z, &g, mac, "V6guest"), DNS_LEASE_NAME_OK);
	assert_true(has_aaaa(z, "v6guest.example", "fd00::10"));
	assert_true(has_aaaa(z, "v6guest", "fd00::10"));
	assert_int_equal(look(z, "v6guest.example", DNS_T_A, &a), DNS_ZONE_NODATA);
	assert_string_equal(ptr_of6(z, "fd00::10", &r), "v6guest.example");
	assert_int_equal(dns_zone_lease6_set(z, &h, other, "v6guest"), DNS_LEASE_NAME_TAKEN);
	assert_int_equal(dns_zone_lease6_set(z, &h, NULL, "guest1"), DNS_LEASE_NAME_TAKEN);
	assert_int_equal(dns_zone_lease6_set(z, &h, NULL, "wpad"), DNS_LEASE_NAME_RESERVED);
	assert_int_equal(dns_zone_lease6_set(z, &h, NULL, "x.other.org"), DNS_LEASE_NAME_OUTSIDE);
	/* another guest's IPv4 lease cannot take it; the same guest's can */
	assert_int_equal(dns_zone_lease_set_owner(z, ip4("192.168.122.60"), other, "v6guest"),
			 DNS_LEASE_NAME_TAKEN);
	assert_int_equal(dns_zone_lease_set(z, ip4("192.168.122.60"), "v6guest"),
			 DNS_LEASE_NAME_TAKEN);
	assert_int_equal(dns_zone_lease_set_owner(z, ip4("192.168.122.61"), mac, "v6guest"),
			 DNS_LEASE_NAME_OK);
	assert_int_equal(a_of(z, "v6guest.example").s_addr, ip4("192.168.122.61").s_addr);
	assert_true(has_aaaa(z, "v6guest.example", "fd00::10"));
	assert_int_equal(dns_zone_lease_count(z), 2);
	/* a renewal changes nothing; the name goes with the lease */
	assert_int_equal(dns_zone_lease6_set(z, &g, mac, "v6guest"), DNS_LEASE_NAME_OK);
	assert_int_equal(dns_zone_lease_count(z), 2);
	dns_zone_lease6_clear(z, &g);
	assert_false(has_aaaa(z, "v6guest.example", "fd00::10"));
	ptr_of6(z, "fd00::10", &r);
	assert_int_equal(r, DNS_ZONE_NOT_OURS); /* no localPtr: forwarded */
	assert_int_equal(dns_zone_lease_count(z), 1);
	dns_zone_lease_clear(z, ip4("192.168.122.61"));
	assert_int_equal(dns_zone_lease6_set(z, &h, other, "v6guest"), DNS_LEASE_NAME_OK);
	assert_true(has_aaaa(z, "v6guest.example", "fd00::11"));
	/* a new hostname replaces the old one */
	assert_int_equal(dns_zone_lease6_set(z, &h, other, "renamed"), DNS_LEASE_NAME_OK);
	assert_false(has_aaaa(z, "v6guest.example", "fd00::11"));
	assert_string_equal(ptr_of6(z, "fd00::11", &r), "renamed.example");
	/* an operator's name wins over a lease of either family */
	assert_int_equal(dns_zone_add6(z, "renamed", &g), 0);
	assert_false(has_aaaa(z, "renamed", "fd00::11"));
	assert_int_equal(dns_zone_lease_count(z), 0);
}

/* ip6.arpa: static AAAA names answer PTR; unknown addresses are forwarded
 * unless a localPtr prefix holds them (then NXDOMAIN, never forwarded). */
static void test_reverse6(void **state)
{
	struct dns_zone *z = *state;
	struct in6_addr net = ip6("fd00:1:2:3::"), h6 = ip6("fd00:1:2:3::5"), w6 = ip6("fd00:9::5");
	struct dns_zone_answer a;
	enum dns_zone_result r;
	char name[128];

	assert_int_equal(dns_zone_add6(z, "host6", &h6), 0);
	assert_int_equal(dns_zone_add6(z, "web6.example", &w6), 0);
	assert_string_equal(ptr_of6(z, "fd00:1:2:3::5", &r), "host6.example");
	assert_string_equal(ptr_of6(z, "fd00:9::5", &r), "web6.example");
	ptr_of6(z, "fd00:1:2:3::99", &r);
	assert_int_equal(r, DNS_ZONE_NOT_OURS);
	arpa6("fd00:1:2:3::5", name);
	assert_int_equal(look(z, name, DNS_T_AAAA, &a), DNS_ZONE_NODATA);
	assert_int_equal(dns_zone_local_ptr6(z, &net, 64), 0);
	ptr_of6(z, "fd00:1:2:3::99", &r);
	assert_int_equal(r, DNS_ZONE_NXDOMAIN);
	ptr_of6(z, "fd00:1:2:4::99", &r);
	assert_int_equal(r, DNS_ZONE_NOT_OURS);
	assert_string_equal(ptr_of6(z, "fd00:1:2:3::5", &r), "host6.example");
	/* the zone apex and names between it and an address: empty, ours */
	assert_int_equal(look(z, "3.0.0.0.2.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa", DNS_T_SOA, &a),
			 DNS_ZONE_NODATA);
	assert_int_equal(look(z, "0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.d.f.ip6.ARPA.", DNS_T_PTR, &a),
			 DNS_ZONE_NODATA);
	/* above the prefix: upstream's */
	assert_int_equal(look(z, "0.0.0.2.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa", DNS_T_NS, &a),
			 DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "ip6.arpa", DNS_T_NS, &a), DNS_ZONE_NOT_OURS);
	/* junk inside the prefix: no such name */
	assert_int_equal(look(z, "xx.3.0.0.0.2.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa", DNS_T_PTR, &a),
			 DNS_ZONE_NXDOMAIN);
	assert_int_equal(look(z, "x.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa",
			      DNS_T_PTR, &a), DNS_ZONE_NXDOMAIN);
	assert_int_equal(look(z, "A.3.0.0.0.2.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa", DNS_T_PTR, &a),
			 DNS_ZONE_NODATA); /* hex digits in any case */
	assert_int_equal(dns_zone_local_ptr6(z, &net, 129), -EINVAL);
}

/* The MAC inside a DUID-LLT or DUID-LL of Ethernet; none in the others. */
static void test_duid_mac(void **state)
{
	uint8_t mac[6];

	(void)state;
	assert_int_equal(dns_duid_mac("00:03:00:01:52:54:00:aa:bb:cc", mac), 0);
	assert_memory_equal(mac, ((uint8_t[]){ 0x52, 0x54, 0, 0xaa, 0xbb, 0xcc }), 6);
	assert_int_equal(dns_duid_mac("00:01:00:01:2c:1f:00:01:52:54:00:aa:bb:cd", mac), 0);
	assert_int_equal(mac[5], 0xcd);
	assert_int_equal(dns_duid_mac("00:02:00:00:ab:11:01:02:03:04:05:06", mac), -1);
	assert_int_equal(dns_duid_mac("00:03:00:06:52:54:00:aa:bb:cc", mac), -1); /* not Ethernet */
	assert_int_equal(dns_duid_mac("00:03:00:01:52:54:00:aa:bb", mac), -1);
	assert_int_equal(dns_duid_mac("00:03:00:01:52:54:00:aa:bb:cc:dd", mac), -1);
	assert_int_equal(dns_duid_mac("", mac), -1);
	assert_int_equal(dns_duid_mac("zz", mac), -1);
}

/* A definition's IPv6 hosts (<dhcp><host name ip>) and localPtr. */
static void test_netdef6(void **state)
{
	static struct netdef def;
	struct dns_zone *z = dns_zone_new("example", ip4("192.168.122.1"), 24);
	enum dns_zone_result r;

	(void)state;
	memset(&def, 0, sizeof(def));
	snprintf(def.name, sizeof(def.name), "n6");
	def.n_ips = 1;
	def.ips[0].family = AF_INET6;
	def.ips[0].addr6 = ip6("fd00:5::1");
	def.ips[0].prefix = 64;
	def.ips[0].local_ptr = NETDEF_YES;
	def.n_hosts6 = 1;
	snprintf(def.hosts6[0].name, sizeof(def.hosts6[0].name), "fixed6");
	def.hosts6[0].ip = ip6("fd00:5::20");
	def.hosts6[0].has_ip = 1;
	assert_int_equal(dns_zone_load_netdef(z, &def), 0);
	assert_true(has_aaaa(z, "fixed6.example", "fd00:5::20"));
	assert_string_equal(ptr_of6(z, "fd00:5::20", &r), "fixed6.example");
	ptr_of6(z, "fd00:5::21", &r);
	assert_int_equal(r, DNS_ZONE_NXDOMAIN);
	ptr_of6(z, "fd00:6::21", &r);
	assert_int_equal(r, DNS_ZONE_NOT_OURS);
	dns_zone_free(z);
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
		cmocka_unit_test_setup_teardown(test_lease6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reverse6, setup, teardown),
		cmocka_unit_test(test_duid_mac),
		cmocka_unit_test(test_netdef6),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
