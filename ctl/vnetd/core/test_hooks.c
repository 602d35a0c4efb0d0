// SPDX-License-Identifier: GPL-2.0-or-later
/* Built twice (Makefile): into vnetd without VNET_TEST_HOOKS, into
 * vnetd-test with it. */
#include "core.h"

#include <stdlib.h>

#ifdef VNET_TEST_HOOKS
static const char *const env_of[TEST_HOOK_MAX] = {
#define X(id, env, what) [TEST_HOOK_##id] = env,
	TEST_HOOK_LIST(X)
#undef X
};

const char *test_hook(enum test_hook h)
{
	return h < TEST_HOOK_MAX ? getenv(env_of[h]) : NULL;
}
#else
const char *test_hook(enum test_hook h)
{
	(void)h;
	return NULL;
}
#endif
