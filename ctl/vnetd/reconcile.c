/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reconciliation: the kernel's devices can change under vnetd (a guest
 * port deleted or recreated, the uplink re-addressed or replaced, the bridge
 * deleted by hand). After every rtnetlink event, and every few seconds,
 * compare each running network with what should be and repair it. Each
 * repair is logged once, when it happens. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "macaddr.h"
#include "netlink.h"
#include "netmgr.h"

static int uplink_in_use(struct netmgr *m, const struct network *self, int ifindex)
{
	for (size_t i = 0; i < m->n_nets; i++) {
		const struct network *o = m->nets[i];

		if (o != self && o->active > 0 && o->uplink_ifindex == ifindex)
			return 1;
	}
	return 0;
}

/* Where the uplink is now, without logging (this runs every few seconds). */
static void current_uplink(const struct network *n, char *name, int *idx, struct in_addr *addr)
{
	name[0] = '\0';
	*idx = 0;
	addr->s_addr = 0;
	if (n->def->forward_dev[0])
		snprintf(name, IFNAMSIZ, "%s", n->def->forward_dev);
	else if (nl_default_route_dev(name, IFNAMSIZ))
		return;
	*idx = if_nametoindex(name);
	if (*idx)
		nl_link_ipv4(name, addr);
}

static void reconcile_uplink(struct network *n)
{
	char name[IFNAMSIZ], err[256];
	struct in_addr addr;
	int idx, old = n->uplink_ifindex;

	if (n->def->mode != NETDEF_MODE_NAT && n->def->mode != NETDEF_MODE_ROUTE)
		return;
	current_uplink(n, name, &idx, &addr);
	if (idx == old && addr.s_addr == n->uplink_addr.s_addr)
		return;
	log_info("network %s: uplink now %s (%s), was ifindex %d", n->def->name,
		 idx ? name : "none", inet_ntoa(addr), old);
	if (old && old != idx && !uplink_in_use(n->mgr, n, old))
		dp_uplink_del(n->mgr->dp, old);
	snprintf(n->uplink, sizeof(n->uplink), "%s", idx ? name : "");
	n->uplink_ifindex = idx;
	if (network_setup_datapath(n, err, sizeof(err)))
		log_warn("network %s: cannot follow the uplink: %s", n->def->name, err);
}

static void reconcile_bridge(struct network *n)
{
	char err[256];

	if (n->def->mode == NETDEF_MODE_BRIDGE)
		return; /* a shared bridge is the share code's business */
	if (if_nametoindex(n->def->bridge) == (unsigned)n->bridge_ifindex && n->bridge_ifindex)
		return;
	log_warn("network %s: bridge %s vanished; recreating it", n->def->name, n->def->bridge);
	if (network_setup_bridge(n, err, sizeof(err)) ||
	    network_setup_datapath(n, err, sizeof(err))) {
		log_err("network %s: cannot recreate the bridge: %s", n->def->name, err);
		return;
	}
	for (size_t i = 0; i < n->n_ports; i++) {
		nl_link_set_master(n->ports[i].ifname, n->def->bridge);
		nl_link_set_up(n->ports[i].ifname, 1);
	}
	/* DHCP's socket was bound to the old device; DNS to its address. */
	if (network_restart_services(n, err, sizeof(err)))
		log_err("network %s: cannot restart DHCP/DNS: %s", n->def->name, err);
}

/* A port whose device vanished is purged; one recreated under the same
 * name is purged and added afresh, so it inherits nothing. */
static void reconcile_ports(struct network *n)
{
	char err[256];

	for (size_t i = 0; i < n->n_ports;) {
		struct port p = n->ports[i];
		int idx = if_nametoindex(p.ifname);

		if (idx == p.ifindex) {
			if (nl_link_master(p.ifname) != n->bridge_ifindex && n->bridge_ifindex)
				nl_link_set_master(p.ifname, n->def->bridge);
			i++;
			continue;
		}
		log_warn("network %s: port %s %s", n->def->name, p.ifname,
			 idx ? "was recreated; re-adding it" : "vanished; removing it");
		network_port_del(n, p.ifname, err, sizeof(err));
		if (idx && network_port_add(n, p.ifname, p.has_mac ? p.mac : NULL, p.hook, err,
					    sizeof(err)))
			log_warn("network %s: cannot re-add %s: %s", n->def->name, p.ifname, err);
		i = 0; /* the list changed under us: start over */
	}
}

void netmgr_reconcile(struct netmgr *m)
{
	for (size_t i = 0; i < m->n_nets; i++) {
		struct network *n = m->nets[i];

		if (n->active <= 0)
			continue;
		reconcile_bridge(n);
		reconcile_uplink(n);
		reconcile_ports(n);
	}
}

void netmgr_retry_binds(struct netmgr *m)
{
	char mac[18];

	for (size_t i = 0; i < m->n_nets; i++) {
		struct network *n = m->nets[i];

		for (size_t j = 0; n->active > 0 && j < n->n_pending;) {
			struct pending_bind *p = &n->pending[j];

			if (dp_lease_bind(m->dp, n->id, p->mac, p->ip, true)) {
				j++;
				continue;
			}
			mac_format(p->mac, mac);
			log_info("network %s: %s bound to %s now that its port is known",
				 n->def->name, inet_ntoa(p->ip), mac);
			*p = n->pending[--n->n_pending];
		}
	}
}
