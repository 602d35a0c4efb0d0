/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of lib/dhcp6/ (one header per folder). */
#ifndef VNET_DHCP6_DHCP6_H
#define VNET_DHCP6_DHCP6_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "lease/lease.h"

/* ---- dhcp6_msg ---- */
/* DHCPv6 (RFC 8415) as a server on one link sees it: the client/server
 * message format (no relays: relay messages are refused), the options a
 * stateful IA_NA server and a stateless one need. Parsing is bounded and
 * copies what it keeps; nothing points into the packet afterwards. */
#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547
#define DHCP6_DUID_MAX 130	/* RFC 8415 11.1: 2-byte type + up to 128 */
#define DHCP6_MAX_IA 4		/* IA_NAs per message we answer */
#define DHCP6_MAX_IA_ADDRS 4	/* IAADDRs per IA_NA we look at */
#define DHCP6_HOSTNAME_MAX 64	/* incl. NUL: the first label of a client FQDN */
#define DHCP6_MSG_MAX 1500

enum dhcp6_type {
	DHCP6_SOLICIT = 1, DHCP6_ADVERTISE, DHCP6_REQUEST, DHCP6_CONFIRM, DHCP6_RENEW,
	DHCP6_REBIND, DHCP6_REPLY, DHCP6_RELEASE, DHCP6_DECLINE, DHCP6_RECONFIGURE,
	DHCP6_INFORMATION_REQUEST, DHCP6_RELAY_FORW, DHCP6_RELAY_REPL,
	DHCP6_TYPE_MAX = DHCP6_RELAY_REPL
};

enum dhcp6_opt {
	DHCP6_OPT_CLIENTID = 1, DHCP6_OPT_SERVERID = 2, DHCP6_OPT_IA_NA = 3, DHCP6_OPT_IA_TA = 4,
	DHCP6_OPT_IAADDR = 5, DHCP6_OPT_ORO = 6, DHCP6_OPT_PREFERENCE = 7,
	DHCP6_OPT_ELAPSED_TIME = 8, DHCP6_OPT_STATUS_CODE = 13, DHCP6_OPT_RAPID_COMMIT = 14,
	DHCP6_OPT_DNS_SERVERS = 23, DHCP6_OPT_DOMAIN_LIST = 24, DHCP6_OPT_IA_PD = 25,
	DHCP6_OPT_INFO_REFRESH_TIME = 32, DHCP6_OPT_FQDN = 39,
};

enum dhcp6_status {
	DHCP6_SUCCESS = 0, DHCP6_UNSPEC_FAIL = 1, DHCP6_NO_ADDRS_AVAIL = 2,
	DHCP6_NO_BINDING = 3, DHCP6_NOT_ON_LINK = 4, DHCP6_USE_MULTICAST = 5,
};

struct dhcp6_duid {
	uint8_t len;
	uint8_t b[DHCP6_DUID_MAX];
};

struct dhcp6_ia {
	uint32_t iaid;
	unsigned n_addrs;
	struct in6_addr addrs[DHCP6_MAX_IA_ADDRS];
};

struct dhcp6_msg {
	uint8_t type;
	uint32_t xid;			/* 24 bits */
	int has_client, has_server;
	struct dhcp6_duid client, server;
	int rapid_commit;
	int has_ia_ta, has_ia_pd;	/* asked for what we do not serve */
	unsigned n_ia;			/* IA_NAs (beyond DHCP6_MAX_IA: ignored) */
	struct dhcp6_ia ia[DHCP6_MAX_IA];
	char hostname[DHCP6_HOSTNAME_MAX]; /* FQDN's first label, "" if none */
};

/* 0, or -EINVAL for anything malformed (truncated options, a DUID that
 * is empty or too long, a relay message, a second client id). */
int dhcp6_msg_parse(const uint8_t *buf, size_t len, struct dhcp6_msg *m);
const char *dhcp6_type_name(unsigned type);
/* DUID as colon hex ("00:03:00:01:52:54:00:00:00:01") and back. The text
 * form is what <host id=> and the lease file hold. */
int dhcp6_duid_to_str(const struct dhcp6_duid *d, char *out, size_t cap);
int dhcp6_duid_from_str(const char *s, struct dhcp6_duid *d);
/* A server DUID-LL (RFC 8415 11.4) from a MAC. */
void dhcp6_duid_ll(const uint8_t mac[6], struct dhcp6_duid *d);

/* ---- dhcp6_pool ---- */
/* The I/O-free server: a parsed message, the configuration and the time
 * in; the reply's bytes and lease events out. Addresses come from ranges
 * (each inside one /64 and at most DHCP6_POOL_MAX_ADDRS long: offsets on
 * a free list, O(1) to take and give back) or reservations by DUID or by
 * the client's FQDN name. One address per IA_NA. */
#define DHCP6_POOL_MAX_ADDRS 65536
#define DHCP6_POOL_MAX_RANGES 8
#define DHCP6_POOL_MAX_HOSTS 256
#define DHCP6_POOL_MAX_LEASES 65536
#define DHCP6_DEFAULT_LEASE 3600
#define DHCP6_OFFER_HOLD 60
#define DHCP6_QUARANTINE 600
#define DHCP6_LEASE_INFINITE 0xffffffffu

struct dhcp6_range {
	struct in6_addr start, end;
	uint32_t lease_secs;	/* 0 = the pool's */
};

struct dhcp6_host {
	int has_id;
	struct dhcp6_duid id;
	char name[DHCP6_HOSTNAME_MAX]; /* "" = match by DUID only */
	int has_ip;
	struct in6_addr ip;
	uint32_t lease_secs;	/* 0 = the pool's */
};

struct dhcp6_pool_config {
	struct dhcp6_duid server_id;
	size_t n_ranges;
	struct dhcp6_range ranges[DHCP6_POOL_MAX_RANGES];
	size_t n_hosts;
	struct dhcp6_host hosts[DHCP6_POOL_MAX_HOSTS];
	uint32_t lease_secs;	/* 0 = DHCP6_DEFAULT_LEASE */
	int has_dns;
	struct in6_addr dns;	/* the gateway's address */
	char domain[128];	/* "" = none */
	int rapid_commit;	/* honour the client's Rapid Commit */
};

struct dhcp6_counters {
	uint64_t rx[DHCP6_TYPE_MAX + 1];
	uint64_t tx[DHCP6_TYPE_MAX + 1];
	uint64_t no_addrs;	/* an IA_NA we had no address for */
	uint64_t bad_packets;
	uint64_t ignored;	/* for another server, or not for a server */
	uint64_t declines;
	uint64_t port_limit;	/* a new binding refused: its port holds its limit */
	uint64_t wrong_port;	/* a message about a binding held on another port */
};

/* Where a message came in (the port that claimed the client's link-local
 * source address, issue 18.5): port 0 = not known, no port checks. A port
 * holds at most max_leases bindings (offered or bound, any DUID and IAID):
 * forged DUIDs from one guest cannot take the pool from the others. */
struct dhcp6_origin {
	uint32_t port;		/* ifindex */
	uint32_t max_leases;
};
#define DHCP6_PORT_LEASES 4	/* max_leases of a one-guest port */
#define DHCP6_POOL_MAX_PORTS 4096 /* ports holding bindings at once */

enum dhcp6_lease_state {
	DHCP6_OFFERED = 0, DHCP6_BOUND = 1, DHCP6_RELEASED = 2, DHCP6_DECLINED = 3,
	DHCP6_FREE = 4,		/* journal only: the address has no binding any more */
};

struct dhcp6_lease {
	struct dhcp6_duid duid;	/* empty for a declined address */
	uint32_t iaid;
	struct in6_addr ip;
	int64_t expires;	/* 0: never (infinite, or a reservation's) */
	enum dhcp6_lease_state state;
	char hostname[DHCP6_HOSTNAME_MAX];
};

struct dhcp6_event {
	int bound;		/* 1 bound/renewed, 0 released/expired/declined */
	const struct dhcp6_lease *lease;
};
typedef void (*dhcp6_event_cb)(void *ctx, const struct dhcp6_event *ev);

struct dhcp6_pool;

/* NULL with errno EINVAL for a bad configuration (a range across /64s,
 * too long, reversed). */
struct dhcp6_pool *dhcp6_pool_new(const struct dhcp6_pool_config *cfg, dhcp6_event_cb cb,
				  void *ctx);
void dhcp6_pool_free(struct dhcp6_pool *p);
/* Answer m at now: the reply in out (0 = no reply, else its length);
 * *dirty set when persistent state changed (save before replying). */
size_t dhcp6_pool_handle(struct dhcp6_pool *p, const struct dhcp6_msg *m, int64_t now,
			 uint8_t *out, size_t cap, int *dirty);
/* The same for a message from o (NULL: not known). A binding belongs to
 * the port it was made on: a message about it from another port is
 * refused for that IA (wrong_port; RELEASE/DECLINE ignore it), and a new
 * binding on a port that holds o->max_leases gets NoAddrsAvail
 * (port_limit). A binding restored from the file takes the port of the
 * first message about it. */
size_t dhcp6_pool_handle_from(struct dhcp6_pool *p, const struct dhcp6_msg *m,
			      const struct dhcp6_origin *o, int64_t now, uint8_t *out, size_t cap,
			      int *dirty);
/* Bindings port holds now. */
uint32_t dhcp6_pool_port_held(const struct dhcp6_pool *p, uint32_t port);
/* Port ifindex is gone (deleted, re-added with a new ifindex): its
 * bindings belong to no port until their next message. */
void dhcp6_pool_forget_port(struct dhcp6_pool *p, uint32_t port);
/* Expire what is due; returns how many leases ended. */
int dhcp6_pool_expire(struct dhcp6_pool *p, int64_t now);
/* Persistent leases (bound, released, declined) in out; their count. */
size_t dhcp6_pool_snapshot(const struct dhcp6_pool *p, struct dhcp6_lease *out, size_t cap);
size_t dhcp6_pool_count(const struct dhcp6_pool *p);
/* The lease file's journal: the leases changed since the last call (each
 * once, as it is now) and a DHCP6_FREE record for each address the file
 * holds a binding for that has none any more (those first: later lines
 * win), into out (cap >= dhcp6_pool_journal_len); their count. -1 if cap
 * is too small: write a snapshot instead. Either way it starts again
 * empty. Every mutation of a persistent binding in dhcp6_pool.c calls
 * pool_ent_changed (dhcp6_pool_priv.h); freeing one, pool_ent_gone. */
long dhcp6_pool_journal(struct dhcp6_pool *p, struct dhcp6_lease *out, size_t cap);
size_t dhcp6_pool_journal_len(const struct dhcp6_pool *p);
/* A snapshot was written: the file holds exactly the persistent leases,
 * the journal starts empty. */
void dhcp6_pool_journal_saved(struct dhcp6_pool *p);
/* Back from the file: 0, or -EINVAL for a lease that cannot be ours now
 * (outside the ranges and not a reservation, taken). */
int dhcp6_pool_restore(struct dhcp6_pool *p, const struct dhcp6_lease *l, int64_t now);
const struct dhcp6_counters *dhcp6_pool_counters(const struct dhcp6_pool *p);

/* ---- dhcp6_netdef ---- */
/* A network's DHCPv6 server from its definition: the IPv6 <ip> holding a
 * <dhcp> with ranges or hosts; the server DUID-LL from the bridge's MAC
 * (stable: vnet fixes the bridge MAC at define), DNS the gateway's IPv6
 * address unless <dns enable='no'>, rapid commit on. */
struct netdef;
struct netdef_ip;
const struct netdef_ip *dhcp6_netdef_ip(const struct netdef *def);
int dhcp6_netdef_serves(const struct netdef *def);
/* 0, or -ENOENT: the network serves no DHCPv6. */
int dhcp6_pool_config_from_netdef(const struct netdef *def, const uint8_t mac[6],
				  struct dhcp6_pool_config *c);

/* ---- dhcp6_lease ---- */
/* The lease file beside the IPv4 one (NAME.leases6), one lease a line:
 *   DUID IAID ADDRESS EXPIRES STATE HOSTNAME
 * e.g. "00:03:00:01:52:54:00:00:00:01 00000001 fd00::10 1764060000 bound guest1"
 * ('-' for no hostname, no DUID; STATE bound|released|declined|free, "free"
 * only in the journal). A journal (lib/lease's lease_journal): written
 * whole and atomically at the first save after a start and when the
 * journal is as long as the table, the changed leases appended between. */
int dhcp6_lease_format(const struct dhcp6_lease *l, char *buf, size_t cap);
int dhcp6_lease_parse(const char *line, struct dhcp6_lease *l);

struct dhcp6_lease_file {
	struct lease_journal j;
	struct dhcp6_pool *pool;
};
/* -ENAMETOOLONG if path does not fit. net names the file's header line. */
int dhcp6_lease_file_init(struct dhcp6_lease_file *f, const char *path, const char *net,
			  struct dhcp6_pool *p);
/* The file into f's pool: each address's and each (DUID, IAID)'s last
 * line (a journal's later lines win), "free" lines only forgetting, in
 * file order. Bad lines, a torn last line and leases that do not fit the
 * pool (any more) are skipped and counted in *ret_bad. A missing file is
 * empty: 0. -errno if it cannot be read. */
int dhcp6_lease_file_load(struct dhcp6_lease_file *f, int64_t now, unsigned *ret_bad);
/* The saves: lease_journal_write/_sync_full/_synced/_save on f->j. */

#endif
