/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/dp/ (one header per folder). */
#ifndef VNET_DP_DP_H
#define VNET_DP_DP_H

#include <json-c/json.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "netdef/netdef.h"
#include "vnet_shared.h"

/* ---- datapath ---- */
/* The daemon's view of the eBPF data path (bpf/): loads the programs, pins
 * maps and links under a bpffs directory so that a daemon restart or crash
 * never interrupts forwarding, attaches programs to ports and uplinks and
 * keeps the maps filled. All functions return 0 or -errno and, where they
 * take err, write one line naming the problem. */
struct datapath;

/* One network as the data path needs it. net_id is small (1..255), stable
 * across daemon restarts. */
struct dp_net_cfg {
	uint32_t net_id;
	enum netdef_mode mode;
	int bridge_ifindex;
	uint8_t bridge_mac[6];
	struct in_addr gw;		/* gateway address on the bridge */
	unsigned prefix;
	int uplink_ifindex;		/* 0: none (isolated) */
	struct in_addr uplink_addr;	/* SNAT source (NAT mode) */
	/* what guests may reach on the host (issue 19): ALL, SERVICES or
	 * NONE; INHERIT reads as services (the data path's 0) -- the caller
	 * resolves the network's mode. services[]: the extra host ports of
	 * mode services. */
	enum netdef_host_access host_access;
	const struct netdef_host_service *services;
	size_t n_services;
	/* <nat><address start end/>: SNAT sources instead of uplink_addr
	 * (0: none); <nat><port start end/>: SNAT ports of TCP/UDP (0: vnet's) */
	struct in_addr nat_addr_start, nat_addr_end;
	uint16_t nat_port_start, nat_port_end;
	/* the network's other IPv4 subnets (<ip>s besides gw/prefix): their
	 * guests are the network's too (subnet_map: routed, NATed, guarded) */
	size_t n_subnets;
	struct { struct in_addr addr; unsigned prefix; } subnets[NETDEF_MAX_IPS];
	/* IPv6: the bridge's <ip family='ipv6'> addresses (guests claim
	 * addresses in their prefixes, reach the host at them); ipv6_any: a
	 * guest may claim any address (<network ipv6='yes'> without a prefix,
	 * a shared LAN's guests, whose prefixes come from the LAN's router) */
	unsigned n_ip6;
	struct in6_addr ip6[VNET_NET6_PFX];
	unsigned prefix6[VNET_NET6_PFX];
	bool ipv6_any;
	/* route6: the guests' IPv6 is routed through the uplink untranslated
	 * (route/open mode with an IPv6 <ip>); nat6: NAT66 (<nat ipv6='yes'>).
	 * Either turns IPv6 forwarding on on the bridge (the caller does the
	 * uplink: ipv6_forwarding_on) */
	bool route6, nat6;
	struct in6_addr uplink_addr6;	/* NAT66 source: the uplink's global IPv6 address */
};

/* How the data path is set up: one struct, filled by vnetd's main from its
 * options and environment (docs/datapath.md), given to dp_configure before
 * dp_open. Nothing in the data path reads the environment itself.
 * hook_policy (--dp-hook, VNET_DP_HOOK): the automatic hook per device
 * type (dp_hook_for); ct_max (--ct-max, VNET_CT_MAX): conntrack entries when
 * the table is first created (a pinned table keeps its size). */
enum dp_hook_policy { DP_POLICY_TC, DP_POLICY_XDP, DP_POLICY_XDP_VETH, DP_POLICY_XDP_FORCE };
/* uplink_xdp (--uplink-xdp, VNET_UPLINK_XDP): the uplink's XDP program in
 * native mode (never generic) in front of its tc program. auto: on every
 * uplink whose driver has native XDP but veths (XDP on a veth costs its
 * peer TSO: opt in with on); on: veths too; off: never. */
enum dp_uplink_xdp { DP_UPXDP_AUTO, DP_UPXDP_ON, DP_UPXDP_OFF };
/* tc_link (VNET_TC_LINK): how tc programs are attached. auto: tcx links
 * where the kernel has them (6.6+), else clsact filters; clsact: filters
 * only (what vnetd did before issue 21.2; for tests and old tools). */
enum dp_tc_link { DP_TC_LINK_AUTO, DP_TC_LINK_CLSACT };
struct dp_config {
	enum dp_hook_policy hook_policy;
	unsigned long ct_max;
	enum dp_uplink_xdp uplink_xdp;
	enum dp_tc_link tc_link;
};
#define DP_CONFIG_DEFAULT { .hook_policy = DP_POLICY_TC, .ct_max = VNET_MAX_CT, \
			    .uplink_xdp = DP_UPXDP_AUTO }
void dp_configure(const struct dp_config *c);
/* "tc", "xdp", "xdp-veth", "xdp-force" -> policy; -EINVAL otherwise. */
int dp_hook_policy_parse(const char *s, enum dp_hook_policy *ret);
/* "auto", "on", "off" -> enum dp_uplink_xdp; -EINVAL otherwise. */
int dp_uplink_xdp_parse(const char *s, enum dp_uplink_xdp *ret);
/* "auto", "clsact" -> enum dp_tc_link; -EINVAL otherwise. */
int dp_tc_link_parse(const char *s, enum dp_tc_link *ret);

/* Open (or create) the pinned state under pin_dir, e.g. /sys/fs/bpf/vnet.
 * Existing pins are reused, so maps (conntrack, fdb, counters) survive. */
int dp_open(const char *pin_dir, struct datapath **ret, char *err, size_t errlen);
/* Release the daemon's handles. Programs stay attached and maps pinned. */
void dp_close(struct datapath *dp);
/* Detach everything and remove all pins under pin_dir (used when the
 * daemon is asked to clean up, and by tests). */
int dp_purge(const char *pin_dir);

int dp_net_set(struct datapath *dp, const struct dp_net_cfg *cfg, char *err, size_t errlen);
int dp_net_del(struct datapath *dp, uint32_t net_id);

/* A port's hook as asked for (port-add --hook): auto = per device type and
 * VNET_DP_HOOK, as docs/datapath.md says; tc; xdp = XDP (on a veth the
 * xdp-veth hook: XDP in front of tc, the guest end must have GRO on). */
enum dp_hook_choice { DP_HOOK_AUTO = 0, DP_HOOK_TC = 1, DP_HOOK_XDP = 2 };
/* "auto", "tc", "xdp" -> enum dp_hook_choice; -EINVAL for anything else. */
int dp_hook_choice_parse(const char *s);
const char *dp_hook_choice_name(int choice);

/* A guest port (veth host end, tap, vif). mac: the guest's MAC if known
 * (port-add --mac), else NULL: it is bound by the first DHCP lease seen
 * on the port. The hook (XDP or tc) is chosen per device type (auto);
 * dp_port_add_hook takes an enum dp_hook_choice. */
int dp_port_add(struct datapath *dp, uint32_t net_id, int ifindex, const uint8_t *mac,
		char *err, size_t errlen);
int dp_port_add_hook(struct datapath *dp, uint32_t net_id, int ifindex, const uint8_t *mac,
		     int choice, char *err, size_t errlen);
/* dp_port_add_hook in two steps: prepare writes the port's maps (its
 * state, locked MAC, hook) with no program attached; start attaches the
 * program. Between the two the caller puts the port's guards in place
 * (policy, ACLs, bindings), so its first frame meets them all. A prepared
 * port that never starts is removed by dp_port_del. */
int dp_port_prepare(struct datapath *dp, uint32_t net_id, int ifindex, const uint8_t *mac,
		    int choice, char *err, size_t errlen);
int dp_port_start(struct datapath *dp, int ifindex, char *err, size_t errlen);
/* The hook a port runs: "tc", "xdp" or "xdp-veth"; NULL if not a port. */
const char *dp_port_hook_name(struct datapath *dp, int ifindex);
/* Detach and purge every entry that belongs to the port (fdb, allowed IPs,
 * conntrack), so a recreated device inherits nothing. */
int dp_port_del(struct datapath *dp, int ifindex);
/* The same for n ports at once (a network's stop): each port's own
 * entries, then one pass over each shared table for all of them. Returns
 * how many were ports (the others are ignored); reorders ifindex: those
 * ports, sorted, first. */
int dp_ports_del(struct datapath *dp, __u32 *ifindex, size_t n);
/* Ports the host can hold: the smallest of the port maps (port_map and
 * the maps keyed by a port; a pinned map keeps the size it was made
 * with, docs/datapath.md "Limits"). */
size_t dp_port_limit(const struct datapath *dp);

/* A port shared by several guests (a VDE switch's tap): leases bind
 * (IP, MAC) pairs but never lock the port to one MAC. */
int dp_port_set_multi_mac(struct datapath *dp, int ifindex);

/* Lease hooks when the exchange's port is not known (a lease restored from
 * the file, one snooped from a LAN server): dp_bind_port on the MAC's
 * owner, else the port of its last DHCP request, else the learned fdb's;
 * -ENOENT if the MAC was never seen on a port. !add: ip no longer belongs
 * to the MAC (a shared port's guest then gives its MAC up). */
int dp_lease_bind(struct datapath *dp, uint32_t net_id, const uint8_t mac[6],
		  struct in_addr ip, bool add);
/* The port the last DHCP request for chaddr mac came in on (noted by the
 * port program) and whether several guests share it; -ENOENT if none. */
int dp_dhcp_origin(struct datapath *dp, uint32_t net_id, const uint8_t mac[6], int *ifindex,
		   bool *multi);
/* The port of the network that claimed IPv6 address a (bind6_map: a DHCPv6
 * client's link-local source) and whether several guests share it;
 * -ENOENT if none. */
int dp_ip6_origin(struct datapath *dp, uint32_t net_id, const struct in6_addr *a, int *ifindex,
		  bool *multi);

/* Did the guest with this MAC get its lease through port ifindex, as the
 * data path saw it: the port owns the MAC, or (no port owns it) the port
 * program noted its last DHCP request there? What the service child says
 * about a lease's port is believed only then. */
bool dp_lease_port_ok(struct datapath *dp, uint32_t net_id, const uint8_t mac[6], int ifindex);

/* Bind ip to the guest with this MAC on the port ifindex (which must be a
 * port of net_id): the port its DHCP exchange came in on. The port owns
 * the MAC from then on (no other port may send it) and is locked to it
 * unless the port is shared. -ENOENT: not a port of the network; -EBUSY:
 * the MAC is owned by another port; -EPERM: the port is locked to another
 * MAC. */
int dp_bind_port(struct datapath *dp, uint32_t net_id, int ifindex, const uint8_t mac[6],
		 struct in_addr ip);
/* Call fn for every lease or declared binding on the port ifindex (not
 * the learned ones: they are learned again); returns how many. */
typedef void (*dp_bind_fn)(void *ctx, const uint8_t mac[6], struct in_addr ip);
int dp_port_binds(struct datapath *dp, int ifindex, dp_bind_fn fn, void *ctx);

/* A port's guest policy (issue 19), resolved by the caller (port <-
 * portgroup <- network <- built-in): filter mode OFF, LEARN or STRICT
 * (INHERIT reads as strict), isolation, and under learn how many
 * addresses the port may learn (0: VNET_LEARN_LIMIT). Leaving learn
 * removes the port's learned bindings. -ENOENT: not a port. */
struct dp_port_policy {
	enum netdef_filter filter;
	bool isolated;
	unsigned learn_limit;
};
int dp_port_set_policy(struct datapath *dp, int ifindex, const struct dp_port_policy *pol);
int dp_port_get_policy(struct datapath *dp, int ifindex, struct dp_port_policy *pol);
/* A declared address (port-add --ip, <vnet:port><ip/>): bound to the port
 * and its MAC, or, MAC not known yet, to the first MAC the port sends it
 * with. -EBUSY: bound to another port. */
int dp_port_declare(struct datapath *dp, int ifindex, struct in_addr ip);
/* Every address bound to every port (leases, declared and learned ones),
 * in one walk of bind_map (a walk costs the map's size, not its entries:
 * one per listing, never one per port). */
typedef void (*dp_addr_all_fn)(void *ctx, int ifindex, const uint8_t mac[6], struct in_addr ip,
			       bool learned);
int dp_addrs_all(struct datapath *dp, dp_addr_all_fn fn, void *ctx);
/* Learned bindings expire after this many seconds without a frame
 * (vnetd --learn-expire; 0: VNET_LEARN_EXPIRE_S). */
void dp_set_learn_expire(unsigned seconds);

/* Attach the uplink program to ifindex (shared by all networks using it). */
int dp_uplink_add(struct datapath *dp, int ifindex, char *err, size_t errlen);
int dp_uplink_del(struct datapath *dp, int ifindex);
/* Whether the uplink's XDP program runs on ifindex: "native" or "off";
 * NULL: not an uplink. */
const char *dp_uplink_xdp_name(struct datapath *dp, int ifindex);

/* DNAT port forwards: uplink_addr:host_port -> guest. */
int dp_forward_add(struct datapath *dp, uint32_t net_id, const struct netdef_port_forward *pf,
		   char *err, size_t errlen);
int dp_forward_del(struct datapath *dp, uint32_t net_id, const struct netdef_port_forward *pf);

/* Flow caps (issue 16.7): a guest's new flows (its address in a network)
 * and a port forward's are refused (counted ct_guest_limit /
 * ct_forward_limit) beyond these many at once; 0: no cap, < 0: the
 * default, 1/16 and 1/8 of the table's flows. dp_open sets the defaults. */
void dp_set_ct_limits(struct datapath *dp, long guest_max, long forward_max);
void dp_get_ct_limits(struct datapath *dp, unsigned *guest_max, unsigned *forward_max);

/* libvirt's <bandwidth> (issue 19.4; docs/datapath.md, "QoS"). A port's
 * own limits (bw NULL or no average: none); net_in: its network has an
 * inbound aggregate, so the port's inbound traffic is paced too. A paced
 * port gets an fq root qdisc and the pacing program on its egress; both
 * go when it no longer is (and with dp_port_del). */
int dp_port_qos_set(struct datapath *dp, int ifindex, const struct netdef_bandwidth *bw,
		    bool net_in, char *err, size_t errlen);
/* false once a port found the kernel without sch_fq: inbound is then
 * policed (docs/datapath.md, "QoS"). */
bool dp_have_fq(void);
/* A network's aggregate over all its ports (bw NULL: none). */
int dp_net_qos_set(struct datapath *dp, uint32_t net_id, const struct netdef_bandwidth *bw,
		   char *err, size_t errlen);
/* What a port's limits did (summed over CPUs); -ENOENT: nothing yet. */
int dp_port_qos_stats(struct datapath *dp, int ifindex, struct vnet_qos_stats *out);

/* A network spanning hosts (<vnet:overlay>, issue 22; dp_remote.c). The
 * remote guests' MACs zebra installed on the network's VXLAN device
 * (ifindex), mirrored into the data path so the port program sends their
 * frames straight to the device: dp_remote_sync makes the network's
 * entries exactly v[0..n) (n 0 or ifindex 0: none), counting what it
 * added and removed; dp_remote_purge removes them and the network's
 * per-VTEP counters (at net-stop); dp_remote_stats_each calls fn for every
 * remote VTEP the port program sent to: packets, and bytes on the underlay
 * (inner frame + 50). */
struct dp_remote {
	uint8_t mac[6];
	struct in_addr vtep;
};
int dp_remote_sync(struct datapath *dp, uint32_t net_id, int ifindex, const struct dp_remote *v,
		   size_t n, unsigned *added, unsigned *removed);
void dp_remote_purge(struct datapath *dp, uint32_t net_id, int ifindex);
typedef void (*dp_remote_stats_fn)(void *ctx, struct in_addr vtep, uint64_t packets,
				   uint64_t bytes);
int dp_remote_stats_each(struct datapath *dp, uint32_t net_id, dp_remote_stats_fn fn, void *ctx);

/* Periodic housekeeping (conntrack GC); called about once a second. */
void dp_tick(struct datapath *dp);

/* Counters of network net_id: {"ports":[{"ifindex":..,"rx_packets":..,...}],
 * "drops":{reason:n}, "conntrack":{...}} -- net_id 0 means the totals of
 * all networks (and of what belongs to none). */
struct json_object *dp_stats_json(struct datapath *dp, uint32_t net_id);
/* A port's (or uplink's) counters summed over CPUs: port_ctr by its
 * port_state slot, uplink_ctr by an uplink's slot, plus port_stats
 * (bridges, uplinks without a slot, what an older build counted).
 * -ENOENT: none has it. */
struct vnet_stats;
int dp_port_counters(struct datapath *dp, int ifindex, struct vnet_stats *out);
/* What belongs to no network: drops counted on net 0, host traffic passed
 * on the uplink, the conntrack table's fill and size:
 * {"drops":{reason:n}, "conntrack":{"uplink_pass","table_entries","max_entries"}}. */
struct json_object *dp_stats_global_json(struct datapath *dp);

/* ACLs (dp_acl.c, bpf/lib/acl.h). slot: 1..VNET_ACL_SLOTS-1, vnetd's
 * number for a named ACL. dp_acl_load compiles a's rules for both
 * directions and swaps them in atomically (a NULL: no rules, judged as
 * none); dp_acl_hits adds the live generation's hits per rule (hits[] has
 * a->n_rules), of the default and of replies passed as established;
 * dp_acl_port_set names the slots judging a port (0: none). */
struct acl;
int dp_acl_load(struct datapath *dp, unsigned slot, const struct acl *a, char *err,
		size_t errlen);
void dp_acl_hits(struct datapath *dp, unsigned slot, const struct acl *a, uint64_t *hits,
		 uint64_t *dflt, uint64_t *est);
int dp_acl_port_set(struct datapath *dp, int ifindex, unsigned in_slot, unsigned out_slot);

#endif
