/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz the router solicitation parser (guest input: what reaches the
 * gateway's ICMPv6 socket). Input: [hop limit][source: 0 = ::, else a
 * link-local][message]. Invariants: no read out of bounds (ASan); an RS
 * accepted has hop limit 255, type 133 code 0, options that tile it
 * exactly, and no link-layer option from ::. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ndp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in6_addr src = IN6ADDR_ANY_INIT;
	struct ndp_rs rs;
	uint8_t *msg;
	size_t len, off = 8;

	if (size < 2)
		return 0;
	if (data[1]) {
		src.s6_addr[0] = 0xfe;
		src.s6_addr[1] = 0x80;
		src.s6_addr[15] = data[1];
	}
	len = size - 2;
	msg = malloc(len ? len : 1);	/* exactly len bytes: ASan sees overreads */
	memcpy(msg, data + 2, len);
	if (ndp_rs_parse(msg, len, data[0], &src, &rs) == 0) {
		if (data[0] != 255 || len < 8 || msg[0] != 133 || msg[1] != 0)
			abort();
		while (off < len) {
			if (!msg[off + 1])
			    abort();
			off += msg[off + 1] * 8;
		}
		if (off != len || (rs.has_slla && !data[1]))
			abort();
	}
	free(msg);
	return 0;
}
