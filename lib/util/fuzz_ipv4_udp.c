/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz ipv4_udp_parse with what a guest can put in a frame: it never reads
 * outside the packet, and what it accepts lies within it. */
#include <stdint.h>
#include <stdlib.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipv4_udp u;

	if (ipv4_udp_parse(data, size, &u) == 0 &&
	    (u.payload < data + 28 || u.payload + u.len > data + size))
		abort();
	return 0;
}
