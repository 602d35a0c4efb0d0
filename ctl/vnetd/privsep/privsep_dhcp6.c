/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The core's side of a network's DHCPv6 server: it opens the socket on
 * the bridge's port 547 and hands it to the service child, which parses
 * every message; leases come back as PSM_LEASE6, each checked against the
 * network's IPv6 prefix before the core keeps it (privsep.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privsep.h"
#include "dhcp6_service/dhcp6_service.h"
#include "nl/nl.h"
#include "util/util.h"

#define MIRROR_MAX 4096	     /* leases a network shows (the pool holds more) */

struct dhcp6_proxy {
	uint32_t net_id, gen;
	const struct netdef *def;
	int fd;
	uint8_t mac[6];
	dhcp6_origin_fn origin;
	void *origin_ctx;
	pid_t ctr_pid;		/* the child that counted last */
	struct dhcp6_counters base, last;
	size_t n;
	struct psm_lease6 *leases; /* the mirror: bound leases, as reported */
};

static struct dhcp6_proxy *proxies[PRIVSEP_MAX_NETS];

static int send_start(struct dhcp6_proxy *p, int async, char *err, size_t errlen)
{
	struct psm_dhcp6_start m;

	privsep_send_netdef(p->net_id, p->def);
	psm_init(&m, PSM_DHCP6_START);
	m.in = (struct psm_inst){ p->net_id, p->gen };
	m.seq = privsep_seq();
	memcpy(m.mac, p->mac, 6);
	/* the child reports the leases it loads again: start the mirror over */
	p->n = 0;
	return privsep_proxy_send_start(&m, &p->fd, m.seq, async, "DHCPv6", p->def->name, err,
					errlen);
}

struct dhcp6_proxy *dhcp6_proxy_start(const struct netdef *def, uint32_t net_id,
				      dhcp6_origin_fn origin, void *ctx, char *err, size_t errlen)
{
	struct dhcp6_proxy *p;
	size_t slot;

	if (!dhcp6_netdef_serves(def))
		return NULL;
	for (slot = 0; slot < PRIVSEP_MAX_NETS && proxies[slot]; slot++)
		;
	if (slot == PRIVSEP_MAX_NETS)
		return snprintf(err, errlen, "dhcp6: too many networks"), NULL;
	p = calloc(1, sizeof(*p));
	if (p)
		p->leases = calloc(MIRROR_MAX, sizeof(*p->leases));
	if (!p || !p->leases) {
		if (p)
			free(p);
		return snprintf(err, errlen, "dhcp6: out of memory"), NULL;
	}
	p->net_id = net_id;
	p->def = def;
	p->origin = origin;
	p->origin_ctx = ctx;
	p->gen = privsep_new_gen();
	if (nl_link_mac(def->bridge, p->mac) < 0 ||
	    (p->fd = dhcp6_service_socket(def->bridge, err, errlen)) < 0) {
		if (!err[0])
			snprintf(err, errlen, "dhcp6: no bridge %s", def->bridge);
		free(p->leases);
		free(p);
		return NULL;
	}
	proxies[slot] = p;
	if (send_start(p, 0, err, errlen)) {
		dhcp6_proxy_stop(p);
		return NULL;
	}
	return p;
}

void dhcp6_proxy_stop(struct dhcp6_proxy *p)
{
	if (!p)
		return;
	privsep_stop_service(PSM_DHCP6_STOP, p->net_id, p->gen);
	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++)
		if (proxies[i] == p)
			proxies[i] = NULL;
	close(p->fd);
	free(p->leases);
	free(p);
}

void dhcp6_proxy_resend_all(void)
{
	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++)
		if (proxies[i])
			send_start(proxies[i], 1, NULL, 0);
}

/* Inside the prefix of the network's DHCPv6 <ip>? */
static int in_prefix(const struct netdef *def, const struct in6_addr *a)
{
	const struct netdef_ip *ip = dhcp6_netdef_ip(def);
	unsigned bits;

	if (!ip)
		return 0;
	bits = ip->prefix > 128 ? 128 : ip->prefix;
	for (unsigned i = 0; i < bits; i++) {
		unsigned byte = i / 8, bit = 7 - i % 8;

		if (((a->s6_addr[byte] ^ ip->addr6.s6_addr[byte]) >> bit) & 1)
			return 0;
	}
	return memcmp(a, &ip->addr6, 16) != 0; /* never the gateway's own */
}

void dhcp6_proxy_on_lease(const struct psm_lease6 *m)
{
	struct dhcp6_proxy *p = NULL;
	char a[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < PRIVSEP_MAX_NETS && !p; i++)
		if (proxies[i] && proxies[i]->net_id == m->in.net_id && proxies[i]->gen == m->in.gen)
			p = proxies[i];
	if (!p)
		return; /* an instance that is gone */
	inet_ntop(AF_INET6, &m->ip, a, sizeof(a));
	if (!in_prefix(p->def, &m->ip)) {
		privsep_count_rejected("a DHCPv6 lease outside the network's prefix");
		return;
	}
	for (i = 0; i < p->n; i++)
		if (!memcmp(&p->leases[i].ip, &m->ip, 16))
			break;
	dns_proxy_lease6(p->net_id, &m->ip, m->duid, m->hostname, (int)m->bound);
	if (m->bound) {
		if (i == p->n && p->n < MIRROR_MAX)
			p->n++;
		if (i < p->n)
			p->leases[i] = *m;
		log_info("dhcp6 %s: lease bound %s %s%s%s", p->def->name, m->duid, a,
			 m->hostname[0] ? " " : "", m->hostname);
	} else if (i < p->n) {
		p->leases[i] = p->leases[--p->n];
		log_info("dhcp6 %s: lease gone %s", p->def->name, a);
	}
}

struct json_object *dhcp6_proxy_leases_json(const struct dhcp6_proxy *p)
{
	struct json_object *arr = json_object_new_array();
	char a[INET6_ADDRSTRLEN];

	for (size_t i = 0; p && arr && i < p->n; i++) {
		const struct psm_lease6 *l = &p->leases[i];
		struct json_object *o = json_object_new_object();

		inet_ntop(AF_INET6, &l->ip, a, sizeof(a));
		json_object_object_add(o, "duid", json_object_new_string(l->duid));
		json_object_object_add(o, "iaid", json_object_new_int64(l->iaid));
		json_object_object_add(o, "ip", json_object_new_string(a));
		json_object_object_add(o, "hostname", json_object_new_string(l->hostname));
		json_object_object_add(o, "expires", json_object_new_int64(l->expires));
		json_object_array_add(arr, o);
	}
	return arr;
}

void dhcp6_proxy_origin(const struct psm_origin_req *q, struct psm_origin *a)
{
	struct dhcp6_proxy *p = NULL;
	struct dhcp6_origin o = { 0 };

	for (size_t i = 0; i < PRIVSEP_MAX_NETS && !p; i++)
		if (proxies[i] && proxies[i]->net_id == q->in.net_id)
			p = proxies[i];
	/* a client's link-local source (RFC 8415 13.1), or the leased
	 * address a unicast Renew/Release comes from (dhcp6_service.c) */
	if (!p || p->gen != q->in.gen || !p->origin || IN6_IS_ADDR_MULTICAST(&q->ip6) ||
	    IN6_IS_ADDR_UNSPECIFIED(&q->ip6) || IN6_IS_ADDR_LOOPBACK(&q->ip6) ||
	    p->origin(p->origin_ctx, &q->ip6, &o))
		return; /* port 0: not known */
	a->port = o.port;
	a->max_macs = o.max_leases;
}

struct json_object *dhcp6_proxy_counters_json(struct dhcp6_proxy *p)
{
	struct psm_counters c;
	struct dhcp6_counters sum;
	struct json_object *o = json_object_new_object();
	int r = privsep_proxy_fetch_counters(p->net_id, p->gen, &p->ctr_pid, &c);

	privsep_counters_total(&p->base, &p->last, r >= 0 && c.has_dhcp6 ? &c.dhcp6 : NULL, r, &sum, sizeof(sum));
	if (!o)
		return NULL;
#define ADD(f) json_object_object_add(o, #f, json_object_new_int64((int64_t)sum.f))
	ADD(no_addrs);
	ADD(bad_packets);
	ADD(ignored);
	ADD(declines);
	ADD(port_limit);
	ADD(wrong_port);
#undef ADD
	json_object_object_add(o, "active_leases", json_object_new_int64((int64_t)p->n));
	return o;
}

void dhcp6_proxy_port_gone(struct dhcp6_proxy *p, int ifindex)
{
	struct psm_port_gone m;

	if (!p || ifindex <= 0)
		return;
	psm_init(&m, PSM_PORT_GONE);
	m.in = (struct psm_inst){ p->net_id, p->gen };
	m.ifindex = ifindex;
	privsep_send(&m, NULL);
}
