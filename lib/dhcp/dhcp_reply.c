/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Server replies: what goes in them and where they are sent. */
#include "dhcp_reply_priv.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static void reply_base(const struct dhcp_pool_config *cfg, const struct dhcp_msg *m, uint8_t type,
		       struct dhcp_result *res)
{
	struct dhcp_reply *r = &res->reply;

	memset(r, 0, sizeof(*r));
	res->has_reply = 1;
	r->type = type;
	r->xid = m->xid;
	r->flags = m->flags & DHCP_BROADCAST_FLAG;
	r->htype = m->htype;
	r->hlen = m->hlen;
	r->giaddr = m->giaddr;
	memcpy(r->chaddr, m->chaddr, sizeof(r->chaddr));
	r->server_id = cfg->server_ip;
	memcpy(r->prl, m->prl, m->prl_len);
	r->prl_len = m->prl_len;
	/* RFC 6842: "the server MUST include the client identifier in its
	 * response" when the client sent one. */
	memcpy(r->client_id, m->client_id, m->client_id_len);
	r->client_id_len = m->client_id_len;
}

static int prl_has(const struct dhcp_msg *m, uint8_t code)
{
	return memchr(m->prl, code, m->prl_len) != NULL;
}

/* <bootp file server>: the next server (siaddr) and boot file, as BOOTP
 * has them in the header; options 66/67 carry the same when asked. */
static void reply_boot(const struct dhcp_pool_config *cfg, struct dhcp_reply *r)
{
	if (!cfg->boot_file[0])
		return;
	r->siaddr = cfg->next_server.s_addr ? cfg->next_server : cfg->server_ip;
	snprintf(r->file, sizeof(r->file), "%s", cfg->boot_file);
}

void dhcp_reply_config(const struct dhcp_pool_config *cfg, uint32_t mask, const struct dhcp_msg *m,
		       uint8_t type, struct in_addr yiaddr, uint32_t lease_secs,
		       const char *hostname, struct dhcp_result *res)
{
	struct dhcp_reply *r = &res->reply;

	reply_base(cfg, m, type, res);
	r->yiaddr = yiaddr;
	r->has_netcfg = 1;
	r->mask.s_addr = htonl(mask);
	r->router = cfg->server_ip;
	r->dns.s_addr = cfg->no_dns ? 0 : cfg->dns.s_addr;
	reply_boot(cfg, r);
	r->opts = cfg->opts;
	r->n_opts = cfg->n_opts;
	snprintf(r->domain, sizeof(r->domain), "%s", cfg->domain);
	r->mtu = cfg->mtu >= 68 && cfg->mtu <= 65535 ? (uint16_t)cfg->mtu : 0;
	if (yiaddr.s_addr) {
		/* RFC 2131 4.4.5: "T1 defaults to (0.5 * duration_of_lease). T2
		 * defaults to (0.875 * duration_of_lease)." */
		r->has_lease = 1;
		r->lease_secs = lease_secs;
		if (lease_secs != DHCP_LEASE_INFINITE) { /* infinite: never renewed */
			r->t1_secs = lease_secs / 2;
			r->t2_secs = (uint32_t)((uint64_t)lease_secs * 7 / 8);
		}
	}
	if (hostname && hostname[0] && (m->hostname_len || prl_has(m, OPT_HOSTNAME)))
		snprintf(r->hostname, sizeof(r->hostname), "%s", hostname);
}

void dhcp_reply_nak(const struct dhcp_pool_config *cfg, const struct dhcp_msg *m, const char *why,
		    struct dhcp_result *res)
{
	reply_base(cfg, m, DHCPNAK, res);
	res->reply.prl_len = 0;
	snprintf(res->reply.message, sizeof(res->reply.message), "%s", why);
	/* RFC 2131 4.3.2: "If 'giaddr' is set in the DHCPREQUEST message, the
	 * client is on a different subnet. The server MUST set the broadcast
	 * bit in the DHCPNAK, so that the relay agent will broadcast the
	 * DHCPNAK to the client". */
	if (m->giaddr.s_addr)
		res->reply.flags |= DHCP_BROADCAST_FLAG;
}

/* RFC 2131 4.1: "If the 'giaddr' field in a DHCP message from a client is
 * non-zero, the server sends any return messages to the 'DHCP server' port
 * on the BOOTP relay agent whose address appears in 'giaddr'. If the
 * 'giaddr' field is zero and the 'ciaddr' field is nonzero, then the server
 * unicasts DHCPOFFER and DHCPACK messages to the address in 'ciaddr'. [...]
 * In all cases, when 'giaddr' is zero, the server broadcasts any DHCPNAK
 * messages to 0xffffffff." A client without an address gets a broadcast
 * too: unicasting to chaddr/yiaddr would need an ARP entry injected. */
void dhcp_reply_dest(const struct dhcp_msg *m, struct dhcp_result *res)
{
	if (m->giaddr.s_addr) {
		res->dest = DHCP_DEST_RELAY;
		res->dest_ip = m->giaddr;
	} else if (res->reply.type != DHCPNAK && m->ciaddr.s_addr) {
		res->dest = DHCP_DEST_CIADDR;
		res->dest_ip = m->ciaddr;
	} else {
		res->dest = DHCP_DEST_BROADCAST;
		res->dest_ip.s_addr = INADDR_BROADCAST;
	}
}
