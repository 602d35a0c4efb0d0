// SPDX-License-Identifier: GPL-2.0-or-later
/* Lease bindings on a known port (bind_map: (net, ip) -> port and MAC):
 * the one place that writes a binding, for a lease bound to the port its
 * DHCP exchange came in on, one found by dp_lease_bind (dp_lease.c) and
 * the leases a removed port held, put back when the same device is added
 * again (datapath.h). The port becomes the MAC's owner (mac_owner_map). */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "dp_priv.h"

void dp_fdb_seed(struct datapath *dp, uint32_t net_id, const uint8_t *mac, int ifindex)
{
	struct vnet_fdb_key k = { .net_id = net_id };
	struct vnet_fdb v = { .ifindex = ifindex };
	struct vnet_port_state ps;
	__u32 key = (__u32)ifindex;

	memcpy(k.mac, mac, 6);
	/* the port's slot, once it has one (the port path's port_slot) */
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, port_state), &key, &ps) == 0)
		v.slot1 = ps.slot + 1;
	bpf_map_update_elem(DP_MAP_FD(dp, fdb_map), &k, &v, BPF_ANY);
}

int dp_bind_port(struct datapath *dp, uint32_t net_id, int ifindex, const uint8_t mac[6],
		 struct in_addr ip)
{
	struct vnet_bind_key bk = { .net_id = net_id, .ip = ip.s_addr };
	struct vnet_bind b = { .ifindex = ifindex }, old;
	int pfd = DP_MAP_FD(dp, port_map);
	__u32 key = ifindex;
	struct vnet_port port;

	int r;

	if (bpf_map_lookup_elem(pfd, &key, &port) || port.net_id != net_id)
		return -ENOENT;
	/* a locked port sends its own MAC only: a lease for another MAC
	 * cannot have come from it */
	if (port.mac_locked && !(port.flags & VNET_PORT_MULTI_MAC) && memcmp(port.mac, mac, 6))
		return -EPERM;
	/* from now on no other port may use the MAC (a single-guest port
	 * owns one) */
	r = dp_owner_claim(dp, net_id, mac, ifindex, !(port.flags & VNET_PORT_MULTI_MAC));
	if (r)
		return r;
	memcpy(b.mac, mac, 6);
	/* a lease wins over an address another port learned (the DHCP
	 * server hands out its range): that port counts it gone */
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, bind_map), &bk, &old) == 0 &&
	    old.ifindex != (__u32)ifindex) {
		if (old.learned)
			dp_learn_gone(dp, old.ifindex, 1);
		dp_port_state_bind_clear(dp, old.ifindex, bk.ip);	/* before it moves */
	}
	if (bpf_map_update_elem(DP_MAP_FD(dp, bind_map), &bk, &b, BPF_ANY))
		return -errno;
	dp_port_state_bind_set(dp, key, net_id, bk.ip, mac);	/* the port's newest lease */
	dp_fdb_seed(dp, net_id, mac, ifindex); /* reachable before its first frame */
	if (!port.mac_locked && !(port.flags & VNET_PORT_MULTI_MAC)) {
		/* the first lease on a port fixes its MAC */
		memcpy(port.mac, mac, 6);
		port.mac_locked = 1;
		bpf_map_update_elem(pfd, &key, &port, BPF_EXIST);
		dp_port_state_sync(dp, key);
	}
	return 0;
}

struct port_binds {
	int ifindex;
	dp_bind_fn fn;
	void *ctx;
	int n;
};

static void port_binds_one(void *c, int ifindex, const uint8_t mac[6], struct in_addr ip,
			   bool learned)
{
	struct port_binds *pb = c;

	if (ifindex != pb->ifindex || learned)
		return;
	pb->fn(pb->ctx, mac, ip);
	pb->n++;
}

/* One walk of bind_map for every reader (dp_addrs_all), filtered here. */
int dp_port_binds(struct datapath *dp, int ifindex, dp_bind_fn fn, void *ctx)
{
	struct port_binds pb = { .ifindex = ifindex, .fn = fn, .ctx = ctx };

	dp_addrs_all(dp, port_binds_one, &pb);
	return pb.n;
}
