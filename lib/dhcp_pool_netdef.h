/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A DHCP pool set up from a network definition, the same for vnetd's
 * service and the user-mode stack: the <range>, the lease time, <domain>
 * and <mtu>, the gateway as server, router and DNS, and the <host>s. */
#ifndef VNET_DHCP_POOL_NETDEF_H
#define VNET_DHCP_POOL_NETDEF_H

#include <stdint.h>

#include "dhcp_pool.h"
#include "netdef.h"

/* NULL with errno set if the range is not servable (dhcp_pool_new). A
 * <host> the pool refuses is skipped with a warning: the definition was
 * validated, so it can only be one the pool has no room for. */
struct dhcp_pool *dhcp_pool_from_netdef(const struct netdef *def, int64_t now,
					dhcp_pool_event_cb cb, void *ctx);

#endif
