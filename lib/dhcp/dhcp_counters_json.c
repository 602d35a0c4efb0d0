/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dhcp.h"

#include <stdio.h>

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

struct json_object *dhcp_counters_json_of(const struct dhcp_counters *c, uint64_t active)
{
	/* what a server receives and what it sends: the other half is always 0 */
	static const uint8_t rx[] = { DHCPDISCOVER, DHCPREQUEST, DHCPDECLINE, DHCPRELEASE,
				      DHCPINFORM };
	static const uint8_t tx[] = { DHCPOFFER, DHCPACK, DHCPNAK };
	struct json_object *o = json_object_new_object();
	char k[32];

	for (size_t i = 0; i < sizeof(rx); i++) {
		snprintf(k, sizeof(k), "rx_%s", dhcp_type_name(rx[i]));
		add_u64(o, k, c->rx[rx[i]]);
	}
	for (size_t i = 0; i < sizeof(tx); i++) {
		snprintf(k, sizeof(k), "tx_%s", dhcp_type_name(tx[i]));
		add_u64(o, k, c->tx[tx[i]]);
	}
	add_u64(o, "pool_exhausted", c->pool_exhausted);
	add_u64(o, "declines", c->declines);
	add_u64(o, "bad_packets", c->bad_packets);
	add_u64(o, "ignored", c->ignored);
	add_u64(o, "release_ignored", c->release_ignored);
	add_u64(o, "wrong_port", c->wrong_port);
	add_u64(o, "port_limit", c->port_limit);
	add_u64(o, "unknown_port", c->unknown_port);
	add_u64(o, "store_errors", c->store_errors);
	add_u64(o, "store_bad_lines", c->store_bad_lines);
	add_u64(o, "active_leases", active);
	return o;
}

struct json_object *dhcp_counters_json(struct dhcp_pool *p)
{
	if (!p)
		return json_object_new_object();
	return dhcp_counters_json_of(dhcp_pool_counters(p), dhcp_pool_active(p));
}
