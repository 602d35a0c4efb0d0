/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Control commands: a table mapping request names to handlers. */
#ifndef VNET_COMMANDS_H
#define VNET_COMMANDS_H

#include <json-c/json.h>

#include "netmgr.h"

/* Execute one request object; always returns a reply object. */
struct json_object *commands_exec(struct netmgr *m, struct json_object *req);

/* Metrics in the Prometheus text format (metrics.c); malloc'ed. */
char *metrics_render(struct netmgr *m);

#endif
