/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One line of the DHCPv6 lease file (dhcp6.h). */
#include "dhcp6.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const states[] = { "offered", "bound", "released", "declined" };

int dhcp6_lease_format(const struct dhcp6_lease *l, char *buf, size_t cap)
{
	char duid[DHCP6_DUID_MAX * 3], ip[INET6_ADDRSTRLEN];
	int n;

	if (l->duid.len)
		dhcp6_duid_to_str(&l->duid, duid, sizeof(duid));
	else
		strcpy(duid, "-");
	inet_ntop(AF_INET6, &l->ip, ip, sizeof(ip));
	n = snprintf(buf, cap, "%s %08" PRIx32 " %s %" PRId64 " %s %s\n", duid, l->iaid, ip,
		     l->expires, states[l->state & 3], l->hostname[0] ? l->hostname : "-");
	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

int dhcp6_lease_parse(const char *line, struct dhcp6_lease *l)
{
	char duid[DHCP6_DUID_MAX * 3 + 3], ip[64], st[16], host[DHCP6_HOSTNAME_MAX + 2], extra;
	unsigned long iaid;
	long long exp;
	int i;

	memset(l, 0, sizeof(*l));
	if (sscanf(line, "%392s %lx %63s %lld %15s %65s %c", duid, &iaid, ip, &exp, st, host,
		   &extra) != 6)
		return -EINVAL;
	if ((strcmp(duid, "-") && dhcp6_duid_from_str(duid, &l->duid) < 0) ||
	    inet_pton(AF_INET6, ip, &l->ip) != 1 || exp < 0 || iaid > UINT32_MAX ||
	    strlen(host) >= DHCP6_HOSTNAME_MAX)
		return -EINVAL;
	for (i = 0; i < 4 && strcmp(st, states[i]); i++)
		;
	if (i == 4 || i == DHCP6_OFFERED)
		return -EINVAL;
	l->state = (enum dhcp6_lease_state)i;
	l->iaid = (uint32_t)iaid;
	l->expires = exp;
	if (strcmp(host, "-"))
		memcpy(l->hostname, host, strlen(host) + 1);
	return 0;
}
