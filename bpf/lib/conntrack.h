/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Connection tracking: each flow is a pair of entries in ct_map (see
 * vnet_shared.h). The programs create pairs and update "seen" bits and
 * timestamps; user space (dp_tick) expires pairs by TCP state/protocol and
 * evicts half-open and closed ones first when the table fills. */
#ifndef VNET_BPF_CONNTRACK_H
#define VNET_BPF_CONNTRACK_H

#include "maps.h"
#include "parse.h"
#include "counters.h"
#include "quota.h"

static __always_inline void ct_key_of(struct vnet_ct_key *k, const struct hdrs *h)
{
	k->saddr = h->saddr;
	k->daddr = h->daddr;
	k->sport = h->sport;
	k->dport = h->dport;
	k->proto = h->proto;
}

/* A later fragment: no L4 header, follows its first one (frag.h). */
static __always_inline bool frag_later(const struct hdrs *h)
{
	return h->frag && !h->frag_first;
}

/* Protocols the NAT translates: TCP, UDP, ICMP echo (by id); of a
 * fragmented datagram, the first fragment (it has the ports). */
static __always_inline bool ct_trackable(const struct hdrs *h)
{
	if (frag_later(h))
		return false;
	if (h->proto == IPPROTO_TCP_ || h->proto == IPPROTO_UDP_)
		return true;
	return h->proto == IPPROTO_ICMP_ && (h->icmp_type == 8 || h->icmp_type == 0);
}

#define CT_REFRESH_NS 1000000000ULL	/* seen_ns granularity: GC timeouts are >= 10 s */

/* The initiator's pure ACK completes the handshake only if the other side
 * has answered (its SYN-ACK, or an ACK of a flow picked up mid-stream):
 * a guest that sends SYNs and swallows the SYN-ACKs, or ACKs before any
 * answer, stays half open (nf_conntrack: SYN_SENT/SYN_RECV). Looked up
 * only until the flow is established: a few packets per flow. */
static __always_inline __u8 ct_established(const struct vnet_ct *ct, const struct hdrs *h)
{
	struct vnet_ct *peer;

	if (!ct->initiator || (ct->seen & VNET_CT_EST) ||
	    (h->tcp_flags & (TCPF_SYN | TCPF_ACK | TCPF_RST)) != TCPF_ACK)
		return 0;
	peer = bpf_map_lookup_elem(&ct_map, &ct->peer);
	return peer && (peer->seen & VNET_CT_ACK) ? VNET_CT_EST : 0;
}

/* The seen bits (VNET_CT_SYN/FIN/RST/ACK) a TCP segment's flags set; one
 * list for IPv4's flows and IPv6's (nat6.h). */
static __always_inline __u8 ct_tcp_seen(const struct hdrs *h)
{
	__u8 seen = 0;

	if (h->tcp_flags & TCPF_SYN)
		seen |= VNET_CT_SYN;
	if (h->tcp_flags & TCPF_FIN)
		seen |= VNET_CT_FIN;
	if (h->tcp_flags & TCPF_RST)
		seen |= VNET_CT_RST;
	if (h->tcp_flags & TCPF_ACK)
		seen |= VNET_CT_ACK;
	return seen;
}

/* Record what this direction saw. The entry is shared by every CPU that
 * handles the flow: write it only when something changed (new TCP flags,
 * or the timestamp is a second old), so steady traffic reads it only.
 * The refresh also expires the cached next hop. */
static __always_inline void ct_touch(struct vnet_ct *ct, const struct hdrs *h)
{
	__u8 seen = VNET_CT_SEEN;
	__u64 now = bpf_ktime_get_coarse_ns();

	if (h->proto == IPPROTO_TCP_)
		seen |= ct_tcp_seen(h) | ct_established(ct, h);
	if ((ct->seen & seen) != seen)
		ct->seen |= seen;
	if (now - ct->seen_ns >= CT_REFRESH_NS) {
		ct->seen_ns = now;
		ct->nh_valid = 0;	/* look the next hop up again (nexthop.h) */
	}
}

/* A reset from outside is believed (it marks the flow VNET_CT_RST: a 10-s
 * timeout, and its NAT port may be taken, nat.h snat_take_reset) only if
 * its sequence number is within this many bytes past the guest's last
 * ACK. RFC 5961 3.2: "If the RST bit is set and the sequence number is
 * outside the current receive window, silently drop the segment"; a
 * genuine reset carries the sender's SND.NXT (or the ACK of the segment it
 * answers), at most the data in flight between vnet and the guest past
 * that ACK -- microseconds of traffic on a local port, plus delayed ACKs.
 * A blind attacker who knows the 4-tuple (the guest's public port shows)
 * must send 2^32 / 2^18 = 16384 resets instead of one. */
#define VNET_CT_RST_WINDOW (1U << 18)

/* Guest -> outside (a flow's OUT entry, IPv4 or IPv6): remember the
 * guest's last ACK number, the receive window's left edge, in its
 * guest_ack and flags. Written only when it changes (an entry one CPU
 * handles per direction: no line is shared). */
static __always_inline void ct_ack_keep(__u32 *guest_ack, __u8 *flags, const struct pkt *p,
					const struct hdrs *h)
{
	__u32 *ack;

	if (h->proto != IPPROTO_TCP_ || !(h->tcp_flags & TCPF_ACK))
		return;
	ack = PKT_PTR(p, p->l4_off + 8, 4);
	if (!ack || (*guest_ack == *ack && (*flags & VNET_CTF_ACK)))
		return;
	*guest_ack = *ack;
	*flags |= VNET_CTF_ACK;
}

/* Is a reset's sequence number within VNET_CT_RST_WINDOW past the guest's
 * last ACK (its OUT entry's guest_ack and flags)? No ACK recorded (the
 * guest has not answered: a refused SYN; an entry pinned before):
 * believed, as before. A reset not believed is still delivered (the
 * guest's own stack judges it, RFC 5961), as nf_conntrack lets an
 * out-of-window packet through untracked; it changes no state. */
static __always_inline bool ct_rst_in_window(__u32 guest_ack, __u8 flags, const struct pkt *p)
{
	__u32 *seq;

	if (!(flags & VNET_CTF_ACK))
		return true;
	seq = PKT_PTR(p, p->l4_off + 4, 4);
	return seq && bpf_ntohl(*seq) - bpf_ntohl(guest_ack) < VNET_CT_RST_WINDOW;
}

static __always_inline void ct_note_ack(struct vnet_ct *ct, const struct pkt *p,
					const struct hdrs *h)
{
	if (!frag_later(h))
		ct_ack_keep(&ct->guest_ack, &ct->flags, p, h);
}

/* Outside -> guest (the flow's IN entry): a reset counts only within the
 * window of its OUT entry (ct_rst_in_window). */
static __always_inline bool ct_rst_believed(const struct vnet_ct *ct, const struct pkt *p,
					    const struct hdrs *h)
{
	const struct vnet_ct *out;

	if (h->proto != IPPROTO_TCP_ || !(h->tcp_flags & TCPF_RST) || frag_later(h))
		return true;
	out = bpf_map_lookup_elem(&ct_map, &ct->peer);
	return !out || ct_rst_in_window(out->guest_ack, out->flags, p);
}

/* A bare SYN on a flow that was closed (RST, or FIN seen) reuses the same
 * tuple for a new connection, as nf_conntrack lets it: clear both
 * directions' state (VNET_CT_EST too: the new one must complete its own
 * handshake) so GC applies the new connection's timeouts instead of
 * expiring it with the old one. Only in the direction that opened it. */
static __always_inline void ct_takeover(struct vnet_ct *ct, const struct hdrs *h)
{
	const __u8 closed = VNET_CT_RST | VNET_CT_FIN;
	struct vnet_ct *peer;

	if (!ct->initiator || h->proto != IPPROTO_TCP_ ||
	    (h->tcp_flags & (TCPF_SYN | TCPF_ACK)) != TCPF_SYN)
		return;
	peer = bpf_map_lookup_elem(&ct_map, &ct->peer);
	if (!(ct->seen & closed) && !(peer && (peer->seen & closed)))
		return;
	ct->seen = 0;
	ct->flags &= ~VNET_CTF_ACK;	/* the old connection's (ct_rst_believed) */
	if (peer) {
		peer->seen = 0;
		peer->flags &= ~VNET_CTF_ACK;
	}
}

#define EEXIST_ 17	/* errno.h: a BPF_NOEXIST update of a present key */

/* What inserting a flow's pair of entries did (ct_insert_pair; snat_probe
 * adds CT_NO_PORT). */
enum ct_insert_result {
	CT_INSERTED = 1,	/* both entries are in (counted conntrack_created) */
	CT_EXISTS,		/* a key was taken, nothing inserted: the caller
				 * tells whose (this flow's, made by another CPU
				 * meanwhile, or another flow's NAT port) */
	CT_FAILED,		/* the table is full (counted conntrack_failed) */
	CT_NO_PORT,		/* SNAT: every NAT port probed was taken */
};

/* Insert a pair: first (key a) with NOEXIST, then b; undo a if b fails. */
static __always_inline enum ct_insert_result ct_insert_pair(struct vnet_ct_key *a,
							    struct vnet_ct *va,
							    struct vnet_ct_key *b,
							    struct vnet_ct *vb)
{
	long err = bpf_map_update_elem(&ct_map, a, va, BPF_NOEXIST);

	if (err == -EEXIST_)
		return CT_EXISTS;
	if (err)
		goto full;
	err = bpf_map_update_elem(&ct_map, b, vb, BPF_NOEXIST);
	if (!err) {
		count_net(va->net_id, VNET_G_CT_CREATED);
		return CT_INSERTED;
	}
	bpf_map_delete_elem(&ct_map, a);
	if (err == -EEXIST_)
		return CT_EXISTS;
full:
	count_net(va->net_id, VNET_G_CT_FAILED);
	return CT_FAILED;
}

/* The drop a new flow's insertion means for its packet: none when the
 * flow is in (made by this packet, or CT_EXISTS: the caller has checked it
 * was this flow's), else the table's or the NAT ports'. */
static __always_inline enum vnet_drop ct_insert_drop(enum ct_insert_result r)
{
	if (r == CT_FAILED)
		return VNET_DROP_CT_FULL;
	if (r == CT_NO_PORT)
		return VNET_DROP_NAT_NO_PORT;
	return VNET_DROP_NONE;
}

#endif
