/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: a frame from a user-mode guest (vnet-user reads every
 * frame the switch hands it) through the Ethernet/IPv4/UDP parser, and a
 * rebuilt copy of what it found that must parse back to the same view. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.c"

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[FRAME_MAX + 100];
	struct udp_view u, v;
	int n;

	if (frame_udp_parse(data, size, &u))
		return 0;
	/* the view lies inside the input */
	check(u.data >= data && u.data + u.len <= data + size);
	n = frame_udp_build(out, sizeof(out), u.src_mac, u.dst_mac, u.src, u.sport, u.dst, u.dport,
			    u.data, u.len);
	if (n < 0)
		return 0; /* larger than a frame we would send */
	check(frame_udp_parse(out, (size_t)n, &v) == 0);
	check(v.len == u.len && !memcmp(v.data, u.data, u.len) && v.sport == u.sport &&
	      v.dport == u.dport && v.src.s_addr == u.src.s_addr);
	return 0;
}
