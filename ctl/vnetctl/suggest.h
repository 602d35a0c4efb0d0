/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "Did you mean ...?" for mistyped command names. */
#ifndef VNET_SUGGEST_H
#define VNET_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Edit distance (insert, delete, substitute, swap two neighbours). */
size_t suggest_distance(const char *a, const char *b);

/* Do a and b name opposite actions (add/del, start/stop, ...)? */
bool suggest_opposite(const char *a, const char *b);

/* The candidate closest to word if it is close enough to be a typo, else NULL. */
const char *suggest_closest(const char *word, const char *const *cands, size_t n);

/* One line to f about an unknown or ambiguous word: the prefix matches when
 * it is ambiguous, else the closest candidate, always ending with what to do. */
void suggest_report(FILE *f, const char *what, const char *word, const char *const *cands,
		    size_t n);

#endif
