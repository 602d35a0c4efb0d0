/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How much of a shared resource each client address holds, with a cap per
 * address: the DNS proxy's in-flight questions and TCP connections per
 * guest (issue 16.10). Pure, no I/O; memory grows with the number of
 * distinct holders only, and an address holding nothing takes none. */
#ifndef VNET_ADDR_QUOTA_H
#define VNET_ADDR_QUOTA_H

#include <netinet/in.h>
#include <stddef.h>

struct addr_quota;

/* limit: units one address may hold (>= 1). NULL on OOM. */
struct addr_quota *addr_quota_new(unsigned limit);
void addr_quota_free(struct addr_quota *q); /* NULL accepted */

/* One more unit for a: 0; -EDQUOT if a holds limit already; -ENOMEM. */
int addr_quota_take(struct addr_quota *q, struct in_addr a);
/* Give one back (a unit never taken is ignored). */
void addr_quota_put(struct addr_quota *q, struct in_addr a);
unsigned addr_quota_held(const struct addr_quota *q, struct in_addr a);
/* Addresses holding at least one unit. */
size_t addr_quota_holders(const struct addr_quota *q);

#endif
