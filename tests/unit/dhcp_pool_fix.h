/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fixture shared by the lib/dhcp_pool.c unit tests: a 10-address pool, an
 * event recorder, and helpers that send one client message each.
 * Include after <cmocka.h>. */
#ifndef VNET_DHCP_POOL_FIX_H
#define VNET_DHCP_POOL_FIX_H

#include <stdlib.h>
#include <string.h>

#include "dhcp/dhcp.h"
#include "dhcp_test_pkt.h"

#define LEASE 100
#define T0 1000000

struct events {
	int n_bound, n_gone;
	struct dhcp_pool_event last;
};

static inline void on_event(void *ctx, const struct dhcp_pool_event *ev)
{
	struct events *e = ctx;

	if (ev->bound)
		e->n_bound++;
	else
		e->n_gone++;
	e->last = *ev;
}

struct fix {
	struct dhcp_pool *p;
	struct events ev;
	const struct dhcp_origin *from; /* where messages come in; NULL: not known */
};

static inline struct dhcp_pool_config config(void)
{
	struct dhcp_pool_config c;

	memset(&c, 0, sizeof(c));
	c.server_ip = ip4("10.0.0.1");
	c.prefix = 24;
	c.start = ip4("10.0.0.10");
	c.end = ip4("10.0.0.19");
	c.lease_secs = LEASE;
	strcpy(c.domain, "vnet.test");
	c.mtu = 1400;
	return c;
}

static inline int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct dhcp_pool_config c = config();

	f->p = dhcp_pool_new(&c, on_event, &f->ev);
	assert_non_null(f->p);
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fix *f = *state;

	dhcp_pool_free(f->p);
	free(f);
	return 0;
}

/* Parse a test packet and hand it to the pool. */
static inline void run(struct fix *f, struct pkt *p, int unicast, int64_t now,
		       struct dhcp_result *res)
{
	struct dhcp_msg m;

	assert_int_equal(dhcp_msg_parse(p->b, p->len, &m), 0);
	assert_int_equal(dhcp_pool_handle_from(f->p, &m, f->from, unicast, now, res), 0);
}

static inline struct in_addr discover(struct fix *f, const uint8_t *mac, const char *req,
				      int64_t now)
{
	struct dhcp_result res;
	struct pkt p;

	pkt_init(&p, DHCPDISCOVER, mac, 1);
	if (req)
		pkt_ip_opt(&p, OPT_REQ_IP, req);
	pkt_end(&p);
	run(f, &p, 0, now, &res);
	if (!res.has_reply)
		return ip4("0.0.0.0");
	assert_int_equal(res.reply.type, DHCPOFFER);
	return res.reply.yiaddr;
}

static inline void request_sel(struct fix *f, const uint8_t *mac, struct in_addr ip,
			       const char *server, int64_t now, struct dhcp_result *res)
{
	struct pkt p;

	pkt_init(&p, DHCPREQUEST, mac, 2);
	pkt_opt(&p, OPT_REQ_IP, 4, &ip);
	pkt_ip_opt(&p, OPT_SERVER_ID, server);
	pkt_end(&p);
	run(f, &p, 0, now, res);
}

/* DISCOVER + REQUEST(selecting); asserts the ACK. */
static inline struct in_addr lease(struct fix *f, const uint8_t *mac, int64_t now)
{
	struct in_addr ip = discover(f, mac, NULL, now);
	struct dhcp_result res;

	assert_int_not_equal(ip.s_addr, 0);
	request_sel(f, mac, ip, "10.0.0.1", now, &res);
	assert_true(res.has_reply);
	assert_int_equal(res.reply.type, DHCPACK);
	assert_int_equal(res.reply.yiaddr.s_addr, ip.s_addr);
	return ip;
}

static inline void request_ci(struct fix *f, const uint8_t *mac, const char *ciaddr,
			      int unicast, int64_t now, struct dhcp_result *res)
{
	struct pkt p;

	pkt_init(&p, DHCPREQUEST, mac, 3);
	pkt_ciaddr(&p, ciaddr);
	pkt_end(&p);
	run(f, &p, unicast, now, res);
}

static inline void request_reboot(struct fix *f, const uint8_t *mac, const char *req,
				  int64_t now, struct dhcp_result *res)
{
	struct pkt p;

	pkt_init(&p, DHCPREQUEST, mac, 4);
	pkt_ip_opt(&p, OPT_REQ_IP, req);
	pkt_end(&p);
	run(f, &p, 0, now, res);
}

static inline void release(struct fix *f, const uint8_t *mac, struct in_addr ip, int64_t now,
			   struct dhcp_result *res)
{
	struct pkt p;

	pkt_init(&p, DHCPRELEASE, mac, 5);
	memcpy(p.b + 12, &ip, 4);
	pkt_ip_opt(&p, OPT_SERVER_ID, "10.0.0.1");
	pkt_end(&p);
	run(f, &p, 1, now, res);
}
/* DHCPDECLINE of ip by mac, to the fixture's server */
static inline void decline(struct fix *f, const uint8_t *mac, struct in_addr ip, int64_t now,
			   struct dhcp_result *res)
{
	struct pkt p;

	pkt_init(&p, DHCPDECLINE, mac, 6);
	pkt_opt(&p, OPT_REQ_IP, 4, &ip);
	pkt_ip_opt(&p, OPT_SERVER_ID, "10.0.0.1");
	pkt_end(&p);
	run(f, &p, 0, now, res);
}

#endif
