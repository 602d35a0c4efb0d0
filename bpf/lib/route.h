/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Redirect choice and the routed path from a guest port to the uplink:
 * FIB lookup, conntrack + SNAT (NAT mode), next-hop MACs, redirect. */
#ifndef VNET_BPF_ROUTE_H
#define VNET_BPF_ROUTE_H

#include "nat.h"
#include "nexthop.h"
#include "frag.h"
#include "qos.h"
#include "l4sum.h"

/* A host port listed for a network in mode services (host_svc_map),
 * for the address `what` says: VNET_HOST_SVC_GW a listed service on the
 * gateway, VNET_HOST_SVC_FWD a port forward's host port on the uplink
 * address (the hairpin relay, ctl/vnetd/fwd_relay). host.h's, here for route6.h
 * too. */
static __always_inline bool host_svc_open(const struct hdrs *h, __u32 net_id, __u8 what)
{
	struct vnet_host_svc_key k = { .net_id = net_id, .port = h->dport, .proto = h->proto };
	__u8 *v;

	if (h->proto != IPPROTO_TCP_ && h->proto != IPPROTO_UDP_)
		return false;
	v = bpf_map_lookup_elem(&host_svc_map, &k);
	return v && (*v & what);
}

/* XDP cannot redirect into a veth whose peer drops XDP frames (no GRO, no
 * XDP program) unless the operator marked it VNET_HOOK_XDP_VETH, nor a
 * frame longer than the peer's MTU, nor one in several buffers (the L4
 * checksum is filled from the linear part): such packets go on to the
 * kernel (tc). Checked before any rewrite. */
static __always_inline bool xdp_cannot(const struct pkt *p, __u8 kind, __u8 hook)
{
	if (p->tc || kind != VNET_KIND_VETH)
		return false;
	return hook != VNET_HOOK_XDP_VETH || p->len > VNET_XDP_VETH_MAX ||
	       p->len > (__u32)(p->data_end - p->data);
}

/* XDP, before nat_apply rewrites addresses and ports: whether the TCP/UDP
 * sum is partial (l4sum.h), judged on the frame as the sender left it
 * (FILL_CSUM_*). A path without a rewrite is judged at the redirect. */
static __always_inline void set_fill_csum(struct pkt *p)
{
	/* the verifier sees one unknown value, not two states to walk */
	if (!p->tc && p->fill_csum == FILL_CSUM_UNJUDGED)
		p->fill_csum = vnet_l4_judge(p->ctx, p->csum_in);
}

/* The uplink's XDP program (uplink_xdp.h) into a guest port: only a tap
 * (ndo_xdp_xmit) or an xdp-veth veth (xdp_cannot) takes the frame, whole
 * in its first buffer and no longer than 1514 bytes (a tap reader sees the
 * first buffer only), and not a port whose inbound is paced (its egress
 * queue). Anything else goes on to tc, checked before any rewrite. */
static __always_inline bool uplink_xdp_cannot(const struct pkt *p, __u32 ifindex, __u8 kind)
{
	if (p->tc)
		return false;
	return (kind != VNET_KIND_TAP && kind != VNET_KIND_VETH) || p->len > VNET_XDP_VETH_MAX ||
	       p->len > (__u32)(p->data_end - p->data) || qos_paced_port(ifindex);
}

/* tc: into a veth's peer directly (no backlog, no XDP trap), else egress.
 * XDP: devmap (veths only as xdp_cannot allows). A port whose inbound is
 * paced (qos.h) is entered through its egress, where fq holds the packet:
 * the peer redirect and the devmap would skip it. */
static __always_inline enum act set_redirect(struct pkt *p, __u32 ifindex, __u8 kind, __u8 hook)
{
	bool paced = qos_paced_port(ifindex);

	if (p->tc) {
		p->how = kind == VNET_KIND_VETH && !paced ? REDIR_PEER : REDIR_EGRESS;
	} else {
		if (xdp_cannot(p, kind, hook) || paced)
			return pass_to_tc(p);
		p->how = REDIR_DEVMAP;
	}
	p->target = ifindex;
	return ACT_REDIRECT;
}

/* Destinations no guest packet is routed to: "this network" 0/8, loopback
 * 127/8, multicast 224/4, 240/4 with the limited broadcast 255.255.255.255,
 * and the network's own broadcast address (a /31 or /32 has none, RFC
 * 3021). None may leave the network; the host takes none of them but DHCP
 * (host_access). */
static __always_inline bool dst_reserved(__u32 daddr, const struct vnet_net *net)
{
	__u32 top = bpf_ntohl(daddr) >> 24;

	if (top == 0 || top == 127 || top >= 224)
		return true;
	return bpf_ntohl(~net->mask) > 1 && (daddr | net->mask) == 0xffffffff &&
	       ((daddr ^ net->gw) & net->mask) == 0;
}

/* What never leaves a network on the routed path, whoever forwards it (the
 * port program's route_out, or the kernel behind the bridge program):
 * anything from an isolated network, the reserved destinations, and IPv4
 * options (source routes would steer the packet on beyond the NAT, record
 * route and timestamps would carry guest addresses out). */
static __always_inline enum vnet_drop route_refused(const struct hdrs *h,
						    const struct vnet_net *net)
{
	if (!net->uplink_ifindex || !(net->flags & (VNET_NET_NAT | VNET_NET_ROUTE)))
		return VNET_DROP_ISOLATED;
	if (dst_reserved(h->daddr, net))
		return VNET_DROP_BAD_DST;
	if (h->ip_opts)
		return VNET_DROP_IP_OPTIONS;
	return VNET_DROP_NONE;
}

/* Next hop for a packet leaving via the uplink, looked up as if it had
 * arrived on the bridge (the kernel requires IPv4 forwarding enabled on
 * that device: dp_net_set turns it on for the bridge only). Returns the
 * helper's own code (BPF_FIB_LKUP_RET_*), for the caller to judge. */
static __always_inline int fib_out(struct pkt *p, const struct hdrs *h, const struct vnet_net *net,
				   struct bpf_fib_lookup *fib, int nat)
{
	fib->family = 2;	/* AF_INET */
	fib->l4_protocol = h->proto;
	fib->sport = h->sport;
	fib->dport = h->dport;
	/* tc: tot_len 0 lets the kernel check the skb against the MTU, which
	 * knows GSO (a TSO super-packet's IP length exceeds the MTU) */
	fib->tot_len = p->tc ? 0 : h->tot_len;
	fib->ipv4_src = nat ? net->uplink_addr : h->saddr;
	fib->ipv4_dst = h->daddr;
	fib->ifindex = net->bridge_ifindex;
	return bpf_fib_lookup(p->ctx, fib, sizeof(*fib), 0);
}

/* The flow's OUT entry (NAT mode), or NULL: not tracked yet. */
static __always_inline struct vnet_ct *snat_find(const struct pkt *p, const struct hdrs *h)
{
	struct vnet_ct_key k = {};
	struct vnet_ct *ct;

	ct_key_of(&k, h);
	ct = bpf_map_lookup_elem(&ct_map, &k);
	if (!ct || ct->dir != VNET_CT_OUT)
		return NULL;
	ct_takeover(ct, h);
	ct_touch(ct, h);
	ct_note_ack(ct, p, h);
	return ct;
}

/* Create the flow's translation on its first packet: *out its OUT entry. */
static __always_inline enum vnet_drop snat_create(struct pkt *p, const struct hdrs *h,
						  __u32 net_id, const struct vnet_net *net,
						  struct vnet_ct **out)
{
	struct vnet_ct_key k = {};
	enum vnet_drop r;

	ct_key_of(&k, h);
	r = snat_new(h, net, net_id, p->ifindex, &k);
	if (r)
		return r;
	*out = bpf_map_lookup_elem(&ct_map, &k);
	if (!*out)
		return VNET_DROP_CT_FULL;
	ct_touch(*out, h);
	return VNET_DROP_NONE;
}

/* Translate to (addr, port), set the MACs, redirect to the uplink. */
static __always_inline enum act route_send(struct pkt *p, const struct hdrs *h, __u32 uplink,
					   const struct vnet_uplink *up, __u32 addr, __u16 port,
					   const __u8 *smac, const __u8 *dmac, int neigh)
{
	enum vnet_drop r;

	set_fill_csum(p);
	r = nat_apply(p, h, 1, addr, port, smac, dmac);
	if (r)
		return drop(p, r);
	p->target = uplink;
	p->tx = TX_NOT_PORT;	/* count_tx: no port_state to look for */
	p->how = !p->tc ? REDIR_DEVMAP : neigh ? REDIR_NEIGH : REDIR_EGRESS;
	return ACT_REDIRECT;
}

/* The next hop for a packet to the uplink: ACT_CONTINUE with fib filled
 * and *neigh set (the neighbour is unresolved: tc redirects through it),
 * else the verdict. */
static __always_inline enum act route_lookup(struct pkt *p, const struct hdrs *h,
					     const struct vnet_net *net, __u32 uplink,
					     struct bpf_fib_lookup *fib, int nat, int *neigh)
{
	int rc = fib_out(p, h, net, fib, nat);

	/* another of the host's addresses: host access all lets the bridge
	 * program and the host's firewall have it (host.h) */
	if (rc == BPF_FIB_LKUP_RET_NOT_FWDED)
		return net->host_access == VNET_HOST_ALL ? ACT_PASS : drop(p, VNET_DROP_TO_HOST);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return ACT_PASS;
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH && !p->tc)
		return pass_to_tc(p);	/* tc resolves it (REDIR_NEIGH) */
	if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED)
		return drop(p, VNET_DROP_FWD_DISABLED);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
		return drop(p, VNET_DROP_NO_ROUTE);
	if (fib->ifindex != uplink) /* open mode: the kernel routes it, as libvirt */
		return net->flags & VNET_NET_OPEN ? ACT_PASS : drop(p, VNET_DROP_CROSS_NET);
	*neigh = rc == BPF_FIB_LKUP_RET_NO_NEIGH;
	return ACT_CONTINUE;
}

/* A later fragment of a translated datagram (frag.h): the address its
 * first fragment got, or dropped (it was not seen). A path of its own, so
 * the verifier does not walk the main path once per fragment case. */
static __always_inline enum act route_frag(struct pkt *p, const struct hdrs *h,
					   const struct vnet_net *net, __u32 uplink,
					   const struct vnet_uplink *up)
{
	struct bpf_fib_lookup fib = {};
	struct vnet_frag *frag = frag_find(h, VNET_CT_OUT);
	int neigh = 0;
	enum act r;
	__u32 addr;

	if (!frag)
		return drop(p, VNET_DROP_IP_OPTS);
	addr = frag->xaddr;
	r = route_lookup(p, h, net, uplink, &fib, 1, &neigh);
	if (r != ACT_CONTINUE)
		return r;
	r = route_send(p, h, uplink, up, addr, 0, fib.smac, fib.dmac, neigh);
	frag_done(h, VNET_CT_OUT);
	return r;
}

/* ps: the sending port's port_state entry, with the uplink's entry */
static __always_inline enum act route_out(struct pkt *p, const struct hdrs *h, __u32 net_id,
					  const struct vnet_net *net,
					  const struct vnet_port_state *ps)
{
	struct bpf_fib_lookup fib = {};
	__u32 uplink = net->uplink_ifindex, addr = h->saddr;
	int nat = net->flags & VNET_NET_NAT, neigh = 0;
	__u16 port = h->sport;
	struct vnet_ct *ct = NULL;
	const struct vnet_uplink *up;
	__u8 macs[12];		/* source, destination: one copy, one send path */
	enum vnet_drop d;
	enum act a;

	d = route_refused(h, net);
	if (d)
		return drop(p, d);
	if (!(ps->flags & VNET_PS_UPLINK))	/* no uplink_map entry for it */
		return drop(p, VNET_DROP_NO_ROUTE);
	up = &ps->up;
	/* slow path: the kernel answers TTL expiry; fragments in route mode
	 * and other protocols are forwarded by it (the uplink guard drops any
	 * that would leave a NAT network untranslated). */
	if (xdp_cannot(p, up->kind, up->hook))
		return pass_to_tc(p);
	if (h->ttl <= 1 || (!nat && h->frag))
		return ACT_PASS;
	if (nat && frag_later(h))
		return route_frag(p, h, net, uplink, up);
	if (nat && !ct_trackable(h))
		return ACT_PASS;
	if (nat)
		ct = snat_find(p, h);
	if (ct && nh_cached(p, h, ct)) {
		__builtin_memcpy(macs, ct->nh_smac, 12);	/* nh_smac, nh_dmac */
	} else {
		a = route_lookup(p, h, net, uplink, &fib, nat, &neigh);
		if (a != ACT_CONTINUE)
			return a;
		if (nat && !ct) {
			d = snat_create(p, h, net_id, net, &ct);
			if (d)
				return drop(p, d);
		}
		if (ct && !neigh)
			nh_store(p, h, ct, &fib);
		__builtin_memcpy(macs, fib.smac, 12);	/* smac, dmac */
	}
	if (ct) {	/* NAT; route mode forwards the packet as it is */
		addr = ct->xaddr;
		port = ct->xport;
		frag_record(h, ct);
	}
	return route_send(p, h, uplink, up, addr, port, macs, macs + 6, neigh);
}

#endif
