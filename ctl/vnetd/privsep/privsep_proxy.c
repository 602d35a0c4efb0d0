/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The core's DHCP and DNS services: what network.c starts and stops, as
 * proxies of the real services in the child (privsep.h). A proxy holds
 * what the core must keep across a child's restart: the privileged
 * sockets, the definition, the upstreams, the lease mirror and counters
 * (a new child's start from zero; the proxy adds the old child's last
 * ones, so `vnetctl stats` does not go backwards). */
#include "privsep.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhcp/dhcp.h"
#include "dns_service/dns_service.h"
#include "dns/dns.h"
#include "util/util.h"
#include "privsep_leases_priv.h"


_Static_assert(sizeof(struct dhcp_counters) % 8 == 0, "counters are uint64_t only");
_Static_assert(sizeof(struct dns_counters) % 8 == 0, "counters are uint64_t only");

struct dns_proxy {
	uint32_t net_id, gen;
	const struct netdef *def;
	int udp_fd, tcp_fd;
	int pkt_fd;		/* guests' queries before the host's INPUT chain */
	uint32_t n_ups;
	struct sockaddr_storage ups[PSM_MAX_UPSTREAMS]; /* IPv4 or IPv6 */
	pid_t ctr_pid;		/* the child that counted last */
	struct dns_counters base, last;
	struct dns_gauges gauges;
	size_t n6;			/* sockets on the IPv6 <ip>s' addresses */
	int fd6[NETDEF_MAX_IPS][2];
	int peer_fd;		/* <vnet:overlay>: UDP 53 on the VTEP address, or -1 */
};

struct dhcp_proxy {
	uint32_t net_id, gen;
	const struct netdef *def;
	int fd, ifindex;
	int pkt_fd;		/* guests' requests before the host's INPUT chain */
	struct dhcp_hooks hooks;
	struct lease_mirror *leases;
	uint32_t start_seq;	/* a resent start: its answer sweeps stale leases */
	pid_t ctr_pid;
	struct dhcp_counters base, last;
};

static struct dns_proxy *dnss[PRIVSEP_MAX_NETS];
static struct dhcp_proxy *dhcps[PRIVSEP_MAX_NETS];

static int reg(void **tab, void *p)
{
	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++)
		if (!tab[i])
			return tab[i] = p, 0;
	return -ENOSPC;
}

static void unreg(void **tab, void *p)
{
	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++)
		if (tab[i] == p)
			tab[i] = NULL;
}

static struct dhcp_proxy *dhcp_of(uint32_t net_id)
{
	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++)
		if (dhcps[i] && dhcps[i]->net_id == net_id)
			return dhcps[i];
	return NULL;
}

static struct dns_proxy *dns_of(uint32_t net_id)
{
	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++)
		if (dnss[i] && dnss[i]->net_id == net_id)
			return dnss[i];
	return NULL;
}

int privsep_proxy_view(uint32_t net_id, struct psm_net_view *v)
{
	struct dhcp_proxy *h = dhcp_of(net_id);
	struct dns_proxy *d = dns_of(net_id);
	const struct netdef *def = h ? h->def : d ? d->def : NULL;

	if (!def)
		return -1;
	v->dhcp_gen = h ? h->gen : 0;
	v->dns_gen = d ? d->gen : 0;
	v->ip = def->ip;
	v->prefix = def->prefix;
	return 0;
}

/* <vnet:overlay> networks: this host's slice of the DHCP ranges (issue 22),
 * applied to the definition the child serves from; count 0: none. */
static struct {
	uint32_t net_id;
	unsigned index, count;
} slices[PRIVSEP_MAX_NETS];

void privsep_set_dhcp_slice(uint32_t net_id, unsigned index, unsigned count)
{
	size_t i, free_i = PRIVSEP_MAX_NETS;

	for (i = 0; i < PRIVSEP_MAX_NETS && slices[i].net_id != net_id; i++)
		if (free_i == PRIVSEP_MAX_NETS && !slices[i].count)
			free_i = i;
	if (i == PRIVSEP_MAX_NETS)
		i = free_i;
	if (i == PRIVSEP_MAX_NETS)
		return;
	slices[i].net_id = count ? net_id : 0;
	slices[i].index = index;
	slices[i].count = count;
}

void privsep_send_netdef(uint32_t net_id, const struct netdef *def)
{
	static struct psm_netdef m; /* 220 KB: not on the stack */

	psm_init(&m, PSM_NETDEF);
	m.net_id = net_id;
	m.def = *def;
	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++)
		if (slices[i].count && slices[i].net_id == net_id)
			netdef_dhcp_partition(&m.def, slices[i].index, slices[i].count);
	privsep_send(&m, NULL);
}

/* Send a start; wait for its answer unless async. 0, or the child's -errno
 * and its error text; no child (or no answer) is 0: the start is sent
 * again to the next child. */
static int send_start(void *msg, const int *fds, uint32_t seq, int async, const char *what,
		      const char *net, char *err, size_t errlen)
{
	struct psm_result r;
	int rc;

	if (async)
		return privsep_send(msg, fds), 0;
	rc = privsep_call(msg, fds, PSM_RESULT, seq, &r);
	if (rc) { /* none in vnetd --cleanup: quiet there */
		log_msg(rc == -ENOTCONN ? LOG_LVL_DEBUG : LOG_LVL_WARN,
			"network %s: %s starts with the next service child (%s)", net, what,
			strerror(-rc));
		return 0;
	}
	if (r.rc)
		snprintf(err, errlen, "%s", r.err);
	return r.rc;
}

void privsep_stop_service(unsigned type, uint32_t net_id, uint32_t gen)
{
	struct psm_result r;
	struct psm_seq m;

	psm_init(&m, type);
	m.in = (struct psm_inst){ net_id, gen };
	m.seq = privsep_seq();
	/* no child: its sockets went with it; no answer: it is killed soon */
	privsep_call(&m, NULL, PSM_RESULT, m.seq, &r);
}

/* The service's packet socket on the bridge for guests' requests to port,
 * read before the host's INPUT chain (issue 19.2, lib/util/pktsock.c);
 * the ordinary socket udp_fd then only sends. The packet socket, or -1. */
static int guest_sockets(const char *bridge, uint16_t port, int udp_fd, const char *what,
			 char *err, size_t errlen)
{
	int fd = guest_udp_socket(bridge, port);

	if (fd < 0) {
		snprintf(err, errlen, "%s: packet socket on %s: %s", what, bridge, strerror(-fd));
		return -1;
	}
	if (sock_no_receive(udp_fd)) {
		snprintf(err, errlen, "%s: socket filter: %s", what, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- DNS ---------------------------------------------------------------------- */

static int dns_send_start(struct dns_proxy *p, int async, char *err, size_t errlen)
{
	struct psm_dns_start m;
	int fds[3] = { p->udp_fd, p->tcp_fd, p->pkt_fd };

	privsep_send_netdef(p->net_id, p->def);
	psm_init(&m, PSM_DNS_START);
	m.in = (struct psm_inst){ p->net_id, p->gen };
	m.seq = privsep_seq();
	m.n_ups = p->n_ups;
	memcpy(m.ups, p->ups, sizeof(m.ups));
	if (send_start(&m, fds, m.seq, async, "DNS", p->def->name, err, errlen))
		return -1;
	/* the child serves on them once it has the service (messages keep
	 * their order) */
	for (size_t i = 0; i < p->n6; i++) {
		struct psm_seq l;

		psm_init(&l, PSM_DNS_LISTEN);
		l.in = m.in;
		privsep_send(&l, p->fd6[i]);
	}
	if (p->peer_fd >= 0) {
		struct psm_seq l;

		psm_init(&l, PSM_DNS_PEER_LISTEN);
		l.in = m.in;
		privsep_send(&l, &p->peer_fd);
	}
	return 0;
}

/* UDP and TCP port 53 on every IPv6 <ip> address (issue 18.6); one that
 * cannot be bound is logged and not served. */
static void dns_sockets6(struct dns_proxy *p, const struct netdef *def)
{
	char err[PSM_ERR_MAX];

	for (size_t i = 0; i < def->n_ips && i < NETDEF_MAX_IPS; i++) {
		if (def->ips[i].family != AF_INET6)
			continue;
		if (dns_service_sockets6(&def->ips[i].addr6, &p->fd6[p->n6][0], &p->fd6[p->n6][1],
					 err, sizeof(err)))
			log_warn("network %s: %s", def->name, err);
		else
			p->n6++;
	}
}

struct dns_proxy *dns_proxy_start(const struct netdef *def, uint32_t net_id,
				  const char *resolv_conf, char *err, size_t errlen)
{
	struct dns_proxy *p = calloc(1, sizeof(*p));

	if (!p)
		return snprintf(err, errlen, "dns: out of memory"), NULL;
	p->net_id = net_id;
	p->def = def;
	p->gen = privsep_new_gen();
	p->peer_fd = -1;
	/* read here: resolv.conf is not in the child's root */
	p->n_ups = (uint32_t)dns_upstreams_load(def, resolv_conf, p->ups, PSM_MAX_UPSTREAMS);
	if (dns_service_sockets(def->ip, &p->udp_fd, &p->tcp_fd, err, errlen)) {
		free(p);
		return NULL;
	}
	p->pkt_fd = guest_sockets(def->bridge, 53, p->udp_fd, "dns", err, errlen);
	if (p->pkt_fd < 0) {
		close(p->udp_fd);
		close(p->tcp_fd);
		free(p);
		return NULL;
	}
	dns_sockets6(p, def);
	if (reg((void **)dnss, p) || dns_send_start(p, 0, err, errlen)) {
		if (!err[0])
			snprintf(err, errlen, "dns: too many networks");
		dns_proxy_stop(p);
		return NULL;
	}
	return p;
}

void dns_proxy_stop(struct dns_proxy *p)
{
	if (!p)
		return;
	privsep_stop_service(PSM_DNS_STOP, p->net_id, p->gen);
	unreg((void **)dnss, p);
	close(p->udp_fd);
	close(p->tcp_fd);
	close(p->pkt_fd);
	for (size_t i = 0; i < p->n6; i++) {
		close(p->fd6[i][0]);
		close(p->fd6[i][1]);
	}
	if (p->peer_fd >= 0)
		close(p->peer_fd);
	free(p);
}

void dns_proxy_resend(struct dns_proxy *p)
{
	dns_send_start(p, 1, NULL, 0);
}

static void dns_name(struct dns_proxy *p, const char *name, struct in_addr ip, int del)
{
	struct psm_dns_name m;

	if (!p || !name || !*name || !psm_hostname_ok(name, sizeof(m.name)))
		return;
	psm_init(&m, PSM_DNS_NAME);
	m.in = (struct psm_inst){ p->net_id, p->gen };
	m.ip = ip;
	m.del = (uint32_t)del;
	snprintf(m.name, sizeof(m.name), "%s", name);
	privsep_send(&m, NULL);
}

void dns_proxy_add_name(struct dns_proxy *p, const char *name, struct in_addr ip)
{
	dns_name(p, name, ip, 0);
}

void dns_proxy_del_name(struct dns_proxy *p, const char *name, struct in_addr ip)
{
	dns_name(p, name, ip, 1);
}

static void dns_lease(struct dns_proxy *p, struct in_addr ip, const uint8_t mac[6],
		      const char *hostname, int bound)
{
	struct psm_dns_lease m;

	if (!p)
		return;
	psm_init(&m, PSM_DNS_LEASE);
	m.in = (struct psm_inst){ p->net_id, p->gen };
	m.bound = (uint32_t)bound;
	m.ip = ip;
	if (mac)
		memcpy(m.mac, mac, 6);
	snprintf(m.hostname, sizeof(m.hostname), "%s", hostname ? hostname : "");
	privsep_send(&m, NULL);
}

/* <vnet:overlay> (issue 22): the other hosts' proxies ask this one for
 * names on UDP port 53 of this host's VTEP address (the child answers
 * them from its zone only). Once: a second call keeps the first socket. */
int dns_proxy_peer_listen(struct dns_proxy *p, struct in_addr local, char *err, size_t errlen)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(53), .sin_addr = local };
	struct psm_seq l;
	int fd, one = 1, e;

	if (!p || p->peer_fd >= 0)
		return 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		e = errno;
		snprintf(err, errlen, "dns: UDP port 53 on %s: %s", inet_ntoa(local), strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	p->peer_fd = fd;
	psm_init(&l, PSM_DNS_PEER_LISTEN);
	l.in = (struct psm_inst){ p->net_id, p->gen };
	privsep_send(&l, &p->peer_fd);
	return 0;
}

void dns_proxy_peer_ask(struct dns_proxy *p, struct in_addr ip, const uint8_t mac[6])
{
	struct psm_dns_lease m;

	if (!p)
		return;
	psm_init(&m, PSM_DNS_PEER_ASK);
	m.in = (struct psm_inst){ p->net_id, p->gen };
	m.ip = ip;
	memcpy(m.mac, mac, 6);
	privsep_send(&m, NULL);
}

void dns_proxy_lease_bound(struct dns_proxy *p, struct in_addr ip, const uint8_t mac[6],
			   const char *hostname)
{
	dns_lease(p, ip, mac, hostname, 1);
}

void dns_proxy_lease_gone(struct dns_proxy *p, struct in_addr ip)
{
	dns_lease(p, ip, NULL, NULL, 0);
}

void dns_proxy_lease6(uint32_t net_id, const struct in6_addr *ip, const char *duid,
		      const char *hostname, int bound)
{
	struct dns_proxy *p = dns_of(net_id);
	struct psm_dns_lease6 m;

	if (!p)
		return;
	psm_init(&m, PSM_DNS_LEASE6);
	m.in = (struct psm_inst){ p->net_id, p->gen };
	m.bound = (uint32_t)!!bound;
	m.ip = *ip;
	if (bound) {
		/* the guest's MAC lets its IPv4 lease share the name */
		m.has_mac = duid && !dns_duid_mac(duid, m.mac);
		snprintf(m.hostname, sizeof(m.hostname), "%s", hostname ? hostname : "");
	}
	privsep_send(&m, NULL);
}

static void add_u64s(void *dst, const void *src, size_t size)
{
	uint64_t *d = dst;
	const uint64_t *s = src;

	for (size_t i = 0; i < size / 8; i++)
		d[i] += s[i];
}

void privsep_counters_total(void *base, void *last, const void *fresh, int r, void *sum, size_t size)
{
	if (r == 1) {	/* a new child: the old one's last numbers stay counted */
		add_u64s(base, last, size);
		memset(last, 0, size);
	}
	if (fresh)
		memcpy(last, fresh, size);
	memcpy(sum, base, size);
	add_u64s(sum, last, size);
}

/* Ask the child; a new child's numbers count on top of the old one's. */
int privsep_proxy_fetch_counters(uint32_t net_id, uint32_t gen, pid_t *ctr_pid, struct psm_counters *c)
{
	struct psm_seq q;

	psm_init(&q, PSM_COUNTERS_REQ);
	q.in = (struct psm_inst){ net_id, gen };
	q.seq = privsep_seq();
	if (privsep_call(&q, NULL, PSM_COUNTERS, q.seq, c))
		return -1;
	if (*ctr_pid == privsep_child_pid())
		return 0;
	*ctr_pid = privsep_child_pid();
	return 1;
}

struct json_object *dns_proxy_counters_json(struct dns_proxy *p)
{
	struct psm_counters c;
	struct dns_counters sum;
	int r = privsep_proxy_fetch_counters(p->net_id, p->gen, &p->ctr_pid, &c);

	if (r >= 0 && c.has_dns)
		p->gauges = c.dns_gauges;
	privsep_counters_total(&p->base, &p->last, r >= 0 && c.has_dns ? &c.dns : NULL, r, &sum, sizeof(sum));
	return dns_counters_json(&sum, &p->gauges);
}

uint32_t dns_proxy_gen(const struct dns_proxy *p)
{
	return p ? p->gen : 0;
}

/* ---- DHCP --------------------------------------------------------------------- */

static int dhcp_send_start(struct dhcp_proxy *p, int async, char *err, size_t errlen)
{
	struct psm_dhcp_start m;
	int fds[2] = { p->fd, p->pkt_fd };

	privsep_send_netdef(p->net_id, p->def);
	psm_init(&m, PSM_DHCP_START);
	m.in = (struct psm_inst){ p->net_id, p->gen };
	m.seq = privsep_seq();
	m.ifindex = p->ifindex;
	p->start_seq = async ? m.seq : 0;
	return send_start(&m, fds, m.seq, async, "DHCP", p->def->name, err, errlen);
}

struct dhcp_proxy *dhcp_proxy_start(const struct netdef *def, uint32_t net_id,
				    const struct dhcp_hooks *hooks, char *err, size_t errlen)
{
	struct dhcp_proxy *p = calloc(1, sizeof(*p));

	if (!p || !(p->leases = lease_mirror_new())) {
		free(p);
		return snprintf(err, errlen, "dhcp: out of memory"), NULL;
	}
	p->net_id = net_id;
	p->def = def;
	p->gen = privsep_new_gen();
	p->hooks = *hooks;
	p->fd = dhcp_service_socket(def->bridge, &p->ifindex, err, errlen);
	p->pkt_fd = p->fd < 0 ? -1 : guest_sockets(def->bridge, 67, p->fd, "dhcp", err, errlen);
	if (p->pkt_fd < 0) {
		if (p->fd >= 0)
			close(p->fd);
		lease_mirror_free(p->leases);
		free(p);
		return NULL;
	}
	/* registered first: the leases it loads are reported during the start */
	if (reg((void **)dhcps, p) || dhcp_send_start(p, 0, err, errlen)) {
		if (!err[0])
			snprintf(err, errlen, "dhcp: too many networks");
		p->hooks = (struct dhcp_hooks){ 0 };
		dhcp_proxy_stop(p);
		return NULL;
	}
	return p;
}

void dhcp_proxy_stop(struct dhcp_proxy *p)
{
	if (!p)
		return;
	privsep_stop_service(PSM_DHCP_STOP, p->net_id, p->gen);
	unreg((void **)dhcps, p);
	close(p->fd);
	close(p->pkt_fd);
	lease_mirror_free(p->leases);
	free(p);
}

/* A new child loads the lease file again and reports every valid lease
 * before it answers the start; the ones it does not report expired while
 * no child ran (dhcp_proxy_on_result sweeps them). */
void dhcp_proxy_resend(struct dhcp_proxy *p)
{
	lease_mirror_mark_stale(p->leases);
	dhcp_send_start(p, 1, NULL, 0);
}

static void lease_gone(void *ctx, const struct dhcp_lease_info *l)
{
	struct dhcp_proxy *p = ctx;

	if (p->hooks.lease_gone)
		p->hooks.lease_gone(p->hooks.ctx, l);
}

int dhcp_proxy_on_result(const struct psm_result *r)
{
	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++) {
		struct dhcp_proxy *p = dhcps[i];

		if (!p || !p->start_seq || p->start_seq != r->seq)
			continue;
		p->start_seq = 0;
		if (r->rc)
			log_err("network %s: the DHCP service did not restart: %s", p->def->name,
				r->err);
		else
			lease_mirror_sweep(p->leases, lease_gone, p);
		return 1;
	}
	return 0;
}

void privsep_proxy_on_lease(const struct psm_lease *m)
{
	struct dhcp_proxy *p = dhcp_of(m->in.net_id);
	struct dhcp_lease_info l = { .ip = m->ip, .expires = m->expires,
				     .is_static = (int)m->is_static, .ifindex = m->ifindex };

	if (!p || p->gen != m->in.gen)
		return; /* checked before; a stop in between */
	memcpy(l.mac, m->mac, 6);
	snprintf(l.hostname, sizeof(l.hostname), "%s", m->hostname);
	if (m->bound) {
		lease_mirror_set(p->leases, &l);
		if (p->hooks.lease_bound)
			p->hooks.lease_bound(p->hooks.ctx, &l);
	} else {
		lease_mirror_del(p->leases, l.ip);
		lease_gone(p, &l);
	}
}

int privsep_proxy_send_start(void *msg, const int *fds, uint32_t seq, int async,
			     const char *what, const char *net, char *err, size_t errlen)
{
	return send_start(msg, fds, seq, async, what, net, err, errlen);
}

void privsep_proxy_resend(void)
{
	tftp_proxy_resend_all();
	dhcp6_proxy_resend_all();
	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++)
		if (dnss[i])
			dns_proxy_resend(dnss[i]);
	for (size_t i = 0; i < PRIVSEP_MAX_NETS; i++)
		if (dhcps[i])
			dhcp_proxy_resend(dhcps[i]);
}

static int host_call(struct dhcp_proxy *p, const struct netdef_host *h, int del, char *err,
		     size_t errlen)
{
	struct psm_host_add m;
	struct psm_result r;

	psm_init(&m, PSM_HOST_ADD);
	m.in = (struct psm_inst){ p->net_id, p->gen };
	m.seq = privsep_seq();
	m.del = (uint32_t)del;
	m.host = *h;
	if (privsep_call(&m, NULL, PSM_RESULT, m.seq, &r))
		return snprintf(err, errlen, "the DHCP service is restarting; try again"), -EAGAIN;
	if (r.rc)
		snprintf(err, errlen, "%s", r.err);
	return r.rc;
}

int dhcp_proxy_add_host(struct dhcp_proxy *p, const struct netdef_host *h, char *err,
			size_t errlen)
{
	return host_call(p, h, 0, err, errlen);
}

int dhcp_proxy_del_host(struct dhcp_proxy *p, const struct netdef_host *h, char *err,
			size_t errlen)
{
	return host_call(p, h, 1, err, errlen);
}

void privsep_proxy_origin(const struct psm_origin_req *q, struct psm_origin *a)
{
	struct dhcp_proxy *p = dhcp_of(q->in.net_id);
	struct dhcp_origin o = { 0 };

	if (q->v6) {
		dhcp6_proxy_origin(q, a);
		return;
	}
	if (!p || p->gen != q->in.gen || !p->hooks.origin ||
	    p->hooks.origin(p->hooks.ctx, q->mac, &o))
		return; /* port 0: not known */
	a->port = o.port;
	a->max_macs = o.max_macs;
}

void dhcp_proxy_port_gone(struct dhcp_proxy *p, int ifindex)
{
	struct psm_port_gone m;

	if (!p || ifindex <= 0)
		return;
	psm_init(&m, PSM_PORT_GONE);
	m.in = (struct psm_inst){ p->net_id, p->gen };
	m.ifindex = ifindex;
	privsep_send(&m, NULL);
}

struct json_object *dhcp_proxy_leases_json(struct dhcp_proxy *p)
{
	return lease_mirror_json(p ? p->leases : NULL);
}

struct json_object *dhcp_proxy_counters_json(struct dhcp_proxy *p)
{
	struct psm_counters c;
	struct dhcp_counters sum;
	int r = privsep_proxy_fetch_counters(p->net_id, p->gen, &p->ctr_pid, &c);

	privsep_counters_total(&p->base, &p->last, r >= 0 && c.has_dhcp ? &c.dhcp : NULL, r, &sum, sizeof(sum));
	/* bound leases: the mirror knows them, child or not */
	return dhcp_counters_json_of(&sum, lease_mirror_count(p->leases));
}

uint32_t dhcp_proxy_gen(const struct dhcp_proxy *p)
{
	return p ? p->gen : 0;
}
