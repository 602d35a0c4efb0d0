/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/dhcp6_service/ (one header per folder). */
#ifndef VNET_DHCP6_SERVICE_DHCP6_SERVICE_H
#define VNET_DHCP6_SERVICE_DHCP6_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "dhcp6/dhcp6.h"
#include "netdef/netdef.h"

/* ---- dhcp6_service ---- */
/* A network's DHCPv6 server (issue 18.3): lib/dhcp6's core on a UDP socket
 * on the bridge's port 547 (the All_DHCP_Relay_Agents_and_Servers group
 * ff02::1:2 joined), the leases in NAME.leases6 beside the IPv4 file; a
 * reply that changed them leaves once their save, which does not block the
 * loop (save_sync), is durable. In vnetd the core opens the socket and the
 * service child serves (privsep.h). */
struct dhcp6_service;

struct dhcp6_hooks {
	void (*bound)(void *ctx, const struct dhcp6_lease *l);
	void (*gone)(void *ctx, const struct dhcp6_lease *l);
	void *ctx;
	/* The port a message from the link-local address src came in on
	 * (issue 18.5): 0, or -ENOENT when not known (no port checks). NULL:
	 * never known. */
	int (*origin)(void *ctx, const struct in6_addr *src, struct dhcp6_origin *o);
};

/* UDP [::]:547 bound to the bridge, in ff02::1:2 there: CAP_NET_BIND_SERVICE
 * and CAP_NET_RAW (SO_BINDTODEVICE). The socket, or -errno + err. */
int dhcp6_service_socket(const char *bridge, char *err, size_t errlen);
/* Serve def's DHCPv6 on fd (owned from now on). mac: the bridge's, for the
 * server's DUID. Leases in lease_path are loaded (and reported bound). */
struct dhcp6_service *dhcp6_service_start_on(struct loop *loop, const struct netdef *def,
					     const uint8_t mac[6], const char *lease_path,
					     const struct dhcp6_hooks *hooks, int fd, char *err,
					     size_t errlen);
void dhcp6_service_stop(struct dhcp6_service *s); /* NULL accepted */
/* A port is gone: its bindings wait for their next message (issue 18.5). */
void dhcp6_service_port_gone(struct dhcp6_service *s, int ifindex);
const struct dhcp6_counters *dhcp6_service_counters(const struct dhcp6_service *s);
/* The leases held (bound, released, declined): those of the file after a start. */
size_t dhcp6_service_lease_count(const struct dhcp6_service *s);

#endif
