// SPDX-License-Identifier: GPL-2.0-or-later
/* The conntrack GC's judge in the kernel (issue 21.2; ctl/vnetd/dp/dp_gc.c
 * runs it with BPF_PROG_RUN): one pass over ct_map (vnetd gives it the
 * pinned map's fd) with bpf_for_each_map_elem, every entry judged by the
 * GC's rules (vnet_ct_rules.h), its partner read where they say, expired
 * flows and orphans deleted here. vnetd gets counts only: entries kept and
 * flows removed by network, flows removed and kept by cap key. Nothing of
 * the table is copied out and no partner is looked up by a syscall.
 *
 * Why not a bpf_iter over the map (a cursor kept between ticks): the
 * kernels this was built on refuse iter/bpf_map_elem programs (EPERM), and
 * a walk without a cursor cannot be cut in slices cheaply, so vnetd runs
 * it once a cycle (every few ticks, docs/datapath.md "GC cost"). Deleting
 * the current element is safe: the hash walk of bpf_for_each_map_elem has
 * read the next one first. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "vnet_shared.h"
#include "vnet_ct_rules.h"

char LICENSE[] SEC("license") = "GPL";

extern __s64 bpf_map_sum_elem_count(const struct bpf_map *map) __ksym;

/* vnetd's ct_map (bpf_map__reuse_fd before load) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct vnet_ct_key);
	__type(value, struct vnet_ct);
} ct_map SEC(".maps");

/* flows removed (gc_gone) and kept (gc_live) by cap key in one pass:
 * written here, read and emptied by vnetd after it (not preallocated:
 * they hold a pass's keys only, memory in use between passes none) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, VNET_MAX_QUOTA);
	__type(key, struct vnet_quota_key);
	__type(value, __u32);
} gc_gone SEC(".maps"), gc_live SEC(".maps");

/* a purge's ports (GC_PURGE): a flow whose IN entry delivers to one of
 * them goes; filled and emptied by vnetd around the run, sized by it to
 * the host's port limit (dp_port_limit) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u8);
} gc_purge_ports SEC(".maps");

enum { GC_COUNT, GC_JUDGE, GC_PURGE };

/* set by vnetd before a run */
__u64 gc_now;		/* CLOCK_MONOTONIC ns, as bpf_ktime_get_ns */
__u32 gc_div;		/* timeouts divided by this (tests) */
__u32 gc_walk;		/* GC_JUDGE, GC_PURGE; GC_COUNT: count the entries only */
__u32 gc_purge_net;	/* GC_PURGE: a network whose every flow goes (0: none) */
/* a run's results, reset by vnetd */
__s64 gc_count;		/* the table's entries after the run */
__u64 gc_lookups;	/* partners read */
__u32 gc_overflow;	/* a cap's count was not kept (no reconcile) */
__u64 gc_kept[VNET_MAX_NETS];	/* entries left, by network */
__u64 gc_expired[VNET_MAX_NETS];	/* flows removed, by network */
__u64 gc_purged[VNET_MAX_NETS];	/* GC_PURGE: entries removed, by network */

static __always_inline void count_key(void *map, const struct vnet_quota_key *qk, int none)
{
	__u32 one = 1, *c;

	if (none)
		return;
	c = bpf_map_lookup_elem(map, qk);
	if (c)
		(*c)++;
	else if (bpf_map_update_elem(map, qk, &one, BPF_NOEXIST))
		gc_overflow = 1;
}

static long judge(void *map, struct vnet_ct_key *key, struct vnet_ct *ct, void *unused)
{
	__u32 net = ct->net_id < VNET_MAX_NETS ? ct->net_id : 0;
	__u64 idle = gc_now > ct->seen_ns ? gc_now - ct->seen_ns : 0;
	int read = vnet_ct_needs_peer(ct, idle, gc_div), v, noq;
	struct vnet_ct *peer = NULL;
	struct vnet_quota_key qk;
	struct vnet_ct_key pk;

	if (read) {
		pk = ct->peer;
		gc_lookups++;
		peer = bpf_map_lookup_elem(&ct_map, &pk);
	}
	v = vnet_ct_judge(ct, peer, gc_now, read, gc_div);
	if (v == VNET_CT_KEEP) {
		gc_kept[net]++;
		return 0;
	}
	/* read before a delete: a deleted element may be reused at once */
	noq = vnet_ct_quota_key(key, ct, &qk);
	if (v == VNET_CT_LIVE) {
		if (peer && ct->peer.proto == VNET_CT_PROTO_UDP && (peer->seen & VNET_CT_SEEN) &&
		    !(ct->flags & VNET_CTF_GC_ANSWERED))
			ct->flags |= VNET_CTF_GC_ANSWERED;
		count_key(&gc_live, &qk, noq);
		gc_kept[net]++;
		return 0;
	}
	pk = ct->peer;
	if (bpf_map_delete_elem(map, key))
		return 0;	/* gone meanwhile (a purge) */
	if (v == VNET_CT_EXPIRED)
		bpf_map_delete_elem(map, &pk);
	gc_expired[net]++;
	count_key(&gc_gone, &qk, noq);
	return 0;
}

static __always_inline int purge_hit(const struct vnet_ct *ct)
{
	if (gc_purge_net && ct->net_id == gc_purge_net)
		return 1;
	return ct->dir == VNET_CT_IN && bpf_map_lookup_elem(&gc_purge_ports, &ct->ifindex);
}

/* A purge (a network gone, ports gone): a flow goes, both its entries,
 * when either entry is selected, as vnetd's purge (dp_ct_purge) does; its
 * count against a cap goes with it (the initiator's key). An entry not
 * selected is passed without reading its partner: if that one is
 * selected, the flow goes when the walk reaches it (ahead), or went with
 * it already (behind). So only the chosen flows cost a lookup. */
static long purge(void *map, struct vnet_ct_key *key, struct vnet_ct *ct, void *unused)
{
	__u32 net = ct->net_id < VNET_MAX_NETS ? ct->net_id : 0, pnet;
	struct vnet_ct_key pk = ct->peer;
	struct vnet_quota_key qk;
	struct vnet_ct *peer;
	int noq;

	if (!purge_hit(ct))
		return 0;
	gc_lookups++;
	peer = bpf_map_lookup_elem(&ct_map, &pk);
	/* read before a delete: a deleted element may be reused at once */
	noq = ct->initiator || !peer ? vnet_ct_quota_key(key, ct, &qk)
				      : vnet_ct_quota_key(&pk, peer, &qk);
	pnet = peer && peer->net_id < VNET_MAX_NETS ? peer->net_id : 0;
	if (bpf_map_delete_elem(map, key))
		return 0;	/* gone meanwhile */
	gc_purged[net]++;
	if (peer && !bpf_map_delete_elem(map, &pk))
		gc_purged[pnet]++;
	count_key(&gc_gone, &qk, noq);
	return 0;
}

SEC("syscall")
int vnet_gc(void *ctx)
{
	if (gc_walk == GC_JUDGE)
		bpf_for_each_map_elem(&ct_map, judge, NULL, 0);
	else if (gc_walk == GC_PURGE)
		bpf_for_each_map_elem(&ct_map, purge, NULL, 0);
	gc_count = bpf_map_sum_elem_count((struct bpf_map *)&ct_map);
	return 0;
}
