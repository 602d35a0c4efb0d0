/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The messages between vnetd's privileged core and its service child
 * (docs/architecture.md, "Processes"). Every message is one datagram on a
 * SOCK_SEQPACKET socketpair: a header, then a body whose size is fixed by
 * the type; the receiver drops anything whose size is not exactly that.
 * Both sides run the same binary (the child is the core's /proc/self/exe),
 * so the structs below are the wire format. Checking is pure (no I/O):
 * psm_check_from_child() is what the core runs on every message before it
 * touches a map, psm_check_from_core() what the child runs. */
#ifndef VNET_PRIVSEP_MSG_H
#define VNET_PRIVSEP_MSG_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_pool.h"
#include "dns_internal.h"
#include "dns_service.h"
#include "metrics_http.h"
#include "netdef.h"

#define PSM_ERR_MAX 200		/* error text in a result, incl. NUL */
#define PSM_MAX_UPSTREAMS 4
#define PSM_MAX_FDS 2		/* descriptors one message may carry */

enum psm_type {
	PSM_NONE,
	/* core -> child */
	PSM_NETDEF,	  /* a network's definition, before its services start */
	PSM_DNS_START,	  /* + UDP and TCP sockets on gw:53 */
	PSM_DNS_STOP,	  /* answered by PSM_RESULT */
	PSM_DNS_NAME,	  /* a configured name (host-add) */
	PSM_DNS_LEASE,	  /* a lease's name: bound (with hostname) or gone */
	PSM_DHCP_START,	  /* + the UDP socket on port 67 */
	PSM_DHCP_STOP,
	PSM_HOST_ADD,	  /* vnetctl host-add: answered by PSM_RESULT */
	PSM_SNOOP_START,  /* + the AF_PACKET socket of a bridge-mode network */
	PSM_SNOOP_STOP,
	PSM_COUNTERS_REQ,
	PSM_METRICS_START, /* + the metrics listening socket */
	PSM_METRICS_TEXT,  /* + a memfd holding the rendered text */
	PSM_PING,
	PSM_ORIGIN,	  /* answer to ORIGIN_REQ */
	PSM_PORT_GONE,	  /* a port of the network was removed */
	/* child -> core */
	PSM_RESULT,	  /* answer to DNS_START, DHCP_START, HOST_ADD */
	PSM_LEASE,	  /* a lease bound or gone (struct dhcp_hooks) */
	PSM_SNOOP_ACK,	  /* a LAN DHCPACK seen on a bridge-mode network */
	PSM_COUNTERS,
	PSM_METRICS_REQ,  /* an HTTP client wants /metrics */
	PSM_PONG,
	PSM_ORIGIN_REQ,	  /* which port did a DHCP client's request come in on? */
	PSM_TYPE_MAX
};

struct psm_hdr {
	uint16_t type;
	uint16_t n_fds;	 /* descriptors attached (SCM_RIGHTS) */
	uint32_t len;	 /* of the whole message, header included */
};

/* A network's service instance: net id + the generation the core gave
 * that start, so a message of an earlier instance (a stop raced it) is
 * told apart from a lie. */
struct psm_inst {
	uint32_t net_id;
	uint32_t gen;
};

struct psm_netdef {
	struct psm_hdr h;
	uint32_t net_id;
	uint32_t pad;
	struct netdef def;
};

struct psm_dns_start {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t seq;
	uint32_t n_ups;
	struct sockaddr_in ups[PSM_MAX_UPSTREAMS];
};

/* SNOOP_START */
struct psm_net {
	struct psm_hdr h;
	struct psm_inst in;
};

struct psm_dns_name {
	struct psm_hdr h;
	struct psm_inst in;
	struct in_addr ip;
	uint32_t pad;
	char name[NETDEF_NAME_MAX];
};

struct psm_dns_lease {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t bound;
	struct in_addr ip;
	uint8_t mac[6];
	uint8_t pad[2];
	char hostname[NETDEF_NAME_MAX]; /* "" for none */
};

struct psm_dhcp_start {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t seq;
	int32_t ifindex;  /* the bridge (the source of replies) */
};

struct psm_host_add {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t seq;
	uint32_t pad;
	struct netdef_host host;
};

/* COUNTERS_REQ, the stops (answered by RESULT: the service and its
 * sockets are gone when the core opens new ones), METRICS_START, PING, PONG */
struct psm_seq {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t seq;
	uint32_t pad;
};

struct psm_metrics_text {
	struct psm_hdr h;
	uint32_t req_id;
	uint32_t len;	  /* bytes of text in the attached memfd */
};

struct psm_result {
	struct psm_hdr h;
	uint32_t seq;
	int32_t rc;	  /* 0 or -errno */
	char err[PSM_ERR_MAX];
};

struct psm_lease {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t bound;	  /* 1 bound/renewed, 0 released/expired */
	uint32_t is_static;
	uint8_t mac[6];
	uint8_t pad[2];
	struct in_addr ip;
	int32_t ifindex;  /* bound: the port the exchange came in on; 0 = not known */
	uint32_t pad2;
	int64_t expires;  /* wall-clock seconds, 0 = static/infinite */
	char hostname[NETDEF_NAME_MAX];
};

struct psm_snoop_ack {
	struct psm_hdr h;
	struct psm_inst in;
	int32_t ifindex;  /* where the ACK was seen (sockaddr_ll) */
	uint32_t pkttype; /* PACKET_HOST, PACKET_OUTGOING, ... */
	uint8_t mac[6];	  /* chaddr */
	uint8_t pad[2];
	struct in_addr ip; /* yiaddr */
	uint32_t lease_secs; /* 0xffffffff infinite */
	uint32_t pad2;
};

struct psm_counters {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t seq;
	uint32_t has_dhcp, has_dns;
	uint32_t pad;
	struct dhcp_counters dhcp;
	uint64_t dhcp_active;
	struct dns_counters dns;
	struct dns_gauges dns_gauges;
};

/* The port program notes each DHCP request's port (dhcp_seen_map); only
 * the core reads the maps. The child asks per request and waits for the
 * answer (PRIVSEP_ORIGIN_MS at most; then the request is dropped as from
 * an unknown port). */
struct psm_origin_req {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t seq;
	uint8_t mac[6];
	uint8_t pad[2];
};

struct psm_origin {
	struct psm_hdr h;
	uint32_t seq;
	uint32_t port;	   /* ifindex; 0 = not known */
	uint32_t max_macs;
	uint32_t pad;
};

struct psm_port_gone {
	struct psm_hdr h;
	struct psm_inst in;
	int32_t ifindex;
	uint32_t pad;
};

struct psm_metrics_req {
	struct psm_hdr h;
	uint32_t req_id;
	uint32_t pad;
	struct metrics_http_counters http;
};

/* The largest message (the receive buffer's size). */
#define PSM_MAX sizeof(struct psm_netdef)

/* Expected size of a message of this type; 0 for an unknown type. */
size_t psm_size(unsigned type);
const char *psm_type_name(unsigned type);
/* Fill the header of a message of this type (its len = psm_size). */
void psm_init(void *msg, unsigned type);
/* The request a reply answers (RESULT, COUNTERS, PONG); 0 otherwise. */
uint32_t psm_reply_seq(const void *msg);

/* What the core knows of one network's service instances, for checking a
 * child's message: filled by the core's lookup callback. */
struct psm_net_view {
	uint32_t dhcp_gen;   /* 0: no DHCP service running */
	uint32_t snoop_gen;  /* 0: not snooping */
	uint32_t dns_gen;    /* 0: no DNS service */
	struct in_addr ip;   /* gateway */
	unsigned prefix;
};
typedef int (*psm_lookup_fn)(void *ctx, uint32_t net_id, struct psm_net_view *v);

/* Verdicts: OK; STALE (an instance that is gone: a race, dropped quietly);
 * BAD (a message no honest child sends: the core restarts the child). */
enum psm_verdict { PSM_OK, PSM_STALE, PSM_BAD };

/* Check a message from the child: size and header, the type is one the
 * child may send, strings NUL-terminated, the network and instance known,
 * a lease's address inside the network's subnet (not its network,
 * broadcast or gateway address), MACs unicast. why: one line on failure. */
enum psm_verdict psm_check_from_child(const void *msg, size_t len, unsigned n_fds,
				      psm_lookup_fn lookup, void *ctx, char *why, size_t whylen);
/* Check a message from the core: size, header, type, descriptors. */
enum psm_verdict psm_check_from_core(const void *msg, size_t len, unsigned n_fds, char *why,
				     size_t whylen);

/* Helpers shared with the services' code. */
int psm_mac_ok(const uint8_t mac[6]);	  /* unicast, not zero */
int psm_in_subnet(struct in_addr a, struct in_addr gw, unsigned prefix); /* a usable host */
int psm_hostname_ok(const char *s, size_t cap); /* "" or a DNS label run */

#endif
