/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dhcp.h"

#include <arpa/inet.h>

#include "util/util.h"

static void lease_json_cb(void *ctx, const struct dhcp_pool_event *ev)
{
	struct json_object *o = json_object_new_object();
	char mac[18];

	mac_format(ev->mac, mac);
	json_object_object_add(o, "mac", json_object_new_string(mac));
	json_object_object_add(o, "ip", json_object_new_string(inet_ntoa(ev->ip)));
	json_object_object_add(o, "hostname", json_object_new_string(ev->hostname));
	json_object_object_add(o, "expires", json_object_new_int64(ev->expires));
	json_object_object_add(o, "static", json_object_new_boolean(ev->is_static));
	json_object_array_add(ctx, o);
}

struct json_object *dhcp_pool_leases_json(const struct dhcp_pool *p)
{
	struct json_object *a = json_object_new_array();

	if (p)
		dhcp_pool_foreach(p, lease_json_cb, a);
	return a;
}
