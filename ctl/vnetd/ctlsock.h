/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VNET_CTLSOCK_H
#define VNET_CTLSOCK_H

#include "loop.h"
#include "netmgr.h"

/* Listen on path (mode 0770; root or the "vnet" group may connect, checked
 * with SO_PEERCRED). Fails with -EADDRINUSE if a live daemon answers there. */
int ctlsock_open(struct loop *loop, struct netmgr *m, const char *path);
void ctlsock_close(void);

#endif
