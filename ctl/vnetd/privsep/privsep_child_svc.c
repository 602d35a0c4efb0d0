/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The services the child runs per network, on the core's sockets: the
 * DHCP server and DNS proxy (dhcp_service.c, dns_service.c, unchanged), and
 * the parser of DHCP snooping, whose verdict the core makes (share_snoop.c):
 * the child only reports which ACK it saw where. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dhcp/dhcp.h"
#include "util/util.h"
#include "core/core.h"
#include "privsep_child_priv.h"

static int same(const struct psm_inst *a, const struct psm_inst *b)
{
	return a->net_id == b->net_id && a->gen == b->gen;
}

/* A network with no service left needs no definition. */
static void maybe_free(struct child_net *n)
{
	if (n->dns || n->dhcp || n->tftp || n->dhcp6 || n->snoop_fd >= 0)
		return;
	free(n->def);
	n->def = NULL;
}

void child_dns_start(const struct psm_dns_start *m, int udp_fd, int tcp_fd, int pkt_fd)
{
	struct child_net *n = child_net(m->in.net_id, 0);
	char err[PSM_ERR_MAX] = "";

	if (!n) {
		close(udp_fd);
		close(tcp_fd);
		close(pkt_fd);
		child_result(m->seq, -ENOENT, "dns: no definition for the network");
		return;
	}
	dns_service_stop(n->dns);
	n->dns_in = m->in;
	n->dns = dns_service_start_on(child.loop, n->def, m->ups, m->n_ups, udp_fd, tcp_fd, err,
				      sizeof(err));
	if (!n->dns)
		close(pkt_fd);
	else if (dns_service_guest_socket(n->dns, pkt_fd))
		log_warn("dns %s: cannot watch the bridge's packet socket", n->def->name);
	child_result(m->seq, n->dns ? 0 : -EIO, err);
	maybe_free(n);
}

void child_dns_stop(const struct psm_seq *m)
{
	struct child_net *n = child_net(m->in.net_id, 0);

	if (n && same(&n->dns_in, &m->in)) {
		dns_service_stop(n->dns);
		n->dns = NULL;
		maybe_free(n);
	}
	child_result(m->seq, 0, "");
}

void child_dns_name(const struct psm_dns_name *m)
{
	struct child_net *n = child_net(m->in.net_id, 0);

	if (n && n->dns && same(&n->dns_in, &m->in))
		(m->del ? dns_service_del_name : dns_service_add_name)(n->dns, m->name, m->ip);
}

void child_dns_lease(const struct psm_dns_lease *m)
{
	struct child_net *n = child_net(m->in.net_id, 0);

	if (!n || !n->dns || !same(&n->dns_in, &m->in))
		return;
	if (m->bound)
		dns_service_lease_bound(n->dns, m->ip, m->mac, m->hostname);
	else
		dns_service_lease_gone(n->dns, m->ip);
}

/* One more address to serve on (an IPv6 <ip>): after DNS_START. */
void child_dns_listen(const struct psm_seq *m, int udp_fd, int tcp_fd)
{
	struct child_net *n = child_net(m->in.net_id, 0);

	if (!n || !n->dns || !same(&n->dns_in, &m->in)) {
		close(udp_fd);
		close(tcp_fd);
		return;
	}
	if (dns_service_listen(n->dns, udp_fd, tcp_fd))
		log_warn("dns %s: cannot serve on one more address", n->def->name);
}

/* <vnet:overlay> (issue 22): the other hosts ask for names here */
void child_dns_peer_listen(const struct psm_seq *m, int udp_fd)
{
	struct child_net *n = child_net(m->in.net_id, 0);

	if (!n || !n->dns || !same(&n->dns_in, &m->in)) {
		close(udp_fd);
		return;
	}
	dns_service_peers(n->dns, n->def->overlay.peers, n->def->overlay.n_peers);
	if (dns_service_peer_listen(n->dns, udp_fd))
		log_warn("dns %s: cannot answer the other hosts", n->def->name);
}

void child_dns_peer_ask(const struct psm_dns_lease *m)
{
	struct child_net *n = child_net(m->in.net_id, 0);

	if (!n || !n->dns || !same(&n->dns_in, &m->in))
		return;
	dns_service_peers(n->dns, n->def->overlay.peers, n->def->overlay.n_peers);
	dns_service_peer_ask(n->dns, m->ip, m->mac);
}

void child_dns_lease6(const struct psm_dns_lease6 *m)
{
	struct child_net *n = child_net(m->in.net_id, 0);

	if (!n || !n->dns || !same(&n->dns_in, &m->in))
		return;
	if (m->bound)
		dns_service_lease6_bound(n->dns, &m->ip, m->has_mac ? m->mac : NULL, m->hostname);
	else
		dns_service_lease6_gone(n->dns, &m->ip);
}

static void lease_event(struct child_net *n, const struct dhcp_lease_info *l, int bound)
{
	struct psm_lease m;

	psm_init(&m, PSM_LEASE);
	m.in = n->dhcp_in;
	m.bound = (uint32_t)bound;
	m.is_static = !!l->is_static;
	memcpy(m.mac, l->mac, 6);
	m.ip = l->ip;
	m.ifindex = l->ifindex;
	if (l->ifindex && test_hook(TEST_HOOK_CHILD_LIE_PORT))	/* a child taken over */
		m.ifindex = atoi(test_hook(TEST_HOOK_CHILD_LIE_PORT));
	m.expires = l->expires;
	snprintf(m.hostname, sizeof(m.hostname), "%s", l->hostname);
	child_send(&m);
}

static void lease_bound(void *ctx, const struct dhcp_lease_info *l)
{
	lease_event(ctx, l, 1);
}

static void lease_gone(void *ctx, const struct dhcp_lease_info *l)
{
	lease_event(ctx, l, 0);
}

/* Where the request came in: the core reads the data path's note of it. */
static int origin(void *ctx, const uint8_t mac[6], struct dhcp_origin *o)
{
	struct child_net *n = ctx;
	struct psm_origin_req q;

	psm_init(&q, PSM_ORIGIN_REQ);
	q.in = n->dhcp_in;
	q.seq = ++child.seq;
	memcpy(q.mac, mac, 6);
	child_send(&q);
	return child_wait_origin(q.seq, o);
}

void child_port_gone(const struct psm_port_gone *m)
{
	struct child_net *n = child_net(m->in.net_id, 0);

	if (n && n->dhcp && same(&n->dhcp_in, &m->in))
		dhcp_service_port_gone(n->dhcp, m->ifindex);
	if (n && n->dhcp6 && same(&n->dhcp6_in, &m->in))
		dhcp6_service_port_gone(n->dhcp6, m->ifindex);
}

void child_dhcp_start(const struct psm_dhcp_start *m, int fd, int pkt_fd)
{
	struct child_net *n = child_net(m->in.net_id, 0);
	struct dhcp_hooks hooks = { lease_bound, lease_gone, origin, n };
	char err[PSM_ERR_MAX] = "", path[NETDEF_NAME_MAX + 8];

	if (!n) {
		close(fd);
		close(pkt_fd);
		child_result(m->seq, -ENOENT, "dhcp: no definition for the network");
		return;
	}
	dhcp_service_stop(n->dhcp);
	/* the lease dir is our root (or cwd): NAME.leases */
	snprintf(path, sizeof(path), "%s.leases", n->def->name);
	n->dhcp_in = m->in; /* the leases loaded now are reported as this instance */
	n->dhcp = dhcp_service_start_on(child.loop, n->def, path, &hooks, fd, m->ifindex, err,
					sizeof(err));
	if (!n->dhcp)
		close(pkt_fd);
	else if (dhcp_service_guest_socket(n->dhcp, pkt_fd))
		log_warn("dhcp %s: cannot watch the bridge's packet socket", n->def->name);
	child_result(m->seq, n->dhcp ? 0 : -EIO, err);
	maybe_free(n);
}

void child_dhcp_stop(const struct psm_seq *m)
{
	struct child_net *n = child_net(m->in.net_id, 0);

	if (n && same(&n->dhcp_in, &m->in)) {
		dhcp_service_stop(n->dhcp);
		n->dhcp = NULL;
		maybe_free(n);
	}
	child_result(m->seq, 0, "");
}

void child_host_add(const struct psm_host_add *m)
{
	struct child_net *n = child_net(m->in.net_id, 0);
	char err[PSM_ERR_MAX] = "";
	int r;

	if (!n || !n->dhcp || !same(&n->dhcp_in, &m->in)) {
		child_result(m->seq, -ENOENT, "the network's DHCP service is not running");
		return;
	}
	r = m->del ? dhcp_service_del_host(n->dhcp, &m->host, err, sizeof(err))
		   : dhcp_service_add_host(n->dhcp, &m->host, err, sizeof(err));
	child_result(m->seq, r, err);
}

/* ---- snooping: which DHCPACK was seen on which interface ---- */

static void snoop_report(struct child_net *n, const struct sockaddr_ll *sll,
			 const struct dhcp_msg *m)
{
	struct psm_snoop_ack a;

	psm_init(&a, PSM_SNOOP_ACK);
	a.in = n->snoop_in;
	a.ifindex = sll->sll_ifindex;
	a.pkttype = sll->sll_pkttype;
	memcpy(a.mac, m->chaddr, 6);
	a.ip = m->yiaddr;
	a.lease_secs = m->has_lease_time ? m->lease_time : 3600;
	child_send(&a);
}

static void on_snoop(int fd, uint32_t events, void *data)
{
	struct child_net *n = data;

	for (int i = 0; i < 64; i++) {
		uint8_t buf[2048];
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		struct dhcp_msg m;
		ssize_t len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&sll,
				       &sl);
		size_t hl = len > 0 ? (size_t)(buf[0] & 0xf) * 4 : 0;

		if (len < 0)
			return;
		if (hl < 20 || (size_t)len < hl + 8 || sl < sizeof(sll))
			continue;
		if (dhcp_msg_parse(buf + hl + 8, len - hl - 8, &m) || m.op != BOOTREPLY ||
		    m.type != DHCPACK || m.htype != 1 || m.hlen != 6 || !m.yiaddr.s_addr)
			continue;
		snoop_report(n, &sll, &m);
	}
}

void child_snoop_close(struct child_net *n)
{
	if (n->snoop_fd < 0)
		return;
	loop_del_fd(child.loop, n->snoop_fd);
	close(n->snoop_fd);
	n->snoop_fd = -1;
}

void child_snoop_start(const struct psm_net *m, int fd)
{
	struct child_net *n = child_net(m->in.net_id, 0);

	if (!n) {
		close(fd);
		return;
	}
	child_snoop_close(n);
	n->snoop_in = m->in;
	n->snoop_fd = fd;
	if (loop_add_fd(child.loop, fd, EPOLLIN, on_snoop, n)) {
		log_err("snoop: cannot watch the socket of network %u", n->id);
		close(fd);
		n->snoop_fd = -1;
		maybe_free(n);
	}
}

void child_snoop_stop(const struct psm_seq *m)
{
	struct child_net *n = child_net(m->in.net_id, 0);

	if (n && same(&n->snoop_in, &m->in)) {
		child_snoop_close(n);
		maybe_free(n);
	}
	child_result(m->seq, 0, "");
}

void child_tftp_start(const struct psm_seq *m, int udp_fd, int root_fd)
{
	struct child_net *n = child_net(m->in.net_id, 0);
	char err[PSM_ERR_MAX] = "";

	if (!n) {
		close(udp_fd);
		close(root_fd);
		child_result(m->seq, -ENOENT, "tftp: no definition for the network");
		return;
	}
	tftp_service_stop(n->tftp);
	n->tftp_in = m->in;
	n->tftp = tftp_service_start_on(child.loop, n->def->name, udp_fd, root_fd, err,
					sizeof(err));
	child_result(m->seq, n->tftp ? 0 : -EIO, err);
	maybe_free(n);
}

void child_tftp_stop(const struct psm_seq *m)
{
	struct child_net *n = child_net(m->in.net_id, 0);

	if (n && same(&n->tftp_in, &m->in)) {
		tftp_service_stop(n->tftp);
		n->tftp = NULL;
		maybe_free(n);
	}
	child_result(m->seq, 0, "");
}

static void lease6(struct child_net *n, const struct dhcp6_lease *l, int bound)
{
	struct psm_lease6 m;

	psm_init(&m, PSM_LEASE6);
	m.in = n->dhcp6_in;
	m.bound = (uint32_t)bound;
	m.iaid = l->iaid;
	m.ip = l->ip;
	m.expires = l->expires;
	dhcp6_duid_to_str(&l->duid, m.duid, sizeof(m.duid));
	snprintf(m.hostname, sizeof(m.hostname), "%s", l->hostname);
	child_send(&m);
}

static void lease6_bound(void *ctx, const struct dhcp6_lease *l)
{
	lease6(ctx, l, 1);
}

static void lease6_gone(void *ctx, const struct dhcp6_lease *l)
{
	if (l->duid.len) /* a declined address has no client to report */
		lease6(ctx, l, 0);
}

/* Where a DHCPv6 message came in: the core reads the data path's note of
 * the port that claimed its source address (issue 18.5). */
static int origin6(void *ctx, const struct in6_addr *src, struct dhcp6_origin *o)
{
	struct child_net *n = ctx;
	struct psm_origin_req q;
	struct dhcp_origin d = { 0 };
	int r;

	psm_init(&q, PSM_ORIGIN_REQ);
	q.in = n->dhcp6_in;
	q.seq = ++child.seq;
	q.v6 = 1;
	q.ip6 = *src;
	child_send(&q);
	r = child_wait_origin(q.seq, &d);
	o->port = d.port;
	o->max_leases = d.max_macs;
	return r;
}

void child_dhcp6_start(const struct psm_dhcp6_start *m, int fd)
{
	struct child_net *n = child_net(m->in.net_id, 0);
	char err[PSM_ERR_MAX] = "", path[NETDEF_NAME_MAX + 16];
	struct dhcp6_hooks hooks;

	if (!n) {
		close(fd);
		child_result(m->seq, -ENOENT, "dhcp6: no definition for the network");
		return;
	}
	hooks = (struct dhcp6_hooks){ lease6_bound, lease6_gone, n, origin6 };
	dhcp6_service_stop(n->dhcp6);
	n->dhcp6 = NULL;
	/* beside NAME.leases in the lease dir, our root */
	snprintf(path, sizeof(path), "%s.leases6", n->def->name);
	n->dhcp6_in = m->in;
	n->dhcp6 = dhcp6_service_start_on(child.loop, n->def, m->mac, path, &hooks, fd, err,
					  sizeof(err));
	child_result(m->seq, n->dhcp6 ? 0 : -EIO, err);
	maybe_free(n);
}

void child_dhcp6_stop(const struct psm_seq *m)
{
	struct child_net *n = child_net(m->in.net_id, 0);

	if (n && same(&n->dhcp6_in, &m->in)) {
		dhcp6_service_stop(n->dhcp6);
		n->dhcp6 = NULL;
		maybe_free(n);
	}
	child_result(m->seq, 0, "");
}
