/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The names a network answers itself: guest names (static hosts, <dns><host>,
 * leases) to IPv4 addresses, under the network's domain when one is set, and
 * the subnet's reverse zone (d.c.b.a.in-addr.arpa). Names inside the local
 * domain or the reverse zone are never forwarded. */
#ifndef VNET_DNS_ZONE_H
#define VNET_DNS_ZONE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_msg.h"

#define DNS_ZONE_MAX_ADDRS 8 /* A records returned for one name */

struct dns_zone;

enum dns_zone_result {
	DNS_ZONE_NOT_OURS, /* forward it */
	DNS_ZONE_ANSWER,   /* answers in *ans */
	DNS_ZONE_NODATA,   /* name exists, no record of that type */
	DNS_ZONE_NXDOMAIN, /* inside our zones, no such name */
};

struct dns_zone_answer {
	unsigned n_addrs;
	struct in_addr addrs[DNS_ZONE_MAX_ADDRS];
	uint8_t ptr[DNS_NAME_MAX]; /* PTR target, wire form */
	size_t ptr_len;		   /* 0 if no PTR answer */
};

/* domain: "" for none. net/prefix: the subnet (any address inside it);
 * prefix 0 disables the reverse zone. NULL on OOM or bad domain. */
struct dns_zone *dns_zone_new(const char *domain, struct in_addr net, unsigned prefix);
void dns_zone_free(struct dns_zone *z);

/* name: a bare label ("guest1") or a dotted name; added with a reference
 * count, so the same (name, ip) from a static host and a lease needs two
 * deletes. 0, -EINVAL (bad name) or -ENOMEM. */
int dns_zone_add(struct dns_zone *z, const char *name, struct in_addr ip);
/* 0 or -ENOENT. */
int dns_zone_del(struct dns_zone *z, const char *name, struct in_addr ip);
size_t dns_zone_count(const struct dns_zone *z);

/* Classify a question (qname in wire form, any case). */
enum dns_zone_result dns_zone_lookup(const struct dns_zone *z, const uint8_t *qname, size_t qlen,
				     uint16_t qtype, struct dns_zone_answer *ans);

#endif
