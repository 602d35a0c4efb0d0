// SPDX-License-Identifier: GPL-2.0-or-later
/* vnet's data path: the entry points. The pipeline lives in bpf/lib/ headers and is
 * built twice, for tc (cls_bpf, direct-action) and for XDP; user space
 * (ctl/vnetd/datapath.c) picks the hook per device type. */
#include "lib/port.h"
#include "lib/uplink.h"
#include "lib/uplink_xdp.h"
#include "lib/verdict.h"

char LICENSE[] SEC("license") = "GPL";

/* What the xdp.frags program in front said about this frame, or 0. */
static __always_inline __u32 xdp_mark(struct __sk_buff *skb)
{
	__u32 *m = (void *)(long)skb->data_meta;

	if ((void *)(m + 1) > (void *)(long)skb->data)
		return 0;
	return *m;
}

/* Guest port ingress (frames the guest sent). */
SEC("tc")
int vnet_port_tc(struct __sk_buff *skb)
{
	__u32 mark = xdp_mark(skb);
	struct pkt p = {};

	/* XDP cannot see a tag in skb metadata: a tagged frame it passed as
	 * DONE is judged here (port_ingress drops it) */
	if (mark == VNET_META_DONE && !skb->vlan_present)
		return TC_ACT_OK;
	pkt_init(&p, skb, 1);
	p.counted = mark == VNET_META_RETRY || mark == VNET_META_DONE;
	return tc_verdict(&p, port_ingress(&p));
}

SEC("xdp")
int vnet_port_xdp(struct xdp_md *ctx)
{
	struct pkt p = { .csum_in = 1 };	/* the guest's partial sums (l4sum.h) */

	pkt_init(&p, ctx, 0);
	return xdp_verdict(&p, port_ingress(&p), 0);
}

/* The same for VNET_HOOK_XDP_VETH veth ports: multi-buffer aware (GSO
 * super-packets from the guest arrive whole); what it passes continues
 * into vnet_port_tc, marked (xdp_verdict). */
SEC("xdp.frags")
int vnet_port_xdpf(struct xdp_md *ctx)
{
	struct pkt p = { .csum_in = 1 };	/* the guest's partial sums (l4sum.h) */

	pkt_init(&p, ctx, 0);
	return xdp_verdict(&p, port_ingress(&p), 1);
}

/* Egress of a port with an ingress ACL (what the kernel delivers, acl.h)
 * or paced inbound traffic (<bandwidth><inbound> of the port or its
 * network; vnetd attaches it with the fq qdisc, qos.h). */
SEC("tc")
int vnet_port_qos(struct __sk_buff *skb)
{
	struct pkt p = {};
	int r;

	pkt_init(&p, skb, 1);
	r = acl_port_egress(&p);
	if (r != TC_ACT_OK)
		return r;
	pkt_reload(&p);	/* the parser may have pulled */
	return qos_port_egress(&p);
}

/* Uplink ingress (frames from outside). Behind the uplink's XDP program
 * (uplink_xdp.h), a frame it marked DONE was counted and judged there; one
 * marked RETRY was counted at rx: the pipeline runs, the rx is not counted
 * again. */
SEC("tc")
int vnet_uplink_tc(struct __sk_buff *skb)
{
	__u32 mark = xdp_mark(skb);
	struct pkt p = {};

	/* a tagged frame belongs to a VLAN device stacked on the uplink (the
	 * kernel hands it over after tc): the host's, never a guest's */
	if (skb->vlan_present || mark == VNET_META_DONE)
		return TC_ACT_OK;
	pkt_init(&p, skb, 1);
	p.counted = mark == VNET_META_RETRY;
	return tc_verdict(&p, uplink_ingress(&p));
}

/* The uplink's XDP program (native mode only; vnetd attaches it where the
 * driver has native XDP, --uplink-xdp): replies and port forwards into
 * taps and xdp-veth ports at XDP, the rest marked for vnet_uplink_tc.
 * xdp.frags: a multi-buffer frame (a jumbo MTU, a veth's GSO packet) is
 * seen whole and handed to tc. */
SEC("xdp.frags")
int vnet_uplink_xdp(struct xdp_md *ctx)
{
	struct pkt p = {};
	int rc;

	pkt_init(&p, ctx, 0);
	rc = xdp_verdict(&p, uplink_xdp_ingress(&p), 1);
	uplink_xdp_count(&p, rc);
	return rc;
}

/* Ingress of a network's bridge device: what the bridge hands up to the
 * host's stack (host.h). Passes are not counted: the port counted them. */
SEC("tc")
int vnet_bridge_tc(struct __sk_buff *skb)
{
	struct pkt p = {};
	enum act a;

	pkt_init(&p, skb, 1);
	a = bridge_ingress(&p, skb->pkt_type, skb->vlan_present);
	if (a == ACT_PASS)
		return TC_ACT_OK;
	/* the one drop without a reason: not the host's, uncounted
	 * (bridge_ingress); anything else goes through the verdict */
	if (a == ACT_DROP && p.reason == VNET_DROP_NONE)
		return TC_ACT_SHOT;
	return tc_verdict(&p, a);
}

/* Uplink egress guard (tc only: XDP has no egress hook). */
SEC("tc")
int vnet_uplink_guard(struct __sk_buff *skb)
{
	struct pkt p = {};
	enum act a;

	pkt_init(&p, skb, 1);
	a = uplink_guard(&p);
	if (a == ACT_PASS)
		return TC_ACT_OK;	/* host traffic: not counted */
	return tc_verdict(&p, a);
}
