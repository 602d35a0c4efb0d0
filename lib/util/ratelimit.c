/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

int ratelimit_ok(struct ratelimit *r, uint64_t now_ms, uint64_t *held)
{
	if (!r->started) {
		r->started = 1;
		r->tokens = r->burst;
		r->refill_ms = now_ms;
	}
	if (r->interval_ms && now_ms > r->refill_ms) {
		uint64_t add = (now_ms - r->refill_ms) / r->interval_ms;

		if (add >= r->burst - r->tokens) {
			r->tokens = r->burst;
			r->refill_ms = now_ms;
		} else {
			r->tokens += (unsigned)add;
			r->refill_ms += add * r->interval_ms;
		}
	}
	if (!r->tokens) {
		r->suppressed++;
		return 0;
	}
	r->tokens--;
	if (held)
		*held = r->suppressed;
	r->suppressed = 0;
	return 1;
}
