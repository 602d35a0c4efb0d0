/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The lease database and the RFC 2131 server state machine, as pure logic:
 * a parsed message, the configuration and the time in, a reply (or none)
 * and lease events out. No sockets, no files, no clock reads. */
#ifndef VNET_DHCP_POOL_H
#define VNET_DHCP_POOL_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_msg.h"
#include "lease_store.h"

#define DHCP_POOL_MAX_ADDRS 65536 /* largest dynamic range served */
#define DHCP_POOL_MAX_STATIC 1024
#define DHCP_DEFAULT_LEASE 3600
#define DHCP_DEFAULT_OFFER_HOLD 60  /* seconds an offered address is reserved */
#define DHCP_DEFAULT_QUARANTINE 600 /* seconds a declined address is withheld */

struct dhcp_pool_config {
	struct in_addr server_ip; /* server identifier and router */
	unsigned prefix;	  /* 1..30 */
	struct in_addr start, end; /* dynamic range, inclusive */
	uint32_t lease_secs;	  /* 0 = DHCP_DEFAULT_LEASE */
	struct in_addr dns;	  /* 0 = server_ip */
	char domain[128];	  /* "" = none */
	unsigned mtu;		  /* 0 = none */
	uint32_t offer_hold_secs; /* 0 = default */
	uint32_t quarantine_secs; /* 0 = default */
};

/* Message counters; the service adds what it sees on the socket. */
struct dhcp_counters {
	uint64_t rx[DHCP_TYPE_MAX + 1]; /* by message type; [0] = no type */
	uint64_t tx[DHCP_TYPE_MAX + 1];
	uint64_t pool_exhausted;	/* DISCOVER with no address to offer */
	uint64_t declines;		/* DECLINEs accepted */
	uint64_t bad_packets;		/* unparsable or invalid for a server */
	uint64_t ignored;		/* valid but not ours to answer */
	uint64_t release_ignored;	/* RELEASE/DECLINE for a lease the sender does not hold */
	uint64_t wrong_port;		/* from a port other than the client's offer/lease's */
	uint64_t port_limit;		/* a port already holds its limit of client MACs */
	uint64_t unknown_port;		/* (service) the port it came in on is not known */
	uint64_t store_errors;		/* lease file writes that failed */
	uint64_t store_bad_lines;	/* lease file lines skipped on load */
};

/* A lease bound or gone, as reported to the event callback. */
struct dhcp_pool_event {
	int bound; /* 1 = bound/renewed, 0 = released/expired/declined/revoked */
	uint8_t mac[6];
	struct in_addr ip;
	char hostname[DHCP_HOSTNAME_MAX];
	int64_t expires; /* 0 for static hosts */
	int is_static;
	uint32_t port;	 /* bound: the port the exchange came in on; 0 = not known */
};
typedef void (*dhcp_pool_event_cb)(void *ctx, const struct dhcp_pool_event *ev);

enum dhcp_dest {
	DHCP_DEST_BROADCAST, /* 255.255.255.255:68 on the link */
	DHCP_DEST_CIADDR,    /* unicast to the client's address, port 68 */
	DHCP_DEST_RELAY,     /* giaddr, port 67 */
};

struct dhcp_result {
	int has_reply;
	struct dhcp_reply reply;
	enum dhcp_dest dest;
	struct in_addr dest_ip; /* for CIADDR and RELAY */
	int dirty;		/* persistent state changed: save before replying */
	const char *what;	/* short description of the path taken, for logs */
};

struct dhcp_pool;

/* Validates cfg (range inside the subnet, not containing the server, at
 * most DHCP_POOL_MAX_ADDRS). Returns NULL with errno set on error. */
struct dhcp_pool *dhcp_pool_new(const struct dhcp_pool_config *cfg, dhcp_pool_event_cb cb,
				void *ctx);
void dhcp_pool_free(struct dhcp_pool *p);

/* A static host: its MAC always gets ip, and no other client ever does.
 * A dynamic lease on ip, or held by mac, is revoked (gone event).
 * -EINVAL (bad address), -EEXIST (mac already static with another ip),
 * -EADDRINUSE (ip static for another mac), -ENOSPC. */
int dhcp_pool_add_static(struct dhcp_pool *p, const uint8_t mac[6], struct in_addr ip,
			 const char *name, int64_t now);

/* Re-insert a record from the lease file. A still-valid bound lease raises
 * a bound event. -EINVAL if it does not fit this pool (outside the range,
 * a static address or MAC), -EEXIST if its address or MAC is taken. */
int dhcp_pool_restore(struct dhcp_pool *p, const struct lease_rec *r, int64_t now);

/* Handle one client message. unicast: it was sent to our address (not
 * broadcast), which tells RENEWING from REBINDING. Expired leases are
 * swept first. Fills res; returns 0 (also when there is no reply). */
int dhcp_pool_handle(struct dhcp_pool *p, const struct dhcp_msg *m, int unicast, int64_t now,
		     struct dhcp_result *res);

/* Where a message came in, as vnetd's data path tells (the server's
 * socket cannot): the guest port, and how many client MACs that port may
 * hold at once in offers and leases (1 for a single guest; 0: no limit). */
struct dhcp_origin {
	uint32_t port;	   /* ifindex; 0 = not known: no port checks */
	uint32_t max_macs;
};
/* dhcp_pool_handle for a message from o (NULL: not known). A client's
 * offer and lease belong to the port they were made on: a message for a
 * client held on another port is refused (wrong_port), and so is a new
 * client on a port that holds max_macs others (port_limit). */
int dhcp_pool_handle_from(struct dhcp_pool *p, const struct dhcp_msg *m,
			  const struct dhcp_origin *o, int unicast, int64_t now,
			  struct dhcp_result *res);
/* Port ifindex is gone (deleted, recreated): its clients belong to no
 * port until their next message (a re-added device comes back with a new
 * ifindex). */
void dhcp_pool_forget_port(struct dhcp_pool *p, uint32_t port);

/* Expire leases, offers and quarantines due at now (gone events for
 * leases). Returns 1 if persistent state changed, else 0. */
int dhcp_pool_expire(struct dhcp_pool *p, int64_t now);
/* Earliest pending expiry (seconds), 0 if nothing will expire. */
int64_t dhcp_pool_next_expiry(const struct dhcp_pool *p);

/* Records to persist (bound, released, declined); returns how many were
 * written to out (at most cap). dhcp_pool_persist_count() sizes out. */
size_t dhcp_pool_persist_count(const struct dhcp_pool *p);
size_t dhcp_pool_snapshot(const struct dhcp_pool *p, struct lease_rec *out, size_t cap);

/* Every active lease (dynamic bound, and static hosts that were acked). */
void dhcp_pool_foreach(const struct dhcp_pool *p, dhcp_pool_event_cb cb, void *ctx);
size_t dhcp_pool_active(const struct dhcp_pool *p);

struct dhcp_counters *dhcp_pool_counters(struct dhcp_pool *p);

#endif
