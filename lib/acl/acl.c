/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACLs: the XML form and the command-line rule form. Both go through one
 * attribute setter (rule_set), so a rule means the same either way. Input
 * is untrusted (a file vnetctl sends, a stored file): every value is
 * checked, errors are one line naming the attribute. */
#include "acl/acl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* User text in a message: printable, bounded. */
static const char *quote(const char *in, char out[68])
{
	size_t i;

	for (i = 0; in[i] && i < 64; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	if (in[i])
		memcpy(out + i, "...", 3), i += 3;
	out[i] = '\0';
	return out;
}

int acl_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= ACL_NAME_MAX || name[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

void acl_rule_init(struct acl_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->action = ACL_ALLOW;
	r->dir = ACL_INOUT;
	r->sport_hi = r->dport_hi = 65535;
	r->icmp_type = -1;
}

/* A decimal number within [0, max], the whole string. */
static int number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s < '0' || *s > '9' || strlen(s) > 10)
		return -1;
	*v = strtoul(s, &end, 10);
	return *end || *v > max ? -1 : 0;
}

static int parse_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[16];
	const char *dash = strchr(s, '-');
	unsigned long a, b;

	if (strlen(s) >= sizeof(buf))
		return -1;
	if (!dash) {
		if (number(s, 65535, &a))
			return -1;
		*lo = *hi = (uint16_t)a;
		return 0;
	}
	memcpy(buf, s, (size_t)(dash - s));
	buf[dash - s] = '\0';
	if (number(buf, 65535, &a) || number(dash + 1, 65535, &b) || a > b)
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* "A.B.C.D[/N]", "X:Y::Z[/N]" or "any"; host bits are cleared. */
static int parse_prefix(const char *s, struct acl_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	unsigned long len;

	memset(p, 0, sizeof(*p));
	if (!strcmp(s, "any") || !strcmp(s, ""))
		return 0;
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, &p->v4) == 1) {
		p->family = AF_INET;
		if (slash && number(slash, 32, &len))
			return -1;
		p->len = slash ? (uint8_t)len : 32;
		if (p->len < 32)
			p->v4.s_addr &= htonl(p->len ? ~0u << (32 - p->len) : 0);
		return 0;
	}
	if (inet_pton(AF_INET6, buf, &p->v6) == 1) {
		p->family = AF_INET6;
		if (slash && number(slash, 128, &len))
			return -1;
		p->len = slash ? (uint8_t)len : 128;
		for (unsigned i = p->len; i < 128; i++)
			p->v6.s6_addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
		return 0;
	}
	return -1;
}

static int rule_set(struct acl_rule *r, const char *key, const char *v, char *err, size_t errlen)
{
	char q[68];
	unsigned long n;

	if (!strcmp(key, "action")) {
		if (!strcmp(v, "allow") || !strcmp(v, "accept"))
			r->action = ACL_ALLOW;
		else if (!strcmp(v, "drop") || !strcmp(v, "reject"))
			r->action = ACL_DROP;
		else
			return fail(err, errlen, "action '%s': allow or drop", quote(v, q));
	} else if (!strcmp(key, "direction") || !strcmp(key, "dir")) {
		if (!strcmp(v, "in"))
			r->dir = ACL_IN;
		else if (!strcmp(v, "out"))
			r->dir = ACL_OUT;
		else if (!strcmp(v, "inout"))
			r->dir = ACL_INOUT;
		else
			return fail(err, errlen, "direction '%s': in, out or inout", quote(v, q));
	} else if (!strcmp(key, "proto") || !strcmp(key, "protocol")) {
		if (!strcmp(v, "tcp"))
			r->proto = IPPROTO_TCP;
		else if (!strcmp(v, "udp"))
			r->proto = IPPROTO_UDP;
		else if (!strcmp(v, "icmp"))
			r->proto = IPPROTO_ICMP;
		else if (!strcmp(v, "icmpv6") || !strcmp(v, "icmp6"))
			r->proto = IPPROTO_ICMPV6;
		else if (!strcmp(v, "any") || !strcmp(v, "all"))
			r->proto = 0;
		else
			return fail(err, errlen, "proto '%s': tcp, udp, icmp, icmpv6 or any",
				    quote(v, q));
	} else if (!strcmp(key, "src") || !strcmp(key, "dst")) {
		if (parse_prefix(v, key[0] == 's' ? &r->src : &r->dst))
			return fail(err, errlen, "%s '%s': an address or prefix (10.0.0.0/8)", key,
				    quote(v, q));
	} else if (!strcmp(key, "sport") || !strcmp(key, "dport")) {
		if (key[0] == 's' ? parse_range(v, &r->sport_lo, &r->sport_hi) :
				    parse_range(v, &r->dport_lo, &r->dport_hi))
			return fail(err, errlen, "%s '%s': a port or range (1000-2000)", key,
				    quote(v, q));
	} else if (!strcmp(key, "icmpType") || !strcmp(key, "icmp-type")) {
		if (number(v, 255, &n))
			return fail(err, errlen, "icmpType '%s': 0-255", quote(v, q));
		r->icmp_type = (int)n;
	} else {
		return fail(err, errlen, "unknown rule attribute '%s'", quote(key, q));
	}
	return 0;
}

static int rule_check(const struct acl_rule *r, char *err, size_t errlen)
{
	int ports = r->sport_lo || r->sport_hi != 65535 || r->dport_lo || r->dport_hi != 65535;
	int fam = r->src.family ? r->src.family : r->dst.family;

	if (ports && r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)
		return fail(err, errlen, "ports need proto tcp or udp");
	if (r->icmp_type >= 0 && r->proto != IPPROTO_ICMP && r->proto != IPPROTO_ICMPV6)
		return fail(err, errlen, "icmpType needs proto icmp or icmpv6");
	if (r->src.family && r->dst.family && r->src.family != r->dst.family)
		return fail(err, errlen, "src and dst of different address families");
	/* a rule that could match no packet is a mistake, not a rule */
	if (r->proto == IPPROTO_ICMP && fam == AF_INET6)
		return fail(err, errlen, "proto icmp with an IPv6 address: icmpv6");
	if (r->proto == IPPROTO_ICMPV6 && fam == AF_INET)
		return fail(err, errlen, "proto icmpv6 with an IPv4 address: icmp");
	return 0;
}

int acl_rule_parse(int n, const char *const *words, struct acl_rule *r, char *err, size_t errlen)
{
	char key[32], q[68];
	int e;

	acl_rule_init(r);
	for (int i = 0; i < n; i++) {
		const char *eq = strchr(words[i], '=');
		const char *w = words[i];

		/* bare words: the action, direction and protocol (acl_rule_format) */
		if (!eq) {
			const char *key = !strcmp(w, "allow") || !strcmp(w, "drop") ||
						  !strcmp(w, "accept") || !strcmp(w, "reject") ? "action" :
					  !strcmp(w, "in") || !strcmp(w, "out") || !strcmp(w, "inout") ? "dir" :
					  !strcmp(w, "tcp") || !strcmp(w, "udp") || !strcmp(w, "icmp") ||
						  !strcmp(w, "icmpv6") || !strcmp(w, "icmp6") ||
						  !strcmp(w, "any") ? "proto" : NULL;

			if (!key)
				return fail(err, errlen, "rule word '%s': allow|drop, in|out|inout, "
					    "tcp|udp|icmp|icmpv6|any or KEY=VALUE", quote(w, q));
			if ((e = rule_set(r, key, w, err, errlen)))
				return e;
			continue;
		}
		if ( (size_t)(eq - words[i]) >= sizeof(key))
			return fail(err, errlen, "rule word '%s': KEY=VALUE", quote(words[i], q));
		memcpy(key, words[i], (size_t)(eq - words[i]));
		key[eq - words[i]] = '\0';
		if ((e = rule_set(r, key, eq + 1, err, errlen)))
			return e;
	}
	return rule_check(r, err, errlen);
}

static void prefix_str(const struct acl_prefix *p, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(p->family, p->family == AF_INET ? (const void *)&p->v4 : (const void *)&p->v6,
		  a, sizeof(a));
	if ((p->family == AF_INET && p->len == 32) || (p->family == AF_INET6 && p->len == 128))
		snprintf(buf, n, "%s", a);
	else
		snprintf(buf, n, "%s/%u", a, p->len);
}

static void range_str(uint16_t lo, uint16_t hi, char *buf, size_t n)
{
	if (lo == hi)
		snprintf(buf, n, "%u", lo);
	else
		snprintf(buf, n, "%u-%u", lo, hi);
}

static const char *proto_str(uint8_t p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : p == IPPROTO_ICMP ? "icmp" :
	       p == IPPROTO_ICMPV6 ? "icmpv6" : "any";
}

static const char *dir_str(uint8_t d)
{
	return d == ACL_IN ? "in" : d == ACL_OUT ? "out" : "inout";
}

/* Calls put(key, value) for each attribute that differs from the default. */
static void rule_attrs(const struct acl_rule *r, void (*put)(void *, const char *, const char *),
		       void *ctx)
{
	char b[64];

	put(ctx, "action", r->action == ACL_DROP ? "drop" : "allow");
	put(ctx, "direction", dir_str(r->dir));
	put(ctx, "proto", proto_str(r->proto));
	if (r->src.family)
		prefix_str(&r->src, b, sizeof(b)), put(ctx, "src", b);
	if (r->dst.family)
		prefix_str(&r->dst, b, sizeof(b)), put(ctx, "dst", b);
	if (r->sport_lo || r->sport_hi != 65535)
		range_str(r->sport_lo, r->sport_hi, b, sizeof(b)), put(ctx, "sport", b);
	if (r->dport_lo || r->dport_hi != 65535)
		range_str(r->dport_lo, r->dport_hi, b, sizeof(b)), put(ctx, "dport", b);
	if (r->icmp_type >= 0)
		snprintf(b, sizeof(b), "%d", r->icmp_type), put(ctx, "icmpType", b);
}

struct linebuf {
	char *buf;
	size_t n, used;
};

static void put_word(void *ctx, const char *k, const char *v)
{
	struct linebuf *l = ctx;
	int w;

	if (!strcmp(k, "action") || !strcmp(k, "direction") || !strcmp(k, "proto"))
		w = snprintf(l->buf + l->used, l->n - l->used, "%s%s", l->used ? " " : "", v);
	else
		w = snprintf(l->buf + l->used, l->n - l->used, " %s=%s", k, v);
	if (w > 0 && l->used + (size_t)w < l->n)
		l->used += (size_t)w;
}

void acl_rule_format(const struct acl_rule *r, char *buf, size_t n)
{
	struct linebuf l = { buf, n, 0 };

	if (n)
		buf[0] = '\0';
	rule_attrs(r, put_word, &l);
}

static void put_attr(void *ctx, const char *k, const char *v)
{
	xmlNewProp(ctx, BAD_CAST k, BAD_CAST v);
}

char *acl_format_xml(const struct acl *a)
{
	xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNode *root = xmlNewNode(NULL, BAD_CAST "acl");
	xmlChar *mem = NULL;
	char *out = NULL;
	int len = 0;

	if (!doc || !root) {
		xmlFreeDoc(doc);
		xmlFreeNode(root);
		return NULL;
	}
	xmlDocSetRootElement(doc, root);
	xmlNewProp(root, BAD_CAST "xmlns", BAD_CAST ACL_NS);
	xmlNewProp(root, BAD_CAST "name", BAD_CAST a->name);
	xmlNewProp(root, BAD_CAST "default", BAD_CAST(a->dflt == ACL_DROP ? "drop" : "allow"));
	for (size_t i = 0; i < a->n_rules; i++) {
		xmlNode *r = xmlNewChild(root, NULL, BAD_CAST "rule", NULL);

		if (r)
			rule_attrs(&a->rules[i], put_attr, r);
	}
	xmlDocDumpFormatMemory(doc, &mem, &len, 1);
	xmlFreeDoc(doc);
	if (!mem)
		return NULL;
	/* without the <?xml?> declaration, as net-dumpxml prints */
	{
		const char *s = (const char *)mem, *nl = strstr(s, "?>\n");

		out = strdup(nl ? nl + 3 : s);
	}
	xmlFree(mem);
	return out;
}

static int parse_rule(struct acl *a, xmlNode *node, char *err, size_t errlen)
{
	struct acl_rule *r;
	int e;

	if (a->n_rules >= ACL_MAX_RULES)
		return fail(err, errlen, "more than %d rules", ACL_MAX_RULES);
	r = &a->rules[a->n_rules];
	acl_rule_init(r);
	for (xmlAttr *at = node->properties; at; at = at->next) {
		xmlChar *v = xmlNodeListGetString(node->doc, at->children, 1);

		e = rule_set(r, (const char *)at->name, v ? (const char *)v : "", err, errlen);
		xmlFree(v);
		if (e) {
			size_t l = err ? strlen(err) : 0;

			if (err && l + 1 < errlen)
				snprintf(err + l, errlen - l, " (rule %zu)", a->n_rules);
			return e;
		}
	}
	if ((e = rule_check(r, err, errlen))) {
		size_t l = err ? strlen(err) : 0;

		if (err && l + 1 < errlen)
			snprintf(err + l, errlen - l, " (rule %zu)", a->n_rules);
		return e;
	}
	a->n_rules++;
	return 0;
}

static int parse_root(struct acl *a, xmlNode *root, char *err, size_t errlen)
{
	char q[68];
	int e;

	if (strcmp((const char *)root->name, "acl"))
		return fail(err, errlen, "root element <%s>: expected <acl>",
			    quote((const char *)root->name, q));
	a->dflt = ACL_ALLOW;
	for (xmlAttr *at = root->properties; at; at = at->next) {
		xmlChar *x = xmlNodeListGetString(root->doc, at->children, 1);
		const char *v = x ? (const char *)x : "";

		e = 0;
		if (!strcmp((const char *)at->name, "name")) {
			if (!acl_name_ok(v))
				e = fail(err, errlen, "bad ACL name '%s'", quote(v, q));
			else
				snprintf(a->name, sizeof(a->name), "%s", v);
		} else if (!strcmp((const char *)at->name, "default")) {
			if (!strcmp(v, "allow") || !strcmp(v, "accept"))
				a->dflt = ACL_ALLOW;
			else if (!strcmp(v, "drop") || !strcmp(v, "reject"))
				a->dflt = ACL_DROP;
			else
				e = fail(err, errlen, "default '%s': allow or drop", quote(v, q));
		} else {
			e = fail(err, errlen, "unknown attribute '%s' in <acl>",
				 quote((const char *)at->name, q));
		}
		xmlFree(x);
		if (e)
			return e;
	}
	if (!a->name[0])
		return fail(err, errlen, "missing attribute 'name' in <acl>");
	for (xmlNode *c = root->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_COMMENT_NODE)
			continue;
		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "rule"))
			return fail(err, errlen, "unsupported element <%s> in <acl>",
				    quote((const char *)c->name, q));
		if ((e = parse_rule(a, c, err, errlen)))
			return e;
	}
	return 0;
}

int acl_parse_xml(const char *xml, size_t len, struct acl **ret, char *err, size_t errlen)
{
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	xmlParserCtxt *ctxt;
	xmlDoc *doc;
	xmlNode *root;
	struct acl *a;
	int r;

	*ret = NULL;
	if (err && errlen)
		err[0] = '\0';
	while (xml && len && !xml[len - 1])
		len--;
	if (!xml || !len)
		return fail(err, errlen, "empty XML document");
	if (len > ACL_XML_MAX)
		return fail(err, errlen, "XML document too large (%zu bytes)", len);
	if (memchr(xml, '\0', len))
		return fail(err, errlen, "NUL byte in XML document");
	if (memmem(xml, len, "<!DOCTYPE", 9) || memmem(xml, len, "<!ENTITY", 8))
		return fail(err, errlen, "DOCTYPE and entity declarations are not allowed");
	if (!(ctxt = xmlNewParserCtxt()))
		return -ENOMEM;
	if (!(a = calloc(1, sizeof(*a)))) {
		xmlFreeParserCtxt(ctxt);
		return -ENOMEM;
	}
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, "acl.xml", "UTF-8", opts);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char q[68];

		r = fail(err, errlen, "XML parse error at line %d: %s", e ? e->line : 0,
			 e && e->message ? quote(e->message, q) : "?");
	} else if (doc->intSubset || doc->extSubset) {
		r = fail(err, errlen, "DOCTYPE and entity declarations are not allowed");
	} else if (!(root = xmlDocGetRootElement(doc))) {
		r = fail(err, errlen, "empty XML document");
	} else {
		r = parse_root(a, root, err, errlen);
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	if (r) {
		free(a);
		return r;
	}
	*ret = a;
	return 0;
}

int acl_rule_insert(struct acl *a, size_t at, const struct acl_rule *r, char *err, size_t errlen)
{
	if (a->n_rules >= ACL_MAX_RULES)
		return fail(err, errlen, "ACL %s has %d rules already", a->name, ACL_MAX_RULES);
	if (at > a->n_rules)
		at = a->n_rules;
	memmove(&a->rules[at + 1], &a->rules[at], (a->n_rules - at) * sizeof(*r));
	a->rules[at] = *r;
	a->n_rules++;
	return 0;
}

int acl_rule_remove(struct acl *a, size_t at, char *err, size_t errlen)
{
	if (at >= a->n_rules)
		return fail(err, errlen, "ACL %s has no rule %zu (0..%zu)", a->name, at,
			    a->n_rules ? a->n_rules - 1 : 0);
	memmove(&a->rules[at], &a->rules[at + 1], (a->n_rules - at - 1) * sizeof(a->rules[0]));
	a->n_rules--;
	return 0;
}
