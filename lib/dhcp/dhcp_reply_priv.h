/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building the server's replies (OFFER, ACK, NAK) and choosing where they
 * go, for lib/dhcp_pool.c. Internal to the DHCP server code. */
#ifndef VNET_DHCP_REPLY_H
#define VNET_DHCP_REPLY_H

#include <stdint.h>

#include "dhcp.h"

/* OFFER or ACK carrying yiaddr and the network configuration (for INFORM,
 * yiaddr 0: no lease times). mask is the subnet mask in host order;
 * lease_secs the lease (DHCP_LEASE_INFINITE: no T1/T2). */
void dhcp_reply_config(const struct dhcp_pool_config *cfg, uint32_t mask, const struct dhcp_msg *m,
		       uint8_t type, struct in_addr yiaddr, uint32_t lease_secs,
		       const char *hostname, struct dhcp_result *res);
void dhcp_reply_nak(const struct dhcp_pool_config *cfg, const struct dhcp_msg *m, const char *why,
		    struct dhcp_result *res);
/* Fill res->dest / dest_ip for the reply already in res. */
void dhcp_reply_dest(const struct dhcp_msg *m, struct dhcp_result *res);

#endif
