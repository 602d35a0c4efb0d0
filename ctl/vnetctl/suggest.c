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

const char *suggest_closest(const char *word, const char *const *cands, size_t n)
{
	size_t best = (size_t)-1, len = strnlen(word, WORD_MAX);
	size_t limit = len < 6 ? 2 : len / 3 + 1; /* a typo, not another word */
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t d = suggest_distance(word, cands[i]);

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
