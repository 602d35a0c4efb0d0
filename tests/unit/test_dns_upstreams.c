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
	struct sockaddr_in ups[DNS_MAX_UPSTREAMS];
	const char *p = write_conf("# comment\nsearch example.org\nnameserver 10.0.0.53\n"
				   "nameserver ::1\n  nameserver\t127.0.0.53 # local\n"
				   "nameserver 192.168.122.1\nnameserver 10.0.0.53\n"
				   "nameserver bogus\nnameserver 9.9.9.9\nnameserver 1.1.1.1\n"
				   "nameserver 8.8.8.8\n");

	def.has_ip = 1;
	def.ip = ip4("192.168.122.1");
	size_t n = dns_upstreams_load(&def, p, ups, DNS_MAX_UPSTREAMS);

	unlink(p);
	assert_int_equal(n, 4); /* ::1, ourselves, a duplicate and bogus skipped; capped */
	assert_int_equal(ups[0].sin_addr.s_addr, ip4("10.0.0.53").s_addr);
	assert_int_equal(ups[1].sin_addr.s_addr, ip4("127.0.0.53").s_addr);
	assert_int_equal(ups[2].sin_addr.s_addr, ip4("9.9.9.9").s_addr);
	assert_int_equal(ups[3].sin_addr.s_addr, ip4("1.1.1.1").s_addr);
	assert_int_equal(ntohs(ups[0].sin_port), 53);
	assert_int_equal(ups[0].sin_family, AF_INET);
}

static void test_forwarders_win(void **state)
{
	static struct netdef def;
	struct sockaddr_in ups[DNS_MAX_UPSTREAMS];
	const char *p = write_conf("nameserver 10.0.0.53\n");

	def.n_forwarders = 1;
	def.forwarders[0].addr.family = AF_INET;
	def.forwarders[0].addr.v4 = ip4("172.16.0.1");
	assert_int_equal(dns_upstreams_load(&def, p, ups, DNS_MAX_UPSTREAMS), 1);
	assert_int_equal(ups[0].sin_addr.s_addr, ip4("172.16.0.1").s_addr);
	unlink(p);
	def.n_forwarders = 0;
	assert_int_equal(dns_upstreams_load(&def, "/nonexistent/resolv.conf", ups, 4), 0);
}

/* User mode takes one: the first usable, never the gateway itself. */
static void test_first_only(void **state)
{
	static struct netdef def;
	struct sockaddr_in up = { 0 };
	const char *p = write_conf("nameserver 192.168.122.1\nnameserver 0.0.0.0\n"
				   "nameserver 10.0.0.53\nnameserver 10.0.0.54\n");

	def.has_ip = 1;
	def.ip = ip4("192.168.122.1");
	assert_int_equal(dns_upstreams_load(&def, p, &up, 1), 1);
	assert_int_equal(up.sin_addr.s_addr, ip4("10.0.0.53").s_addr);
	unlink(p);
	/* a forwarder that is the gateway would loop: none is left */
	memset(&up, 0, sizeof(up));
	def.n_forwarders = 1;
	def.forwarders[0].addr.family = AF_INET;
	def.forwarders[0].addr.v4 = def.ip;
	assert_int_equal(dns_upstreams_load(&def, NULL, &up, 1), 0);
	assert_int_equal(up.sin_port, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolv_conf),
		cmocka_unit_test(test_forwarders_win),
		cmocka_unit_test(test_first_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
