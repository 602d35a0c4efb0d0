// SPDX-License-Identifier: GPL-2.0-or-later
/* The conntrack GC's walk by slices: see dp_gc_slice_priv.h. An entry is judged
 * by itself where that suffices, so a slice of fresh flows costs its batch
 * reads only: an initiator seen more recently than the shortest timeout
 * its flow may have (10 s for TCP, 30 s for UDP and ICMP) is kept without
 * reading its partner; an answering entry is judged from its initiator's
 * side and only checked for a missing partner once it is older than the
 * longest timeout its protocol has (then its initiator, if any, would
 * have expired it). */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "dp_gc_slice_priv.h"
#include "vnet_ct_rules.h"

unsigned dp_ct_timeout(const struct vnet_ct *a, const struct vnet_ct *b, int *weak)
{
	return vnet_ct_timeout(a->seen, a->flags, b->seen, a->peer.proto, weak);
}

unsigned long long dp_ct_min_timeout_ns(__u8 proto, unsigned div)
{
	return vnet_ct_scaled_ns(vnet_ct_min_timeout(proto), div);
}

unsigned long long dp_ct_max_timeout_ns(__u8 proto, unsigned div)
{
	return vnet_ct_scaled_ns(vnet_ct_max_timeout(proto), div);
}

unsigned gc_slices_for(long long est, __u32 nbuckets, unsigned div)
{
	unsigned long long work = (est > 0 ? (unsigned long long)est : 0) + nbuckets / 4;
	unsigned max = VNET_CT_TCP_RST / (div ? div : 1), k;

	if (max > GC_MAX_SLICES)
		max = GC_MAX_SLICES;
	k = (unsigned)((work + GC_TICK_WORK - 1) / GC_TICK_WORK);
	if (k > max)
		k = max;
	return k ? k : 1;
}

void gc_walk_init(struct gc_walk *w, __u32 max_entries)
{
	__u32 nb = 1;

	while (nb < max_entries && nb < (1U << 31))
		nb <<= 1;
	memset(w->entries, 0, sizeof(w->entries));
	w->nbuckets = nb;
	w->slices = 1;
	w->slice = 0;
	w->bucket = 0;
	w->est = -1;
	w->reseed = 0;
}

long long gc_walk_entries(const struct gc_walk *w, long long *net)
{
	long long total = 0;

	for (unsigned i = 0; i < VNET_MAX_NETS; i++) {
		long long n = 0;

		for (unsigned s = 0; s < w->slices; s++)
			n += w->entries[s][i];
		if (net)
			net[i] = n;
		total += n;
	}
	return total;
}

/* Spread what the slices held over k slices (a cycle of another size). */
static void reseed(struct gc_walk *w, unsigned k)
{
	long long net[VNET_MAX_NETS];

	gc_walk_entries(w, net);
	memset(w->entries, 0, sizeof(w->entries));
	for (unsigned i = 0; i < VNET_MAX_NETS; i++) {
		for (unsigned s = 0; s < k; s++)
			w->entries[s][i] = net[i] / k;
		w->entries[0][i] += net[i] % k;
	}
	w->slices = k;
	w->reseed = 0;
}

void gc_walk_restart(struct gc_walk *w, const long long *total, long long est)
{
	memset(w->entries, 0, sizeof(w->entries));
	memcpy(w->entries[0], total, sizeof(w->entries[0]));
	w->slices = 1;
	w->slice = 0;
	w->bucket = 0;
	w->est = est;
	w->reseed = 1;
}

static unsigned net_of(const struct vnet_ct *ct)
{
	return ct->net_id < VNET_MAX_NETS ? ct->net_id : 0;
}

/* Judge entry i of the batch (the rules: vnet_ct_rules.h): 1 if it is
 * removed (its keys added to dead[*nd]), 0 if kept. */
static int judge(struct gc_walk *w, const struct gc_ops *ops, size_t i, unsigned long long now,
		 unsigned div, size_t *nd)
{
	const struct vnet_ct *ct = &w->vals[i];
	unsigned long long idle = now > ct->seen_ns ? now - ct->seen_ns : 0;
	int read = vnet_ct_needs_peer(ct, idle, div), found = 0;
	struct vnet_ct peer;

	if (read) {
		w->lookups++;
		found = !ops->lookup(ops->ctx, &ct->peer, &peer);
	}
	switch (vnet_ct_judge(ct, found ? &peer : NULL, now, read, div)) {
	case VNET_CT_KEEP:
		return 0;
	case VNET_CT_LIVE:
		ops->live(ops->ctx, &w->keys[i], ct);
		return 0;
	case VNET_CT_EXPIRED:
		w->dead[(*nd)++] = w->keys[i];
		w->dead[(*nd)++] = ct->peer;
		break;
	case VNET_CT_ORPHAN:
		w->dead[(*nd)++] = w->keys[i];
		break;
	}
	w->expired[net_of(ct)]++;
	if (ct->initiator)
		ops->gone(ops->ctx, &w->keys[i], ct);
	return 1;
}

int gc_walk_slice(struct gc_walk *w, const struct gc_ops *ops, unsigned long long now,
		  unsigned div)
{
	__u32 start, end, n, at;
	long long *left;
	int r = 0, wrapped = 0;

	if (w->slice == 0) {	/* a new cycle, sized by the last estimate */
		unsigned k = gc_slices_for(w->est, w->nbuckets, div);

		if (k != w->slices || w->reseed)
			reseed(w, k);
		w->bucket = 0;
	}
	memset(w->expired, 0, sizeof(w->expired));
	w->read = w->lookups = 0;
	start = w->bucket;
	end = w->slice + 1 >= w->slices ? UINT32_MAX :
					  (__u32)((unsigned long long)w->nbuckets * (w->slice + 1) / w->slices);
	left = w->entries[w->slice];
	memset(left, 0, sizeof(w->entries[0]));
	while (w->bucket < end) {
		size_t nd = 0;

		at = w->bucket;
		n = GC_BATCH;
		r = ops->read(ops->ctx, &at, w->keys, w->vals, &n);
		if (r == -ENOSPC && n == 0) {
			w->bucket++;	/* a bucket of more than GC_BATCH entries: skipped */
			continue;
		}
		if (r && r != -ENOENT)
			return r;	/* read again from w->bucket next time */
		if (r == 0 && at <= w->bucket)
			return -EIO;	/* a token that does not move: no bucket index */
		for (__u32 i = 0; i < n; i++) {
			left[net_of(&w->vals[i])]++;
			left[net_of(&w->vals[i])] -= judge(w, ops, i, now, div, &nd);
		}
		w->read += n;
		if (nd)
			ops->del(ops->ctx, w->dead, nd);
		if (r == -ENOENT) {
			wrapped = 1;
			break;
		}
		w->bucket = at;
	}
	/* the slice's density (what it kept) gives the table's fill */
	at = wrapped ? w->nbuckets : w->bucket;
	if (at > start) {
		long long kept = 0;

		for (unsigned i = 0; i < VNET_MAX_NETS; i++)
			kept += left[i];
		w->est = (long long)((unsigned long long)kept * w->nbuckets / (at - start));
	}
	if (!wrapped) {
		w->slice++;	/* the last slice reads to the table's end */
		return 0;
	}
	/* the end came early (fewer buckets than thought): no later slice */
	for (unsigned s = w->slice + 1; s < w->slices; s++)
		memset(w->entries[s], 0, sizeof(w->entries[s]));
	w->slice = 0;
	w->bucket = 0;
	return 1;
}
