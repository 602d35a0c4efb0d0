/* SPDX-License-Identifier: GPL-2.0-or-later */
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
#ifndef VNET_PRIVSEP_H
#define VNET_PRIVSEP_H

#include <json-c/json.h>
#include <stdint.h>
#include <sys/types.h>

#include "dhcp_service.h"
#include "loop.h"
#include "metrics_http.h"
#include "netdef.h"
#include "privsep_msg.h"

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
void dns_proxy_lease_bound(struct dns_proxy *p, struct in_addr ip, const uint8_t mac[6],
			   const char *hostname);
void dns_proxy_lease_gone(struct dns_proxy *p, struct in_addr ip);
struct json_object *dns_proxy_counters_json(struct dns_proxy *p);

struct dhcp_proxy *dhcp_proxy_start(const struct netdef *def, uint32_t net_id,
				    const struct dhcp_hooks *hooks, char *err, size_t errlen);
void dhcp_proxy_stop(struct dhcp_proxy *p);
int dhcp_proxy_add_host(struct dhcp_proxy *p, const struct netdef_host *h, char *err,
			size_t errlen);
void dhcp_proxy_port_gone(struct dhcp_proxy *p, int ifindex); /* NULL accepted */
struct json_object *dhcp_proxy_leases_json(struct dhcp_proxy *p);
struct json_object *dhcp_proxy_counters_json(struct dhcp_proxy *p);

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
/* A generation for a new service instance (never 0). */
uint32_t privsep_new_gen(void);

/* ---- the child (privsep_child.c, privsep_sandbox.c) ---- */
#define PRIVSEP_CHILD_ARG "--privsep-child"
int privsep_child_main(int argc, char **argv);
/* chroot, uid/gid, capabilities, no_new_privs, seccomp. 0 or -errno. */
int privsep_sandbox(const char *root, uid_t uid, gid_t gid, char *err, size_t errlen);


#endif
