/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A journaled lease file for any line format (lease.h): appends between
 * atomic rewrites, in the steps of a non-blocking sync. */
#include "lease.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { STEP_JOURNAL = 1, STEP_TMP, STEP_DIR };

int lease_journal_init(struct lease_journal *j, const char *path, const char *header,
		       const struct lease_journal_ops *ops, void *ctx)
{
	memset(j, 0, sizeof(*j));
	j->ops = ops;
	j->ctx = ctx;
	if (snprintf(j->path, sizeof(j->path), "%s", path) >= (int)sizeof(j->path) ||
	    snprintf(j->header, sizeof(j->header), "%s", header) >= (int)sizeof(j->header))
		return -ENAMETOOLONG;
	return 0;
}

int lease_journal_appends(const struct lease_journal *j)
{
	size_t limit = j->base_lines > LEASE_JOURNAL_MIN ? j->base_lines : LEASE_JOURNAL_MIN;

	if (limit > LEASE_JOURNAL_CAP)
		limit = LEASE_JOURNAL_CAP;
	return j->can_append && j->journal_lines < limit;
}

/* Only what changed, appended: 1 (*ret_fd the file to sync, -1 if nothing
 * changed), or 0 when the file must be rewritten instead. */
static int write_journal(struct lease_journal *j, int *ret_fd)
{
	char *buf = NULL;
	size_t len = 0, lines = 0;
	int r;

	if (!lease_journal_appends(j))
		return 0;
	r = j->ops->journal(j->ctx, &buf, &len, &lines);
	if (!r && buf)
		r = lease_store_append_text(j->path, buf, len, ret_fd);
	free(buf);
	if (r) { /* maybe a partial line at the end, or changes lost: rewrite */
		j->can_append = 0;
		return 0;
	}
	j->step = STEP_JOURNAL;
	j->step_lines = lines;
	return 1;
}

/* The whole table into the temp file: *ret_fd to fsync. */
static int write_full(struct lease_journal *j, int *ret_fd)
{
	size_t hl = strlen(j->header), len = 0, lines = 0;
	char *body = NULL, *buf;
	int r = j->ops->snapshot(j->ctx, &body, &len, &lines);

	if (r)
		return r;
	buf = malloc(hl + len + 1);
	if (buf) {
		memcpy(buf, j->header, hl);
		if (len)
			memcpy(buf + hl, body, len);
		r = file_atomic_begin(j->path, buf, hl + len, 0644, ret_fd);
	} else {
		r = -ENOMEM;
	}
	free(buf);
	free(body);
	if (!r) {
		j->step = STEP_TMP;
		j->step_lines = lines;
	}
	return r;
}

int lease_journal_write(struct lease_journal *j, int *ret_fd)
{
	int r;

	*ret_fd = -1;
	j->step = 0;
	if (write_journal(j, ret_fd)) {
		if (*ret_fd >= 0)
			return 1;
		j->step = 0;
		return 0; /* nothing changed */
	}
	r = write_full(j, ret_fd);
	if (r)
		j->can_append = 0;
	return r ? r : 1;
}

int lease_journal_sync_full(const struct lease_journal *j)
{
	return j->step != STEP_JOURNAL;
}

int lease_journal_synced(struct lease_journal *j, int fd, int err, int *ret_fd)
{
	int step = j->step;

	*ret_fd = -1;
	j->step = 0;
	if (step == STEP_TMP) { /* rename it over the file, then sync the directory */
		err = file_atomic_commit(j->path, fd, err, ret_fd);
		if (!err) {
			j->step = STEP_DIR;
			return 1;
		}
	} else if (close(fd) < 0 && !err) {
		err = -errno;
	}
	if (err) { /* what was written is not known to be there: rewrite */
		j->can_append = 0;
		return err;
	}
	if (step == STEP_DIR) {
		j->can_append = 1;
		j->base_lines = j->step_lines;
		j->journal_lines = 0;
		j->full_saves++;
	} else if (step == STEP_JOURNAL) {
		j->journal_lines += j->step_lines;
		j->appends++;
	}
	return 0;
}

int lease_journal_save(struct lease_journal *j)
{
	int fd, err, r = lease_journal_write(j, &fd);

	while (r == 1) {
		if (lease_journal_sync_full(j))
			err = fsync(fd) < 0 ? -errno : 0;
		else
			err = fdatasync(fd) < 0 ? -errno : 0;
		r = lease_journal_synced(j, fd, err, &fd);
	}
	return r;
}
