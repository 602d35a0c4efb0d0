/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest port ingress: anti-spoofing, fdb learning, the L2 fast path, the
 * routed/NAT path to the uplink; everything else goes to the bridge. */
#ifndef VNET_BPF_PORT_H
#define VNET_BPF_PORT_H

#include "fdb.h"
#include "nat.h"
#include "host.h"
#include "learn.h"
#include "overlay.h"
#include "port_state.h"

/* Filter mode learn: the port's first frame fixes its MAC (as the first
 * lease does under strict) and makes the port the MAC's owner, so no
 * other port can take it before a lease does (mac_owner_map; vnetd's
 * dp_owner_claim finds it already the port's). */
static __always_inline void mac_lock_first(struct vnet_port *port, __u32 net_id,
					   const __u8 *mac, __u32 ifindex)
{
	struct vnet_fdb_key k = { .net_id = net_id };
	struct vnet_mac_owner o = { .ifindex = ifindex };

	struct vnet_mac_owner *was;
	struct vnet_port *pm;

	__builtin_memcpy(k.mac, mac, 6);
	if (bpf_map_update_elem(&mac_owner_map, &k, &o, BPF_NOEXIST)) {
		was = bpf_map_lookup_elem(&mac_owner_map, &k);
		if (!was || was->ifindex != ifindex)
			return;	/* another port's since mac_owned_elsewhere */
	}
	__builtin_memcpy(port->mac, mac, 6);	/* port_state's copy */
	port->mac_locked = 1;
	pm = bpf_map_lookup_elem(&port_map, &ifindex);	/* what vnetd reads */
	if (pm && !pm->mac_locked) {
		__builtin_memcpy(pm->mac, mac, 6);
		pm->mac_locked = 1;
	}
}

/* Filter mode off: no source checks (vnet_shared.h, VNET_PORT_FILTER_OFF). */
static __always_inline bool filter_off(const struct vnet_port *port)
{
	return port->flags & VNET_PORT_FILTER_OFF;
}
#include "acl.h"

/* ARP: the sender MAC must be the frame's source, the sender IP one bound
 * to this port (0.0.0.0 is an RFC 5227 probe and allowed); under learn an
 * unbound address of the network is learned from it (learn.h). */
static __always_inline enum vnet_drop check_arp(struct pkt *p, struct hdrs *h,
						 const struct vnet_port *port,
						 const struct vnet_net *net)
{
	enum vnet_drop r = parse_arp(p, h);

	if (r || filter_off(port))
		return r;
	if (!mac_eq(h->arp_sha, h->smac))
		return VNET_DROP_ARP_SPOOF;
	if (h->arp_sip == 0)
		return VNET_DROP_NONE;
	return bind_check(h->arp_sip, h->smac, p->ifindex, port, net, true,
			  VNET_DROP_ARP_SPOOF);
}

/* DHCP from a guest: BOOTREQUESTs to the server port, for the frame's own
 * MAC, and nothing else. A server's messages (from port 67, to a client's
 * port 68, a BOOTREPLY) come from vnetd on the bridge, never from a port:
 * from a guest they are a rogue server's. A later fragment has no ports. */
static __always_inline enum vnet_drop check_dhcp(struct pkt *p, struct hdrs *h, __u32 net_id)
{
	enum vnet_drop r;

	if (h->sport == bpf_htons(67) || h->dport == bpf_htons(68))
		return VNET_DROP_DHCP_SERVER;
	if (h->dport != bpf_htons(67))
		return VNET_DROP_NONE;
	r = parse_bootp(p, h);
	if (r)
		return r;
	if (h->bootp_op != 1)	/* BOOTREPLY (or junk) */
		return VNET_DROP_DHCP_SERVER;
	/* vnetd knows a client by chaddr and binds its lease to the port
	 * its request came in on: a port asks for its own MAC only. */
	if (!mac_eq(h->chaddr, h->smac))
		return VNET_DROP_DHCP_CHADDR;
	return dhcp_seen_note(net_id, h->smac, p->ifindex);
}

/* IPv4: the source must be bound to this port and to this MAC. RFC 2131,
 * 4.1: "DHCP messages broadcast by a client prior to that client obtaining
 * its IP address must have the source address field in the IP header set
 * to 0." -- so 0.0.0.0:68 -> :67 passes. Under filter mode off only the
 * DHCP guards apply: they protect the network's own DHCP service (a rogue
 * server, a request for another port's MAC), not a guest's addresses. */
static __always_inline enum vnet_drop check_ipv4(struct pkt *p, struct hdrs *h,
						  const struct vnet_port *port,
						  const struct vnet_net *net)
{
	enum vnet_drop r = parse_ipv4(p, h);

	if (r)
		return r;
	if (h->proto == IPPROTO_UDP_) {
		r = check_dhcp(p, h, port->net_id);
		if (r)
			return r;
	}
	if (filter_off(port))
		return VNET_DROP_NONE;
	if (h->saddr == 0) {
		if (h->proto == IPPROTO_UDP_ && h->sport == bpf_htons(68) &&
		    h->dport == bpf_htons(67))
			return VNET_DROP_NONE;
		return VNET_DROP_SRC_IP;
	}
	return bind_check(h->saddr, h->smac, p->ifindex, port, net, false, VNET_DROP_SRC_IP);
}

/* Known unicast to another port of the same network: port to port; to
 * a guest on another host (<vnet:overlay>): to the VXLAN device. */
static __always_inline enum act l2_forward(struct pkt *p, const struct hdrs *h,
					   const struct vnet_port *port)
{
	struct vnet_fdb *f = fdb_find(port->net_id, h->dmac);
	struct vnet_port_slot *dst;
	__u32 out;

	if (!f || !f->ifindex)
		return remote_forward(p, h, port->net_id);
	out = f->ifindex;
	if (out == p->ifindex)
		return ACT_PASS;
	dst = port_slot_of(out, f->slot1);
	if (!dst || dst->net_id != port->net_id)
		return ACT_PASS;
	if (port->flags & dst->flags & VNET_PORT_ISOLATED)
		return drop(p, VNET_DROP_PORT_ISOLATED);
	return acl_redirect_to(p, h, out, dst->net_id, dst->slot, dst->kind, dst->hook, &dst->acl,
			       h->daddr, acl_l4_dport(h));
}

/* IPv6 from a checked source: a group MAC goes to the bridge, which floods
 * it (the host's copy is judged by the bridge program), as IPv4's; another
 * guest's MAC is switched; the bridge's MAC is the host's (the bridge
 * program judges: host access) or the router's (route6_out). */
static __always_inline enum act ipv6_forward(struct pkt *p, const struct hdrs *h,
					     const struct vnet_port *port, const struct vnet_net *net)
{
	if (mac_is_group(h->dmac))
		return ACT_PASS;
	if (mac_eq(h->dmac, net->bridge_mac))	/* the host's, or routed (route6.h) */
		return net->flags & VNET_NET_BRIDGE ? ACT_PASS : route6_out(p, h, port->net_id, net);
	/* XDP completes an offloaded TCP/UDP sum only right after the fixed
	 * header (l6_csum_fill) */
	if (!p->tc && p->l4_off != ETH_HLEN_ + IP6_HLEN &&
	    (h->proto == IPPROTO_TCP_ || h->proto == IPPROTO_UDP_))
		return pass_to_tc(p);
	return l2_forward(p, h, port);
}

/* IPv6 from a guest: checked (ipv6.h), then switched or passed. */
static __always_inline enum act port_ipv6(struct pkt *p, struct hdrs *h,
					  const struct vnet_port *port, const struct vnet_net *net)
{
	enum vnet_drop r = check_ipv6(p, h, port);

	if (!r)
		r = acl6_from_guest(p, h, &ps_of(port)->acl);	/* the guest's egress ACL */
	if (r)
		return drop(p, r);
	if (mac_is_link_local(h->dmac) && !(net->flags & VNET_NET_BRIDGE))
		return drop(p, VNET_DROP_TO_HOST);
	return ipv6_forward(p, h, port, net);
}

/* IPv4 from a checked source. A group MAC goes to the bridge, which
 * floods it to the guests (the host's copy is judged by the bridge
 * program); another MAC is switched; the bridge's MAC is the gateway:
 * for the host (host_access) or routed. */
static __always_inline enum act ipv4_forward(struct pkt *p, struct hdrs *h,
					     const struct vnet_port *port, const struct vnet_net *net)
{
	enum vnet_drop r;

	if (mac_is_group(h->dmac))
		return ACT_PASS;
	if (!mac_eq(h->dmac, net->bridge_mac))
		return l2_forward(p, h, port);
	if (net->flags & VNET_NET_BRIDGE)
		return ACT_PASS;
	if (host_dst(h, net)) {
		r = host_access(h, net, port->net_id);
		return r ? drop(p, r) : ACT_PASS;
	}
	return route_out(p, h, port->net_id, net, ps_of(port));
}

static __always_inline enum act port_ingress(struct pkt *p)
{
	__u32 ifindex = p->ifindex, net_id;
	struct hdrs h = {};
	/* one lookup for the port, its network, uplink and ACLs (port_state.h) */
	struct vnet_port_state *ps = port_state_of(ifindex);
	struct vnet_port *port;
	struct vnet_net *net;
	enum vnet_drop r;

	if (!ps)
		return ACT_PASS;
	port = &ps->port;
	net = &ps->net;
	p->net_id = port->net_id;	/* every drop below is this network's */
	count_rx_port(p, ps);
	if (pkt_vlan(p))	/* no port has a VLAN policy: untagged only */
		return drop(p, VNET_DROP_VLAN);
	r = qos_outbound(p, port->net_id);	/* <bandwidth><outbound> */
	if (r)
		return drop(p, r);
	r = parse_eth(p, &h);
	if (r)
		return drop(p, r);
	if (mac_is_group(h.smac) ||
	    (port->mac_locked && !filter_off(port) && !mac_eq(h.smac, port->mac)))
		return drop(p, VNET_DROP_SRC_MAC);
	net_id = port->net_id;
	/* A port that is not locked to one MAC may use any MAC no other port
	 * owns (a locked port's own MAC is vnetd's business: dp_port_add);
	 * so may a port under filter mode off: taking another guest's MAC
	 * is stealing its traffic, not filtering one's own */
	if ((!port->mac_locked || (port->flags & (VNET_PORT_MULTI_MAC | VNET_PORT_FILTER_OFF))) &&
	    mac_owned_elsewhere(net_id, h.smac, p->ifindex))
		return drop(p, VNET_DROP_MAC_OWNED);
	if (!port->mac_locked && (port->flags & VNET_PORT_FILTER_LEARN) &&
	    !(port->flags & VNET_PORT_MULTI_MAC))
		mac_lock_first(port, net_id, h.smac, p->ifindex);
	if (!(net->flags & VNET_NET_VALID))
		return ACT_PASS;
	/* Learn before the address checks (the MAC check has passed): a guest
	 * whose binding was lost (fresh maps after a restart) is found on its
	 * port by its next frame, and vnetd re-binds its lease. */
	if (fdb_due(port))
		fdb_learn(net_id, h.smac, p->ifindex, ps->slot);
	if (h.eth_proto == ETH_P_ARP)
		r = check_arp(p, &h, port, net);
	else if (h.eth_proto == ETH_P_IP)
		r = check_ipv4(p, &h, port, net);
	else if (h.eth_proto == ETH_P_IPV6)
		return port_ipv6(p, &h, port, net);	/* apart: one verifier path each */
	else
		r = VNET_DROP_L2_PROTO;
	if (r)
		return drop(p, r);
	r = acl_from_guest(p, &h, &ps->acl);	/* the guest's egress ACL */
	if (r)
		return drop(p, r);
	/* the bridge would hand these to the port device's own stack, where
	 * the host's addresses answer (weak host model) */
	if (mac_is_link_local(h.dmac) && !(net->flags & VNET_NET_BRIDGE))
		return drop(p, VNET_DROP_TO_HOST);
	if (h.eth_proto == ETH_P_ARP)
		return ACT_PASS;
	return ipv4_forward(p, &h, port, net);
}

#endif
