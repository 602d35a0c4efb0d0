// SPDX-License-Identifier: GPL-2.0-or-later
/* The operator's per-port hook choice (port-add --hook) as text: parsed
 * from requests and the running state, printed by port-list. Apart from
 * dp_attach.c so the control-socket code (and its fuzz target) need no
 * BPF library. */
#include <errno.h>
#include <string.h>

#include "dp.h"

static const char *const choice_names[] = {
	[DP_HOOK_AUTO] = "auto", [DP_HOOK_TC] = "tc", [DP_HOOK_XDP] = "xdp",
};

int dp_hook_choice_parse(const char *s)
{
	for (int i = 0; s && i < (int)(sizeof(choice_names) / sizeof(choice_names[0])); i++)
		if (!strcmp(s, choice_names[i]))
			return i;
	return -EINVAL;
}

const char *dp_hook_choice_name(int choice)
{
	return choice > DP_HOOK_AUTO && choice <= DP_HOOK_XDP ? choice_names[choice] : "auto";
}

static const char *const policy_names[] = {
	[DP_POLICY_TC] = "tc", [DP_POLICY_XDP] = "xdp", [DP_POLICY_XDP_VETH] = "xdp-veth",
	[DP_POLICY_XDP_FORCE] = "xdp-force",
};

int dp_hook_policy_parse(const char *s, enum dp_hook_policy *ret)
{
	for (int i = 0; s && i < (int)(sizeof(policy_names) / sizeof(policy_names[0])); i++)
		if (!strcmp(s, policy_names[i]))
			return *ret = (enum dp_hook_policy)i, 0;
	return -EINVAL;
}

static const char *const uplink_xdp_names[] = {
	[DP_UPXDP_AUTO] = "auto", [DP_UPXDP_ON] = "on", [DP_UPXDP_OFF] = "off",
};

int dp_uplink_xdp_parse(const char *s, enum dp_uplink_xdp *ret)
{
	for (int i = 0; s && i < (int)(sizeof(uplink_xdp_names) / sizeof(uplink_xdp_names[0])); i++)
		if (!strcmp(s, uplink_xdp_names[i]))
			return *ret = (enum dp_uplink_xdp)i, 0;
	return -EINVAL;
}

int dp_tc_link_parse(const char *s, enum dp_tc_link *ret)
{
	if (s && !strcmp(s, "auto"))
		return *ret = DP_TC_LINK_AUTO, 0;
	if (s && !strcmp(s, "clsact"))
		return *ret = DP_TC_LINK_CLSACT, 0;
	return -EINVAL;
}
