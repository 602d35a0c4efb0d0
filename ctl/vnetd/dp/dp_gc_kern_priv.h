/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conntrack GC's judge in the kernel (bpf/vnet_gc.bpf.c; issue 21.2):
 * one pass over ct_map by the GC's rules (vnet_ct_rules.h) that deletes
 * expired flows and orphans itself and hands back counts. dp_gc.c runs it
 * once a cycle, and for purges (a network or ports gone); the table is
 * read by vnetd only where the kernel judge cannot load and for
 * evictions (a table or a cap near full). */
#ifndef VNET_DP_GC_KERN_PRIV_H
#define VNET_DP_GC_KERN_PRIV_H

#include <stddef.h>

#include "vnet_shared.h"

struct datapath;
struct dp_gc_kern;

/* cap keys with a count each, sorted by dp_quota_key_cmp */
struct dp_gc_kern_keys {
	struct vnet_quota_key *keys;
	__u32 *counts;
	size_t n;
};

struct dp_gc_kern_result {
	long long count;	/* the table's entries after the pass */
	unsigned long long lookups;	/* partners read */
	const unsigned long long *kept;	/* entries left, by network [VNET_MAX_NETS] */
	const unsigned long long *expired;	/* flows removed, by network */
	const unsigned long long *purged;	/* a purge's entries removed, by network */
	/* flows removed / kept by cap key; *_ok: complete */
	const struct dp_gc_kern_keys *gone, *live;
	int gone_ok, live_ok;
};

/* NULL: the program does not load on this kernel (logged). */
struct dp_gc_kern *dp_gc_kern_open(struct datapath *dp);
void dp_gc_kern_free(struct dp_gc_kern *k);
/* The table's entries (the kernel's count of the map: a run that judges
 * nothing), < 0: -errno. */
long long dp_gc_kern_count(struct dp_gc_kern *k);
/* Judge the whole table at time now (timeouts divided by div): 0, or
 * -errno if the run failed (res is filled either way; the pointers stay
 * valid until the next call). */
int dp_gc_kern_pass(struct dp_gc_kern *k, unsigned long long now, unsigned div,
		    struct dp_gc_kern_result *res);
/* Remove every flow of network net_id (0: none) and every flow whose IN
 * entry delivers to one of ports[n] (n <= the host's port limit), both
 * entries of each, in one pass: 0 or -errno; res as dp_gc_kern_pass's
 * (purged: entries removed by network; gone: the removed flows' cap
 * keys; kept, expired, live: none). */
int dp_gc_kern_purge(struct dp_gc_kern *k, __u32 net_id, const __u32 *ports, size_t n,
		     struct dp_gc_kern_result *res);

#endif
