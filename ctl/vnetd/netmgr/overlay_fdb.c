/* SPDX-License-Identifier: GPL-2.0-or-later */
/* <vnet:overlay> (issue 22): the fast path to remote guests. zebra (FRR)
 * installs every remote guest's MAC as an fdb entry on the network's
 * VXLAN device (`MAC dst VTEP self extern_learn`) and removes it when the
 * route is withdrawn. vnetd mirrors those entries into the data path
 * (dp_remote_sync: remote_fdb_map), so the port program sends a frame for
 * a remote guest straight to the VXLAN device instead of through the
 * kernel bridge. The mirror follows the kernel: every fdb event on a
 * VXLAN device of an overlay network (linkwatch.c, RTNLGRP_NEIGH) and
 * every reconciliation (5 s) compares the device's fdb with the map. It
 * also keeps the remote VTEPs seen, so a VTEP that goes away (its host
 * down, its FRR stopped) is logged and reported with its MACs withdrawn. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "nl/nl.h"
#include "netmgr.h"

#define OV_MAX_VTEPS (NETDEF_MAX_OVERLAY_PEERS * 2)

struct ov_vtep {
	struct in_addr addr;
	unsigned macs;	/* remote MACs behind it at the last sync */
	int up;		/* in the device's fdb (flood list or a MAC) at the last sync */
};

struct overlay_fdb {
	int ifindex;	/* the VXLAN device the map's entries point to, 0: none */
	size_t n_vteps;
	struct ov_vtep vteps[OV_MAX_VTEPS];
	unsigned macs;		/* remote MACs mirrored */
	uint64_t withdrawn;	/* MACs removed from the mirror */
	uint64_t vteps_gone;	/* VTEPs that left the device's fdb */
};

struct collect {
	struct dp_remote *v;
	size_t n, cap;
	struct ov_vtep vteps[OV_MAX_VTEPS];
	size_t n_vteps;
	int oom;
};

static struct ov_vtep *vtep_find(struct ov_vtep *v, size_t n, struct in_addr a)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].addr.s_addr == a.s_addr)
			return &v[i];
	return NULL;
}

static void collect_entry(const uint8_t mac[6], struct in_addr dst, unsigned flags, void *ctx)
{
	static const uint8_t zero[6];
	struct collect *c = ctx;
	struct ov_vtep *t;

	(void)flags;
	if (!dst.s_addr)
		return;
	t = vtep_find(c->vteps, c->n_vteps, dst);
	if (!t && c->n_vteps < OV_MAX_VTEPS) {
		t = &c->vteps[c->n_vteps++];
		*t = (struct ov_vtep){ .addr = dst, .up = 1 };
	}
	if (!memcmp(mac, zero, 6) || (mac[0] & 1))	/* the flood list, group MACs */
		return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct dp_remote *nv = realloc(c->v, cap * sizeof(*nv));

		if (!nv) {
			c->oom = 1;
			return;
		}
		c->v = nv;
		c->cap = cap;
	}
	memcpy(c->v[c->n].mac, mac, 6);
	c->v[c->n++].vtep = dst;
	if (t)
		t->macs++;
}

static struct overlay_fdb *ovf_of(struct network *n)
{
	if (!n->ovf)
		n->ovf = calloc(1, sizeof(*n->ovf));
	return n->ovf;
}

/* The new VTEP list: the last sync's, each marked up or not now; VTEPs
 * that left are logged with the MACs they took with them. */
static void vteps_update(struct network *n, struct overlay_fdb *f, const struct collect *c)
{
	char a[INET_ADDRSTRLEN];

	for (size_t i = 0; i < f->n_vteps; i++) {
		struct ov_vtep *was = &f->vteps[i];
		const struct ov_vtep *now = vtep_find((struct ov_vtep *)c->vteps, c->n_vteps, was->addr);

		inet_ntop(AF_INET, &was->addr, a, sizeof(a));
		if (was->up && !now) {
			f->vteps_gone++;
			log_warn("network %s: remote VTEP %s gone: its %u MAC(s) withdrawn",
				 n->def->name, a, was->macs);
			netmgr_overlay_event(n, "vtep-down", was->addr, was->macs);
		}
		if (!was->up && now) {
			log_info("network %s: remote VTEP %s back (%u MAC(s))", n->def->name, a,
				 now->macs);
			netmgr_overlay_event(n, "vtep-up", was->addr, now->macs);
		}
		was->up = now != NULL;
		was->macs = now ? now->macs : 0;
	}
	for (size_t i = 0; i < c->n_vteps; i++) {
		if (vtep_find(f->vteps, f->n_vteps, c->vteps[i].addr) || f->n_vteps >= OV_MAX_VTEPS)
			continue;
		f->vteps[f->n_vteps++] = c->vteps[i];
		inet_ntop(AF_INET, &c->vteps[i].addr, a, sizeof(a));
		log_info("network %s: remote VTEP %s up (%u MAC(s))", n->def->name, a,
			 c->vteps[i].macs);
		netmgr_overlay_event(n, "vtep-up", c->vteps[i].addr, c->vteps[i].macs);
	}
}

void network_overlay_sync(struct network *n)
{
	struct collect c = { 0 };
	struct overlay_fdb *f;
	unsigned added = 0, removed = 0;
	char name[16];
	int ifindex, ret;

	if (!n->def->overlay.enabled || n->state != NETWORK_ACTIVE || !(f = ovf_of(n)))
		return;
	network_overlay_ifname(n, name, sizeof(name));
	ifindex = (int)if_nametoindex(name);
	if (ifindex && (ret = nl_fdb_each(name, collect_entry, &c))) {
		log_warn("network %s: cannot read %s's fdb: %s", n->def->name, name, nl_strerror(ret));
		free(c.v);
		return;
	}
	if (c.oom) {
		free(c.v);
		return;
	}
	if (f->ifindex && f->ifindex != ifindex)	/* the device went (or was re-made) */
		dp_remote_purge(n->mgr->dp, n->id, f->ifindex);
	ret = dp_remote_sync(n->mgr->dp, n->id, ifindex, c.v, c.n, &added, &removed);
	if (ret)
		log_warn("network %s: cannot mirror the remote MACs into the data path: %s",
			 n->def->name, strerror(-ret));
	f->ifindex = ifindex;
	f->macs = (unsigned)c.n;
	f->withdrawn += removed;
	vteps_update(n, f, &c);
	if (added || removed)
		log_debug("network %s: remote MACs: %u mirrored, %u added, %u withdrawn",
			  n->def->name, f->macs, added, removed);
	free(c.v);
}

int netmgr_overlay_is_dev(struct netmgr *m, int ifindex)
{
	for (size_t i = 0; i < m->n_nets; i++) {
		struct network *n = m->nets[i];
		char name[16];

		if (!n->def->overlay.enabled || n->state != NETWORK_ACTIVE)
			continue;
		if (n->ovf && n->ovf->ifindex == ifindex)
			return 1;
		network_overlay_ifname(n, name, sizeof(name));
		if ((int)if_nametoindex(name) == ifindex)
			return 1;
	}
	return 0;
}

void netmgr_overlay_sync(struct netmgr *m)
{
	for (size_t i = 0; i < m->n_nets; i++)
		network_overlay_sync(m->nets[i]);
}

/* net-stop: the mirror, the per-VTEP counters and what was seen go. */
void network_overlay_fdb_stop(struct network *n)
{
	int ifindex = n->ovf ? n->ovf->ifindex : 0;
	char name[16];

	if (!n->def->overlay.enabled)
		return;
	if (!ifindex) {
		network_overlay_ifname(n, name, sizeof(name));
		ifindex = (int)if_nametoindex(name);
	}
	dp_remote_purge(n->mgr->dp, n->id, ifindex);
	free(n->ovf);
	n->ovf = NULL;
}

struct tx_sums {
	struct in_addr vtep[OV_MAX_VTEPS];
	uint64_t packets[OV_MAX_VTEPS], bytes[OV_MAX_VTEPS];
	size_t n;
};

static void tx_seen(void *ctx, struct in_addr vtep, uint64_t packets, uint64_t bytes)
{
	struct tx_sums *t = ctx;
	size_t i;

	for (i = 0; i < t->n && t->vtep[i].s_addr != vtep.s_addr; i++)
		;
	if (i == t->n) {
		if (t->n == OV_MAX_VTEPS)
			return;
		t->vtep[t->n++] = vtep;
	}
	t->packets[i] += packets;
	t->bytes[i] += bytes;
}

/* Every remote this host knows of: the other <vnet:peer>s, the VTEPs
 * zebra installed, the VTEPs the data path sent to. */
int network_overlay_remotes(struct network *n, network_remote_fn fn, void *ctx)
{
	const struct netdef_overlay *ov = &n->def->overlay;
	struct overlay_fdb *f;
	struct tx_sums t = { 0 };
	struct in_addr all[OV_MAX_VTEPS * 2 + NETDEF_MAX_OVERLAY_PEERS];
	size_t na = 0;

	if (!ov->enabled || n->state != NETWORK_ACTIVE)
		return -ENOENT;
	network_overlay_sync(n);	/* what the kernel has now */
	f = ovf_of(n);
	if (!f)
		return -ENOMEM;
	dp_remote_stats_each(n->mgr->dp, n->id, tx_seen, &t);
	for (size_t i = 0; i < f->n_vteps; i++)
		all[na++] = f->vteps[i].addr;
	for (size_t i = 0; i < t.n; i++)
		all[na++] = t.vtep[i];
	for (size_t i = 0; i < ov->n_peers; i++)
		all[na++] = ov->peers[i];
	for (size_t i = 0; i < na; i++) {
		struct network_remote r = { .vtep = all[i] };
		struct ov_vtep *v;
		size_t j;

		for (j = 0; j < i && all[j].s_addr != all[i].s_addr; j++)
			;
		if (j < i)
			continue;	/* listed already */
		if (n->mgr->paths.underlay_local && inet_addr(n->mgr->paths.underlay_local) == all[i].s_addr)
			continue;	/* this host */
		if (all[i].s_addr == ov->local.s_addr)
			continue;
		v = vtep_find(f->vteps, f->n_vteps, all[i]);
		r.up = v && v->up;
		r.macs = v ? v->macs : 0;
		for (j = 0; j < t.n; j++)
			if (t.vtep[j].s_addr == all[i].s_addr) {
				r.tx_packets = t.packets[j];
				r.tx_bytes = t.bytes[j];
			}
		fn(ctx, &r);
	}
	return 0;
}

void network_overlay_totals(const struct network *n, unsigned *macs, uint64_t *withdrawn,
			    uint64_t *vteps_gone)
{
	*macs = n->ovf ? n->ovf->macs : 0;
	*withdrawn = n->ovf ? n->ovf->withdrawn : 0;
	*vteps_gone = n->ovf ? n->ovf->vteps_gone : 0;
}

static void remote_json(void *ctx, const struct network_remote *r)
{
	struct json_object *o = json_object_new_object();
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &r->vtep, a, sizeof(a));
	json_object_object_add(o, "vtep", json_object_new_string(a));
	json_object_object_add(o, "state", json_object_new_string(r->up ? "up" : "down"));
	json_object_object_add(o, "macs", json_object_new_int((int)r->macs));
	json_object_object_add(o, "tx_packets", json_object_new_int64((int64_t)r->tx_packets));
	json_object_object_add(o, "tx_bytes", json_object_new_int64((int64_t)r->tx_bytes));
	json_object_array_add(ctx, o);
}

/* stats' "overlay": the fast path's mirror and each remote's counters. */
struct json_object *network_overlay_stats_json(struct network *n)
{
	struct json_object *o, *arr = json_object_new_array();
	uint64_t withdrawn, gone;
	unsigned macs;

	if (network_overlay_remotes(n, remote_json, arr)) {
		json_object_put(arr);
		return NULL;
	}
	network_overlay_totals(n, &macs, &withdrawn, &gone);
	o = json_object_new_object();
	json_object_object_add(o, "remote_macs_mirrored", json_object_new_int((int)macs));
	json_object_object_add(o, "remote_macs_withdrawn", json_object_new_int64((int64_t)withdrawn));
	json_object_object_add(o, "remote_vteps_gone", json_object_new_int64((int64_t)gone));
	json_object_object_add(o, "remotes", arr);
	return o;
}

struct info_line {
	char buf[1024];
	size_t len;
};

static void remote_line(void *ctx, const struct network_remote *r)
{
	struct info_line *l = ctx;
	char a[INET_ADDRSTRLEN];

	if (l->len >= sizeof(l->buf))
		return;
	inet_ntop(AF_INET, &r->vtep, a, sizeof(a));
	l->len += (size_t)snprintf(l->buf + l->len, sizeof(l->buf) - l->len,
				   "%s%s %s, %u MACs, tx %llu packets %llu bytes", l->len ? "; " : "",
				   a, r->up ? "up" : "down", r->macs,
				   (unsigned long long)r->tx_packets, (unsigned long long)r->tx_bytes);
}

/* net-info's "remotes": one entry per remote, its state and counters. */
void network_overlay_remotes_info(struct json_object *o, struct network *n)
{
	struct info_line l = { .len = 0 };

	if (network_overlay_remotes(n, remote_line, &l))
		return;
	json_object_object_add(o, "remotes", json_object_new_string(l.len ? l.buf : "none"));
}
