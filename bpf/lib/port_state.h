/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A port's state by its ifindex with array lookups only (issue 21): the
 * slot hint of port_ifslot, then the slot's copy in port_state_slot if it
 * names the port; else (an ifindex past the hint array, no hint, a stale
 * one) the slot from port_state, a hash lookup, and its copy. The result
 * is always a port_state_slot value, so the verifier follows one map. */
#ifndef VNET_BPF_PORT_STATE_H
#define VNET_BPF_PORT_STATE_H

#include "maps.h"

static __always_inline struct vnet_port_state *port_state_of(__u32 ifindex)
{
	struct vnet_port_state *ps;
	__u32 *hint = bpf_map_lookup_elem(&port_ifslot, &ifindex);
	__u32 slot;

	if (hint && *hint) {
		slot = *hint - 1;
		ps = bpf_map_lookup_elem(&port_state_slot, &slot);
		if (ps && ps->ifindex == ifindex)
			return ps;
	}
	ps = bpf_map_lookup_elem(&port_state, &ifindex);
	if (!ps)
		return NULL;
	slot = ps->slot;
	ps = bpf_map_lookup_elem(&port_state_slot, &slot);
	return ps && ps->ifindex == ifindex ? ps : NULL;
}

#endif
