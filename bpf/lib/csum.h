/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Incremental Internet checksum update. RFC 1624, 3: "HC' = ~(~HC + ~m +
 * m')". Values are taken as they lie in memory, so byte order does not
 * matter as long as the checksum field is read the same way. */
#ifndef VNET_BPF_CSUM_H
#define VNET_BPF_CSUM_H

#include "ctx.h"

static __always_inline __u16 csum_fold32(__u32 c)
{
	c = (c & 0xffff) + (c >> 16);
	c = (c & 0xffff) + (c >> 16);
	return (__u16)c;
}

static __always_inline void csum_replace4(__u16 *sum, __u32 from, __u32 to)
{
	__u32 c = (__u16)~*sum;

	c += ((~from) >> 16) + ((~from) & 0xffff);
	c += (to >> 16) + (to & 0xffff);
	*sum = ~csum_fold32(c);
}

static __always_inline void csum_replace2(__u16 *sum, __u16 from, __u16 to)
{
	__u32 c = (__u16)~*sum;

	c += (__u16)~from;
	c += to;
	*sum = ~csum_fold32(c);
}

/* The L4 checksum of a rewritten field. XDP: by hand (a UDP checksum of 0
 * means "none" and stays 0; a computed 0 is sent as 0xffff, RFC 768).
 * tc: the kernel helper, which also knows CHECKSUM_PARTIAL skbs, where the
 * field holds only the pseudo-header sum. pseudo: field is in the pseudo
 * header (addresses), not in the L4 header itself. Invalidates packet
 * pointers on tc: call after all direct writes. */
static __always_inline void l4_csum_fix(struct pkt *p, __u8 proto, __u32 csum_off,
					__u32 from, __u32 to, int size, int pseudo)
{
	__u64 flags = size | (pseudo ? BPF_F_PSEUDO_HDR : 0);

	if (proto == IPPROTO_ICMP_ && pseudo)
		return;	/* ICMP has no pseudo header */
	if (proto == IPPROTO_UDP_)
		flags |= BPF_F_MARK_MANGLED_0;
	if (p->tc) {
		bpf_l4_csum_replace(p->ctx, csum_off, from, to, flags);
		return;
	}
	__u16 *sum;

	if (csum_off > 14 + 60 + 16)
		return;	/* never (parse_l4): bounds the offset for the verifier */
	sum = PKT_PTR(p, csum_off, 2);
	if (!sum || (proto == IPPROTO_UDP_ && *sum == 0))
		return;
	if (size == 4)
		csum_replace4(sum, from, to);
	else
		csum_replace2(sum, from, to);
	if (proto == IPPROTO_UDP_ && *sum == 0)
		*sum = 0xffff;
}

#endif
