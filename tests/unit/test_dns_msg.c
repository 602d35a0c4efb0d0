/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/dns_msg.c: parsing, decompression safety, building,
 * relaying. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "dns/dns.h"

/* header id 0x1234, RD, 1 question www.example.com A IN */
static const uint8_t q_www[] = {
	0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0, 1, 0, 1,
};

static size_t with_opt(uint8_t *buf, const uint8_t *q, size_t qlen, uint16_t size,
		       uint32_t ttl)
{
	memcpy(buf, q, qlen);
	buf[11] += 1; /* arcount */
	uint8_t opt[] = { 0, 0, 41, size >> 8, size & 0xff, ttl >> 24, (ttl >> 16) & 0xff,
			  (ttl >> 8) & 0xff, ttl & 0xff, 0, 0 };
	memcpy(buf + qlen, opt, sizeof(opt));
	return qlen + sizeof(opt);
}

static void test_parse_simple(void **state)
{
	struct dns_query q;
	char text[DNS_TEXT_MAX];

	assert_int_equal(dns_parse_query(q_www, sizeof(q_www), &q), 0);
	assert_int_equal(q.hdr.id, 0x1234);
	assert_true(q.hdr.flags & DNS_F_RD);
	assert_int_equal(q.q.qtype, DNS_T_A);
	assert_int_equal(q.q.qclass, DNS_C_IN);
	assert_int_equal(q.q.name_len, 17);
	assert_false(q.has_edns);
	dns_name_to_text(q.q.name, q.q.name_len, text, sizeof(text));
	assert_string_equal(text, "www.example.com");
	assert_int_equal(dns_client_udp_limit(&q), 512);
}

static void test_parse_edns(void **state)
{
	uint8_t buf[128];
	struct dns_query q;
	size_t n = with_opt(buf, q_www, sizeof(q_www), 4096, 0x8000);

	assert_int_equal(dns_parse_query(buf, n, &q), 0);
	assert_true(q.has_edns);
	assert_int_equal(q.edns_size, 4096);
	assert_true(q.edns_do);
	assert_int_equal(q.edns_version, 0);
	assert_int_equal(dns_client_udp_limit(&q), DNS_EDNS_SIZE);

	n = with_opt(buf, q_www, sizeof(q_www), 100, 0x00010000); /* version 1 */
	assert_int_equal(dns_parse_query(buf, n, &q), 0);
	assert_int_equal(q.edns_size, 512);
	assert_int_equal(q.edns_version, 1);
	assert_false(q.edns_do);

	/* RFC 6891 6.1.1: more than one OPT is FORMERR */
	uint8_t two[160];
	size_t m = with_opt(two, buf, n, 1232, 0);
	assert_int_equal(dns_parse_query(two, m, &q), -EBADMSG);
}

static void test_parse_bad_headers(void **state)
{
	uint8_t buf[64];
	struct dns_query q;

	assert_int_equal(dns_parse_query(q_www, 11, &q), -EINVAL);
	memcpy(buf, q_www, sizeof(q_www));
	buf[2] |= 0x80; /* QR: a response */
	assert_int_equal(dns_parse_query(buf, sizeof(q_www), &q), -EINVAL);
	memcpy(buf, q_www, sizeof(q_www));
	buf[2] |= 2 << 3; /* opcode STATUS */
	assert_int_equal(dns_parse_query(buf, sizeof(q_www), &q), -EOPNOTSUPP);
	assert_int_equal(q.hdr.id, 0x1234);
	memcpy(buf, q_www, sizeof(q_www));
	buf[5] = 2; /* qdcount 2 */
	assert_int_equal(dns_parse_query(buf, sizeof(q_www), &q), -EBADMSG);
	buf[5] = 0;
	assert_int_equal(dns_parse_query(buf, sizeof(q_www), &q), -EBADMSG);
	memcpy(buf, q_www, sizeof(q_www));
	buf[sizeof(q_www)] = 0; /* trailing garbage */
	assert_int_equal(dns_parse_query(buf, sizeof(q_www) + 1, &q), -EBADMSG);
	buf[11] = 1; /* arcount 1 but no record */
	assert_int_equal(dns_parse_query(buf, sizeof(q_www), &q), -EBADMSG);
}

static void test_parse_truncated(void **state)
{
	uint8_t buf[128];
	struct dns_query q;
	size_t n = with_opt(buf, q_www, sizeof(q_www), 1232, 0);

	assert_int_equal(dns_parse_query(buf, n, &q), 0);
	for (size_t l = 0; l < n; l++) {
		int r = dns_parse_query(buf, l, &q);

		assert_true(r == -EINVAL || r == -EBADMSG);
		if (l >= DNS_HDR_LEN)
			assert_int_equal(r, -EBADMSG);
	}
}

static void test_name_pointer_loops(void **state)
{
	uint8_t out[DNS_NAME_MAX];
	size_t off;
	/* pointer to itself at offset 12 */
	uint8_t self[] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1 };
	/* label then pointer back into the same name -> loop */
	uint8_t back[] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0xc0, 12, 0, 1, 0, 1 };
	/* forward pointer to a valid name later in the packet */
	uint8_t fwd[] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 14, 1, 'a', 0 };
	/* two pointers pointing at each other: 12 -> 14 -> 12 */
	uint8_t pair[] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 14, 0xc0, 12 };
	/* pointer past the end */
	uint8_t past[] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0xff };
	struct dns_query q;

	off = 12;
	assert_int_equal(dns_name_read(self, sizeof(self), &off, out), -EBADMSG);
	assert_int_equal(dns_parse_query(self, sizeof(self), &q), -EBADMSG);
	off = 12;
	assert_int_equal(dns_name_read(back, sizeof(back), &off, out), -EBADMSG);
	off = 12;
	assert_int_equal(dns_name_read(fwd, sizeof(fwd), &off, out), -EBADMSG);
	off = 14;
	assert_int_equal(dns_name_read(pair, sizeof(pair), &off, out), -EBADMSG);
	off = 12;
	assert_int_equal(dns_name_read(past, sizeof(past), &off, out), -EBADMSG);
	/* a pointer into the header (offset 11 is arcount's low byte, 0 =
	 * root): names never live there and the proxy rewrites the header */
	uint8_t hdr[] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 11, 0, 1, 0, 1 };
	off = 12;
	assert_int_equal(dns_name_read(hdr, sizeof(hdr), &off, out), -EBADMSG);
}

static void test_name_decompress(void **state)
{
	uint8_t m[64] = { 0 };
	uint8_t out[DNS_NAME_MAX];
	char text[DNS_TEXT_MAX];
	size_t off = 12, n;

	/* 12: example.com ; 25: mail -> ptr 12 ; 32: x -> ptr 25 (chain) */
	memcpy(m + 12, "\7example\3com", 13);
	m[25] = 4;
	memcpy(m + 26, "mail", 4);
	m[30] = 0xc0;
	m[31] = 12;
	m[32] = 1;
	m[33] = 'x';
	m[34] = 0xc0;
	m[35] = 25;
	n = 36;
	assert_int_equal(dns_name_read(m, n, &off, out), 13);
	assert_int_equal(off, 25);
	off = 32;
	int len = dns_name_read(m, n, &off, out);

	assert_int_equal(len, 2 + 5 + 13);
	assert_int_equal(off, 36); /* after the first pointer */
	dns_name_to_text(out, len, text, sizeof(text));
	assert_string_equal(text, "x.mail.example.com");
}

static void test_name_limits(void **state)
{
	uint8_t m[600] = { 0 };
	uint8_t out[DNS_NAME_MAX];
	size_t off, p = 12;

	/* 4 labels of 63 = 256 bytes + root = 257 > 255 */
	for (int i = 0; i < 4; i++) {
		m[p++] = 63;
		memset(m + p, 'a', 63);
		p += 63;
	}
	m[p++] = 0;
	off = 12;
	assert_int_equal(dns_name_read(m, p, &off, out), -EBADMSG);
	/* 3 x 63 + 61 = 253 + 4 length octets + root = 255: allowed */
	m[12 + 3 * 64] = 61;
	m[12 + 3 * 64 + 62] = 0;
	off = 12;
	assert_int_equal(dns_name_read(m, 12 + 3 * 64 + 63, &off, out), 255);
	/* label length 64 (0x40) is an extended label type: rejected */
	m[12] = 64;
	off = 12;
	assert_int_equal(dns_name_read(m, p, &off, out), -EBADMSG);
	m[12] = 0x80;
	off = 12;
	assert_int_equal(dns_name_read(m, p, &off, out), -EBADMSG);
}

static void test_name_text(void **state)
{
	uint8_t w[DNS_NAME_MAX], w2[DNS_NAME_MAX];
	char t[DNS_TEXT_MAX], label[70];

	assert_int_equal(dns_name_from_text("www.Example.com.", w), 17);
	assert_int_equal(dns_name_from_text("WWW.example.COM", w2), 17);
	assert_true(dns_name_equal(w, 17, w2, 17));
	w2[1] = 'v';
	assert_false(dns_name_equal(w, 17, w2, 17));
	assert_int_equal(dns_name_from_text(".", w), 1);
	assert_int_equal(dns_name_from_text("", w), 1);
	assert_int_equal(dns_name_labels(w, 1), 0);
	assert_int_equal(dns_name_from_text("a..b", w), -EINVAL);
	assert_int_equal(dns_name_from_text("a.b..", w), -EINVAL);
	memset(label, 'x', 64);
	label[64] = 0;
	assert_int_equal(dns_name_from_text(label, w), -EINVAL);
	label[63] = 0;
	assert_int_equal(dns_name_from_text(label, w), 65);
	uint8_t odd[] = { 3, 'a', '.', 0x01, 0 };
	dns_name_to_text(odd, sizeof(odd), t, sizeof(t));
	assert_string_equal(t, "a\\046\\001");
	uint8_t root = 0;
	dns_name_to_text(&root, 1, t, sizeof(t));
	assert_string_equal(t, ".");
}

static void test_build_a_reply(void **state)
{
	uint8_t buf[128], out[512];
	struct dns_query q;
	struct dns_builder b;
	struct dns_reply_info r;
	struct in_addr a1 = { htonl(0xc0a87a0a) }, a2 = { htonl(0xc0a87a0b) };
	size_t n = with_opt(buf, q_www, sizeof(q_www), 1232, 0x8000);

	assert_int_equal(dns_parse_query(buf, n, &q), 0);
	assert_int_equal(dns_build_reply(&b, out, sizeof(out), &q, DNS_R_NOERROR, 1), 0);
	assert_int_equal(dns_add_a(&b, 30, a1), 0);
	assert_int_equal(dns_add_a(&b, 30, a2), 0);
	size_t len = dns_build_finish(&b, &q, 0);

	assert_int_equal(dns_parse_reply(out, len, &r), 0);
	assert_int_equal(r.hdr.id, 0x1234);
	assert_true(r.hdr.flags & DNS_F_QR);
	assert_true(r.hdr.flags & DNS_F_AA);
	assert_true(r.hdr.flags & DNS_F_RD);
	assert_false(r.hdr.flags & DNS_F_TC);
	assert_int_equal(r.hdr.ancount, 2);
	assert_int_equal(r.hdr.arcount, 1);
	assert_true(r.has_edns);
	assert_int_equal(r.min_ttl, 30);
	assert_true(dns_name_equal(r.q.name, r.q.name_len, q.q.name, q.q.name_len));
	/* first answer: c0 0c 0001 0001 ttl 0004 addr */
	size_t a = DNS_HDR_LEN + q.q.name_len + 4;
	assert_int_equal(out[a], 0xc0);
	assert_int_equal(out[a + 1], 12);
	assert_memory_equal(out + a + 12, &a1.s_addr, 4);
	/* OPT echoes DO (RFC 3225) and carries our size */
	assert_int_equal(out[len - 8] << 8 | out[len - 7], DNS_EDNS_SIZE);
	assert_int_equal(out[len - 4], 0x80);
}

static void test_build_overflow_sets_tc(void **state)
{
	uint8_t out[512];
	struct dns_query q;
	struct dns_builder b;
	struct in_addr a = { htonl(0x0a000001) };
	int added = 0;

	assert_int_equal(dns_parse_query(q_www, sizeof(q_www), &q), 0);
	dns_build_reply(&b, out, 100, &q, 0, 1);
	while (dns_add_a(&b, 1, a) == 0)
		added++;
	assert_int_equal(added, (100 - 33) / 16);
	size_t len = dns_build_finish(&b, &q, 0);

	assert_true(len <= 100);
	assert_true(out[2] & 0x02); /* TC */
	assert_int_equal(out[7], added);
}

static void test_formerr_without_question(void **state)
{
	uint8_t buf[64], out[512];
	struct dns_query q;
	struct dns_builder b;

	memcpy(buf, q_www, sizeof(q_www));
	buf[5] = 2;
	assert_int_equal(dns_parse_query(buf, sizeof(q_www), &q), -EBADMSG);
	dns_build_reply(&b, out, sizeof(out), &q, DNS_R_FORMERR, 0);
	size_t len = dns_build_finish(&b, &q, 0);

	assert_int_equal(len, DNS_HDR_LEN);
	assert_int_equal(out[0] << 8 | out[1], 0x1234);
	assert_int_equal(out[3] & 0xf, DNS_R_FORMERR);
	assert_int_equal(out[5], 0);
}

static void test_upstream_query(void **state)
{
	uint8_t buf[128], up[512];
	struct dns_query q, u;
	size_t n = with_opt(buf, q_www, sizeof(q_www), 4096, 0x8000);

	buf[3] |= DNS_F_CD;
	assert_int_equal(dns_parse_query(buf, n, &q), 0);
	int len = dns_build_upstream_query(up, sizeof(up), &q, 0xbeef);

	assert_true(len > 0);
	assert_int_equal(dns_parse_query(up, len, &u), 0);
	assert_int_equal(u.hdr.id, 0xbeef);
	assert_true(u.hdr.flags & DNS_F_RD);
	assert_true(u.hdr.flags & DNS_F_CD);
	assert_true(u.has_edns);
	assert_int_equal(u.edns_size, DNS_EDNS_SIZE);
	assert_true(u.edns_do);
	assert_true(dns_name_equal(u.q.name, u.q.name_len, q.q.name, q.q.name_len));
}

/* An upstream reply: www.example.com A with n answers ttl 300, OPT. */
static size_t upstream_reply(uint8_t *out, size_t cap, unsigned n, unsigned rcode)
{
	uint8_t buf[128];
	struct dns_query q;
	struct dns_builder b;
	struct in_addr a = { htonl(0x5db8d822) };
	size_t ql = with_opt(buf, q_www, sizeof(q_www), 1232, 0);

	buf[0] = 0x77;
	assert_int_equal(dns_parse_query(buf, ql, &q), 0);
	dns_build_reply(&b, out, cap, &q, rcode, 0);
	for (unsigned i = 0; i < n; i++)
		dns_add_a(&b, 300, a);
	return dns_build_finish(&b, &q, 0);
}

static void test_relay(void **state)
{
	uint8_t up[2048], out[2048], cq[128];
	struct dns_query client;
	struct dns_reply_info r;
	size_t ul = upstream_reply(up, sizeof(up), 2, 0);
	int len;

	/* client without EDNS, id 0x1234 */
	assert_int_equal(dns_parse_query(q_www, sizeof(q_www), &client), 0);
	len = dns_relay_reply(up, ul, out, sizeof(out), &client, 100, 512);
	assert_int_equal(len, (int)ul - 11);
	assert_int_equal(dns_parse_reply(out, len, &r), 0);
	assert_int_equal(r.hdr.id, 0x1234);
	assert_false(r.has_edns);
	assert_int_equal(r.hdr.arcount, 0);
	assert_int_equal(r.min_ttl, 200); /* aged by 100 s */
	len = dns_relay_reply(up, ul, out, sizeof(out), &client, 1000, 512);
	assert_int_equal(dns_parse_reply(out, len, &r), 0);
	assert_int_equal(r.min_ttl, 0);

	/* client with EDNS keeps an OPT carrying our size */
	size_t cl = with_opt(cq, q_www, sizeof(q_www), 4096, 0);
	assert_int_equal(dns_parse_query(cq, cl, &client), 0);
	len = dns_relay_reply(up, ul, out, sizeof(out), &client, 0, dns_client_udp_limit(&client));
	assert_int_equal(len, (int)ul);
	assert_int_equal(dns_parse_reply(out, len, &r), 0);
	assert_true(r.has_edns);
	assert_int_equal(r.min_ttl, 300);
}

static void test_relay_truncates(void **state)
{
	uint8_t up[4096], out[4096];
	struct dns_query client;
	struct dns_reply_info r;
	size_t ul = upstream_reply(up, sizeof(up), 40, 0); /* 33 + 40*16 + 11 bytes */
	int len;

	assert_true(ul > 512);
	assert_int_equal(dns_parse_query(q_www, sizeof(q_www), &client), 0);
	len = dns_relay_reply(up, ul, out, sizeof(out), &client, 0, 512);
	assert_int_equal(len, (int)sizeof(q_www));
	assert_int_equal(dns_parse_reply(out, len, &r), 0);
	assert_true(r.hdr.flags & DNS_F_TC);
	assert_int_equal(r.hdr.ancount, 0);
	assert_int_equal(r.hdr.id, 0x1234);
	/* over TCP (limit 65535) it goes whole */
	len = dns_relay_reply(up, ul, out, sizeof(out), &client, 0, 65535);
	assert_int_equal(len, (int)ul - 11);
	/* garbage is refused */
	assert_int_equal(dns_relay_reply(up, ul - 3, out, sizeof(out), &client, 0, 512), -EBADMSG);
}

static void test_reply_opt_owner(void **state)
{
	uint8_t up[512];
	struct dns_reply_info r;
	size_t ul = upstream_reply(up, sizeof(up), 1, 0);

	assert_int_equal(dns_parse_reply(up, ul, &r), 0);
	assert_true(r.has_edns);
	/* RFC 6891 6.1.1: the OPT owner MUST be the root; a named one is refused */
	uint8_t bad[512];
	memcpy(bad, up, ul - 11);
	uint8_t opt[] = { 1, 'x', 0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0 };
	memcpy(bad + ul - 11, opt, sizeof(opt));
	assert_int_equal(dns_parse_reply(bad, ul - 11 + sizeof(opt), &r), -EBADMSG);
	/* OPT in the answer section is refused too */
	memcpy(bad, up, ul);
	bad[7] = 2;  /* ancount 2: the OPT now counts as an answer */
	bad[11] = 0;
	assert_int_equal(dns_parse_reply(bad, ul, &r), -EBADMSG);
	/* a reply must have QR set */
	memcpy(bad, up, ul);
	bad[2] &= 0x7f;
	assert_int_equal(dns_parse_reply(bad, ul, &r), -EBADMSG);
}

static void test_reply_negative_ttl(void **state)
{
	/* NXDOMAIN for www.example.com with SOA in authority: ttl 3600, minimum 60 */
	uint8_t m[256];
	size_t n = sizeof(q_www);
	struct dns_reply_info r;

	memcpy(m, q_www, n);
	m[2] = 0x81;
	m[3] = 0x83;
	m[9] = 1; /* nscount */
	uint8_t soa[] = { 0xc0, 16, 0, 6, 0, 1, 0, 0, 0x0e, 0x10, 0, 29,
			  2, 'n', 's', 0xc0, 16, 1, 'h', 0xc0, 16,
			  0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 60 };
	memcpy(m + n, soa, sizeof(soa));
	n += sizeof(soa);
	assert_int_equal(dns_parse_reply(m, n, &r), 0);
	assert_int_equal(dns_rcode(&r.hdr), DNS_R_NXDOMAIN);
	assert_int_equal(r.neg_ttl, 60);
	assert_int_equal(r.min_ttl, 3600); /* the SOA record's own TTL */
	m[n - 1] = 0;
	m[n - 2] = 0x1c;
	m[n - 3] = 0x20; /* minimum 0x201c00 > ttl 3600 */
	assert_int_equal(dns_parse_reply(m, n, &r), 0);
	assert_int_equal(r.neg_ttl, 3600);
	/* rdlength claims more than present */
	m[n - 30] = 40;
	assert_int_equal(dns_parse_reply(m, n, &r), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_simple),
		cmocka_unit_test(test_parse_edns),
		cmocka_unit_test(test_parse_bad_headers),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_name_pointer_loops),
		cmocka_unit_test(test_name_decompress),
		cmocka_unit_test(test_name_limits),
		cmocka_unit_test(test_name_text),
		cmocka_unit_test(test_build_a_reply),
		cmocka_unit_test(test_build_overflow_sets_tc),
		cmocka_unit_test(test_formerr_without_question),
		cmocka_unit_test(test_upstream_query),
		cmocka_unit_test(test_relay),
		cmocka_unit_test(test_relay_truncates),
		cmocka_unit_test(test_reply_opt_owner),
		cmocka_unit_test(test_reply_negative_ttl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
