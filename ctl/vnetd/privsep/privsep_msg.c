/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sizes, names and checks of the core <-> child messages (privsep_msg.h).
 * Pure: no I/O, no global state; tests/unit/test_privsep_msg.c and
 * fuzz_privsep_msg.c drive it. */
#include "privsep.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* Every type once: its size, its name, who may send it and how many
 * descriptors it carries. */
#define PSM_TYPES(X)                                                   \
	X(PSM_NETDEF, struct psm_netdef, "netdef", 0, 0)               \
	X(PSM_DNS_START, struct psm_dns_start, "dns_start", 0, 3)      \
	X(PSM_DNS_STOP, struct psm_seq, "dns_stop", 0, 0)              \
	X(PSM_DNS_NAME, struct psm_dns_name, "dns_name", 0, 0)         \
	X(PSM_DNS_LEASE, struct psm_dns_lease, "dns_lease", 0, 0)      \
	X(PSM_DHCP_START, struct psm_dhcp_start, "dhcp_start", 0, 2)   \
	X(PSM_DHCP_STOP, struct psm_seq, "dhcp_stop", 0, 0)            \
	X(PSM_HOST_ADD, struct psm_host_add, "host_add", 0, 0)         \
	X(PSM_SNOOP_START, struct psm_net, "snoop_start", 0, 1)        \
	X(PSM_SNOOP_STOP, struct psm_seq, "snoop_stop", 0, 0)          \
	X(PSM_COUNTERS_REQ, struct psm_seq, "counters_req", 0, 0)      \
	X(PSM_METRICS_START, struct psm_seq, "metrics_start", 0, 1)    \
	X(PSM_METRICS_TEXT, struct psm_metrics_text, "metrics_text", 0, 1) \
	X(PSM_PING, struct psm_seq, "ping", 0, 0)                      \
	X(PSM_ORIGIN, struct psm_origin, "origin", 0, 0)               \
	X(PSM_PORT_GONE, struct psm_port_gone, "port_gone", 0, 0)      \
	X(PSM_RESULT, struct psm_result, "result", 1, 0)               \
	X(PSM_LEASE, struct psm_lease, "lease", 1, 0)                  \
	X(PSM_SNOOP_ACK, struct psm_snoop_ack, "snoop_ack", 1, 0)      \
	X(PSM_COUNTERS, struct psm_counters, "counters", 1, 0)         \
	X(PSM_METRICS_REQ, struct psm_metrics_req, "metrics_req", 1, 0) \
	X(PSM_PONG, struct psm_seq, "pong", 1, 0)                      \
	X(PSM_ORIGIN_REQ, struct psm_origin_req, "origin_req", 1, 0)   \
	X(PSM_TFTP_START, struct psm_seq, "tftp_start", 0, 2)          \
	X(PSM_TFTP_STOP, struct psm_seq, "tftp_stop", 0, 0)            \
	X(PSM_DHCP6_START, struct psm_dhcp6_start, "dhcp6_start", 0, 1) \
	X(PSM_DHCP6_STOP, struct psm_seq, "dhcp6_stop", 0, 0)          \
	X(PSM_LEASE6, struct psm_lease6, "lease6", 1, 0)                \
	X(PSM_DNS_LEASE6, struct psm_dns_lease6, "dns_lease6", 0, 0)  \
	X(PSM_DNS_LISTEN, struct psm_seq, "dns_listen", 0, 2)          \
	X(PSM_DNS_PEER_LISTEN, struct psm_seq, "dns_peer_listen", 0, 1) \
	X(PSM_DNS_PEER_ASK, struct psm_dns_lease, "dns_peer_ask", 0, 0)

struct psm_desc {
	size_t size;
	const char *name;
	int from_child;
	unsigned n_fds;
};

static const struct psm_desc descs[PSM_TYPE_MAX] = {
#define X(t, s, n, c, f) [t] = { sizeof(s), n, c, f },
	PSM_TYPES(X)
#undef X
};

_Static_assert(sizeof(struct psm_hdr) == 8, "psm header is 8 bytes");
#define X(t, s, n, c, f) _Static_assert(sizeof(s) <= PSM_MAX, #s " fits the buffer");
PSM_TYPES(X)
#undef X

size_t psm_size(unsigned type)
{
	return type < PSM_TYPE_MAX ? descs[type].size : 0;
}

const char *psm_type_name(unsigned type)
{
	return type < PSM_TYPE_MAX && descs[type].name ? descs[type].name : "unknown";
}

void psm_init(void *msg, unsigned type)
{
	struct psm_hdr *h = msg;

	memset(msg, 0, psm_size(type));
	h->type = (uint16_t)type;
	h->n_fds = (uint16_t)descs[type].n_fds;
	h->len = (uint32_t)psm_size(type);
}

uint32_t psm_reply_seq(const void *msg)
{
	const struct psm_hdr *h = msg;

	switch (h->type) {
	case PSM_RESULT: return ((const struct psm_result *)msg)->seq;
	case PSM_COUNTERS: return ((const struct psm_counters *)msg)->seq;
	case PSM_PONG: return ((const struct psm_seq *)msg)->seq;
	}
	return 0;
}

int psm_mac_ok(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6);
}

int psm_in_subnet(struct in_addr a, struct in_addr gw, unsigned prefix)
{
	uint32_t ip = ntohl(a.s_addr), g = ntohl(gw.s_addr);
	uint32_t mask = prefix ? ~0u << (32 - prefix) : 0;

	if (prefix < 1 || prefix > 32 || (ip & mask) != (g & mask) || ip == g)
		return 0;
	if (prefix >= 31) /* RFC 3021: no network or broadcast address */
		return 1;
	return (ip & ~mask) != 0 && (ip & ~mask) != ~mask;
}

int psm_hostname_ok(const char *s, size_t cap)
{
	size_t len = strnlen(s, cap);

	if (len == cap)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

#define WHY(...) (snprintf(why, whylen, __VA_ARGS__), PSM_BAD)

/* The envelope: the header agrees with the datagram and the type's table. */
static enum psm_verdict check_envelope(const void *msg, size_t len, unsigned n_fds,
				       int from_child, char *why, size_t whylen)
{
	const struct psm_hdr *h = msg;

	if (len < sizeof(*h))
		return WHY("short message (%zu bytes)", len);
	if (h->type == PSM_NONE || h->type >= PSM_TYPE_MAX)
		return WHY("unknown type %u", h->type);
	if (descs[h->type].from_child != from_child)
		return WHY("%s may not come from the %s", psm_type_name(h->type),
			   from_child ? "child" : "core");
	if (len != descs[h->type].size || h->len != len)
		return WHY("%s of %zu bytes (header says %u), expected %zu",
			   psm_type_name(h->type), len, h->len, descs[h->type].size);
	if (n_fds != descs[h->type].n_fds || h->n_fds != n_fds)
		return WHY("%s with %u descriptors, expected %u", psm_type_name(h->type), n_fds,
			   descs[h->type].n_fds);
	return PSM_OK;
}

static enum psm_verdict check_lease(const struct psm_lease *m, const struct psm_net_view *v,
				    char *why, size_t whylen)
{
	if (!v->dhcp_gen || m->in.gen != v->dhcp_gen)
		return PSM_STALE;
	if (m->bound > 1 || m->is_static > 1 || m->expires < 0 || m->ifindex < 0)
		return WHY("lease with bad flags");
	if (!psm_mac_ok(m->mac))
		return WHY("lease for a multicast or zero MAC");
	if (!psm_in_subnet(m->ip, v->ip, v->prefix))
		return WHY("lease for %s, outside the network's subnet", inet_ntoa(m->ip));
	if (!psm_hostname_ok(m->hostname, sizeof(m->hostname)))
		return WHY("lease with a bad hostname");
	return PSM_OK;
}

/* The address's prefix is the proxy's to check (it has the definition). */
static enum psm_verdict check_lease6(const struct psm_lease6 *m, char *why, size_t whylen)
{
	struct dhcp6_duid d;

	if (m->bound > 1 || m->expires < 0)
		return WHY("lease6 with bad flags");
	if (!memchr(m->duid, 0, sizeof(m->duid)) || dhcp6_duid_from_str(m->duid, &d) < 0)
		return WHY("lease6 with a bad DUID");
	if (IN6_IS_ADDR_UNSPECIFIED(&m->ip) || IN6_IS_ADDR_MULTICAST(&m->ip) ||
	    IN6_IS_ADDR_LOOPBACK(&m->ip) || IN6_IS_ADDR_LINKLOCAL(&m->ip))
		return WHY("lease6 for a non-global address");
	if (!psm_hostname_ok(m->hostname, sizeof(m->hostname)))
		return WHY("lease6 with a bad hostname");
	return PSM_OK;
}

static enum psm_verdict check_snoop(const struct psm_snoop_ack *m, const struct psm_net_view *v,
				    char *why, size_t whylen)
{
	uint32_t ip = ntohl(m->ip.s_addr);

	if (!v->snoop_gen || m->in.gen != v->snoop_gen)
		return PSM_STALE;
	if (m->ifindex <= 0 || m->pkttype > 7)
		return WHY("snooped ACK with a bad interface");
	if (!psm_mac_ok(m->mac))
		return WHY("snooped ACK for a multicast or zero MAC");
	/* the LAN's subnet is not vnet's to know: only what no lease can be */
	if (!ip || ip >> 24 == 127 || ip >= 0xe0000000u)
		return WHY("snooped ACK for %s", inet_ntoa(m->ip));
	return PSM_OK;
}

enum psm_verdict psm_check_from_child(const void *msg, size_t len, unsigned n_fds,
				      psm_lookup_fn lookup, void *ctx, char *why, size_t whylen)
{
	const struct psm_hdr *h = msg;
	const struct psm_inst *in = (const void *)(h + 1);
	struct psm_net_view v = { 0 };
	enum psm_verdict r = check_envelope(msg, len, n_fds, 1, why, whylen);

	if (r != PSM_OK)
		return r;
	switch (h->type) {
	case PSM_RESULT:
		return memchr(((const struct psm_result *)msg)->err, 0, PSM_ERR_MAX) ? PSM_OK :
			WHY("result text not terminated");
	case PSM_METRICS_REQ:
	case PSM_PONG:
	case PSM_ORIGIN_REQ: /* always answered: "not known" for a stale instance */
		return PSM_OK;
	}
	/* LEASE, SNOOP_ACK, COUNTERS: about one network */
	if (lookup(ctx, in->net_id, &v))
		return PSM_STALE; /* stopped or undefined since */
	if (h->type == PSM_LEASE)
		return check_lease(msg, &v, why, whylen);
	if (h->type == PSM_SNOOP_ACK)
		return check_snoop(msg, &v, why, whylen);
	if (h->type == PSM_LEASE6)
		return check_lease6(msg, why, whylen);
	return PSM_OK;
}

#define TERM(buf) (memchr((buf), 0, sizeof(buf)) != NULL)

static int policy_ok(const struct netdef_policy *p)
{
	return TERM(p->acl_in) && TERM(p->acl_out);
}

/* Counts in range, so that no loop over an array runs past it. */
static int netdef_counts_ok(const struct netdef *d)
{
	return d->n_hosts <= NETDEF_MAX_HOSTS && d->n_dns_hosts <= NETDEF_MAX_DNS_HOSTS &&
	       d->n_forwarders <= NETDEF_MAX_FORWARDERS &&
	       d->n_port_forwards <= NETDEF_MAX_PORT_FORWARDS && d->n_ips <= NETDEF_MAX_IPS &&
	       d->n_ranges <= NETDEF_MAX_RANGES && d->n_ranges6 <= NETDEF_MAX_RANGES &&
	       d->n_hosts6 <= NETDEF_MAX_HOSTS6 && d->n_srv <= NETDEF_MAX_SRV &&
	       d->n_txt <= NETDEF_MAX_TXT && d->n_routes <= NETDEF_MAX_ROUTES &&
	       d->n_forward_ifs <= NETDEF_MAX_FWD_IFS && d->n_portgroups <= NETDEF_MAX_PORTGROUPS &&
	       d->n_ports <= NETDEF_MAX_PORTS && d->n_dhcp_options <= NETDEF_MAX_DHCP_OPTIONS &&
	       d->n_host_services <= NETDEF_MAX_HOST_SERVICES;
}

/* Every string the child may print or compare is terminated. */
static int netdef_strings_ok(const struct netdef *d)
{
	size_t i;

	if (!TERM(d->name) || !TERM(d->bridge) || !TERM(d->domain) || !TERM(d->uuid) ||
	    !TERM(d->forward_dev) || !TERM(d->title) || !TERM(d->description) ||
	    !TERM(d->metadata) || !TERM(d->mac_table_manager) || !TERM(d->zone) ||
	    !TERM(d->bootp_file) || !TERM(d->warnings) || !policy_ok(&d->policy))
		return 0;
	for (i = 0; i < d->n_forward_ifs; i++)
		if (!TERM(d->forward_ifs[i]))
			return 0;
	for (i = 0; i < d->n_ips; i++)
		if (!TERM(d->ips[i].tftp_root))
			return 0;
	for (i = 0; i < d->n_hosts; i++)
		if (!TERM(d->hosts[i].name))
			return 0;
	for (i = 0; i < d->n_hosts6; i++)
		if (!TERM(d->hosts6[i].name) || !TERM(d->hosts6[i].id))
			return 0;
	for (i = 0; i < d->n_dhcp_options; i++)
		if (!TERM(d->dhcp_options[i].value))
			return 0;
	for (i = 0; i < d->n_forwarders; i++)
		if (!TERM(d->forwarders[i].domain))
			return 0;
	for (i = 0; i < d->n_srv; i++)
		if (!TERM(d->srv[i].service) || !TERM(d->srv[i].protocol) ||
		    !TERM(d->srv[i].domain) || !TERM(d->srv[i].target))
			return 0;
	for (i = 0; i < d->n_txt; i++)
		if (!TERM(d->txt[i].name) || !TERM(d->txt[i].value))
			return 0;
	for (i = 0; i < d->n_portgroups; i++)
		if (!TERM(d->portgroups[i].name) || !policy_ok(&d->portgroups[i].policy))
			return 0;
	for (i = 0; i < d->n_ports; i++)
		if (!TERM(d->ports[i].dev) || !TERM(d->ports[i].portgroup) ||
		    !policy_ok(&d->ports[i].policy) || d->ports[i].n_ip4 > NETDEF_MAX_PORT_IPS ||
		    d->ports[i].n_ip6 > NETDEF_MAX_PORT_IPS)
			return 0;
	return 1;
}

static enum psm_verdict check_netdef(const struct psm_netdef *m, char *why, size_t whylen)
{
	const struct netdef *d = &m->def;

	if (!netdef_counts_ok(d))
		return WHY("netdef counts out of range");
	if (!netdef_strings_ok(d))
		return WHY("netdef string not terminated");
	for (size_t i = 0; i < d->n_dns_hosts; i++) {
		if (d->dns_hosts[i].n_names > NETDEF_MAX_DNS_NAMES)
			return WHY("netdef dns host count out of range");
		for (unsigned j = 0; j < d->dns_hosts[i].n_names; j++)
			if (!memchr(d->dns_hosts[i].names[j], 0, NETDEF_NAME_MAX))
				return WHY("netdef dns name not terminated");
	}
	return PSM_OK;
}

enum psm_verdict psm_check_from_core(const void *msg, size_t len, unsigned n_fds, char *why,
				     size_t whylen)
{
	const struct psm_hdr *h = msg;
	enum psm_verdict r = check_envelope(msg, len, n_fds, 0, why, whylen);

	if (r != PSM_OK)
		return r;
	switch (h->type) {
	case PSM_NETDEF:
		return check_netdef(msg, why, whylen);
	case PSM_DNS_START:
		if (((const struct psm_dns_start *)msg)->n_ups > PSM_MAX_UPSTREAMS)
			return WHY("too many upstreams");
		return PSM_OK;
	case PSM_DNS_NAME:
		if (!psm_hostname_ok(((const struct psm_dns_name *)msg)->name, NETDEF_NAME_MAX))
			return WHY("bad DNS name");
		if (((const struct psm_dns_name *)msg)->del > 1)
			return WHY("bad DNS name operation");
		return PSM_OK;
	case PSM_DNS_LEASE:
	case PSM_DNS_PEER_ASK:
		if (!memchr(((const struct psm_dns_lease *)msg)->hostname, 0, NETDEF_NAME_MAX))
			return WHY("lease hostname not terminated");
		return PSM_OK;
	case PSM_DNS_LEASE6: {
		const struct psm_dns_lease6 *l = msg;

		if (!memchr(l->hostname, 0, NETDEF_NAME_MAX))
			return WHY("lease hostname not terminated");
		if (l->bound > 1 || l->has_mac > 1)
			return WHY("bad DNS lease6 flags");
		return PSM_OK;
	}
	case PSM_HOST_ADD:
		if (!memchr(((const struct psm_host_add *)msg)->host.name, 0, NETDEF_NAME_MAX))
			return WHY("host name not terminated");
		if (((const struct psm_host_add *)msg)->del > 1)
			return WHY("bad host operation");
		return PSM_OK;
	}
	return PSM_OK;
}
