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

void dp_global_add(struct datapath *dp, unsigned idx, unsigned long long n)
{
	int fd = dp_map_fd(dp, "global_stats");
	unsigned long long *v = calloc(dp->ncpu, sizeof(*v));
	__u32 key = idx;

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

static void add_port(struct datapath *dp, struct json_object *arr, __u32 ifindex, __u32 net_id,
		     const char *role)
{
	struct vnet_stats s = { 0 };
	char name[IF_NAMESIZE] = "";
	struct json_object *o;

	percpu_sum(dp, dp_map_fd(dp, "port_stats"), &ifindex, (__u64 *)&s, sizeof(s) / 8);
	o = stats_obj(&s);
	if_indextoname(ifindex, name);
	json_object_object_add(o, "ifindex", json_object_new_int(ifindex));
	json_object_object_add(o, "ifname", json_object_new_string(name));
	json_object_object_add(o, "net_id", json_object_new_int(net_id));
	json_object_object_add(o, "role", json_object_new_string(role));
	json_object_array_add(arr, o);
}

static struct json_object *ports_json(struct datapath *dp, uint32_t net_id)
{
	int pfd = dp_map_fd(dp, "port_map"), ufd = dp_map_fd(dp, "uplink_map");
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
	}
	return arr;
}

static struct json_object *drops_json(struct datapath *dp)
{
	struct json_object *o = json_object_new_object();
	int fd = dp_map_fd(dp, "drops");

	for (__u32 i = 1; i < VNET_DROP_MAX; i++) {
		__u64 v = 0;

		percpu_sum(dp, fd, &i, &v, 1);
		json_object_object_add(o, drop_names[i], json_object_new_int64((int64_t)v));
	}
	return o;
}

static struct json_object *ct_json(struct datapath *dp)
{
	struct json_object *o = json_object_new_object();
	int fd = dp_map_fd(dp, "global_stats");

	/* entries: as of the GC's last pass (dp_tick, about once a second),
	 * not a walk of up to 262k keys per request; a first request before
	 * any pass runs one */
	if (dp->ct_entries < 0)
		dp_gc(dp);
	for (__u32 i = 0; i < VNET_G_MAX; i++) {
		__u64 v = 0;

		percpu_sum(dp, fd, &i, &v, 1);
		json_object_object_add(o, global_names[i], json_object_new_int64((int64_t)v));
	}
	json_object_object_add(o, "entries",
			       json_object_new_int64(dp->ct_entries < 0 ? 0 : dp->ct_entries));
	json_object_object_add(o, "max_entries",
			       json_object_new_int64(bpf_map__max_entries(dp->skel->maps.ct_map)));
	return o;
}

struct json_object *dp_stats_json(struct datapath *dp, uint32_t net_id)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ports", ports_json(dp, net_id));
	json_object_object_add(o, "drops", drops_json(dp));
	json_object_object_add(o, "conntrack", ct_json(dp));
	return o;
}
