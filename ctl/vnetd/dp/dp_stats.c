// SPDX-License-Identifier: GPL-2.0-or-later
/* The counters as JSON (conntrack GC: dp_gc.c). */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_priv.h"
#include "vnet.skel.h"

static const char *const drop_names[] = {
#define X(n, s) [VNET_DROP_##n] = s,
	VNET_DROP_REASONS(X)
#undef X
};

static const char *const global_names[] = {
#define X(n, s) [VNET_G_##n] = s,
	VNET_GLOBAL_COUNTERS(X)
#undef X
};

/* Add n to counter idx of network net_id (CPU 0's slot: the programs
 * never write it from user space's side, and a sum reads every CPU). */
void dp_counter_add(struct datapath *dp, unsigned net_id, unsigned idx, unsigned long long n)
{
	int fd = DP_MAP_FD(dp, global_stats);
	unsigned long long *v = calloc(dp->ncpu, sizeof(*v));
	__u32 key = VNET_G_IDX(net_id < VNET_MAX_NETS ? net_id : 0, idx);

	if (!v)
		return;
	if (bpf_map_lookup_elem(fd, &key, v) == 0) {
		v[0] += n;
		bpf_map_update_elem(fd, &key, v, BPF_EXIST);
	}
	free(v);
}

/* Sum a per-CPU u64 array value / struct of u64s. */
static int percpu_sum(struct datapath *dp, int fd, const void *key, __u64 *out, size_t nwords)
{
	__u64 *v = calloc((size_t)dp->ncpu * nwords, sizeof(__u64));

	if (!v)
		return -ENOMEM;
	memset(out, 0, nwords * sizeof(__u64));
	if (bpf_map_lookup_elem(fd, key, v)) {
		free(v);
		return -errno;
	}
	for (int c = 0; c < dp->ncpu; c++)
		for (size_t w = 0; w < nwords; w++)
			out[w] += v[c * nwords + w];
	free(v);
	return 0;
}

static struct json_object *stats_obj(const struct vnet_stats *s)
{
	struct json_object *o = json_object_new_object();

#define F(n) json_object_object_add(o, #n, json_object_new_int64((int64_t)s->n))
	F(rx_packets); F(rx_bytes); F(fast_packets); F(fast_bytes);
	F(slow_packets); F(slow_bytes); F(tx_packets); F(tx_bytes); F(drops);
#undef F
	return o;
}

/* What a port's <bandwidth> did (docs/datapath.md, "QoS"), once it did. */
static void add_qos(struct datapath *dp, struct json_object *o, __u32 ifindex)
{
	struct vnet_qos_stats q;

	if (dp_port_qos_stats(dp, ifindex, &q))
		return;
	json_object_object_add(o, "qos_paced_packets", json_object_new_int64((int64_t)q.paced));
	json_object_object_add(o, "qos_dropped_packets", json_object_new_int64((int64_t)q.dropped));
	json_object_object_add(o, "qos_policed_packets", json_object_new_int64((int64_t)q.policed));
}

static void add_port(struct datapath *dp, struct json_object *arr, __u32 ifindex, __u32 net_id,
		     const char *role)
{
	struct vnet_stats s = { 0 };
	char name[IF_NAMESIZE] = "";
	struct json_object *o;

	dp_port_counters(dp, (int)ifindex, &s);
	o = stats_obj(&s);
	if_indextoname(ifindex, name);
	json_object_object_add(o, "ifindex", json_object_new_int(ifindex));
	json_object_object_add(o, "ifname", json_object_new_string(name));
	json_object_object_add(o, "net_id", json_object_new_int(net_id));
	json_object_object_add(o, "role", json_object_new_string(role));
	add_qos(dp, o, ifindex);
	json_object_array_add(arr, o);
}

static struct json_object *ports_json(struct datapath *dp, uint32_t net_id)
{
	int pfd = DP_MAP_FD(dp, port_map), ufd = DP_MAP_FD(dp, uplink_map);
	struct json_object *arr = json_object_new_array();
	__u32 key, next, *prev = NULL;
	struct vnet_port port;

	while (bpf_map_get_next_key(pfd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(pfd, &key, &port) == 0 &&
		    (!net_id || port.net_id == net_id))
			add_port(dp, arr, key, port.net_id, "port");
	}
	prev = NULL;
	while (!net_id && bpf_map_get_next_key(ufd, prev, &next) == 0) {
		key = next;
		prev = &key;
		add_port(dp, arr, key, 0, "uplink");
		/* the uplink's XDP program: "native" or "off" */
		json_object_object_add(json_object_array_get_idx(arr, json_object_array_length(arr) - 1),
				       "xdp", json_object_new_string(dp_uplink_xdp_name(dp, key) ?: "off"));
	}
	return arr;
}

/* Per-network counters of one map: sums[i] = slot i of network net_id,
 * summed over CPUs; net_id 0 with all: every network's (and net 0's) slot
 * i added up, read in one batch. */
static void net_sums(struct datapath *dp, int fd, unsigned slots, unsigned n,
		     uint32_t net_id, int all, __u64 *sums)
{
	__u32 total = VNET_MAX_NETS * slots, count = total, token, *keys;
	__u64 *vals;

	memset(sums, 0, n * sizeof(*sums));
	if (!all) {
		for (__u32 i = 0; i < n; i++) {
			__u32 k = net_id * slots + i;

			percpu_sum(dp, fd, &k, &sums[i], 1);
		}
		return;
	}
	keys = calloc(total, sizeof(*keys));
	vals = calloc((size_t)total * dp->ncpu, sizeof(*vals));
	if (keys && vals &&
	    (bpf_map_lookup_batch(fd, NULL, &token, keys, vals, &count, NULL) == 0 ||
	     errno == ENOENT)) {
		for (__u32 i = 0; i < count; i++)
			for (int c = 0; c < dp->ncpu && keys[i] % slots < n; c++)
				sums[keys[i] % slots] += vals[(size_t)i * dp->ncpu + c];
	}
	free(keys);
	free(vals);
}

static struct json_object *drops_json(struct datapath *dp, uint32_t net_id, int all)
{
	struct json_object *o = json_object_new_object();
	__u64 v[VNET_DROP_MAX];

	net_sums(dp, DP_MAP_FD(dp, drops), VNET_DROP_SLOTS, VNET_DROP_MAX, net_id, all, v);
	for (__u32 i = 1; i < VNET_DROP_MAX; i++)
		json_object_object_add(o, drop_names[i], json_object_new_int64((int64_t)v[i]));
	return o;
}

/* RX4_PACKETS..TX6_PACKETS: the counters by address family (families_json). */
static int is_family(__u32 i)
{
	return i >= VNET_G_RX4_PACKETS && i <= VNET_G_TX6_PACKETS;
}

/* {"ipv4": {rx_packets, tx_packets}, "ipv6": {...}}
 * of a network (net 0 with all: every network's and the uplink's). */
static struct json_object *families_json(struct datapath *dp, uint32_t net_id, int all)
{
	static const struct {
		const char *fam, *key;
		__u32 idx;
	} rows[] = {
		{ "ipv4", "rx_packets", VNET_G_RX4_PACKETS }, { "ipv4", "tx_packets", VNET_G_TX4_PACKETS },
		{ "ipv6", "rx_packets", VNET_G_RX6_PACKETS }, { "ipv6", "tx_packets", VNET_G_TX6_PACKETS },
	};
	struct json_object *o = json_object_new_object(), *f = NULL;
	__u64 v[VNET_G_MAX];

	net_sums(dp, DP_MAP_FD(dp, global_stats), VNET_G_SLOTS, VNET_G_MAX, net_id, all, v);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!i || strcmp(rows[i].fam, rows[i - 1].fam)) {
			f = json_object_new_object();
			json_object_object_add(o, rows[i].fam, f);
		}
		json_object_object_add(f, rows[i].key, json_object_new_int64((int64_t)v[rows[i].idx]));
	}
	return o;
}

/* A network's conntrack counters (net 0 with all: the totals). uplink_pass
 * is host traffic, never a network's: reported with the totals and by
 * dp_stats_global_json only. */
static struct json_object *ct_json(struct datapath *dp, uint32_t net_id, int all)
{
	struct json_object *o = json_object_new_object();
	__u64 v[VNET_G_MAX];

	/* entries: as of the GC's last pass (dp_tick, about once a second),
	 * not a walk of up to 262k keys per request; a first request before
	 * any pass runs one */
	if (dp->ct_entries < 0)
		dp_gc(dp);
	net_sums(dp, DP_MAP_FD(dp, global_stats), VNET_G_SLOTS, VNET_G_MAX, net_id, all, v);
	for (__u32 i = 0; i < VNET_G_MAX; i++)
		if ((all || i != VNET_G_UPLINK_PASS) && !is_family(i))
			json_object_object_add(o, global_names[i], json_object_new_int64((int64_t)v[i]));
	json_object_object_add(o, "entries",
			       json_object_new_int64(all ? dp->ct_entries : dp->ct_net_entries[net_id]));
	json_object_object_add(o, "max_entries",
			       json_object_new_int64(bpf_map__max_entries(dp->skel->maps.ct_map)));
	/* the GCs' CPU time since vnetd started, the table's (as max_entries) */
	json_object_object_add(o, "gc_cpu_us", json_object_new_int64(dp->gc_cpu_ns / 1000));
	json_object_object_add(o, "gc_passes", json_object_new_int64(dp->gc_passes));
	/* passes over the shared tables removing ports' entries: one per
	 * port-del, one per network stop for all its ports */
	json_object_object_add(o, "port_purges", json_object_new_int64(dp->port_purges));
	return o;
}

struct json_object *dp_stats_json(struct datapath *dp, uint32_t net_id)
{
	struct json_object *o = json_object_new_object();
	int all = net_id == 0;

	if (net_id >= VNET_MAX_NETS)
		net_id = 0;
	json_object_object_add(o, "ports", ports_json(dp, net_id));
	json_object_object_add(o, "drops", drops_json(dp, net_id, all));
	json_object_object_add(o, "conntrack", ct_json(dp, net_id, all));
	json_object_object_add(o, "families", families_json(dp, net_id, all));
	return o;
}

struct json_object *dp_stats_global_json(struct datapath *dp)
{
	struct json_object *o = json_object_new_object(), *ct = json_object_new_object();
	__u64 v[VNET_G_MAX];

	if (dp->ct_entries < 0)
		dp_gc(dp);
	json_object_object_add(o, "drops", drops_json(dp, 0, 0));
	net_sums(dp, DP_MAP_FD(dp, global_stats), VNET_G_SLOTS, VNET_G_MAX, 0, 0, v);
	json_object_object_add(ct, "uplink_pass", json_object_new_int64((int64_t)v[VNET_G_UPLINK_PASS]));
	json_object_object_add(ct, "table_entries", json_object_new_int64(dp->ct_entries));
	json_object_object_add(ct, "max_entries",
			       json_object_new_int64(bpf_map__max_entries(dp->skel->maps.ct_map)));
	json_object_object_add(o, "conntrack", ct);
	return o;
}
