/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of lib/netdef/ (one header per folder). */
#ifndef VNET_NETDEF_NETDEF_H
#define VNET_NETDEF_NETDEF_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* ---- netdef ---- */
/* The network model: one vnet network as defined by (a subset of) libvirt's
 * network XML. Parsed by netdef_xml.c, stored under the config dir, and
 * handed read-only to every service of the network. */
#define NETDEF_NAME_MAX 64   /* network name, host names (incl. NUL) */
#define NETDEF_IFNAME_MAX 16 /* IFNAMSIZ */
#define NETDEF_DOMAIN_MAX 128
#define NETDEF_MAX_HOSTS 1024
#define NETDEF_MAX_DNS_HOSTS 256
#define NETDEF_MAX_DNS_NAMES 8 /* hostnames per <dns><host> */
#define NETDEF_MAX_FORWARDERS 8
#define NETDEF_MAX_PORT_FORWARDS 256
#define NETDEF_MAX_IPS 8	   /* <ip> elements, both families */
#define NETDEF_MAX_RANGES 8	   /* <range>s per <dhcp> */
#define NETDEF_MAX_HOSTS6 256	   /* <dhcp><host> of the IPv6 <ip> */
#define NETDEF_MAX_SRV 64
#define NETDEF_MAX_TXT 64
#define NETDEF_MAX_ROUTES 32
#define NETDEF_MAX_FWD_IFS 16	   /* <forward><interface dev> */
#define NETDEF_MAX_PORTGROUPS 16
#define NETDEF_MAX_PORTS 256	   /* <vnet:port> declared ports */
#define NETDEF_MAX_PORT_IPS 4	   /* declared addresses per port and family */
#define NETDEF_MAX_DHCP_OPTIONS 32 /* <dhcp><option> (vnet extension) */
#define NETDEF_MAX_HOST_SERVICES 16 /* hostAccess='services': extra open ports */
#define NETDEF_MAX_OVERLAY_PEERS 32 /* <vnet:overlay><vnet:peer> */
#define NETDEF_DUID_MAX 132	   /* DUID as colon hex (128 bytes max), incl. NUL */
#define NETDEF_PATH_MAX 256
#define NETDEF_TEXT_MAX 1024	   /* <title>, <description> */
#define NETDEF_METADATA_MAX 8192   /* <metadata> kept verbatim */
#define NETDEF_TXT_MAX 256
#define NETDEF_SRV_TARGET_MAX 256

/* The vnet extension namespace (a libvirt parser ignores these elements,
 * as it does dnsmasq:options): xmlns:vnet='NETDEF_VNET_NS'. */
#define NETDEF_VNET_NS "http://vnet.dev/schemas/network/1.0"

enum netdef_mode {
	NETDEF_MODE_NAT,      /* <forward mode='nat'/> (also: no mode attr) */
	NETDEF_MODE_ROUTE,    /* <forward mode='route'/> */
	NETDEF_MODE_ISOLATED, /* no <forward> element */
	NETDEF_MODE_BRIDGE,   /* <forward mode='bridge'/>: an existing/shared bridge */
	NETDEF_MODE_OPEN,     /* <forward mode='open'/>: routed, no NAT, no filtering by vnet */
};

/* An attribute that may be absent, yes or no: kept as written so that
 * net-dumpxml prints exactly what was given (the round trip). */
enum netdef_tri { NETDEF_UNSET = 0, NETDEF_YES = 1, NETDEF_NO = 2 };

/* An address of either family. */
struct netdef_addr {
	int family; /* AF_INET, AF_INET6; 0 = none */
	struct in_addr v4;
	struct in6_addr v6;
};

/* <lease expiry='N' unit='seconds|minutes|hours'/> as written. */
enum netdef_lease_unit { NETDEF_UNIT_NONE = 0, NETDEF_UNIT_SECONDS, NETDEF_UNIT_MINUTES,
			 NETDEF_UNIT_HOURS };
struct netdef_lease {
	int set;		     /* a <lease> element is present */
	unsigned long expiry;	     /* 0 = infinite (libvirt's expiry='0') */
	enum netdef_lease_unit unit; /* NONE: libvirt's default, minutes */
};
/* A lease time in seconds (lease_secs, netdef_lease_secs()) that means
 * "infinite": DHCP's own infinity (RFC 2131 3.3). */
#define NETDEF_LEASE_INFINITE 0xffffffffu
/* Seconds of a <lease> (expiry times unit; NETDEF_LEASE_INFINITE for 0). */
unsigned netdef_lease_secs(const struct netdef_lease *l);

/* <dhcp><range start end> (either family), its optional <lease>. */
struct netdef_range {
	struct netdef_addr start, end;
	struct netdef_lease lease;
};

/* <dhcp><host mac= ip= name=/> of the IPv4 <ip>. libvirt allows a host by
 * MAC, by name (matched against the client's hostname option), or both. */
struct netdef_host {
	uint8_t mac[6];
	struct in_addr ip;
	char name[NETDEF_NAME_MAX]; /* "" if none */
	int has_mac;		    /* 0: a host by name */
	int has_ip;		    /* 0: name/mac only (lease time or DNS name only) */
	struct netdef_lease lease;  /* <host><lease expiry/></host> */
};

/* <dhcp><host id= name= ip=/> of the IPv6 <ip>: by DUID or by name. */
struct netdef_host6 {
	char id[NETDEF_DUID_MAX];   /* DUID in colon hex, "" if none */
	char name[NETDEF_NAME_MAX]; /* "" if none */
	struct in6_addr ip;
	int has_ip;
	struct netdef_lease lease;
};

/* One <ip> element. The DHCP parts (ranges, hosts, bootp) live at the top
 * level per family: libvirt allows <dhcp> on one <ip> of each family. */
struct netdef_ip {
	int family;		    /* AF_INET or AF_INET6 */
	struct in_addr addr4;	    /* the host's address on the bridge */
	struct in6_addr addr6;
	unsigned prefix;	    /* always the effective prefix */
	int netmask_given;	    /* 0 prefix=, 1 netmask=, 2 neither (libvirt's class
				     * default, IPv6: 64): printed back as written */
	int has_dhcp;		    /* this <ip> holds the family's <dhcp> */
	enum netdef_tri local_ptr;  /* <ip localPtr='yes'> */
	char tftp_root[NETDEF_PATH_MAX]; /* <tftp root='/srv/tftp'/>, "" none */
	int ula;		    /* the automatic ULA's (<vnet:ula>): not printed as an <ip> */
};

/* vnet extension <vnet:ula/> (issue 18.1, RFC 4193): an IPv6 <ip> without
 * choosing a prefix. vnetd gives the network one /64 of the host's random
 * ULA /48 (made once, kept in the state dir) at define and stores it in
 * the definition, printed back as <vnet:ula prefix='fdXX:XXXX:XXXX:SSSS::/64'/>;
 * the network then has the <ip family='ipv6' address='PREFIX::1' prefix='64'>
 * (router advertisements, SLAAC, the DNS proxy on it) marked ula. */
struct netdef_ula {
	int enabled;		/* <vnet:ula> present */
	int has_prefix;		/* prefix= given, or assigned by vnetd */
	struct in6_addr prefix;	/* the /64 (low 64 bits zero) */
};
/* Add the ULA's <ip> to def->ips when def->ula has a prefix and the <ip>
 * is not there yet: 0, -ENOSPC (NETDEF_MAX_IPS <ip>s already). */
struct netdef;
int netdef_ula_apply(struct netdef *def);

/* <dns><host ip=><hostname>a</hostname>...</host> */
struct netdef_dns_host {
	struct in_addr ip;	/* when family is AF_INET (or 0: legacy) */
	struct in6_addr ip6;	/* when family is AF_INET6 */
	int family;		/* 0 means AF_INET (hand-built definitions) */
	unsigned n_names;
	char names[NETDEF_MAX_DNS_NAMES][NETDEF_NAME_MAX];
};

/* <dns><forwarder addr= domain=/>: addr only (an upstream), domain and
 * addr (that domain goes there), domain only (that domain is answered
 * locally only). */
struct netdef_forwarder {
	char domain[NETDEF_DOMAIN_MAX]; /* "" = every name */
	struct netdef_addr addr;	/* family 0 = none */
};

/* <dns><srv service protocol domain target port priority weight/> */
struct netdef_srv {
	char service[NETDEF_NAME_MAX];
	char protocol[16];
	char domain[NETDEF_DOMAIN_MAX]; /* "" = the network's <domain> */
	char target[NETDEF_SRV_TARGET_MAX]; /* as written; "" (absent) and "." mean no service */
	unsigned port, priority, weight;
	int has_port, has_priority, has_weight;
};

/* <dns><txt name value/> */
struct netdef_txt {
	char name[NETDEF_DOMAIN_MAX];
	char value[NETDEF_TXT_MAX];
};

/* <route family address prefix|netmask gateway metric/> */
struct netdef_route {
	struct netdef_addr addr, gateway;
	unsigned prefix;
	int netmask_given;
	unsigned metric;	/* 0 = none given */
};

/* <dhcp><option number value/> (vnet extension: a raw DHCPv4 option). */
struct netdef_dhcp_option {
	uint8_t code;
	char value[NETDEF_TXT_MAX];
};

/* vnet extension: <portForward proto='tcp' port='8080' to='192.168.122.10' toPort='80'/>
 * inside <forward>. A range forwards port..port_end to toPort..(toPort + n).
 * to= may be a guest's IPv6 address (an IPv6 <ip>'s, with <nat ipv6='yes'>):
 * the uplink's global IPv6 address's port, NAT66's (issue 18). */
struct netdef_port_forward {
	uint8_t proto;	      /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t host_port;   /* host byte order */
	struct in_addr guest_ip;
	int family;	      /* AF_INET6: to= is guest_ip6; else (0 too) guest_ip */
	struct in6_addr guest_ip6;
	uint16_t guest_port;  /* host byte order */
	uint16_t host_port_end; /* 0: a single port */
};

/* ---- guest policy (issue 19): network, portgroup and port levels ----
 * A zero field inherits: port <- portgroup <- network <- built-in default. */
enum netdef_filter {
	NETDEF_FILTER_INHERIT = 0,
	NETDEF_FILTER_OFF,    /* no source checks (libvirt's default) */
	NETDEF_FILTER_LEARN,  /* MAC fixed; addresses from DHCP or learned, then locked */
	NETDEF_FILTER_STRICT, /* leases and declared addresses only */
};
#define NETDEF_FILTER_BUILTIN NETDEF_FILTER_LEARN

enum netdef_host_access {
	NETDEF_HOST_INHERIT = 0,
	NETDEF_HOST_ALL,      /* libvirt's behaviour */
	NETDEF_HOST_SERVICES, /* DHCP, DNS, ping, plus host_services[] */
	NETDEF_HOST_NONE,
};
#define NETDEF_HOST_BUILTIN NETDEF_HOST_ALL

/* libvirt's <bandwidth><inbound|outbound average peak burst floor/>:
 * average/peak/floor in kilobytes per second, burst in kilobytes;
 * 0 = not given. floor is inbound only. */
struct netdef_bw {
	uint64_t average, peak, burst, floor;
};
struct netdef_bandwidth {
	struct netdef_bw in, out;
};

struct netdef_policy {
	enum netdef_filter filter;	     /* <vnet:filter mode=/> */
	enum netdef_tri isolated;	     /* <port isolated='yes'/> */
	struct netdef_bandwidth bw;	     /* <bandwidth> */
	char acl_in[NETDEF_NAME_MAX];	     /* <vnet:acl ingress= egress=/>: ACL names, "" none */
	char acl_out[NETDEF_NAME_MAX];
};

/* <portgroup name default> */
struct netdef_portgroup {
	char name[NETDEF_NAME_MAX];
	int is_default;
	struct netdef_policy policy;
};

/* vnet extension: <vnet:port dev='vif1' mac= portgroup=> with <ip address/>
 * children and the policy elements: a port declared in the definition
 * (added when its device exists at net-start or appears later). */
struct netdef_port {
	char dev[NETDEF_IFNAME_MAX];
	uint8_t mac[6];
	int has_mac;
	char portgroup[NETDEF_NAME_MAX];
	unsigned n_ip4, n_ip6;
	struct in_addr ip4[NETDEF_MAX_PORT_IPS];
	struct in6_addr ip6[NETDEF_MAX_PORT_IPS];
	struct netdef_policy policy;
};

/* hostAccess='services': one more open host port. */
struct netdef_host_service {
	uint8_t proto;	/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;	/* host byte order */
};

/* vnet extension (issue 22): one network across hosts, kernel VXLAN with
 * FRR's BGP EVPN as the control plane:
 *   <vnet:overlay vni='100' asn='65000' nat='distributed'>
 *     <vnet:underlay dev='eth0' local='10.99.0.1'/>   (per host; optional here)
 *     <vnet:peer address='10.99.0.2'/>...              (or one route reflector)
 *   </vnet:overlay>
 * The same file is defined on every host: the underlay's local address and
 * device may instead come from vnetd's --underlay-local/--underlay-dev, and
 * a peer equal to the host's own local address is skipped (docs/multi-host.md). */
enum netdef_overlay_nat {
	NETDEF_OVL_NAT_UNSET = 0,   /* written as nothing: distributed */
	NETDEF_OVL_NAT_DISTRIBUTED, /* each host NATs its own guests out of its own uplink */
};
struct netdef_overlay {
	int enabled;			   /* a <vnet:overlay> element is present */
	uint32_t vni;			   /* 1..16777215 */
	uint32_t asn;			   /* 1..4294967295 */
	enum netdef_overlay_nat nat;
	char underlay_dev[NETDEF_IFNAME_MAX]; /* "" none (vnetd's option or the route) */
	struct in_addr local;		   /* 0: none (vnetd's --underlay-local) */
	size_t n_peers;
	struct in_addr peers[NETDEF_MAX_OVERLAY_PEERS];
};

struct netdef {
	char name[NETDEF_NAME_MAX];
	char uuid[37];			  /* "" if none given; generated on define */
	char title[NETDEF_TEXT_MAX];	  /* <title>, "" none */
	char description[NETDEF_TEXT_MAX]; /* <description>, "" none */
	char metadata[NETDEF_METADATA_MAX]; /* <metadata> children, serialised verbatim */
	enum netdef_tri ipv6;		  /* <network ipv6='yes'> */
	enum netdef_tri trust_guest_rx_filters;

	char bridge[NETDEF_IFNAME_MAX];	  /* <bridge name='vnbr0'/> */
	int stp;			  /* <bridge stp='on'/>, default off */
	int stp_given;			  /* stp= was written */
	unsigned delay;			  /* <bridge delay='N'/> seconds */
	int delay_given;
	char mac_table_manager[16];	  /* <bridge macTableManager=>, "" none */
	char zone[NETDEF_NAME_MAX];	  /* <bridge zone=> (firewalld; no meaning for vnet) */
	uint8_t mac[6];			  /* <mac address=/>: the bridge's MAC */
	int has_mac;
	unsigned mtu;			  /* <mtu size='1500'/>, 0 = default */

	enum netdef_mode mode;
	char forward_dev[NETDEF_IFNAME_MAX]; /* <forward dev='eth0'/>, "" = default route dev */
	size_t n_forward_ifs;		  /* <forward><interface dev/> */
	char forward_ifs[NETDEF_MAX_FWD_IFS][NETDEF_IFNAME_MAX];
	int has_nat;			  /* a <nat> element was written */
	struct in_addr nat_addr_start, nat_addr_end; /* <nat><address start end/>, 0 = none */
	uint16_t nat_port_start, nat_port_end; /* <nat><port start end/>, 0 = vnet's ranges */
	enum netdef_tri nat_ipv6;	  /* <nat ipv6='yes'> (NAT66) */

	char domain[NETDEF_DOMAIN_MAX];	  /* <domain name='example'/>, "" if none */
	enum netdef_tri domain_local_only; /* <domain localOnly=> */
	enum netdef_tri domain_register;  /* <domain register=> (kept, no meaning for vnet) */

	/* The primary IPv4 <ip> (the one with <dhcp>, else the first IPv4
	 * one) and its first range, as every consumer reads them; also in
	 * ips[] / ranges[] with the others. */
	int has_ip;			  /* <ip address= netmask=|prefix=> present */
	struct in_addr ip;		  /* gateway address on the bridge */
	unsigned prefix;		  /* 0..32 */
	int has_dhcp;			  /* <dhcp> with a <range> present */
	struct in_addr dhcp_start, dhcp_end;
	unsigned lease_secs;		  /* first range's lease; 0 = default 3600;
					   * NETDEF_LEASE_INFINITE = expiry='0' */

	size_t n_ips;			  /* every <ip>, in document order */
	struct netdef_ip ips[NETDEF_MAX_IPS];
	int has_dhcp4;			  /* an IPv4 <dhcp> element (maybe hosts only) */
	size_t n_ranges;		  /* the IPv4 <dhcp>'s ranges */
	struct netdef_range ranges[NETDEF_MAX_RANGES];
	size_t n_hosts;
	struct netdef_host hosts[NETDEF_MAX_HOSTS];
	char bootp_file[NETDEF_PATH_MAX]; /* <dhcp><bootp file server/>, "" none */
	struct in_addr bootp_server;	  /* 0: this network's gateway */
	size_t n_dhcp_options;
	struct netdef_dhcp_option dhcp_options[NETDEF_MAX_DHCP_OPTIONS];
	int has_dhcp6;			  /* an IPv6 <dhcp> element */
	size_t n_ranges6;
	struct netdef_range ranges6[NETDEF_MAX_RANGES];
	size_t n_hosts6;
	struct netdef_host6 hosts6[NETDEF_MAX_HOSTS6];
	size_t n_routes;
	struct netdef_route routes[NETDEF_MAX_ROUTES];

	enum netdef_tri dns_enable;	  /* <dns enable='no'>: no DNS server */
	enum netdef_tri forward_plain_names; /* <dns forwardPlainNames=> */
	size_t n_dns_hosts;
	struct netdef_dns_host dns_hosts[NETDEF_MAX_DNS_HOSTS];
	size_t n_forwarders;
	struct netdef_forwarder forwarders[NETDEF_MAX_FORWARDERS];
	size_t n_srv;
	struct netdef_srv srv[NETDEF_MAX_SRV];
	size_t n_txt;
	struct netdef_txt txt[NETDEF_MAX_TXT];

	size_t n_port_forwards;
	struct netdef_port_forward port_forwards[NETDEF_MAX_PORT_FORWARDS];

	/* guest policy (issue 19) */
	struct netdef_policy policy;	  /* the network's own level */
	enum netdef_host_access host_access; /* <vnet:hostAccess mode=> */
	size_t n_host_services;
	struct netdef_host_service host_services[NETDEF_MAX_HOST_SERVICES];
	size_t n_portgroups;
	struct netdef_portgroup portgroups[NETDEF_MAX_PORTGROUPS];
	size_t n_ports;
	struct netdef_port ports[NETDEF_MAX_PORTS];

	struct netdef_overlay overlay;	  /* <vnet:overlay> (issue 22) */
	struct netdef_ula ula;		  /* <vnet:ula> (issue 18.1) */

	/* Warnings for what is accepted but has no effect in vnet (stp on a
	 * bridge vnet's fast path bypasses, zone...), one per line, printed
	 * by net-define and net-info. Filled by the parser. */
	char warnings[512];
};

/* Fill *def with the built-in "default" network: bridge vnbr0,
 * 192.168.122.1/24, DHCP .2-.254, NAT. */
void netdef_default(struct netdef *def);

/* Parse XML text (libvirt's network format, docs/network-xml.md). On error
 * returns -EINVAL and writes every problem to err, one line each, joined by
 * '\n', prefixed "line N: " with the element's line (e.g. "line 7:
 * unsupported attribute 'foo' in <range>"); a full err ends in "...".
 * Allocates *ret (calloc: no stale bytes, definitions compare by memcmp). */
int netdef_parse_xml(const char *xml, size_t len, struct netdef **ret, char *err, size_t errlen);

/* Serialise to XML (malloc'ed, NUL-terminated); NULL on OOM. The output
 * parses back to an equal struct. */
char *netdef_format_xml(const struct netdef *def);

/* Semantic checks shared by parse and the daemon (addresses inside their
 * <ip>'s subnet, ranges not overlapping nor holding the gateway, one <dhcp>
 * per family, route gateways reachable, names, counts, terminated strings).
 * A hand-built definition may fill only the legacy fields (has_ip/ip/prefix,
 * has_dhcp/dhcp_start/dhcp_end). 0, or -EINVAL with every problem in err,
 * one per line. */
int netdef_validate(const struct netdef *def, char *err, size_t errlen);

const char *netdef_mode_name(enum netdef_mode m);

/* Helpers */
static inline uint32_t netdef_mask(const struct netdef *d)
{
	return d->prefix ? htonl(~0u << (32 - d->prefix)) : 0;
}

/* <vnet:overlay> with DHCP (issue 22): every host serves its own slice of
 * the pool, so no two hosts lease one address without talking. A host's
 * slice: its rank among the peers sorted by address (local must be one of
 * them: -ENOENT otherwise), of as many slices as peers. */
int netdef_overlay_host_index(const struct netdef *def, struct in_addr local, unsigned *index,
			      unsigned *count);
/* Narrow def's IPv4 <range>s to slice index of count (all ranges' addresses
 * in order, cut in nearly equal runs); the legacy dhcp_start/end follow.
 * count 0: unchanged; index >= count: no range left (hosts only). */
void netdef_dhcp_partition(struct netdef *def, unsigned index, unsigned count);

/* ---- netdef_file ---- */
/* Reading a network definition file (NET.xml in vnetd's conf dir, in the
 * user's ~/.config/vnet/networks, or a running user network's copy). */
#define NETDEF_FILE_MAX (1 << 20) /* larger is not a definition */

/* Read and parse path into *ret (allocated). 0; -errno of the read, with
 * err "cannot read PATH: why" (-ENOENT: the caller may have a fallback);
 * or -EINVAL with the parser's one-line message in err. */
int netdef_load_file(const char *path, struct netdef **ret, char *err, size_t errlen);

#endif
