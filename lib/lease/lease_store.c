/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Lease file load/save. The file is untrusted input on load (it may be
 * truncated by a crash of an older writer, or edited by hand): every field
 * is checked and a bad line costs only that line. */
#include "lease.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LEASE_FILE_MAX (16u << 20)

static const char *const state_names[] = { NULL, "bound", "released", "declined" };

int lease_hostname_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= LEASE_HOSTNAME_MAX || s[0] == '-' || s[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	int i;

	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int parse_expires(const char *s, int64_t *v)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 18)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
	*v = strtoll(s, NULL, 10);
	return 0;
}

static int parse_state(const char *s, enum lease_state *st)
{
	int i;

	for (i = LEASE_BOUND; i <= LEASE_DECLINED; i++)
		if (!strcmp(s, state_names[i])) {
			*st = i;
			return 0;
		}
	return -EINVAL;
}

int lease_store_parse_line(const char *line, size_t len, struct lease_rec *r)
{
	char buf[LEASE_LINE_MAX], *f[6], *save = NULL;
	int n = 0;

	if (len == 0 || len >= sizeof(buf) || memchr(line, '\0', len))
		return -EINVAL;
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == 5)
			return -EINVAL; /* too many fields */
		f[n++] = t;
	}
	if (n != 5)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	if (parse_mac(f[0], r->mac) || inet_pton(AF_INET, f[1], &r->ip) != 1 ||
	    parse_expires(f[2], &r->expires) || parse_state(f[3], &r->state))
		return -EINVAL;
	if (strcmp(f[4], "-")) {
		if (!lease_hostname_valid(f[4], strlen(f[4])))
			return -EINVAL;
		strcpy(r->hostname, f[4]);
	}
	return 0;
}

int lease_store_format_line(const struct lease_rec *r, char *buf, size_t cap)
{
	char ip[INET_ADDRSTRLEN];
	const uint8_t *m = r->mac;
	int n;

	if (r->state < LEASE_BOUND || r->state > LEASE_DECLINED || r->expires < 0 ||
	    (r->hostname[0] && !lease_hostname_valid(r->hostname, strlen(r->hostname))))
		return -EINVAL;
	inet_ntop(AF_INET, &r->ip, ip, sizeof(ip));
	n = snprintf(buf, cap, "%02x:%02x:%02x:%02x:%02x:%02x %s %" PRId64 " %s %s\n", m[0], m[1],
		     m[2], m[3], m[4], m[5], ip, r->expires, state_names[r->state],
		     r->hostname[0] ? r->hostname : "-");
	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

static void count_bad(struct lease_store_stats *st, unsigned lineno)
{
	st->bad++;
	if (!st->first_bad_line)
		st->first_bad_line = lineno;
}

int lease_store_parse_buf(const char *buf, size_t len, lease_store_cb cb, void *ctx,
			  struct lease_store_stats *st)
{
	size_t pos = 0;
	unsigned lineno = 0;

	memset(st, 0, sizeof(*st));
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		struct lease_rec r;
		int ret;

		lineno++;
		if (!nl) { /* truncated final line: never trust it */
			count_bad(st, lineno);
			break;
		}
		if (l > 0 && buf[pos] != '#') {
			if (lease_store_parse_line(buf + pos, l, &r)) {
				count_bad(st, lineno);
			} else {
				ret = cb(ctx, &r);
				if (ret < 0)
					return ret;
				st->loaded++;
			}
		}
		pos += l + 1;
	}
	return 0;
}

int lease_store_load(const char *path, lease_store_cb cb, void *ctx,
		     struct lease_store_stats *st)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	memset(st, 0, sizeof(*st));
	r = file_read_all(path, LEASE_FILE_MAX, &buf, &len);
	if (r)
		return r == -ENOENT ? 0 : r;
	r = lease_store_parse_buf(buf, len, cb, ctx, st);
	free(buf);
	return r;
}

static int format_all(const struct lease_rec *recs, size_t n, char **ret, size_t *ret_len)
{
	static const char hdr[] = "# vnet dhcp leases v1: mac ip expires state hostname\n";
	size_t cap = sizeof(hdr) + n * LEASE_LINE_MAX, len = sizeof(hdr) - 1, i;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	memcpy(buf, hdr, len);
	for (i = 0; i < n; i++) {
		int l = lease_store_format_line(&recs[i], buf + len, cap - len);

		if (l > 0)
			len += (size_t)l;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

/* Crash-safe: after a crash the file is entirely old or entirely new
 * (temp file, fsync, rename, fsync of the directory: lib/fileutil.c). */
int lease_store_save(const char *path, const struct lease_rec *recs, size_t n)
{
	char *buf;
	size_t len;
	int r = format_all(recs, n, &buf, &len);

	if (r)
		return r;
	r = file_write_atomic(path, buf, len, 0644);
	free(buf);
	return r;
}
