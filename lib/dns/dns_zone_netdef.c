/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A network definition's own names, the same in vnetd and user mode. */
#include "dns.h"

#include <errno.h>
#include <string.h>

#include "util/util.h"

/* A string field of the definition, if terminated (the service child
 * checks what it is given, but a zone must not read past a field). */
#define TERMINATED(f) (strnlen((f), sizeof(f)) < sizeof(f))

static int check(const struct netdef *def, const char *what, const char *name, int r)
{
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		log_warn("dns %s: %s %s ignored: not a valid name", def->name, what, name);
	return 0;
}

static int load_hosts(struct dns_zone *z, const struct netdef *def)
{
	for (size_t i = 0; i < def->n_hosts && i < NETDEF_MAX_HOSTS; i++) {
		const struct netdef_host *h = &def->hosts[i];

		if (!h->name[0] || !TERMINATED(h->name) || (!h->has_ip && h->has_mac) ||
		    !h->ip.s_addr)
			continue; /* a host without address: its name comes with its lease */
		if (check(def, "host", h->name, dns_zone_add(z, h->name, h->ip)))
			return -ENOMEM;
	}
	for (size_t i = 0; i < def->n_dns_hosts && i < NETDEF_MAX_DNS_HOSTS; i++) {
		const struct netdef_dns_host *h = &def->dns_hosts[i];

		for (unsigned j = 0; j < h->n_names && j < NETDEF_MAX_DNS_NAMES; j++) {
			const char *n = h->names[j];
			int r;

			if (!TERMINATED(h->names[j]))
				continue;
			r = h->family == AF_INET6 ? dns_zone_add6(z, n, &h->ip6) :
						    dns_zone_add(z, n, h->ip);
			if (check(def, "dns host", n, r))
				return -ENOMEM;
		}
	}
	for (size_t i = 0; i < def->n_hosts6 && i < NETDEF_MAX_HOSTS6; i++) {
		const struct netdef_host6 *h = &def->hosts6[i];

		if (!h->name[0] || !TERMINATED(h->name) || !h->has_ip)
			continue; /* by name or DUID only: its name comes with its lease */
		if (check(def, "host", h->name, dns_zone_add6(z, h->name, &h->ip)))
			return -ENOMEM;
	}
	return 0;
}

/* <ip family='ipv6' localPtr='yes'>: that prefix's reverse names stay here. */
static void load_local_ptr(struct dns_zone *z, const struct netdef *def)
{
	for (size_t i = 0; i < def->n_ips && i < NETDEF_MAX_IPS; i++)
		if (def->ips[i].family == AF_INET6 && def->ips[i].local_ptr == NETDEF_YES &&
		    dns_zone_local_ptr6(z, &def->ips[i].addr6, def->ips[i].prefix) < 0)
			log_warn("dns %s: localPtr of an IPv6 <ip> ignored", def->name);
}

static int load_records(struct dns_zone *z, const struct netdef *def)
{
	for (size_t i = 0; i < def->n_srv && i < NETDEF_MAX_SRV; i++) {
		const struct netdef_srv *r = &def->srv[i];

		if (!TERMINATED(r->service) || !TERMINATED(r->protocol) || !TERMINATED(r->domain) ||
		    !TERMINATED(r->target))
			continue;
		if (check(def, "srv", r->service,
			  dns_zone_add_srv(z, r->service, r->protocol, r->domain, r->target,
					   r->has_port ? r->port : 0,
					   r->has_priority ? r->priority : 0,
					   r->has_weight ? r->weight : 0)))
			return -ENOMEM;
	}
	for (size_t i = 0; i < def->n_txt && i < NETDEF_MAX_TXT; i++) {
		const struct netdef_txt *t = &def->txt[i];

		if (!TERMINATED(t->name) || !TERMINATED(t->value))
			continue;
		if (check(def, "txt", t->name, dns_zone_add_txt(z, t->name, t->value)))
			return -ENOMEM;
	}
	return 0;
}

int dns_zone_load_netdef(struct dns_zone *z, const struct netdef *def)
{
	dns_zone_set_local_only(z, def->domain_local_only == NETDEF_YES);
	load_local_ptr(z, def);
	if (load_hosts(z, def) || load_records(z, def))
		return -ENOMEM;
	return 0;
}
