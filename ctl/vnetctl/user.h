/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetctl --user: networks run by the calling user with vnet-user (VDE
 * switch + libslirp), no daemon and no privilege. Definitions live in
 * $XDG_CONFIG_HOME/vnet/networks/NET.xml (the built-in "default" when no
 * file overrides it), leases in $XDG_STATE_HOME/vnet/NET.leases, and a
 * running network in $XDG_RUNTIME_DIR/vnet/NET/ (switch/, ctl.sock, pid). */
#ifndef VNETCTL_USER_H
#define VNETCTL_USER_H

#include <json-c/json.h>

/* Not root, no --socket/VNET_SOCKET given, and the system socket does not
 * answer: user mode applies. */
int user_mode_auto(const char *sock);

/* Same contract as client_call(): the reply's data, or one line on stderr
 * and exit(1). */
struct json_object *user_call(const char *cmd, struct json_object *args,
			      struct json_object *opts);

#endif
