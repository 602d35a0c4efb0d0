/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VNETCTL_CLIENT_H
#define VNETCTL_CLIENT_H

#include <json-c/json.h>

/* Send one request to vnetd and return the "data" of a successful reply
 * (may be NULL). On failure prints one line to stderr and exits non-zero. */
struct json_object *client_call(const char *sock, const char *cmd, struct json_object *args,
				struct json_object *opts);

/* net-event: send the request, then hand each event (a JSON line) to cb
 * until cb returns 0, timeout_s seconds pass (0: none) or vnetd closes.
 * A refused request prints vnetd's error and exits 1. Returns the number
 * of events received. */
int client_stream(const char *sock, const char *cmd, struct json_object *args,
		  struct json_object *opts, int timeout_s,
		  int (*cb)(struct json_object *ev, void *ctx), void *ctx);

#endif
