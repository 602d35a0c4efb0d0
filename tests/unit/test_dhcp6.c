/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/dhcp6: message parsing and the I/O-free server
 * (solicit/advertise/request/reply, rapid commit, renew, rebind after a
 * lost state, release, decline, confirm, information-request,
 * reservations by DUID and by name, exhaustion, the lease file line). */
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

#include "dhcp6/dhcp6.h"

/* ---- a client's message, built by hand ---------------------------------- */
struct mb {
	uint8_t b[1500];
	size_t n;
};

static void mb_put(struct mb *m, const void *v, size_t n)
{
	memcpy(m->b + m->n, v, n);
	m->n += n;
}

static void mb_opt(struct mb *m, unsigned code, const void *v, size_t n)
{
	uint8_t h[4] = { (uint8_t)(code >> 8), (uint8_t)code, (uint8_t)(n >> 8), (uint8_t)n };

	mb_put(m, h, 4);
	mb_put(m, v, n);
}

static struct dhcp6_duid duid_of(uint8_t last)
{
	struct dhcp6_duid d = { 10, { 0, 3, 0, 1, 0x52, 0x54, 0, 0, 0, last } };

	return d;
}

#define A6(s) (a6buf = a6(s), &a6buf)
static struct in6_addr a6buf;

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* type, client (0 = none), server id (NULL = none), iaid (0 = no IA_NA),
 * an address in the IA (NULL = none), flags: 1 rapid commit, name. */
static void msg(struct dhcp6_msg *out, unsigned type, uint8_t client,
		const struct dhcp6_duid *server, uint32_t iaid, const char *addr, int rapid,
		const char *name)
{
	struct mb m = { { 0 }, 0 };
	uint8_t hdr[4] = { (uint8_t)type, 0x12, 0x34, 0x56 };

	mb_put(&m, hdr, 4);
	if (client) {
		struct dhcp6_duid d = duid_of(client);

		mb_opt(&m, DHCP6_OPT_CLIENTID, d.b, d.len);
	}
	if (server)
		mb_opt(&m, DHCP6_OPT_SERVERID, server->b, server->len);
	if (iaid) {
		uint8_t ia[12 + 28] = { (uint8_t)(iaid >> 24), (uint8_t)(iaid >> 16),
					(uint8_t)(iaid >> 8), (uint8_t)iaid };
		size_t n = 12;

		if (addr) {
			struct in6_addr a = a6(addr);

			ia[12] = 0, ia[13] = DHCP6_OPT_IAADDR, ia[14] = 0, ia[15] = 24;
			memcpy(ia + 16, &a, 16);
			n += 28;
		}
		mb_opt(&m, DHCP6_OPT_IA_NA, ia, n);
	}
	if (rapid)
		mb_opt(&m, DHCP6_OPT_RAPID_COMMIT, NULL, 0);
	if (name) {
		uint8_t f[70] = { 0, (uint8_t)strlen(name) };

		memcpy(f + 2, name, strlen(name));
		mb_opt(&m, DHCP6_OPT_FQDN, f, 2 + strlen(name) + 1);
	}
	assert_int_equal(dhcp6_msg_parse(m.b, m.n, out), 0);
}

/* ---- reading a reply -------------------------------------------------------- */
static const uint8_t *find_opt(const uint8_t *b, size_t len, unsigned code, size_t *olen)
{
	for (size_t at = 0; at + 4 <= len;) {
		unsigned c = (unsigned)b[at] << 8 | b[at + 1], l = (unsigned)b[at + 2] << 8 | b[at + 3];

		if (at + 4 + l > len)
			return NULL;
		if (c == code) {
			*olen = l;
			return b + at + 4;
		}
		at += 4 + l;
	}
	return NULL;
}

/* The address of the reply's first IA_NA, or :: ; its status via *st. */
static struct in6_addr ia_addr(const uint8_t *r, size_t len, int *st, uint32_t *valid)
{
	struct in6_addr a = { 0 };
	size_t l, l2;
	const uint8_t *ia = find_opt(r + 4, len - 4, DHCP6_OPT_IA_NA, &l), *x;

	*st = -1;
	if (!ia)
		return a;
	if ((x = find_opt(ia + 12, l - 12, DHCP6_OPT_IAADDR, &l2))) {
		memcpy(&a, x, 16);
		if (valid)
			*valid = (uint32_t)x[20] << 24 | (uint32_t)x[21] << 16 | (uint32_t)x[22] << 8 | x[23];
		*st = 0;
	} else if ((x = find_opt(ia + 12, l - 12, DHCP6_OPT_STATUS_CODE, &l2))) {
		*st = x[0] << 8 | x[1];
	}
	return a;
}

/* ---- the server under test -------------------------------------------------- */
struct world {
	struct dhcp6_pool *p;
	struct dhcp6_duid sid;
	int bound, gone;
	struct in6_addr last_ip;
};
static struct world W;

static void on_event(void *ctx, const struct dhcp6_event *ev)
{
	(void)ctx;
	if (ev->bound)
		W.bound++;
	else
		W.gone++;
	W.last_ip = ev->lease->ip;
}

static void make_pool(const char *start, const char *end, int rapid)
{
	struct dhcp6_pool_config c = { 0 };
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0xaa, 0xbb, 0xcc };

	dhcp6_duid_ll(mac, &c.server_id);
	c.n_ranges = 1;
	c.ranges[0].start = a6(start);
	c.ranges[0].end = a6(end);
	c.has_dns = 1;
	c.dns = a6("fd00:1::1");
	strcpy(c.domain, "example.test");
	c.rapid_commit = rapid;
	c.n_hosts = 2;
	c.hosts[0].has_id = 1;
	c.hosts[0].id = duid_of(0x77);
	c.hosts[0].has_ip = 1;
	c.hosts[0].ip = a6("fd00:1::77");
	strcpy(c.hosts[1].name, "pinned");
	c.hosts[1].has_ip = 1;
	c.hosts[1].ip = a6("fd00:1::88");
	c.hosts[1].lease_secs = 7200;
	memset(&W, 0, sizeof(W));
	W.sid = c.server_id;
	W.p = dhcp6_pool_new(&c, on_event, NULL);
	assert_non_null(W.p);
}

static int teardown(void **state)
{
	(void)state;
	dhcp6_pool_free(W.p);
	W.p = NULL;
	return 0;
}

static size_t ask(const struct dhcp6_msg *m, int64_t now, uint8_t *out)
{
	int dirty;

	return dhcp6_pool_handle(W.p, m, now, out, 1500, &dirty);
}

/* The four-message exchange, then renew and release. */
static void test_exchange(void **state)
{
	struct dhcp6_msg m;
	uint8_t r[1500];
	size_t n;
	int st;
	uint32_t valid;
	struct in6_addr a, b;

	(void)state;
	make_pool("fd00:1::100", "fd00:1::1ff", 0);
	msg(&m, DHCP6_SOLICIT, 1, NULL, 7, NULL, 0, NULL);
	n = ask(&m, 1000, r);
	assert_true(n > 4);
	assert_int_equal(r[0], DHCP6_ADVERTISE);
	assert_memory_equal(r + 1, "\x12\x34\x56", 3);
	a = ia_addr(r, n, &st, &valid);
	assert_int_equal(st, 0);
	assert_memory_equal(&a, A6("fd00:1::100"), 16);
	assert_int_equal(valid, DHCP6_DEFAULT_LEASE);
	assert_int_equal(W.bound, 0); /* an advertise binds nothing */
	msg(&m, DHCP6_REQUEST, 1, &W.sid, 7, "fd00:1::100", 0, "guest1");
	n = ask(&m, 1001, r);
	assert_int_equal(r[0], DHCP6_REPLY);
	b = ia_addr(r, n, &st, NULL);
	assert_memory_equal(&a, &b, 16);
	assert_int_equal(W.bound, 1);
	assert_int_equal(dhcp6_pool_count(W.p), 1);
	/* DNS servers and the domain list in wire format */
	size_t l;
	const uint8_t *d = find_opt(r + 4, n - 4, DHCP6_OPT_DNS_SERVERS, &l);
	assert_non_null(d);
	assert_int_equal(l, 16);
	assert_memory_equal(d, A6("fd00:1::1"), 16);
	d = find_opt(r + 4, n - 4, DHCP6_OPT_DOMAIN_LIST, &l);
	assert_non_null(d);
	assert_int_equal(l, 14);
	assert_memory_equal(d, "\x07" "example" "\x04" "test" "\x00", 14);
	/* a second client gets another address */
	msg(&m, DHCP6_SOLICIT, 2, NULL, 7, NULL, 0, NULL);
	n = ask(&m, 1002, r);
	b = ia_addr(r, n, &st, NULL);
	assert_memory_equal(&b, A6("fd00:1::101"), 16);
	/* renew keeps the address */
	msg(&m, DHCP6_RENEW, 1, &W.sid, 7, "fd00:1::100", 0, NULL);
	n = ask(&m, 2000, r);
	b = ia_addr(r, n, &st, NULL);
	assert_memory_equal(&a, &b, 16);
	assert_int_equal(W.bound, 2);
	/* release gives it back */
	msg(&m, DHCP6_RELEASE, 1, &W.sid, 7, "fd00:1::100", 0, NULL);
	n = ask(&m, 2001, r);
	assert_int_equal(r[0], DHCP6_REPLY);
	assert_int_equal(W.gone, 1);
	assert_int_equal(dhcp6_pool_count(W.p), 0);
}

static void test_rapid_commit(void **state)
{
	struct dhcp6_msg m;
	uint8_t r[1500];
	size_t n, l;
	int st;

	(void)state;
	make_pool("fd00:1::100", "fd00:1::1ff", 1);
	msg(&m, DHCP6_SOLICIT, 1, NULL, 1, NULL, 1, NULL);
	n = ask(&m, 10, r);
	assert_int_equal(r[0], DHCP6_REPLY);
	assert_non_null(find_opt(r + 4, n - 4, DHCP6_OPT_RAPID_COMMIT, &l));
	ia_addr(r, n, &st, NULL);
	assert_int_equal(st, 0);
	assert_int_equal(W.bound, 1);
	teardown(state);
	/* a server that does not allow it advertises */
	make_pool("fd00:1::100", "fd00:1::1ff", 0);
	n = ask(&m, 10, r);
	assert_int_equal(r[0], DHCP6_ADVERTISE);
	assert_null(find_opt(r + 4, n - 4, DHCP6_OPT_RAPID_COMMIT, &l));
}

static void test_reservations(void **state)
{
	struct dhcp6_msg m;
	uint8_t r[1500];
	size_t n;
	int st;
	uint32_t valid;
	struct in6_addr a;

	(void)state;
	make_pool("fd00:1::100", "fd00:1::1ff", 0);
	msg(&m, DHCP6_SOLICIT, 0x77, NULL, 3, NULL, 0, NULL);
	n = ask(&m, 10, r);
	a = ia_addr(r, n, &st, NULL);
	assert_memory_equal(&a, A6("fd00:1::77"), 16);
	msg(&m, DHCP6_SOLICIT, 5, NULL, 3, NULL, 0, "PINNED");
	n = ask(&m, 10, r);
	a = ia_addr(r, n, &st, &valid);
	assert_memory_equal(&a, A6("fd00:1::88"), 16);
	assert_int_equal(valid, 7200);
	/* the name is taken by a bound client: another client gets the pool */
	msg(&m, DHCP6_REQUEST, 5, &W.sid, 3, NULL, 0, "pinned");
	ask(&m, 11, r);
	msg(&m, DHCP6_SOLICIT, 6, NULL, 3, NULL, 0, "pinned");
	n = ask(&m, 12, r);
	a = ia_addr(r, n, &st, NULL);
	assert_int_equal(st, DHCP6_NO_ADDRS_AVAIL);
}

static void test_exhaustion_and_expiry(void **state)
{
	struct dhcp6_msg m;
	uint8_t r[1500];
	size_t n;
	int st;

	(void)state;
	make_pool("fd00:1::100", "fd00:1::101", 0);
	for (uint8_t c = 1; c <= 2; c++) {
		msg(&m, DHCP6_SOLICIT, c, NULL, 1, NULL, 0, NULL);
		ask(&m, 10, r);
	}
	msg(&m, DHCP6_SOLICIT, 3, NULL, 1, NULL, 0, NULL);
	n = ask(&m, 10, r);
	ia_addr(r, n, &st, NULL);
	assert_int_equal(st, DHCP6_NO_ADDRS_AVAIL);
	assert_int_equal(dhcp6_pool_counters(W.p)->no_addrs, 1);
	/* offers lapse after DHCP6_OFFER_HOLD */
	n = ask(&m, 10 + DHCP6_OFFER_HOLD, r);
	ia_addr(r, n, &st, NULL);
	assert_int_equal(st, 0);
	/* a bound lease expires with an event */
	msg(&m, DHCP6_REQUEST, 3, &W.sid, 1, NULL, 0, NULL);
	ask(&m, 100, r);
	assert_int_equal(W.bound, 1);
	assert_int_equal(dhcp6_pool_expire(W.p, 100 + DHCP6_DEFAULT_LEASE), 1);
	assert_int_equal(W.gone, 1);
}

static void test_rules(void **state)
{
	struct dhcp6_msg m;
	struct dhcp6_duid other = duid_of(0x99);
	uint8_t r[1500];

	(void)state;
	make_pool("fd00:1::100", "fd00:1::1ff", 0);
	msg(&m, DHCP6_SOLICIT, 1, &W.sid, 1, NULL, 0, NULL); /* a solicit names no server */
	assert_int_equal(ask(&m, 1, r), 0);
	msg(&m, DHCP6_REQUEST, 1, &other, 1, NULL, 0, NULL); /* for another server */
	assert_int_equal(ask(&m, 1, r), 0);
	msg(&m, DHCP6_REQUEST, 0, &W.sid, 1, NULL, 0, NULL); /* no client id */
	assert_int_equal(ask(&m, 1, r), 0);
	msg(&m, DHCP6_ADVERTISE, 1, &W.sid, 1, NULL, 0, NULL); /* a server's message */
	assert_int_equal(ask(&m, 1, r), 0);
	assert_int_equal(dhcp6_pool_counters(W.p)->ignored, 4);
	/* renew of a binding we do not have, for an address in use: no binding */
	msg(&m, DHCP6_RENEW, 1, &W.sid, 1, "fd00:9::5", 0, NULL);
	size_t n = ask(&m, 1, r);
	int st;
	ia_addr(r, n, &st, NULL);
	assert_int_equal(st, DHCP6_NO_BINDING);
	/* information-request: DNS, no IA */
	msg(&m, DHCP6_INFORMATION_REQUEST, 1, NULL, 0, NULL, 0, NULL);
	n = ask(&m, 1, r);
	size_t l;
	assert_int_equal(r[0], DHCP6_REPLY);
	assert_non_null(find_opt(r + 4, n - 4, DHCP6_OPT_DNS_SERVERS, &l));
	assert_null(find_opt(r + 4, n - 4, DHCP6_OPT_IA_NA, &l));
	/* confirm */
	msg(&m, DHCP6_CONFIRM, 1, NULL, 1, "fd00:1::150", 0, NULL);
	n = ask(&m, 1, r);
	const uint8_t *s = find_opt(r + 4, n - 4, DHCP6_OPT_STATUS_CODE, &l);
	assert_non_null(s);
	assert_int_equal(s[1], DHCP6_SUCCESS);
	msg(&m, DHCP6_CONFIRM, 1, NULL, 1, "fd00:2::150", 0, NULL);
	n = ask(&m, 1, r);
	s = find_opt(r + 4, n - 4, DHCP6_OPT_STATUS_CODE, &l);
	assert_int_equal(s[1], DHCP6_NOT_ON_LINK);
}

/* A restarted server that lost its state re-binds a renewing client to
 * the address it has; a declined address is withheld. */
static void test_rebind_and_decline(void **state)
{
	struct dhcp6_msg m;
	uint8_t r[1500];
	size_t n;
	int st;
	struct in6_addr a;

	(void)state;
	make_pool("fd00:1::100", "fd00:1::101", 0);
	msg(&m, DHCP6_REBIND, 4, NULL, 9, "fd00:1::101", 0, NULL);
	n = ask(&m, 5, r);
	a = ia_addr(r, n, &st, NULL);
	assert_int_equal(st, 0);
	assert_memory_equal(&a, A6("fd00:1::101"), 16);
	assert_int_equal(W.bound, 1);
	msg(&m, DHCP6_DECLINE, 4, &W.sid, 9, "fd00:1::101", 0, NULL);
	ask(&m, 6, r);
	assert_int_equal(W.gone, 1);
	/* two clients: one gets ::100, none gets ::101 while quarantined */
	msg(&m, DHCP6_SOLICIT, 5, NULL, 1, "fd00:1::101", 0, NULL);
	n = ask(&m, 7, r);
	a = ia_addr(r, n, &st, NULL);
	assert_memory_equal(&a, A6("fd00:1::100"), 16);
	msg(&m, DHCP6_SOLICIT, 6, NULL, 1, NULL, 0, NULL);
	n = ask(&m, 7, r);
	ia_addr(r, n, &st, NULL);
	assert_int_equal(st, DHCP6_NO_ADDRS_AVAIL);
	n = ask(&m, 7 + DHCP6_QUARANTINE, r);
	a = ia_addr(r, n, &st, NULL);
	assert_int_equal(st, 0);
}

static void test_snapshot_restore(void **state)
{
	struct dhcp6_msg m;
	uint8_t r[1500];
	struct dhcp6_lease ls[8], back;
	char line[512];
	size_t n;

	(void)state;
	make_pool("fd00:1::100", "fd00:1::1ff", 0);
	msg(&m, DHCP6_SOLICIT, 1, NULL, 2, NULL, 1, "alpha");
	msg(&m, DHCP6_REQUEST, 1, &W.sid, 2, NULL, 0, "alpha");
	ask(&m, 100, r);
	msg(&m, DHCP6_REQUEST, 0x77, &W.sid, 2, NULL, 0, NULL);
	ask(&m, 100, r);
	n = dhcp6_pool_snapshot(W.p, ls, 8);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_true(dhcp6_lease_format(&ls[i], line, sizeof(line)) > 0);
		assert_int_equal(dhcp6_lease_parse(line, &back), 0);
		assert_memory_equal(&back, &ls[i], sizeof(back));
	}
	assert_int_equal(dhcp6_lease_parse("junk", &back), -EINVAL);
	assert_int_equal(dhcp6_lease_parse("00:03:00:01:52:54:00:00:00:01 1 fd00::1 5 offered -", &back),
			 -EINVAL);
	teardown(state);
	make_pool("fd00:1::100", "fd00:1::1ff", 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(dhcp6_pool_restore(W.p, &ls[i], 200), 0);
	assert_int_equal(W.bound, 2);
	assert_int_equal(dhcp6_pool_restore(W.p, &ls[0], 200), -EINVAL); /* twice */
	/* the restored client renews the same address */
	msg(&m, DHCP6_RENEW, 1, &W.sid, 2, NULL, 0, NULL);
	n = ask(&m, 300, r);
	int st;
	struct in6_addr a = ia_addr(r, n, &st, NULL);
	assert_memory_equal(&a, &ls[0].ip, 16);
}

static size_t ask_from(const struct dhcp6_msg *m, uint32_t port, int64_t now, uint8_t *out)
{
	struct dhcp6_origin o = { port, DHCP6_PORT_LEASES };
	int dirty;

	return dhcp6_pool_handle_from(W.p, m, &o, now, out, 1500, &dirty);
}

/* Issue 18.5: one port forging DUIDs gets DHCP6_PORT_LEASES bindings, not
 * the pool; another port still gets an address; a binding is its port's:
 * another port can neither renew nor release it. */
static void test_port_limit(void **state)
{
	struct dhcp6_msg m;
	uint8_t r[1500];
	size_t n;
	int st;
	struct in6_addr a, b;

	make_pool("fd00:1::100", "fd00:1::10f", 1);
	for (uint8_t c = 1; c <= 12; c++) { /* forged DUIDs, rapid commit: bound at once */
		msg(&m, DHCP6_SOLICIT, c, NULL, 1, NULL, 1, NULL);
		n = ask_from(&m, 7, 100, r);
		a = ia_addr(r, n, &st, NULL);
		assert_int_equal(st, c <= DHCP6_PORT_LEASES ? 0 : DHCP6_NO_ADDRS_AVAIL);
	}
	assert_int_equal(dhcp6_pool_port_held(W.p, 7), DHCP6_PORT_LEASES);
	assert_int_equal(dhcp6_pool_counters(W.p)->port_limit, 12 - DHCP6_PORT_LEASES);
	/* one DUID, many IAIDs: the same limit */
	msg(&m, DHCP6_SOLICIT, 1, NULL, 99, NULL, 1, NULL);
	n = ask_from(&m, 7, 100, r);
	ia_addr(r, n, &st, NULL);
	assert_int_equal(st, DHCP6_NO_ADDRS_AVAIL);
	/* another guest, another port: served */
	msg(&m, DHCP6_SOLICIT, 0x40, NULL, 1, NULL, 1, NULL);
	n = ask_from(&m, 8, 100, r);
	b = ia_addr(r, n, &st, NULL);
	assert_int_equal(st, 0);
	/* port 8 renews or releases port 7's client 1: refused */
	msg(&m, DHCP6_RENEW, 1, &W.sid, 1, NULL, 0, NULL);
	n = ask_from(&m, 8, 110, r);
	ia_addr(r, n, &st, NULL);
	assert_int_equal(st, DHCP6_NO_ADDRS_AVAIL);
	msg(&m, DHCP6_RELEASE, 1, &W.sid, 1, NULL, 0, NULL);
	ask_from(&m, 8, 110, r);
	assert_int_equal(dhcp6_pool_counters(W.p)->wrong_port, 2);
	assert_int_equal(dhcp6_pool_port_held(W.p, 7), DHCP6_PORT_LEASES);
	/* its own port releases it: one more may come */
	ask_from(&m, 7, 120, r);
	assert_int_equal(dhcp6_pool_port_held(W.p, 7), DHCP6_PORT_LEASES - 1);
	msg(&m, DHCP6_SOLICIT, 9, NULL, 1, NULL, 1, NULL);
	n = ask_from(&m, 7, 120, r);
	ia_addr(r, n, &st, NULL);
	assert_int_equal(st, 0);
	/* port 7 is gone, its guest comes back on port 11: renews its own */
	dhcp6_pool_forget_port(W.p, 7);
	assert_int_equal(dhcp6_pool_port_held(W.p, 7), 0);
	msg(&m, DHCP6_RENEW, 2, &W.sid, 1, NULL, 0, NULL);
	n = ask_from(&m, 11, 130, r);
	ia_addr(r, n, &st, NULL);
	assert_int_equal(st, 0);
	assert_int_equal(dhcp6_pool_port_held(W.p, 11), 1);
	/* expiry gives the port's share back */
	dhcp6_pool_expire(W.p, 100000);
	assert_int_equal(dhcp6_pool_port_held(W.p, 7), 0);
	assert_int_equal(dhcp6_pool_port_held(W.p, 8), 0);
	assert_int_equal(dhcp6_pool_port_held(W.p, 11), 0);
	(void)a, (void)b;
}

static void test_parse_errors(void **state)
{
	struct dhcp6_msg m;
	uint8_t b[64] = { DHCP6_SOLICIT, 1, 2, 3, 0, 1, 0, 10 }; /* client id, 10 bytes, missing */
	static const uint8_t relay[] = { DHCP6_RELAY_FORW, 0, 0, 0 };
	static const uint8_t shortid[] = { DHCP6_SOLICIT, 0, 0, 0, 0, 1, 0, 2, 0, 1 };
	static const uint8_t two[] = { DHCP6_SOLICIT, 0, 0, 0, 0, 1, 0, 3, 0, 1, 2,
				       0, 1, 0, 3, 0, 1, 2 };
	char s[400];
	struct dhcp6_duid d;

	(void)state;
	assert_int_equal(dhcp6_msg_parse(b, 8, &m), -EINVAL);
	assert_int_equal(dhcp6_msg_parse(relay, sizeof(relay), &m), -EINVAL);
	assert_int_equal(dhcp6_msg_parse(shortid, sizeof(shortid), &m), -EINVAL);
	assert_int_equal(dhcp6_msg_parse(two, sizeof(two), &m), -EINVAL);
	assert_int_equal(dhcp6_msg_parse(b, 3, &m), -EINVAL);
	d = duid_of(1);
	assert_int_equal(dhcp6_duid_to_str(&d, s, sizeof(s)), 0);
	assert_string_equal(s, "00:03:00:01:52:54:00:00:00:01");
	assert_int_equal(dhcp6_duid_from_str("00:03:00:01:52:54:00:00:00:01", &d), 0);
	assert_int_equal(d.len, 10);
	assert_int_equal(dhcp6_duid_from_str("0003000152540000", &d), 0);
	assert_int_equal(dhcp6_duid_from_str("00:0", &d), -EINVAL);
	assert_int_equal(dhcp6_duid_from_str("zz:00:01", &d), -EINVAL);
}

/* The line dhcp6_lease_format wrote with snprintf before it went
 * printf-free: the same text, byte for byte. */
static void ref_format(const struct dhcp6_lease *l, char *buf, size_t cap)
{
	static const char *const st[] = { "offered", "bound", "released", "declined" };
	char duid[DHCP6_DUID_MAX * 3] = "-", ip[INET6_ADDRSTRLEN];
	size_t at = 0;

	for (unsigned i = 0; i < l->duid.len; i++)
		at += (size_t)snprintf(duid + at, sizeof(duid) - at, i ? ":%02x" : "%02x",
				       l->duid.b[i]);
	inet_ntop(AF_INET6, &l->ip, ip, sizeof(ip));
	snprintf(buf, cap, "%s %08x %s %lld %s %s\n", duid, (unsigned)l->iaid, ip,
		 (long long)l->expires, st[l->state & 3], l->hostname[0] ? l->hostname : "-");
}

static void test_lease_line_as_printf(void **state)
{
	static const int64_t exp[] = { 0, 1, 1764060000, -5, INT64_MAX, INT64_MIN };
	struct dhcp6_lease l, back;
	char got[512], want[512];

	(void)state;
	for (unsigned k = 0; k < 4 * sizeof(exp) / sizeof(exp[0]); k++) {
		memset(&l, 0, sizeof(l));
		l.duid.len = (uint8_t)(k % 3 == 0 ? 0 : k % 3 == 1 ? 10 : DHCP6_DUID_MAX);
		for (unsigned i = 0; i < l.duid.len; i++)
			l.duid.b[i] = (uint8_t)(i * 37 + k);
		l.iaid = k & 1 ? 0xdeadbeefu : k;
		inet_pton(AF_INET6, k & 2 ? "fd00:160::1:ff" : "::", &l.ip);
		l.expires = exp[k % (sizeof(exp) / sizeof(exp[0]))];
		l.state = k & 3;
		if (k & 4)
			memset(l.hostname, 'h', DHCP6_HOSTNAME_MAX - 1);
		ref_format(&l, want, sizeof(want));
		assert_int_equal(dhcp6_lease_format(&l, got, sizeof(got)), (int)strlen(want));
		assert_string_equal(got, want);
		assert_int_equal(dhcp6_lease_format(&l, got, strlen(want)), -ENOSPC);
		if (l.duid.len && l.expires >= 0 && l.state == DHCP6_BOUND) {
			assert_int_equal(dhcp6_lease_parse(got, &back), 0);
			assert_memory_equal(&back.ip, &l.ip, sizeof(l.ip));
		}
	}
}

/* The address in a lease line is inet_ntop's text, for every shape of
 * zero runs (each group 0 or not: all 256), and random addresses. */
static void test_lease_ip_as_inet_ntop(void **state)
{
	static const uint16_t some[] = { 0x1, 0xffff, 0xfd00, 0x10, 0xabc };
	struct dhcp6_lease l = { .duid = { .len = 1 }, .state = DHCP6_BOUND };
	char got[512], want[512], ip[INET6_ADDRSTRLEN];

	(void)state;
	srand(21);
	for (unsigned m = 0; m < 256 + 2000; m++) {
		for (int i = 0; i < 8; i++) {
			uint16_t w = m < 256 ? ((m >> i) & 1 ? some[(m + i) % 5] : 0) :
					       (rand() % 3 ? 0 : (uint16_t)rand());
			l.ip.s6_addr[2 * i] = (uint8_t)(w >> 8);
			l.ip.s6_addr[2 * i + 1] = (uint8_t)w;
		}
		inet_ntop(AF_INET6, &l.ip, ip, sizeof(ip));
		snprintf(want, sizeof(want), "00 00000000 %s 0 bound -\n", ip);
		assert_int_equal(dhcp6_lease_format(&l, got, sizeof(got)), (int)strlen(want));
		assert_string_equal(got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_exchange, teardown),
		cmocka_unit_test_teardown(test_rapid_commit, teardown),
		cmocka_unit_test_teardown(test_reservations, teardown),
		cmocka_unit_test_teardown(test_exhaustion_and_expiry, teardown),
		cmocka_unit_test_teardown(test_rules, teardown),
		cmocka_unit_test_teardown(test_rebind_and_decline, teardown),
		cmocka_unit_test_teardown(test_snapshot_restore, teardown),
		cmocka_unit_test_teardown(test_port_limit, teardown),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_lease_line_as_printf),
		cmocka_unit_test(test_lease_ip_as_inet_ntop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
