// SPDX-License-Identifier: GPL-2.0-or-later
/* An IPv4 UDP datagram as a packet socket hands it over (util.h,
 * ipv4_udp_parse): guest input read before the host's IP layer checked
 * anything, so every header field is checked here. */
#include <string.h>

#include "util.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The IPv4 header checksum: the one's complement sum over the header is
 * 0xffff when it is right. */
static int ip_sum_ok(const uint8_t *h, size_t ihl)
{
	uint32_t s = 0;

	for (size_t i = 0; i < ihl; i += 2)
		s += get16(h + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

int ipv4_udp_parse(const uint8_t *pkt, size_t len, struct ipv4_udp *out)
{
	size_t ihl, tot, ulen;

	if (len < 20 || (pkt[0] >> 4) != 4)
		return -1;
	ihl = (size_t)(pkt[0] & 0xf) * 4;
	tot = get16(pkt + 2);
	if (ihl < 20 || tot < ihl + 8 || tot > len || pkt[9] != 17 || !ip_sum_ok(pkt, ihl))
		return -1;
	if (get16(pkt + 6) & 0x3fff)	/* a fragment (MF or an offset): not reassembled */
		return -1;
	ulen = get16(pkt + ihl + 4);
	if (ulen < 8 || ulen > tot - ihl)
		return -1;
	memcpy(&out->src.s_addr, pkt + 12, 4);
	memcpy(&out->dst.s_addr, pkt + 16, 4);
	out->sport = get16(pkt + ihl);
	out->dport = get16(pkt + ihl + 2);
	out->payload = pkt + ihl + 8;
	out->len = ulen - 8;
	return 0;
}
