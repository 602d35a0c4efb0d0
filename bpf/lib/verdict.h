/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pipeline's verdict (enum act) turned into the hook's return code,
 * counted. Every entry point ends here. */
#ifndef VNET_BPF_VERDICT_H
#define VNET_BPF_VERDICT_H

#include "counters.h"
#include "l4sum.h"

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

/* mark: an xdp.frags program with a tc program behind it; a frame passed
 * is marked (VNET_META_*) so tc neither counts nor judges it again. */
static __always_inline int xdp_verdict(struct pkt *p, int a, int mark)
{
	if (a == ACT_REDIRECT && p->fill_csum && vnet_l4_csum_fill(p->ctx))
		a = drop(p, VNET_DROP_RUNT);	/* xdp_cannot let a bad frame by */
	if (a == ACT_PASS && mark) {
		struct xdp_md *xdp = p->ctx;
		__u32 *m;

		if (bpf_xdp_adjust_meta(xdp, -4) == 0) {
			m = (void *)(long)xdp->data_meta;
			if ((void *)(m + 1) <= (void *)(long)xdp->data)
				*m = p->retry_tc ? VNET_META_RETRY : VNET_META_DONE;
		}
		if (p->retry_tc)
			return XDP_PASS;	/* tc counts the verdict */
	}
	count_verdict(p, a, p->reason, p->target);
	if (a == ACT_DROP)
		return XDP_DROP;
	if (a == ACT_PASS)
		return XDP_PASS;
	return bpf_redirect_map(&tx_ports, p->target, XDP_PASS);
}

#endif
