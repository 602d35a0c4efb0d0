/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command suggestions: optimal string alignment distance over short words. */
#include "suggest.h"

#include <string.h>

#define WORD_MAX 64

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

size_t suggest_distance(const char *a, const char *b)
{
	size_t la = strnlen(a, WORD_MAX), lb = strnlen(b, WORD_MAX);
	size_t d[WORD_MAX + 1][WORD_MAX + 1];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1; /* "nte-list" */
		}
	}
	return d[la][lb];
}

/* The action a command name ends with ("forward-del": "del"): +1 adds or
 * starts something, -1 removes or stops it, 0 neither. */
static int action_sign(const char *w)
{
	static const char *const add[] = { "add", "create", "define", "start", "share", "new",
					   "insert", "set", "enable", NULL };
	static const char *const del[] = { "del", "delete", "remove", "rm", "destroy", "stop",
					   "undefine", "unshare", "kill", "unset", "disable", NULL };
	const char *a = strrchr(w, '-') ? strrchr(w, '-') + 1 : w;

	for (size_t i = 0; add[i]; i++)
		if (!strcmp(a, add[i]))
			return 1;
	for (size_t i = 0; del[i]; i++)
		if (!strcmp(a, del[i]))
			return -1;
	return 0;
}

bool suggest_opposite(const char *a, const char *b)
{
	return action_sign(a) * action_sign(b) < 0;
}

/* virsh's names and usual synonyms of vnet's commands */
static const char *const aliases[][2] = {
	{ "net-port-list", "port-list" },    { "net-port-create", "port-add" },
	{ "net-port-delete", "port-del" },   { "net-port-dumpxml", "port-list" },
	{ "domif-list", "port-list" },	     { "attach-interface", "port-add" },
	{ "detach-interface", "port-del" },  { "net-stats", "stats" },
	{ "host-delete", "host-del" },	     { "host-remove", "host-del" },
	{ "port-delete", "port-del" },	     { "port-remove", "port-del" },
	{ "forward-delete", "forward-del" }, { "forward-remove", "forward-del" },
	{ "forward-rm", "forward-del" },     { "port-rm", "port-del" },
	{ "host-rm", "host-del" },	     { "net-leases", "net-dhcp-leases" },
	{ "dhcp-leases", "net-dhcp-leases" }, { "net-delete", "net-undefine" },
	{ "net-remove", "net-undefine" },
};

static const char *alias_of(const char *word, const char *const *cands, size_t n)
{
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(word, aliases[i][0]))
			continue;
		for (size_t j = 0; j < n; j++)
			if (!strcmp(cands[j], aliases[i][1]))
				return cands[j];
	}
	return NULL;
}

const char *suggest_closest(const char *word, const char *const *cands, size_t n)
{
	size_t best = (size_t)-1, len = strnlen(word, WORD_MAX);
	size_t limit = len < 6 ? 2 : len / 3 + 1; /* a typo, not another word */
	const char *found = alias_of(word, cands, n);

	if (found)
		return found;
	for (size_t i = 0; i < n; i++) {
		size_t d = suggest_distance(word, cands[i]);

		if (suggest_opposite(word, cands[i]))
			continue; /* never "forward-add" for a removal */
		if (d < best) {
			best = d;
			found = cands[i];
		}
	}
	return best <= limit ? found : NULL;
}

void suggest_report(FILE *f, const char *what, const char *word, const char *const *cands,
		    size_t n)
{
	size_t len = strlen(word), hits = 0;
	const char *best;

	for (size_t i = 0; i < n && len; i++)
		hits += !strncmp(cands[i], word, len);
	if (hits > 1) {
		fprintf(f, "vnetctl: ambiguous %s '%s': could be", what, word);
		for (size_t i = 0; i < n; i++)
			if (!strncmp(cands[i], word, len))
				fprintf(f, " %s", cands[i]);
		fprintf(f, " (see: vnetctl help)\n");
		return;
	}
	best = suggest_closest(word, cands, n);
	if (best)
		fprintf(f, "vnetctl: unknown %s '%s'; did you mean '%s'? (see: vnetctl help)\n", what,
			word, best);
	else
		fprintf(f, "vnetctl: unknown %s '%s' (see: vnetctl help)\n", what, word);
}
