/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a guest network may send to the host itself, and the program on
 * each network's bridge device that enforces it. The bridge hands a frame
 * to the host's stack (br_pass_frame_up, tc ingress of the bridge) when
 * its destination MAC is the bridge's, any local fdb entry (the host-side
 * MAC of every port) or a group address; the port program judges only
 * frames to the bridge's MAC. So the bridge program judges what actually
 * reaches the host, by the IP destination, whichever MAC the guest chose;
 * what the bridge floods between ports never passes here. */
#ifndef VNET_BPF_HOST_H
#define VNET_BPF_HOST_H

#include "route.h"
#include "route6.h"

#define VNET_IP_BCAST 0xffffffff

/* The host-access decision, the one place for it (the port program for
 * frames to the bridge's MAC, the bridge program for the rest), by the
 * network's mode (vnet_net.host_access, issue 19) for a packet addressed
 * to the host (one of its addresses, a broadcast or multicast it
 * receives). In every mode: DHCP to the server (or broadcast by a client
 * without an address) and DNS on the gateway, the network's own services;
 * never IPv4 options. all (libvirt's behaviour): anything else too, the
 * host's own firewall decides; only martian destinations (0/8, 127/8) are
 * refused. none: besides DHCP and DNS only replies to what the host
 * opened (echo replies, ICMP errors, TCP segments that do not open a
 * connection: the host may still ssh into its guests). services: also
 * ping on the gateway and the listed ports (host_svc_map). VNET_DROP_NONE
 * or the reason. */
static __always_inline enum vnet_drop host_access(const struct hdrs *h,
						  const struct vnet_net *net, __u32 net_id)
{
	__u32 top = bpf_ntohl(h->daddr) >> 24;

	if (h->ip_opts)
		return VNET_DROP_IP_OPTIONS;
	if (net->host_access == VNET_HOST_ALL)
		return top == 0 || top == 127 ? VNET_DROP_BAD_DST : VNET_DROP_NONE;
	if (h->frag)
		return VNET_DROP_TO_HOST;
	if (h->proto == IPPROTO_UDP_ && h->dport == bpf_htons(67) &&
	    (h->daddr == net->gw || h->daddr == VNET_IP_BCAST))
		return VNET_DROP_NONE;
	if (h->daddr != net->gw) {
		/* mode services: a forwarded port on the uplink address, for
		 * the relay (the guests' hairpin); none: not even that */
		if (h->daddr == net->uplink_addr && h->daddr &&
		    net->host_access == VNET_HOST_SERVICES && host_svc_open(h, net_id, VNET_HOST_SVC_FWD))
			return VNET_DROP_NONE;
		return dst_reserved(h->daddr, net) ? VNET_DROP_BAD_DST : VNET_DROP_TO_HOST;
	}
	if (h->proto == IPPROTO_UDP_ && h->dport == bpf_htons(53))
		return VNET_DROP_NONE;
	if (h->proto == IPPROTO_TCP_ &&
	    (h->dport == bpf_htons(53) || (h->tcp_flags & (TCPF_SYN | TCPF_ACK)) != TCPF_SYN))
		return VNET_DROP_NONE;
	if (h->proto == IPPROTO_ICMP_ &&
	    (h->icmp_type == 0 || h->icmp_type == 3 || h->icmp_type == 11))
		return VNET_DROP_NONE;
	/* listed ports: a network in mode none lists only the network's own
	 * services vnetd adds (TFTP), never the definition's */
	if (host_svc_open(h, net_id, VNET_HOST_SVC_GW))
		return VNET_DROP_NONE;
	if (net->host_access == VNET_HOST_NONE)
		return VNET_DROP_TO_HOST;
	return h->proto == IPPROTO_ICMP_ && h->icmp_type == 8 ? VNET_DROP_NONE : VNET_DROP_TO_HOST;
}

/* Addressed to the host whatever the routing table says: the network's
 * own subnet (gateway, broadcast), the uplink address, and what the host
 * receives as broadcast or multicast. */
static __always_inline bool host_dst(const struct hdrs *h, const struct vnet_net *net)
{
	return ((h->daddr ^ net->gw) & net->mask) == 0 || h->daddr == net->uplink_addr ||
	       dst_reserved(h->daddr, net);
}

/* A packet the kernel would route: only off the network through its own
 * uplink (route mode, and what the port program leaves to the kernel on
 * purpose: TTL expiry, route-mode fragments, packets too big, other
 * protocols -- the uplink guard keeps NAT sources from leaving
 * untranslated): ACT_PASS. ACT_CONTINUE: it is the host's own (another
 * local address), for host_access to judge. */
static __always_inline enum act bridge_routed(struct pkt *p, const struct hdrs *h,
					      const struct vnet_net *net)
{
	struct bpf_fib_lookup fib = {};
	enum vnet_drop r = route_refused(h, net);
	int rc;

	if (r)
		return drop(p, r);
	rc = fib_out(p, h, net, &fib, 0);
	if (rc == BPF_FIB_LKUP_RET_NOT_FWDED)
		return ACT_CONTINUE;
	if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED)
		return drop(p, VNET_DROP_FWD_DISABLED);	/* nor can the lookup tell local from not */
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH &&
	    rc != BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return drop(p, VNET_DROP_NO_ROUTE);
	return fib.ifindex == net->uplink_ifindex ? ACT_PASS : drop(p, VNET_DROP_CROSS_NET);
}

/* IPv4 the bridge hands up. group: sent to a broadcast/multicast MAC (the
 * bridge flooded it to the guests too; a copy for a group IP destination is
 * counted apart, as host_group: guests' mDNS, SSDP and IGMP land there). */
static __always_inline enum act bridge_ipv4(struct pkt *p, const struct hdrs *h,
					    const struct vnet_net *net, bool group)
{
	enum vnet_drop r;

	if (!host_dst(h, net)) {
		enum act a = bridge_routed(p, h, net);

		if (a != ACT_CONTINUE)
			return a;
	}
	r = host_access(h, net, p->net_id);
	if (r == VNET_DROP_BAD_DST && group)
		r = VNET_DROP_HOST_GROUP;
	return r ? drop(p, r) : ACT_PASS;
}

/* A multicast IPv6 destination the host takes from a guest network:
 * all-nodes, all-routers (router solicitations) and solicited-node groups
 * (neighbour discovery). Others (MLD's ff02::16, mDNS...) are the guests'
 * own, flooded to them by the bridge: the host's copy is dropped. */
static __always_inline bool ip6_host_group(const __u8 *d)
{
	static const __u8 sol[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };
	__u64 a0, a1;

	if (d[0] != 0xff || d[1] != 0x02)
		return false;
	__builtin_memcpy(&a0, d, 8);
	__builtin_memcpy(&a1, d + 8, 8);
	/* all-nodes, all-routers, All_DHCP_Relay_Agents_and_Servers (vnetd's
	 * DHCPv6 server listens there) */
	if (a0 == bpf_cpu_to_be64(0xff02000000000000ULL) &&
	    (a1 == bpf_cpu_to_be64(1) || a1 == bpf_cpu_to_be64(2) ||
	     a1 == bpf_cpu_to_be64(0x10002)))
		return true;
	for (int i = 2; i < 13; i++)
		if (d[i] != sol[i])
			return false;
	return true;
}

/* The host-access decision for IPv6 (the counterpart of host_access):
 * neighbour discovery and router solicitations, ping to the host and
 * its answers, ICMPv6 errors, DNS on the gateway, and TCP segments that do
 * not open a connection. */
static __always_inline enum vnet_drop host_access6(const struct hdrs *h, bool gw)
{
	if (h->frag)
		return VNET_DROP_TO_HOST;
	if (h->proto == IPPROTO_ICMPV6_)
		return (h->icmp_type >= 1 && h->icmp_type <= 4) || h->icmp_type == 128 ||
		       h->icmp_type == 129 || h->icmp_type == ICMP6_RS ||
		       h->icmp_type == ICMP6_NS || h->icmp_type == ICMP6_NA ?
		       VNET_DROP_NONE : VNET_DROP_TO_HOST;
	/* a DHCPv6 client (from its link-local address, to ff02::1:2 or
	 * the server's link-local address) */
	if (h->proto == IPPROTO_UDP_ && h->dport == bpf_htons(DHCP6_SERVER_PORT) &&
	    h->sport == bpf_htons(DHCP6_CLIENT_PORT))
		return VNET_DROP_NONE;
	if (!gw)
		return VNET_DROP_TO_HOST;
	if (h->proto == IPPROTO_UDP_ && h->dport == bpf_htons(53))
		return VNET_DROP_NONE;
	if (h->proto == IPPROTO_TCP_ &&
	    (h->dport == bpf_htons(53) || (h->tcp_flags & (TCPF_SYN | TCPF_ACK)) != TCPF_SYN))
		return VNET_DROP_NONE;
	return VNET_DROP_TO_HOST;
}

/* IPv6 the bridge hands up: for the host (its link-local address, a group
 * it takes, one of the network's gateway addresses) judged by
 * host_access6; a guest's multicast for the guests: host_group; anything
 * else would be routed by the kernel: through the uplink of a network
 * that routes IPv6 (bridge_routed6), else ipv6. */
static __always_inline enum act bridge_ipv6(struct pkt *p, struct hdrs *h,
					     const struct vnet_net *net, __u32 net_id, bool group)
{
	struct vnet_net6 *n6 = bpf_map_lookup_elem(&net6_map, &net_id);
	enum vnet_drop r = parse_ipv6(p, h);
	__u8 *d;

	if (r)
		return drop(p, r);
	d = IP6_DST(p);
	if (!d)
		return drop(p, VNET_DROP_RUNT);
	if (ip6_is_multicast(d)) {
		if (!ip6_host_group(d))
			return drop(p, group ? VNET_DROP_HOST_GROUP : VNET_DROP_BAD_DST);
		r = host_access6(h, false);
	} else if (ip6_is_linklocal(d)) {
		r = host_access6(h, false);
	} else if (n6 && (n6->flags & VNET_NET6_VALID) && ip6_gw(d, n6)) {
		r = host_access6(h, true);
	} else {
		/* routed by the kernel: a network that routes IPv6 lets it
		 * through its uplink (route6.h), else not routed: ipv6 */
		return bridge_routed6(p, h, net, net_id, n6 ? n6->flags : 0, d);
	}
	return r ? drop(p, r) : ACT_PASS;
}

/* The one caller of drop(p, VNET_DROP_NONE): a frame the stack would drop
 * anyway, dropped uncounted (vnet_bridge_tc); at any verdict it would be
 * counted "internal". */
static __always_inline enum act bridge_ingress(struct pkt *p, __u32 pkt_type, bool vlan)
{
	__u32 ifindex = p->ifindex, net_id;
	struct hdrs h = {};
	struct vnet_net *net;
	__u32 *id = bpf_map_lookup_elem(&bridge_map, &ifindex);
	enum vnet_drop r;

	/* not a vnet bridge; the host's own multicast looped back */
	if (!id || pkt_type == PKT_TYPE_LOOPBACK)
		return ACT_PASS;
	net_id = *id;
	p->net_id = net_id;
	net = bpf_map_lookup_elem(&net_map, &net_id);
	if (!net || !(net->flags & VNET_NET_VALID))
		return drop(p, VNET_DROP_TO_HOST);	/* going away: nothing passes */
	if (net->flags & VNET_NET_BRIDGE)
		return ACT_PASS;	/* a shared LAN: the host is an ordinary peer */
	/* a copy passed up only because the bridge is promiscuous (tcpdump),
	 * or a frame to another port's MAC: the stack drops those (ip_rcv,
	 * arp_rcv), and so does this, uncounted (VNET_DROP_NONE) */
	if (pkt_type == PKT_TYPE_OTHERHOST)
		return drop(p, VNET_DROP_NONE);
	if (vlan)
		return drop(p, VNET_DROP_VLAN);
	r = parse_eth(p, &h);
	if (r)
		return drop(p, r);
	if (h.eth_proto == ETH_P_ARP)
		return ACT_PASS;	/* checked at the port */
	if (h.eth_proto == ETH_P_IPV6)
		return bridge_ipv6(p, &h, net, net_id, pkt_type == PKT_TYPE_BROADCAST ||
				   pkt_type == PKT_TYPE_MULTICAST);
	if (h.eth_proto != ETH_P_IP)
		return drop(p, VNET_DROP_L2_PROTO);
	r = parse_ipv4(p, &h);
	if (r)
		return drop(p, r);
	return bridge_ipv4(p, &h, net, pkt_type == PKT_TYPE_BROADCAST ||
			   pkt_type == PKT_TYPE_MULTICAST);
}

#endif
