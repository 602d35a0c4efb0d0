/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Prometheus endpoint (libmicrohttpd driven from the daemon's loop, so the
 * renderer reads state on the loop's thread, never concurrently). */
#ifndef VNET_METRICS_HTTP_H
#define VNET_METRICS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "netmgr.h"

/* Connections to the endpoint: accepted; closed for not sending a whole
 * request head in time; evicted by a newer connection over a cap; refused
 * (over a cap with nothing to evict); open now. */
struct metrics_http_counters {
	uint64_t accepted, header_timeout, evicted, refused, open;
};

int metrics_http_start(struct netmgr *m, const char *addr_port, char *err, size_t errlen);
void metrics_http_stop(void);
void metrics_http_get_counters(struct metrics_http_counters *out);

#endif
