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

static const char *const state_names[] = { NULL, "bound", "released", "declined", "free" };

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

	for (i = LEASE_BOUND; i <= LEASE_FREE; i++)
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

static char *put_str(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

static char *put_u64(char *p, uint64_t v)
{
	char t[20];
	int n = 0;

	do
		t[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = t[--n];
	return p;
}

/* "%02x:%02x:%02x:%02x:%02x:%02x %s %lld %s %s\n" without printf: under a
 * DHCP burst every ACK formats one journal line, and vfprintf was a fifth
 * of the server's CPU (issue 21.3) */
int lease_store_format_line(const struct lease_rec *r, char *buf, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *ip = (const uint8_t *)&r->ip.s_addr;
	const char *state, *name = r->hostname[0] ? r->hostname : "-";
	size_t name_len = strlen(name), state_len;
	char line[LEASE_LINE_MAX], *p = line; /* at most 127 bytes */

	if (r->state < LEASE_BOUND || r->state > LEASE_FREE || r->expires < 0 ||
	    (r->hostname[0] && !lease_hostname_valid(r->hostname, name_len)))
		return -EINVAL;
	state = state_names[r->state];
	state_len = strlen(state);
	for (int i = 0; i < 6; i++) {
		*p++ = hex[r->mac[i] >> 4];
		*p++ = hex[r->mac[i] & 15];
		*p++ = i < 5 ? ':' : ' ';
	}
	for (int i = 0; i < 4; i++) {
		p = put_u64(p, ip[i]);
		*p++ = i < 3 ? '.' : ' ';
	}
	p = put_u64(p, (uint64_t)r->expires);
	*p++ = ' ';
	p = put_str(p, state, state_len);
	*p++ = ' ';
	p = put_str(p, name, name_len);
	*p++ = '\n';
	if ((size_t)(p - line) >= cap)
		return -ENOSPC;
	memcpy(buf, line, (size_t)(p - line));
	buf[p - line] = '\0';
	return (int)(p - line);
}

static void count_bad(struct lease_store_stats *st, unsigned lineno)
{
	st->bad++;
	if (!st->first_bad_line)
		st->first_bad_line = lineno;
}

int lease_store_lines(const char *buf, size_t len, lease_store_line_cb cb, void *ctx,
		      struct lease_store_stats *st)
{
	size_t pos = 0;
	unsigned lineno = 0;

	memset(st, 0, sizeof(*st));
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		int ret;

		lineno++;
		if (!nl) { /* truncated final line (a torn append): never trust it */
			count_bad(st, lineno);
			break;
		}
		if (l > 0 && buf[pos] != '#') {
			ret = cb(ctx, buf + pos, l);
			if (ret < 0)
				return ret;
			if (ret > 0)
				count_bad(st, lineno);
			else
				st->loaded++;
		}
		pos += l + 1;
	}
	return 0;
}

struct parse_ctx {
	lease_store_cb cb;
	void *ctx;
};

static int parse_one(void *ctx, const char *line, size_t len)
{
	struct parse_ctx *p = ctx;
	struct lease_rec r;

	int ret;

	if (lease_store_parse_line(line, len, &r))
		return 1;
	ret = p->cb(p->ctx, &r);
	return ret < 0 ? ret : 0;
}

int lease_store_parse_buf(const char *buf, size_t len, lease_store_cb cb, void *ctx,
			  struct lease_store_stats *st)
{
	struct parse_ctx p = { cb, ctx };

	return lease_store_lines(buf, len, parse_one, &p, st);
}

/* Every parsed line, for the journal's reduction. */
struct all_recs {
	struct lease_rec *r;
	size_t n, cap;
};

static int collect(void *ctx, const struct lease_rec *r)
{
	struct all_recs *a = ctx;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 256;
		struct lease_rec *t = realloc(a->r, cap * sizeof(*t));

		if (!t)
			return -ENOMEM;
		a->r = t;
		a->cap = cap;
	}
	a->r[a->n++] = *r;
	return 0;
}

/* An open-addressing set of 64-bit keys (address, or MAC with bit 48). */
struct keyset {
	uint64_t *k;
	size_t mask;
};

static int keyset_add(struct keyset *s, uint64_t key) /* 1 if it was there */
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & s->mask;

	key++; /* 0 marks an empty slot */
	for (; s->k[i]; i = (i + 1) & s->mask)
		if (s->k[i] == key)
			return 1;
	s->k[i] = key;
	return 0;
}

static uint64_t mac_key(const uint8_t m[6])
{
	uint64_t k = 1ull << 48;

	for (int i = 0; i < 6; i++)
		k |= (uint64_t)m[i] << (8 * i);
	return k;
}

static int mac_zero(const uint8_t m[6])
{
	static const uint8_t z[6];

	return !memcmp(m, z, 6);
}

/* Keep each address's and MAC's last record: walk back, mark what is seen. */
static int reduce(struct all_recs *a, uint8_t *keep)
{
	struct keyset s = { 0 };
	size_t cap = 16;

	while (cap < a->n * 4)
		cap *= 2;
	s.k = calloc(cap, sizeof(*s.k));
	if (!s.k)
		return -ENOMEM;
	s.mask = cap - 1;
	for (size_t i = a->n; i-- > 0;) {
		const struct lease_rec *r = &a->r[i];
		int ip_seen = keyset_add(&s, ntohl(r->ip.s_addr));
		int has_mac = r->state != LEASE_FREE && !mac_zero(r->mac);
		int mac_seen = has_mac && keyset_add(&s, mac_key(r->mac));

		keep[i] = !ip_seen && !mac_seen && r->state != LEASE_FREE;
	}
	free(s.k);
	return 0;
}

int lease_store_load(const char *path, lease_store_cb cb, void *ctx,
		     struct lease_store_stats *st)
{
	struct all_recs a = { 0 };
	uint8_t *keep = NULL;
	char *buf = NULL;
	size_t len = 0;
	int r;

	memset(st, 0, sizeof(*st));
	r = file_read_all(path, LEASE_FILE_MAX, &buf, &len);
	if (r)
		return r == -ENOENT ? 0 : r;
	r = lease_store_parse_buf(buf, len, collect, &a, st);
	free(buf);
	st->loaded = 0;
	if (!r && a.n && !(keep = malloc(a.n)))
		r = -ENOMEM;
	if (!r && a.n)
		r = reduce(&a, keep);
	for (size_t i = 0; !r && i < a.n; i++) {
		if (!keep[i])
			continue;
		r = cb(ctx, &a.r[i]);
		if (r >= 0) {
			st->loaded++;
			r = 0;
		}
	}
	free(keep);
	free(a.r);
	return r;
}

/* The file's text: hdr (NULL: none), then the n records' lines. */
static int format_all(const char *hdr, const struct lease_rec *recs, size_t n, char **ret,
		      size_t *ret_len)
{
	size_t len = hdr ? strlen(hdr) : 0, cap = len + 1 + n * LEASE_LINE_MAX, i;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	memcpy(buf, hdr ? hdr : "", len);
	for (i = 0; i < n; i++) {
		int l = lease_store_format_line(&recs[i], buf + len, cap - len);

		if (l > 0)
			len += (size_t)l;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

int lease_store_format_lines(const struct lease_rec *recs, size_t n, char **ret, size_t *ret_len)
{
	return format_all(NULL, recs, n, ret, ret_len);
}

/* Crash-safe: after a crash the file is entirely old or entirely new
 * (temp file, fsync, rename, fsync of the directory: lib/fileutil.c). */
int lease_store_save(const char *path, const struct lease_rec *recs, size_t n)
{
	char *buf;
	size_t len;
	int r = format_all(LEASE_FILE_HEADER, recs, n, &buf, &len);

	if (r)
		return r;
	r = file_write_atomic(path, buf, len, 0644);
	free(buf);
	return r;
}

int lease_store_save_begin(const char *path, const struct lease_rec *recs, size_t n,
			   int *ret_fd)
{
	char *buf;
	size_t len;
	int r = format_all(LEASE_FILE_HEADER, recs, n, &buf, &len);

	*ret_fd = -1;
	if (r)
		return r;
	r = file_atomic_begin(path, buf, len, 0644, ret_fd);
	free(buf);
	return r;
}

int lease_store_save_commit(const char *path, int fd, int err, int *ret_dirfd)
{
	return file_atomic_commit(path, fd, err, ret_dirfd);
}

int lease_store_append_text(const char *path, const char *text, size_t len, int *ret_fd)
{
	const char *p = text;
	ssize_t w;
	int r = 0, fd;

	*ret_fd = -1;
	if (!len)
		return 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len && r == 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			r = w < 0 ? -errno : -EIO;
		else {
			p += w;
			len -= (size_t)w;
		}
	}
	if (r)
		close(fd);
	else
		*ret_fd = fd;
	return r;
}

int lease_store_append_nosync(const char *path, const struct lease_rec *recs, size_t n,
			       int *ret_fd)
{
	char *buf;
	size_t len;
	int r;

	*ret_fd = -1;
	if (!n)
		return 0;
	r = format_all(NULL, recs, n, &buf, &len);
	if (r)
		return r;
	r = lease_store_append_text(path, buf, len, ret_fd);
	free(buf);
	return r;
}

int lease_store_append(const char *path, const struct lease_rec *recs, size_t n)
{
	int fd, r = lease_store_append_nosync(path, recs, n, &fd);

	if (r || fd < 0)
		return r;
	if (fdatasync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	return r;
}
