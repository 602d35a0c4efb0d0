/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetctl <-> vnetd control protocol: one JSON object per line over a Unix
 * stream socket. Request {"cmd": "net-start", "args": ["default"],
 * "opts": {"mac": "..."}}; reply {"ok": true, "data": ...} or
 * {"ok": false, "error": "one line"}. */
#ifndef VNET_CTLPROTO_H
#define VNET_CTLPROTO_H

#include <json-c/json.h>
#include <stddef.h>

#define CTL_MSG_MAX (1u << 20) /* a request or reply larger than this is refused */
#define CTL_DEFAULT_SOCKET "/run/vnet/vnetd.sock"

/* Write obj followed by '\n'; 0 or -errno. */
int ctl_send(int fd, struct json_object *obj);
/* Read one line (blocking; SO_RCVTIMEO bounds the whole line, not each
 * read) and parse it; 0, -EMSGSIZE,
 * -EBADMSG (not JSON / not an object), -ECONNRESET (EOF) or -errno. */
int ctl_recv(int fd, struct json_object **ret);

#endif
