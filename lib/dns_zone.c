/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dns_zone.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ZBUCKETS 1024

struct zentry {
	struct zentry *next_name, *next_ip;
	uint8_t name[DNS_NAME_MAX]; /* lower-case wire form */
	size_t name_len;
	struct in_addr ip;
	unsigned refs;
};

struct dns_zone {
	uint8_t domain[DNS_NAME_MAX]; /* lower-case wire form */
	size_t domain_len;	      /* 0: no local domain */
	uint32_t net, mask;	      /* host order */
	unsigned prefix;
	size_t count;
	struct zentry *by_name[ZBUCKETS];
	struct zentry *by_ip[ZBUCKETS];
};

static const uint8_t arpa_suffix[] = "\7in-addr\4arpa";	 /* + final 0 */
#define ARPA_LEN (sizeof(arpa_suffix)) /* includes the root label */

static unsigned hash_name(const uint8_t *n, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ n[i]) * 16777619u;
	return h % ZBUCKETS;
}

static unsigned hash_ip(struct in_addr ip)
{
	uint32_t v = ntohl(ip.s_addr);

	return (v ^ (v >> 10) ^ (v >> 20)) % ZBUCKETS;
}

struct dns_zone *dns_zone_new(const char *domain, struct in_addr net, unsigned prefix)
{
	struct dns_zone *z = calloc(1, sizeof(*z));
	int n;

	if (!z)
		return NULL;
	if (domain && *domain) {
		n = dns_name_from_text(domain, z->domain);
		if (n <= 1) {
			free(z);
			return NULL;
		}
		z->domain_len = n;
		dns_name_lower(z->domain, n);
	}
	z->prefix = prefix > 32 ? 32 : prefix;
	z->mask = z->prefix ? ~0u << (32 - z->prefix) : 0;
	z->net = ntohl(net.s_addr) & z->mask;
	return z;
}

void dns_zone_free(struct dns_zone *z)
{
	if (!z)
		return;
	for (unsigned b = 0; b < ZBUCKETS; b++) {
		while (z->by_name[b]) {
			struct zentry *e = z->by_name[b];

			z->by_name[b] = e->next_name;
			free(e);
		}
	}
	free(z);
}

size_t dns_zone_count(const struct dns_zone *z)
{
	return z->count;
}

static struct zentry *find(const struct dns_zone *z, const uint8_t *name, size_t len,
			   struct in_addr ip)
{
	struct zentry *e;

	for (e = z->by_name[hash_name(name, len)]; e; e = e->next_name)
		if (e->ip.s_addr == ip.s_addr && e->name_len == len && !memcmp(e->name, name, len))
			return e;
	return NULL;
}

static int key_of(const char *text, uint8_t *out)
{
	int n = dns_name_from_text(text, out);

	if (n <= 1)
		return -EINVAL;
	dns_name_lower(out, n);
	return n;
}

int dns_zone_add(struct dns_zone *z, const char *name, struct in_addr ip)
{
	uint8_t key[DNS_NAME_MAX];
	int n = key_of(name, key);
	struct zentry *e;

	if (n < 0)
		return n;
	e = find(z, key, n, ip);
	if (e) {
		e->refs++;
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	memcpy(e->name, key, n);
	e->name_len = n;
	e->ip = ip;
	e->refs = 1;
	e->next_name = z->by_name[hash_name(key, n)];
	z->by_name[hash_name(key, n)] = e;
	e->next_ip = z->by_ip[hash_ip(ip)];
	z->by_ip[hash_ip(ip)] = e;
	z->count++;
	return 0;
}

int dns_zone_del(struct dns_zone *z, const char *name, struct in_addr ip)
{
	uint8_t key[DNS_NAME_MAX];
	int n = key_of(name, key);
	struct zentry **pp, *e;

	if (n < 0 || !(e = find(z, key, n, ip)))
		return -ENOENT;
	if (--e->refs)
		return 0;
	for (pp = &z->by_name[hash_name(key, n)]; *pp != e; pp = &(*pp)->next_name)
		;
	*pp = e->next_name;
	for (pp = &z->by_ip[hash_ip(ip)]; *pp != e; pp = &(*pp)->next_ip)
		;
	*pp = e->next_ip;
	free(e);
	z->count--;
	return 0;
}

/* Offset in name where suffix starts on a label boundary, or -1. */
static long suffix_at(const uint8_t *name, size_t len, const uint8_t *suf, size_t slen)
{
	for (size_t i = 0; i < len; i += 1 + name[i]) {
		if (len - i == slen && !memcmp(name + i, suf, slen))
			return (long)i;
		if (!name[i])
			break;
	}
	return -1;
}

static enum dns_zone_result answer_name(const struct dns_zone *z, const uint8_t *name,
					size_t len, uint16_t qtype, struct dns_zone_answer *ans)
{
	int found = 0;

	for (struct zentry *e = z->by_name[hash_name(name, len)]; e; e = e->next_name) {
		if (e->name_len != len || memcmp(e->name, name, len))
			continue;
		found = 1;
		if (ans->n_addrs < DNS_ZONE_MAX_ADDRS)
			ans->addrs[ans->n_addrs++] = e->ip;
	}
	if (!found)
		return DNS_ZONE_NXDOMAIN;
	if (qtype != DNS_T_A && qtype != DNS_T_ANY) {
		ans->n_addrs = 0;
		return DNS_ZONE_NODATA;
	}
	return DNS_ZONE_ANSWER;
}

/* A decimal octet label "0".."255" without leading zeros; -1 otherwise. */
static int octet(const uint8_t *label)
{
	unsigned l = label[0], v = 0;

	if (l == 0 || l > 3 || (l > 1 && label[1] == '0'))
		return -1;
	for (unsigned i = 1; i <= l; i++) {
		if (label[i] < '0' || label[i] > '9')
			return -1;
		v = v * 10 + (label[i] - '0');
	}
	return v > 255 ? -1 : (int)v;
}

static void ptr_target(const struct dns_zone *z, const struct zentry *e,
		       struct dns_zone_answer *ans)
{
	memcpy(ans->ptr, e->name, e->name_len);
	ans->ptr_len = e->name_len;
	/* bare host label: answer it under the local domain */
	if (z->domain_len && dns_name_labels(e->name, e->name_len) == 1 &&
	    e->name_len - 1 + z->domain_len <= DNS_NAME_MAX) {
		memcpy(ans->ptr + e->name_len - 1, z->domain, z->domain_len);
		ans->ptr_len = e->name_len - 1 + z->domain_len;
	}
}

static enum dns_zone_result answer_ip(const struct dns_zone *z, uint32_t addr, uint16_t qtype,
				      struct dns_zone_answer *ans)
{
	struct in_addr ip = { .s_addr = htonl(addr) };

	for (struct zentry *e = z->by_ip[hash_ip(ip)]; e; e = e->next_ip) {
		if (e->ip.s_addr != ip.s_addr)
			continue;
		if (qtype != DNS_T_PTR && qtype != DNS_T_ANY)
			return DNS_ZONE_NODATA;
		ptr_target(z, e, ans);
		return DNS_ZONE_ANSWER;
	}
	return DNS_ZONE_NXDOMAIN;
}

/* The reverse zone: the k = ceil(prefix/8) leading octets place a name in
 * our subnet; below that every name is ours (RFC 1035 3.5). */
static enum dns_zone_result reverse(const struct dns_zone *z, const uint8_t *name, size_t rel,
				    uint16_t qtype, struct dns_zone_answer *ans)
{
	const uint8_t *lab[DNS_NAME_MAX / 2];
	unsigned n = 0, k = (z->prefix + 7) / 8;
	uint32_t addr = 0;

	for (size_t i = 0; i < rel; i += 1 + name[i])
		lab[n++] = name + i;
	if (z->prefix < 8 || n < k)
		return DNS_ZONE_NOT_OURS;
	for (unsigned j = 0; j < k; j++) { /* labels are in reverse order */
		int o = octet(lab[n - 1 - j]);

		if (o < 0)
			return DNS_ZONE_NOT_OURS;
		addr |= (uint32_t)o << (24 - 8 * j);
	}
	if ((addr & z->mask) != z->net)
		return DNS_ZONE_NOT_OURS;
	if (n > 4)
		return DNS_ZONE_NXDOMAIN;
	for (unsigned j = k; j < n; j++) {
		int o = octet(lab[n - 1 - j]);

		if (o < 0)
			return DNS_ZONE_NXDOMAIN;
		addr |= (uint32_t)o << (24 - 8 * j);
	}
	if (n < 4)
		return DNS_ZONE_NODATA; /* the zone apex or an empty non-terminal */
	return answer_ip(z, addr, qtype, ans);
}

enum dns_zone_result dns_zone_lookup(const struct dns_zone *z, const uint8_t *qname, size_t qlen,
				     uint16_t qtype, struct dns_zone_answer *ans)
{
	uint8_t name[DNS_NAME_MAX];
	enum dns_zone_result r;
	long at;

	memset(ans, 0, sizeof(*ans));
	if (qlen < 1 || qlen > DNS_NAME_MAX)
		return DNS_ZONE_NOT_OURS;
	memcpy(name, qname, qlen);
	dns_name_lower(name, qlen);
	at = suffix_at(name, qlen, arpa_suffix, ARPA_LEN);
	if (at >= 0)
		return reverse(z, name, at, qtype, ans);
	r = answer_name(z, name, qlen, qtype, ans);
	if (r != DNS_ZONE_NXDOMAIN)
		return r;
	if (!z->domain_len)
		return DNS_ZONE_NOT_OURS;
	at = suffix_at(name, qlen, z->domain, z->domain_len);
	if (at < 0)
		return DNS_ZONE_NOT_OURS;
	if (at == 0)
		return DNS_ZONE_NODATA; /* the domain itself */
	name[at] = 0; /* relative name: strip the domain */
	return answer_name(z, name, at + 1, qtype, ans);
}
