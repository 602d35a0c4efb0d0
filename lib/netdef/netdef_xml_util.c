/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the netdef XML element parsers: strict attribute and
 * text access, child dispatch, and error lines that name the line. */
#include "netdef_xml_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

unsigned nx_line(const xmlNode *node)
{
	long l = node ? xmlGetLineNo(node) : 0;

	return l > 0 && l < 10000000 ? (unsigned)l : 0;
}

int nx_fail(struct nx *nx, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nx->n_err++;
	if (nx->n_err <= NX_MAX_ERRORS)
		netdef_err_append(nx->err, nx->errlen, nx_line(nx->cur), msg);
	return -EINVAL;
}

int nx_refuse(struct nx *nx, xmlNode *node, const char *why)
{
	(void)node;
	return nx_fail(nx, "%s", why);
}

/* Values come from the user: keep each message one printable line. */
const char *nx_quote(const char *in, char out[NX_QUOTE_MAX + 4])
{
	size_t i;

	for (i = 0; in[i] && i < NX_QUOTE_MAX; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	if (in[i])
		memcpy(out + i, "...", 3), i += 3;
	out[i] = '\0';
	return out;
}

static const char *elem(const xmlNode *node)
{
	return (const char *)node->name;
}

/* Every unknown attribute is named (not just the first). */
int nx_attrs(struct nx *nx, xmlNode *node, const char *const *allowed)
{
	const xmlAttr *a;
	size_t i;
	int r = 0;

	for (a = node->properties; a; a = a->next) {
		if (a->ns) {
			r = nx_fail(nx, "unsupported attribute '%.32s:%.40s' in <%.40s>",
				    (const char *)a->ns->prefix, (const char *)a->name, elem(node));
			continue;
		}
		for (i = 0; allowed && allowed[i]; i++)
			if (!strcmp((const char *)a->name, allowed[i]))
				break;
		if (!allowed || !allowed[i])
			r = nx_fail(nx, "unsupported attribute '%.40s' in <%.40s>",
				    (const char *)a->name, elem(node));
	}
	return r;
}

int nx_attr(struct nx *nx, xmlNode *node, const char *name, char *buf, size_t size,
	    int required)
{
	xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
	char q[NX_QUOTE_MAX + 4];
	size_t len;

	if (!v) {
		if (required)
			return nx_fail(nx, "missing attribute '%s' in <%s>", name, elem(node));
		return 0;
	}
	len = strlen((const char *)v);
	if (len >= size) {
		nx_fail(nx, "value '%s' too long in <%s %s> (max %zu characters)",
			nx_quote((const char *)v, q), elem(node), name, size - 1);
		xmlFree(v);
		return -EINVAL;
	}
	memcpy(buf, v, len + 1);
	xmlFree(v);
	return 1;
}

int nx_attr_ipv4(struct nx *nx, xmlNode *node, const char *name, struct in_addr *out,
		 int required)
{
	char buf[64], q[NX_QUOTE_MAX + 4];
	int r = nx_attr(nx, node, name, buf, sizeof(buf), required);

	if (r <= 0)
		return r;
	/* inet_pton is strict: exactly four decimal parts, no octal/hex forms. */
	if (inet_pton(AF_INET, buf, out) != 1)
		return nx_fail(nx, "invalid IPv4 address '%s' in <%s %s>", nx_quote(buf, q),
			       elem(node), name);
	return 1;
}

int nx_attr_ipv6(struct nx *nx, xmlNode *node, const char *name, struct in6_addr *out,
		 int required)
{
	char buf[64], q[NX_QUOTE_MAX + 4];
	int r = nx_attr(nx, node, name, buf, sizeof(buf), required);

	if (r <= 0)
		return r;
	if (inet_pton(AF_INET6, buf, out) != 1)
		return nx_fail(nx, "invalid IPv6 address '%s' in <%s %s>", nx_quote(buf, q),
			       elem(node), name);
	return 1;
}

int nx_attr_addr(struct nx *nx, xmlNode *node, const char *name, struct netdef_addr *out,
		 int required)
{
	char buf[64], q[NX_QUOTE_MAX + 4];
	int r = nx_attr(nx, node, name, buf, sizeof(buf), required);

	if (r <= 0)
		return r;
	if (inet_pton(AF_INET, buf, &out->v4) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &out->v6) == 1)
		out->family = AF_INET6;
	else
		return nx_fail(nx, "invalid IP address '%s' in <%s %s>", nx_quote(buf, q),
			       elem(node), name);
	return 1;
}

int nx_attr_uint(struct nx *nx, xmlNode *node, const char *name, unsigned long max,
		 unsigned long *out, int required)
{
	char buf[32], q[NX_QUOTE_MAX + 4];
	unsigned long v = 0;
	int r = nx_attr(nx, node, name, buf, sizeof(buf), required);
	size_t i;

	if (r <= 0)
		return r;
	for (i = 0; buf[i] >= '0' && buf[i] <= '9'; i++) {
		v = v * 10 + (unsigned long)(buf[i] - '0');
		if (v > max)
			break;
	}
	if (!i || buf[i] || v > max)
		return nx_fail(nx, "invalid number '%s' in <%s %s> (0..%lu)", nx_quote(buf, q),
			       elem(node), name, max);
	*out = v;
	return 1;
}

int nx_attr_u64(struct nx *nx, xmlNode *node, const char *name, uint64_t *out)
{
	unsigned long v = 0;
	/* 2^40 kB/s is far beyond any link; keeps products in range */
	int r = nx_attr_uint(nx, node, name, 1ul << 40, &v, 0);

	if (r > 0)
		*out = v;
	return r;
}

int nx_attr_tri(struct nx *nx, xmlNode *node, const char *name, enum netdef_tri *out,
		int onoff)
{
	const char *y = onoff ? "on" : "yes", *n = onoff ? "off" : "no";
	char buf[8], q[NX_QUOTE_MAX + 4];
	int r = nx_attr(nx, node, name, buf, sizeof(buf), 0);

	if (r <= 0)
		return r;
	if (!strcmp(buf, y))
		*out = NETDEF_YES;
	else if (!strcmp(buf, n))
		*out = NETDEF_NO;
	else
		return nx_fail(nx, "invalid %s '%s' in <%s> (%s or %s)", name, nx_quote(buf, q),
			       elem(node), y, n);
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* Exactly six colon-separated hex pairs (either case). */
int nx_attr_mac(struct nx *nx, xmlNode *node, const char *name, uint8_t mac[6], int required)
{
	char buf[32], q[NX_QUOTE_MAX + 4];
	int r, i, hi, lo;

	if ((r = nx_attr(nx, node, name, buf, sizeof(buf), required)) <= 0)
		return r;
	for (i = 0; i < 6; i++) {
		hi = hexval(buf[i * 3]);
		lo = hi < 0 ? -1 : hexval(buf[i * 3 + 1]);
		if (lo < 0 || buf[i * 3 + 2] != (i < 5 ? ':' : '\0'))
			return nx_fail(nx, "invalid MAC address '%s' in <%s %s>", nx_quote(buf, q),
				       elem(node), name);
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int append_text(struct nx *nx, xmlNode *node, const char *s, char *buf, size_t size,
		       size_t *len)
{
	size_t n = strlen(s);

	if (n >= size - *len)
		return nx_fail(nx, "<%s> too long (max %zu characters)", elem(node), size - 1);
	memcpy(buf + *len, s, n + 1);
	*len += n;
	return 0;
}

int nx_text(struct nx *nx, xmlNode *node, char *buf, size_t size)
{
	size_t len = 0, start = 0;
	xmlNode *c;
	int r;

	buf[0] = '\0';
	if ((r = nx_attrs(nx, node, NULL)) < 0)
		return r;
	for (c = node->children; c; c = c->next) {
		if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
			continue;
		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
			return nx_fail(nx, "unsupported element <%.40s> in <%s>", elem(c),
				       elem(node));
		if ((r = append_text(nx, node, (const char *)c->content, buf, size, &len)) < 0) {
			memset(buf, 0, size);
			return r;
		}
	}
	while (len && is_space(buf[len - 1]))
		buf[--len] = '\0';
	while (is_space(buf[start]))
		start++;
	memmove(buf, buf + start, len - start + 1);
	memset(buf + len - start, 0, start + 1); /* the struct must compare equal */
	if (!buf[0])
		return nx_fail(nx, "empty <%s>", elem(node));
	return 0;
}

static int text_is_blank(const xmlNode *c)
{
	const char *s = (const char *)c->content;

	while (s && *s && is_space(*s))
		s++;
	return !s || !*s;
}

static int is_vnet_ns(const xmlNode *c)
{
	return c->ns && c->ns->href && !strcmp((const char *)c->ns->href, NETDEF_VNET_NS);
}

static int dispatch(struct nx *nx, xmlNode *parent, xmlNode *c, const struct nx_rule *rules,
		    size_t n, unsigned long *seen)
{
	int vnet = is_vnet_ns(c);
	size_t i;

	if (c->ns && c->ns->href &&
	    !strcmp((const char *)c->ns->href, "http://libvirt.org/schemas/network/dnsmasq/1.0"))
		return nx_fail(nx, "<dnsmasq:%.40s> is not supported: vnet does not run dnsmasq; "
			       "use <dns> and <dhcp> (<dhcp><option> for raw DHCP options)",
			       elem(c));
	if (c->ns && !vnet)
		return nx_fail(nx, "unsupported element <%.32s:%.40s> in <%s>",
			       c->ns->prefix ? (const char *)c->ns->prefix : "", elem(c),
			       elem(parent));
	for (i = 0; i < n; i++)
		if (!strcmp(elem(c), rules[i].name) && rules[i].vnet == vnet)
			break;
	if (i == n)
		return nx_fail(nx, "unsupported element <%s%.40s> in <%s>", vnet ? "vnet:" : "",
			       elem(c), elem(parent));
	if (rules[i].once && (*seen & (1ul << i)))
		return nx_fail(nx, "duplicate <%s> in <%s>", elem(c), elem(parent));
	*seen |= 1ul << i;
	return rules[i].fn ? rules[i].fn(nx, c) : 0;
}

int nx_children(struct nx *nx, xmlNode *node, const struct nx_rule *rules, size_t n)
{
	xmlNode *c, *saved = nx->cur;
	unsigned long seen = 0;
	int r, ret = 0;

	for (c = node->children; c; c = c->next) {
		if (nx->n_err >= NX_MAX_ERRORS)
			return -EINVAL;
		switch (c->type) {
		case XML_ELEMENT_NODE:
			nx->cur = c;
			r = dispatch(nx, node, c, rules, n, &seen);
			nx->cur = saved;
			if (r == -ENOMEM)
				return r;
			if (r < 0)
				ret = r;
			break;
		case XML_TEXT_NODE:
			if (!text_is_blank(c))
				ret = nx_fail(nx, "unexpected text in <%s>", elem(node));
			break;
		case XML_COMMENT_NODE:
		case XML_PI_NODE:
			break;
		default: /* CDATA, entity references, ... */
			ret = nx_fail(nx, "unexpected content in <%s>", elem(node));
		}
	}
	return ret;
}
