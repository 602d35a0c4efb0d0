/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/fwd_relay/ (one header per folder). */
#ifndef VNET_FWD_RELAY_FWD_RELAY_H
#define VNET_FWD_RELAY_FWD_RELAY_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "netdef/netdef.h"

/* ---- fwd_relay ---- */
/* Hairpin port forwards (issue 17.2): the uplink program DNATs what comes
 * in from the wan, but the host itself and the guests reach UPLINK_IP:PORT
 * through the host stack, never through the uplink's ingress. For them a
 * TCP listener on the uplink address and each forwarded host port relays
 * every connection to guest_ip:guest_port (docker's userland proxy). It
 * runs in the core's loop, parses nothing (copies bytes, bounded buffers),
 * and caps connections per port and their idle time. UDP forwards get no
 * relay (a known limit). One relay per running network and address family:
 * forwards to guests' IPv6 addresses are relayed from the uplink's global
 * IPv6 address (NAT66's, issue 18) by a relay of their own. */
#define FWD_RELAY_MAX_CONNS 256	     /* per listening port; more are closed at once */
#define FWD_RELAY_MAX_LISTENERS 64   /* per forward (a range): the first 64 ports */
#define FWD_RELAY_IDLE_MS (30u * 60 * 1000) /* a connection with no byte for 30 min */
#define FWD_RELAY_BUF 16384	     /* per direction of a connection */

struct fwd_relay;

struct fwd_relay_counters {
	uint64_t connections;	/* accepted and relayed to the guest */
	uint64_t refused_cap;	/* closed at once: FWD_RELAY_MAX_CONNS open on the port */
	uint64_t connect_failed;/* the guest refused or did not answer */
	uint64_t idle_closed;	/* closed after FWD_RELAY_IDLE_MS without a byte */
	uint64_t active;	/* open now */
	uint64_t listeners;	/* listening ports now */
	uint64_t listen_failed;	/* a port that could not be bound (in use on the host) */
};

/* A relay for network `net` listening on addr (the uplink's, AF_INET or
 * AF_INET6: it relays the forwards of that family). NULL on ENOMEM. */
struct fwd_relay *fwd_relay_new(struct loop *loop, const char *net, const struct netdef_addr *addr);
/* Closes every listener and connection. NULL accepted. */
void fwd_relay_free(struct fwd_relay *r);
/* Does r listen on addr (family and address)? */
int fwd_relay_at(const struct fwd_relay *r, const struct netdef_addr *addr);
/* Listen for pf's host ports (TCP only, of the relay's family; others
 * return 0 and do nothing).
 * A port that cannot be bound is logged and counted, not an error: the
 * wan's forward (the data path) works without it. 0 or -ENOMEM. */
int fwd_relay_add(struct fwd_relay *r, const struct netdef_port_forward *pf);
/* Stop listening on pf's ports and close their connections. */
void fwd_relay_del(struct fwd_relay *r, const struct netdef_port_forward *pf);
void fwd_relay_counters(const struct fwd_relay *r, struct fwd_relay_counters *c);

#endif
