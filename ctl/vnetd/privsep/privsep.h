/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/privsep/ (one header per folder). */
#ifndef VNET_PRIVSEP_PRIVSEP_H
#define VNET_PRIVSEP_PRIVSEP_H

#include <json-c/json.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/core.h"
#include "dhcp/dhcp.h"
#include "dhcp6/dhcp6.h"
#include "dhcp_service/dhcp_service.h"
#include "dns_service/dns_service.h"
#include "metrics_http/metrics_http.h"
#include "netdef/netdef.h"
#include "vnet_shared.h"

/* The networks a host runs: one slot per data-path net id (1..255,
 * VNET_MAX_NETS in bpf/vnet_shared.h; a pinned map's size, so fixed). The
 * core's (netmgr.h NETMGR_MAX_NETS) and the service child's tables of
 * networks are sized by this one constant. */
#define PRIVSEP_MAX_NETS VNET_MAX_NETS

/* ---- privsep_msg ---- */
/* The messages between vnetd's privileged core and its service child
 * (docs/architecture.md, "Processes"). Every message is one datagram on a
 * SOCK_SEQPACKET socketpair: a header, then a body whose size is fixed by
 * the type; the receiver drops anything whose size is not exactly that.
 * Both sides run the same binary (the child is the core's /proc/self/exe),
 * so the structs below are the wire format. Checking is pure (no I/O):
 * psm_check_from_child() is what the core runs on every message before it
 * touches a map, psm_check_from_core() what the child runs. */
#define PSM_ERR_MAX 200		/* error text in a result, incl. NUL */
#define PSM_MAX_UPSTREAMS 4
#define PSM_MAX_FDS 3		/* descriptors one message may carry */

enum psm_type {
	PSM_NONE,
	/* core -> child */
	PSM_NETDEF,	  /* a network's definition, before its services start */
	PSM_DNS_START,	  /* + UDP and TCP sockets on gw:53, the bridge's packet socket (port 53) */
	PSM_DNS_STOP,	  /* answered by PSM_RESULT */
	PSM_DNS_NAME,	  /* a configured name (host-add) */
	PSM_DNS_LEASE,	  /* a lease's name: bound (with hostname) or gone */
	PSM_DHCP_START,	  /* + the UDP socket on port 67, the bridge's packet socket (port 67) */
	PSM_DHCP_STOP,
	PSM_HOST_ADD,	  /* vnetctl host-add: answered by PSM_RESULT */
	PSM_SNOOP_START,  /* + the AF_PACKET socket of a bridge-mode network */
	PSM_SNOOP_STOP,
	PSM_COUNTERS_REQ,
	PSM_METRICS_START, /* + the metrics listening socket */
	PSM_METRICS_TEXT,  /* + a memfd holding the rendered text */
	PSM_PING,
	PSM_ORIGIN,	  /* answer to ORIGIN_REQ */
	PSM_PORT_GONE,	  /* a port of the network was removed */
	/* child -> core */
	PSM_RESULT,	  /* answer to DNS_START, DHCP_START, HOST_ADD */
	PSM_LEASE,	  /* a lease bound or gone (struct dhcp_hooks) */
	PSM_SNOOP_ACK,	  /* a LAN DHCPACK seen on a bridge-mode network */
	PSM_COUNTERS,
	PSM_METRICS_REQ,  /* an HTTP client wants /metrics */
	PSM_PONG,
	PSM_ORIGIN_REQ,	  /* which port did a DHCP client's request come in on? */
	/* core -> child, later additions */
	PSM_TFTP_START,	  /* + the UDP socket on gw:69 and the root directory (O_PATH) */
	PSM_TFTP_STOP,
	PSM_DHCP6_START,  /* + the UDP socket on the bridge's port 547 */
	PSM_DHCP6_STOP,
	/* child -> core, later additions */
	PSM_LEASE6,	  /* a DHCPv6 lease bound or gone */
	/* core -> child, later additions */
	PSM_DNS_LEASE6,	  /* a DHCPv6 lease's name: bound (with hostname) or gone */
	PSM_DNS_LISTEN,	  /* + UDP and TCP sockets on an IPv6 address's port 53 */
	PSM_DNS_PEER_LISTEN, /* <vnet:overlay>: + UDP socket on the VTEP address's port 53 */
	PSM_DNS_PEER_ASK, /* <vnet:overlay>: ask the other hosts for a remote guest's name */
	PSM_TYPE_MAX
};

struct psm_hdr {
	uint16_t type;
	uint16_t n_fds;	 /* descriptors attached (SCM_RIGHTS) */
	uint32_t len;	 /* of the whole message, header included */
};

/* A network's service instance: net id + the generation the core gave
 * that start, so a message of an earlier instance (a stop raced it) is
 * told apart from a lie. */
struct psm_inst {
	uint32_t net_id;
	uint32_t gen;
};

struct psm_netdef {
	struct psm_hdr h;
	uint32_t net_id;
	uint32_t pad;
	struct netdef def;
};

struct psm_dns_start {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t seq;
	uint32_t n_ups;
	struct sockaddr_storage ups[PSM_MAX_UPSTREAMS]; /* IPv4 or IPv6 */
};

/* SNOOP_START */
struct psm_net {
	struct psm_hdr h;
	struct psm_inst in;
};

struct psm_dns_name {
	struct psm_hdr h;
	struct psm_inst in;
	struct in_addr ip;
	uint32_t del;	/* 1: remove the name */
	char name[NETDEF_NAME_MAX];
};

struct psm_dns_lease {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t bound;
	struct in_addr ip;
	uint8_t mac[6];
	uint8_t pad[2];
	char hostname[NETDEF_NAME_MAX]; /* "" for none */
};

struct psm_dns_lease6 {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t bound;
	uint8_t mac[6];	  /* the link-layer address in the lease's DUID, */
	uint8_t has_mac;  /* when it holds one (dns_duid_mac) */
	uint8_t pad;
	struct in6_addr ip;
	char hostname[NETDEF_NAME_MAX]; /* "" for none */
};

struct psm_dhcp_start {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t seq;
	int32_t ifindex;  /* the bridge (the source of replies) */
};

struct psm_host_add {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t seq;
	uint32_t del;	/* 1: remove the host with host.mac (host-del, net-update delete) */
	struct netdef_host host;
};

/* COUNTERS_REQ, the stops (answered by RESULT: the service and its
 * sockets are gone when the core opens new ones), METRICS_START, PING, PONG */
struct psm_seq {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t seq;
	uint32_t pad;
};

struct psm_dhcp6_start {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t seq;
	uint8_t mac[6];	  /* the bridge's: the server's DUID-LL */
	uint8_t pad[2];
};

struct psm_lease6 {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t bound;	  /* 1 bound/renewed, 0 released/expired/declined */
	uint32_t iaid;
	struct in6_addr ip;
	int64_t expires;  /* wall-clock seconds, 0 = never */
	char duid[DHCP6_DUID_MAX * 3]; /* colon hex */
	char hostname[NETDEF_NAME_MAX];
};

/* TFTP_START: struct psm_seq (the instance and the start's seq), with
 * two descriptors. TFTP_STOP: struct psm_seq. */

struct psm_metrics_text {
	struct psm_hdr h;
	uint32_t req_id;
	uint32_t len;	  /* bytes of text in the attached memfd */
};

struct psm_result {
	struct psm_hdr h;
	uint32_t seq;
	int32_t rc;	  /* 0 or -errno */
	char err[PSM_ERR_MAX];
};

struct psm_lease {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t bound;	  /* 1 bound/renewed, 0 released/expired */
	uint32_t is_static;
	uint8_t mac[6];
	uint8_t pad[2];
	struct in_addr ip;
	int32_t ifindex;  /* bound: the port the exchange came in on; 0 = not known */
	uint32_t pad2;
	int64_t expires;  /* wall-clock seconds, 0 = static/infinite */
	char hostname[NETDEF_NAME_MAX];
};

struct psm_snoop_ack {
	struct psm_hdr h;
	struct psm_inst in;
	int32_t ifindex;  /* where the ACK was seen (sockaddr_ll) */
	uint32_t pkttype; /* PACKET_HOST, PACKET_OUTGOING, ... */
	uint8_t mac[6];	  /* chaddr */
	uint8_t pad[2];
	struct in_addr ip; /* yiaddr */
	uint32_t lease_secs; /* 0xffffffff infinite */
	uint32_t pad2;
};

struct psm_counters {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t seq;
	uint32_t has_dhcp, has_dns;
	uint32_t has_dhcp6;
	struct dhcp_counters dhcp;
	uint64_t dhcp_active;
	struct dns_counters dns;
	struct dns_gauges dns_gauges;
	struct dhcp6_counters dhcp6;
};

/* The port program notes each DHCP request's port (dhcp_seen_map); only
 * the core reads the maps. The child asks per request and waits for the
 * answer (PRIVSEP_ORIGIN_MS at most; then the request is dropped as from
 * an unknown port). */
struct psm_origin_req {
	struct psm_hdr h;
	struct psm_inst in;
	uint32_t seq;
	uint8_t mac[6];
	uint8_t v6;	   /* 1: a DHCPv6 message from link-local ip6 (issue 18.5) */
	uint8_t pad;
	struct in6_addr ip6;
};

struct psm_origin {
	struct psm_hdr h;
	uint32_t seq;
	uint32_t port;	   /* ifindex; 0 = not known */
	uint32_t max_macs;
	uint32_t pad;
};

struct psm_port_gone {
	struct psm_hdr h;
	struct psm_inst in;
	int32_t ifindex;
	uint32_t pad;
};

struct psm_metrics_req {
	struct psm_hdr h;
	uint32_t req_id;
	uint32_t pad;
	struct metrics_http_counters http;
};

/* The largest message (the receive buffer's size). */
#define PSM_MAX sizeof(struct psm_netdef)

/* Expected size of a message of this type; 0 for an unknown type. */
size_t psm_size(unsigned type);
const char *psm_type_name(unsigned type);
/* Fill the header of a message of this type (its len = psm_size). */
void psm_init(void *msg, unsigned type);
/* The request a reply answers (RESULT, COUNTERS, PONG); 0 otherwise. */
uint32_t psm_reply_seq(const void *msg);

/* What the core knows of one network's service instances, for checking a
 * child's message: filled by the core's lookup callback. */
struct psm_net_view {
	uint32_t dhcp_gen;   /* 0: no DHCP service running */
	uint32_t snoop_gen;  /* 0: not snooping */
	uint32_t dns_gen;    /* 0: no DNS service */
	struct in_addr ip;   /* gateway */
	unsigned prefix;
};
typedef int (*psm_lookup_fn)(void *ctx, uint32_t net_id, struct psm_net_view *v);

/* Verdicts: OK; STALE (an instance that is gone: a race, dropped quietly);
 * BAD (a message no honest child sends: the core restarts the child). */
enum psm_verdict { PSM_OK, PSM_STALE, PSM_BAD };

/* Check a message from the child: size and header, the type is one the
 * child may send, strings NUL-terminated, the network and instance known,
 * a lease's address inside the network's subnet (not its network,
 * broadcast or gateway address), MACs unicast. why: one line on failure. */
enum psm_verdict psm_check_from_child(const void *msg, size_t len, unsigned n_fds,
				      psm_lookup_fn lookup, void *ctx, char *why, size_t whylen);
/* Check a message from the core: size, header, type, descriptors. */
enum psm_verdict psm_check_from_core(const void *msg, size_t len, unsigned n_fds, char *why,
				     size_t whylen);

/* Helpers shared with the services' code. */
int psm_mac_ok(const uint8_t mac[6]);	  /* unicast, not zero */
int psm_in_subnet(struct in_addr a, struct in_addr gw, unsigned prefix); /* a usable host */
int psm_hostname_ok(const char *s, size_t cap); /* "" or a DNS label run */

/* ---- privsep ---- */
/* Privilege separation (docs/architecture.md, "Processes"). vnetd's core
 * keeps netlink, the BPF maps and pins, taps and VDE; everything that parses
 * what guests, the LAN or HTTP clients send (DHCP, DNS, DHCP snooping, the
 * metrics endpoint) runs in one child process without capabilities, under
 * its own uid, chrooted into the lease directory and under a seccomp
 * filter. The core opens the sockets that need privileges and hands them
 * over; the child reports leases and answers queries in the fixed-size
 * messages of privsep_msg.h, each checked before the core acts on it.
 *
 * privsep_core.c: the child's life (spawn, watch, restart) and the channel.
 * privsep_proxy.c: the core's DHCP and DNS services, as proxies.
 * privsep_child.c, privsep_sandbox.c: the child. */
#define PRIVSEP_CALL_MS 2000	   /* a request to the child, at most */
#define PRIVSEP_DEFAULT_USER "vnet-svc" /* dist/vnet.sysusers; else nobody */

struct privsep_config {
	uid_t uid;
	gid_t gid;
	const char *lease_dir;	/* the child's root */
	int metrics_fd;		/* listening socket, or -1 */
	int debug, syslog;
};

/* What the core does with the child's messages (privsep_proxy.c). */
struct privsep_ops {
	psm_lookup_fn lookup;
	void (*on_lease)(void *ctx, const struct psm_lease *m);
	void (*on_snoop_ack)(void *ctx, const struct psm_snoop_ack *m);
	void (*on_result)(void *ctx, const struct psm_result *m); /* unsolicited */
	void (*resend)(void *ctx);   /* a new child: every service again */
	char *(*render_metrics)(void *ctx);
	/* a DHCP request's port (never blocks: a map lookup) */
	void (*origin)(void *ctx, const struct psm_origin_req *q, struct psm_origin *a);
	void *ctx;
};

/* Counters of the separation itself (vnet_privsep_* metrics). */
struct privsep_counters {
	uint64_t starts, crashes, rejected, stale, timeouts, killed;
};

/* Resolve the child's user: NAME, UID or UID:GID; NULL = the default
 * (PRIVSEP_DEFAULT_USER if it exists, else 65534:65534). 0 or -1 + err. */
int privsep_resolve_user(const char *spec, uid_t *uid, gid_t *gid, char *err, size_t errlen);
/* The lease dir belongs to the child: chown it and its files. */
int privsep_own_dir(const char *dir, uid_t uid, gid_t gid, char *err, size_t errlen);

int privsep_start(struct loop *loop, const struct privsep_config *cfg,
		  const struct privsep_ops *ops, char *err, size_t errlen);
void privsep_stop(void);
void privsep_tick(void); /* every second: the child's watchdog */

int privsep_child_up(void);
pid_t privsep_child_pid(void);
uint32_t privsep_seq(void);
/* Queue a message for the child (fds are duplicated). -ENOTCONN while
 * there is no child: the state is sent again when one starts. */
int privsep_send(const void *msg, const int *fds);
/* Send and wait (at most PRIVSEP_CALL_MS, the loop not running) for the
 * answer of type want carrying seq; messages arriving meanwhile are
 * handled as usual. 0, -ENOTCONN, -ETIMEDOUT. */
int privsep_call(const void *msg, const int *fds, unsigned want, uint32_t seq, void *reply);
void privsep_get_counters(struct privsep_counters *out);
/* The core refused what a well-formed message asked for (a lease on a
 * port its exchange did not come in on): counted as rejected, logged. */
void privsep_count_rejected(const char *why);
/* The endpoint's connection counters, as the child last reported them. */
void privsep_http_counters(struct metrics_http_counters *out);

/* ---- the core's services (privsep_proxy.c): the API network.c used to
 * call on the services themselves, now messages to the child ---- */
struct dhcp_proxy;
struct dns_proxy;

struct dns_proxy *dns_proxy_start(const struct netdef *def, uint32_t net_id,
				  const char *resolv_conf, char *err, size_t errlen);
void dns_proxy_stop(struct dns_proxy *p);
void dns_proxy_add_name(struct dns_proxy *p, const char *name, struct in_addr ip);
void dns_proxy_del_name(struct dns_proxy *p, const char *name, struct in_addr ip);
void dns_proxy_lease_bound(struct dns_proxy *p, struct in_addr ip, const uint8_t mac[6],
			   const char *hostname);
void dns_proxy_lease_gone(struct dns_proxy *p, struct in_addr ip);
/* <vnet:overlay> (issue 22): answer the other hosts' name queries on UDP
 * 53 of this host's VTEP address local; ask them for the name of ip, a
 * guest of theirs (the child names it here when one answers). */
int dns_proxy_peer_listen(struct dns_proxy *p, struct in_addr local, char *err, size_t errlen);
void dns_proxy_peer_ask(struct dns_proxy *p, struct in_addr ip, const uint8_t mac[6]);
/* A DHCPv6 lease of network net_id bound (its DUID in colon hex, its
 * hostname) or gone: its name in that network's DNS, if it has one. */
void dns_proxy_lease6(uint32_t net_id, const struct in6_addr *ip, const char *duid,
		      const char *hostname, int bound);
struct json_object *dns_proxy_counters_json(struct dns_proxy *p);

struct dhcp_proxy *dhcp_proxy_start(const struct netdef *def, uint32_t net_id,
				    const struct dhcp_hooks *hooks, char *err, size_t errlen);
void dhcp_proxy_stop(struct dhcp_proxy *p);
/* Remove the static host of h->mac from the running service; 0, -ENOENT. */
int dhcp_proxy_del_host(struct dhcp_proxy *p, const struct netdef_host *h, char *err,
			size_t errlen);
int dhcp_proxy_add_host(struct dhcp_proxy *p, const struct netdef_host *h, char *err,
			size_t errlen);
void dhcp_proxy_port_gone(struct dhcp_proxy *p, int ifindex); /* NULL accepted */
struct json_object *dhcp_proxy_leases_json(struct dhcp_proxy *p);
struct json_object *dhcp_proxy_counters_json(struct dhcp_proxy *p);

/* A network's DHCPv6 server (privsep_dhcp6.c), when its IPv6 <ip> has a
 * <dhcp>. NULL + err on error. */
struct dhcp6_proxy;
/* origin: the port a client's message from its link-local address came
 * in on (the data path's bind6_map; issue 18.5), asked by the child per
 * message; NULL: never known. */
typedef int (*dhcp6_origin_fn)(void *ctx, const struct in6_addr *src, struct dhcp6_origin *o);
struct dhcp6_proxy *dhcp6_proxy_start(const struct netdef *def, uint32_t net_id,
				      dhcp6_origin_fn origin, void *ctx, char *err, size_t errlen);
/* The child's counters of one service instance (privsep_proxy.c): 1 when
 * a new child counted them (the old one's go to a base), 0, -1 none. */
int privsep_proxy_fetch_counters(uint32_t net_id, uint32_t gen, pid_t *ctr_pid,
				 struct psm_counters *c);
/* A service's running total (sum) from privsep_proxy_fetch_counters' r and
 * fresh numbers (NULL: none): base holds what earlier children counted,
 * last the current child's last numbers; all structs of u64s, size bytes. */
void privsep_counters_total(void *base, void *last, const void *fresh, int r, void *sum, size_t size);
/* A port of the network is gone (PSM_PORT_GONE to the DHCPv6 instance). */
void dhcp6_proxy_port_gone(struct dhcp6_proxy *p, int ifindex); /* NULL accepted */
/* The child asks where a DHCPv6 message came in (PSM_ORIGIN_REQ, v6). */
void dhcp6_proxy_origin(const struct psm_origin_req *q, struct psm_origin *a);
/* The server's counters (lib/dhcp6), across child restarts, as JSON. */
struct json_object *dhcp6_proxy_counters_json(struct dhcp6_proxy *p);
void dhcp6_proxy_stop(struct dhcp6_proxy *p); /* NULL accepted */
void dhcp6_proxy_resend_all(void);
/* A lease message from the child, checked by psm_check_from_child. */
void dhcp6_proxy_on_lease(const struct psm_lease6 *m);
/* The network's DHCPv6 leases as a JSON array of {duid, iaid, ip,
 * hostname, expires}; an empty array for NULL. */
struct json_object *dhcp6_proxy_leases_json(const struct dhcp6_proxy *p);

/* A network's TFTP server (<tftp root>), served by the child on the
 * core's socket and root directory. NULL + err on error. */
struct tftp_proxy;
struct tftp_proxy *tftp_proxy_start(const struct netdef *def, uint32_t net_id, char *err,
				    size_t errlen);
void tftp_proxy_stop(struct tftp_proxy *p); /* NULL accepted */
void tftp_proxy_resend_all(void);
/* The IPv4 <ip> with a <tftp root>, or NULL: no TFTP server. */
const struct netdef_ip *tftp_proxy_ip(const struct netdef *def);
/* privsep_proxy.c's start: send, and wait for the child's answer unless
 * async. 0 or -errno with err. */
int privsep_proxy_send_start(void *msg, const int *fds, uint32_t seq, int async,
			     const char *what, const char *net, char *err, size_t errlen);

/* The generation of a running proxy (0 if none), for message checks. */
uint32_t dhcp_proxy_gen(const struct dhcp_proxy *p);
uint32_t dns_proxy_gen(const struct dns_proxy *p);
/* A new child: every proxy's service again (DNS first: DHCP's lease
 * events add names to it). */
void dns_proxy_resend(struct dns_proxy *p);
void dhcp_proxy_resend(struct dhcp_proxy *p);
void privsep_proxy_resend(void);
/* A checked lease message: the mirror, then the proxy's hooks. */
void privsep_proxy_on_lease(const struct psm_lease *m);
/* Where a DHCP client's request came in, by the proxy's origin hook
 * (network.c); "not known" for an instance that is not the current one. */
void privsep_proxy_origin(const struct psm_origin_req *q, struct psm_origin *a);
/* The answer to a resent DHCP start; 1 if it was one. */
int dhcp_proxy_on_result(const struct psm_result *r);
/* What the proxies of a network know, for psm_check_from_child (the
 * caller adds snoop_gen). 0, or -1 if the network has no proxy. */
int privsep_proxy_view(uint32_t net_id, struct psm_net_view *v);
/* Stop a service in the child and wait until it closed its sockets (a
 * restart binds the same ports). type: PSM_DNS_STOP, DHCP_STOP, SNOOP_STOP. */
void privsep_stop_service(unsigned type, uint32_t net_id, uint32_t gen);
/* A network's definition to the child, before a start of its services. */
void privsep_send_netdef(uint32_t net_id, const struct netdef *def);
/* The DHCP slice of a <vnet:overlay> network on this host (issue 22): the
 * definition sent to the child keeps only slice index of count of the
 * IPv4 ranges (netdef_dhcp_partition); count 0 clears it. */
void privsep_set_dhcp_slice(uint32_t net_id, unsigned index, unsigned count);
/* A generation for a new service instance (never 0). */
uint32_t privsep_new_gen(void);

/* ---- the child (privsep_child.c, privsep_sandbox.c) ---- */
#define PRIVSEP_CHILD_ARG "--privsep-child"
int privsep_child_main(int argc, char **argv);
/* chroot, uid/gid, capabilities, no_new_privs, seccomp. 0 or -errno. */
int privsep_sandbox(const char *root, uid_t uid, gid_t gid, char *err, size_t errlen);

#endif
