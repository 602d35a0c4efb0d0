// SPDX-License-Identifier: GPL-2.0-or-later
/* Conntrack garbage collection (dp_tick, once a second). The table is read
 * in batches and each flow is judged with its partner found in that
 * snapshot, so a pass costs a few syscalls per 4096 entries instead of
 * three per entry: 100k flows stay cheap to scan every second. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_priv.h"

#define GC_BATCH 4096

/* One pass: the table's snapshot and an index key -> slot (open addressing). */
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

/* Timeout of a flow from the seen bits of both directions. */
static unsigned ct_timeout(__u8 proto, __u8 a, __u8 b)
{
	__u8 both = a | b;

	if (proto == IPPROTO_UDP)
		return VNET_CT_UDP;
	if (proto != IPPROTO_TCP)
		return VNET_CT_ICMP;
	if (both & VNET_CT_RST)
		return VNET_CT_TCP_RST;
	if ((a & VNET_CT_FIN) && (b & VNET_CT_FIN))
		return VNET_CT_TCP_FIN;
	if ((b & VNET_CT_SEEN) && (both & VNET_CT_ACK))
		return VNET_CT_TCP_EST;
	return VNET_CT_TCP_SYN;
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

/* The partner of an entry: from the snapshot, else from the map (a pair
 * inserted while the table was being read). 0 if it exists. */
static int snap_peer(int fd, const struct gc_snap *s, const struct vnet_ct_key *k,
		     struct vnet_ct *out)
{
	for (size_t h = key_hash(k) & s->mask; s->index[h]; h = (h + 1) & s->mask) {
		const struct vnet_ct_key *c = &s->keys[s->index[h] - 1];

		if (!memcmp(c, k, sizeof(*k))) {
			*out = s->vals[s->index[h] - 1];
			return 0;
		}
	}
	return bpf_map_lookup_elem(fd, k, out);
}

/* Is this pair expired (1), or an orphan whose partner is gone (2)?
 * Entries without an initiator are judged with their partner. */
static int ct_expired(int fd, const struct gc_snap *s, const struct vnet_ct *ct,
		      unsigned long long now)
{
	struct vnet_ct peer;
	unsigned long long last;

	if (snap_peer(fd, s, &ct->peer, &peer))
		return 2;
	if (!ct->initiator)
		return 0;	/* judged from the initiator's side */
	last = ct->seen_ns > peer.seen_ns ? ct->seen_ns : peer.seen_ns;
	return now > last &&
	       now - last > ct_timeout(ct->peer.proto, ct->seen, peer.seen) * 1000000000ULL;
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

/* Per-network results of a pass. */
struct gc_tally {
	unsigned long long expired[VNET_MAX_NETS];	/* flows */
	long long entries[VNET_MAX_NETS];	/* entries left */
};

static unsigned net_of(const struct vnet_ct *ct)
{
	return ct->net_id < VNET_MAX_NETS ? ct->net_id : 0;
}

/* Publish a pass: expired flows counted per network, entries for stats
 * (reported from here instead of walking the table per request). */
static void gc_publish(struct datapath *dp, const struct gc_tally *t, int complete)
{
	long long total = 0;

	for (unsigned i = 0; i < VNET_MAX_NETS; i++) {
		if (t->expired[i])
			dp_counter_add(dp, i, VNET_G_CT_EXPIRED, t->expired[i]);
		total += t->entries[i];
	}
	if (!complete)
		return;
	memcpy(dp->ct_net_entries, t->entries, sizeof(t->entries));
	dp->ct_entries = total;
}

void dp_gc(struct datapath *dp)
{
	int fd = dp_map_fd(dp, "ct_map");
	unsigned long long now = now_ns();
	struct gc_snap s = { 0 };
	struct vnet_ct_key *dead = NULL;
	struct gc_tally *t = calloc(1, sizeof(*t));
	size_t n = 0;	/* keys to delete */
	int r = snap_read(fd, &s), e;

	/* a failed read leaves a partial snapshot: collect from it anyway
	 * (partners missing from it are looked up), but do not count it */
	if (!t || r == -ENOMEM || (r && !s.n))
		goto out;
	dead = malloc((s.n * 2 + 1) * sizeof(*dead));
	if (!dead || snap_index(&s))
		goto out;
	for (size_t i = 0; i < s.n; i++)
		t->entries[net_of(&s.vals[i])]++;
	for (size_t i = 0; i < s.n; i++) {
		unsigned net = net_of(&s.vals[i]);

		e = ct_expired(fd, &s, &s.vals[i], now);
		if (!e)
			continue;
		t->expired[net]++;	/* flows (pairs), like conntrack_created */
		dead[n++] = s.keys[i];
		t->entries[net]--;
		if (s.vals[i].initiator) {
			dead[n++] = s.vals[i].peer;
			t->entries[net] -= e == 1;	/* an expired pair's partner is in the snapshot */
		}
	}
	delete_keys(fd, dead, n);
	gc_publish(dp, t, !r);
out:
	free(t);
	free(dead);
	free(s.keys);
	free(s.vals);
	free(s.index);
}
