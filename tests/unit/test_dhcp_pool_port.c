/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the pool's ports (lib/dhcp_pool_port.c, issue 16.3 and
 * 16.5): a client's offer and lease belong to the port they were made on,
 * a message for it from another port is refused (wrong_port), and a port
 * holds at most max_macs clients in offers and leases (port_limit). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dhcp_pool_fix.h"

static const uint8_t macA[6] = { 0x52, 0x54, 0, 0, 0, 0xa };
static const uint8_t macB[6] = { 0x52, 0x54, 0, 0, 0, 0xb };
static const uint8_t macC[6] = { 0x52, 0x54, 0, 0, 0, 0xc };
static const uint8_t macD[6] = { 0x52, 0x54, 0, 0, 0, 0xd };

static const struct dhcp_origin port7 = { 7, 1 }, port8 = { 8, 1 }, vde9 = { 9, 3 };

static const struct dhcp_counters *cnt(struct fix *f)
{
	return dhcp_pool_counters(f->p);
}

/* The lease event names the port the exchange came in on. */
static void test_lease_carries_port(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;
	struct in_addr a;

	f->from = &port7;
	a = lease(f, macA, T0);
	assert_int_equal(f->ev.last.port, 7);
	request_ci(f, macA, inet_ntoa(a), 1, T0 + 50, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_int_equal(f->ev.last.port, 7);
	assert_int_equal(cnt(f)->wrong_port + cnt(f)->port_limit, 0);
}

/* Another port names A: its renewal, RELEASE, DECLINE, DISCOVER and
 * REQUEST are refused and counted; A's lease stays. */
static void test_wrong_port_refused(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;
	struct in_addr a;

	f->from = &port7;
	a = lease(f, macA, T0);
	f->from = &port8;
	request_ci(f, macA, inet_ntoa(a), 1, T0 + 1, &res);
	assert_false(res.has_reply);
	release(f, macA, a, T0 + 2, &res);
	decline(f, macA, a, T0 + 3, &res);
	assert_false(res.dirty);
	assert_int_equal(discover(f, macA, NULL, T0 + 4).s_addr, 0);
	request_sel(f, macA, a, "10.0.0.1", T0 + 5, &res);
	assert_false(res.has_reply);
	assert_int_equal(cnt(f)->wrong_port, 5);
	assert_int_equal(cnt(f)->declines, 0);
	assert_int_equal(f->ev.n_gone, 0);
	assert_int_equal(dhcp_pool_active(f->p), 1);
	/* from its own port, A releases */
	f->from = &port7;
	release(f, macA, a, T0 + 6, &res);
	assert_int_equal(f->ev.n_gone, 1);
	/* released: A belongs to no port any more (the data path keeps its
	 * MAC on port 7 while that port is locked to it) */
	f->from = &port8;
	assert_int_equal(discover(f, macA, NULL, T0 + 7).s_addr, a.s_addr);
}

/* One client MAC per single-guest port: a second one gets nothing while
 * the first holds an offer or a lease. */
static void test_port_limit_single(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;
	struct in_addr b;

	f->from = &port7;
	assert_int_not_equal(discover(f, macA, NULL, T0).s_addr, 0);
	assert_int_equal(discover(f, macB, NULL, T0 + 1).s_addr, 0);
	request_sel(f, macB, ip4("10.0.0.15"), "10.0.0.1", T0 + 2, &res);
	assert_false(res.has_reply);
	assert_int_equal(cnt(f)->port_limit, 2);
	/* A's offer expires: B may have one */
	b = discover(f, macB, NULL, T0 + DHCP_DEFAULT_OFFER_HOLD + 1);
	assert_int_not_equal(b.s_addr, 0);
	lease(f, macB, T0 + DHCP_DEFAULT_OFFER_HOLD + 2);
	assert_int_equal(discover(f, macA, NULL, T0 + DHCP_DEFAULT_OFFER_HOLD + 3).s_addr, 0);
	assert_int_equal(cnt(f)->port_limit, 3);
	/* other ports are not affected */
	f->from = &port8;
	lease(f, macC, T0 + DHCP_DEFAULT_OFFER_HOLD + 4);
	assert_int_equal(dhcp_pool_active(f->p), 2);
}

/* A shared (VDE) port takes up to its cap; a released lease frees a slot;
 * INFORM takes nothing and is always answered. */
static void test_port_limit_multi(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;
	struct in_addr a;
	struct pkt p;

	f->from = &vde9;
	a = lease(f, macA, T0);
	lease(f, macB, T0);
	lease(f, macC, T0);
	assert_int_equal(discover(f, macD, NULL, T0 + 1).s_addr, 0);
	assert_int_equal(cnt(f)->port_limit, 1);
	pkt_init(&p, DHCPINFORM, macD, 8);
	pkt_ciaddr(&p, "10.0.0.77");
	pkt_end(&p);
	run(f, &p, 1, T0 + 2, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	release(f, macA, a, T0 + 3, &res);
	assert_int_not_equal(discover(f, macD, NULL, T0 + 4).s_addr, 0);
	assert_int_equal(cnt(f)->port_limit, 1);
}

/* A port that goes away leaves its clients to whichever port they come
 * back on (a re-added device has a new ifindex). */
static void test_forget_port(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;
	struct in_addr a;

	f->from = &port7;
	a = lease(f, macA, T0);
	dhcp_pool_forget_port(f->p, 7);
	f->from = &port8;
	request_ci(f, macA, inet_ntoa(a), 1, T0 + 10, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_int_equal(f->ev.last.port, 8);
	f->from = &port7;
	request_ci(f, macA, inet_ntoa(a), 1, T0 + 20, &res);
	assert_false(res.has_reply);
	assert_int_equal(cnt(f)->wrong_port, 1);
	/* port 7 holds nothing now: a new client may have it */
	assert_int_not_equal(discover(f, macB, NULL, T0 + 21).s_addr, 0);
}

/* A lease restored from the file has no port until its first message;
 * messages with no known origin (a server without a data path) are not
 * checked at all. */
static void test_restored_and_unknown(void **state)
{
	struct fix *f = *state;
	struct lease_rec r = { .mac = { 0x52, 0x54, 0, 0, 0, 0xa }, .state = LEASE_BOUND };
	struct dhcp_result res;

	r.ip = ip4("10.0.0.12");
	r.expires = T0 + LEASE;
	assert_int_equal(dhcp_pool_restore(f->p, &r, T0), 0);
	assert_int_equal(f->ev.last.port, 0);
	f->from = &port8;
	request_ci(f, macA, "10.0.0.12", 1, T0 + 1, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_int_equal(f->ev.last.port, 8);
	f->from = &port7;
	request_ci(f, macA, "10.0.0.12", 1, T0 + 2, &res);
	assert_false(res.has_reply);
	f->from = NULL;
	request_ci(f, macA, "10.0.0.12", 1, T0 + 3, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_int_equal(cnt(f)->wrong_port, 1);
}

/* A static host belongs to the port it was acked on, like a lease. */
static void test_static_host_port(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;

	assert_int_equal(dhcp_pool_add_static(f->p, macC, ip4("10.0.0.50"), "pinned", T0), 0);
	f->from = &port7;
	request_reboot(f, macC, "10.0.0.50", T0, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_int_equal(f->ev.last.port, 7);
	assert_int_equal(discover(f, macA, NULL, T0 + 1).s_addr, 0);	/* port 7 is full */
	f->from = &port8;
	request_reboot(f, macC, "10.0.0.50", T0 + 2, &res);
	assert_false(res.has_reply);
	assert_int_equal(cnt(f)->wrong_port, 1);
	assert_int_equal(cnt(f)->port_limit, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_lease_carries_port),
		T(test_wrong_port_refused),
		T(test_port_limit_single),
		T(test_port_limit_multi),
		T(test_forget_port),
		T(test_restored_and_unknown),
		T(test_static_host_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
