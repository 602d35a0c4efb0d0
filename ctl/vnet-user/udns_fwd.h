/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Forwarding the guests' other DNS queries to the host's resolver from the
 * user's own UDP sockets: libslirp's DNS alias is off (it would also take
 * the gateway's TCP to the host resolver), so vnet forwards, as vnetd's
 * proxy does: a fresh socket (random source port) and a random ID per
 * query, and a reply must match server, port, ID and question (RFC 5452). */
#ifndef VNET_USER_UDNS_FWD_H
#define VNET_USER_UDNS_FWD_H

#include <poll.h>
#include <stdint.h>

#include "dns/dns.h"
#include "frame.h"
#include "netdef/netdef.h"

#define DNSFWD_MAX 64	      /* queries in flight; more are refused */
#define DNSFWD_TIMEOUT_MS 5000 /* then SERVFAIL */

struct dnsfwd_q {
	int fd; /* -1 = free slot */
	uint16_t id;
	int64_t deadline;
	struct dns_query q;
	uint8_t mac[6];
	struct in_addr ip;
	uint16_t port;
};

struct vu_dnsfwd {
	struct sockaddr_storage up; /* IPv4 or IPv6; ss_family 0: no upstream known */
	struct in_addr gw;
	uint8_t gw_mac[6];
	struct dnsfwd_q q[DNSFWD_MAX];
	uint64_t sent, replies, timeouts, refused, ignored;
};

/* Upstream: the first of lib/dns_upstreams' list (the definition's
 * <forwarder>s, else the IPv4 nameservers of $VNET_RESOLV_CONF or
 * /etc/resolv.conf). Replies come from the gateway with gw_mac. */
void vu_dnsfwd_init(struct vu_dnsfwd *f, const struct netdef *def, const uint8_t gw_mac[6]);
/* Forward q from the guest in u. Returns a reply frame length in out
 * (SERVFAIL/REFUSED when it cannot be forwarded) or 0. */
int vu_dnsfwd_query(struct vu_dnsfwd *f, const struct udp_view *u, const struct dns_query *q,
		    uint8_t *out, size_t cap);
/* Append the sockets in flight to pfd; returns how many. */
int vu_dnsfwd_fill(struct vu_dnsfwd *f, struct pollfd *pfd, int max);
/* After poll: replies and timeouts, each turned into a frame for send. */
void vu_dnsfwd_poll(struct vu_dnsfwd *f, const struct pollfd *pfd, int n, int64_t now_ms,
		    void (*send)(void *ctx, const uint8_t *frame, size_t len), void *ctx);
void vu_dnsfwd_close(struct vu_dnsfwd *f);

#endif
