/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the DHCP parts of libvirt's network XML as the pool serves
 * them (issue 17): several <range>s with their own <lease>, infinite
 * leases, <host> by name or without an address, a <dhcp> of hosts only,
 * <bootp>, raw <option>s and <dns enable='no'>. Each builds a struct
 * netdef in C, as the XML parser fills it. */
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

#include "dhcp/dhcp.h"
#include "dhcp_test_pkt.h"

#define NOW 1000000

static const uint8_t mac_a[6] = { 0x52, 0x54, 0, 0, 0, 0xa };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0, 0, 0, 0xb };

struct seen {
	int n_bound;
	struct dhcp_pool_event last;
};

static void on_ev(void *ctx, const struct dhcp_pool_event *ev)
{
	struct seen *s = ctx;

	s->n_bound += ev->bound;
	s->last = *ev;
}

/* 10.1.0.1/16, no range yet. */
static struct netdef *net(void)
{
	struct netdef *d = calloc(1, sizeof(*d));

	snprintf(d->name, sizeof(d->name), "t");
	d->has_ip = 1;
	d->ip = ip4("10.1.0.1");
	d->prefix = 16;
	d->has_dhcp4 = 1;
	return d;
}

static void add_range(struct netdef *d, const char *s, const char *e, int lease_set,
		      unsigned long expiry, enum netdef_lease_unit unit)
{
	struct netdef_range *r = &d->ranges[d->n_ranges++];

	r->start.family = r->end.family = AF_INET;
	r->start.v4 = ip4(s);
	r->end.v4 = ip4(e);
	r->lease.set = lease_set;
	r->lease.expiry = expiry;
	r->lease.unit = unit;
	if (d->n_ranges == 1) { /* the primary fields, as the parser fills them */
		d->has_dhcp = 1;
		d->dhcp_start = r->start.v4;
		d->dhcp_end = r->end.v4;
	}
}

/* One message through the pool; the reply parsed back from its bytes. */
struct out {
	struct dhcp_result res;
	uint8_t buf[DHCP_MAX_REPLY];
	int len;
};

static void send_msg(struct dhcp_pool *p, uint8_t type, const uint8_t *mac, const char *req_ip,
		     const char *hostname, const uint8_t *prl, size_t prl_len, struct out *o)
{
	struct pkt k;
	struct dhcp_msg m;

	pkt_init(&k, type, mac, 7);
	if (req_ip)
		pkt_ip_opt(&k, OPT_REQ_IP, req_ip);
	if (type == DHCPREQUEST)
		pkt_ip_opt(&k, OPT_SERVER_ID, "10.1.0.1");
	if (hostname)
		pkt_opt(&k, OPT_HOSTNAME, (uint8_t)strlen(hostname), hostname);
	if (prl_len)
		pkt_opt(&k, OPT_PRL, (uint8_t)prl_len, prl);
	pkt_end(&k);
	assert_int_equal(dhcp_msg_parse(k.b, k.len, &m), 0);
	assert_int_equal(dhcp_pool_handle(p, &m, 0, NOW, &o->res), 0);
	o->len = o->res.has_reply ? dhcp_msg_build(&o->res.reply, o->buf, sizeof(o->buf)) : 0;
}

/* The value of option code in a built reply, its length, or -1. */
static int opt_of(const struct out *o, uint8_t code, uint8_t *v)
{
	for (int i = DHCP_MIN_LEN; i + 1 < o->len && o->buf[i] != OPT_END;) {
		if (o->buf[i] == OPT_PAD) {
			i++;
			continue;
		}
		if (o->buf[i] == code) {
			memcpy(v, o->buf + i + 2, o->buf[i + 1]);
			return o->buf[i + 1];
		}
		i += 2 + o->buf[i + 1];
	}
	return -1;
}

static uint32_t opt32(const struct out *o, uint8_t code)
{
	uint8_t v[255];

	if (opt_of(o, code, v) != 4)
		return 0;
	return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
}

static struct in_addr yiaddr(const struct out *o)
{
	struct in_addr a;

	memcpy(&a, o->buf + 16, 4);
	return a;
}

/* Discover + request: the address acked, or 0. */
static struct in_addr lease(struct dhcp_pool *p, const uint8_t *mac, const char *name,
			    struct out *o)
{
	char ip[INET_ADDRSTRLEN];

	send_msg(p, DHCPDISCOVER, mac, NULL, name, NULL, 0, o);
	if (!o->res.has_reply)
		return (struct in_addr){ 0 };
	inet_ntop(AF_INET, &o->res.reply.yiaddr, ip, sizeof(ip));
	send_msg(p, DHCPREQUEST, mac, ip, name, NULL, 0, o);
	if (!o->res.has_reply || o->res.reply.type != DHCPACK)
		return (struct in_addr){ 0 };
	return yiaddr(o);
}

/* Several ranges in one pool; each gives its own lease time; once the
 * first is full the next one serves. */
static void test_ranges_and_lease_times(void **state)
{
	struct netdef *d = net();
	struct seen s = { 0 };
	struct dhcp_pool *p;
	struct out o;
	uint8_t mac[6] = { 0x52, 0x54, 0, 0, 1, 0 };

	add_range(d, "10.1.0.10", "10.1.0.11", 1, 2, NETDEF_UNIT_HOURS);
	add_range(d, "10.1.5.20", "10.1.5.20", 1, 90, NETDEF_UNIT_SECONDS);
	add_range(d, "10.1.6.1", "10.1.6.1", 1, 0, NETDEF_UNIT_NONE); /* infinite */
	p = dhcp_pool_from_netdef(d, NOW, on_ev, &s);
	assert_non_null(p);

	assert_int_equal(lease(p, mac, NULL, &o).s_addr, ip4("10.1.0.10").s_addr);
	assert_int_equal(opt32(&o, OPT_LEASE_TIME), 7200);
	assert_int_equal(opt32(&o, OPT_T1), 3600);
	mac[5]++;
	assert_int_equal(lease(p, mac, NULL, &o).s_addr, ip4("10.1.0.11").s_addr);
	mac[5]++;
	assert_int_equal(lease(p, mac, NULL, &o).s_addr, ip4("10.1.5.20").s_addr);
	assert_int_equal(opt32(&o, OPT_LEASE_TIME), 90);
	assert_int_equal(s.last.expires, NOW + 90);
	mac[5]++;
	/* infinite: 0xffffffff, no T1/T2, and the lease never expires */
	assert_int_equal(lease(p, mac, NULL, &o).s_addr, ip4("10.1.6.1").s_addr);
	assert_int_equal(opt32(&o, OPT_LEASE_TIME), 0xffffffffu);
	assert_int_equal(opt32(&o, OPT_T1), 0);
	assert_int_equal(s.last.expires, 0); /* 0: never, as for static hosts */
	assert_int_equal(dhcp_pool_next_expiry(p) > NOW + 1000000, 0);
	mac[5]++;
	send_msg(p, DHCPDISCOVER, mac, NULL, NULL, NULL, 0, &o);
	assert_false(o.res.has_reply); /* all four taken */
	assert_int_equal(dhcp_pool_active(p), 4);
	dhcp_pool_expire(p, (int64_t)NOW + 100LL * 365 * 86400);
	assert_int_equal(dhcp_pool_active(p), 1); /* the infinite one stays */

	/* the infinite lease is persisted and restored as infinite */
	{
		struct lease_rec r[8];
		size_t n = dhcp_pool_snapshot(p, r, 8), k;
		struct dhcp_pool *q;
		struct seen s2 = { 0 };

		for (k = 0; k < n && r[k].ip.s_addr != ip4("10.1.6.1").s_addr; k++)
			;
		assert_true(k < n);
		assert_int_equal(r[k].state, LEASE_BOUND);
		q = dhcp_pool_from_netdef(d, NOW, on_ev, &s2);
		assert_int_equal(dhcp_pool_restore(q, &r[k], NOW + 1000000000LL), 0);
		assert_int_equal(s2.n_bound, 1);
		assert_int_equal(dhcp_pool_active(q), 1);
		dhcp_pool_free(q);
	}
	dhcp_pool_free(p);
	free(d);
}

/* Overlapping ranges are not served twice; a range outside the subnet
 * still fails the pool. */
static void test_range_overlap(void **state)
{
	struct netdef *d = net();
	struct dhcp_pool *p;
	struct out o;
	uint8_t mac[6] = { 0x52, 0x54, 0, 0, 2, 0 };
	int n = 0;

	add_range(d, "10.1.0.10", "10.1.0.12", 0, 0, 0);
	add_range(d, "10.1.0.11", "10.1.0.13", 0, 0, 0);
	p = dhcp_pool_from_netdef(d, NOW, on_ev, &(struct seen){ 0 });
	assert_non_null(p);
	for (int i = 0; i < 6; i++, mac[5]++)
		n += lease(p, mac, NULL, &o).s_addr != 0;
	assert_int_equal(n, 4); /* .10 to .13 */
	dhcp_pool_free(p);
	free(d);
}

/* <dhcp> with <host>s and no <range>: only the hosts are served. A host
 * by name gets its address when the client's option 12 names it; a host
 * without ip sets the name and the lease time of a dynamic client. */
static void test_hosts_only_and_by_name(void **state)
{
	struct netdef *d = net();
	struct seen s = { 0 };
	struct dhcp_pool *p;
	struct out o;
	uint8_t v[255];

	memcpy(d->hosts[0].mac, mac_a, 6);
	d->hosts[0].has_mac = d->hosts[0].has_ip = 1;
	d->hosts[0].ip = ip4("10.1.0.50");
	d->hosts[0].lease.set = 1;
	d->hosts[0].lease.expiry = 0; /* infinite */
	strcpy(d->hosts[1].name, "byname");
	d->hosts[1].has_ip = 1;
	d->hosts[1].ip = ip4("10.1.0.60");
	d->n_hosts = 2;
	p = dhcp_pool_from_netdef(d, NOW, on_ev, &s);
	assert_non_null(p);

	assert_int_equal(lease(p, mac_a, NULL, &o).s_addr, ip4("10.1.0.50").s_addr);
	assert_int_equal(opt32(&o, OPT_LEASE_TIME), 0xffffffffu);
	assert_int_equal(lease(p, mac_b, "byname", &o).s_addr, ip4("10.1.0.60").s_addr);
	assert_int_equal(s.last.is_static, 1);
	assert_memory_equal(s.last.mac, mac_b, 6);
	assert_string_equal(s.last.hostname, "byname");
	/* renewing without the name still finds it (it is bound to mac_b) */
	send_msg(p, DHCPREQUEST, mac_b, "10.1.0.60", NULL, NULL, 0, &o);
	assert_int_equal(o.res.reply.type, DHCPACK);
	/* another name, or none: nothing to give */
	send_msg(p, DHCPDISCOVER, (uint8_t[]){ 0x52, 0x54, 0, 0, 0, 0xc }, NULL, "other", NULL, 0, &o);
	assert_false(o.res.has_reply);
	/* a second client claiming the bound name does not get the address */
	send_msg(p, DHCPDISCOVER, (uint8_t[]){ 0x52, 0x54, 0, 0, 0, 0xd }, NULL, "byname", NULL, 0, &o);
	assert_false(o.res.has_reply);
	assert_int_equal(opt_of(&o, OPT_HOSTNAME, v), -1);
	dhcp_pool_free(p);

	/* a host without ip: the name and lease of a dynamic client */
	add_range(d, "10.1.0.10", "10.1.0.20", 1, 10, NETDEF_UNIT_MINUTES);
	memset(&d->hosts[0], 0, sizeof(d->hosts[0]));
	memcpy(d->hosts[0].mac, mac_a, 6);
	d->hosts[0].has_mac = 1;
	strcpy(d->hosts[0].name, "named");
	d->hosts[0].lease.set = 1;
	d->hosts[0].lease.expiry = 5;
	d->hosts[0].lease.unit = NETDEF_UNIT_HOURS;
	d->n_hosts = 1;
	p = dhcp_pool_from_netdef(d, NOW, on_ev, &s);
	assert_non_null(p);
	assert_int_equal(lease(p, mac_a, NULL, &o).s_addr, ip4("10.1.0.10").s_addr);
	assert_int_equal(opt32(&o, OPT_LEASE_TIME), 5 * 3600);
	assert_string_equal(s.last.hostname, "named");
	assert_int_equal(s.last.is_static, 0);
	assert_int_equal(lease(p, mac_b, NULL, &o).s_addr, ip4("10.1.0.11").s_addr);
	assert_int_equal(opt32(&o, OPT_LEASE_TIME), 600);
	dhcp_pool_free(p);
	free(d);
}

/* <bootp file server>: siaddr and file, options 66/67 when asked; raw
 * <option>s in every reply; <dns enable='no'>: no option 6. */
static void test_bootp_options_nodns(void **state)
{
	static const uint8_t prl[] = { OPT_SUBNET_MASK, OPT_ROUTER, OPT_DNS, 66, 67 };
	struct netdef *d = net();
	struct dhcp_pool *p;
	struct out o;
	uint8_t v[255];
	struct in_addr a;

	add_range(d, "10.1.0.10", "10.1.0.20", 0, 0, 0);
	strcpy(d->bootp_file, "pxelinux.0");
	d->bootp_server = ip4("10.1.0.2");
	d->dhcp_options[0].code = 42; /* NTP servers */
	strcpy(d->dhcp_options[0].value, "10.1.0.1,10.1.0.3");
	d->dhcp_options[1].code = 252;
	strcpy(d->dhcp_options[1].value, "http://wpad/wpad.dat");
	d->dhcp_options[2].code = 224;
	strcpy(d->dhcp_options[2].value, "01:02:ff");
	d->dhcp_options[3].code = 225;
	strcpy(d->dhcp_options[3].value, "1500");
	d->n_dhcp_options = 4;
	d->dns_enable = NETDEF_NO;
	p = dhcp_pool_from_netdef(d, NOW, on_ev, &(struct seen){ 0 });
	assert_non_null(p);
	send_msg(p, DHCPDISCOVER, mac_a, NULL, NULL, prl, sizeof(prl), &o);
	assert_true(o.res.has_reply);
	memcpy(&a, o.buf + 20, 4);
	assert_int_equal(a.s_addr, ip4("10.1.0.2").s_addr); /* siaddr */
	assert_string_equal((char *)o.buf + 108, "pxelinux.0");
	assert_int_equal(opt_of(&o, 66, v), 8);
	assert_memory_equal(v, "10.1.0.2", 8);
	assert_int_equal(opt_of(&o, 67, v), 10);
	assert_memory_equal(v, "pxelinux.0", 10);
	assert_int_equal(opt_of(&o, 42, v), 8);
	assert_memory_equal(v, "\x0a\x01\x00\x01\x0a\x01\x00\x03", 8);
	assert_int_equal(opt_of(&o, 252, v), 20);
	assert_memory_equal(v, "http://wpad/wpad.dat", 20);
	assert_int_equal(opt_of(&o, 224, v), 3);
	assert_memory_equal(v, "\x01\x02\xff", 3);
	assert_int_equal(opt_of(&o, 225, v), 2);
	assert_memory_equal(v, "\x05\xdc", 2);
	assert_int_equal(opt_of(&o, OPT_DNS, v), -1);
	assert_int_equal(opt_of(&o, OPT_ROUTER, v), 4);
	dhcp_pool_free(p);

	/* bootp without server: the gateway; with DNS: option 6 is back */
	d->bootp_server.s_addr = 0;
	d->dns_enable = NETDEF_UNSET;
	d->n_dhcp_options = 0;
	p = dhcp_pool_from_netdef(d, NOW, on_ev, &(struct seen){ 0 });
	send_msg(p, DHCPDISCOVER, mac_a, NULL, NULL, prl, sizeof(prl), &o);
	memcpy(&a, o.buf + 20, 4);
	assert_int_equal(a.s_addr, ip4("10.1.0.1").s_addr);
	assert_int_equal(opt_of(&o, OPT_DNS, v), 4);
	dhcp_pool_free(p);
	free(d);
}

/* dhcp_option_encode: the value syntax of <option value=>. */
static void test_option_syntax(void **state)
{
	uint8_t b[255];

	assert_int_equal(dhcp_option_encode("10.0.0.1", b, sizeof(b)), 4);
	assert_int_equal(dhcp_option_encode("7", b, sizeof(b)), 1);
	assert_int_equal(b[0], 7);
	assert_int_equal(dhcp_option_encode("70000", b, sizeof(b)), 4);
	assert_int_equal(dhcp_option_encode("ab:CD", b, sizeof(b)), 2);
	assert_int_equal(b[1], 0xcd);
	assert_int_equal(dhcp_option_encode("\"10.0.0.1\"", b, sizeof(b)), 8);
	assert_memory_equal(b, "10.0.0.1", 8);
	assert_int_equal(dhcp_option_encode("", b, sizeof(b)), 0);
	assert_int_equal(dhcp_option_encode("10.0.0.1,", b, sizeof(b)), -EINVAL);
	assert_int_equal(dhcp_option_encode("300.1.1.1", b, sizeof(b)), -EINVAL);
	assert_int_equal(dhcp_option_encode("1:2:zz", b, sizeof(b)), 6); /* text */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges_and_lease_times),
		cmocka_unit_test(test_range_overlap),
		cmocka_unit_test(test_hosts_only_and_by_name),
		cmocka_unit_test(test_bootp_options_nodns),
		cmocka_unit_test(test_option_syntax),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
