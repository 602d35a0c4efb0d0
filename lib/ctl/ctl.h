/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of lib/ctl/ (one header per folder). */
#ifndef VNET_CTL_CTL_H
#define VNET_CTL_CTL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- ctlproto ---- */
/* vnetctl <-> vnetd control protocol: one JSON object per line over a Unix
 * stream socket. Request {"cmd": "net-start", "args": ["default"],
 * "opts": {"mac": "..."}}; reply {"ok": true, "data": ...} or
 * {"ok": false, "error": "one line"}. */
#define CTL_MSG_MAX (1u << 20) /* a request or reply larger than this is refused */
#define CTL_DEFAULT_SOCKET "/run/vnet/vnetd.sock"

/* Write obj followed by '\n'; 0 or -errno. */
int ctl_send(int fd, struct json_object *obj);
/* Read one line (blocking; SO_RCVTIMEO bounds the whole line, not each
 * read) and parse it; 0, -EMSGSIZE,
 * -EBADMSG (not JSON / not an object), -ECONNRESET (EOF) or -errno. */
int ctl_recv(int fd, struct json_object **ret);

/* ---- ctl_verbs ---- */
/* The one table of control verbs. vnetd's dispatch (ctl/vnetd/commands.c),
 * vnetctl's parser, help and usage errors (ctl/vnetctl/main.c), bash
 * completion (which reads `vnetctl help`) and the man page (checked against
 * `vnetctl help` by tests/system/cli_errors.sh) all come from it: a verb is
 * added here and nowhere else is a list to keep in sync.
 *
 * X(id, name, min_args, max_args, usage, options, help): options is the
 * space-separated list of the verb's own options, "name=" taking a value,
 * "name" a flag; any other option is a usage error, on both sides. */
#define VNET_VERBS(X)                                                                          \
	X(NET_DEFINE, "net-define", 1, 1, "FILE.xml", "",                                      \
	  "define a network from libvirt network XML")                                         \
	X(NET_CREATE, "net-create", 1, 1, "FILE.xml", "",                                      \
	  "create and start a transient network (gone when stopped)")                          \
	X(NET_EDIT, "net-edit", 1, 1, "NET", "", "edit a network's XML with $EDITOR (vnetctl only)") \
	X(NET_UNDEFINE, "net-undefine", 1, 1, "NET", "", "remove a network's definition")      \
	X(NET_START, "net-start", 1, 1, "NET", "", "start a network")                           \
	X(NET_STOP, "net-stop", 1, 1, "NET", "", "stop a network (bridge and ports removed)")  \
	X(NET_DESTROY, "net-destroy", 1, 1, "NET", "", "stop a network (virsh's net-stop)")    \
	X(NET_AUTOSTART, "net-autostart", 1, 1, "NET [--disable]", "disable",                  \
	  "start the network when vnetd starts")                                               \
	X(NET_LIST, "net-list", 0, 0,                                                          \
	  "[--all] [--inactive] [--persistent] [--transient] [--autostart] [--no-autostart] "  \
	  "[--name] [--uuid]",                                                                 \
	  "all inactive persistent transient autostart no-autostart name uuid",                \
	  "list active networks (--all: every one)")                                           \
	X(NET_EVENT, "net-event", 0, 1, "[NET] [--loop] [--timeout S] [--timestamp]",          \
	  "loop timeout= timestamp",                                                           \
	  "print lifecycle and lease events (the first; --loop: all) as they happen")          \
	X(NET_INFO, "net-info", 1, 1, "NET", "", "show a network's state")                     \
	X(NET_UUID, "net-uuid", 1, 1, "NET", "", "print a network's UUID")                     \
	X(NET_NAME, "net-name", 1, 1, "UUID", "", "print the name of the network with UUID")   \
	X(NET_UPDATE, "net-update", 4, 4,                                                      \
	  "NET add|add-first|delete|modify SECTION XML [--live] [--config] [--current] "       \
	  "[--parent-index N]", "live config current parent-index=",                           \
	  "change one element of a network (SECTION: ip-dhcp-host, ip-dhcp-range, dns-host, "  \
	  "dns-srv, dns-txt, forward-interface, portgroup; XML: an element or a file)")        \
	X(NET_DUMPXML, "net-dumpxml", 1, 1, "NET [--inactive]", "inactive",                    \
	  "print a network's XML definition (--inactive: the one its next start runs)")        \
	X(PORT_ADD, "port-add", 2, 2,                                                         \
	  "NET IFNAME [--mac MAC] [--hook H] [--filter F] [--ip A[,B]] [--isolated] "         \
	  "[--portgroup PG] [--inbound AVG[,PEAK[,BURST[,FLOOR]]]] "                            \
	  "[--outbound AVG[,PEAK[,BURST]]] [--acl-in ACL] [--acl-out ACL]",                    \
	  "mac= hook= filter= ip= isolated portgroup= inbound= outbound= acl-in= acl-out=",    \
	  "attach a device as a guest port (H: auto, tc, xdp; limits in kilobytes/s)")         \
	X(PORT_DEL, "port-del", 2, 2, "NET IFNAME", "", "detach a guest port")                 \
	X(PORT_LIST, "port-list", 1, 1, "NET", "", "list a network's ports")                   \
	X(TAP_ADD, "tap-add", 1, 1, "NET [--name TAP] [--user USER]", "name= user=",            \
	  "create a persistent tap for QEMU as a port; prints its name")                      \
	X(VDE_ADD, "vde-add", 1, 1, "NET [--group G] [--max-guests N]", "group= max-guests=",  \
	  "start a VDE switch whose tap is a port; prints its socket")                        \
	X(NET_DHCP_LEASES, "net-dhcp-leases", 1, 2, "NET [MAC]", "",                           \
	  "list DHCP leases (of one MAC)")                                                     \
	X(LEASES, "leases", 1, 1, "NET [--mac MAC]", "mac=",                                   \
	  "list DHCP leases (net-dhcp-leases)")                                                \
	X(HOST_ADD, "host-add", 3, 4, "NET MAC IP [NAME] [--name NAME]", "name=",              \
	  "add a static DHCP host")                                                            \
	X(HOST_DEL, "host-del", 2, 2, "NET MAC|IP", "", "remove a static DHCP host")           \
	X(FORWARD_ADD, "forward-add", 4, 4, "NET tcp|udp HOSTPORT[-LAST] GUESTIP:PORT", "",     \
	  "add a port forward (a range: to PORT..PORT+n)")                                                                \
	X(FORWARD_LIST, "forward-list", 1, 1, "NET", "", "list a network's port forwards")     \
	X(FORWARD_DEL, "forward-del", 3, 3, "NET tcp|udp HOSTPORT", "",                        \
	  "remove a port forward")                                                             \
	X(STATS, "stats", 0, 1, "[NET]", "", "show counters")                                  \
	X(METRICS, "metrics", 0, 0, "", "", "print metrics in the Prometheus text format")     \
	X(SHARE, "share", 1, 1, "IFACE [--bridge BR]", "bridge=",                              \
	  "hand a NIC's MAC, addresses and routes to a bridge (default ebr0)")                 \
	X(UNSHARE, "unshare", 1, 1, "IFACE", "", "give a shared NIC back exactly as it was")   \
	X(ACL_DEFINE, "acl-define", 1, 1, "FILE.xml", "", "define (or replace) an ACL from XML") \
	X(ACL_UNDEFINE, "acl-undefine", 1, 1, "ACL", "", "remove an ACL no network uses")       \
	X(ACL_LIST, "acl-list", 0, 0, "", "", "list ACLs")                                     \
	X(ACL_DUMPXML, "acl-dumpxml", 1, 1, "ACL", "", "print an ACL's XML")                   \
	X(ACL_RULE_ADD, "acl-rule-add", 2, 12, "ACL [--index N] allow|drop [in|out|inout] "     \
	  "[tcp|udp|icmp|any] [src=P] [dst=P] [sport=R] [dport=R] [icmp-type=T]", "index=",     \
	  "add a rule to an ACL (at index N, else last)")                                      \
	X(ACL_RULE_DEL, "acl-rule-del", 2, 2, "ACL INDEX", "", "remove an ACL's rule")          \
	X(ACL_STATS, "acl-stats", 1, 1, "ACL", "", "show an ACL's rules with their hit counts") \
	X(ACL_ATTACH, "acl-attach", 1, 1,                                                      \
	  "NET [--port IF|--portgroup PG] [--ingress ACL] [--egress ACL]",                      \
	  "port= portgroup= ingress= egress=",                                                 \
	  "judge a network's, portgroup's or port's traffic by ACLs")                          \
	X(ACL_DETACH, "acl-detach", 1, 1, "NET [--port IF|--portgroup PG] [--ingress] [--egress]", \
	  "port= portgroup= ingress egress", "remove ACLs (both directions unless one is named)") \
	X(HELP, "help", 0, 1, "[COMMAND]", "", "show help (vnetctl only)")

enum ctl_verb_id {
#define X(id, ...) CTL_VERB_##id,
	VNET_VERBS(X)
#undef X
	CTL_VERB_MAX
};

struct ctl_verb {
	enum ctl_verb_id id;
	const char *name;
	int min_args, max_args;
	const char *usage;	/* the arguments, after the name */
	const char *options;
	const char *help;
};

extern const struct ctl_verb ctl_verbs[CTL_VERB_MAX];

/* The verb named exactly name, or NULL. */
const struct ctl_verb *ctl_verb_by_name(const char *name);

/* net-list's filters (virsh's): does the network n ({"active", "persistent",
 * "autostart"} of net-list's JSON) pass the options opts ({"all": true...},
 * NULL: none)? Without --all or --inactive, only active networks. */
bool ctl_net_list_match(struct json_object *n, struct json_object *opts);

/* Does v take option opt (without "--")? *value says whether it takes a
 * value ("name=" in the table). */
bool ctl_verb_has_option(const struct ctl_verb *v, const char *opt, bool *value);

#endif
