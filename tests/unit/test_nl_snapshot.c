/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nl_snapshot: what a share moves (addresses except IPv6 link-local,
 * routes through the device except kernel-derived ones), how a recorded
 * route is named in error messages, and capture refusing devices that
 * cannot be shared. The moves themselves run in tests/system/shared_nic.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <netlink/netlink.h>
#include <string.h>

#include "nl/nl.h"

static struct json_object *J(const char *text)
{
	struct json_object *o = json_tokener_parse(text);

	assert_non_null(o);
	return o;
}

static void addr_movable(void **state)
{
	struct json_object *v4 = J("{\"family\":2,\"local\":\"192.168.50.10\",\"prefixlen\":24,\"scope\":0}");
	struct json_object *v4ll = J("{\"family\":2,\"local\":\"169.254.1.1\",\"prefixlen\":16,\"scope\":253}");
	struct json_object *v6 = J("{\"family\":10,\"local\":\"2001:db8::1\",\"prefixlen\":64,\"scope\":0}");
	struct json_object *v6ll = J("{\"family\":10,\"local\":\"fe80::1\",\"prefixlen\":64,\"scope\":253}");

	(void)state;
	assert_true(snap_addr_movable(v4));
	assert_true(snap_addr_movable(v4ll)); /* IPv4 link scope moves too */
	assert_true(snap_addr_movable(v6));
	assert_false(snap_addr_movable(v6ll)); /* the bridge derives the same one */
	json_object_put(v4);
	json_object_put(v4ll);
	json_object_put(v6);
	json_object_put(v6ll);
}

static void route_movable(void **state)
{
	struct json_object *boot = J("{\"protocol\":3,\"nexthops\":[{\"ifindex\":5}]}");
	struct json_object *kern = J("{\"protocol\":2,\"nexthops\":[{\"ifindex\":5}]}");
	struct json_object *multi = J("{\"protocol\":4,\"nexthops\":[{\"ifindex\":7},{\"ifindex\":5}]}");
	struct json_object *none = J("{\"protocol\":3}");

	(void)state;
	assert_true(snap_route_movable(boot, 5));
	assert_false(snap_route_movable(boot, 6));  /* not through this device */
	assert_false(snap_route_movable(kern, 5));  /* follows its address */
	assert_true(snap_route_movable(multi, 5));  /* one nexthop through it */
	assert_false(snap_route_movable(none, 5));  /* blackhole & co: no device */
	json_object_put(boot);
	json_object_put(kern);
	json_object_put(multi);
	json_object_put(none);
}

static void describe(void **state)
{
	struct json_object *def = J("{\"family\":2,\"table\":254,\"dst\":\"0.0.0.0\",\"dst_len\":0,"
				    "\"priority\":0,\"nexthops\":[{\"ifindex\":5,\"gateway\":\"192.168.50.1\"}]}");
	struct json_object *net = J("{\"family\":2,\"table\":100,\"dst\":\"10.60.0.0\",\"dst_len\":16,"
				    "\"priority\":50,\"nexthops\":[{\"ifindex\":5}]}");
	struct json_object *a = J("{\"family\":2,\"local\":\"192.168.50.10\",\"prefixlen\":24}");
	char buf[160];

	(void)state;
	snap_route_describe(def, buf, sizeof(buf));
	assert_string_equal(buf, "default via 192.168.50.1 table 254 metric 0");
	snap_route_describe(net, buf, sizeof(buf));
	assert_string_equal(buf, "10.60.0.0/16 table 100 metric 50");
	snap_addr_describe(a, buf, sizeof(buf));
	assert_string_equal(buf, "192.168.50.10/24");
	json_object_put(def);
	json_object_put(net);
	json_object_put(a);
}

static void capture_refuses(void **state)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct json_object *snap = NULL;
	char err[256] = "";

	(void)state;
	assert_non_null(sk);
	assert_int_equal(nl_connect(sk, NETLINK_ROUTE), 0);
	assert_true(snap_capture(sk, "lo", &snap, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "not an Ethernet device"));
	assert_true(snap_capture(sk, "no-such-dev0", &snap, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "no-such-dev0"));
	assert_null(snap);
	nl_socket_free(sk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addr_movable),
		cmocka_unit_test(route_movable),
		cmocka_unit_test(describe),
		cmocka_unit_test(capture_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
