/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/dns_upstreams.c: which resolvers the DNS proxies
 * (vnetd's and user mode's) forward to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "dns/dns.h"

#define DNS_MAX_UPSTREAMS 4 /* vnetd's */

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static in_addr_t v4_of(const struct sockaddr_storage *a)
{
	assert_int_equal(a->ss_family, AF_INET);
	return ((const struct sockaddr_in *)a)->sin_addr.s_addr;
}

static int is_v6(const struct sockaddr_storage *a, const char *s)
{
	struct in6_addr want;

	inet_pton(AF_INET6, s, &want);
	return a->ss_family == AF_INET6 &&
	       !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &want, sizeof(want)) &&
	       ntohs(((const struct sockaddr_in6 *)a)->sin6_port) == 53;
}

static const char *write_conf(const char *text)
{
	static char path[] = "/tmp/test_dns_upstreams.XXXXXX";
	int fd;

	strcpy(path, "/tmp/test_dns_upstreams.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_resolv_conf(void **state)
{
	static struct netdef def;
	struct sockaddr_storage ups[DNS_MAX_UPSTREAMS];
	const char *p = write_conf("# comment\nsearch example.org\nnameserver 10.0.0.53\n"
				   "nameserver ::\n  nameserver\t127.0.0.53 # local\n"
				   "nameserver 192.168.122.1\nnameserver 10.0.0.53\n"
				   "nameserver bogus\nnameserver 9.9.9.9\nnameserver 1.1.1.1\n"
				   "nameserver 8.8.8.8\n");

	def.has_ip = 1;
	def.ip = ip4("192.168.122.1");
	size_t n = dns_upstreams_load(&def, p, ups, DNS_MAX_UPSTREAMS);

	unlink(p);
	assert_int_equal(n, 4); /* ::, ourselves, a duplicate and bogus skipped; capped */
	assert_int_equal(v4_of(&ups[0]), ip4("10.0.0.53").s_addr);
	assert_int_equal(v4_of(&ups[1]), ip4("127.0.0.53").s_addr);
	assert_int_equal(v4_of(&ups[2]), ip4("9.9.9.9").s_addr);
	assert_int_equal(v4_of(&ups[3]), ip4("1.1.1.1").s_addr);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ups[0])->sin_port), 53);
}

/* IPv6 nameservers are upstreams too (issue 18.6), in their order among
 * the IPv4 ones; the network's own IPv6 address, ::, a link-local one
 * without its interface and duplicates are skipped. */
static void test_resolv_conf_ipv6(void **state)
{
	static struct netdef def;
	struct sockaddr_storage ups[DNS_MAX_UPSTREAMS];
	const char *p = write_conf("nameserver fd00:53::1\nnameserver ::\nnameserver fe80::1\n"
				   "nameserver fd00:122::1\nnameserver 10.0.0.53\n"
				   "nameserver FD00:53:0::1\nnameserver fe80::2%lo\n"
				   "nameserver ::1\nnameserver 9.9.9.9\n");

	def.has_ip = 1;
	def.ip = ip4("192.168.122.1");
	def.n_ips = 2;
	def.ips[0].family = AF_INET;
	def.ips[0].addr4 = def.ip;
	def.ips[1].family = AF_INET6;
	inet_pton(AF_INET6, "fd00:122::1", &def.ips[1].addr6);
	size_t n = dns_upstreams_load(&def, p, ups, DNS_MAX_UPSTREAMS);

	unlink(p);
	assert_int_equal(n, 4);
	assert_true(is_v6(&ups[0], "fd00:53::1"));
	assert_int_equal(v4_of(&ups[1]), ip4("10.0.0.53").s_addr);
	assert_true(is_v6(&ups[2], "fe80::2"));
	assert_int_equal(((struct sockaddr_in6 *)&ups[2])->sin6_scope_id, 1); /* lo */
	assert_true(is_v6(&ups[3], "::1"));
	assert_int_equal(dns_sockaddr_len(&ups[0]), sizeof(struct sockaddr_in6));
	assert_int_equal(dns_sockaddr_len(&ups[1]), sizeof(struct sockaddr_in));
	assert_true(dns_sockaddr_same(&ups[0], &ups[0]));
	assert_false(dns_sockaddr_same(&ups[0], &ups[3]));
}

/* An IPv6 <forwarder addr> is an upstream; one that is the network's own
 * IPv6 address is not. */
static void test_forwarder_ipv6(void **state)
{
	static struct netdef def;
	struct sockaddr_storage ups[DNS_MAX_UPSTREAMS];

	def.n_ips = 1;
	def.ips[0].family = AF_INET6;
	inet_pton(AF_INET6, "fd00:122::1", &def.ips[0].addr6);
	def.n_forwarders = 2;
	def.forwarders[0].addr.family = AF_INET6;
	def.forwarders[0].addr.v6 = def.ips[0].addr6;
	def.forwarders[1].addr.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::53", &def.forwarders[1].addr.v6);
	assert_int_equal(dns_upstreams_load(&def, "/nonexistent", ups, DNS_MAX_UPSTREAMS), 1);
	assert_true(is_v6(&ups[0], "2001:db8::53"));
}

static void test_forwarders_win(void **state)
{
	static struct netdef def;
	struct sockaddr_storage ups[DNS_MAX_UPSTREAMS];
	const char *p = write_conf("nameserver 10.0.0.53\n");

	def.n_forwarders = 1;
	def.forwarders[0].addr.family = AF_INET;
	def.forwarders[0].addr.v4 = ip4("172.16.0.1");
	assert_int_equal(dns_upstreams_load(&def, p, ups, DNS_MAX_UPSTREAMS), 1);
	assert_int_equal(v4_of(&ups[0]), ip4("172.16.0.1").s_addr);
	unlink(p);
	def.n_forwarders = 0;
	assert_int_equal(dns_upstreams_load(&def, "/nonexistent/resolv.conf", ups, 4), 0);
}

/* User mode takes one: the first usable, never the gateway itself. */
static void test_first_only(void **state)
{
	static struct netdef def;
	struct sockaddr_storage up = { 0 };
	const char *p = write_conf("nameserver 192.168.122.1\nnameserver 0.0.0.0\n"
				   "nameserver 10.0.0.53\nnameserver 10.0.0.54\n");

	def.has_ip = 1;
	def.ip = ip4("192.168.122.1");
	assert_int_equal(dns_upstreams_load(&def, p, &up, 1), 1);
	assert_int_equal(v4_of(&up), ip4("10.0.0.53").s_addr);
	unlink(p);
	/* a forwarder that is the gateway would loop: none is left */
	memset(&up, 0, sizeof(up));
	def.n_forwarders = 1;
	def.forwarders[0].addr.family = AF_INET;
	def.forwarders[0].addr.v4 = def.ip;
	assert_int_equal(dns_upstreams_load(&def, NULL, &up, 1), 0);
	assert_int_equal(up.ss_family, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolv_conf),
		cmocka_unit_test(test_resolv_conf_ipv6),
		cmocka_unit_test(test_forwarder_ipv6),
		cmocka_unit_test(test_forwarders_win),
		cmocka_unit_test(test_first_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
