/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the DNS parts of libvirt's network XML (issue 17): <srv>,
 * <txt> and IPv6 <host> records in lib/dns_zone.c, unknown names of a
 * <domain> without localOnly, and lib/dns_route.c (<forwarder domain>,
 * forwardPlainNames). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

static void test_aaaa(void **state)
{
	struct dns_zone *z = dns_zone_new("example", ip4("192.168.122.1"), 24);
	struct dns_zone_answer a;
	struct in6_addr v6;

	inet_pton(AF_INET6, "fd00::5", &v6);
	assert_int_equal(dns_zone_add6(z, "six", &v6), 0);
	assert_int_equal(dns_zone_add(z, "dual", ip4("192.168.122.7")), 0);
	assert_int_equal(dns_zone_add6(z, "dual", &v6), 0);
	assert_int_equal(look(z, "six.example", DNS_T_AAAA, &a), DNS_ZONE_ANSWER);
	assert_int_equal(a.n_rrs, 1);
	assert_int_equal(a.rrs[0].type, DNS_T_AAAA);
	assert_int_equal(a.rrs[0].len, 16);
	assert_memory_equal(a.rrs[0].data, &v6, 16);
	assert_int_equal(look(z, "six", DNS_T_A, &a), DNS_ZONE_NODATA);
	assert_int_equal(look(z, "dual", DNS_T_A, &a), DNS_ZONE_ANSWER);
	assert_int_equal(a.n_addrs, 1);
	assert_int_equal(a.n_rrs, 0);
	assert_int_equal(look(z, "dual.example", DNS_T_AAAA, &a), DNS_ZONE_ANSWER);
	assert_int_equal(a.n_rrs, 1);
	assert_int_equal(a.n_addrs, 0);
	/* a lease cannot take a name the operator gave an IPv6 address */
	assert_int_equal(dns_zone_lease_set(z, ip4("192.168.122.50"), "six"), DNS_LEASE_NAME_TAKEN);
	dns_zone_free(z);
}

static void test_srv_txt(void **state)
{
	struct dns_zone *z = dns_zone_new("example", ip4("192.168.122.1"), 24);
	struct dns_zone_answer a;
	static const uint8_t srv_rd[] = { 0, 10, 0, 20, 0x1f, 0x90, 3, 'w', 'e', 'b', 7, 'e', 'x',
					  'a', 'm', 'p', 'l', 'e', 0 };

	assert_int_equal(dns_zone_add_srv(z, "http", "tcp", "", "web.example", 8080, 10, 20), 0);
	assert_int_equal(dns_zone_add_srv(z, "ldap", "tcp", "other.test", "", 389, 0, 0), 0);
	assert_int_equal(dns_zone_add_txt(z, "info", "hello world"), 0);
	assert_int_equal(dns_zone_add_txt(z, "info", "second"), 0);

	assert_int_equal(look(z, "_http._tcp.example", DNS_T_SRV, &a), DNS_ZONE_ANSWER);
	assert_int_equal(a.n_rrs, 1);
	assert_int_equal(a.rrs[0].type, DNS_T_SRV);
	assert_int_equal(a.rrs[0].len, sizeof(srv_rd));
	assert_memory_equal(a.rrs[0].data, srv_rd, sizeof(srv_rd));
	assert_int_equal(look(z, "_HTTP._tcp", DNS_T_SRV, &a), DNS_ZONE_ANSWER);
	assert_int_equal(look(z, "_http._tcp.example", DNS_T_A, &a), DNS_ZONE_NODATA);
	/* an explicit domain; target "" = "." (no such service) */
	assert_int_equal(look(z, "_ldap._tcp.other.test", DNS_T_SRV, &a), DNS_ZONE_ANSWER);
	assert_int_equal(a.rrs[0].len, 7);
	assert_int_equal(a.rrs[0].data[6], 0);

	assert_int_equal(look(z, "info.example", DNS_T_TXT, &a), DNS_ZONE_ANSWER);
	assert_int_equal(a.n_rrs, 2);
	assert_int_equal(a.rrs[0].data[0] + a.rrs[1].data[0], 11 + 6);
	assert_int_equal(look(z, "info", DNS_T_ANY, &a), DNS_ZONE_ANSWER);
	assert_int_equal(a.n_rrs, 2);
	/* a long value is split in character-strings of 255 */
	{
		char v[400];

		memset(v, 'x', sizeof(v) - 1);
		v[sizeof(v) - 1] = 0;
		assert_int_equal(dns_zone_add_txt(z, "long", v), 0);
		assert_int_equal(look(z, "long.example", DNS_T_TXT, &a), DNS_ZONE_ANSWER);
		assert_int_equal(a.rrs[0].len, 399 + 2);
		assert_int_equal(a.rrs[0].data[0], 255);
	}
	assert_int_equal(dns_zone_add_srv(z, "bad", "tcp", "", "x..y", 1, 0, 0), -EINVAL);
	dns_zone_free(z);
}

/* libvirt forwards unknown names of its <domain> unless localOnly='yes'. */
static void test_domain_forward_unknown(void **state)
{
	struct dns_zone *z = dns_zone_new("example", ip4("192.168.122.1"), 24);
	struct dns_zone_answer a;

	assert_int_equal(dns_zone_add(z, "g1", ip4("192.168.122.10")), 0);
	assert_int_equal(look(z, "nope.example", DNS_T_A, &a), DNS_ZONE_NXDOMAIN);
	dns_zone_set_local_only(z, 0);
	assert_int_equal(look(z, "nope.example", DNS_T_A, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "example", DNS_T_MX, &a), DNS_ZONE_NOT_OURS);
	assert_int_equal(look(z, "g1.example", DNS_T_A, &a), DNS_ZONE_ANSWER);
	assert_int_equal(look(z, "g1.example", DNS_T_MX, &a), DNS_ZONE_NODATA);
	/* the reverse zone stays local */
	assert_int_equal(look(z, "99.122.168.192.in-addr.arpa", DNS_T_PTR, &a), DNS_ZONE_NXDOMAIN);
	dns_zone_free(z);
}

static int route(const struct dns_routes *r, const char *name, size_t *g)
{
	uint8_t w[DNS_NAME_MAX];
	int n = dns_name_from_text(name, w);

	return dns_route(r, w, (size_t)n, g);
}

static void test_routes(void **state)
{
	struct netdef *d = calloc(1, sizeof(*d));
	struct dns_routes *r;
	struct sockaddr_storage up[4];
	struct in6_addr v6;
	size_t g, g2;

	d->has_ip = 1;
	d->ip = ip4("192.168.122.1");
	strcpy(d->forwarders[0].domain, "corp.test");
	d->forwarders[0].addr.family = AF_INET;
	d->forwarders[0].addr.v4 = ip4("10.0.0.53");
	strcpy(d->forwarders[1].domain, "lan");
	strcpy(d->forwarders[2].domain, "a.corp.test");
	d->forwarders[2].addr.family = AF_INET;
	d->forwarders[2].addr.v4 = ip4("10.0.0.54");
	d->forwarders[3].addr.family = AF_INET; /* the default upstream */
	d->forwarders[3].addr.v4 = ip4("10.0.0.1");
	strcpy(d->forwarders[4].domain, "corp.test"); /* a second server for it */
	d->forwarders[4].addr.family = AF_INET;
	d->forwarders[4].addr.v4 = ip4("10.0.0.55");
	d->n_forwarders = 5;
	r = dns_routes_from_netdef(d);
	assert_non_null(r);
	assert_int_equal(route(r, "www.corp.test", &g), DNS_ROUTE_SERVERS);
	assert_int_equal(dns_routes_servers(r, g, up, 4), 2);
	assert_int_equal(((struct sockaddr_in *)&up[0])->sin_addr.s_addr, ip4("10.0.0.53").s_addr);
	assert_int_equal(((struct sockaddr_in *)&up[1])->sin_addr.s_addr, ip4("10.0.0.55").s_addr);
	assert_int_equal(route(r, "CORP.test", &g2), DNS_ROUTE_SERVERS);
	assert_int_equal(g2, g);
	assert_int_equal(route(r, "x.a.corp.test", &g), DNS_ROUTE_SERVERS); /* the longest */
	assert_int_equal(dns_routes_servers(r, g, up, 4), 1);
	assert_int_equal(((struct sockaddr_in *)&up[0])->sin_addr.s_addr, ip4("10.0.0.54").s_addr);
	assert_int_equal(route(r, "printer.lan", &g), DNS_ROUTE_LOCAL);
	assert_int_equal(route(r, "notcorp.test", &g), DNS_ROUTE_DEFAULT);
	assert_int_equal(route(r, "plain", &g), DNS_ROUTE_DEFAULT);
	dns_routes_free(r);

	d->forward_plain_names = NETDEF_NO;
	r = dns_routes_from_netdef(d);
	assert_int_equal(route(r, "plain", &g), DNS_ROUTE_LOCAL);
	assert_int_equal(route(r, "plain.", &g), DNS_ROUTE_LOCAL);
	assert_int_equal(route(r, "www.example.com", &g), DNS_ROUTE_DEFAULT);
	dns_routes_free(r);

	/* an IPv6 server for a domain (issue 18.6); the network's own IPv6
	 * address would loop and is skipped */
	inet_pton(AF_INET6, "fd00:53::1", &v6);
	d->n_ips = 1;
	d->ips[0].family = AF_INET6;
	inet_pton(AF_INET6, "fd00:1::1", &d->ips[0].addr6);
	strcpy(d->forwarders[0].domain, "v6.test");
	d->forwarders[0].addr.family = AF_INET6;
	d->forwarders[0].addr.v6 = v6;
	strcpy(d->forwarders[1].domain, "self.test");
	d->forwarders[1].addr.family = AF_INET6;
	d->forwarders[1].addr.v6 = d->ips[0].addr6;
	d->n_forwarders = 2;
	r = dns_routes_from_netdef(d);
	assert_int_equal(route(r, "a.v6.test", &g), DNS_ROUTE_SERVERS);
	assert_int_equal(dns_routes_servers(r, g, up, 4), 1);
	assert_int_equal(up[0].ss_family, AF_INET6);
	assert_memory_equal(&((struct sockaddr_in6 *)&up[0])->sin6_addr, &v6, 16);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&up[0])->sin6_port), 53);
	assert_int_equal(route(r, "a.self.test", &g), DNS_ROUTE_LOCAL);
	dns_routes_free(r);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aaaa),
		cmocka_unit_test(test_srv_txt),
		cmocka_unit_test(test_domain_forward_unknown),
		cmocka_unit_test(test_routes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
