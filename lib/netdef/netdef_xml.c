/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parse the supported subset of libvirt's network XML (docs/network-xml.md)
 * into a struct netdef. Everything outside the subset is refused with one
 * line naming it; the XML itself may come from an unprivileged client, so
 * no DTD, no entities, no network and a hard size limit. */
#include "netdef_xml_priv.h"

#include <ctype.h>
#include <errno.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define NETDEF_XML_MAX (1024 * 1024)

static int parse_name(struct nx *nx, xmlNode *node)
{
	return nx_text(nx, node, nx->def->name, sizeof(nx->def->name));
}

/* Accept 8-4-4-4-12 hex or 32 bare hex digits; store canonical lower case. */
static int parse_uuid(struct nx *nx, xmlNode *node)
{
	char buf[64], q[NX_QUOTE_MAX + 4];
	char *out = nx->def->uuid;
	size_t i, o = 0, len;
	int r;

	if ((r = nx_text(nx, node, buf, sizeof(buf))) < 0)
		return r;
	len = strlen(buf);
	for (i = 0; i < len && o < 36; i++) {
		if (o == 8 || o == 13 || o == 18 || o == 23) {
			out[o++] = '-';
			if (len == 36 && buf[i] == '-')
				continue;
		}
		if (!isxdigit((unsigned char)buf[i]))
			break;
		out[o++] = (char)tolower((unsigned char)buf[i]);
	}
	out[o] = '\0';
	if ((len != 32 && len != 36) || i != len || o != 36) {
		memset(nx->def->uuid, 0, sizeof(nx->def->uuid));
		return nx_fail(nx, "invalid UUID '%s' in <uuid>", nx_quote(buf, q));
	}
	return 0;
}

static int parse_nat_port(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "start", "end", NULL };
	unsigned long start = 0, end = 0;
	int r;

	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_uint(nx, node, "start", 65535, &start, 1)) < 0 ||
	    (r = nx_attr_uint(nx, node, "end", 65535, &end, 1)) < 0)
		return r;
	if (!start || start > end)
		return nx_fail(nx, "invalid <nat><port> range %lu-%lu", start, end);
	return nx_children(nx, node, NULL, 0);
}

/* <nat> tunes libvirt's masquerade source ports; vnet checks and ignores it. */
static int parse_nat(struct nx *nx, xmlNode *node)
{
	static const struct nx_rule rules[] = { { "port", parse_nat_port, 1 } };
	int r;

	if (nx->def->mode != NETDEF_MODE_NAT)
		return nx_fail(nx, "<nat> is only valid in <forward mode='nat'>");
	if ((r = nx_attrs(nx, node, NULL)) < 0)
		return r;
	return nx_children(nx, node, rules, 1);
}

static int parse_proto(struct nx *nx, xmlNode *node, uint8_t *proto)
{
	char buf[8], q[NX_QUOTE_MAX + 4];
	int r = nx_attr(nx, node, "proto", buf, sizeof(buf), 1);

	if (r < 0)
		return r;
	if (!strcmp(buf, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(buf, "udp"))
		*proto = IPPROTO_UDP;
	else
		return nx_fail(nx, "invalid proto '%s' in <portForward> (tcp or udp)",
			       nx_quote(buf, q));
	return 0;
}

/* vnet extension: host port -> guest ip:port (toPort defaults to port). */
static int parse_port_forward(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "proto", "port", "to", "toPort", NULL };
	struct netdef *def = nx->def;
	struct netdef_port_forward *pf = &def->port_forwards[def->n_port_forwards];
	unsigned long port = 0, to_port = 0;
	int r;

	if (def->n_port_forwards >= NETDEF_MAX_PORT_FORWARDS)
		return nx_fail(nx, "too many <portForward> (max %d)", NETDEF_MAX_PORT_FORWARDS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 || (r = parse_proto(nx, node, &pf->proto)) < 0 ||
	    (r = nx_attr_uint(nx, node, "port", 65535, &port, 1)) < 0 ||
	    (r = nx_attr_ipv4(nx, node, "to", &pf->guest_ip, 1)) < 0 ||
	    (r = nx_attr_uint(nx, node, "toPort", 65535, &to_port, 0)) < 0)
		return r;
	pf->host_port = (uint16_t)port;
	pf->guest_port = (uint16_t)(r ? to_port : port);
	if ((r = nx_children(nx, node, NULL, 0)) < 0)
		return r;
	def->n_port_forwards++;
	return 0;
}

static int parse_forward_mode(struct nx *nx, xmlNode *node)
{
	char buf[16], q[NX_QUOTE_MAX + 4];
	int r = nx_attr(nx, node, "mode", buf, sizeof(buf), 0);

	if (r < 0)
		return r;
	if (!r || !strcmp(buf, "nat"))
		nx->def->mode = NETDEF_MODE_NAT;
	else if (!strcmp(buf, "route"))
		nx->def->mode = NETDEF_MODE_ROUTE;
	else if (!strcmp(buf, "bridge"))
		nx->def->mode = NETDEF_MODE_BRIDGE;
	else
		return nx_fail(nx, "unsupported forward mode '%s' (nat, route or bridge)",
			       nx_quote(buf, q));
	return 0;
}

static int parse_forward(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "mode", "dev", NULL };
	static const struct nx_rule rules[] = {
		{ "nat", parse_nat, 1 },
		{ "portForward", parse_port_forward, 0 },
	};
	struct netdef *def = nx->def;
	int r;

	if ((r = nx_attrs(nx, node, attrs)) < 0 || (r = parse_forward_mode(nx, node)) < 0 ||
	    (r = nx_attr(nx, node, "dev", def->forward_dev, sizeof(def->forward_dev), 0)) < 0)
		return r;
	return nx_children(nx, node, rules, 2);
}

static int parse_bridge(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "name", "stp", "delay", NULL };
	struct netdef *def = nx->def;
	char stp[8], q[NX_QUOTE_MAX + 4];
	unsigned long delay;
	int r;

	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "name", def->bridge, sizeof(def->bridge), 0)) < 0 ||
	    (r = nx_attr_uint(nx, node, "delay", 65535, &delay, 0)) < 0 ||
	    (r = nx_attr(nx, node, "stp", stp, sizeof(stp), 0)) < 0)
		return r;
	if (r && strcmp(stp, "on") && strcmp(stp, "off"))
		return nx_fail(nx, "invalid stp '%s' in <bridge> (on or off)", nx_quote(stp, q));
	def->stp = r && !strcmp(stp, "on");
	return nx_children(nx, node, NULL, 0);
}

static int parse_mtu(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "size", NULL };
	unsigned long size = 0;
	int r;

	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_uint(nx, node, "size", 65535, &size, 1)) < 0)
		return r;
	nx->def->mtu = (unsigned)size;
	return nx_children(nx, node, NULL, 0);
}

static int parse_domain(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "name", NULL };
	int r;

	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "name", nx->def->domain, sizeof(nx->def->domain), 1)) < 0)
		return r;
	return nx_children(nx, node, NULL, 0);
}

static int parse_network(struct nx *nx, xmlNode *root)
{
	static const struct nx_rule rules[] = {
		{ "name", parse_name, 1 },	   { "uuid", parse_uuid, 1 },
		{ "forward", parse_forward, 1 }, { "bridge", parse_bridge, 1 },
		{ "mtu", parse_mtu, 1 },	   { "domain", parse_domain, 1 },
		{ "dns", nx_parse_dns, 1 },	   { "ip", nx_parse_ip, 0 },
	};
	int r;

	if (root->ns || strcmp((const char *)root->name, "network"))
		return nx_fail(nx, "root element must be <network>, not <%.40s>",
			       (const char *)root->name);
	nx->def->mode = NETDEF_MODE_ISOLATED; /* until a <forward> says otherwise */
	if ((r = nx_attrs(nx, root, NULL)) < 0 ||
	    (r = nx_children(nx, root, rules, sizeof(rules) / sizeof(rules[0]))) < 0)
		return r;
	if (!nx->def->name[0])
		return nx_fail(nx, "missing <name>");
	return 0;
}

/* Entities are the XML bomb and XXE vector and libvirt's XML never needs a
 * DTD, so refuse the bytes before libxml2 sees them. The encoding is forced
 * to UTF-8 below, so the declaration cannot hide in another encoding. */
static int precheck(struct nx *nx, const char *xml, size_t *len)
{
	if (!xml)
		return nx_fail(nx, "empty XML document");
	if (*len > NETDEF_XML_MAX)
		return nx_fail(nx, "XML document too large (%zu bytes, max %d)", *len,
			       NETDEF_XML_MAX);
	while (*len && !xml[*len - 1]) /* tolerate a counted terminator */
		(*len)--;
	if (!*len)
		return nx_fail(nx, "empty XML document");
	if (memchr(xml, '\0', *len))
		return nx_fail(nx, "NUL byte in XML document");
	if (memmem(xml, *len, "<!DOCTYPE", 9) || memmem(xml, *len, "<!ENTITY", 8))
		return nx_fail(nx, "DOCTYPE and entity declarations are not allowed");
	return 0;
}

static int xml_error(struct nx *nx, xmlParserCtxt *ctxt)
{
	const xmlError *e = xmlCtxtGetLastError(ctxt);
	char msg[NX_QUOTE_MAX + 4];
	size_t n;

	if (!e || !e->message)
		return nx_fail(nx, "XML parse error");
	n = strlen(e->message);
	while (n && e->message[n - 1] == '\n')
		n--;
	snprintf(msg, sizeof(msg), "%.*s", (int)n, e->message);
	return nx_fail(nx, "XML parse error at line %d: %s", e->line, nx_quote(msg, msg));
}

static int parse_doc(struct nx *nx, const char *xml, size_t len)
{
	/* No NOENT (no substitution), no DTDLOAD, no network, no HUGE. */
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	xmlParserCtxt *ctxt = xmlNewParserCtxt();
	xmlDoc *doc;
	xmlNode *root;
	int r;

	if (!ctxt)
		return -ENOMEM;
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, "network.xml", "UTF-8", opts);
	if (!doc)
		r = xml_error(nx, ctxt);
	else if (doc->intSubset || doc->extSubset)
		r = nx_fail(nx, "DOCTYPE and entity declarations are not allowed");
	else if (!(root = xmlDocGetRootElement(doc)))
		r = nx_fail(nx, "empty XML document");
	else
		r = parse_network(nx, root);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return r;
}

int netdef_parse_xml(const char *xml, size_t len, struct netdef **ret, char *err,
		     size_t errlen)
{
	struct nx nx = { .err = err, .errlen = errlen };
	int r;

	*ret = NULL;
	if (err && errlen)
		err[0] = '\0';
	if ((r = precheck(&nx, xml, &len)) < 0)
		return r;
	nx.def = calloc(1, sizeof(*nx.def));
	if (!nx.def)
		return -ENOMEM;
	r = parse_doc(&nx, xml, len);
	if (!r)
		r = netdef_validate(nx.def, err, errlen);
	if (r < 0) {
		log_debug("netdef: refused XML: %s", err ? err : "");
		free(nx.def);
		return r;
	}
	*ret = nx.def;
	return 0;
}
