/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The addressing half of the network XML: <ip> with its <dhcp> and <tftp>,
 * and <route>. */
#include "netdef_xml_priv.h"

#include <arpa/inet.h>
#include <limits.h>
#include <string.h>

static int parse_lease(struct nx *nx, xmlNode *node, struct netdef_lease *l)
{
	static const char *const attrs[] = { "expiry", "unit", NULL };
	char unit[16], q[NX_QUOTE_MAX + 4];
	unsigned long expiry = 0;
	int r;

	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_uint(nx, node, "expiry", UINT_MAX, &expiry, 1)) < 0 ||
	    (r = nx_attr(nx, node, "unit", unit, sizeof(unit), 0)) < 0)
		return r;
	if (!r)
		l->unit = NETDEF_UNIT_NONE;
	else if (!strcmp(unit, "seconds"))
		l->unit = NETDEF_UNIT_SECONDS;
	else if (!strcmp(unit, "minutes"))
		l->unit = NETDEF_UNIT_MINUTES;
	else if (!strcmp(unit, "hours"))
		l->unit = NETDEF_UNIT_HOURS;
	else
		return nx_fail(nx, "invalid unit '%s' in <lease> (seconds, minutes or hours)",
			       nx_quote(unit, q));
	l->expiry = expiry;
	l->set = 1;
	return nx_children(nx, node, NULL, 0);
}

/* An element whose only child may be one <lease>. */
static int lease_child(struct nx *nx, xmlNode *node, struct netdef_lease *l)
{
	static const struct nx_rule rules[] = { { "lease", NULL, 1, 0 } };
	xmlNode *c, *saved = nx->cur;
	int r;

	if ((r = nx_children(nx, node, rules, 1)) < 0) /* vets names, text, duplicates */
		return r;
	for (c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE) {
			nx->cur = c;
			r = parse_lease(nx, c, l);
			nx->cur = saved;
		}
	return r;
}

static int ip_family(struct nx *nx)
{
	return nx->def->ips[nx->cur_ip].family;
}

static int parse_range(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "start", "end", NULL };
	struct netdef *def = nx->def;
	int v6 = ip_family(nx) == AF_INET6;
	size_t *n = v6 ? &def->n_ranges6 : &def->n_ranges;
	struct netdef_range *rg = v6 ? &def->ranges6[*n] : &def->ranges[*n];
	int r;

	if (*n >= NETDEF_MAX_RANGES)
		return nx_fail(nx, "too many <range> in <dhcp> (max %d)", NETDEF_MAX_RANGES);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_addr(nx, node, "start", &rg->start, 1)) < 0 ||
	    (r = nx_attr_addr(nx, node, "end", &rg->end, 1)) < 0)
		return r;
	if (rg->start.family != ip_family(nx) || rg->end.family != ip_family(nx))
		return nx_fail(nx, "<range> addresses must be %s, as their <ip>",
			       v6 ? "IPv6" : "IPv4");
	if ((r = lease_child(nx, node, &rg->lease)) < 0)
		return r;
	if (v6)
		nx->ln->range6[(*n)++] = nx_line(node);
	else
		nx->ln->range[(*n)++] = nx_line(node);
	return 0;
}

/* A DUID as libvirt writes it: hex bytes (1-2 digits) separated by ':'. */
static int duid_ok(const char *s)
{
	size_t digits = 0, bytes = 0;

	for (; *s; s++) {
		if (*s == ':') {
			if (!digits)
				return 0;
			digits = 0;
			continue;
		}
		if (!((*s >= '0' && *s <= '9') || ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')))
			return 0;
		if (++digits > 2)
			return 0;
		if (digits == 1)
			bytes++;
	}
	return digits && bytes >= 2 && bytes <= 128;
}

static int parse_host6(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "id", "name", "ip", NULL };
	struct netdef *def = nx->def;
	struct netdef_host6 *h = &def->hosts6[def->n_hosts6];
	char q[NX_QUOTE_MAX + 4];
	int r, has_id, has_ip;

	if (def->n_hosts6 >= NETDEF_MAX_HOSTS6)
		return nx_fail(nx, "too many IPv6 <dhcp><host> (max %d)", NETDEF_MAX_HOSTS6);
	if ((r = nx_attrs(nx, node, attrs)) < 0)
		return r;
	if (xmlHasProp(node, (const xmlChar *)"mac"))
		return nx_fail(nx, "<host mac> is IPv4 only: an IPv6 <host> is matched by id (DUID)");
	if ((has_id = nx_attr(nx, node, "id", h->id, sizeof(h->id), 0)) < 0 ||
	    (r = nx_attr(nx, node, "name", h->name, sizeof(h->name), 0)) < 0 ||
	    (has_ip = nx_attr_ipv6(nx, node, "ip", &h->ip, 0)) < 0)
		return has_id < 0 ? has_id : (r < 0 ? r : has_ip);
	if (has_id && !duid_ok(h->id))
		return nx_fail(nx, "invalid DUID '%s' in <host id> (hex bytes separated by ':')",
			       nx_quote(h->id, q));
	h->has_ip = has_ip;
	if ((r = lease_child(nx, node, &h->lease)) < 0)
		return r;
	nx->ln->host6[def->n_hosts6++] = nx_line(node);
	return 0;
}

static int parse_host4(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "mac", "ip", "name", NULL };
	struct netdef *def = nx->def;
	struct netdef_host *h = &def->hosts[def->n_hosts];
	int r, has_mac, has_ip;

	if (def->n_hosts >= NETDEF_MAX_HOSTS)
		return nx_fail(nx, "too many <dhcp><host> (max %d)", NETDEF_MAX_HOSTS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (has_mac = nx_attr_mac(nx, node, "mac", h->mac, 0)) < 0 ||
	    (has_ip = nx_attr_ipv4(nx, node, "ip", &h->ip, 0)) < 0 ||
	    (r = nx_attr(nx, node, "name", h->name, sizeof(h->name), 0)) < 0)
		return r < 0 ? r : (has_mac < 0 ? has_mac : has_ip);
	h->has_mac = has_mac;
	h->has_ip = has_ip;
	if ((r = lease_child(nx, node, &h->lease)) < 0)
		return r;
	nx->ln->host[def->n_hosts++] = nx_line(node);
	return 0;
}

static int parse_dhcp_host(struct nx *nx, xmlNode *node)
{
	return ip_family(nx) == AF_INET6 ? parse_host6(nx, node) : parse_host4(nx, node);
}

static int parse_bootp(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "file", "server", NULL };
	struct netdef *def = nx->def;
	int r;

	nx->ln->bootp = nx_line(node);
	if (ip_family(nx) != AF_INET)
		return nx_fail(nx, "<bootp> is only valid in an IPv4 <dhcp>");
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "file", def->bootp_file, sizeof(def->bootp_file), 1)) < 0 ||
	    (r = nx_attr_ipv4(nx, node, "server", &def->bootp_server, 0)) < 0)
		return r;
	return nx_children(nx, node, NULL, 0);
}

static int parse_option(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "number", "value", NULL };
	struct netdef *def = nx->def;
	struct netdef_dhcp_option *o = &def->dhcp_options[def->n_dhcp_options];
	unsigned long code = 0;
	int r;

	if (ip_family(nx) != AF_INET)
		return nx_fail(nx, "<option> is only valid in an IPv4 <dhcp>");
	if (def->n_dhcp_options >= NETDEF_MAX_DHCP_OPTIONS)
		return nx_fail(nx, "too many <dhcp><option> (max %d)", NETDEF_MAX_DHCP_OPTIONS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_uint(nx, node, "number", 254, &code, 1)) < 0 ||
	    (r = nx_attr(nx, node, "value", o->value, sizeof(o->value), 1)) < 0)
		return r;
	o->code = (uint8_t)code;
	if ((r = nx_children(nx, node, NULL, 0)) < 0)
		return r;
	nx->ln->option[def->n_dhcp_options++] = nx_line(node);
	return 0;
}

static int parse_dhcp(struct nx *nx, xmlNode *node)
{
	static const struct nx_rule rules[] = {
		{ "range", parse_range, 0, 0 },
		{ "host", parse_dhcp_host, 0, 0 },
		{ "bootp", parse_bootp, 1, 0 },
		{ "option", parse_option, 0, 0 },
	};
	struct netdef *def = nx->def;
	int v6 = ip_family(nx) == AF_INET6, r;

	if (v6 ? def->has_dhcp6 : def->has_dhcp4)
		return nx_fail(nx, "a second %s <ip> with <dhcp>: libvirt allows one per family",
			       v6 ? "IPv6" : "IPv4");
	if (v6)
		def->has_dhcp6 = 1;
	else
		def->has_dhcp4 = 1;
	def->ips[nx->cur_ip].has_dhcp = 1;
	if ((r = nx_attrs(nx, node, NULL)) < 0)
		return r;
	return nx_children(nx, node, rules, NX_N(rules));
}

static int parse_tftp(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "root", NULL };
	struct netdef_ip *ip = &nx->def->ips[nx->cur_ip];
	int r;

	if (ip->family != AF_INET)
		return nx_fail(nx, "<tftp> is only valid in an IPv4 <ip>");
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "root", ip->tftp_root, sizeof(ip->tftp_root), 1)) < 0)
		return r;
	return nx_children(nx, node, NULL, 0);
}

/* A netmask must be contiguous ones: ~mask + 1 is then a power of two. */
static int mask_to_prefix(struct in_addr m)
{
	uint32_t mask = ntohl(m.s_addr), inv = ~mask;

	if (inv & (inv + 1))
		return -1;
	return __builtin_popcount(mask);
}

/* family= as written, else guessed from the address (libvirt does). */
static int parse_family(struct nx *nx, xmlNode *node, int *family)
{
	char fam[16], q[NX_QUOTE_MAX + 4];
	int r = nx_attr(nx, node, "family", fam, sizeof(fam), 0);

	*family = 0;
	if (r <= 0)
		return r;
	if (!strcmp(fam, "ipv4"))
		*family = AF_INET;
	else if (!strcmp(fam, "ipv6"))
		*family = AF_INET6;
	else
		return nx_fail(nx, "invalid family '%s' in <%s> (ipv4 or ipv6)", nx_quote(fam, q),
			       (const char *)node->name);
	return 0;
}

/* prefix= or netmask= (IPv4 only) into *prefix; *given as netdef_ip's
 * netmask_given; 0 when neither is written (the caller decides). */
static int parse_mask(struct nx *nx, xmlNode *node, int family, unsigned *prefix, int *given)
{
	struct in_addr mask;
	unsigned long p = 0;
	int has_mask, has_prefix, m;

	if ((has_mask = nx_attr_ipv4(nx, node, "netmask", &mask, 0)) < 0 ||
	    (has_prefix = nx_attr_uint(nx, node, "prefix", 128, &p, 0)) < 0)
		return has_mask < 0 ? has_mask : has_prefix;
	if (has_mask && has_prefix)
		return nx_fail(nx, "<%s> has both netmask and prefix", (const char *)node->name);
	if (has_mask && family == AF_INET6)
		return nx_fail(nx, "<%s> netmask is IPv4 only: use prefix", (const char *)node->name);
	if (has_prefix && p > (family == AF_INET6 ? 128u : 32u))
		return nx_fail(nx, "invalid prefix '%lu' in <%s>", p, (const char *)node->name);
	if (has_mask) {
		if ((m = mask_to_prefix(mask)) < 0)
			return nx_fail(nx, "invalid netmask '%s' in <%s> (not contiguous)",
				       inet_ntoa(mask), (const char *)node->name);
		p = (unsigned long)m;
	}
	*prefix = (unsigned)p;
	*given = has_mask ? 1 : has_prefix ? 0 : 2;
	return has_mask || has_prefix;
}

unsigned netdef_class_prefix(const struct netdef_ip *ip)
{
	uint32_t a = ntohl(ip->addr4.s_addr);

	if (ip->family == AF_INET6)
		return 64;
	if (!(a & 0x80000000u))
		return 8;
	if ((a & 0xc0000000u) == 0x80000000u)
		return 16;
	return 24; /* class C; D and E are refused as addresses anyway */
}

int nx_parse_ip(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "address", "netmask", "prefix", "family",
					     "localPtr", NULL };
	static const struct nx_rule rules[] = {
		{ "dhcp", parse_dhcp, 1, 0 },
		{ "tftp", parse_tftp, 1, 0 },
	};
	struct netdef *def = nx->def;
	struct netdef_ip *ip = &def->ips[def->n_ips];
	struct netdef_addr a = { 0 };
	int r, family;

	if (def->n_ips >= NETDEF_MAX_IPS)
		return nx_fail(nx, "too many <ip> (max %d)", NETDEF_MAX_IPS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 || (r = parse_family(nx, node, &family)) < 0 ||
	    (r = nx_attr_addr(nx, node, "address", &a, 1)) < 0)
		return r;
	if (family && a.family != family)
		return nx_fail(nx, "<ip address> is not an %s address, as family says",
			       family == AF_INET6 ? "IPv6" : "IPv4");
	ip->family = a.family;
	ip->addr4 = a.family == AF_INET ? a.v4 : (struct in_addr){ 0 };
	if (a.family == AF_INET6)
		ip->addr6 = a.v6;
	if ((r = parse_mask(nx, node, ip->family, &ip->prefix, &ip->netmask_given)) < 0 ||
	    (r = nx_attr_tri(nx, node, "localPtr", &ip->local_ptr, 0)) < 0)
		return r;
	if (ip->netmask_given == 2)
		ip->prefix = netdef_class_prefix(ip);
	nx->ln->ip[def->n_ips] = nx_line(node);
	nx->cur_ip = (int)def->n_ips++;
	return nx_children(nx, node, rules, NX_N(rules));
}

int nx_parse_route(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "family", "address", "netmask", "prefix", "gateway",
					     "metric", NULL };
	struct netdef *def = nx->def;
	struct netdef_route *rt = &def->routes[def->n_routes];
	unsigned long metric = 0;
	int r, family;

	if (def->n_routes >= NETDEF_MAX_ROUTES)
		return nx_fail(nx, "too many <route> (max %d)", NETDEF_MAX_ROUTES);
	if ((r = nx_attrs(nx, node, attrs)) < 0 || (r = parse_family(nx, node, &family)) < 0 ||
	    (r = nx_attr_addr(nx, node, "address", &rt->addr, 1)) < 0 ||
	    (r = nx_attr_addr(nx, node, "gateway", &rt->gateway, 1)) < 0 ||
	    (r = nx_attr_uint(nx, node, "metric", UINT_MAX, &metric, 0)) < 0)
		return r;
	if ((family && rt->addr.family != family) || rt->gateway.family != rt->addr.family)
		return nx_fail(nx, "<route> address and gateway must be of one family");
	if ((r = parse_mask(nx, node, rt->addr.family, &rt->prefix, &rt->netmask_given)) < 0)
		return r;
	if (!r)
		return nx_fail(nx, "missing attribute 'prefix' or 'netmask' in <route>");
	if (xmlHasProp(node, (const xmlChar *)"metric") && !metric)
		return nx_fail(nx, "invalid <route metric='0'> (1 or more)");
	rt->metric = (unsigned)metric;
	if ((r = nx_children(nx, node, NULL, 0)) < 0)
		return r;
	nx->ln->route[def->n_routes++] = nx_line(node);
	return 0;
}
