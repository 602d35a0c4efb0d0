/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A DHCP pool's counters as JSON: one producer, so `vnetctl stats` and the
 * metrics (which derive family names from these keys) read the same in
 * vnetd and in user mode. */
#ifndef VNET_DHCP_COUNTERS_JSON_H
#define VNET_DHCP_COUNTERS_JSON_H

#include <json-c/json.h>

#include "dhcp_pool.h"

/* {"rx_discover", "rx_request", "rx_decline", "rx_release", "rx_inform",
 *  "tx_offer", "tx_ack", "tx_nak", "pool_exhausted", "declines",
 *  "bad_packets", "ignored", "release_ignored", "store_errors",
 *  "store_bad_lines", "active_leases"} (docs/dhcp.md); p may be NULL (an
 * empty object). */
struct json_object *dhcp_counters_json(struct dhcp_pool *p);
/* The same from the numbers (vnetd's core: as its service child reports). */
struct json_object *dhcp_counters_json_of(const struct dhcp_counters *c, uint64_t active);

#endif
