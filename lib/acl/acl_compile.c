/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rules -> the data path's bit-vector classifier (bpf/lib/acl.h), free of
 * I/O. A direction's rules get bits 0..n-1 in order. Per field the set of
 * values the rules name becomes LPM entries: every rule's address prefix
 * (and 0/0); every rule's port range as its minimal prefix cover (and the
 * whole range). An entry P allows rule r if r's value contains all of P.
 * Correct under longest-prefix match: a packet value x finds the longest
 * entry P containing x; any rule value containing x is a union of entries,
 * one of which contains x and so contains P (prefixes nest), and a minimal
 * cover's blocks are maximal, so "r's range contains P" is exactly "some
 * block of r's cover contains P". The lowest bit set in the AND of the
 * five fields' bitmaps is then the first rule whose every field matches.
 * IPv6 packets look their addresses up in fields of their own (ACL_F_SRC6,
 * ACL_F_DST6: the data path's acl_lpm6) and their protocol in proto6; the
 * port fields are shared. A rule without an address allows 0/0 of both
 * families; a rule with one, its family's only; icmp is IPv4's protocol
 * class and icmpv6 IPv6's, so each such rule matches one family. */
#include "acl/acl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

enum { F_SRC = ACL_F_SRC, F_DST = ACL_F_DST, F_SPORT = ACL_F_SPORT, F_DPORT = ACL_F_DPORT,
       F_SRC6 = ACL_F_SRC6, F_DST6 = ACL_F_DST6 };

struct lpm_set {
	struct acl_lpm_entry *e;
	size_t n, cap;
};

/* The entry (field, plen, data), added if new. */
static struct acl_lpm_entry *lpm_add(struct lpm_set *s, uint8_t field, uint8_t plen,
				     const uint8_t *data, size_t len)
{
	uint8_t d[16] = { 0 };

	memcpy(d, data, len);
	for (size_t i = 0; i < s->n; i++)
		if (s->e[i].field == field && s->e[i].plen == plen && !memcmp(s->e[i].data, d, 16))
			return &s->e[i];
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct acl_lpm_entry *e = realloc(s->e, cap * sizeof(*e));

		if (!e)
			return NULL;
		s->e = e;
		s->cap = cap;
	}
	memset(&s->e[s->n], 0, sizeof(s->e[0]));
	s->e[s->n].field = field;
	s->e[s->n].plen = plen;
	memcpy(s->e[s->n].data, d, 16);
	return &s->e[s->n++];
}

/* Do the first len bits of a and b agree? */
static int bits_equal(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned whole = len / 8, rest = len % 8;

	if (memcmp(a, b, whole))
		return 0;
	return !rest || ((a[whole] ^ b[whole]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* Does rule prefix p (family 0: any) contain entry e of an address field
 * of family fam? */
static int prefix_contains(const struct acl_prefix *p, const struct acl_lpm_entry *e, int fam)
{
	if (!p->family)
		return 1;
	if (p->family != fam || p->len > e->plen)
		return 0;
	return bits_equal(fam == AF_INET ? (const uint8_t *)&p->v4 : p->v6.s6_addr, e->data,
			  p->len);
}

/* A rule's address prefix as an entry of its family's field (none: 0). */
static int add_prefix(struct lpm_set *s, const struct acl_prefix *p, uint8_t f4, uint8_t f6)
{
	if (p->family == AF_INET)
		return lpm_add(s, f4, p->len, (const uint8_t *)&p->v4, 4) ? 0 : -ENOMEM;
	if (p->family == AF_INET6)
		return lpm_add(s, f6, p->len, p->v6.s6_addr, 16) ? 0 : -ENOMEM;
	return 0;
}

static void port_block(const struct acl_lpm_entry *e, uint32_t *lo, uint32_t *hi)
{
	uint32_t v = (uint32_t)e->data[0] << 8 | e->data[1];
	uint32_t span = 1u << (16 - e->plen);

	*lo = v & ~(span - 1) & 0xffff;
	*hi = *lo + span - 1;
}

static int add_port_cover(struct lpm_set *s, uint8_t field, uint32_t lo, uint32_t hi)
{
	while (lo <= hi) {
		unsigned bits = 0;
		uint8_t d[4] = { 0 };

		/* the largest aligned block starting at lo inside [lo, hi] */
		while (bits < 16 && !(lo & ((2u << bits) - 1)) && lo + (2u << bits) - 1 <= hi)
			bits++;
		d[0] = (uint8_t)(lo >> 8);
		d[1] = (uint8_t)lo;
		if (!lpm_add(s, field, (uint8_t)(16 - bits), d, 2))
			return -ENOMEM;
		lo += 1u << bits;
	}
	return 0;
}

static int rule_in_dir(const struct acl_rule *r, enum acl_table_dir dir)
{
	return r->dir & (dir == ACL_TABLE_IN ? ACL_IN : ACL_OUT);
}

static void rule_ports(const struct acl_rule *r, int sport, uint32_t *lo, uint32_t *hi)
{
	if (r->proto == IPPROTO_ICMP || r->proto == IPPROTO_ICMPV6) {	/* the type as dport */
		*lo = 0;
		*hi = 65535;
		if (!sport && r->icmp_type >= 0)
			*lo = *hi = (uint32_t)r->icmp_type;
		return;
	}
	*lo = sport ? r->sport_lo : r->dport_lo;
	*hi = sport ? r->sport_hi : r->dport_hi;
}

static void set_bit(uint64_t *w, unsigned b)
{
	w[b / 64] |= 1ULL << (b % 64);
}

/* The rule's protocol classes in each family's bitmaps. */
static void set_proto(struct acl_table *t, uint8_t p, unsigned b)
{
	switch (p) {
	case 0:
		for (int c = 0; c < 4; c++) {
			set_bit(t->proto[c], b);
			set_bit(t->proto6[c], b);
		}
		break;
	case IPPROTO_TCP:
		set_bit(t->proto[1], b);
		set_bit(t->proto6[1], b);
		break;
	case IPPROTO_UDP:
		set_bit(t->proto[2], b);
		set_bit(t->proto6[2], b);
		break;
	case IPPROTO_ICMP:
		set_bit(t->proto[3], b);
		break;
	case IPPROTO_ICMPV6:
		set_bit(t->proto6[3], b);
		break;
	}
}

/* Does the rule allow entry e? */
static int entry_allows(const struct acl_rule *r, const struct acl_lpm_entry *e)
{
	uint32_t lo, hi, elo, ehi;

	switch (e->field) {
	case F_SRC:
		return prefix_contains(&r->src, e, AF_INET);
	case F_DST:
		return prefix_contains(&r->dst, e, AF_INET);
	case F_SRC6:
		return prefix_contains(&r->src, e, AF_INET6);
	case F_DST6:
		return prefix_contains(&r->dst, e, AF_INET6);
	}
	rule_ports(r, e->field == F_SPORT, &lo, &hi);
	port_block(e, &elo, &ehi);
	return lo <= elo && ehi <= hi;
}

int acl_compile(const struct acl *a, enum acl_table_dir dir, struct acl_table *t)
{
	struct lpm_set s = { 0 };
	static const uint8_t zero[16];
	unsigned n = 0;

	memset(t, 0, sizeof(*t));
	t->dflt = a->dflt;
	for (size_t i = 0; i < a->n_rules && n < ACL_MAX_RULES; i++) {
		const struct acl_rule *r = &a->rules[i];

		if (!rule_in_dir(r, dir))
			continue;
		t->rule_of_bit[n] = (uint16_t)i;
		t->act[n] = r->action;
		n++;
	}
	t->nrules = n;
	t->nwords = n ? (n + 63) / 64 : 1;
	/* the values: 0/0 of every field, then each rule's */
	for (uint8_t f = F_SRC; f <= F_DST6; f++)
		if (!lpm_add(&s, f, 0, zero, 16))
			goto nomem;
	for (unsigned b = 0; b < n; b++) {
		const struct acl_rule *r = &a->rules[t->rule_of_bit[b]];
		uint32_t lo, hi;

		if (add_prefix(&s, &r->src, F_SRC, F_SRC6) || add_prefix(&s, &r->dst, F_DST, F_DST6))
			goto nomem;
		rule_ports(r, 1, &lo, &hi);
		if (add_port_cover(&s, F_SPORT, lo, hi))
			goto nomem;
		rule_ports(r, 0, &lo, &hi);
		if (add_port_cover(&s, F_DPORT, lo, hi))
			goto nomem;
	}
	/* the bitmaps */
	for (size_t i = 0; i < s.n; i++) {
		struct acl_lpm_entry *e = &s.e[i];

		for (unsigned b = 0; b < n; b++)
			if (entry_allows(&a->rules[t->rule_of_bit[b]], e))
				set_bit(e->bits, b);
	}
	for (unsigned b = 0; b < n; b++)
		set_proto(t, a->rules[t->rule_of_bit[b]].proto, b);
	t->lpm = s.e;
	t->n_lpm = s.n;
	return 0;
nomem:
	free(s.e);
	return -ENOMEM;
}

void acl_table_free(struct acl_table *t)
{
	free(t->lpm);
	t->lpm = NULL;
	t->n_lpm = 0;
}

/* Longest entry of field containing the value v (network order). */
static const struct acl_lpm_entry *lpm_find(const struct acl_table *t, uint8_t field,
					    const uint8_t *v)
{
	const struct acl_lpm_entry *best = NULL;

	for (size_t i = 0; i < t->n_lpm; i++) {
		const struct acl_lpm_entry *e = &t->lpm[i];

		if (e->field != field || (best && best->plen >= e->plen))
			continue;
		if (bits_equal(e->data, v, e->plen))
			best = e;
	}
	return best;
}

static int match_fields(const struct acl_table *t, const uint8_t *saddr, const uint8_t *daddr,
			int v6, uint8_t proto, uint16_t sport, uint16_t dport)
{
	const struct acl_lpm_entry *f[4];
	uint8_t sp[2] = { (uint8_t)(sport >> 8), (uint8_t)sport };
	uint8_t dp[2] = { (uint8_t)(dport >> 8), (uint8_t)dport };
	int c = proto == IPPROTO_TCP ? 1 : proto == IPPROTO_UDP ? 2 :
		proto == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP) ? 3 : 0;
	const uint64_t *pr = v6 ? t->proto6[c] : t->proto[c];

	f[0] = lpm_find(t, v6 ? F_SRC6 : F_SRC, saddr);
	f[1] = lpm_find(t, v6 ? F_DST6 : F_DST, daddr);
	f[2] = lpm_find(t, F_SPORT, sp);
	f[3] = lpm_find(t, F_DPORT, dp);
	if (!f[0] || !f[1] || !f[2] || !f[3])
		return -1;
	for (unsigned i = 0; i < t->nwords; i++) {
		uint64_t w = f[0]->bits[i] & f[1]->bits[i] & f[2]->bits[i] & f[3]->bits[i] & pr[i];

		if (w)
			return (int)(i * 64 + (unsigned)__builtin_ctzll(w));
	}
	return -1;
}

int acl_table_match(const struct acl_table *t, uint32_t saddr, uint32_t daddr, uint8_t proto,
		    uint16_t sport, uint16_t dport)
{
	return match_fields(t, (const uint8_t *)&saddr, (const uint8_t *)&daddr, 0, proto, sport,
			    dport);
}

int acl_table_match6(const struct acl_table *t, const struct in6_addr *saddr,
		     const struct in6_addr *daddr, uint8_t proto, uint16_t sport, uint16_t dport)
{
	return match_fields(t, saddr->s6_addr, daddr->s6_addr, 1, proto, sport, dport);
}
