/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The names a network answers itself: guest names (static hosts, <dns><host>,
 * leases) to IPv4 addresses, under the network's domain when one is set, and
 * the subnet's reverse zone (d.c.b.a.in-addr.arpa). Names inside the local
 * domain or the reverse zone are never forwarded.
 *
 * Two kinds of names. Configured names (static hosts, <dns><host>, host-add)
 * are the operator's: any name, reference counted. Lease names come from a
 * guest's DHCP hostname, which the guest chooses, so they follow dnsmasq's
 * rules (issue 16.6): one RFC 1123 label inside the network's domain, one
 * per lease address, first come keeps it, configured and reserved names
 * stay with their owners, and the name goes when the lease goes or changes
 * its hostname. One implementation for vnetd and user mode. */
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

/* A configured name: a bare label ("guest1") or a dotted name; added with a
 * reference count, so the same (name, ip) added twice needs two deletes. A
 * lease name it conflicts with (the same label, or label.<domain>) is
 * removed: the operator's names win. 0, -EINVAL (bad name) or -ENOMEM. */
int dns_zone_add(struct dns_zone *z, const char *name, struct in_addr ip);
/* 0 or -ENOENT. */
int dns_zone_del(struct dns_zone *z, const char *name, struct in_addr ip);
size_t dns_zone_count(const struct dns_zone *z);

/* Why a hostname did or did not become a lease name. */
#define DNS_LEASE_NAME_RESULTS(X)                                              \
	X(OK, ok)	      /* published (or already published for this address) */ \
	X(NONE, none)	      /* no hostname */                                       \
	X(INVALID, invalid)   /* not an RFC 1123 label */                            \
	X(OUTSIDE, outside)   /* dotted, and not label.<the network's domain> */     \
	X(RESERVED, reserved) /* a name no guest may claim (dns_lease_reserved) */  \
	X(TAKEN, taken)	      /* another lease or a configured host holds it */       \
	X(NOMEM, nomem)

enum dns_lease_name {
#define X(e, s) DNS_LEASE_NAME_##e,
	DNS_LEASE_NAME_RESULTS(X)
#undef X
};
const char *dns_lease_name_str(enum dns_lease_name r); /* "ok", "taken"... */

#define DNS_LEASE_LABEL_MAX 64 /* 63 characters and the NUL */

/* The label a DHCP hostname gives: "Guest1", "guest1." or
 * "guest1.<domain>" give "guest1" (lower case) in label. */
enum dns_lease_name dns_zone_lease_label(const struct dns_zone *z, const char *hostname,
					 char label[DNS_LEASE_LABEL_MAX]);
/* Labels no guest may claim: "localhost" (RFC 6761), "wpad" and "isatap"
 * (found by clients through DNS: a guest holding them would be every other
 * guest's web proxy or IPv6 router), "local" (mDNS), "localdomain",
 * "ip6-localhost", "ip6-loopback". label: lower case. */
int dns_lease_reserved(const char *label);

/* The lease at ip now has hostname (NULL or "": none). Whatever name ip had
 * from its lease goes first, unless it is the same. */
enum dns_lease_name dns_zone_lease_set(struct dns_zone *z, struct in_addr ip,
				       const char *hostname);
/* The lease at ip ended: its name goes. */
void dns_zone_lease_clear(struct dns_zone *z, struct in_addr ip);
size_t dns_zone_lease_count(const struct dns_zone *z);

/* Classify a question (qname in wire form, any case). A lease label asked
 * at the root ("guest1.") answers A, AAAA and ANY only; other types are
 * NOT_OURS, since such a name may also be a TLD whose NS, DS or SOA a
 * guest's validating resolver needs from upstream. */
enum dns_zone_result dns_zone_lookup(const struct dns_zone *z, const uint8_t *qname, size_t qlen,
				     uint16_t qtype, struct dns_zone_answer *ans);

#endif
