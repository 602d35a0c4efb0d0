// SPDX-License-Identifier: GPL-2.0-or-later
/* Router advertisements, router solicitations and their timers (ndp.h). */
#include <errno.h>
#include <string.h>

#include "ndp/ndp.h"

#define ND_ROUTER_SOLICIT_ 133
#define ND_ROUTER_ADVERT_ 134
#define OPT_SLLA 1
#define OPT_PREFIX 3
#define OPT_MTU 5
#define OPT_RDNSS 25
#define OPT_DNSSL 31

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

void ndp_ra_cfg_defaults(struct ndp_ra_cfg *c, bool has_ranges, bool has_dns)
{
	c->router_lifetime_s = NDP_ROUTER_LIFETIME_S;
	c->managed = has_ranges;
	c->other = has_ranges || has_dns;
	/* RFC 8106 5.1: at least 3 * MaxRtrAdvInterval */
	c->dns_lifetime_s = 3 * NDP_MAX_RTR_ADV_INTERVAL_S;
	for (size_t i = 0; i < c->n_prefixes && i < NDP_MAX_PREFIXES; i++) {
		c->prefixes[i].autonomous = c->prefixes[i].len == 64;
		c->prefixes[i].valid_s = 86400;		/* RFC 4861 6.2.1 defaults */
		c->prefixes[i].preferred_s = 14400;
	}
}

/* The search domain in DNS wire form (RFC 1035 3.1), padded to 8 bytes
 * with the option header. Returns the option's length or -EINVAL. */
static ssize_t put_dnssl(uint8_t *o, size_t room, const char *dom, uint32_t lifetime)
{
	size_t n = 8, len = strlen(dom);
	const char *p = dom;

	if (len && dom[len - 1] == '.')
		len--;
	if (!len || len > NDP_DNSSL_MAX || room < 8 + len + 2)
		return len ? -ENOSPC : -EINVAL;
	while (p < dom + len) {
		const char *dot = memchr(p, '.', dom + len - p);
		size_t l = (dot ? dot : dom + len) - p;

		if (l == 0 || l > 63)
			return -EINVAL;
		o[n++] = l;
		memcpy(o + n, p, l);
		n += l;
		p += l + (dot ? 1 : 0);
	}
	o[n++] = 0;
	while (n % 8)
		o[n++] = 0;
	if (n > room)
		return -ENOSPC;
	o[0] = OPT_DNSSL;
	o[1] = n / 8;
	o[2] = o[3] = 0;
	put32(o + 4, lifetime);
	return n;
}

ssize_t ndp_ra_build(const struct ndp_ra_cfg *c, uint8_t *buf, size_t len)
{
	size_t n = 16;
	ssize_t r;

	if (c->n_prefixes > NDP_MAX_PREFIXES || c->n_rdnss > NDP_MAX_RDNSS)
		return -EINVAL;
	if (len < 16 + 8 + 8 + c->n_prefixes * 32 + (c->n_rdnss ? 8 + 16 * c->n_rdnss : 0))
		return -ENOSPC;
	memset(buf, 0, len);
	buf[0] = ND_ROUTER_ADVERT_;
	buf[4] = 64;	/* Cur Hop Limit (the guests' default) */
	buf[5] = (c->managed ? 0x80 : 0) | (c->other ? 0x40 : 0);
	put16(buf + 6, c->router_lifetime_s);
	/* reachable time, retrans timer: 0 = unspecified (the host's own) */
	buf[n] = OPT_SLLA;
	buf[n + 1] = 1;
	memcpy(buf + n + 2, c->src_mac, 6);
	n += 8;
	if (c->mtu) {
		buf[n] = OPT_MTU;
		buf[n + 1] = 1;
		put32(buf + n + 4, c->mtu);
		n += 8;
	}
	for (size_t i = 0; i < c->n_prefixes; i++) {
		const struct ndp_prefix *p = &c->prefixes[i];
		uint8_t *o = buf + n;

		if (p->len > 128 || p->preferred_s > p->valid_s)
			return -EINVAL;
		o[0] = OPT_PREFIX;
		o[1] = 4;
		o[2] = p->len;
		o[3] = 0x80 | (p->autonomous && p->len == 64 ? 0x40 : 0);	/* L, A */
		put32(o + 4, p->valid_s);
		put32(o + 8, p->preferred_s);
		memcpy(o + 16, &p->prefix, 16);
		for (unsigned b = p->len; b < 128; b++)	/* host bits off */
			o[16 + b / 8] &= ~(0x80 >> (b % 8));
		n += 32;
	}
	if (c->n_rdnss) {
		uint8_t *o = buf + n;

		o[0] = OPT_RDNSS;
		o[1] = 1 + 2 * c->n_rdnss;
		put32(o + 4, c->dns_lifetime_s);
		for (size_t i = 0; i < c->n_rdnss; i++)
			memcpy(o + 8 + 16 * i, &c->rdnss[i], 16);
		n += 8 + 16 * c->n_rdnss;
	}
	if (c->dnssl[0]) {
		r = put_dnssl(buf + n, len - n, c->dnssl, c->dns_lifetime_s);
		if (r < 0)
			return r;
		n += r;
	}
	return n;
}

int ndp_rs_parse(const uint8_t *msg, size_t len, int hop_limit, const struct in6_addr *src,
		 struct ndp_rs *rs)
{
	static const struct in6_addr any = IN6ADDR_ANY_INIT;
	size_t off = 8;

	memset(rs, 0, sizeof(*rs));
	if (len < 8 || hop_limit != 255 || msg[0] != ND_ROUTER_SOLICIT_ || msg[1] != 0)
		return -EINVAL;
	while (off < len) {
		size_t olen;

		if (len - off < 2 || msg[off + 1] == 0)
			return -EINVAL;
		olen = (size_t)msg[off + 1] * 8;
		if (olen > len - off)
			return -EINVAL;
		if (msg[off] == OPT_SLLA && olen == 8) {
			rs->has_slla = true;
			memcpy(rs->slla, msg + off + 2, 6);
		}
		off += olen;
	}
	if (rs->has_slla && src && !memcmp(src, &any, sizeof(any)))
		return -EINVAL;	/* RFC 4861 6.1.1 */
	return 0;
}

/* A uniformly random number of ms in [lo_s, hi_s] seconds. */
static uint64_t rand_ms(uint32_t rnd, unsigned lo_s, unsigned hi_s)
{
	uint64_t span = (uint64_t)(hi_s - lo_s) * 1000 + 1;

	return (uint64_t)lo_s * 1000 + rnd % span;
}

void ndp_sched_start(struct ndp_sched *s, uint64_t now_ms, uint32_t rnd)
{
	s->initial_left = NDP_MAX_INITIAL_RTR_ADVERTISEMENTS;
	s->last_ms = 0;
	s->next_ms = now_ms + rnd % (NDP_MAX_RA_DELAY_TIME_MS + 1);
}

void ndp_sched_sent(struct ndp_sched *s, uint64_t now_ms, uint32_t rnd)
{
	uint64_t iv = rand_ms(rnd, NDP_MIN_RTR_ADV_INTERVAL_S, NDP_MAX_RTR_ADV_INTERVAL_S);

	s->last_ms = now_ms;
	if (s->initial_left) {
		s->initial_left--;
		/* 6.2.4: the first few at most MAX_INITIAL_RTR_ADVERT_INTERVAL apart */
		if (iv > NDP_MAX_INITIAL_RTR_ADVERT_INTERVAL_S * 1000ULL)
			iv = NDP_MAX_INITIAL_RTR_ADVERT_INTERVAL_S * 1000ULL;
	}
	s->next_ms = now_ms + iv;
}

void ndp_sched_solicited(struct ndp_sched *s, uint64_t now_ms, uint32_t rnd)
{
	uint64_t at = now_ms + rnd % (NDP_MAX_RA_DELAY_TIME_MS + 1);

	if (s->last_ms && at < s->last_ms + NDP_MIN_DELAY_BETWEEN_RAS_MS)
		at = s->last_ms + NDP_MIN_DELAY_BETWEEN_RAS_MS;
	if (at < s->next_ms)
		s->next_ms = at;
}
