/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to lib/netdef/: where each element of a parsed document was, so
 * that the semantic checks (netdef.c) can name the line of what they refuse,
 * and the checks with every message collected. */
#ifndef VNET_NETDEF_PRIV_H
#define VNET_NETDEF_PRIV_H

#include <stddef.h>

#include "netdef.h"

/* Line numbers (0 = unknown) of the elements netdef_validate looks at. */
struct netdef_lines {
	unsigned network, name, uuid, forward, bridge, mtu, mac, domain, nat, dns;
	unsigned ip[NETDEF_MAX_IPS];
	unsigned range[NETDEF_MAX_RANGES], range6[NETDEF_MAX_RANGES];
	unsigned host[NETDEF_MAX_HOSTS], host6[NETDEF_MAX_HOSTS6];
	unsigned dns_host[NETDEF_MAX_DNS_HOSTS], forwarder[NETDEF_MAX_FORWARDERS];
	unsigned srv[NETDEF_MAX_SRV], txt[NETDEF_MAX_TXT], route[NETDEF_MAX_ROUTES];
	unsigned pf[NETDEF_MAX_PORT_FORWARDS], portgroup[NETDEF_MAX_PORTGROUPS];
	unsigned port[NETDEF_MAX_PORTS], option[NETDEF_MAX_DHCP_OPTIONS];
	unsigned bootp, host_access, policy;
	unsigned overlay, overlay_peer[NETDEF_MAX_OVERLAY_PEERS];
};

/* The <vnet:overlay> checks (netdef_overlay.c): each problem through fail(ctx, line, msg). */
void netdef_validate_overlay(const struct netdef *def, const struct netdef_lines *ln,
			     void (*fail)(void *ctx, unsigned line, const char *msg), void *ctx);

/* Every error on its own line ("line N: ..." when N is known), joined by
 * '\n' into err; -EINVAL if there was any. */
int netdef_validate_lines(const struct netdef *def, const struct netdef_lines *ln, char *err,
			  size_t errlen);

/* Append one line to an error buffer ("line N: " prefix when line != 0);
 * a full buffer ends in "..." and takes no more. */
void netdef_err_append(char *err, size_t errlen, unsigned line, const char *msg);

/* Effective prefix of an <ip> given with neither prefix nor netmask
 * (libvirt: the IPv4 class, 64 for IPv6). */
unsigned netdef_class_prefix(const struct netdef_ip *ip);

#endif
