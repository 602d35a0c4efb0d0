/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pool's internals, shared by lib/dhcp_pool.c (the state machine) and
 * lib/dhcp_pool_list.c (listing and persistence). Not a public API. */
#ifndef VNET_DHCP_POOL_IMPL_H
#define VNET_DHCP_POOL_IMPL_H

#include <arpa/inet.h>

#include "dhcp_index_priv.h"
#include "dhcp.h"

enum entry_state {
	E_FREE = 0,	/* never used, or forgotten */
	E_OFFERED,	/* reserved for mac until expires */
	E_BOUND,	/* leased to mac until expires */
	E_RELEASED,	/* free, remembered for mac */
	E_DECLINED,	/* quarantined until expires */
};

struct entry {
	uint8_t mac[6];
	uint8_t state;
	uint32_t port;	/* OFFERED/BOUND: the port it was made on; else 0 */
	int64_t expires;
	char hostname[DHCP_HOSTNAME_MAX];
};

/* A <host>. By name (!has_mac): mac is the client that holds it, valid
 * while claimed. Without ip: only a name and lease time for that client. */
struct static_host {
	uint8_t mac[6];
	int has_mac;
	int claimed;
	uint32_t lease_secs; /* 0 = the pool's */
	struct in_addr ip;   /* 0 = none */
	char name[DHCP_HOSTNAME_MAX];
	int bound; /* acked at least once: listed as active */
	uint32_t port; /* bound: the port it was acked on; 0 = not known */
	char client_name[DHCP_HOSTNAME_MAX];
};

struct dhcp_pool {
	struct dhcp_pool_config cfg;
	uint32_t mask;		/* host order */
	uint32_t n;		/* addresses in all ranges: entries e[0..n) */
	/* Range k holds entries base..base+n-1 for its addresses start.. */
	struct pool_range {
		uint32_t start, n, base; /* host order */
		uint32_t lease_secs;
	} r[DHCP_POOL_MAX_RANGES];
	size_t n_r;
	struct entry *e;
	/* Kept in step with e[] by entry_clear/entry_own/entry_quarantine,
	 * so that a packet never walks the whole range. */
	struct dhcp_index by_mac;	/* OFFERED, BOUND and RELEASED entries */
	struct dhcp_index by_port;	/* entries with a port (dhcp_pool_port.c) */
	struct dhcp_bitset free_set;	/* FREE entries that are not static */
	struct dhcp_bitset static_set;	/* entries whose address is a static host's */
	/* The lease file's journal (dhcp_pool_journal): entries changed since
	 * the last save, each once, and which entries have a record on file. */
	struct dhcp_bitset changed, on_file;
	uint32_t *chg;
	uint32_t n_chg;
	int chg_overflow;
	struct static_host *hosts;
	size_t n_hosts;
	int64_t next_expiry;
	dhcp_pool_event_cb cb;
	void *ctx;
	struct dhcp_counters c;
	uint32_t msg_port;	/* the port of the message being handled, 0 = not known */
};

static inline uint32_t h(struct in_addr a)
{
	return ntohl(a.s_addr);
}

static inline struct in_addr addr(uint32_t host)
{
	struct in_addr a = { htonl(host) };

	return a;
}

/* An infinite lease's expiry inside the pool (events and the lease file
 * say 0: never). */
#define DHCP_NEVER INT64_MAX

/* The range holding entry i (always one: i < p->n). */
static inline const struct pool_range *slot_range(const struct dhcp_pool *p, uint32_t i)
{
	size_t k = 0;

	while (k + 1 < p->n_r && i >= p->r[k + 1].base)
		k++;
	return &p->r[k];
}

/* The address of entry i. */
static inline struct in_addr slot_ip(const struct dhcp_pool *p, uint32_t i)
{
	const struct pool_range *r = slot_range(p, i);

	return addr(r->start + (i - r->base));
}

/* An expiry as events and the lease file carry it. */
static inline int64_t expiry_out(int64_t t)
{
	return t == DHCP_NEVER ? 0 : t;
}

/* dhcp_pool_port.c: entry i's port (keeps by_port in step); how many
 * client MACs other than mac port holds (offers, leases, static hosts). */
void pool_entry_port(struct dhcp_pool *p, long i, uint32_t port);
uint32_t pool_port_macs(const struct dhcp_pool *p, uint32_t port, const uint8_t *mac);

/* Entry i's persistent record may have changed: the journal writes it. */
void pool_entry_changed(struct dhcp_pool *p, long i);
void dhcp_pool_make_event(struct dhcp_pool_event *ev, int bound, const uint8_t *mac,
			  struct in_addr ip, const char *name, int64_t expires, int is_static);

#endif
