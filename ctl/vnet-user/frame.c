/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "frame.h"

#include <errno.h>
#include <string.h>

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void wr16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	for (; n > 1; p += 2, n -= 2)
		s += rd16(p);
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int frame_udp_parse(const uint8_t *f, size_t len, struct udp_view *u)
{
	const uint8_t *ip = f + ETH_HLEN_, *udp;
	size_t ihl, tot;

	if (len < ETH_HLEN_ + 20 + 8 || rd16(f + 12) != 0x0800)
		return -EINVAL;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = rd16(ip + 2);
	if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != IPPROTO_UDP)
		return -EINVAL;
	/* fragments (MF set or an offset) go to slirp, which reassembles */
	if (rd16(ip + 6) & 0x3fff)
		return -EINVAL;
	if (tot < ihl + 8 || ETH_HLEN_ + tot > len)
		return -EINVAL;
	udp = ip + ihl;
	if (rd16(udp + 4) < 8 || rd16(udp + 4) > tot - ihl)
		return -EINVAL;
	u->dst_mac = f;
	u->src_mac = f + 6;
	memcpy(&u->src, ip + 12, 4);
	memcpy(&u->dst, ip + 16, 4);
	u->sport = rd16(udp);
	u->dport = rd16(udp + 2);
	u->data = udp + 8;
	u->len = rd16(udp + 4) - 8;
	return 0;
}

int frame_udp_build(uint8_t *out, size_t cap, const uint8_t src_mac[6], const uint8_t dst_mac[6],
		    struct in_addr src, uint16_t sport, struct in_addr dst, uint16_t dport,
		    const uint8_t *data, size_t dlen)
{
	uint8_t *ip = out + ETH_HLEN_, *udp = ip + 20, pseudo[12];
	size_t n = ETH_HLEN_ + 20 + 8 + dlen;
	uint16_t c;

	if (n > cap || dlen > 65507)
		return -ENOSPC;
	memcpy(out, dst_mac, 6);
	memcpy(out + 6, src_mac, 6);
	wr16(out + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	wr16(ip + 2, (uint16_t)(20 + 8 + dlen));
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	wr16(ip + 10, fold(sum16(0, ip, 20)));
	wr16(udp, sport);
	wr16(udp + 2, dport);
	wr16(udp + 4, (uint16_t)(8 + dlen));
	wr16(udp + 6, 0);
	memcpy(udp + 8, data, dlen);
	memcpy(pseudo, &src, 4);
	memcpy(pseudo + 4, &dst, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	wr16(pseudo + 10, (uint16_t)(8 + dlen));
	/* RFC 768: an all-zero computed checksum is transmitted as all ones */
	c = fold(sum16(sum16(0, pseudo, 12), udp, 8 + dlen));
	wr16(udp + 6, c ? c : 0xffff);
	return (int)n;
}
