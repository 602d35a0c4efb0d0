/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The MAC libslirp answers ARP with for its own addresses: 52:55 and the
 * IPv4 address. User mode sources its DHCP and DNS replies from the gateway
 * with this MAC too, so a guest's ARP cache and its replies agree. */
#ifndef VNET_SLIRP_MAC_H
#define VNET_SLIRP_MAC_H

#include <netinet/in.h>
#include <stdint.h>

void slirp_mac(struct in_addr ip, uint8_t mac[6]);

#endif
