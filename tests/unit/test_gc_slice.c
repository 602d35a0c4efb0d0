/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conntrack GC's walk by slices (ctl/vnetd/dp/dp_gc_slice.c, issue 21)
 * against a model of the kernel's hash map batch read (a bucket index as
 * the token, whole buckets, -ENOENT at the end, -ENOSPC for a bucket that
 * does not fit) with the clock in the test's hand: the cursor wraps, every
 * entry is visited once a cycle, a cycle takes at most GC_MAX_SLICES
 * ticks, expired flows and orphans go, flows deleted under the walk
 * (the cursor's own bucket included) break nothing, an oversized bucket is
 * skipped, the fill estimate follows the table. */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dp/dp_gc_slice_priv.h"
#include "vnet_ct_rules.h"

#define S 1000000000ULL
#define NOW (1000 * S)

struct ent {
	struct vnet_ct_key k;
	struct vnet_ct v;
	int live_seen, gone_seen;	/* reported by the walk */
	int used;
};

struct bucket {
	int *idx;	/* indexes into fake.ents */
	int n, cap;
};

/* The model: buckets of indexes into ents (deleted entries are unused). */
struct fake {
	struct bucket *b;
	__u32 nb;
	struct ent *ents;
	int n, cap, live;
	int reads, lookups;
	int one_bucket;	/* every key in bucket 0 */
};

static struct fake F;
static struct gc_walk *W;

static __u32 bucket_of(const struct vnet_ct_key *k)
{
	unsigned long long h = ((unsigned long long)k->saddr << 32 | k->daddr) * 0x9e3779b97f4a7c15ULL;

	h ^= ((unsigned long long)k->sport << 16 | k->dport) * 0xc2b2ae3d27d4eb4fULL;
	return F.one_bucket ? 0 : (__u32)(h >> 32) & (F.nb - 1);
}

static int find(const struct vnet_ct_key *k)
{
	struct bucket *b = &F.b[bucket_of(k)];

	for (int i = 0; i < b->n; i++)
		if (!memcmp(&F.ents[b->idx[i]].k, k, sizeof(*k)))
			return b->idx[i];
	return -1;
}

static int add(const struct vnet_ct_key *k, const struct vnet_ct *v)
{
	struct bucket *b = &F.b[bucket_of(k)];

	if (F.n == F.cap) {
		F.cap = F.cap ? F.cap * 2 : 1024;
		F.ents = realloc(F.ents, F.cap * sizeof(*F.ents));
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4;
		b->idx = realloc(b->idx, b->cap * sizeof(*b->idx));
	}
	F.ents[F.n] = (struct ent){ .k = *k, .v = *v, .used = 1 };
	b->idx[b->n++] = F.n;
	F.live++;
	return F.n++;
}

static void del(const struct vnet_ct_key *k)
{
	int e = find(k);
	struct bucket *b;

	if (e < 0)
		return;
	b = &F.b[bucket_of(k)];
	for (int i = 0; i < b->n; i++)
		if (b->idx[i] == e) {
			b->idx[i] = b->idx[--b->n];
			break;
		}
	F.ents[e].used = 0;
	F.live--;
}

static int op_read(void *ctx, __u32 *bucket, struct vnet_ct_key *keys, struct vnet_ct *vals,
		   __u32 *n)
{
	__u32 b = *bucket, total = 0;

	F.reads++;
	if (b >= F.nb)
		return -ENOENT;	/* the kernel writes neither count nor token */
	for (; b < F.nb; b++) {
		struct bucket *bk = &F.b[b];

		if (bk->n > (int)(*n - total)) {
			if (!total) {
				*n = 0;
				return -ENOSPC;
			}
			break;
		}
		for (int i = 0; i < bk->n; i++) {
			keys[total] = F.ents[bk->idx[i]].k;
			vals[total++] = F.ents[bk->idx[i]].v;
		}
	}
	*n = total;
	*bucket = b;
	return b >= F.nb ? -ENOENT : 0;
}

static int op_lookup(void *ctx, const struct vnet_ct_key *k, struct vnet_ct *v)
{
	int e = find(k);

	F.lookups++;
	if (e < 0)
		return -ENOENT;
	*v = F.ents[e].v;
	return 0;
}

static void op_del(void *ctx, const struct vnet_ct_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		del(&keys[i]);
}

static void op_gone(void *ctx, const struct vnet_ct_key *k, const struct vnet_ct *ct)
{
	int e = find(k);

	assert_true(e >= 0);	/* reported before its deletion */
	F.ents[e].gone_seen++;
}

static void op_live(void *ctx, const struct vnet_ct_key *k, const struct vnet_ct *ct)
{
	int e = find(k);

	assert_true(e >= 0);
	F.ents[e].live_seen++;
}

static const struct gc_ops OPS = { .read = op_read, .lookup = op_lookup, .del = op_del,
				   .gone = op_gone, .live = op_live };

/* A UDP flow i: its initiator and answer, both last seen at seen;
 * returns the initiator's index. */
static int flow(int i, unsigned long long seen, int net)
{
	struct vnet_ct_key k = { .saddr = htonl(0x0a000000 + i), .daddr = htonl(0x08080808),
				 .sport = htons(1000 + i % 50000), .dport = htons(53),
				 .proto = IPPROTO_UDP };
	struct vnet_ct_key ik = { .saddr = k.daddr, .daddr = htonl(0xc0a80001 + i / 50000),
				  .sport = k.dport, .dport = k.sport, .proto = IPPROTO_UDP };
	struct vnet_ct out = { .peer = ik, .dir = VNET_CT_OUT, .initiator = 1, .net_id = net,
			       .seen = VNET_CT_SEEN, .seen_ns = seen };
	struct vnet_ct in = { .peer = k, .dir = VNET_CT_IN, .net_id = net, .seen = VNET_CT_SEEN,
			      .seen_ns = seen };
	int e = add(&k, &out);

	add(&ik, &in);
	return e;
}

static int setup(void **state)
{
	memset(&F, 0, sizeof(F));
	F.nb = 1 << 20;
	F.b = calloc(F.nb, sizeof(*F.b));
	W = calloc(1, sizeof(*W));
	gc_walk_init(W, F.nb);
	return F.b && W ? 0 : -1;
}

static int teardown(void **state)
{
	for (__u32 i = 0; i < F.nb; i++)
		free(F.b[i].idx);
	free(F.b);
	free(F.ents);
	free(W);
	return 0;
}

/* Slices until a cycle ends; the number of ticks it took. */
static int cycle(unsigned long long now)
{
	for (int t = 1; t <= 64; t++) {
		int r = gc_walk_slice(W, &OPS, now, 1);

		assert_true(r >= 0);
		if (r == 1)
			return t;
	}
	fail_msg("no cycle end in 64 ticks");
	return 0;
}

static void clear_seen(void)
{
	for (int i = 0; i < F.n; i++)
		F.ents[i].live_seen = F.ents[i].gone_seen = 0;
}

/* A small table is read whole; a big one in at most GC_MAX_SLICES ticks,
 * never more ticks than the shortest timeout (10 s) divided by div has
 * seconds. */
static void test_slices_for(void **state)
{
	assert_int_equal(gc_slices_for(-1, 1024, 1), 1);
	assert_int_equal(gc_slices_for(1000, 262144, 1), 1);
	assert_int_equal(gc_slices_for(2000000, 4194304, 1), GC_MAX_SLICES);
	assert_int_equal(gc_slices_for(0, 4194304, 1), GC_MAX_SLICES);
	assert_int_equal(gc_slices_for(2000000, 4194304, 10), 1);
	assert_int_equal(gc_slices_for(2000000, 4194304, 1000000), 1);
	assert_true(gc_slices_for(2000000, 4194304, 2) <= 5);
	assert_int_equal(gc_slices_for(200000, 262144, 1), 3);
}

/* Every flow is judged once a cycle, over several cycles (the cursor
 * wraps to bucket 0); expired flows go in the first cycle, counted once,
 * the fresh and the idle-but-not-expired ones stay. */
static void test_cycle_visits_all(void **state)
{
	enum { N = 100000 };
	int fresh[N], idle[N / 10], old[N / 10];

	for (int i = 0; i < N; i++)
		fresh[i] = flow(i, NOW - 2 * S, 1);
	for (int i = 0; i < N / 10; i++) {
		idle[i] = flow(N + i, NOW - 40 * S, 2);	/* answered UDP: 60 s */
		old[i] = flow(2 * N + i, NOW - 61 * S, 3);
	}
	for (int c = 0; c < 3; c++) {
		int ticks;

		clear_seen();
		F.lookups = 0;
		ticks = cycle(NOW);
		assert_true(ticks >= 2 && ticks <= GC_MAX_SLICES);
		assert_int_equal(W->slice, 0);
		assert_int_equal(W->bucket, 0);
		for (int i = 0; i < N; i++)
			assert_int_equal(F.ents[fresh[i]].live_seen, 1);
		for (int i = 0; i < N / 10; i++) {
			assert_int_equal(F.ents[idle[i]].live_seen, 1);
			assert_int_equal(F.ents[old[i]].live_seen, 0);
			assert_int_equal(F.ents[old[i]].gone_seen, c == 0);
		}
		/* partners are read only for initiators idle past 30 s (and
		 * answers past 60 s whose initiator was not judged yet) */
		if (c == 0)
			assert_true(F.lookups >= N / 5 && F.lookups <= N / 5 + N / 10);
		else
			assert_int_equal(F.lookups, N / 10);
		assert_int_equal(F.live, 2 * (N + N / 10));
	}
	/* the entries as of each slice's visit, by network */
	long long net[VNET_MAX_NETS];

	assert_int_equal(gc_walk_entries(W, net), 2 * (N + N / 10));
	assert_int_equal(net[1], 2 * N);
	assert_int_equal(net[2], N / 5);
	assert_int_equal(net[3], 0);
	/* the fill estimate from one slice: within 5 % */
	assert_true(W->est > 2 * (N + N / 10) * 95 / 100 && W->est < 2 * (N + N / 10) * 105 / 100);
}

/* A flow expires at most one cycle after its timeout: the clock moves a
 * second a tick, every flow idle past 60 s is gone within GC_MAX_SLICES
 * ticks of it. */
static void test_expiry_within_a_cycle(void **state)
{
	enum { N = 50000 };
	unsigned long long now = NOW;

	for (int i = 0; i < N; i++)
		flow(i, NOW - (unsigned long long)(i % 60) * S, 1);
	cycle(now);	/* sizes the cycles by the table */
	for (int t = 0; t < 60 + GC_MAX_SLICES + 1; t++) {
		now += S;
		assert_true(gc_walk_slice(W, &OPS, now, 1) >= 0);
		/* nothing idle for more than 60 s + a cycle is left */
		for (int i = 0; i < F.n; i++)
			if (F.ents[i].used)
				assert_true(now - F.ents[i].v.seen_ns <= (61 + GC_MAX_SLICES) * S);
	}
	assert_int_equal(F.live, 0);
}

/* Flows deleted between slices, the ones in the cursor's bucket and
 * around it included, and new ones added: no error, the cycle ends, every
 * flow still there at the end is judged exactly once. */
static void test_deleted_mid_walk(void **state)
{
	enum { N = 100000 };
	int e[N];

	for (int i = 0; i < N; i++)
		e[i] = flow(i, NOW, 1);
	cycle(NOW);
	clear_seen();
	for (int t = 0, r = 0; r != 1; t++) {
		assert_true(t < 64);
		r = gc_walk_slice(W, &OPS, NOW, 1);
		assert_true(r >= 0);
		if (r == 1)
			break;
		/* empty the cursor's bucket and its neighbours, delete some
		 * flows at random and add new ones */
		for (__u32 b = W->bucket > 2 ? W->bucket - 2 : 0; b < W->bucket + 3 && b < F.nb; b++)
			while (F.b[b].n)
				del(&F.ents[F.b[b].idx[0]].k);
		for (int i = t; i < N; i += 97)
			if (F.ents[e[i]].used) {
				struct vnet_ct_key pk = F.ents[e[i]].v.peer;

				del(&F.ents[e[i]].k);
				del(&pk);
			}
		flow(N + t, NOW, 1);
	}
	for (int i = 0; i < F.n; i++)
		if (F.ents[i].used && F.ents[i].v.initiator)
			assert_true(F.ents[i].live_seen <= 1);
	/* the next cycle: every flow there once */
	clear_seen();
	cycle(NOW);
	for (int i = 0; i < F.n; i++)
		if (F.ents[i].used && F.ents[i].v.initiator)
			assert_int_equal(F.ents[i].live_seen, 1);
}

/* An initiator whose partner is gone and went idle goes; an answer
 * without its initiator goes once older than its protocol's longest
 * timeout; each is counted on its network. */
static void test_orphans(void **state)
{
	int a = flow(1, NOW - 40 * S, 7), b = flow(2, NOW - 61 * S, 7);
	struct vnet_ct_key ak = F.ents[a].k, bk = F.ents[b].k, bpeer = F.ents[b].v.peer;

	del(&F.ents[a].v.peer);	/* a: its answer gone */
	del(&bk);		/* b: its initiator gone */
	for (int i = 0; i < 1000; i++)
		flow(100 + i, NOW, 7);
	cycle(NOW);
	assert_int_equal(find(&ak), -1);
	assert_int_equal(find(&bpeer), -1);
	assert_int_equal(F.live, 2000);
}

/* A bucket larger than a read (GC_BATCH) is skipped, not a walk stuck on
 * it. */
static void test_oversized_bucket(void **state)
{
	F.one_bucket = 1;
	for (int i = 0; i < GC_BATCH; i++)
		flow(i, NOW - 100 * S, 1);
	F.one_bucket = 0;
	for (int i = 0; i < 1000; i++)
		flow(GC_BATCH + i, NOW - 100 * S, 1);
	cycle(NOW);
	assert_int_equal(F.live, 2 * GC_BATCH);	/* the big bucket's, left */
}

/* After a full pass the walk starts over at bucket 0 with its counts. */
static void test_restart(void **state)
{
	long long total[VNET_MAX_NETS] = { [1] = 5000, [2] = 3 }, net[VNET_MAX_NETS];

	for (int i = 0; i < 20000; i++)
		flow(i, NOW, 1);
	assert_int_equal(gc_walk_slice(W, &OPS, NOW, 1), 0);
	assert_true(W->bucket > 0);
	gc_walk_restart(W, total, 5003);
	assert_int_equal(W->bucket, 0);
	assert_int_equal(W->slice, 0);
	assert_int_equal(gc_walk_entries(W, net), 5003);
	assert_int_equal(net[2], 3);
	cycle(NOW);
	assert_int_equal(gc_walk_entries(W, net), 40000);
}

/* The rules both judges share (vnet_ct_rules.h): an initiator is judged
 * alone while younger than the shortest timeout its flow may have; a UDP
 * flow the kernel judge saw answered (VNET_CTF_GC_ANSWERED) has only the
 * answered timeout left (60 s), so it is judged alone until then; an
 * answer only once older than the longest. */
static void test_rules_need_peer(void **state)
{
	const unsigned long long s = 1000000000ULL;
	struct vnet_ct ct = { .initiator = 1 };
	struct vnet_ct peer = { .seen = VNET_CT_SEEN };

	(void)state;
	ct.peer.proto = IPPROTO_UDP;
	assert_false(vnet_ct_needs_peer(&ct, 30 * s, 1));
	assert_true(vnet_ct_needs_peer(&ct, 31 * s, 1));
	ct.flags = VNET_CTF_GC_ANSWERED;
	assert_false(vnet_ct_needs_peer(&ct, 59 * s, 1));
	assert_true(vnet_ct_needs_peer(&ct, 61 * s, 1));
	ct.seen_ns = peer.seen_ns = 50 * s;
	assert_int_equal(vnet_ct_judge(&ct, &peer, 100 * s, 1, 1), VNET_CT_LIVE);
	ct.seen_ns = peer.seen_ns = 1;
	assert_int_equal(vnet_ct_judge(&ct, &peer, 62 * s, 1, 1), VNET_CT_EXPIRED);
	assert_int_equal(vnet_ct_judge(&ct, NULL, 2 * s, 1, 1), VNET_CT_ORPHAN);
	assert_int_equal(vnet_ct_judge(&ct, NULL, 2 * s, 0, 1), VNET_CT_LIVE);
	ct.peer.proto = IPPROTO_TCP;	/* the flag is UDP's only */
	assert_true(vnet_ct_needs_peer(&ct, 11 * s, 1));
	ct.initiator = 0;
	assert_false(vnet_ct_needs_peer(&ct, 3600 * s, 1));
	assert_int_equal(vnet_ct_judge(&ct, &peer, 62 * s, 1, 1), VNET_CT_KEEP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slices_for),
		cmocka_unit_test(test_rules_need_peer),
		cmocka_unit_test_setup_teardown(test_cycle_visits_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_within_a_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_mid_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_orphans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_bucket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
