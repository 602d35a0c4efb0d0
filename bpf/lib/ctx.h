/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small context layer so one pipeline builds for XDP and for tc (cls_bpf).
 * Every helper is always_inline and takes the hook as a constant, so the
 * compiler drops the other hook's branch and the verifier never sees a
 * tc-only helper in an XDP program. */
#ifndef VNET_BPF_CTX_H
#define VNET_BPF_CTX_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "vnet_shared.h"

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define TC_ACT_REDIRECT 7

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define ETH_ALEN 6
/* skb->pkt_type (linux/if_packet.h) */
#define PKT_TYPE_BROADCAST 1
#define PKT_TYPE_MULTICAST 2
#define PKT_TYPE_OTHERHOST 3
#define PKT_TYPE_LOOPBACK 5
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17

/* Return conventions: a function of the pipeline returns one of
 *  - enum act: what happens to the packet. PASS (to the kernel), DROP
 *    (p->reason says why) and REDIRECT (p->target, p->how) are final
 *    verdicts; CONTINUE is "not decided here, go on" (the caller's next
 *    step decides). verdict.h maps a final verdict to XDP_* / TC_ACT_*; a
 *    CONTINUE, a drop without a reason or any other value reaching it is a
 *    path that decided nothing: dropped, counted "internal" (a bug the BPF
 *    tests catch), never passed. 0 is no act at all, so a value never set
 *    is no pass either, and -Wassign-enum flags a literal 0 or -1;
 *  - enum vnet_drop: a check. VNET_DROP_NONE: passed, go on; else the
 *    reason the caller drops for (drop());
 *  - enum ct_insert_result (conntrack.h): inserting a flow's entries;
 *  - bool, or an int documented as a success flag, for the rest.
 * The return type says which; -Wenum-conversion (the BPF build) flags a
 * value of one returned as the other. */
enum act { ACT_PASS = 1, ACT_DROP, ACT_REDIRECT, ACT_CONTINUE };

/* pkt.fill_csum, XDP: is the frame's TCP/UDP sum partial (l4sum.h)? Not
 * judged yet (a redirect judges it), judged before a rewrite of addresses
 * or ports (set_fill_csum: partial, recomputed in full at the redirect,
 * nat_apply skipping its incremental updates; complete: updated
 * incrementally, as at tc), or a source whose sums are complete (a NIC
 * uplink). */
enum fill_csum { FILL_CSUM_UNJUDGED = 0, FILL_CSUM_PARTIAL, FILL_CSUM_COMPLETE };

struct vnet_stats;

struct pkt {
	void *ctx;
	void *data;
	void *data_end;
	__u32 len;
	__u32 ifindex;
	__u32 l3_off;	/* offset of the IPv4/ARP header */
	__u32 l4_off;	/* offset of the L4 header (IPv4) */
	__u8 tc;	/* 1: __sk_buff, 0: xdp_md */
	__u8 how;	/* enum redir for ACT_REDIRECT */
	__u8 fill_csum;	/* XDP: enum fill_csum, the TCP/UDP sum (l4sum.h) */
	__u8 retry_tc;	/* ACT_PASS at XDP that the tc program can still do */
	__u8 counted;	/* tc: rx already counted at XDP (VNET_META_RETRY) */
	__u8 net_id;	/* the network a drop is counted on (0: none); a byte,
			 * so struct pkt does not grow (the stack is tight) */
	__u8 csum_in;	/* XDP: the source may hand over partial TCP/UDP sums (a
			 * port's guest, a veth uplink's far end; a NIC's are
			 * complete): set_fill_csum judges them */
	__u8 fam;	/* count_rx: bit 0 IPv4, bit 1 IPv6 (counters.h: unknown to the verifier) */
	__u32 target;	/* ACT_REDIRECT: ifindex */
	__u32 tx;	/* ACT_REDIRECT into a port whose port_state the path had:
			 * its net_id << 24 | its counter slot + 1 (count_tx);
			 * TX_NOT_PORT: no port (the uplink); 0: count_tx looks
			 * the target up */
	enum vnet_drop reason;	/* ACT_DROP: why (4 bytes, as the __u32 it was) */
	struct vnet_stats *stats;	/* this port's per-CPU counters (count_rx) */
};

/* How a redirect leaves: egress of target, straight into a veth's peer
 * (tc ingress only), through the kernel's neighbour output (tc only, so a
 * next hop whose MAC is unknown is resolved instead of dropped), devmap. */
enum redir { REDIR_EGRESS, REDIR_PEER, REDIR_NEIGH, REDIR_DEVMAP };

/* pkt.tx: the target is no port. No port has it: its slot + 1 would be
 * 0xffffff, and slots are below VNET_MAX_PORTS. */
#define TX_NOT_PORT 0xffffffffu
_Static_assert(VNET_MAX_PORTS < 0xffffff, "a slot + 1 fits pkt.tx's 24 bits");

static __always_inline void pkt_reload(struct pkt *p)
{
	if (p->tc) {
		struct __sk_buff *skb = p->ctx;

		p->data = (void *)(long)skb->data;
		p->data_end = (void *)(long)skb->data_end;
	} else {
		struct xdp_md *xdp = p->ctx;

		p->data = (void *)(long)xdp->data;
		p->data_end = (void *)(long)xdp->data_end;
	}
}

static __always_inline void pkt_init(struct pkt *p, void *ctx, int tc)
{
	p->ctx = ctx;
	p->tc = tc;
	if (tc) {
		struct __sk_buff *skb = ctx;

		p->len = skb->len;
		p->ifindex = skb->ifindex;	/* the device the hook runs on */
	} else {
		struct xdp_md *xdp = ctx;

		p->ifindex = xdp->ingress_ifindex;
		/* all buffers: an xdp.frags program sees GSO-sized frames */
		p->len = bpf_xdp_get_buff_len(xdp);
	}
	pkt_reload(p);
}

/* tc: make sure the first n bytes (at most the frame) are in the linear
 * area (GSO skbs from a veth usually have all headers linear already, so
 * this is rare as long as n asks for headers only: parse_ipv4). A frame
 * shorter than n that is linear whole (a short ICMPv6, ARP-sized frames)
 * calls no helper (issue 21). */
static __always_inline void pkt_pull(struct pkt *p, __u32 n)
{
	if (!p->tc || p->data + n <= p->data_end)
		return;
	if (n > p->len)
		n = p->len;
	if (p->data + n <= p->data_end)
		return;
	bpf_skb_pull_data(p->ctx, n);
	pkt_reload(p);
}

/* tc: a VLAN tag the kernel moved from the frame into skb metadata before
 * tc runs (__netif_receive_skb_core untags 802.1Q/802.1ad), so the parser
 * never sees it in the frame and a redirect would send it on with its
 * tag. XDP sees the tag in the frame (parse_eth). */
static __always_inline bool pkt_vlan(const struct pkt *p)
{
	return p->tc && ((struct __sk_buff *)p->ctx)->vlan_present;
}

/* XDP cannot do it, the tc program behind it (VNET_HOOK_XDP_VETH) can. */
static __always_inline enum act pass_to_tc(struct pkt *p)
{
	p->retry_tc = 1;
	return ACT_PASS;
}

/* What an xdp.frags program tells the tc program behind it about a frame
 * it passed, in 4 bytes of XDP metadata (the skb keeps them as data_meta):
 * DONE: counted and judged slow path, give it to the kernel as is; RETRY:
 * counted at rx, run the pipeline (without counting rx again). */
#define VNET_META_DONE 0x766e0001u
#define VNET_META_RETRY 0x766e0002u

static __always_inline enum act drop(struct pkt *p, enum vnet_drop reason)
{
	p->reason = reason;
	return ACT_DROP;
}

/* Bounds-checked pointer to len bytes at off, or NULL. */
#define PKT_PTR(p, off, len) \
	((p)->data + (off) + (len) <= (p)->data_end ? (p)->data + (off) : NULL)

#endif
