/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/netmgr/ (one header per folder). */
#ifndef VNET_NETMGR_NETMGR_H
#define VNET_NETMGR_NETMGR_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "dhcp_service/dhcp_service.h"
#include "dp/dp.h"
#include "fwd_relay/fwd_relay.h"
#include "aclstore/aclstore.h"
#include "netdef/netdef.h"
#include "privsep/privsep.h"

/* ---- netmgr ---- */
/* The network manager: the set of defined networks, their runtime state
 * (bridge, uplink, ports, services) and the operations vnetctl asks for. */
/* Networks a host defines and runs: one data-path net id each (1..255,
 * PRIVSEP_MAX_NETS - 1); net-info says it (host_net_limit). */
#define NETMGR_MAX_NETS (PRIVSEP_MAX_NETS - 1)
#define NETWORK_MAX_PENDING_BINDS 256

/* A lease whose MAC the data path has not seen on a port yet (ifindex 0),
 * or whose port was removed by port-del and goes back to that same device
 * only when it is added again (ifindex: the device). */
struct pending_bind {
	uint8_t mac[6];
	struct in_addr ip;
	int ifindex;
};

/* What the daemon repaired, or refused to touch, by itself
 * (`vnetctl stats` "repairs", vnet_repairs_*_total). */
struct network_repairs {
	uint64_t forwarding;	   /* IPv4 forwarding turned back on (bridge, uplink) */
	uint64_t bridge_recreated; /* the bridge was deleted by hand */
	uint64_t bridge_not_ours;  /* a device vnet did not create took the bridge's name */
	uint64_t leases_rebound;   /* leases bound again when their port was re-added */
};

struct vnetd_paths {
	const char *conf_dir;	 /* definitions: <conf>/networks/NAME.xml + NAME.meta */
	const char *state_dir;	 /* leases and running state */
	const char *run_dir;	 /* control socket, pid file */
	const char *pin_dir;	 /* bpffs pins */
	const char *resolv_conf; /* upstream resolvers for the DNS proxy */
	/* this host's side of <vnet:overlay> (issue 22); NULL: the definition's
	 * or the default */
	const char *underlay_local; /* --underlay-local: this host's VTEP address */
	const char *underlay_dev;   /* --underlay-dev */
	const char *frr_vty_dir;    /* --frr-vty-dir: the FRR instance vtysh talks to */
	const char *vtysh;	    /* --vtysh: the vtysh binary (default: vtysh in PATH) */
};

struct port {
	char ifname[16];
	int ifindex;
	uint8_t mac[6];
	int has_mac;
	int hook;	/* enum dp_hook_choice (port-add --hook), kept across restarts */
	/* port-add's guest policy (issue 19): --ip, --filter, --isolated,
	 * --portgroup in the shape of a <vnet:port> (dev, mac unused), kept
	 * across restarts; a <vnet:port> of the definition for the same device
	 * fills what it leaves unset (network_port_policy) */
	struct netdef_port decl;
	/* the device's IPv6 before vnetd turned it off (network_port_ipv6_take):
	 * NETWORK_IPV6_ON/OFF, given back at port-del and net-stop; kept across
	 * restarts; 0: not known (a record of an older vnetd), the namespace's
	 * default is given back */
	int ipv6_before;
};
#define NETWORK_IPV6_ON 1
#define NETWORK_IPV6_OFF 2

/* A network's run state. RESUMING: it was running when the previous vnetd
 * stopped (running state on disk); netmgr_init starts it again, adopting
 * what still runs. */
enum network_state { NETWORK_STOPPED, NETWORK_ACTIVE, NETWORK_RESUMING };

struct network {
	struct netmgr *mgr;
	struct netdef *def;
	uint32_t id;	/* stable small id used by the data path */
	int autostart;
	enum network_state state;
	char uplink[16];
	int uplink_ifindex;
	struct in_addr uplink_addr; /* SNAT address the data path was given */
	struct in6_addr uplink_addr6; /* NAT66's (zero: none): IPv6 forwards, their relay */
	int bridge_ifindex;
	/* ports: a growable array (ports.c: network_port_push/_remove_at),
	 * found by name through port_index (open addressing, index + 1; 0:
	 * empty) so port-add/del/find stay O(1) as a network grows; the limit
	 * is the host's (netmgr_port_limit: the data path's port maps) */
	size_t n_ports, cap_ports;
	struct port *ports;
	uint32_t *port_index;
	size_t index_size;	/* a power of two, >= 2 * cap_ports; 0: none yet */
	size_t journal_n;	/* lines in <state>/ports/NAME.journal (netstore.c) */
	struct dhcp_proxy *dhcp;	/* the services run in the child (privsep.h) */
	struct dns_proxy *dns;
	struct tftp_proxy *tftp;	/* <tftp root>, NULL if none */
	struct dhcp6_proxy *dhcp6;	/* the IPv6 <ip>'s <dhcp>, NULL if none */
	struct ra_service *ra;	/* router advertisements (an IPv6 <ip>), NULL if none */
	struct fwd_relay *relay;	/* hairpin: TCP forwards for the host and guests, NULL if none */
	struct fwd_relay *relay6;	/* the same for forwards to guests' IPv6 addresses */
	size_t n_pending;
	struct pending_bind pending[NETWORK_MAX_PENDING_BINDS];
	struct vde_switch *vde;	/* vde-add (vde.c), NULL if none */
	struct share_snoop *snoop; /* bridge mode: DHCP snooping (share_snoop.c) */
	int bridge_legacy;	/* running state of a vnetd that did not mark bridges */
	int bridge_refused;	/* the reconciler found the name taken (logged once) */
	struct network_repairs repairs;
	int transient;		/* net-create, or undefined while active: gone when stopped */
	struct netdef *pending_def; /* net-define of an active network: applies at its next start */
	uint64_t frr_vty_id;	/* <vnet:overlay>: bgpd's vty socket (inode, ctime) when FRR was
				 * last configured; a new one: FRR restarted (overlay.c) */
	struct overlay_fdb *ovf; /* <vnet:overlay>: the remote MACs' mirror (overlay_fdb.c) */
	struct evpn_view *evpn;	/* <vnet:overlay>: other hosts' guests (overlay_evpn.c) */
};

struct netmgr {
	struct loop *loop;
	struct datapath *dp;
	struct vnetd_paths paths;
	size_t n_nets;
	struct network *nets[NETMGR_MAX_NETS];
	struct aclstore acls;	/* named ACLs (aclstore.h) */
	/* net-event: where events go (the control socket's subscribers);
	 * NULL: nowhere. ev is the caller's. */
	void (*on_event)(struct json_object *ev);
};

/* Events for net-event: a network's lifecycle ("defined", "undefined",
 * "started", "stopped") and its leases (bound or gone). */
void netmgr_emit(struct netmgr *m, const char *net, const char *type);
void netmgr_lease_event(struct network *n, const struct dhcp_lease_info *l, int bound);
/* A network spanning hosts: a remote VTEP came ("vtep-up") or went
 * ("vtep-down": its MACs withdrawn), with its address and MACs. */
void netmgr_overlay_event(struct network *n, const char *type, struct in_addr vtep, unsigned macs);
/* Does a port forward of def claim a host port (proto, port) another
 * network's forward claims? active_only: only running networks' (net-start);
 * else every definition's (net-define, forward-add). 0 or -EADDRINUSE. */
int netmgr_forward_conflicts(struct netmgr *m, const struct netdef *def, int active_only,
			     char *err, size_t errlen);
/* net-start: the forwards checked (above), network_start, its event. */
int netmgr_start(struct netmgr *m, struct network *n, char *err, size_t errlen);

/* <vnet:overlay> (overlay.c): the VXLAN device, its bridge port flags and
 * FRR's BGP EVPN configuration; undone by network_overlay_stop. */
int network_overlay_prepare(struct network *n, char *err, size_t errlen);
int network_overlay_start(struct network *n, char *err, size_t errlen);
void network_overlay_stop(struct network *n);
/* The reconciler: an FRR restarted since (a new bgpd vty socket) gets the
 * configuration again. */
void network_overlay_reconcile(struct network *n);
void network_overlay_ifname(const struct network *n, char *buf, size_t len);
/* overlay_evpn.c: the other hosts' guests as EVPN shows them (the bridge's
 * extern_learn neighbours), read each reconciler pass and at port-add:
 * reserved in the DHCP service (a moved guest renews its address here),
 * bound to the port a guest moved to (port-add with its MAC). */
void network_evpn_refresh(struct network *n);
void network_evpn_port_added(struct network *n, int ifindex, const uint8_t *mac);
unsigned network_evpn_remote_guests(const struct network *n);
void network_evpn_free(struct network *n);
/* net-info's overlay lines: VNI, device, VTEP; remote VTEPs and MACs. */
void network_overlay_info(struct json_object *o, const struct network *n);
/* Remote VTEPs and remote MACs zebra installed on the VXLAN device (the
 * metrics); -ENOENT for a network without an overlay or not running. */
int network_overlay_counts(const struct network *n, unsigned *vteps, unsigned *macs);

/* The fast path to remote guests (overlay_fdb.c): network_overlay_sync
 * mirrors the remote MACs zebra installed on the VXLAN device into the
 * data path (and notes the remote VTEPs: one that went away is logged,
 * its MACs withdrawn); netmgr_overlay_sync does it for every network,
 * netmgr_overlay_is_dev tells whether ifindex is an active network's
 * VXLAN device (the fdb events worth a sync). network_overlay_fdb_stop
 * undoes it at net-stop. */
struct overlay_fdb;
void network_overlay_sync(struct network *n);
void netmgr_overlay_sync(struct netmgr *m);
int netmgr_overlay_is_dev(struct netmgr *m, int ifindex);
void network_overlay_fdb_stop(struct network *n);
/* Each remote: the other peers, the VTEPs zebra installed, the VTEPs the
 * data path sent to; up: in the VXLAN device's fdb now; macs behind it;
 * what the port program sent it (bytes on the underlay). */
struct network_remote {
	struct in_addr vtep;
	int up;
	unsigned macs;
	uint64_t tx_packets, tx_bytes;
};
typedef void (*network_remote_fn)(void *ctx, const struct network_remote *r);
int network_overlay_remotes(struct network *n, network_remote_fn fn, void *ctx);
void network_overlay_totals(const struct network *n, unsigned *macs, uint64_t *withdrawn,
			    uint64_t *vteps_gone);
/* net-info's "remotes" line (each remote, its state and counters). */
void network_overlay_remotes_info(struct json_object *o, struct network *n);
/* stats' "overlay" object; NULL for a network without one. */
struct json_object *network_overlay_stats_json(struct network *n);

/* Load the stored definitions (creating "default" on first start) and
 * restart the networks that were running or are marked autostart. */
int netmgr_init(struct netmgr *m, struct loop *loop, struct datapath *dp,
		const struct vnetd_paths *paths);
void netmgr_fini(struct netmgr *m);

struct network *netmgr_find(struct netmgr *m, const char *name);

/* All operations return 0 or -errno and fill err with one line. */
int netmgr_define(struct netmgr *m, const char *xml, size_t len, struct network **ret,
		  char *err, size_t errlen);
/* An active network: removed from the conf dir, it runs on as transient. */
int netmgr_undefine(struct netmgr *m, const char *name, char *err, size_t errlen);
/* net-create: a transient network, started; refused if the name exists. */
int netmgr_create(struct netmgr *m, const char *xml, size_t len, struct network **ret,
		  char *err, size_t errlen);
/* net-stop: network_stop, then a transient network is removed and a
 * pending definition (net-define while active) takes over. */
int netmgr_stop(struct netmgr *m, struct network *n, char *err, size_t errlen);
int netmgr_set_autostart(struct netmgr *m, const char *name, int on, char *err, size_t errlen);
int network_start(struct network *n, char *err, size_t errlen);
int network_stop(struct network *n, char *err, size_t errlen);
/* hook: enum dp_hook_choice (datapath.h); decl: port-add's policy
 * options (NULL: none). */
int network_port_add(struct network *n, const char *ifname, const uint8_t *mac, int hook,
		     const struct netdef_port *decl, char *err, size_t errlen);
int network_port_del(struct network *n, const char *ifname, char *err, size_t errlen);
/* network_port_add without recording the running state (start-up adoption). */
int network_port_attach(struct network *n, const char *ifname, const uint8_t *mac, int hook,
			const struct netdef_port *decl, char *err, size_t errlen);
/* A port's effective policy: port-add's options, else the definition's
 * <vnet:port dev=ifname>, else its portgroup's (named, or the default
 * portgroup), else the network's, else the built-in (learn, not
 * isolated). -ENOENT: a portgroup the network does not have. */
int network_port_policy(const struct network *n, const char *ifname,
			const struct netdef_port *decl, struct dp_port_policy *pol, char *err,
			size_t errlen);
/* <bandwidth> (port_qos.c). "AVG[,PEAK[,BURST[,FLOOR]]]" in kilobytes/s and
 * kilobytes (virsh attach-interface's --inbound/--outbound; FLOOR only if
 * with_floor), -EINVAL if malformed or without an average (bw_parse.c). */
int network_bw_parse(const char *s, int with_floor, struct netdef_bw *bw);
void network_bw_format(const struct netdef_bw *bw, char *buf, size_t len);
/* The limits a port runs with: port-add's (decl), else its declared
 * port's, else its portgroup's, per direction. */
void network_port_bw(const struct network *n, const struct port *p, struct netdef_bandwidth *bw);
int network_port_qos_apply(struct network *n, struct port *p, char *err, size_t errlen);
/* The network's aggregate (its own <bandwidth>). */
int network_qos_apply(struct network *n, char *err, size_t errlen);
int network_host_add(struct network *n, const struct netdef_host *h, char *err, size_t errlen);
int network_forward_add(struct network *n, const struct netdef_port_forward *pf, char *err,
			size_t errlen);
/* host-del: key is the host's MAC or IPv4 address. */
int network_host_del(struct network *n, const char *key, char *err, size_t errlen);
/* The forward that covers host_port (a range: any port of it), or -1. */
long network_forward_find(const struct netdef *d, uint8_t proto, uint16_t host_port);
int network_forward_del(struct network *n, uint8_t proto, uint16_t host_port, char *err,
			size_t errlen);

/* net-start's checks (conflicts.c): the network's subnets are not on the
 * host (addresses, routes) nor in another active network. 0 or
 * -EADDRINUSE with err naming the device or network. */
int network_check_conflicts(struct network *n, char *err, size_t errlen);
/* <nat><address start end>: every address of the range must be the
 * uplink's (found by network_find_uplink); -EADDRNOTAVAIL naming the first
 * that is not. */
int network_check_nat(struct network *n, char *err, size_t errlen);

/* ---- netupdate: net-update (netupdate.c) ---- */
enum nu_op { NU_ADD_LAST, NU_ADD_FIRST, NU_DELETE, NU_MODIFY };
enum nu_section { NU_HOST, NU_RANGE, NU_DNS_HOST, NU_DNS_SRV, NU_DNS_TXT, NU_FWD_IF,
		  NU_PORTGROUP, NU_SECTION_MAX };
#define NU_LIVE 1u   /* the running network */
#define NU_CONFIG 2u /* the stored definition; neither: virsh's --current */
/* One element of a section (which member: the section). */
struct nu_item {
	union {
		struct netdef_host host;
		struct netdef_range range;
		struct netdef_dns_host dns;
		struct netdef_srv srv;
		struct netdef_txt txt;
		char fwd_if[NETDEF_IFNAME_MAX];
		struct netdef_portgroup pg;
	};
};
/* virsh's names: "ip-dhcp-host"...; "add" (= "add-last"), "add-first",
 * "delete", "modify". -1 if unknown. */
int netupdate_section(const char *name);
int netupdate_op(const char *name);
/* Parse one element (xml text) of section s as network d would hold it. */
int netupdate_parse(const struct netdef *d, enum nu_section s, const char *xml,
		    struct nu_item *it, char *err, size_t errlen);
/* Add, delete or modify it in the live network and/or its stored
 * definition (flags NU_LIVE, NU_CONFIG); delete and modify find the
 * element by its key (a host's MAC, else name; a range's bounds; a DNS
 * host's address; a record's name; an interface's or portgroup's name). */
int network_update(struct network *n, enum nu_op op, enum nu_section s, const struct nu_item *it,
		   unsigned flags, char *err, size_t errlen);

/* Is the network routed through an uplink (nat, route, open)? */
static inline bool network_routed(const struct netdef *d)
{
	return d->mode == NETDEF_MODE_NAT || d->mode == NETDEF_MODE_ROUTE ||
	       d->mode == NETDEF_MODE_OPEN;
}

/* Does the network route IPv6 through its uplink (issue 18.4): route and
 * open mode with an IPv6 <ip>, NAT with <nat ipv6='yes'> (NAT66)? */
static inline bool network_routes_ipv6(const struct netdef *d)
{
	bool ip6 = false;

	for (size_t i = 0; i < d->n_ips; i++)
		ip6 |= d->ips[i].family == AF_INET6;
	return ip6 && (d->mode == NETDEF_MODE_ROUTE || d->mode == NETDEF_MODE_OPEN ||
		       (d->mode == NETDEF_MODE_NAT && d->nat_ipv6 == NETDEF_YES));
}

/* Steps of network_start, reused by the reconciler (reconcile.c). */
int network_find_uplink(struct network *n, char *err, size_t errlen);
/* The uplink's name (IFNAMSIZ): <forward dev>, else the first <interface
 * dev> that exists and is up, else the default route's device. -ENODEV: a
 * list without a usable device; -ENOENT: no default route. */
int network_pick_uplink(const struct network *n, char *name);
int network_setup_bridge(struct network *n, char *err, size_t errlen);
/* Does the device named as n's bridge carry vnet's mark for n? */
int network_bridge_is_ours(const struct network *n);
int network_setup_datapath(struct network *n, char *err, size_t errlen);
int network_restart_services(struct network *n, char *err, size_t errlen);

/* Compare what runs with what should (devices gone or recreated, uplink
 * moved or readdressed, bridge deleted by hand) and repair it: every
 * network, every port (one link dump). The periodic pass and a lost event. */
void netmgr_reconcile(struct netmgr *m);
/* What a burst of rtnetlink events named (linkwatch.c collects it): the
 * links by name and index, the devices of address and netconf events by
 * index; all_nets: something every network's uplink may follow (a default
 * route, a netconf default). Full: more than fits (the full pass then). */
#define RECONCILE_MAX_EVENTS 64
struct reconcile_events {
	int all_nets;
	size_t n_links, n_devs;
	struct {
		char name[16];
		int ifindex;
	} links[RECONCILE_MAX_EVENTS];
	int devs[RECONCILE_MAX_EVENTS];
};
/* Reconcile only what the events name (issue 21: a port-add's own events
 * cost O(1), not a dump of every link): a port by a request for its device
 * alone; bridge, uplink and forwarding of the networks whose devices they
 * name (a link a <forward> names counts as an uplink); every network's
 * uplink on a default route change or a netconf default. */
void netmgr_reconcile_events(struct netmgr *m, const struct reconcile_events *ev);
/* Retry lease bindings whose MAC was not yet known to the data path
 * (after a restart with fresh maps, or a lease granted before the guest's
 * port was re-added); called every second. */
void netmgr_retry_binds(struct netmgr *m);
/* port-del: keep the leases bound to the port's device, to bind them again
 * if that same device is added back (network_rebind_port). */
void network_park_binds(struct network *n, int ifindex);
/* port-add: bind the parked leases of this device again (only those of
 * mac if the port was given one); how many were bound. */
int network_rebind_port(struct network *n, int ifindex, const uint8_t *mac);
struct json_object *network_repairs_json(const struct network *n);
/* The hairpin relay's counters (fwd_relay.h), NULL without a relay. */
struct json_object *network_relay_json(const struct network *n);
/* Start the hairpin relay of the network's forwards on its uplink address
 * (again if the address moved); the data path's forwards are written. */
void network_relay_sync(struct network *n);
/* Watch rtnetlink link/address/route events and reconcile after them. */
int linkwatch_start(struct netmgr *m);
void linkwatch_stop(void);
/* SIGHUP: re-read definitions from the config dir. */
void netmgr_reload(struct netmgr *m);
/* What the service child's messages do to the networks (netmgr_privsep.c). */
void netmgr_privsep_ops(struct netmgr *m, struct privsep_ops *ops);

/* ACL attachments (acl_attach.c, docs/acl.md): the ACLs judging each
 * port (port > portgroup > network, per direction) into the data path;
 * attach: set (NULL: keep, "": none) the ingress/egress ACL names of the
 * network, a portgroup (pg) or a port (declared if it was not), stored. */
void network_acl_apply(struct network *n);
/* One port's (port-add: the others are as they were). */
void network_acl_apply_port(struct network *n, const struct port *p);
void netmgr_acl_apply_all(struct netmgr *m);
int network_acl_attach(struct network *n, const char *port, const char *pg, const char *in,
		       const char *out, char *err, size_t errlen);
/* Does a definition name ACL name? who: where (for the refusal). */
int netmgr_acl_user(struct netmgr *m, const char *name, char *who, size_t n);

/* Persistence (netstore.c). */
int netstore_save(struct netmgr *m, struct network *n);
int netstore_remove(struct netmgr *m, const char *name);
int netstore_remove_conf(struct netmgr *m, const char *name); /* the definition only */
int netstore_save_runtime(struct netmgr *m, struct network *n);
/* One port-add (p) or port-del (p NULL, ifname) of n stored: a line
 * appended to the port journal, O(1); the whole state when the journal is
 * long (netstore_save_runtime). */
int netstore_save_port(struct netmgr *m, struct network *n, const struct port *p,
		       const char *ifname);
int netstore_load_all(struct netmgr *m);

/* Netmgr internals shared by network.c and netstore.c. */
struct network *netmgr_add(struct netmgr *m, struct netdef *def, uint32_t id, int autostart);
uint32_t netmgr_free_id(struct netmgr *m);
/* The warnings vnet adds to the parser's (def->warnings): what a
 * definition asks that vnet's data path makes partly meaningless. */
void netmgr_add_warnings(struct netdef *def);
/* A definition without <mac address> gets a fixed random one (libvirt). */
void netmgr_assign_mac(struct netdef *def);
/* <vnet:ula/> without a prefix gets a /64 of the host's ULA /48 (netula.c;
 * the one it had when redefined): 0, or -errno + err. */
int netmgr_assign_ula(struct netmgr *m, struct netdef *def, char *err, size_t errlen);

struct json_object *network_info_json(struct network *n);
/* The port array (ports.c). push: a zeroed slot at the end (NULL: no
 * memory), indexed once its ifname is set (network_ports_reindex after
 * filling it); remove_at: the last one moves into slot i; reindex: after
 * the array was changed in place (a load, a restart's re-add). */
struct port *network_port_push(struct network *n);
/* The port named ifname, a new one (indexed, the rest zero) if none. */
struct port *network_port_put(struct network *n, const char *ifname);
void network_port_remove_at(struct network *n, size_t i);
void network_ports_reindex(struct network *n);
struct port *network_port_find(const struct network *n, const char *ifname);
void network_ports_free(struct network *n);
/* Ports a host can hold (the data path's port maps, dp_port_limit) and
 * those the active networks hold now. */
size_t netmgr_port_limit(const struct netmgr *m);
size_t netmgr_ports_used(const struct netmgr *m);
/* A port's host side without IPv6 (off) or with the namespace's default. */
int network_port_ipv6_take(const char *ifname);
void network_port_ipv6_give(const char *ifname, int before);
struct json_object *network_ports_json(struct network *n);
/* The first max ports' entries only (net-info's one-line summary). */
struct json_object *network_ports_json_first(struct network *n, size_t max);

#endif
