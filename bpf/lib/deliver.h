/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Delivering a packet from the uplink to a guest port: the checks that
 * come before any rewrite, then the rewrite and the redirect. Split so the
 * ICMP-error path can rewrite the embedded packet in between. */
#ifndef VNET_BPF_DELIVER_H
#define VNET_BPF_DELIVER_H

#include "route.h"
#include "acl.h"
#include "port_state.h"

/* The guest port a packet from the uplink goes to: ACT_CONTINUE with *dst
 * and *net set (the port and its network from its port_state entry: one
 * lookup), or the verdict (ACT_PASS: not for XDP -- the uplink's XDP
 * program hands it to tc --, TTL expiry; or the port is gone). Checked
 * before any rewrite. */
static __always_inline enum act deliver_check(struct pkt *p, const struct hdrs *h, __u32 net_id,
					      __u32 ifindex, struct vnet_port **dst,
					      struct vnet_net **net)
{
	struct vnet_port_state *ps = port_state_of(ifindex);

	p->net_id = net_id;	/* drops from here on are the flow's network's */
	if (!ps || ps->port.net_id != net_id)
		return drop(p, VNET_DROP_NO_PORT);
	*dst = &ps->port;
	*net = &ps->net;
	if (xdp_cannot(p, (*dst)->kind, (*dst)->hook) || uplink_xdp_cannot(p, ifindex, (*dst)->kind))
		return pass_to_tc(p);
	if (h->ttl <= 1)
		return ACT_PASS;	/* the kernel answers TTL expiry */
	set_fill_csum(p);
	return ACT_CONTINUE;
}

/* Rewrite the destination to the guest's (addr, port) and redirect. */
static __always_inline enum act deliver_to(struct pkt *p, const struct hdrs *h, __u32 ifindex,
					   const struct vnet_port *dst, const struct vnet_net *net,
					   const __u8 *mac, __u32 addr, __u16 port)
{
	enum vnet_drop r = nat_apply(p, h, 0, addr, port, net->bridge_mac, mac);

	if (r)
		return drop(p, r);
	return acl_redirect(p, h, ifindex, dst, addr, port);	/* its ingress ACL */
}

/* Translate (ct) or just route (route mode) to a guest port. */
static __always_inline enum act deliver_in(struct pkt *p, const struct hdrs *h, __u32 net_id,
					   __u32 ifindex, const __u8 *mac, __u32 addr, __u16 port)
{
	struct vnet_port *dst;
	struct vnet_net *net;
	enum act r = deliver_check(p, h, net_id, ifindex, &dst, &net);

	if (r != ACT_CONTINUE)
		return r;
	if (!dst || !net)	/* never (deliver_check): for the verifier */
		return drop(p, VNET_DROP_INTERNAL);
	return deliver_to(p, h, ifindex, dst, net, mac, addr, port);
}

#endif
