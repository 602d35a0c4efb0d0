// SPDX-License-Identifier: GPL-2.0-or-later
/* port_state (issue 21, vnet_shared.h): one value per port holding what
 * the port path reads per packet -- copies of the port's port_map entry,
 * its network's net_map entry, that network's uplink_map entry and the
 * port's acl_port_map entry -- and the port's slot in port_ctr, its
 * per-CPU counters. The maps it copies stay the truth: whoever writes one
 * of them calls dp_port_state_sync (one port) or dp_port_state_sync_all,
 * and dp_open refills every entry from them before the programs are
 * (re)attached, so an upgrade from a build without port_state needs
 * nothing. Slots are vnetd's: kept in the entries across restarts, a
 * freed slot's counters zeroed before it is handed out again. The summary
 * of a port's one lease (bind) is kept by bind_map's writers and rebuilt
 * from bind_map at start. The summary of its IPv6 bindings (bind6_sum, by
 * slot) is the port program's: zeroed here when a slot is handed out or
 * freed, when the port changes network, when its network goes, at start.
 * Each entry is copied by slot into port_state_slot, which the programs
 * read (and write learn_s and the MAC lock in) through port_ifslot's hint
 * (state_put, state_copy; vnet_shared.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_priv.h"
#include "vnet.skel.h"

static size_t nslots(const struct datapath *dp)
{
	return bpf_map__max_entries(dp->skel->maps.port_ctr);
}

/* Zero slot's IPv6 summary on every CPU (bind6_sum): the port program
 * fills it again from bind6_map. */
static void bind6_sum_zero(struct datapath *dp, __u32 slot)
{
	void *v = calloc((size_t)dp->ncpu, sizeof(struct vnet_bind6_sum));

	if (!v)
		return;
	bpf_map_update_elem(DP_MAP_FD(dp, bind6_sum), &slot, v, BPF_ANY);
	free(v);
}

/* Zero slot's counters and IPv6 summary on every CPU. */
static void slot_zero(struct datapath *dp, __u32 slot)
{
	void *v = calloc((size_t)dp->ncpu, sizeof(struct vnet_stats));

	bind6_sum_zero(dp, slot);
	if (!v)
		return;
	bpf_map_update_elem(DP_MAP_FD(dp, port_ctr), &slot, v, BPF_ANY);
	free(v);
}

static int slot_alloc(struct datapath *dp, __u32 *slot)
{
	for (size_t i = 0; i < dp->ps_nslots; i++) {
		if (dp->ps_used[i])
			continue;
		slot_zero(dp, (__u32)i);
		dp->ps_used[i] = 1;
		*slot = (__u32)i;
		return 0;
	}
	return -ENOSPC;
}

static void slot_free(struct datapath *dp, __u32 slot)
{
	if (slot < dp->ps_nslots && dp->ps_used[slot]) {
		dp->ps_used[slot] = 0;
		slot_zero(dp, slot);
	}
}

/* port_state_slot and port_ifslot (vnet_shared.h): slot's copy of ps
 * naming ifindex, then ifindex's hint to it; ps NULL: the hint cleared if
 * it is to slot, then the copy. */
static void state_copy(struct datapath *dp, __u32 slot, __u32 ifindex,
		       const struct vnet_port_state *ps)
{
	struct vnet_port_state c = { 0 };
	__u32 hint = 0;

	if (!ps) {
		if (ifindex < VNET_PORT_IFSLOTS &&
		    bpf_map_lookup_elem(DP_MAP_FD(dp, port_ifslot), &ifindex, &hint) == 0 &&
		    hint == slot + 1) {
			hint = 0;
			bpf_map_update_elem(DP_MAP_FD(dp, port_ifslot), &ifindex, &hint, BPF_ANY);
		}
		bpf_map_update_elem(DP_MAP_FD(dp, port_state_slot), &slot, &c, BPF_ANY);
		return;
	}
	c = *ps;
	c.ifindex = ifindex;
	if (bpf_map_update_elem(DP_MAP_FD(dp, port_state_slot), &slot, &c, BPF_ANY) == 0 &&
	    ifindex < VNET_PORT_IFSLOTS) {
		hint = slot + 1;
		bpf_map_update_elem(DP_MAP_FD(dp, port_ifslot), &ifindex, &hint, BPF_ANY);
	}
}

/* The port's entry as the programs see it: port_state's, or its slot's
 * copy if that names it (the programs' writes, learn_s and the MAC lock,
 * are there). 0: it has one. */
static int state_get(struct datapath *dp, __u32 ifindex, struct vnet_port_state *ps)
{
	struct vnet_port_state c;

	if (bpf_map_lookup_elem(DP_MAP_FD(dp, port_state), &ifindex, ps))
		return -1;
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, port_state_slot), &ps->slot, &c) == 0 &&
	    c.ifindex == ifindex)
		*ps = c;
	return 0;
}

/* Write ifindex's port_state entry, then its slot's copy. */
static int state_put(struct datapath *dp, __u32 ifindex, struct vnet_port_state *ps, __u64 flags)
{
	ps->ifindex = ifindex;
	if (bpf_map_update_elem(DP_MAP_FD(dp, port_state), &ifindex, ps, flags))
		return -errno;
	state_copy(dp, ps->slot, ifindex, ps);
	return 0;
}

/* port_slot (vnet_shared.h): slot's entry names ps's port, or (ps NULL)
 * no port. */
static void slot_map(struct datapath *dp, __u32 slot, __u32 ifindex,
		     const struct vnet_port_state *ps)
{
	struct vnet_port_slot t = { 0 };

	if (ps) {
		t.ifindex = ifindex;
		t.net_id = ps->port.net_id;
		t.slot = slot;
		t.kind = ps->port.kind;
		t.hook = ps->port.hook;
		t.flags = ps->port.flags;
		t.acl = ps->acl;
	}
	bpf_map_update_elem(DP_MAP_FD(dp, port_slot), &slot, &t, BPF_ANY);
}

/* Clear slot's entry if it names ifindex (before its port_state entry
 * goes: a frame then finds neither). */
static void slot_unmap(struct datapath *dp, __u32 slot, __u32 ifindex)
{
	struct vnet_port_state c;
	struct vnet_port_slot t;

	if (bpf_map_lookup_elem(DP_MAP_FD(dp, port_state_slot), &slot, &c) == 0 &&
	    c.ifindex == ifindex)
		state_copy(dp, slot, ifindex, NULL);
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, port_slot), &slot, &t) == 0 && t.ifindex == ifindex)
		slot_map(dp, slot, 0, NULL);
}

int dp_port_state_sync(struct datapath *dp, __u32 ifindex)
{
	int sfd = DP_MAP_FD(dp, port_state);
	struct vnet_port_state ps = { 0 }, old;
	struct vnet_acl_port ap;
	struct vnet_uplink up;
	int had = state_get(dp, ifindex, &old) == 0;
	__u32 uk;
	int r;

	if (!dp->ps_used)
		return -EINVAL;
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, port_map), &ifindex, &ps.port)) {
		if (had) {	/* the port is gone: so are its entry and counters */
			slot_unmap(dp, old.slot, ifindex);
			bpf_map_delete_elem(sfd, &ifindex);
			slot_free(dp, old.slot);
		}
		return 0;
	}
	if (had && old.slot < dp->ps_nslots && dp->ps_used[old.slot]) {
		ps.slot = old.slot;
		ps.port.learn_s = old.port.learn_s;	/* the programs' */
		if (old.port.net_id == ps.port.net_id)	/* a binding is by network */
			ps.bind = old.bind;
		else
			bind6_sum_zero(dp, ps.slot);
	} else if (slot_alloc(dp, &ps.slot)) {
		return -ENOSPC;
	}
	if (ps.port.net_id < VNET_MAX_NETS)
		bpf_map_lookup_elem(DP_MAP_FD(dp, net_map), &ps.port.net_id, &ps.net);
	uk = ps.net.uplink_ifindex;
	if (uk && bpf_map_lookup_elem(DP_MAP_FD(dp, uplink_map), &uk, &up) == 0) {
		ps.up = up;
		ps.flags |= VNET_PS_UPLINK;
	}
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, acl_port_map), &ifindex, &ap) == 0)
		ps.acl = ap;
	if (had && old.slot != ps.slot)
		slot_unmap(dp, old.slot, ifindex);
	r = state_put(dp, ifindex, &ps, BPF_ANY);
	if (r) {
		if (!had)
			slot_free(dp, ps.slot);
		return r;
	}
	slot_map(dp, ps.slot, ifindex, &ps);
	return 0;
}

/* Every port of network net_id (0: every port), and entries of ports
 * that are gone. */
static void sync_matching(struct datapath *dp, __u32 net_id)
{
	int pfd = DP_MAP_FD(dp, port_map), sfd = DP_MAP_FD(dp, port_state);
	__u32 key, next, *prev = NULL;
	struct vnet_port port;
	struct vnet_port_state ps;

	while (bpf_map_get_next_key(pfd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(pfd, &key, &port) == 0 && (!net_id || port.net_id == net_id))
			dp_port_state_sync(dp, key);
	}
	/* entries whose port is gone: deleting while walking restarts the
	 * walk (a deleted key has no next) */
	prev = NULL;
	while (bpf_map_get_next_key(sfd, prev, &next) == 0) {
		key = next;
		if (bpf_map_lookup_elem(pfd, &key, &port) && bpf_map_lookup_elem(sfd, &key, &ps) == 0) {
			slot_unmap(dp, ps.slot, key);
			bpf_map_delete_elem(sfd, &key);
			slot_free(dp, ps.slot);
			prev = NULL;
			continue;
		}
		prev = &key;
	}
}

void dp_port_state_bind_set(struct datapath *dp, __u32 ifindex, __u32 net_id, __u32 ip,
			    const __u8 mac[6])
{
	static const __u8 zero[6];
	struct vnet_port_state ps;

	if (!ip || !memcmp(mac, zero, 6) || state_get(dp, ifindex, &ps) ||
	    ps.port.net_id != net_id)
		return;
	ps.bind.ip = ip;
	memcpy(ps.bind.mac, mac, 6);
	state_put(dp, ifindex, &ps, BPF_EXIST);
}

void dp_port_state_bind_clear(struct datapath *dp, __u32 ifindex, __u32 ip)
{
	struct vnet_port_state ps;

	if (state_get(dp, ifindex, &ps) || !ps.bind.ip || (ip && ps.bind.ip != ip))
		return;
	memset(&ps.bind, 0, sizeof(ps.bind));
	state_put(dp, ifindex, &ps, BPF_EXIST);
}

/* Each port of network net_id (0: every port):
 * fn(dp, its ifindex, its state). */
static void each_port_state(struct datapath *dp, __u32 net_id,
			    void (*fn)(struct datapath *, __u32, const struct vnet_port_state *))
{
	int sfd = DP_MAP_FD(dp, port_state);
	__u32 key, next, *prev = NULL;
	struct vnet_port_state ps;

	while (bpf_map_get_next_key(sfd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(sfd, &key, &ps) == 0 &&
		    (!net_id || ps.port.net_id == net_id))
			fn(dp, key, &ps);
	}
}

static void bind_clear_one(struct datapath *dp, __u32 ifindex, const struct vnet_port_state *ps)
{
	if (ps->bind.ip)
		dp_port_state_bind_clear(dp, ifindex, 0);
}

/* Every summary of network net_id's ports (0: every port's). */
void dp_port_state_bind_clear_net(struct datapath *dp, __u32 net_id)
{
	each_port_state(dp, net_id, bind_clear_one);
}

static void bind6_clear_one(struct datapath *dp, __u32 ifindex, const struct vnet_port_state *ps)
{
	(void)ifindex;
	if (ps->slot < dp->ps_nslots)
		bind6_sum_zero(dp, ps->slot);
}

/* The IPv6 summaries of network net_id's ports (0: every port's): called
 * before and after a network's bind6_map entries are purged (a port
 * program may summarise one between the first call and the purge). */
void dp_port_state_bind6_clear_net(struct datapath *dp, __u32 net_id)
{
	each_port_state(dp, net_id, bind6_clear_one);
}

/* At start: every summary from bind_map as it is (a pinned one may be
 * from before a crash; a binding the programs gave its first MAC since
 * is summarised now). */
static void bind_rebuild(struct datapath *dp)
{
	int bfd = DP_MAP_FD(dp, bind_map);
	struct vnet_bind_key key, next, *prev = NULL;
	struct vnet_bind b;

	dp_port_state_bind_clear_net(dp, 0);
	while (bpf_map_get_next_key(bfd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(bfd, &key, &b) == 0 && !b.learned)
			dp_port_state_bind_set(dp, b.ifindex, key.net_id, key.ip, b.mac);
	}
}

void dp_port_state_sync_net(struct datapath *dp, __u32 net_id)
{
	if (net_id)
		sync_matching(dp, net_id);
}

void dp_port_state_sync_all(struct datapath *dp)
{
	sync_matching(dp, 0);
}

/* At start, after every port's entry is synced: a port_slot entry whose
 * port no longer holds that slot (a pin from before a crash, a slot
 * taken from a bad entry) is cleared. */
static void slot_sweep(struct datapath *dp)
{
	int tfd = DP_MAP_FD(dp, port_slot), sfd = DP_MAP_FD(dp, port_state);
	int cfd = DP_MAP_FD(dp, port_state_slot);
	struct vnet_port_state ps, c;
	struct vnet_port_slot t;

	for (__u32 i = 0; i < bpf_map__max_entries(dp->skel->maps.port_slot); i++) {
		if (bpf_map_lookup_elem(tfd, &i, &t) || !t.ifindex)
			continue;
		if (bpf_map_lookup_elem(sfd, &t.ifindex, &ps) || ps.slot != i)
			slot_map(dp, i, 0, NULL);
	}
	/* the same for port_state_slot's copies; port_ifslot's hints are not
	 * swept (1 MiB): a hint to a copy naming another port is not taken */
	for (__u32 i = 0; i < bpf_map__max_entries(dp->skel->maps.port_state_slot); i++) {
		if (bpf_map_lookup_elem(cfd, &i, &c) || !c.ifindex)
			continue;
		if (bpf_map_lookup_elem(sfd, &c.ifindex, &ps) || ps.slot != i)
			state_copy(dp, i, c.ifindex, NULL);
	}
}

int dp_port_state_open(struct datapath *dp)
{
	int sfd = DP_MAP_FD(dp, port_state);
	__u32 key, next, *prev = NULL, *bad = NULL;
	struct vnet_port_state ps;
	size_t nbad = 0;

	dp->ps_nslots = nslots(dp);
	dp->ps_used = calloc(dp->ps_nslots ? dp->ps_nslots : 1, 1);
	if (!dp->ps_used)
		return -ENOMEM;
	/* the slots of a replaced pin's ports (datapath.c): their counters
	 * in port_ctr stay theirs; the rest of each entry is synced below */
	for (size_t i = 0; i < dp->ps_ncarry; i++) {
		struct vnet_port_state c = { .slot = dp->ps_carry[i].slot };

		bpf_map_update_elem(sfd, &dp->ps_carry[i].ifindex, &c, BPF_NOEXIST);
	}
	free(dp->ps_carry);
	dp->ps_carry = NULL;
	dp->ps_ncarry = 0;
	/* the slots pinned entries hold (a restart keeps their counters); an
	 * entry whose slot is out of range or taken already is dropped (its
	 * port gets a new one below) */
	while (bpf_map_get_next_key(sfd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(sfd, &key, &ps))
			continue;
		if (ps.slot >= dp->ps_nslots || dp->ps_used[ps.slot]) {
			__u32 *k = realloc(bad, (nbad + 1) * sizeof(*bad));

			if (k) {
				bad = k;
				bad[nbad++] = key;
			}
			continue;
		}
		dp->ps_used[ps.slot] = 1;
	}
	for (size_t i = 0; i < nbad; i++)
		bpf_map_delete_elem(sfd, &bad[i]);
	free(bad);
	dp_port_state_sync_all(dp);
	slot_sweep(dp);
	bind_rebuild(dp);
	/* the IPv6 summaries: a cache the port programs refill, which a
	 * build without it (a downgrade) did not keep */
	dp_port_state_bind6_clear_net(dp, 0);
	return 0;
}

/* Add fd's per-CPU struct vnet_stats at key to out; 1: it had one. */
static int add_counters(struct datapath *dp, int fd, __u32 key, __u64 *v, struct vnet_stats *out)
{
	size_t nw = sizeof(*out) / sizeof(__u64);
	__u64 *o = (__u64 *)out;

	if (bpf_map_lookup_elem(fd, &key, v))
		return 0;
	for (int c = 0; c < dp->ncpu; c++)
		for (size_t w = 0; w < nw; w++)
			o[w] += v[c * nw + w];
	return 1;
}

int dp_port_counters(struct datapath *dp, int ifindex, struct vnet_stats *out)
{
	__u64 *v = calloc((size_t)dp->ncpu, sizeof(*out));
	__u32 key = (__u32)ifindex, slot;
	struct vnet_uplink_slot us;
	struct vnet_uplink up;
	struct vnet_port_state ps;
	int found;

	memset(out, 0, sizeof(*out));
	if (!v)
		return -ENOMEM;
	/* port_stats: a bridge's, what an older build counted */
	found = add_counters(dp, DP_MAP_FD(dp, port_stats), key, v, out);
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, port_state), &key, &ps) == 0)
		found |= add_counters(dp, DP_MAP_FD(dp, port_ctr), ps.slot, v, out);
	/* an uplink's slot (dp_uplink_slot.c): the one its entry names, if
	 * it holds it */
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, uplink_map), &key, &up) == 0 && up.ctr &&
	    (slot = up.ctr - 1u) < VNET_UPLINK_SLOTS &&
	    bpf_map_lookup_elem(DP_MAP_FD(dp, uplink_slot), &slot, &us) == 0 && us.ifindex == key)
		found |= add_counters(dp, DP_MAP_FD(dp, uplink_ctr), slot, v, out);
	free(v);
	return found ? 0 : -ENOENT;
}
