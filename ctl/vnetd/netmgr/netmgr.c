/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The set of defined networks: define/undefine, lookup, and adoption of
 * what was running when the daemon last stopped or crashed. */
#include "netmgr.h"

#include <errno.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "core/core.h"
#include "ra_service/ra_service.h"


/* By name, else by UUID (virsh takes either wherever a network goes). */
struct network *netmgr_find(struct netmgr *m, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < m->n_nets; i++)
		if (!strcmp(m->nets[i]->def->name, name))
			return m->nets[i];
	for (size_t i = 0; strlen(name) == 36 && i < m->n_nets; i++)
		if (!strcasecmp(m->nets[i]->def->uuid, name))
			return m->nets[i];
	return NULL;
}

uint32_t netmgr_free_id(struct netmgr *m)
{
	for (uint32_t id = 1; id < 256; id++) {
		int used = 0;

		for (size_t i = 0; i < m->n_nets; i++)
			used |= m->nets[i]->id == id;
		if (!used)
			return id;
	}
	return 0;
}

struct network *netmgr_add(struct netmgr *m, struct netdef *def, uint32_t id, int autostart)
{
	struct network *n;

	if (m->n_nets >= NETMGR_MAX_NETS || !id)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->mgr = m;
	n->def = def;
	n->id = id;
	n->autostart = autostart;
	m->nets[m->n_nets++] = n;
	return n;
}

static void network_free(struct network *n)
{
	if (!n)
		return;
	free(n->pending_def);
	network_ports_free(n);
	free(n->def);
	free(n);
}

static void netmgr_remove(struct netmgr *m, struct network *n)
{
	for (size_t i = 0; i < m->n_nets; i++) {
		if (m->nets[i] == n) {
			m->nets[i] = m->nets[--m->n_nets];
			break;
		}
	}
	network_free(n);
}

/* libvirt gives every network a UUID; a definition without one gets a
 * random (version 4) UUID when it is defined. */
static void assign_uuid(struct netdef *def)
{
	uint8_t b[16];

	if (def->uuid[0] || getrandom(b, sizeof(b), 0) != sizeof(b))
		return;
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(def->uuid, sizeof(def->uuid),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
}

/* libvirt gives every network's bridge a fixed MAC at define time
 * (<mac address>, printed by net-dumpxml): the gateway's MAC then stays the
 * same across net-stop/net-start and vnetd restarts, and guests' ARP
 * caches stay right. 52:54:00 is libvirt's (QEMU's) prefix. */
void netmgr_assign_mac(struct netdef *def)
{
	if (def->has_mac || getrandom(def->mac + 3, 3, 0) != 3)
		return;
	def->mac[0] = 0x52;
	def->mac[1] = 0x54;
	def->mac[2] = 0x00;
	def->has_mac = 1;
}

/* Append one warning line to def->warnings (the parser's come first). */
static void warn(struct netdef *def, const char *msg)
{
	size_t len = strlen(def->warnings);

	if (strstr(def->warnings, msg) || len + strlen(msg) + 2 > sizeof(def->warnings))
		return;
	if (len)
		def->warnings[len++] = '\n';
	memcpy(def->warnings + len, msg, strlen(msg) + 1);
}

void netmgr_add_warnings(struct netdef *def)
{
	if (def->mode != NETDEF_MODE_BRIDGE && def->stp)
		warn(def, "<bridge stp='on'>: STP runs on the kernel bridge, but vnet's data path "
			  "forwards guest traffic (guest to guest, to the uplink) around it: port "
			  "states and delay only hold back what the bridge itself passes (to the "
			  "host: DHCP, DNS; floods)");
}

/* A network without <bridge name> gets the first free vnbrN. */
static void assign_bridge(struct netmgr *m, struct netdef *def)
{
	for (int i = 0; !def->bridge[0] && i < 1000; i++) {
		char name[16];
		int used = 0;

		snprintf(name, sizeof(name), "vnbr%d", i);
		for (size_t j = 0; j < m->n_nets; j++)
			used |= !strcmp(m->nets[j]->def->bridge, name);
		if (!used)
			snprintf(def->bridge, sizeof(def->bridge), "%s", name);
	}
}

static int conflict_with(const struct netdef *o, const struct netdef *def, int addr, char *err,
			 size_t errlen)
{
	if (!strcmp(o->bridge, def->bridge))
		return ERR("bridge %s is already used by network %s", def->bridge, o->name), -EEXIST;
	if (addr && o->has_ip && def->has_ip && o->ip.s_addr == def->ip.s_addr)
		return ERR("address %s is already used by network %s", inet_ntoa(def->ip), o->name),
		       -EEXIST;
	return 0;
}

/* Against what runs and what is pending for every other network. */
static int check_conflicts(struct netmgr *m, const struct netdef *def, char *err, size_t errlen)
{
	for (size_t i = 0; i < m->n_nets; i++) {
		const struct network *o = m->nets[i];
		int ret;

		if (!strcmp(o->def->name, def->name))
			continue;
		/* libvirt checks addresses at start only: an inactive network
		 * (or the pending definition of an active one) may share a
		 * subnet; bridge names stay unique among all definitions */
		ret = conflict_with(o->def, def, o->state == NETWORK_ACTIVE, err, errlen);
		if (!ret && o->pending_def)
			ret = conflict_with(o->pending_def, def, 0, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

/* An inactive network takes the new definition; an active one keeps
 * running with its own and takes the new one at its next start (libvirt),
 * and a transient one becomes persistent. */
static int replace_def(struct netmgr *m, struct network *n, struct netdef *def, char *err,
		       size_t errlen)
{
	struct netdef *old = n->state == NETWORK_ACTIVE ? n->pending_def : n->def;
	int was_transient = n->transient, ret;

	if (n->state == NETWORK_ACTIVE)
		n->pending_def = def;
	else
		n->def = def;
	n->transient = 0;
	ret = netstore_save(m, n);
	if (!ret && n->state == NETWORK_ACTIVE)
		ret = netstore_save_runtime(m, n); /* the live definition, kept apart */
	if (ret) {
		if (n->state == NETWORK_ACTIVE)
			n->pending_def = old;
		else
			n->def = old;
		n->transient = was_transient;
		return ERR("cannot store network %s: %s", def->name, strerror(-ret)), ret;
	}
	free(old);
	return 0;
}

/* net-create: a transient network, started at once, never stored in the
 * conf dir (its definition lives in the running state while it runs). */
int netmgr_create(struct netmgr *m, const char *xml, size_t len, struct network **ret_net,
		  char *err, size_t errlen)
{
	struct netdef *def;
	struct network *n;
	int ret = netdef_parse_xml(xml, len, &def, err, errlen);

	if (ret)
		return ret;
	if (netmgr_find(m, def->name)) {
		ERR("network %s already exists", def->name);
		free(def);
		return -EEXIST;
	}
	assign_bridge(m, def);
	assign_uuid(def);
	netmgr_add_warnings(def);
	if (!def->has_mac && def->mode != NETDEF_MODE_BRIDGE)
		netmgr_assign_mac(def);
	ret = netmgr_assign_ula(m, def, err, errlen);
	if (!ret)
		ret = check_conflicts(m, def, err, errlen);
	if (!ret)
		ret = netmgr_forward_conflicts(m, def, 0, err, errlen);
	if (ret) {
		free(def);
		return ret;
	}
	n = netmgr_add(m, def, netmgr_free_id(m), 0);
	if (!n) {
		free(def);
		return ERR("too many networks: a host holds at most %d", NETMGR_MAX_NETS), -ENOSPC;
	}
	n->transient = 1;
	ret = network_start(n, err, errlen);
	if (ret) {
		netmgr_remove(m, n);
		return ret;
	}
	netmgr_emit(m, def->name, "started");
	*ret_net = n;
	return 0;
}

static struct json_object *event_new(const char *kind, const char *net, const char *type)
{
	struct json_object *ev = json_object_new_object();
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	json_object_object_add(ev, "event", json_object_new_string(kind));
	json_object_object_add(ev, "network", json_object_new_string(net));
	json_object_object_add(ev, "type", json_object_new_string(type));
	json_object_object_add(ev, "time", json_object_new_double(ts.tv_sec + ts.tv_nsec / 1e9));
	return ev;
}

void netmgr_emit(struct netmgr *m, const char *net, const char *type)
{
	struct json_object *ev;

	if (!m->on_event)
		return;
	ev = event_new("lifecycle", net, type);
	m->on_event(ev);
	json_object_put(ev);
}

void netmgr_overlay_event(struct network *n, const char *type, struct in_addr vtep, unsigned macs)
{
	struct json_object *ev;

	if (!n->mgr->on_event)
		return;
	ev = event_new("overlay", n->def->name, type);
	json_object_object_add(ev, "vtep", json_object_new_string(inet_ntoa(vtep)));
	json_object_object_add(ev, "macs", json_object_new_int((int)macs));
	n->mgr->on_event(ev);
	json_object_put(ev);
}

void netmgr_lease_event(struct network *n, const struct dhcp_lease_info *l, int bound)
{
	struct json_object *ev;
	char mac[18];

	if (!n->mgr->on_event)
		return;
	ev = event_new("lease", n->def->name, bound ? "bound" : "gone");
	mac_format(l->mac, mac);
	json_object_object_add(ev, "mac", json_object_new_string(mac));
	json_object_object_add(ev, "ip", json_object_new_string(inet_ntoa(l->ip)));
	json_object_object_add(ev, "hostname", json_object_new_string(l->hostname));
	json_object_object_add(ev, "expires", json_object_new_int64(l->expires));
	n->mgr->on_event(ev);
	json_object_put(ev);
}

int netmgr_start(struct netmgr *m, struct network *n, char *err, size_t errlen)
{
	int ret = n->state == NETWORK_ACTIVE ? 0 : netmgr_forward_conflicts(m, n->def, 1, err, errlen);

	if (ret)
		return ret;
	ret = network_start(n, err, errlen);

	if (!ret)
		netmgr_emit(m, n->def->name, "started");
	return ret;
}

/* net-stop / net-destroy: a transient network is gone; a pending
 * definition becomes the network's. */
int netmgr_stop(struct netmgr *m, struct network *n, char *err, size_t errlen)
{
	int ret = network_stop(n, err, errlen);

	if (ret)
		return ret;
	netmgr_emit(m, n->def->name, "stopped");
	if (n->transient) {
		log_info("network %s (transient) is gone", n->def->name);
		netstore_remove(m, n->def->name);
		netmgr_remove(m, n);
		return 0;
	}
	if (n->pending_def) {
		free(n->def);
		n->def = n->pending_def;
		n->pending_def = NULL;
	}
	return 0;
}

int netmgr_define(struct netmgr *m, const char *xml, size_t len, struct network **ret_net,
		  char *err, size_t errlen)
{
	struct netdef *def;
	struct network *n;
	int ret = netdef_parse_xml(xml, len, &def, err, errlen);

	if (ret)
		return ret;
	assign_bridge(m, def);
	assign_uuid(def);
	netmgr_add_warnings(def);
	if (def->mode != NETDEF_MODE_BRIDGE) /* a shared LAN's bridge keeps its NIC's */
		netmgr_assign_mac(def);
	ret = netmgr_assign_ula(m, def, err, errlen);
	if (!ret)
		ret = check_conflicts(m, def, err, errlen);
	if (!ret)
		ret = netmgr_forward_conflicts(m, def, 0, err, errlen);
	if (ret) {
		free(def);
		return ret;
	}
	n = netmgr_find(m, def->name);
	if (n) {
		ret = replace_def(m, n, def, err, errlen);
		if (ret)
			free(def);
		*ret_net = n;
		return ret;
	}
	n = netmgr_add(m, def, netmgr_free_id(m), 0);
	if (!n) {
		free(def);
		return ERR("too many networks: a host holds at most %d", NETMGR_MAX_NETS), -ENOSPC;
	}
	ret = netstore_save(m, n);
	if (ret) {
		m->n_nets--;
		network_free(n);
		return ERR("cannot store network: %s", strerror(-ret)), ret;
	}
	*ret_net = n;
	return 0;
}

int netmgr_undefine(struct netmgr *m, const char *name, char *err, size_t errlen)
{
	struct network *n = netmgr_find(m, name);
	int ret;

	if (!n)
		return ERR("network '%s' not found", name), -ENOENT;
	if (n->state == NETWORK_ACTIVE) {
		/* libvirt: it runs on as a transient network, gone when stopped */
		if (n->transient)
			return ERR("network %s is transient: it has no definition to remove",
				   n->def->name), -EINVAL;
		ret = netstore_remove_conf(m, n->def->name);
		if (ret)
			return ERR("cannot remove network %s: %s", n->def->name, strerror(-ret)), ret;
		n->transient = 1;
		n->autostart = 0;
		free(n->pending_def);
		n->pending_def = NULL;
		return netstore_save_runtime(m, n);
	}
	ret = netstore_remove(m, n->def->name);
	if (ret)
		return ERR("cannot remove network %s: %s", n->def->name, strerror(-ret)), ret;
	netmgr_remove(m, n);
	return 0;
}

int netmgr_set_autostart(struct netmgr *m, const char *name, int on, char *err, size_t errlen)
{
	struct network *n = netmgr_find(m, name);

	if (!n)
		return ERR("network '%s' not found", name), -ENOENT;
	if (n->transient)
		return ERR("network %s is transient: it cannot be autostarted", n->def->name), -EINVAL;
	n->autostart = on;
	return netstore_save(m, n);
}

/* First start: the built-in default network exists. The marker keeps an
 * undefined default from coming back. */
static void ensure_default(struct netmgr *m)
{
	char marker[4096];
	struct netdef *def;
	struct network *n;

	snprintf(marker, sizeof(marker), "%s/.initialized", m->paths.conf_dir);
	if (access(marker, F_OK) == 0)
		return;
	if (!netmgr_find(m, "default")) {
		def = calloc(1, sizeof(*def));
		if (!def)
			return;
		netdef_default(def);
		assign_uuid(def);
		netmgr_assign_mac(def);
		n = netmgr_add(m, def, netmgr_free_id(m), 0);
		if (!n || netstore_save(m, n))
			log_warn("cannot store the default network");
	}
	file_write_atomic(marker, "", 0, 0600);
}

int netmgr_init(struct netmgr *m, struct loop *loop, struct datapath *dp,
		const struct vnetd_paths *paths)
{
	char dir[4096], err[256];
	const char *subs[][2] = { { paths->conf_dir, "networks" }, { paths->state_dir, "leases" },
				  { paths->state_dir, "running" }, { paths->state_dir, "ports" } };

	memset(m, 0, sizeof(*m));
	m->loop = loop;
	m->dp = dp;
	m->paths = *paths;
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/%s", subs[i][0], subs[i][1]);
		/* leases/ and running/ are world-readable like libvirt's
		 * status files, so the NSS module works for every user. */
		int ret = mkdir_p(dir, i ? 0755 : 0700);

		if (ret)
			return ret;
	}
	if (aclstore_init(&m->acls, dp, paths->conf_dir))
		log_err("cannot open the ACL store under %s", paths->conf_dir);
	netstore_load_all(m);
	ensure_default(m);
	for (size_t i = 0; i < m->n_nets;) {
		struct network *n = m->nets[i];

		if (n->state == NETWORK_RESUMING || n->autostart) {
			n->state = NETWORK_STOPPED;
			if (network_start(n, err, sizeof(err)))
				log_err("cannot restart network %s: %s", n->def->name, err);
		}
		/* a transient network that does not run is no more */
		if (n->transient && n->state != NETWORK_ACTIVE) {
			netstore_remove(m, n->def->name);
			netmgr_remove(m, n);
			continue;
		}
		i++;
	}
	return 0;
}

/* The daemon exits leaving networks running (like libvirt): the data path
 * keeps forwarding and the next vnetd adopts them. */
void netmgr_fini(struct netmgr *m)
{
	/* the port journals folded into the lists and the running state (what
	 * a vnetd before the journal reads) */
	for (size_t i = 0; i < m->n_nets; i++)
		if (m->nets[i]->journal_n)
			netstore_save_runtime(m, m->nets[i]);
	for (size_t i = 0; i < m->n_nets; i++) {
		dhcp_proxy_stop(m->nets[i]->dhcp);
		dns_proxy_stop(m->nets[i]->dns);
		network_free(m->nets[i]);
	}
	m->n_nets = 0;
	aclstore_fini(&m->acls);
}

/* host-add and host-del change the running network and its definition
 * (net-update add|delete ip-dhcp-host --live --config). */
static unsigned both(const struct network *n)
{
	if (n->state != NETWORK_ACTIVE)
		return NU_CONFIG;
	return n->transient ? NU_LIVE : NU_LIVE | NU_CONFIG;
}

int network_host_add(struct network *n, const struct netdef_host *h, char *err, size_t errlen)
{
	struct nu_item it;

	memset(&it, 0, sizeof(it));
	it.host = *h;
	return network_update(n, NU_ADD_LAST, NU_HOST, &it, both(n), err, errlen);
}

/* The static host whose MAC or address is key (host-del), or -1. */
static long host_find(const struct netdef *d, const char *key)
{
	static const uint8_t zero[6];
	uint8_t mac[6];
	struct in_addr ip;
	int by_mac = !mac_parse(key, mac), by_ip = inet_pton(AF_INET, key, &ip) == 1;

	for (size_t i = 0; i < d->n_hosts; i++) {
		const struct netdef_host *h = &d->hosts[i];
		int has_mac = h->has_mac || memcmp(h->mac, zero, 6);
		int has_ip = h->has_ip || h->ip.s_addr;

		if ((by_mac && has_mac && !memcmp(h->mac, mac, 6)) ||
		    (by_ip && has_ip && h->ip.s_addr == ip.s_addr))
			return (long)i;
	}
	return -1;
}

int network_host_del(struct network *n, const char *key, char *err, size_t errlen)
{
	long i = host_find(n->def, key);
	struct nu_item it;

	if (i < 0)
		return ERR("network %s has no static host %s", n->def->name, key), -ENOENT;
	memset(&it, 0, sizeof(it));
	it.host = n->def->hosts[i];
	return network_update(n, NU_DELETE, NU_HOST, &it, both(n), err, errlen);
}

long network_forward_find(const struct netdef *d, uint8_t proto, uint16_t host_port)
{
	for (size_t i = 0; i < d->n_port_forwards; i++) {
		const struct netdef_port_forward *f = &d->port_forwards[i];
		uint16_t end = f->host_port_end ? f->host_port_end : f->host_port;

		if (f->proto == proto && host_port >= f->host_port && host_port <= end)
			return (long)i;
	}
	return -1;
}

/* Remove forward i of d (from the data path and the relays when live). */
static void forward_remove(struct network *n, struct netdef *d, long i, int live)
{
	if (live) {
		dp_forward_del(n->mgr->dp, n->id, &d->port_forwards[i]);
		fwd_relay_del(n->relay, &d->port_forwards[i]);
		fwd_relay_del(n->relay6, &d->port_forwards[i]);
	}
	memmove(&d->port_forwards[i], &d->port_forwards[i + 1],
		(d->n_port_forwards - i - 1) * sizeof(d->port_forwards[0]));
	d->n_port_forwards--;
}

/* Every forward of the host port goes, of both families (a dual-stack
 * forward is one port). The others' data path entries are written again:
 * a range of the other family sharing a port of the removed one keeps
 * the port's host_svc_map bit that removing it cleared. */
int network_forward_del(struct network *n, uint8_t proto, uint16_t host_port, char *err,
			size_t errlen)
{
	struct netdef *d = n->def;
	int live = n->state == NETWORK_ACTIVE;
	long i = network_forward_find(d, proto, host_port);

	if (i < 0)
		return ERR("network %s has no %s forward of port %u", d->name,
			   proto == IPPROTO_TCP ? "tcp" : "udp", host_port), -ENOENT;
	for (; i >= 0; i = network_forward_find(d, proto, host_port))
		forward_remove(n, d, i, live);
	for (size_t k = 0; live && k < d->n_port_forwards; k++)
		dp_forward_add(n->mgr->dp, n->id, &d->port_forwards[k], NULL, 0);
	while (n->pending_def && (i = network_forward_find(n->pending_def, proto, host_port)) >= 0)
		forward_remove(n, n->pending_def, i, 0);
	return netstore_save(n->mgr, n);
}

static unsigned pf_end(const struct netdef_port_forward *f)
{
	return f->host_port_end ? f->host_port_end : f->host_port;
}

/* Does a forward of def (other than self) already claim a host port of
 * pf's? Only active networks' if active_only (net-start), else every
 * definition, running or pending (forward-add, net-define). */
static int pf_conflict(struct netmgr *m, const char *self, const struct netdef_port_forward *pf,
		       int active_only, char *err, size_t errlen)
{
	for (size_t i = 0; i < m->n_nets; i++) {
		const struct network *o = m->nets[i];
		const struct netdef *defs[2] = { o->def, active_only ? NULL : o->pending_def };

		if (!strcmp(o->def->name, self) || (active_only && o->state != NETWORK_ACTIVE))
			continue;
		for (size_t k = 0; k < 2 && defs[k]; k++) {
			for (size_t j = 0; j < defs[k]->n_port_forwards; j++) {
				const struct netdef_port_forward *f = &defs[k]->port_forwards[j];

				if (f->proto == pf->proto && f->host_port <= pf_end(pf) &&
				    pf->host_port <= pf_end(f))
					return ERR("%s port %u is already forwarded by network %s",
						   pf->proto == IPPROTO_TCP ? "tcp" : "udp",
						   f->host_port > pf->host_port ? f->host_port
										: pf->host_port,
						   o->def->name), -EADDRINUSE;
			}
		}
	}
	return 0;
}

int netmgr_forward_conflicts(struct netmgr *m, const struct netdef *def, int active_only,
			     char *err, size_t errlen)
{
	for (size_t i = 0; i < def->n_port_forwards; i++) {
		int ret = pf_conflict(m, def->name, &def->port_forwards[i], active_only, err, errlen);

		if (ret)
			return ret;
	}
	return 0;
}

/* Does d forward pf's host port already in pf's family? */
static int forward_of_family(const struct netdef *d, const struct netdef_port_forward *pf)
{
	for (size_t i = 0; i < d->n_port_forwards; i++) {
		const struct netdef_port_forward *f = &d->port_forwards[i];

		if (f->proto == pf->proto && (f->family == AF_INET6) == (pf->family == AF_INET6) &&
		    pf->host_port >= f->host_port && pf->host_port <= pf_end(f))
			return 1;
	}
	return 0;
}

int network_forward_add(struct network *n, const struct netdef_port_forward *pf, char *err,
			size_t errlen)
{
	struct netdef *d = n->def;
	int ret = pf_conflict(n->mgr, d->name, pf, 0, err, errlen);

	if (ret)
		return ret;
	if (d->n_port_forwards >= NETDEF_MAX_PORT_FORWARDS)
		return ERR("too many port forwards"), -ENOSPC;
	d->port_forwards[d->n_port_forwards++] = *pf;
	ret = netdef_validate(d, err, errlen);
	if (!ret && n->state == NETWORK_ACTIVE)
		ret = dp_forward_add(n->mgr->dp, n->id, pf, err, errlen);
	if (ret) {
		d->n_port_forwards--;
		return ret;
	}
	if (n->state == NETWORK_ACTIVE)
		network_relay_sync(n);
	/* the stored definition of an active network redefined gets it too */
	if (n->pending_def && n->pending_def->n_port_forwards < NETDEF_MAX_PORT_FORWARDS &&
	    !forward_of_family(n->pending_def, pf))
		n->pending_def->port_forwards[n->pending_def->n_port_forwards++] = *pf;
	return netstore_save(n->mgr, n);
}

/* "vif1.0 learn 10.0.0.5(learned); vif2.0 off isolated": each port's mode
 * and bound addresses in one line (net-info; port-list has the table). The
 * line holds what fits in 1 KiB and says how many ports it leaves out, so
 * net-info and net-list read the first ports only, not all (issue 21). */
#define POLICY_LINE 1024
#define POLICY_LINE_PORTS 128	/* more never fit: "; sN off" is 8 bytes */
static struct json_object *port_policy_line(struct network *n)
{
	struct json_object *ports = network_ports_json_first(n, POLICY_LINE_PORTS), *r, *v;
	char line[POLICY_LINE + 48] = "";
	size_t len = 0, i, shown = 0;

	for (i = 0; i < json_object_array_length(ports); i++) {
		struct json_object *p = json_object_array_get_idx(ports, i);
		const char *f = json_object_object_get_ex(p, "filter", &v) ? json_object_get_string(v)
									    : "?";
		const char *a = json_object_object_get_ex(p, "addrs", &v) ? json_object_get_string(v)
									   : "";
		bool iso = json_object_object_get_ex(p, "isolated", &v) && json_object_get_boolean(v);
		char one[320];
		int w;

		json_object_object_get_ex(p, "ifname", &v);
		w = snprintf(one, sizeof(one), "%s%s %s%s%s%s", i ? "; " : "",
			     json_object_get_string(v), f, iso ? " isolated" : "", a[0] ? " " : "", a);
		if (w < 0 || len + (size_t)w >= POLICY_LINE)
			break;
		memcpy(line + len, one, (size_t)w + 1);
		len += (size_t)w;
		shown++;
	}
	if (shown < n->n_ports)
		snprintf(line + len, sizeof(line) - len, "%s+%zu more (port-list)", len ? "; " : "",
			 n->n_ports - shown);
	r = json_object_new_string(line);
	json_object_put(ports);
	return r;
}

/* IPv6 (issue 18): the gateway's addresses, and the router
 * advertisements sent and solicited while the network runs. */
static void ipv6_info(struct json_object *o, const struct network *n)
{
	char line[NETDEF_MAX_IPS * (INET6_ADDRSTRLEN + 6)] = "", a[INET6_ADDRSTRLEN];
	const struct netdef *d = n->def;
	struct ra_stats st;
	size_t len = 0;

	for (size_t i = 0; i < d->n_ips && len < sizeof(line); i++) {
		if (d->ips[i].family != AF_INET6)
			continue;
		inet_ntop(AF_INET6, &d->ips[i].addr6, a, sizeof(a));
		len += snprintf(line + len, sizeof(line) - len, "%s%s/%u", len ? " " : "", a,
				d->ips[i].prefix);
	}
	json_object_object_add(o, "ipv6", json_object_new_string(
		len ? line : d->ipv6 == NETDEF_YES ? "guests only (ipv6='yes')" : "link-local only"));
	if (n->state != NETWORK_ACTIVE || !n->ra)
		return;
	ra_service_stats(n->ra, &st);
	snprintf(line, sizeof(line), "%llu sent, %llu solicitations answered, %llu refused",
		 (unsigned long long)st.sent, (unsigned long long)st.solicited,
		 (unsigned long long)st.bad_rs);
	json_object_object_add(o, "router_adverts", json_object_new_string(line));
}

struct json_object *network_info_json(struct network *n)
{
	struct json_object *o = json_object_new_object();
	const struct netdef *d = n->def;
	enum netdef_filter f;
	char buf[64];

	json_object_object_add(o, "name", json_object_new_string(d->name));
	json_object_object_add(o, "uuid", json_object_new_string(d->uuid));
	json_object_object_add(o, "active", json_object_new_boolean(n->state == NETWORK_ACTIVE));
	json_object_object_add(o, "state", json_object_new_string(n->state == NETWORK_ACTIVE
								  ? "active" : "inactive"));
	json_object_object_add(o, "autostart", json_object_new_boolean(n->autostart));
	json_object_object_add(o, "persistent", json_object_new_boolean(!n->transient));
	json_object_object_add(o, "bridge", json_object_new_string(d->bridge));
	json_object_object_add(o, "mode", json_object_new_string(netdef_mode_name(d->mode)));
	if (d->has_ip) {
		snprintf(buf, sizeof(buf), "%s/%u", inet_ntoa(d->ip), d->prefix);
		json_object_object_add(o, "address", json_object_new_string(buf));
	}
	if (n->state == NETWORK_ACTIVE && n->uplink[0]) {
		const char *x = dp_uplink_xdp_name(n->mgr->dp, (int)if_nametoindex(n->uplink));

		json_object_object_add(o, "uplink", json_object_new_string(n->uplink));
		/* the uplink's XDP program (docs/datapath.md): native or off */
		json_object_object_add(o, "uplink_xdp", json_object_new_string(x ? x : "off"));
	}
	if (d->warnings[0])
		json_object_object_add(o, "warnings", json_object_new_string(d->warnings));
	json_object_object_add(o, "ports", json_object_new_int(n->n_ports));
	/* the limits (issue 21): a network may hold what the host has left */
	{
		size_t used = netmgr_ports_used(n->mgr), lim = netmgr_port_limit(n->mgr);
		size_t mine = n->state == NETWORK_ACTIVE ? n->n_ports : 0;

		json_object_object_add(o, "port_limit", json_object_new_int64(
			(int64_t)(used - mine < lim ? lim - (used - mine) : 0)));
	}
	json_object_object_add(o, "host_ports", json_object_new_int64(
		(int64_t)netmgr_ports_used(n->mgr)));
	json_object_object_add(o, "host_port_limit", json_object_new_int64(
		(int64_t)netmgr_port_limit(n->mgr)));
	/* networks defined on the host (each holds a data-path id) and the most */
	json_object_object_add(o, "host_networks", json_object_new_int64((int64_t)n->mgr->n_nets));
	json_object_object_add(o, "host_network_limit", json_object_new_int64(NETMGR_MAX_NETS));
	json_object_object_add(o, "id", json_object_new_int(n->id));
	/* guest policy (issue 19): the network's level, as its ports inherit
	 * it; each port's own mode and addresses: port-list */
	f = d->policy.filter ? d->policy.filter
	    : d->mode == NETDEF_MODE_OPEN ? NETDEF_FILTER_OFF : NETDEF_FILTER_BUILTIN;
	json_object_object_add(o, "filter", json_object_new_string(
		f == NETDEF_FILTER_OFF ? "off" : f == NETDEF_FILTER_LEARN ? "learn" : "strict"));
	json_object_object_add(o, "host_access", json_object_new_string(
		d->host_access == NETDEF_HOST_SERVICES ? "services"
		: d->host_access == NETDEF_HOST_NONE ? "none" : "all"));
	if (n->state == NETWORK_ACTIVE && n->n_ports)
		json_object_object_add(o, "port_policy", port_policy_line(n));
	ipv6_info(o, n);
	network_overlay_info(o, n);
	network_overlay_remotes_info(o, n);
	return o;
}
