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
#define NETDEF_MAX_FORWARDERS 4
#define NETDEF_MAX_PORT_FORWARDS 256

enum netdef_mode {
	NETDEF_MODE_NAT,      /* <forward mode='nat'/> (also: no mode attr) */
	NETDEF_MODE_ROUTE,    /* <forward mode='route'/> */
	NETDEF_MODE_ISOLATED, /* no <forward> element */
	NETDEF_MODE_BRIDGE,   /* <forward mode='bridge'/>: an existing/shared bridge */
};

/* <dhcp><host mac= ip= name=/> */
struct netdef_host {
	uint8_t mac[6];
	struct in_addr ip;
	char name[NETDEF_NAME_MAX]; /* "" if none */
};

/* <dns><host ip=><hostname>a</hostname>...</host> */
struct netdef_dns_host {
	struct in_addr ip;
	unsigned n_names;
	char names[NETDEF_MAX_DNS_NAMES][NETDEF_NAME_MAX];
};

/* vnet extension: <portForward proto='tcp' port='8080' to='192.168.122.10' toPort='80'/>
 * inside <forward>. */
struct netdef_port_forward {
	uint8_t proto;	      /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t host_port;   /* host byte order */
	struct in_addr guest_ip;
	uint16_t guest_port;  /* host byte order */
};

struct netdef {
	char name[NETDEF_NAME_MAX];
	char uuid[37];			  /* "" if none given; generated on define */
	char bridge[NETDEF_IFNAME_MAX];	  /* <bridge name='vnbr0'/> */
	int stp;			  /* <bridge stp='on'/>, default off */
	unsigned mtu;			  /* <mtu size='1500'/>, 0 = default */
	enum netdef_mode mode;
	char forward_dev[NETDEF_IFNAME_MAX]; /* <forward dev='eth0'/>, "" = default route dev */
	char domain[NETDEF_DOMAIN_MAX];	  /* <domain name='example'/>, "" if none */

	int has_ip;			  /* <ip address= netmask=|prefix=> present */
	struct in_addr ip;		  /* gateway address on the bridge */
	unsigned prefix;		  /* 0..32 */

	int has_dhcp;			  /* <dhcp><range .../></dhcp> present */
	struct in_addr dhcp_start, dhcp_end;
	unsigned lease_secs;		  /* <range><lease expiry='N' unit='seconds|minutes|hours'/>; 0 = default 3600 */

	size_t n_hosts;
	struct netdef_host hosts[NETDEF_MAX_HOSTS];
	size_t n_dns_hosts;
	struct netdef_dns_host dns_hosts[NETDEF_MAX_DNS_HOSTS];
	size_t n_forwarders;
	struct in_addr forwarders[NETDEF_MAX_FORWARDERS]; /* <dns><forwarder addr=/> */
	size_t n_port_forwards;
	struct netdef_port_forward port_forwards[NETDEF_MAX_PORT_FORWARDS];
};

/* Fill *def with the built-in "default" network: bridge vnbr0,
 * 192.168.122.1/24, DHCP .2-.254, NAT. */
void netdef_default(struct netdef *def);

/* Parse XML text. On error returns -EINVAL and writes one line naming the
 * problem (e.g. "unsupported element <bandwidth>") to err. Allocates *ret. */
int netdef_parse_xml(const char *xml, size_t len, struct netdef **ret, char *err, size_t errlen);

/* Serialise to XML (malloc'ed, NUL-terminated); NULL on OOM. The output
 * parses back to an equal struct. */
char *netdef_format_xml(const struct netdef *def);

/* Semantic checks shared by parse and the daemon (gateway inside subnet,
 * range inside subnet and not containing the gateway, hosts inside subnet,
 * name charset [A-Za-z0-9_.-], bridge name length). 0 or -EINVAL + err. */
int netdef_validate(const struct netdef *def, char *err, size_t errlen);

const char *netdef_mode_name(enum netdef_mode m);

/* Helpers */
static inline uint32_t netdef_mask(const struct netdef *d)
{
	return d->prefix ? htonl(~0u << (32 - d->prefix)) : 0;
}

/* ---- netdef_file ---- */
/* Reading a network definition file (NET.xml in vnetd's conf dir, in the
 * user's ~/.config/vnet/networks, or a running user network's copy). */
#define NETDEF_FILE_MAX (1 << 20) /* larger is not a definition */

/* Read and parse path into *ret (allocated). 0; -errno of the read, with
 * err "cannot read PATH: why" (-ENOENT: the caller may have a fallback);
 * or -EINVAL with the parser's one-line message in err. */
int netdef_load_file(const char *path, struct netdef **ret, char *err, size_t errlen);

#endif
