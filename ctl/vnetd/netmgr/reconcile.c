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
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "nl/nl.h"
#include "netmgr.h"

static int uplink_in_use(struct netmgr *m, const struct network *self, int ifindex)
{
	for (size_t i = 0; i < m->n_nets; i++) {
		const struct network *o = m->nets[i];

		if (o != self && o->state == NETWORK_ACTIVE && o->uplink_ifindex == ifindex)
			return 1;
	}
	return 0;
}

/* Where the uplink is now, without logging (this runs every few seconds). */
static void current_uplink(const struct network *n, char *name, int *idx, struct in_addr *addr,
			   struct in6_addr *addr6)
{
	name[0] = '\0';
	*idx = 0;
	addr->s_addr = 0;
	*addr6 = in6addr_any;
	if (network_pick_uplink(n, name))
		return;
	*idx = if_nametoindex(name);
	if (*idx)
		nl_link_ipv4(name, addr);
	/* NAT66's address (IPv6 forwards' too): followed as the IPv4 one */
	if (*idx && n->def->mode == NETDEF_MODE_NAT && network_routes_ipv6(n->def) &&
	    nl_link_ipv6_global(name, addr6))
		*addr6 = in6addr_any;
}

static void reconcile_uplink(struct network *n)
{
	char name[IFNAMSIZ], err[256];
	struct in6_addr addr6;
	struct in_addr addr;
	int idx, old = n->uplink_ifindex;

	/* while another device holds the bridge's name, nothing is programmed;
	 * reconcile_bridge sets the data path up when the bridge is back */
	if (!network_routed(n->def) || n->bridge_refused)
		return;
	current_uplink(n, name, &idx, &addr, &addr6);
	if (idx == old && addr.s_addr == n->uplink_addr.s_addr &&
	    IN6_ARE_ADDR_EQUAL(&addr6, &n->uplink_addr6))
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
	int ret;

	if (n->def->mode == NETDEF_MODE_BRIDGE)
		return; /* a shared bridge is the share code's business */
	if (if_nametoindex(n->def->bridge) == (unsigned)n->bridge_ifindex && n->bridge_ifindex)
		return;
	if (!n->bridge_refused)
		log_warn("network %s: bridge %s vanished; recreating it", n->def->name,
			 n->def->bridge);
	ret = network_setup_bridge(n, err, sizeof(err));
	if (ret == -EEXIST) {
		/* someone else's device took the name: wait until it is gone */
		if (!n->bridge_refused++) {
			n->repairs.bridge_not_ours++;
			log_err("network %s: not taking over: %s", n->def->name, err);
		}
		return;
	}
	if (ret || network_setup_datapath(n, err, sizeof(err))) {
		log_err("network %s: cannot recreate the bridge: %s", n->def->name, err);
		return;
	}
	if (n->bridge_refused)
		log_info("network %s: bridge %s recreated", n->def->name, n->def->bridge);
	n->bridge_refused = 0;
	n->repairs.bridge_recreated++;
	for (size_t i = 0; i < n->n_ports; i++) {
		nl_link_set_master(n->ports[i].ifname, n->def->bridge);
		nl_link_set_up(n->ports[i].ifname, 1);
	}
	/* DHCP's socket was bound to the old device; DNS to its address. */
	if (network_restart_services(n, err, sizeof(err)))
		log_err("network %s: cannot restart DHCP/DNS: %s", n->def->name, err);
}

/* Writing net.ipv4.ip_forward (or conf.all.forwarding) sets every
 * device's forwarding to that value; the fast path's FIB lookups need it
 * on the bridge, the slow path on the uplink. Netconf events bring us
 * here at once; the periodic pass catches a missed one. */
static void reconcile_forwarding(struct network *n)
{
	const int devs[2] = { n->bridge_ifindex, n->uplink_ifindex };
	char name[IF_NAMESIZE];

	if (!network_routed(n->def))
		return;
	/* the bridge only while it is ours (not a device that took its name) */
	if (if_nametoindex(n->def->bridge) != (unsigned)n->bridge_ifindex)
		return;
	for (int i = 0; i < 2; i++) {
		if (!devs[i] || !if_indextoname(devs[i], name) || ipv4_forwarding_get(name) != 0)
			continue; /* on, or gone (the other checks handle that) */
		if (ipv4_forwarding_on(name)) {
			log_warn("network %s: cannot turn IPv4 forwarding on %s back on",
				 n->def->name, name);
			continue;
		}
		n->repairs.forwarding++;
		log_warn("network %s: IPv4 forwarding on %s was turned off (host ip_forward "
			 "written?); turned it back on", n->def->name, name);
	}
	/* the same for IPv6 (a write of conf.all.forwarding sets every
	 * device's) when the network routes it */
	for (int i = 0; network_routes_ipv6(n->def) && i < 2; i++) {
		if (!devs[i] || !if_indextoname(devs[i], name) || ipv6_conf_get(name, "forwarding") != 0)
			continue;
		if (ipv6_forwarding_on(name)) {
			log_warn("network %s: cannot turn IPv6 forwarding on %s back on",
				 n->def->name, name);
			continue;
		}
		n->repairs.forwarding++;
		log_warn("network %s: IPv6 forwarding on %s was turned off (conf.all.forwarding "
			 "written?); turned it back on", n->def->name, name);
	}
}

/* The bridge is n's own (not a device that took its name). */
static int bridge_ours_now(const struct network *n)
{
	return n->bridge_ifindex && if_nametoindex(n->def->bridge) == (unsigned)n->bridge_ifindex;
}

/* A port whose device is still its own but left the bridge goes back;
 * 1 if its device changed (now: its ifindex now, 0 if gone). */
static int port_changed(struct network *n, const struct port *p, int now, int master)
{
	if (now != p->ifindex)
		return 1;
	if (master != n->bridge_ifindex && bridge_ours_now(n))
		nl_link_set_master(p->ifname, n->def->bridge);
	return 0;
}

/* A port whose device vanished is purged; one recreated under the same
 * name is purged and added afresh, so it inherits nothing. p is a copy:
 * the port list changes under it. */
static void port_repair(struct network *n, const struct port *p)
{
	char err[256];

	log_warn("network %s: port %s %s", n->def->name, p->ifname,
		 p->ifindex ? "was recreated; re-adding it" : "vanished; removing it");
	network_port_del(n, p->ifname, err, sizeof(err));
	if (p->ifindex && network_port_add(n, p->ifname, p->has_mac ? p->mac : NULL, p->hook,
					   &p->decl, err, sizeof(err)))
		log_warn("network %s: cannot re-add %s: %s", n->def->name, p->ifname, err);
}

/* What one link dump says of a network's ports (by position in n->ports). */
struct port_seen {
	struct network *n;
	int *idx, *master;
};

static int port_seen_one(void *ctx, const char *name, int ifindex, int master)
{
	struct port_seen *s = ctx;
	struct port *p = network_port_find(s->n, name);

	if (p) {
		s->idx[p - s->n->ports] = ifindex;
		s->master[p - s->n->ports] = master;
	}
	return 0;
}

/* Every port of n against one link dump (the full pass: every few seconds
 * and after a lost event; events name their ports, reconcile_port). */
static void reconcile_ports(struct network *n)
{
	size_t np = n->n_ports, n_bad = 0;
	struct port_seen s = { .n = n, .idx = calloc(np + 1, sizeof(int)),
			       .master = calloc(np + 1, sizeof(int)) };
	struct port *bad = NULL;

	if (!s.idx || !s.master || (np && !(bad = calloc(np, sizeof(*bad)))) ||
	    nl_links_each(port_seen_one, &s)) {
		free(s.idx);
		free(s.master);
		free(bad);
		return;	/* the next tick tries again */
	}
	for (size_t i = 0; i < np; i++) {
		if (!port_changed(n, &n->ports[i], s.idx[i], s.master[i]))
			continue;
		bad[n_bad] = n->ports[i];
		bad[n_bad++].ifindex = s.idx[i];	/* its device now (0: gone) */
	}
	free(s.idx);
	free(s.master);
	for (size_t i = 0; i < n_bad; i++)
		port_repair(n, &bad[i]);
	free(bad);
}

/* One port, by a request for its device alone (an event named it). */
static void reconcile_port(struct network *n, struct port *p)
{
	int now = (int)if_nametoindex(p->ifname);
	int master = now ? nl_link_master(p->ifname) : 0;
	struct port copy = *p;

	if (master < 0)	/* gone between the two requests */
		now = master = 0;
	if (!port_changed(n, p, now, master))
		return;
	copy.ifindex = now;
	port_repair(n, &copy);
}

/* What of a network an event may have changed: its bridge (and what
 * hangs on it: forwarding, the overlay), its uplink (a route and an
 * address dump: the choice and the SNAT address). */
enum { R_BRIDGE = 1, R_UPLINK = 2, R_ALL = R_BRIDGE | R_UPLINK };

/* A network's own devices and services, not its ports. */
static void reconcile_net(struct network *n, unsigned what)
{
	if (what & R_BRIDGE)
		reconcile_bridge(n);
	if (what & R_UPLINK)
		reconcile_uplink(n);
	reconcile_forwarding(n);
	if (what & R_BRIDGE)
		network_overlay_reconcile(n);
}

void netmgr_reconcile(struct netmgr *m)
{
	for (size_t i = 0; i < m->n_nets; i++) {
		struct network *n = m->nets[i];

		if (n->state != NETWORK_ACTIVE)
			continue;
		reconcile_net(n, R_ALL);
		reconcile_ports(n);
		network_overlay_sync(n);	/* a missed fdb event (overlay_fdb.c) */
		network_evpn_refresh(n);
	}
}

/* May the device named name be n's uplink: its uplink now, or one its
 * <forward dev> or <forward><interface> names (one coming up)? A device
 * the default route goes to is followed by route events. */
static int uplink_named(const struct network *n, const char *name)
{
	const struct netdef *d = n->def;

	if ((n->uplink[0] && !strcmp(name, n->uplink)) || !strcmp(name, d->forward_dev))
		return 1;
	for (size_t i = 0; i < d->n_forward_ifs; i++)
		if (!strcmp(name, d->forward_ifs[i]))
			return 1;
	return 0;
}

/* What device (name, ifindex) is of n: R_BRIDGE, R_UPLINK, both, 0. */
static unsigned net_device(const struct network *n, const char *name, int ifindex)
{
	unsigned what = 0;

	if ((ifindex && ifindex == n->bridge_ifindex) || (name && !strcmp(name, n->def->bridge)))
		what |= R_BRIDGE;
	if ((ifindex && ifindex == n->uplink_ifindex) || (name && uplink_named(n, name)))
		what |= R_UPLINK;
	return what;
}

/* Mark the networks device (name, ifindex) belongs to. */
static void mark_nets(struct netmgr *m, uint8_t *mark, const char *name, int ifindex)
{
	for (size_t i = 0; i < m->n_nets; i++)
		mark[i] |= (uint8_t)net_device(m->nets[i], name, ifindex);
}

/* A link event: its port, and the networks whose bridge or uplink it is
 * (a device no network knows, a guest port's veth peer say, changes
 * nothing; the periodic pass looks at everything anyway). */
static void link_event(struct netmgr *m, uint8_t *mark, const char *name, int ifindex)
{
	for (size_t i = 0; i < m->n_nets; i++) {
		struct network *n = m->nets[i];
		struct port *p = n->state == NETWORK_ACTIVE ? network_port_find(n, name) : NULL;

		if (p)
			reconcile_port(n, p);
	}
	mark_nets(m, mark, name, ifindex);
}

void netmgr_reconcile_events(struct netmgr *m, const struct reconcile_events *ev)
{
	uint8_t mark[NETMGR_MAX_NETS] = { 0 };
	int all = ev->all_nets;

	for (size_t i = 0; i < ev->n_links; i++)
		link_event(m, mark, ev->links[i].name, ev->links[i].ifindex);
	for (size_t i = 0; i < ev->n_devs; i++)
		mark_nets(m, mark, NULL, ev->devs[i]);
	for (size_t i = 0; i < m->n_nets; i++)
		if ((all || mark[i]) && m->nets[i]->state == NETWORK_ACTIVE)
			reconcile_net(m->nets[i], all ? R_ALL : mark[i]);
}

/* A parked binding (port-del) whose device is gone will never be re-added
 * as the same device: the guest's next DHCP exchange binds it again. */
static int parked_gone(const struct pending_bind *p)
{
	char name[IF_NAMESIZE];

	return p->ifindex && !if_indextoname(p->ifindex, name);
}

void netmgr_retry_binds(struct netmgr *m)
{
	char mac[18];

	for (size_t i = 0; i < m->n_nets; i++) {
		struct network *n = m->nets[i];

		for (size_t j = 0; n->state == NETWORK_ACTIVE && j < n->n_pending;) {
			struct pending_bind *p = &n->pending[j];

			if (parked_gone(p)) {
				*p = n->pending[--n->n_pending];
				continue;
			}
			/* parked: only network_rebind_port binds it, to its device */
			if (p->ifindex || dp_lease_bind(m->dp, n->id, p->mac, p->ip, true)) {
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

struct json_object *network_repairs_json(const struct network *n)
{
	struct json_object *o = json_object_new_object();
	const struct network_repairs *r = &n->repairs;

	json_object_object_add(o, "forwarding", json_object_new_int64(r->forwarding));
	json_object_object_add(o, "bridge_recreated", json_object_new_int64(r->bridge_recreated));
	json_object_object_add(o, "bridge_not_ours", json_object_new_int64(r->bridge_not_ours));
	json_object_object_add(o, "leases_rebound", json_object_new_int64(r->leases_rebound));
	return o;
}
