/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The learned forwarding table: (net_id, mac) -> port ifindex. */
#ifndef VNET_BPF_FDB_H
#define VNET_BPF_FDB_H

#include "maps.h"

/* Learn (net, mac) -> ifindex and its slot. A source seen on its known
 * port is the common case: then nothing is written and no clock is read
 * (the LRU map marks the entry used on lookup). seen_ns is set when an
 * entry is (re)learned only. */
static __always_inline void fdb_learn(__u32 net_id, const __u8 *mac, __u32 ifindex, __u32 slot)
{
	struct vnet_fdb_key k = { .net_id = net_id };
	struct vnet_fdb v = { .ifindex = ifindex, .slot1 = slot + 1 };
	struct vnet_fdb *f;

	__builtin_memcpy(k.mac, mac, 6);
	f = bpf_map_lookup_elem(&fdb_map, &k);
	if (f && f->ifindex == ifindex && f->slot1 == slot + 1)
		return;
	v.seen_ns = bpf_ktime_get_coarse_ns();
	bpf_map_update_elem(&fdb_map, &k, &v, BPF_ANY);
}

/* Does a frame from this port need learning? A locked port has one MAC,
 * the frame's (checked before): learning it about once a second keeps its
 * entry (seeded by dp_port_add; an LRU could evict it) at a fraction of a
 * lookup per frame (tests/tools/dp_cost). Other ports (and a locked one
 * under filter mode off, which may send other MACs) learn every frame.
 * The clock is jiffies >> 8 (1.02 s at HZ=250, 0.26 s at 1000, 2.56 s at
 * 100): the verifier inlines bpf_jiffies64 into one load, where
 * bpf_ktime_get_coarse_ns was three kernel calls a frame (~5 ns of a live
 * frame's ~380, docs/performance.md "The guest->guest live gap"). */
static __always_inline bool fdb_due(struct vnet_port *port)
{
	__u16 now;

	if (!port->mac_locked || (port->flags & (VNET_PORT_MULTI_MAC | VNET_PORT_FILTER_OFF)))
		return true;
	now = bpf_jiffies64() >> 8;
	if (port->learn_s == now)
		return false;
	port->learn_s = now;
	return true;
}

/* Is mac bound to a port other than ifindex (mac_owner_map)? Such a frame
 * must not teach the fdb or the kernel bridge where the MAC lives. */
static __always_inline bool mac_owned_elsewhere(__u32 net_id, const __u8 *mac, __u32 ifindex)
{
	struct vnet_fdb_key k = { .net_id = net_id };
	struct vnet_mac_owner *o;

	__builtin_memcpy(k.mac, mac, 6);
	o = bpf_map_lookup_elem(&mac_owner_map, &k);
	return o && o->ifindex != ifindex;
}

/* A BOOTREQUEST for mac came in on ifindex: note the port for vnetd
 * (dhcp_seen_map). While an exchange for mac is going on on another
 * port of the network (a request less than VNET_DHCP_CLAIM_NS ago), the
 * MAC is that port's: first come keeps it (VNET_DROP_MAC_OWNED). */
static __always_inline enum vnet_drop dhcp_seen_note(__u32 net_id, const __u8 *mac, __u32 ifindex)
{
	struct vnet_fdb_key k = { .net_id = net_id };
	struct vnet_dhcp_seen v = { .ifindex = ifindex }, *s;
	__u64 now = bpf_ktime_get_coarse_ns();
	struct vnet_port *other;
	__u32 was;

	__builtin_memcpy(k.mac, mac, 6);
	s = bpf_map_lookup_elem(&dhcp_seen_map, &k);
	if (s && s->ifindex == ifindex) {
		s->seen_ns = now;
		return VNET_DROP_NONE;
	}
	if (s && now - s->seen_ns < VNET_DHCP_CLAIM_NS) {
		was = s->ifindex;
		other = bpf_map_lookup_elem(&port_map, &was);
		if (other && other->net_id == net_id)
			return VNET_DROP_MAC_OWNED;
	}
	v.seen_ns = now;
	bpf_map_update_elem(&dhcp_seen_map, &k, &v, BPF_ANY);
	return VNET_DROP_NONE;
}

static __always_inline struct vnet_fdb *fdb_find(__u32 net_id, const __u8 *mac)
{
	struct vnet_fdb_key k = { .net_id = net_id };

	__builtin_memcpy(k.mac, mac, 6);
	return bpf_map_lookup_elem(&fdb_map, &k);
}

/* Port ifindex as a target (port_slot): by the slot its fdb entry
 * carries (slot1, an array lookup) when that slot is still the port's,
 * else by its port_state slot (a hash lookup: an entry from before the
 * slot, or seeded before it). NULL: no such port now. */
static __always_inline struct vnet_port_slot *port_slot_of(__u32 ifindex, __u32 slot1)
{
	struct vnet_port_state *ps;
	struct vnet_port_slot *t;
	__u32 slot = slot1 - 1;

	t = bpf_map_lookup_elem(&port_slot, &slot);
	if (t && t->ifindex == ifindex)
		return t;
	ps = bpf_map_lookup_elem(&port_state, &ifindex);
	if (!ps)
		return NULL;
	slot = ps->slot;
	t = bpf_map_lookup_elem(&port_slot, &slot);
	return t && t->ifindex == ifindex ? t : NULL;
}

#endif
