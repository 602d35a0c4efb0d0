/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The core's copy of one network's leases (privsep_leases.c). */
#ifndef VNET_PRIVSEP_LEASES_H
#define VNET_PRIVSEP_LEASES_H

#include <json-c/json.h>
#include <stddef.h>

#include "dhcp_service/dhcp_service.h"

struct lease_mirror;

struct lease_mirror *lease_mirror_new(void);
void lease_mirror_free(struct lease_mirror *m); /* NULL accepted */
void lease_mirror_set(struct lease_mirror *m, const struct dhcp_lease_info *l);
void lease_mirror_del(struct lease_mirror *m, struct in_addr ip);
/* A new child reloads its leases: what it does not report again before
 * its start is answered is gone (expired meanwhile). */
void lease_mirror_mark_stale(struct lease_mirror *m);
void lease_mirror_sweep(struct lease_mirror *m, void (*gone)(void *, const struct dhcp_lease_info *),
			void *ctx);
/* [{mac, ip, hostname, expires, static}], as dhcp_service_leases_json. */
struct json_object *lease_mirror_json(const struct lease_mirror *m);
size_t lease_mirror_count(const struct lease_mirror *m);

#endif
