/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Faults and speed-ups the system tests inject. They exist only in
 * build/vnetd-test (test_hooks.c compiled with -DVNET_TEST_HOOKS): in the
 * shipped vnetd test_hook() is always NULL and the hooks' environment
 * variable names are not even in the binary. */
#ifndef VNET_TEST_HOOKS_H
#define VNET_TEST_HOOKS_H

/* X(id, environment variable, what it does) */
#define TEST_HOOK_LIST(X)                                                                       \
	X(SHARE_FAIL, "VNET_TEST_SHARE_FAIL", "make share step STEP fail (rollback)")           \
	X(SHARE_CRASH, "VNET_TEST_SHARE_CRASH", "exit just before share step STEP (recovery)")  \
	X(CT_TIMEOUT_DIV, "VNET_CT_TIMEOUT_DIV", "divide every conntrack timeout by N")         \
	X(CHILD_CRASH, "VNET_TEST_CHILD_CRASH", "a DHCP datagram holding this text aborts the service child")

enum test_hook {
#define X(id, env, what) TEST_HOOK_##id,
	TEST_HOOK_LIST(X)
#undef X
	TEST_HOOK_MAX
};

/* The hook's value (its environment variable in a test build), or NULL. */
const char *test_hook(enum test_hook h);

#endif
