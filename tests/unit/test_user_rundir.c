/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/user_rundir.c: the names vnetctl and vnet-user share
 * for a running user network's files, and removing the directory. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/util.h"

static void test_names(void **state)
{
	struct user_rundir r;
	char *longdir = malloc(USER_RUNDIR_MAX + 1);

	assert_int_equal(user_rundir_init(&r, "/run/user/1000/vnet/default"), 0);
	assert_string_equal(r.dir, "/run/user/1000/vnet/default");
	assert_string_equal(r.def, "/run/user/1000/vnet/default/def.xml");
	assert_string_equal(r.fwds, "/run/user/1000/vnet/default/forwards");
	assert_string_equal(r.sw, "/run/user/1000/vnet/default/switch");
	assert_string_equal(r.sw_ctl, "/run/user/1000/vnet/default/switch/ctl");
	assert_string_equal(r.ctl, "/run/user/1000/vnet/default/ctl.sock");
	assert_string_equal(r.pid, "/run/user/1000/vnet/default/pid");
	assert_string_equal(r.log, "/run/user/1000/vnet/default/log");
	memset(longdir, 'a', USER_RUNDIR_MAX);
	longdir[USER_RUNDIR_MAX] = 0;
	assert_int_equal(user_rundir_init(&r, longdir), -ENAMETOOLONG);
	free(longdir);
}

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fclose(f);
}

/* What a supervisor killed with -9 leaves, and a stray file: all gone. */
static void test_remove(void **state)
{
	struct user_rundir r;
	char dir[64], extra[sizeof(((struct user_rundir *)0)->sw) + 16];
	struct stat st;

	snprintf(dir, sizeof(dir), "/tmp/test_user_rundir.%d", (int)getpid());
	assert_int_equal(user_rundir_init(&r, dir), 0);
	assert_int_equal(mkdir(r.dir, 0700), 0);
	assert_int_equal(mkdir(r.sw, 0700), 0);
	touch(r.sw_ctl);
	touch(r.pid);
	touch(r.log);
	touch(r.def);
	snprintf(extra, sizeof(extra), "%s/.12345-00000", r.sw); /* a plug's socket */
	touch(extra);
	assert_int_equal(user_rundir_remove(&r), 0);
	assert_int_not_equal(lstat(r.dir, &st), 0);
	/* nothing there: nothing to remove */
	assert_int_equal(user_rundir_remove(&r), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
