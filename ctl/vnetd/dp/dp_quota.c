// SPDX-License-Identifier: GPL-2.0-or-later
/* Flow caps per guest and per port forward (issue 16.7; bpf/lib/quota.h):
 * the programs count the flows each guest or forward makes (ct_made) and
 * refuse one over the cap; vnetd, the only writer of ct_gone, adds every
 * counted flow it deletes (GC, purges). Each pass also checks the counts
 * against the table: a key whose made count has not moved since the last
 * pass (no flow was made for it meanwhile, so the snapshot is exact for
 * it) gets gone = made - (its flows in the table), which repairs any drift
 * (a vnetd killed between deleting flows and counting them); such a key
 * without flows is removed. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_priv.h"
#include "vnet_ct_rules.h"
#include "util/util.h"
#include "vnet.skel.h"

/* The key a counted flow is counted under, from its initiator's entry:
 * SNAT (OUT): the guest's address; DNAT (IN): the forward's address, port
 * and protocol -- as bpf/lib/nat.h and uplink.h build them. 0 if the flow
 * is counted. */
int dp_quota_key_of(const struct vnet_ct_key *k, const struct vnet_ct *ct,
		    struct vnet_quota_key *qk)
{
	return vnet_ct_quota_key(k, ct, qk);
}

void dp_quota_keys_add(struct dp_quota_keys *q, const struct vnet_ct_key *k,
		       const struct vnet_ct *ct)
{
	struct vnet_quota_key qk;

	if (dp_quota_key_of(k, ct, &qk))
		return;
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 256;
		void *v = realloc(q->v, cap * sizeof(*q->v));

		if (!v)
			return;	/* the next reconcile repairs the count */
		q->v = v;
		q->cap = cap;
	}
	q->v[q->n++] = qk;
}

int dp_quota_key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct vnet_quota_key));
}

#define key_cmp dp_quota_key_cmp

size_t dp_quota_fold(struct dp_quota_keys *q, __u32 **counts)
{
	size_t d = 0;

	*counts = calloc(q->n + 1, sizeof(**counts));
	if (!*counts)
		return 0;
	qsort(q->v, q->n, sizeof(*q->v), key_cmp);
	for (size_t i = 0; i < q->n; i++) {
		if (d && !key_cmp(&q->v[d - 1], &q->v[i])) {
			(*counts)[d - 1]++;
			continue;
		}
		q->v[d] = q->v[i];
		(*counts)[d++] = 1;
	}
	return d;
}

void dp_quota_gone_counts(struct datapath *dp, const struct vnet_quota_key *keys,
			  const __u32 *counts, size_t d)
{
	int mfd = DP_MAP_FD(dp, ct_made), gfd = DP_MAP_FD(dp, ct_gone);
	__u32 made, g;

	for (size_t i = 0; i < d; i++) {
		if (bpf_map_lookup_elem(mfd, &keys[i], &made))
			continue;	/* not counted any more (a removed key) */
		if (bpf_map_lookup_elem(gfd, &keys[i], &g))
			g = 0;
		g += counts[i];
		bpf_map_update_elem(gfd, &keys[i], &g, BPF_ANY);
	}
}

void dp_quota_gone(struct datapath *dp, struct dp_quota_keys *gone)
{
	__u32 *counts;
	size_t d = dp_quota_fold(gone, &counts);

	if (counts)
		dp_quota_gone_counts(dp, gone->v, counts, d);
	free(counts);
}

/* What a key's made count was at the previous pass. */
struct dp_quota_seen {
	struct vnet_quota_key k;
	__u32 made;
};

static int seen_cmp(const void *a, const void *b)
{
	return key_cmp(&((const struct dp_quota_seen *)a)->k, &((const struct dp_quota_seen *)b)->k);
}

/* One key: repair its gone count if made has not moved since the last
 * pass; 1 if it was removed (idle and without flows). */
static int reconcile_key(struct datapath *dp, const struct vnet_quota_key *k, __u32 made,
			 __u32 live)
{
	int gfd = DP_MAP_FD(dp, ct_gone);
	struct dp_quota_seen *prev, key = { .k = *k };
	__u32 gone, want = made - live;

	prev = bsearch(&key, dp->quota_prev, dp->quota_nprev, sizeof(key), seen_cmp);
	if (!prev || prev->made != made)
		return 0;	/* flows made since: the snapshot may miss some */
	if (bpf_map_lookup_elem(gfd, k, &gone))
		gone = 0;
	if (gone != want) {
		log_debug("conntrack: flow count of %s %08x:%u in network %u was %d, is %u",
			  k->kind == VNET_QUOTA_GUEST ? "guest" : "forward", ntohl(k->addr),
			  ntohs(k->port), k->net_id, (int)(made - gone), live);
		bpf_map_update_elem(gfd, k, &want, BPF_ANY);
	}
	if (live)
		return 0;
	bpf_map_delete_elem(gfd, k);
	bpf_map_delete_elem(DP_MAP_FD(dp, ct_made), k);
	return 1;
}

void dp_quota_reconcile(struct datapath *dp, const struct vnet_quota_key *live,
			const __u32 *counts, size_t d)
{
	int mfd = DP_MAP_FD(dp, ct_made);
	__u32 count = VNET_MAX_QUOTA, token;
	size_t n = 0;
	struct vnet_quota_key *keys = calloc(VNET_MAX_QUOTA, sizeof(*keys));
	__u32 *made = calloc(VNET_MAX_QUOTA, sizeof(*made));
	struct dp_quota_seen *seen = calloc(VNET_MAX_QUOTA, sizeof(*seen));

	if (!keys || !made || !seen ||
	    (bpf_map_lookup_batch(mfd, NULL, &token, keys, made, &count, NULL) && errno != ENOENT))
		goto out;
	for (__u32 i = 0; i < count; i++) {
		const struct vnet_quota_key *l = bsearch(&keys[i], live, d, sizeof(*l), key_cmp);
		__u32 nlive = l ? counts[l - live] : 0;

		if (!reconcile_key(dp, &keys[i], made[i], nlive))
			seen[n++] = (struct dp_quota_seen){ keys[i], made[i] };
	}
	qsort(seen, n, sizeof(*seen), seen_cmp);
	free(dp->quota_prev);
	dp->quota_prev = seen;
	dp->quota_nprev = n;
	seen = NULL;
out:
	free(keys);
	free(made);
	free(seen);
}

/* The caps, in flows; < 0: the default share of the table. */
void dp_set_ct_limits(struct datapath *dp, long guest_max, long forward_max)
{
	long flows = bpf_map__max_entries(dp->skel->maps.ct_map) / 2;

	dp->skel->bss->vnet_ct_guest_max = guest_max < 0 ? flows / VNET_CT_GUEST_SHARE : guest_max;
	dp->skel->bss->vnet_ct_fwd_max = forward_max < 0 ? flows / VNET_CT_FWD_SHARE : forward_max;
}

void dp_get_ct_limits(struct datapath *dp, unsigned *guest_max, unsigned *forward_max)
{
	*guest_max = dp->skel->bss->vnet_ct_guest_max;
	*forward_max = dp->skel->bss->vnet_ct_fwd_max;
}
