/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dhcp.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "util/util.h"

struct dhcp_pool *dhcp_pool_from_netdef(const struct netdef *def, int64_t now,
					dhcp_pool_event_cb cb, void *ctx)
{
	struct dhcp_pool_config c = { .server_ip = def->ip, .prefix = def->prefix,
				      .start = def->dhcp_start, .end = def->dhcp_end,
				      .lease_secs = def->lease_secs, .dns = def->ip,
				      .mtu = def->mtu };
	struct dhcp_pool *p;

	snprintf(c.domain, sizeof(c.domain), "%s", def->domain);
	p = dhcp_pool_new(&c, cb, ctx);
	for (size_t i = 0; p && i < def->n_hosts; i++) {
		const struct netdef_host *h = &def->hosts[i];

		if (dhcp_pool_add_static(p, h->mac, h->ip, h->name, now))
			log_warn("dhcp %s: static host %s ignored", def->name, inet_ntoa(h->ip));
	}
	return p;
}
