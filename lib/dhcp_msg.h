/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DHCPv4 wire format (RFC 2131 section 2, RFC 2132 options): parse a
 * client's BOOTP/DHCP message with strict bounds, build a server reply.
 * Pure functions: no I/O, no allocation. */
#ifndef VNET_DHCP_MSG_H
#define VNET_DHCP_MSG_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_FIXED_LEN 236	/* op .. file, before the magic cookie */
#define DHCP_MIN_LEN 240	/* fixed part + magic cookie */
#define DHCP_BOOTP_MIN_LEN 300	/* RFC 951: 64-byte vend field */
#define DHCP_MAX_REPLY 548	/* 576 - IP(20) - UDP(8): RFC 2131 minimum */
#define DHCP_MAGIC 0x63825363u
#define DHCP_HOSTNAME_MAX 64	/* incl. NUL; one DNS label is <= 63 */
#define DHCP_BROADCAST_FLAG 0x8000

enum { BOOTREQUEST = 1, BOOTREPLY = 2 };

enum dhcp_type {
	DHCP_NONE_TYPE = 0,
	DHCPDISCOVER = 1,
	DHCPOFFER = 2,
	DHCPREQUEST = 3,
	DHCPDECLINE = 4,
	DHCPACK = 5,
	DHCPNAK = 6,
	DHCPRELEASE = 7,
	DHCPINFORM = 8,
	DHCP_TYPE_MAX = 8,
};

enum dhcp_opt {
	OPT_PAD = 0,
	OPT_SUBNET_MASK = 1,
	OPT_ROUTER = 3,
	OPT_DNS = 6,
	OPT_HOSTNAME = 12,
	OPT_DOMAIN = 15,
	OPT_MTU = 26,
	OPT_BROADCAST = 28,
	OPT_REQ_IP = 50,
	OPT_LEASE_TIME = 51,
	OPT_OVERLOAD = 52,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_PRL = 55,
	OPT_MESSAGE = 56,
	OPT_MAX_SIZE = 57,
	OPT_T1 = 58,
	OPT_T2 = 59,
	OPT_CLIENT_ID = 61,
	OPT_END = 255,
};

/* A parsed client message. Options that were absent have has_* = 0.
 * Fixed-length options with a wrong length are ignored (counted in
 * bad_opts), never read past. */
struct dhcp_msg {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;		/* as on the wire (network order) */
	uint16_t secs, flags;	/* host order */
	struct in_addr ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];

	uint8_t type;		/* option 53, 0 if absent (plain BOOTP) */
	int has_req_ip, has_server_id, has_lease_time;
	struct in_addr req_ip, server_id;
	uint32_t lease_time;
	uint16_t max_size;	/* option 57, 0 if absent */
	uint8_t overload;	/* option 52 value, 0 if absent */
	char hostname[DHCP_HOSTNAME_MAX]; /* option 12, NUL-terminated, raw */
	uint8_t hostname_len;
	uint8_t prl[255];
	uint8_t prl_len;
	uint8_t client_id[255];
	uint8_t client_id_len;
	unsigned bad_opts;
};

/* Parse len bytes. 0 on success; -EBADMSG if the message is shorter than
 * the fixed part, has a wrong magic cookie, or an option runs past the end
 * of its field. */
int dhcp_msg_parse(const uint8_t *buf, size_t len, struct dhcp_msg *m);

/* What the server sends. Options are emitted in this order: message type,
 * server id, then the client's parameter request list order, then any
 * remaining option this struct carries. */
struct dhcp_reply {
	uint8_t type;			/* DHCPOFFER / DHCPACK / DHCPNAK */
	uint32_t xid;			/* network order, copied from request */
	uint16_t flags;			/* host order */
	uint8_t hlen, htype;
	struct in_addr ciaddr, yiaddr, giaddr;
	uint8_t chaddr[16];
	struct in_addr server_id;
	int has_lease;			/* lease, T1, T2 (not in INFORM ACK, NAK) */
	uint32_t lease_secs, t1_secs, t2_secs;
	int has_netcfg;			/* mask, router, DNS (not in NAK) */
	struct in_addr mask, router, dns;
	char domain[128];		/* "" = none */
	char hostname[DHCP_HOSTNAME_MAX]; /* "" = none */
	uint16_t mtu;			/* 0 = none */
	char message[64];		/* option 56, "" = none */
	uint8_t prl[255];
	uint8_t prl_len;
	uint8_t client_id[255];		/* echoed (RFC 6842) */
	uint8_t client_id_len;
};

/* Build into buf (cap >= DHCP_BOOTP_MIN_LEN). Options that do not fit in
 * cap are left out (lowest priority last). Returns the length or -ENOSPC. */
int dhcp_msg_build(const struct dhcp_reply *r, uint8_t *buf, size_t cap);

const char *dhcp_type_name(unsigned type);

#endif
