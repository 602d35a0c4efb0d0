/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Write a struct netdef as canonical network XML: fixed element order,
 * single quotes, two-space indent, only what differs from the defaults.
 * netdef_parse_xml() of the output gives back an equal struct. */
#include "netdef.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

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
		default: fputc(s[i], f);
		}
	}
}

static void put_attr(FILE *f, const char *name, const char *val, size_t max)
{
	fprintf(f, " %s='", name);
	put_esc(f, val, max);
	fputc('\'', f);
}

static const char *ip4(struct in_addr a, char buf[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static void put_forward(FILE *f, const struct netdef *d)
{
	char a[INET_ADDRSTRLEN];
	size_t i;

	if (d->mode == NETDEF_MODE_ISOLATED)
		return;
	fprintf(f, "  <forward mode='%s'", netdef_mode_name(d->mode));
	if (d->forward_dev[0])
		put_attr(f, "dev", d->forward_dev, sizeof(d->forward_dev));
	if (!d->n_port_forwards) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	for (i = 0; i < d->n_port_forwards && i < NETDEF_MAX_PORT_FORWARDS; i++) {
		const struct netdef_port_forward *pf = &d->port_forwards[i];

		fprintf(f, "    <portForward proto='%s' port='%u' to='%s' toPort='%u'/>\n",
			pf->proto == IPPROTO_UDP ? "udp" : "tcp", pf->host_port,
			ip4(pf->guest_ip, a), pf->guest_port);
	}
	fputs("  </forward>\n", f);
}

static void put_dns(FILE *f, const struct netdef *d)
{
	char a[INET_ADDRSTRLEN];
	size_t i, j;

	if (!d->n_forwarders && !d->n_dns_hosts)
		return;
	fputs("  <dns>\n", f);
	for (i = 0; i < d->n_forwarders && i < NETDEF_MAX_FORWARDERS; i++)
		fprintf(f, "    <forwarder addr='%s'/>\n", ip4(d->forwarders[i].addr.v4, a));
	for (i = 0; i < d->n_dns_hosts && i < NETDEF_MAX_DNS_HOSTS; i++) {
		const struct netdef_dns_host *h = &d->dns_hosts[i];

		fprintf(f, "    <host ip='%s'>\n", ip4(h->ip, a));
		for (j = 0; j < h->n_names && j < NETDEF_MAX_DNS_NAMES; j++) {
			fputs("      <hostname>", f);
			put_esc(f, h->names[j], NETDEF_NAME_MAX);
			fputs("</hostname>\n", f);
		}
		fputs("    </host>\n", f);
	}
	fputs("  </dns>\n", f);
}

/* Largest whole unit, as libvirt users write it. */
static void put_lease(FILE *f, unsigned secs)
{
	if (secs % 3600 == 0)
		fprintf(f, "<lease expiry='%u' unit='hours'/>", secs / 3600);
	else if (secs % 60 == 0)
		fprintf(f, "<lease expiry='%u' unit='minutes'/>", secs / 60);
	else
		fprintf(f, "<lease expiry='%u' unit='seconds'/>", secs);
}

static void put_dhcp(FILE *f, const struct netdef *d)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	size_t i;

	if (!d->has_dhcp && !d->n_hosts)
		return;
	fputs("    <dhcp>\n", f);
	if (d->has_dhcp) {
		fprintf(f, "      <range start='%s' end='%s'", ip4(d->dhcp_start, a),
			ip4(d->dhcp_end, b));
		if (d->lease_secs) {
			fputs(">\n        ", f);
			put_lease(f, d->lease_secs);
			fputs("\n      </range>\n", f);
		} else {
			fputs("/>\n", f);
		}
	}
	for (i = 0; i < d->n_hosts && i < NETDEF_MAX_HOSTS; i++) {
		const struct netdef_host *h = &d->hosts[i];
		const uint8_t *m = h->mac;

		fprintf(f, "      <host mac='%02x:%02x:%02x:%02x:%02x:%02x' ip='%s'", m[0], m[1],
			m[2], m[3], m[4], m[5], ip4(h->ip, a));
		if (h->name[0])
			put_attr(f, "name", h->name, sizeof(h->name));
		fputs("/>\n", f);
	}
	fputs("    </dhcp>\n", f);
}

static void put_ip(FILE *f, const struct netdef *d)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	struct in_addr mask = { .s_addr = netdef_mask(d) };

	if (!d->has_ip)
		return;
	fprintf(f, "  <ip address='%s' netmask='%s'", ip4(d->ip, a), ip4(mask, b));
	if (!d->has_dhcp && !d->n_hosts) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	put_dhcp(f, d);
	fputs("  </ip>\n", f);
}

static void put_simple(FILE *f, const struct netdef *d)
{
	fputs("  <name>", f);
	put_esc(f, d->name, sizeof(d->name));
	fputs("</name>\n", f);
	if (d->uuid[0]) {
		fputs("  <uuid>", f);
		put_esc(f, d->uuid, sizeof(d->uuid));
		fputs("</uuid>\n", f);
	}
	put_forward(f, d);
	if (d->bridge[0] || d->stp) {
		fputs("  <bridge", f);
		if (d->bridge[0])
			put_attr(f, "name", d->bridge, sizeof(d->bridge));
		fprintf(f, " stp='%s'/>\n", d->stp ? "on" : "off");
	}
	if (d->mtu)
		fprintf(f, "  <mtu size='%u'/>\n", d->mtu);
	if (d->domain[0]) {
		fputs("  <domain", f);
		put_attr(f, "name", d->domain, sizeof(d->domain));
		fputs("/>\n", f);
	}
}

char *netdef_format_xml(const struct netdef *def)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("<network>\n", f);
	put_simple(f, def);
	put_dns(f, def);
	put_ip(f, def);
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
