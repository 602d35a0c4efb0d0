/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Build the BPF header parser (bpf/lib/parse.h) for the host, so a fuzzer
 * can drive it: include this before bpf/lib/ctx.h. It stands in for the
 * kernel's vmlinux.h (whose guard it takes, so a real one on the include
 * path becomes empty) with the few types ctx.h/parse.h use, giving the
 * context structs pointer-wide data fields so a plain buffer fits, and it
 * replaces the BPF helpers the parser calls (bpf_skb_pull_data,
 * bpf_xdp_get_buff_len) with host versions working on that buffer. */
#ifndef VNET_BPF_HOST_SHIM_H
#define VNET_BPF_HOST_SHIM_H

#define __VMLINUX_H__ 1

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <stdbool.h>

/* vnet_shared.h's map values name it (struct vnet_qos) */
struct bpf_spin_lock {
	__u32 val;
};

/* Host stand-ins for the program contexts: data/data_end hold pointers. */
struct __sk_buff {
	unsigned long data;
	unsigned long data_end;
	__u32 len;	/* whole packet, linear part or not */
	__u32 ifindex;
	__u32 vlan_present;	/* a tag in skb metadata (0 here: parse.h never reads it) */
};

struct xdp_md {
	unsigned long data;
	unsigned long data_end;
	__u32 ingress_ifindex;
};

/* bpf_skb_pull_data(skb, n): make the first n bytes linear. The host skb
 * is one buffer of len bytes whose linear part (data..data_end) may be
 * shorter; pulling extends it, as the kernel does, up to len. */
static inline long host_skb_pull_data(struct __sk_buff *skb, __u32 n)
{
	if (n > skb->len)
		return -22;
	if (skb->data + n > skb->data_end)
		skb->data_end = skb->data + n;
	return 0;
}
#define bpf_skb_pull_data(skb, n) host_skb_pull_data(skb, n)

/* bpf_xdp_get_buff_len(xdp): the host xdp buffer is one piece (no frags). */
static inline __u64 host_xdp_get_buff_len(struct xdp_md *xdp)
{
	return xdp->data_end - xdp->data;
}
#define bpf_xdp_get_buff_len(xdp) host_xdp_get_buff_len(xdp)

#endif
