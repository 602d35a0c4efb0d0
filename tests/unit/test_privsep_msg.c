/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for ctl/vnetd/privsep_msg.c: what the core accepts from its
 * service child before it touches a map (sizes, types, descriptors,
 * network and instance, addresses inside the subnet, MACs, strings), what
 * the child accepts from the core; and the core's lease mirror
 * (privsep_leases.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "privsep/privsep_leases_priv.h"
#include "privsep/privsep.h"

#define NET 7
#define GEN 42

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

/* One network: 192.168.122.1/24, DHCP instance GEN, snooping GEN + 1. */
static int lookup(void *ctx, uint32_t net_id, struct psm_net_view *v)
{
	if (net_id != NET)
		return -1;
	v->dhcp_gen = GEN;
	v->dns_gen = GEN;
	v->snoop_gen = GEN + 1;
	v->ip = ip4("192.168.122.1");
	v->prefix = 24;
	return 0;
}

static enum psm_verdict child(const void *m, size_t len, unsigned fds)
{
	char why[160];

	return psm_check_from_child(m, len, fds, lookup, NULL, why, sizeof(why));
}

static struct psm_lease good_lease(void)
{
	struct psm_lease m;
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };

	psm_init(&m, PSM_LEASE);
	m.in = (struct psm_inst){ NET, GEN };
	m.bound = 1;
	memcpy(m.mac, mac, 6);
	m.ip = ip4("192.168.122.10");
	m.expires = 1000;
	strcpy(m.hostname, "guest1");
	return m;
}

static void test_lease_ok(void **state)
{
	struct psm_lease m = good_lease();

	assert_int_equal(child(&m, sizeof(m), 0), PSM_OK);
	m.hostname[0] = '\0';
	assert_int_equal(child(&m, sizeof(m), 0), PSM_OK);
}

static void test_sizes(void **state)
{
	struct psm_lease m = good_lease();
	uint8_t big[sizeof(m) + 8] = { 0 };

	assert_int_equal(child(&m, sizeof(m) - 1, 0), PSM_BAD);	/* short */
	memcpy(big, &m, sizeof(m));
	((struct psm_hdr *)big)->len = sizeof(big);
	assert_int_equal(child(big, sizeof(big), 0), PSM_BAD);		/* long */
	m.h.len = sizeof(m) - 4;
	assert_int_equal(child(&m, sizeof(m), 0), PSM_BAD);		/* header lies */
	assert_int_equal(child(&m, 3, 0), PSM_BAD);			/* no header */
	m = good_lease();
	assert_int_equal(child(&m, sizeof(m), 1), PSM_BAD);		/* a descriptor */
}

static void test_types(void **state)
{
	struct psm_lease m = good_lease();
	struct psm_netdef *d = calloc(1, sizeof(*d));

	m.h.type = PSM_TYPE_MAX;
	assert_int_equal(child(&m, sizeof(m), 0), PSM_BAD);
	m.h.type = PSM_NONE;
	assert_int_equal(child(&m, sizeof(m), 0), PSM_BAD);
	/* a core -> child type from the child */
	psm_init(d, PSM_NETDEF);
	assert_int_equal(child(d, sizeof(*d), 0), PSM_BAD);
	free(d);
}

static void test_network_and_instance(void **state)
{
	struct psm_lease m = good_lease();

	m.in.net_id = NET + 1; /* unknown network: a race with a stop */
	assert_int_equal(child(&m, sizeof(m), 0), PSM_STALE);
	m = good_lease();
	m.in.gen = GEN - 1; /* an earlier instance */
	assert_int_equal(child(&m, sizeof(m), 0), PSM_STALE);
}

static void test_addresses(void **state)
{
	static const char *const bad[] = { "192.168.123.10", "10.0.0.1", "192.168.122.0",
					   "192.168.122.255", "192.168.122.1", "0.0.0.0",
					   "255.255.255.255" };
	struct psm_lease m = good_lease();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m.ip = ip4(bad[i]);
		assert_int_equal(child(&m, sizeof(m), 0), PSM_BAD);
	}
	m.ip = ip4("192.168.122.254");
	assert_int_equal(child(&m, sizeof(m), 0), PSM_OK);
}

static void test_macs_flags_strings(void **state)
{
	struct psm_lease m = good_lease();

	m.mac[0] = 0x01; /* multicast */
	assert_int_equal(child(&m, sizeof(m), 0), PSM_BAD);
	memset(m.mac, 0, 6);
	assert_int_equal(child(&m, sizeof(m), 0), PSM_BAD);
	m = good_lease();
	m.bound = 2;
	assert_int_equal(child(&m, sizeof(m), 0), PSM_BAD);
	m = good_lease();
	m.expires = -1;
	assert_int_equal(child(&m, sizeof(m), 0), PSM_BAD);
	m = good_lease();
	memset(m.hostname, 'a', sizeof(m.hostname)); /* not terminated */
	assert_int_equal(child(&m, sizeof(m), 0), PSM_BAD);
	m = good_lease();
	strcpy(m.hostname, "a b");
	assert_int_equal(child(&m, sizeof(m), 0), PSM_BAD);
}

static void test_snoop(void **state)
{
	struct psm_snoop_ack m;

	psm_init(&m, PSM_SNOOP_ACK);
	m.in = (struct psm_inst){ NET, GEN + 1 };
	m.ifindex = 3;
	m.mac[0] = 0x52;
	m.ip = ip4("10.1.2.3"); /* the LAN's subnet is not the network's */
	assert_int_equal(child(&m, sizeof(m), 0), PSM_OK);
	m.ip = ip4("224.0.0.1");
	assert_int_equal(child(&m, sizeof(m), 0), PSM_BAD);
	m.ip = ip4("10.1.2.3");
	m.ifindex = 0;
	assert_int_equal(child(&m, sizeof(m), 0), PSM_BAD);
	m.ifindex = 3;
	m.in.gen = GEN; /* the DHCP instance's, not snooping's */
	assert_int_equal(child(&m, sizeof(m), 0), PSM_STALE);
}

static void test_result_text(void **state)
{
	struct psm_result r;

	psm_init(&r, PSM_RESULT);
	assert_int_equal(child(&r, sizeof(r), 0), PSM_OK);
	memset(r.err, 'x', sizeof(r.err));
	assert_int_equal(child(&r, sizeof(r), 0), PSM_BAD);
}

static void test_from_core(void **state)
{
	struct psm_dns_start s;
	struct psm_netdef *d = calloc(1, sizeof(*d));
	char why[160];

	psm_init(&s, PSM_DNS_START);
	/* UDP, TCP and the bridge's packet socket (issue 19.2) */
	assert_int_equal(psm_check_from_core(&s, sizeof(s), 3, why, sizeof(why)), PSM_OK);
	assert_int_equal(psm_check_from_core(&s, sizeof(s), 2, why, sizeof(why)), PSM_BAD);
	s.n_ups = PSM_MAX_UPSTREAMS + 1;
	assert_int_equal(psm_check_from_core(&s, sizeof(s), 3, why, sizeof(why)), PSM_BAD);
	psm_init(d, PSM_NETDEF);
	assert_int_equal(psm_check_from_core(d, sizeof(*d), 0, why, sizeof(why)), PSM_OK);
	d->def.n_hosts = NETDEF_MAX_HOSTS + 1;
	assert_int_equal(psm_check_from_core(d, sizeof(*d), 0, why, sizeof(why)), PSM_BAD);
	d->def.n_hosts = 0;
	memset(d->def.name, 'n', sizeof(d->def.name));
	assert_int_equal(psm_check_from_core(d, sizeof(*d), 0, why, sizeof(why)), PSM_BAD);
	d->def.name[0] = '\0';
	/* the whole model: every count and every string the child reads */
	d->def.n_srv = 1;
	assert_int_equal(psm_check_from_core(d, sizeof(*d), 0, why, sizeof(why)), PSM_OK);
	memset(d->def.srv[0].target, 't', sizeof(d->def.srv[0].target));
	assert_int_equal(psm_check_from_core(d, sizeof(*d), 0, why, sizeof(why)), PSM_BAD);
	d->def.n_srv = 0; /* beyond the count: not read */
	assert_int_equal(psm_check_from_core(d, sizeof(*d), 0, why, sizeof(why)), PSM_OK);
	d->def.n_ports = NETDEF_MAX_PORTS + 1;
	assert_int_equal(psm_check_from_core(d, sizeof(*d), 0, why, sizeof(why)), PSM_BAD);
	d->def.n_ports = 1;
	d->def.ports[0].n_ip6 = NETDEF_MAX_PORT_IPS + 1;
	assert_int_equal(psm_check_from_core(d, sizeof(*d), 0, why, sizeof(why)), PSM_BAD);
	d->def.ports[0].n_ip6 = 0;
	memset(d->def.ports[0].policy.acl_in, 'a', NETDEF_NAME_MAX);
	assert_int_equal(psm_check_from_core(d, sizeof(*d), 0, why, sizeof(why)), PSM_BAD);
	d->def.n_ports = 0;
	memset(d->def.metadata, 'm', sizeof(d->def.metadata));
	assert_int_equal(psm_check_from_core(d, sizeof(*d), 0, why, sizeof(why)), PSM_BAD);
	d->def.metadata[0] = '\0';
	d->def.n_ranges6 = NETDEF_MAX_RANGES + 1;
	assert_int_equal(psm_check_from_core(d, sizeof(*d), 0, why, sizeof(why)), PSM_BAD);
	free(d);
}

/* A DHCPv6 lease's name for the DNS service (issue 18.6). */
static void test_dns_lease6(void **state)
{
	struct psm_dns_lease6 m;
	char why[160];

	psm_init(&m, PSM_DNS_LEASE6);
	m.bound = 1;
	inet_pton(AF_INET6, "fd00::10", &m.ip);
	strcpy(m.hostname, "guest6");
	m.has_mac = 1;
	assert_string_equal(psm_type_name(PSM_DNS_LEASE6), "dns_lease6");
	assert_int_equal(psm_check_from_core(&m, sizeof(m), 0, why, sizeof(why)), PSM_OK);
	/* the core sends it, never the child */
	assert_int_equal(child(&m, sizeof(m), 0), PSM_BAD);
	assert_int_equal(psm_check_from_core(&m, sizeof(m) - 1, 0, why, sizeof(why)), PSM_BAD);
	assert_int_equal(psm_check_from_core(&m, sizeof(m), 1, why, sizeof(why)), PSM_BAD);
	m.bound = 2;
	assert_int_equal(psm_check_from_core(&m, sizeof(m), 0, why, sizeof(why)), PSM_BAD);
	m.bound = 0;
	m.has_mac = 2;
	assert_int_equal(psm_check_from_core(&m, sizeof(m), 0, why, sizeof(why)), PSM_BAD);
	m.has_mac = 0;
	memset(m.hostname, 'a', sizeof(m.hostname));
	assert_int_equal(psm_check_from_core(&m, sizeof(m), 0, why, sizeof(why)), PSM_BAD);
}

/* The DNS proxy's sockets on an IPv6 address: two descriptors, core only. */
static void test_dns_listen(void **state)
{
	struct psm_seq m;
	char why[160];

	psm_init(&m, PSM_DNS_LISTEN);
	assert_string_equal(psm_type_name(PSM_DNS_LISTEN), "dns_listen");
	assert_int_equal(psm_check_from_core(&m, sizeof(m), 2, why, sizeof(why)), PSM_OK);
	assert_int_equal(psm_check_from_core(&m, sizeof(m), 1, why, sizeof(why)), PSM_BAD);
	assert_int_equal(psm_check_from_core(&m, sizeof(m), 0, why, sizeof(why)), PSM_BAD);
	assert_int_equal(child(&m, sizeof(m), 2), PSM_BAD);
}

static void gone_count(void *ctx, const struct dhcp_lease_info *l)
{
	(*(int *)ctx)++;
}

/* Many leases, deletions in between (backward shift), a stale sweep. */
static void test_mirror(void **state)
{
	struct lease_mirror *m = lease_mirror_new();
	struct dhcp_lease_info l = { .mac = { 0x52 } };
	struct json_object *j;
	int gone = 0;

	for (uint32_t i = 1; i <= 3000; i++) {
		l.ip.s_addr = htonl(0x0a000000 + i);
		lease_mirror_set(m, &l);
	}
	assert_int_equal(lease_mirror_count(m), 3000);
	for (uint32_t i = 1; i <= 3000; i += 2) {
		l.ip.s_addr = htonl(0x0a000000 + i);
		lease_mirror_del(m, l.ip);
	}
	assert_int_equal(lease_mirror_count(m), 1500);
	lease_mirror_mark_stale(m);
	for (uint32_t i = 2; i <= 1000; i += 2) { /* reported again by a new child */
		l.ip.s_addr = htonl(0x0a000000 + i);
		lease_mirror_set(m, &l);
	}
	lease_mirror_sweep(m, gone_count, &gone);
	assert_int_equal(gone, 1000);
	assert_int_equal(lease_mirror_count(m), 500);
	j = lease_mirror_json(m);
	assert_int_equal(json_object_array_length(j), 500);
	assert_string_equal(json_object_get_string(json_object_object_get(
		json_object_array_get_idx(j, 0), "ip")), "10.0.0.2");
	json_object_put(j);
	lease_mirror_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lease_ok),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_network_and_instance),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_macs_flags_strings),
		cmocka_unit_test(test_snoop),
		cmocka_unit_test(test_result_text),
		cmocka_unit_test(test_from_core),
		cmocka_unit_test(test_dns_lease6),
		cmocka_unit_test(test_dns_listen),
		cmocka_unit_test(test_mirror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
