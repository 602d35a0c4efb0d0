/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Prometheus endpoint (libmicrohttpd driven from the daemon's loop, so the
 * renderer reads state on the loop's thread, never concurrently). */
#ifndef VNET_METRICS_HTTP_H
#define VNET_METRICS_HTTP_H

#include <stddef.h>

#include "netmgr.h"

int metrics_http_start(struct netmgr *m, const char *addr_port, char *err, size_t errlen);
void metrics_http_stop(void);

#endif
