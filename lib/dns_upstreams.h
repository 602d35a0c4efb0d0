/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which resolvers a network's DNS proxy forwards to, in vnetd and in user
 * mode alike: the definition's <dns><forwarder>s, else the IPv4
 * nameservers of resolv.conf. */
#ifndef VNET_DNS_UPSTREAMS_H
#define VNET_DNS_UPSTREAMS_H

#include <netinet/in.h>
#include <stddef.h>

#include "netdef.h"

/* def->forwarders, else the nameserver lines of resolv_conf (NULL:
 * /etc/resolv.conf), in order, as address:53. Skipped: def->ip itself
 * (forwarding to ourselves would loop), 0.0.0.0, duplicates and IPv6
 * entries (the proxies forward over IPv4). Returns how many (0..max). */
size_t dns_upstreams_load(const struct netdef *def, const char *resolv_conf,
			  struct sockaddr_in *out, size_t max);

#endif
