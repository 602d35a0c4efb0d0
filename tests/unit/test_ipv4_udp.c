/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ipv4_udp_parse: a datagram from a packet socket (lib/util/ipv4_udp.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>

#include "util/util.h"

static size_t build(uint8_t *b, size_t plen, uint16_t frag)
{
	uint32_t s = 0;

	memset(b, 0, 28 + plen);
	b[0] = 0x45;
	b[2] = (uint8_t)((28 + plen) >> 8);
	b[3] = (uint8_t)(28 + plen);
	b[6] = (uint8_t)(frag >> 8);
	b[7] = (uint8_t)frag;
	b[8] = 64;
	b[9] = 17;
	memcpy(b + 12, (uint8_t[]){ 192, 168, 122, 10 }, 4);
	memcpy(b + 16, (uint8_t[]){ 192, 168, 122, 1 }, 4);
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	b[10] = (uint8_t)(~s >> 8);
	b[11] = (uint8_t)~s;
	b[20] = 0x13, b[21] = 0x88;	/* 5000 */
	b[22] = 0, b[23] = 53;
	b[24] = (uint8_t)((8 + plen) >> 8);
	b[25] = (uint8_t)(8 + plen);
	memset(b + 28, 'q', plen);
	return 28 + plen;
}

static void test_parse(void **state)
{
	uint8_t b[128];
	struct ipv4_udp u;
	size_t n = build(b, 12, 0);

	(void)state;
	assert_int_equal(ipv4_udp_parse(b, n, &u), 0);
	assert_int_equal(u.sport, 5000);
	assert_int_equal(u.dport, 53);
	assert_int_equal(u.len, 12);
	assert_ptr_equal(u.payload, b + 28);
	assert_int_equal(u.src.s_addr, inet_addr("192.168.122.10"));
	assert_int_equal(u.dst.s_addr, inet_addr("192.168.122.1"));
	/* trailing bytes (Ethernet padding) beyond the IP length are ignored */
	assert_int_equal(ipv4_udp_parse(b, n + 4, &u), 0);
	assert_int_equal(u.len, 12);
}

static void test_refused(void **state)
{
	uint8_t b[128];
	struct ipv4_udp u;
	size_t n = build(b, 12, 0);

	(void)state;
	assert_int_equal(ipv4_udp_parse(b, n - 1, &u), -1);	/* truncated */
	b[11] ^= 1;						/* checksum */
	assert_int_equal(ipv4_udp_parse(b, n, &u), -1);
	n = build(b, 12, 0x2000);				/* more fragments */
	assert_int_equal(ipv4_udp_parse(b, n, &u), -1);
	n = build(b, 12, 0);
	b[25] = 40;						/* UDP length past the end */
	assert_int_equal(ipv4_udp_parse(b, n, &u), -1);
	n = build(b, 12, 0);
	b[9] = 6;						/* TCP */
	assert_int_equal(ipv4_udp_parse(b, n, &u), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
