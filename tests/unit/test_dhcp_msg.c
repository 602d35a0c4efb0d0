/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/dhcp_msg.c: strict parse bounds, option overload,
 * concatenation, reply layout and option order. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dhcp_test_pkt.h"

static const uint8_t mac1[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };

static void test_parse_discover(void **state)
{
	struct pkt p;
	struct dhcp_msg m;
	uint8_t prl[] = { 1, 3, 6, 15 };

	pkt_init(&p, DHCPDISCOVER, mac1, 0x11223344);
	p.b[10] = 0x80; /* broadcast flag */
	pkt_ip_opt(&p, OPT_REQ_IP, "10.0.0.7");
	pkt_opt(&p, OPT_HOSTNAME, 5, "guest");
	pkt_opt(&p, OPT_PRL, sizeof(prl), prl);
	pkt_opt(&p, OPT_CLIENT_ID, 7, "\x01\x52\x54\x00\x00\x00\x01");
	pkt_end(&p);
	assert_int_equal(dhcp_msg_parse(p.b, p.len, &m), 0);
	assert_int_equal(m.op, BOOTREQUEST);
	assert_int_equal(m.type, DHCPDISCOVER);
	assert_int_equal(m.flags, DHCP_BROADCAST_FLAG);
	assert_int_equal(m.xid, 0x11223344);
	assert_memory_equal(m.chaddr, mac1, 6);
	assert_true(m.has_req_ip);
	assert_int_equal(m.req_ip.s_addr, ip4("10.0.0.7").s_addr);
	assert_false(m.has_server_id);
	assert_string_equal(m.hostname, "guest");
	assert_int_equal(m.prl_len, 4);
	assert_memory_equal(m.prl, prl, 4);
	assert_int_equal(m.client_id_len, 7);
	assert_int_equal(m.bad_opts, 0);
}

static void test_parse_short_and_cookie(void **state)
{
	struct pkt p;
	struct dhcp_msg m;

	pkt_init(&p, DHCPDISCOVER, mac1, 1);
	pkt_end(&p);
	assert_int_equal(dhcp_msg_parse(p.b, 239, &m), -EBADMSG);
	assert_int_equal(dhcp_msg_parse(p.b, 0, &m), -EBADMSG);
	p.b[236] = 0x64;
	assert_int_equal(dhcp_msg_parse(p.b, p.len, &m), -EBADMSG);
}

static void test_parse_option_overrun(void **state)
{
	struct pkt p;
	struct dhcp_msg m;

	pkt_init(&p, DHCPDISCOVER, mac1, 1);
	p.b[p.len++] = OPT_HOSTNAME;
	p.b[p.len++] = 10; /* claims 10 bytes, only 3 follow */
	memcpy(p.b + p.len, "abc", 3);
	p.len += 3;
	assert_int_equal(dhcp_msg_parse(p.b, p.len, &m), -EBADMSG);
	/* A code byte with no room for its length byte. */
	pkt_init(&p, DHCPDISCOVER, mac1, 1);
	p.b[p.len++] = OPT_HOSTNAME;
	assert_int_equal(dhcp_msg_parse(p.b, p.len, &m), -EBADMSG);
}

static void test_parse_no_end_and_pad(void **state)
{
	struct pkt p;
	struct dhcp_msg m;

	pkt_init(&p, 0, mac1, 1);
	p.b[p.len++] = OPT_PAD;
	p.b[p.len++] = OPT_PAD;
	pkt_opt(&p, OPT_MSG_TYPE, 1, "\x03");
	/* no OPT_END: the field's end closes the options */
	assert_int_equal(dhcp_msg_parse(p.b, p.len, &m), 0);
	assert_int_equal(m.type, DHCPREQUEST);
	/* Anything after END is not read. */
	pkt_init(&p, 0, mac1, 1);
	pkt_end(&p);
	p.b[241] = OPT_MSG_TYPE;
	p.b[242] = 1;
	p.b[243] = 1;
	assert_int_equal(dhcp_msg_parse(p.b, p.len, &m), 0);
	assert_int_equal(m.type, 0);
}

static void test_parse_wrong_fixed_len(void **state)
{
	struct pkt p;
	struct dhcp_msg m;

	pkt_init(&p, DHCPREQUEST, mac1, 1);
	pkt_opt(&p, OPT_REQ_IP, 3, "\x0a\x00\x00");
	pkt_opt(&p, OPT_SERVER_ID, 5, "\x0a\x00\x00\x01\x02");
	pkt_opt(&p, OPT_MSG_TYPE, 2, "\x01\x01");
	pkt_end(&p);
	assert_int_equal(dhcp_msg_parse(p.b, p.len, &m), 0);
	assert_false(m.has_req_ip);
	assert_false(m.has_server_id);
	assert_int_equal(m.type, DHCPREQUEST); /* first valid one kept */
	assert_int_equal(m.bad_opts, 3);
}

static void test_parse_overload(void **state)
{
	struct pkt p;
	struct dhcp_msg m;

	pkt_init(&p, 0, mac1, 1);
	pkt_opt(&p, OPT_OVERLOAD, 1, "\x03");
	pkt_end(&p);
	/* file field (offset 108): message type + hostname part 1 */
	memcpy(p.b + 108, "\x35\x01\x01\x0c\x03" "abc\xff", 9);
	/* sname field (offset 44): hostname part 2 (RFC 3396 concatenation),
	 * a nested overload option that must be ignored */
	memcpy(p.b + 44, "\x34\x01\x01\x0c\x02" "de\xff", 8);
	assert_int_equal(dhcp_msg_parse(p.b, p.len, &m), 0);
	assert_int_equal(m.overload, 3);
	assert_int_equal(m.type, DHCPDISCOVER);
	assert_string_equal(m.hostname, "abcde"); /* file first, then sname */
}

static void test_parse_overload_bounds(void **state)
{
	struct pkt p;
	struct dhcp_msg m;

	pkt_init(&p, DHCPDISCOVER, mac1, 1);
	pkt_opt(&p, OPT_OVERLOAD, 1, "\x02");
	pkt_end(&p);
	/* sname is 64 bytes: an option claiming 100 would read into 'file' */
	p.b[44] = OPT_HOSTNAME;
	p.b[45] = 100;
	assert_int_equal(dhcp_msg_parse(p.b, p.len, &m), -EBADMSG);
	/* Without the overload option the same bytes are never parsed. */
	pkt_init(&p, DHCPDISCOVER, mac1, 1);
	pkt_end(&p);
	p.b[44] = OPT_HOSTNAME;
	p.b[45] = 100;
	assert_int_equal(dhcp_msg_parse(p.b, p.len, &m), 0);
	assert_int_equal(m.hostname_len, 0);
	/* Invalid overload values are ignored. */
	pkt_init(&p, DHCPDISCOVER, mac1, 1);
	pkt_opt(&p, OPT_OVERLOAD, 1, "\x07");
	pkt_end(&p);
	p.b[44] = OPT_HOSTNAME;
	p.b[45] = 100;
	assert_int_equal(dhcp_msg_parse(p.b, p.len, &m), 0);
	assert_int_equal(m.overload, 0);
}

static void test_parse_long_hostname_truncated(void **state)
{
	struct pkt p;
	struct dhcp_msg m;
	char name[200];

	memset(name, 'x', sizeof(name));
	pkt_init(&p, DHCPDISCOVER, mac1, 1);
	pkt_opt(&p, OPT_HOSTNAME, 200, name);
	pkt_end(&p);
	assert_int_equal(dhcp_msg_parse(p.b, p.len, &m), 0);
	assert_int_equal(m.hostname_len, DHCP_HOSTNAME_MAX - 1);
	assert_int_equal(strlen(m.hostname), DHCP_HOSTNAME_MAX - 1);
}

static struct dhcp_reply sample_reply(void)
{
	struct dhcp_reply r;

	memset(&r, 0, sizeof(r));
	r.type = DHCPACK;
	r.xid = 0xdeadbeef;
	r.htype = 1;
	r.hlen = 6;
	memcpy(r.chaddr, mac1, 6);
	r.yiaddr = ip4("10.0.0.9");
	r.server_id = ip4("10.0.0.1");
	r.has_lease = 1;
	r.lease_secs = 3600;
	r.t1_secs = 1800;
	r.t2_secs = 3150;
	r.has_netcfg = 1;
	r.mask = ip4("255.255.255.0");
	r.router = ip4("10.0.0.1");
	r.dns = ip4("10.0.0.1");
	strcpy(r.domain, "example.test");
	strcpy(r.hostname, "guest");
	r.mtu = 1400;
	return r;
}

/* Find option code in a built reply; returns its offset or -1. */
static int find_opt(const uint8_t *b, int len, uint8_t code)
{
	int i = 240;

	while (i < len && b[i] != OPT_END) {
		if (b[i] == OPT_PAD) {
			i++;
			continue;
		}
		if (b[i] == code)
			return i;
		i += 2 + b[i + 1];
	}
	return -1;
}

static void test_build_order_and_roundtrip(void **state)
{
	struct dhcp_reply r = sample_reply();
	uint8_t buf[DHCP_MAX_REPLY];
	struct dhcp_msg m;
	int len;

	r.prl_len = 4;
	memcpy(r.prl, "\x06\x0f\x01\x03", 4); /* DNS, domain, mask, router */
	len = dhcp_msg_build(&r, buf, sizeof(buf));
	assert_true(len >= DHCP_BOOTP_MIN_LEN && len <= DHCP_MAX_REPLY);
	assert_int_equal(buf[0], BOOTREPLY);
	/* type, server id, then the PRL order */
	assert_int_equal(buf[240], OPT_MSG_TYPE);
	assert_int_equal(buf[243], OPT_SERVER_ID);
	assert_int_equal(buf[249], OPT_DNS);
	assert_int_equal(buf[255], OPT_DOMAIN);
	assert_int_equal(buf[255 + 2 + 12], OPT_SUBNET_MASK);
	assert_int_equal(buf[255 + 2 + 12 + 6], OPT_ROUTER);
	assert_true(find_opt(buf, len, OPT_LEASE_TIME) > find_opt(buf, len, OPT_ROUTER));
	assert_true(find_opt(buf, len, OPT_MTU) > 0);
	assert_int_equal(dhcp_msg_parse(buf, (size_t)len, &m), 0);
	assert_int_equal(m.op, BOOTREPLY);
	assert_int_equal(m.type, DHCPACK);
	assert_int_equal(m.xid, 0xdeadbeef);
	assert_int_equal(m.yiaddr.s_addr, ip4("10.0.0.9").s_addr);
	assert_int_equal(m.server_id.s_addr, ip4("10.0.0.1").s_addr);
	assert_int_equal(m.lease_time, 3600);
	assert_string_equal(m.hostname, "guest");
}

static void test_build_nak_and_inform_shape(void **state)
{
	struct dhcp_reply r = sample_reply();
	uint8_t buf[DHCP_MAX_REPLY];
	int len;

	r.has_lease = 0; /* INFORM ACK: no lease time */
	len = dhcp_msg_build(&r, buf, sizeof(buf));
	assert_int_equal(find_opt(buf, len, OPT_LEASE_TIME), -1);
	assert_int_equal(find_opt(buf, len, OPT_T1), -1);
	assert_true(find_opt(buf, len, OPT_ROUTER) > 0);
	memset(&r, 0, sizeof(r));
	r.type = DHCPNAK;
	r.server_id = ip4("10.0.0.1");
	strcpy(r.message, "wrong network");
	len = dhcp_msg_build(&r, buf, sizeof(buf));
	assert_int_equal(len, DHCP_BOOTP_MIN_LEN);
	assert_int_equal(find_opt(buf, len, OPT_ROUTER), -1);
	assert_true(find_opt(buf, len, OPT_MESSAGE) > 0);
	assert_int_equal(buf[240 + 2], DHCPNAK);
}

static void test_build_small_cap(void **state)
{
	struct dhcp_reply r = sample_reply();
	uint8_t buf[DHCP_MAX_REPLY];
	int len;

	assert_int_equal(dhcp_msg_build(&r, buf, 299), -ENOSPC);
	/* A long domain and client id overflow 300 bytes: dropped, not cut. */
	memset(r.domain, 'd', sizeof(r.domain) - 1);
	r.domain[sizeof(r.domain) - 1] = '\0';
	r.client_id_len = 200;
	len = dhcp_msg_build(&r, buf, 300);
	assert_true(len <= 300);
	assert_int_equal(buf[len - 1] == OPT_END || buf[len - 1] == 0, 1);
	assert_true(find_opt(buf, len, OPT_LEASE_TIME) > 0);
	assert_int_equal(find_opt(buf, len, OPT_CLIENT_ID), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_discover),
		cmocka_unit_test(test_parse_short_and_cookie),
		cmocka_unit_test(test_parse_option_overrun),
		cmocka_unit_test(test_parse_no_end_and_pad),
		cmocka_unit_test(test_parse_wrong_fixed_len),
		cmocka_unit_test(test_parse_overload),
		cmocka_unit_test(test_parse_overload_bounds),
		cmocka_unit_test(test_parse_long_hostname_truncated),
		cmocka_unit_test(test_build_order_and_roundtrip),
		cmocka_unit_test(test_build_nak_and_inform_shape),
		cmocka_unit_test(test_build_small_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
