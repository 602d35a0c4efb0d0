/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest names on a user network: a query to the gateway for a name in the
 * network's zone (leases, static hosts, <dns><host>, the reverse zone) is
 * answered here from lib/dns_zone; every other query is forwarded to the
 * host's resolver by udns_fwd.c. */
#ifndef VNET_USER_UDNS_H
#define VNET_USER_UDNS_H

#include <stdint.h>

#include "dns/dns.h"
#include "frame.h"
#include "netdef/netdef.h"
#include "udns_fwd.h"

struct vu_dns_counters {
	uint64_t local_answers, nxdomain, forwarded, bad_queries;
};

/* The zone with the definition's names in it; NULL on error. */
struct dns_zone *vu_dns_zone(const struct netdef *def);

/* A UDP datagram to the gateway's port 53: a reply frame (from the gateway,
 * gw_mac) into out and its length, or 0 (forwarded upstream, or dropped). */
int vu_dns_frame(struct dns_zone *z, struct vu_dnsfwd *fwd, const struct netdef *def,
		 const uint8_t gw_mac[6], const struct udp_view *u, uint8_t *out, size_t cap,
		 struct vu_dns_counters *c);

#endif
