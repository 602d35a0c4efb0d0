/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-network DNS proxy on the gateway address: local names (leases, static
 * hosts, <dns><host>), reverse zone, forwarding with cache. */
#ifndef VNET_DNS_SERVICE_H
#define VNET_DNS_SERVICE_H

#include <json-c/json.h>
#include <netinet/in.h>
#include <stdint.h>

#include "loop.h"
#include "netdef.h"

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
					 const struct sockaddr_in *ups, size_t n_ups, int udp_fd,
					 int tcp_fd, char *err, size_t errlen);
/* UDP and TCP (listening) on ip:53: CAP_NET_BIND_SERVICE. 0 or -errno. */
int dns_service_sockets(struct in_addr ip, int *udp_fd, int *tcp_fd, char *err, size_t errlen);
void dns_service_stop(struct dns_service *s); /* NULL accepted */

/* A configured name added at runtime (vnetctl host-add): the operator's, so
 * any name; a bare label is answered as-is and under def->domain. */
void dns_service_add_name(struct dns_service *s, const char *name, struct in_addr ip);

/* A lease was bound or renewed at ip with hostname ("" for none): it gets
 * the name lib/dns_zone.h's lease rules allow (one label in the domain,
 * first come, not reserved), replacing the name it had. A refusal is
 * counted and logged, at most 10 lines a minute. mac: for the log. */
void dns_service_lease_bound(struct dns_service *s, struct in_addr ip, const uint8_t mac[6],
			     const char *hostname);
/* The lease at ip ended (released, expired, declined, revoked): its name goes. */
void dns_service_lease_gone(struct dns_service *s, struct in_addr ip);

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

#endif
