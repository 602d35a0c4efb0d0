/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/dhcp_service/ (one header per folder). */
#ifndef VNET_DHCP_SERVICE_DHCP_SERVICE_H
#define VNET_DHCP_SERVICE_DHCP_SERVICE_H

#include <json-c/json.h>
#include <netinet/in.h>
#include <stdint.h>

#include "core/core.h"
#include "dhcp/dhcp.h"
#include "netdef/netdef.h"

/* ---- dhcp_service ---- */
/* Per-network DHCPv4 server service: sockets on the network's bridge, the
 * lease database (lib/dhcp_*.c, lib/lease_store.c) and its persistence. */
struct dhcp_service;

/* A lease as the rest of the daemon sees it. */
struct dhcp_lease_info {
	uint8_t mac[6];
	struct in_addr ip;
	char hostname[NETDEF_NAME_MAX]; /* "" if none */
	int64_t expires;		/* wall-clock seconds; 0 = static/infinite */
	int is_static;
	int ifindex;			/* bound: the port the exchange came in on; 0 = not known */
};

/* Called when a lease is granted/renewed (bound) or released/expired. The
 * daemon uses them to update anti-spoofing maps and DNS names. origin:
 * where the last request for chaddr mac came in (the data path knows; the
 * socket does not), -ENOENT if nowhere known: the message is then
 * dropped (counted unknown_port). NULL: ports are not known (a server
 * without a data path), nothing is checked by port. */
struct dhcp_hooks {
	void (*lease_bound)(void *ctx, const struct dhcp_lease_info *l);
	void (*lease_gone)(void *ctx, const struct dhcp_lease_info *l);
	int (*origin)(void *ctx, const uint8_t mac[6], struct dhcp_origin *o);
	void *ctx;
};

/* Start serving on def->bridge (which exists and carries def->ip).
 * lease_path: file under the state dir; existing leases are loaded and
 * lease_bound is called for each still-valid one. dns_server: address to
 * offer as DNS (normally the gateway). Returns NULL and fills err on error. */
struct dhcp_service *dhcp_service_start(struct loop *loop, const struct netdef *def,
					const char *lease_path, const struct dhcp_hooks *hooks,
					char *err, size_t errlen);
/* The same on a socket made by dhcp_service_socket (owned from now on: a
 * failed start closes it): in vnetd the core opens it and the service
 * child serves it (privsep.h). */
struct dhcp_service *dhcp_service_start_on(struct loop *loop, const struct netdef *def,
					   const char *lease_path, const struct dhcp_hooks *hooks,
					   int fd, int ifindex, char *err, size_t errlen);
/* Read requests from pkt_fd too (guest_udp_socket on the bridge, port 67:
 * before the host's INPUT chain; the UDP socket then only sends, the core
 * made it receive nothing). Takes pkt_fd; 0 or -EIO. */
int dhcp_service_guest_socket(struct dhcp_service *s, int pkt_fd);
/* UDP port 67 on the bridge, for broadcasts: CAP_NET_BIND_SERVICE and
 * CAP_NET_RAW (SO_BINDTODEVICE). The socket, or -errno + err. */
int dhcp_service_socket(const char *bridge, int *ifindex, char *err, size_t errlen);
/* Stops serving; leases stay on disk. NULL is accepted. */
void dhcp_service_stop(struct dhcp_service *s);

/* Add a static host at runtime (vnetctl host-add); 0 or -errno + err. */
/* Remove h->mac's static host; 0 or -ENOENT (err says so). */
int dhcp_service_del_host(struct dhcp_service *s, const struct netdef_host *h, char *err,
			  size_t errlen);
int dhcp_service_add_host(struct dhcp_service *s, const struct netdef_host *h, char *err,
			  size_t errlen);

/* Port ifindex is gone: its clients belong to no port until they ask
 * again (a re-added device has a new ifindex). NULL is accepted. */
void dhcp_service_port_gone(struct dhcp_service *s, int ifindex);

/* Leases as a JSON array of {mac, ip, hostname, expires, static}. */
struct json_object *dhcp_service_leases_json(struct dhcp_service *s);
/* Counters as a JSON object of name -> integer (snake_case, e.g.
 * "rx_discover", "tx_offer", "tx_nak", "pool_exhausted", "declines",
 * "active_leases"). */
struct json_object *dhcp_service_counters_json(struct dhcp_service *s);
/* The same as numbers (what the child reports to the core). */
void dhcp_service_counters(struct dhcp_service *s, struct dhcp_counters *c, uint64_t *active);

#endif
