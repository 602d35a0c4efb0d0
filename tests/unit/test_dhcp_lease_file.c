/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for what vnetd's DHCP service and the user-mode stack share:
 * lib/dhcp_lease_file.c (load, save, a failing save retried) and
 * lib/dhcp_counters_json.c (one set of counter keys for both). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "dhcp/dhcp.h"
#include "dhcp_pool_fix.h"
#include "util/util.h"

static const uint8_t mac1[6] = { 0x52, 0x54, 0, 0, 0, 1 };
static const uint8_t mac2[6] = { 0x52, 0x54, 0, 0, 0, 2 };
static const uint8_t mac3[6] = { 0x52, 0x54, 0, 0, 0, 3 };

static void tmp_path(char *buf, size_t cap)
{
	snprintf(buf, cap, "/tmp/test_dhcp_lease_file.%d.%ld", (int)getpid(), (long)random());
}

static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Two leases saved, loaded into a fresh pool; a bad line is counted and a
 * record that no longer fits the range is dropped (not counted). */
static void test_save_load(void **state)
{
	struct fix *f = *state, g = { 0 };
	struct dhcp_pool_config c = config();
	struct dhcp_lease_file lf;
	char path[128];

	tmp_path(path, sizeof(path));
	assert_int_equal(dhcp_lease_file_init(&lf, path, "net1"), 0);
	lease(f, mac1, T0);
	lease(f, mac2, T0);
	assert_int_equal(dhcp_lease_file_save(&lf, f->p), 0);
	assert_int_equal(lf.unsaved, 0);
	append(path, "52:54:00:00:00:03 10.0.0.200 2000000 bound far\n"); /* outside the range */
	append(path, "not a lease line\n");

	g.p = dhcp_pool_new(&c, on_event, &g.ev);
	assert_non_null(g.p);
	assert_int_equal(dhcp_lease_file_load(&lf, g.p, T0 + 1), 0);
	assert_int_equal(dhcp_pool_active(g.p), 2);
	assert_int_equal(g.ev.n_bound, 2);
	assert_int_equal(dhcp_pool_counters(g.p)->store_bad_lines, 1);
	dhcp_pool_free(g.p);
	unlink(path);

	/* a missing file is an empty one */
	g.p = dhcp_pool_new(&c, on_event, &g.ev);
	assert_int_equal(dhcp_lease_file_load(&lf, g.p, T0 + 1), 0);
	assert_int_equal(dhcp_pool_active(g.p), 0);
	dhcp_pool_free(g.p);
}

static size_t count_str(const char *path, const char *needle)
{
	char buf[8192];
	size_t n = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = 0;
	fclose(f);
	for (const char *p = buf; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Group commit with a journal: the first save after a load writes the whole
 * table, the next ones append only what changed (a "free" line where a
 * record went), and a reload sees exactly the pool's records. */
static void test_journal(void **state)
{
	struct fix *f = *state, g = { 0 };
	struct dhcp_pool_config c = config();
	struct dhcp_lease_file lf, lg;
	struct dhcp_result res;
	struct in_addr ip1, ip3;
	char path[128];

	tmp_path(path, sizeof(path));
	assert_int_equal(dhcp_lease_file_init(&lf, path, "net1"), 0);
	ip1 = lease(f, mac1, T0);
	lease(f, mac2, T0);
	assert_int_equal(dhcp_lease_file_save(&lf, f->p), 0);
	assert_int_equal(lf.j.full_saves, 1);
	assert_int_equal(lf.j.appends, 0);
	assert_int_equal(count_str(path, " bound "), 2);

	/* one batch: a release and a new lease, appended in one write */
	release(f, mac1, ip1, T0 + 1, &res);
	assert_true(res.dirty);
	ip3 = lease(f, mac3, T0 + 1);
	assert_int_equal(dhcp_lease_file_save(&lf, f->p), 0);
	assert_int_equal(lf.j.full_saves, 1);
	assert_int_equal(lf.j.appends, 1);
	assert_int_equal(lf.j.journal_lines, 2);
	assert_int_equal(count_str(path, " bound "), 3);
	assert_int_equal(count_str(path, " released "), 1);

	/* a quarantine that ends leaves no record: a free line says so */
	decline(f, mac3, ip3, T0 + 2, &res);
	assert_true(res.dirty);
	assert_int_equal(dhcp_lease_file_save(&lf, f->p), 0);
	assert_int_equal(count_str(path, " declined "), 1);
	assert_true(dhcp_pool_expire(f->p, T0 + 2 + DHCP_DEFAULT_QUARANTINE + 1));
	assert_int_equal(dhcp_lease_file_save(&lf, f->p), 0);
	assert_int_equal(lf.j.full_saves, 1);
	assert_int_equal(lf.j.appends, 3);
	assert_int_equal(count_str(path, " free "), 1);
	/* (that sweep also ended mac2's lease: released) and mac3 comes back */
	lease(f, mac3, T0 + 700);
	assert_int_equal(dhcp_lease_file_save(&lf, f->p), 0);
	assert_int_equal(lf.j.appends, 4);

	/* the reload sees the last record of each address and MAC only */
	g.p = dhcp_pool_new(&c, on_event, &g.ev);
	assert_non_null(g.p);
	assert_int_equal(dhcp_lease_file_init(&lg, path, "net1"), 0);
	assert_int_equal(dhcp_lease_file_load(&lg, g.p, T0 + 701), 0);
	assert_int_equal(dhcp_pool_counters(g.p)->store_bad_lines, 0);
	assert_int_equal(dhcp_pool_persist_count(g.p), dhcp_pool_persist_count(f->p));
	assert_int_equal(dhcp_pool_active(g.p), 1); /* mac3; mac1 and mac2 released */
	assert_int_equal(g.ev.n_bound, 1);
	/* after a load the first save writes the whole table again */
	assert_int_equal(dhcp_lease_file_save(&lg, g.p), 0);
	assert_int_equal(lg.j.full_saves, 1);
	assert_int_equal(count_str(path, " free "), 0);
	assert_int_equal(count_str(path, " bound "), 1);
	dhcp_pool_free(g.p);
	unlink(path);
}

/* The journal is replaced by a full save once it is DHCP_JOURNAL_MIN lines
 * long (the table here is smaller), so the file stays bounded. */
static void test_journal_compacts(void **state)
{
	struct fix *f = *state;
	struct dhcp_lease_file lf;
	struct dhcp_result res;
	char path[128], ip[INET_ADDRSTRLEN];
	struct in_addr a;

	/* tmpfs: thousands of fdatasyncs cost nothing there */
	snprintf(path, sizeof(path), "/dev/shm/test_dhcp_lease_file.%d", (int)getpid());
	assert_int_equal(dhcp_lease_file_init(&lf, path, "net1"), 0);
	a = lease(f, mac1, T0);
	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	assert_int_equal(dhcp_lease_file_save(&lf, f->p), 0);
	for (int i = 1; i <= DHCP_JOURNAL_MIN; i++) { /* renewals: one line each */
		request_ci(f, mac1, ip, 1, T0 + i, &res);
		assert_true(res.dirty);
		assert_int_equal(dhcp_lease_file_save(&lf, f->p), 0);
	}
	assert_int_equal(lf.j.full_saves, 1);
	assert_int_equal(lf.j.journal_lines, DHCP_JOURNAL_MIN);
	request_ci(f, mac1, ip, 1, T0 + DHCP_JOURNAL_MIN + 1, &res);
	assert_int_equal(dhcp_lease_file_save(&lf, f->p), 0);
	assert_int_equal(lf.j.full_saves, 2);
	assert_int_equal(lf.j.journal_lines, 0);
	assert_int_equal(count_str(path, " bound "), 1);
	unlink(path);
}

/* A file that exists but cannot be read is an error: starting on would
 * overwrite it. */
static void test_unreadable(void **state)
{
	struct fix *f = *state;
	struct dhcp_lease_file lf;
	char path[128];

	tmp_path(path, sizeof(path));
	assert_int_equal(mkdir(path, 0700), 0); /* a directory: EISDIR */
	assert_int_equal(dhcp_lease_file_init(&lf, path, "net1"), 0);
	assert_int_equal(dhcp_lease_file_load(&lf, f->p, T0), -EISDIR);
	rmdir(path);
}

/* A failed save is counted and marked for a retry, which is due only after
 * DHCP_LEASE_RETRY_SECS; the next good save clears it. */
static void test_failing_save(void **state)
{
	struct fix *f = *state;
	struct dhcp_lease_file lf;
	char dir[128], path[160];
	int64_t now;

	tmp_path(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/net1.leases", dir);
	assert_int_equal(dhcp_lease_file_init(&lf, path, "net1"), 0);
	lease(f, mac1, T0);
	now = time(NULL);
	assert_int_equal(dhcp_lease_file_save(&lf, f->p), -ENOENT); /* no directory yet */
	assert_int_equal(dhcp_lease_file_save(&lf, f->p), -ENOENT);
	assert_int_equal(dhcp_pool_counters(f->p)->store_errors, 2);
	assert_true(lf.unsaved);
	assert_false(dhcp_lease_file_retry_due(&lf, now));
	assert_true(dhcp_lease_file_retry_due(&lf, now + DHCP_LEASE_RETRY_SECS + 1));
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(dhcp_lease_file_save(&lf, f->p), 0);
	assert_false(lf.unsaved);
	assert_false(dhcp_lease_file_retry_due(&lf, now + 3600));
	assert_int_equal(access(path, R_OK), 0);
	unlink(path);
	rmdir(dir);
}

/* Sync fd through sy as the service does: 0 or the sync's -errno. */
static int sync_now(struct fdsync *sy, const struct dhcp_lease_file *lf, int fd)
{
	struct pollfd pf = { .fd = sy->efd, .events = POLLIN };
	int err = 1, r;

	r = dhcp_lease_file_sync_full(lf) ? fdsync_start_full(sy, fd, &err) :
					     fdsync_start(sy, fd, &err);
	if (r == 1) { /* in flight, then completed on the eventfd */
		assert_int_equal(fdsync_start(sy, fd, &err), -EBUSY);
		assert_int_equal(poll(&pf, 1, 10000), 1);
		assert_int_equal(fdsync_done(sy, &err), 1);
	}
	return err;
}

/* The save in steps (vnetd's DHCP service, issue 21.3): a full save is the
 * temp file, synced, renamed, the directory synced; the journal is written
 * at once and synced while the next change is made; a failed sync is
 * counted and the next save is full; a failed temp file's sync leaves the
 * old file and no temp file. */
static void test_write_then_sync(void **state)
{
	struct fix *f = *state;
	struct dhcp_lease_file lf;
	struct dhcp_result res;
	struct fdsync sy;
	struct in_addr ip1;
	char path[128], tmp[160];
	int fd;

	tmp_path(path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	assert_int_equal(dhcp_lease_file_init(&lf, path, "net1"), 0);
	assert_int_equal(fdsync_init(&sy), 0);
	ip1 = lease(f, mac1, T0);
	assert_int_equal(dhcp_lease_file_write(&lf, f->p, &fd), 1); /* the first: a full save */
	assert_true(dhcp_lease_file_sync_full(&lf));
	assert_int_equal(access(tmp, F_OK), 0);
	assert_int_not_equal(access(path, F_OK), 0); /* not renamed before its sync */
	assert_int_equal(dhcp_lease_file_synced(&lf, f->p, fd, sync_now(&sy, &lf, fd), &fd), 1);
	assert_int_equal(access(path, F_OK), 0); /* renamed; now the directory */
	assert_int_equal(lf.j.full_saves, 0);
	assert_int_equal(dhcp_lease_file_synced(&lf, f->p, fd, sync_now(&sy, &lf, fd), &fd), 0);
	assert_int_equal(fd, -1);
	assert_int_equal(lf.j.full_saves, 1);

	lease(f, mac2, T0);
	assert_int_equal(dhcp_lease_file_write(&lf, f->p, &fd), 1); /* appended, not synced */
	assert_false(dhcp_lease_file_sync_full(&lf));
	assert_int_equal(count_str(path, " bound "), 2);
	release(f, mac1, ip1, T0 + 1, &res); /* the next batch, meanwhile */
	assert_true(dhcp_pool_journal_len(f->p) >= 1);
	assert_int_equal(dhcp_lease_file_synced(&lf, f->p, fd, sync_now(&sy, &lf, fd), &fd), 0);
	assert_int_equal(lf.j.appends, 1);

	/* the release, then a sync that failed: counted, the next save is full */
	assert_int_equal(dhcp_lease_file_write(&lf, f->p, &fd), 1);
	assert_int_equal(count_str(path, " released "), 1);
	assert_int_equal(dhcp_lease_file_synced(&lf, f->p, fd, -EIO, &fd), -EIO);
	assert_true(lf.unsaved);
	assert_int_equal(dhcp_pool_counters(f->p)->store_errors, 1);
	assert_int_equal(dhcp_lease_file_write(&lf, f->p, &fd), 1);
	assert_true(dhcp_lease_file_sync_full(&lf));
	/* its temp file's sync fails too: the old file stays, no temp file */
	assert_int_equal(dhcp_lease_file_synced(&lf, f->p, fd, -EIO, &fd), -EIO);
	assert_int_not_equal(access(tmp, F_OK), 0);
	assert_int_equal(count_str(path, " bound "), 2);
	assert_int_equal(dhcp_pool_counters(f->p)->store_errors, 2);
	/* and the retry replaces the file */
	assert_int_equal(dhcp_lease_file_save(&lf, f->p), 0);
	assert_int_equal(lf.j.full_saves, 2);
	assert_false(lf.unsaved);
	assert_int_equal(count_str(path, " released "), 1);
	assert_int_equal(count_str(path, " bound "), 1);
	assert_int_equal(fdsync_wait(&sy), 0); /* none in flight */
	fdsync_free(&sy);
	unlink(path);
}

static void test_path_too_long(void **state)
{
	struct dhcp_lease_file lf;
	char *p = malloc(5000);

	memset(p, 'a', 4999);
	p[4999] = 0;
	assert_int_equal(dhcp_lease_file_init(&lf, p, "net1"), -ENAMETOOLONG);
	free(p);
}

static int64_t key(struct json_object *o, const char *k)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, k, &v));
	return json_object_get_int64(v);
}

/* The documented keys (docs/dhcp.md), in both modes, and nothing else. */
static void test_counters_json(void **state)
{
	static const char *const keys[] = {
		"rx_discover", "rx_request", "rx_decline", "rx_release", "rx_inform",
		"tx_offer", "tx_ack", "tx_nak", "pool_exhausted", "declines", "bad_packets",
		"ignored", "release_ignored", "wrong_port", "port_limit", "unknown_port",
		"store_errors", "store_bad_lines", "active_leases",
	};
	struct fix *f = *state;
	struct json_object *o;

	lease(f, mac1, T0);
	dhcp_pool_counters(f->p)->tx[DHCPACK]++; /* the service counts what it sends */
	o = dhcp_counters_json(f->p);
	assert_int_equal(json_object_object_length(o), sizeof(keys) / sizeof(keys[0]));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		key(o, keys[i]);
	assert_int_equal(key(o, "rx_discover"), 1);
	assert_int_equal(key(o, "rx_request"), 1);
	assert_int_equal(key(o, "tx_ack"), 1);
	assert_int_equal(key(o, "active_leases"), 1);
	json_object_put(o);
	o = dhcp_counters_json(NULL);
	assert_int_equal(json_object_object_length(o), 0);
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_save_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_compacts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_then_sync, setup, teardown),
		cmocka_unit_test(test_path_too_long),
		cmocka_unit_test_setup_teardown(test_counters_json, setup, teardown),
	};

	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
