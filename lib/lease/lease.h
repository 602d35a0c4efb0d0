/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of lib/lease/ (one header per folder). */
#ifndef VNET_LEASE_LEASE_H
#define VNET_LEASE_LEASE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* ---- lease_store ---- */
/* The DHCP lease file: text, one lease per line,
 *   MAC IP EXPIRES STATE HOSTNAME
 * e.g. "52:54:00:12:34:56 192.168.122.10 1764060000 bound guest1", with "-"
 * for no hostname and STATE one of bound|released|declined|free. Lines
 * starting with '#' are comments. Saved atomically (temp file, fsync,
 * rename, fsync of the directory), then appended to between those full
 * saves (a journal: each append is fsynced before the replies it covers
 * leave). A later line for the same address, or for the same MAC, replaces
 * an earlier one; "free" only forgets its address. On load, bad or
 * truncated lines are skipped and counted. */
#define LEASE_FILE_HEADER "# vnet dhcp leases v1: mac ip expires state hostname\n"
#define LEASE_HOSTNAME_MAX 64 /* incl. NUL */
#define LEASE_LINE_MAX 256

enum lease_state {
	LEASE_BOUND = 1,    /* in use until expires */
	LEASE_RELEASED = 2, /* free, remembered for the same client */
	LEASE_DECLINED = 3, /* quarantined until expires (mac is zero) */
	LEASE_FREE = 4,	    /* journal only: the address has no record any more */
};

struct lease_rec {
	uint8_t mac[6];
	struct in_addr ip;
	int64_t expires; /* wall-clock seconds */
	enum lease_state state;
	char hostname[LEASE_HOSTNAME_MAX]; /* "" if none */
};

struct lease_store_stats {
	unsigned loaded;  /* lines handed to the callback */
	unsigned bad;	  /* malformed or truncated lines skipped */
	unsigned first_bad_line; /* 1-based, 0 if none */
};

/* Called for each valid line; a negative return stops loading with it. */
typedef int (*lease_store_cb)(void *ctx, const struct lease_rec *r);

/* A hostname we accept: 1..63 of [A-Za-z0-9-_.], not starting with '-' or '.'. */
int lease_hostname_valid(const char *s, size_t len);

/* One line without its '\n'. 0 or -EINVAL. */
int lease_store_parse_line(const char *line, size_t len, struct lease_rec *r);
/* Format one line including '\n' into buf; returns its length or -ENOSPC. */
int lease_store_format_line(const struct lease_rec *r, char *buf, size_t cap);

/* n records as lines (no header) into a malloc'd *ret (to free); a record
 * that cannot be formatted is left out. 0 or -ENOMEM. */
int lease_store_format_lines(const struct lease_rec *recs, size_t n, char **ret, size_t *ret_len);

/* Parse a whole file's contents. A final line without '\n' is a truncated
 * write and counts as bad. Returns 0 or the callback's negative value. */
int lease_store_parse_buf(const char *buf, size_t len, lease_store_cb cb, void *ctx,
			  struct lease_store_stats *st);

/* The same for any line format (DHCPv6's): cb gets each complete line
 * without its '\n' (comments and empty lines skipped) and returns 0 (kept:
 * counted in loaded), 1 (a bad line: counted, skipped) or a negative value
 * that stops with it. A final line without '\n' (a torn append) counts as
 * bad and is never handed over. */
typedef int (*lease_store_line_cb)(void *ctx, const char *line, size_t len);
int lease_store_lines(const char *buf, size_t len, lease_store_line_cb cb, void *ctx,
		      struct lease_store_stats *st);

/* Load path; a missing file is an empty store (0). -errno on I/O error.
 * The callback sees each address's and each MAC's last record only (a
 * journal's later lines win), in file order, and no "free" records. */
int lease_store_load(const char *path, lease_store_cb cb, void *ctx,
		     struct lease_store_stats *st);

/* Write n records atomically: path ends up entirely old or entirely new. */
int lease_store_save(const char *path, const struct lease_rec *recs, size_t n);
/* lease_store_save in steps, for a caller that syncs without blocking:
 * _begin writes the temp file (*ret_fd: fsync it); _commit, given that
 * sync's 0 or -errno, renames it over path and opens the directory
 * (*ret_dirfd: fsync it, then the new file is durable). 0 or -errno. */
int lease_store_save_begin(const char *path, const struct lease_rec *recs, size_t n,
			   int *ret_fd);
int lease_store_save_commit(const char *path, int fd, int err, int *ret_dirfd);
/* Append n records to the existing file at path and fsync it (the journal
 * between two saves). On error the file may end in a partial line, which
 * a load skips: the caller must lease_store_save before appending again. */
int lease_store_append(const char *path, const struct lease_rec *recs, size_t n);
/* The same without the fdatasync, for a caller that syncs elsewhere (the
 * DHCP service, without blocking its loop): *ret_fd is the open file to
 * sync and close (-1 if n was 0); the records are durable only once that
 * sync succeeded. */
int lease_store_append_nosync(const char *path, const struct lease_rec *recs, size_t n,
			       int *ret_fd);

/* lease_store_append_nosync for lines already formatted (any format):
 * len bytes of whole lines appended to path, not synced. */
int lease_store_append_text(const char *path, const char *text, size_t len, int *ret_fd);

/* ---- lease_journal ---- */
/* When a lease file is appended to and when it is rewritten, for any line
 * format (DHCPv4's dhcp_lease_file, the DHCPv6 server's dhcp6_lease_file): a save appends the lines of what changed (a journal: a later line
 * wins, a torn last line is skipped on load), and the whole file is
 * rewritten atomically at the first save after a start, after a failed
 * write, when the changes do not fit a journal, and when the journal has
 * grown as long as the last full save (at least LEASE_JOURNAL_MIN lines,
 * at most LEASE_JOURNAL_CAP, keeping the file well under the loader's
 * 16 MiB). Saves go in steps, for a caller that syncs without blocking:
 * lease_journal_write returns 1 with the file to sync in *ret_fd (fsync if
 * lease_journal_sync_full, else fdatasync); lease_journal_synced takes
 * that fd and the sync's 0 or -errno and returns 1 again with the next
 * file (a full save: the temp file, then after its rename the directory),
 * or the save's end: 0 or -errno. Nothing is durable before the last
 * step's sync. lease_journal_save does all steps, blocking. */
#define LEASE_JOURNAL_MIN 4096
#define LEASE_JOURNAL_CAP 32768

struct lease_journal_ops {
	/* The whole table's lines (no header): *ret_buf malloc'd (to free),
	 * *ret_lines lines. What changed before it is in it: the changes'
	 * journal starts empty. 0 or -errno. */
	int (*snapshot)(void *ctx, char **ret_buf, size_t *ret_len, size_t *ret_lines);
	/* The lines of what changed since the last snapshot or journal (each
	 * once, its latest state), emptying it: *ret_buf NULL when nothing
	 * changed. 0, -E2BIG when the changes do not fit a journal (emptied
	 * all the same: a snapshot follows), or -errno. */
	int (*journal)(void *ctx, char **ret_buf, size_t *ret_len, size_t *ret_lines);
};

struct lease_journal {
	char path[4096];
	char header[128];	/* the full file's first line, with its '\n' */
	const struct lease_journal_ops *ops;
	void *ctx;
	int can_append;		/* the file is a full save's and whole lines after it */
	size_t base_lines, journal_lines;
	int step;		/* the sync a save waits for, 0 if none */
	size_t step_lines;
	uint64_t full_saves, appends; /* for tests and the bench */
};

/* -ENAMETOOLONG if path or header do not fit. */
int lease_journal_init(struct lease_journal *j, const char *path, const char *header,
		       const struct lease_journal_ops *ops, void *ctx);
/* 1 if the next save appends (else it rewrites the file). */
int lease_journal_appends(const struct lease_journal *j);
int lease_journal_write(struct lease_journal *j, int *ret_fd);
int lease_journal_sync_full(const struct lease_journal *j);
int lease_journal_synced(struct lease_journal *j, int fd, int err, int *ret_fd);
int lease_journal_save(struct lease_journal *j);

#endif
