/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvirt's <bandwidth> in the data path (issue 19.4; docs/datapath.md,
 * "QoS"). Outbound (from the guest: the port's ingress, no queue) is
 * policed, as libvirt itself does with an ingress police filter: a packet
 * over rate + burst is dropped. Inbound (to the guest) is paced by
 * earliest departure time: the port's egress program (vnet_port_qos) sets
 * skb->tstamp and the fq qdisc vnetd puts on that port holds the packet
 * until then; every path into such a port goes through its egress
 * (set_redirect redirects to it instead of to the veth's peer, XDP hands
 * the frame to the kernel). A network's limits are an aggregate bucket over
 * all its ports; a port under its inbound floor bypasses the aggregate.
 * Ports and networks without limits pay one load of vnet_qos_on while no
 * limit exists anywhere, one hash lookup per packet when one does. */
#ifndef VNET_BPF_QOS_H
#define VNET_BPF_QOS_H

#include "counters.h"
#include "qos_math.h"

/* Entries in qos_map (written by vnetd through the skeleton's .bss,
 * dp_qos.c): 0 means no lookup at all. */
__u32 vnet_qos_on;

/* The port's counters for its limits. */
static __always_inline struct vnet_qos_stats *qos_stats_of(__u32 ifindex)
{
	struct vnet_qos_stats *s = bpf_map_lookup_elem(&qos_stats, &ifindex);

	if (s)
		return s;
	struct vnet_qos_stats zero = {};

	bpf_map_update_elem(&qos_stats, &ifindex, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&qos_stats, &ifindex);
}

static __always_inline struct vnet_qos *qos_of(__u32 key)
{
	return vnet_qos_on ? bpf_map_lookup_elem(&qos_map, &key) : NULL;
}

/* Does a packet redirected into this port have to go through its egress
 * (the pacing program and fq)? */
static __always_inline bool qos_paced_port(__u32 ifindex)
{
	struct vnet_qos *q = qos_of(ifindex);

	return q && (q->flags & VNET_QOS_PACE);
}

/* The bytes a limit counts: the IP packet, without the Ethernet header, as
 * libvirt's police filter counts them (tc ingress sees no L2 header). */
static __always_inline __u32 qos_len(const struct pkt *p)
{
	return p->len > 14 ? p->len - 14 : p->len;
}

/* Police one outbound bucket; true: conforms. */
static __always_inline bool qos_police_one(struct vnet_qos *q, __u64 now, __u32 len)
{
	bool ok;

	bpf_spin_lock(&q->lock);
	ok = qos_police(&q->out, now, len);
	bpf_spin_unlock(&q->lock);
	return ok;
}

/* Guest outbound, at the port's ingress: the port's bucket, then its
 * network's aggregate. A frame tc sees again after the xdp.frags program
 * (p->counted) was policed there. */
static __always_inline enum vnet_drop qos_outbound(struct pkt *p, __u32 net_id)
{
	struct vnet_qos *q, *n;
	struct vnet_qos_stats *s;
	__u64 now;

	if (!vnet_qos_on || p->counted)
		return VNET_DROP_NONE;
	q = qos_of(p->ifindex);
	n = qos_of(VNET_QOS_NET | net_id);
	if (!(q && (q->flags & VNET_QOS_OUT)) && !(n && (n->flags & VNET_QOS_OUT)))
		return VNET_DROP_NONE;
	now = bpf_ktime_get_ns();
	if ((q && (q->flags & VNET_QOS_OUT) && !qos_police_one(q, now, qos_len(p))) ||
	    (n && (n->flags & VNET_QOS_OUT) && !qos_police_one(n, now, qos_len(p)))) {
		s = qos_stats_of(p->ifindex);
		if (s)
			s->policed++;
		return VNET_DROP_QOS_POLICED;
	}
	return VNET_DROP_NONE;
}

/* Guest inbound, at the port's egress: the departure time (>= now) by the
 * port's bucket and its network's aggregate (bypassed while the port is
 * under its floor), or 0: beyond the horizon. */
static __always_inline __u64 qos_inbound_when(struct vnet_qos *q, __u32 net_id, __u32 len,
						     __u64 now, __u64 horizon)
{
	struct vnet_qos *n = qos_of(VNET_QOS_NET | net_id);
	__u64 t = now, tn;
	bool floor = false;

	if (q->flags & VNET_QOS_IN) {
		bpf_spin_lock(&q->lock);
		t = qos_pace(&q->in, now, len, horizon);
		bpf_spin_unlock(&q->lock);
		if (!t)
			return 0;
	}
	if (q->floor.rate) {
		bpf_spin_lock(&q->lock);
		floor = qos_police(&q->floor, now, len);
		bpf_spin_unlock(&q->lock);
	}
	if (!n || !(n->flags & VNET_QOS_IN))
		return t;
	bpf_spin_lock(&n->lock);
	if (floor) {	/* guaranteed: counted in the aggregate, never held by it */
		qos_charge(&n->in, now, now, len);
		tn = now;
	} else {
		tn = qos_pace(&n->in, now, len, horizon);
	}
	bpf_spin_unlock(&n->lock);
	if (!tn)
		return 0;
	return tn > t ? tn : t;
}

/* The port's egress program (only on ports with VNET_QOS_PACE): set the
 * departure time for fq, or drop a packet it would hold too long. A kernel
 * without sch_fq (VNET_QOS_IN_POLICE) has no queue to hold it: a packet
 * that cannot leave now is dropped (policed). */
static __always_inline int qos_port_egress(struct pkt *p)
{
	__u32 ifindex = p->ifindex;
	struct vnet_port *port = bpf_map_lookup_elem(&port_map, &ifindex);
	struct vnet_qos *q = qos_of(ifindex);
	struct vnet_qos_stats *s;
	bool police;
	__u64 now, t;

	if (!port || !q)
		return TC_ACT_OK;
	police = q->flags & VNET_QOS_IN_POLICE;
	now = bpf_ktime_get_ns();
	t = qos_inbound_when(q, port->net_id, qos_len(p), now, police ? 0 : VNET_QOS_HORIZON_NS);
	s = qos_stats_of(ifindex);
	if (!t) {
		if (s) {
			if (police)
				s->policed++;
			else
				s->dropped++;
		}
		p->net_id = port->net_id;
		count_verdict(p, ACT_DROP, police ? VNET_DROP_QOS_POLICED : VNET_DROP_QOS_HORIZON, 0);
		return TC_ACT_SHOT;
	}
	if (police)
		return TC_ACT_OK;
	if (t > now && s) {
		s->paced++;
		s->delay_ns += t - now;
	}
	/* also when t == now: a stale receive timestamp must not reach fq */
	bpf_skb_set_tstamp(p->ctx, t, BPF_SKB_CLOCK_MONOTONIC);
	return TC_ACT_OK;
}

#endif
