// SPDX-License-Identifier: GPL-2.0-or-later
/* Conntrack garbage collection (dp_tick, once a second). A flow expires on
 * its state's timeout; when the table fills, half-open, closed and
 * unanswered flows are evicted first, established ones never. Every
 * removal is accounted to the guest's or forward's flow cap (dp_quota.c).
 *
 * Two ways to go over the table (issue 21):
 *  - by slices (dp_gc_slice.c) when it is more than a tick should read
 *    (GC_TICK_WORK): each tick reads the next slice of its buckets from a
 *    cursor kept between ticks, so the table is covered once every
 *    GC_MAX_SLICES ticks at most and a tick costs an eighth of the table,
 *    with fixed buffers. Fresh flows are judged without their partner.
 *    The slice's density estimates the table's fill, and the caps' counts
 *    (ct_made - ct_gone) say when a guest nears its cap: either past 7/8
 *    makes the same tick read the whole table, as below. The caps are
 *    reconciled with the flows a whole cycle counted.
 *  - whole (gc_full): the table read in batches into a snapshot and each
 *    flow judged with its partner found there (a few syscalls per 4096
 *    entries); evictions need it (least recently seen first over the whole
 *    table). A small table is read whole every tick, as is one past the
 *    eviction mark; the snapshot is freed after each pass. */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_gc_kern_priv.h"
#include "dp_gc_slice_priv.h"
#include "dp_priv.h"
#include "util/util.h"
#include "vnet.skel.h"

/* A pass that leaves more than 7/8 of the table in use evicts weak flows
 * (ct_timeout), least recently seen first, until 3/4 is left: a flood is
 * pushed back within a second and leaves room for new flows. The same
 * for a guest's or a forward's flows and its cap. */
#define GC_HIGH(max) ((max) - (max) / 8)
#define GC_LOW(max) ((max) - (max) / 4)

/* The table's snapshot and an index key -> slot (open addressing). */
struct gc_snap {
	struct vnet_ct_key *keys;
	struct vnet_ct *vals;
	size_t n, cap;
	__u32 *index;	/* slot + 1, 0 = empty */
	size_t mask;
};

/* ct_timeout for a NAT66 pair (ct6_map): the same seen bits and flags. */
unsigned dp_ct6_timeout(const struct vnet_ct6 *a, const struct vnet_ct6 *b, int *weak)
{
	struct vnet_ct x = { .seen = a->seen, .flags = a->flags };
	struct vnet_ct y = { .seen = b->seen, .flags = b->flags };

	x.peer.proto = a->peer.proto;
	return dp_ct_timeout(&x, &y, weak);
}

static size_t key_hash(const struct vnet_ct_key *k)
{
	__u64 h = ((__u64)k->saddr << 32 | k->daddr) * 0x9e3779b97f4a7c15ULL;

	h ^= ((__u64)k->sport << 24 | (__u64)k->dport << 8 | k->proto) * 0xc2b2ae3d27d4eb4fULL;
	return (size_t)(h ^ h >> 29);
}

/* Read the whole table (batch lookups: every kernel this BPF object loads
 * on has them for hash maps). */
static int snap_read(int fd, struct gc_snap *s)
{
	__u32 token = 0, n;
	int r, first = 1;

	for (;;) {
		if (s->n + GC_BATCH > s->cap) {
			size_t cap = s->cap ? s->cap * 2 : GC_BATCH * 4;
			void *k = realloc(s->keys, cap * sizeof(*s->keys));

			if (k)
				s->keys = k;
			void *v = k ? realloc(s->vals, cap * sizeof(*s->vals)) : NULL;

			if (!v)
				return -ENOMEM;
			s->vals = v;
			s->cap = cap;
		}
		n = GC_BATCH;
		r = bpf_map_lookup_batch(fd, first ? NULL : &token, &token, s->keys + s->n,
					 s->vals + s->n, &n, NULL);
		r = r ? -errno : 0;
		first = 0;
		s->n += n;
		if (r)
			return r == -ENOENT ? 0 : r;
	}
}

static int snap_index(struct gc_snap *s)
{
	size_t size = 64;

	while (size < s->n * 2)
		size <<= 1;
	s->index = calloc(size, sizeof(*s->index));
	if (!s->index)
		return -ENOMEM;
	s->mask = size - 1;
	for (size_t i = 0; i < s->n; i++) {
		size_t h = key_hash(&s->keys[i]) & s->mask;

		while (s->index[h])
			h = (h + 1) & s->mask;
		s->index[h] = (__u32)i + 1;
	}
	return 0;
}

static void snap_free(struct gc_snap *s)
{
	free(s->keys);
	free(s->vals);
	free(s->index);
}

/* The partner of an entry: from the snapshot (*in_snap 1), else from the
 * map (a pair inserted while the table was being read). 0 if it exists. */
static int snap_peer(int fd, const struct gc_snap *s, const struct vnet_ct_key *k,
		     struct vnet_ct *out, int *in_snap)
{
	for (size_t h = key_hash(k) & s->mask; s->index[h]; h = (h + 1) & s->mask) {
		const struct vnet_ct_key *c = &s->keys[s->index[h] - 1];

		if (!memcmp(c, k, sizeof(*k))) {
			*out = s->vals[s->index[h] - 1];
			*in_snap = 1;
			return 0;
		}
	}
	*in_snap = 0;
	return bpf_map_lookup_elem(fd, k, out);
}

/* Delete n keys (a batch stops at a key already gone: skip it). */
static void delete_keys(int fd, const struct vnet_ct_key *keys, size_t n)
{
	size_t done = 0;

	while (done < n) {
		__u32 c = n - done;

		if (bpf_map_delete_batch(fd, keys + done, &c, NULL) == 0)
			break;
		done += c + 1;
	}
}

static unsigned net_of(const struct vnet_ct *ct)
{
	return ct->net_id < VNET_MAX_NETS ? ct->net_id : 0;
}

/* A weak flow that may be evicted: its initiator's slot, last packet. */
struct gc_weak {
	size_t i;
	unsigned long long last;
	int peer_in_snap, dead;
};

/* One pass over a snapshot: what to delete and what it changes. */
struct gc_pass {
	struct gc_snap s;
	int fd;
	struct vnet_ct_key *dead;	/* keys to delete */
	size_t n;
	struct gc_weak *weak;
	size_t nweak;
	struct dp_quota_keys gone, live;	/* counted flows removed / kept */
	long long left;	/* entries of the snapshot not deleted */
	unsigned long long expired[VNET_MAX_NETS], evicted[VNET_MAX_NETS];
	long long entries[VNET_MAX_NETS];	/* entries left */
};

/* Remove the flow whose initiator (or orphan) is slot i; peer_in_snap: its
 * partner is in the snapshot too. Counted on the flow's network. */
static void gc_kill(struct gc_pass *g, size_t i, int peer_in_snap, unsigned long long *count)
{
	const struct vnet_ct *ct = &g->s.vals[i];
	unsigned net = net_of(ct);

	count[net]++;	/* flows (pairs), like conntrack_created */
	g->dead[g->n++] = g->s.keys[i];
	g->entries[net]--;
	g->left--;
	if (ct->initiator) {
		g->dead[g->n++] = ct->peer;
		g->entries[net] -= peer_in_snap;
		g->left -= peer_in_snap;
		dp_quota_keys_add(&g->gone, &g->s.keys[i], ct);
	}
}

/* Judge slot i: expired (removed), weak (an eviction candidate), kept. */
static void gc_judge(struct gc_pass *g, size_t i, unsigned long long now, unsigned div)
{
	const struct vnet_ct *ct = &g->s.vals[i];
	unsigned long long last, timeout;
	struct vnet_ct peer;
	int in_snap, weak;

	if (snap_peer(g->fd, &g->s, &ct->peer, &peer, &in_snap)) {
		gc_kill(g, i, 0, g->expired);	/* an orphan */
		return;
	}
	if (!ct->initiator)
		return;	/* judged from the initiator's side */
	last = ct->seen_ns > peer.seen_ns ? ct->seen_ns : peer.seen_ns;
	timeout = dp_ct_timeout(ct, &peer, &weak) / (div ? div : 1);
	timeout = (timeout ? timeout : 1) * 1000000000ULL;
	if (now > last && now - last > timeout)
		gc_kill(g, i, in_snap, g->expired);
	else if (weak)
		g->weak[g->nweak++] = (struct gc_weak){ i, last, in_snap, 0 };
	else
		dp_quota_keys_add(&g->live, &g->s.keys[i], ct);
}

static int by_last(const void *a, const void *b)
{
	const struct gc_weak *x = a, *y = b;

	return x->last < y->last ? -1 : x->last > y->last;
}

static void gc_evict_weak(struct gc_pass *g, size_t k)
{
	g->weak[k].dead = 1;
	gc_kill(g, g->weak[k].i, g->weak[k].peer_in_snap, g->evicted);
}

/* A table past GC_HIGH: evict weak flows, least recently seen first, down
 * to GC_LOW. Then every counted flow left joins g->live. */
static void gc_evict(struct gc_pass *g, long long max)
{
	qsort(g->weak, g->nweak, sizeof(*g->weak), by_last);
	if (g->left > GC_HIGH(max))
		for (size_t k = 0; k < g->nweak && g->left > GC_LOW(max); k++)
			gc_evict_weak(g, k);
	for (size_t k = 0; k < g->nweak; k++)
		if (!g->weak[k].dead)
			dp_quota_keys_add(&g->live, &g->s.keys[g->weak[k].i], &g->s.vals[g->weak[k].i]);
}

/* A guest or forward past 7/8 of its cap: its weak flows, least recently
 * seen first, down to 3/4 of it, so the cap refuses a guest that churns
 * through short connections only while its closed flows are younger than
 * a second, and holds a half-open flood at the cap. keys/counts: every
 * counted flow left, folded; counts are kept up to date. */
static void gc_evict_capped(struct datapath *dp, struct gc_pass *g,
			    const struct vnet_quota_key *keys, __u32 *counts, size_t d)
{
	unsigned caps[3] = { 0 }, cap;
	struct vnet_quota_key qk;
	__u8 *over = calloc(d + 1, 1);
	size_t n = 0, j;

	dp_get_ct_limits(dp, &caps[VNET_QUOTA_GUEST], &caps[VNET_QUOTA_FWD]);
	for (j = 0; over && j < d; j++) {
		cap = keys[j].kind < 3 ? caps[keys[j].kind] : 0;
		over[j] = cap && counts[j] > GC_HIGH(cap);
		n += over[j];
	}
	for (size_t k = 0; n && k < g->nweak; k++) {
		const struct vnet_quota_key *f;

		if (g->weak[k].dead ||
		    dp_quota_key_of(&g->s.keys[g->weak[k].i], &g->s.vals[g->weak[k].i], &qk))
			continue;
		f = bsearch(&qk, keys, d, sizeof(*keys), dp_quota_key_cmp);
		j = f ? (size_t)(f - keys) : 0;
		if (!f || !over[j] || counts[j] <= GC_LOW(caps[qk.kind]))
			continue;
		gc_evict_weak(g, k);
		counts[j]--;
	}
	free(over);
}

/* Publish a pass: expired and evicted flows counted per network, entries
 * for stats (reported from here instead of walking the table per request). */
static void gc_publish(struct datapath *dp, const struct gc_pass *g, int complete)
{
	long long total = 0;

	for (unsigned i = 0; i < VNET_MAX_NETS; i++) {
		if (g->expired[i])
			dp_counter_add(dp, i, VNET_G_CT_EXPIRED, g->expired[i]);
		if (g->evicted[i])
			dp_counter_add(dp, i, VNET_G_CT_EVICTED, g->evicted[i]);
		total += g->entries[i];
	}
	if (!complete)
		return;
	memcpy(dp->ct_net_entries, g->entries, sizeof(g->entries));
	dp->ct_entries = total;
}

static void gc_free(struct gc_pass *g)
{
	snap_free(&g->s);
	free(g->dead);
	free(g->weak);
	free(g->gone.v);
	free(g->live.v);
	free(g);
}

/* Snapshot the table into a new pass; NULL if it cannot be read at all.
 * A failed read leaves a partial snapshot: it is collected anyway
 * (partners missing from it are looked up), *complete says so. */
static struct gc_pass *gc_begin(struct datapath *dp, int *complete)
{
	struct gc_pass *g = calloc(1, sizeof(*g));
	int r;

	if (!g)
		return NULL;
	g->fd = DP_MAP_FD(dp, ct_map);
	r = snap_read(g->fd, &g->s);
	*complete = !r;
	if (r == -ENOMEM || (r && !g->s.n))
		goto fail;
	g->dead = malloc((g->s.n * 2 + 1) * sizeof(*g->dead));
	g->weak = malloc((g->s.n + 1) * sizeof(*g->weak));
	if (!g->dead || !g->weak || snap_index(&g->s))
		goto fail;
	g->left = (long long)g->s.n;
	for (size_t i = 0; i < g->s.n; i++)
		g->entries[net_of(&g->s.vals[i])]++;
	return g;
fail:
	gc_free(g);
	return NULL;
}

/* The sliced GC's state between ticks (dp->gc). */
struct dp_gc {
	struct gc_walk walk;
	struct datapath *dp;
	int fd;
	struct dp_quota_keys gone, live;	/* this slice's counted flows */
	/* the cycle's counted flows left, folded (keys sorted, counts) */
	struct vnet_quota_key *ckeys;
	__u32 *ccounts;
	size_t cn, ccap;
	int dirty;	/* flows removed by another path during the cycle */
	unsigned broken;	/* the walk failed: full passes for this many ticks */
	struct dp_gc_kern *kern;	/* the kernel judge, NULL: not loaded */
	int kern_tried;
	unsigned ktick;	/* ticks since the kernel judge's last pass */
	int calm;	/* its last pass found the table calm (gc_calm) */
	struct vnet_quota_key qkeys[1024];	/* gc_cap_hot's reads */
	__u32 qmade[1024];
};

/* The whole table in one pass: the rules above, evictions included; 0,
 * or -1 if the table could not be read. entries: what it left, by
 * network. */
static int gc_full(struct datapath *dp, unsigned long long now)
{
	int complete;
	struct gc_pass *g = gc_begin(dp, &complete);
	__u32 *counts = NULL;
	size_t d, n;

	if (!g)
		return -1;
	dp->gc_passes++;
	for (size_t i = 0; i < g->s.n; i++)
		gc_judge(g, i, now, dp->ct_timeout_div);
	/* evicting and checking the caps' counts need the whole table */
	if (complete) {
		gc_evict(g, bpf_map__max_entries(dp->skel->maps.ct_map));
		d = dp_quota_fold(&g->live, &counts);
		gc_evict_capped(dp, g, g->live.v, counts, d);
	}
	delete_keys(g->fd, g->dead, g->n);
	dp_quota_gone(dp, &g->gone);
	if (complete && counts)
		dp_quota_reconcile(dp, g->live.v, counts, d);
	gc_publish(dp, g, complete);
	if (complete && dp->gc)
		gc_walk_restart(&dp->gc->walk, g->entries, g->left);
	n = g->s.n;
	free(counts);
	gc_free(g);
	if (n > GC_TICK_WORK)
		malloc_trim(0);	/* the snapshot's pages back to the system */
	return complete ? 0 : -1;
}

static int op_read(void *ctx, __u32 *bucket, struct vnet_ct_key *keys, struct vnet_ct *vals,
		   __u32 *n)
{
	struct dp_gc *s = ctx;
	__u32 in = *bucket, out = in;
	int r = bpf_map_lookup_batch(s->fd, &in, &out, keys, vals, n, NULL) ? -errno : 0;

	if (r == -ENOENT && out == in)
		*n = 0;	/* nothing read: count is not written back */
	if (!r || r == -ENOENT)
		*bucket = out;
	return r;
}

static int op_lookup(void *ctx, const struct vnet_ct_key *k, struct vnet_ct *v)
{
	return bpf_map_lookup_elem(((struct dp_gc *)ctx)->fd, k, v);
}

static void op_del(void *ctx, const struct vnet_ct_key *keys, size_t n)
{
	delete_keys(((struct dp_gc *)ctx)->fd, keys, n);
}

static void op_gone(void *ctx, const struct vnet_ct_key *k, const struct vnet_ct *ct)
{
	dp_quota_keys_add(&((struct dp_gc *)ctx)->gone, k, ct);
}

static void op_live(void *ctx, const struct vnet_ct_key *k, const struct vnet_ct *ct)
{
	dp_quota_keys_add(&((struct dp_gc *)ctx)->live, k, ct);
}

/* Fold a slice's counted flows (keys and counts, d of them) into the
 * cycle's. */
static void cycle_add(struct dp_gc *s, const struct vnet_quota_key *keys, const __u32 *counts,
		      size_t d)
{
	size_t n = s->cn, i = 0, j = 0, o;

	if (n + d > s->ccap) {
		size_t cap = (n + d) * 2;
		void *k = realloc(s->ckeys, cap * sizeof(*s->ckeys)), *c;

		if (k)
			s->ckeys = k;
		c = k ? realloc(s->ccounts, cap * sizeof(*s->ccounts)) : NULL;
		if (!c) {
			s->dirty = 1;	/* no reconcile for this cycle */
			return;
		}
		s->ccounts = c;
		s->ccap = cap;
	}
	/* merge from the back: both sorted, the result in place */
	i = n;
	j = d;
	o = n + d;
	while (j) {
		int c = i ? dp_quota_key_cmp(&s->ckeys[i - 1], &keys[j - 1]) : -1;

		o--;
		if (c > 0) {
			s->ckeys[o] = s->ckeys[i - 1];
			s->ccounts[o] = s->ccounts[--i];
		} else {
			s->ckeys[o] = keys[j - 1];
			s->ccounts[o] = counts[--j];
		}
	}
	s->cn = n + d;
	/* equal keys are neighbours now: sum them */
	for (i = 0, o = 0; i < s->cn; i++) {
		if (o && !dp_quota_key_cmp(&s->ckeys[o - 1], &s->ckeys[i])) {
			s->ccounts[o - 1] += s->ccounts[i];
			continue;
		}
		s->ckeys[o] = s->ckeys[i];
		s->ccounts[o++] = s->ccounts[i];
	}
	s->cn = o;
}

/* A guest or forward counted past 7/8 of its cap (ct_made - ct_gone):
 * its weak flows must go now, which takes a full pass. */
static int gc_cap_hot(struct dp_gc *s)
{
	struct datapath *dp = s->dp;
	int mfd = DP_MAP_FD(dp, ct_made), gfd = DP_MAP_FD(dp, ct_gone);
	unsigned caps[3] = { 0 };
	__u32 token = 0, n, gone;
	int r, first = 1;

	dp_get_ct_limits(dp, &caps[VNET_QUOTA_GUEST], &caps[VNET_QUOTA_FWD]);
	do {
		n = sizeof(s->qmade) / sizeof(s->qmade[0]);
		r = bpf_map_lookup_batch(mfd, first ? NULL : &token, &token, s->qkeys, s->qmade, &n,
					 NULL) ? -errno : 0;
		first = 0;
		if (r && r != -ENOENT)
			return 0;
		for (__u32 i = 0; i < n; i++) {
			unsigned cap = s->qkeys[i].kind < 3 ? caps[s->qkeys[i].kind] : 0;

			if (!cap || s->qmade[i] <= GC_HIGH(cap))
				continue;	/* made bounds what is left */
			if (bpf_map_lookup_elem(gfd, &s->qkeys[i], &gone))
				gone = 0;
			if (s->qmade[i] - gone > GC_HIGH(cap))
				return 1;
		}
	} while (!r);
	return 0;
}

static struct dp_gc *gc_state(struct datapath *dp)
{
	if (!dp->gc) {
		dp->gc = calloc(1, sizeof(*dp->gc));
		if (!dp->gc)
			return NULL;
		gc_walk_init(&dp->gc->walk, bpf_map__max_entries(dp->skel->maps.ct_map));
		dp->gc->dp = dp;
	}
	dp->gc->fd = DP_MAP_FD(dp, ct_map);
	return dp->gc;
}

void dp_gc_free(struct datapath *dp)
{
	if (!dp->gc)
		return;
	free(dp->gc->gone.v);
	free(dp->gc->live.v);
	free(dp->gc->ckeys);
	free(dp->gc->ccounts);
	dp_gc_kern_free(dp->gc->kern);
	free(dp->gc);
	dp->gc = NULL;
}

/* One slice (gc_walk_slice), accounted: counters, caps' counts, and at a
 * cycle's end the caps' reconcile with the flows the cycle kept. */
static int gc_slice(struct datapath *dp, struct dp_gc *s, unsigned long long now)
{
	static const struct gc_ops ops = { .read = op_read, .lookup = op_lookup, .del = op_del,
					   .gone = op_gone, .live = op_live };
	struct gc_ops o = ops;
	__u32 *counts = NULL;
	size_t d;
	int r;

	o.ctx = s;
	if (s->walk.slice == 0) {	/* a new cycle */
		s->cn = 0;
		s->dirty = 0;
	}
	s->gone.n = s->live.n = 0;
	r = gc_walk_slice(&s->walk, &o, now, dp->ct_timeout_div);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < VNET_MAX_NETS; i++)
		if (s->walk.expired[i])
			dp_counter_add(dp, i, VNET_G_CT_EXPIRED, s->walk.expired[i]);
	dp_quota_gone(dp, &s->gone);
	d = dp_quota_fold(&s->live, &counts);
	if (counts)
		cycle_add(s, s->live.v, counts, d);
	else
		s->dirty = 1;
	free(counts);
	if (r == 1 && !s->dirty) {
		/* the ct_made keys that did not move during the whole cycle
		 * were counted exactly: each of their flows once, in its slice */
		dp_quota_reconcile(dp, s->ckeys, s->ccounts, s->cn);
	}
	dp->ct_entries = gc_walk_entries(&s->walk, dp->ct_net_entries);
	return 0;
}

/* The kernel judge, loaded at its first use; NULL: vnetd reads the table
 * (a kernel without it, or dp->gc_user_only). */
static struct dp_gc_kern *gc_kern(struct datapath *dp, struct dp_gc *s)
{
	if (dp->gc_user_only)
		return NULL;
	if (!s->kern_tried) {
		s->kern_tried = 1;
		s->kern = dp_gc_kern_open(dp);
	}
	return s->kern;
}

/* A kernel pass's counts: counters, stats' entries, the caps. */
static void gc_kern_account(struct datapath *dp, const struct dp_gc_kern_result *res)
{
	for (unsigned i = 0; i < VNET_MAX_NETS; i++) {
		if (res->expired[i])
			dp_counter_add(dp, i, VNET_G_CT_EXPIRED, res->expired[i]);
		dp->ct_net_entries[i] = (long long)res->kept[i];
	}
	dp->ct_entries = res->count;
	if (res->gone_ok)
		dp_quota_gone_counts(dp, res->gone->keys, res->gone->counts, res->gone->n);
	/* a count lost (a full count map) waits for the next pass */
	if (res->gone_ok && res->live_ok)
		dp_quota_reconcile(dp, res->live->keys, res->live->counts, res->live->n);
}

/* A pass that expired under 1/64 of the table's flows, in a table under
 * half full: nothing presses. Most of a pass is the walk itself (its 2^k
 * buckets and every entry: ~0.4 s for 1M flows in 4M entries, the GC's
 * whole cost at 1M flows, issue 21), so a calm table is walked half as
 * often, as Linux's conntrack GC stretches its scan while little expires.
 * Fullness and the caps still call a pass at once (below). */
static int gc_calm(const struct dp_gc_kern_result *res, long long max)
{
	unsigned long long expired = 0;

	for (unsigned i = 0; i < VNET_MAX_NETS; i++)
		expired += res->expired[i];
	return res->count < max / 2 && expired < (unsigned long long)res->count / 2 / 64;
}

/* The ticks between the kernel judge's passes: the slices' cycle (at most
 * GC_MAX_SLICES: a flow goes at most 8 s after its timeout), twice that
 * for a calm big table (16 s). A table read in one tick is never
 * stretched: its flows go within a second of their timeouts, as before. */
static unsigned gc_kern_cycle(const struct dp_gc *s, long long n, unsigned div)
{
	unsigned k = gc_slices_for(n, s->walk.nbuckets, div);

	return k > 1 && s->calm ? 2 * k : k;
}

/* A tick with the kernel judge: the table's count decides. Past the
 * eviction mark, or a guest or forward near its cap: a whole pass by
 * vnetd (evictions need the whole table); else the kernel judges the
 * whole table once every gc_slices_for() ticks (a cycle: a flow goes at
 * most that many seconds after its timeout, as with the slices). 0, or
 * -1 if the kernel judge failed. */
static int gc_kern_tick(struct datapath *dp, struct dp_gc *s, unsigned long long now)
{
	long long max = bpf_map__max_entries(dp->skel->maps.ct_map), n;
	int first = dp->ct_entries < 0;	/* by network too: a pass now */
	struct dp_gc_kern_result res;

	n = dp_gc_kern_count(s->kern);
	if (n < 0)
		return -1;
	s->walk.est = n;
	dp->ct_entries = n;	/* exact every tick; by network as of the last pass */
	if (n > GC_HIGH(max) || gc_cap_hot(s)) {
		s->ktick = 0;
		gc_full(dp, now);
		return 0;
	}
	if (++s->ktick < gc_kern_cycle(s, n, dp->ct_timeout_div) && !first)
		return 0;
	s->ktick = 0;
	if (dp_gc_kern_pass(s->kern, now, dp->ct_timeout_div, &res))
		return -1;
	gc_kern_account(dp, &res);
	dp->gc_passes++;
	s->walk.est = res.count;
	s->calm = gc_calm(&res, max);
	return 0;
}

void dp_gc_at(struct datapath *dp, unsigned long long now)
{
	long long max = bpf_map__max_entries(dp->skel->maps.ct_map);
	struct dp_gc *s = gc_state(dp);

	/* the first pass too (a restart over a big table: vnetd's read of
	 * 1M flows held its loop for 5 s) */
	if (s && !s->broken && gc_kern(dp, s)) {
		if (!gc_kern_tick(dp, s, now))
			return;
		s->broken = 60;
		log_warn("conntrack GC: the kernel judge failed: vnetd reads the table for a minute");
		gc_full(dp, now);
		return;
	}
	/* the first pass (exact entries for stats), a failed walk, and a
	 * table small enough for one slice (also one that shrank during a
	 * cycle): the whole table */
	if (!s || s->broken || dp->ct_entries < 0 ||
	    gc_slices_for(s->walk.est, s->walk.nbuckets, dp->ct_timeout_div) == 1) {
		if (s && s->broken)
			s->broken--;
		gc_full(dp, now);
		return;
	}
	if (gc_slice(dp, s, now) < 0) {
		s->broken = 60;
		log_warn("conntrack GC: a slice of the table could not be read: whole passes for a minute");
		gc_full(dp, now);
		return;
	}
	/* near the eviction mark (the estimate's margin: 1/64), or a guest
	 * near its cap: evict now */
	if (s->walk.est > GC_HIGH(max) - max / 64 || gc_cap_hot(s))
		gc_full(dp, now);
}

unsigned dp_gc_slices(struct datapath *dp)
{
	if (!dp->gc || dp->gc->broken || dp->ct_entries < 0)
		return 1;
	return gc_slices_for(dp->gc->walk.est, dp->gc->walk.nbuckets, dp->ct_timeout_div);
}

void dp_gc(struct datapath *dp)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* = bpf_ktime_get_ns() */
	dp_gc_at(dp, ts.tv_sec * 1000000000ULL + ts.tv_nsec);
}

static int sel_match(const struct vnet_ct *ct, const struct dp_ct_sel *sel)
{
	if (sel->net_id && ct->net_id == sel->net_id)
		return 1;
	return ct->dir == VNET_CT_IN && dp_port_set_has(&sel->ports, ct->ifindex);
}

/* vnetd's purge: the table read into a snapshot, each flow judged once
 * from its initiator (or an orphan by itself), the keys deleted by
 * syscalls. Where the kernel judge does not load. */
static void user_purge(struct datapath *dp, const struct dp_ct_sel *sel)
{
	int complete;
	struct gc_pass *g = gc_begin(dp, &complete);
	unsigned long long *purged;

	if (!g)
		return;
	purged = calloc(VNET_MAX_NETS, sizeof(*purged));
	for (size_t i = 0; i < g->s.n && purged; i++) {
		const struct vnet_ct *ct = &g->s.vals[i];
		struct vnet_ct peer;
		int in_snap, orphan = snap_peer(g->fd, &g->s, &ct->peer, &peer, &in_snap);

		if (!(orphan || ct->initiator) ||
		    !(sel_match(ct, sel) || (!orphan && sel_match(&peer, sel))))
			continue;
		gc_kill(g, i, in_snap, purged);
	}
	delete_keys(g->fd, g->dead, g->n);
	dp_quota_gone(dp, &g->gone);
	free(purged);
	gc_free(g);
}

/* The kernel judge's purge (vnet_gc.bpf.c): one pass in the kernel,
 * nothing copied out (issue 21: vnetd's read of a 4M-entry table with 1M
 * flows took 6 s a port-del). 0, or -1: not done (vnetd's purge does it). */
static int kern_purge(struct datapath *dp, struct dp_gc_kern *k, const struct dp_ct_sel *sel)
{
	struct dp_gc_kern_result res;

	if (dp_gc_kern_purge(k, sel->net_id, sel->ports.v, sel->ports.n, &res))
		return -1;
	for (unsigned i = 0; i < VNET_MAX_NETS; i++) {	/* as of the last GC pass, less these */
		long long *e = &dp->ct_net_entries[i];

		*e = *e > (long long)res.purged[i] ? *e - (long long)res.purged[i] : 0;
	}
	dp->ct_entries = res.count;
	if (res.gone_ok)	/* else the next pass's reconcile */
		dp_quota_gone_counts(dp, res.gone->keys, res.gone->counts, res.gone->n);
	dp->ct_kern_purges++;
	return 0;
}

void dp_ct_purge(struct datapath *dp, const struct dp_ct_sel *sel)
{
	struct dp_gc *s = gc_state(dp);
	struct dp_gc_kern *k = s && !s->broken ? gc_kern(dp, s) : NULL;

	if (s)
		s->dirty = 1;	/* the cycle's counts miss what goes here */
	if (!sel->net_id && !sel->ports.n)
		return;
	if (k && !kern_purge(dp, k, sel))
		return;
	user_purge(dp, sel);
}
