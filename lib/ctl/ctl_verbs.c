// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl.h"

#include <string.h>

const struct ctl_verb ctl_verbs[CTL_VERB_MAX] = {
#define X(id_, name_, min_, max_, usage_, opts_, help_)                                          \
	[CTL_VERB_##id_] = { .id = CTL_VERB_##id_, .name = name_, .min_args = min_,              \
			     .max_args = max_, .usage = usage_, .options = opts_, .help = help_ },
	VNET_VERBS(X)
#undef X
};

const struct ctl_verb *ctl_verb_by_name(const char *name)
{
	for (int i = 0; name && i < CTL_VERB_MAX; i++)
		if (!strcmp(ctl_verbs[i].name, name))
			return &ctl_verbs[i];
	return NULL;
}

static bool flag(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

/* a pair of opposite flags: neither or both given means either */
static bool pair_ok(struct json_object *n, const char *key, struct json_object *opts,
		    const char *yes, const char *no)
{
	bool y = flag(opts, yes), f = flag(opts, no);

	return y == f || flag(n, key) == y;
}

bool ctl_net_list_match(struct json_object *n, struct json_object *opts)
{
	bool active = flag(n, "active");

	if (flag(opts, "inactive") && !flag(opts, "all") && active)
		return false;
	if (!flag(opts, "inactive") && !flag(opts, "all") && !active)
		return false;
	return pair_ok(n, "persistent", opts, "persistent", "transient") &&
	       pair_ok(n, "autostart", opts, "autostart", "no-autostart");
}

bool ctl_verb_has_option(const struct ctl_verb *v, const char *opt, bool *value)
{
	size_t n = strlen(opt);

	for (const char *s = v->options; *s;) {
		size_t w = strcspn(s, " ");
		bool val = w && s[w - 1] == '=';

		if (n && w - val == n && !strncmp(s, opt, n)) {
			if (value)
				*value = val;
			return true;
		}
		s += w;
		s += strspn(s, " ");
	}
	return false;
}
