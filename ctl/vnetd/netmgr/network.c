/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Starting and stopping one network: bridge and gateway address through
 * netlink, the data path maps and programs, then the DHCP and DNS services.
 * Every step of a failed start is rolled back. */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "nl/nl.h"
#include "netmgr.h"
#include "share/share.h"
#include "ra_service/ra_service.h"
#include "guest/guest.h"
#include "core/core.h"
#include "dhcp/dhcp.h"


static int uses_uplink(const struct network *n)
{
	return network_routed(n->def);
}

/* <forward> without dev= but with <interface dev> children: the first of
 * them that exists and is up (libvirt's pool; for nat/route/open it uses
 * one device). */
static int uplink_from_list(const struct netdef *d, char *name)
{
	for (size_t i = 0; i < d->n_forward_ifs; i++) {
		if (if_nametoindex(d->forward_ifs[i]) && nl_link_is_up(d->forward_ifs[i]) == 1) {
			snprintf(name, IFNAMSIZ, "%s", d->forward_ifs[i]);
			return 0;
		}
	}
	return -ENODEV;
}

int network_pick_uplink(const struct network *n, char *name)
{
	const struct netdef *d = n->def;

	name[0] = '\0';
	if (d->forward_dev[0]) {
		snprintf(name, IFNAMSIZ, "%s", d->forward_dev);
		return 0;
	}
	if (d->n_forward_ifs)
		return uplink_from_list(d, name);
	return nl_default_route_dev(name, IFNAMSIZ) ? -ENOENT : 0;
}

int network_find_uplink(struct network *n, char *err, size_t errlen)
{
	int ret;

	n->uplink[0] = '\0';
	n->uplink_ifindex = 0;
	if (n->def->mode == NETDEF_MODE_BRIDGE)
		return share_bridge_uplink(n, err, errlen);
	if (!uses_uplink(n))
		return 0;
	ret = network_pick_uplink(n, n->uplink);
	if (ret == -ENODEV) {
		char names[160] = "";

		for (size_t i = 0; i < n->def->n_forward_ifs; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 i ? ", " : "", n->def->forward_ifs[i]);
		return ERR("no <forward><interface> device exists and is up (%s)", names), ret;
	}
	if (ret) {
		log_warn("network %s: no default route; running without uplink", n->def->name);
		return 0;
	}
	n->uplink_ifindex = if_nametoindex(n->uplink);
	if (!n->uplink_ifindex)
		return ERR("uplink device '%s' not found", n->uplink), -ENODEV;
	return 0;
}

/* vnet's mark on the bridge it creates for n (netlink.h). */
static void bridge_mark(const struct network *n, char *buf, size_t len)
{
	snprintf(buf, len, "vnet network %s", n->def->name);
}

int network_bridge_is_ours(const struct network *n)
{
	char mark[NL_MARK_MAX];

	bridge_mark(n, mark, sizeof(mark));
	return nl_link_has_mark(n->def->bridge, mark);
}

/* The bridge's name is taken by a device vnet did not create for n: say
 * what it is, in one line, and touch nothing. */
static int refuse_device(const struct network *n, char *err, size_t errlen)
{
	char kind[32] = "", alias[128] = "";

	nl_link_kind(n->def->bridge, kind, sizeof(kind));
	nl_link_alias(n->def->bridge, alias, sizeof(alias));
	if (!strncmp(alias, "vnet ", 5))
		return ERR("%s exists and is the device of %s, not of network %s", n->def->bridge,
			   alias, n->def->name), -EEXIST;
	return ERR("%s exists and vnet did not create it (a %s device); choose another "
		   "<bridge name>", n->def->bridge, kind[0] ? kind : "network"), -EEXIST;
}

/* Create n's bridge, or find the one vnet made for n before (restart,
 * reconcile). A bridge a vnetd without marks left running is a legacy
 * bridge: it is claimed (marked) once. Anything else is refused. */
static int bridge_claim(struct network *n, char *err, size_t errlen)
{
	const struct netdef *d = n->def;
	char mark[NL_MARK_MAX], kind[32] = "", alias[8] = "";
	int ret;

	bridge_mark(n, mark, sizeof(mark));
	ret = nl_bridge_create(d->bridge, d->mtu, d->has_mac ? d->mac : NULL, mark);
	if (ret != -EEXIST) {
		if (ret)
			ERR("cannot create bridge %s: %s", d->bridge, nl_strerror(ret));
		return ret;
	}
	if (nl_link_has_mark(d->bridge, mark))
		return 0;
	nl_link_kind(d->bridge, kind, sizeof(kind));
	nl_link_alias(d->bridge, alias, sizeof(alias));
	if (n->bridge_legacy && !strcmp(kind, "bridge") && !alias[0] &&
	    !nl_link_set_mark(d->bridge, mark)) {
		log_info("network %s: bridge %s (started by an older vnetd) marked as vnet's",
			 d->name, d->bridge);
		return 0;
	}
	return refuse_device(n, err, errlen);
}

static void addr_format(const struct netdef_addr *a, unsigned prefix, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN] = "?";

	inet_ntop(a->family, a->family == AF_INET ? (const void *)&a->v4 : (const void *)&a->v6, s,
		  sizeof(s));
	snprintf(buf, len, "%s/%u", s, prefix);
}

/* Every <ip> on the bridge, not only the primary one (libvirt): the
 * secondary IPv4 subnets' gateways, and the IPv6 addresses without DAD
 * (the IPv6 data path is issue 18's). */
static int bridge_more_addrs(struct network *n, char *err, size_t errlen)
{
	const struct netdef *d = n->def;
	char a[64];
	int ret;

	for (size_t i = 0; i < d->n_ips; i++) {
		const struct netdef_ip *ip = &d->ips[i];

		ret = ip->family == AF_INET6 ? nl_addr6_add(d->bridge, &ip->addr6, ip->prefix)
					     : nl_addr_add(d->bridge, ip->addr4, ip->prefix);
		if (ret) {
			struct netdef_addr x = { .family = ip->family, .v4 = ip->addr4,
						 .v6 = ip->addr6 };

			addr_format(&x, ip->prefix, a, sizeof(a));
			return ERR("cannot add %s to %s: %s", a, d->bridge, nl_strerror(ret)), ret;
		}
	}
	return 0;
}

/* <route>s through the bridge while the network runs (libvirt). One that
 * is there already (a resumed network, the reconciler) is vnet's: net-start
 * refused any through another device (conflicts.c). */
static int routes_add(struct network *n, char *err, size_t errlen)
{
	const struct netdef *d = n->def;
	int idx = (int)if_nametoindex(d->bridge);
	char a[64];

	for (size_t i = 0; i < d->n_routes; i++) {
		const struct netdef_route *r = &d->routes[i];
		int ret = nl_route_add(&r->addr, r->prefix, &r->gateway, r->metric, idx);

		if (ret && ret != -EEXIST) {
			addr_format(&r->addr, r->prefix, a, sizeof(a));
			return ERR("cannot add <route> %s: %s", a, nl_strerror(ret)), ret;
		}
	}
	return 0;
}

static void routes_del(struct network *n)
{
	const struct netdef *d = n->def;
	int idx = (int)if_nametoindex(d->bridge);

	for (size_t i = 0; idx && i < d->n_routes; i++)
		nl_route_del(&d->routes[i].addr, d->routes[i].prefix, &d->routes[i].gateway,
			     d->routes[i].metric, idx);
}

int network_setup_bridge(struct network *n, char *err, size_t errlen)
{
	const struct netdef *d = n->def;
	int ret;

	if (d->mode == NETDEF_MODE_BRIDGE) /* vnet never creates nor deletes it */
		return share_bridge_check(d->bridge, err, errlen);
	ret = bridge_claim(n, err, errlen);
	if (ret)
		return ret;
	/* set after creation: the bridge then keeps this MTU as ports join
	 * (else it falls to its lowest port's) */
	if (d->mtu && (ret = nl_link_set_mtu(d->bridge, d->mtu)))
		return ERR("cannot set MTU %u on %s: %s", d->mtu, d->bridge, nl_strerror(ret)), ret;
	/* vnet's default is STP off (no loops among guest ports); libvirt's
	 * XML given, as written */
	if ((d->stp || d->stp_given || d->delay_given) &&
	    (ret = nl_bridge_set_stp(d->bridge, d->stp, d->delay)))
		return ERR("cannot set STP %s, delay %u s on %s: %s", d->stp ? "on" : "off",
			   d->delay, d->bridge, nl_strerror(ret)), ret;
	if (d->has_ip) {
		ret = nl_addr_add(d->bridge, d->ip, d->prefix);
		if (ret)
			return ERR("cannot add address to %s: %s", d->bridge, nl_strerror(ret)), ret;
	}
	ret = nl_link_set_up(d->bridge, 1);
	if (ret)
		return ERR("cannot bring up %s: %s", d->bridge, nl_strerror(ret)), ret;
	ret = bridge_more_addrs(n, err, errlen);
	if (!ret)
		ret = routes_add(n, err, errlen);
	return ret;
}

int network_setup_datapath(struct network *n, char *err, size_t errlen)
{
	const struct netdef *d = n->def;
	struct netdef_host_service services[NETDEF_MAX_HOST_SERVICES + 1];
	struct dp_net_cfg cfg = {
		.net_id = n->id, .mode = d->mode, .gw = d->ip, .prefix = d->prefix,
		.uplink_ifindex = n->uplink_ifindex,
		/* issue 19: libvirt's behaviour (all) unless the definition says */
		.host_access = d->host_access ? d->host_access : NETDEF_HOST_BUILTIN,
		.services = services, .n_services = d->n_host_services,
		.nat_addr_start = d->nat_addr_start, .nat_addr_end = d->nat_addr_end,
		.nat_port_start = d->nat_port_start, .nat_port_end = d->nat_port_end,
	};
	int ret;

	/* the network's own services are open whatever the host access: TFTP
	 * as DHCP and DNS (host_access() knows those two) */
	memcpy(services, d->host_services, sizeof(d->host_services));
	if (tftp_proxy_ip(d))
		services[cfg.n_services++] = (struct netdef_host_service){ IPPROTO_UDP, 69 };

	for (size_t i = 0; i < d->n_ips; i++) {
		const struct netdef_ip *ip = &d->ips[i];

		if (ip->family != AF_INET || (ip->addr4.s_addr == d->ip.s_addr && ip->prefix == d->prefix))
			continue;
		cfg.subnets[cfg.n_subnets].addr = ip->addr4;
		cfg.subnets[cfg.n_subnets++].prefix = ip->prefix;
	}
	/* never program (forwarding, MAC) a device that took the bridge's name */
	if (d->mode != NETDEF_MODE_BRIDGE && !network_bridge_is_ours(n))
		return ERR("%s is not the bridge vnet made for %s", d->bridge, d->name), -EEXIST;
	cfg.bridge_ifindex = if_nametoindex(d->bridge);
	nl_link_mac(d->bridge, cfg.bridge_mac);
	for (size_t i = 0; i < d->n_ips && cfg.n_ip6 < VNET_NET6_PFX; i++) {
		if (d->ips[i].family != AF_INET6)
			continue;
		cfg.ip6[cfg.n_ip6] = d->ips[i].addr6;
		cfg.prefix6[cfg.n_ip6++] = d->ips[i].prefix;
	}
	cfg.ipv6_any = d->ipv6 == NETDEF_YES && !cfg.n_ip6;
	/* IPv6 beyond the link (issue 18.4): routed in route/open mode,
	 * NAT66 on opt-in (<nat ipv6='yes'>, libvirt's) */
	cfg.route6 = cfg.n_ip6 && (d->mode == NETDEF_MODE_ROUTE || d->mode == NETDEF_MODE_OPEN);
	cfg.nat6 = cfg.n_ip6 && d->mode == NETDEF_MODE_NAT && d->nat_ipv6 == NETDEF_YES;
	if (n->uplink_ifindex && nl_link_ipv4(n->uplink, &cfg.uplink_addr) && d->mode == NETDEF_MODE_NAT)
		log_warn("uplink %s has no IPv4 address; NAT waits for one", n->uplink);
	if (cfg.nat6 && n->uplink_ifindex && nl_link_ipv6_global(n->uplink, &cfg.uplink_addr6))
		log_warn("uplink %s has no global IPv6 address; NAT66 waits for one", n->uplink);
	n->uplink_addr = cfg.uplink_addr;
	n->uplink_addr6 = cfg.uplink_addr6;	/* zero: no NAT66 */
	n->bridge_ifindex = cfg.bridge_ifindex;
	ret = dp_net_set(n->mgr->dp, &cfg, err, errlen);
	if (!ret)
		ret = network_qos_apply(n, err, errlen);	/* <bandwidth>: the aggregate */
	if (ret)
		return ret;
	if (n->uplink_ifindex) {
		ret = dp_uplink_add(n->mgr->dp, n->uplink_ifindex, err, errlen);
		if (ret)
			return ret;
		/* dp_net_set turned forwarding on for the bridge (the FIB lookups
		 * need it); the kernel's slow path also forwards from the uplink,
		 * wherever it moves (start, reconcile, share) */
		if (ipv4_forwarding_on(n->uplink))
			log_warn("cannot enable forwarding on %s", n->uplink);
		/* the same for IPv6 when the network routes it: accept_ra 1
		 * becomes 2 first, so a host that learns its default route
		 * from router advertisements on the uplink keeps it */
		if ((cfg.route6 || cfg.nat6) && ipv6_forwarding_on(n->uplink))
			log_warn("cannot enable IPv6 forwarding on %s", n->uplink);
	}
	for (size_t i = 0; i < d->n_port_forwards; i++) {
		ret = dp_forward_add(n->mgr->dp, n->id, &d->port_forwards[i], err, errlen);
		if (ret)
			return ret;
	}
	network_relay_sync(n);
	return 0;
}

/* The host and the guests reach UPLINK_IP:PORT through the host stack,
 * never through the uplink program's DNAT: the relay listens there for
 * them (fwd_relay.h). A moved uplink address moves the relay (its
 * connections are closed); adding a forward twice is harmless. */
static void relay_sync_one(struct network *n, struct fwd_relay **rp, const struct netdef_addr *a,
			   int have)
{
	const struct netdef *d = n->def;
	size_t i;

	if (*rp && !fwd_relay_at(*rp, a)) {
		fwd_relay_free(*rp);
		*rp = NULL;
	}
	for (i = 0; i < d->n_port_forwards; i++)	/* a forward of the family? */
		if ((d->port_forwards[i].family == AF_INET6) == (a->family == AF_INET6))
			break;
	if (!have || i == d->n_port_forwards)
		return;
	if (!*rp && !(*rp = fwd_relay_new(n->mgr->loop, d->name, a))) {
		log_warn("network %s: no memory for the hairpin relay", d->name);
		return;
	}
	for (i = 0; i < d->n_port_forwards; i++)
		if (fwd_relay_add(*rp, &d->port_forwards[i]))
			log_warn("network %s: no memory for the hairpin relay", d->name);
}

/* One relay per family: IPv4 forwards on the uplink's IPv4 address, IPv6
 * ones on its NAT66 address. */
void network_relay_sync(struct network *n)
{
	struct netdef_addr a4 = { .family = AF_INET, .v4 = n->uplink_addr };
	struct netdef_addr a6 = { .family = AF_INET6, .v6 = n->uplink_addr6 };

	relay_sync_one(n, &n->relay, &a4, a4.v4.s_addr != 0);
	relay_sync_one(n, &n->relay6, &a6, !IN6_IS_ADDR_UNSPECIFIED(&a6.v6));
}

struct json_object *network_relay_json(const struct network *n)
{
	struct fwd_relay_counters c, c6;
	struct json_object *o;

	if (!n->relay && !n->relay6)
		return NULL;
	fwd_relay_counters(n->relay, &c);	/* both families together */
	fwd_relay_counters(n->relay6, &c6);
	c.connections += c6.connections;
	c.refused_cap += c6.refused_cap;
	c.connect_failed += c6.connect_failed;
	c.idle_closed += c6.idle_closed;
	c.listen_failed += c6.listen_failed;
	c.active += c6.active;
	c.listeners += c6.listeners;
	o = json_object_new_object();
	json_object_object_add(o, "connections", json_object_new_int64((int64_t)c.connections));
	json_object_object_add(o, "refused_cap", json_object_new_int64((int64_t)c.refused_cap));
	json_object_object_add(o, "connect_failed", json_object_new_int64((int64_t)c.connect_failed));
	json_object_object_add(o, "idle_closed", json_object_new_int64((int64_t)c.idle_closed));
	json_object_object_add(o, "listen_failed", json_object_new_int64((int64_t)c.listen_failed));
	json_object_object_add(o, "active", json_object_new_int64((int64_t)c.active));
	json_object_object_add(o, "listeners", json_object_new_int64((int64_t)c.listeners));
	return o;
}

static struct pending_bind *find_pending(struct network *n, const uint8_t mac[6],
					 struct in_addr ip)
{
	for (size_t i = 0; i < n->n_pending; i++)
		if (!memcmp(n->pending[i].mac, mac, 6) && n->pending[i].ip.s_addr == ip.s_addr)
			return &n->pending[i];
	return NULL;
}

/* The MAC has not been seen on a port yet: netmgr_retry_binds tries again
 * every second until the guest's first frame teaches the data path. */
static void network_defer_bind(struct network *n, const uint8_t mac[6], struct in_addr ip)
{
	struct pending_bind *p = find_pending(n, mac, ip);

	if (p) {
		p->ifindex = 0; /* a fresh grant, wherever the guest is now */
		return;
	}
	if (n->n_pending >= NETWORK_MAX_PENDING_BINDS) {
		/* the guest's next lease renewal binds it again */
		log_warn("network %s: %d leases wait for their guest's first frame; not "
			 "retrying %s", n->def->name, NETWORK_MAX_PENDING_BINDS, inet_ntoa(ip));
		return;
	}
	p = &n->pending[n->n_pending++];
	memcpy(p->mac, mac, 6);
	p->ip = ip;
}

static void network_forget_bind(struct network *n, const uint8_t mac[6], struct in_addr ip)
{
	struct pending_bind *p = find_pending(n, mac, ip);

	if (p)
		*p = n->pending[--n->n_pending];
}

struct park_ctx {
	struct network *n;
	int ifindex, parked;
};

static void park_one(void *ctx, const uint8_t mac[6], struct in_addr ip)
{
	struct park_ctx *c = ctx;
	struct pending_bind *p = find_pending(c->n, mac, ip);

	if (!p && c->n->n_pending >= NETWORK_MAX_PENDING_BINDS) {
		log_warn("network %s: pending-bind list full; %s waits for its guest's next "
			 "DHCP exchange", c->n->def->name, inet_ntoa(ip));
		return;
	}
	if (!p) {
		p = &c->n->pending[c->n->n_pending++];
		memcpy(p->mac, mac, 6);
		p->ip = ip;
	}
	p->ifindex = c->ifindex;
	c->parked++;
}

void network_park_binds(struct network *n, int ifindex)
{
	struct park_ctx c = { n, ifindex, 0 };

	dp_port_binds(n->mgr->dp, ifindex, park_one, &c);
	if (c.parked)
		log_info("network %s: %d lease(s) of port ifindex %d kept for its return",
			 n->def->name, c.parked, ifindex);
}

/* Only the device the leases were bound on, and, if port-add named a MAC,
 * only that guest's: a port given to another guest gets nothing back. */
int network_rebind_port(struct network *n, int ifindex, const uint8_t *mac)
{
	char mac_s[18];
	int bound = 0;

	for (size_t j = 0; j < n->n_pending;) {
		struct pending_bind *p = &n->pending[j];
		int r;

		if (p->ifindex != ifindex) {
			j++;
			continue;
		}
		mac_format(p->mac, mac_s);
		r = mac && memcmp(mac, p->mac, 6) ? -EPERM
			: dp_bind_port(n->mgr->dp, n->id, ifindex, p->mac, p->ip);
		if (r) {
			log_info("network %s: lease %s of %s not bound again: %s", n->def->name,
				 inet_ntoa(p->ip), mac_s,
				 r == -EPERM ? "the port was added for another MAC" : strerror(-r));
		} else {
			bound++;
			n->repairs.leases_rebound++;
			log_info("network %s: lease %s of %s bound again to its re-added port",
				 n->def->name, inet_ntoa(p->ip), mac_s);
		}
		*p = n->pending[--n->n_pending];
	}
	return bound;
}


/* A lease binds to the port its exchange came in on; one restored from
 * the lease file (port not known) to where the data path finds the MAC. */
static void lease_bound(void *ctx, const struct dhcp_lease_info *l)
{
	struct network *n = ctx;
	char mac[18];
	int r;
	/* The service child names the port the exchange came in on; the core
	 * believes it only if the port program saw it there (privsep: a child
	 * taken over must not bind a MAC or an address to another port), and
	 * otherwise binds by what the data path saw itself. */
	bool claimed = l->ifindex && dp_lease_port_ok(n->mgr->dp, n->id, l->mac, l->ifindex);

	if (l->ifindex && !claimed)
		privsep_count_rejected("a lease on a port its DHCP exchange did not come in on");
	r = claimed ? dp_bind_port(n->mgr->dp, n->id, l->ifindex, l->mac, l->ip)
		    : dp_lease_bind(n->mgr->dp, n->id, l->mac, l->ip, true);
	mac_format(l->mac, mac);
	if (r == -ENOENT)
		network_defer_bind(n, l->mac, l->ip);
	else if (r)
		log_warn("network %s: lease %s for %s not bound to port %d: %s", n->def->name,
			 inet_ntoa(l->ip), mac, l->ifindex,
			 r == -EBUSY ? "the MAC is bound to another port" : strerror(-r));
	else	/* bound where it is now: a removed port's claim on it is void */
		network_forget_bind(n, l->mac, l->ip);
	dns_proxy_lease_bound(n->dns, l->ip, l->mac, l->hostname);
	netmgr_lease_event(n, l, 1);
}

static void lease_gone(void *ctx, const struct dhcp_lease_info *l)
{
	struct network *n = ctx;

	dp_lease_bind(n->mgr->dp, n->id, l->mac, l->ip, false);
	network_forget_bind(n, l->mac, l->ip);
	dns_proxy_lease_gone(n->dns, l->ip);
	netmgr_lease_event(n, l, 0);
}

/* Where a DHCP request came in (noted by the port program): a VDE
 * switch's tap carries several guests, any other port one. */
static int lease_origin(void *ctx, const uint8_t mac[6], struct dhcp_origin *o)
{
	struct network *n = ctx;
	bool multi = false;
	int ifindex;

	if (dp_dhcp_origin(n->mgr->dp, n->id, mac, &ifindex, &multi))
		return -ENOENT;
	o->port = (uint32_t)ifindex;
	o->max_macs = multi ? vde_max_guests(n) : 1;
	return 0;
}

/* Where a DHCPv6 message came in: the port that claimed the client's
 * link-local address (issue 18.5); a VDE tap's guests share its limit. */
static int lease_origin6(void *ctx, const struct in6_addr *src, struct dhcp6_origin *o)
{
	struct network *n = ctx;
	bool multi = false;
	int ifindex;

	if (dp_ip6_origin(n->mgr->dp, n->id, src, &ifindex, &multi))
		return -ENOENT;
	o->port = (uint32_t)ifindex;
	o->max_leases = DHCP6_PORT_LEASES * (multi ? (uint32_t)vde_max_guests(n) : 1);
	return 0;
}

static int start_services(struct network *n, char *err, size_t errlen)
{
	struct netmgr *m = n->mgr;
	struct dhcp_hooks hooks = { lease_bound, lease_gone, lease_origin, n };

	if (n->def->mode == NETDEF_MODE_BRIDGE) /* the LAN serves DHCP/DNS; learn its leases */
		return share_snoop_start(n, err, errlen);
	if (ra_service_wanted(n->def)) {
		uint8_t mac[6] = { 0 };

		nl_link_mac(n->def->bridge, mac);
		n->ra = ra_service_start(m->loop, n->def, n->bridge_ifindex, mac, err, errlen);
		if (!n->ra)
			return -EIO;
	}
	if (!n->def->has_ip)
		return 0;
	if (n->def->dns_enable != NETDEF_NO) { /* <dns enable='no'>: no server at all */
		n->dns = dns_proxy_start(n->def, n->id, m->paths.resolv_conf, err, errlen);
		if (!n->dns)
			return -EIO;
	}
	/* before DHCP, which hands out the boot file's name */
	if (tftp_proxy_ip(n->def) && !(n->tftp = tftp_proxy_start(n->def, n->id, err, errlen)))
		return -EIO;
	/* <state>/leases/NAME.leases6, beside the IPv4 file */
	if (dhcp6_netdef_serves(n->def) && !(n->dhcp6 = dhcp6_proxy_start(n->def, n->id, lease_origin6, n, err,
									  errlen)))
		return -EIO;
	if (!dhcp_netdef_serves(n->def))
		return 0;
	/* the file is <state>/leases/NAME.leases, the child's root */
	n->dhcp = dhcp_proxy_start(n->def, n->id, &hooks, err, errlen);
	return n->dhcp ? 0 : -EIO;
}

int network_restart_services(struct network *n, char *err, size_t errlen)
{
	ra_service_stop(n->ra);
	n->ra = NULL;
	dhcp_proxy_stop(n->dhcp);
	n->dhcp = NULL;
	dns_proxy_stop(n->dns);
	n->dns = NULL;
	tftp_proxy_stop(n->tftp);
	n->tftp = NULL;
	dhcp6_proxy_stop(n->dhcp6);
	n->dhcp6 = NULL;
	return start_services(n, err, errlen);
}

/* Every port out of the bridge, then out of the data path together: one
 * pass over each shared table for all of them, not one per port (issue
 * 21: 1,000 ports over a 4M-entry conntrack table took 22 minutes). */
static void ports_release(struct network *n)
{
	__u32 *idx = calloc(n->n_ports + 1, sizeof(*idx));
	size_t k = 0;

	for (size_t i = 0; i < n->n_ports; i++) {
		if (!n->ports[i].ifindex) /* remembered, not attached (a failed start) */
			continue;
		/* out of the bridge before the program goes: no frame is
		 * bridged unchecked between the two (in bridge mode the bridge
		 * stays: no unfiltered guests on it) */
		nl_link_set_master(n->ports[i].ifname, NULL);
		if (idx)
			idx[k++] = (__u32)n->ports[i].ifindex;
		else	/* no memory for the list: one at a time */
			dp_port_del(n->mgr->dp, n->ports[i].ifindex);
	}
	if (idx)
		dp_ports_del(n->mgr->dp, idx, k);
	free(idx);
	for (size_t i = 0; i < n->n_ports; i++) {
		if (!n->ports[i].ifindex)
			continue;
		/* a bridge member no more: the device as it came */
		if ((int)if_nametoindex(n->ports[i].ifname) == n->ports[i].ifindex)
			network_port_ipv6_give(n->ports[i].ifname, n->ports[i].ipv6_before);
		n->ports[i].ifindex = 0;
	}
}

static void teardown(struct network *n)
{
	n->n_pending = 0;
	share_snoop_stop(n);
	ra_service_stop(n->ra);	/* its final RA while the bridge is still there */
	n->ra = NULL;
	dhcp_proxy_stop(n->dhcp);
	n->dhcp = NULL;
	dns_proxy_stop(n->dns);
	n->dns = NULL;
	tftp_proxy_stop(n->tftp);
	n->tftp = NULL;
	dhcp6_proxy_stop(n->dhcp6);
	n->dhcp6 = NULL;
	ports_release(n);
	fwd_relay_free(n->relay);
	fwd_relay_free(n->relay6);
	n->relay = n->relay6 = NULL;
	for (size_t i = 0; i < n->def->n_port_forwards; i++)
		dp_forward_del(n->mgr->dp, n->id, &n->def->port_forwards[i]);
	dp_net_del(n->mgr->dp, n->id);
	if (n->uplink_ifindex) {
		int shared = 0;

		for (size_t i = 0; i < n->mgr->n_nets; i++) {
			struct network *o = n->mgr->nets[i];

			shared |= o != n && o->state == NETWORK_ACTIVE && o->uplink_ifindex == n->uplink_ifindex;
		}
		if (!shared)
			dp_uplink_del(n->mgr->dp, n->uplink_ifindex);
	}
	network_overlay_stop(n);
	/* only the bridge vnet made: never a device that was there before
	 * (a refused start) or took the name since (deleted by hand) */
	if (n->def->mode != NETDEF_MODE_BRIDGE && network_bridge_is_ours(n)) {
		routes_del(n); /* they would go with it; said explicitly */
		nl_link_delete(n->def->bridge);
	}
}

/* Re-add the ports of the previous run (net-stop + net-start, a vnetd
 * restart or crash) whose devices still exist, and the ports the
 * definition declares (<vnet:port dev>) whose devices exist now. */
static void readd_ports(struct network *n)
{
	size_t saved = n->n_ports;
	struct port *old = n->ports, *p;
	const struct netdef *d = n->def;
	char err[256];

	/* the old list is kept aside while the ports are attached afresh */
	free(n->port_index);
	n->ports = NULL;
	n->port_index = NULL;
	n->n_ports = n->cap_ports = n->index_size = 0;
	for (size_t i = 0; i < saved; i++) {
		if (!if_nametoindex(old[i].ifname)) {
			log_info("network %s: port %s is gone; not re-added", d->name, old[i].ifname);
			continue;
		}
		/* network_start records the running state once, after all */
		if (network_port_attach(n, old[i].ifname, old[i].has_mac ? old[i].mac : NULL,
					old[i].hook, &old[i].decl, err, sizeof(err)))
			log_warn("network %s: dropping port %s: %s", d->name, old[i].ifname, err);
		else if ((p = network_port_find(n, old[i].ifname)))
			p->ipv6_before = old[i].ipv6_before;	/* before the first attach, not
								 * as the last run left it */
	}
	free(old);
	for (size_t i = 0; i < d->n_ports; i++) {
		const struct netdef_port *dp = &d->ports[i];
		bool known = network_port_find(n, dp->dev) != NULL;

		if (known || !if_nametoindex(dp->dev))
			continue;
		if (network_port_attach(n, dp->dev, dp->has_mac ? dp->mac : NULL, DP_HOOK_AUTO,
					NULL, err, sizeof(err)))
			log_warn("network %s: declared port %s not added: %s", d->name, dp->dev, err);
	}
}

/* After a stop: the port records of devices that went with it (taps vnet
 * made) are dropped; the others stay for the next start. */
static void forget_gone_ports(struct network *n)
{
	for (size_t i = 0; i < n->n_ports;) {
		if (if_nametoindex(n->ports[i].ifname)) {
			i++;
			continue;
		}
		network_port_remove_at(n, i);
	}
}

int network_start(struct network *n, char *err, size_t errlen)
{
	int ret;

	if (n->state == NETWORK_ACTIVE)
		return ERR("network %s is already active", n->def->name), -EALREADY;
	ret = network_check_conflicts(n, err, errlen);
	if (ret) { /* nothing made yet, nothing to undo */
		n->state = NETWORK_STOPPED;
		netstore_save_runtime(n->mgr, n);
		return ret;
	}
	ret = network_find_uplink(n, err, errlen);
	if (!ret)
		ret = network_check_nat(n, err, errlen);
	if (!ret)
		ret = network_overlay_prepare(n, err, errlen);
	if (!ret)
		ret = network_setup_bridge(n, err, errlen);
	if (!ret)
		ret = network_setup_datapath(n, err, errlen);
	if (!ret)
		ret = start_services(n, err, errlen);
	if (!ret)
		ret = network_overlay_start(n, err, errlen);
	n->bridge_legacy = 0;
	if (ret) {
		teardown(n);
		n->state = NETWORK_STOPPED;
		netstore_save_runtime(n->mgr, n); /* the port list stays for the next start */
		return ret;
	}
	n->state = NETWORK_ACTIVE;
	network_overlay_sync(n);	/* remote MACs zebra installed already (a restart) */
	readd_ports(n);
	vde_net_started(n); /* adopt or restart the VDE switch of a previous run */
	netstore_save_runtime(n->mgr, n);
	log_info("network %s started on %s%s%s", n->def->name, n->def->bridge,
		 n->uplink[0] ? ", uplink " : "", n->uplink);
	return 0;
}

int network_stop(struct network *n, char *err, size_t errlen)
{
	if (n->state != NETWORK_ACTIVE)
		return ERR("network %s is not active", n->def->name), -EINVAL;
	teardown(n);
	tap_net_stopped(n); /* the VDE switch and the taps vnet made */
	n->state = NETWORK_STOPPED;
	forget_gone_ports(n);
	netstore_save_runtime(n->mgr, n);
	log_info("network %s stopped", n->def->name);
	return 0;
}
