// SPDX-License-Identifier: GPL-2.0-or-later
/* uplink_slot and uplink_ctr (issue 21, vnet_shared.h): the uplink path's
 * one value and its counters, in arrays by VNET_UPLINK_SLOT(ifindex), so
 * the uplink programs find both without a hash lookup. uplink_map stays
 * the truth: its writers call dp_uplink_slot_sync, which gives the uplink
 * its slot (free, stale or its own already), records it in the entry
 * (vnet_uplink.ctr, copied into the ports' port_state) and copies the
 * entry into the slot; an uplink gone from uplink_map frees its slot. A
 * slot's counters are zeroed whenever another uplink takes it, so a
 * removed and re-added uplink starts from 0. An uplink whose slot a live
 * uplink holds takes another free one: the programs find it through
 * uplink_map (a hash lookup), its counters by ctr all the same.
 * dp_open runs dp_uplink_slot_sync_all before the programs are attached: an
 * upgrade from a build without these maps needs nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_priv.h"
#include "vnet.skel.h"

static void slot_zero(struct datapath *dp, __u32 slot)
{
	void *v = calloc((size_t)dp->ncpu, sizeof(struct vnet_stats));

	if (!v)
		return;
	bpf_map_update_elem(DP_MAP_FD(dp, uplink_ctr), &slot, v, BPF_ANY);
	free(v);
}

/* Free slot (its copy first, so no program counts on, then its counts). */
static void slot_release(struct datapath *dp, __u32 slot)
{
	struct vnet_uplink_slot none = { 0 };

	bpf_map_update_elem(DP_MAP_FD(dp, uplink_slot), &slot, &none, BPF_ANY);
	slot_zero(dp, slot);
}

/* Is slot free for ifindex: its own, free, or held by an uplink gone? */
static int slot_free_for(struct datapath *dp, __u32 slot, __u32 ifindex)
{
	struct vnet_uplink_slot us = { 0 };
	struct vnet_uplink up;

	bpf_map_lookup_elem(DP_MAP_FD(dp, uplink_slot), &slot, &us);
	return !us.ifindex || us.ifindex == ifindex ||
	       bpf_map_lookup_elem(DP_MAP_FD(dp, uplink_map), &us.ifindex, &up);
}

static int slot_owner(struct datapath *dp, __u32 slot)
{
	struct vnet_uplink_slot us = { 0 };

	bpf_map_lookup_elem(DP_MAP_FD(dp, uplink_slot), &slot, &us);
	return (int)us.ifindex;
}

/* The slot ifindex keeps or takes: the one it holds, else its own
 * (VNET_UPLINK_SLOT), else the first free one; -1: none (never: 64
 * uplinks at most). */
static int slot_choose(struct datapath *dp, __u32 ifindex, __u8 ctr)
{
	if (ctr && ctr <= VNET_UPLINK_SLOTS && slot_owner(dp, ctr - 1u) == (int)ifindex)
		return ctr - 1;
	if (slot_free_for(dp, VNET_UPLINK_SLOT(ifindex), ifindex))
		return (int)VNET_UPLINK_SLOT(ifindex);
	for (__u32 i = 0; i < VNET_UPLINK_SLOTS; i++)
		if (slot_free_for(dp, i, ifindex))
			return (int)i;
	return -1;
}

int dp_uplink_slot_sync(struct datapath *dp, __u32 ifindex)
{
	int ufd = DP_MAP_FD(dp, uplink_map), slot;
	struct vnet_uplink_slot us;
	struct vnet_uplink up;

	if (!ifindex)
		return -EINVAL;
	if (bpf_map_lookup_elem(ufd, &ifindex, &up)) {	/* gone: its slot too */
		for (__u32 i = 0; i < VNET_UPLINK_SLOTS; i++)
			if (slot_owner(dp, i) == (int)ifindex)
				slot_release(dp, i);
		return 0;
	}
	slot = slot_choose(dp, ifindex, up.ctr);
	if (slot < 0)
		return -ENOSPC;
	if (slot_owner(dp, (__u32)slot) != (int)ifindex)
		slot_zero(dp, (__u32)slot);	/* free or stale: its counts are not ours */
	if (up.ctr != slot + 1) {
		up.ctr = (__u8)(slot + 1);
		if (bpf_map_update_elem(ufd, &ifindex, &up, BPF_EXIST))
			return -errno;
	}
	us.ifindex = ifindex;
	us.up = up;
	return bpf_map_update_elem(DP_MAP_FD(dp, uplink_slot), &slot, &us, BPF_ANY) ? -errno : 0;
}

void dp_uplink_slot_sync_all(struct datapath *dp)
{
	int sfd = DP_MAP_FD(dp, uplink_slot), ufd = DP_MAP_FD(dp, uplink_map);
	__u32 key, next, *prev = NULL;
	struct vnet_uplink_slot us;
	struct vnet_uplink up;

	/* slots of uplinks that are gone (removed while vnetd was down) */
	for (__u32 slot = 0; slot < VNET_UPLINK_SLOTS; slot++)
		if (bpf_map_lookup_elem(sfd, &slot, &us) == 0 && us.ifindex &&
		    bpf_map_lookup_elem(ufd, &us.ifindex, &up))
			slot_release(dp, slot);
	while (bpf_map_get_next_key(ufd, prev, &next) == 0) {
		key = next;
		prev = &key;
		dp_uplink_slot_sync(dp, key);
	}
}
