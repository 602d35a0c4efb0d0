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

struct static_host {
	uint8_t mac[6];
	struct in_addr ip;
	char name[DHCP_HOSTNAME_MAX];
	int bound; /* acked at least once: listed as active */
	uint32_t port; /* bound: the port it was acked on; 0 = not known */
	char client_name[DHCP_HOSTNAME_MAX];
};

struct dhcp_pool {
	struct dhcp_pool_config cfg;
	uint32_t mask;		/* host order */
	uint32_t start, n;	/* host order first address, range size */
	struct entry *e;
	/* Kept in step with e[] by entry_clear/entry_own/entry_quarantine,
	 * so that a packet never walks the whole range. */
	struct dhcp_index by_mac;	/* OFFERED, BOUND and RELEASED entries */
	struct dhcp_index by_port;	/* entries with a port (dhcp_pool_port.c) */
	struct dhcp_bitset free_set;	/* FREE entries that are not static */
	struct dhcp_bitset static_set;	/* entries whose address is a static host's */
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

/* dhcp_pool_port.c: entry i's port (keeps by_port in step); how many
 * client MACs other than mac port holds (offers, leases, static hosts). */
void pool_entry_port(struct dhcp_pool *p, long i, uint32_t port);
uint32_t pool_port_macs(const struct dhcp_pool *p, uint32_t port, const uint8_t *mac);

void dhcp_pool_make_event(struct dhcp_pool_event *ev, int bound, const uint8_t *mac,
			  struct in_addr ip, const char *name, int64_t expires, int is_static);

#endif
