/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `vnetctl stats` as an operator reads it: a table of ports, then only the
 * counters that are not zero, grouped (drops by reason, conntrack, DHCP,
 * DNS, the daemon's own repairs). --json prints everything. */
#include <stdio.h>
#include <string.h>

#include "print.h"
#include "stats_text.h"

static long long num(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static void ports_table(struct json_object *ports)
{
	static const char *const cols[] = { "rx_packets", "rx_bytes", "tx_packets", "tx_bytes",
					    "fast_packets", "slow_packets", "drops" };
	static const char *const titles[] = { "RX pkts", "RX bytes", "TX pkts", "TX bytes",
					      "Fast", "Slow", "Drops" };

	printf("  %-12s", "Port");
	for (size_t c = 0; c < 7; c++)
		printf(" %12s", titles[c]);
	putchar('\n');
	for (size_t i = 0; i < json_object_array_length(ports); i++) {
		struct json_object *p = json_object_array_get_idx(ports, i), *name;

		json_object_object_get_ex(p, "ifname", &name);
		printf("  %-12s", json_object_get_string(name));
		for (size_t c = 0; c < 7; c++)
			printf(" %12lld", num(p, cols[c]));
		putchar('\n');
	}
}

/* What the ports' <bandwidth> did (docs/datapath.md, "QoS"): only ports
 * whose limits acted. */
static void qos_table(struct json_object *ports)
{
	int header = 0;

	for (size_t i = 0; i < json_object_array_length(ports); i++) {
		struct json_object *p = json_object_array_get_idx(ports, i), *name;
		long long paced = num(p, "qos_paced_packets"), dropped = num(p, "qos_dropped_packets"),
			  policed = num(p, "qos_policed_packets");

		if (!paced && !dropped && !policed)
			continue;
		if (!header++)
			printf("  qos:\n    %-12s %12s %12s %12s\n", "Port", "Paced", "Dropped", "Policed");
		json_object_object_get_ex(p, "ifname", &name);
		printf("    %-12s %12lld %12lld %12lld\n", json_object_get_string(name), paced, dropped,
		       policed);
	}
}

static void group(const char *title, struct json_object *o)
{
	size_t width = 0, n = 0;

	if (!o)
		return;
	json_object_object_foreach(o, k1, v1)
	{
		if (json_object_is_type(v1, json_type_int) && json_object_get_int64(v1)) {
			n++;
			if (strlen(k1) > width)
				width = strlen(k1);
		}
	}
	printf("  %s:%s\n", title, n ? "" : " (all zero)");
	json_object_object_foreach(o, key, val)
	{
		if (json_object_is_type(val, json_type_int) && json_object_get_int64(val))
			printf("    %-*s %lld\n", (int)width, key, (long long)json_object_get_int64(val));
	}
}

/* datapath.families: one row per address family (issue 18.7). */
static void families_table(struct json_object *o)
{
	printf("  by address family: %14s %14s\n", "rx packets", "tx packets");
	json_object_object_foreach(o, fam, c)
		printf("    %-16s %14lld %14lld\n", fam, num(c, "rx_packets"), num(c, "tx_packets"));
}

/* overlay (issue 22): one row per remote VTEP, then the mirror's totals */
static void overlay_table(struct json_object *o)
{
	struct json_object *arr, *v;

	printf("  overlay: %lld remote MACs in the data path, %lld withdrawn, %lld VTEPs gone\n",
	       num(o, "remote_macs_mirrored"), num(o, "remote_macs_withdrawn"),
	       num(o, "remote_vteps_gone"));
	if (!json_object_object_get_ex(o, "remotes", &arr))
		return;
	printf("    %-16s %-5s %6s %14s %14s\n", "Remote VTEP", "State", "MACs", "TX pkts", "TX bytes");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *r = json_object_array_get_idx(arr, i), *st;

		json_object_object_get_ex(r, "vtep", &v);
		json_object_object_get_ex(r, "state", &st);
		printf("    %-16s %-5s %6lld %14lld %14lld\n", json_object_get_string(v),
		       json_object_get_string(st), num(r, "macs"), num(r, "tx_packets"),
		       num(r, "tx_bytes"));
	}
}

void stats_text(struct json_object *d)
{
	for (size_t i = 0; i < json_object_array_length(d); i++) {
		struct json_object *n = json_object_array_get_idx(d, i), *v, *dp = NULL, *sub;

		json_object_object_get_ex(n, "name", &v);
		printf("%sNetwork %s\n", i ? "\n" : "", json_object_get_string(v));
		/* user-mode networks report their own counters flat (and
		 * DHCP's under "dhcp", as vnetd does) */
		if (!json_object_object_get_ex(n, "datapath", NULL))
			group("counters", n);
		if (json_object_object_get_ex(n, "datapath", &dp)) {
			if (json_object_object_get_ex(dp, "ports", &sub)) {
				ports_table(sub);
				qos_table(sub);
			}
			if (json_object_object_get_ex(dp, "drops", &sub))
				group("drops by reason", sub);
			if (json_object_object_get_ex(dp, "conntrack", &sub))
				group("conntrack", sub);
			if (json_object_object_get_ex(dp, "families", &sub))
				families_table(sub);
		}
		if (json_object_object_get_ex(n, "dhcp", &sub))
			group("dhcp", sub);
		if (json_object_object_get_ex(n, "dhcp6", &sub))
			group("dhcp6", sub);
		if (json_object_object_get_ex(n, "dns", &sub))
			group("dns", sub);
		if (json_object_object_get_ex(n, "overlay", &sub))
			overlay_table(sub);
		if (json_object_object_get_ex(n, "repairs", &sub))
			group("repairs", sub);
		if (json_object_object_get_ex(n, "forward_relay", &sub))
			group("forward relay (hairpin)", sub);
	}
}
