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
 * uplink holds gets none (ctr 0) and is counted in port_stats as before.
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

int dp_uplink_slot_sync(struct datapath *dp, __u32 ifindex)
{
	int ufd = DP_MAP_FD(dp, uplink_map);
	__u32 slot = VNET_UPLINK_SLOT(ifindex);
	struct vnet_uplink_slot us = { 0 };
	struct vnet_uplink up, holder;
	__u8 ctr;

	if (!ifindex)
		return -EINVAL;
	bpf_map_lookup_elem(DP_MAP_FD(dp, uplink_slot), &slot, &us);
	if (bpf_map_lookup_elem(ufd, &ifindex, &up)) {	/* gone */
		if (us.ifindex == ifindex)
			slot_release(dp, slot);
		return 0;
	}
	if (us.ifindex && us.ifindex != ifindex &&
	    bpf_map_lookup_elem(ufd, &us.ifindex, &holder) == 0) {
		ctr = 0;	/* a live uplink's slot: port_stats, as before */
	} else {
		if (us.ifindex != ifindex)
			slot_zero(dp, slot);	/* free or stale: its counts are not ours */
		ctr = (__u8)(slot + 1);
	}
	if (up.ctr != ctr) {
		up.ctr = ctr;
		if (bpf_map_update_elem(ufd, &ifindex, &up, BPF_EXIST))
			return -errno;
	}
	if (!ctr)
		return 0;
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
