// SPDX-License-Identifier: GPL-2.0-or-later
/* Benchmark programs (tests/bench/pktgen.c loads them):
 * bench_tx        XDP_TX, run by BPF_PROG_RUN with live frames: the generator;
 * bench_xdp_count per-CPU count + drop of benchmark UDP (dport 9000..9999,
 *                 IPv4 or IPv6)
 * bench_tc_count  the same at tc ingress, for frames that skip XDP
 *                 (bpf_redirect_peer delivers an skb straight to ingress);
 * bench_redirect  the ceiling: a bare redirect, no lookup, no rewrite;
 * bench_tc_redirect the same at tc (into the peer or out of the target):
 *                 the floor of any tc data path on these devices. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} rx_count SEC(".maps");

volatile const __u32 redirect_ifindex = 0;
volatile const __u32 redirect_to_peer = 0;
/* The frame, written again on every run: live-frames pages are recycled
 * without being reinitialised, so a hop that rewrote the frame in place
 * (NAT, MAC rewrite) would otherwise hand us its output as our input. */
__u8 frame[64];	/* .bss: a const would be folded to zeros */

/* Only the benchmark's UDP (IPv4 or IPv6, no extension headers) is counted
 * and dropped: ARP, ND, TCP pass, so a counter on the wan never breaks
 * neighbour resolution. */
static __always_inline int is_bench(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct udphdr *udp;

	if ((void *)(eth + 1) > end)
		return 0;
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		udp = (void *)(ip6 + 1);
		if ((void *)(udp + 1) > end || ip6->nexthdr != IPPROTO_UDP)
			return 0;
	} else {
		udp = (void *)(ip + 1);
		if ((void *)(udp + 1) > end)
			return 0;
		if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_UDP ||
		    ip->ihl != 5)
			return 0;
	}
	return bpf_ntohs(udp->dest) >= 9000 && bpf_ntohs(udp->dest) < 10000;
}

static __always_inline void bump(void)
{
	__u32 k = 0;
	__u64 *c = bpf_map_lookup_elem(&rx_count, &k);

	if (c)
		(*c)++;
}

SEC("xdp")
int bench_tx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;

	if (data + sizeof(frame) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	__builtin_memcpy(data, frame, sizeof(frame));
	return XDP_TX;
}

SEC("xdp")
int bench_xdp_count(struct xdp_md *ctx)
{
	if (!is_bench((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		return XDP_PASS;
	bump();
	return XDP_DROP;
}

SEC("tc")
int bench_tc_count(struct __sk_buff *skb)
{
	if (!is_bench((void *)(long)skb->data, (void *)(long)skb->data_end))
		return TC_ACT_OK;
	bump();
	return TC_ACT_SHOT;
}

SEC("xdp")
int bench_redirect(struct xdp_md *ctx)
{
	return bpf_redirect(redirect_ifindex, 0);
}

SEC("tc")
int bench_tc_redirect(struct __sk_buff *skb)
{
	if (redirect_to_peer)
		return bpf_redirect_peer(redirect_ifindex, 0);
	return bpf_redirect(redirect_ifindex, 0);
}
