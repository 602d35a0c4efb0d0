/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/pidfile.c: a pid file counts only while it names a
 * live process of the expected name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/util.h"

static char path[64];

static void put(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_read(void **state)
{
	snprintf(path, sizeof(path), "/tmp/test_pidfile.%d", (int)getpid());
	unlink(path);
	assert_int_equal(pidfile_read(path), 0); /* missing */
	put("1234\n");
	assert_int_equal(pidfile_read(path), 1234);
	put("");
	assert_int_equal(pidfile_read(path), 0);
	put("-5\n");
	assert_int_equal(pidfile_read(path), 0);
	put("vnet\n");
	assert_int_equal(pidfile_read(path), 0);
	put("99999999999\n"); /* does not fit a pid_t */
	assert_int_equal(pidfile_read(path), 0);
	unlink(path);
}

static void test_running(void **state)
{
	char self[32];
	pid_t child;

	snprintf(path, sizeof(path), "/tmp/test_pidfile.%d", (int)getpid());
	snprintf(self, sizeof(self), "%d\n", (int)getpid());
	put(self);
	/* this binary's comm is "test_pidfile" */
	assert_int_equal(pidfile_running(path, "test_pid"), getpid());
	assert_int_equal(pidfile_running(path, "vnet-user"), 0);
	/* a process that is gone */
	child = fork();
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	snprintf(self, sizeof(self), "%d\n", (int)child);
	put(self);
	assert_int_equal(pidfile_running(path, "test_pid"), 0);
	unlink(path);
	assert_int_equal(pidfile_running(path, "test_pid"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_running),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
