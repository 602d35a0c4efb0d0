/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Router advertisements (RFC 4861 4.2, 6.2; RFC 8106 RDNSS/DNSSL) built
 * from a network's configuration, router solicitations parsed, and the
 * RFC 4861 6.2.4 timers -- free of I/O: the caller owns the socket, the
 * clock (milliseconds) and the random numbers. */
#ifndef VNET_NDP_NDP_H
#define VNET_NDP_NDP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NDP_MAX_PREFIXES 4
#define NDP_MAX_RDNSS 3
#define NDP_DNSSL_MAX 253	/* a domain name's longest text form */
#define NDP_RA_MAX 512		/* bytes an RA built here can take */

/* RFC 4861 6.2.1 and 10 defaults. */
#define NDP_MAX_RTR_ADV_INTERVAL_S 600
#define NDP_MIN_RTR_ADV_INTERVAL_S 198	/* 0.33 * Max */
#define NDP_MAX_INITIAL_RTR_ADVERT_INTERVAL_S 16
#define NDP_MAX_INITIAL_RTR_ADVERTISEMENTS 3
#define NDP_MIN_DELAY_BETWEEN_RAS_MS 3000
#define NDP_MAX_RA_DELAY_TIME_MS 500
#define NDP_ROUTER_LIFETIME_S 1800	/* 3 * MaxRtrAdvInterval */

struct ndp_prefix {
	struct in6_addr prefix;	/* host bits are cleared when built */
	uint8_t len;
	bool autonomous;	/* A flag: SLAAC (a /64 only, RFC 4862 5.5.3) */
	uint32_t valid_s, preferred_s;
};

/* What an RA says. */
struct ndp_ra_cfg {
	uint8_t src_mac[6];	/* source link-layer address option */
	uint16_t router_lifetime_s;	/* 0: "not a default router" (final RA) */
	bool managed;		/* M: addresses by DHCPv6 */
	bool other;		/* O: other configuration by DHCPv6 */
	uint32_t mtu;		/* 0: no MTU option */
	size_t n_prefixes;
	struct ndp_prefix prefixes[NDP_MAX_PREFIXES];
	size_t n_rdnss;
	struct in6_addr rdnss[NDP_MAX_RDNSS];
	uint32_t dns_lifetime_s;	/* RDNSS and DNSSL lifetime */
	char dnssl[NDP_DNSSL_MAX + 1];	/* one search domain, "" none */
};

/* The configuration of a network's RAs with the RFC defaults: lifetimes,
 * the A flag on /64 prefixes, M/O from has_ranges (DHCPv6 addresses) and
 * has_dns (a DNS server, so O without M). */
void ndp_ra_cfg_defaults(struct ndp_ra_cfg *c, bool has_ranges, bool has_dns);

/* Build the ICMPv6 message (type 134 and its options; the checksum left 0,
 * the kernel fills it on a raw ICMPv6 socket) into buf. Returns its length
 * or -EINVAL (bad configuration) / -ENOSPC. */
ssize_t ndp_ra_build(const struct ndp_ra_cfg *c, uint8_t *buf, size_t len);

/* A router solicitation (RFC 4861 4.1, validity 6.1.1): hop limit 255,
 * code 0, at least 8 bytes, every option of non-zero length within the
 * message, no source link-layer option from the unspecified address. */
struct ndp_rs {
	bool has_slla;
	uint8_t slla[6];
};
/* 0 and *rs filled, or -EINVAL (not a valid RS). src: the IPv6 source. */
int ndp_rs_parse(const uint8_t *msg, size_t len, int hop_limit, const struct in6_addr *src,
		 struct ndp_rs *rs);

/* When to send the next unsolicited RA (RFC 4861 6.2.4, 6.2.6). rnd: a
 * uniformly random 32-bit number from the caller. */
struct ndp_sched {
	uint64_t next_ms;	/* the next RA is due then */
	uint64_t last_ms;	/* the last multicast RA went out then (0: none) */
	unsigned initial_left;	/* fast initial RAs still to send */
};
void ndp_sched_start(struct ndp_sched *s, uint64_t now_ms, uint32_t rnd);
/* An RA was sent now: the next one is due after a random interval. */
void ndp_sched_sent(struct ndp_sched *s, uint64_t now_ms, uint32_t rnd);
/* A solicitation came: answer (multicast) after a random delay of up to
 * MAX_RA_DELAY_TIME, and no sooner than MIN_DELAY_BETWEEN_RAS after the
 * last RA; an earlier due time stays. */
void ndp_sched_solicited(struct ndp_sched *s, uint64_t now_ms, uint32_t rnd);

#endif
