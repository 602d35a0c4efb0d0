/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for lib/netdef_file.c: reading a definition file, and the
 * errors each caller tells apart (missing, unreadable, not a definition). */
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

#include "netdef/netdef.h"

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_load(void **state)
{
	char path[64], err[512] = "";
	struct netdef *d = NULL;

	snprintf(path, sizeof(path), "/tmp/test_netdef_file.%d.xml", (int)getpid());
	put(path, "<network><name>lab</name><ip address='10.70.0.1' prefix='24'>"
		  "<dhcp><range start='10.70.0.100' end='10.70.0.110'/></dhcp></ip></network>");
	assert_int_equal(netdef_load_file(path, &d, err, sizeof(err)), 0);
	assert_non_null(d);
	assert_string_equal(d->name, "lab");
	assert_int_equal(d->prefix, 24);
	free(d);

	put(path, "<network><name>lab</name><vlan/></network>");
	assert_int_equal(netdef_load_file(path, &d, err, sizeof(err)), -EINVAL);
	assert_null(d);
	assert_non_null(strstr(err, "<vlan> is not supported"));
	unlink(path);

	assert_int_equal(netdef_load_file(path, &d, err, sizeof(err)), -ENOENT);
	assert_null(d);
	assert_non_null(strstr(err, "cannot read"));
	assert_non_null(strstr(err, path));
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(netdef_load_file(path, &d, err, sizeof(err)), -EISDIR);
	rmdir(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
