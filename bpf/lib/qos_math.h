/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The token buckets of libvirt's <bandwidth> as GCRA (the "virtual
 * scheduling" form of a token bucket): a bucket is one timestamp, tat, the
 * theoretical arrival time of the next byte at the bucket's rate; a packet
 * may leave at max(now, tat - tau), where tau is the depth of the bucket in
 * time (burst bytes at the rate). Pure arithmetic, no I/O: built into the
 * BPF programs (qos.h) and into tests/unit/test_qos_math.c.
 *   - pacing (EDT, the packet sits in fq until skb->tstamp): qos_pace gives
 *     the departure time, or 0 when it is beyond the horizon (dropped);
 *   - policing (no queue): qos_police, the packet passes only if it could
 *     leave now.
 * libvirt's semantics: average is the long-run rate, burst the bytes that
 * may go at once (at peak speed, when peak is given), peak the rate of the
 * burst: two buckets, the packet leaves when both allow it. */
#ifndef VNET_BPF_QOS_MATH_H
#define VNET_BPF_QOS_MATH_H

#ifndef __VMLINUX_H__
#include <stdbool.h>
#include "vnet_shared.h"
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#endif

#define VNET_NSEC 1000000000ULL

/* ns one packet of len bytes takes at rate bytes/s. */
static __always_inline __u64 qos_cost(__u64 len, __u64 rate)
{
	return len * VNET_NSEC / rate;
}

/* The earliest time (>= now) both buckets let a packet leave. */
static __always_inline __u64 qos_when(const struct vnet_qos_dir *d, __u64 now)
{
	__u64 t = now;

	if (d->rate && d->tat > now + d->tau)
		t = d->tat - d->tau;
	if (d->peak && d->tat_peak > t + d->tau_peak)
		t = d->tat_peak - d->tau_peak;
	return t;
}

/* A packet of len bytes leaves at t (>= now): take it from the buckets. */
static __always_inline void qos_charge(struct vnet_qos_dir *d, __u64 now, __u64 t, __u32 len)
{
	if (d->rate)
		d->tat = (d->tat > now ? d->tat : now) + qos_cost(len, d->rate);
	if (d->peak)
		d->tat_peak = (d->tat_peak > t ? d->tat_peak : t) + qos_cost(len, d->peak);
}

/* EDT: the departure time of a packet of len bytes arriving at now, or 0
 * if that is more than horizon ns away (the caller drops it, nothing is
 * charged). */
static __always_inline __u64 qos_pace(struct vnet_qos_dir *d, __u64 now, __u32 len, __u64 horizon)
{
	__u64 t = qos_when(d, now);

	if (t - now > horizon)
		return 0;
	qos_charge(d, now, t, len);
	return t;
}

/* Policing: true if the packet conforms now (and is charged), false: drop. */
static __always_inline bool qos_police(struct vnet_qos_dir *d, __u64 now, __u32 len)
{
	if (qos_when(d, now) != now)
		return false;
	qos_charge(d, now, now, len);
	return true;
}

#endif
