/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Types shared by the BPF programs (bpf/vnet.bpf.c) and user space
 * (ctl/vnetd/datapath.c). Defined once here; every struct that crosses the
 * boundary has a static size assert so a layout change breaks the build,
 * not the data path. All addresses and ports are in network byte order. */
#ifndef VNET_SHARED_H
#define VNET_SHARED_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#include <linux/bpf.h>	/* struct bpf_spin_lock (struct vnet_qos) */
#endif

/* Sizes of the pinned maps (entries). */
#define VNET_MAX_NETS 256	/* net_id 1..255; array index */
#define VNET_MAX_PORTS 4096	/* ports of every network on the host (dp_port_limit) */
#define VNET_MAX_BINDS 16384	/* (net, ip) -> port */
#define VNET_MAX_FDB 16384	/* learned (net, mac) -> port, LRU */
#define VNET_MAX_CT 262144	/* conntrack entries (2 per flow); VNET_CT_MAX overrides */
#define VNET_MAX_FWD 1024	/* DNAT port forwards */
#define VNET_MAX_FRAG 8192	/* fragmented datagrams in flight through NAT, LRU */
#define VNET_MAX_OWNERS 16384	/* (net, mac) -> the port it is bound to */
#define VNET_MAX_DHCP_SEEN 16384 /* (net, chaddr) -> port of its last BOOTREQUEST, LRU */
#define VNET_MAX_BINDS6 16384	/* (net, IPv6 address) -> port, learned */
#define VNET_IP6_PER_PORT 8	/* IPv6 addresses a port may claim (link-local + SLAAC) */
#define VNET_NET6_PFX 4		/* IPv6 <ip> prefixes per network the data path knows */

/* A client MAC in a DHCP exchange on one port is refused on any other port
 * for this long after its last BOOTREQUEST (dhcp_seen_map), so vnetd reads
 * the port the exchange really came in on. */
#define VNET_DHCP_CLAIM_NS (10ULL * 1000000000ULL)

/* SNAT source ports (and ICMP echo ids) come from two ranges that avoid
 * Linux's default ephemeral range (ip_local_port_range 32768-60999): a
 * reply is matched on the full 5-tuple, remote address and port included,
 * so only a connection the host itself opened to the same remote endpoint
 * from the same port could be confused with a translated flow -- and the
 * host picks such ports from its ephemeral range only. A port the host
 * listens on is never the source of its own outgoing flows. dp_open logs
 * (debug) if the host's range reaches into these. */
#define VNET_NAT_LO_MIN 1024
#define VNET_NAT_LO_MAX 32767
#define VNET_NAT_HI_MIN 61000
#define VNET_NAT_HI_MAX 65535
#define VNET_NAT_PORTS ((VNET_NAT_LO_MAX - VNET_NAT_LO_MIN + 1) + \
			(VNET_NAT_HI_MAX - VNET_NAT_HI_MIN + 1))
#define VNET_NAT_TRIES 32	/* probes before counting NAT_NO_PORT */

/* Is host-order port p one the NAT may use? (VNET_NAT_HI_MAX is 65535.) */
#define VNET_NAT_PORT_OK(p) (((p) >= VNET_NAT_LO_MIN && (p) <= VNET_NAT_LO_MAX) || \
			     (p) >= VNET_NAT_HI_MIN)

/* Conntrack timeouts in seconds of silence (applied by dp_tick's GC; why
 * each: docs/datapath.md). TCP follows nf_conntrack's states: a flow is
 * established only when the initiator's ACK follows the answer to its SYN
 * (VNET_CT_EST); until then it is half open. */
#define VNET_CT_TCP_SYN_SENT 120	/* the initiator's SYN, no answer */
#define VNET_CT_TCP_SYN_RECV 60		/* answered, the handshake not completed */
#define VNET_CT_TCP_EST 21600		/* established (nf_conntrack: 5 days) */
#define VNET_CT_TCP_FIN 120		/* established, one side closed */
#define VNET_CT_TCP_CLOSING 30		/* both sides closed */
#define VNET_CT_TCP_RST 10		/* reset */
#define VNET_CT_UDP 60			/* answered */
#define VNET_CT_UDP_UNREPLIED 30
#define VNET_CT_ICMP 30

/* Per-guest and per-port-forward flow caps: by default a fraction of the
 * table's flows (vnetd --ct-guest-max / --ct-forward-max set them). */
#define VNET_CT_GUEST_SHARE 16	/* a guest: 1/16 of the flows (8192 of 131072) */
#define VNET_CT_FWD_SHARE 8	/* a port forward: 1/8 (16384) */
#define VNET_MAX_QUOTA 32768	/* guests and forwards with flows (ct_made/ct_gone) */

/* The one list of drop reasons: code (VNET_DROP_x), counters (index into
 * the drops map) and metric labels (the string) all come from it. Append
 * new reasons at the end: the drops map keeps VNET_DROP_SLOTS per network,
 * so a new reason (up to that many) changes neither indices nor the map. */
#define VNET_DROP_REASONS(X)                                             \
	X(NONE, "none")                                                  \
	X(RUNT, "runt")               /* truncated header */            \
	X(VLAN, "vlan")               /* 802.1Q/QinQ from a guest */    \
	X(L2_PROTO, "l2_proto")       /* ethertype not IPv4/ARP/IPv6 */ \
	X(IPV6, "ipv6")               /* guest IPv6: not routed by vnet */ \
	X(SRC_MAC, "src_mac")         /* not the port's MAC */          \
	X(SRC_IP, "src_ip")           /* not bound to the port */       \
	X(ARP_SPOOF, "arp_spoof")     /* ARP sender MAC/IP lie */       \
	X(DHCP_SERVER, "dhcp_server") /* rogue DHCP server on a port */ \
	X(TO_HOST, "to_host")         /* host service not allowed */    \
	X(ISOLATED, "isolated")       /* no uplink for this network */  \
	X(CROSS_NET, "cross_net")     /* route leads off the uplink */  \
	X(NO_ROUTE, "no_route")       /* FIB lookup failed */           \
	X(FWD_DISABLED, "fwd_disabled") /* no IPv4 forwarding on bridge */ \
	X(IP_OPTS, "ip_bad")          /* bad IPv4 header/fragment */    \
	X(TTL, "ttl")                 /* TTL would expire */            \
	X(CT_FULL, "ct_full")         /* conntrack table full */        \
	X(NAT_NO_PORT, "nat_no_port") /* SNAT port range exhausted */   \
	X(UNNAT_GUARD, "unnat_guard") /* guest source on uplink egress */ \
	X(NO_PORT, "no_port")         /* reply for a deleted port */   \
	X(UNSOLICITED, "unsolicited") /* wan -> NAT subnet, no flow */ \
	X(BAD_DST, "bad_dst")         /* broadcast/multicast/reserved dst */ \
	X(IP_OPTIONS, "ip_options")   /* IPv4 options routed or to the host */ \
	X(HOST_GROUP, "host_group")   /* host's copy of a guest bcast/mcast */ \
	X(MAC_OWNED, "mac_owned")     /* source MAC bound to another port */ \
	X(DHCP_CHADDR, "dhcp_chaddr") /* BOOTREQUEST for another MAC */ \
	X(CT_GUEST_LIMIT, "ct_guest_limit") /* guest at its flow cap */ \
	X(CT_FWD_LIMIT, "ct_forward_limit") /* port forward at its flow cap */ \
	X(INTERNAL, "internal")       /* no verdict reached: a pipeline bug */ \
	X(PORT_ISOLATED, "port_isolated") /* isolated port to isolated port */ \
	X(LEARN_LIMIT, "learn_limit") /* port at its learned-address limit */ \
	X(ACL, "acl")                 /* an ACL's drop rule or default */ \
	X(QOS_POLICED, "qos_policed") /* over a <bandwidth> rate + burst, no queue */ \
	X(QOS_HORIZON, "qos_horizon") /* paced departure too far ahead (EDT) */ \
	X(RA_GUARD, "ra_guard")       /* router advertisement/redirect from a guest */ \
	X(ND_SPOOF, "nd_spoof")       /* NDP claiming another's address or MAC */ \
	X(SRC_IP6, "src_ip6")         /* IPv6 source not learned on the port */ \
	X(DHCP6_SERVER, "dhcp6_server") /* rogue DHCPv6 server on a port */

enum vnet_drop {
#define X(n, s) VNET_DROP_##n,
	VNET_DROP_REASONS(X)
#undef X
	VNET_DROP_MAX
};

/* Counters are kept per network: the drops map is indexed
 * net_id * VNET_DROP_SLOTS + reason, global_stats net_id * VNET_G_SLOTS +
 * counter. Net 0 is "no network": a drop on the uplink or a port that no
 * network claims, host traffic passed on the uplink. The slot counts have
 * headroom so new reasons/counters do not resize the pinned maps again. */
#define VNET_DROP_SLOTS 64
#define VNET_G_SLOTS 16
#define VNET_DROP_IDX(net, r) ((net) * VNET_DROP_SLOTS + (r))
#define VNET_G_IDX(net, c) ((net) * VNET_G_SLOTS + (c))

/* Per-network counters (per-CPU array, index VNET_G_IDX). GC counters are
 * added by user space on CPU 0's slot. RX4..TX6 (issue 18.7): packets by
 * address family (the frame's EtherType), received on the network's ports
 * (any verdict; on the uplink, net 0) and redirected by the data path to a
 * port of the network (tx; the kernel's slow-path deliveries are not
 * seen); IPv6 right after IPv4 (RX6 = RX4 + 1). No bytes: the 16 slots
 * would not hold them, and a bigger map would replace the pinned one. */
#define VNET_GLOBAL_COUNTERS(X)                                           \
	X(CT_CREATED, "conntrack_created")                                \
	X(CT_EXPIRED, "conntrack_expired")                                \
	X(CT_FAILED, "conntrack_failed")                                  \
	X(NAT_CREATED, "nat_created")                                     \
	X(DNAT_HITS, "dnat_hits")                                         \
	X(UPLINK_PASS, "uplink_pass")                                     \
	X(CT_EVICTED, "conntrack_evicted")                                \
	X(UPLINK_XDP, "uplink_xdp")                                       \
	X(UPLINK_XDP_TC, "uplink_xdp_tc")                                 \
	X(RX4_PACKETS, "rx_ipv4_packets")                                 \
	X(RX6_PACKETS, "rx_ipv6_packets")                                 \
	X(TX4_PACKETS, "tx_ipv4_packets")                                 \
	X(TX6_PACKETS, "tx_ipv6_packets")

enum vnet_global {
#define X(n, s) VNET_G_##n,
	VNET_GLOBAL_COUNTERS(X)
#undef X
	VNET_G_MAX
};
_Static_assert(VNET_DROP_MAX <= VNET_DROP_SLOTS, "drop reasons: raise VNET_DROP_SLOTS");
_Static_assert(VNET_G_MAX <= VNET_G_SLOTS, "counters: raise VNET_G_SLOTS");

/* Hook a port's program runs on. */
/* VNET_HOOK_XDP_VETH (opt-in, VNET_DP_HOOK=xdp-veth): a veth port with an
 * xdp.frags program in front of its tc program, and a valid XDP redirect
 * target (the operator says its peer has GRO on or runs XDP); an uplink
 * so marked keeps tc but takes XDP redirects too. */
enum vnet_hook { VNET_HOOK_TC = 1, VNET_HOOK_XDP = 2, VNET_HOOK_XDP_VETH = 3 };
/* Longest frame XDP redirects into a veth: veth_xdp_xmit drops frames
 * beyond the peer's MTU, so GSO super-packets take the tc path. */
#define VNET_XDP_VETH_MAX 1514
/* Device kinds (how to redirect into it). */
enum vnet_kind { VNET_KIND_OTHER = 0, VNET_KIND_VETH = 1, VNET_KIND_TAP = 2 };

/* port_map: ifindex -> port. Written by dp_port_add/dp_lease_bind. */
struct vnet_port {
	__u32 net_id;
	__u8 mac[6];		/* guest MAC (valid if mac_locked) */
	__u8 mac_locked;
	__u8 hook;		/* enum vnet_hook */
	__u8 kind;		/* enum vnet_kind */
	__u8 flags;		/* VNET_PORT_*: the port's guest policy (issue 19) */
	__u16 learn_s;		/* BPF: jiffies >> 8 (~1 s) the fdb last learned it */
};
_Static_assert(sizeof(struct vnet_port) == 16, "vnet_port layout");

/* vnet_port.flags. The byte was multi_mac (0/1): 0 still means what it
 * meant, a strict single-guest port that is not isolated, so pinned
 * entries keep their behaviour across an upgrade. The filter mode is
 * strict unless FILTER_OFF or FILTER_LEARN is set (never both). */
#define VNET_PORT_MULTI_MAC 1	 /* shared by several guests (VDE): never locked */
#define VNET_PORT_FILTER_OFF 2	 /* no source checks: MAC, ARP, IPv4/IPv6 source */
#define VNET_PORT_FILTER_LEARN 4 /* MAC fixed by the first frame; addresses learned
				  * from ARP (IPv6: DAD) up to the port's limit */
#define VNET_PORT_ISOLATED 8	 /* reaches the gateway and the outside, never
				  * another isolated port (libvirt's <port isolated>) */
#define VNET_PORT_FILTER_MASK (VNET_PORT_FILTER_OFF | VNET_PORT_FILTER_LEARN)

/* net_map: net_id -> network. Written by dp_net_set. */
#define VNET_NET_VALID 1
#define VNET_NET_NAT 2
#define VNET_NET_ROUTE 4
#define VNET_NET_BRIDGE 8	/* shared LAN bridge: the host is an ordinary LAN peer */
#define VNET_NET_OPEN 16	/* with ROUTE: <forward mode='open'>, vnet filters nothing of its own */
struct vnet_net {
	__u32 flags;
	__u32 bridge_ifindex;
	__u32 gw;		/* gateway address (bridge) */
	__u32 mask;		/* subnet mask */
	__u32 uplink_ifindex;	/* 0: isolated */
	__u32 uplink_addr;	/* SNAT source */
	__u8 bridge_mac[6];
	__u8 host_access;	/* VNET_HOST_*: what guests may reach on the host */
	__u8 pad;
};
_Static_assert(sizeof(struct vnet_net) == 32, "vnet_net layout");

/* vnet_net.host_access. 0 is what the byte (padding) meant before:
 * DHCP, DNS, ping and replies; vnetd sets every network's mode. */
#define VNET_HOST_SERVICES 0	/* DHCP, DNS, ping, replies + host_svc_map ports */
#define VNET_HOST_ALL 1		/* anything; the host's firewall decides (libvirt) */
#define VNET_HOST_NONE 2	/* DHCP and DNS only (the network's own services) */

/* nat_map: net_id -> the network's own SNAT ranges (<nat><address start
 * end/> and <nat><port start end/>), written by dp_net_set. addr_lo == 0:
 * the uplink's address (vnet_net.uplink_addr); port_lo == 0: vnet's two
 * ranges (VNET_NAT_LO/HI). A guest's flows all take one address of the
 * range (chosen by its own address); the port range applies to TCP and UDP
 * (ICMP echo ids keep vnet's ranges), as libvirt's masquerade rules. */
struct vnet_nat {
	__u32 addr_lo, addr_hi;	/* network order, inclusive */
	__u16 port_lo, port_hi;	/* host order, inclusive */
	__u32 pad;
};
_Static_assert(sizeof(struct vnet_nat) == 16, "vnet_nat layout");

/* net6_map: net_id -> the network's IPv6 (array, same index as net_map).
 * Written by dp_net_set. pfx[]: the gateway's addresses (the bridge's
 * <ip family='ipv6'>) with their prefix lengths; a guest may claim (SLAAC)
 * an address inside one of them, and reach the host at those addresses. */
#define VNET_NET6_VALID 1
#define VNET_NET6_ANY 2		/* <network ipv6='yes'>, no prefix: any global address */
#define VNET_NET6_ROUTE 4	/* routes IPv6 through its uplink untranslated
				 * (<forward mode='route'|'open'> with an IPv6 <ip>) */
#define VNET_NET6_NAT 8		/* NAT66 (<nat ipv6='yes'>): masquerade to the
				 * uplink's global IPv6 address (nat6_map) */
struct vnet_pfx6 {
	__u8 addr[16];
	__u8 plen;
	__u8 pad[3];
};
struct vnet_net6 {
	__u32 flags;
	__u32 n_pfx;
	struct vnet_pfx6 pfx[VNET_NET6_PFX];
};
_Static_assert(sizeof(struct vnet_net6) == 88, "net6 layout");

/* subnet6_map (LPM trie): a network's IPv6 <ip> prefixes -> net_id, for
 * the uplink (delivery of routed IPv6, unsolicited traffic) and its egress
 * guard. Written by dp_net_set. */
struct vnet_lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};
_Static_assert(sizeof(struct vnet_lpm6_key) == 20, "lpm6 key layout");

/* bind6_map: (net_id, IPv6 address) -> the port that claimed it, learned
 * by the port program from the guest's duplicate address detection (a
 * neighbour solicitation from ::) or its first solicitation from that
 * source (first come, first served: RFC 6620). Removed with the port. */
struct vnet_bind6_key {
	__u32 net_id;
	__u8 addr[16];
};
struct vnet_bind6 {
	__u32 ifindex;
	__u8 mac[6];
	__u8 pad[2];
	__u64 seen_ns;		/* when it was learned */
};
_Static_assert(sizeof(struct vnet_bind6_key) == 20, "bind6 key layout");
_Static_assert(sizeof(struct vnet_bind6) == 24, "bind6 layout");

/* bind6_sum (per-CPU array by the port's port_state slot, issue 21): the
 * port's IPv6 bindings the port program found in bind6_map or claimed
 * there, so the common case -- a guest's link-local and SLAAC or DHCPv6
 * addresses, one MAC -- passes without a bind6_map lookup; anything else
 * falls back to bind6_map. Only what bind6_map binds to the port and that
 * MAC is written, by the port program; vnetd zeroes a slot before its
 * bindings go (a slot freed or handed out, its port's network deleted or
 * changed) and every slot at start. Per CPU: two CPUs never write one
 * entry at once (a torn address). net_id 0: empty. */
#define VNET_B6SUM_N 3
struct vnet_bind6_sum {
	__u32 net_id;		/* the network they are bound in */
	__u8 mac[6];		/* the MAC they are bound to */
	__u8 n;			/* addresses in addr[] */
	__u8 pad;
	__u8 addr[VNET_B6SUM_N][16];
	__u32 spare;
};
_Static_assert(sizeof(struct vnet_bind6_sum) == 64, "bind6 summary layout");

/* bind_map: (net_id, ip) -> port that owns it. Written by dp_lease_bind,
 * read by anti-spoofing and by route-mode delivery. */
struct vnet_bind_key {
	__u32 net_id;
	__u32 ip;
};
struct vnet_bind {
	__u32 ifindex;
	__u8 mac[6];
	__u16 learned;		/* 0: a lease or declared; else learned by the data
				 * path (VNET_BIND_LEARNED | its last frame's second) */
};
/* A learned binding (filter mode learn): bit 15 set, bits 0-14 the second
 * (ns >> 30, wrapping every ~9.7 h) a frame last used it, refreshed by the
 * programs at most once a second; vnetd's GC removes it after
 * VNET_LEARN_EXPIRE_S without one. Pinned entries had 0 here (padding). */
#define VNET_BIND_LEARNED 0x8000
#define VNET_BIND_SEEN_MASK 0x7fff
#define VNET_LEARN_EXPIRE_S 300	/* default; vnetd --learn-expire */
#define VNET_LEARN_LIMIT 4	/* default addresses a port may learn */
_Static_assert(sizeof(struct vnet_bind_key) == 8, "bind key layout");
_Static_assert(sizeof(struct vnet_bind) == 12, "bind layout");

/* learn_made / learn_cfg: how many addresses a port learned and may
 * learn. learn_made (ifindex -> __u32) is written by the programs only
 * (atomic add, undone when the binding cannot be made); learn_cfg by
 * vnetd only: the limit and how many learned bindings it removed (expired
 * or purged), so made - gone is what the port holds and neither map has
 * two writers (as ct_made / ct_gone). No learn_cfg entry: limit 0. */
struct vnet_learn_cfg {
	__u32 gone;
	__u32 limit;
};
_Static_assert(sizeof(struct vnet_learn_cfg) == 8, "learn cfg layout");

/* host_svc_map: (net_id, proto, port) -> bits, the host ports a network in
 * VNET_HOST_SERVICES mode may reach besides DHCP, DNS and ping:
 * VNET_HOST_SVC_GW on the gateway (a listed service: 1, as before),
 * VNET_HOST_SVC_FWD on the uplink address (a port forward's host port,
 * the hairpin relay's listener). */
#define VNET_HOST_SVC_GW 1
#define VNET_HOST_SVC_FWD 2
struct vnet_host_svc_key {
	__u32 net_id;
	__u16 port;		/* network order */
	__u8 proto;
	__u8 pad;
};
_Static_assert(sizeof(struct vnet_host_svc_key) == 8, "host svc key layout");
#define VNET_MAX_HOST_SVC 4096

/* subnet_info_map (LPM trie, vnet_lpm_key): a network's other IPv4
 * subnets (its <ip>s besides vnet_net's gw/mask), for filter mode learn:
 * their guests' addresses are learnable, not their gateways. */
struct vnet_subnet {
	__u32 net_id;
	__u32 gw;	/* the bridge's address in it */
	__u32 mask;
};
_Static_assert(sizeof(struct vnet_subnet) == 12, "vnet_subnet layout");

/* subnet_map (LPM trie) key: a network's subnet -> net_id. */
struct vnet_lpm_key {
	__u32 prefixlen;
	__u32 addr;
};
_Static_assert(sizeof(struct vnet_lpm_key) == 8, "lpm key layout");

/* fdb_map (LRU): (net_id, mac) -> port. Learned by the BPF port program,
 * seeded by dp_port_add when the MAC is given. slot1: the port's
 * port_state slot + 1 when it was written (0: not known; it was padding,
 * 0 in every older entry): the port path finds the target in port_slot
 * by it, and trusts that entry only if it names the same ifindex. */
struct vnet_fdb_key {
	__u32 net_id;
	__u8 mac[6];
	__u8 pad[2];
};
struct vnet_fdb {
	__u32 ifindex;
	__u32 slot1;
	__u64 seen_ns;
};
_Static_assert(sizeof(struct vnet_fdb_key) == 12, "fdb key layout");
_Static_assert(sizeof(struct vnet_fdb) == 16, "fdb layout");

/* remote_fdb_map (hash): (net_id, mac) -> the VXLAN device and remote
 * VTEP of a guest on another host (<vnet:overlay>, issue 22). Written by
 * vnetd only, a mirror of the fdb entries zebra (FRR) installs on the
 * network's VXLAN device from EVPN type-2 routes (docs/multi-host.md);
 * read by the port program: known unicast to a remote guest goes straight
 * to the VXLAN device (remote_forward, bpf/lib/overlay.h). */
#define VNET_MAX_REMOTE 16384
struct vnet_remote {
	__u32 ifindex;		/* the network's VXLAN device */
	__u32 vtep;		/* the remote VTEP (network order) */
};
_Static_assert(sizeof(struct vnet_remote) == 8, "remote layout");

/* remote_stats (per-CPU hash): (net_id, VTEP) -> what the port program
 * sent to that remote through the VXLAN device: packets, and bytes on
 * the underlay (the inner frame + VNET_VXLAN_OVERHEAD). */
#define VNET_MAX_REMOTE_STATS 4096
#define VNET_VXLAN_OVERHEAD 50	/* outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8 */
struct vnet_remote_key {
	__u32 net_id;
	__u32 vtep;
};
struct vnet_remote_stats {
	__u64 packets;
	__u64 bytes;
};
_Static_assert(sizeof(struct vnet_remote_key) == 8, "remote key layout");
_Static_assert(sizeof(struct vnet_remote_stats) == 16, "remote stats layout");

/* mac_owner_map (hash, never evicted): (net_id, mac) -> the port the MAC
 * is bound to, keyed by struct vnet_fdb_key. Written by vnetd only: a
 * port added with --mac, a lease bound on a port (dp_lease_bind_port);
 * the port program drops a frame from any other port with that source
 * MAC before the fdb or the kernel bridge can learn it. */
struct vnet_mac_owner {
	__u32 ifindex;
	__u32 pad;
};
_Static_assert(sizeof(struct vnet_mac_owner) == 8, "mac owner layout");

/* dhcp_seen_map (LRU): (net_id, chaddr) -> the port its last BOOTREQUEST
 * came in on, keyed by struct vnet_fdb_key. Written by the port program,
 * read by vnetd's DHCP server, which cannot tell ports apart on its
 * socket: a lease binds to this port, and per-port limits count by it. */
struct vnet_dhcp_seen {
	__u32 ifindex;
	__u32 pad;
	__u64 seen_ns;
};
_Static_assert(sizeof(struct vnet_dhcp_seen) == 16, "dhcp seen layout");

/* ct_map: a flow has two entries, keyed by the tuple as seen on the wire
 * in each direction: OUT (guest -> remote, as seen on the guest port) and
 * IN (remote -> uplink address, as seen on the uplink). Each holds the translation to
 * apply and the key of its partner so GC removes both together. */
struct vnet_ct_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;		/* ICMP echo: id in sport, 0 in dport */
	__u16 dport;
	__u8 proto;
	__u8 pad[3];
};
_Static_assert(sizeof(struct vnet_ct_key) == 16, "ct key layout");

/* dir: where the entry's key is seen. OUT: at a guest port (rewrite the
 * source, send to the uplink); IN: at the uplink (rewrite the destination,
 * send to ct.ifindex). */
#define VNET_CT_OUT 0
#define VNET_CT_IN 1
/* seen bits */
#define VNET_CT_SYN 1
#define VNET_CT_FIN 2
#define VNET_CT_RST 4
#define VNET_CT_ACK 8
#define VNET_CT_SEEN 16
#define VNET_CT_EST 32		/* initiator: its ACK followed the other side's answer */
/* flags (both entries of a flow) */
#define VNET_CTF_TCP_STATE 1	/* VNET_CT_EST is kept (entries made before it have 0) */
#define VNET_CTF_QUOTA 2	/* counted in ct_made (a guest's or a forward's flows) */
/* initiator, UDP: the GC saw the other side answered (it stays so), so it
 * judges the flow without reading its partner until 60 s of silence
 * (set by the GC's kernel judge, bpf/gc.bpf.c; ignored by the programs) */
#define VNET_CTF_GC_ANSWERED 4
/* OUT, TCP: guest_ack holds the guest's last ACK number (entries pinned
 * before, and flows the guest has not ACKed yet, have 0) */
#define VNET_CTF_ACK 8

struct vnet_ct {
	struct vnet_ct_key peer;	/* partner entry's key */
	__u32 xaddr;		/* ORIG: new saddr; REPLY: new daddr */
	__u16 xport;		/* ORIG: new sport; REPLY: new dport */
	__u8 dir;		/* VNET_CT_OUT / VNET_CT_IN */
	__u8 seen;		/* VNET_CT_* bits seen in this direction */
	__u32 net_id;
	union {
		__u32 ifindex;	/* IN: guest port */
		__u32 guest_ack; /* OUT, TCP: the guest's last ACK number, network
				  * order, if VNET_CTF_ACK (conntrack.h ct_rst_believed) */
	};
	__u8 mac[6];		/* IN: guest MAC */
	__u8 nat;		/* 1: SNAT flow, 2: DNAT (port forward) flow */
	__u8 initiator;		/* 1: this direction opened the flow */
	__u64 seen_ns;		/* last packet in this direction (refreshed every ~1 s) */
	/* OUT: the next hop toward the uplink (bpf/lib/nexthop.h). These 16
	 * bytes held packet/byte counts that were never maintained (zero), so
	 * entries pinned before read as "nothing cached". */
	__u8 nh_smac[6];
	__u8 nh_dmac[6];
	__u16 nh_len;		/* good for IPv4 packets up to this tot_len */
	__u8 nh_valid;		/* cleared at each seen_ns refresh (ct_touch) */
	__u8 flags;		/* VNET_CTF_*: 0 in entries pinned before (was padding) */
};
_Static_assert(sizeof(struct vnet_ct) == 64, "ct layout");

/* frag_map (LRU): a translated datagram's later fragments carry no ports;
 * its first fragment records the translation here, keyed by (source,
 * destination, IP id, protocol) as seen on the wire in that direction. */
struct vnet_frag_key {
	__u32 saddr;
	__u32 daddr;
	__u16 id;
	__u8 proto;
	__u8 dir;		/* VNET_CT_OUT (at a guest port) / VNET_CT_IN (uplink) */
};
struct vnet_frag {
	__u32 xaddr;		/* OUT: new saddr; IN: new daddr (the guest's) */
	__u32 net_id;
	__u32 ifindex;		/* IN: guest port */
	__u8 mac[6];		/* IN: guest MAC */
	__u8 pad[2];
	__u64 seen_ns;		/* the first fragment's time (RFC 791 reassembly limit) */
};
_Static_assert(sizeof(struct vnet_frag_key) == 12, "frag key layout");
_Static_assert(sizeof(struct vnet_frag) == 32, "frag layout");
#define VNET_FRAG_TTL_NS (30ULL * 1000000000ULL)	/* Linux's ipfrag_time */

/* ct6_map: IPv6 flows of NAT66 networks (issue 18.4), pairs as ct_map's
 * (OUT as seen on the guest port, IN as seen on the uplink) keyed by the
 * IPv6 5-tuple; a map of its own so ct_map's pinned layout stays. Same
 * seen bits, flags, timeouts and GC rules (dp_gc6.c). */
struct vnet_ct6_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;		/* ICMPv6 echo: id in sport, 0 in dport */
	__u16 dport;
	__u8 proto;
	__u8 pad[3];
};
_Static_assert(sizeof(struct vnet_ct6_key) == 40, "ct6 key layout");

struct vnet_ct6 {
	struct vnet_ct6_key peer;	/* partner entry's key */
	__u8 xaddr[16];		/* OUT: new saddr; IN: new daddr */
	__u16 xport;		/* OUT: new sport; IN: new dport */
	__u8 dir;		/* VNET_CT_OUT / VNET_CT_IN */
	__u8 seen;		/* VNET_CT_* bits seen in this direction */
	__u32 net_id;
	union {
		__u32 ifindex;	/* IN: guest port */
		__u32 guest_ack; /* OUT, TCP: as vnet_ct's (VNET_CTF_ACK) */
	};
	__u8 mac[6];		/* IN: guest MAC */
	__u8 nat;		/* 1: SNAT flow, 2: DNAT (port forward, fwd6_map) flow */
	__u8 initiator;		/* 1: this direction opened the flow */
	__u8 flags;		/* VNET_CTF_* */
	__u8 pad[3];
	__u64 seen_ns;		/* last packet in this direction (refreshed every ~1 s) */
};
_Static_assert(sizeof(struct vnet_ct6) == 88, "ct6 layout");
#define VNET_MAX_CT6 65536	/* entries (2 per flow) */

/* ct6_made / ct6_gone: NAT66 flows a guest (its IPv6 address in a
 * network) made, and of them the ones removed -- ct_made/ct_gone's rules
 * (programs count made, vnetd's GC alone writes gone), the cap
 * vnet_ct_guest_max, a map pair of its own (an IPv6 address does not fit
 * vnet_quota_key). */
struct vnet_quota6_key {
	__u32 net_id;		/* or a forward's VNET_QUOTA6_FWD_ID */
	__u8 addr[16];
};
_Static_assert(sizeof(struct vnet_quota6_key) == 20, "quota6 key layout");
/* A port forward to a guest's IPv6 address (fwd6_map): its flows are
 * counted per forward as IPv4's (vnet_quota_key's VNET_QUOTA_FWD), capped
 * at vnet_ct_fwd_max, in the same maps: addr is the forward's uplink
 * address, net_id packs VNET_QUOTA6_FWD, VNET_QUOTA6_UDP for a UDP
 * forward, the host port (host byte order, bits 8-23) and the network
 * (bits 0-7: VNET_MAX_NETS is 256). */
#define VNET_QUOTA6_FWD 0x80000000u
#define VNET_QUOTA6_UDP 0x40000000u
#define VNET_QUOTA6_FWD_ID(net_id, proto, port)                                         \
	(VNET_QUOTA6_FWD | ((proto) == 17 ? VNET_QUOTA6_UDP : 0) | ((__u32)(port) << 8) | \
	 ((net_id) & 0xff))
_Static_assert(VNET_MAX_NETS <= 256, "VNET_QUOTA6_FWD_ID packs the network in 8 bits");

/* frag6_map (LRU): a NAT66 datagram's later fragments carry no ports;
 * its first fragment records the translation here, keyed by (source,
 * destination, the fragment id's low 16 bits, protocol) as seen on the
 * wire in that direction (frag_map's rules, bpf/lib/frag.h). */
struct vnet_frag6_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 id;
	__u8 proto;
	__u8 dir;		/* VNET_CT_OUT / VNET_CT_IN */
};
struct vnet_frag6 {
	__u8 xaddr[16];		/* OUT: new saddr; IN: new daddr (the guest's) */
	__u32 net_id;
	__u32 ifindex;		/* IN: guest port */
	__u8 mac[6];		/* IN: guest MAC */
	__u8 pad[2];
	__u64 seen_ns;		/* the first fragment's time */
};
_Static_assert(sizeof(struct vnet_frag6_key) == 36, "frag6 key layout");
_Static_assert(sizeof(struct vnet_frag6) == 40, "frag6 layout");

/* nat6_map: net_id -> the uplink's global IPv6 address, NAT66's source
 * (all zero: none yet, NAT66 flows are not made). Written by dp_net_set. */
struct vnet_nat6 {
	__u8 addr[16];
};
_Static_assert(sizeof(struct vnet_nat6) == 16, "nat6 layout");

/* fwd_map: DNAT port forwards (uplink_addr, proto, host port) -> guest. */
struct vnet_fwd_key {
	__u32 addr;
	__u16 port;
	__u8 proto;
	__u8 pad;
};
struct vnet_fwd {
	__u32 net_id;
	__u32 guest_ip;
	__u16 guest_port;
	__u8 pad[2];
};
_Static_assert(sizeof(struct vnet_fwd_key) == 8, "fwd key layout");
_Static_assert(sizeof(struct vnet_fwd) == 12, "fwd layout");

/* fwd6_map: port forwards to guests' IPv6 addresses (issue 18): (the
 * uplink's global IPv6 address, NAT66's, proto, host port) -> guest. A
 * map of its own: fwd_map's pinned layout stays. Its flows are ct6_map
 * pairs with nat 2 (bpf/lib/nat6.h, dnat6_new). */
struct vnet_fwd6_key {
	__u8 addr[16];
	__u16 port;
	__u8 proto;
	__u8 pad;
};
struct vnet_fwd6 {
	__u32 net_id;
	__u8 guest_ip[16];
	__u16 guest_port;
	__u8 pad[2];
};
_Static_assert(sizeof(struct vnet_fwd6_key) == 20, "fwd6 key layout");
_Static_assert(sizeof(struct vnet_fwd6) == 24, "fwd6 layout");

/* ct_made / ct_gone: flows a guest (its address in a network) or a port
 * forward made, and of them the ones removed. The programs count made
 * (atomic add) and refuse a new flow when made - gone reaches the cap;
 * vnetd, the only writer of gone, adds every counted flow it deletes, so
 * neither map has two writers. */
#define VNET_QUOTA_GUEST 1	/* addr: the guest's; port, proto: 0 */
#define VNET_QUOTA_FWD 2	/* addr, port, proto: the forward's (uplink address, host port) */
struct vnet_quota_key {
	__u32 net_id;
	__u32 addr;
	__u16 port;
	__u8 proto;
	__u8 kind;
};
_Static_assert(sizeof(struct vnet_quota_key) == 12, "quota key layout");

/* port_stats / net_stats (per-CPU hash / array) */
struct vnet_stats {
	__u64 rx_packets;	/* entered the program */
	__u64 rx_bytes;
	__u64 fast_packets;	/* redirected by the program */
	__u64 fast_bytes;
	__u64 slow_packets;	/* passed to the kernel (bridge/host) */
	__u64 slow_bytes;
	__u64 tx_packets;	/* redirected into this port */
	__u64 tx_bytes;
	__u64 drops;
};
_Static_assert(sizeof(struct vnet_stats) == 72, "stats layout");

/* qos_map: libvirt's <bandwidth> (issue 19.4). Key: a port's ifindex, or
 * VNET_QOS_NET | net_id for a network's aggregate. Written by vnetd
 * (dp_qos.c), the buckets' state (tat*) by the programs under the lock.
 * Rates in bytes/s; tau: how far (ns) a bucket may run ahead of the clock
 * (burst bytes at the average rate, a packet at peak). bpf/lib/qos.h. */
#define VNET_QOS_NET 0x80000000u
#define VNET_MAX_QOS (VNET_MAX_PORTS + VNET_MAX_NETS)
#define VNET_QOS_IN 1		/* inbound (to the guest) limit */
#define VNET_QOS_OUT 2		/* outbound (from the guest) limit */
#define VNET_QOS_PACE 4		/* port: the pacing program (and fq) on its egress */
#define VNET_QOS_IN_POLICE 8	/* port: no fq in the kernel: inbound policed, not paced */
#define VNET_QOS_HORIZON_NS (2ULL * 1000000000ULL)	/* EDT: drop beyond this */
struct vnet_qos_dir {
	__u64 rate;		/* average; 0: none */
	__u64 peak;		/* 0: none */
	__u64 tau;		/* ns: the burst at the average rate */
	__u64 tau_peak;		/* ns: at peak */
	__u64 tat;		/* BPF: theoretical arrival time (GCRA), average */
	__u64 tat_peak;		/* BPF: the same at peak */
};
struct vnet_qos {
	struct bpf_spin_lock lock;
	__u32 flags;		/* VNET_QOS_* */
	struct vnet_qos_dir in, out;
	struct vnet_qos_dir floor;	/* inbound floor (rate only): under it a
					 * port bypasses the network's aggregate */
};
_Static_assert(sizeof(struct vnet_qos_dir) == 48, "qos dir layout");
_Static_assert(sizeof(struct vnet_qos) == 152, "qos layout");

/* qos_stats (per-CPU hash): ifindex -> what its limits did. */
struct vnet_qos_stats {
	__u64 paced;		/* inbound: sent later than they arrived */
	__u64 delay_ns;		/* inbound: their total delay */
	__u64 dropped;		/* inbound: departure beyond the horizon */
	__u64 policed;		/* outbound: over rate + burst, dropped */
};
_Static_assert(sizeof(struct vnet_qos_stats) == 32, "qos stats layout");

/* uplink_map: ifindex -> hook info. */
struct vnet_uplink {
	__u8 hook;
	__u8 kind;
	__u8 xdp;	/* 1: the uplink XDP program runs (native mode) in front
			 * of tc; was padding (0), so pinned entries read "no" */
	__u8 ctr;	/* its slot in uplink_slot/uplink_ctr + 1 (issue 21); 0:
			 * none yet (an older build's entry, until vnetd syncs
			 * it before attaching its programs). Was padding (0) */
};
_Static_assert(sizeof(struct vnet_uplink) == 4, "uplink layout");

/* uplink_slot (issue 21): the uplink path's one value, in an array so the
 * program finds it without a hash lookup: slot VNET_UPLINK_SLOT(ifindex)
 * holds that uplink's ifindex and a copy of its uplink_map entry, and the
 * same slot of uplink_ctr (per-CPU) its counters. ifindex 0: free. An
 * uplink whose slot another live uplink holds takes any free one (64
 * uplinks at most): the program finds it in uplink_map, its counters by
 * its ctr. Written by
 * vnetd (dp_uplink_slot.c) whenever it writes uplink_map; a slot's
 * counters are zeroed before another uplink takes it. */
#define VNET_UPLINK_SLOTS 128	/* a power of 2: slot = ifindex & (it - 1) */
struct vnet_uplink_slot {
	__u32 ifindex;
	struct vnet_uplink up;
};
_Static_assert(sizeof(struct vnet_uplink_slot) == 8, "uplink slot layout");
_Static_assert(VNET_UPLINK_SLOTS <= 255 && !(VNET_UPLINK_SLOTS & (VNET_UPLINK_SLOTS - 1)),
	       "a power of 2, a slot + 1 fits vnet_uplink.ctr");
#define VNET_UPLINK_SLOT(ifindex) ((__u32)(ifindex) & (VNET_UPLINK_SLOTS - 1))

/* ACLs (bpf/lib/acl.h, docs/acl.md): a bit-vector classifier. An ACL has
 * a slot (1..VNET_ACL_SLOTS-1); its rules for one direction are a table
 * t = slot * 2 + dir, built twice (generations): the classifier
 * cls = t * 2 + gen. A field's lookup (source and destination prefix,
 * source and destination port or ICMP type: LPM tries; protocol: array)
 * gives the bitmap of the rules that field allows; the first bit set in
 * all five is the matching rule. vnetd builds the inactive generation
 * and flips acl_gen[t], so a packet never sees half a rule set. */
#define VNET_ACL_SLOTS 64
#define VNET_ACL_RULES 1024		/* rules per ACL and direction */
#define VNET_ACL_WORDS (VNET_ACL_RULES / 64)
#define VNET_ACL_TABLES (VNET_ACL_SLOTS * 2)
#define VNET_ACL_CLASSIFIERS (VNET_ACL_TABLES * 2)
#define VNET_ACL_HIT_STRIDE (VNET_ACL_RULES + 2)	/* + default, established */
#define VNET_ACL_HIT_DEFAULT VNET_ACL_RULES
#define VNET_ACL_HIT_EST (VNET_ACL_RULES + 1)
#define VNET_ACL_MAX_LPM 131072		/* prefixes of every classifier */
#define VNET_ACL_MAX_FLOWS 65536	/* allowed flows whose replies pass */
#define VNET_ACL_FLOW_NS (3600ULL * 1000000000ULL)
#define VNET_ACL_DIR_IN 0		/* into the guest */
#define VNET_ACL_DIR_OUT 1		/* from the guest */
#define VNET_ACL_ALLOW 0
#define VNET_ACL_DROP 1
#define VNET_ACL_TABLE(slot, dir) ((slot) * 2 + (dir))
#define VNET_ACL_CLS(t, gen) ((t) * 2 + ((gen) & 1))
/* protocol classes (acl_proto index cls * 4 + class) */
#define VNET_ACL_P_OTHER 0
#define VNET_ACL_P_TCP 1
#define VNET_ACL_P_UDP 2
#define VNET_ACL_P_ICMP 3

enum vnet_acl_field { VNET_ACL_F_SRC, VNET_ACL_F_DST, VNET_ACL_F_SPORT, VNET_ACL_F_DPORT };

/* acl_lpm key: prefixlen counts bits from field on: 24 + the prefix's
 * length (addresses: up to 32; ports and ICMP types: up to 16). cls in
 * network order so the trie compares it first. */
struct vnet_acl_lpm_key {
	__u32 prefixlen;
	__u8 field;		/* enum vnet_acl_field */
	__u8 cls[2];		/* big endian */
	__u8 data[5];		/* address (4) or port (2), network order */
};
_Static_assert(sizeof(struct vnet_acl_lpm_key) == 12, "acl lpm key layout");

struct vnet_acl_bits {
	__u64 w[VNET_ACL_WORDS];
};

/* acl_info[cls]: the classifier's rules' actions. */
struct vnet_acl_info {
	__u16 nrules;
	__u8 nwords;		/* words of the bitmaps in use */
	__u8 dflt;		/* VNET_ACL_ALLOW / DROP when no rule matches */
	__u8 valid;
	__u8 pad[3];
	__u8 act[VNET_ACL_RULES];	/* VNET_ACL_ALLOW / DROP by rule bit */
};
_Static_assert(sizeof(struct vnet_acl_info) == 8 + VNET_ACL_RULES, "acl info layout");

/* acl_port_map: ifindex -> the tables judging it (0: none). */
struct vnet_acl_port {
	__u16 in_t;		/* VNET_ACL_TABLE(slot, VNET_ACL_DIR_IN) */
	__u16 out_t;
};
_Static_assert(sizeof(struct vnet_acl_port) == 4, "acl port layout");

/* port_state (issue 21): everything the port path reads per packet, in
 * one value found by one lookup of the port's ifindex: copies vnetd makes
 * (ctl/vnetd/dp/dp_port_state.c) of port_map's entry, of its network's
 * net_map entry, of that network's uplink_map entry and of the port's
 * acl_port_map entry, rewritten whenever one of those changes and filled
 * from them when vnetd starts (so an upgrade needs nothing). The programs
 * write port.learn_s (fdb.h) and, with port_map, the first-frame MAC lock
 * (port.h) here. slot: the port's counters in port_ctr (a per-CPU array,
 * its slot's values zeroed before the slot is reused). */
#define VNET_PS_UPLINK 1	/* up holds the network's uplink's entry */
/* bind: the anti-spoofing check's common case without a bind_map lookup
 * (issue 21): one IPv4 address bound in bind_map to this port and to mac
 * (a lease or a declared address with its MAC, never a learned one: the
 * programs refresh those in bind_map), ip 0: none. A frame from exactly
 * that address and MAC passes; any other goes to bind_map as before, so
 * a port with several bindings is right whichever one is here. Kept by
 * every vnetd writer of bind_map (dp_port_state_bind_*): cleared before
 * a binding is removed or moved, set after one is written. */
struct vnet_bind_sum {
	__u32 ip;
	__u8 mac[6];
	__u8 pad[2];
};
_Static_assert(sizeof(struct vnet_bind_sum) == 12, "bind summary layout");

struct vnet_port_state {
	struct vnet_port port;
	struct vnet_net net;
	struct vnet_uplink up;
	struct vnet_acl_port acl;
	__u32 slot;
	__u32 flags;		/* VNET_PS_* */
	struct vnet_bind_sum bind;	/* 64 bytes up to here: the first layout */
	__u32 ifindex;		/* the port's (was spare, 0): port_state_slot's check */
};
/* port_slot (array by port_state slot, issue 21): what the port path
 * needs of a port it switches a frame to, found by the slot an fdb entry
 * carries (vnet_fdb.slot1) with no hash lookup. Written by vnetd only
 * (dp_port_state.c), with the port's port_state entry: set after it,
 * cleared (ifindex 0) before the entry goes or the slot changes hands,
 * and checked against port_state at start. ifindex 0: a free slot. */
struct vnet_port_slot {
	__u32 ifindex;
	__u32 net_id;
	__u32 slot;		/* its own index */
	__u8 kind;		/* enum vnet_kind */
	__u8 hook;		/* enum vnet_hook */
	__u8 flags;		/* VNET_PORT_* */
	__u8 pad;
	struct vnet_acl_port acl;
};
_Static_assert(sizeof(struct vnet_port_slot) == 20, "port slot layout");

/* The port's own lookup without a hash (issue 21): port_ifslot, an array
 * by ifindex for ifindex < VNET_PORT_IFSLOTS, holds the port's slot + 1
 * (0: none), and port_state_slot, an array by slot, a copy of its
 * port_state entry naming the port (vnet_port_state.ifindex). Both are
 * vnetd's (dp_port_state.c): the copy is set after the port_state entry,
 * cleared before it goes or the slot changes hands, swept at start; the
 * hint is only a hint (the copy's ifindex decides), set after the copy,
 * cleared when the port goes. 4 bytes an ifindex: 1 MiB. */
#define VNET_PORT_IFSLOTS (1u << 18)

/* A pinned port_state of another size (a build before the summary: 64) is
 * a cache: vnetd recreates it at start keeping each port's slot
 * (datapath.c, port_state_carry). */
_Static_assert(sizeof(struct vnet_port_state) == 80, "port state layout");

/* acl_flow (LRU): a packet an ACL allowed at a port that also has an ACL
 * in the other direction leaves the reply's tuple here (as the reply will
 * be seen there); a reply no rule matches passes instead of taking the
 * default (nftables' ct state established). */
struct vnet_acl_flow_key {
	__u32 ifindex;
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 dir;
	__u8 pad[2];
};
_Static_assert(sizeof(struct vnet_acl_flow_key) == 20, "acl flow key layout");

/* IPv6 ACLs: the same classifiers. An IPv6 packet's addresses are looked
 * up in acl_lpm6 (fields VNET_ACL_F_SRC/DST; prefixlen 24 + up to 128),
 * its ports and ICMPv6 type in acl_lpm as IPv4's, its protocol class in
 * acl_proto6 (VNET_ACL_P_ICMP there is ICMPv6); the replies of its allowed
 * flows in acl_flow6. New maps: the IPv4 ones keep their layouts. */
struct vnet_acl_lpm6_key {
	__u32 prefixlen;
	__u8 field;		/* VNET_ACL_F_SRC or VNET_ACL_F_DST */
	__u8 cls[2];		/* big endian */
	__u8 data[17];		/* the address, network order */
};
_Static_assert(sizeof(struct vnet_acl_lpm6_key) == 24, "acl lpm6 key layout");

struct vnet_acl_flow6_key {
	__u32 ifindex;
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 dir;
	__u8 pad[2];
};
_Static_assert(sizeof(struct vnet_acl_flow6_key) == 44, "acl flow6 key layout");

/* nh6_map (LRU): a NAT66 flow's next hop, by network and destination
 * (bpf/lib/nexthop.h). IPv4 keeps it in the flow's conntrack entry;
 * vnet_ct6 has no room for it and its layout is pinned. */
struct vnet_nh6_key {
	__u32 net_id;
	__u8 addr[16];
};
_Static_assert(sizeof(struct vnet_nh6_key) == 20, "nh6 key layout");
struct vnet_nh6 {
	__u8 smac[6];
	__u8 dmac[6];
	__u16 len;		/* good for IPv6 packets up to this length */
	__u8 pad[2];
	__u64 stamp_ns;		/* looked up then: good for a second */
};
_Static_assert(sizeof(struct vnet_nh6) == 24, "nh6 layout");
#define VNET_MAX_NH6 16384

#endif
