/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The DHCPv6 lease file (dhcp6.h): one line, and the journaled file. */
#include "dhcp6.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static const char *const states[] = { "offered", "bound", "released", "declined", "free" };
#define N_STATES 5

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
	p = put_str(p, states[(unsigned)l->state < N_STATES ? l->state : DHCP6_OFFERED]);
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
	for (i = 0; i < N_STATES && strcmp(st, states[i]); i++)
		;
	if (i == N_STATES || i == DHCP6_OFFERED)
		return -EINVAL;
	l->state = (enum dhcp6_lease_state)i;
	l->iaid = (uint32_t)iaid;
	l->expires = exp;
	if (strcmp(host, "-"))
		memcpy(l->hostname, host, strlen(host) + 1);
	return 0;
}

/* ---- the file --------------------------------------------------------------- */

#define FILE_MAX (64u << 20) /* 98,304 lines of the longest DUIDs */
#define LINE_MAX_V6 (DHCP6_DUID_MAX * 3 + 10 + INET6_ADDRSTRLEN + 22 + 10 + DHCP6_HOSTNAME_MAX + 2)

/* n leases as lines into a malloc'd *ret (no header). */
static int format_all(const struct dhcp6_lease *ls, size_t n, char **ret, size_t *ret_len)
{
	size_t cap = n * LINE_MAX_V6 + 1, at = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int r = dhcp6_lease_format(&ls[i], buf + at, cap - at);

		if (r > 0)
			at += (size_t)r;
	}
	*ret = buf;
	*ret_len = at;
	return 0;
}

static int file_snapshot(void *ctx, char **ret, size_t *ret_len, size_t *ret_lines)
{
	struct dhcp6_lease_file *f = ctx;
	size_t n = dhcp6_pool_count(f->pool);
	struct dhcp6_lease *ls = malloc((n ? n : 1) * sizeof(*ls));
	int r;

	if (!ls)
		return -ENOMEM;
	n = dhcp6_pool_snapshot(f->pool, ls, n);
	r = format_all(ls, n, ret, ret_len);
	free(ls);
	if (!r) {
		dhcp6_pool_journal_saved(f->pool);
		*ret_lines = n;
	}
	return r;
}

static int file_journal(void *ctx, char **ret, size_t *ret_len, size_t *ret_lines)
{
	struct dhcp6_lease_file *f = ctx;
	size_t len = dhcp6_pool_journal_len(f->pool);
	struct dhcp6_lease *ls;
	long n;
	int r = 0;

	*ret = NULL;
	*ret_len = *ret_lines = 0;
	if (!len)
		return 0;
	ls = malloc(len * sizeof(*ls));
	if (!ls)
		return -ENOMEM; /* the journal kept: a snapshot writes it */
	n = dhcp6_pool_journal(f->pool, ls, len);
	if (n < 0)
		r = -E2BIG;
	else if (n > 0 && !(r = format_all(ls, (size_t)n, ret, ret_len)))
		*ret_lines = (size_t)n;
	free(ls);
	return r;
}

static const struct lease_journal_ops file_ops = { file_snapshot, file_journal };

int dhcp6_lease_file_init(struct dhcp6_lease_file *f, const char *path, const char *net,
			  struct dhcp6_pool *p)
{
	char hdr[128];

	snprintf(hdr, sizeof(hdr), "# vnet DHCPv6 leases of %s\n", net);
	f->pool = p;
	return lease_journal_init(&f->j, path, hdr, &file_ops, f);
}

/* Every line parsed, then reduced to each address's and each binding's last. */
struct all_leases {
	struct dhcp6_lease *l;
	size_t n, cap;
};

static int collect(void *ctx, const char *line, size_t len)
{
	struct all_leases *a = ctx;
	char buf[LINE_MAX_V6 + 1];

	if (len >= sizeof(buf))
		return 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 256;
		struct dhcp6_lease *t = realloc(a->l, cap * sizeof(*t));

		if (!t)
			return -ENOMEM;
		a->l = t;
		a->cap = cap;
	}
	if (dhcp6_lease_parse(buf, &a->l[a->n]))
		return 1;
	a->n++;
	return 0;
}

static int by_ip(const void *x, const void *y, void *ctx)
{
	const struct dhcp6_lease *l = ctx;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	int c = memcmp(&l[i].ip, &l[j].ip, sizeof(l[i].ip));

	return c ? c : (i > j) - (i < j);
}

static int by_binding(const void *x, const void *y, void *ctx)
{
	const struct dhcp6_lease *l = ctx;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	int c = (int)l[i].duid.len - (int)l[j].duid.len;

	if (!c)
		c = memcmp(l[i].duid.b, l[j].duid.b, l[i].duid.len);
	if (!c)
		c = (l[i].iaid > l[j].iaid) - (l[i].iaid < l[j].iaid);
	return c ? c : (i > j) - (i < j);
}

/* keep[i] = 0 for every line a later one of the same key replaces. */
static void drop_replaced(const struct all_leases *a, uint32_t *idx, size_t n,
			  int (*cmp)(const void *, const void *, void *), uint8_t *keep)
{
	qsort_r(idx, n, sizeof(*idx), cmp, a->l);
	for (size_t k = 0; k + 1 < n; k++) {
		uint32_t i = idx[k], j = idx[k + 1];

		if (cmp == by_ip ? !memcmp(&a->l[i].ip, &a->l[j].ip, sizeof(a->l[i].ip)) :
				   (a->l[i].duid.len == a->l[j].duid.len &&
				    !memcmp(a->l[i].duid.b, a->l[j].duid.b, a->l[i].duid.len) &&
				    a->l[i].iaid == a->l[j].iaid))
			keep[i] = 0;
	}
}

static int reduce(const struct all_leases *a, uint8_t *keep)
{
	uint32_t *idx = malloc(a->n * sizeof(*idx));
	size_t m = 0;

	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < a->n; i++) {
		keep[i] = a->l[i].state != DHCP6_FREE;
		idx[i] = (uint32_t)i;
	}
	drop_replaced(a, idx, a->n, by_ip, keep);
	for (size_t i = 0; i < a->n; i++)
		if (a->l[i].duid.len)
			idx[m++] = (uint32_t)i;
	drop_replaced(a, idx, m, by_binding, keep);
	free(idx);
	return 0;
}

int dhcp6_lease_file_load(struct dhcp6_lease_file *f, int64_t now, unsigned *ret_bad)
{
	struct all_leases a = { 0 };
	struct lease_store_stats st;
	uint8_t *keep = NULL;
	char *buf = NULL;
	size_t len = 0;
	int r;

	*ret_bad = 0;
	r = file_read_all(f->j.path, FILE_MAX, &buf, &len);
	if (r)
		return r == -ENOENT ? 0 : r;
	r = lease_store_lines(buf, len, collect, &a, &st);
	free(buf);
	*ret_bad = st.bad;
	if (!r && a.n && !(keep = malloc(a.n)))
		r = -ENOMEM;
	if (!r && a.n)
		r = reduce(&a, keep);
	for (size_t i = 0; !r && i < a.n; i++)
		if (keep[i] && dhcp6_pool_restore(f->pool, &a.l[i], now) < 0)
			(*ret_bad)++;
	free(keep);
	free(a.l);
	f->j.can_append = 0; /* the first save rewrites it */
	return r;
}
