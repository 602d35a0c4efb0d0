/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/lease_store.c: line format, corruption handling,
 * atomic save. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "lease/lease.h"

struct collect {
	struct lease_rec r[32];
	int n;
	int fail_at; /* return -EIO at this index, -1 never */
};

static int collect_cb(void *ctx, const struct lease_rec *r)
{
	struct collect *c = ctx;

	if (c->n == c->fail_at)
		return -EIO;
	if (c->n < 32)
		c->r[c->n] = *r;
	c->n++;
	return 0;
}

static struct lease_rec rec(const char *ip, int last, int64_t exp, enum lease_state st,
			    const char *name)
{
	struct lease_rec r;

	memset(&r, 0, sizeof(r));
	r.mac[0] = 0x52;
	r.mac[1] = 0x54;
	r.mac[5] = (uint8_t)last;
	inet_pton(AF_INET, ip, &r.ip);
	r.expires = exp;
	r.state = st;
	strcpy(r.hostname, name);
	return r;
}

static void test_line_roundtrip(void **state)
{
	struct lease_rec a = rec("10.0.0.5", 0xab, 1764060000, LEASE_BOUND, "guest-1"), b;
	char line[LEASE_LINE_MAX];
	int n = lease_store_format_line(&a, line, sizeof(line));

	assert_true(n > 0);
	assert_string_equal(line, "52:54:00:00:00:ab 10.0.0.5 1764060000 bound guest-1\n");
	assert_int_equal(lease_store_parse_line(line, (size_t)n - 1, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	a = rec("10.0.0.6", 1, 5, LEASE_RELEASED, "");
	n = lease_store_format_line(&a, line, sizeof(line));
	assert_string_equal(line, "52:54:00:00:00:01 10.0.0.6 5 released -\n");
	assert_int_equal(lease_store_parse_line(line, (size_t)n - 1, &b), 0);
	assert_string_equal(b.hostname, "");
	assert_int_equal(b.state, LEASE_RELEASED);
	assert_int_equal(lease_store_format_line(&a, line, 10), -ENOSPC);
	a.state = 9;
	assert_int_equal(lease_store_format_line(&a, line, sizeof(line)), -EINVAL);
}

/* The formatter writes exactly the "%02x:..:%02x %s %lld %s %s\n" line
 * (issue 21.3 replaced snprintf by a hand-written one): extreme fields, and
 * the buffer size at which it stops fitting. */
static void test_line_format_edges(void **state)
{
	static const struct {
		const char *ip, *name, *want;
		int last;
		int64_t exp;
		enum lease_state st;
	} c[] = {
		{ "0.0.0.0", "", "52:54:00:00:00:00 0.0.0.0 0 bound -\n", 0, 0, LEASE_BOUND },
		{ "255.255.255.255", "h", "52:54:00:00:00:ff 255.255.255.255 "
		  "9223372036854775807 declined h\n", 0xff, INT64_MAX, LEASE_DECLINED },
		{ "10.100.200.7", "a-b.c", "52:54:00:00:00:0a 10.100.200.7 10 free a-b.c\n", 0x0a,
		  10, LEASE_FREE },
		{ "1.20.3.40", "x", "52:54:00:00:00:9f 1.20.3.40 1796295926 released x\n", 0x9f,
		  1796295926, LEASE_RELEASED },
	};
	char line[LEASE_LINE_MAX], name[LEASE_HOSTNAME_MAX], want[LEASE_LINE_MAX];
	struct lease_rec r;
	int n;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		r = rec(c[i].ip, c[i].last, c[i].exp, c[i].st, c[i].name);
		n = lease_store_format_line(&r, line, sizeof(line));
		assert_string_equal(line, c[i].want);
		assert_int_equal(n, (int)strlen(c[i].want));
		/* room for the line and its NUL, not one byte less */
		assert_int_equal(lease_store_format_line(&r, line, (size_t)n + 1), n);
		assert_string_equal(line, c[i].want);
		assert_int_equal(lease_store_format_line(&r, line, (size_t)n), -ENOSPC);
	}
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	r = rec("10.0.0.1", 1, 99, LEASE_BOUND, name);
	snprintf(want, sizeof(want), "52:54:00:00:00:01 10.0.0.1 99 bound %s\n", name);
	assert_int_equal(lease_store_format_line(&r, line, sizeof(line)), (int)strlen(want));
	assert_string_equal(line, want);
	r.expires = -1;
	assert_int_equal(lease_store_format_line(&r, line, sizeof(line)), -EINVAL);
}

static void test_line_rejects(void **state)
{
	static const char *const bad[] = {
		"52:54:00:00:00:ab 10.0.0.5 100 bound",		  /* missing field */
		"52:54:00:00:00:ab 10.0.0.5 100 bound x y",	  /* extra field */
		"52:54:00:00:00:zz 10.0.0.5 100 bound x",	  /* bad hex */
		"52:54:00:00:00 10.0.0.5 100 bound x",		  /* short MAC */
		"52-54-00-00-00-ab 10.0.0.5 100 bound x",	  /* separator */
		"52:54:00:00:00:ab 10.0.0.500 100 bound x",	  /* bad IP */
		"52:54:00:00:00:ab 10.0.0.5 -100 bound x",	  /* negative */
		"52:54:00:00:00:ab 10.0.0.5 1e9 bound x",	  /* not digits */
		"52:54:00:00:00:ab 10.0.0.5 9999999999999999999 bound x", /* overflow */
		"52:54:00:00:00:ab 10.0.0.5 100 leased x",	  /* state */
		"52:54:00:00:00:ab 10.0.0.5 100 bound bad;name",  /* hostname charset */
		"52:54:00:00:00:ab 10.0.0.5 100 bound -leading",  /* hostname start */
		"",
	};
	struct lease_rec r;
	char longline[400];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(lease_store_parse_line(bad[i], strlen(bad[i]), &r), -EINVAL);
	memset(longline, 'a', sizeof(longline));
	assert_int_equal(lease_store_parse_line(longline, sizeof(longline), &r), -EINVAL);
	assert_int_equal(lease_store_parse_line("52:54:00:00:00:ab\0 10.0.0.5 1 bound x", 37, &r),
			 -EINVAL);
}

static void test_buf_corruption(void **state)
{
	const char buf[] = "# header\n"
			   "52:54:00:00:00:01 10.0.0.1 100 bound a\n"
			   "\n"
			   "garbage line\n"
			   "52:54:00:00:00:02 10.0.0.2 200 released -\n"
			   "\x01\x02\xff\n"
			   "52:54:00:00:00:03 10.0.0.3 300 declined -\n"
			   "52:54:00:00:00:04 10.0.0.4 400 bou"; /* truncated */
	struct collect c = { .fail_at = -1 };
	struct lease_store_stats st;

	assert_int_equal(lease_store_parse_buf(buf, sizeof(buf) - 1, collect_cb, &c, &st), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(st.loaded, 3);
	assert_int_equal(st.bad, 3);
	assert_int_equal(st.first_bad_line, 4);
	assert_int_equal(c.r[2].state, LEASE_DECLINED);
	assert_int_equal(c.r[1].expires, 200);
	/* A truncated final line that happens to parse is still not trusted. */
	memset(&c, 0, sizeof(c));
	c.fail_at = -1;
	assert_int_equal(lease_store_parse_buf("52:54:00:00:00:04 10.0.0.4 400 bound ab", 39,
					       collect_cb, &c, &st), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(st.bad, 1);
	/* The callback can stop the load. */
	memset(&c, 0, sizeof(c));
	c.fail_at = 1;
	assert_int_equal(lease_store_parse_buf(buf, sizeof(buf) - 1, collect_cb, &c, &st), -EIO);
}

static char dir[64];

static int mkdir_setup(void **state)
{
	strcpy(dir, "/tmp/test_lease_store.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int rmdir_teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_save_load(void **state)
{
	struct lease_rec recs[3] = {
		rec("10.0.0.1", 1, 100, LEASE_BOUND, "one"),
		rec("10.0.0.2", 2, 200, LEASE_RELEASED, ""),
		rec("10.0.0.3", 3, 300, LEASE_DECLINED, ""),
	};
	struct collect c = { .fail_at = -1 };
	struct lease_store_stats st;
	char path[128], tmp[140];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/leases", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	/* Missing file: empty store. */
	assert_int_equal(lease_store_load(path, collect_cb, &c, &st), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(lease_store_save(path, recs, 3), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);
	assert_int_not_equal(access(tmp, F_OK), 0); /* no temp left behind */
	assert_int_equal(lease_store_load(path, collect_cb, &c, &st), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(st.bad, 0);
	assert_memory_equal(&c.r[0], &recs[0], sizeof(recs[0]));
	assert_memory_equal(&c.r[2], &recs[2], sizeof(recs[2]));
	/* Overwrite with fewer records: the file is entirely new. */
	assert_int_equal(lease_store_save(path, recs + 1, 1), 0);
	memset(&c, 0, sizeof(c));
	c.fail_at = -1;
	assert_int_equal(lease_store_load(path, collect_cb, &c, &st), 0);
	assert_int_equal(c.n, 1);
	assert_memory_equal(&c.r[0], &recs[1], sizeof(recs[1]));
}

static void test_save_failure_keeps_old(void **state)
{
	struct lease_rec r = rec("10.0.0.1", 1, 100, LEASE_BOUND, "one");
	struct collect c = { .fail_at = -1 };
	struct lease_store_stats st;
	char path[128], tmp[140];

	snprintf(path, sizeof(path), "%s/leases", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	assert_int_equal(lease_store_save(path, &r, 1), 0);
	/* The temp name is a directory: the write fails, the old file stays. */
	assert_int_equal(mkdir(tmp, 0700), 0);
	r.expires = 999;
	assert_true(lease_store_save(path, &r, 1) < 0);
	assert_int_equal(rmdir(tmp), 0);
	assert_int_equal(lease_store_load(path, collect_cb, &c, &st), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.r[0].expires, 100);
	/* A missing directory is an error, not a crash. */
	assert_true(lease_store_save("/nonexistent-vnet-dir/leases", &r, 1) < 0);
}

static void test_load_corrupt_file(void **state)
{
	const char data[] = "52:54:00:00:00:01 10.0.0.1 100 bound a\n"
			    "52:54:00:00:00:02 10.0.0.2 2\n"
			    "52:54:00:00:00:03 10.0.0.3 300 bound c\n"
			    "52:54:00:00";
	struct collect c = { .fail_at = -1 };
	struct lease_store_stats st;
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/corrupt", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite(data, 1, sizeof(data) - 1, f);
	fclose(f);
	assert_int_equal(lease_store_load(path, collect_cb, &c, &st), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(st.bad, 2);
	assert_int_equal(st.first_bad_line, 2);
	assert_string_equal(c.r[1].hostname, "c");
	/* A directory where the file should be: an error code. */
	assert_true(lease_store_load(dir, collect_cb, &c, &st) < 0);
}

/* The journal: appended lines win over earlier ones for the same address
 * or MAC, a "free" line forgets its address, a torn last append is skipped. */
static void test_append_journal(void **state)
{
	struct lease_rec base[3] = {
		rec("10.0.0.1", 1, 100, LEASE_BOUND, "one"),
		rec("10.0.0.2", 2, 200, LEASE_BOUND, "two"),
		rec("10.0.0.3", 3, 300, LEASE_BOUND, "three"),
	};
	struct lease_rec j[3] = {
		rec("10.0.0.1", 1, 150, LEASE_BOUND, "one"),	/* renewed */
		rec("10.0.0.4", 2, 400, LEASE_BOUND, "two"),	/* mac 2 moved */
		rec("10.0.0.3", 0, 0, LEASE_FREE, ""),		/* gone */
	};
	struct collect c = { .fail_at = -1 };
	struct lease_store_stats st;
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/journal", dir);
	assert_true(lease_store_append(path, j, 1) < 0); /* no file: save first */
	assert_int_equal(lease_store_save(path, base, 3), 0);
	assert_int_equal(lease_store_append(path, j, 3), 0);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("52:54:00:00:00:01 10.0.0.1 9", f); /* a torn append */
	fclose(f);
	assert_int_equal(lease_store_load(path, collect_cb, &c, &st), 0);
	assert_int_equal(st.bad, 1);
	assert_int_equal(c.n, 2);
	assert_int_equal(st.loaded, 2);
	assert_memory_equal(&c.r[0], &j[0], sizeof(j[0]));
	assert_memory_equal(&c.r[1], &j[1], sizeof(j[1]));
}

static void test_hostname_valid(void **state)
{
	char n64[65];

	assert_true(lease_hostname_valid("a", 1));
	assert_true(lease_hostname_valid("web-1.example_x", 15));
	assert_false(lease_hostname_valid("", 0));
	assert_false(lease_hostname_valid(".x", 2));
	assert_false(lease_hostname_valid("a b", 3));
	assert_false(lease_hostname_valid("a\0b", 3));
	memset(n64, 'a', sizeof(n64));
	assert_true(lease_hostname_valid(n64, 63));
	assert_false(lease_hostname_valid(n64, 64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_roundtrip),
		cmocka_unit_test(test_line_format_edges),
		cmocka_unit_test(test_line_rejects),
		cmocka_unit_test(test_buf_corruption),
		cmocka_unit_test(test_hostname_valid),
		cmocka_unit_test_setup_teardown(test_save_load, mkdir_setup, rmdir_teardown),
		cmocka_unit_test_setup_teardown(test_save_failure_keeps_old, mkdir_setup,
						rmdir_teardown),
		cmocka_unit_test_setup_teardown(test_load_corrupt_file, mkdir_setup, rmdir_teardown),
		cmocka_unit_test_setup_teardown(test_append_journal, mkdir_setup, rmdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
