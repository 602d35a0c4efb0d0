/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Address bindings as the port program uses them (bind_map), and filter
 * mode learn (issue 19): a statically addressed guest's first ARP for an
 * unused address of its network binds that address to its port and MAC,
 * up to the port's limit; the binding is kept alive by the guest's frames
 * and removed by vnetd's GC after VNET_LEARN_EXPIRE_S without one.
 * Learning is done here, not by vnetd from a ring buffer: the ARP that
 * creates the binding passes at once (a static guest works from its first
 * packet, no retry), and BPF_NOEXIST makes the first port to claim an
 * address its owner without a race window between two guests. */
#ifndef VNET_BPF_LEARN_H
#define VNET_BPF_LEARN_H

#include "route.h"

static __always_inline bool mac_is_zero(const __u8 *m)
{
	const __u16 *x = (const __u16 *)m;

	return (x[0] | x[1] | x[2]) == 0;
}

/* A learned binding's stamp now: VNET_BIND_LEARNED | the second. */
static __always_inline __u16 learn_stamp(void)
{
	return VNET_BIND_LEARNED | ((bpf_ktime_get_coarse_ns() >> 30) & VNET_BIND_SEEN_MASK);
}

/* May a port of net learn ip? An address of one of the network's IPv4
 * subnets (vnet_net's, or another <ip>'s: subnet_info_map) that is neither
 * that subnet's gateway nor its network or broadcast address; on a network
 * without an address (L2 only, mask 0) any unicast address. */
static __always_inline bool learnable(__u32 ip, const struct vnet_net *net, __u32 net_id)
{
	struct vnet_lpm_key k = { .prefixlen = 32, .addr = ip };
	const struct vnet_subnet *s;

	if (ip == net->gw || dst_reserved(ip, net))
		return false;
	if (((ip ^ net->gw) & net->mask) == 0)
		return !(bpf_ntohl(~net->mask) > 1 && (ip & ~net->mask) == 0);
	s = bpf_map_lookup_elem(&subnet_info_map, &k);
	if (!s || s->net_id != net_id || ip == s->gw)
		return false;
	return !(bpf_ntohl(~s->mask) > 1 && ((ip & ~s->mask) == 0 || (ip | s->mask) == 0xffffffff));
}

/* Bind ip to (port ifindex, mac) as learned, if the port is under its
 * limit (learn_cfg, set by vnetd; none: 0) and no port holds ip. */
static __always_inline enum vnet_drop learn_bind(__u32 net_id, __u32 ip, const __u8 *mac,
						  __u32 ifindex, enum vnet_drop taken)
{
	struct vnet_bind_key bk = { .net_id = net_id, .ip = ip };
	struct vnet_bind b = { .ifindex = ifindex };
	struct vnet_learn_cfg *cfg = bpf_map_lookup_elem(&learn_cfg, &ifindex);
	__u32 zero = 0, *made;

	if (!cfg)
		return VNET_DROP_LEARN_LIMIT;
	made = bpf_map_lookup_elem(&learn_made, &ifindex);
	if (!made) {
		bpf_map_update_elem(&learn_made, &ifindex, &zero, BPF_NOEXIST);
		made = bpf_map_lookup_elem(&learn_made, &ifindex);
		if (!made)
			return VNET_DROP_LEARN_LIMIT;
	}
	/* signed, as quota_take: exact to within CPUs learning for one port
	 * at the same instant */
	if ((__s32)(*made - cfg->gone) >= (__s32)cfg->limit)
		return VNET_DROP_LEARN_LIMIT;
	__sync_fetch_and_add(made, 1);
	__builtin_memcpy(b.mac, mac, 6);
	b.learned = learn_stamp();
	if (bpf_map_update_elem(&bind_map, &bk, &b, BPF_NOEXIST)) {
		__sync_fetch_and_add(made, -1);
		return taken;	/* another port's since the lookup */
	}
	return VNET_DROP_NONE;
}

/* Is ip, sent by this frame, the port's? Bound to it and to the frame's
 * MAC (the port_state summary of its one lease, else bind_map): a declared address without a MAC (port-add --ip) takes the first
 * one it is used with; a learned one is kept alive. Under learn, an
 * unbound learnable address from ARP (learn) is bound now. VNET_DROP_NONE
 * or reason. */
static __always_inline enum vnet_drop bind_check(__u32 ip, const __u8 *smac, __u32 ifindex,
						  const struct vnet_port *port,
						  const struct vnet_net *net, bool learn,
						  enum vnet_drop reason)
{
	const struct vnet_bind_sum *sum = &ps_of(port)->bind;
	struct vnet_bind_key bk = { .net_id = port->net_id, .ip = ip };
	struct vnet_bind *b;
	__u16 now;

	/* the port's one lease, from its port_state (ip is never 0 here) */
	if (ip == sum->ip && mac_eq(sum->mac, smac))
		return VNET_DROP_NONE;
	b = bpf_map_lookup_elem(&bind_map, &bk);
	if (!b) {
		if (learn && (port->flags & VNET_PORT_FILTER_LEARN) && learnable(ip, net, port->net_id))
			return learn_bind(port->net_id, ip, smac, ifindex, reason);
		return reason;
	}
	if (b->ifindex != ifindex)
		return reason;
	if (!mac_eq(b->mac, smac)) {
		if (!mac_is_zero(b->mac))
			return reason;
		__builtin_memcpy(b->mac, smac, 6);
	}
	if (b->learned) {
		now = learn_stamp();
		if (b->learned != now)
			b->learned = now;
	}
	return VNET_DROP_NONE;
}

#endif
