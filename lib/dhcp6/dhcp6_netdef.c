/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A network's DHCPv6 server from its definition: the IPv6 <ip> with a
 * <dhcp> (libvirt allows one), its ranges and hosts (dhcp6.h). */
#include "dhcp6.h"

#include <errno.h>
#include <string.h>

#include "netdef/netdef.h"

static uint32_t lease_secs(const struct netdef_lease *l)
{
	unsigned long s;

	if (!l->set)
		return 0;
	if (!l->expiry)
		return DHCP6_LEASE_INFINITE;
	s = l->unit == NETDEF_UNIT_SECONDS ? l->expiry :
	    l->unit == NETDEF_UNIT_HOURS   ? l->expiry * 3600 :
					     l->expiry * 60; /* libvirt's default unit */
	return s >= DHCP6_LEASE_INFINITE ? DHCP6_LEASE_INFINITE - 1 : (uint32_t)s;
}

const struct netdef_ip *dhcp6_netdef_ip(const struct netdef *def)
{
	for (size_t i = 0; i < def->n_ips && i < NETDEF_MAX_IPS; i++)
		if (def->ips[i].family == AF_INET6 && def->ips[i].has_dhcp)
			return &def->ips[i];
	return NULL;
}

int dhcp6_netdef_serves(const struct netdef *def)
{
	return def->has_dhcp6 && dhcp6_netdef_ip(def) && (def->n_ranges6 || def->n_hosts6);
}

int dhcp6_pool_config_from_netdef(const struct netdef *def, const uint8_t mac[6],
				  struct dhcp6_pool_config *c)
{
	const struct netdef_ip *ip = dhcp6_netdef_ip(def);

	memset(c, 0, sizeof(*c));
	if (!dhcp6_netdef_serves(def))
		return -ENOENT;
	dhcp6_duid_ll(mac, &c->server_id);
	for (size_t i = 0; i < def->n_ranges6 && i < DHCP6_POOL_MAX_RANGES; i++) {
		c->ranges[c->n_ranges].start = def->ranges6[i].start.v6;
		c->ranges[c->n_ranges].end = def->ranges6[i].end.v6;
		c->ranges[c->n_ranges++].lease_secs = lease_secs(&def->ranges6[i].lease);
	}
	for (size_t i = 0; i < def->n_hosts6 && i < DHCP6_POOL_MAX_HOSTS; i++) {
		const struct netdef_host6 *h = &def->hosts6[i];
		struct dhcp6_host *o = &c->hosts[c->n_hosts];

		if (h->id[0] && dhcp6_duid_from_str(h->id, &o->id) < 0)
			continue; /* validated at define: not reached */
		o->has_id = h->id[0] != 0;
		memcpy(o->name, h->name, sizeof(o->name) < sizeof(h->name) ? sizeof(o->name) : sizeof(h->name));
		o->name[sizeof(o->name) - 1] = 0;
		o->has_ip = h->has_ip;
		o->ip = h->ip;
		o->lease_secs = lease_secs(&h->lease);
		c->n_hosts++;
	}
	c->has_dns = def->dns_enable != NETDEF_NO;
	c->dns = ip->addr6;
	memcpy(c->domain, def->domain, sizeof(c->domain) < sizeof(def->domain) ? sizeof(c->domain) : sizeof(def->domain));
	c->domain[sizeof(c->domain) - 1] = 0;
	c->rapid_commit = 1;
	return 0;
}
