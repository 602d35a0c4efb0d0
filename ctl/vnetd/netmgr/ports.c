/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest ports of a network: enslave to the bridge, attach the data path,
 * remember them for the next daemon start. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"
#include "nl/nl.h"
#include "netmgr.h"
#include "guest/guest.h"
#include "core/core.h"


static struct port *port_find(struct network *n, const char *ifname)
{
	for (size_t i = 0; i < n->n_ports; i++)
		if (!strcmp(n->ports[i].ifname, ifname))
			return &n->ports[i];
	return NULL;
}

static struct network *port_owner(struct netmgr *m, const char *ifname)
{
	for (size_t i = 0; i < m->n_nets; i++)
		if (m->nets[i]->state == NETWORK_ACTIVE && port_find(m->nets[i], ifname))
			return m->nets[i];
	return NULL;
}

/* Enslave and attach; the caller records the running state. */
int network_port_attach(struct network *n, const char *ifname, const uint8_t *mac, int hook,
			char *err, size_t errlen)
{
	struct network *owner = port_owner(n->mgr, ifname);
	struct port *p;
	int idx, ret;

	if (n->state != NETWORK_ACTIVE)
		return ERR("network %s is not active", n->def->name), -EINVAL;
	if (strlen(ifname) >= IFNAMSIZ)
		return ERR("invalid interface name '%s'", ifname), -EINVAL;
	if (owner)
		return ERR("%s is already a port of network %s", ifname, owner->def->name), -EBUSY;
	if (n->n_ports >= NETWORK_MAX_PORTS)
		return ERR("network %s has too many ports", n->def->name), -ENOSPC;
	idx = if_nametoindex(ifname);
	if (!idx)
		return ERR("device %s not found", ifname), -ENODEV;
	if (!strcmp(ifname, n->def->bridge) || !strcmp(ifname, n->uplink))
		return ERR("%s cannot be a port of its own network", ifname), -EINVAL;
	if (!n->bridge_ifindex || if_nametoindex(n->def->bridge) != (unsigned)n->bridge_ifindex)
		return ERR("bridge %s of network %s is missing or not vnet's", n->def->bridge,
			   n->def->name), -ENODEV;
	/* The program first, then the bridge: a frame the device receives
	 * between the two would be bridged unchecked (spoofed to other guests). */
	/* <mtu>: every port takes the network's (a tap is made at 1500 while
	 * DHCP advertises the network's), so the bridge never falls below it */
	if (n->def->mtu && (ret = nl_link_set_mtu(ifname, n->def->mtu)))
		return ERR("cannot set MTU %u on %s: %s", n->def->mtu, ifname, nl_strerror(ret)),
		       ret;
	ret = dp_port_add_hook(n->mgr->dp, n->id, idx, mac, hook, err, errlen);
	if (ret)
		return ret;
	ret = nl_link_set_master(ifname, n->def->bridge);
	if (ret) {
		dp_port_del(n->mgr->dp, idx);
		return ERR("cannot add %s to %s: %s", ifname, n->def->bridge, nl_strerror(ret)), ret;
	}
	nl_link_set_up(ifname, 1);
	p = &n->ports[n->n_ports++];
	memset(p, 0, sizeof(*p));
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	p->ifindex = idx;
	p->hook = hook;
	if (mac) {
		memcpy(p->mac, mac, 6);
		p->has_mac = 1;
	}
	log_info("network %s: port %s added", n->def->name, ifname);
	network_rebind_port(n, idx, mac);
	return 0;
}

int network_port_add(struct network *n, const char *ifname, const uint8_t *mac, int hook,
		     char *err, size_t errlen)
{
	int ret = network_port_attach(n, ifname, mac, hook, err, errlen);

	if (!ret)
		netstore_save_runtime(n->mgr, n);
	return ret;
}

int network_port_del(struct network *n, const char *ifname, char *err, size_t errlen)
{
	struct port *p = port_find(n, ifname);

	if (!p)
		return ERR("%s is not a port of network %s", ifname, n->def->name), -ENOENT;
	if (n->state != NETWORK_ACTIVE) { /* only the record: the device is not ours now */
		*p = n->ports[--n->n_ports];
		netstore_save_runtime(n->mgr, n);
		return 0;
	}
	dhcp_proxy_port_gone(n->dhcp, p->ifindex);
	/* the same device added back gets its guest's leases again */
	if (p->ifindex && (int)if_nametoindex(ifname) == p->ifindex)
		network_park_binds(n, p->ifindex);
	if (p->ifindex)
		dp_port_del(n->mgr->dp, p->ifindex);
	if (if_nametoindex(ifname))
		nl_link_set_master(ifname, NULL);
	tap_port_removed(n, ifname); /* removes the tap (and its VDE switch) if vnet made it */
	*p = n->ports[--n->n_ports];
	netstore_save_runtime(n->mgr, n);
	log_info("network %s: port %s removed", n->def->name, ifname);
	return 0;
}

struct json_object *network_ports_json(struct network *n)
{
	struct json_object *arr = json_object_new_array();
	char mac[18];

	for (size_t i = 0; i < n->n_ports; i++) {
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
		json_object_array_add(arr, o);
	}
	return arr;
}
