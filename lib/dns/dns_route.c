/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-domain forwarding of a network's DNS proxy (libvirt's <forwarder
 * domain>, forwardPlainNames), shared by vnetd's service and user mode. */
#include "dns.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#define ROUTE_SERVERS_MAX NETDEF_MAX_FORWARDERS

struct route_rule {
	uint8_t domain[DNS_NAME_MAX]; /* lower-case wire form */
	size_t len;
	size_t n_servers;	      /* 0: local only */
	struct sockaddr_storage servers[ROUTE_SERVERS_MAX];
};

struct dns_routes {
	int plain_local; /* forwardPlainNames='no' */
	size_t n;
	struct route_rule rules[NETDEF_MAX_FORWARDERS];
};

static struct route_rule *rule_for(struct dns_routes *r, const uint8_t *key, size_t len)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->rules[i].len == len && !memcmp(r->rules[i].domain, key, len))
			return &r->rules[i];
	if (r->n == NETDEF_MAX_FORWARDERS)
		return NULL;
	memcpy(r->rules[r->n].domain, key, len);
	r->rules[r->n].len = len;
	return &r->rules[r->n++];
}

struct dns_routes *dns_routes_from_netdef(const struct netdef *def)
{
	struct dns_routes *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->plain_local = def->forward_plain_names == NETDEF_NO;
	for (size_t i = 0; i < def->n_forwarders && i < NETDEF_MAX_FORWARDERS; i++) {
		const struct netdef_forwarder *fw = &def->forwarders[i];
		uint8_t key[DNS_NAME_MAX];
		struct route_rule *rule;
		struct sockaddr_storage a;
		int n;

		if (!fw->domain[0] || strnlen(fw->domain, sizeof(fw->domain)) == sizeof(fw->domain))
			continue;
		n = dns_name_from_text(fw->domain, key);
		if (n <= 1)
			continue;
		dns_name_lower(key, (size_t)n);
		rule = rule_for(r, key, (size_t)n);
		if (!rule || rule->n_servers == ROUTE_SERVERS_MAX ||
		    dns_sockaddr_from_netdef(&fw->addr, &a) || dns_upstream_unusable(def, &a))
			continue; /* ourselves would loop */
		rule->servers[rule->n_servers++] = a;
	}
	return r;
}

void dns_routes_free(struct dns_routes *r)
{
	free(r);
}

/* name ends with suffix on a label boundary (suffix in lower case). */
static int under(const uint8_t *name, size_t len, const uint8_t *suf, size_t slen)
{
	for (size_t i = 0; i < len && i + slen <= len; i += 1 + name[i]) {
		if (len - i == slen && dns_name_equal(name + i, slen, suf, slen))
			return 1;
		if (!name[i])
			break;
	}
	return 0;
}

enum dns_route_kind dns_route(const struct dns_routes *r, const uint8_t *qname, size_t qlen,
			      size_t *group)
{
	const struct route_rule *best = NULL;

	for (size_t i = 0; i < r->n; i++)
		if ((!best || r->rules[i].len > best->len) &&
		    under(qname, qlen, r->rules[i].domain, r->rules[i].len))
			best = &r->rules[i];
	if (best) {
		*group = (size_t)(best - r->rules);
		return best->n_servers ? DNS_ROUTE_SERVERS : DNS_ROUTE_LOCAL;
	}
	/* dnsmasq's domain-needed: "never forward A or AAAA queries for plain
	 * names, without dots or domain parts" (libvirt: every type) */
	if (r->plain_local && dns_name_labels(qname, qlen) <= 1)
		return DNS_ROUTE_LOCAL;
	return DNS_ROUTE_DEFAULT;
}

size_t dns_routes_servers(const struct dns_routes *r, size_t g, struct sockaddr_storage *out,
			  size_t max)
{
	size_t n = 0;

	if (g >= r->n)
		return 0;
	for (; n < r->rules[g].n_servers && n < max; n++)
		out[n] = r->rules[g].servers[n];
	return n;
}

size_t dns_routes_groups(const struct dns_routes *r)
{
	return r->n;
}
