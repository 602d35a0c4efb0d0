/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The addressing half of the network XML: <ip> with its <dhcp>, and <dns>. */
#include "netdef_xml_priv.h"

#include <arpa/inet.h>
#include <limits.h>
#include <string.h>

static int parse_lease(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "expiry", "unit", NULL };
	char unit[16], q[NX_QUOTE_MAX + 4];
	unsigned long expiry = 0, mul = 60; /* libvirt's default unit is minutes */
	int r;

	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_uint(nx, node, "expiry", UINT_MAX, &expiry, 1)) < 0 ||
	    (r = nx_attr(nx, node, "unit", unit, sizeof(unit), 0)) < 0)
		return r;
	if (r && !strcmp(unit, "seconds"))
		mul = 1;
	else if (r && !strcmp(unit, "hours"))
		mul = 3600;
	else if (r && strcmp(unit, "minutes"))
		return nx_fail(nx, "invalid unit '%s' in <lease> (seconds, minutes or hours)",
			       nx_quote(unit, q));
	if (!expiry) /* libvirt: 0 = infinite; vnet leases always expire */
		return nx_fail(nx, "<lease expiry='0'> (infinite) is not supported");
	if (expiry > UINT_MAX / mul)
		return nx_fail(nx, "<lease> expiry too large");
	nx->def->lease_secs = (unsigned)(expiry * mul);
	return nx_children(nx, node, NULL, 0);
}

static int parse_range(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "start", "end", NULL };
	static const struct nx_rule rules[] = { { "lease", parse_lease, 1 } };
	struct netdef *def = nx->def;
	int r;

	if (def->has_dhcp)
		return nx_fail(nx, "only one <range> per <dhcp> is supported");
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_ipv4(nx, node, "start", &def->dhcp_start, 1)) < 0 ||
	    (r = nx_attr_ipv4(nx, node, "end", &def->dhcp_end, 1)) < 0)
		return r;
	def->has_dhcp = 1;
	return nx_children(nx, node, rules, 1);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* Exactly six colon-separated hex pairs. */
static int parse_mac(struct nx *nx, xmlNode *node, uint8_t mac[6])
{
	char buf[32], q[NX_QUOTE_MAX + 4];
	int r, i, hi, lo;

	if ((r = nx_attr(nx, node, "mac", buf, sizeof(buf), 1)) < 0)
		return r;
	for (i = 0; i < 6; i++) {
		hi = hexval(buf[i * 3]);
		lo = hi < 0 ? -1 : hexval(buf[i * 3 + 1]);
		if (lo < 0 || buf[i * 3 + 2] != (i < 5 ? ':' : '\0'))
			return nx_fail(nx, "invalid MAC address '%s' in <host mac>",
				       nx_quote(buf, q));
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int parse_dhcp_host(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "mac", "ip", "name", NULL };
	struct netdef *def = nx->def;
	struct netdef_host *h = &def->hosts[def->n_hosts];
	int r;

	if (def->n_hosts >= NETDEF_MAX_HOSTS)
		return nx_fail(nx, "too many <dhcp><host> (max %d)", NETDEF_MAX_HOSTS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 || (r = parse_mac(nx, node, h->mac)) < 0 ||
	    (r = nx_attr_ipv4(nx, node, "ip", &h->ip, 1)) < 0 ||
	    (r = nx_attr(nx, node, "name", h->name, sizeof(h->name), 0)) < 0 ||
	    (r = nx_children(nx, node, NULL, 0)) < 0)
		return r;
	def->n_hosts++;
	return 0;
}

static int parse_dhcp(struct nx *nx, xmlNode *node)
{
	static const struct nx_rule rules[] = {
		{ "range", parse_range, 0 },
		{ "host", parse_dhcp_host, 0 },
	};
	int r;

	if ((r = nx_attrs(nx, node, NULL)) < 0)
		return r;
	return nx_children(nx, node, rules, 2);
}

/* A netmask must be contiguous ones: ~mask + 1 is then a power of two. */
static int mask_to_prefix(struct in_addr m)
{
	uint32_t mask = ntohl(m.s_addr), inv = ~mask;

	if (inv & (inv + 1))
		return -1;
	return __builtin_popcount(mask);
}

static int parse_family(struct nx *nx, xmlNode *node)
{
	char fam[16], q[NX_QUOTE_MAX + 4];
	int r = nx_attr(nx, node, "family", fam, sizeof(fam), 0);

	if (r <= 0 || !strcmp(fam, "ipv4"))
		return r < 0 ? r : 0;
	if (!strcmp(fam, "ipv6"))
		return nx_fail(nx, "unsupported <ip family='ipv6'>: only one IPv4 <ip> is supported");
	return nx_fail(nx, "invalid family '%s' in <ip>", nx_quote(fam, q));
}

static int parse_ip_mask(struct nx *nx, xmlNode *node)
{
	struct in_addr mask;
	unsigned long prefix;
	int has_mask, has_prefix, p;

	if ((has_mask = nx_attr_ipv4(nx, node, "netmask", &mask, 0)) < 0 ||
	    (has_prefix = nx_attr_uint(nx, node, "prefix", 32, &prefix, 0)) < 0)
		return has_mask < 0 ? has_mask : has_prefix;
	if (has_mask && has_prefix)
		return nx_fail(nx, "<ip> has both netmask and prefix");
	if (!has_mask && !has_prefix)
		return nx_fail(nx, "missing attribute 'netmask' or 'prefix' in <ip>");
	if (has_mask) {
		if ((p = mask_to_prefix(mask)) < 0)
			return nx_fail(nx, "invalid netmask '%s' in <ip> (not contiguous)",
				       inet_ntoa(mask));
		prefix = (unsigned long)p;
	}
	nx->def->prefix = (unsigned)prefix;
	return 0;
}

int nx_parse_ip(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "address", "netmask", "prefix", "family", NULL };
	static const struct nx_rule rules[] = { { "dhcp", parse_dhcp, 1 } };
	struct netdef *def = nx->def;
	int r;

	if ((r = nx_attrs(nx, node, attrs)) < 0 || (r = parse_family(nx, node)) < 0)
		return r;
	if (def->has_ip)
		return nx_fail(nx, "second <ip> in <network>: only one IPv4 <ip> is supported");
	if ((r = nx_attr_ipv4(nx, node, "address", &def->ip, 1)) < 0 ||
	    (r = parse_ip_mask(nx, node)) < 0)
		return r;
	def->has_ip = 1;
	return nx_children(nx, node, rules, 1);
}

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
	static const struct nx_rule rules[] = { { "hostname", NULL, 0 } };
	struct netdef *def = nx->def;
	struct netdef_dns_host *h = &def->dns_hosts[def->n_dns_hosts];
	xmlNode *c;
	int r;

	if (def->n_dns_hosts >= NETDEF_MAX_DNS_HOSTS)
		return nx_fail(nx, "too many <dns><host> (max %d)", NETDEF_MAX_DNS_HOSTS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 || (r = nx_attr_ipv4(nx, node, "ip", &h->ip, 1)) < 0 ||
	    (r = nx_children(nx, node, rules, 1)) < 0) /* vets names, text, order */
		return r;
	for (c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && (r = parse_hostname(nx, c, h)) < 0)
			return r;
	if (!h->n_names)
		return nx_fail(nx, "missing <hostname> in <dns><host>");
	def->n_dns_hosts++;
	return 0;
}

static int parse_forwarder(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "addr", NULL };
	struct netdef *def = nx->def;
	int r;

	if (def->n_forwarders >= NETDEF_MAX_FORWARDERS)
		return nx_fail(nx, "too many <forwarder> (max %d)", NETDEF_MAX_FORWARDERS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_ipv4(nx, node, "addr", &def->forwarders[def->n_forwarders].addr.v4, 1)) < 0 ||
	    (r = nx_children(nx, node, NULL, 0)) < 0)
		return r;
	def->forwarders[def->n_forwarders++].addr.family = AF_INET;
	return 0;
}

int nx_parse_dns(struct nx *nx, xmlNode *node)
{
	static const struct nx_rule rules[] = {
		{ "forwarder", parse_forwarder, 0 },
		{ "host", parse_dns_host, 0 },
	};
	int r;

	if ((r = nx_attrs(nx, node, NULL)) < 0)
		return r;
	return nx_children(nx, node, rules, 2);
}
