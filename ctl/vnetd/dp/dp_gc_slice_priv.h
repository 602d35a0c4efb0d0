/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conntrack GC's walk by slices (issue 21; dp_gc.c drives it): each
 * tick reads one slice of ct_map's buckets, from a cursor kept between
 * ticks, so a big table is covered once every few ticks instead of read
 * whole every second. I/O-free: the map is behind struct gc_ops (the
 * kernel's batch lookup in dp_gc.c, a model of it in tests/unit), the time
 * is passed in.
 *
 * The cursor is the batch token of a hash map, which is the index of the
 * next bucket (kernel/bpf/hashtab.c, since batch operations exist): it
 * names no key, so flows deleted under the walk (by the GC itself, a purge
 * or the programs) never invalidate it, and a table of 2^k buckets
 * (max_entries rounded up) splits into slices of buckets. -ENOENT from a
 * read only ever means the table's end: the cycle wraps to bucket 0. */
#ifndef VNET_DP_GC_SLICE_PRIV_H
#define VNET_DP_GC_SLICE_PRIV_H

#include <stddef.h>

#include "vnet_shared.h"

#define GC_BATCH 4096	/* entries a read returns at most */
/* A cycle covers the table in at most this many ticks (slices), and never
 * in more ticks than the shortest timeout has seconds (VNET_CT_TCP_RST,
 * divided by VNET_CT_TIMEOUT_DIV in tests): a flow is removed at most
 * that many seconds after its timeout. */
#define GC_MAX_SLICES 8
/* What a tick may read before the table is sliced: entries, plus empty
 * buckets at 4 for one (a batch read walks every bucket). A table whose
 * entries and buckets fit is read whole every tick, as before slicing. */
#define GC_TICK_WORK 131072

struct gc_ops {
	void *ctx;
	/* bpf_map_lookup_batch on a hash map: whole buckets from *bucket on,
	 * at most *n entries; *bucket := the next bucket to read. 0: more
	 * follow, -ENOENT: the table's end (*n entries may come with it),
	 * -ENOSPC with *n = 0: bucket *bucket alone holds more than *n. */
	int (*read)(void *ctx, __u32 *bucket, struct vnet_ct_key *keys, struct vnet_ct *vals,
		    __u32 *n);
	int (*lookup)(void *ctx, const struct vnet_ct_key *k, struct vnet_ct *v);	/* 0: found */
	void (*del)(void *ctx, const struct vnet_ct_key *keys, size_t n);
	/* a flow removed (expired, or an entry whose partner is gone) and a
	 * flow kept, by its initiator's entry (gone: also an orphan's) */
	void (*gone)(void *ctx, const struct vnet_ct_key *k, const struct vnet_ct *ct);
	void (*live)(void *ctx, const struct vnet_ct_key *k, const struct vnet_ct *ct);
};

struct gc_walk {
	__u32 nbuckets;	/* the table's buckets: max_entries rounded up to 2^k */
	unsigned slices;	/* this cycle's (gc_slices_for, at its start) */
	unsigned slice;	/* the next slice to read; 0: a new cycle */
	__u32 bucket;	/* the cursor: the next bucket to read */
	long long est;	/* table entries, estimated from the last slice; -1: unknown */
	int reseed;	/* entries[] does not match slices: spread total[] over them */
	/* entries left in each slice at its last visit, by network */
	long long entries[GC_MAX_SLICES][VNET_MAX_NETS];
	/* the last slice read: flows removed by network, entries read, the
	 * partner lookups it took */
	unsigned long long expired[VNET_MAX_NETS];
	size_t read, lookups;
	/* buffers, reused every tick */
	struct vnet_ct_key keys[GC_BATCH], dead[2 * GC_BATCH];
	struct vnet_ct vals[GC_BATCH];
};

/* A flow's timeout in seconds from its initiator's entry a and the other
 * side's b; *weak: it may be evicted when the table fills. */
unsigned dp_ct_timeout(const struct vnet_ct *a, const struct vnet_ct *b, int *weak);
/* The shortest and the longest timeout a flow of protocol proto may have
 * whatever its partner says, in ns, timeouts divided by div: an entry seen
 * more recently than the shortest is not expired, an answer older than
 * the longest has lost its initiator or will with it. */
unsigned long long dp_ct_min_timeout_ns(__u8 proto, unsigned div);
unsigned long long dp_ct_max_timeout_ns(__u8 proto, unsigned div);
/* The slices a cycle over a table of est entries (< 0: unknown, taken as
 * empty) and nbuckets buckets takes, timeouts divided by div. */
unsigned gc_slices_for(long long est, __u32 nbuckets, unsigned div);
void gc_walk_init(struct gc_walk *w, __u32 max_entries);
/* Read and judge the next slice at time now (ns, CLOCK_MONOTONIC as
 * bpf_ktime_get_ns): expired flows and orphans are deleted (ops->del) and
 * reported (ops->gone), kept flows reported (ops->live). 1: the slice
 * ended a cycle (the whole table visited since the last 1), 0: not,
 * < 0: a read failed (-errno; the cursor stays, the slice is read again
 * at the next call). */
int gc_walk_slice(struct gc_walk *w, const struct gc_ops *ops, unsigned long long now,
		  unsigned div);
/* Restart the walk at bucket 0 after a full pass that left total[net]
 * entries (est: their sum). */
void gc_walk_restart(struct gc_walk *w, const long long *total, long long est);
/* The entries by network as of each slice's last visit (total, into
 * net[VNET_MAX_NETS]). */
long long gc_walk_entries(const struct gc_walk *w, long long *net);

#endif
