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
