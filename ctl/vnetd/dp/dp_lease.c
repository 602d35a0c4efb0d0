// SPDX-License-Identifier: GPL-2.0-or-later
/* Leases in the data path: which port an address (bind_map) and a MAC
 * (mac_owner_map) belong to, and where a client's DHCP requests come in
 * (dhcp_seen_map, written by the port program). A MAC bound to one port is
 * never accepted on another; a lease binds to the port its exchange came
 * in on, not to wherever the learned fdb last saw the MAC. */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "dp_priv.h"

static struct vnet_fdb_key mac_key(uint32_t net_id, const uint8_t *mac)
{
	struct vnet_fdb_key k = { .net_id = net_id };

	memcpy(k.mac, mac, 6);
	return k;
}

/* Is ifindex a port of network net_id? (*port filled if so.) */
static int port_of_net(struct datapath *dp, uint32_t net_id, __u32 ifindex,
		       struct vnet_port *port)
{
	return ifindex && bpf_map_lookup_elem(DP_MAP_FD(dp, port_map), &ifindex, port) == 0 &&
	       port->net_id == net_id;
}

/* The live port of the network that owns mac, or 0. */
static __u32 owner_of(struct datapath *dp, uint32_t net_id, const uint8_t *mac)
{
	struct vnet_fdb_key k = mac_key(net_id, mac);
	struct vnet_mac_owner o;
	struct vnet_port port;

	if (bpf_map_lookup_elem(DP_MAP_FD(dp, mac_owner_map), &k, &o))
		return 0;
	return port_of_net(dp, net_id, o.ifindex, &port) ? o.ifindex : 0;
}

struct owner_match {
	uint32_t net_id, ifindex;
	const uint8_t *keep;	/* a MAC not to purge, or NULL */
};

static int match_owner(const void *k, const void *v, const void *arg)
{
	const struct vnet_fdb_key *key = k;
	const struct owner_match *m = arg;
	const __u32 *ifindex = v;	/* first field of both map values */

	if (m->keep && !memcmp(key->mac, m->keep, 6))
		return 0;
	return m->net_id ? key->net_id == m->net_id : *ifindex == m->ifindex;
}

static int match_owner_ports(const void *k, const void *v, const void *arg)
{
	return dp_port_set_has(arg, *(const __u32 *)v);	/* first field of both values */
}

void dp_owner_purge_ports(struct datapath *dp, const struct dp_port_set *s)
{
	purge_matching(DP_MAP_FD(dp, mac_owner_map), sizeof(struct vnet_fdb_key),
		       sizeof(struct vnet_mac_owner), match_owner_ports, s);
	purge_matching(DP_MAP_FD(dp, dhcp_seen_map), sizeof(struct vnet_fdb_key),
		       sizeof(struct vnet_dhcp_seen), match_owner_ports, s);
}

void dp_owner_purge(struct datapath *dp, uint32_t net_id)
{
	struct owner_match m = { .net_id = net_id };

	purge_matching(DP_MAP_FD(dp, mac_owner_map), sizeof(struct vnet_fdb_key),
		       sizeof(struct vnet_mac_owner), match_owner, &m);
	purge_matching(DP_MAP_FD(dp, dhcp_seen_map), sizeof(struct vnet_fdb_key),
		       sizeof(struct vnet_dhcp_seen), match_owner, &m);
}

int dp_owner_claim(struct datapath *dp, uint32_t net_id, const uint8_t *mac, int ifindex,
		   int only)
{
	struct vnet_fdb_key k = mac_key(net_id, mac);
	struct vnet_mac_owner o = { .ifindex = ifindex };
	__u32 was = owner_of(dp, net_id, mac);
	struct owner_match m = { .ifindex = ifindex, .keep = mac };

	if (was == (__u32)ifindex)
		return 0;	/* every renewal: no map walk */
	if (was)
		return -EBUSY;
	if (only)
		purge_matching(DP_MAP_FD(dp, mac_owner_map), sizeof(k), sizeof(o), match_owner,
			       &m);
	return bpf_map_update_elem(DP_MAP_FD(dp, mac_owner_map), &k, &o, BPF_ANY) ? -errno : 0;
}

/* A lease whose exchange's port is not known (restored from the lease
 * file, snooped from a LAN server): the MAC's owner, else the port its
 * last DHCP request came in on, else where the fdb learned it. */
static __u32 port_for(struct datapath *dp, uint32_t net_id, const uint8_t *mac)
{
	struct vnet_fdb_key k = mac_key(net_id, mac);
	struct vnet_dhcp_seen seen;
	struct vnet_fdb f;
	__u32 owner = owner_of(dp, net_id, mac);

	if (owner)
		return owner;
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, dhcp_seen_map), &k, &seen) == 0)
		return seen.ifindex;
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, fdb_map), &k, &f) == 0)
		return f.ifindex;
	return 0;
}

static void unbind(struct datapath *dp, uint32_t net_id, const uint8_t mac[6], struct in_addr ip)
{
	struct vnet_bind_key bk = { .net_id = net_id, .ip = ip.s_addr };
	struct vnet_fdb_key k = mac_key(net_id, mac);
	int bfd = DP_MAP_FD(dp, bind_map);
	struct vnet_port port;
	struct vnet_bind b;

	if (bpf_map_lookup_elem(bfd, &bk, &b) || memcmp(b.mac, mac, 6))
		return;
	dp_port_state_bind_clear(dp, b.ifindex, bk.ip);	/* before: never wider than bind_map */
	bpf_map_delete_elem(bfd, &bk);
	/* A guest of a shared (VDE) port gives its MAC up with its lease; a
	 * single-guest port stays locked to its MAC, and owns it, until the
	 * port is deleted. */
	if (port_of_net(dp, net_id, b.ifindex, &port) && (port.flags & VNET_PORT_MULTI_MAC) &&
	    owner_of(dp, net_id, mac) == b.ifindex)
		bpf_map_delete_elem(DP_MAP_FD(dp, mac_owner_map), &k);
}

int dp_lease_bind(struct datapath *dp, uint32_t net_id, const uint8_t mac[6],
		  struct in_addr ip, bool add)
{
	__u32 ifindex;

	if (!add) {
		unbind(dp, net_id, mac, ip);
		return 0;
	}
	ifindex = port_for(dp, net_id, mac);
	return ifindex ? dp_bind_port(dp, net_id, (int)ifindex, mac, ip) : -ENOENT;
}

bool dp_lease_port_ok(struct datapath *dp, uint32_t net_id, const uint8_t mac[6], int ifindex)
{
	struct vnet_fdb_key k = mac_key(net_id, mac);
	struct vnet_dhcp_seen seen;
	__u32 owner = owner_of(dp, net_id, mac);

	if (ifindex <= 0)
		return false;
	if (owner)
		return owner == (__u32)ifindex;
	return bpf_map_lookup_elem(DP_MAP_FD(dp, dhcp_seen_map), &k, &seen) == 0 &&
	       seen.ifindex == (__u32)ifindex;
}

int dp_dhcp_origin(struct datapath *dp, uint32_t net_id, const uint8_t mac[6], int *ifindex,
		   bool *multi)
{
	struct vnet_fdb_key k = mac_key(net_id, mac);
	struct vnet_dhcp_seen seen;
	struct vnet_port port;

	if (bpf_map_lookup_elem(DP_MAP_FD(dp, dhcp_seen_map), &k, &seen) ||
	    !port_of_net(dp, net_id, seen.ifindex, &port))
		return -ENOENT;
	*ifindex = seen.ifindex;
	*multi = port.flags & VNET_PORT_MULTI_MAC;
	return 0;
}

int dp_ip6_origin(struct datapath *dp, uint32_t net_id, const struct in6_addr *a, int *ifindex,
		  bool *multi)
{
	struct vnet_bind6_key k = { .net_id = net_id };
	struct vnet_bind6 b;
	struct vnet_port port;

	memcpy(k.addr, a, 16);
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, bind6_map), &k, &b) ||
	    !port_of_net(dp, net_id, b.ifindex, &port))
		return -ENOENT;
	*ifindex = (int)b.ifindex;
	*multi = port.flags & VNET_PORT_MULTI_MAC;
	return 0;
}

int dp_port_set_multi_mac(struct datapath *dp, int ifindex)
{
	int pfd = DP_MAP_FD(dp, port_map);
	struct vnet_port port;
	__u32 key = ifindex;

	if (bpf_map_lookup_elem(pfd, &key, &port))
		return -ENOENT;
	port.flags |= VNET_PORT_MULTI_MAC;
	port.mac_locked = 0;
	if (bpf_map_update_elem(pfd, &key, &port, BPF_EXIST))
		return -errno;
	return dp_port_state_sync(dp, key);
}
