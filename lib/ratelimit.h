/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A token bucket for log lines a guest can cause (issue 16.6): a burst at
 * once, then one line per interval. What it holds back is counted, and the
 * count is handed to the caller with the next line it lets through. Pure:
 * the time is passed in. */
#ifndef VNET_RATELIMIT_H
#define VNET_RATELIMIT_H

#include <stdint.h>

struct ratelimit {
	unsigned burst, interval_ms;
	unsigned tokens;
	uint64_t refill_ms;  /* when the last token was added */
	uint64_t suppressed; /* held back since the last line let through */
	int started;
};

#define RATELIMIT_INIT(b, ms) { .burst = (b), .interval_ms = (ms) }

/* 1: log now, and *held (if not NULL) is how many lines were held back
 * since the previous one; 0: hold this one back (counted). */
int ratelimit_ok(struct ratelimit *r, uint64_t now_ms, uint64_t *held);

#endif
