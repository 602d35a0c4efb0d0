/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dhcp.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* libvirt's <lease expiry unit>: minutes by default, 0 = infinite; not
 * set = 0 (the pool's, or the range's, time). */
static uint32_t lease_secs(const struct netdef_lease *l)
{
	uint64_t mul = l->unit == NETDEF_UNIT_SECONDS ? 1 : l->unit == NETDEF_UNIT_HOURS ? 3600 : 60;
	uint64_t v;

	if (!l->set)
		return 0;
	if (!l->expiry)
		return DHCP_LEASE_INFINITE;
	v = (uint64_t)l->expiry * mul;
	return v >= DHCP_LEASE_INFINITE ? DHCP_LEASE_INFINITE - 1 : (uint32_t)v;
}

/* Add s..e (host order) minus what cfg already serves, in up to two
 * pieces per range it overlaps; 1 if some part was dropped (overlap, or
 * no room for another piece). */
static int add_range(struct dhcp_pool_config *c, uint32_t s, uint32_t e, uint32_t secs)
{
	for (size_t k = 0; k < c->n_ranges; k++) {
		uint32_t ks = ntohl(c->ranges[k].start.s_addr), ke = ntohl(c->ranges[k].end.s_addr);

		if (e < ks || s > ke)
			continue;
		if (s < ks)
			add_range(c, s, ks - 1, secs);
		if (e > ke)
			add_range(c, ke + 1, e, secs);
		return 1;
	}
	if (c->n_ranges == DHCP_POOL_MAX_RANGES)
		return 1;
	c->ranges[c->n_ranges++] = (struct dhcp_pool_range){ { htonl(s) }, { htonl(e) }, secs };
	return 0;
}

static void config_ranges(const struct netdef *def, struct dhcp_pool_config *c)
{
	for (size_t i = 0; i < def->n_ranges && i < NETDEF_MAX_RANGES; i++) {
		const struct netdef_range *r = &def->ranges[i];

		if (r->start.family != AF_INET)
			continue;
		if (add_range(c, ntohl(r->start.v4.s_addr), ntohl(r->end.v4.s_addr),
			      lease_secs(&r->lease)))
			log_warn("dhcp %s: range %s overlaps another: served once", def->name,
				 inet_ntoa(r->start.v4));
	}
	/* a definition with the primary fields only (hand-built, or older) */
	if (!c->n_ranges && def->has_dhcp && def->dhcp_start.s_addr)
		add_range(c, ntohl(def->dhcp_start.s_addr), ntohl(def->dhcp_end.s_addr), 0);
	if (c->n_ranges)
		c->lease_secs = c->ranges[0].lease_secs;
	if (!c->lease_secs && def->lease_secs)
		c->lease_secs = def->lease_secs;
	if (c->lease_secs == DHCP_LEASE_INFINITE && c->n_ranges)
		c->lease_secs = 0; /* hosts outside the ranges: the default */
}

static void config_options(const struct netdef *def, struct dhcp_pool_config *c)
{
	for (size_t i = 0; i < def->n_dhcp_options && i < NETDEF_MAX_DHCP_OPTIONS; i++) {
		const struct netdef_dhcp_option *o = &def->dhcp_options[i];
		struct dhcp_raw_opt *r = &c->opts[c->n_opts];
		char v[NETDEF_TXT_MAX];
		int n;

		snprintf(v, sizeof(v), "%.*s", (int)sizeof(v) - 1, o->value);
		n = dhcp_option_encode(v, r->data, sizeof(r->data));
		if (n < 0 || o->code == 0 || o->code == 255 || c->n_opts == DHCP_MAX_RAW_OPTS) {
			log_warn("dhcp %s: option %u ignored: bad value", def->name, o->code);
			continue;
		}
		r->code = o->code;
		r->len = (uint8_t)n;
		c->n_opts++;
	}
}

int dhcp_pool_add_netdef_host(struct dhcp_pool *p, const struct netdef_host *h, int64_t now)
{
	/* has_mac/has_ip are new: a host built without them has both */
	int legacy = !h->has_mac && !h->has_ip;
	struct dhcp_pool_host hh = { .has_mac = h->has_mac || legacy,
				     .lease_secs = lease_secs(&h->lease) };

	memcpy(hh.mac, h->mac, 6);
	if (h->has_ip || legacy)
		hh.ip = h->ip;
	snprintf(hh.name, sizeof(hh.name), "%.*s", (int)sizeof(hh.name) - 1, h->name);
	return dhcp_pool_add_host(p, &hh, now);
}

static void add_hosts(struct dhcp_pool *p, const struct netdef *def, int64_t now)
{
	for (size_t i = 0; i < def->n_hosts && i < NETDEF_MAX_HOSTS; i++) {
		const struct netdef_host *h = &def->hosts[i];

		if (dhcp_pool_add_netdef_host(p, h, now))
			log_warn("dhcp %s: host %.*s ignored", def->name, (int)sizeof(h->name) - 1,
				 h->name[0] ? h->name : inet_ntoa(h->ip));
	}
}

struct dhcp_pool *dhcp_pool_from_netdef(const struct netdef *def, int64_t now,
					dhcp_pool_event_cb cb, void *ctx)
{
	struct dhcp_pool_config *c = calloc(1, sizeof(*c)); /* 9 KB: not on the stack */
	struct dhcp_pool *p;

	if (!c)
		return NULL;
	c->server_ip = def->ip;
	c->prefix = def->prefix;
	c->dns = def->ip;
	c->no_dns = def->dns_enable == NETDEF_NO;
	c->mtu = def->mtu;
	snprintf(c->domain, sizeof(c->domain), "%s", def->domain);
	config_ranges(def, c);
	snprintf(c->boot_file, sizeof(c->boot_file), "%.*s", (int)sizeof(c->boot_file) - 1,
		 def->bootp_file);
	c->next_server = def->bootp_server;
	config_options(def, c);
	p = dhcp_pool_new(c, cb, ctx);
	free(c);
	if (p)
		add_hosts(p, def, now);
	return p;
}

int dhcp_netdef_serves(const struct netdef *def)
{
	return def->has_ip && (def->has_dhcp || def->has_dhcp4 || def->n_ranges || def->n_hosts);
}
