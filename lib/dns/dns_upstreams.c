/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dns.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

socklen_t dns_sockaddr_len(const struct sockaddr_storage *a)
{
	switch (a->ss_family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	default:
		return 0;
	}
}

int dns_sockaddr_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port && a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port &&
		       !memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr)) &&
		       a6->sin6_scope_id == b6->sin6_scope_id;
	return 0;
}

/* One of the network's own addresses: forwarding there would loop. */
static int ours(const struct netdef *def, const struct sockaddr_storage *a)
{
	const struct sockaddr_in *a4 = (const void *)a;
	const struct sockaddr_in6 *a6 = (const void *)a;

	if (a->ss_family == AF_INET)
		return def->has_ip && a4->sin_addr.s_addr == def->ip.s_addr;
	for (size_t i = 0; i < def->n_ips && i < NETDEF_MAX_IPS; i++)
		if (def->ips[i].family == AF_INET6 &&
		    !memcmp(&def->ips[i].addr6, &a6->sin6_addr, sizeof(a6->sin6_addr)))
			return 1;
	return 0;
}

/* Unusable as an upstream: the unspecified address, or an IPv6
 * link-local one without the interface it is on. */
static int unusable(const struct sockaddr_storage *a)
{
	const struct sockaddr_in *a4 = (const void *)a;
	const struct sockaddr_in6 *a6 = (const void *)a;

	if (a->ss_family == AF_INET)
		return a4->sin_addr.s_addr == INADDR_ANY;
	if (a->ss_family != AF_INET6)
		return 1;
	return IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr) ||
	       (IN6_IS_ADDR_LINKLOCAL(&a6->sin6_addr) && !a6->sin6_scope_id);
}

static size_t add(const struct netdef *def, const struct sockaddr_storage *a,
		  struct sockaddr_storage *out, size_t n, size_t max)
{
	if (n >= max || unusable(a) || ours(def, a))
		return n;
	for (size_t i = 0; i < n; i++)
		if (dns_sockaddr_same(&out[i], a))
			return n;
	out[n] = *a;
	return n + 1;
}

int dns_sockaddr_from_netdef(const struct netdef_addr *na, struct sockaddr_storage *out)
{
	struct sockaddr_in *o4 = (void *)out;
	struct sockaddr_in6 *o6 = (void *)out;

	memset(out, 0, sizeof(*out));
	if (na->family == AF_INET) {
		o4->sin_family = AF_INET;
		o4->sin_port = htons(53);
		o4->sin_addr = na->v4;
		return 0;
	}
	if (na->family == AF_INET6) {
		o6->sin6_family = AF_INET6;
		o6->sin6_port = htons(53);
		o6->sin6_addr = na->v6;
		return 0;
	}
	return -1;
}

/* resolv.conf(5): "nameserver Name server IP address", IPv4 or IPv6 (an
 * IPv6 link-local one with its %interface, as glibc reads it). */
static int parse_nameserver(const char *text, struct sockaddr_storage *out)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_DGRAM };
	struct addrinfo *ai = NULL;
	int ok;

	if (getaddrinfo(text, "53", &hints, &ai) || !ai)
		return -1;
	ok = ai->ai_addrlen <= sizeof(*out) &&
	     (ai->ai_family == AF_INET || ai->ai_family == AF_INET6);
	if (ok) {
		memset(out, 0, sizeof(*out));
		memcpy(out, ai->ai_addr, ai->ai_addrlen);
	}
	freeaddrinfo(ai);
	return ok ? 0 : -1;
}

static size_t from_resolv_conf(const struct netdef *def, const char *path,
			       struct sockaddr_storage *out, size_t max)
{
	char line[512], addr[128];
	struct sockaddr_storage a;
	size_t n = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		log_debug("dns: cannot read %s", path);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " nameserver %127s", addr) == 1 && !parse_nameserver(addr, &a))
			n = add(def, &a, out, n, max);
	}
	fclose(f);
	return n;
}

size_t dns_upstreams_load(const struct netdef *def, const char *resolv_conf,
			  struct sockaddr_storage *out, size_t max)
{
	size_t n = 0, given = 0;

	/* upstreams for every name (domain-scoped forwarders are the DNS
	 * service's to route) */
	for (size_t i = 0; i < def->n_forwarders; i++) {
		const struct netdef_forwarder *fw = &def->forwarders[i];
		struct sockaddr_storage a;

		if (fw->domain[0] || dns_sockaddr_from_netdef(&fw->addr, &a))
			continue;
		n = add(def, &a, out, n, max);
		given++;
	}
	if (given)
		return n;
	return from_resolv_conf(def, resolv_conf ? resolv_conf : "/etc/resolv.conf", out, max);
}

int dns_upstream_unusable(const struct netdef *def, const struct sockaddr_storage *a)
{
	return unusable(a) || ours(def, a);
}
