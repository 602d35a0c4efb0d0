/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/control/ (one header per folder). */
#ifndef VNET_CONTROL_CONTROL_H
#define VNET_CONTROL_CONTROL_H

#include <json-c/json.h>

#include "core/core.h"
#include "netmgr/netmgr.h"

/* ---- commands ---- */
/* Control commands: a table mapping request names to handlers. */
/* Execute one request object; always returns a reply object. */
struct json_object *commands_exec(struct netmgr *m, struct json_object *req);

/* Metrics in the Prometheus text format (metrics.c); malloc'ed. */
char *metrics_render(struct netmgr *m);

/* ---- ctlsock ---- */
/* Listen on path (mode 0770; root or the "vnet" group may connect, checked
 * with SO_PEERCRED). Fails with -EADDRINUSE if a live daemon answers there. */
int ctlsock_open(struct loop *loop, struct netmgr *m, const char *path);
void ctlsock_close(void);

#endif
