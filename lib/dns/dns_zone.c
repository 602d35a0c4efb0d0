/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dns.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZBUCKETS 1024

struct zentry {
	struct zentry *next_name, *next_ip;
	uint8_t name[DNS_NAME_MAX]; /* lower-case wire form */
	size_t name_len;
	struct in_addr ip;
	unsigned refs;
	int lease; /* from a DHCP hostname: one label, one per address */
	uint16_t type;	   /* DNS_T_A (ip), DNS_T_AAAA (ip6), DNS_T_SRV, DNS_T_TXT (rdata) */
	uint16_t rdlen;
	struct in6_addr ip6;
	uint8_t *rdata;
	uint8_t owner[6]; /* a lease's guest (its MAC), when known */
	int has_owner;
};

struct dns_zone {
	uint8_t domain[DNS_NAME_MAX]; /* lower-case wire form */
	size_t domain_len;	      /* 0: no local domain */
	uint32_t net, mask;	      /* host order */
	unsigned prefix;
	int forward_unknown;	      /* unknown names of the domain are not ours */
	size_t count, leases;
	struct zentry *by_name[ZBUCKETS];
	struct zentry *by_ip[ZBUCKETS];
	struct {
		struct in6_addr net;
		unsigned prefix;
	} ptr6[DNS_ZONE_MAX_PTR6]; /* localPtr='yes' IPv6 prefixes */
	size_t n_ptr6;
	uint64_t gen; /* dns_zone_generation: bumped by every change */
};

/* An address of either family, as entries and leases are keyed. */
struct zaddr {
	uint16_t type; /* DNS_T_A or DNS_T_AAAA */
	struct in_addr ip;
	struct in6_addr ip6;
};

static const uint8_t arpa_suffix[] = "\7in-addr\4arpa";	 /* + final 0 */
#define ARPA_LEN (sizeof(arpa_suffix)) /* includes the root label */
static const uint8_t arpa6_suffix[] = "\3ip6\4arpa";
#define ARPA6_LEN (sizeof(arpa6_suffix))

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

static unsigned hash_ip6(const struct in6_addr *a)
{
	return hash_name(a->s6_addr, 16);
}

static unsigned hash_addr(const struct zaddr *a)
{
	return a->type == DNS_T_AAAA ? hash_ip6(&a->ip6) : hash_ip(a->ip);
}

static unsigned hash_entry(const struct zentry *e)
{
	return e->type == DNS_T_AAAA ? hash_ip6(&e->ip6) : hash_ip(e->ip);
}

/* Does e hold address a? */
static int at_addr(const struct zentry *e, const struct zaddr *a)
{
	if (e->type != a->type)
		return 0;
	return a->type == DNS_T_AAAA ? !memcmp(&e->ip6, &a->ip6, 16) :
				       e->ip.s_addr == a->ip.s_addr;
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
	z->gen = 1;
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
			free(e->rdata);
			free(e);
		}
	}
	free(z);
}

size_t dns_zone_count(const struct dns_zone *z)
{
	return z->count;
}

/* A configured entry (name, ip) first, else the lease entry. */
static struct zentry *find(const struct dns_zone *z, const uint8_t *name, size_t len,
			   struct in_addr ip)
{
	struct zentry *e, *lease = NULL;

	for (e = z->by_name[hash_name(name, len)]; e; e = e->next_name) {
		if (e->type != DNS_T_A || e->ip.s_addr != ip.s_addr || e->name_len != len ||
		    memcmp(e->name, name, len))
			continue;
		if (!e->lease)
			return e;
		lease = e;
	}
	return lease;
}

static int key_of(const char *text, uint8_t *out)
{
	int n = dns_name_from_text(text, out);

	if (n <= 1)
		return -EINVAL;
	dns_name_lower(out, n);
	return n;
}

/* type: DNS_T_A (ip), DNS_T_AAAA (ip6) or a record kept as rdata */
static struct zentry *insert_typed(struct dns_zone *z, const uint8_t *key, size_t n,
				   uint16_t type, struct in_addr ip, const struct in6_addr *ip6,
				   int lease)
{
	struct zentry *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	memcpy(e->name, key, n);
	e->name_len = n;
	e->ip = ip;
	if (ip6)
		e->ip6 = *ip6;
	e->refs = 1;
	e->lease = lease;
	e->type = type;
	e->next_name = z->by_name[hash_name(key, n)];
	z->by_name[hash_name(key, n)] = e;
	e->next_ip = z->by_ip[hash_entry(e)];
	z->by_ip[hash_entry(e)] = e;
	z->count++;
	z->leases += lease;
	z->gen++;
	return e;
}

static struct zentry *insert(struct dns_zone *z, const uint8_t *key, size_t n, struct in_addr ip,
			     int lease)
{
	return insert_typed(z, key, n, DNS_T_A, ip, NULL, lease);
}

static void unlink_entry(struct dns_zone *z, struct zentry *e)
{
	struct zentry **pp;

	for (pp = &z->by_name[hash_name(e->name, e->name_len)]; *pp != e; pp = &(*pp)->next_name)
		;
	*pp = e->next_name;
	for (pp = &z->by_ip[hash_entry(e)]; *pp != e; pp = &(*pp)->next_ip)
		;
	*pp = e->next_ip;
	z->count--;
	z->leases -= e->lease;
	z->gen++;
	free(e->rdata);
	free(e);
}

/* The lease name with this key (any address) goes: an operator's name wins. */
static void evict_leases(struct dns_zone *z, const uint8_t *key, size_t n)
{
	struct zentry *e = z->by_name[hash_name(key, n)], *next;

	for (; e; e = next) {
		next = e->next_name;
		if (e->lease && e->name_len == n && !memcmp(e->name, key, n))
			unlink_entry(z, e);
	}
}

/* key = label.<domain>: the length of "label" + root, else 0. */
static size_t label_under_domain(const struct dns_zone *z, const uint8_t *key, size_t n)
{
	size_t l = (size_t)key[0] + 1;

	if (!z->domain_len || !key[0] || l + z->domain_len != n ||
	    memcmp(key + l, z->domain, z->domain_len))
		return 0;
	return l + 1;
}

int dns_zone_add(struct dns_zone *z, const char *name, struct in_addr ip)
{
	uint8_t key[DNS_NAME_MAX], label[DNS_NAME_MAX];
	int n = key_of(name, key);
	struct zentry *e;
	size_t l;

	if (n < 0)
		return n;
	if (dns_name_labels(key, n) == 1)
		evict_leases(z, key, n);
	l = label_under_domain(z, key, n);
	if (l) {
		memcpy(label, key, l - 1);
		label[l - 1] = 0;
		evict_leases(z, label, l);
	}
	e = find(z, key, n, ip);
	if (e && !e->lease) {
		e->refs++;
		return 0;
	}
	return insert(z, key, n, ip, 0) ? 0 : -ENOMEM;
}

int dns_zone_del(struct dns_zone *z, const char *name, struct in_addr ip)
{
	uint8_t key[DNS_NAME_MAX];
	int n = key_of(name, key);
	struct zentry *e;

	if (n < 0 || !(e = find(z, key, n, ip)) || e->lease)
		return -ENOENT;
	if (--e->refs)
		return 0;
	unlink_entry(z, e);
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

/* root: name was asked as is, not relative to the domain. */
static enum dns_zone_result answer_name(const struct dns_zone *z, const uint8_t *name,
					size_t len, uint16_t qtype, struct dns_zone_answer *ans,
					int root)
{
	int found = 0, configured = 0;

	for (struct zentry *e = z->by_name[hash_name(name, len)]; e; e = e->next_name) {
		if (e->name_len != len || memcmp(e->name, name, len))
			continue;
		found = 1;
		configured |= !e->lease;
		if (qtype != e->type && qtype != DNS_T_ANY)
			continue;
		if (e->type == DNS_T_A && ans->n_addrs < DNS_ZONE_MAX_ADDRS)
			ans->addrs[ans->n_addrs++] = e->ip;
		else if (e->type != DNS_T_A && ans->n_rrs < DNS_ZONE_MAX_RRS)
			ans->rrs[ans->n_rrs++] = (struct dns_zone_rr){
				e->type, e->type == DNS_T_AAAA ? 16 : e->rdlen,
				e->type == DNS_T_AAAA ? e->ip6.s6_addr : e->rdata };
	}
	if (!found)
		return DNS_ZONE_NXDOMAIN;
	if (root && !configured && qtype != DNS_T_A && qtype != DNS_T_AAAA && qtype != DNS_T_ANY) {
		ans->n_addrs = ans->n_rrs = 0;
		return DNS_ZONE_NOT_OURS; /* maybe a TLD: its records are upstream's */
	}
	return ans->n_addrs || ans->n_rrs ? DNS_ZONE_ANSWER : DNS_ZONE_NODATA;
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

/* The name of an address: a configured one before a lease's. */
static struct zentry *name_of(const struct dns_zone *z, const struct zaddr *a)
{
	struct zentry *best = NULL;

	for (struct zentry *e = z->by_ip[hash_addr(a)]; e; e = e->next_ip)
		if (at_addr(e, a) && (!best || (best->lease && !e->lease)))
			best = e;
	return best;
}

static enum dns_zone_result answer_ip(const struct dns_zone *z, uint32_t addr, uint16_t qtype,
				      struct dns_zone_answer *ans)
{
	struct zaddr a = { .type = DNS_T_A, .ip.s_addr = htonl(addr) };
	struct zentry *best = name_of(z, &a);

	if (!best)
		return DNS_ZONE_NXDOMAIN;
	if (qtype != DNS_T_PTR && qtype != DNS_T_ANY)
		return DNS_ZONE_NODATA;
	ptr_target(z, best, ans);
	return DNS_ZONE_ANSWER;
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

/* A hex digit label ("0".."f"): its value, or -1. */
static int nibble(const uint8_t *label)
{
	uint8_t c = label[1];

	if (label[0] != 1)
		return -1;
	if (c >= '0' && c <= '9')
		return c - '0';
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Do the first bits of a hold net/prefix? */
static int prefix_match(const struct in6_addr *a, const struct in6_addr *net, unsigned bits)
{
	for (unsigned i = 0; i < bits; i++) {
		unsigned byte = i / 8, bit = 7 - i % 8;

		if (((a->s6_addr[byte] ^ net->s6_addr[byte]) >> bit) & 1)
			return 0;
	}
	return 1;
}

/* Is the name made of the k leading nibbles of a inside a localPtr prefix? */
static int local_ptr6(const struct dns_zone *z, const struct in6_addr *a, unsigned k)
{
	for (size_t i = 0; i < z->n_ptr6; i++)
		if (k >= (z->ptr6[i].prefix + 3) / 4 && prefix_match(a, &z->ptr6[i].net, z->ptr6[i].prefix))
			return 1;
	return 0;
}

/* ip6.arpa (RFC 3596 2.5): 32 nibble labels, least significant first. A
 * known address is answered anywhere; the rest of a localPtr prefix is
 * ours (NXDOMAIN, or NODATA above an address); everything else upstream's. */
static enum dns_zone_result reverse6(const struct dns_zone *z, const uint8_t *name, size_t rel,
				     uint16_t qtype, struct dns_zone_answer *ans)
{
	const uint8_t *lab[DNS_NAME_MAX / 2];
	struct zaddr a = { .type = DNS_T_AAAA };
	unsigned n = 0, k = 0;
	struct zentry *e;
	int local;

	for (size_t i = 0; i < rel; i += 1 + name[i])
		lab[n++] = name + i;
	for (; k < n && k < 32; k++) { /* from the most significant nibble */
		int v = nibble(lab[n - 1 - k]);

		if (v < 0)
			break;
		a.ip6.s6_addr[k / 2] |= (uint8_t)(k % 2 ? v : v << 4);
	}
	local = local_ptr6(z, &a.ip6, k);
	if (k == 32 && n == 32) {
		e = name_of(z, &a);
		if (!e)
			return local ? DNS_ZONE_NXDOMAIN : DNS_ZONE_NOT_OURS;
		if (qtype != DNS_T_PTR && qtype != DNS_T_ANY)
			return DNS_ZONE_NODATA;
		ptr_target(z, e, ans);
		return DNS_ZONE_ANSWER;
	}
	if (!local)
		return DNS_ZONE_NOT_OURS;
	return k == n ? DNS_ZONE_NODATA : DNS_ZONE_NXDOMAIN;
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
	at = suffix_at(name, qlen, arpa6_suffix, ARPA6_LEN);
	if (at >= 0)
		return reverse6(z, name, at, qtype, ans);
	r = answer_name(z, name, qlen, qtype, ans, 1);
	if (r != DNS_ZONE_NXDOMAIN)
		return r;
	if (!z->domain_len)
		return DNS_ZONE_NOT_OURS;
	at = suffix_at(name, qlen, z->domain, z->domain_len);
	if (at < 0)
		return DNS_ZONE_NOT_OURS;
	if (at == 0) /* the domain itself */
		return z->forward_unknown ? DNS_ZONE_NOT_OURS : DNS_ZONE_NODATA;
	name[at] = 0; /* relative name: strip the domain */
	r = answer_name(z, name, at + 1, qtype, ans, 0);
	/* libvirt: <domain localOnly='no'> (its default) forwards the names it
	 * does not know */
	return r == DNS_ZONE_NXDOMAIN && z->forward_unknown ? DNS_ZONE_NOT_OURS : r;
}

void dns_zone_set_local_only(struct dns_zone *z, int local_only)
{
	z->forward_unknown = !local_only;
	z->gen++;
}

uint64_t dns_zone_generation(const struct dns_zone *z)
{
	return z->gen;
}

/* A configured record of another type than A: name, then its data. */
static int add_record(struct dns_zone *z, const char *name, uint16_t type,
		      const struct in6_addr *ip6, const uint8_t *rd, size_t rdlen)
{
	uint8_t key[DNS_NAME_MAX];
	int n = key_of(name, key);
	struct in_addr none = { 0 };
	struct zentry *e;

	if (n < 0)
		return n;
	evict_leases(z, key, n); /* as dns_zone_add: the operator's name wins */
	e = insert_typed(z, key, n, type, none, ip6, 0);
	if (!e)
		return -ENOMEM;
	if (rdlen) {
		e->rdata = malloc(rdlen);
		if (!e->rdata) {
			unlink_entry(z, e);
			return -ENOMEM;
		}
		memcpy(e->rdata, rd, rdlen);
		e->rdlen = (uint16_t)rdlen;
	}
	return 0;
}

int dns_zone_add6(struct dns_zone *z, const char *name, const struct in6_addr *ip6)
{
	return add_record(z, name, DNS_T_AAAA, ip6, NULL, 0);
}

/* RFC 2782: "_Service._Proto.Name TTL Class SRV Priority Weight Port Target" */
int dns_zone_add_srv(struct dns_zone *z, const char *service, const char *proto,
		     const char *domain, const char *target, unsigned port, unsigned priority,
		     unsigned weight)
{
	char owner[DNS_TEXT_MAX];
	uint8_t rd[6 + DNS_NAME_MAX];
	int n;

	if (!service[0] || !proto[0] || port > 0xffff || priority > 0xffff || weight > 0xffff)
		return -EINVAL;
	n = snprintf(owner, sizeof(owner), "%s%s.%s%s%s%s", service[0] == '_' ? "" : "_", service,
		     proto[0] == '_' ? "" : "_", proto, domain[0] ? "." : "", domain);
	if (n < 0 || (size_t)n >= sizeof(owner))
		return -EINVAL;
	rd[0] = (uint8_t)(priority >> 8), rd[1] = (uint8_t)priority;
	rd[2] = (uint8_t)(weight >> 8), rd[3] = (uint8_t)weight;
	rd[4] = (uint8_t)(port >> 8), rd[5] = (uint8_t)port;
	n = dns_name_from_text(target, rd + 6); /* "" = "." : no such service */
	if (n < 1)
		return -EINVAL;
	return add_record(z, owner, DNS_T_SRV, NULL, rd, 6 + (size_t)n);
}

/* RFC 1035 3.3.14: one or more <character-string>s of up to 255 bytes. */
int dns_zone_add_txt(struct dns_zone *z, const char *name, const char *value)
{
	size_t len = strlen(value), n = 0;
	uint8_t rd[1024];

	if (len + len / 255 + 1 > sizeof(rd))
		return -EINVAL;
	do {
		size_t chunk = len > 255 ? 255 : len;

		rd[n++] = (uint8_t)chunk;
		memcpy(rd + n, value, chunk);
		n += chunk;
		value += chunk;
		len -= chunk;
	} while (len);
	return add_record(z, name, DNS_T_TXT, NULL, rd, n);
}

/* ---- lease names (DHCP hostnames) ----------------------------------------- */

const char *dns_lease_name_str(enum dns_lease_name r)
{
	static const char *const s[] = {
#define X(e, str) #str,
		DNS_LEASE_NAME_RESULTS(X)
#undef X
	};

	return (unsigned)r < sizeof(s) / sizeof(s[0]) ? s[r] : "?";
}

int dns_lease_reserved(const char *label)
{
	static const char *const reserved[] = { "localhost", "localdomain", "local", "wpad",
						"isatap", "ip6-localhost", "ip6-loopback" };

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (!strcmp(label, reserved[i]))
			return 1;
	return 0;
}

/* RFC 1123 2.1 / RFC 952: letters, digits, hyphens; 1..63; no hyphen at
 * either end. (dnsmasq also takes '_': no hostname has one.) */
static int label_ok(const char *s, size_t len)
{
	if (len == 0 || len >= DNS_LEASE_LABEL_MAX || s[0] == '-' || s[len - 1] == '-')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return 0;
	}
	return 1;
}

enum dns_lease_name dns_zone_lease_label(const struct dns_zone *z, const char *hostname,
					 char label[DNS_LEASE_LABEL_MAX])
{
	uint8_t rest[DNS_NAME_MAX];
	const char *dot;
	size_t len;
	int n;

	label[0] = '\0';
	if (!hostname || !*hostname)
		return DNS_LEASE_NAME_NONE;
	dot = strchr(hostname, '.');
	len = dot ? (size_t)(dot - hostname) : strlen(hostname);
	if (!label_ok(hostname, len))
		return DNS_LEASE_NAME_INVALID;
	/* "label." is the label; "label.rest" only when rest is our domain */
	if (dot && dot[1]) {
		n = dns_name_from_text(dot + 1, rest);
		if (n <= 1 || !z->domain_len || (size_t)n != z->domain_len)
			return DNS_LEASE_NAME_OUTSIDE;
		dns_name_lower(rest, n);
		if (memcmp(rest, z->domain, n))
			return DNS_LEASE_NAME_OUTSIDE;
	}
	for (size_t i = 0; i < len; i++)
		label[i] = (char)(hostname[i] >= 'A' && hostname[i] <= 'Z' ? hostname[i] + 32 :
				  hostname[i]);
	label[len] = '\0';
	return DNS_LEASE_NAME_OK;
}

static struct zentry *lease_of(const struct dns_zone *z, const struct zaddr *a)
{
	for (struct zentry *e = z->by_ip[hash_addr(a)]; e; e = e->next_ip)
		if (e->lease && at_addr(e, a))
			return e;
	return NULL;
}

/* Who holds key: TAKEN (someone else), OK (a configured name of a itself:
 * published already), or NONE (free). The same guest's lease of the other
 * family (the same MAC) shares it. */
static enum dns_lease_name holder(const struct dns_zone *z, const uint8_t *key, size_t n,
				  const struct zaddr *a, const uint8_t *mac)
{
	enum dns_lease_name r = DNS_LEASE_NAME_NONE;

	for (struct zentry *e = z->by_name[hash_name(key, n)]; e; e = e->next_name) {
		if (e->name_len != n || memcmp(e->name, key, n))
			continue;
		if (at_addr(e, a)) {
			if (!e->lease)
				r = DNS_LEASE_NAME_OK;
			continue;
		}
		if (e->lease && mac && e->has_owner && e->type != a->type &&
		    !memcmp(e->owner, mac, 6))
			continue;
		return DNS_LEASE_NAME_TAKEN;
	}
	return r;
}

/* The label's owner, as a bare label and as label.<domain>. */
static enum dns_lease_name owner(const struct dns_zone *z, const uint8_t *key, size_t n,
				 const struct zaddr *ip, const uint8_t *mac)
{
	uint8_t fq[DNS_NAME_MAX];
	enum dns_lease_name a = holder(z, key, n, ip, mac), b = DNS_LEASE_NAME_NONE;

	if (z->domain_len && n - 1 + z->domain_len <= DNS_NAME_MAX) {
		memcpy(fq, key, n - 1);
		memcpy(fq + n - 1, z->domain, z->domain_len);
		b = holder(z, fq, n - 1 + z->domain_len, ip, mac);
	}
	if (a == DNS_LEASE_NAME_TAKEN || b == DNS_LEASE_NAME_TAKEN)
		return DNS_LEASE_NAME_TAKEN;
	return a == DNS_LEASE_NAME_OK || b == DNS_LEASE_NAME_OK ? DNS_LEASE_NAME_OK :
								  DNS_LEASE_NAME_NONE;
}

/* One implementation of the lease rules for both families. */
static enum dns_lease_name lease_set(struct dns_zone *z, const struct zaddr *a,
				     const uint8_t *mac, const char *hostname)
{
	char label[DNS_LEASE_LABEL_MAX];
	enum dns_lease_name r = dns_zone_lease_label(z, hostname, label);
	struct zentry *old = lease_of(z, a), *e;
	uint8_t key[DNS_NAME_MAX];
	int n = r == DNS_LEASE_NAME_OK ? key_of(label, key) : -EINVAL;

	if (n > 0 && old && old->name_len == (size_t)n && !memcmp(old->name, key, n))
		return DNS_LEASE_NAME_OK; /* a renewal: nothing changes */
	if (old)
		unlink_entry(z, old);
	if (r != DNS_LEASE_NAME_OK)
		return r;
	if (n < 0)
		return DNS_LEASE_NAME_INVALID;
	if (dns_lease_reserved(label))
		return DNS_LEASE_NAME_RESERVED;
	r = owner(z, key, n, a, mac);
	if (r != DNS_LEASE_NAME_NONE)
		return r; /* TAKEN, or OK: configured for the address already */
	e = insert_typed(z, key, n, a->type, a->ip, &a->ip6, 1);
	if (!e)
		return DNS_LEASE_NAME_NOMEM;
	if (mac) {
		memcpy(e->owner, mac, 6);
		e->has_owner = 1;
	}
	return DNS_LEASE_NAME_OK;
}

enum dns_lease_name dns_zone_lease_set_owner(struct dns_zone *z, struct in_addr ip,
					     const uint8_t *mac, const char *hostname)
{
	struct zaddr a = { .type = DNS_T_A, .ip = ip };

	return lease_set(z, &a, mac, hostname);
}

enum dns_lease_name dns_zone_lease_set(struct dns_zone *z, struct in_addr ip,
				       const char *hostname)
{
	return dns_zone_lease_set_owner(z, ip, NULL, hostname);
}

enum dns_lease_name dns_zone_lease6_set(struct dns_zone *z, const struct in6_addr *ip,
					const uint8_t *mac, const char *hostname)
{
	struct zaddr a = { .type = DNS_T_AAAA, .ip6 = *ip };

	return lease_set(z, &a, mac, hostname);
}

static void lease_clear(struct dns_zone *z, const struct zaddr *a)
{
	struct zentry *old = lease_of(z, a);

	if (old)
		unlink_entry(z, old);
}

void dns_zone_lease_clear(struct dns_zone *z, struct in_addr ip)
{
	struct zaddr a = { .type = DNS_T_A, .ip = ip };

	lease_clear(z, &a);
}

void dns_zone_lease6_clear(struct dns_zone *z, const struct in6_addr *ip)
{
	struct zaddr a = { .type = DNS_T_AAAA, .ip6 = *ip };

	lease_clear(z, &a);
}

size_t dns_zone_lease_count(const struct dns_zone *z)
{
	return z->leases;
}

int dns_zone_local_ptr6(struct dns_zone *z, const struct in6_addr *net, unsigned prefix)
{
	struct in6_addr m = { 0 };

	if (prefix > 128)
		return -EINVAL;
	if (z->n_ptr6 == DNS_ZONE_MAX_PTR6)
		return -ENOSPC;
	for (unsigned i = 0; i < prefix; i++)
		m.s6_addr[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	for (unsigned i = 0; i < 16; i++)
		m.s6_addr[i] &= net->s6_addr[i];
	z->ptr6[z->n_ptr6].net = m;
	z->ptr6[z->n_ptr6++].prefix = prefix;
	z->gen++;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int dns_duid_mac(const char *duid, uint8_t mac[6])
{
	uint8_t b[130];
	size_t n = 0;
	unsigned type, off;

	while (*duid && n < sizeof(b)) {
		int hi = hexval(duid[0]), lo = hi < 0 ? -1 : hexval(duid[1]);

		if (lo < 0 || (duid[2] && duid[2] != ':'))
			return -1;
		b[n++] = (uint8_t)(hi << 4 | lo);
		duid += duid[2] ? 3 : 2;
	}
	if (*duid || n < 4 || b[2] != 0 || b[3] != 1) /* hardware type 1: Ethernet */
		return -1;
	type = (unsigned)b[0] << 8 | b[1];
	off = type == 1 ? 8 : type == 3 ? 4 : 0; /* DUID-LLT: + 4 bytes of time */
	if (!off || n != off + 6)
		return -1;
	memcpy(mac, b + off, 6);
	return 0;
}
