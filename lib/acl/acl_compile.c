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
 * five fields' bitmaps is then the first rule whose every field matches. */
#include "acl/acl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

/* The data path's field numbers (enum vnet_acl_field). */
enum { F_SRC, F_DST, F_SPORT, F_DPORT };

struct lpm_set {
	struct acl_lpm_entry *e;
	size_t n, cap;
};

/* The entry (field, plen, data), added if new. */
static struct acl_lpm_entry *lpm_add(struct lpm_set *s, uint8_t field, uint8_t plen,
				     const uint8_t data[4])
{
	for (size_t i = 0; i < s->n; i++)
		if (s->e[i].field == field && s->e[i].plen == plen && !memcmp(s->e[i].data, data, 4))
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
	memcpy(s->e[s->n].data, data, 4);
	return &s->e[s->n++];
}

static uint32_t mask32(unsigned len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* Does rule prefix p (host order a/len; family 0: any) contain entry e? */
static int prefix_contains(const struct acl_prefix *p, const struct acl_lpm_entry *e)
{
	uint32_t a, x;

	if (!p->family)
		return 1;
	if (p->family != AF_INET || p->len > e->plen)
		return 0;
	a = ntohl(p->v4.s_addr);
	memcpy(&x, e->data, 4);
	x = ntohl(x);
	return ((a ^ x) & mask32(p->len)) == 0;
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
		if (!lpm_add(s, field, (uint8_t)(16 - bits), d))
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
	if (r->proto == IPPROTO_ICMP) {	/* ICMP: the type in the dport field */
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

int acl_compile(const struct acl *a, enum acl_table_dir dir, struct acl_table *t)
{
	struct lpm_set s = { 0 };
	static const uint8_t zero[4];
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
	for (uint8_t f = F_SRC; f <= F_DPORT; f++)
		if (!lpm_add(&s, f, 0, zero))
			goto nomem;
	for (unsigned b = 0; b < n; b++) {
		const struct acl_rule *r = &a->rules[t->rule_of_bit[b]];
		uint32_t lo, hi;

		if (r->src.family == AF_INET && !lpm_add(&s, F_SRC, r->src.len,
							 (const uint8_t *)&r->src.v4))
			goto nomem;
		if (r->dst.family == AF_INET && !lpm_add(&s, F_DST, r->dst.len,
							 (const uint8_t *)&r->dst.v4))
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

		for (unsigned b = 0; b < n; b++) {
			const struct acl_rule *r = &a->rules[t->rule_of_bit[b]];
			uint32_t lo, hi, elo, ehi;
			int ok;

			if (e->field == F_SRC)
				ok = prefix_contains(&r->src, e);
			else if (e->field == F_DST)
				ok = prefix_contains(&r->dst, e);
			else {
				rule_ports(r, e->field == F_SPORT, &lo, &hi);
				port_block(e, &elo, &ehi);
				ok = lo <= elo && ehi <= hi;
			}
			if (ok)
				set_bit(e->bits, b);
		}
	}
	for (unsigned b = 0; b < n; b++) {
		uint8_t p = a->rules[t->rule_of_bit[b]].proto;

		if (!p)
			for (int c = 0; c < 4; c++)
				set_bit(t->proto[c], b);
		else
			set_bit(t->proto[p == IPPROTO_TCP ? 1 : p == IPPROTO_UDP ? 2 : 3], b);
	}
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

/* Longest entry of field containing v (host order; bits: 32 or 16). */
static const struct acl_lpm_entry *lpm_find(const struct acl_table *t, uint8_t field, uint32_t v,
					    unsigned bits)
{
	const struct acl_lpm_entry *best = NULL;

	for (size_t i = 0; i < t->n_lpm; i++) {
		const struct acl_lpm_entry *e = &t->lpm[i];
		uint32_t x;

		if (e->field != field || (best && best->plen >= e->plen))
			continue;
		if (bits == 32) {
			memcpy(&x, e->data, 4);
			x = ntohl(x);
		} else {
			x = (uint32_t)e->data[0] << 8 | e->data[1];
		}
		if (((x ^ v) & (mask32(e->plen) >> (32 - bits))) == 0)
			best = e;
	}
	return best;
}

int acl_table_match(const struct acl_table *t, uint32_t saddr, uint32_t daddr, uint8_t proto,
		    uint16_t sport, uint16_t dport)
{
	const struct acl_lpm_entry *f[4];
	int c = proto == IPPROTO_TCP ? 1 : proto == IPPROTO_UDP ? 2 : proto == IPPROTO_ICMP ? 3 : 0;

	f[0] = lpm_find(t, F_SRC, ntohl(saddr), 32);
	f[1] = lpm_find(t, F_DST, ntohl(daddr), 32);
	f[2] = lpm_find(t, F_SPORT, sport, 16);
	f[3] = lpm_find(t, F_DPORT, dport, 16);
	if (!f[0] || !f[1] || !f[2] || !f[3])
		return -1;
	for (unsigned i = 0; i < t->nwords; i++) {
		uint64_t w = f[0]->bits[i] & f[1]->bits[i] & f[2]->bits[i] & f[3]->bits[i] &
			     t->proto[c][i];

		if (w)
			return (int)(i * 64 + (unsigned)__builtin_ctzll(w));
	}
	return -1;
}
