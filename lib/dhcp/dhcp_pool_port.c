/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ports in the pool: the guest port an offer or a lease was made on, as
 * vnetd's data path reports where each message came in (dhcp_origin).
 * Entries with a port are indexed by it (by_port), so counting what a
 * port holds, or forgetting a port, walks that port's entries only. */
#include <string.h>

#include "dhcp_pool_priv.h"

void pool_entry_port(struct dhcp_pool *p, long i, uint32_t port)
{
	struct entry *e = &p->e[i];

	if (e->port == port)
		return;
	if (e->port)
		dhcp_index_del(&p->by_port, (uint32_t)i);
	e->port = port;
	if (port)
		dhcp_index_add(&p->by_port, (uint32_t)i);
}

uint32_t pool_port_macs(const struct dhcp_pool *p, uint32_t port, const uint8_t *mac)
{
	uint32_t n = 0;
	long i = dhcp_index_first(&p->by_port, (const uint8_t *)&port);

	/* only OFFERED and BOUND entries have a port, and each client has
	 * one such entry (revoke_mac, ack_or_nak) */
	for (; i >= 0; i = dhcp_index_next(&p->by_port, (uint32_t)i))
		n += memcmp(p->e[i].mac, mac, 6) != 0;
	for (size_t h = 0; h < p->n_hosts; h++)
		n += p->hosts[h].bound && p->hosts[h].port == port &&
		     memcmp(p->hosts[h].mac, mac, 6) != 0;
	return n;
}

void dhcp_pool_forget_port(struct dhcp_pool *p, uint32_t port)
{
	long i;

	if (!port)
		return;
	while ((i = dhcp_index_first(&p->by_port, (const uint8_t *)&port)) >= 0)
		pool_entry_port(p, i, 0);
	for (size_t h = 0; h < p->n_hosts; h++)
		if (p->hosts[h].port == port)
			p->hosts[h].port = 0;
}
