/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dhcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

/* The whole table's lines; the pool's journal starts empty. */
static int file_snapshot(void *ctx, char **ret, size_t *ret_len, size_t *ret_lines)
{
	struct dhcp_lease_file *f = ctx;
	size_t n = dhcp_pool_persist_count(f->pool);
	struct lease_rec *recs = calloc(n ? n : 1, sizeof(*recs));
	int r;

	if (!recs)
		return -ENOMEM;
	n = dhcp_pool_snapshot(f->pool, recs, n);
	r = lease_store_format_lines(recs, n, ret, ret_len);
	free(recs);
	if (!r) {
		dhcp_pool_journal_saved(f->pool);
		*ret_lines = n;
	}
	return r;
}

/* The changed entries' lines (a batch's, not DHCP_JOURNAL_MAX: 360 KiB a save). */
static int file_journal(void *ctx, char **ret, size_t *ret_len, size_t *ret_lines)
{
	struct dhcp_lease_file *f = ctx;
	size_t len = dhcp_pool_journal_len(f->pool);
	struct lease_rec *recs;
	long n;
	int r = 0;

	*ret = NULL;
	*ret_len = *ret_lines = 0;
	if (!len)
		return 0;
	recs = malloc(len * sizeof(*recs));
	if (!recs)
		return -ENOMEM; /* the journal kept: the full save writes it */
	n = dhcp_pool_journal(f->pool, recs, len);
	if (n < 0)
		r = -E2BIG;
	else if (n > 0 && !(r = lease_store_format_lines(recs, (size_t)n, ret, ret_len)))
		*ret_lines = (size_t)n;
	free(recs);
	return r;
}

static const struct lease_journal_ops file_ops = { file_snapshot, file_journal };

int dhcp_lease_file_init(struct dhcp_lease_file *f, const char *path, const char *net)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->net, sizeof(f->net), "%s", net);
	return lease_journal_init(&f->j, path, LEASE_FILE_HEADER, &file_ops, f);
}

struct load_ctx {
	struct dhcp_lease_file *f;
	struct dhcp_pool *pool;
	int64_t now;
};

static int restore_cb(void *ctx, const struct lease_rec *r)
{
	struct load_ctx *l = ctx;
	int err = dhcp_pool_restore(l->pool, r, l->now);

	/* the definition changed under the file: the rest still loads */
	if (err < 0)
		log_warn("dhcp %s: lease for %s in %s dropped: %s", l->f->net, inet_ntoa(r->ip),
			 l->f->j.path, err == -EEXIST ? "duplicate" : "does not fit the network");
	return 0;
}

int dhcp_lease_file_load(struct dhcp_lease_file *f, struct dhcp_pool *p, int64_t now)
{
	struct load_ctx l = { f, p, now };
	struct lease_store_stats st;
	int r = lease_store_load(f->j.path, restore_cb, &l, &st);

	if (r < 0)
		return r;
	dhcp_pool_counters(p)->store_bad_lines += st.bad;
	if (st.bad)
		log_warn("dhcp %s: %s: %u bad line(s) skipped (first at line %u), %u kept", f->net,
			 f->j.path, st.bad, st.first_bad_line, st.loaded);
	return 0;
}

/* A save's outcome r: every failure is counted; only the first of a run is
 * logged (a full disk retries every few seconds), and the recovery once. */
static int save_done(struct dhcp_lease_file *f, struct dhcp_pool *p, int r)
{
	if (r < 0) {
		dhcp_pool_counters(p)->store_errors++;
		f->retry_at = (int64_t)time(NULL) + DHCP_LEASE_RETRY_SECS;
		if (!f->unsaved)
			log_warn("dhcp %s: cannot write %s: %s (retrying)", f->net, f->j.path,
				 strerror(-r));
	} else if (f->unsaved) {
		log_info("dhcp %s: %s written again", f->net, f->j.path);
	}
	f->unsaved = r < 0;
	return r;
}

int dhcp_lease_file_write(struct dhcp_lease_file *f, struct dhcp_pool *p, int *ret_fd)
{
	int r;

	f->pool = p;
	r = lease_journal_write(&f->j, ret_fd);
	return r == 1 ? 1 : save_done(f, p, r);
}

int dhcp_lease_file_sync_full(const struct dhcp_lease_file *f)
{
	return lease_journal_sync_full(&f->j);
}

int dhcp_lease_file_synced(struct dhcp_lease_file *f, struct dhcp_pool *p, int fd, int err,
			   int *ret_fd)
{
	int r = lease_journal_synced(&f->j, fd, err, ret_fd);

	return r == 1 ? 1 : save_done(f, p, r); /* a failure replaces the file next time */
}

int dhcp_lease_file_save(struct dhcp_lease_file *f, struct dhcp_pool *p)
{
	int fd, err, r = dhcp_lease_file_write(f, p, &fd);

	while (r == 1) {
		if (dhcp_lease_file_sync_full(f))
			err = fsync(fd) < 0 ? -errno : 0;
		else
			err = fdatasync(fd) < 0 ? -errno : 0;
		r = dhcp_lease_file_synced(f, p, fd, err, &fd);
	}
	return r;
}

int dhcp_lease_file_retry_due(const struct dhcp_lease_file *f, int64_t now)
{
	return f->unsaved && now >= f->retry_at;
}
