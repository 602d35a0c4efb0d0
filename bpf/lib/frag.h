/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fragmented datagrams through NAT, without reassembly. The first
 * fragment (offset 0) has the L4 header: it is translated like any packet
 * of its flow (ports, and the L4 checksum, which covers the whole datagram
 * and lies in this fragment) and records the translation by (source,
 * destination, IP id, protocol). The later fragments have only an IP
 * header: they get the recorded address, the IP checksum, TTL and MACs.
 * The record goes with the last fragment. A later fragment that arrives
 * before its first one, after the last one, or more than 30 s after the
 * first (RFC 791 reassembly; Linux's ipfrag_time), is not translated:
 * on a guest port it is dropped as ip_bad, on the uplink it goes to the
 * host as before. nf_conntrack reassembles instead; in-order fragments
 * on one path, the common case, need no buffer here. */
#ifndef VNET_BPF_FRAG_H
#define VNET_BPF_FRAG_H

#include "conntrack.h"

static __always_inline void frag_key_of(struct vnet_frag_key *k, const struct hdrs *h, __u8 dir)
{
	k->saddr = h->saddr;
	k->daddr = h->daddr;
	k->id = h->ip_id;
	k->proto = h->proto;
	k->dir = dir;
}

/* Not inlined: its locals would add to the pipeline's one 512-byte stack
 * frame, and it runs for first fragments only. */
static __noinline void frag_save(const struct hdrs *h, const struct vnet_ct *ct)
{
	struct vnet_frag_key k = {};
	struct vnet_frag v = { .xaddr = ct->xaddr, .net_id = ct->net_id, .ifindex = ct->ifindex };

	frag_key_of(&k, h, ct->dir);
	__builtin_memcpy(v.mac, ct->mac, 6);
	v.seen_ns = bpf_ktime_get_coarse_ns();
	bpf_map_update_elem(&frag_map, &k, &v, BPF_ANY);
}

/* A packet of the flow ct: if it is a first fragment, remember its
 * translation for the fragments that follow. */
static __always_inline void frag_record(const struct hdrs *h, const struct vnet_ct *ct)
{
	if (h->frag_first)
		frag_save(h, ct);
}

/* After the last fragment the record goes: a later datagram that reuses
 * the IP id (it wraps at 65536: RFC 4963) must not find it. */
static __noinline void frag_forget(const struct hdrs *h, __u8 dir)
{
	struct vnet_frag_key k = {};

	frag_key_of(&k, h, dir);
	bpf_map_delete_elem(&frag_map, &k);
}

static __always_inline void frag_done(const struct hdrs *h, __u8 dir)
{
	if (h->frag_last)
		frag_forget(h, dir);
}

/* The translation of a later fragment seen in direction dir, or NULL. */
static __always_inline struct vnet_frag *frag_find(const struct hdrs *h, __u8 dir)
{
	struct vnet_frag_key k = {};
	struct vnet_frag *f;

	frag_key_of(&k, h, dir);
	f = bpf_map_lookup_elem(&frag_map, &k);
	if (!f || bpf_ktime_get_coarse_ns() - f->seen_ns > VNET_FRAG_TTL_NS)
		return NULL;
	return f;
}

#endif
