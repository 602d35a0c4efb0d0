/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Write a struct netdef as canonical network XML: libvirt's element order,
 * single quotes, two-space indent, what was written (prefix or netmask,
 * lease units, yes/no attributes) and nothing more. netdef_parse_xml() of
 * the output gives back an equal struct, and the output is a fixed point. */
#include "netdef.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Escape for both text and single-quoted attribute values. */
static void put_esc(FILE *f, const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++) {
		switch (s[i]) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\r': fputs("&#13;", f); break;
		case '\t': fputs("&#9;", f); break;
		default: fputc(s[i], f);
		}
	}
}

/* Attribute values: a newline would be normalised to a space on parse. */
static void put_attr(FILE *f, const char *name, const char *val, size_t max)
{
	size_t i;

	fprintf(f, " %s='", name);
	for (i = 0; i < max && val[i]; i++) {
		if (val[i] == '\n')
			fputs("&#10;", f);
		else
			put_esc(f, val + i, 1);
	}
	fputc('\'', f);
}

static void put_text(FILE *f, int indent, const char *tag, const char *val, size_t max)
{
	fprintf(f, "%*s<%s>", indent, "", tag);
	put_esc(f, val, max);
	fprintf(f, "</%s>\n", tag);
}

static const char *ip4(struct in_addr a, char buf[INET6_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET6_ADDRSTRLEN);
}

static const char *ip6(const struct in6_addr *a, char buf[INET6_ADDRSTRLEN])
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static const char *addr(const struct netdef_addr *a, char buf[INET6_ADDRSTRLEN])
{
	return a->family == AF_INET6 ? ip6(&a->v6, buf) : ip4(a->v4, buf);
}

static void put_tri(FILE *f, const char *name, enum netdef_tri t, int onoff)
{
	if (t == NETDEF_YES)
		fprintf(f, " %s='%s'", name, onoff ? "on" : "yes");
	else if (t == NETDEF_NO)
		fprintf(f, " %s='%s'", name, onoff ? "off" : "no");
}

static void put_mac(FILE *f, const char *name, const uint8_t *m)
{
	fprintf(f, " %s='%02x:%02x:%02x:%02x:%02x:%02x'", name, m[0], m[1], m[2], m[3], m[4],
		m[5]);
}

static void put_header(FILE *f, const struct netdef *d)
{
	fputs("<network", f);
	put_tri(f, "ipv6", d->ipv6, 0);
	put_tri(f, "trustGuestRxFilters", d->trust_guest_rx_filters, 0);
	if (d->policy.filter || d->policy.acl_in[0] || d->policy.acl_out[0] || d->host_access ||
	    d->n_ports || d->overlay.enabled || d->ula.enabled)
		fprintf(f, " xmlns:vnet='%s'", NETDEF_VNET_NS);
	else
		for (size_t i = 0; i < d->n_portgroups && i < NETDEF_MAX_PORTGROUPS; i++)
			if (d->portgroups[i].policy.filter || d->portgroups[i].policy.acl_in[0] ||
			    d->portgroups[i].policy.acl_out[0]) {
				fprintf(f, " xmlns:vnet='%s'", NETDEF_VNET_NS);
				break;
			}
	fputs(">\n", f);
	put_text(f, 2, "name", d->name, sizeof(d->name));
	if (d->uuid[0])
		put_text(f, 2, "uuid", d->uuid, sizeof(d->uuid));
	if (d->title[0])
		put_text(f, 2, "title", d->title, sizeof(d->title));
	if (d->description[0])
		put_text(f, 2, "description", d->description, sizeof(d->description));
	if (d->metadata[0]) { /* already XML: verbatim */
		fputs("  <metadata>\n", f);
		fprintf(f, "%.*s\n", (int)strnlen(d->metadata, sizeof(d->metadata)), d->metadata);
		fputs("  </metadata>\n", f);
	}
}

static void put_nat(FILE *f, const struct netdef *d)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (!d->has_nat && !d->nat_addr_start.s_addr && !d->nat_port_start &&
	    d->nat_ipv6 == NETDEF_UNSET)
		return;
	fputs("    <nat", f);
	put_tri(f, "ipv6", d->nat_ipv6, 0);
	if (!d->nat_addr_start.s_addr && !d->nat_port_start) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	if (d->nat_addr_start.s_addr)
		fprintf(f, "      <address start='%s' end='%s'/>\n", ip4(d->nat_addr_start, a),
			ip4(d->nat_addr_end, b));
	if (d->nat_port_start)
		fprintf(f, "      <port start='%u' end='%u'/>\n", d->nat_port_start, d->nat_port_end);
	fputs("    </nat>\n", f);
}

static void put_forward(FILE *f, const struct netdef *d)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;
	int nat = d->has_nat || d->nat_addr_start.s_addr || d->nat_port_start ||
		  d->nat_ipv6 != NETDEF_UNSET;

	if (d->mode == NETDEF_MODE_ISOLATED)
		return;
	fputs("  <forward", f);
	if (d->forward_dev[0])
		put_attr(f, "dev", d->forward_dev, sizeof(d->forward_dev));
	fprintf(f, " mode='%s'", netdef_mode_name(d->mode));
	if (!d->n_port_forwards && !d->n_forward_ifs && !nat) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	put_nat(f, d);
	for (i = 0; i < d->n_forward_ifs && i < NETDEF_MAX_FWD_IFS; i++) {
		fputs("    <interface", f);
		put_attr(f, "dev", d->forward_ifs[i], NETDEF_IFNAME_MAX);
		fputs("/>\n", f);
	}
	for (i = 0; i < d->n_port_forwards && i < NETDEF_MAX_PORT_FORWARDS; i++) {
		const struct netdef_port_forward *pf = &d->port_forwards[i];

		fprintf(f, "    <portForward proto='%s' port='%u'",
			pf->proto == IPPROTO_UDP ? "udp" : "tcp", pf->host_port);
		if (pf->host_port_end)
			fprintf(f, " portEnd='%u'", pf->host_port_end);
		fprintf(f, " to='%s' toPort='%u'/>\n",
			pf->family == AF_INET6 ? inet_ntop(AF_INET6, &pf->guest_ip6, a, sizeof(a))
					       : ip4(pf->guest_ip, a),
			pf->guest_port);
	}
	fputs("  </forward>\n", f);
}

static void put_bridge(FILE *f, const struct netdef *d)
{
	if (d->bridge[0] || d->stp_given || d->stp || d->delay_given || d->mac_table_manager[0] ||
	    d->zone[0]) {
		fputs("  <bridge", f);
		if (d->bridge[0])
			put_attr(f, "name", d->bridge, sizeof(d->bridge));
		if (d->stp_given || d->stp)
			fprintf(f, " stp='%s'", d->stp ? "on" : "off");
		if (d->delay_given)
			fprintf(f, " delay='%u'", d->delay);
		if (d->mac_table_manager[0])
			put_attr(f, "macTableManager", d->mac_table_manager,
				 sizeof(d->mac_table_manager));
		if (d->zone[0])
			put_attr(f, "zone", d->zone, sizeof(d->zone));
		fputs("/>\n", f);
	}
	if (d->mtu)
		fprintf(f, "  <mtu size='%u'/>\n", d->mtu);
	if (d->has_mac) {
		fputs("  <mac", f);
		put_mac(f, "address", d->mac);
		fputs("/>\n", f);
	}
	if (d->domain[0]) {
		fputs("  <domain", f);
		put_attr(f, "name", d->domain, sizeof(d->domain));
		put_tri(f, "localOnly", d->domain_local_only, 0);
		put_tri(f, "register", d->domain_register, 0);
		fputs("/>\n", f);
	}
}

static void put_dns_host(FILE *f, const struct netdef_dns_host *h)
{
	char a[INET6_ADDRSTRLEN];
	size_t j;

	fprintf(f, "    <host ip='%s'>\n",
		h->family == AF_INET6 ? ip6(&h->ip6, a) : ip4(h->ip, a));
	for (j = 0; j < h->n_names && j < NETDEF_MAX_DNS_NAMES; j++)
		put_text(f, 6, "hostname", h->names[j], NETDEF_NAME_MAX);
	fputs("    </host>\n", f);
}

static void put_srv(FILE *f, const struct netdef_srv *s)
{
	fputs("    <srv", f);
	put_attr(f, "service", s->service, sizeof(s->service));
	put_attr(f, "protocol", s->protocol, sizeof(s->protocol));
	if (s->domain[0])
		put_attr(f, "domain", s->domain, sizeof(s->domain));
	if (s->target[0])
		put_attr(f, "target", s->target, sizeof(s->target));
	if (s->has_port)
		fprintf(f, " port='%u'", s->port);
	if (s->has_priority)
		fprintf(f, " priority='%u'", s->priority);
	if (s->has_weight)
		fprintf(f, " weight='%u'", s->weight);
	fputs("/>\n", f);
}

static void put_dns(FILE *f, const struct netdef *d)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;

	if (!d->n_forwarders && !d->n_dns_hosts && !d->n_srv && !d->n_txt &&
	    d->dns_enable == NETDEF_UNSET && d->forward_plain_names == NETDEF_UNSET)
		return;
	fputs("  <dns", f);
	put_tri(f, "enable", d->dns_enable, 0);
	put_tri(f, "forwardPlainNames", d->forward_plain_names, 0);
	if (!d->n_forwarders && !d->n_dns_hosts && !d->n_srv && !d->n_txt) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	for (i = 0; i < d->n_txt && i < NETDEF_MAX_TXT; i++) {
		fputs("    <txt", f);
		put_attr(f, "name", d->txt[i].name, sizeof(d->txt[i].name));
		put_attr(f, "value", d->txt[i].value, sizeof(d->txt[i].value));
		fputs("/>\n", f);
	}
	for (i = 0; i < d->n_forwarders && i < NETDEF_MAX_FORWARDERS; i++) {
		const struct netdef_forwarder *fw = &d->forwarders[i];

		fputs("    <forwarder", f);
		if (fw->domain[0])
			put_attr(f, "domain", fw->domain, sizeof(fw->domain));
		if (fw->addr.family)
			fprintf(f, " addr='%s'", addr(&fw->addr, a));
		fputs("/>\n", f);
	}
	for (i = 0; i < d->n_srv && i < NETDEF_MAX_SRV; i++)
		put_srv(f, &d->srv[i]);
	for (i = 0; i < d->n_dns_hosts && i < NETDEF_MAX_DNS_HOSTS; i++)
		put_dns_host(f, &d->dns_hosts[i]);
	fputs("  </dns>\n", f);
}

static void put_lease(FILE *f, int indent, const struct netdef_lease *l)
{
	static const char *const units[] = { NULL, "seconds", "minutes", "hours" };

	fprintf(f, "%*s<lease expiry='%lu'", indent, "", l->expiry);
	if (l->unit > NETDEF_UNIT_NONE && l->unit <= NETDEF_UNIT_HOURS)
		fprintf(f, " unit='%s'", units[l->unit]);
	fputs("/>\n", f);
}

/* An element whose only possible child is <lease>. */
static void end_with_lease(FILE *f, int indent, const char *tag, const struct netdef_lease *l)
{
	if (!l->set) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	put_lease(f, indent + 2, l);
	fprintf(f, "%*s</%s>\n", indent, "", tag);
}

static void put_ranges(FILE *f, const struct netdef_range *r, size_t n)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < n && i < NETDEF_MAX_RANGES; i++) {
		fprintf(f, "      <range start='%s' end='%s'", addr(&r[i].start, a),
			addr(&r[i].end, b));
		end_with_lease(f, 6, "range", &r[i].lease);
	}
}

static void put_dhcp4(FILE *f, const struct netdef *d, const struct netdef_range *r, size_t nr)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;

	if (!nr && !d->n_hosts && !d->bootp_file[0] && !d->n_dhcp_options) {
		fputs("    <dhcp/>\n", f);
		return;
	}
	fputs("    <dhcp>\n", f);
	put_ranges(f, r, nr);
	for (i = 0; i < d->n_hosts && i < NETDEF_MAX_HOSTS; i++) {
		const struct netdef_host *h = &d->hosts[i];

		fputs("      <host", f);
		if (h->has_mac)
			put_mac(f, "mac", h->mac);
		if (h->name[0])
			put_attr(f, "name", h->name, sizeof(h->name));
		if (h->has_ip)
			fprintf(f, " ip='%s'", ip4(h->ip, a));
		end_with_lease(f, 6, "host", &h->lease);
	}
	if (d->bootp_file[0]) {
		fputs("      <bootp", f);
		put_attr(f, "file", d->bootp_file, sizeof(d->bootp_file));
		if (d->bootp_server.s_addr)
			fprintf(f, " server='%s'", ip4(d->bootp_server, a));
		fputs("/>\n", f);
	}
	for (i = 0; i < d->n_dhcp_options && i < NETDEF_MAX_DHCP_OPTIONS; i++) {
		fprintf(f, "      <option number='%u'", d->dhcp_options[i].code);
		put_attr(f, "value", d->dhcp_options[i].value, sizeof(d->dhcp_options[i].value));
		fputs("/>\n", f);
	}
	fputs("    </dhcp>\n", f);
}

static void put_dhcp6(FILE *f, const struct netdef *d)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;

	if (!d->n_ranges6 && !d->n_hosts6) {
		fputs("    <dhcp/>\n", f);
		return;
	}
	fputs("    <dhcp>\n", f);
	put_ranges(f, d->ranges6, d->n_ranges6);
	for (i = 0; i < d->n_hosts6 && i < NETDEF_MAX_HOSTS6; i++) {
		const struct netdef_host6 *h = &d->hosts6[i];

		fputs("      <host", f);
		if (h->id[0])
			put_attr(f, "id", h->id, sizeof(h->id));
		if (h->name[0])
			put_attr(f, "name", h->name, sizeof(h->name));
		if (h->has_ip)
			fprintf(f, " ip='%s'", ip6(&h->ip, a));
		end_with_lease(f, 6, "host", &h->lease);
	}
	fputs("    </dhcp>\n", f);
}

static void put_mask(FILE *f, int family, unsigned prefix, int netmask_given)
{
	char b[INET6_ADDRSTRLEN];

	if (netmask_given == 1 && family == AF_INET) {
		struct in_addr m = { .s_addr = prefix ? htonl(~0u << (32 - prefix)) : 0 };

		fprintf(f, " netmask='%s'", ip4(m, b));
	} else if (netmask_given != 2) {
		fprintf(f, " prefix='%u'", prefix);
	}
}

static void put_one_ip(FILE *f, const struct netdef *d, const struct netdef_ip *ip,
		       const struct netdef_range *r, size_t nr)
{
	char a[INET6_ADDRSTRLEN];
	int v6 = ip->family == AF_INET6;

	fprintf(f, "  <ip%s address='%s'", v6 ? " family='ipv6'" : "",
		v6 ? ip6(&ip->addr6, a) : ip4(ip->addr4, a));
	put_mask(f, ip->family, ip->prefix, ip->netmask_given);
	put_tri(f, "localPtr", ip->local_ptr, 0);
	if (!ip->has_dhcp && !ip->tftp_root[0]) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	if (ip->tftp_root[0]) {
		fputs("    <tftp", f);
		put_attr(f, "root", ip->tftp_root, sizeof(ip->tftp_root));
		fputs("/>\n", f);
	}
	if (ip->has_dhcp) {
		if (v6)
			put_dhcp6(f, d);
		else
			put_dhcp4(f, d, r, nr);
	}
	fputs("  </ip>\n", f);
}

static void put_ips(FILE *f, const struct netdef *d)
{
	struct netdef_ip legacy = { 0 };
	struct netdef_range lr = { 0 };
	const struct netdef_range *r = d->ranges;
	size_t i, nr = d->n_ranges;

	if (!d->n_ips) { /* a hand-built definition with the legacy fields only */
		if (!d->has_ip)
			return;
		legacy.family = AF_INET;
		legacy.addr4 = d->ip;
		legacy.prefix = d->prefix;
		legacy.netmask_given = 1;
		legacy.has_dhcp = d->has_dhcp || d->n_hosts;
		if (!nr && d->has_dhcp) {
			lr.start.family = lr.end.family = AF_INET;
			lr.start.v4 = d->dhcp_start;
			lr.end.v4 = d->dhcp_end;
			r = &lr;
			nr = 1;
		}
		put_one_ip(f, d, &legacy, r, nr);
		return;
	}
	for (i = 0; i < d->n_ips && i < NETDEF_MAX_IPS; i++)
		if (!d->ips[i].ula) /* printed as <vnet:ula> */
			put_one_ip(f, d, &d->ips[i], r, nr);
}

static void put_ula(FILE *f, const struct netdef *d)
{
	char a[INET6_ADDRSTRLEN];

	if (!d->ula.enabled)
		return;
	if (!d->ula.has_prefix) {
		fputs("  <vnet:ula/>\n", f);
		return;
	}
	inet_ntop(AF_INET6, &d->ula.prefix, a, sizeof(a));
	fprintf(f, "  <vnet:ula prefix='%s/64'/>\n", a);
}

static void put_routes(FILE *f, const struct netdef *d)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < d->n_routes && i < NETDEF_MAX_ROUTES; i++) {
		const struct netdef_route *rt = &d->routes[i];

		fprintf(f, "  <route%s address='%s'", rt->addr.family == AF_INET6 ? " family='ipv6'" : "",
			addr(&rt->addr, a));
		put_mask(f, rt->addr.family, rt->prefix, rt->netmask_given);
		fprintf(f, " gateway='%s'", addr(&rt->gateway, a));
		if (rt->metric)
			fprintf(f, " metric='%u'", rt->metric);
		fputs("/>\n", f);
	}
}

static void put_bw(FILE *f, int indent, const char *tag, const struct netdef_bw *bw)
{
	if (!bw->average && !bw->peak && !bw->burst && !bw->floor)
		return;
	fprintf(f, "%*s<%s", indent, "", tag);
	if (bw->average)
		fprintf(f, " average='%llu'", (unsigned long long)bw->average);
	if (bw->peak)
		fprintf(f, " peak='%llu'", (unsigned long long)bw->peak);
	if (bw->burst)
		fprintf(f, " burst='%llu'", (unsigned long long)bw->burst);
	if (bw->floor)
		fprintf(f, " floor='%llu'", (unsigned long long)bw->floor);
	fputs("/>\n", f);
}

static int bw_set(const struct netdef_bw *b)
{
	return b->average || b->peak || b->burst || b->floor;
}

/* <bandwidth>, <port isolated>, then the vnet extension elements. */
static void put_policy(FILE *f, int indent, const struct netdef_policy *p)
{
	static const char *const modes[] = { NULL, "off", "learn", "strict" };

	if (bw_set(&p->bw.in) || bw_set(&p->bw.out)) {
		fprintf(f, "%*s<bandwidth>\n", indent, "");
		put_bw(f, indent + 2, "inbound", &p->bw.in);
		put_bw(f, indent + 2, "outbound", &p->bw.out);
		fprintf(f, "%*s</bandwidth>\n", indent, "");
	}
	if (p->isolated != NETDEF_UNSET) {
		fprintf(f, "%*s<port", indent, "");
		put_tri(f, "isolated", p->isolated, 0);
		fputs("/>\n", f);
	}
	if (p->filter > NETDEF_FILTER_INHERIT && p->filter <= NETDEF_FILTER_STRICT)
		fprintf(f, "%*s<vnet:filter mode='%s'/>\n", indent, "", modes[p->filter]);
	if (p->acl_in[0] || p->acl_out[0]) {
		fprintf(f, "%*s<vnet:acl", indent, "");
		if (p->acl_in[0])
			put_attr(f, "ingress", p->acl_in, sizeof(p->acl_in));
		if (p->acl_out[0])
			put_attr(f, "egress", p->acl_out, sizeof(p->acl_out));
		fputs("/>\n", f);
	}
}

static int policy_set(const struct netdef_policy *p)
{
	return bw_set(&p->bw.in) || bw_set(&p->bw.out) || p->isolated || p->filter ||
	       p->acl_in[0] || p->acl_out[0];
}

static void put_portgroups(FILE *f, const struct netdef *d)
{
	size_t i;

	for (i = 0; i < d->n_portgroups && i < NETDEF_MAX_PORTGROUPS; i++) {
		const struct netdef_portgroup *pg = &d->portgroups[i];

		fputs("  <portgroup", f);
		put_attr(f, "name", pg->name, sizeof(pg->name));
		if (pg->is_default)
			fputs(" default='yes'", f);
		if (!policy_set(&pg->policy)) {
			fputs("/>\n", f);
			continue;
		}
		fputs(">\n", f);
		put_policy(f, 4, &pg->policy);
		fputs("  </portgroup>\n", f);
	}
}

static void put_host_access(FILE *f, const struct netdef *d)
{
	static const char *const modes[] = { NULL, "all", "services", "none" };
	size_t i;

	if (d->host_access <= NETDEF_HOST_INHERIT || d->host_access > NETDEF_HOST_NONE)
		return;
	fprintf(f, "  <vnet:hostAccess mode='%s'", modes[d->host_access]);
	if (!d->n_host_services) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	for (i = 0; i < d->n_host_services && i < NETDEF_MAX_HOST_SERVICES; i++)
		fprintf(f, "    <vnet:service proto='%s' port='%u'/>\n",
			d->host_services[i].proto == IPPROTO_UDP ? "udp" : "tcp",
			d->host_services[i].port);
	fputs("  </vnet:hostAccess>\n", f);
}

static void put_overlay(FILE *f, const struct netdef *d)
{
	const struct netdef_overlay *o = &d->overlay;
	char a[INET6_ADDRSTRLEN];

	if (!o->enabled)
		return;
	fprintf(f, "  <vnet:overlay vni='%u' asn='%u'", o->vni, o->asn);
	if (o->nat == NETDEF_OVL_NAT_DISTRIBUTED)
		fputs(" nat='distributed'", f);
	fputs(">\n", f);
	if (o->underlay_dev[0] || o->local.s_addr) {
		fputs("    <vnet:underlay", f);
		if (o->underlay_dev[0])
			put_attr(f, "dev", o->underlay_dev, sizeof(o->underlay_dev));
		if (o->local.s_addr)
			fprintf(f, " local='%s'", ip4(o->local, a));
		fputs("/>\n", f);
	}
	for (size_t i = 0; i < o->n_peers && i < NETDEF_MAX_OVERLAY_PEERS; i++)
		fprintf(f, "    <vnet:peer address='%s'/>\n", ip4(o->peers[i], a));
	fputs("  </vnet:overlay>\n", f);
}

static void put_ports(FILE *f, const struct netdef *d)
{
	char a[INET6_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; i < d->n_ports && i < NETDEF_MAX_PORTS; i++) {
		const struct netdef_port *p = &d->ports[i];

		fputs("  <vnet:port", f);
		put_attr(f, "dev", p->dev, sizeof(p->dev));
		if (p->has_mac)
			put_mac(f, "mac", p->mac);
		if (p->portgroup[0])
			put_attr(f, "portgroup", p->portgroup, sizeof(p->portgroup));
		if (!p->n_ip4 && !p->n_ip6 && !policy_set(&p->policy)) {
			fputs("/>\n", f);
			continue;
		}
		fputs(">\n", f);
		for (j = 0; j < p->n_ip4 && j < NETDEF_MAX_PORT_IPS; j++)
			fprintf(f, "    <vnet:ip address='%s'/>\n", ip4(p->ip4[j], a));
		for (j = 0; j < p->n_ip6 && j < NETDEF_MAX_PORT_IPS; j++)
			fprintf(f, "    <vnet:ip address='%s'/>\n", ip6(&p->ip6[j], a));
		put_policy(f, 4, &p->policy);
		fputs("  </vnet:port>\n", f);
	}
}

char *netdef_format_xml(const struct netdef *def)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	put_header(f, def);
	put_forward(f, def);
	put_bridge(f, def);
	put_dns(f, def);
	put_policy(f, 2, &def->policy);
	put_ips(f, def);
	put_routes(f, def);
	put_portgroups(f, def);
	put_host_access(f, def);
	put_ports(f, def);
	put_overlay(f, def);
	put_ula(f, def);
	fputs("</network>\n", f);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
