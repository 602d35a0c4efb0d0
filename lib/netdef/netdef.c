/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The network model: the built-in default network and the semantic checks
 * every definition passes, whether it came from XML or from the daemon.
 * Every problem is reported (one line each, with the element's line when
 * the definition came from XML), not just the first. */
#include "netdef.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "netdef_priv.h"

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
	/* the same in the full model, as the parser fills it */
	def->n_ips = 1;
	def->ips[0].family = AF_INET;
	def->ips[0].addr4 = def->ip;
	def->ips[0].prefix = 24;
	def->ips[0].netmask_given = 1;
	def->ips[0].has_dhcp = 1;
	def->has_dhcp4 = 1;
	def->n_ranges = 1;
	def->ranges[0].start.family = def->ranges[0].end.family = AF_INET;
	def->ranges[0].start.v4 = def->dhcp_start;
	def->ranges[0].end.v4 = def->dhcp_end;
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

unsigned netdef_lease_secs(const struct netdef_lease *l)
{
	unsigned long mul = l->unit == NETDEF_UNIT_SECONDS ? 1 : l->unit == NETDEF_UNIT_HOURS ? 3600 : 60;

	if (!l->expiry)
		return NETDEF_LEASE_INFINITE;
	if (l->expiry >= NETDEF_LEASE_INFINITE / mul)
		return NETDEF_LEASE_INFINITE - 1;
	return (unsigned)(l->expiry * mul);
}

void netdef_err_append(char *err, size_t errlen, unsigned line, const char *msg)
{
	size_t len;
	int n;

	if (!err || !errlen)
		return;
	len = strnlen(err, errlen);
	if (len >= errlen - 1 || (len >= 3 && !strcmp(err + len - 3, "...")))
		return; /* full: it already says so */
	if (len)
		err[len++] = '\n';
	if (line)
		n = snprintf(err + len, errlen - len, "line %u: %s", line, msg);
	else
		n = snprintf(err + len, errlen - len, "%s", msg);
	if (n < 0 || (size_t)n >= errlen - len) { /* truncated: mark it */
		if (errlen > 4)
			memcpy(err + errlen - 4, "...", 4);
	}
	/* names in messages come from the document: one printable line each */
	for (; err[len]; len++)
		if ((unsigned char)err[len] < 0x20 || (unsigned char)err[len] >= 0x7f)
			err[len] = '?';
}

/* The addressing as the checks see it: a hand-built definition may carry
 * only the legacy fields (has_ip/ip/prefix, has_dhcp/dhcp_start/end). */
struct view {
	size_t n_ips, n_ranges;
	const struct netdef_ip *ips;
	const struct netdef_range *ranges;
	struct netdef_ip ip0;
	struct netdef_range r0;
};

struct vctx {
	const struct netdef *def;
	const struct netdef_lines *ln;
	struct view w;
	char *err;
	size_t errlen;
	int bad;
};

#define LN(field) (v->ln ? v->ln->field : 0)
#define LNI(field, i) (v->ln && (i) < sizeof(v->ln->field) / sizeof(v->ln->field[0]) ? v->ln->field[i] : 0)

static int vfail(struct vctx *v, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int vfail(struct vctx *v, unsigned line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->bad++;
	if (v->bad <= 32)
		netdef_err_append(v->err, v->errlen, line, msg);
	return -EINVAL;
}

static void make_view(struct vctx *v)
{
	const struct netdef *d = v->def;
	struct view *w = &v->w;

	w->n_ips = d->n_ips;
	w->ips = d->ips;
	w->n_ranges = d->n_ranges;
	w->ranges = d->ranges;
	if (!d->n_ips && d->has_ip) {
		w->ip0.family = AF_INET;
		w->ip0.addr4 = d->ip;
		w->ip0.prefix = d->prefix;
		w->ip0.has_dhcp = d->has_dhcp || d->n_hosts;
		w->ips = &w->ip0;
		w->n_ips = 1;
	}
	if (!d->n_ranges && d->has_dhcp) {
		w->r0.start.family = w->r0.end.family = AF_INET;
		w->r0.start.v4 = d->dhcp_start;
		w->r0.end.v4 = d->dhcp_end;
		w->ranges = &w->r0;
		w->n_ranges = 1;
	}
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

/* RFC 1035 2.3.4: labels 63 octets or less; letters, digits, hyphen (and
 * '_' where allow_us: SRV service labels, TXT names). */
static int domain_ok2(const char *s, size_t size, int allow_us)
{
	size_t i, label = 0;

	if (!str_ok(s, size, 1) || s[0] == '.' || s[strlen(s) - 1] == '.')
		return 0;
	for (i = 0; s[i]; i++) {
		if (s[i] == '.') {
			if (!label)
				return 0;
			label = 0;
			continue;
		}
		if (++label > 63 || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
				      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
				      (allow_us && s[i] == '_')))
			return 0;
	}
	return 1;
}

static int domain_ok(const char *s)
{
	return domain_ok2(s, NETDEF_DOMAIN_MAX, 0);
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

static const char *ip4(struct in_addr a, char buf[INET6_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET6_ADDRSTRLEN);
}

static const char *ip6(const struct in6_addr *a, char buf[INET6_ADDRSTRLEN])
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static const char *addr_str(const struct netdef_addr *a, char buf[INET6_ADDRSTRLEN])
{
	return a->family == AF_INET6 ? ip6(&a->v6, buf) : ip4(a->v4, buf);
}

static uint32_t mask4(unsigned prefix)
{
	return prefix ? htonl(~0u << (32 - prefix)) : 0;
}

static int in_subnet4(const struct netdef_ip *ip, struct in_addr a)
{
	return ((a.s_addr ^ ip->addr4.s_addr) & mask4(ip->prefix)) == 0;
}

/* A usable host address: inside the subnet, neither network nor broadcast. */
static int host_ok4(const struct netdef_ip *ip, struct in_addr a)
{
	uint32_t m = mask4(ip->prefix);

	return in_subnet4(ip, a) && (a.s_addr & ~m) != 0 && (a.s_addr & ~m) != ~m;
}

static int in_subnet6(const struct in6_addr *net, unsigned prefix, const struct in6_addr *a)
{
	unsigned i;

	for (i = 0; i < 16 && prefix; i++) {
		unsigned bits = prefix >= 8 ? 8 : prefix;
		uint8_t m = (uint8_t)(0xff << (8 - bits));

		if ((net->s6_addr[i] ^ a->s6_addr[i]) & m)
			return 0;
		prefix -= bits;
	}
	return 1;
}

static int addr_in(const struct netdef_ip *ip, const struct netdef_addr *a)
{
	if (a->family != ip->family)
		return 0;
	return a->family == AF_INET ? in_subnet4(ip, a->v4) :
				      in_subnet6(&ip->addr6, ip->prefix, &a->v6);
}

/* -1, 0, 1 comparing two addresses of one family (network byte order). */
static int addr_cmp(const struct netdef_addr *a, const struct netdef_addr *b)
{
	if (a->family == AF_INET) {
		uint32_t x = ntohl(a->v4.s_addr), y = ntohl(b->v4.s_addr);

		return x < y ? -1 : x > y;
	}
	return memcmp(&a->v6, &b->v6, 16);
}

static struct netdef_addr ipaddr(const struct netdef_ip *ip)
{
	struct netdef_addr a = { .family = ip->family, .v4 = ip->addr4, .v6 = ip->addr6 };

	return a;
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

static void validate_names(struct vctx *v)
{
	const struct netdef *d = v->def;
	char q[NETDEF_NAME_MAX];
	size_t i;

	if (!str_ok(d->name, sizeof(d->name), 1))
		vfail(v, LN(network), "missing <name>");
	else if (!name_ok(d->name, sizeof(d->name)))
		vfail(v, LN(name), "invalid network name '%s' (1-63 of A-Z a-z 0-9 _ . -)",
		      printable(d->name, q));
	if (!str_ok(d->uuid, sizeof(d->uuid), 0) || !uuid_ok(d->uuid))
		vfail(v, LN(uuid), "invalid UUID in <uuid>");
	if (!str_ok(d->title, sizeof(d->title), 0) || !str_ok(d->description, sizeof(d->description), 0) ||
	    !str_ok(d->metadata, sizeof(d->metadata), 0) || !str_ok(d->zone, sizeof(d->zone), 0) ||
	    !str_ok(d->mac_table_manager, sizeof(d->mac_table_manager), 0) ||
	    !str_ok(d->warnings, sizeof(d->warnings), 0) ||
	    !str_ok(d->bootp_file, sizeof(d->bootp_file), 0))
		vfail(v, 0, "a text field is not terminated");
	if (!str_ok(d->bridge, sizeof(d->bridge), 0) || (d->bridge[0] && !ifname_ok(d->bridge)))
		vfail(v, LN(bridge), "invalid bridge name in <bridge name>");
	if (!str_ok(d->forward_dev, sizeof(d->forward_dev), 0) ||
	    (d->forward_dev[0] && !ifname_ok(d->forward_dev)))
		vfail(v, LN(forward), "invalid interface name in <forward dev>");
	for (i = 0; i < d->n_forward_ifs; i++)
		if (!ifname_ok(d->forward_ifs[i]))
			vfail(v, LN(forward), "invalid interface name in <forward><interface dev>");
	if (!str_ok(d->domain, sizeof(d->domain), 0) || (d->domain[0] && !domain_ok(d->domain)))
		vfail(v, LN(domain), "invalid domain name in <domain name>");
	if (d->has_mac && ((d->mac[0] & 1) || !(d->mac[0] | d->mac[1] | d->mac[2] | d->mac[3] |
						d->mac[4] | d->mac[5])))
		vfail(v, LN(mac), "<mac address> must be a unicast, nonzero MAC");
}

static int tri_ok(enum netdef_tri t)
{
	return t == NETDEF_UNSET || t == NETDEF_YES || t == NETDEF_NO;
}

static void validate_nat(struct vctx *v)
{
	const struct netdef *d = v->def;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (d->has_nat && d->mode != NETDEF_MODE_NAT)
		vfail(v, LN(nat), "<nat> is only valid in <forward mode='nat'>");
	if (!d->nat_addr_start.s_addr != !d->nat_addr_end.s_addr ||
	    ntohl(d->nat_addr_start.s_addr) > ntohl(d->nat_addr_end.s_addr))
		vfail(v, LN(nat), "invalid <nat><address start='%s' end='%s'>",
		      ip4(d->nat_addr_start, a), ip4(d->nat_addr_end, b));
	if (!d->nat_port_start != !d->nat_port_end || d->nat_port_start > d->nat_port_end)
		vfail(v, LN(nat), "invalid <nat><port> range %u-%u", d->nat_port_start,
		      d->nat_port_end);
}

/* mode='bridge' joins an existing bridge: vnet owns no addressing there. */
static void validate_bridge_mode(struct vctx *v)
{
	const struct netdef *d = v->def;
	unsigned l = LN(forward);

	if (!d->bridge[0])
		vfail(v, l, "forward mode 'bridge' requires <bridge name>");
	if (v->w.n_ips || d->has_dhcp || d->n_hosts || d->n_ranges6 || d->n_hosts6)
		vfail(v, l, "<ip> is not allowed with forward mode 'bridge'");
	if (d->n_routes)
		vfail(v, l, "<route> is not allowed with forward mode 'bridge'");
	if (d->forward_dev[0] || d->n_forward_ifs)
		vfail(v, l, "forward dev is not allowed with forward mode 'bridge' (a macvtap "
			    "bridge): give the host bridge as <bridge name>");
	if (d->stp)
		vfail(v, LN(bridge), "<bridge stp='on'> is not allowed with forward mode 'bridge'");
	if (d->domain[0] || d->n_dns_hosts || d->n_forwarders || d->n_srv || d->n_txt)
		vfail(v, l, "<dns> and <domain> are not allowed with forward mode 'bridge'");
}

static void validate_mode(struct vctx *v)
{
	const struct netdef *d = v->def;
	unsigned l = LN(forward);

	if (d->mode > NETDEF_MODE_OPEN) {
		vfail(v, l, "invalid forward mode %d", (int)d->mode);
		return;
	}
	if (d->mtu && (d->mtu < 68 || d->mtu > 65535))
		vfail(v, LN(mtu), "invalid <mtu size='%u'> (68..65535)", d->mtu);
	if (d->stp != 0 && d->stp != 1)
		vfail(v, LN(bridge), "invalid stp value %d", d->stp);
	if (!tri_ok(d->ipv6) || !tri_ok(d->trust_guest_rx_filters) || !tri_ok(d->nat_ipv6) ||
	    !tri_ok(d->domain_local_only) || !tri_ok(d->domain_register) ||
	    !tri_ok(d->dns_enable) || !tri_ok(d->forward_plain_names))
		vfail(v, 0, "invalid yes/no value");
	if (d->n_forward_ifs > NETDEF_MAX_FWD_IFS)
		vfail(v, l, "too many <forward><interface>");
	if (d->mode == NETDEF_MODE_ISOLATED && (d->forward_dev[0] || d->n_forward_ifs))
		vfail(v, l, "forward dev '%s' needs a <forward> mode", d->forward_dev);
	if (d->n_port_forwards && d->mode != NETDEF_MODE_NAT)
		vfail(v, l, "<portForward> requires <forward mode='nat'>");
	validate_nat(v);
	if (d->mode == NETDEF_MODE_NAT || d->mode == NETDEF_MODE_ROUTE || d->mode == NETDEF_MODE_OPEN) {
		if (!v->w.n_ips)
			vfail(v, l, "forward mode '%s' requires an <ip>", netdef_mode_name(d->mode));
		/* a list: the uplink is its first device that exists and is up
		 * (netmgr); libvirt writes dev= as the first one */
		if (d->n_forward_ifs && d->forward_dev[0] &&
		    strcmp(d->forward_dev, d->forward_ifs[0]))
			vfail(v, l, "<forward dev> is not the first <interface dev>");
	}
	if (d->mode == NETDEF_MODE_BRIDGE)
		validate_bridge_mode(v);
}

static int unicast4(struct in_addr a)
{
	uint32_t x = ntohl(a.s_addr);

	return (x >> 24) != 0 && (x >> 24) != 127 && x < 0xe0000000;
}

static int unicast6(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) && !IN6_IS_ADDR_MULTICAST(a) &&
	       !IN6_IS_ADDR_V4MAPPED(a);
}

static void validate_one_ip(struct vctx *v, size_t i)
{
	const struct netdef_ip *ip = &v->w.ips[i];
	char a[INET6_ADDRSTRLEN];
	unsigned l = LNI(ip, i);

	if (ip->netmask_given < 0 || ip->netmask_given > 2 || !tri_ok(ip->local_ptr) ||
	    !str_ok(ip->tftp_root, sizeof(ip->tftp_root), 0)) {
		vfail(v, l, "invalid <ip> fields");
		return;
	}
	if (ip->family == AF_INET6) {
		if (ip->prefix < 8 || ip->prefix > 128)
			vfail(v, l, "invalid prefix /%u in <ip> (8..128)", ip->prefix);
		else if (!unicast6(&ip->addr6))
			vfail(v, l, "invalid <ip address='%s'> (not a unicast address)",
			      ip6(&ip->addr6, a));
		if (ip->tftp_root[0])
			vfail(v, l, "<tftp> is only valid in an IPv4 <ip>");
		return;
	}
	if (ip->family != AF_INET) {
		vfail(v, l, "invalid <ip> family %d", ip->family);
		return;
	}
	if (ip->prefix < 8 || ip->prefix > 30)
		vfail(v, l, "invalid prefix /%u in <ip> (8..30)", ip->prefix);
	else if (!unicast4(ip->addr4))
		vfail(v, l, "invalid <ip address='%s'> (not a unicast address)", ip4(ip->addr4, a));
	else if (!host_ok4(ip, ip->addr4))
		vfail(v, l, "<ip address='%s'> is the network or broadcast address of /%u",
		      ip4(ip->addr4, a), ip->prefix);
	if (ip->tftp_root[0] && (ip->tftp_root[0] != '/' || strstr(ip->tftp_root, "/..")))
		vfail(v, l, "<tftp root> must be an absolute path without '..'");
}

static void validate_ips(struct vctx *v)
{
	const struct netdef *d = v->def;
	const struct view *w = &v->w;
	char a[INET6_ADDRSTRLEN];
	int dhcp4 = 0, dhcp6 = 0;
	size_t i, j;

	if (d->n_ips > NETDEF_MAX_IPS) {
		vfail(v, 0, "too many <ip>");
		return;
	}
	for (i = 0; i < w->n_ips; i++) {
		struct netdef_addr x = ipaddr(&w->ips[i]);

		validate_one_ip(v, i);
		int *seen = w->ips[i].family == AF_INET6 ? &dhcp6 : &dhcp4;

		if (w->ips[i].has_dhcp && (*seen)++)
			vfail(v, LNI(ip, i), "a second %s <ip> with <dhcp>: libvirt allows one per "
					     "family", w->ips[i].family == AF_INET6 ? "IPv6" : "IPv4");
		for (j = 0; j < i; j++) {
			struct netdef_addr y = ipaddr(&w->ips[j]);

			if (x.family == y.family && !addr_cmp(&x, &y))
				vfail(v, LNI(ip, i), "duplicate <ip address='%s'>", addr_str(&x, a));
		}
	}
}

/* The <ip> holding the family's <dhcp> (NULL: none). */
static const struct netdef_ip *dhcp_ip(const struct vctx *v, int family)
{
	size_t i;

	for (i = 0; i < v->w.n_ips; i++)
		if (v->w.ips[i].family == family && v->w.ips[i].has_dhcp)
			return &v->w.ips[i];
	return NULL;
}

static void validate_lease(struct vctx *v, unsigned l, const struct netdef_lease *ls)
{
	if (!ls->set)
		return;
	if (ls->unit > NETDEF_UNIT_HOURS)
		vfail(v, l, "invalid <lease> unit");
	else if (ls->expiry && netdef_lease_secs(ls) < 60)
		vfail(v, l, "lease time %u s is below 60 s", netdef_lease_secs(ls));
}

static void validate_ranges(struct vctx *v, int family)
{
	const struct netdef *d = v->def;
	int v6 = family == AF_INET6;
	size_t n = v6 ? d->n_ranges6 : v->w.n_ranges, i, j;
	const struct netdef_range *rg = v6 ? d->ranges6 : v->w.ranges;
	const struct netdef_ip *ip = dhcp_ip(v, family);
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN];

	if (n > NETDEF_MAX_RANGES) {
		vfail(v, 0, "too many <range>");
		return;
	}
	for (i = 0; i < n; i++) {
		const struct netdef_range *r = &rg[i];
		unsigned l = v6 ? LNI(range6, i) : LNI(range, i);
		struct netdef_addr gw;

		if (!ip) {
			vfail(v, l, "<range> outside an <ip><dhcp>");
			return;
		}
		gw = ipaddr(ip);
		validate_lease(v, l, &r->lease);
		if (r->start.family != family || r->end.family != family) {
			vfail(v, l, "<range> of the wrong address family");
			continue;
		}
		if (!addr_in(ip, &r->start) || !addr_in(ip, &r->end) ||
		    (!v6 && (!host_ok4(ip, r->start.v4) || !host_ok4(ip, r->end.v4)))) {
			vfail(v, l, "<range start='%s' end='%s'> is not inside %s/%u",
			      addr_str(&r->start, a), addr_str(&r->end, b), addr_str(&gw, c), ip->prefix);
			continue;
		}
		if (addr_cmp(&r->start, &r->end) > 0) {
			vfail(v, l, "<range> start %s is after end %s", addr_str(&r->start, a),
			      addr_str(&r->end, b));
			continue;
		}
		if (addr_cmp(&gw, &r->start) >= 0 && addr_cmp(&gw, &r->end) <= 0)
			vfail(v, l, "<range> contains the gateway %s", addr_str(&gw, a));
		for (j = 0; j < i; j++)
			if (rg[j].start.family == family && addr_cmp(&r->start, &rg[j].end) <= 0 &&
			    addr_cmp(&rg[j].start, &r->end) <= 0)
				vfail(v, l, "<range start='%s' end='%s'> overlaps another <range>",
				      addr_str(&r->start, a), addr_str(&r->end, b));
	}
	if (!v6 && !d->n_ranges && d->lease_secs && d->lease_secs != NETDEF_LEASE_INFINITE &&
	    d->lease_secs < 60)
		vfail(v, LNI(range, 0), "lease time %u s is below 60 s", d->lease_secs);
}

static int mac_unicast(const uint8_t *m)
{
	return !(m[0] & 1) && (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
}

static void validate_host(struct vctx *v, size_t i)
{
	const struct netdef *d = v->def;
	const struct netdef_host *h = &d->hosts[i];
	const struct netdef_ip *ip = dhcp_ip(v, AF_INET);
	unsigned l = LNI(host, i);
	char a[INET6_ADDRSTRLEN], q[NETDEF_NAME_MAX];
	size_t j;

	if (!ip) {
		vfail(v, l, "<host> outside an IPv4 <ip><dhcp>");
		return;
	}
	if (!str_ok(h->name, sizeof(h->name), 0) || (h->name[0] && !name_ok(h->name, sizeof(h->name))))
		vfail(v, l, "invalid name in <host ip='%s'>", ip4(h->ip, a));
	if (!h->has_mac && !h->name[0])
		vfail(v, l, "<host> needs a mac or a name");
	if (h->has_mac && !mac_unicast(h->mac))
		vfail(v, l, "<host ip='%s'> has a multicast or zero MAC", ip4(h->ip, a));
	if (h->has_ip && (!host_ok4(ip, h->ip) || h->ip.s_addr == ip->addr4.s_addr))
		vfail(v, l, "<host ip='%s'> is not a free address inside the subnet", ip4(h->ip, a));
	validate_lease(v, l, &h->lease);
	for (j = 0; j < i; j++) {
		const struct netdef_host *o = &d->hosts[j];

		if (h->has_mac && o->has_mac && !memcmp(o->mac, h->mac, 6))
			vfail(v, l, "duplicate MAC in <host ip='%s'>", ip4(h->ip, a));
		if (h->has_ip && o->has_ip && o->ip.s_addr == h->ip.s_addr)
			vfail(v, l, "duplicate <host ip='%s'>", ip4(h->ip, a));
		if (!h->has_mac && h->name[0] && !strcmp(h->name, o->name) && !o->has_mac)
			vfail(v, l, "duplicate <host name='%s'>", printable(h->name, q));
	}
}

static void validate_host6(struct vctx *v, size_t i)
{
	const struct netdef *d = v->def;
	const struct netdef_host6 *h = &d->hosts6[i];
	const struct netdef_ip *ip = dhcp_ip(v, AF_INET6);
	unsigned l = LNI(host6, i);
	struct netdef_addr x = { .family = AF_INET6, .v6 = h->ip };
	char a[INET6_ADDRSTRLEN];
	size_t j;

	if (!ip) {
		vfail(v, l, "IPv6 <host> outside an IPv6 <ip><dhcp>");
		return;
	}
	if (!str_ok(h->id, sizeof(h->id), 0) || !str_ok(h->name, sizeof(h->name), 0) ||
	    (h->name[0] && !name_ok(h->name, sizeof(h->name))))
		vfail(v, l, "invalid id or name in IPv6 <host>");
	if (!h->id[0] && !h->name[0])
		vfail(v, l, "an IPv6 <host> needs an id (DUID) or a name");
	if (h->has_ip && (!addr_in(ip, &x) || !memcmp(&h->ip, &ip->addr6, 16)))
		vfail(v, l, "<host ip='%s'> is not a free address inside the subnet", ip6(&h->ip, a));
	validate_lease(v, l, &h->lease);
	for (j = 0; j < i; j++) {
		if (h->id[0] && !strcmp(h->id, d->hosts6[j].id))
			vfail(v, l, "duplicate <host id='%.40s'>", h->id);
		if (h->has_ip && d->hosts6[j].has_ip && !memcmp(&h->ip, &d->hosts6[j].ip, 16))
			vfail(v, l, "duplicate <host ip='%s'>", ip6(&h->ip, a));
	}
}

static void validate_dhcp_misc(struct vctx *v)
{
	const struct netdef *d = v->def;
	size_t i;

	if (d->n_hosts > NETDEF_MAX_HOSTS || d->n_hosts6 > NETDEF_MAX_HOSTS6 ||
	    d->n_dhcp_options > NETDEF_MAX_DHCP_OPTIONS) {
		vfail(v, 0, "too many hosts or DHCP options");
		return;
	}
	if ((d->bootp_file[0] || d->n_dhcp_options) && !dhcp_ip(v, AF_INET))
		vfail(v, LN(bootp), "<bootp> and <option> need an IPv4 <dhcp>");
	for (i = 0; i < d->n_dhcp_options; i++) {
		const struct netdef_dhcp_option *o = &d->dhcp_options[i];

		if (!o->code || o->code == 255 || !str_ok(o->value, sizeof(o->value), 0))
			vfail(v, LNI(option, i), "invalid <option number='%u'> (1..254)", o->code);
	}
	for (i = 0; i < d->n_hosts; i++)
		validate_host(v, i);
	for (i = 0; i < d->n_hosts6; i++)
		validate_host6(v, i);
}

static void validate_dns(struct vctx *v)
{
	const struct netdef *d = v->def;
	char a[INET6_ADDRSTRLEN];
	size_t i, j;

	if (d->n_dns_hosts > NETDEF_MAX_DNS_HOSTS || d->n_forwarders > NETDEF_MAX_FORWARDERS ||
	    d->n_srv > NETDEF_MAX_SRV || d->n_txt > NETDEF_MAX_TXT) {
		vfail(v, LN(dns), "too many DNS records or forwarders");
		return;
	}
	for (i = 0; i < d->n_forwarders; i++) {
		const struct netdef_forwarder *f = &d->forwarders[i];
		unsigned l = LNI(forwarder, i);

		if (f->addr.family == AF_INET && !f->addr.v4.s_addr)
			vfail(v, l, "invalid <forwarder addr='0.0.0.0'>");
		if (f->addr.family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&f->addr.v6))
			vfail(v, l, "invalid <forwarder addr='::'>");
		if (!str_ok(f->domain, sizeof(f->domain), 0) || (f->domain[0] && !domain_ok(f->domain)))
			vfail(v, l, "invalid <forwarder domain>");
		if (!f->addr.family && !f->domain[0])
			vfail(v, l, "<forwarder> needs addr, domain or both");
	}
	for (i = 0; i < d->n_dns_hosts; i++) {
		const struct netdef_dns_host *h = &d->dns_hosts[i];
		const char *ipstr = h->family == AF_INET6 ? ip6(&h->ip6, a) : ip4(h->ip, a);

		if (!h->n_names || h->n_names > NETDEF_MAX_DNS_NAMES) {
			vfail(v, LNI(dns_host, i), "<dns><host ip='%s'> needs 1..%d <hostname>", ipstr,
			      NETDEF_MAX_DNS_NAMES);
			continue;
		}
		for (j = 0; j < h->n_names; j++)
			if (!name_ok(h->names[j], NETDEF_NAME_MAX))
				vfail(v, LNI(dns_host, i), "invalid <hostname> in <dns><host ip='%s'>",
				      ipstr);
	}
	for (i = 0; i < d->n_srv; i++) {
		const struct netdef_srv *s = &d->srv[i];
		unsigned l = LNI(srv, i);

		if (!domain_ok2(s->service, sizeof(s->service), 1) || strlen(s->service) > 15)
			vfail(v, l, "invalid <srv service> (a name of up to 15 characters)");
		if (!str_ok(s->protocol, sizeof(s->protocol), 1) ||
		    (strcmp(s->protocol, "tcp") && strcmp(s->protocol, "udp")))
			vfail(v, l, "invalid <srv protocol> (tcp or udp)");
		if (!str_ok(s->domain, sizeof(s->domain), 0) || (s->domain[0] && !domain_ok(s->domain)))
			vfail(v, l, "invalid <srv domain>");
		if (!str_ok(s->target, sizeof(s->target), 0) ||
		    (s->target[0] && strcmp(s->target, ".") &&
		     !domain_ok2(s->target, sizeof(s->target), 0)))
			vfail(v, l, "invalid <srv target>");
		if (s->port > 65535 || s->priority > 65535 || s->weight > 65535)
			vfail(v, l, "invalid <srv> number (0..65535)");
	}
	for (i = 0; i < d->n_txt; i++) {
		const struct netdef_txt *t = &d->txt[i];

		if (!domain_ok2(t->name, sizeof(t->name), 1))
			vfail(v, LNI(txt, i), "invalid <txt name> (a DNS name)");
		if (!str_ok(t->value, sizeof(t->value), 1))
			vfail(v, LNI(txt, i), "<txt> needs a value");
	}
}

static void validate_routes(struct vctx *v)
{
	const struct netdef *d = v->def;
	char a[INET6_ADDRSTRLEN];
	size_t i, j;

	if (d->n_routes > NETDEF_MAX_ROUTES) {
		vfail(v, 0, "too many <route>");
		return;
	}
	for (i = 0; i < d->n_routes; i++) {
		const struct netdef_route *r = &d->routes[i];
		unsigned l = LNI(route, i), max = r->addr.family == AF_INET6 ? 128 : 32;
		int reach = 0;

		if ((r->addr.family != AF_INET && r->addr.family != AF_INET6) ||
		    r->gateway.family != r->addr.family || r->prefix > max) {
			vfail(v, l, "invalid <route>");
			continue;
		}
		for (j = 0; j < v->w.n_ips; j++)
			if (addr_in(&v->w.ips[j], &r->gateway))
				reach = 1;
		if (!reach)
			vfail(v, l, "<route gateway='%s'> is not inside any <ip> subnet of the network",
			      addr_str(&r->gateway, a));
	}
}

/* A guest's IPv6 address in ip's prefix: not the host's own address there,
 * not the subnet-router anycast address (the host part zero). */
static int host_ok6(const struct netdef_ip *ip, const struct in6_addr *a)
{
	struct in6_addr h = *a;
	unsigned i, p = ip->prefix;

	if (ip->family != AF_INET6 || !in_subnet6(&ip->addr6, ip->prefix, a) ||
	    IN6_ARE_ADDR_EQUAL(a, &ip->addr6))
		return 0;
	for (i = 0; i < 16 && p; i++) {	/* keep the host part only */
		unsigned bits = p >= 8 ? 8 : p;

		h.s6_addr[i] &= (uint8_t)~(0xff << (8 - bits));
		p -= bits;
	}
	return !IN6_IS_ADDR_UNSPECIFIED(&h);
}

/* to= inside one of the network's <ip>s of its family; an IPv6 one needs
 * NAT66 (its port is the uplink's global IPv6 address's). */
static void validate_forward_to(struct vctx *v, unsigned l, const struct netdef_port_forward *pf)
{
	char a[INET6_ADDRSTRLEN];
	int inside = 0, six = pf->family == AF_INET6;

	for (size_t j = 0; j < v->w.n_ips; j++) {
		const struct netdef_ip *ip = &v->w.ips[j];

		if (six ? host_ok6(ip, &pf->guest_ip6)
			: ip->family == AF_INET && host_ok4(ip, pf->guest_ip) &&
				  pf->guest_ip.s_addr != ip->addr4.s_addr)
			inside = 1;
	}
	if (six)
		ip6(&pf->guest_ip6, a);
	else
		ip4(pf->guest_ip, a);
	if (!inside)
		vfail(v, l, "<portForward to='%s'> is not a guest address inside the subnet", a);
	else if (six && v->def->nat_ipv6 != NETDEF_YES)
		vfail(v, l, "<portForward to='%s'> (IPv6) needs <nat ipv6='yes'>", a);
}

static void validate_port_forward(struct vctx *v, size_t i)
{
	const struct netdef *d = v->def;
	const struct netdef_port_forward *pf = &d->port_forwards[i];
	unsigned l = LNI(pf, i), end = pf->host_port_end ? pf->host_port_end : pf->host_port;
	size_t j;

	if (pf->proto != IPPROTO_TCP && pf->proto != IPPROTO_UDP) {
		vfail(v, l, "invalid <portForward> protocol %u", pf->proto);
		return;
	}
	if (!pf->host_port || !pf->guest_port)
		vfail(v, l, "<portForward port='%u'> needs nonzero ports", pf->host_port);
	if (end < pf->host_port)
		vfail(v, l, "<portForward port='%u' portEnd='%u'>: portEnd is below port",
		      pf->host_port, pf->host_port_end);
	else if ((unsigned)pf->guest_port + (end - pf->host_port) > 65535)
		vfail(v, l, "<portForward toPort='%u'> range goes past 65535", pf->guest_port);
	if (pf->family != 0 && pf->family != AF_INET && pf->family != AF_INET6) {
		vfail(v, l, "invalid <portForward> address family %d", pf->family);
		return;
	}
	validate_forward_to(v, l, pf);
	/* one forward per host port and family: the uplink's IPv4 and IPv6
	 * addresses are two places a port may go (a dual-stack forward) */
	for (j = 0; j < i; j++) {
		const struct netdef_port_forward *o = &d->port_forwards[j];
		unsigned oend = o->host_port_end ? o->host_port_end : o->host_port;

		if (o->proto == pf->proto && (o->family == AF_INET6) == (pf->family == AF_INET6) &&
		    pf->host_port <= oend && o->host_port <= end)
			vfail(v, l, "duplicate <portForward proto='%s' port='%u'>",
			      pf->proto == IPPROTO_TCP ? "tcp" : "udp", pf->host_port);
	}
}

static void validate_policy(struct vctx *v, unsigned l, const struct netdef_policy *p,
			    const char *where)
{
	const struct netdef_bw *in = &p->bw.in, *out = &p->bw.out;

	if ((unsigned)p->filter > NETDEF_FILTER_STRICT || !tri_ok(p->isolated))
		vfail(v, l, "invalid policy values in %s", where);
	if (!str_ok(p->acl_in, sizeof(p->acl_in), 0) || !str_ok(p->acl_out, sizeof(p->acl_out), 0) ||
	    (p->acl_in[0] && !name_ok(p->acl_in, sizeof(p->acl_in))) ||
	    (p->acl_out[0] && !name_ok(p->acl_out, sizeof(p->acl_out))))
		vfail(v, l, "invalid ACL name in %s (1-63 of A-Z a-z 0-9 _ . -)", where);
	if (out->floor)
		vfail(v, l, "<outbound floor> is not allowed (floor is inbound only)");
	if ((in->peak && in->average && in->peak < in->average) ||
	    (out->peak && out->average && out->peak < out->average))
		vfail(v, l, "<bandwidth> peak is below average in %s", where);
	if ((!in->average && (in->peak || in->burst)) || (!out->average && (out->peak || out->burst)))
		vfail(v, l, "<bandwidth> peak and burst need an average in %s", where);
}

static void validate_guest_policy(struct vctx *v)
{
	const struct netdef *d = v->def;
	char a[INET6_ADDRSTRLEN];
	int dflt = 0;
	size_t i, j, k;

	if (d->n_portgroups > NETDEF_MAX_PORTGROUPS || d->n_ports > NETDEF_MAX_PORTS ||
	    d->n_host_services > NETDEF_MAX_HOST_SERVICES) {
		vfail(v, 0, "too many portgroups, ports or host services");
		return;
	}
	validate_policy(v, LN(network), &d->policy, "<network>");
	if ((unsigned)d->host_access > NETDEF_HOST_NONE)
		vfail(v, LN(host_access), "invalid <vnet:hostAccess> mode");
	if (d->n_host_services && d->host_access != NETDEF_HOST_SERVICES)
		vfail(v, LN(host_access), "<vnet:service> needs <vnet:hostAccess mode='services'>");
	for (i = 0; i < d->n_host_services; i++)
		if ((d->host_services[i].proto != IPPROTO_TCP &&
		     d->host_services[i].proto != IPPROTO_UDP) || !d->host_services[i].port)
			vfail(v, LN(host_access), "invalid <vnet:service>");
	for (i = 0; i < d->n_portgroups; i++) {
		const struct netdef_portgroup *pg = &d->portgroups[i];
		unsigned l = LNI(portgroup, i);

		if (!name_ok(pg->name, sizeof(pg->name)))
			vfail(v, l, "invalid <portgroup name> (1-63 of A-Z a-z 0-9 _ . -)");
		if (pg->is_default && dflt++)
			vfail(v, l, "more than one <portgroup default='yes'>");
		for (j = 0; j < i; j++)
			if (!strcmp(pg->name, d->portgroups[j].name))
				vfail(v, l, "duplicate <portgroup name='%.63s'>", pg->name);
		validate_policy(v, l, &pg->policy, "<portgroup>");
	}
	for (i = 0; i < d->n_ports; i++) {
		const struct netdef_port *p = &d->ports[i];
		unsigned l = LNI(port, i);
		int found = !p->portgroup[0];

		if (!ifname_ok(p->dev))
			vfail(v, l, "invalid <vnet:port dev>");
		if (!str_ok(p->portgroup, sizeof(p->portgroup), 0))
			vfail(v, l, "invalid <vnet:port portgroup>");
		for (j = 0; j < d->n_portgroups && !found; j++)
			found = !strcmp(p->portgroup, d->portgroups[j].name);
		if (!found)
			vfail(v, l, "<vnet:port portgroup='%.63s'>: no such <portgroup>", p->portgroup);
		if (p->has_mac && !mac_unicast(p->mac))
			vfail(v, l, "<vnet:port mac> must be a unicast, nonzero MAC");
		if (p->n_ip4 > NETDEF_MAX_PORT_IPS || p->n_ip6 > NETDEF_MAX_PORT_IPS) {
			vfail(v, l, "too many <vnet:ip>");
			continue;
		}
		for (k = 0; k < p->n_ip4; k++) {
			struct netdef_addr x = { .family = AF_INET, .v4 = p->ip4[k] };
			int in = 0;

			for (j = 0; j < v->w.n_ips; j++)
				in |= addr_in(&v->w.ips[j], &x);
			if (!in)
				vfail(v, l, "<vnet:ip address='%s'> is not inside an <ip> subnet",
				      ip4(p->ip4[k], a));
		}
		for (j = 0; j < i; j++)
			if (!strcmp(p->dev, d->ports[j].dev))
				vfail(v, l, "duplicate <vnet:port dev='%.15s'>", p->dev);
		validate_policy(v, l, &p->policy, "<vnet:port>");
	}
}

static void overlay_fail(void *ctx, unsigned line, const char *msg)
{
	vfail(ctx, line, "%s", msg);
}

int netdef_validate_lines(const struct netdef *def, const struct netdef_lines *ln, char *err,
			  size_t errlen)
{
	struct vctx v = { .def = def, .ln = ln, .err = err, .errlen = errlen };
	size_t i;

	if (err && errlen)
		err[0] = '\0';
	if (def->n_port_forwards > NETDEF_MAX_PORT_FORWARDS || def->n_ips > NETDEF_MAX_IPS ||
	    def->n_ranges > NETDEF_MAX_RANGES || def->n_ranges6 > NETDEF_MAX_RANGES ||
	    def->n_hosts > NETDEF_MAX_HOSTS || def->n_dns_hosts > NETDEF_MAX_DNS_HOSTS ||
	    def->n_forwarders > NETDEF_MAX_FORWARDERS)
		return vfail(&v, 0, "too many hosts, forwarders or port forwards");
	make_view(&v);
	validate_names(&v);
	validate_mode(&v);
	validate_ips(&v);
	validate_ranges(&v, AF_INET);
	validate_ranges(&v, AF_INET6);
	validate_dhcp_misc(&v);
	validate_dns(&v);
	validate_routes(&v);
	for (i = 0; i < def->n_port_forwards; i++)
		validate_port_forward(&v, i);
	validate_guest_policy(&v);
	netdef_validate_overlay(def, ln, overlay_fail, &v);
	return v.bad ? -EINVAL : 0;
}

int netdef_validate(const struct netdef *def, char *err, size_t errlen)
{
	return netdef_validate_lines(def, NULL, err, errlen);
}

int netdef_ula_apply(struct netdef *def)
{
	struct netdef_ip *ip;

	if (!def->ula.enabled || !def->ula.has_prefix)
		return 0;
	for (size_t i = 0; i < def->n_ips && i < NETDEF_MAX_IPS; i++)
		if (def->ips[i].ula)
			return 0;
	if (def->n_ips >= NETDEF_MAX_IPS)
		return -ENOSPC;
	ip = &def->ips[def->n_ips++];
	memset(ip, 0, sizeof(*ip));
	ip->family = AF_INET6;
	ip->addr6 = def->ula.prefix;
	ip->addr6.s6_addr[15] = 1; /* the gateway: PREFIX::1 */
	ip->prefix = 64;
	ip->netmask_given = 0;
	ip->ula = 1;
	return 0;
}
