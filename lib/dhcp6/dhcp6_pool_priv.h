/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside lib/dhcp6's pool: its state, shared by dhcp6_pool.c (the server)
 * and dhcp6_pool_list.c (reading it out: snapshot, the lease file's
 * journal). */
#ifndef VNET_DHCP6_DHCP6_POOL_PRIV_H
#define VNET_DHCP6_DHCP6_POOL_PRIV_H

#include "dhcp6.h"

#define NIL UINT32_MAX

struct ent {
	int used;
	struct dhcp6_lease l;
	int range;	   /* -1: a reservation's address (host) */
	int host;	   /* reservation index, -1 none */
	uint32_t off;	   /* in its range */
	uint32_t next;	   /* hash chain */
	uint32_t port;	   /* the port it was made on, 0 not known */
	uint8_t in_chg;	   /* in the journal's chg list (kept across reuse) */
	uint8_t on_file;   /* the file holds a record of it at its address */
};

struct rng {
	uint8_t hi[8];	   /* the /64 */
	uint64_t lo;	   /* first address's low 64 bits */
	uint32_t size;
	uint32_t *by_off;  /* entry index or NIL */
	uint32_t *fprev, *fnext; /* the free list, FIFO */
	uint32_t fhead, ftail;
	uint32_t lease_secs;
};

struct dhcp6_pool {
	struct dhcp6_pool_config cfg;
	dhcp6_event_cb cb;
	void *ctx;
	struct dhcp6_counters c;
	struct rng r[DHCP6_POOL_MAX_RANGES];
	size_t n_r;
	uint32_t *host_ent;	/* per reservation: entry index or NIL */
	struct ent *e;
	uint32_t n_e, e_free;	/* slots; a free stack through .next */
	uint32_t *bucket;
	uint32_t n_bucket;	/* a power of two */
	const struct dhcp6_origin *from; /* the message being handled's */
	uint32_t n_ports;	/* ports holding bindings: unordered, compact */
	struct port_held { uint32_t port, n; } ports[DHCP6_POOL_MAX_PORTS];
	int64_t swept_at;	/* the second of the last expiry sweep by a message */
	int swept;		/* swept_at is set */
	/* The lease file's journal (dhcp6_pool_journal): entries changed
	 * since the last one, and the addresses the file holds a binding for
	 * whose entry has been freed since (n_e each at most: no overflow). */
	uint32_t *chg, n_chg;
	struct in6_addr *gone;
	uint32_t n_gone;
};

/* Entry i's persistent record may have changed: the journal writes it. */
void pool_ent_changed(struct dhcp6_pool *p, uint32_t i);
/* Entry i is being freed: the file forgets its address. */
void pool_ent_gone(struct dhcp6_pool *p, uint32_t i);

#endif
