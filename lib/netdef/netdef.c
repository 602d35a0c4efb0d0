/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The network model: the built-in default network and the semantic checks
 * every definition passes, whether it came from XML or from the daemon. */
#include "netdef.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void netdef_default(struct netdef *def)
{
	memset(def, 0, sizeof(*def));
	strcpy(def->name, "default");
	strcpy(def->bridge, "vnbr0");
	def->mode = NETDEF_MODE_NAT;
	def->has_ip = 1;
	def->ip.s_addr = htonl(0xc0a87a01); /* 192.168.122.1 */
	def->prefix = 24;
	def->has_dhcp = 1;
	def->dhcp_start.s_addr = htonl(0xc0a87a02);
	def->dhcp_end.s_addr = htonl(0xc0a87afe);
}

const char *netdef_mode_name(enum netdef_mode m)
{
	switch (m) {
	case NETDEF_MODE_NAT:
		return "nat";
	case NETDEF_MODE_ROUTE:
		return "route";
	case NETDEF_MODE_ISOLATED:
		return "isolated";
	case NETDEF_MODE_BRIDGE:
		return "bridge";
	case NETDEF_MODE_OPEN:
		return "open";
	}
	return "unknown";
}

struct vctx {
	const struct netdef *def;
	char *err;
	size_t errlen;
};

static int vfail(struct vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int vfail(struct vctx *v, const char *fmt, ...)
{
	va_list ap;

	if (v->err && v->errlen) {
		va_start(ap, fmt);
		vsnprintf(v->err, v->errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* The struct may be hand-built: never trust a string to be terminated. */
static int str_ok(const char *s, size_t size, size_t min)
{
	size_t n = strnlen(s, size);

	return n < size && n >= min;
}

/* Network and host names: [A-Za-z0-9_.-], 1..63 characters. */
static int name_ok(const char *s, size_t size)
{
	size_t i;

	if (!str_ok(s, size, 1) || strlen(s) > 63)
		return 0;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

/* Interface names as the kernel takes them (dev_valid_name()), minus ':'. */
static int ifname_ok(const char *s)
{
	size_t i;

	if (!str_ok(s, NETDEF_IFNAME_MAX, 1) || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (i = 0; s[i]; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	return 1;
}

/* RFC 1035 2.3.4: labels 63 octets or less; letters, digits, hyphen. */
static int domain_ok(const char *s)
{
	size_t i, label = 0;

	if (!str_ok(s, NETDEF_DOMAIN_MAX, 1) || s[0] == '.' || s[strlen(s) - 1] == '.')
		return 0;
	for (i = 0; s[i]; i++) {
		if (s[i] == '.') {
			if (!label)
				return 0;
			label = 0;
			continue;
		}
		if (++label > 63 || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
				      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	}
	return 1;
}

static int uuid_ok(const char *s)
{
	size_t i;

	if (!s[0])
		return 1;
	if (strnlen(s, 37) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

static const char *ip4(struct in_addr a, char buf[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static int in_subnet(const struct netdef *d, struct in_addr a)
{
	return ((a.s_addr ^ d->ip.s_addr) & netdef_mask(d)) == 0;
}

/* A usable host address: inside the subnet, neither network nor broadcast. */
static int host_addr_ok(const struct netdef *d, struct in_addr a)
{
	uint32_t m = netdef_mask(d);

	return in_subnet(d, a) && (a.s_addr & ~m) != 0 && (a.s_addr & ~m) != ~m;
}

/* Names may hold anything the XML allowed: keep the message one line. */
static const char *printable(const char *s, char out[NETDEF_NAME_MAX])
{
	size_t i;

	for (i = 0; s[i] && i < NETDEF_NAME_MAX - 1; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[i] = '\0';
	return out;
}

static int validate_names(struct vctx *v)
{
	const struct netdef *d = v->def;
	char q[NETDEF_NAME_MAX];

	if (!str_ok(d->name, sizeof(d->name), 1))
		return vfail(v, "missing <name>");
	if (!name_ok(d->name, sizeof(d->name)))
		return vfail(v, "invalid network name '%s' (1-63 of A-Z a-z 0-9 _ . -)",
			     printable(d->name, q));
	if (!str_ok(d->uuid, sizeof(d->uuid), 0) || !uuid_ok(d->uuid))
		return vfail(v, "invalid UUID in <uuid>");
	if (!str_ok(d->bridge, sizeof(d->bridge), 0) || (d->bridge[0] && !ifname_ok(d->bridge)))
		return vfail(v, "invalid bridge name in <bridge name>");
	if (!str_ok(d->forward_dev, sizeof(d->forward_dev), 0) ||
	    (d->forward_dev[0] && !ifname_ok(d->forward_dev)))
		return vfail(v, "invalid interface name in <forward dev>");
	if (!str_ok(d->domain, sizeof(d->domain), 0) || (d->domain[0] && !domain_ok(d->domain)))
		return vfail(v, "invalid domain name in <domain name>");
	return 0;
}

/* mode='bridge' joins an existing bridge: vnet owns no addressing there. */
static int validate_mode(struct vctx *v)
{
	const struct netdef *d = v->def;

	if (d->mode > NETDEF_MODE_BRIDGE)
		return vfail(v, "invalid forward mode %d", (int)d->mode);
	if (d->mtu && (d->mtu < 68 || d->mtu > 65535))
		return vfail(v, "invalid <mtu size='%u'> (68..65535)", d->mtu);
	if (d->stp != 0 && d->stp != 1)
		return vfail(v, "invalid stp value %d", d->stp);
	if (d->mode == NETDEF_MODE_ISOLATED && d->forward_dev[0])
		return vfail(v, "forward dev '%s' needs a <forward> mode", d->forward_dev);
	if (d->n_port_forwards && d->mode != NETDEF_MODE_NAT)
		return vfail(v, "<portForward> requires <forward mode='nat'>");
	if ((d->mode == NETDEF_MODE_NAT || d->mode == NETDEF_MODE_ROUTE) && !d->has_ip)
		return vfail(v, "forward mode '%s' requires an <ip>", netdef_mode_name(d->mode));
	if (d->mode != NETDEF_MODE_BRIDGE)
		return 0;
	if (!d->bridge[0])
		return vfail(v, "forward mode 'bridge' requires <bridge name>");
	if (d->has_ip || d->has_dhcp || d->n_hosts)
		return vfail(v, "<ip> is not allowed with forward mode 'bridge'");
	if (d->forward_dev[0])
		return vfail(v, "forward dev is not allowed with forward mode 'bridge'");
	if (d->stp)
		return vfail(v, "<bridge stp='on'> is not allowed with forward mode 'bridge'");
	if (d->domain[0] || d->n_dns_hosts || d->n_forwarders)
		return vfail(v, "<dns> and <domain> are not allowed with forward mode 'bridge'");
	return 0;
}

static int validate_ip(struct vctx *v)
{
	const struct netdef *d = v->def;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];
	uint32_t gw = ntohl(d->ip.s_addr);

	if (!d->has_ip)
		return (d->has_dhcp || d->n_hosts || d->n_port_forwards) ?
			       vfail(v, "<dhcp> and <portForward> require an <ip>") : 0;
	if (d->prefix < 8 || d->prefix > 30)
		return vfail(v, "invalid prefix /%u in <ip> (8..30)", d->prefix);
	if ((gw >> 24) == 0 || (gw >> 24) == 127 || gw >= 0xe0000000)
		return vfail(v, "invalid <ip address='%s'> (not a unicast address)", ip4(d->ip, a));
	if (!host_addr_ok(d, d->ip))
		return vfail(v, "<ip address='%s'> is the network or broadcast address of /%u",
			     ip4(d->ip, a), d->prefix);
	if (!d->has_dhcp)
		return 0;
	if (!host_addr_ok(d, d->dhcp_start) || !host_addr_ok(d, d->dhcp_end))
		return vfail(v, "<range start='%s' end='%s'> is not inside %s/%u",
			     ip4(d->dhcp_start, a), ip4(d->dhcp_end, b), ip4(d->ip, c), d->prefix);
	if (ntohl(d->dhcp_start.s_addr) > ntohl(d->dhcp_end.s_addr))
		return vfail(v, "<range> start %s is after end %s", ip4(d->dhcp_start, a),
			     ip4(d->dhcp_end, b));
	if (gw >= ntohl(d->dhcp_start.s_addr) && gw <= ntohl(d->dhcp_end.s_addr))
		return vfail(v, "<range> contains the gateway %s", ip4(d->ip, a));
	if (d->lease_secs && d->lease_secs < 60)
		return vfail(v, "lease time %u s is below 60 s", d->lease_secs);
	return 0;
}

static int validate_host(struct vctx *v, size_t i)
{
	const struct netdef *d = v->def;
	const struct netdef_host *h = &d->hosts[i];
	char a[INET_ADDRSTRLEN];
	size_t j;

	if (!str_ok(h->name, sizeof(h->name), 0) || (h->name[0] && !name_ok(h->name, sizeof(h->name))))
		return vfail(v, "invalid name in <host ip='%s'>", ip4(h->ip, a));
	if ((h->mac[0] & 1) || !(h->mac[0] | h->mac[1] | h->mac[2] | h->mac[3] | h->mac[4] | h->mac[5]))
		return vfail(v, "<host ip='%s'> has a multicast or zero MAC", ip4(h->ip, a));
	if (!host_addr_ok(d, h->ip) || h->ip.s_addr == d->ip.s_addr)
		return vfail(v, "<host ip='%s'> is not a free address inside the subnet",
			     ip4(h->ip, a));
	for (j = 0; j < i; j++) {
		if (!memcmp(d->hosts[j].mac, h->mac, 6))
			return vfail(v, "duplicate MAC in <host ip='%s'>", ip4(h->ip, a));
		if (d->hosts[j].ip.s_addr == h->ip.s_addr)
			return vfail(v, "duplicate <host ip='%s'>", ip4(h->ip, a));
	}
	return 0;
}

static int validate_dns(struct vctx *v)
{
	const struct netdef *d = v->def;
	char a[INET_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; i < d->n_forwarders; i++)
		if (d->forwarders[i].addr.family == AF_INET && !d->forwarders[i].addr.v4.s_addr)
			return vfail(v, "invalid <forwarder addr='0.0.0.0'>");
	for (i = 0; i < d->n_dns_hosts; i++) {
		const struct netdef_dns_host *h = &d->dns_hosts[i];

		if (!h->n_names || h->n_names > NETDEF_MAX_DNS_NAMES)
			return vfail(v, "<dns><host ip='%s'> needs 1..%d <hostname>",
				     ip4(h->ip, a), NETDEF_MAX_DNS_NAMES);
		for (j = 0; j < h->n_names; j++)
			if (!name_ok(h->names[j], NETDEF_NAME_MAX))
				return vfail(v, "invalid <hostname> in <dns><host ip='%s'>",
					     ip4(h->ip, a));
	}
	return 0;
}

static int validate_port_forward(struct vctx *v, size_t i)
{
	const struct netdef *d = v->def;
	const struct netdef_port_forward *pf = &d->port_forwards[i];
	char a[INET_ADDRSTRLEN];
	size_t j;

	if (pf->proto != IPPROTO_TCP && pf->proto != IPPROTO_UDP)
		return vfail(v, "invalid <portForward> protocol %u", pf->proto);
	if (!pf->host_port || !pf->guest_port)
		return vfail(v, "<portForward port='%u'> needs nonzero ports", pf->host_port);
	if (!host_addr_ok(d, pf->guest_ip) || pf->guest_ip.s_addr == d->ip.s_addr)
		return vfail(v, "<portForward to='%s'> is not a guest address inside the subnet",
			     ip4(pf->guest_ip, a));
	for (j = 0; j < i; j++)
		if (d->port_forwards[j].proto == pf->proto &&
		    d->port_forwards[j].host_port == pf->host_port)
			return vfail(v, "duplicate <portForward proto='%s' port='%u'>",
				     pf->proto == IPPROTO_TCP ? "tcp" : "udp", pf->host_port);
	return 0;
}

int netdef_validate(const struct netdef *def, char *err, size_t errlen)
{
	struct vctx v = { .def = def, .err = err, .errlen = errlen };
	size_t i;
	int r;

	if (def->n_hosts > NETDEF_MAX_HOSTS || def->n_dns_hosts > NETDEF_MAX_DNS_HOSTS ||
	    def->n_forwarders > NETDEF_MAX_FORWARDERS ||
	    def->n_port_forwards > NETDEF_MAX_PORT_FORWARDS)
		return vfail(&v, "too many hosts, forwarders or port forwards");
	if ((r = validate_names(&v)) < 0 || (r = validate_mode(&v)) < 0 ||
	    (r = validate_ip(&v)) < 0 || (r = validate_dns(&v)) < 0)
		return r;
	for (i = 0; i < def->n_hosts; i++)
		if ((r = validate_host(&v, i)) < 0)
			return r;
	for (i = 0; i < def->n_port_forwards; i++)
		if ((r = validate_port_forward(&v, i)) < 0)
			return r;
	return 0;
}
