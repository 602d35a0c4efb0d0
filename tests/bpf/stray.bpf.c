// SPDX-License-Identifier: GPL-2.0-or-later
/* Test-only programs (never part of vnetd): the data path's verdict code
 * (bpf/lib/verdict.h) given whatever the frame says, so test_dp_verdict
 * can prove that a result which is not a final verdict -- a stray "go on",
 * a drop without a reason, junk -- is dropped and counted "internal",
 * never passed or redirected. Frame byte 0 picks the case (enum stray),
 * byte 1 is its argument. Opened on the data path's pin dir, so it counts
 * into the real pinned maps (drops, port_stats). */
#include "lib/verdict.h"

char LICENSE[] SEC("license") = "GPL";

/* The cases (test_dp_verdict.c has the same numbers). */
enum stray {
	STRAY_CONTINUE = 1,	/* "not decided here, go on" reaching the verdict */
	STRAY_DROP_NONE,	/* ACT_DROP without a reason */
	STRAY_RAW,		/* byte 1 as the result: junk */
	STRAY_DROP,		/* a proper drop, reason byte 1 */
	STRAY_PASS,		/* a proper pass */
};

static __always_inline enum act stray_result(struct pkt *p)
{
	__u8 *b = PKT_PTR(p, 0, 2);

	if (!b)
		return ACT_PASS;
	if (b[0] == STRAY_CONTINUE)
		return ACT_CONTINUE;
	if (b[0] == STRAY_DROP_NONE)
		return ACT_DROP;
	if (b[0] == STRAY_RAW)
		return (enum act)b[1];
	if (b[0] == STRAY_DROP)
		return drop(p, (enum vnet_drop)b[1]);
	return ACT_PASS;
}

SEC("tc")
int stray_tc(struct __sk_buff *skb)
{
	struct pkt p = {};

	pkt_init(&p, skb, 1);
	return tc_verdict(&p, stray_result(&p));
}

SEC("xdp")
int stray_xdp(struct xdp_md *ctx)
{
	struct pkt p = {};

	pkt_init(&p, ctx, 0);
	return xdp_verdict(&p, stray_result(&p), 0);
}
