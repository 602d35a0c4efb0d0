/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz the DNS message code with guest queries and upstream replies: the
 * parsers never read out of bounds or loop; what parses as a query yields
 * a reply that parses back; what parses as a reply relays into a message
 * that parses again, within the client's limit, and a precomputed answer
 * kept for it comes back the same. The input is also a DHCP
 * hostname offered to the zone's lease rules. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"

static struct dns_zone *zone(void)
{
	static struct dns_zone *z;
	struct in_addr net = { htonl(0xc0a87a01) };

	if (!z) {
		struct in6_addr v6 = { { { 0xfd, [15] = 5 } } };

		z = dns_zone_new("example", net, 24);
		dns_zone_add(z, "guest1", (struct in_addr){ htonl(0xc0a87a0a) });
		/* issue 17's records: AAAA, SRV, TXT; unknown names forwarded */
		dns_zone_add6(z, "guest1", &v6);
		dns_zone_add_srv(z, "http", "tcp", "", "guest1.example", 80, 1, 2);
		dns_zone_add_txt(z, "info", "v=a long text record value");
		dns_zone_set_local_only(z, 0);
		/* issue 18.6: fd00::/64's reverse names answered here only */
		dns_zone_local_ptr6(z, &v6, 64);
	}
	return z;
}

/* <forwarder domain>, forwardPlainNames='no' */
static struct dns_routes *routes(void)
{
	static struct dns_routes *r;
	static struct netdef d;

	if (!r) {
		snprintf(d.forwarders[0].domain, sizeof(d.forwarders[0].domain), "corp.test");
		d.forwarders[0].addr.family = AF_INET;
		d.forwarders[0].addr.v4.s_addr = htonl(0x0a000035);
		snprintf(d.forwarders[1].domain, sizeof(d.forwarders[1].domain), "lan");
		d.n_forwarders = 2;
		d.forward_plain_names = NETDEF_NO;
		r = dns_routes_from_netdef(&d);
	}
	return r;
}

/* A reply kept for a query comes back for that query byte for byte (the
 * ID and question it patches in are its own). */
static void precomputed(const uint8_t *q, size_t qlen, const uint8_t *reply, size_t rlen)
{
	static struct dns_answers *a;
	static uint8_t hit[DNS_ANSWER_REPLY_MAX];
	unsigned tag = 0;
	size_t n;

	if (!a && !(a = dns_answers_new()))
		abort();
	dns_answers_put(a, 7, q, qlen, reply, rlen, 3);
	n = dns_answers_get(a, 7, q, qlen, hit, sizeof(hit), &tag);
	if (n && (n != rlen || tag != 3 || memcmp(hit, reply, n)))
		abort();
	if (dns_answers_get(a, 8, q, qlen, hit, sizeof(hit), &tag))
		abort(); /* another generation */
}

static void as_query(const uint8_t *data, size_t size, uint8_t *out)
{
	struct dns_query q;
	struct dns_builder b;
	struct dns_zone_answer ans;
	struct dns_reply_info r;
	int rc = dns_parse_query(data, size, &q);
	size_t len;

	if (rc == -EINVAL)
		return;
	if (rc == 0 && dns_zone_lookup(zone(), q.q.name, q.q.name_len, q.q.qtype, &ans) ==
			       DNS_ZONE_ANSWER) {
		dns_build_reply(&b, out, dns_client_udp_limit(&q), &q, 0, 1);
		for (unsigned i = 0; i < ans.n_addrs; i++)
			dns_add_a(&b, 0, ans.addrs[i]);
		for (unsigned i = 0; i < ans.n_rrs; i++) {
			if (!ans.rrs[i].data || !ans.rrs[i].len)
				abort();
			dns_add_rr(&b, ans.rrs[i].type, 0, ans.rrs[i].data, ans.rrs[i].len);
		}
		if (ans.ptr_len)
			dns_add_ptr(&b, 0, ans.ptr, ans.ptr_len);
	} else {
		dns_build_reply(&b, out, dns_client_udp_limit(&q), &q, rc ? 1 : 3, 0);
	}
	len = dns_build_finish(&b, &q, 0);
	if (len > dns_client_udp_limit(&q) || dns_parse_reply(out, len, &r) < 0)
		abort();
	if (rc == 0)
		precomputed(data, size, out, len);
	if (rc == 0) {
		size_t g = SIZE_MAX;
		enum dns_route_kind k = dns_route(routes(), q.q.name, q.q.name_len, &g);
		struct sockaddr_storage up[2];

		if (k == DNS_ROUTE_SERVERS && dns_routes_servers(routes(), g, up, 2) != 1)
			abort();
	}
	if (rc == 0 && dns_build_upstream_query(out, 600, &q, 1) <= 0)
		abort();
}

static void as_reply(const uint8_t *data, size_t size, uint8_t *out)
{
	static const uint8_t qwire[] = { 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1 };
	struct dns_reply_info r;
	struct dns_query client;
	uint8_t key[DNS_CACHE_KEY_MAX];
	int len;

	if (dns_parse_reply(data, size, &r) < 0 || !r.has_q)
		return;
	dns_cache_key(key, r.q.name, r.q.name_len, r.q.qtype, r.q.qclass, 0);
	if (dns_parse_query(qwire, sizeof(qwire), &client) < 0)
		abort();
	client.has_edns = size & 1;
	client.edns_size = 1232;
	len = dns_relay_reply(data, size, out, 65536, &client, 7, 512);
	/* The relay walks every record, the header parse does not: a reply
	 * with a broken record past the question is refused (the proxy then
	 * treats it as a bad reply). Whatever it does relay must be valid. */
	if (len == -EBADMSG)
		return;
	if (len < 0 || len > 512 || dns_parse_reply(out, len, &r) < 0)
		abort();
}

/* The input as a guest's DHCP hostname (issue 16.6): whatever it is, the
 * lease has at most one name, and it is one label answered in our domain. */
static void as_hostname(const uint8_t *data, size_t size)
{
	struct in_addr ip = { htonl(0xc0a87a33) };
	char host[256], label[DNS_LEASE_LABEL_MAX], fq[DNS_LEASE_LABEL_MAX + 16];
	uint8_t w[DNS_NAME_MAX];
	struct dns_zone_answer ans;
	size_t n = size < sizeof(host) - 1 ? size : sizeof(host) - 1;
	int wl;

	memcpy(host, data, n);
	host[n] = '\0';
	{
		uint8_t mac[6];

		(void)dns_duid_mac(host, mac); /* DUIDs come in as such text */
	}
	if (dns_zone_lease_set(zone(), ip, host) == DNS_LEASE_NAME_OK &&
	    dns_zone_lease_label(zone(), host, label) == DNS_LEASE_NAME_OK &&
	    strcmp(label, "guest1")) {
		if (dns_zone_lease_count(zone()) != 1 || strchr(label, '.'))
			abort();
		snprintf(fq, sizeof(fq), "%s.example", label);
		wl = dns_name_from_text(fq, w);
		if (wl <= 0 || dns_zone_lookup(zone(), w, wl, DNS_T_A, &ans) != DNS_ZONE_ANSWER ||
		    ans.n_addrs != 1 || ans.addrs[0].s_addr != ip.s_addr)
			abort();
	}
	if (dns_zone_lease_count(zone()) > 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65536];

	if (size > 65535)
		return 0;
	as_query(data, size, out);
	as_reply(data, size, out);
	as_hostname(data, size);
	return 0;
}
