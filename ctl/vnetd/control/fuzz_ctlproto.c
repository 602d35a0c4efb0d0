/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the control protocol as vnetd sees it. The input is
 * written to one end of a socketpair and read back with ctl_recv
 * (lib/ctlproto.c); a request it accepts must survive ctl_send/ctl_recv
 * unchanged and is then run through the daemon's command table and
 * argument checks (ctl/vnetd/commands.c, included here) against a netmgr
 * with one fake network and stubbed operations: hermetic, no network, no
 * bpf. The stubs check what the table promises its handlers (required
 * arguments are present strings, MACs/addresses/ports already parsed). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "commands.c"
#include "dp/dp_hook_choice.c"
#include "netmgr/bw_parse.c"

static void check(int cond)
{
	if (!cond)
		abort();
}

static int str_ok(const char *s)
{
	return s && strlen(s) < CTL_MSG_MAX;
}

/* ---- stubs for what the handlers call (netmgr, services, data path) ---- */
static struct netmgr fake_mgr;
static struct netdef fake_def = { .name = "default" };
static struct network fake_net = { .mgr = &fake_mgr, .def = &fake_def, .id = 1, .state = NETWORK_ACTIVE };
static struct netmgr fake_mgr = { .n_nets = 1, .nets = { &fake_net } };

struct network *netmgr_find(struct netmgr *m, const char *name)
{
	check(m == &fake_mgr);
	return name && !strcmp(name, "default") ? &fake_net : NULL;
}

int netmgr_define(struct netmgr *m, const char *xml, size_t len, struct network **ret,
		  char *err, size_t errlen)
{
	check(str_ok(xml) && strlen(xml) == len);
	*ret = &fake_net;
	return 0;
}

int netmgr_create(struct netmgr *m, const char *xml, size_t len, struct network **ret,
		  char *err, size_t errlen)
{
	check(str_ok(xml) && strlen(xml) == len);
	*ret = &fake_net;
	return 0;
}

int netmgr_stop(struct netmgr *m, struct network *n, char *err, size_t errlen)
{
	check(n == &fake_net);
	return 0;
}

int netupdate_section(const char *name)
{
	check(str_ok(name));
	return strcmp(name, "ip-dhcp-host") ? -1 : NU_HOST;
}

int netupdate_op(const char *name)
{
	check(str_ok(name));
	return strcmp(name, "add") ? -1 : NU_ADD_LAST;
}

int netupdate_parse(const struct netdef *d, enum nu_section s, const char *xml,
		    struct nu_item *it, char *err, size_t errlen)
{
	check(d == &fake_def && s < NU_SECTION_MAX && str_ok(xml));
	memset(it, 0, sizeof(*it));
	return 0;
}

int network_update(struct network *n, enum nu_op op, enum nu_section s, const struct nu_item *it,
		   unsigned flags, char *err, size_t errlen)
{
	check(n == &fake_net && s < NU_SECTION_MAX && flags <= (NU_LIVE | NU_CONFIG));
	return 0;
}

void netmgr_emit(struct netmgr *m, const char *net, const char *type)
{
	check(m == &fake_mgr && str_ok(net) && str_ok(type));
}

int netmgr_start(struct netmgr *m, struct network *n, char *err, size_t errlen)
{
	check(n == &fake_net);
	return 0;
}

int netmgr_undefine(struct netmgr *m, const char *name, char *err, size_t errlen)
{
	check(str_ok(name));
	return -ENOENT;
}

int netmgr_set_autostart(struct netmgr *m, const char *name, int on, char *err, size_t errlen)
{
	check(str_ok(name));
	return 0;
}

int network_start(struct network *n, char *err, size_t errlen)
{
	check(n == &fake_net);
	return 0;
}

int network_stop(struct network *n, char *err, size_t errlen)
{
	check(n == &fake_net);
	return 0;
}

int network_port_add(struct network *n, const char *ifname, const uint8_t *mac, int hook,
		     const struct netdef_port *decl, char *err, size_t errlen)
{
	/* commands.c parsed --hook: one of enum dp_hook_choice; the policy
	 * options: a known filter mode, at most NETDEF_MAX_PORT_IPS addresses */
	check(n == &fake_net && str_ok(ifname) && hook >= DP_HOOK_AUTO && hook <= DP_HOOK_XDP);
	check(!decl || (decl->policy.filter <= NETDEF_FILTER_STRICT &&
			decl->n_ip4 <= NETDEF_MAX_PORT_IPS));
	/* --inbound/--outbound: an average wherever a direction was given,
	 * no floor outbound */
	check(!decl || ((!decl->policy.bw.in.peak || decl->policy.bw.in.average) &&
			(!decl->policy.bw.out.peak || decl->policy.bw.out.average) &&
			!decl->policy.bw.out.floor));
	return 0;
}

int network_port_del(struct network *n, const char *ifname, char *err, size_t errlen)
{
	check(n == &fake_net && str_ok(ifname));
	return 0;
}

int network_host_add(struct network *n, const struct netdef_host *h, char *err, size_t errlen)
{
	check(n == &fake_net && memchr(h->name, 0, sizeof(h->name)));
	return 0;
}

int network_forward_add(struct network *n, const struct netdef_port_forward *pf, char *err,
			size_t errlen)
{
	check(n == &fake_net && pf->host_port && pf->guest_port);
	check(pf->proto == IPPROTO_TCP || pf->proto == IPPROTO_UDP);
	return 0;
}

int network_host_del(struct network *n, const char *key, char *err, size_t errlen)
{
	check(n == &fake_net && str_ok(key));
	return 0;
}

int network_forward_del(struct network *n, uint8_t proto, uint16_t host_port, char *err,
			size_t errlen)
{
	check(n == &fake_net && host_port && (proto == IPPROTO_TCP || proto == IPPROTO_UDP));
	return 0;
}

int aclstore_define(struct aclstore *s, const char *xml, size_t len, char name[ACL_NAME_MAX],
		    char *err, size_t errlen)
{
	struct acl *a;
	int r = acl_parse_xml(xml, len, &a, err, errlen);

	if (r)
		return r;
	snprintf(name, ACL_NAME_MAX, "%s", a->name);
	free(a);
	return 0;
}

int aclstore_undefine(struct aclstore *s, const char *name, char *err, size_t errlen)
{
	check(str_ok(name));
	return 0;
}

int aclstore_rule_add(struct aclstore *s, const char *name, long at, const struct acl_rule *r,
		      char *err, size_t errlen)
{
	check(str_ok(name) && at >= -1 && r->dir >= 1 && r->dir <= 3);
	return 0;
}

int aclstore_rule_del(struct aclstore *s, const char *name, size_t at, char *err, size_t errlen)
{
	check(str_ok(name));
	return 0;
}

struct json_object *aclstore_list_json(const struct aclstore *s)
{
	return json_object_new_array();
}

char *aclstore_xml(const struct aclstore *s, const char *name, char *err, size_t errlen)
{
	check(str_ok(name));
	return strdup("<acl name='x'/>");
}

struct json_object *aclstore_stats_json(struct aclstore *s, const char *name, char *err,
					size_t errlen)
{
	check(str_ok(name));
	return json_object_new_object();
}

unsigned aclstore_slot(const struct aclstore *s, const char *name)
{
	check(str_ok(name));
	return 1;
}

void netmgr_acl_apply_all(struct netmgr *m)
{
}

int netmgr_acl_user(struct netmgr *m, const char *name, char *who, size_t n)
{
	check(str_ok(name));
	return 0;
}

int network_acl_attach(struct network *n, const char *port, const char *pg, const char *in,
		       const char *out, char *err, size_t errlen)
{
	check(n == &fake_net && (in || out));
	return 0;
}

int tap_add(struct network *n, const char *name, const char *user, char ret_name[16],
	    char *err, size_t errlen)
{
	check(n == &fake_net);
	strcpy(ret_name, "vtap0");
	return 0;
}

int vde_add(struct network *n, const char *group, unsigned max_guests, char *ret_sock,
	    size_t socklen, char *err, size_t errlen)
{
	check(n == &fake_net && max_guests <= 4097);
	snprintf(ret_sock, socklen, "/run/vnet/vde");
	return 0;
}

int share_iface(struct netmgr *m, const char *nic, const char *bridge, char *err, size_t errlen)
{
	check(str_ok(nic));
	return -EPERM;
}

int unshare_iface(struct netmgr *m, const char *nic, char *err, size_t errlen)
{
	check(str_ok(nic));
	return -EPERM;
}

struct json_object *network_info_json(struct network *n)
{
	return json_object_new_object();
}

struct json_object *network_ports_json(struct network *n)
{
	return json_object_new_array();
}

struct json_object *network_repairs_json(const struct network *n)
{
	return json_object_new_object();
}

int network_overlay_counts(const struct network *n, unsigned *vteps, unsigned *macs)
{
	(void)n, (void)vteps, (void)macs;
	return -ENOENT;
}

int network_overlay_remotes(struct network *n, network_remote_fn fn, void *ctx)
{
	(void)n, (void)fn, (void)ctx;
	return -ENOENT;
}

void network_overlay_totals(const struct network *n, unsigned *macs, uint64_t *withdrawn,
			    uint64_t *vteps_gone)
{
	(void)n;
	*macs = 0;
	*withdrawn = *vteps_gone = 0;
}

struct json_object *network_overlay_stats_json(struct network *n)
{
	(void)n;
	return NULL;
}

struct json_object *network_relay_json(const struct network *n)
{
	(void)n;
	return NULL;
}

struct json_object *dhcp_proxy_leases_json(struct dhcp_proxy *p)
{
	return json_object_new_array();
}

struct json_object *dhcp6_proxy_leases_json(const struct dhcp6_proxy *p)
{
	return json_object_new_array();
}

struct json_object *dhcp_proxy_counters_json(struct dhcp_proxy *p)
{
	return json_object_new_object();
}

struct json_object *dhcp6_proxy_counters_json(struct dhcp6_proxy *p)
{
	return json_object_new_object();
}

struct json_object *dns_proxy_counters_json(struct dns_proxy *p)
{
	return json_object_new_object();
}

struct json_object *dp_stats_json(struct datapath *dp, uint32_t net_id)
{
	return json_object_new_object();
}

const char *dp_uplink_xdp_name(struct datapath *dp, int ifindex)
{
	return NULL;
}

char *metrics_render(struct netmgr *m)
{
	return strdup("# vnet\n");
}

/* ---- the target ---- */
static int recv_bytes(const uint8_t *data, size_t size, struct json_object **obj)
{
	int sv[2], ret, buf = 1 << 20;
	size_t off = 0;

	check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	while (off < size) {
		ssize_t w = write(sv[0], data + off, size - off);

		check(w > 0);
		off += w;
	}
	close(sv[0]);
	ret = ctl_recv(sv[1], obj);
	close(sv[1]);
	return ret;
}

/* ctl_send then ctl_recv through a fresh socketpair. */
static int resend(struct json_object *obj, struct json_object **back)
{
	int sv[2], ret, buf = 1 << 20;

	check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	check(ctl_send(sv[0], obj) == 0);
	close(sv[0]);
	ret = ctl_recv(sv[1], back);
	close(sv[1]);
	return ret;
}

static void check_reply(struct json_object *rep)
{
	struct json_object *ok, *err;

	check(json_object_is_type(rep, json_type_object));
	check(json_object_object_get_ex(rep, "ok", &ok) && json_object_is_type(ok, json_type_boolean));
	if (!json_object_get_boolean(ok)) {
		/* a refusal says why (it may quote the request's own text) */
		check(json_object_object_get_ex(rep, "error", &err));
		check(json_object_is_type(err, json_type_string) && json_object_get_string_len(err) > 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *req, *back, *rep;
	int ret;

	if (size > 65536)
		return 0;
	ret = recv_bytes(data, size, &req);
	if (ret) {
		check(ret == -EBADMSG || ret == -ECONNRESET);
		return 0;
	}
	check(json_object_is_type(req, json_type_object));
	/* what vnetctl sends is what vnetd reads */
	check(resend(req, &back) == 0);
	/* (as text: json-c reads "1E" as a double it writes as "1", an int) */
	check(!strcmp(json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN),
		      json_object_to_json_string_ext(back, JSON_C_TO_STRING_PLAIN)));
	json_object_put(back);
	rep = commands_exec(&fake_mgr, req);
	check_reply(rep);
	json_object_put(rep);
	json_object_put(req);
	return 0;
}
