/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dns.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

static size_t add(const struct netdef *def, struct in_addr a, struct sockaddr_in *out,
		  size_t n, size_t max)
{
	/* forwarding to ourselves would loop */
	if (n >= max || (def->has_ip && a.s_addr == def->ip.s_addr) || a.s_addr == INADDR_ANY)
		return n;
	for (size_t i = 0; i < n; i++)
		if (out[i].sin_addr.s_addr == a.s_addr)
			return n;
	memset(&out[n], 0, sizeof(out[n]));
	out[n].sin_family = AF_INET;
	out[n].sin_port = htons(53);
	out[n].sin_addr = a;
	return n + 1;
}

/* resolv.conf(5): "nameserver Name server IP address"; IPv6 entries are
 * skipped (the proxy forwards over IPv4). */
static size_t from_resolv_conf(const struct netdef *def, const char *path,
			       struct sockaddr_in *out, size_t max)
{
	char line[512], addr[64];
	struct in_addr a;
	size_t n = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		log_debug("dns: cannot read %s", path);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " nameserver %63s", addr) == 1 && inet_pton(AF_INET, addr, &a) == 1)
			n = add(def, a, out, n, max);
	}
	fclose(f);
	return n;
}

size_t dns_upstreams_load(const struct netdef *def, const char *resolv_conf,
			  struct sockaddr_in *out, size_t max)
{
	size_t n = 0;

	size_t given = 0;

	/* IPv4 upstreams for every name (domain-scoped and IPv6 forwarders
	 * are the DNS service's to route) */
	for (size_t i = 0; i < def->n_forwarders; i++) {
		const struct netdef_forwarder *fw = &def->forwarders[i];

		if (fw->domain[0] || fw->addr.family != AF_INET)
			continue;
		n = add(def, fw->addr.v4, out, n, max);
		given++;
	}
	if (given)
		return n;
	return from_resolv_conf(def, resolv_conf ? resolv_conf : "/etc/resolv.conf", out, max);
}
