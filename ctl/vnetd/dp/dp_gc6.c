// SPDX-License-Identifier: GPL-2.0-or-later
/* The GC of ct6_map, NAT66's flows (issue 18.4; bpf/lib/nat6.h): the same
 * rules as ct_map's (dp_gc.c): a flow expires on its state's timeout
 * (dp_ct6_timeout: the very function IPv4's pairs are judged by), an entry
 * whose partner vanished goes, and a pass that leaves more than 7/8 of the
 * table in use evicts weak flows (half open, closed, unanswered), least
 * recently seen first, down to 3/4. The table is read in batches (it is
 * 65,536 entries: read whole each tick); a partner is looked up in the
 * map, unless nothing is to be evicted and the entry is fresh enough to
 * be judged by itself (issue 21: a table of fresh flows costs its batch
 * reads, not a lookup an entry). A
 * guest's counted flows (ct6_made / ct6_gone, as ct_made / ct_gone for
 * IPv4: dp_quota.c; a port forward's to a guest's IPv6 address under its
 * VNET_QUOTA6_FWD_ID, capped at the forward cap) are given back as they
 * go, a guest (or forward) past 7/8 of its cap
 * loses its weak flows down to 3/4, and a key whose made count did not
 * move since the last pass gets gone = made - its flows (drift repaired),
 * removed when it has none. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_gc_slice_priv.h"
#include "dp_priv.h"
#include "vnet.skel.h"

#define GC6_BATCH 1024

struct gc6_weak {
	size_t i;
	unsigned long long last;
	int dead;
};

/* A guest's count: key and flows (sorted arrays, bsearch). */
struct gc6_q {
	struct vnet_quota6_key k;
	__u32 n;
};

struct dp_quota6_seen {
	struct vnet_quota6_key k;
	__u32 made;
};

static int q6_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct vnet_quota6_key));
}

/* The counted key of a flow from its initiator's entry: a guest's own
 * (OUT: its source), or a port forward's (IN: the uplink address, protocol
 * and host port it came in to, VNET_QUOTA6_FWD_ID). */
static int q6_key_of(const struct vnet_ct6_key *k, const struct vnet_ct6 *ct,
		     struct vnet_quota6_key *qk)
{
	if (!(ct->flags & VNET_CTF_QUOTA) || !ct->initiator || (ct->nat != 1 && ct->nat != 2))
		return -1;
	if (ct->nat == 2) {
		*qk = (struct vnet_quota6_key){
			.net_id = VNET_QUOTA6_FWD_ID(ct->net_id, k->proto, ntohs(k->dport)) };
		memcpy(qk->addr, k->daddr, 16);
		return 0;
	}
	*qk = (struct vnet_quota6_key){ .net_id = ct->net_id };
	memcpy(qk->addr, k->saddr, 16);
	return 0;
}

/* Add one flow of qk to the list (unsorted; q6_fold sorts and sums). */
static void q6_add(struct gc6_q **v, size_t *n, size_t *cap, const struct vnet_quota6_key *qk)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		void *t = realloc(*v, c * sizeof(**v));

		if (!t)
			return;
		*v = t;
		*cap = c;
	}
	(*v)[(*n)++] = (struct gc6_q){ *qk, 1 };
}

static size_t q6_fold(struct gc6_q *v, size_t n)
{
	size_t d = 0;

	qsort(v, n, sizeof(*v), q6_cmp);
	for (size_t i = 0; i < n; i++) {
		if (d && !q6_cmp(&v[d - 1].k, &v[i].k)) {
			v[d - 1].n += v[i].n;
			continue;
		}
		v[d++] = v[i];
	}
	return d;
}

static void q6_gone(struct datapath *dp, struct gc6_q *v, size_t n)
{
	int mfd = DP_MAP_FD(dp, ct6_made), gfd = DP_MAP_FD(dp, ct6_gone);
	__u32 made, g;

	n = q6_fold(v, n);
	for (size_t i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(mfd, &v[i].k, &made))
			continue;
		if (bpf_map_lookup_elem(gfd, &v[i].k, &g))
			g = 0;
		g += v[i].n;
		bpf_map_update_elem(gfd, &v[i].k, &g, BPF_ANY);
	}
}

/* Every ct6_made key against the flows left (live, folded). */
static void q6_reconcile(struct datapath *dp, const struct gc6_q *live, size_t nlive)
{
	int mfd = DP_MAP_FD(dp, ct6_made), gfd = DP_MAP_FD(dp, ct6_gone);
	struct vnet_quota6_key k, next, *prev = NULL, *all = NULL;
	struct dp_quota6_seen *seen = NULL, *was;
	size_t n = 0, cap = 0, nall = 0, call = 0;
	__u32 made, gone, want;

	/* the keys first: deleting while walking a hash restarts the walk */
	while (bpf_map_get_next_key(mfd, prev, &next) == 0) {
		if (nall == call) {
			size_t c = call ? call * 2 : 64;
			void *t = realloc(all, c * sizeof(*all));

			if (!t)
				break;
			all = t;
			call = c;
		}
		all[nall] = next;
		prev = &all[nall++];
	}
	for (size_t i = 0; i < nall; i++) {
		struct gc6_q key = { .k = all[i] };
		const struct gc6_q *l;
		__u32 nl;

		k = all[i];
		if (bpf_map_lookup_elem(mfd, &k, &made))
			continue;
		l = bsearch(&key, live, nlive, sizeof(*live), q6_cmp);
		nl = l ? l->n : 0;
		was = bsearch(&key, dp->quota6_prev, dp->quota6_nprev, sizeof(*was), q6_cmp);
		if (was && was->made == made) {
			want = made - nl;
			if (bpf_map_lookup_elem(gfd, &k, &gone) || gone != want)
				bpf_map_update_elem(gfd, &k, &want, BPF_ANY);
			if (!nl) {
				bpf_map_delete_elem(gfd, &k);
				bpf_map_delete_elem(mfd, &k);
				continue;
			}
		}
		if (n == cap) {
			size_t c = cap ? cap * 2 : 64;
			void *t = realloc(seen, c * sizeof(*seen));

			if (!t)
				break;
			seen = t;
			cap = c;
		}
		seen[n++] = (struct dp_quota6_seen){ k, made };
	}
	free(all);
	qsort(seen, n, sizeof(*seen), q6_cmp);
	free(dp->quota6_prev);
	dp->quota6_prev = seen;
	dp->quota6_nprev = n;
}

static unsigned long long now6_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The whole table: *n entries in keys and vals (the caller frees them). */
static int gc6_read(int fd, struct vnet_ct6_key **keys, struct vnet_ct6 **vals, size_t *n)
{
	size_t cap = 0;
	__u32 token = 0, c;
	int r, first = 1;

	*keys = NULL;
	*vals = NULL;
	*n = 0;
	for (;;) {
		if (*n + GC6_BATCH > cap) {
			cap = cap ? cap * 2 : GC6_BATCH * 4;
			void *k = realloc(*keys, cap * sizeof(**keys)), *v;

			if (!k)
				return -ENOMEM;
			*keys = k;
			v = realloc(*vals, cap * sizeof(**vals));
			if (!v)
				return -ENOMEM;
			*vals = v;
		}
		c = GC6_BATCH;
		r = bpf_map_lookup_batch(fd, first ? NULL : &token, &token, *keys + *n, *vals + *n,
					 &c, NULL);
		r = r ? -errno : 0;
		first = 0;
		*n += c;
		if (r)
			return r == -ENOENT ? 0 : r;
	}
}

static int by_last6(const void *a, const void *b)
{
	const struct gc6_weak *x = a, *y = b;

	return x->last < y->last ? -1 : x->last > y->last;
}

/* The pass's lists: flows given back (gone) and kept (live), by guest. */
struct gc6_acct {
	struct gc6_q *gone, *live;
	size_t ngone, cgone, nlive, clive;
};

static void kill6(int fd, const struct vnet_ct6_key *k, const struct vnet_ct6 *ct,
		  unsigned long long *count, struct gc6_acct *a)
{
	struct vnet_quota6_key qk;

	bpf_map_delete_elem(fd, k);
	if (ct->initiator)
		bpf_map_delete_elem(fd, &ct->peer);
	count[ct->net_id < VNET_MAX_NETS ? ct->net_id : 0]++;
	if (!q6_key_of(k, ct, &qk))
		q6_add(&a->gone, &a->ngone, &a->cgone, &qk);
}

/* A guest or forward counted past 7/8 of its cap (ct6_made - ct6_gone):
 * the pass must sort its weak flows out. */
static int q6_hot(struct datapath *dp, unsigned guest_cap, unsigned fwd_cap)
{
	int mfd = DP_MAP_FD(dp, ct6_made), gfd = DP_MAP_FD(dp, ct6_gone), r, first = 1;
	struct vnet_quota6_key keys[256];
	__u32 made[256], token = 0, n, gone;

	if (!guest_cap && !fwd_cap)
		return 0;
	do {
		n = 256;
		r = bpf_map_lookup_batch(mfd, first ? NULL : &token, &token, keys, made, &n, NULL) ?
			    -errno : 0;
		first = 0;
		if (r && r != -ENOENT)
			return 1;	/* unknown: judge as before */
		for (__u32 i = 0; i < n; i++) {
			unsigned cap = keys[i].net_id & VNET_QUOTA6_FWD ? fwd_cap : guest_cap;

			if (!cap || made[i] <= cap - cap / 8)
				continue;	/* made bounds what is left */
			if (bpf_map_lookup_elem(gfd, &keys[i], &gone))
				gone = 0;
			if (made[i] - gone > cap - cap / 8)
				return 1;
		}
	} while (!r);
	return 0;
}

/* One pass: expire, then evict weak flows when the table is nearly full.
 * match (may be NULL): remove every flow whose entry it selects instead
 * (a port or network gone). */
static void gc6_pass(struct datapath *dp, int (*match)(const struct vnet_ct6 *, const void *),
		     const void *arg)
{
	int fd = DP_MAP_FD(dp, ct6_map);
	unsigned long long now = now6_ns(), *expired = calloc(VNET_MAX_NETS, sizeof(*expired));
	unsigned long long *evicted = calloc(VNET_MAX_NETS, sizeof(*evicted));
	unsigned div = dp->ct_timeout_div ? dp->ct_timeout_div : 1;
	long long max = bpf_map__max_entries(dp->skel->maps.ct6_map), left;
	struct vnet_ct6_key *keys;
	struct vnet_ct6 *vals, peer;
	struct gc6_weak *weak = NULL;
	struct gc6_acct acct = { 0 };
	struct vnet_quota6_key qk;
	unsigned cap6, fwd6;
	size_t n, nweak = 0;
	int alone;
	__u8 *trim;
	int r = gc6_read(fd, &keys, &vals, &n);

	if (!expired || !evicted || (r && !n))
		goto out;
	weak = malloc((n + 1) * sizeof(*weak));
	if (!weak)
		goto out;
	left = (long long)n;
	dp_get_ct_limits(dp, &cap6, &fwd6);
	/* nothing to evict (the table, every guest and forward below 7/8): a fresh
	 * entry is judged by itself, without a lookup of its partner (the
	 * bounds of dp_gc_slice.c; an orphan goes once idle past them) */
	alone = !match && left <= max - max / 8 && !q6_hot(dp, cap6, fwd6);
	for (size_t i = 0; i < n; i++) {
		const struct vnet_ct6 *ct = &vals[i];
		unsigned long long last, timeout;
		unsigned long long idle = now > ct->seen_ns ? now - ct->seen_ns : 0;
		int orphan, w;

		if (alone && (ct->initiator ? idle <= dp_ct_min_timeout_ns(ct->peer.proto, div) :
					      idle <= dp_ct_max_timeout_ns(ct->peer.proto, div))) {
			if (ct->initiator && !q6_key_of(&keys[i], ct, &qk))
				q6_add(&acct.live, &acct.nlive, &acct.clive, &qk);
			continue;
		}
		orphan = bpf_map_lookup_elem(fd, &ct->peer, &peer) != 0;

		if (orphan) {
			bpf_map_delete_elem(fd, &keys[i]);
			left--;
			continue;
		}
		if (!ct->initiator)
			continue;	/* judged from the initiator's side */
		if (match) {
			if (match(ct, arg) || match(&peer, arg)) {
				kill6(fd, &keys[i], ct, expired, &acct);
				left -= 2;
			}
			continue;
		}
		last = ct->seen_ns > peer.seen_ns ? ct->seen_ns : peer.seen_ns;
		timeout = dp_ct6_timeout(ct, &peer, &w) / div;
		timeout = (timeout ? timeout : 1) * 1000000000ULL;
		if (now > last && now - last > timeout) {
			kill6(fd, &keys[i], ct, expired, &acct);
			left -= 2;
		} else if (w) {
			weak[nweak++] = (struct gc6_weak){ i, last, 0 };
		} else if (!q6_key_of(&keys[i], ct, &qk)) {
			q6_add(&acct.live, &acct.nlive, &acct.clive, &qk);
		}
	}
	if (!match) {
		qsort(weak, nweak, sizeof(*weak), by_last6);
		for (size_t k = 0; k < nweak && left > max - max / 8; k++) {
			if (left <= max - max / 4)
				break;
			weak[k].dead = 1;
			kill6(fd, &keys[weak[k].i], &vals[weak[k].i], evicted, &acct);
			left -= 2;
		}
		/* the weak flows left are live too; then a guest past 7/8 of
		 * its cap loses its weak ones, oldest first, down to 3/4 */
		for (size_t k = 0; k < nweak; k++)
			if (!weak[k].dead && !q6_key_of(&keys[weak[k].i], &vals[weak[k].i], &qk))
				q6_add(&acct.live, &acct.nlive, &acct.clive, &qk);
		acct.nlive = q6_fold(acct.live, acct.nlive);
		trim = calloc(acct.nlive + 1, 1);
		for (size_t k = 0; trim && k < nweak; k++) {
			struct gc6_q key, *l;
			unsigned cap;
			size_t j;

			if (weak[k].dead || q6_key_of(&keys[weak[k].i], &vals[weak[k].i], &key.k))
				continue;
			cap = key.k.net_id & VNET_QUOTA6_FWD ? fwd6 : cap6;
			if (!cap)
				continue;
			l = bsearch(&key, acct.live, acct.nlive, sizeof(*l), q6_cmp);
			if (!l)
				continue;
			j = (size_t)(l - acct.live);
			if (!trim[j] && l->n > cap - cap / 8)
				trim[j] = 1;	/* past 7/8: trimmed down to 3/4 */
			if (!trim[j] || l->n <= cap - cap / 4)
				continue;
			weak[k].dead = 1;
			kill6(fd, &keys[weak[k].i], &vals[weak[k].i], evicted, &acct);
			l->n--;
		}
		free(trim);
	}
	q6_gone(dp, acct.gone, acct.ngone);
	if (!match && !r)
		q6_reconcile(dp, acct.live, acct.nlive);
	for (unsigned i = 0; !match && i < VNET_MAX_NETS; i++) {
		if (expired[i])
			dp_counter_add(dp, i, VNET_G_CT_EXPIRED, expired[i]);
		if (evicted[i])
			dp_counter_add(dp, i, VNET_G_CT_EVICTED, evicted[i]);
	}
out:
	free(acct.gone);
	free(acct.live);
	free(weak);
	free(keys);
	free(vals);
	free(expired);
	free(evicted);
}

void dp_gc6(struct datapath *dp)
{
	gc6_pass(dp, NULL, NULL);
}

void dp_ct6_purge(struct datapath *dp, int (*match)(const struct vnet_ct6 *, const void *),
		  const void *arg)
{
	gc6_pass(dp, match, arg);
}
