/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pipeline's verdict (enum act, ctx.h) turned into the hook's return
 * code, counted. Every entry point ends here. */
#ifndef VNET_BPF_VERDICT_H
#define VNET_BPF_VERDICT_H

#include "counters.h"
#include "l4sum.h"

/* A final verdict, or else a drop counted "internal": ACT_CONTINUE (a
 * step said "go on" and nothing after it decided), a drop without a reason
 * (or with one outside the list: it would count in another slot), any
 * other value. Never a pass: the TTL-0 bug of 606d29b was a "go on" that
 * read as one. The BPF tests fail on any such drop (dp_test.h). Callers
 * test ACT_PASS and ACT_REDIRECT first: anything else is a drop. */
static __always_inline enum vnet_drop drop_reason(const struct pkt *p, enum act a)
{
	if (a == ACT_DROP && p->reason != VNET_DROP_NONE && p->reason < VNET_DROP_MAX)
		return p->reason;
	return VNET_DROP_INTERNAL;
}

/* The tc program's return code (TC_ACT_*, or a redirect helper's). */
static __always_inline int tc_verdict(struct pkt *p, enum act a)
{
	if (a == ACT_PASS) {
		count_verdict(p, ACT_PASS, VNET_DROP_NONE, 0);
		return TC_ACT_OK;
	}
	if (a != ACT_REDIRECT) {
		count_verdict(p, ACT_DROP, drop_reason(p, a), 0);
		return TC_ACT_SHOT;
	}
	count_verdict(p, ACT_REDIRECT, VNET_DROP_NONE, p->target);
	if (p->how == REDIR_PEER)
		return bpf_redirect_peer(p->target, 0);
	if (p->how == REDIR_NEIGH)
		return bpf_redirect_neigh(p->target, NULL, 0, 0);
	return bpf_redirect(p->target, 0);
}

/* The XDP program's return code (XDP_*). mark: an xdp.frags program with a
 * tc program behind it; a frame passed is marked (VNET_META_*) so tc
 * neither counts nor judges it again. */
static __always_inline int xdp_verdict(struct pkt *p, enum act a, int mark)
{
	/* a partial TCP/UDP sum completed (l4sum.h): judged before a
	 * rewrite (set_fill_csum), else here */
	if (a == ACT_REDIRECT && vnet_l4_csum_fill(p->ctx, p->fill_csum))
		a = drop(p, VNET_DROP_RUNT);	/* xdp_cannot let a bad frame by */
	if (a == ACT_PASS) {
		if (mark) {
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
		count_verdict(p, ACT_PASS, VNET_DROP_NONE, 0);
		return XDP_PASS;
	}
	if (a != ACT_REDIRECT) {
		count_verdict(p, ACT_DROP, drop_reason(p, a), 0);
		return XDP_DROP;
	}
	count_verdict(p, ACT_REDIRECT, VNET_DROP_NONE, p->target);
	return bpf_redirect_map(&tx_ports, p->target, XDP_PASS);
}

#endif
