/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest policy in the network XML (libvirt's <bandwidth>, <port isolated>,
 * <portgroup>, and the vnet extension: <vnet:filter>, <vnet:acl>,
 * <vnet:hostAccess>, <vnet:port>), and <metadata> kept verbatim. */
#include "netdef_xml_priv.h"

#include <errno.h>
#include <string.h>

/* ---- <metadata>: each child serialised with its namespaces, so that
 * net-dumpxml prints what was given (libvirt keeps it for applications). */
static int append_child(struct nx *nx, xmlNode *c, char *out, size_t size, size_t *len)
{
	xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlBuffer *buf = xmlBufferCreate();
	xmlNode *copy = doc ? xmlDocCopyNode(c, doc, 1) : NULL;
	int r = 0, n;

	if (!doc || !buf || !copy) {
		r = -ENOMEM;
		goto out;
	}
	xmlDocSetRootElement(doc, copy);
	xmlReconciliateNs(doc, copy); /* declarations made on ancestors come along */
	n = xmlNodeDump(buf, doc, copy, 0, 0);
	if (n < 0) {
		r = -ENOMEM;
		goto out;
	}
	if (*len + (size_t)n + 2 > size) {
		r = nx_fail(nx, "<metadata> too long (max %zu bytes serialised)", size - 1);
		goto out;
	}
	if (*len)
		out[(*len)++] = '\n';
	memcpy(out + *len, xmlBufferContent(buf), (size_t)n);
	*len += (size_t)n;
	out[*len] = '\0';
out:
	if (buf)
		xmlBufferFree(buf);
	if (doc)
		xmlFreeDoc(doc);
	return r;
}

int nx_parse_metadata(struct nx *nx, xmlNode *node)
{
	char *out = nx->def->metadata;
	size_t len = 0;
	xmlNode *c;
	int r;

	if ((r = nx_attrs(nx, node, NULL)) < 0)
		return r;
	for (c = node->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			if (!c->ns)
				return nx_fail(nx, "<metadata> child <%.40s> needs a namespace "
						   "(libvirt requires one)", (const char *)c->name);
			if ((r = append_child(nx, c, out, sizeof(nx->def->metadata), &len)) < 0) {
				memset(out, 0, sizeof(nx->def->metadata));
				return r;
			}
		} else if (c->type == XML_TEXT_NODE) {
			const char *s = (const char *)c->content;

			while (s && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
				s++;
			if (s && *s)
				return nx_fail(nx, "unexpected text in <metadata>");
		}
	}
	return 0;
}

/* ---- policy elements: they fill nx->policy (network, portgroup or port) */
static int parse_bw(struct nx *nx, xmlNode *node, struct netdef_bw *bw, int inbound)
{
	static const char *const in_attrs[] = { "average", "peak", "burst", "floor", NULL };
	static const char *const out_attrs[] = { "average", "peak", "burst", NULL };
	int r;

	if ((r = nx_attrs(nx, node, inbound ? in_attrs : out_attrs)) < 0 ||
	    (r = nx_attr_u64(nx, node, "average", &bw->average)) < 0 ||
	    (r = nx_attr_u64(nx, node, "peak", &bw->peak)) < 0 ||
	    (r = nx_attr_u64(nx, node, "burst", &bw->burst)) < 0 ||
	    (r = nx_attr_u64(nx, node, "floor", &bw->floor)) < 0)
		return r;
	if (!bw->average && !bw->floor)
		return nx_fail(nx, "<%s> needs a nonzero average (or floor)",
			       (const char *)node->name);
	return nx_children(nx, node, NULL, 0);
}

static int parse_inbound(struct nx *nx, xmlNode *node)
{
	return parse_bw(nx, node, &nx->policy->bw.in, 1);
}

static int parse_outbound(struct nx *nx, xmlNode *node)
{
	return parse_bw(nx, node, &nx->policy->bw.out, 0);
}

int nx_parse_bandwidth(struct nx *nx, xmlNode *node)
{
	static const struct nx_rule rules[] = {
		{ "inbound", parse_inbound, 1, 0 },
		{ "outbound", parse_outbound, 1, 0 },
	};
	int r;

	if ((r = nx_attrs(nx, node, NULL)) < 0)
		return r;
	return nx_children(nx, node, rules, NX_N(rules));
}

int nx_parse_port_isolated(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "isolated", NULL };
	int r;

	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_tri(nx, node, "isolated", &nx->policy->isolated, 0)) < 0)
		return r;
	if (!r)
		return nx_fail(nx, "missing attribute 'isolated' in <port>");
	return nx_children(nx, node, NULL, 0);
}

int nx_parse_filter(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "mode", NULL };
	char mode[16], q[NX_QUOTE_MAX + 4];
	int r;

	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "mode", mode, sizeof(mode), 1)) < 0)
		return r;
	if (!strcmp(mode, "off"))
		nx->policy->filter = NETDEF_FILTER_OFF;
	else if (!strcmp(mode, "learn"))
		nx->policy->filter = NETDEF_FILTER_LEARN;
	else if (!strcmp(mode, "strict"))
		nx->policy->filter = NETDEF_FILTER_STRICT;
	else
		return nx_fail(nx, "invalid mode '%s' in <vnet:filter> (off, learn or strict)",
			       nx_quote(mode, q));
	return nx_children(nx, node, NULL, 0);
}

int nx_parse_acl(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "ingress", "egress", NULL };
	struct netdef_policy *p = nx->policy;
	int r, has_in, has_out;

	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (has_in = nx_attr(nx, node, "ingress", p->acl_in, sizeof(p->acl_in), 0)) < 0 ||
	    (has_out = nx_attr(nx, node, "egress", p->acl_out, sizeof(p->acl_out), 0)) < 0)
		return r < 0 ? r : (has_in < 0 ? has_in : has_out);
	if (!has_in && !has_out)
		return nx_fail(nx, "<vnet:acl> needs ingress, egress or both");
	return nx_children(nx, node, NULL, 0);
}

static int parse_service(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "proto", "port", NULL };
	struct netdef *def = nx->def;
	struct netdef_host_service *s = &def->host_services[def->n_host_services];
	char proto[8], q[NX_QUOTE_MAX + 4];
	unsigned long port = 0;
	int r;

	if (def->n_host_services >= NETDEF_MAX_HOST_SERVICES)
		return nx_fail(nx, "too many <vnet:service> (max %d)", NETDEF_MAX_HOST_SERVICES);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "proto", proto, sizeof(proto), 1)) < 0 ||
	    (r = nx_attr_uint(nx, node, "port", 65535, &port, 1)) < 0)
		return r;
	if (!strcmp(proto, "tcp"))
		s->proto = IPPROTO_TCP;
	else if (!strcmp(proto, "udp"))
		s->proto = IPPROTO_UDP;
	else
		return nx_fail(nx, "invalid proto '%s' in <vnet:service> (tcp or udp)",
			       nx_quote(proto, q));
	if (!port)
		return nx_fail(nx, "invalid <vnet:service port='0'>");
	s->port = (uint16_t)port;
	def->n_host_services++;
	return nx_children(nx, node, NULL, 0);
}

int nx_parse_host_access(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "mode", NULL };
	static const struct nx_rule rules[] = { { "service", parse_service, 0, 1 } };
	char mode[16], q[NX_QUOTE_MAX + 4];
	int r;

	nx->ln->host_access = nx_line(node);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "mode", mode, sizeof(mode), 1)) < 0)
		return r;
	if (!strcmp(mode, "all"))
		nx->def->host_access = NETDEF_HOST_ALL;
	else if (!strcmp(mode, "services"))
		nx->def->host_access = NETDEF_HOST_SERVICES;
	else if (!strcmp(mode, "none"))
		nx->def->host_access = NETDEF_HOST_NONE;
	else
		return nx_fail(nx, "invalid mode '%s' in <vnet:hostAccess> (all, services or none)",
			       nx_quote(mode, q));
	return nx_children(nx, node, rules, NX_N(rules));
}

static int refuse_virtualport(struct nx *nx, xmlNode *node)
{
	return nx_refuse(nx, node, "<virtualport> is not supported: vnet runs its own bridge and "
				   "data path (no Open vSwitch, 802.1Qbg or 802.1Qbh); remove it");
}

static int refuse_vlan(struct nx *nx, xmlNode *node)
{
	return nx_refuse(nx, node, "<vlan> is not supported: vnet networks are untagged; define "
				   "one network per VLAN");
}

/* The policy elements a portgroup and a declared port may carry. */
static const struct nx_rule policy_rules[] = {
	{ "bandwidth", nx_parse_bandwidth, 1, 0 },
	{ "port", nx_parse_port_isolated, 1, 0 },
	{ "filter", nx_parse_filter, 1, 1 },
	{ "acl", nx_parse_acl, 1, 1 },
	{ "virtualport", refuse_virtualport, 0, 0 },
	{ "vlan", refuse_vlan, 0, 0 },
};

int nx_parse_portgroup(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "name", "default", NULL };
	struct netdef *def = nx->def;
	struct netdef_portgroup *pg = &def->portgroups[def->n_portgroups];
	struct netdef_policy *saved = nx->policy;
	enum netdef_tri dflt = NETDEF_UNSET;
	int r;

	if (def->n_portgroups >= NETDEF_MAX_PORTGROUPS)
		return nx_fail(nx, "too many <portgroup> (max %d)", NETDEF_MAX_PORTGROUPS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "name", pg->name, sizeof(pg->name), 1)) < 0 ||
	    (r = nx_attr_tri(nx, node, "default", &dflt, 0)) < 0)
		return r;
	pg->is_default = dflt == NETDEF_YES;
	nx->policy = &pg->policy;
	r = nx_children(nx, node, policy_rules, NX_N(policy_rules));
	nx->policy = saved;
	if (r < 0)
		return r;
	nx->ln->portgroup[def->n_portgroups++] = nx_line(node);
	return 0;
}

static int parse_port_ip(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "address", NULL };
	struct netdef_port *p = nx->port;
	struct netdef_addr a = { 0 };
	int r;

	if ((r = nx_attrs(nx, node, attrs)) < 0 || (r = nx_attr_addr(nx, node, "address", &a, 1)) < 0)
		return r;
	if ((a.family == AF_INET ? p->n_ip4 : p->n_ip6) >= NETDEF_MAX_PORT_IPS)
		return nx_fail(nx, "too many <vnet:ip> of one family in <vnet:port> (max %d)",
			       NETDEF_MAX_PORT_IPS);
	if (a.family == AF_INET)
		p->ip4[p->n_ip4++] = a.v4;
	else
		p->ip6[p->n_ip6++] = a.v6;
	return nx_children(nx, node, NULL, 0);
}

int nx_parse_vnet_port(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "dev", "mac", "portgroup", NULL };
	static const struct nx_rule rules[] = {
		{ "bandwidth", nx_parse_bandwidth, 1, 0 },
		{ "port", nx_parse_port_isolated, 1, 0 },
		{ "filter", nx_parse_filter, 1, 1 },
		{ "acl", nx_parse_acl, 1, 1 },
		{ "ip", parse_port_ip, 0, 1 },
	};
	struct netdef *def = nx->def;
	struct netdef_port *p = &def->ports[def->n_ports];
	struct netdef_policy *saved = nx->policy;
	int r, has_mac;

	if (def->n_ports >= NETDEF_MAX_PORTS)
		return nx_fail(nx, "too many <vnet:port> (max %d)", NETDEF_MAX_PORTS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "dev", p->dev, sizeof(p->dev), 1)) < 0 ||
	    (has_mac = nx_attr_mac(nx, node, "mac", p->mac, 0)) < 0 ||
	    (r = nx_attr(nx, node, "portgroup", p->portgroup, sizeof(p->portgroup), 0)) < 0)
		return r < 0 ? r : has_mac;
	p->has_mac = has_mac;
	nx->policy = &p->policy;
	nx->port = p;
	r = nx_children(nx, node, rules, NX_N(rules));
	nx->policy = saved;
	nx->port = NULL;
	if (r < 0)
		return r;
	nx->ln->port[def->n_ports++] = nx_line(node);
	return 0;
}
