// SPDX-License-Identifier: GPL-2.0-or-later
/* A network spanning hosts (<vnet:overlay>, issue 22): remote_fdb_map, the
 * data path's mirror of the remote guests' MACs zebra installs on the
 * network's VXLAN device, and remote_stats, what the port program sent to
 * each remote VTEP (bpf/lib/overlay.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_priv.h"
#include "vnet.skel.h"

struct want {
	const struct dp_remote *v;
	size_t n;
	uint32_t net_id;
	int ifindex;
};

static int mac_cmp(const void *a, const void *b)
{
	return memcmp(((const struct dp_remote *)a)->mac, ((const struct dp_remote *)b)->mac, 6);
}

/* w->v is sorted by MAC */
static const struct dp_remote *want_find(const struct want *w, const __u8 mac[6])
{
	struct dp_remote k;

	memcpy(k.mac, mac, 6);
	return w->n ? bsearch(&k, w->v, w->n, sizeof(k), mac_cmp) : NULL;
}

/* An entry of the network that is not wanted as it is. */
static int match_stale(const void *key, const void *val, const void *arg)
{
	const struct vnet_fdb_key *k = key;
	const struct vnet_remote *r = val;
	const struct want *w = arg;
	const struct dp_remote *d;

	if (k->net_id != w->net_id)
		return 0;
	d = want_find(w, k->mac);
	return !d || r->ifindex != (__u32)w->ifindex || r->vtep != d->vtep.s_addr;
}

int dp_remote_sync(struct datapath *dp, uint32_t net_id, int ifindex, const struct dp_remote *v,
		   size_t n, unsigned *added, unsigned *removed)
{
	int fd = DP_MAP_FD(dp, remote_fdb_map), r;
	struct want w = { .n = ifindex > 0 ? n : 0, .net_id = net_id, .ifindex = ifindex };
	struct dp_remote *sorted = NULL;
	unsigned add = 0;

	if (w.n) {
		sorted = malloc(w.n * sizeof(*sorted));
		if (!sorted)
			return -ENOMEM;
		memcpy(sorted, v, w.n * sizeof(*sorted));
		qsort(sorted, w.n, sizeof(*sorted), mac_cmp);
	}
	w.v = sorted;
	r = purge_matching(fd, sizeof(struct vnet_fdb_key), sizeof(struct vnet_remote),
			   match_stale, &w);
	if (removed)
		*removed = r > 0 ? (unsigned)r : 0;
	for (size_t i = 0; i < w.n; i++) {
		struct vnet_fdb_key k = { .net_id = net_id };
		struct vnet_remote val = { .ifindex = (__u32)ifindex, .vtep = v[i].vtep.s_addr }, old;

		memcpy(k.mac, v[i].mac, 6);
		if (bpf_map_lookup_elem(fd, &k, &old) == 0 && !memcmp(&old, &val, sizeof(val)))
			continue;
		if (bpf_map_update_elem(fd, &k, &val, BPF_ANY)) {
			r = -errno;
			free(sorted);
			return r;
		}
		add++;
	}
	free(sorted);
	if (added)
		*added = add;
	return 0;
}

static int match_net(const void *key, const void *val, const void *arg)
{
	(void)val;
	return ((const struct vnet_remote_key *)key)->net_id == *(const uint32_t *)arg;
}

void dp_remote_purge(struct datapath *dp, uint32_t net_id, int ifindex)
{
	__u32 key = (__u32)ifindex;

	dp_remote_sync(dp, net_id, 0, NULL, 0, NULL, NULL);
	purge_matching(DP_MAP_FD(dp, remote_stats), sizeof(struct vnet_remote_key),
		       sizeof(struct vnet_remote_stats), match_net, &net_id);
	/* the VXLAN device's counters as a redirect target (count_verdict) */
	if (ifindex > 0)
		bpf_map_delete_elem(DP_MAP_FD(dp, port_stats), &key);
}

int dp_remote_stats_each(struct datapath *dp, uint32_t net_id, dp_remote_stats_fn fn, void *ctx)
{
	int fd = DP_MAP_FD(dp, remote_stats);
	struct vnet_remote_key key, next, *prev = NULL;
	struct vnet_remote_stats *v = calloc((size_t)dp->ncpu, sizeof(*v));

	if (!v)
		return -ENOMEM;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		uint64_t packets = 0, bytes = 0;

		key = next;
		prev = &key;
		if (key.net_id != net_id || bpf_map_lookup_elem(fd, &key, v))
			continue;
		for (int c = 0; c < dp->ncpu; c++) {
			packets += v[c].packets;
			bytes += v[c].bytes;
		}
		fn(ctx, (struct in_addr){ .s_addr = key.vtep }, packets, bytes);
	}
	free(v);
	return 0;
}
