/* SPDX-License-Identifier: GPL-2.0-or-later */
/* <dns>: forwarders, static hosts, SRV and TXT records. */
#include "netdef_xml_priv.h"

#include <string.h>

static int parse_hostname(struct nx *nx, xmlNode *node, struct netdef_dns_host *h)
{
	if (h->n_names >= NETDEF_MAX_DNS_NAMES)
		return nx_fail(nx, "too many <hostname> in <dns><host> (max %d)",
			       NETDEF_MAX_DNS_NAMES);
	return nx_text(nx, node, h->names[h->n_names++], NETDEF_NAME_MAX);
}

/* <host ip=> takes only <hostname> children; walked by hand to reach h. */
static int parse_dns_host(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "ip", NULL };
	static const struct nx_rule rules[] = { { "hostname", NULL, 0, 0 } };
	struct netdef *def = nx->def;
	struct netdef_dns_host *h = &def->dns_hosts[def->n_dns_hosts];
	struct netdef_addr a = { 0 };
	xmlNode *c, *saved = nx->cur;
	int r;

	if (def->n_dns_hosts >= NETDEF_MAX_DNS_HOSTS)
		return nx_fail(nx, "too many <dns><host> (max %d)", NETDEF_MAX_DNS_HOSTS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 || (r = nx_attr_addr(nx, node, "ip", &a, 1)) < 0 ||
	    (r = nx_children(nx, node, rules, 1)) < 0) /* vets names, text, order */
		return r;
	h->family = a.family;
	if (a.family == AF_INET)
		h->ip = a.v4;
	else
		h->ip6 = a.v6;
	for (c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		nx->cur = c;
		r = parse_hostname(nx, c, h);
		nx->cur = saved;
		if (r < 0)
			return r;
	}
	if (!h->n_names)
		return nx_fail(nx, "missing <hostname> in <dns><host>");
	nx->ln->dns_host[def->n_dns_hosts++] = nx_line(node);
	return 0;
}

static int parse_forwarder(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "addr", "domain", NULL };
	struct netdef *def = nx->def;
	struct netdef_forwarder *f = &def->forwarders[def->n_forwarders];
	int r, has_addr, has_domain;

	if (def->n_forwarders >= NETDEF_MAX_FORWARDERS)
		return nx_fail(nx, "too many <forwarder> (max %d)", NETDEF_MAX_FORWARDERS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (has_addr = nx_attr_addr(nx, node, "addr", &f->addr, 0)) < 0 ||
	    (has_domain = nx_attr(nx, node, "domain", f->domain, sizeof(f->domain), 0)) < 0)
		return r < 0 ? r : (has_addr < 0 ? has_addr : has_domain);
	if (!has_addr && !has_domain)
		return nx_fail(nx, "<forwarder> needs addr, domain or both");
	if ((r = nx_children(nx, node, NULL, 0)) < 0)
		return r;
	nx->ln->forwarder[def->n_forwarders++] = nx_line(node);
	return 0;
}

static int srv_uint(struct nx *nx, xmlNode *node, const char *name, unsigned *out, int *has)
{
	unsigned long v = 0;
	int r = nx_attr_uint(nx, node, name, 65535, &v, 0);

	if (r > 0) {
		*out = (unsigned)v;
		*has = 1;
	}
	return r;
}

static int parse_srv(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "service", "protocol", "domain", "target",
					     "port", "priority", "weight", NULL };
	struct netdef *def = nx->def;
	struct netdef_srv *s = &def->srv[def->n_srv];
	int r;

	if (def->n_srv >= NETDEF_MAX_SRV)
		return nx_fail(nx, "too many <srv> (max %d)", NETDEF_MAX_SRV);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "service", s->service, sizeof(s->service), 1)) < 0 ||
	    (r = nx_attr(nx, node, "protocol", s->protocol, sizeof(s->protocol), 1)) < 0 ||
	    (r = nx_attr(nx, node, "domain", s->domain, sizeof(s->domain), 0)) < 0 ||
	    (r = nx_attr(nx, node, "target", s->target, sizeof(s->target), 0)) < 0 ||
	    (r = srv_uint(nx, node, "port", &s->port, &s->has_port)) < 0 ||
	    (r = srv_uint(nx, node, "priority", &s->priority, &s->has_priority)) < 0 ||
	    (r = srv_uint(nx, node, "weight", &s->weight, &s->has_weight)) < 0 ||
	    (r = nx_children(nx, node, NULL, 0)) < 0)
		return r;
	nx->ln->srv[def->n_srv++] = nx_line(node);
	return 0;
}

static int parse_txt(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "name", "value", NULL };
	struct netdef *def = nx->def;
	struct netdef_txt *t = &def->txt[def->n_txt];
	int r;

	if (def->n_txt >= NETDEF_MAX_TXT)
		return nx_fail(nx, "too many <txt> (max %d)", NETDEF_MAX_TXT);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "name", t->name, sizeof(t->name), 1)) < 0 ||
	    (r = nx_attr(nx, node, "value", t->value, sizeof(t->value), 1)) < 0 ||
	    (r = nx_children(nx, node, NULL, 0)) < 0)
		return r;
	nx->ln->txt[def->n_txt++] = nx_line(node);
	return 0;
}

int nx_parse_dns(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "enable", "forwardPlainNames", NULL };
	static const struct nx_rule rules[] = {
		{ "forwarder", parse_forwarder, 0, 0 },
		{ "host", parse_dns_host, 0, 0 },
		{ "srv", parse_srv, 0, 0 },
		{ "txt", parse_txt, 0, 0 },
	};
	struct netdef *def = nx->def;
	int r;

	nx->ln->dns = nx_line(node);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_tri(nx, node, "enable", &def->dns_enable, 0)) < 0 ||
	    (r = nx_attr_tri(nx, node, "forwardPlainNames", &def->forward_plain_names, 0)) < 0)
		return r;
	return nx_children(nx, node, rules, NX_N(rules));
}
