// SPDX-License-Identifier: GPL-2.0-or-later
/* The GC of ct6_map, NAT66's flows (issue 18.4; bpf/lib/nat6.h): the same
 * rules as ct_map's (dp_gc.c): a flow expires on its state's timeout
 * (dp_ct6_timeout: the very function IPv4's pairs are judged by), an entry
 * whose partner vanished goes, and a pass that leaves more than 7/8 of the
 * table in use evicts weak flows (half open, closed, unanswered), least
 * recently seen first, down to 3/4. The table is read in batches; a
 * partner is looked up in the map (the table is 65,536 entries). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_priv.h"
#include "vnet.skel.h"

#define GC6_BATCH 1024

struct gc6_weak {
	size_t i;
	unsigned long long last;
};

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

static void kill6(int fd, const struct vnet_ct6_key *k, const struct vnet_ct6 *ct,
		  unsigned long long *count)
{
	bpf_map_delete_elem(fd, k);
	if (ct->initiator)
		bpf_map_delete_elem(fd, &ct->peer);
	count[ct->net_id < VNET_MAX_NETS ? ct->net_id : 0]++;
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
	size_t n, nweak = 0;
	int r = gc6_read(fd, &keys, &vals, &n);

	if (!expired || !evicted || (r && !n))
		goto out;
	weak = malloc((n + 1) * sizeof(*weak));
	if (!weak)
		goto out;
	left = (long long)n;
	for (size_t i = 0; i < n; i++) {
		const struct vnet_ct6 *ct = &vals[i];
		unsigned long long last, timeout;
		int orphan = bpf_map_lookup_elem(fd, &ct->peer, &peer) != 0, w;

		if (orphan) {
			bpf_map_delete_elem(fd, &keys[i]);
			left--;
			continue;
		}
		if (!ct->initiator)
			continue;	/* judged from the initiator's side */
		if (match) {
			if (match(ct, arg) || match(&peer, arg)) {
				kill6(fd, &keys[i], ct, expired);
				left -= 2;
			}
			continue;
		}
		last = ct->seen_ns > peer.seen_ns ? ct->seen_ns : peer.seen_ns;
		timeout = dp_ct6_timeout(ct, &peer, &w) / div;
		timeout = (timeout ? timeout : 1) * 1000000000ULL;
		if (now > last && now - last > timeout) {
			kill6(fd, &keys[i], ct, expired);
			left -= 2;
		} else if (w) {
			weak[nweak++] = (struct gc6_weak){ i, last };
		}
	}
	if (!match && left > max - max / 8) {
		qsort(weak, nweak, sizeof(*weak), by_last6);
		for (size_t k = 0; k < nweak && left > max - max / 4; k++) {
			kill6(fd, &keys[weak[k].i], &vals[weak[k].i], evicted);
			left -= 2;
		}
	}
	for (unsigned i = 0; !match && i < VNET_MAX_NETS; i++) {
		if (expired[i])
			dp_counter_add(dp, i, VNET_G_CT_EXPIRED, expired[i]);
		if (evicted[i])
			dp_counter_add(dp, i, VNET_G_CT_EVICTED, evicted[i]);
	}
out:
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
