/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The uplink's XDP program (native mode, in front of its tc program):
 * IPv4 replies of NATed flows, new connections to port forwards and
 * route-mode deliveries go into tap and xdp-veth guest ports through the
 * devmap, with uplink_ipv4 (uplink.h), the tc program's own path. What
 * XDP cannot do it hands to tc marked RETRY (counted at rx, tc runs the
 * pipeline without counting it again): anything not IPv4 (ARP, IPv6, a
 * VLAN tag in the frame), ICMP errors, frames for a tc-only port (a veth
 * without xdp-veth, a NIC, a paced port), frames over 1514 bytes or in
 * several buffers. The host's own traffic (and a reply whose TTL would
 * expire) passes marked DONE: counted here, tc hands it on untouched. */
#ifndef VNET_BPF_UPLINK_XDP_H
#define VNET_BPF_UPLINK_XDP_H

#include "uplink.h"

static __always_inline enum act uplink_xdp_ingress(struct pkt *p)
{
	struct vnet_stats *s;
	struct hdrs h = {};
	__u8 kind;

	if (!uplink_find(p->ifindex, &kind, &s))
		return ACT_PASS;
	/* a veth uplink's far end hands over CHECKSUM_PARTIAL skbs, which
	 * an xdp_frame does not carry: judged before the rewrite, recomputed
	 * at the redirect if partial (l4sum.h); a NIC's sums are complete */
	p->csum_in = kind == VNET_KIND_VETH;
	count_rx_in(p, s);
	if (parse_eth(p, &h) || h.eth_proto != ETH_P_IP || parse_ipv4(p, &h))
		return pass_to_tc(p);
	return uplink_ipv4(p, &h);
}

/* What the uplink's XDP program did, per network: redirected into a
 * guest (uplink_xdp), handed to tc to do (uplink_xdp_tc). */
static __always_inline void uplink_xdp_count(const struct pkt *p, int rc)
{
	if (rc == XDP_REDIRECT)
		count_net(p->net_id, VNET_G_UPLINK_XDP);
	else if (rc == XDP_PASS && p->retry_tc)
		count_net(p->net_id, VNET_G_UPLINK_XDP_TC);
}

#endif
