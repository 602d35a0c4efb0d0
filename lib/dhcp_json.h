/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Leases as JSON, shared by vnetd's DHCP service and the user-mode stack. */
#ifndef VNET_DHCP_JSON_H
#define VNET_DHCP_JSON_H

#include <json-c/json.h>

#include "dhcp_pool.h"

/* [{mac, ip, hostname, expires, static}, ...]; p may be NULL (empty array). */
struct json_object *dhcp_pool_leases_json(const struct dhcp_pool *p);

#endif
