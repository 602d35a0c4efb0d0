// SPDX-License-Identifier: GPL-2.0-or-later
/* Conntrack garbage collection (dp_tick, once a second). The table is read
 * in batches and each flow is judged with its partner found in that
 * snapshot, so a pass costs a few syscalls per 4096 entries instead of
 * three per entry: 100k flows stay cheap to scan every second. A flow
 * expires on its state's timeout; when the table fills, half-open, closed
 * and unanswered flows are evicted first, established ones never. Every
 * removal is accounted to the guest's or forward's flow cap (dp_quota.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_priv.h"
#include "vnet.skel.h"

#define GC_BATCH 4096
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

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* = bpf_ktime_get_ns() */
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* A flow's timeout in seconds, from its initiator's entry a and the other
 * side's b; *weak: it may be evicted when the table fills (TCP not
 * established or closing, UDP/ICMP never answered). */
static unsigned ct_timeout(const struct vnet_ct *a, const struct vnet_ct *b, int *weak)
{
	__u8 both = a->seen | b->seen, proto = a->peer.proto;
	int answered = b->seen & VNET_CT_SEEN, est;

	*weak = !answered;
	if (proto == IPPROTO_UDP)
		return answered ? VNET_CT_UDP : VNET_CT_UDP_UNREPLIED;
	if (proto != IPPROTO_TCP)
		return VNET_CT_ICMP;
	*weak = 1;
	if (both & VNET_CT_RST)
		return VNET_CT_TCP_RST;
	if (a->seen & b->seen & VNET_CT_FIN)
		return VNET_CT_TCP_CLOSING;
	/* entries pinned by a build without VNET_CT_EST: the old rule (an
	 * answer and an ACK) until the initiator's next ACK sets it */
	if (a->flags & VNET_CTF_TCP_STATE)
		est = a->seen & VNET_CT_EST;
	else
		est = answered && (both & VNET_CT_ACK);
	if (!est)
		return answered ? VNET_CT_TCP_SYN_RECV : VNET_CT_TCP_SYN_SENT;
	*weak = 0;
	return both & VNET_CT_FIN ? VNET_CT_TCP_FIN : VNET_CT_TCP_EST;
}

/* ct_timeout for a NAT66 pair (ct6_map): the same seen bits and flags. */
unsigned dp_ct6_timeout(const struct vnet_ct6 *a, const struct vnet_ct6 *b, int *weak)
{
	struct vnet_ct x = { .seen = a->seen, .flags = a->flags };
	struct vnet_ct y = { .seen = b->seen, .flags = b->flags };

	x.peer.proto = a->peer.proto;
	return ct_timeout(&x, &y, weak);
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
	timeout = ct_timeout(ct, &peer, &weak) / div;
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

void dp_gc(struct datapath *dp)
{
	unsigned long long now = now_ns();
	int complete;
	struct gc_pass *g = gc_begin(dp, &complete);

	if (!g)
		return;
	__u32 *counts = NULL;
	size_t d;

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
	free(counts);
	gc_free(g);
}

/* Remove every flow one of whose entries match() selects (a deleted port,
 * a network gone or re-addressed), accounting the caps as the GC does. */
void dp_ct_purge(struct datapath *dp, dp_ct_match_fn match, const void *arg)
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

		/* each flow once, from its initiator (or an orphan by itself) */
		if (!(orphan || ct->initiator) || !(match(ct, arg) || (!orphan && match(&peer, arg))))
			continue;
		gc_kill(g, i, in_snap, purged);
	}
	delete_keys(g->fd, g->dead, g->n);
	dp_quota_gone(dp, &g->gone);
	free(purged);
	gc_free(g);
}
