/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/dhcp_pool_netdef.c: the pool both modes build from a
 * network definition. */
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

static const uint8_t host_mac[6] = { 0x52, 0x54, 0, 0, 0, 9 };

static void no_event(void *ctx, const struct dhcp_pool_event *ev) {}

static void test_from_default(void **state)
{
	struct netdef *d = calloc(1, sizeof(*d));
	struct dhcp_pool *p;

	netdef_default(d);
	memcpy(d->hosts[0].mac, host_mac, 6);
	d->hosts[0].ip = ip4("192.168.122.9");
	strcpy(d->hosts[0].name, "web");
	d->n_hosts = 1;
	p = dhcp_pool_from_netdef(d, 1000, no_event, NULL);
	assert_non_null(p);
	/* the <host> is in: its MAC cannot take another fixed address */
	assert_int_equal(dhcp_pool_add_static(p, host_mac, ip4("192.168.122.10"), "", 1000),
			 -EEXIST);
	dhcp_pool_free(p);

	/* a range outside the subnet is refused */
	d->dhcp_end = d->ranges[0].end.v4 = ip4("192.168.123.10"); /* netdef_default fills both */
	assert_null(dhcp_pool_from_netdef(d, 1000, no_event, NULL));
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
