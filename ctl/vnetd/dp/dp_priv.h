/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals shared by datapath.c and the dp_*.c files (not for other
 * users: they see only datapath.h). */
#ifndef VNET_DP_PRIV_H
#define VNET_DP_PRIV_H

#include <limits.h>
#include <stddef.h>

#include "dp.h"
#include "vnet_shared.h"
#include "vnet.skel.h"

struct vnet;
struct dp_quota_seen;
struct dp_gc;

struct datapath {
	char pin_dir[PATH_MAX];
	struct vnet *skel;
	int ncpu;
	long long ct_entries;	/* conntrack entries at the last GC pass, -1: none yet */
	long long ct_net_entries[VNET_MAX_NETS];	/* the same by network */
	unsigned ct_timeout_div;	/* VNET_CT_TIMEOUT_DIV (tests only), else 1 */
	struct dp_gc *gc;	/* the GC's walk between ticks (dp_gc.c) */
	int gc_user_only;	/* tests: no kernel judge, vnetd reads the table */
	long long gc_cpu_ns;	/* CPU time dp_tick spent in the GCs (stats: gc_cpu_us) */
	long long gc_passes;	/* the IPv4 GC's passes over the whole table (stats) */
	long long port_purges;	/* passes over the shared tables for ports gone (stats) */
	long long ct_kern_purges;	/* conntrack purges the kernel judge did (tests) */
	struct dp_quota_seen *quota_prev;	/* ct_made at the last pass, sorted */
	size_t quota_nprev;
	struct dp_quota6_seen *quota6_prev;	/* ct6_made at the last pass, sorted */
	size_t quota6_nprev;
	/* each network's <bandwidth> as last given (dp_qos.c: rewritten when
	 * the first paced port shows the kernel has no sch_fq) */
	struct netdef_bandwidth qos_net_bw[VNET_MAX_NETS];
	/* qos_map's entries: counted once at start (dp_qos_open), then kept by
	 * the writes (dp_qos.c), so a port-add never walks the map (issue 21) */
	unsigned qos_n;
	/* port_ctr slots held by port_state entries (dp_port_state.c) */
	unsigned char *ps_used;
	size_t ps_nslots;
	struct ps_carry *ps_carry;	/* from a replaced pin (datapath.c), open only */
	size_t ps_ncarry;
};

/* tc filter identity: one filter per hook, replaced in place. */
#define DP_TC_HANDLE 0x564e	/* "VN" */
#define DP_TC_PRIO 1

/* dp_attach.c */
int dp_dev_kind(int ifindex);
int dp_hook_for(int kind, int uplink);
/* the configured conntrack size (dp_configure) */
unsigned long dp_config_ct_max(void);
int dp_attach_port(struct datapath *dp, int ifindex, int hook, int uplink, char *err,
		   size_t errlen);
int dp_detach(const char *pin_dir, int ifindex, int hook, int uplink);
int dp_attach_bridge(struct datapath *dp, int ifindex, char *err, size_t errlen);
int dp_detach_bridge(const char *pin_dir, int ifindex);
/* dp_links.c: the links attached, held open while vnetd runs (keyed by
 * pin path): hold a dup of fd; drop closes it (the pin, if any, keeps the
 * link); restore pins a held link again if its pin is gone; repin does so
 * for all under pin_dir (count; failures added to *failed); release
 * closes all under pin_dir. */
void dp_link_hold(const char *path, int fd);
void dp_link_drop(const char *path);
void dp_link_restore(const char *path);
int dp_links_repin(const char *pin_dir, int *failed);
void dp_links_release(const char *pin_dir);
/* A vanished device's tcx link pins (defunct ones only). */
void dp_tc_unpin_stale(const char *pin_dir, int ifindex);
int dp_port_hook(int kind, int choice);
const char *dp_hook_name(int hook);
void dp_hook_switch(struct datapath *dp, int ifindex, int from, int to);
void dp_tx_port(struct datapath *dp, __u32 ifindex, int on);
/* The uplink's XDP program on ifindex as the config says (attached or
 * replaced in native mode, or removed): 1 it runs, 0 not. */
int dp_uplink_xdp_set(struct datapath *dp, int ifindex, int kind);

/* dp_policy.c */
int dp_learn_expire(struct datapath *dp);
void dp_learn_port_gone(struct datapath *dp, __u32 ifindex);
/* n learned bindings of the port removed (learn_cfg.gone) */
void dp_learn_gone(struct datapath *dp, __u32 ifindex, unsigned n);

/* dp_gc.c (dp_gc), dp_stats.c. dp_gc_at: a tick at now (ns,
 * CLOCK_MONOTONIC): one slice of a big table, the whole of a small or
 * nearly full one (dp_gc_slice_priv.h); dp_gc: now. */
void dp_gc(struct datapath *dp);
void dp_gc_at(struct datapath *dp, unsigned long long now);
void dp_gc_free(struct datapath *dp);
/* The ticks the GC's next cycle over the table takes (1: read whole). */
unsigned dp_gc_slices(struct datapath *dp);
/* Ports going together (a network's stop), their ifindexes sorted: each
 * shared table is read once for all of them (dp_config.c: dp_ports_del;
 * a pass per port took over 22 min for 1,000 ports over 4M flows). */
struct dp_port_set {
	const __u32 *v;
	size_t n;
};
int dp_port_set_has(const struct dp_port_set *s, __u32 ifindex);
/* Remove every flow of network net_id (0: none) and every flow whose IN
 * entry delivers to one of ports, both entries of each: in the kernel
 * (the GC's judge) where it loads, else by vnetd's read of the table. */
struct dp_ct_sel {
	__u32 net_id;
	struct dp_port_set ports;
};
void dp_ct_purge(struct datapath *dp, const struct dp_ct_sel *sel);
/* NAT66's flows (dp_gc6.c): the GC pass, and removing every flow whose
 * entry match selects; a flow's timeout by IPv4's rules (dp_gc.c) */
void dp_gc6(struct datapath *dp);
void dp_ct6_purge(struct datapath *dp, int (*match)(const struct vnet_ct6 *, const void *),
		  const void *arg);
unsigned dp_ct6_timeout(const struct vnet_ct6 *a, const struct vnet_ct6 *b, int *weak);

/* dp_quota.c: flows counted per guest / forward (keys of counted flows) */
struct dp_quota_keys {
	struct vnet_quota_key *v;
	size_t n, cap;
};
int dp_quota_key_of(const struct vnet_ct_key *k, const struct vnet_ct *ct,
		    struct vnet_quota_key *qk);
void dp_quota_keys_add(struct dp_quota_keys *q, const struct vnet_ct_key *k,
		       const struct vnet_ct *ct);
int dp_quota_key_cmp(const void *a, const void *b);
/* Sort q and fold it into distinct keys with their counts (in place:
 * q->v[i] with (*counts)[i]); returns the number of distinct keys. */
size_t dp_quota_fold(struct dp_quota_keys *q, __u32 **counts);
void dp_quota_gone(struct datapath *dp, struct dp_quota_keys *gone);
/* the same, folded already: counts[i] flows of keys[i] */
void dp_quota_gone_counts(struct datapath *dp, const struct vnet_quota_key *keys,
			  const __u32 *counts, size_t d);
/* live, counts: the counted flows left in the table, folded. */
void dp_quota_reconcile(struct datapath *dp, const struct vnet_quota_key *live,
			const __u32 *counts, size_t d);
void dp_counter_add(struct datapath *dp, unsigned net_id, unsigned idx, unsigned long long n);

/* A map's fd through the skeleton's typed member (include vnet.skel.h):
 * a misspelt map name fails to compile instead of returning -ENOENT. */
#define DP_MAP_FD(dp, name) bpf_map__fd((dp)->skel->maps.name)

/* dp_bind.c: (net, mac) -> ifindex in the fdb, before any frame. */
void dp_fdb_seed(struct datapath *dp, uint32_t net_id, const uint8_t *mac, int ifindex);

/* dp_fwd6.c: port forwards to guests' IPv6 addresses (fwd6_map): one
 * host port (no range); purge: a network's (a new NAT66 address, stop). */
int dp_fwd6_add(struct datapath *dp, uint32_t net_id, const struct netdef_port_forward *pf,
		char *err, size_t errlen);
int dp_fwd6_del(struct datapath *dp, uint32_t net_id, const struct netdef_port_forward *pf);
void dp_fwd6_purge(struct datapath *dp, uint32_t net_id);

/* dp_config.c: delete every entry of map fd that match() accepts. */
typedef int (*dp_match_fn)(const void *key, const void *val, const void *arg);
int purge_matching(int fd, size_t ksz, size_t vsz, dp_match_fn match, const void *arg);

/* dp_lease.c: MAC ownership (mac_owner_map) and DHCP arrival records
 * (dhcp_seen_map). claim: make ifindex the owner of (net_id, mac), -EBUSY
 * if another live port of the network owns it; only: and drop the port's
 * other claims (a single-guest port owns one MAC). purge: the entries of
 * a network in both maps; purge_ports: of every port in the set. */
int dp_owner_claim(struct datapath *dp, uint32_t net_id, const uint8_t *mac, int ifindex,
		   int only);
void dp_owner_purge(struct datapath *dp, uint32_t net_id);
void dp_owner_purge_ports(struct datapath *dp, const struct dp_port_set *s);

/* dp_attach.c: the pacing program on a port's egress; dp_qos.c */
int dp_attach_qos(struct datapath *dp, int ifindex);
/* The port's egress program also judges its ingress ACL (frames the
 * kernel delivers): dp_detach_qos keeps it while the port has one. */
int dp_detach_qos(struct datapath *dp, int ifindex);
void dp_qos_open(struct datapath *dp);
void dp_port_qos_clear(struct datapath *dp, int ifindex);
void dp_qos_dir_of(const struct netdef_bw *bw, int police, struct vnet_qos_dir *d);

/* dp_port_state.c: port_state from the maps it copies. sync: one port's
 * entry rewritten (or removed with the port); _net: every port of a
 * network; _all: every port. open: the slots of pinned entries, then
 * _all (dp_open, before the programs are attached). */
int dp_port_state_open(struct datapath *dp);
int dp_port_state_sync(struct datapath *dp, __u32 ifindex);
void dp_port_state_sync_net(struct datapath *dp, __u32 net_id);
void dp_port_state_sync_all(struct datapath *dp);
/* The entry's summary of the port's one lease (vnet_bind_sum), kept by
 * every bind_map writer: _set after a binding of ip to (ifindex, mac) is
 * written (a zero MAC or a learned binding is never summarised), _clear
 * before one is removed or moved away from ifindex, _clear_net before a
 * network's bindings are purged. */
void dp_port_state_bind_set(struct datapath *dp, __u32 ifindex, __u32 net_id, __u32 ip,
			    const __u8 mac[6]);
void dp_port_state_bind_clear(struct datapath *dp, __u32 ifindex, __u32 ip);
void dp_port_state_bind_clear_net(struct datapath *dp, __u32 net_id);
/* The IPv6 summaries (bind6_sum) of network net_id's ports zeroed (0:
 * every port's), before and after its bind6_map entries are purged; a
 * port's own is zeroed with its slot. */
void dp_port_state_bind6_clear_net(struct datapath *dp, __u32 net_id);
/* datapath.c: a pinned port_state of another layout is recreated before
 * the load; the slots its ports held are carried into the new map. */
struct ps_carry {
	__u32 ifindex;
	__u32 slot;
};

/* dp_uplink_slot.c: uplink_slot/uplink_ctr from uplink_map. sync: one
 * uplink's slot taken (or freed with the uplink), its uplink_map entry's
 * ctr set, the entry copied; every uplink_map writer calls it before
 * dp_port_state_sync* (the ports copy ctr). _all: stale slots freed,
 * every uplink synced (dp_open, before the programs; dp_uplink_del). */
int dp_uplink_slot_sync(struct datapath *dp, __u32 ifindex);
void dp_uplink_slot_sync_all(struct datapath *dp);

/* dp_repin.c: recreate map pins removed under the running daemon. */
void dp_repin(struct datapath *dp);

#define dp_err(err, errlen, ...) \
	do { if (err && errlen) snprintf(err, errlen, __VA_ARGS__); } while (0)

#endif
