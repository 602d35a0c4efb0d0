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

int dhcp_lease_file_init(struct dhcp_lease_file *f, const char *path, const char *net)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->net, sizeof(f->net), "%s", net);
	if (snprintf(f->path, sizeof(f->path), "%s", path) >= (int)sizeof(f->path))
		return -ENAMETOOLONG;
	return 0;
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
			 l->f->path, err == -EEXIST ? "duplicate" : "does not fit the network");
	return 0;
}

int dhcp_lease_file_load(struct dhcp_lease_file *f, struct dhcp_pool *p, int64_t now)
{
	struct load_ctx l = { f, p, now };
	struct lease_store_stats st;
	int r = lease_store_load(f->path, restore_cb, &l, &st);

	if (r < 0)
		return r;
	dhcp_pool_counters(p)->store_bad_lines += st.bad;
	if (st.bad)
		log_warn("dhcp %s: %s: %u bad line(s) skipped (first at line %u), %u kept", f->net,
			 f->path, st.bad, st.first_bad_line, st.loaded);
	return 0;
}

/* The whole table: the temp file written, *ret_fd to fsync (then
 * DHCP_SAVE_TMP's commit). The pool's changes from now on go to the next
 * journal; if this save fails, the next is a full one again. */
static int save_full_begin(struct dhcp_lease_file *f, struct dhcp_pool *p, int *ret_fd)
{
	size_t n = dhcp_pool_persist_count(p);
	struct lease_rec *recs = calloc(n ? n : 1, sizeof(*recs));
	int r = -ENOMEM;

	if (recs) {
		n = dhcp_pool_snapshot(p, recs, n);
		r = lease_store_save_begin(f->path, recs, n, ret_fd);
	}
	free(recs);
	if (r == 0) {
		dhcp_pool_journal_saved(p);
		f->step = DHCP_SAVE_TMP;
		f->step_lines = n;
	}
	return r;
}

/* Only what changed, appended (not synced: *ret_fd is the file to sync, -1
 * if nothing changed). 1 if it did, 0 if a full save is needed. */
static int save_journal(struct dhcp_lease_file *f, struct dhcp_pool *p, int *ret_fd)
{
	size_t limit = f->base_lines > DHCP_JOURNAL_MIN ? f->base_lines : DHCP_JOURNAL_MIN;
	struct lease_rec *recs;
	size_t len;
	long n;

	if (limit > DHCP_JOURNAL_CAP)
		limit = DHCP_JOURNAL_CAP;
	if (!f->can_append || f->unsaved || f->journal_lines >= limit)
		return 0;
	/* as many as changed (a batch's, not DHCP_JOURNAL_MAX: 360 KiB a save) */
	len = dhcp_pool_journal_len(p);
	recs = malloc((len ? len : 1) * sizeof(*recs));
	if (!recs)
		return 0;
	n = dhcp_pool_journal(p, recs, len);
	if (n > 0 && lease_store_append_nosync(f->path, recs, (size_t)n, ret_fd) < 0)
		n = -1; /* maybe a partial line at the end: replace the file */
	free(recs);
	if (n < 0) {
		f->can_append = 0;
		return 0;
	}
	f->journal_lines += (size_t)n;
	f->appends++;
	return 1;
}

/* A save's outcome r: every failure is counted; only the first of a run is
 * logged (a full disk retries every few seconds), and the recovery once. */
static int save_done(struct dhcp_lease_file *f, struct dhcp_pool *p, int r)
{
	if (r < 0) {
		f->can_append = 0;
		dhcp_pool_counters(p)->store_errors++;
		f->retry_at = (int64_t)time(NULL) + DHCP_LEASE_RETRY_SECS;
		if (!f->unsaved)
			log_warn("dhcp %s: cannot write %s: %s (retrying)", f->net, f->path,
				 strerror(-r));
	} else if (f->unsaved) {
		log_info("dhcp %s: %s written again", f->net, f->path);
	}
	f->unsaved = r < 0;
	return r;
}

int dhcp_lease_file_write(struct dhcp_lease_file *f, struct dhcp_pool *p, int *ret_fd)
{
	int r;

	*ret_fd = -1;
	if (save_journal(f, p, ret_fd)) {
		if (*ret_fd < 0)
			return save_done(f, p, 0); /* nothing changed */
		f->step = DHCP_SAVE_JOURNAL;
		return 1;
	}
	r = save_full_begin(f, p, ret_fd);
	return r ? save_done(f, p, r) : 1;
}

int dhcp_lease_file_sync_full(const struct dhcp_lease_file *f)
{
	return f->step != DHCP_SAVE_JOURNAL;
}

int dhcp_lease_file_synced(struct dhcp_lease_file *f, struct dhcp_pool *p, int fd, int err,
			   int *ret_fd)
{
	int step = f->step;

	*ret_fd = -1;
	f->step = 0;
	if (step == DHCP_SAVE_TMP) { /* rename it over the file, then sync the directory */
		err = lease_store_save_commit(f->path, fd, err, ret_fd);
		if (err)
			return save_done(f, p, err);
		f->step = DHCP_SAVE_DIR;
		return 1;
	}
	if (close(fd) < 0 && !err)
		err = -errno;
	if (step == DHCP_SAVE_DIR && !err) {
		f->can_append = 1;
		f->base_lines = f->step_lines;
		f->journal_lines = 0;
		f->full_saves++;
	}
	return save_done(f, p, err); /* a failure replaces the file next time */
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
