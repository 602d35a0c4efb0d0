/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/dns_service/ (one header per folder). */
#ifndef VNET_DNS_SERVICE_DNS_SERVICE_H
#define VNET_DNS_SERVICE_DNS_SERVICE_H

#include <json-c/json.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "dns/dns.h"
#include "netdef/netdef.h"

/* ---- dns_service ---- */
/* Per-network DNS proxy on the gateway address: local names (leases, static
 * hosts, <dns><host>), reverse zone, forwarding with cache. */
struct dns_service;

/* Listen on def->ip:53 (UDP and TCP). upstreams: resolvers to forward to;
 * if def->n_forwarders > 0 those win, else the nameservers of resolv_conf
 * (path, normally /etc/resolv.conf). Returns NULL + err on error. */
struct dns_service *dns_service_start(struct loop *loop, const struct netdef *def,
				      const char *resolv_conf, char *err, size_t errlen);
/* The same with the upstreams given and on sockets made by
 * dns_service_sockets (owned from now on): in vnetd the core opens them and
 * reads resolv.conf, the service child serves (privsep.h). */
struct dns_service *dns_service_start_on(struct loop *loop, const struct netdef *def,
					 const struct sockaddr_storage *ups, size_t n_ups, int udp_fd,
					 int tcp_fd, char *err, size_t errlen);
/* Read UDP queries from pkt_fd too (guest_udp_socket on the bridge, port
 * 53, those to the gateway: before the host's INPUT chain; the UDP socket
 * then only sends). Takes pkt_fd; 0 or -EIO. */
int dns_service_guest_socket(struct dns_service *s, int pkt_fd);
/* UDP and TCP (listening) on ip:53: CAP_NET_BIND_SERVICE. 0 or -errno. */
int dns_service_sockets(struct in_addr ip, int *udp_fd, int *tcp_fd, char *err, size_t errlen);
/* The same on an IPv6 address of the network (issue 18.6). */
int dns_service_sockets6(const struct in6_addr *ip, int *udp_fd, int *tcp_fd, char *err,
			 size_t errlen);
/* Serve on one more pair of sockets (an IPv6 <ip>'s address), owned from
 * now on. 0, or -ENOSPC / -ENOMEM (closed). */
#define DNS_MAX_LISTEN (1 + NETDEF_MAX_IPS)
int dns_service_listen(struct dns_service *s, int udp_fd, int tcp_fd);
void dns_service_stop(struct dns_service *s); /* NULL accepted */
/* <vnet:overlay> (issue 22): the network's hosts' VTEP addresses; the UDP
 * socket on this host's VTEP address where the others ask for names
 * (answered from the zone only, to the peers only); ask the peers for the
 * name of ip, a guest of another host: the answer names it here. */
void dns_service_peers(struct dns_service *s, const struct in_addr *peers, size_t n);
int dns_service_peer_listen(struct dns_service *s, int udp_fd);
void dns_service_peer_ask(struct dns_service *s, struct in_addr ip, const uint8_t mac[6]);

/* A configured name added at runtime (vnetctl host-add): the operator's, so
 * any name; a bare label is answered as-is and under def->domain. */
void dns_service_add_name(struct dns_service *s, const char *name, struct in_addr ip);
/* ...and removed (host-del, net-update delete). */
void dns_service_del_name(struct dns_service *s, const char *name, struct in_addr ip);

/* A lease was bound or renewed at ip with hostname ("" for none): it gets
 * the name lib/dns_zone.h's lease rules allow (one label in the domain,
 * first come, not reserved), replacing the name it had. A refusal is
 * counted and logged, at most 10 lines a minute. mac: for the log. */
void dns_service_lease_bound(struct dns_service *s, struct in_addr ip, const uint8_t mac[6],
			     const char *hostname);
/* The lease at ip ended (released, expired, declined, revoked): its name goes. */
void dns_service_lease_gone(struct dns_service *s, struct in_addr ip);
/* The same for a DHCPv6 lease: AAAA and ip6.arpa PTR. mac: the one in its
 * DUID (NULL: none), so the guest's IPv4 lease may share its name. */
void dns_service_lease6_bound(struct dns_service *s, const struct in6_addr *ip,
			      const uint8_t *mac, const char *hostname);
void dns_service_lease6_gone(struct dns_service *s, const struct in6_addr *ip);

/* Counters as JSON object name -> integer ("queries_a", "local_answers",
 * "forwarded", "cache_hits", "cache_misses", "upstream_timeouts", "formerr"...). */
struct json_object *dns_service_counters_json(struct dns_service *s);
/* The same as numbers (what the child reports), and their JSON: the
 * counters (dns_internal.h) and the levels. */
struct dns_counters;
struct dns_gauges {
	uint64_t cache_entries, lease_name_entries;
};
void dns_service_counters(struct dns_service *s, struct dns_counters *c, struct dns_gauges *g);
struct json_object *dns_counters_json(const struct dns_counters *c, const struct dns_gauges *g);

/* ---- dns_internal ---- */
/* Shared between the DNS proxy's parts: the service (dns_service.c), the
 * guest TCP server (dns_tcp.c) and the upstream forwarder (dns_forward.c).
 * Not for the rest of vnetd. */
#define DNS_PORT 53
#define DNS_FWD_TIMEOUT_MS 2000 /* per upstream attempt */
#define DNS_FWD_MAX_PENDING 256 /* distinct questions in flight */
#define DNS_FWD_MAX_CLIENTS 16	/* clients merged onto one question */
/* One guest (source address) may hold at most this many of the client
 * slots of all questions in flight, and this many of one question's: a
 * guest flooding unique or identical names cannot take the table from the
 * others (issue 16.10). Over it, its query gets REFUSED. */
#define DNS_FWD_GUEST_MAX 32
#define DNS_FWD_GUEST_PER_QUESTION 4
#define DNS_MAX_UPSTREAMS 4
#define DNS_TCP_MAX_CONNS 32
#define DNS_TCP_GUEST_MAX 4	/* connections from one guest (RFC 7766 6.2.2: reuse one) */
#define DNS_TCP_IDLE_MS 10000	   /* RFC 7766 6.2.3: servers may close idle connections */
#define DNS_TCP_QUERY_MAX 4096	   /* a guest query larger than this is refused */
#define DNS_TCP_OUT_MAX (4 * 65537) /* queued replies for one connection */
#define DNS_LOCAL_TTL 0		   /* like dnsmasq's local-ttl: names change with leases */
#define DNS_CACHE_ENTRIES 4096
#define DNS_NAME_LOG_BURST 10	   /* refused lease names logged at once, */
#define DNS_NAME_LOG_MS 6000	   /* then one line per 6 s */

/* Every counter once: struct fields and JSON names come from this list. */
#define DNS_COUNTERS(X)                                                        \
	X(queries_udp) X(queries_tcp) X(local_answers) X(nxdomain) X(nodata)   \
	X(forwarded) X(merged) X(cache_hits) X(cache_misses) X(upstream_timeouts) \
	X(upstream_failures) X(upstream_tcp_retries) X(servfail) X(formerr)    \
	X(notimp) X(refused) X(dropped) X(bad_replies) X(truncated)            \
	X(pending_full) X(tcp_accepted) X(tcp_rejected) X(tcp_closed_idle)     \
	X(tcp_closed_error) X(guest_pending_full) X(tcp_guest_rejected)      \
	X(lease_names_refused_invalid) X(lease_names_refused_outside)          \
	X(lease_names_refused_reserved) X(lease_names_refused_taken)

/* Query types counted separately; the rest count as "other". */
#define DNS_COUNTED_TYPES(X) X(A) X(AAAA) X(PTR) X(ANY) X(MX) X(TXT) X(SRV) X(NS) X(SOA) X(CNAME)

enum dns_qtype_slot {
#define X(t) DNS_SLOT_##t,
	DNS_COUNTED_TYPES(X)
#undef X
	DNS_SLOT_OTHER,
	DNS_SLOT_N
};

/* Upstream answer latency histogram: bucket upper bounds in ms. */
#define DNS_LATENCY_BUCKETS_MS { 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500 }
#define DNS_LATENCY_N 10

struct dns_counters {
#define X(n) uint64_t n;
	DNS_COUNTERS(X)
#undef X
	uint64_t queries_by_type[DNS_SLOT_N];
	uint64_t latency_le[DNS_LATENCY_N]; /* cumulative, as Prometheus wants */
	uint64_t latency_count;
	uint64_t latency_sum_us;
};

/* A guest's address, either family. */
union dns_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};
/* The key a guest's share of the proxy is counted under: its IPv4
 * address, or for IPv6 a hash of its address in 240.0.0.0/4 (no guest's
 * IPv4 address). */
struct in_addr dns_peer_key(const union dns_sockaddr *a);
/* Same source address and port? */
int dns_peer_equal(const union dns_sockaddr *a, const union dns_sockaddr *b);

/* Who asked: everything needed to answer later. */
struct dns_client {
	struct dns_query q;	    /* their query: ID, flags, EDNS, question */
	int tcp;
	int udp_fd;		    /* the socket the query came in on: the reply's */
	union dns_sockaddr addr;    /* UDP peer */
	uint64_t conn_id;	    /* TCP connection */
};

struct dns_service;

/* dns_service.c: a query arrived (UDP or TCP); send a reply to a client. */
void dns_service_handle(struct dns_service *s, struct dns_client *c, const uint8_t *pkt,
			size_t len);
void dns_service_send(struct dns_service *s, const struct dns_client *c, const uint8_t *msg,
		      size_t len);

/* dns_tcp.c: the guest-facing TCP server on an already listening socket. */
struct dns_tcp;
struct dns_tcp *dns_tcp_new(struct loop *loop, int listen_fd, struct dns_service *s,
			    struct dns_counters *ctr);
/* One more listening socket (closed by dns_tcp_free's caller). 0 or -1. */
int dns_tcp_listen(struct dns_tcp *t, int listen_fd);
void dns_tcp_free(struct dns_tcp *t);
int dns_tcp_send(struct dns_tcp *t, uint64_t conn_id, const uint8_t *msg, size_t len);

/* dns_forward.c: forwarding to upstreams (RFC 5452). done() is called once
 * per question with the reply (NULL: all upstreams failed) and every
 * client merged onto it. */
typedef void (*dns_fwd_done_cb)(void *ctx, const uint8_t *reply, size_t len,
				const struct dns_client *clients, unsigned n_clients);
struct dns_fwd;
struct dns_fwd *dns_fwd_new(struct loop *loop, const struct sockaddr_storage *ups, size_t n_ups,
			    dns_fwd_done_cb done, void *ctx, struct dns_counters *ctr);
void dns_fwd_free(struct dns_fwd *f);
/* 0 queued or merged; -ENOBUFS too many in flight; -EDQUOT this client's
 * guest has its share in flight; -ENETUNREACH no upstream. */
int dns_fwd_query(struct dns_fwd *f, const struct dns_client *c);

#endif
