/* SPDX-License-Identifier: GPL-2.0-or-later */
/* <vnet:ula/> and <vnet:ula prefix='fdXX:XXXX:XXXX:SSSS::/64'/> (issue 18.1):
 * the automatic unique local IPv6 prefix (RFC 4193) of a network. */
#include "netdef_xml_priv.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 4193 3.1: "FC00::/7 ... L Set to 1 if the prefix is locally
 * assigned": fd00::/8, a /64 (the interface identifier is the guests'). */
static int parse_prefix(struct nx *nx, const char *text, struct in6_addr *out)
{
	char a[INET6_ADDRSTRLEN + 8], q[NX_QUOTE_MAX + 4];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : 0;

	if (!slash || n >= sizeof(a) || strcmp(slash, "/64"))
		return nx_fail(nx, "<vnet:ula prefix='%s'>: give a /64 (fdXX:XXXX:XXXX:SSSS::/64)",
			       nx_quote(text, q));
	memcpy(a, text, n);
	a[n] = 0;
	if (inet_pton(AF_INET6, a, out) != 1 || out->s6_addr[0] != 0xfd)
		return nx_fail(nx, "<vnet:ula prefix='%s'>: not a unique local prefix (fd00::/8)",
			       nx_quote(text, q));
	for (int i = 8; i < 16; i++)
		if (out->s6_addr[i])
			return nx_fail(nx, "<vnet:ula prefix='%s'>: host bits set in a /64",
				       nx_quote(text, q));
	return 0;
}

int nx_parse_ula(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "prefix", NULL };
	struct netdef_ula *u = &nx->def->ula;
	char text[INET6_ADDRSTRLEN + 8];
	int r;

	u->enabled = 1;
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "prefix", text, sizeof(text), 0)) < 0)
		return r;
	if (r && parse_prefix(nx, text, &u->prefix) < 0)
		return -1;
	u->has_prefix = r;
	return nx_children(nx, node, NULL, 0);
}
