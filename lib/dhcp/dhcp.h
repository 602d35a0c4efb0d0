/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of lib/dhcp/ (one header per folder). */
#ifndef VNET_DHCP_DHCP_H
#define VNET_DHCP_DHCP_H

#include <json-c/json.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "lease/lease.h"
#include "netdef/netdef.h"

/* ---- dhcp_msg ---- */
/* DHCPv4 wire format (RFC 2131 section 2, RFC 2132 options): parse a
 * client's BOOTP/DHCP message with strict bounds, build a server reply.
 * Pure functions: no I/O, no allocation. */
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
	OPT_TFTP_SERVER = 66,
	OPT_BOOTFILE = 67,
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

/* A raw option as the admin configured it (<vnet:option>, the value
 * already encoded by dhcp_option_encode). */
#define DHCP_MAX_RAW_OPTS 32
struct dhcp_raw_opt {
	uint8_t code, len;
	uint8_t data[255];
};

/* Encode an option value in vnet's syntax (docs/network-xml.md, close to
 * dnsmasq's): "10.0.0.1,10.0.0.2" (IPv4 addresses, 4 bytes each), "1500"
 * (a decimal number, in 1, 2 or 4 bytes by its size), "01:02:ab" (hex
 * bytes), "\"text\"" or any other text (its bytes). Returns the length
 * (0..cap) or -EINVAL (a malformed address or number list, too long). */
int dhcp_option_encode(const char *value, uint8_t *out, size_t cap);

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
	struct in_addr siaddr;		/* <bootp server>: next server, 0 = none */
	char file[128];			/* <bootp file>, "" = none (also option 67) */
	const struct dhcp_raw_opt *opts; /* the admin's raw options: override */
	size_t n_opts;			/* built-in ones, always sent */
};

/* Build into buf (cap >= DHCP_BOOTP_MIN_LEN). Options that do not fit in
 * cap are left out (lowest priority last). Returns the length or -ENOSPC. */
int dhcp_msg_build(const struct dhcp_reply *r, uint8_t *buf, size_t cap);

const char *dhcp_type_name(unsigned type);

/* ---- dhcp_pool ---- */
/* The lease database and the RFC 2131 server state machine, as pure logic:
 * a parsed message, the configuration and the time in, a reply (or none)
 * and lease events out. No sockets, no files, no clock reads. */
#define DHCP_POOL_MAX_ADDRS 65536 /* largest dynamic range served */
#define DHCP_POOL_MAX_STATIC 1024
#define DHCP_DEFAULT_LEASE 3600
#define DHCP_DEFAULT_OFFER_HOLD 60  /* seconds an offered address is reserved */
#define DHCP_DEFAULT_QUARANTINE 600 /* seconds a declined address is withheld */

#define DHCP_POOL_MAX_RANGES 8
#define DHCP_LEASE_INFINITE 0xffffffffu /* lease time option value: never ends */

/* One dynamic range; lease_secs 0 = the pool's, DHCP_LEASE_INFINITE. */
struct dhcp_pool_range {
	struct in_addr start, end; /* inclusive */
	uint32_t lease_secs;
};

struct dhcp_pool_config {
	struct in_addr server_ip; /* server identifier and router */
	unsigned prefix;	  /* 1..30 */
	/* The dynamic ranges: ranges[0..n_ranges), disjoint; with n_ranges 0
	 * the single range start..end, none if start is 0 (static hosts only). */
	size_t n_ranges;
	struct dhcp_pool_range ranges[DHCP_POOL_MAX_RANGES];
	struct in_addr start, end; /* dynamic range, inclusive */
	uint32_t lease_secs;	  /* 0 = DHCP_DEFAULT_LEASE; may be DHCP_LEASE_INFINITE */
	struct in_addr dns;	  /* 0 = server_ip */
	int no_dns;		  /* advertise no DNS server (<dns enable='no'>) */
	struct in_addr next_server; /* <bootp server>; 0 = server_ip when boot_file is set */
	char boot_file[128];	  /* <bootp file>, "" = none */
	size_t n_opts;		  /* raw options sent in every OFFER/ACK */
	struct dhcp_raw_opt opts[DHCP_MAX_RAW_OPTS];
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
	int64_t expires; /* 0 for static hosts and infinite leases */
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

/* A <host>: by MAC (has_mac) or by name (the client's option 12, matched
 * without case, when there is no MAC: the first client to take it holds it
 * while its lease lasts). With an address (ip not 0) it is a static host;
 * without, it only names the client and sets its lease time. lease_secs:
 * 0 = the pool's (or its range's), DHCP_LEASE_INFINITE. */
struct dhcp_pool_host {
	uint8_t mac[6];
	int has_mac;
	struct in_addr ip;
	char name[DHCP_HOSTNAME_MAX];
	uint32_t lease_secs;
};
/* -EINVAL (bad address, neither MAC nor name), -EEXIST (the MAC or name
 * already has another host), -EADDRINUSE (ip is another host's), -ENOSPC. */
int dhcp_pool_add_host(struct dhcp_pool *p, const struct dhcp_pool_host *h, int64_t now);

/* A static host: its MAC always gets ip, and no other client ever does.
 * A dynamic lease on ip, or held by mac, is revoked (gone event).
 * -EINVAL (bad address), -EEXIST (mac already static with another ip),
 * -EADDRINUSE (ip static for another mac), -ENOSPC. */
int dhcp_pool_add_static(struct dhcp_pool *p, const uint8_t mac[6], struct in_addr ip,
			 const char *name, int64_t now);

/* Remove mac's static host (net-update delete, host-del): a bound one
 * raises a gone event; its address goes back to the range. 0 or -ENOENT. */
int dhcp_pool_del_static(struct dhcp_pool *p, const uint8_t mac[6], int64_t now);

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
/* The lease file's journal: the records of the entries changed since the
 * last call (a "free" record for one whose record on file is gone), each
 * once, into out (cap >= dhcp_pool_journal_len(p)). -1 when more than
 * DHCP_JOURNAL_MAX changed: write a full snapshot instead. Either way the
 * changes are taken. */
#define DHCP_JOURNAL_MAX 4096
long dhcp_pool_journal(struct dhcp_pool *p, struct lease_rec *out, size_t cap);
/* How many entries changed since the last journal (DHCP_JOURNAL_MAX once
 * more did): a caller reading more requests while a flush is in flight
 * stops before the next journal overflows into a full save. */
size_t dhcp_pool_journal_len(const struct dhcp_pool *p);
/* A full snapshot was written: nothing is pending, the file holds exactly
 * the persistent entries. */
void dhcp_pool_journal_saved(struct dhcp_pool *p);

/* Every active lease (dynamic bound, and static hosts that were acked). */
void dhcp_pool_foreach(const struct dhcp_pool *p, dhcp_pool_event_cb cb, void *ctx);
size_t dhcp_pool_active(const struct dhcp_pool *p);

struct dhcp_counters *dhcp_pool_counters(struct dhcp_pool *p);

/* ---- dhcp_pool_netdef ---- */
/* A DHCP pool set up from a network definition, the same for vnetd's
 * service and the user-mode stack: the <range>, the lease time, <domain>
 * and <mtu>, the gateway as server, router and DNS, and the <host>s. */
/* Every <range> of the IPv4 <dhcp> with its <lease> (a <dhcp> of hosts
 * only serves them alone), the <host>s by MAC or name with theirs,
 * <bootp>, the raw <option>s, no DNS server with <dns enable='no'>.
 * A range overlapping an earlier one is served as its remaining part.
 * NULL with errno set if the range is not servable (dhcp_pool_new). A
 * <host> the pool refuses is skipped with a warning: the definition was
 * validated, so it can only be one the pool has no room for. */
struct dhcp_pool *dhcp_pool_from_netdef(const struct netdef *def, int64_t now,
					dhcp_pool_event_cb cb, void *ctx);
/* One <host> of the definition (by MAC or by name, with or without ip, its
 * <lease>), as at start and for a host added at runtime; dhcp_pool_add_host's
 * returns. */
int dhcp_pool_add_netdef_host(struct dhcp_pool *p, const struct netdef_host *h, int64_t now);

/* Whether def runs a DHCPv4 server: a <range>, or an IPv4 <dhcp> of
 * static hosts only (libvirt serves those too). */
int dhcp_netdef_serves(const struct netdef *def);

/* ---- dhcp_json ---- */
/* Leases as JSON, shared by vnetd's DHCP service and the user-mode stack. */
/* [{mac, ip, hostname, expires, static}, ...]; p may be NULL (empty array). */
struct json_object *dhcp_pool_leases_json(const struct dhcp_pool *p);

/* ---- dhcp_lease_file ---- */
/* The lease file of one DHCP pool, as vnetd's DHCP service and the
 * user-mode stack both keep it: loaded once at start, then saved after
 * every batch of changes and before that batch's replies leave, so an
 * acknowledged lease is on disk. Unlike the pure libraries this one logs
 * warnings (in the network's name): it is the services' shared code, and
 * an operator should read the same lines in both modes. */
#define DHCP_LEASE_RETRY_SECS 5 /* a failed save is tried again this often */

struct dhcp_lease_file {
	/* The file's journal: appends after a full save, until it is as long
	 * as that save (LEASE_JOURNAL_MIN..LEASE_JOURNAL_CAP lines: with
	 * DHCP_POOL_MAX_ADDRS leases of the longest lines the file stays well
	 * under the loader's 16 MiB), then a full save (lib/lease's rule and
	 * steps, shared with the DHCPv6 file). j.path is the file's. */
	struct lease_journal j;
	char net[64];	  /* network name, for the log lines */
	int unsaved;	  /* the last save failed: save again, even with nothing new */
	int64_t retry_at; /* wall-clock second from which a retry is due */
	struct dhcp_pool *pool; /* the one being saved (the journal's ops') */
};
#define DHCP_JOURNAL_MIN LEASE_JOURNAL_MIN
#define DHCP_JOURNAL_CAP LEASE_JOURNAL_CAP

/* -ENAMETOOLONG if path does not fit. */
int dhcp_lease_file_init(struct dhcp_lease_file *f, const char *path, const char *net);

/* Restore the file's records into p; a missing file is an empty one. Bad
 * lines are skipped (counted in store_bad_lines, logged once), records
 * that no longer fit the pool are dropped with a warning. 0, or -errno if
 * the file exists but cannot be read (starting anyway would overwrite it). */
int dhcp_lease_file_load(struct dhcp_lease_file *f, struct dhcp_pool *p, int64_t now);

/* Make p's persistent records durable: append the changed ones to the file
 * (one write and fdatasync for a whole batch: group commit), or replace the
 * file with all of them (atomically) when the journal is as long as the
 * last full save, after a load, after a failure, or when more than
 * DHCP_JOURNAL_MAX entries changed. A failure is
 * counted in store_errors and sets unsaved: the replies should still go out
 * (a full disk must not stop DHCP) and the caller retries once
 * dhcp_lease_file_retry_due(). The first failure of a run and the recovery
 * are logged, not every retry. 0 or -errno. */
int dhcp_lease_file_save(struct dhcp_lease_file *f, struct dhcp_pool *p);

/* dhcp_lease_file_save in steps, for a caller that syncs without blocking
 * (vnetd's DHCP service: fdsync): _write writes, and returns 1 with the
 * file to sync in *ret_fd (fsync if _sync_full, else fdatasync); then
 * _synced(f, p, that fd, the sync's 0 or -errno, ret_fd) closes it and
 * returns 1 again with the next file to sync (a full save: the temp file,
 * then after its rename the directory), or the save's result (0 or -errno,
 * as _save). Nothing written is durable before the last step's sync. A
 * return other than 1 from _write means the save is over (nothing changed,
 * or it failed). No other save may run while steps are pending. */
int dhcp_lease_file_write(struct dhcp_lease_file *f, struct dhcp_pool *p, int *ret_fd);
int dhcp_lease_file_sync_full(const struct dhcp_lease_file *f);
int dhcp_lease_file_synced(struct dhcp_lease_file *f, struct dhcp_pool *p, int fd, int err,
			   int *ret_fd);

/* 1 if the last save failed and DHCP_LEASE_RETRY_SECS have passed. */
int dhcp_lease_file_retry_due(const struct dhcp_lease_file *f, int64_t now);

/* ---- dhcp_counters_json ---- */
/* A DHCP pool's counters as JSON: one producer, so `vnetctl stats` and the
 * metrics (which derive family names from these keys) read the same in
 * vnetd and in user mode. */
/* {"rx_discover", "rx_request", "rx_decline", "rx_release", "rx_inform",
 *  "tx_offer", "tx_ack", "tx_nak", "pool_exhausted", "declines",
 *  "bad_packets", "ignored", "release_ignored", "store_errors",
 *  "store_bad_lines", "active_leases"} (docs/dhcp.md); p may be NULL (an
 * empty object). */
struct json_object *dhcp_counters_json(struct dhcp_pool *p);
/* The same from the numbers (vnetd's core: as its service child reports). */
struct json_object *dhcp_counters_json_of(const struct dhcp_counters *c, uint64_t active);

#endif
