/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest ports of a network: enslave to the bridge, attach the data path,
 * remember them for the next daemon start. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "nl/nl.h"
#include "netmgr.h"
#include "guest/guest.h"
#include "core/core.h"


/* ---- the port array and its index by name ---- */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void index_put(struct network *n, size_t i)
{
	size_t mask = n->index_size - 1, h = name_hash(n->ports[i].ifname) & mask;

	while (n->port_index[h])
		h = (h + 1) & mask;
	n->port_index[h] = (uint32_t)i + 1;
}

void network_ports_reindex(struct network *n)
{
	if (!n->index_size)
		return;
	memset(n->port_index, 0, n->index_size * sizeof(n->port_index[0]));
	for (size_t i = 0; i < n->n_ports; i++)
		index_put(n, i);
}

struct port *network_port_find(const struct network *n, const char *ifname)
{
	size_t mask = n->index_size - 1, h;

	if (!n->index_size)
		return NULL;
	for (h = name_hash(ifname) & mask; n->port_index[h]; h = (h + 1) & mask) {
		struct port *p = &n->ports[n->port_index[h] - 1];

		if (!strcmp(p->ifname, ifname))
			return p;
	}
	return NULL;
}

struct port *network_port_push(struct network *n)
{
	if (n->n_ports == n->cap_ports) {
		size_t cap = n->cap_ports ? n->cap_ports * 2 : 16;
		struct port *np = realloc(n->ports, cap * sizeof(*np));
		uint32_t *ni;

		if (!np)
			return NULL;
		n->ports = np;
		ni = calloc(cap * 2, sizeof(*ni));
		if (!ni)
			return NULL;
		free(n->port_index);
		n->port_index = ni;
		n->index_size = cap * 2;
		n->cap_ports = cap;
		network_ports_reindex(n);
	}
	memset(&n->ports[n->n_ports], 0, sizeof(n->ports[0]));
	return &n->ports[n->n_ports++];
}

/* Deleting from linear probing: the entries after the hole in its run
 * are placed again, so every lookup still finds its entry. */
static void index_del(struct network *n, size_t i)
{
	size_t mask = n->index_size - 1, h = name_hash(n->ports[i].ifname) & mask;

	while (n->port_index[h] && n->port_index[h] != i + 1)
		h = (h + 1) & mask;
	if (!n->port_index[h])
		return;
	n->port_index[h] = 0;
	for (h = (h + 1) & mask; n->port_index[h]; h = (h + 1) & mask) {
		size_t j = n->port_index[h] - 1;

		n->port_index[h] = 0;
		index_put(n, j);
	}
}

/* The slot of index entry i + 1 becomes to + 1 (the last port moved). */
static void index_move(struct network *n, size_t from, size_t to)
{
	size_t mask = n->index_size - 1, h = name_hash(n->ports[from].ifname) & mask;

	while (n->port_index[h] && n->port_index[h] != from + 1)
		h = (h + 1) & mask;
	if (n->port_index[h])
		n->port_index[h] = (uint32_t)to + 1;
}

struct port *network_port_put(struct network *n, const char *ifname)
{
	struct port *p = network_port_find(n, ifname);

	if (p || !(p = network_port_push(n)))
		return p;
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	index_put(n, n->n_ports - 1);
	return p;
}

void network_port_remove_at(struct network *n, size_t i)
{
	size_t last = n->n_ports - 1;

	index_del(n, i);
	if (i != last) {
		index_move(n, last, i);
		n->ports[i] = n->ports[last];
	}
	n->n_ports--;
}

void network_ports_free(struct network *n)
{
	free(n->ports);
	free(n->port_index);
	n->ports = NULL;
	n->port_index = NULL;
	n->n_ports = n->cap_ports = n->index_size = 0;
}

size_t netmgr_port_limit(const struct netmgr *m)
{
	return dp_port_limit(m->dp);
}

size_t netmgr_ports_used(const struct netmgr *m)
{
	size_t used = 0;

	for (size_t i = 0; i < m->n_nets; i++)
		if (m->nets[i]->state == NETWORK_ACTIVE)
			used += m->nets[i]->n_ports;
	return used;
}

static struct port *port_find(struct network *n, const char *ifname)
{
	return network_port_find(n, ifname);
}

static struct network *port_owner(struct netmgr *m, const char *ifname)
{
	for (size_t i = 0; i < m->n_nets; i++)
		if (m->nets[i]->state == NETWORK_ACTIVE && port_find(m->nets[i], ifname))
			return m->nets[i];
	return NULL;
}

static const char *filter_name(enum netdef_filter f)
{
	return f == NETDEF_FILTER_OFF ? "off" : f == NETDEF_FILTER_LEARN ? "learn" : "strict";
}

/* The definition's <vnet:port dev=ifname>, if any. */
static const struct netdef_port *xml_port(const struct netdef *d, const char *ifname)
{
	for (size_t i = 0; i < d->n_ports; i++)
		if (!strcmp(d->ports[i].dev, ifname))
			return &d->ports[i];
	return NULL;
}

/* The portgroup called name, or ("") the default one; NULL if none. */
static const struct netdef_portgroup *portgroup_of(const struct netdef *d, const char *name)
{
	for (size_t i = 0; i < d->n_portgroups; i++)
		if (name[0] ? !strcmp(d->portgroups[i].name, name) : d->portgroups[i].is_default)
			return &d->portgroups[i];
	return NULL;
}

int network_port_policy(const struct network *n, const char *ifname,
			const struct netdef_port *decl, struct dp_port_policy *pol, char *err,
			size_t errlen)
{
	const struct netdef *d = n->def;
	const struct netdef_port *x = xml_port(d, ifname);
	const char *pg_name = decl && decl->portgroup[0] ? decl->portgroup
			      : x ? x->portgroup : "";
	const struct netdef_portgroup *pg = portgroup_of(d, pg_name);
	/* most specific first */
	const struct netdef_policy *lv[] = { decl ? &decl->policy : NULL, x ? &x->policy : NULL,
					     pg ? &pg->policy : NULL, &d->policy };
	enum netdef_tri iso = NETDEF_UNSET;

	if (pg_name[0] && !pg)
		return ERR("network %s has no portgroup '%s'", d->name, pg_name), -ENOENT;
	*pol = (struct dp_port_policy){ .filter = NETDEF_FILTER_INHERIT };
	for (size_t i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
		if (!lv[i])
			continue;
		if (!pol->filter)
			pol->filter = lv[i]->filter;
		if (!iso)
			iso = lv[i]->isolated;
	}
	/* open mode: vnet adds no filtering of its own (libvirt adds no rule)
	 * unless a level asked for it */
	if (!pol->filter)
		pol->filter = d->mode == NETDEF_MODE_OPEN ? NETDEF_FILTER_OFF : NETDEF_FILTER_BUILTIN;
	pol->isolated = iso == NETDEF_YES;
	return 0;
}

/* Declared addresses (port-add --ip, <vnet:port><ip/>) bound to the port. */
static int declare_addrs(struct network *n, int idx, const struct netdef_port *p, char *err,
			 size_t errlen)
{
	for (unsigned i = 0; p && i < p->n_ip4 && i < NETDEF_MAX_PORT_IPS; i++) {
		int r = dp_port_declare(n->mgr->dp, idx, p->ip4[i]);

		if (r)
			return ERR("address %s: %s", inet_ntoa(p->ip4[i]),
				   r == -EBUSY ? "bound to another port" : strerror(-r)), r;
	}
	return 0;
}

/* The data path's side of a port's policy, before the port is bridged:
 * no frame passes under another mode first. */
static int port_policy_apply(struct network *n, const char *ifname, int idx,
			     const struct netdef_port *decl, struct dp_port_policy *pol,
			     char *err, size_t errlen)
{
	int r = network_port_policy(n, ifname, decl, pol, err, errlen);

	if (!r && (r = dp_port_set_policy(n->mgr->dp, idx, pol)))
		ERR("port %s: cannot set its policy: %s", ifname, strerror(-r));
	if (!r)
		r = declare_addrs(n, idx, decl, err, errlen);
	if (!r)
		r = declare_addrs(n, idx, xml_port(n->def, ifname), err, errlen);
	return r;
}

/* A port's host side carries no IPv6 (issue 21.2): a bridge member needs no
 * address (the network's L3 is the bridge's, where RA, DHCPv6 and the fast
 * path's FIB lookups live), and every IPv6 device adds a link-local address,
 * an fe80::/64 and a multicast route, DAD, MLD and router solicitations to
 * the namespace, which the kernel's input routing walks per IPv6 frame it
 * receives (O(devices)). Set before the device comes up (no link-local is
 * ever made). Returns the device's value before (NETWORK_IPV6_ON/OFF; 0: a
 * device without IPv6, left alone), which a device given back (port-del,
 * net-stop, a failed attach) gets again: network_port_ipv6_give. */
int network_port_ipv6_take(const char *ifname)
{
	int was = ipv6_conf_get(ifname, "disable_ipv6"), r;

	if (was < 0)
		return 0;
	if (!was && (r = ipv6_conf_set(ifname, "disable_ipv6", 1)) && r != -ENOENT)
		log_warn("port %s: cannot set disable_ipv6: %s", ifname, strerror(-r));
	return was ? NETWORK_IPV6_OFF : NETWORK_IPV6_ON;
}

/* before: network_port_ipv6_take's answer; 0 (not known): the namespace's
 * default, as a device the host makes gets. */
void network_port_ipv6_give(const char *ifname, int before)
{
	int val = before ? before == NETWORK_IPV6_OFF : ipv6_conf_get("default", "disable_ipv6"), r;

	if (val < 0 || ipv6_conf_get(ifname, "disable_ipv6") == val)
		return;
	r = ipv6_conf_set(ifname, "disable_ipv6", val);
	if (r && r != -ENOENT)
		log_warn("port %s: cannot set disable_ipv6 to %d: %s", ifname, val, strerror(-r));
}

/* Enslave and attach; the caller records the running state. */
int network_port_attach(struct network *n, const char *ifname, const uint8_t *mac, int hook,
			const struct netdef_port *decl, char *err, size_t errlen)
{
	struct dp_port_policy pol;
	struct network *owner = port_owner(n->mgr, ifname);
	struct port *p, rec = { 0 };
	int idx, ret, rebound = 0;

	if (n->state != NETWORK_ACTIVE)
		return ERR("network %s is not active", n->def->name), -EINVAL;
	if (strlen(ifname) >= IFNAMSIZ)
		return ERR("invalid interface name '%s'", ifname), -EINVAL;
	if (owner)
		return ERR("%s is already a port of network %s", ifname, owner->def->name), -EBUSY;
	/* the data path's port maps hold every network's ports: a full map
	 * would fail the port half-made */
	if (netmgr_ports_used(n->mgr) >= netmgr_port_limit(n->mgr))
		return ERR("cannot add %s: the host holds %zu ports, its limit (the data path's "
			   "port maps) is %zu", ifname, netmgr_ports_used(n->mgr),
			   netmgr_port_limit(n->mgr)), -ENOSPC;
	idx = if_nametoindex(ifname);
	if (!idx)
		return ERR("device %s not found", ifname), -ENODEV;
	if (!strcmp(ifname, n->def->bridge) || !strcmp(ifname, n->uplink))
		return ERR("%s cannot be a port of its own network", ifname), -EINVAL;
	if (!n->bridge_ifindex || if_nametoindex(n->def->bridge) != (unsigned)n->bridge_ifindex)
		return ERR("bridge %s of network %s is missing or not vnet's", n->def->bridge,
			   n->def->name), -ENODEV;
	/* The port's maps, then its guards, then the program, then the bridge.
	 * The device may be up and its guest sending already (a container's
	 * veth, a guest moved from another host): the first frame the program
	 * sees meets the port's policy, ACLs and bound addresses (an ACL not
	 * yet written would let it through, a lease not yet bound drop it as
	 * spoofed); and a frame the device receives before the program would
	 * be bridged unchecked, so the bridge comes last. */
	/* <mtu>: every port takes the network's (a tap is made at 1500 while
	 * DHCP advertises the network's), so the bridge never falls below it */
	if (n->def->mtu && (ret = nl_link_set_mtu(ifname, n->def->mtu)))
		return ERR("cannot set MTU %u on %s: %s", n->def->mtu, ifname, nl_strerror(ret)),
		       ret;
	rec.ipv6_before = network_port_ipv6_take(ifname);
	snprintf(rec.ifname, sizeof(rec.ifname), "%s", ifname);
	rec.ifindex = idx;
	rec.hook = hook;
	if (mac) {
		memcpy(rec.mac, mac, 6);
		rec.has_mac = 1;
	}
	if (decl)
		rec.decl = *decl;
	ret = dp_port_prepare(n->mgr->dp, n->id, idx, mac, hook, err, errlen);
	if (!ret)
		ret = port_policy_apply(n, ifname, idx, decl, &pol, err, errlen);
	if (!ret) {
		network_acl_apply_port(n, &rec);
		rebound = network_rebind_port(n, idx, mac);
		network_evpn_port_added(n, idx, mac);
		ret = dp_port_start(n->mgr->dp, idx, err, errlen);
	}
	if (ret) {
		if (rebound)	/* a lease bound again above waits again */
			network_park_binds(n, idx);
		dp_port_del(n->mgr->dp, idx);
		network_port_ipv6_give(ifname, rec.ipv6_before);
		return ret;
	}
	ret = nl_link_set_master(ifname, n->def->bridge);
	/* the kernel bridge's flood keeps two isolated ports apart too */
	if (!ret && (pol.isolated || nl_link_master(ifname) > 0))
		ret = nl_brport_set_isolated(ifname, pol.isolated);
	if (ret) {
		if (rebound)
			network_park_binds(n, idx);
		dp_port_del(n->mgr->dp, idx);
		nl_link_set_master(ifname, NULL);
		network_port_ipv6_give(ifname, rec.ipv6_before);
		return ERR("cannot add %s to %s: %s", ifname, n->def->bridge, nl_strerror(ret)), ret;
	}
	nl_link_set_up(ifname, 1);
	p = network_port_push(n);
	if (!p) {
		if (rebound)
			network_park_binds(n, idx);
		dp_port_del(n->mgr->dp, idx);
		nl_link_set_master(ifname, NULL);
		network_port_ipv6_give(ifname, rec.ipv6_before);
		return ERR("cannot add %s: out of memory", ifname), -ENOMEM;
	}
	*p = rec;
	index_put(n, n->n_ports - 1);
	log_info("network %s: port %s added (filter %s%s)", n->def->name, ifname,
		 filter_name(pol.filter), pol.isolated ? ", isolated" : "");
	/* <bandwidth>: its own, declared or portgroup's, the network's aggregate */
	if (network_port_qos_apply(n, p, err, errlen))
		log_warn("network %s: port %s: no QoS: %s", n->def->name, ifname, err);
	return 0;
}

int network_port_add(struct network *n, const char *ifname, const uint8_t *mac, int hook,
		     const struct netdef_port *decl, char *err, size_t errlen)
{
	int ret = network_port_attach(n, ifname, mac, hook, decl, err, errlen);

	if (!ret)	/* one journal line, not every port (issue 21) */
		netstore_save_port(n->mgr, n, network_port_find(n, ifname), ifname);
	return ret;
}

int network_port_del(struct network *n, const char *ifname, char *err, size_t errlen)
{
	struct port *p = port_find(n, ifname);

	if (!p)
		return ERR("%s is not a port of network %s", ifname, n->def->name), -ENOENT;
	if (n->state != NETWORK_ACTIVE) { /* only the record: the device is not ours now */
		network_port_remove_at(n, (size_t)(p - n->ports));
		netstore_save_port(n->mgr, n, NULL, ifname);
		return 0;
	}
	dhcp_proxy_port_gone(n->dhcp, p->ifindex);
	dhcp6_proxy_port_gone(n->dhcp6, p->ifindex);
	/* the same device added back gets its guest's leases again */
	if (p->ifindex && (int)if_nametoindex(ifname) == p->ifindex)
		network_park_binds(n, p->ifindex);
	/* out of the bridge while the program still judges its frames: the
	 * other order bridged them unchecked in between */
	if (if_nametoindex(ifname))
		nl_link_set_master(ifname, NULL);
	if (p->ifindex)
		dp_port_del(n->mgr->dp, p->ifindex);
	if (if_nametoindex(ifname))
		network_port_ipv6_give(ifname, p->ipv6_before);	/* the device as it came */
	tap_port_removed(n, ifname); /* removes the tap (and its VDE switch) if vnet made it */
	p = port_find(n, ifname);	/* the tap's removal may have changed the list */
	if (p)
		network_port_remove_at(n, (size_t)(p - n->ports));
	netstore_save_port(n->mgr, n, NULL, ifname);
	log_info("network %s: port %s removed", n->def->name, ifname);
	return 0;
}

struct addrs_ctx {
	struct json_object *arr;
	char text[256];
};

static void addr_one(void *ctx, const uint8_t mac[6], struct in_addr ip, bool learned)
{
	struct addrs_ctx *c = ctx;
	struct json_object *o = json_object_new_object();
	size_t len = strlen(c->text);
	char m[18];

	json_object_object_add(o, "ip", json_object_new_string(inet_ntoa(ip)));
	mac_format(mac, m);
	json_object_object_add(o, "mac", json_object_new_string(m));
	json_object_object_add(o, "learned", json_object_new_boolean(learned));
	json_object_array_add(c->arr, o);
	snprintf(c->text + len, sizeof(c->text) - len, "%s%s%s", len ? "," : "", inet_ntoa(ip),
		 learned ? "(learned)" : "");
}

/* Every port's bound addresses from one walk of bind_map, sorted by port
 * (then address): a listing reads the map once, not once per port. */
struct port_addr {
	int ifindex;
	uint8_t mac[6];
	bool learned;
	struct in_addr ip;
};

struct addr_list {
	struct port_addr *v;
	size_t n, cap;
};

static void addr_collect(void *ctx, int ifindex, const uint8_t mac[6], struct in_addr ip,
			 bool learned)
{
	struct addr_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct port_addr *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].ifindex = ifindex;
	memcpy(l->v[l->n].mac, mac, 6);
	l->v[l->n].learned = learned;
	l->v[l->n++].ip = ip;
}

static int addr_cmp(const void *a, const void *b)
{
	const struct port_addr *x = a, *y = b;
	uint32_t xi = ntohl(x->ip.s_addr), yi = ntohl(y->ip.s_addr);

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return xi < yi ? -1 : xi > yi;
}

static void addr_list_load(struct network *n, struct addr_list *l)
{
	dp_addrs_all(n->mgr->dp, addr_collect, l);
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), addr_cmp);
}

/* The first of ifindex's entries (and *count of them), by bisection. */
static const struct port_addr *addrs_of(const struct addr_list *l, int ifindex, size_t *count)
{
	size_t lo = 0, hi = l->n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < l->n && l->v[end].ifindex == ifindex; end++)
		;
	*count = end - lo;
	return l->v + lo;
}

/* What the data path enforces on the port (issue 19): its filter mode,
 * isolation, and every address bound to it (leases, declared, learned). */
static void port_policy_json(struct network *n, const struct port *p, const struct addr_list *l,
			     struct json_object *o)
{
	struct addrs_ctx c = { .arr = json_object_new_array() };
	struct dp_port_policy pol;
	const struct port_addr *a;
	size_t na;

	if (dp_port_get_policy(n->mgr->dp, p->ifindex, &pol) == 0) {
		json_object_object_add(o, "filter",
				       json_object_new_string(filter_name(pol.filter)));
		json_object_object_add(o, "isolated", json_object_new_boolean(pol.isolated));
		if (pol.filter == NETDEF_FILTER_LEARN)
			json_object_object_add(o, "learn_limit", json_object_new_int(pol.learn_limit));
	}
	if (p->decl.portgroup[0])
		json_object_object_add(o, "portgroup", json_object_new_string(p->decl.portgroup));
	a = addrs_of(l, p->ifindex, &na);
	for (size_t i = 0; i < na; i++)
		addr_one(&c, a[i].mac, a[i].ip, a[i].learned);
	json_object_object_add(o, "addresses", c.arr);
	json_object_object_add(o, "addrs", json_object_new_string(c.text));
}

/* The limits the port runs with (its own, its declared port's or its
 * portgroup's): "inbound"/"outbound" as port-add takes them. */
static void port_bw_json(const struct network *n, const struct port *p, struct json_object *o)
{
	struct netdef_bandwidth bw;
	char s[96];

	network_port_bw(n, p, &bw);
	if (bw.in.average) {
		network_bw_format(&bw.in, s, sizeof(s));
		json_object_object_add(o, "inbound", json_object_new_string(s));
	}
	if (bw.out.average) {
		network_bw_format(&bw.out, s, sizeof(s));
		json_object_object_add(o, "outbound", json_object_new_string(s));
	}
}

struct json_object *network_ports_json_first(struct network *n, size_t max)
{
	struct json_object *arr = json_object_new_array();
	struct addr_list addrs = { 0 };
	char mac[18];

	addr_list_load(n, &addrs);
	for (size_t i = 0; i < n->n_ports && i < max; i++) {
		struct json_object *o = json_object_new_object();
		const struct port *p = &n->ports[i];
		const char *hook = dp_port_hook_name(n->mgr->dp, p->ifindex);
		char kind[32] = "";

		nl_link_kind(p->ifname, kind, sizeof(kind));
		json_object_object_add(o, "ifname", json_object_new_string(p->ifname));
		json_object_object_add(o, "ifindex", json_object_new_int(p->ifindex));
		json_object_object_add(o, "kind", json_object_new_string(kind[0] ? kind : "ether"));
		/* hook: what runs on the port now; hook_choice: what port-add asked */
		json_object_object_add(o, "hook", hook ? json_object_new_string(hook) : NULL);
		json_object_object_add(o, "hook_choice",
				       json_object_new_string(dp_hook_choice_name(p->hook)));
		if (p->has_mac) {
			mac_format(p->mac, mac);
			json_object_object_add(o, "mac", json_object_new_string(mac));
		}
		port_policy_json(n, p, &addrs, o);
		port_bw_json(n, p, o);
		json_object_array_add(arr, o);
	}
	free(addrs.v);
	return arr;
}

struct json_object *network_ports_json(struct network *n)
{
	return network_ports_json_first(n, SIZE_MAX);
}
