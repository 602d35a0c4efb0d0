/* SPDX-License-Identifier: GPL-2.0-or-later */
/* net-update (virsh's): add, delete or modify one element of a section of
 * a network's definition -- a static DHCP host, a range, a DNS host, SRV
 * or TXT record, a forward interface, a portgroup -- in the running
 * network (--live), in its stored definition (--config), or both.
 * Applied live without touching any other guest: a DHCP host goes through
 * the service's host add/delete path, a DNS host through the zone's names;
 * only range and SRV/TXT changes restart the services (leases are kept).
 * The element is parsed by the network XML parser itself, wrapped in a
 * minimal <network>, so it is checked exactly as a definition is. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "netmgr.h"

static const char *const section_names[] = {
	[NU_HOST] = "ip-dhcp-host",	[NU_RANGE] = "ip-dhcp-range",
	[NU_DNS_HOST] = "dns-host",	[NU_DNS_SRV] = "dns-srv",
	[NU_DNS_TXT] = "dns-txt",	[NU_FWD_IF] = "forward-interface",
	[NU_PORTGROUP] = "portgroup",
};
/* the element each section's XML must be */
static const char *const section_elems[] = {
	[NU_HOST] = "host", [NU_RANGE] = "range", [NU_DNS_HOST] = "host", [NU_DNS_SRV] = "srv",
	[NU_DNS_TXT] = "txt", [NU_FWD_IF] = "interface", [NU_PORTGROUP] = "portgroup",
};

int netupdate_section(const char *name)
{
	for (int i = 0; i < NU_SECTION_MAX; i++)
		if (!strcmp(section_names[i], name))
			return i;
	return -1;
}

int netupdate_op(const char *name)
{
	if (!strcmp(name, "add") || !strcmp(name, "add-last"))
		return NU_ADD_LAST;
	if (!strcmp(name, "add-first"))
		return NU_ADD_FIRST;
	if (!strcmp(name, "delete"))
		return NU_DELETE;
	if (!strcmp(name, "modify"))
		return NU_MODIFY;
	return -1;
}

/* hand-built hosts (host-add before the flags existed) carry none */
static int host_mac(const struct netdef_host *h)
{
	static const uint8_t zero[6];

	return h->has_mac || memcmp(h->mac, zero, 6);
}

static int host_ip(const struct netdef_host *h)
{
	return h->has_ip || h->ip.s_addr;
}

/* The element must be exactly one <elem ...>: no document around it. */
static int elem_ok(const char *xml, const char *elem)
{
	size_t l = strlen(elem);

	xml += strspn(xml, " \t\r\n");
	return xml[0] == '<' && !strncmp(xml + 1, elem, l) && strchr(" \t\r\n/>", xml[1 + l]);
}

/* Parse xml as one element of section s for network d. */
int netupdate_parse(const struct netdef *d, enum nu_section s, const char *xml,
		    struct nu_item *it, char *err, size_t errlen)
{
	char gw[INET_ADDRSTRLEN], *doc = NULL, range[160] = "";
	struct netdef *p = NULL;
	int r, one = 0;

	if (!elem_ok(xml, section_elems[s]))
		return ERR("%s needs one <%s> element", section_names[s], section_elems[s]), -EINVAL;
	inet_ntop(AF_INET, &d->ip, gw, sizeof(gw));
	if (s == NU_HOST && d->has_dhcp) { /* in case the parser wants a range beside hosts */
		char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &d->dhcp_start, a, sizeof(a));
		inet_ntop(AF_INET, &d->dhcp_end, b, sizeof(b));
		snprintf(range, sizeof(range), "<range start='%s' end='%s'/>", a, b);
	}
	if ((s == NU_HOST || s == NU_RANGE) && !d->has_ip)
		return ERR("network %s has no IPv4 <ip> for %s", d->name, section_names[s]), -EINVAL;
	switch (s) {
	case NU_HOST:
	case NU_RANGE:
		r = asprintf(&doc, "<network><name>net-update</name><ip address='%s' prefix='%u'>"
			     "<dhcp>%s%s</dhcp></ip></network>", gw, d->prefix, range, xml);
		break;
	case NU_DNS_HOST:
	case NU_DNS_SRV:
	case NU_DNS_TXT:
		r = asprintf(&doc, "<network><name>net-update</name><dns>%s</dns></network>", xml);
		break;
	case NU_FWD_IF:
		r = asprintf(&doc, "<network><name>net-update</name><forward mode='nat'>%s</forward>"
			     "</network>", xml);
		break;
	default:
		r = asprintf(&doc, "<network><name>net-update</name>%s</network>", xml);
	}
	if (r < 0)
		return ERR("out of memory"), -ENOMEM;
	r = netdef_parse_xml(doc, strlen(doc), &p, err, errlen);
	free(doc);
	if (r)
		return r;
	memset(it, 0, sizeof(*it));
	switch (s) {
	case NU_HOST:
		one = p->n_hosts == 1;
		if (one)
			it->host = p->hosts[0];
		break;
	case NU_RANGE:
		/* the parser also fills the primary range (dhcp_start/end) */
		one = p->has_dhcp && (p->n_ranges <= 1);
		it->range.start.family = it->range.end.family = AF_INET;
		it->range.start.v4 = p->n_ranges ? p->ranges[0].start.v4 : p->dhcp_start;
		it->range.end.v4 = p->n_ranges ? p->ranges[0].end.v4 : p->dhcp_end;
		if (p->n_ranges)
			it->range.lease = p->ranges[0].lease;
		break;
	case NU_DNS_HOST:
		one = p->n_dns_hosts == 1;
		if (one)
			it->dns = p->dns_hosts[0];
		break;
	case NU_DNS_SRV:
		one = p->n_srv == 1;
		if (one)
			it->srv = p->srv[0];
		break;
	case NU_DNS_TXT:
		one = p->n_txt == 1;
		if (one)
			it->txt = p->txt[0];
		break;
	case NU_FWD_IF:
		one = p->n_forward_ifs == 1;
		if (one)
			snprintf(it->fwd_if, sizeof(it->fwd_if), "%s", p->forward_ifs[0]);
		break;
	default:
		one = p->n_portgroups == 1;
		if (one)
			it->pg = p->portgroups[0];
	}
	free(p);
	if (!one)
		return ERR("%s needs exactly one <%s> element", section_names[s], section_elems[s]),
		       -EINVAL;
	return 0;
}

/* ---- finding the element a delete or modify means ---- */

static long find_host(const struct netdef *d, const struct netdef_host *h, int by_ip)
{
	for (size_t i = 0; i < d->n_hosts; i++) {
		const struct netdef_host *o = &d->hosts[i];

		if (host_mac(h) ? host_mac(o) && !memcmp(o->mac, h->mac, 6)
				: h->name[0] && !strcmp(o->name, h->name))
			return (long)i;
		if (by_ip && host_ip(h) && host_ip(o) && o->ip.s_addr == h->ip.s_addr)
			return (long)i;
	}
	return -1;
}

static long find_item(const struct netdef *d, enum nu_section s, const struct nu_item *it,
		      int adding)
{
	for (size_t i = 0;; i++) {
		switch (s) {
		case NU_HOST:
			return find_host(d, &it->host, adding);
		case NU_RANGE:
			if (i >= d->n_ranges)
				return -1;
			if (d->ranges[i].start.v4.s_addr == it->range.start.v4.s_addr &&
			    d->ranges[i].end.v4.s_addr == it->range.end.v4.s_addr)
				return (long)i;
			break;
		case NU_DNS_HOST:
			if (i >= d->n_dns_hosts)
				return -1;
			if (d->dns_hosts[i].ip.s_addr == it->dns.ip.s_addr &&
			    d->dns_hosts[i].family == it->dns.family)
				return (long)i;
			break;
		case NU_DNS_SRV:
			if (i >= d->n_srv)
				return -1;
			if (!strcmp(d->srv[i].service, it->srv.service) &&
			    !strcmp(d->srv[i].protocol, it->srv.protocol) &&
			    !strcmp(d->srv[i].domain, it->srv.domain) &&
			    (adding || !it->srv.target[0] || !strcmp(d->srv[i].target, it->srv.target)))
				return (long)i;
			break;
		case NU_DNS_TXT:
			if (i >= d->n_txt)
				return -1;
			if (!strcmp(d->txt[i].name, it->txt.name))
				return (long)i;
			break;
		case NU_FWD_IF:
			if (i >= d->n_forward_ifs)
				return -1;
			if (!strcmp(d->forward_ifs[i], it->fwd_if))
				return (long)i;
			break;
		default:
			if (i >= d->n_portgroups)
				return -1;
			if (!strcmp(d->portgroups[i].name, it->pg.name))
				return (long)i;
		}
	}
}

/* The array of section s in d: base, element size, count and capacity. */
struct arr {
	void *base;
	size_t size, *n, max;
};

static struct arr arr_of(struct netdef *d, enum nu_section s)
{
	switch (s) {
	case NU_HOST:
		return (struct arr){ d->hosts, sizeof(d->hosts[0]), &d->n_hosts, NETDEF_MAX_HOSTS };
	case NU_RANGE:
		return (struct arr){ d->ranges, sizeof(d->ranges[0]), &d->n_ranges, NETDEF_MAX_RANGES };
	case NU_DNS_HOST:
		return (struct arr){ d->dns_hosts, sizeof(d->dns_hosts[0]), &d->n_dns_hosts,
				     NETDEF_MAX_DNS_HOSTS };
	case NU_DNS_SRV:
		return (struct arr){ d->srv, sizeof(d->srv[0]), &d->n_srv, NETDEF_MAX_SRV };
	case NU_DNS_TXT:
		return (struct arr){ d->txt, sizeof(d->txt[0]), &d->n_txt, NETDEF_MAX_TXT };
	case NU_FWD_IF:
		return (struct arr){ d->forward_ifs, sizeof(d->forward_ifs[0]), &d->n_forward_ifs,
				     NETDEF_MAX_FWD_IFS };
	default:
		return (struct arr){ d->portgroups, sizeof(d->portgroups[0]), &d->n_portgroups,
				     NETDEF_MAX_PORTGROUPS };
	}
}

static const void *item_ptr(enum nu_section s, const struct nu_item *it)
{
	switch (s) {
	case NU_HOST: return &it->host;
	case NU_RANGE: return &it->range;
	case NU_DNS_HOST: return &it->dns;
	case NU_DNS_SRV: return &it->srv;
	case NU_DNS_TXT: return &it->txt;
	case NU_FWD_IF: return it->fwd_if;
	default: return &it->pg;
	}
}

/* The primary range (dhcp_start/end, what every consumer reads) follows
 * the first of ranges[]. */
static void ranges_sync(struct netdef *d)
{
	if (!d->n_ranges)
		return;
	d->dhcp_start = d->ranges[0].start.v4;
	d->dhcp_end = d->ranges[0].end.v4;
	d->has_dhcp = 1;
}

/* Change d; *old gets the element deleted or modified. */
static int mutate(struct netdef *d, enum nu_op op, enum nu_section s, const struct nu_item *it,
		  struct nu_item *old, char *err, size_t errlen)
{
	struct arr a = arr_of(d, s);
	long i = find_item(d, s, it, op == NU_ADD_LAST || op == NU_ADD_FIRST);
	char *base = a.base;

	if (s == NU_RANGE && !d->n_ranges && d->has_dhcp) { /* a definition from before ranges[] */
		d->ranges[0].start.family = d->ranges[0].end.family = AF_INET;
		d->ranges[0].start.v4 = d->dhcp_start;
		d->ranges[0].end.v4 = d->dhcp_end;
		d->n_ranges = 1;
		i = find_item(d, s, it, 0);
	}
	switch (op) {
	case NU_ADD_LAST:
	case NU_ADD_FIRST:
		if (i >= 0)
			return ERR("there is already such a %s in network %s", section_names[s],
				   d->name), -EEXIST;
		if (*a.n >= a.max)
			return ERR("too many entries in %s (max %zu)", section_names[s], a.max), -ENOSPC;
		if (op == NU_ADD_FIRST) {
			memmove(base + a.size, base, *a.n * a.size);
			memcpy(base, item_ptr(s, it), a.size);
		} else {
			memcpy(base + *a.n * a.size, item_ptr(s, it), a.size);
		}
		(*a.n)++;
		break;
	case NU_DELETE:
	case NU_MODIFY:
		if (i < 0)
			return ERR("network %s has no such %s", d->name, section_names[s]), -ENOENT;
		if (s == NU_RANGE && op == NU_MODIFY)
			return ERR("ip-dhcp-range cannot be modified: delete it and add the new one"),
			       -EOPNOTSUPP;
		memcpy((void *)item_ptr(s, old), base + i * a.size, a.size);
		if (op == NU_MODIFY) {
			memcpy(base + i * a.size, item_ptr(s, it), a.size);
		} else {
			memmove(base + i * a.size, base + (i + 1) * a.size, (*a.n - i - 1) * a.size);
			(*a.n)--;
		}
		break;
	}
	if (s == NU_RANGE) {
		if (!d->n_ranges)
			return ERR("the last ip-dhcp-range cannot be deleted"), -EINVAL;
		ranges_sync(d);
	}
	return 0;
}

/* ---- the running services ---- */

static void dns_host_names(struct network *n, const struct netdef_dns_host *h, int add)
{
	if (h->family == AF_INET6)
		return;
	for (unsigned j = 0; j < h->n_names; j++)
		(add ? dns_proxy_add_name : dns_proxy_del_name)(n->dns, h->names[j], h->ip);
}

static void host_gone(struct network *n, const struct netdef_host *h)
{
	/* names first: the child takes messages in order and answers the
	 * DHCP call after them (no query after this command finds them) */
	if (h->name[0] && host_ip(h))
		dns_proxy_del_name(n->dns, h->name, h->ip);
	if (host_ip(h))
		dns_proxy_lease_gone(n->dns, h->ip);
}

static int apply_live(struct network *n, enum nu_op op, enum nu_section s,
		      const struct nu_item *it, const struct nu_item *old, char *err, size_t errlen)
{
	int r = 0;

	switch (s) {
	case NU_HOST:
		if (op == NU_DELETE || op == NU_MODIFY) {
			host_gone(n, &old->host);
			if (n->dhcp && host_mac(&old->host)) {
				r = dhcp_proxy_del_host(n->dhcp, &old->host, err, errlen);
				if (r == -ENOENT)
					r = 0;
			}
		}
		if (!r && op != NU_DELETE && n->dhcp && host_mac(&it->host) && host_ip(&it->host))
			r = dhcp_proxy_add_host(n->dhcp, &it->host, err, errlen);
		if (!r && op != NU_DELETE && it->host.name[0] && host_ip(&it->host))
			dns_proxy_add_name(n->dns, it->host.name, it->host.ip);
		return r;
	case NU_DNS_HOST:
		if (op != NU_ADD_LAST && op != NU_ADD_FIRST)
			dns_host_names(n, &old->dns, 0);
		if (op != NU_DELETE)
			dns_host_names(n, &it->dns, 1);
		return 0;
	case NU_RANGE:
	case NU_DNS_SRV:
	case NU_DNS_TXT:
		/* the pool and the zone are built from the definition: the
		 * services start again with it (leases are on disk) */
		return network_restart_services(n, err, errlen);
	default:
		return 0; /* forward interfaces and portgroups: read at port-add/start */
	}
}

int network_update(struct network *n, enum nu_op op, enum nu_section s, const struct nu_item *it,
		   unsigned flags, char *err, size_t errlen)
{
	int active = n->state == NETWORK_ACTIVE, ret;
	int live = (flags & NU_LIVE) || (!(flags & (NU_LIVE | NU_CONFIG)) && active);
	int config = (flags & NU_CONFIG) || !(flags & (NU_LIVE | NU_CONFIG)) || !active;
	struct netdef *copy, *pend = NULL;
	struct nu_item old, junk;
	char scratch[256];

	if (live && !active)
		return ERR("network %s is not active: use --config", n->def->name), -EINVAL;
	if (n->transient && (flags & NU_CONFIG))
		return ERR("network %s is transient: it has no stored definition", n->def->name),
		       -EINVAL;
	copy = malloc(sizeof(*copy));
	if (!copy)
		return ERR("out of memory"), -ENOMEM;
	/* checked on a copy of each definition it changes, then applied */
	memcpy(copy, live || !n->pending_def ? n->def : n->pending_def, sizeof(*copy));
	ret = mutate(copy, op, s, it, &old, err, errlen);
	if (!ret)
		ret = netdef_validate(copy, err, errlen);
	if (!ret && live && config && n->pending_def) {
		memcpy(copy, n->pending_def, sizeof(*copy));
		ret = mutate(copy, op, s, it, &old, err, errlen);
		if (!ret)
			ret = netdef_validate(copy, err, errlen);
	}
	/* an active network changed in one of its two definitions only: they part */
	if (!ret && active && live != config && !n->pending_def) {
		pend = copy;
		memcpy(pend, n->def, sizeof(*pend));
		copy = NULL;
	}
	free(copy);
	if (ret) {
		free(pend);
		return ret;
	}
	if (pend)
		n->pending_def = pend;
	if (live) {
		memset(&old, 0, sizeof(old));
		mutate(n->def, op, s, it, &old, scratch, sizeof(scratch));
		ret = apply_live(n, op, s, it, &old, err, errlen);
		if (ret) { /* the service refused: the definition as it was */
			if (op == NU_DELETE)
				mutate(n->def, NU_ADD_LAST, s, &old, &junk, scratch, sizeof(scratch));
			else if (op == NU_MODIFY)
				mutate(n->def, NU_MODIFY, s, &old, &junk, scratch, sizeof(scratch));
			else
				mutate(n->def, NU_DELETE, s, it, &junk, scratch, sizeof(scratch));
			return ret;
		}
	}
	if (config && n->pending_def)
		mutate(n->pending_def, op, s, it, &junk, scratch, sizeof(scratch));
	else if (config && !live)
		mutate(n->def, op, s, it, &junk, scratch, sizeof(scratch));
	ret = netstore_save(n->mgr, n);
	if (!ret && active)
		ret = netstore_save_runtime(n->mgr, n);
	return ret ? ERR("cannot store network %s: %s", n->def->name, strerror(-ret)), ret : 0;
}
