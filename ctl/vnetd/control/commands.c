/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "control.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl/ctl.h"
#include "util/util.h"
#include "share/share.h"
#include "guest/guest.h"

struct cmd_ctx {
	struct netmgr *m;
	struct json_object *args; /* array of strings */
	struct json_object *opts; /* object */
	struct json_object *data; /* reply payload */
	char err[8192]; /* a refused definition lists every problem, one per line */
};

/* here the message goes to the request context, not an err/errlen pair */
#undef ERR
#define ERR(...) (void)snprintf(c->err, sizeof(c->err), __VA_ARGS__)

static const char *arg(struct cmd_ctx *c, size_t i)
{
	struct json_object *v = json_object_array_get_idx(c->args, i);

	return v ? json_object_get_string(v) : NULL;
}

static const char *opt(struct cmd_ctx *c, const char *key)
{
	struct json_object *v;

	return c->opts && json_object_object_get_ex(c->opts, key, &v) ? json_object_get_string(v)
								     : NULL;
}

static struct network *net_arg(struct cmd_ctx *c, size_t i)
{
	struct network *n = netmgr_find(c->m, arg(c, i));

	if (!n)
		ERR("network '%s' not found", arg(c, i));
	return n;
}

static struct network *active_net_arg(struct cmd_ctx *c, size_t i)
{
	struct network *n = net_arg(c, i);

	if (n && n->state != NETWORK_ACTIVE) {
		ERR("network %s is not active", n->def->name);
		return NULL;
	}
	return n;
}

static int cmd_define(struct cmd_ctx *c)
{
	struct network *n;
	const char *xml = arg(c, 0);
	int ret = netmgr_define(c->m, xml, strlen(xml), &n, c->err, sizeof(c->err));

	if (!ret) {
		c->data = json_object_new_string(n->def->name);
		netmgr_emit(c->m, n->def->name, "defined");
	}
	return ret;
}

static int cmd_create(struct cmd_ctx *c)
{
	struct network *n;
	const char *xml = arg(c, 0);
	int ret = netmgr_create(c->m, xml, strlen(xml), &n, c->err, sizeof(c->err));

	if (!ret)
		c->data = json_object_new_string(n->def->name);
	return ret;
}

static int cmd_undefine(struct cmd_ctx *c)
{
	struct network *n = netmgr_find(c->m, arg(c, 0));
	char name[NETDEF_NAME_MAX];
	int ret;

	snprintf(name, sizeof(name), "%s", n ? n->def->name : arg(c, 0));
	ret = netmgr_undefine(c->m, arg(c, 0), c->err, sizeof(c->err));
	if (!ret)
		netmgr_emit(c->m, name, "undefined");
	return ret;
}

static int cmd_start(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);

	return n ? netmgr_start(c->m, n, c->err, sizeof(c->err)) : -ENOENT;
}

static int cmd_stop(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);

	return n ? netmgr_stop(c->m, n, c->err, sizeof(c->err)) : -ENOENT;
}

static int cmd_autostart(struct cmd_ctx *c)
{
	return netmgr_set_autostart(c->m, arg(c, 0), !opt(c, "disable"), c->err, sizeof(c->err));
}

static int cmd_list(struct cmd_ctx *c)
{
	c->data = json_object_new_array();
	for (size_t i = 0; i < c->m->n_nets; i++) {
		struct json_object *o = network_info_json(c->m->nets[i]);

		if (ctl_net_list_match(o, c->opts))
			json_object_array_add(c->data, o);
		else
			json_object_put(o);
	}
	return 0;
}

/* net-event: the control socket keeps this connection and sends it the
 * events (ctlsock.c); here only the network is checked. */
static int cmd_event(struct cmd_ctx *c)
{
	const char *t = opt(c, "timeout");
	char *end;

	if (arg(c, 0) && !net_arg(c, 0))
		return -ENOENT;
	if (t && (strtol(t, &end, 10) <= 0 || *end))
		return ERR("invalid --timeout '%s' (seconds)", t), -EINVAL;
	c->data = json_object_new_object();
	json_object_object_add(c->data, "subscribed", json_object_new_boolean(1));
	return 0;
}

static int cmd_uuid(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);

	if (!n)
		return -ENOENT;
	c->data = json_object_new_string(n->def->uuid);
	return 0;
}

static int cmd_name(struct cmd_ctx *c)
{
	struct network *n = netmgr_find(c->m, arg(c, 0));

	if (!n || strcasecmp(n->def->uuid, arg(c, 0)))
		return ERR("no network with UUID '%s'", arg(c, 0)), -ENOENT;
	c->data = json_object_new_string(n->def->name);
	return 0;
}

static int cmd_info(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);

	if (!n)
		return -ENOENT;
	c->data = network_info_json(n);
	return 0;
}

static int cmd_dumpxml(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);
	char *xml;

	if (!n)
		return -ENOENT;
	/* --inactive: what the next start will run */
	xml = netdef_format_xml(opt(c, "inactive") && n->pending_def ? n->pending_def : n->def);
	if (!xml)
		return ERR("out of memory"), -ENOMEM;
	c->data = json_object_new_string(xml);
	free(xml);
	return 0;
}

/* port-add --acl-in/--acl-out NAME: a defined ACL. */
static int port_acl_opt(struct cmd_ctx *c, const char *key, char name[NETDEF_NAME_MAX])
{
	const char *v = opt(c, key);

	if (!v)
		return 0;
	if (!aclstore_slot(&c->m->acls, v))
		return ERR("ACL '%s' not found", v), -ENOENT;
	snprintf(name, NETDEF_NAME_MAX, "%s", v);
	return 0;
}

/* port-add's guest policy options (issue 19) into a <vnet:port> shape:
 * --filter off|learn|strict, --isolated, --portgroup NAME, --ip A[,B],
 * --inbound/--outbound (<bandwidth>), --acl-in/--acl-out. */
static int port_decl_opts(struct cmd_ctx *c, struct netdef_port *d)
{
	const char *f = opt(c, "filter"), *pg = opt(c, "portgroup"), *ips = opt(c, "ip");
	const char *in = opt(c, "inbound"), *out = opt(c, "outbound");
	char buf[256], *save = NULL, *tok;

	memset(d, 0, sizeof(*d));
	/* <bandwidth> as virsh attach-interface takes it (issue 19.4) */
	if (in && network_bw_parse(in, 1, &d->policy.bw.in))
		return ERR("invalid --inbound '%s' (expected AVERAGE[,PEAK[,BURST[,FLOOR]]] "
			   "in kilobytes/s and kilobytes)", in), -EINVAL;
	if (out && network_bw_parse(out, 0, &d->policy.bw.out))
		return ERR("invalid --outbound '%s' (expected AVERAGE[,PEAK[,BURST]] "
			   "in kilobytes/s and kilobytes)", out), -EINVAL;
	if (f && !strcmp(f, "off"))
		d->policy.filter = NETDEF_FILTER_OFF;
	else if (f && !strcmp(f, "learn"))
		d->policy.filter = NETDEF_FILTER_LEARN;
	else if (f && !strcmp(f, "strict"))
		d->policy.filter = NETDEF_FILTER_STRICT;
	else if (f)
		return ERR("invalid filter mode '%s' (expected off, learn or strict)", f), -EINVAL;
	if (opt(c, "isolated"))
		d->policy.isolated = NETDEF_YES;
	if (pg && (strlen(pg) >= sizeof(d->portgroup) || !pg[0]))
		return ERR("invalid portgroup name '%s'", pg), -EINVAL;
	if (pg)
		snprintf(d->portgroup, sizeof(d->portgroup), "%s", pg);
	if (port_acl_opt(c, "acl-in", d->policy.acl_in) ||
	    port_acl_opt(c, "acl-out", d->policy.acl_out))
		return -ENOENT;
	if (!ips)
		return 0;
	if (strlen(ips) >= sizeof(buf))
		return ERR("--ip: too long"), -EINVAL;
	snprintf(buf, sizeof(buf), "%s", ips);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct in_addr a;

		if (inet_pton(AF_INET, tok, &a) != 1 || a.s_addr == 0 || a.s_addr == INADDR_BROADCAST)
			return ERR("invalid IPv4 address '%s'", tok), -EINVAL;
		if (d->n_ip4 >= NETDEF_MAX_PORT_IPS)
			return ERR("--ip: at most %d addresses", NETDEF_MAX_PORT_IPS), -EINVAL;
		d->ip4[d->n_ip4++] = a;
	}
	return 0;
}

static int cmd_port_add(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);
	const char *mac_s = opt(c, "mac"), *hook_s = opt(c, "hook");
	int hook = hook_s ? dp_hook_choice_parse(hook_s) : DP_HOOK_AUTO;
	struct netdef_port decl;
	uint8_t mac[6];
	int r;

	if (!n)
		return -ENOENT;
	if (mac_s && mac_parse(mac_s, mac))
		return ERR("invalid MAC address '%s'", mac_s), -EINVAL;
	if (hook < 0)
		return ERR("invalid hook '%s' (expected tc, xdp or auto)", hook_s), -EINVAL;
	r = port_decl_opts(c, &decl);
	if (r)
		return r;
	return network_port_add(n, arg(c, 1), mac_s ? mac : NULL, hook, &decl, c->err,
				sizeof(c->err));
}

static int cmd_tap_add(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);
	char name[16];
	int ret;

	if (!n)
		return -ENOENT;
	ret = tap_add(n, opt(c, "name"), opt(c, "user"), name, c->err, sizeof(c->err));
	if (!ret)
		c->data = json_object_new_string(name);
	return ret;
}

static int cmd_vde_add(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);
	char sock[4096];
	int ret;

	const char *max_s = opt(c, "max-guests");
	char *end = NULL;
	unsigned long max = max_s ? strtoul(max_s, &end, 10) : 0;

	if (!n)
		return -ENOENT;
	if (max_s && (!*max_s || *end || max == 0))
		return ERR("invalid --max-guests '%s' (a number of guests)", max_s), -EINVAL;
	ret = vde_add(n, opt(c, "group"), max > 4096 ? 4097 : (unsigned)max, sock, sizeof(sock),
		      c->err, sizeof(c->err));
	if (!ret)
		c->data = json_object_new_string(sock);
	return ret;
}

static int cmd_port_del(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);

	return n ? network_port_del(n, arg(c, 1), c->err, sizeof(c->err)) : -ENOENT;
}

static int cmd_port_list(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);

	if (!n)
		return -ENOENT;
	c->data = network_ports_json(n);
	return 0;
}

/* The leases of n (only mac's, if given), each with the network's prefix
 * (net-dhcp-leases prints IP/prefix as virsh does). */
static int leases_of(struct cmd_ctx *c, const char *mac_s)
{
	struct network *n = net_arg(c, 0);
	struct json_object *all, *v;
	uint8_t mac[6], lm[6];

	if (!n)
		return -ENOENT;
	if (mac_s && mac_parse(mac_s, mac))
		return ERR("invalid MAC address '%s'", mac_s), -EINVAL;
	all = n->dhcp ? dhcp_proxy_leases_json(n->dhcp) : json_object_new_array();
	c->data = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(all); i++) {
		struct json_object *l = json_object_array_get_idx(all, i);

		if (mac_s && (!json_object_object_get_ex(l, "mac", &v) ||
			      mac_parse(json_object_get_string(v), lm) || memcmp(lm, mac, 6)))
			continue;
		json_object_object_add(l, "prefix", json_object_new_int((int)n->def->prefix));
		json_object_array_add(c->data, json_object_get(l));
	}
	json_object_put(all);
	if (mac_s || !n->dhcp6) /* a DHCPv6 client is known by its DUID, not a MAC */
		return 0;
	all = dhcp6_proxy_leases_json(n->dhcp6);
	for (size_t i = 0; all && i < json_object_array_length(all); i++) {
		struct json_object *l = json_object_array_get_idx(all, i);
		const struct netdef_ip *ip6 = dhcp6_netdef_ip(n->def);

		json_object_object_add(l, "protocol", json_object_new_string("ipv6"));
		json_object_object_add(l, "prefix", json_object_new_int(ip6 ? (int)ip6->prefix : 64));
		if (json_object_object_get_ex(l, "duid", &v))
			json_object_object_add(l, "client_id", json_object_get(v));
		json_object_array_add(c->data, json_object_get(l));
	}
	json_object_put(all);
	return 0;
}

static int cmd_leases(struct cmd_ctx *c)
{
	return leases_of(c, opt(c, "mac"));
}

static int cmd_dhcp_leases(struct cmd_ctx *c)
{
	return leases_of(c, arg(c, 1));
}

static int cmd_host_add(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);
	struct netdef_host h = { 0 };

	if (!n)
		return -ENOENT;
	if (mac_parse(arg(c, 1), h.mac))
		return ERR("invalid MAC address '%s'", arg(c, 1)), -EINVAL;
	if (inet_pton(AF_INET, arg(c, 2), &h.ip) != 1)
		return ERR("invalid IPv4 address '%s'", arg(c, 2)), -EINVAL;
	h.has_mac = h.has_ip = 1;
	if (arg(c, 3) && opt(c, "name") && strcmp(arg(c, 3), opt(c, "name")))
		return ERR("two names given: '%s' and --name '%s'", arg(c, 3), opt(c, "name")),
		       -EINVAL;
	if (arg(c, 3) || opt(c, "name"))
		snprintf(h.name, sizeof(h.name), "%s", arg(c, 3) ? arg(c, 3) : opt(c, "name"));
	return network_host_add(n, &h, c->err, sizeof(c->err));
}

static int cmd_host_del(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);

	return n ? network_host_del(n, arg(c, 1), c->err, sizeof(c->err)) : -ENOENT;
}

/* --parent-index: which <ip> holds the DHCP element; vnet serves DHCP on
 * the IPv4 <ip> with <dhcp> only. */
static int check_parent(struct cmd_ctx *c, const struct netdef *d, int sec)
{
	const char *s = opt(c, "parent-index");
	char *end;
	unsigned long i;

	if (!s)
		return 0;
	i = strtoul(s, &end, 10);
	if (!*s || *end)
		return ERR("invalid --parent-index '%s'", s), -EINVAL;
	if (sec != NU_HOST && sec != NU_RANGE)
		return 0; /* as virsh: only the <ip> sections have a parent */
	if (d->n_ips ? i >= d->n_ips || d->ips[i].family != AF_INET || d->ips[i].addr4.s_addr != d->ip.s_addr
		     : i != 0)
		return ERR("--parent-index %lu is not the IPv4 <ip> that serves DHCP in network %s", i,
			   d->name), -EINVAL;
	return 0;
}

static int cmd_update(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);
	int op = netupdate_op(arg(c, 1)), sec = netupdate_section(arg(c, 2)), ret;
	unsigned flags = (opt(c, "live") ? NU_LIVE : 0) | (opt(c, "config") ? NU_CONFIG : 0);
	struct nu_item *it;

	if (!n)
		return -ENOENT;
	if (op < 0)
		return ERR("unknown net-update command '%s' (add, add-first, delete, modify)",
			   arg(c, 1)), -EINVAL;
	if (sec < 0)
		return ERR("unknown section '%s' (ip-dhcp-host, ip-dhcp-range, dns-host, dns-srv, "
			   "dns-txt, forward-interface, portgroup)", arg(c, 2)), -EINVAL;
	if (opt(c, "current") && flags)
		return ERR("--current goes with neither --live nor --config"), -EINVAL;
	ret = check_parent(c, n->def, sec);
	if (ret)
		return ret;
	it = malloc(sizeof(*it));
	if (!it)
		return ERR("out of memory"), -ENOMEM;
	ret = netupdate_parse(n->def, sec, arg(c, 3), it, c->err, sizeof(c->err));
	if (!ret)
		ret = network_update(n, op, sec, it, flags, c->err, sizeof(c->err));
	free(it);
	if (!ret) {
		int active = n->state == NETWORK_ACTIVE;
		int live = (flags & NU_LIVE) || (!flags && active);
		int config = (flags & NU_CONFIG) || !flags || !active;

		c->data = json_object_new_string(live && config ? "live state and persistent config"
						 : live ? "live state" : "persistent config");
	}
	return ret;
}

static int parse_port(const char *s, uint16_t *ret)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || v > 65535)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_proto(struct cmd_ctx *c, const char *s, uint8_t *proto)
{
	if (!strcmp(s, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(s, "udp"))
		*proto = IPPROTO_UDP;
	else
		return ERR("protocol must be tcp or udp, not '%s'", s), -EINVAL;
	return 0;
}

static int cmd_forward_list(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);
	const struct netdef *d;

	if (!n)
		return -ENOENT;
	d = n->def;
	c->data = json_object_new_array();
	for (size_t i = 0; i < d->n_port_forwards; i++) {
		const struct netdef_port_forward *f = &d->port_forwards[i];
		struct json_object *o = json_object_new_object();
		char ports[16];

		if (f->host_port_end)
			snprintf(ports, sizeof(ports), "%u-%u", f->host_port, f->host_port_end);
		else
			snprintf(ports, sizeof(ports), "%u", f->host_port);
		json_object_object_add(o, "proto", json_object_new_string(
					       f->proto == IPPROTO_TCP ? "tcp" : "udp"));
		json_object_object_add(o, "host_port", json_object_new_string(ports));
		char a[INET6_ADDRSTRLEN];

		if (f->family == AF_INET6)
			inet_ntop(AF_INET6, &f->guest_ip6, a, sizeof(a));
		else
			inet_ntop(AF_INET, &f->guest_ip, a, sizeof(a));
		json_object_object_add(o, "guest_ip", json_object_new_string(a));
		json_object_object_add(o, "guest_port", json_object_new_int(f->guest_port));
		json_object_array_add(c->data, o);
	}
	return 0;
}

static int cmd_forward_del(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);
	uint8_t proto;
	uint16_t port;

	if (!n)
		return -ENOENT;
	if (parse_proto(c, arg(c, 1), &proto))
		return -EINVAL;
	if (parse_port(arg(c, 2), &port))
		return ERR("invalid host port '%s'", arg(c, 2)), -EINVAL;
	return network_forward_del(n, proto, port, c->err, sizeof(c->err));
}

static int cmd_forward_add(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);
	struct netdef_port_forward pf = { 0 };
	char ip[64], *colon;

	if (!n)
		return -ENOENT;
	if (parse_proto(c, arg(c, 1), &pf.proto))
		return -EINVAL;
	/* HOSTPORT or FIRST-LAST: a range, to GUESTPORT..GUESTPORT+n */
	snprintf(ip, sizeof(ip), "%s", arg(c, 2));
	colon = strchr(ip, '-');
	if (colon)
		*colon = '\0';
	if (parse_port(ip, &pf.host_port) || (colon && (parse_port(colon + 1, &pf.host_port_end) ||
							 pf.host_port_end <= pf.host_port)))
		return ERR("invalid host port '%s' (PORT or FIRST-LAST)", arg(c, 2)), -EINVAL;
	/* GUESTIP:PORT, or [GUESTIPV6]:PORT */
	snprintf(ip, sizeof(ip), "%s", arg(c, 3));
	colon = ip[0] == '[' ? strstr(ip, "]:") : strchr(ip, ':');
	if (!colon || parse_port(colon + 1 + (ip[0] == '['), &pf.guest_port))
		return ERR("expected GUESTIP:PORT or [GUESTIPV6]:PORT, not '%s'", arg(c, 3)), -EINVAL;
	*colon = '\0';
	pf.family = ip[0] == '[' ? AF_INET6 : AF_INET;
	if (pf.family == AF_INET6 ? inet_pton(AF_INET6, ip + 1, &pf.guest_ip6) != 1
				  : inet_pton(AF_INET, ip, &pf.guest_ip) != 1)
		return ERR("invalid IP address '%s'", ip), -EINVAL;
	return network_forward_add(n, &pf, c->err, sizeof(c->err));
}

static struct json_object *net_stats(struct network *n)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(n->def->name));
	json_object_object_add(o, "active", json_object_new_boolean(n->state == NETWORK_ACTIVE));
	if (n->state == NETWORK_ACTIVE) {
		struct json_object *d = dp_stats_json(n->mgr->dp, n->id);
		const char *x = n->uplink[0] ? dp_uplink_xdp_name(n->mgr->dp,
							  (int)if_nametoindex(n->uplink)) : NULL;

		/* the uplink's XDP program (docs/datapath.md): native or off */
		if (n->uplink[0])
			json_object_object_add(d, "uplink_xdp", json_object_new_string(x ? x : "off"));
		json_object_object_add(o, "datapath", d);
	}
	json_object_object_add(o, "repairs", network_repairs_json(n));
	if (n->state == NETWORK_ACTIVE && n->def->overlay.enabled) {
		struct json_object *ov = network_overlay_stats_json(n);	/* issue 22 */

		if (ov)
			json_object_object_add(o, "overlay", ov);
	}
	if (n->relay || n->relay6)
		json_object_object_add(o, "forward_relay", network_relay_json(n));
	if (n->dhcp)
		json_object_object_add(o, "dhcp", dhcp_proxy_counters_json(n->dhcp));
	if (n->dhcp6)
		json_object_object_add(o, "dhcp6", dhcp6_proxy_counters_json(n->dhcp6));
	if (n->dns)
		json_object_object_add(o, "dns", dns_proxy_counters_json(n->dns));
	return o;
}

static int cmd_stats(struct cmd_ctx *c)
{
	struct network *n = arg(c, 0) ? active_net_arg(c, 0) : NULL;

	if (arg(c, 0) && !n)
		return -ENOENT;
	c->data = json_object_new_array();
	for (size_t i = 0; i < c->m->n_nets; i++)
		if (n ? c->m->nets[i] == n : c->m->nets[i]->state == NETWORK_ACTIVE)
			json_object_array_add(c->data, net_stats(c->m->nets[i]));
	return 0;
}

static int cmd_metrics(struct cmd_ctx *c)
{
	char *text = metrics_render(c->m);

	if (!text)
		return ERR("out of memory"), -ENOMEM;
	c->data = json_object_new_string(text);
	free(text);
	return 0;
}

static int cmd_share(struct cmd_ctx *c)
{
	return share_iface(c->m, arg(c, 0), opt(c, "bridge"), c->err, sizeof(c->err));
}

static int cmd_unshare(struct cmd_ctx *c)
{
	return unshare_iface(c->m, arg(c, 0), c->err, sizeof(c->err));
}

/* Handlers by verb (lib/ctl_verbs.h has names, arguments and options). */
/* ---- ACLs (aclstore.h, acl_attach.c, docs/acl.md) ---- */
static int cmd_acl_define(struct cmd_ctx *c)
{
	char name[ACL_NAME_MAX];
	const char *xml = arg(c, 0);
	int ret = aclstore_define(&c->m->acls, xml, strlen(xml), name, c->err, sizeof(c->err));

	if (ret)
		return ret;
	netmgr_acl_apply_all(c->m);	/* a name that was undefined now judges */
	c->data = json_object_new_string(name);
	return 0;
}

static int cmd_acl_undefine(struct cmd_ctx *c)
{
	char who[160];

	if (netmgr_acl_user(c->m, arg(c, 0), who, sizeof(who)))
		return ERR("ACL %s is attached to %s (acl-detach it first)", arg(c, 0), who), -EBUSY;
	return aclstore_undefine(&c->m->acls, arg(c, 0), c->err, sizeof(c->err));
}

static int cmd_acl_list(struct cmd_ctx *c)
{
	c->data = aclstore_list_json(&c->m->acls);
	return 0;
}

static int cmd_acl_dumpxml(struct cmd_ctx *c)
{
	char *xml = aclstore_xml(&c->m->acls, arg(c, 0), c->err, sizeof(c->err));

	if (!xml)
		return -ENOENT;
	c->data = json_object_new_string(xml);
	free(xml);
	return 0;
}

static int cmd_acl_rule_add(struct cmd_ctx *c)
{
	size_t n = json_object_array_length(c->args) - 1;
	const char *words[16], *idx_s = opt(c, "index");
	struct acl_rule r;
	long at = -1;
	char *end;
	int ret;

	for (size_t i = 0; i < n && i < 16; i++)
		words[i] = arg(c, i + 1);
	if (idx_s) {
		at = strtol(idx_s, &end, 10);
		if (!*idx_s || *end || at < 0)
			return ERR("invalid --index '%s' (a rule number from 0)", idx_s), -EINVAL;
	}
	ret = acl_rule_parse((int)n, words, &r, c->err, sizeof(c->err));
	return ret ? ret : aclstore_rule_add(&c->m->acls, arg(c, 0), at, &r, c->err, sizeof(c->err));
}

static int cmd_acl_rule_del(struct cmd_ctx *c)
{
	const char *s = arg(c, 1);
	char *end;
	long at = strtol(s, &end, 10);

	if (!*s || *end || at < 0)
		return ERR("invalid rule index '%s'", s), -EINVAL;
	return aclstore_rule_del(&c->m->acls, arg(c, 0), (size_t)at, c->err, sizeof(c->err));
}

static int cmd_acl_stats(struct cmd_ctx *c)
{
	c->data = aclstore_stats_json(&c->m->acls, arg(c, 0), c->err, sizeof(c->err));
	return c->data ? 0 : -ENOENT;
}

static int cmd_acl_attach(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);
	const char *in = opt(c, "ingress"), *out = opt(c, "egress");

	if (!n)
		return -ENOENT;
	if (!in && !out)
		return ERR("acl-attach needs --ingress ACL and/or --egress ACL"), -EINVAL;
	return network_acl_attach(n, opt(c, "port"), opt(c, "portgroup"), in, out, c->err,
				  sizeof(c->err));
}

static int cmd_acl_detach(struct cmd_ctx *c)
{
	struct network *n = net_arg(c, 0);
	int in = opt(c, "ingress") != NULL, out = opt(c, "egress") != NULL;

	if (!n)
		return -ENOENT;
	if (!in && !out)
		in = out = 1;
	return network_acl_attach(n, opt(c, "port"), opt(c, "portgroup"), in ? "" : NULL,
				  out ? "" : NULL, c->err, sizeof(c->err));
}

static int (*const handlers[CTL_VERB_MAX])(struct cmd_ctx *c) = {
	/* ACLs (a block of their own: other verbs are appended at the end) */
	[CTL_VERB_ACL_DEFINE] = cmd_acl_define,	 [CTL_VERB_ACL_UNDEFINE] = cmd_acl_undefine,
	[CTL_VERB_ACL_LIST] = cmd_acl_list,	 [CTL_VERB_ACL_DUMPXML] = cmd_acl_dumpxml,
	[CTL_VERB_ACL_RULE_ADD] = cmd_acl_rule_add, [CTL_VERB_ACL_RULE_DEL] = cmd_acl_rule_del,
	[CTL_VERB_ACL_STATS] = cmd_acl_stats,	 [CTL_VERB_ACL_ATTACH] = cmd_acl_attach,
	[CTL_VERB_ACL_DETACH] = cmd_acl_detach,
	/* the rest */
	[CTL_VERB_NET_DEFINE] = cmd_define,	 [CTL_VERB_NET_UNDEFINE] = cmd_undefine,
	[CTL_VERB_NET_START] = cmd_start,	 [CTL_VERB_NET_STOP] = cmd_stop,
	[CTL_VERB_NET_AUTOSTART] = cmd_autostart, [CTL_VERB_NET_LIST] = cmd_list,
	[CTL_VERB_NET_INFO] = cmd_info,		 [CTL_VERB_NET_DUMPXML] = cmd_dumpxml,
	[CTL_VERB_PORT_ADD] = cmd_port_add,	 [CTL_VERB_PORT_DEL] = cmd_port_del,
	[CTL_VERB_PORT_LIST] = cmd_port_list,	 [CTL_VERB_TAP_ADD] = cmd_tap_add,
	[CTL_VERB_VDE_ADD] = cmd_vde_add,	 [CTL_VERB_LEASES] = cmd_leases,
	[CTL_VERB_HOST_ADD] = cmd_host_add,	 [CTL_VERB_FORWARD_ADD] = cmd_forward_add,
	[CTL_VERB_STATS] = cmd_stats,		 [CTL_VERB_METRICS] = cmd_metrics,
	[CTL_VERB_SHARE] = cmd_share,		 [CTL_VERB_UNSHARE] = cmd_unshare,
	[CTL_VERB_NET_DESTROY] = cmd_stop,	 [CTL_VERB_NET_UUID] = cmd_uuid,
	[CTL_VERB_NET_NAME] = cmd_name,		 [CTL_VERB_NET_DHCP_LEASES] = cmd_dhcp_leases,
	[CTL_VERB_HOST_DEL] = cmd_host_del,	 [CTL_VERB_FORWARD_LIST] = cmd_forward_list,
	[CTL_VERB_FORWARD_DEL] = cmd_forward_del, [CTL_VERB_NET_CREATE] = cmd_create,
	[CTL_VERB_NET_UPDATE] = cmd_update,	 [CTL_VERB_NET_EVENT] = cmd_event,
};


static struct json_object *reply(int ret, struct cmd_ctx *c)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(ret == 0));
	if (ret) {
		if (!c->err[0])
			snprintf(c->err, sizeof(c->err), "%s", strerror(-ret));
		json_object_object_add(r, "error", json_object_new_string(c->err));
		json_object_put(c->data);
	} else if (c->data) {
		json_object_object_add(r, "data", c->data);
	}
	return r;
}

/* Only the verb's own options, each a string (a flag: a boolean). */
static int check_opts(struct cmd_ctx *c, const struct ctl_verb *v)
{
	if (!c->opts)
		return 0;
	if (!json_object_is_type(c->opts, json_type_object))
		return ERR("malformed request: opts must be an object"), -EINVAL;
	json_object_object_foreach(c->opts, key, val) {
		bool takes_value;

		if (!ctl_verb_has_option(v, key, &takes_value))
			return ERR("%s does not take --%s (usage: %s %s)", v->name, key, v->name,
				   v->usage), -EINVAL;
		if (!json_object_is_type(val, takes_value ? json_type_string : json_type_boolean))
			return ERR("malformed request: bad value for --%s", key), -EINVAL;
	}
	return 0;
}

static int check_args(struct cmd_ctx *c, const struct ctl_verb *v)
{
	size_t n;

	if (!json_object_is_type(c->args, json_type_array))
		return ERR("malformed request: args must be an array"), -EINVAL;
	n = json_object_array_length(c->args);
	if ((int)n < v->min_args || (int)n > v->max_args)
		return ERR("usage: %s %s", v->name, v->usage), -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(c->args, i), json_type_string))
			return ERR("malformed request: arguments must be strings"), -EINVAL;
	return check_opts(c, v);
}

struct json_object *commands_exec(struct netmgr *m, struct json_object *req)
{
	struct cmd_ctx c = { .m = m };
	const struct ctl_verb *v;
	struct json_object *cmdv;
	const char *name;

	if (!json_object_object_get_ex(req, "cmd", &cmdv) ||
	    !json_object_is_type(cmdv, json_type_string))
		return snprintf(c.err, sizeof(c.err), "malformed request: no cmd"), reply(-EINVAL, &c);
	name = json_object_get_string(cmdv);
	if (!json_object_object_get_ex(req, "args", &c.args))
		c.args = NULL;
	json_object_object_get_ex(req, "opts", &c.opts);
	v = ctl_verb_by_name(name);
	if (v && handlers[v->id]) {
		int ret;

		if (!c.args)
			c.args = json_object_new_array();
		else
			json_object_get(c.args);
		ret = check_args(&c, v);
		if (!ret)
			ret = handlers[v->id](&c);
		json_object_put(c.args);
		return reply(ret, &c);
	}
	snprintf(c.err, sizeof(c.err), "unknown command '%s'", name);
	return reply(-EINVAL, &c);
}
