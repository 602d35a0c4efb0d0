/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/dhcp_pool.c on a 1000-address pool: the MAC index and
 * the free-address set it keeps must give the same answers a walk over the
 * whole table gave (many clients, release and re-request, expiry, static
 * hosts, restore from the lease file). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dhcp_pool_fix.h"

static const uint8_t macA[6] = { 0x52, 0x54, 0, 0, 0, 0xa };
static const uint8_t macS[6] = { 0x52, 0x54, 0, 0, 0, 0x5 };

#define BIG 1000 /* 10.0.1.0 - 10.0.4.231 */

static void big_mac(uint8_t *mac, unsigned k)
{
	const uint8_t m[6] = { 0x52, 0x54, 0, 1, (uint8_t)(k >> 8), (uint8_t)k };

	memcpy(mac, m, 6);
}

static struct in_addr big_ip(unsigned k)
{
	struct in_addr a = { htonl(0x0a000100 + k) };

	return a;
}

static void big_pool(struct fix *f)
{
	struct dhcp_pool_config c = config();

	c.prefix = 16;
	c.start = big_ip(0);
	c.end = big_ip(BIG - 1);
	f->p = dhcp_pool_new(&c, on_event, &f->ev);
	assert_non_null(f->p);
}

static int setup_big(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	big_pool(f);
	*state = f;
	return 0;
}

static void test_many_clients(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;
	uint8_t mac[6];

	for (unsigned k = 0; k < BIG; k++) { /* lowest never-used address first */
		big_mac(mac, k);
		assert_int_equal(lease(f, mac, T0).s_addr, big_ip(k).s_addr);
	}
	assert_int_equal(dhcp_pool_active(f->p), BIG);
	big_mac(mac, BIG);
	assert_int_equal(discover(f, mac, NULL, T0 + 1).s_addr, 0);
	for (unsigned k = BIG; k-- > 0;) { /* every client finds its own lease */
		big_mac(mac, k);
		assert_int_equal(discover(f, mac, NULL, T0 + 2).s_addr, big_ip(k).s_addr);
		request_ci(f, mac, inet_ntoa(big_ip(k)), 1, T0 + 3, &res);
		assert_int_equal(res.reply.type, DHCPACK);
	}
	assert_int_equal(dhcp_pool_active(f->p), BIG);
	assert_int_equal(f->ev.n_gone, 0);
}

static void test_release_rerequest(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;
	uint8_t mac[6];

	for (unsigned k = 0; k < 100; k++) {
		big_mac(mac, k);
		lease(f, mac, T0);
	}
	for (unsigned k = 0; k < 100; k += 2) {
		big_mac(mac, k);
		release(f, mac, big_ip(k), T0 + 1, &res);
		assert_true(res.dirty);
	}
	assert_int_equal(dhcp_pool_active(f->p), 50);
	big_mac(mac, 500); /* a never-used address beats a remembered one */
	assert_int_equal(lease(f, mac, T0 + 2).s_addr, big_ip(100).s_addr);
	big_mac(mac, 10);
	assert_int_equal(lease(f, mac, T0 + 3).s_addr, big_ip(10).s_addr);
	big_mac(mac, 20); /* INIT-REBOOT: the released client is on record */
	request_reboot(f, mac, inet_ntoa(big_ip(20)), T0 + 4, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	big_mac(mac, 21); /* holds .21: may not take .22 */
	request_reboot(f, mac, inet_ntoa(big_ip(22)), T0 + 4, &res);
	assert_int_equal(res.reply.type, DHCPNAK);
	big_mac(mac, 600);
	request_reboot(f, mac, inet_ntoa(big_ip(30)), T0 + 4, &res);
	assert_false(res.has_reply);
	assert_int_equal(dhcp_pool_active(f->p), 53);
}

static void test_expiry_reuse(void **state)
{
	struct fix *f = *state;
	int64_t t = T0 + LEASE + 1;
	uint8_t mac[6];

	for (unsigned k = 0; k < BIG; k++) {
		big_mac(mac, k);
		lease(f, mac, T0);
	}
	assert_int_equal(dhcp_pool_expire(f->p, T0 + LEASE), 1);
	assert_int_equal(f->ev.n_gone, BIG);
	assert_int_equal(dhcp_pool_active(f->p), 0);
	for (unsigned k = 0; k < 5; k++) { /* remembered after expiry */
		big_mac(mac, k);
		assert_int_equal(discover(f, mac, NULL, t).s_addr, big_ip(k).s_addr);
	}
	/* Pool used up: the oldest released address (lowest on a tie) goes
	 * to a newcomer, and its old holder moves on to the next one. */
	big_mac(mac, BIG + 5);
	assert_int_equal(discover(f, mac, NULL, t).s_addr, big_ip(5).s_addr);
	big_mac(mac, 5);
	assert_int_equal(discover(f, mac, NULL, t).s_addr, big_ip(6).s_addr);
	big_mac(mac, 6);
	assert_int_equal(discover(f, mac, NULL, t).s_addr, big_ip(7).s_addr);
	big_mac(mac, BIG + 5); /* the newcomer keeps its one address */
	assert_int_equal(lease(f, mac, t + 1).s_addr, big_ip(5).s_addr);
}

static void test_static_in_big_pool(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	assert_int_equal(dhcp_pool_add_static(f->p, macS, big_ip(3), "s", T0), 0);
	for (unsigned k = 0; k < 10; k++) {
		big_mac(mac, k);
		assert_int_equal(lease(f, mac, T0).s_addr, big_ip(k < 3 ? k : k + 1).s_addr);
	}
	/* Pinning client 7 elsewhere revokes its lease on .8 and frees it. */
	big_mac(mac, 7);
	assert_int_equal(dhcp_pool_add_static(f->p, mac, big_ip(500), NULL, T0 + 1), 0);
	assert_int_equal(f->ev.n_gone, 1);
	assert_int_equal(f->ev.last.ip.s_addr, big_ip(8).s_addr);
	assert_int_equal(discover(f, mac, NULL, T0 + 2).s_addr, big_ip(500).s_addr);
	big_mac(mac, 100);
	assert_int_equal(lease(f, mac, T0 + 2).s_addr, big_ip(8).s_addr);
	for (unsigned k = 11; k < 500; k++) { /* .500 is static: skipped too */
		big_mac(mac, 1000 + k);
		assert_int_equal(lease(f, mac, T0 + 3).s_addr, big_ip(k).s_addr);
	}
	assert_int_equal(discover(f, macA, NULL, T0 + 3).s_addr, big_ip(501).s_addr);
}

static void test_restore_many(void **state)
{
	struct fix *f = *state, g = { 0 };
	struct lease_rec *recs = calloc(BIG, sizeof(*recs)), extra;
	struct dhcp_result res;
	uint8_t mac[6];
	size_t n;

	for (unsigned k = 0; k < 500; k++) {
		big_mac(mac, k);
		lease(f, mac, T0);
		if (k % 5 == 0)
			release(f, mac, big_ip(k), T0 + 1, &res);
	}
	n = dhcp_pool_snapshot(f->p, recs, BIG);
	assert_int_equal(n, 500);
	big_pool(&g);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(dhcp_pool_restore(g.p, &recs[i], T0 + 2), 0);
	assert_int_equal(dhcp_pool_active(g.p), 400);
	/* A second bound lease for a MAC already bound is refused. */
	extra = recs[1];
	extra.ip = big_ip(700);
	assert_int_equal(dhcp_pool_restore(g.p, &extra, T0 + 2), -EEXIST);
	for (unsigned k = 500; k-- > 0;) {
		big_mac(mac, k);
		assert_int_equal(discover(&g, mac, NULL, T0 + 3).s_addr, big_ip(k).s_addr);
	}
	big_mac(mac, 900);
	assert_int_equal(discover(&g, mac, NULL, T0 + 3).s_addr, big_ip(500).s_addr);
	dhcp_pool_free(g.p);
	free(recs);
}

#define TB(fn) cmocka_unit_test_setup_teardown(fn, setup_big, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TB(test_many_clients),
		TB(test_release_rerequest),
		TB(test_expiry_reuse),
		TB(test_static_in_big_pool),
		TB(test_restore_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
