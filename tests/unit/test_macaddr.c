/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/util/macaddr.c: the text form of a MAC address, which
 * the DHCP server formats for every message (issue 21.3: no printf). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/util.h"

static void test_format(void **state)
{
	static const struct {
		uint8_t mac[6];
		const char *want;
	} c[] = {
		{ { 0, 0, 0, 0, 0, 0 }, "00:00:00:00:00:00" },
		{ { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, "ff:ff:ff:ff:ff:ff" },
		{ { 0x52, 0x54, 0x00, 0x0a, 0xb0, 0x9f }, "52:54:00:0a:b0:9f" },
	};
	char buf[18];
	uint8_t back[6];

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		mac_format(c[i].mac, buf);
		assert_string_equal(buf, c[i].want);
		assert_int_equal(mac_parse(buf, back), 0);
		assert_memory_equal(back, c[i].mac, 6);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
