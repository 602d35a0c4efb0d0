/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VNETCTL_CLIENT_H
#define VNETCTL_CLIENT_H

#include <json-c/json.h>

/* Send one request to vnetd and return the "data" of a successful reply
 * (may be NULL). On failure prints one line to stderr and exits non-zero. */
struct json_object *client_call(const char *sock, const char *cmd, struct json_object *args,
				struct json_object *opts);

#endif
