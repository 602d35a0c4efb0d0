/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnet's DHCP server spoken over raw frames on the user switch: libslirp's
 * own server has no static hosts, serves only 16 addresses from one start
 * address and cannot list its leases, so slirp's is disabled and
 * lib/dhcp_pool answers instead. */
#ifndef VNET_USER_UDHCP_H
#define VNET_USER_UDHCP_H

#include <json-c/json.h>
#include <stdint.h>

#include "dns/dns.h"
#include "frame.h"
#include "netdef/netdef.h"

struct vu_dhcp;

/* Replies come from the gateway's address with gw_mac; zone (may be NULL)
 * receives the names of bound leases. NULL and err if the range is invalid
 * or the lease file cannot be read. */
struct vu_dhcp *vu_dhcp_new(const struct netdef *def, const char *lease_path,
			    const uint8_t gw_mac[6], struct dns_zone *zone, char *err,
			    size_t errlen);
void vu_dhcp_free(struct vu_dhcp *d);

/* A UDP datagram to port 67: the reply frame into out, its length, or 0. */
int vu_dhcp_frame(struct vu_dhcp *d, const struct udp_view *u, uint8_t *out, size_t cap);
/* Expire leases due now; saves the lease file when something changed, or
 * again after a failed save. */
void vu_dhcp_tick(struct vu_dhcp *d);
/* Seconds until the next expiry (0 = none). */
int64_t vu_dhcp_next(struct vu_dhcp *d);

int vu_dhcp_add_host(struct vu_dhcp *d, const struct netdef_host *h, char *err, size_t errlen);
struct json_object *vu_dhcp_leases_json(struct vu_dhcp *d);
struct json_object *vu_dhcp_counters_json(struct vu_dhcp *d);

#endif
