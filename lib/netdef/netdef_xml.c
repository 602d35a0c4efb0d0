/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parse libvirt's network XML (docs/network-xml.md) into a struct netdef.
 * What vnet cannot run is refused with a line naming it and what to use
 * instead; every problem of a document is reported in one go, each with its
 * line. The XML may come from an unprivileged client: no DTD, no entities,
 * no network and a hard size limit. */
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
	nx->ln->name = nx_line(node);
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

static int parse_title(struct nx *nx, xmlNode *node)
{
	int r = nx_text(nx, node, nx->def->title, sizeof(nx->def->title));

	if (!r && strchr(nx->def->title, '\n'))
		return nx_fail(nx, "<title> must be one line");
	return r;
}

static int parse_description(struct nx *nx, xmlNode *node)
{
	return nx_text(nx, node, nx->def->description, sizeof(nx->def->description));
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
	nx->def->nat_port_start = (uint16_t)start;
	nx->def->nat_port_end = (uint16_t)end;
	return nx_children(nx, node, NULL, 0);
}

static int parse_nat_address(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "start", "end", NULL };
	struct netdef *def = nx->def;
	int r;

	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_ipv4(nx, node, "start", &def->nat_addr_start, 1)) < 0 ||
	    (r = nx_attr_ipv4(nx, node, "end", &def->nat_addr_end, 1)) < 0)
		return r;
	return nx_children(nx, node, NULL, 0);
}

/* <nat>: the SNAT source addresses and ports, and NAT66. */
static int parse_nat(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "ipv6", NULL };
	static const struct nx_rule rules[] = {
		{ "address", parse_nat_address, 1, 0 },
		{ "port", parse_nat_port, 1, 0 },
	};
	int r;

	nx->ln->nat = nx_line(node);
	if (nx->def->mode != NETDEF_MODE_NAT)
		return nx_fail(nx, "<nat> is only valid in <forward mode='nat'>");
	nx->def->has_nat = 1;
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_tri(nx, node, "ipv6", &nx->def->nat_ipv6, 0)) < 0)
		return r;
	return nx_children(nx, node, rules, NX_N(rules));
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
		return nx_fail(nx, "invalid proto '%s' in <%s> (tcp or udp)", nx_quote(buf, q),
			       (const char *)node->name);
	return 0;
}

/* vnet extension: host port(s) -> guest ip:port (toPort defaults to port). */
static int parse_port_forward(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "proto", "port", "portEnd", "to", "toPort", NULL };
	struct netdef *def = nx->def;
	struct netdef_port_forward *pf = &def->port_forwards[def->n_port_forwards];
	unsigned long port = 0, end = 0, to_port = 0;
	struct netdef_addr to = { 0 };
	int r, has_to;

	if (def->n_port_forwards >= NETDEF_MAX_PORT_FORWARDS)
		return nx_fail(nx, "too many <portForward> (max %d)", NETDEF_MAX_PORT_FORWARDS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 || (r = parse_proto(nx, node, &pf->proto)) < 0 ||
	    (r = nx_attr_uint(nx, node, "port", 65535, &port, 1)) < 0 ||
	    (r = nx_attr_uint(nx, node, "portEnd", 65535, &end, 0)) < 0 ||
	    (r = nx_attr_addr(nx, node, "to", &to, 1)) < 0 ||
	    (has_to = nx_attr_uint(nx, node, "toPort", 65535, &to_port, 0)) < 0)
		return r < 0 ? r : has_to;
	pf->family = to.family;
	if (to.family == AF_INET6)
		pf->guest_ip6 = to.v6;
	else
		pf->guest_ip = to.v4;
	pf->host_port = (uint16_t)port;
	pf->host_port_end = (uint16_t)end;
	pf->guest_port = (uint16_t)(has_to ? to_port : port);
	if ((r = nx_children(nx, node, NULL, 0)) < 0)
		return r;
	nx->ln->pf[def->n_port_forwards++] = nx_line(node);
	return 0;
}

static int parse_forward_if(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "dev", "connections", NULL };
	struct netdef *def = nx->def;
	int r;

	if (def->n_forward_ifs >= NETDEF_MAX_FWD_IFS)
		return nx_fail(nx, "too many <forward><interface> (max %d)", NETDEF_MAX_FWD_IFS);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "dev", def->forward_ifs[def->n_forward_ifs], NETDEF_IFNAME_MAX,
			 1)) < 0)
		return r;
	def->n_forward_ifs++;
	return nx_children(nx, node, NULL, 0);
}

static const char macvtap_hint[] =
	"vnet runs its own bridge, not macvtap: use <forward mode='bridge'/> with "
	"<bridge name='BRIDGE'/> to put guests on an existing host bridge, or mode "
	"nat, route or open";

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
	else if (!strcmp(buf, "open"))
		nx->def->mode = NETDEF_MODE_OPEN;
	else if (!strcmp(buf, "passthrough") || !strcmp(buf, "private") || !strcmp(buf, "vepa"))
		return nx_fail(nx, "unsupported forward mode '%s': %s", buf, macvtap_hint);
	else if (!strcmp(buf, "hostdev"))
		return nx_fail(nx, "unsupported forward mode 'hostdev': SR-IOV device assignment "
				   "is not a vnet network; give the guest the device with <hostdev> "
				   "in its domain XML, or use mode nat, route, open or bridge");
	else
		return nx_fail(nx, "unsupported forward mode '%s' (nat, route, open or bridge)",
			       nx_quote(buf, q));
	return 0;
}

static int refuse_pf(struct nx *nx, xmlNode *node)
{
	return nx_refuse(nx, node, "<forward><pf> (SR-IOV physical function) is not supported: "
				   "use <forward dev='DEV'/> for the uplink");
}

static int refuse_fwd_address(struct nx *nx, xmlNode *node)
{
	return nx_refuse(nx, node, "<forward><address> (PCI device pool) is not supported: "
				   "vnet does not assign host devices");
}

static int refuse_driver(struct nx *nx, xmlNode *node)
{
	return nx_refuse(nx, node, "<forward><driver> is not supported: vnet does not assign "
				   "host devices");
}

static int parse_forward(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "mode", "dev", "managed", NULL };
	static const struct nx_rule rules[] = {
		{ "nat", parse_nat, 1, 0 },	     { "portForward", parse_port_forward, 0, 0 },
		{ "interface", parse_forward_if, 0, 0 }, { "pf", refuse_pf, 0, 0 },
		{ "address", refuse_fwd_address, 0, 0 }, { "driver", refuse_driver, 0, 0 },
	};
	struct netdef *def = nx->def;
	int r;

	nx->ln->forward = nx_line(node);
	if ((r = nx_attrs(nx, node, attrs)) < 0 || (r = parse_forward_mode(nx, node)) < 0)
		return r; /* a refused mode: its children would only add noise */
	if (xmlHasProp(node, (const xmlChar *)"managed"))
		return nx_fail(nx, "unsupported attribute 'managed' in <forward> (hostdev only)");
	if ((r = nx_attr(nx, node, "dev", def->forward_dev, sizeof(def->forward_dev), 0)) < 0)
		return r;
	return nx_children(nx, node, rules, NX_N(rules));
}

static int parse_bridge(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "name", "stp", "delay", "macTableManager", "zone",
					     NULL };
	struct netdef *def = nx->def;
	char q[NX_QUOTE_MAX + 4];
	enum netdef_tri stp = NETDEF_UNSET;
	unsigned long delay = 0;
	int r, has_delay, has_mtm;

	nx->ln->bridge = nx_line(node);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "name", def->bridge, sizeof(def->bridge), 0)) < 0 ||
	    (has_delay = nx_attr_uint(nx, node, "delay", 65535, &delay, 0)) < 0 ||
	    (r = nx_attr_tri(nx, node, "stp", &stp, 1)) < 0 ||
	    (has_mtm = nx_attr(nx, node, "macTableManager", def->mac_table_manager,
			       sizeof(def->mac_table_manager), 0)) < 0 ||
	    (r = nx_attr(nx, node, "zone", def->zone, sizeof(def->zone), 0)) < 0)
		return r < 0 ? r : (has_delay < 0 ? has_delay : has_mtm);
	def->stp = stp == NETDEF_YES;
	def->stp_given = stp != NETDEF_UNSET;
	def->delay = (unsigned)delay;
	def->delay_given = has_delay;
	if (has_mtm && strcmp(def->mac_table_manager, "kernel") &&
	    strcmp(def->mac_table_manager, "libvirt"))
		return nx_fail(nx, "invalid macTableManager '%s' in <bridge> (kernel or libvirt)",
			       nx_quote(def->mac_table_manager, q));
	return nx_children(nx, node, NULL, 0);
}

static int parse_mac(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "address", NULL };
	int r;

	nx->ln->mac = nx_line(node);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_mac(nx, node, "address", nx->def->mac, 1)) < 0)
		return r;
	nx->def->has_mac = 1;
	return nx_children(nx, node, NULL, 0);
}

static int parse_mtu(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "size", NULL };
	unsigned long size = 0;
	int r;

	nx->ln->mtu = nx_line(node);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr_uint(nx, node, "size", 65535, &size, 1)) < 0)
		return r;
	nx->def->mtu = (unsigned)size;
	return nx_children(nx, node, NULL, 0);
}

static int parse_domain(struct nx *nx, xmlNode *node)
{
	static const char *const attrs[] = { "name", "localOnly", "register", NULL };
	struct netdef *def = nx->def;
	int r;

	nx->ln->domain = nx_line(node);
	if ((r = nx_attrs(nx, node, attrs)) < 0 ||
	    (r = nx_attr(nx, node, "name", def->domain, sizeof(def->domain), 1)) < 0 ||
	    (r = nx_attr_tri(nx, node, "localOnly", &def->domain_local_only, 0)) < 0 ||
	    (r = nx_attr_tri(nx, node, "register", &def->domain_register, 0)) < 0)
		return r;
	return nx_children(nx, node, NULL, 0);
}

static int refuse_virtualport(struct nx *nx, xmlNode *node)
{
	return nx_refuse(nx, node, "<virtualport> is not supported: vnet runs its own bridge and "
				   "data path (no Open vSwitch, 802.1Qbg or 802.1Qbh); remove it "
				   "(per-port policy: <vnet:filter>, <vnet:acl>, <bandwidth>)");
}

static int refuse_vlan(struct nx *nx, xmlNode *node)
{
	return nx_refuse(nx, node, "<vlan> is not supported: vnet networks are untagged; define "
				   "one network per VLAN (a VLAN device can be its <forward dev>)");
}

static int parse_root_attrs(struct nx *nx, xmlNode *root)
{
	static const char *const attrs[] = { "ipv6", "trustGuestRxFilters", "connections", NULL };
	int r;

	if ((r = nx_attrs(nx, root, attrs)) < 0 ||
	    (r = nx_attr_tri(nx, root, "ipv6", &nx->def->ipv6, 0)) < 0 ||
	    (r = nx_attr_tri(nx, root, "trustGuestRxFilters", &nx->def->trust_guest_rx_filters,
			     0)) < 0)
		return r;
	return 0; /* connections= is runtime output (virsh net-dumpxml): ignored */
}

static void warn(struct netdef *def, const char *msg)
{
	size_t len = strlen(def->warnings);

	if (len + strlen(msg) + 2 > sizeof(def->warnings))
		return;
	if (len)
		def->warnings[len++] = '\n';
	memcpy(def->warnings + len, msg, strlen(msg) + 1);
}

/* Accepted, kept and printed back, but without effect in vnet. */
static void add_warnings(struct netdef *def)
{
	if (def->mac_table_manager[0])
		warn(def, "<bridge macTableManager> has no effect: vnet's data path keeps its own "
			  "MAC table");
	if (def->zone[0])
		warn(def, "<bridge zone> has no effect: vnet does not use firewalld");
	if (def->domain_register == NETDEF_YES)
		warn(def, "<domain register='yes'> has no effect: vnet does not register the "
			  "domain with systemd-resolved");
	if (def->trust_guest_rx_filters == NETDEF_YES)
		warn(def, "<network trustGuestRxFilters> has no effect: it applies to macvtap only");
}

static int parse_network(struct nx *nx, xmlNode *root)
{
	static const struct nx_rule rules[] = {
		{ "name", parse_name, 1, 0 },
		{ "uuid", parse_uuid, 1, 0 },
		{ "title", parse_title, 1, 0 },
		{ "description", parse_description, 1, 0 },
		{ "metadata", nx_parse_metadata, 1, 0 },
		{ "forward", parse_forward, 1, 0 },
		{ "bridge", parse_bridge, 1, 0 },
		{ "mac", parse_mac, 1, 0 },
		{ "mtu", parse_mtu, 1, 0 },
		{ "domain", parse_domain, 1, 0 },
		{ "dns", nx_parse_dns, 1, 0 },
		{ "ip", nx_parse_ip, 0, 0 },
		{ "route", nx_parse_route, 0, 0 },
		{ "bandwidth", nx_parse_bandwidth, 1, 0 },
		{ "port", nx_parse_port_isolated, 1, 0 },
		{ "portgroup", nx_parse_portgroup, 0, 0 },
		{ "virtualport", refuse_virtualport, 0, 0 },
		{ "vlan", refuse_vlan, 0, 0 },
		{ "filter", nx_parse_filter, 1, 1 },
		{ "acl", nx_parse_acl, 1, 1 },
		{ "hostAccess", nx_parse_host_access, 1, 1 },
		{ "port", nx_parse_vnet_port, 0, 1 },
		{ "overlay", nx_parse_overlay, 1, 1 },
		{ "ula", nx_parse_ula, 1, 1 },
	};
	int r;

	nx->cur = root;
	nx->ln->network = nx_line(root);
	if (root->ns || strcmp((const char *)root->name, "network"))
		return nx_fail(nx, "root element must be <network>, not <%.40s>",
			       (const char *)root->name);
	nx->def->mode = NETDEF_MODE_ISOLATED; /* until a <forward> says otherwise */
	nx->policy = &nx->def->policy;
	r = parse_root_attrs(nx, root);
	if (nx_children(nx, root, rules, NX_N(rules)) < 0)
		r = -EINVAL;
	nx->cur = root;
	if (!nx->def->name[0] && !nx->ln->name)
		r = nx_fail(nx, "missing <name>");
	return r;
}

/* The legacy fields every consumer reads: the primary IPv4 <ip> (the one
 * with <dhcp>, else the first) and its first range. */
static void fill_legacy(struct netdef *def)
{
	const struct netdef_ip *p = NULL;
	size_t i;

	for (i = 0; i < def->n_ips; i++) {
		if (def->ips[i].family != AF_INET)
			continue;
		if (!p || (def->ips[i].has_dhcp && !p->has_dhcp))
			p = &def->ips[i];
	}
	if (p) {
		def->has_ip = 1;
		def->ip = p->addr4;
		def->prefix = p->prefix;
	}
	if (def->n_ranges) {
		const struct netdef_lease *l = &def->ranges[0].lease;

		def->has_dhcp = 1;
		def->dhcp_start = def->ranges[0].start.v4;
		def->dhcp_end = def->ranges[0].end.v4;
		def->lease_secs = l->set ? netdef_lease_secs(l) : 0;
	}
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
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			 XML_PARSE_BIG_LINES;
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
	nx.ln = calloc(1, sizeof(*nx.ln));
	if (!nx.def || !nx.ln) {
		free(nx.def);
		free(nx.ln);
		return -ENOMEM;
	}
	r = parse_doc(&nx, xml, len);
	if (!r && nx.n_err)
		r = -EINVAL;
	if (!r && netdef_ula_apply(nx.def))
		r = nx_fail(&nx, "<vnet:ula> needs a free <ip> slot (at most %d <ip>s)",
			    NETDEF_MAX_IPS);
	if (!r) {
		fill_legacy(nx.def);
		r = netdef_validate_lines(nx.def, nx.ln, err, errlen);
	}
	free(nx.ln);
	if (r < 0) {
		log_debug("netdef: refused XML: %s", err ? err : "");
		free(nx.def);
		return r;
	}
	add_warnings(nx.def);
	*ret = nx.def;
	return 0;
}
