// SPDX-License-Identifier: GPL-2.0-or-later
/* vnet's data path: the entry points. The pipeline lives in bpf/lib/ headers and is
 * built twice, for tc (cls_bpf, direct-action) and for XDP; user space
 * (ctl/vnetd/datapath.c) picks the hook per device type. */
#include "lib/port.h"
#include "lib/uplink.h"
#include "lib/l4sum.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline int tc_verdict(struct pkt *p, int a)
{
	count_verdict(p, a, p->reason, p->target);
	if (a == ACT_DROP)
		return TC_ACT_SHOT;
	if (a == ACT_PASS)
		return TC_ACT_OK;
	if (p->how == REDIR_PEER)
		return bpf_redirect_peer(p->target, 0);
	if (p->how == REDIR_NEIGH)
		return bpf_redirect_neigh(p->target, NULL, 0, 0);
	return bpf_redirect(p->target, 0);
}

static __always_inline int xdp_verdict(struct pkt *p, int a)
{
	if (a == ACT_REDIRECT && p->fill_csum && l4_csum_fill(p))
		a = ACT_PASS;	/* the tc path takes it */
	count_verdict(p, a, p->reason, p->target);
	if (a == ACT_DROP)
		return XDP_DROP;
	if (a == ACT_PASS)
		return XDP_PASS;
	return bpf_redirect_map(&tx_ports, p->target, XDP_PASS);
}

/* Guest port ingress (frames the guest sent). */
SEC("tc")
int vnet_port_tc(struct __sk_buff *skb)
{
	struct pkt p = {};

	pkt_init(&p, skb, 1);
	return tc_verdict(&p, port_ingress(&p));
}

SEC("xdp")
int vnet_port_xdp(struct xdp_md *ctx)
{
	struct pkt p = {};

	pkt_init(&p, ctx, 0);
	return xdp_verdict(&p, port_ingress(&p));
}

/* The same for VNET_HOOK_XDP_VETH veth ports: multi-buffer aware, so the
 * veth keeps TSO/GSO (a non-frags program turns it off); what it passes
 * (GSO super-packets, slow path) continues into vnet_port_tc. */
SEC("xdp.frags")
int vnet_port_xdpf(struct xdp_md *ctx)
{
	struct pkt p = {};

	pkt_init(&p, ctx, 0);
	return xdp_verdict(&p, port_ingress(&p));
}

/* Uplink ingress (frames from outside). */
SEC("tc")
int vnet_uplink_tc(struct __sk_buff *skb)
{
	struct pkt p = {};

	pkt_init(&p, skb, 1);
	return tc_verdict(&p, uplink_ingress(&p));
}

/* Uplink egress guard (tc only: XDP has no egress hook). */
SEC("tc")
int vnet_uplink_guard(struct __sk_buff *skb)
{
	struct pkt p = {};

	pkt_init(&p, skb, 1);
	if (uplink_guard(&p) == ACT_PASS)
		return TC_ACT_OK;	/* host traffic: not counted */
	return tc_verdict(&p, ACT_DROP);
}
