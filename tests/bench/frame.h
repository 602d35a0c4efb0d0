/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The benchmark's 64-byte UDP frame (Ethernet + IPv4 + UDP + 22 bytes of
 * payload; 64 bytes on the wire without the FCS; bench_frame6: IPv6), shared by the live-frames
 * generator (pktgen) and the AF_PACKET generator (netload). */
#ifndef BENCH_FRAME_H
#define BENCH_FRAME_H

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BENCH_FRAME_LEN 64
#define BENCH_DPORT 9000	/* receivers count UDP to 9000..9999 only */

struct bench_flow {
	uint8_t smac[6], dmac[6];
	struct in_addr saddr, daddr;
	uint16_t sport, dport;	/* host order */
};

static inline int bench_parse_mac(const char *s, uint8_t m[6])
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2], &m[3], &m[4],
		      &m[5]) == 6 ? 0 : -1;
}

static inline uint16_t bench_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons(~s & 0xffff);
}

/* RFC 768: "An all zero transmitted checksum value means that the
 * transmitter generated no checksum" -- so ports may change per packet
 * without touching any checksum (the IPv4 header does not cover them). */
static inline void bench_frame(uint8_t f[BENCH_FRAME_LEN], const struct bench_flow *fl)
{
	uint8_t *ip = f + 14, *udp = ip + 20;
	uint16_t v;

	memset(f, 0, BENCH_FRAME_LEN);
	memcpy(f, fl->dmac, 6);
	memcpy(f + 6, fl->smac, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	v = htons(BENCH_FRAME_LEN - 14);
	memcpy(ip + 2, &v, 2);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &fl->saddr, 4);
	memcpy(ip + 16, &fl->daddr, 4);
	v = bench_csum(ip, 20);
	memcpy(ip + 10, &v, 2);
	v = htons(fl->sport);
	memcpy(udp, &v, 2);
	v = htons(fl->dport);
	memcpy(udp + 2, &v, 2);
	v = htons(BENCH_FRAME_LEN - 34);
	memcpy(udp + 4, &v, 2);
	memcpy(udp + 8, "vnet-bench-64-byte-udp", 22);
}

/* The IPv6 twin (issue 18): Ethernet + IPv6 + UDP + 2 bytes of payload,
 * the same 64 bytes. IPv6 forbids a zero UDP checksum, so it is computed
 * (over the pseudo-header); the ports are fixed for it. */
static inline void bench_frame6(uint8_t f[BENCH_FRAME_LEN], const uint8_t smac[6],
				const uint8_t dmac[6], const struct in6_addr *saddr,
				const struct in6_addr *daddr, uint16_t sport, uint16_t dport)
{
	uint8_t *ip = f + 14, *udp = ip + 40, ph[40 + 8 + 8 + 2];
	uint16_t v, ulen = BENCH_FRAME_LEN - 14 - 40;

	memset(f, 0, BENCH_FRAME_LEN);
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip[0] = 0x60;
	v = htons(ulen);
	memcpy(ip + 4, &v, 2);
	ip[6] = 17;
	ip[7] = 64;
	memcpy(ip + 8, saddr, 16);
	memcpy(ip + 24, daddr, 16);
	v = htons(sport);
	memcpy(udp, &v, 2);
	v = htons(dport);
	memcpy(udp + 2, &v, 2);
	v = htons(ulen);
	memcpy(udp + 4, &v, 2);
	memcpy(udp + 8, "v6", 2);
	/* pseudo-header: source, destination, length, next header; then UDP */
	memset(ph, 0, sizeof(ph));
	memcpy(ph, ip + 8, 32);
	ph[34] = ulen >> 8;
	ph[35] = ulen & 0xff;
	ph[39] = 17;
	memcpy(ph + 40, udp, ulen);
	v = bench_csum(ph, 40 + ulen);
	if (!v)
		v = 0xffff;
	memcpy(udp + 6, &v, 2);
}

static inline void bench_set_ports(uint8_t f[BENCH_FRAME_LEN], uint16_t sport, uint16_t dport)
{
	uint16_t s = htons(sport), d = htons(dport);

	memcpy(f + 34, &s, 2);
	memcpy(f + 36, &d, 2);
}

#endif
