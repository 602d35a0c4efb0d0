/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sdnotify: datagrams reach a path socket and an abstract one; nothing is
 * sent (and nothing fails) without $NOTIFY_SOCKET; the watchdog honours
 * $WATCHDOG_USEC and $WATCHDOG_PID. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/core.h"

/* A receiving socket bound to name ("@..." for abstract); returns its fd. */
static int listener(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	else
		len++;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, offsetof(struct sockaddr_un, sun_path) + len), 0);
	return fd;
}

static void expect_msg(int fd, const char *want)
{
	char buf[512];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void test_unset_is_noop(void **state)
{
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sdnotify_ready("x"), 0);
	assert_int_equal(sdnotify_send("STATUS=y"), 0);
}

static void test_path_socket(void **state)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/vnet-sdnotify-%d.sock", (int)getpid());
	unlink(path);
	fd = listener(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(sdnotify_ready("/run/vnet/vnetd.sock"), 0);
	expect_msg(fd, "READY=1\nSTATUS=listening on /run/vnet/vnetd.sock");
	close(fd);
	unlink(path);
	/* The supervisor went away: an error, never a crash or a hang. */
	assert_true(sdnotify_send("STATUS=gone") < 0);
	unsetenv("NOTIFY_SOCKET");
}

static void test_abstract_socket(void **state)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "@vnet-sdnotify-test-%d", (int)getpid());
	fd = listener(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(sdnotify_send("STATUS=hello"), 0);
	expect_msg(fd, "STATUS=hello");
	close(fd);
	unsetenv("NOTIFY_SOCKET");
}

static void test_bad_address(void **state)
{
	setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
	assert_true(sdnotify_send("READY=1") < 0);
	unsetenv("NOTIFY_SOCKET");
}

static void test_watchdog(void **state)
{
	char name[64], pid[16];
	int fd;

	snprintf(name, sizeof(name), "@vnet-sdnotify-wd-%d", (int)getpid());
	fd = listener(name);
	setenv("NOTIFY_SOCKET", name, 1);
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	assert_int_equal(sdnotify_watchdog_usec(), 0);
	assert_int_equal(sdnotify_watchdog(), 0);
	assert_true(recv(fd, name, 1, 0) < 0); /* nothing sent */

	setenv("WATCHDOG_USEC", "30000000", 1);
	assert_int_equal(sdnotify_watchdog_usec(), 30000000);
	assert_int_equal(sdnotify_watchdog(), 0);
	expect_msg(fd, "WATCHDOG=1");

	setenv("WATCHDOG_PID", "1", 1); /* meant for another process */
	assert_int_equal(sdnotify_watchdog_usec(), 0);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_watchdog_usec(), 30000000);
	setenv("WATCHDOG_USEC", "garbage", 1);
	assert_int_equal(sdnotify_watchdog_usec(), 0);
	close(fd);
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unset_is_noop), cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket), cmocka_unit_test(test_bad_address),
		cmocka_unit_test(test_watchdog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
