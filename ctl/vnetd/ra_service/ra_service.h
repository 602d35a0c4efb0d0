/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The gateway's router advertisements on a network's bridge (issue 18):
 * lib/ndp builds them from the network's IPv6 <ip>s (prefixes, SLAAC on a
 * /64), its <dhcp> ranges (M/O) and DNS (RDNSS/DNSSL: the gateway, the
 * network's domain); this service sends them on a raw ICMPv6 socket bound
 * to the bridge -- three fast ones at start, then every 198-600 s with
 * jitter, in answer to router solicitations, and a final one with router
 * lifetime 0 when the network stops. It runs in the core, not the service
 * child: the guests' solicitations it reads are checked by ndp_rs_parse
 * (fuzzed) and only schedule an RA (docs/security.md, known limits). */
#ifndef VNET_RA_SERVICE_RA_SERVICE_H
#define VNET_RA_SERVICE_RA_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "netdef/netdef.h"

struct ra_service;

/* Does the network advertise a router (an IPv6 <ip> on a NAT, route,
 * open or isolated network)? */
int ra_service_wanted(const struct netdef *d);

/* Start advertising on bridge (ifindex, MAC); NULL and err on failure. */
struct ra_service *ra_service_start(struct loop *loop, const struct netdef *d, int ifindex,
				    const uint8_t *mac, char *err, size_t errlen);

/* The final RA (router lifetime 0), then close. NULL is a no-op. */
void ra_service_stop(struct ra_service *s);

/* RAs sent and solicitations answered / refused, for net-info. */
struct ra_stats {
	uint64_t sent, solicited, bad_rs;
};
void ra_service_stats(const struct ra_service *s, struct ra_stats *st);

#endif
