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

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

static char *put_i64(char *p, int64_t v)
{
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	char t[20];
	int n = 0;

	if (v < 0)
		*p++ = '-';
	do
		t[n++] = (char)('0' + u % 10);
	while ((u /= 10));
	while (n)
		*p++ = t[--n];
	return p;
}

/* inet_ntop's text (RFC 5952: the longest run of two or more zero groups,
 * the first of equal ones, as "::") without its sprintf per group; the
 * IPv4-mapped and -compatible forms are left to inet_ntop. */
static char *put_ip6(char *p, const struct in6_addr *a)
{
	static const char hex[] = "0123456789abcdef";
	int best = -1, best_len = 0, run = 0;
	unsigned w[8];

	for (int i = 0; i < 8; i++) {
		w[i] = (unsigned)a->s6_addr[2 * i] << 8 | a->s6_addr[2 * i + 1];
		run = w[i] ? 0 : run + 1;
		if (run > best_len) {
			best_len = run;
			best = i - run + 1;
		}
	}
	if (best_len < 2)
		best = -1;
	if (best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
		inet_ntop(AF_INET6, a, p, INET6_ADDRSTRLEN);
		return p + strlen(p);
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			if (i + best_len == 8)
				*p++ = ':';
			i += best_len - 1;
			continue;
		}
		if (i)
			*p++ = ':';
		for (int s = 12, lead = 1; s >= 0; s -= 4) {
			unsigned d = (w[i] >> s) & 15;

			if (d || !lead || !s) {
				*p++ = hex[d];
				lead = 0;
			}
		}
	}
	return p;
}

/* "%s %08x %s %lld %s %s\n" without printf: a save formats every lease
 * (snprintf was 70 % of a loaded server's time, docs/performance.md). */
int dhcp6_lease_format(const struct dhcp6_lease *l, char *buf, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	char line[DHCP6_DUID_MAX * 3 + 10 + INET6_ADDRSTRLEN + 22 + 10 + DHCP6_HOSTNAME_MAX + 2];
	char *p = line;
	size_t n;

	if (!l->duid.len || dhcp6_duid_to_str(&l->duid, p, DHCP6_DUID_MAX * 3) < 0)
		strcpy(p, "-");
	p += strlen(p);
	*p++ = ' ';
	for (int s = 28; s >= 0; s -= 4)
		*p++ = hex[(l->iaid >> s) & 15];
	*p++ = ' ';
	p = put_ip6(p, &l->ip);
	*p++ = ' ';
	p = put_i64(p, l->expires);
	*p++ = ' ';
	p = put_str(p, states[l->state & 3]);
	*p++ = ' ';
	p = l->hostname[0] ? put_str(p, l->hostname) : put_str(p, "-");
	*p++ = '\n';
	n = (size_t)(p - line);
	if (n >= cap)
		return -ENOSPC;
	memcpy(buf, line, n);
	buf[n] = '\0';
	return (int)n;
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
