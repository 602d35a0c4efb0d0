/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test helper: build client DHCP messages byte by byte. */
#ifndef VNET_DHCP_TEST_PKT_H
#define VNET_DHCP_TEST_PKT_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "dhcp/dhcp.h"

struct pkt {
	uint8_t b[1024];
	size_t len;
};

static inline void pkt_init(struct pkt *p, uint8_t type, const uint8_t mac[6], uint32_t xid)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = BOOTREQUEST;
	p->b[1] = 1;
	p->b[2] = 6;
	memcpy(p->b + 4, &xid, 4);
	memcpy(p->b + 28, mac, 6);
	p->b[236] = 0x63;
	p->b[237] = 0x82;
	p->b[238] = 0x53;
	p->b[239] = 0x63;
	p->len = 240;
	if (type) {
		p->b[p->len++] = OPT_MSG_TYPE;
		p->b[p->len++] = 1;
		p->b[p->len++] = type;
	}
}

static inline void pkt_opt(struct pkt *p, uint8_t code, uint8_t len, const void *data)
{
	p->b[p->len++] = code;
	p->b[p->len++] = len;
	memcpy(p->b + p->len, data, len);
	p->len += len;
}

static inline void pkt_ip_opt(struct pkt *p, uint8_t code, const char *ip)
{
	struct in_addr a;

	inet_pton(AF_INET, ip, &a);
	pkt_opt(p, code, 4, &a);
}

static inline void pkt_end(struct pkt *p)
{
	p->b[p->len++] = OPT_END;
	if (p->len < 300)
		p->len = 300;
}

static inline void pkt_ciaddr(struct pkt *p, const char *ip)
{
	inet_pton(AF_INET, ip, p->b + 12);
}

static inline struct in_addr ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

#endif
