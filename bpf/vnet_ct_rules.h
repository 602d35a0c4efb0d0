/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conntrack GC's rules, one copy for the GC in vnetd (ctl/vnetd/dp/
 * dp_gc.c, dp_gc_slice.c) and for its judge in the kernel (bpf/gc_iter.bpf.c,
 * issue 21.2): a flow's timeout from its two entries, and the shortest and
 * longest timeout an entry's protocol allows whatever its partner says.
 * Plain C over vnet_shared.h: builds for BPF and for the host. */
#ifndef VNET_CT_RULES_H
#define VNET_CT_RULES_H

#include "vnet_shared.h"

#define VNET_CT_PROTO_TCP 6
#define VNET_CT_PROTO_UDP 17

/* A flow's timeout in seconds from its initiator's seen bits and flags
 * (a_seen, a_flags), the other side's seen bits (b_seen) and the protocol;
 * *weak: it may be evicted when the table fills. */
static inline unsigned vnet_ct_timeout(__u8 a_seen, __u8 a_flags, __u8 b_seen, __u8 proto,
				       int *weak)
{
	__u8 both = a_seen | b_seen;
	int answered = b_seen & VNET_CT_SEEN, est;

	*weak = !answered;
	if (proto == VNET_CT_PROTO_UDP)
		return answered ? VNET_CT_UDP : VNET_CT_UDP_UNREPLIED;
	if (proto != VNET_CT_PROTO_TCP)
		return VNET_CT_ICMP;
	*weak = 1;
	if (both & VNET_CT_RST)
		return VNET_CT_TCP_RST;
	if (a_seen & b_seen & VNET_CT_FIN)
		return VNET_CT_TCP_CLOSING;
	/* entries pinned by a build without VNET_CT_EST: the old rule (an
	 * answer and an ACK) until the initiator's next ACK sets it */
	if (a_flags & VNET_CTF_TCP_STATE)
		est = a_seen & VNET_CT_EST;
	else
		est = answered && (both & VNET_CT_ACK);
	if (!est)
		return answered ? VNET_CT_TCP_SYN_RECV : VNET_CT_TCP_SYN_SENT;
	*weak = 0;
	return both & VNET_CT_FIN ? VNET_CT_TCP_FIN : VNET_CT_TCP_EST;
}

/* Seconds as the GC applies them: divided by div (VNET_CT_TIMEOUT_DIV in
 * tests; 0 is 1), at least 1, in ns. */
static inline __u64 vnet_ct_scaled_ns(unsigned secs, unsigned div)
{
	secs /= div ? div : 1;
	return (secs ? secs : 1) * 1000000000ULL;
}

/* The shortest and the longest timeout a flow of protocol proto can have
 * whatever its partner says (s): an initiator seen more recently than the
 * shortest is kept without reading its partner; an answer older than the
 * longest has lost its initiator or goes with it. */
static inline unsigned vnet_ct_min_timeout(__u8 proto)
{
	if (proto == VNET_CT_PROTO_TCP)
		return VNET_CT_TCP_RST;
	if (proto == VNET_CT_PROTO_UDP)
		return VNET_CT_UDP < VNET_CT_UDP_UNREPLIED ? VNET_CT_UDP : VNET_CT_UDP_UNREPLIED;
	return VNET_CT_ICMP;
}

static inline unsigned vnet_ct_max_timeout(__u8 proto)
{
	if (proto == VNET_CT_PROTO_TCP)
		return VNET_CT_TCP_EST;
	if (proto == VNET_CT_PROTO_UDP)
		return VNET_CT_UDP > VNET_CT_UDP_UNREPLIED ? VNET_CT_UDP : VNET_CT_UDP_UNREPLIED;
	return VNET_CT_ICMP;
}

/* The GC's verdict on one entry, judged from its own side (the kernel's
 * iterator and vnetd's walk by slices both follow it): */
enum vnet_ct_verdict {
	VNET_CT_KEEP,		/* kept, nothing to count */
	VNET_CT_LIVE,		/* an initiator kept: its flow counts for the caps */
	VNET_CT_ORPHAN,		/* its partner is gone: remove the entry */
	VNET_CT_EXPIRED,	/* an initiator whose flow timed out: remove both */
};

/* Must the partner be read to judge entry ct, idle idle_ns? An answered
 * UDP flow (VNET_CTF_GC_ANSWERED: the GC read its partner once) cannot be
 * unanswered again, so its timeout is known without the partner. */
static inline int vnet_ct_needs_peer(const struct vnet_ct *ct, __u64 idle_ns, unsigned div)
{
	unsigned t = vnet_ct_min_timeout(ct->peer.proto);

	if (!ct->initiator)
		t = vnet_ct_max_timeout(ct->peer.proto);
	else if (ct->peer.proto == VNET_CT_PROTO_UDP && (ct->flags & VNET_CTF_GC_ANSWERED))
		t = VNET_CT_UDP;
	return idle_ns > vnet_ct_scaled_ns(t, div);
}

/* The verdict on ct at time now, its partner peer (NULL: missing) read if
 * vnet_ct_needs_peer said so. */
static inline enum vnet_ct_verdict vnet_ct_judge(const struct vnet_ct *ct,
						 const struct vnet_ct *peer, __u64 now,
						 int peer_read, unsigned div)
{
	__u64 last;
	int weak;

	if (!peer_read)
		return ct->initiator ? VNET_CT_LIVE : VNET_CT_KEEP;
	if (!peer)
		return VNET_CT_ORPHAN;
	if (!ct->initiator)
		return VNET_CT_KEEP;	/* judged from its initiator's side */
	last = ct->seen_ns > peer->seen_ns ? ct->seen_ns : peer->seen_ns;
	if (now > last && now - last >
	    vnet_ct_scaled_ns(vnet_ct_timeout(ct->seen, ct->flags, peer->seen, ct->peer.proto, &weak), div))
		return VNET_CT_EXPIRED;
	return VNET_CT_LIVE;
}

/* The cap a flow counts against (ct_made/ct_gone), by its initiator's
 * entry; -1: none (an answer, or a flow not counted). */
static inline int vnet_ct_quota_key(const struct vnet_ct_key *k, const struct vnet_ct *ct,
				    struct vnet_quota_key *qk)
{
	qk->net_id = ct->net_id;
	qk->addr = 0;
	qk->port = 0;
	qk->proto = 0;
	qk->kind = 0;
	if (!(ct->flags & VNET_CTF_QUOTA) || !ct->initiator)
		return -1;
	if (ct->nat == 1) {
		qk->addr = k->saddr;
		qk->kind = VNET_QUOTA_GUEST;
	} else if (ct->nat == 2) {
		qk->addr = k->daddr;
		qk->port = k->dport;
		qk->proto = k->proto;
		qk->kind = VNET_QUOTA_FWD;
	} else {
		return -1;
	}
	return 0;
}

#endif
