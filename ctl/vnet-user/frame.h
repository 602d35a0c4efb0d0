/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Just enough Ethernet/IPv4/UDP to pick DHCP and DNS frames off the switch
 * and to send our answers back. Every length is checked before a read. */
#ifndef VNET_USER_FRAME_H
#define VNET_USER_FRAME_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 1600
#define ETH_HLEN_ 14

/* A UDP datagram found in a frame. */
struct udp_view {
	const uint8_t *src_mac, *dst_mac;
	struct in_addr src, dst;
	uint16_t sport, dport; /* host order */
	const uint8_t *data;
	size_t len;
};

/* 0 if frame is an unfragmented IPv4/UDP datagram (no VLAN tag) whose
 * lengths are consistent; -EINVAL otherwise. */
int frame_udp_parse(const uint8_t *frame, size_t len, struct udp_view *u);

/* Build Ethernet + IPv4 + UDP around data into out (cap >= 42 + dlen).
 * Returns the frame length or -ENOSPC. */
int frame_udp_build(uint8_t *out, size_t cap, const uint8_t src_mac[6], const uint8_t dst_mac[6],
		    struct in_addr src, uint16_t sport, struct in_addr dst, uint16_t dport,
		    const uint8_t *data, size_t dlen);

#endif
