/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-network DNS proxy on the gateway address: local names (leases, static
 * hosts, <dns><host>), reverse zone, forwarding with cache. */
#ifndef VNET_DNS_SERVICE_H
#define VNET_DNS_SERVICE_H

#include <json-c/json.h>
#include <netinet/in.h>

#include "loop.h"
#include "netdef.h"

struct dns_service;

/* Listen on def->ip:53 (UDP and TCP). upstreams: resolvers to forward to;
 * if def->n_forwarders > 0 those win, else the nameservers of resolv_conf
 * (path, normally /etc/resolv.conf). Returns NULL + err on error. */
struct dns_service *dns_service_start(struct loop *loop, const struct netdef *def,
				      const char *resolv_conf, char *err, size_t errlen);
void dns_service_stop(struct dns_service *s); /* NULL accepted */

/* Dynamic names from leases: name is a bare host label ("guest1"); it is
 * answered as-is and under def->domain when set. */
void dns_service_add_name(struct dns_service *s, const char *name, struct in_addr ip);
void dns_service_del_name(struct dns_service *s, const char *name, struct in_addr ip);

/* Counters as JSON object name -> integer ("queries_a", "local_answers",
 * "forwarded", "cache_hits", "cache_misses", "upstream_timeouts", "formerr"...). */
struct json_object *dns_service_counters_json(struct dns_service *s);

#endif
