/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every map of the data path, pinned by name under the daemon's pin dir so
 * a restart reuses them. One line each: who writes, who reads. */
#ifndef VNET_BPF_MAPS_H
#define VNET_BPF_MAPS_H

#include "ctx.h"
#include "vnet_shared.h"

/* ports: written by dp_port_add/dp_lease_bind; read by both programs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct vnet_port);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} port_map SEC(".maps");

/* ifindex -> everything the port path reads per packet (vnet_shared.h,
 * struct vnet_port_state): written by vnetd (dp_port_state.c) whenever a
 * piece it copies changes; read by both programs instead of port_map,
 * net_map, uplink_map and acl_port_map. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct vnet_port_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} port_state SEC(".maps");

/* ifindex (< VNET_PORT_IFSLOTS) -> the port's port_state slot + 1, a
 * hint (vnet_shared.h): written by vnetd (dp_port_state.c); read by the
 * programs (port_state.h, port_state_of). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VNET_PORT_IFSLOTS);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} port_ifslot SEC(".maps");

/* port_state slot -> a copy of the port's port_state entry naming its
 * ifindex: written by vnetd (dp_port_state.c) with port_state; read by
 * the programs instead of it (port_state.h), which write learn_s and the
 * first-frame MAC lock here. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct vnet_port_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} port_state_slot SEC(".maps");

/* port_state slot -> the port as a target of the L2 fast path (struct
 * vnet_port_slot): written by vnetd (dp_port_state.c) with port_state;
 * read by the port program (fdb.h, port_slot_of). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct vnet_port_slot);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} port_slot SEC(".maps");

/* networks by net_id: written by dp_net_set; read by both programs. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VNET_MAX_NETS);
	__type(key, __u32);
	__type(value, struct vnet_net);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} net_map SEC(".maps");

/* a network's own SNAT ranges by net_id: written by dp_net_set; read by
 * snat_new (nat.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VNET_MAX_NETS);
	__type(key, __u32);
	__type(value, struct vnet_nat);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} nat_map SEC(".maps");

/* subnet -> net_id (LPM): written by dp_net_set; read on the uplink. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VNET_MAX_NETS);
	__type(key, struct vnet_lpm_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} subnet_map SEC(".maps");

/* secondary subnets (gateway, mask) by LPM: written by dp_net_set; read
 * by learnable (learn.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VNET_MAX_NETS * 8);
	__type(key, struct vnet_lpm_key);
	__type(value, struct vnet_subnet);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} subnet_info_map SEC(".maps");

/* uplinks: written by dp_uplink_add; copied into port_state and
 * uplink_slot; read by the uplink programs for an uplink without a slot. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct vnet_uplink);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} uplink_map SEC(".maps");

/* The uplinks by slot (vnet_shared.h, struct vnet_uplink_slot: an array,
 * the lookup a few instructions): written by vnetd (dp_uplink_slot.c)
 * with every uplink_map write; read by the uplink programs instead of
 * uplink_map. Their counters by the same slot, per CPU: written by the
 * programs, read by dp_port_counters. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VNET_UPLINK_SLOTS);
	__type(key, __u32);
	__type(value, struct vnet_uplink_slot);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} uplink_slot SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VNET_UPLINK_SLOTS);
	__type(key, __u32);
	__type(value, struct vnet_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} uplink_ctr SEC(".maps");

/* bridges judged by the bridge program (host.h): ifindex -> net_id.
 * Written by dp_net_set/dp_net_del; dp_open re-attaches each. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_NETS);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} bridge_map SEC(".maps");

/* (net, ip) -> owning port: written by dp_lease_bind; read by both. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_BINDS);
	__type(key, struct vnet_bind_key);
	__type(value, struct vnet_bind);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} bind_map SEC(".maps");

/* IPv6 of each network: written by dp_net_set; read by both. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VNET_MAX_NETS);
	__type(key, __u32);
	__type(value, struct vnet_net6);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} net6_map SEC(".maps");

/* IPv6 prefix -> net_id (LPM): written by dp_net_set; read on the
 * uplink and by its guard (route6.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VNET_MAX_NETS * VNET_NET6_PFX);
	__type(key, struct vnet_lpm6_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} subnet6_map SEC(".maps");

/* (net, IPv6 address) -> claiming port: written by the port program (NDP
 * learning), purged by dp_port_del/dp_net_del; read by the port program. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_BINDS6);
	__type(key, struct vnet_bind6_key);
	__type(value, struct vnet_bind6);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} bind6_map SEC(".maps");

/* port ifindex -> IPv6 addresses it claimed (bind6_map entries), at most
 * VNET_IP6_PER_PORT: written by the port program, removed by dp_port_del. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} bind6_count SEC(".maps");

/* port_state slot -> the port's summarised IPv6 bindings (vnet_shared.h,
 * struct vnet_bind6_sum): written by the port program (a bind6_map hit or
 * claim), zeroed by vnetd (dp_port_state.c); read by the port program. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct vnet_bind6_sum);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} bind6_sum SEC(".maps");

/* learned (net, mac) -> port: written by the port program (and
 * dp_port_add); read by the port program and dp_lease_bind. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VNET_MAX_FDB);
	__type(key, struct vnet_fdb_key);
	__type(value, struct vnet_fdb);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fdb_map SEC(".maps");

/* (net, mac) -> VXLAN device + VTEP of a remote guest (issue 22):
 * written by vnetd (dp_remote.c, a mirror of zebra's fdb entries on the
 * network's VXLAN device); read by the port program (overlay.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_REMOTE);
	__type(key, struct vnet_fdb_key);
	__type(value, struct vnet_remote);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} remote_fdb_map SEC(".maps");

/* (net, VTEP) -> packets/bytes the port program sent there: written by
 * the port program (overlay.h), read and purged by vnetd (dp_remote.c). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, VNET_MAX_REMOTE_STATS);
	__type(key, struct vnet_remote_key);
	__type(value, struct vnet_remote_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} remote_stats SEC(".maps");

/* (net, mac) -> the port it is bound to: written by vnetd (port-add
 * --mac, lease binds; not LRU: a flood must not evict an owner); read by
 * the port program, which drops that MAC from any other port. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_OWNERS);
	__type(key, struct vnet_fdb_key);
	__type(value, struct vnet_mac_owner);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mac_owner_map SEC(".maps");

/* (net, chaddr) -> port of its last BOOTREQUEST: written by the port
 * program; read by vnetd's DHCP server (the lease's port, per-port
 * limits), purged by dp_port_del. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VNET_MAX_DHCP_SEEN);
	__type(key, struct vnet_fdb_key);
	__type(value, struct vnet_dhcp_seen);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dhcp_seen_map SEC(".maps");

/* conntrack/NAT (not LRU: a full table fails new flows, never evicts one
 * half of a live flow): written by both programs, GC'd by dp_tick. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_CT);
	__type(key, struct vnet_ct_key);
	__type(value, struct vnet_ct);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ct_map SEC(".maps");

/* IPv6 (NAT66) flows: written by both programs, GC'd by dp_tick
 * (dp_gc6.c); the uplink's IPv6 address per network: dp_net_set. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_CT6);
	__type(key, struct vnet_ct6_key);
	__type(value, struct vnet_ct6);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ct6_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VNET_MAX_NETS);
	__type(key, __u32);
	__type(value, struct vnet_nat6);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} nat6_map SEC(".maps");

/* NAT66 flows per guest (vnet_shared.h): made by the programs only,
 * gone by vnetd's GC6 only. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_QUOTA);
	__type(key, struct vnet_quota6_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ct6_made SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_QUOTA);
	__type(key, struct vnet_quota6_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ct6_gone SEC(".maps");

/* NAT66 fragments (nat6.h): the programs only. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VNET_MAX_FRAG);
	__type(key, struct vnet_frag6_key);
	__type(value, struct vnet_frag6);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} frag6_map SEC(".maps");

/* Scratch for snat6_new's pair (per CPU, not pinned: see ct_scratch). */
struct ct6_pair {
	struct vnet_ct6 in;
	struct vnet_ct6 out;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ct6_pair);
} ct6_scratch SEC(".maps");

/* Flows per guest / port forward (vnet_shared.h, bpf/lib/quota.h): made
 * is written by the programs only, gone by vnetd's GC only. Not
 * preallocated: a key vnetd removes (no flows for a while) is freed after
 * the programs that may hold it are done, never reused under them. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_QUOTA);
	__type(key, struct vnet_quota_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ct_made SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_QUOTA);
	__type(key, struct vnet_quota_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ct_gone SEC(".maps");

/* Addresses a port learned (filter mode learn, vnet_shared.h): made is
 * written by the programs only, learn_cfg (limit, gone) by vnetd only. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} learn_made SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct vnet_learn_cfg);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} learn_cfg SEC(".maps");

/* Host ports a network in host-access mode "services" may reach. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_HOST_SVC);
	__type(key, struct vnet_host_svc_key);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} host_svc_map SEC(".maps");

/* Scratch space where snat_new builds a flow's two entries (per CPU, not
 * pinned): it runs as a global function whose stack adds to its caller's,
 * and two 64-byte entries there would not fit the 512-byte budget. */
struct ct_pair {
	struct vnet_ct in;
	struct vnet_ct out;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ct_pair);
} ct_scratch SEC(".maps");

/* fragments of translated datagrams: written and read by the programs
 * only (first fragment records, later ones follow). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VNET_MAX_FRAG);
	__type(key, struct vnet_frag_key);
	__type(value, struct vnet_frag);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} frag_map SEC(".maps");

/* DNAT port forwards: written by dp_forward_add; read on the uplink. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_FWD);
	__type(key, struct vnet_fwd_key);
	__type(value, struct vnet_fwd);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fwd_map SEC(".maps");

/* Port forwards to guests' IPv6 addresses: written by dp_forward_add
 * (dp_fwd6.c); read on the uplink (nat6.h, dnat6_new). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_FWD);
	__type(key, struct vnet_fwd6_key);
	__type(value, struct vnet_fwd6);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fwd6_map SEC(".maps");

/* XDP redirect targets (tap/physical ports, uplinks): written by
 * dp_port_add/dp_uplink_add and refilled by dp_open. Not pinned: the
 * kernel adds BPF_F_RDONLY_PROG to devmaps, which libbpf's pin-reuse check
 * then reports as a mismatch. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} tx_ports SEC(".maps");

/* Counters: written by the programs, read by dp_stats_json. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct vnet_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} port_stats SEC(".maps");

/* A port's counters by its port_state slot (an array: the lookup is a
 * few instructions, where port_stats' hash took ~20 ns per lookup). The
 * programs count ports here; port_stats keeps the uplinks' and bridges'
 * and what an older build counted (vnetd adds both: dp_port_counters). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct vnet_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} port_ctr SEC(".maps");

/* drops by (network, reason) and counters by (network, counter): see
 * VNET_DROP_IDX / VNET_G_IDX. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VNET_MAX_NETS * VNET_DROP_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VNET_MAX_NETS * VNET_G_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} global_stats SEC(".maps");

/* NAT66 next hops by destination (nexthop.h): the programs only. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VNET_MAX_NH6);
	__type(key, struct vnet_nh6_key);
	__type(value, struct vnet_nh6);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} nh6_map SEC(".maps");

/* ACLs (acl.h): written by vnetd (dp_acl.c) only, but acl_hits (the
 * programs count, vnetd reads) and acl_flow (the programs). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VNET_ACL_MAX_LPM);
	__type(key, struct vnet_acl_lpm_key);
	__type(value, struct vnet_acl_bits);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} acl_lpm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VNET_ACL_CLASSIFIERS * 4);
	__type(key, __u32);
	__type(value, struct vnet_acl_bits);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} acl_proto SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VNET_ACL_CLASSIFIERS);
	__type(key, __u32);
	__type(value, struct vnet_acl_info);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} acl_info SEC(".maps");

/* table -> its live generation (0/1): flipped last by vnetd */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VNET_ACL_TABLES);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} acl_gen SEC(".maps");

/* hits by cls * VNET_ACL_HIT_STRIDE + rule bit (default, established
 * after the rules). Shared, atomic adds: per CPU it would be 2 MB a CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VNET_ACL_CLASSIFIERS * VNET_ACL_HIT_STRIDE);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} acl_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct vnet_acl_port);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} acl_port_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VNET_ACL_MAX_FLOWS);
	__type(key, struct vnet_acl_flow_key);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} acl_flow SEC(".maps");

/* IPv6 (vnet_shared.h): its address trie, protocol classes and flows */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VNET_ACL_MAX_LPM);
	__type(key, struct vnet_acl_lpm6_key);
	__type(value, struct vnet_acl_bits);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} acl_lpm6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VNET_ACL_CLASSIFIERS * 4);
	__type(key, __u32);
	__type(value, struct vnet_acl_bits);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} acl_proto6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VNET_ACL_MAX_FLOWS);
	__type(key, struct vnet_acl_flow6_key);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} acl_flow6 SEC(".maps");

/* <bandwidth> limits and bucket state (qos.h); writer: vnetd (dp_qos.c),
 * the programs update the buckets under the entry's lock. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VNET_MAX_QOS);
	__type(key, __u32);
	__type(value, struct vnet_qos);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} qos_map SEC(".maps");

/* What the limits did per port; writer: the programs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, VNET_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct vnet_qos_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} qos_stats SEC(".maps");

/* The port_state entry whose port is port: the port path's struct
 * vnet_port pointers are all &ps->port (its first member). */
_Static_assert(__builtin_offsetof(struct vnet_port_state, port) == 0, "port first");
static __always_inline const struct vnet_port_state *ps_of(const struct vnet_port *port)
{
	return (const struct vnet_port_state *)(const void *)port;
}

#endif
