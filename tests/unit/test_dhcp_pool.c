/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/dhcp_pool.c: every RFC 2131 server path, static hosts,
 * exhaustion, decline quarantine, release spoofing, expiry, persistence. */
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
static const uint8_t macS[6] = { 0x52, 0x54, 0, 0, 0, 0x5 };

static void test_discover_request_ack(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;
	struct in_addr ip;
	struct pkt p;
	uint8_t prl[] = { 1, 3, 6, 12, 15, 26 };

	pkt_init(&p, DHCPDISCOVER, macA, 7);
	pkt_opt(&p, OPT_PRL, sizeof(prl), prl);
	pkt_opt(&p, OPT_HOSTNAME, 6, "guestA");
	pkt_end(&p);
	run(f, &p, 0, T0, &res);
	assert_true(res.has_reply);
	assert_int_equal(res.reply.type, DHCPOFFER);
	assert_int_equal(res.dest, DHCP_DEST_BROADCAST);
	assert_int_equal(res.reply.lease_secs, LEASE);
	assert_int_equal(res.reply.t1_secs, LEASE / 2);
	assert_int_equal(res.reply.t2_secs, LEASE * 7 / 8);
	assert_int_equal(res.reply.mask.s_addr, ip4("255.255.255.0").s_addr);
	assert_int_equal(res.reply.router.s_addr, ip4("10.0.0.1").s_addr);
	assert_int_equal(res.reply.dns.s_addr, ip4("10.0.0.1").s_addr);
	assert_int_equal(res.reply.server_id.s_addr, ip4("10.0.0.1").s_addr);
	assert_string_equal(res.reply.domain, "vnet.test");
	assert_string_equal(res.reply.hostname, "guestA");
	assert_int_equal(res.reply.mtu, 1400);
	assert_int_equal(res.reply.prl_len, sizeof(prl));
	assert_false(res.dirty); /* offers are not persisted */
	assert_int_equal(f->ev.n_bound, 0);
	ip = res.reply.yiaddr;
	assert_true(ntohl(ip.s_addr) >= ntohl(ip4("10.0.0.10").s_addr));
	assert_true(ntohl(ip.s_addr) <= ntohl(ip4("10.0.0.19").s_addr));
	/* A second DISCOVER gets the same offer. */
	assert_int_equal(discover(f, macA, NULL, T0 + 1).s_addr, ip.s_addr);
	request_sel(f, macA, ip, "10.0.0.1", T0 + 2, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_true(res.dirty);
	assert_int_equal(f->ev.n_bound, 1);
	assert_int_equal(f->ev.last.ip.s_addr, ip.s_addr);
	assert_int_equal(f->ev.last.expires, T0 + 2 + LEASE);
	assert_string_equal(f->ev.last.hostname, "guestA");
	assert_int_equal(dhcp_pool_active(f->p), 1);
	assert_int_equal(dhcp_pool_counters(f->p)->rx[DHCPDISCOVER], 2);
	assert_int_equal(dhcp_pool_counters(f->p)->rx[DHCPREQUEST], 1);
}

static void test_requested_ip_honoured(void **state)
{
	struct fix *f = *state;

	assert_int_equal(discover(f, macA, "10.0.0.15", T0).s_addr, ip4("10.0.0.15").s_addr);
	/* Out of range or taken requests fall back to the pool. */
	assert_int_not_equal(discover(f, macB, "10.0.0.15", T0).s_addr, ip4("10.0.0.15").s_addr);
	assert_int_not_equal(discover(f, macB, "10.0.0.1", T0).s_addr, ip4("10.0.0.1").s_addr);
}

static void test_selected_other_server(void **state)
{
	struct fix *f = *state;
	struct in_addr ip = discover(f, macA, NULL, T0);
	struct dhcp_result res;

	request_sel(f, macA, ip, "10.0.0.2", T0, &res);
	assert_false(res.has_reply);
	assert_int_equal(dhcp_pool_counters(f->p)->ignored, 1);
	/* The reservation is gone: another client may now get it. */
	assert_int_equal(discover(f, macB, inet_ntoa(ip), T0).s_addr, ip.s_addr);
}

static void test_selecting_wrong_address_nak(void **state)
{
	struct fix *f = *state;
	struct in_addr a = lease(f, macA, T0), b;
	struct dhcp_result res;

	b = discover(f, macB, NULL, T0);
	request_sel(f, macB, a, "10.0.0.1", T0, &res); /* A's address */
	assert_int_equal(res.reply.type, DHCPNAK);
	assert_int_equal(res.dest, DHCP_DEST_BROADCAST);
	assert_false(res.reply.has_lease);
	assert_int_equal(res.reply.yiaddr.s_addr, 0);
	request_sel(f, macB, ip4("10.0.0.200"), "10.0.0.1", T0, &res); /* outside range */
	assert_int_equal(res.reply.type, DHCPNAK);
	request_sel(f, macB, b, "10.0.0.1", T0, &res);
	assert_int_equal(res.reply.type, DHCPACK);
}

static void test_init_reboot(void **state)
{
	struct fix *f = *state;
	struct in_addr a = lease(f, macA, T0);
	struct dhcp_result res;
	char other[16];

	request_reboot(f, macA, inet_ntoa(a), T0 + 10, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_int_equal(res.reply.yiaddr.s_addr, a.s_addr);
	assert_string_equal(res.what, "init-reboot");
	/* Wrong subnet: NAK. */
	request_reboot(f, macA, "192.168.5.5", T0 + 10, &res);
	assert_true(res.has_reply);
	assert_int_equal(res.reply.type, DHCPNAK);
	/* Right subnet, not its address: NAK. */
	snprintf(other, sizeof(other), "10.0.0.%d", (ntohl(a.s_addr) & 0xff) == 10 ? 11 : 10);
	request_reboot(f, macA, other, T0 + 10, &res);
	assert_int_equal(res.reply.type, DHCPNAK);
	/* No record of the client: silent. */
	request_reboot(f, macB, "10.0.0.18", T0 + 10, &res);
	assert_false(res.has_reply);
}

static void test_renew_rebind(void **state)
{
	struct fix *f = *state;
	struct in_addr a = lease(f, macA, T0);
	struct dhcp_result res;
	char ip[16];

	snprintf(ip, sizeof(ip), "%s", inet_ntoa(a));
	request_ci(f, macA, ip, 1, T0 + 50, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_string_equal(res.what, "renewing");
	assert_int_equal(res.dest, DHCP_DEST_CIADDR);
	assert_int_equal(res.dest_ip.s_addr, a.s_addr);
	assert_int_equal(res.reply.ciaddr.s_addr, a.s_addr);
	assert_int_equal(f->ev.last.expires, T0 + 50 + LEASE);
	request_ci(f, macA, ip, 0, T0 + 90, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_string_equal(res.what, "rebinding");
	/* Another client claiming A's address: NAK. */
	request_ci(f, macB, ip, 1, T0 + 90, &res);
	assert_int_equal(res.reply.type, DHCPNAK);
	/* Foreign network: NAK. */
	request_ci(f, macB, "172.16.0.9", 1, T0 + 90, &res);
	assert_int_equal(res.reply.type, DHCPNAK);
}

static void test_release(void **state)
{
	struct fix *f = *state;
	struct in_addr a = lease(f, macA, T0);
	struct dhcp_result res;

	/* A RELEASE from another MAC is ignored. */
	release(f, macB, a, T0 + 1, &res);
	assert_false(res.has_reply);
	assert_false(res.dirty);
	assert_int_equal(f->ev.n_gone, 0);
	assert_int_equal(dhcp_pool_active(f->p), 1);
	assert_int_equal(dhcp_pool_counters(f->p)->release_ignored, 1);
	release(f, macA, a, T0 + 2, &res);
	assert_false(res.has_reply);
	assert_true(res.dirty);
	assert_int_equal(f->ev.n_gone, 1);
	assert_int_equal(f->ev.last.ip.s_addr, a.s_addr);
	assert_int_equal(dhcp_pool_active(f->p), 0);
	/* The client is remembered and gets the same address back. */
	assert_int_equal(discover(f, macA, NULL, T0 + 3).s_addr, a.s_addr);
}

static void test_decline_quarantine(void **state)
{
	struct fix *f = *state;
	struct in_addr a = lease(f, macA, T0), b;
	struct dhcp_result res;
	struct lease_rec recs[16];

	/* Only the holder may decline. */
	decline(f, macB, a, T0 + 1, &res);
	assert_false(res.dirty);
	assert_int_equal(dhcp_pool_counters(f->p)->declines, 0);
	decline(f, macA, a, T0 + 1, &res);
	assert_false(res.has_reply);
	assert_true(res.dirty);
	assert_int_equal(dhcp_pool_counters(f->p)->declines, 1);
	assert_int_equal(f->ev.n_gone, 1);
	b = discover(f, macA, inet_ntoa(a), T0 + 2);
	assert_int_not_equal(b.s_addr, 0);
	assert_int_not_equal(b.s_addr, a.s_addr);
	/* The quarantine is persisted ... */
	assert_int_equal(dhcp_pool_snapshot(f->p, recs, 16), 1);
	assert_int_equal(recs[0].state, LEASE_DECLINED);
	assert_int_equal(recs[0].ip.s_addr, a.s_addr);
	/* ... and ends after DHCP_DEFAULT_QUARANTINE. */
	assert_int_equal(dhcp_pool_next_expiry(f->p) <= T0 + 1 + DHCP_DEFAULT_QUARANTINE, 1);
	assert_int_equal(discover(f, macB, inet_ntoa(a), T0 + 2 + DHCP_DEFAULT_QUARANTINE).s_addr,
			 a.s_addr);
}

static void test_exhaustion(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6] = { 0x52, 0x54, 0, 0, 1, 0 };
	int i;

	for (i = 0; i < 10; i++) {
		mac[5] = (uint8_t)i;
		lease(f, mac, T0);
	}
	mac[5] = 99;
	assert_int_equal(discover(f, mac, NULL, T0 + 1).s_addr, 0);
	assert_int_equal(dhcp_pool_counters(f->p)->pool_exhausted, 1);
	assert_int_equal(dhcp_pool_active(f->p), 10);
	/* Leases expire: gone events, and the pool has room again. */
	assert_int_equal(dhcp_pool_expire(f->p, T0 + LEASE), 1);
	assert_int_equal(f->ev.n_gone, 10);
	assert_int_equal(dhcp_pool_active(f->p), 0);
	assert_int_not_equal(discover(f, mac, NULL, T0 + LEASE + 1).s_addr, 0);
}

static void test_offer_flood_expires(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6] = { 0x52, 0x54, 0, 0, 2, 0 };
	int i;

	for (i = 0; i < 10; i++) {
		mac[5] = (uint8_t)i;
		assert_int_not_equal(discover(f, mac, NULL, T0).s_addr, 0);
	}
	assert_int_equal(discover(f, macA, NULL, T0).s_addr, 0);
	assert_int_equal(dhcp_pool_active(f->p), 0); /* offers are not leases */
	assert_int_not_equal(discover(f, macA, NULL, T0 + DHCP_DEFAULT_OFFER_HOLD).s_addr, 0);
}

static void test_static_host(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;
	uint8_t mac[6] = { 0x52, 0x54, 0, 0, 3, 0 };
	int i;

	assert_int_equal(dhcp_pool_add_static(f->p, macS, ip4("10.0.0.12"), "fixed", T0), 0);
	assert_int_equal(dhcp_pool_add_static(f->p, macS, ip4("10.0.0.13"), "x", T0), -EEXIST);
	assert_int_equal(dhcp_pool_add_static(f->p, macB, ip4("10.0.0.12"), "x", T0), -EADDRINUSE);
	assert_int_equal(dhcp_pool_add_static(f->p, macB, ip4("10.0.1.12"), "x", T0), -EINVAL);
	assert_int_equal(dhcp_pool_add_static(f->p, macB, ip4("10.0.0.1"), "x", T0), -EINVAL);
	assert_int_equal(discover(f, macS, NULL, T0).s_addr, ip4("10.0.0.12").s_addr);
	request_sel(f, macS, ip4("10.0.0.12"), "10.0.0.1", T0, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_string_equal(f->ev.last.hostname, "fixed");
	assert_true(f->ev.last.is_static);
	assert_int_equal(f->ev.last.expires, 0);
	/* The static host cannot take another address. */
	request_sel(f, macS, ip4("10.0.0.14"), "10.0.0.1", T0, &res);
	assert_int_equal(res.reply.type, DHCPNAK);
	/* Nobody else can take the static address, by any path. */
	assert_int_not_equal(discover(f, macA, "10.0.0.12", T0).s_addr, ip4("10.0.0.12").s_addr);
	request_sel(f, macB, ip4("10.0.0.12"), "10.0.0.1", T0, &res);
	assert_int_equal(res.reply.type, DHCPNAK);
	request_ci(f, macB, "10.0.0.12", 1, T0, &res);
	assert_int_equal(res.reply.type, DHCPNAK);
	/* Fill the rest of the range (10 addresses, .12 static, one offered
	 * to macA above): 8 more dynamic addresses, never .12. */
	for (i = 0; i < 8; i++) {
		mac[5] = (uint8_t)i;
		assert_int_not_equal(lease(f, mac, T0).s_addr, ip4("10.0.0.12").s_addr);
	}
	mac[5] = 50;
	assert_int_equal(discover(f, mac, NULL, T0).s_addr, 0);
}

static void test_static_revokes_dynamic(void **state)
{
	struct fix *f = *state;
	struct in_addr a = lease(f, macA, T0);
	struct dhcp_result res;

	assert_int_equal(dhcp_pool_add_static(f->p, macB, a, NULL, T0), 0);
	assert_int_equal(f->ev.n_gone, 1);
	request_ci(f, macA, inet_ntoa(a), 1, T0 + 50, &res);
	assert_int_equal(res.reply.type, DHCPNAK);
}

/* net-update delete / host-del: the host's binding ends (gone event), its
 * address goes back to the range and the MAC is an ordinary client again. */
static void test_static_delete(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;

	assert_int_equal(dhcp_pool_del_static(f->p, macS, T0), -ENOENT);
	assert_int_equal(dhcp_pool_add_static(f->p, macS, ip4("10.0.0.12"), "fixed", T0), 0);
	request_sel(f, macS, ip4("10.0.0.12"), "10.0.0.1", T0, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_int_equal(f->ev.n_gone, 0);
	assert_int_equal(dhcp_pool_del_static(f->p, macS, T0 + 1), 0);
	assert_int_equal(f->ev.n_gone, 1);
	assert_int_equal(f->ev.last.ip.s_addr, ip4("10.0.0.12").s_addr);
	assert_int_equal(dhcp_pool_del_static(f->p, macS, T0 + 1), -ENOENT);
	/* the address is free for anyone, the MAC gets it back only as a lease */
	assert_int_equal(discover(f, macA, "10.0.0.12", T0 + 2).s_addr, ip4("10.0.0.12").s_addr);
	request_sel(f, macS, ip4("10.0.0.12"), "10.0.0.1", T0 + 2, &res);
	assert_int_equal(res.reply.type, DHCPNAK);
	/* and may be pinned again, elsewhere */
	assert_int_equal(dhcp_pool_add_static(f->p, macS, ip4("10.0.0.13"), "fixed", T0 + 3), 0);
	assert_int_equal(discover(f, macS, NULL, T0 + 3).s_addr, ip4("10.0.0.13").s_addr);
}

static void test_inform(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;
	struct pkt p;

	pkt_init(&p, DHCPINFORM, macA, 8);
	pkt_ciaddr(&p, "10.0.0.77");
	pkt_end(&p);
	run(f, &p, 1, T0, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_false(res.reply.has_lease);
	assert_int_equal(res.reply.yiaddr.s_addr, 0);
	assert_true(res.reply.has_netcfg);
	assert_int_equal(res.dest, DHCP_DEST_CIADDR);
	assert_int_equal(res.dest_ip.s_addr, ip4("10.0.0.77").s_addr);
	assert_false(res.dirty);
	assert_int_equal(dhcp_pool_active(f->p), 0);
}

static void test_invalid_messages(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;
	struct pkt p;
	const uint8_t mcast[6] = { 0x01, 0, 0x5e, 0, 0, 1 };

	pkt_init(&p, DHCPOFFER, macA, 9); /* a server message from a client */
	pkt_end(&p);
	run(f, &p, 0, T0, &res);
	assert_false(res.has_reply);
	pkt_init(&p, DHCPDISCOVER, macA, 9);
	p.b[0] = BOOTREPLY;
	pkt_end(&p);
	run(f, &p, 0, T0, &res);
	assert_false(res.has_reply);
	pkt_init(&p, DHCPDISCOVER, macA, 9);
	p.b[2] = 16; /* hlen */
	pkt_end(&p);
	run(f, &p, 0, T0, &res);
	assert_false(res.has_reply);
	pkt_init(&p, DHCPDISCOVER, mcast, 9);
	pkt_end(&p);
	run(f, &p, 0, T0, &res);
	assert_false(res.has_reply);
	pkt_init(&p, 0, macA, 9); /* plain BOOTP */
	pkt_end(&p);
	run(f, &p, 0, T0, &res);
	assert_false(res.has_reply);
	pkt_init(&p, DHCPDISCOVER, macA, 9);
	inet_pton(AF_INET, "192.168.9.1", p.b + 24); /* foreign relay */
	pkt_end(&p);
	run(f, &p, 0, T0, &res);
	assert_false(res.has_reply);
	assert_int_equal(dhcp_pool_counters(f->p)->bad_packets, 6);
}

static void test_relay_dest(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;
	struct pkt p;

	pkt_init(&p, DHCPDISCOVER, macA, 10);
	inet_pton(AF_INET, "10.0.0.254", p.b + 24);
	pkt_end(&p);
	run(f, &p, 0, T0, &res);
	assert_int_equal(res.dest, DHCP_DEST_RELAY);
	assert_int_equal(res.dest_ip.s_addr, ip4("10.0.0.254").s_addr);
	assert_int_equal(res.reply.giaddr.s_addr, ip4("10.0.0.254").s_addr);
	pkt_init(&p, DHCPREQUEST, macA, 11);
	pkt_ip_opt(&p, OPT_REQ_IP, "10.0.1.5");
	inet_pton(AF_INET, "10.0.0.254", p.b + 24);
	pkt_end(&p);
	run(f, &p, 0, T0, &res);
	assert_int_equal(res.reply.type, DHCPNAK);
	assert_int_equal(res.reply.flags & DHCP_BROADCAST_FLAG, DHCP_BROADCAST_FLAG);
	assert_int_equal(res.dest, DHCP_DEST_RELAY);
}

static void test_bad_hostname_not_stored(void **state)
{
	struct fix *f = *state;
	struct dhcp_result res;
	struct pkt p;

	pkt_init(&p, DHCPDISCOVER, macA, 12);
	pkt_opt(&p, OPT_HOSTNAME, 9, "evil;\nrm ");
	pkt_end(&p);
	run(f, &p, 0, T0, &res);
	assert_string_equal(res.reply.hostname, "");
	request_sel(f, macA, res.reply.yiaddr, "10.0.0.1", T0, &res);
	assert_string_equal(f->ev.last.hostname, "");
}

static void test_snapshot_restore(void **state)
{
	struct fix *f = *state;
	struct in_addr a = lease(f, macA, T0), b = lease(f, macB, T0 + 10);
	struct dhcp_pool_config c = config();
	struct lease_rec recs[16], bad;
	struct dhcp_result res;
	struct fix g = { 0 };
	size_t n;

	release(f, macB, b, T0 + 20, &res);
	n = dhcp_pool_snapshot(f->p, recs, 16);
	assert_int_equal(n, 2);
	assert_int_equal(dhcp_pool_persist_count(f->p), 2);
	g.p = dhcp_pool_new(&c, on_event, &g.ev);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(dhcp_pool_restore(g.p, &recs[i], T0 + 30), 0);
	assert_int_equal(g.ev.n_bound, 1); /* only A's lease is live */
	assert_int_equal(g.ev.last.ip.s_addr, a.s_addr);
	assert_int_equal(dhcp_pool_active(g.p), 1);
	/* Duplicates and records that do not fit are refused. */
	assert_int_equal(dhcp_pool_restore(g.p, &recs[0], T0 + 30), -EEXIST);
	bad = recs[0];
	bad.ip = ip4("10.0.0.200");
	assert_int_equal(dhcp_pool_restore(g.p, &bad, T0 + 30), -EINVAL);
	/* A's renewal is acked by the new pool; B gets its old address back. */
	request_ci(&g, macA, inet_ntoa(a), 1, T0 + 60, &res);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_int_equal(discover(&g, macB, NULL, T0 + 60).s_addr, b.s_addr);
	/* A lease that expired while down comes back released. */
	dhcp_pool_free(g.p);
	memset(&g, 0, sizeof(g));
	g.p = dhcp_pool_new(&c, on_event, &g.ev);
	assert_int_equal(dhcp_pool_restore(g.p, &recs[0], T0 + 10 * LEASE), 0);
	assert_int_equal(g.ev.n_bound, 0);
	assert_int_equal(dhcp_pool_active(g.p), 0);
	dhcp_pool_free(g.p);
}

static void test_config_validation(void **state)
{
	struct dhcp_pool_config c = config();

	c.start = ip4("10.0.0.0"); /* network address */
	assert_null(dhcp_pool_new(&c, NULL, NULL));
	c = config();
	c.end = ip4("10.0.1.5"); /* outside subnet */
	assert_null(dhcp_pool_new(&c, NULL, NULL));
	c = config();
	c.start = ip4("10.0.0.1"); /* contains the server */
	assert_null(dhcp_pool_new(&c, NULL, NULL));
	c = config();
	c.prefix = 31;
	assert_null(dhcp_pool_new(&c, NULL, NULL));
	c = config();
	c.prefix = 8;
	c.start = ip4("10.0.0.2");
	c.end = ip4("10.200.0.2"); /* too large */
	assert_null(dhcp_pool_new(&c, NULL, NULL));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_discover_request_ack),
		T(test_requested_ip_honoured),
		T(test_selected_other_server),
		T(test_selecting_wrong_address_nak),
		T(test_init_reboot),
		T(test_renew_rebind),
		T(test_release),
		T(test_decline_quarantine),
		T(test_exhaustion),
		T(test_offer_flood_expires),
		T(test_static_host),
		T(test_static_revokes_dynamic),
		T(test_static_delete),
		T(test_inform),
		T(test_invalid_messages),
		T(test_relay_dest),
		T(test_bad_hostname_not_stored),
		T(test_snapshot_restore),
		cmocka_unit_test(test_config_validation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
