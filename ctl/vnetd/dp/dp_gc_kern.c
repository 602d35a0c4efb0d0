// SPDX-License-Identifier: GPL-2.0-or-later
/* The conntrack GC's judge in the kernel (bpf/vnet_gc.bpf.c, issue 21.2):
 * loaded once over the pinned ct_map, run with BPF_PROG_RUN; this file
 * hands its counts to the rest of the GC (dp_gc.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_gc_kern_priv.h"
#include "dp_priv.h"
#include "util/util.h"
#include "vnet.skel.h"
#include "vnet_gc.skel.h"

struct dp_gc_kern {
	struct vnet_gc *skel;
	int prog;
	/* a pass's cap keys and counts (gc_gone, gc_live), sorted */
	struct dp_gc_kern_keys gone, live;
};

struct dp_gc_kern *dp_gc_kern_open(struct datapath *dp)
{
	struct dp_gc_kern *k = calloc(1, sizeof(*k));
	size_t n = VNET_MAX_QUOTA;

	if (!k)
		return NULL;
	k->gone.keys = calloc(n, sizeof(*k->gone.keys));
	k->gone.counts = calloc(n, sizeof(*k->gone.counts));
	k->live.keys = calloc(n, sizeof(*k->live.keys));
	k->live.counts = calloc(n, sizeof(*k->live.counts));
	k->skel = vnet_gc__open();
	if (!k->gone.keys || !k->gone.counts || !k->live.keys || !k->live.counts || !k->skel ||
	    bpf_map__reuse_fd(k->skel->maps.ct_map, DP_MAP_FD(dp, ct_map)) ||
	    /* a purge's ports: as many as the host holds */
	    bpf_map__set_max_entries(k->skel->maps.gc_purge_ports, (__u32)dp_port_limit(dp)) ||
	    vnet_gc__load(k->skel)) {
		log_info("conntrack GC: the kernel judge does not load here (%s): the table is read by vnetd",
			 strerror(errno));
		dp_gc_kern_free(k);
		return NULL;
	}
	k->prog = bpf_program__fd(k->skel->progs.vnet_gc);
	return k;
}

void dp_gc_kern_free(struct dp_gc_kern *k)
{
	if (!k)
		return;
	vnet_gc__destroy(k->skel);
	free(k->gone.keys);
	free(k->gone.counts);
	free(k->live.keys);
	free(k->live.counts);
	free(k);
}

static int run(struct dp_gc_kern *k)
{
	LIBBPF_OPTS(bpf_test_run_opts, o);

	return bpf_prog_test_run_opts(k->prog, &o) ? -errno : 0;
}

long long dp_gc_kern_count(struct dp_gc_kern *k)
{
	int r;

	k->skel->bss->gc_walk = 0;	/* GC_COUNT */
	r = run(k);
	return r ? r : k->skel->bss->gc_count;
}

struct pair {
	struct vnet_quota_key k;
	__u32 c;
};

static int pair_cmp(const void *a, const void *b)
{
	return dp_quota_key_cmp(&((const struct pair *)a)->k, &((const struct pair *)b)->k);
}

/* Read and empty one of the program's count maps into q, sorted by key. */
static int drain(int fd, struct dp_gc_kern_keys *q)
{
	__u32 token = 0, n;
	int r, first = 1;
	struct pair *p;

	q->n = 0;
	do {
		n = VNET_MAX_QUOTA - q->n;
		if (!n)
			return -ENOSPC;
		r = bpf_map_lookup_and_delete_batch(fd, first ? NULL : &token, &token, q->keys + q->n,
						    q->counts + q->n, &n, NULL) ? -errno : 0;
		first = 0;
		if (r && r != -ENOENT)
			return r;
		q->n += n;
	} while (!r);
	if (q->n < 2)
		return 0;
	p = malloc(q->n * sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < q->n; i++)
		p[i] = (struct pair){ q->keys[i], q->counts[i] };
	qsort(p, q->n, sizeof(*p), pair_cmp);
	for (size_t i = 0; i < q->n; i++) {
		q->keys[i] = p[i].k;
		q->counts[i] = p[i].c;
	}
	free(p);
	return 0;
}

static int run_walk(struct dp_gc_kern *k)
{
	typeof(k->skel->bss) b = k->skel->bss;

	b->gc_lookups = 0;
	b->gc_overflow = 0;
	memset(b->gc_kept, 0, sizeof(b->gc_kept));
	memset(b->gc_expired, 0, sizeof(b->gc_expired));
	memset(b->gc_purged, 0, sizeof(b->gc_purged));
	return run(k);
}

/* A walk's counts into res (r: its run's result, returned). */
static int results(struct dp_gc_kern *k, int r, struct dp_gc_kern_result *res)
{
	typeof(k->skel->bss) b = k->skel->bss;

	res->count = b->gc_count;
	res->lookups = b->gc_lookups;
	res->kept = b->gc_kept;
	res->expired = b->gc_expired;
	res->purged = b->gc_purged;
	/* the counts are emptied even after a failed run */
	res->gone_ok = !drain(bpf_map__fd(k->skel->maps.gc_gone), &k->gone);
	res->live_ok = !drain(bpf_map__fd(k->skel->maps.gc_live), &k->live) && !b->gc_overflow;
	res->gone = &k->gone;
	res->live = &k->live;
	return r;
}

int dp_gc_kern_pass(struct dp_gc_kern *k, unsigned long long now, unsigned div,
		    struct dp_gc_kern_result *res)
{
	typeof(k->skel->bss) b = k->skel->bss;
	int r;

	b->gc_now = now;
	b->gc_div = div;
	b->gc_walk = 1;	/* GC_JUDGE */
	r = run_walk(k);
	return results(k, r, res);
}

int dp_gc_kern_purge(struct dp_gc_kern *k, __u32 net_id, const __u32 *ports, size_t n,
		     struct dp_gc_kern_result *res)
{
	typeof(k->skel->bss) b = k->skel->bss;
	int fd = bpf_map__fd(k->skel->maps.gc_purge_ports), r = 0;
	__u8 *one = NULL;
	__u32 cnt = (__u32)n;

	if (n > bpf_map__max_entries(k->skel->maps.gc_purge_ports))
		return -E2BIG;
	if (n) {
		one = malloc(n);
		if (!one)
			return -ENOMEM;
		memset(one, 1, n);
		r = bpf_map_update_batch(fd, ports, one, &cnt, NULL) ? -errno : 0;
	}
	if (!r) {
		b->gc_walk = 2;	/* GC_PURGE */
		b->gc_purge_net = net_id;
		r = run_walk(k);
		b->gc_purge_net = 0;
	}
	if (n) {	/* the set is emptied even after a failed run */
		cnt = (__u32)n;
		if (bpf_map_delete_batch(fd, ports, &cnt, NULL))
			for (size_t i = 0; i < n; i++)	/* a partial fill */
				bpf_map_delete_elem(fd, &ports[i]);
		free(one);
	}
	return results(k, r, res);
}
