/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Persistence of definitions (<conf>/networks/NAME.xml + NAME.meta) and of
 * the running state (<state>/running/NAME.json: active flag and ports) and
 * of the port list (<state>/ports/NAME.json, kept while stopped, and its
 * journal NAME.journal: port-add and port-del), so that a restarted daemon
 * adopts exactly what was running. Every file is replaced atomically; the
 * journal is appended to and fsync'd line by line. */
#include <dirent.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "netdef/netdef.h"
#include "netmgr.h"
#include "nl/nl.h"

static void path_of(char *buf, size_t len, const char *dir, const char *sub, const char *name,
		    const char *ext)
{
	snprintf(buf, len, "%s/%s/%s%s", dir, sub, name, ext);
}

static int save_json(const char *path, struct json_object *obj, unsigned mode)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY);

	return file_write_atomic(path, s, strlen(s), mode);
}

/* The stored definition: the pending one of an active network redefined
 * (net-define), else the network's; a transient network has none (its
 * definition is in its running state). */
int netstore_save(struct netmgr *m, struct network *n)
{
	char path[4096], *xml;
	struct json_object *meta;
	int err;

	if (n->transient)
		return 0;
	xml = netdef_format_xml(n->pending_def ? n->pending_def : n->def);
	if (!xml)
		return -ENOMEM;
	path_of(path, sizeof(path), m->paths.conf_dir, "networks", n->def->name, ".xml");
	err = file_write_atomic(path, xml, strlen(xml), 0600);
	free(xml);
	if (err)
		return err;
	meta = json_object_new_object();
	json_object_object_add(meta, "id", json_object_new_int(n->id));
	json_object_object_add(meta, "autostart", json_object_new_boolean(n->autostart));
	if (n->def->has_mac) { /* also here: a definition file may be written without it */
		char mac[18];

		mac_format(n->def->mac, mac);
		json_object_object_add(meta, "mac", json_object_new_string(mac));
	}
	path_of(path, sizeof(path), m->paths.conf_dir, "networks", n->def->name, ".meta");
	err = save_json(path, meta, 0600);
	json_object_put(meta);
	return err;
}

int netstore_remove_conf(struct netmgr *m, const char *name)
{
	char path[4096];

	path_of(path, sizeof(path), m->paths.conf_dir, "networks", name, ".meta");
	unlink(path);
	path_of(path, sizeof(path), m->paths.conf_dir, "networks", name, ".xml");
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

int netstore_remove(struct netmgr *m, const char *name)
{
	char path[4096];

	path_of(path, sizeof(path), m->paths.state_dir, "running", name, ".json");
	unlink(path);
	path_of(path, sizeof(path), m->paths.state_dir, "running", name, ".xml");
	unlink(path);
	path_of(path, sizeof(path), m->paths.state_dir, "ports", name, ".json");
	unlink(path);
	path_of(path, sizeof(path), m->paths.state_dir, "ports", name, ".journal");
	unlink(path);
	return netstore_remove_conf(m, name);
}

/* The definition a network runs with, beside its running state: a
 * transient network's only one, or the live one of a network redefined
 * while active. */
static int save_live_def(struct netmgr *m, struct network *n)
{
	char path[4096], *xml;
	int err;

	path_of(path, sizeof(path), m->paths.state_dir, "running", n->def->name, ".xml");
	if (n->state == NETWORK_STOPPED)
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	xml = netdef_format_xml(n->def);
	if (!xml)
		return -ENOMEM;
	err = file_write_atomic(path, xml, strlen(xml), 0600);
	free(xml);
	return err;
}

/* port-add's policy options (struct port's decl, issue 19). */
static void decl_save(const struct netdef_port *d, struct json_object *p)
{
	struct json_object *ips;
	char bws[96];

	if (d->policy.bw.in.average) {	/* port-add --inbound */
		network_bw_format(&d->policy.bw.in, bws, sizeof(bws));
		json_object_object_add(p, "inbound", json_object_new_string(bws));
	}
	if (d->policy.bw.out.average) {	/* --outbound */
		network_bw_format(&d->policy.bw.out, bws, sizeof(bws));
		json_object_object_add(p, "outbound", json_object_new_string(bws));
	}
	if (d->policy.filter)
		json_object_object_add(p, "filter", json_object_new_int(d->policy.filter));
	if (d->policy.isolated)
		json_object_object_add(p, "isolated", json_object_new_int(d->policy.isolated));
	if (d->portgroup[0])
		json_object_object_add(p, "portgroup", json_object_new_string(d->portgroup));
	if (d->policy.acl_in[0])
		json_object_object_add(p, "acl_in", json_object_new_string(d->policy.acl_in));
	if (d->policy.acl_out[0])
		json_object_object_add(p, "acl_out", json_object_new_string(d->policy.acl_out));
	if (!d->n_ip4)
		return;
	ips = json_object_new_array();
	for (unsigned i = 0; i < d->n_ip4 && i < NETDEF_MAX_PORT_IPS; i++)
		json_object_array_add(ips, json_object_new_string(inet_ntoa(d->ip4[i])));
	json_object_object_add(p, "ip", ips);
}

static void decl_load(struct json_object *p, struct netdef_port *d)
{
	struct json_object *v;

	if (json_object_object_get_ex(p, "filter", &v) && json_object_get_int(v) >= 0 &&
	    json_object_get_int(v) <= NETDEF_FILTER_STRICT)
		d->policy.filter = json_object_get_int(v);
	if (json_object_object_get_ex(p, "isolated", &v) && json_object_get_int(v) >= 0 &&
	    json_object_get_int(v) <= NETDEF_NO)
		d->policy.isolated = json_object_get_int(v);
	if (json_object_object_get_ex(p, "portgroup", &v))
		snprintf(d->portgroup, sizeof(d->portgroup), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(p, "inbound", &v))
		network_bw_parse(json_object_get_string(v), 1, &d->policy.bw.in);
	if (json_object_object_get_ex(p, "outbound", &v))
		network_bw_parse(json_object_get_string(v), 0, &d->policy.bw.out);
	if (json_object_object_get_ex(p, "acl_in", &v))
		snprintf(d->policy.acl_in, sizeof(d->policy.acl_in), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(p, "acl_out", &v))
		snprintf(d->policy.acl_out, sizeof(d->policy.acl_out), "%s",
			 json_object_get_string(v));
	if (!json_object_object_get_ex(p, "ip", &v) || !json_object_is_type(v, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(v) && d->n_ip4 < NETDEF_MAX_PORT_IPS; i++)
		if (inet_pton(AF_INET, json_object_get_string(json_object_array_get_idx(v, i)),
			      &d->ip4[d->n_ip4]) == 1)
			d->n_ip4++;
}


/* One port as stored (running state and port list): its device and
 * what port-add was given. */
static struct json_object *port_json(const struct port *pt)
{
	struct json_object *p = json_object_new_object();
	char mac[18];

	json_object_object_add(p, "ifname", json_object_new_string(pt->ifname));
	if (pt->has_mac) {
		mac_format(pt->mac, mac);
		json_object_object_add(p, "mac", json_object_new_string(mac));
	}
	if (pt->hook != DP_HOOK_AUTO)	/* port-add --hook */
		json_object_object_add(p, "hook", json_object_new_string(
				       dp_hook_choice_name(pt->hook)));
	if (pt->ipv6_before)	/* what port-del gives back */
		json_object_object_add(p, "ipv6_before", json_object_new_string(
				       pt->ipv6_before == NETWORK_IPV6_OFF ? "off" : "on"));
	decl_save(&pt->decl, p);
	return p;
}

static struct json_object *ports_json(const struct network *n)
{
	struct json_object *ports = json_object_new_array();

	for (size_t i = 0; i < n->n_ports; i++)
		json_object_array_add(ports, port_json(&n->ports[i]));
	return ports;
}

/* One stored port into n's list, replacing the one of its name. */
static void port_load(struct network *n, struct json_object *p)
{
	struct json_object *v;
	struct port *pt;
	char name[16];

	if (!json_object_object_get_ex(p, "ifname", &v) ||
	    !(pt = network_port_put(n, json_object_get_string(v))))
		return;
	memcpy(name, pt->ifname, sizeof(name));
	memset(pt, 0, sizeof(*pt));
	memcpy(pt->ifname, name, sizeof(name));
	if (json_object_object_get_ex(p, "mac", &v))
		pt->has_mac = mac_parse(json_object_get_string(v), pt->mac) == 0;
	if (json_object_object_get_ex(p, "hook", &v))
		pt->hook = dp_hook_choice_parse(json_object_get_string(v));
	if (pt->hook < 0)
		pt->hook = DP_HOOK_AUTO;
	if (json_object_object_get_ex(p, "ipv6_before", &v))
		pt->ipv6_before = strcmp(json_object_get_string(v), "off") ? NETWORK_IPV6_ON
									 : NETWORK_IPV6_OFF;
	decl_load(p, &pt->decl);
}

static void ports_load(struct network *n, struct json_object *ports)
{
	n->n_ports = 0;
	network_ports_reindex(n);
	for (size_t i = 0; i < json_object_array_length(ports); i++)
		port_load(n, json_object_array_get_idx(ports, i));
}

/* <state>/ports/NAME.journal: the port-adds and port-dels since the port
 * list (ports/NAME.json) was last written whole, one fsync'd JSON line
 * each, {"add": PORT} or {"del": "IFNAME"}: a port-add appends a line
 * instead of writing every port (issue 21). The list is written whole, and
 * the journal removed, at every full save (net-start, net-stop, ...), when
 * the journal holds JOURNAL_MIN lines and at least half as many as there
 * are ports (ports added one by one: the list is written at 64, 128, 256,
 * ... ports, so O(1) a port amortized), when a network's ports are loaded and when vnetd stops.
 * Loading replays it on the list in order; each line sets or removes one
 * port by name, so replaying lines the list already holds (a crash between
 * writing the list and removing the journal) gives the same list. A torn
 * or unreadable line is skipped. */
#define JOURNAL_MIN 64

static void journal_path(struct netmgr *m, const struct network *n, char *buf, size_t len)
{
	path_of(buf, len, m->paths.state_dir, "ports", n->def->name, ".journal");
}

static void journal_drop(struct netmgr *m, struct network *n)
{
	char path[4096];

	journal_path(m, n, path, sizeof(path));
	unlink(path);
	n->journal_n = 0;
}

static void journal_apply(struct network *n, const char *line)
{
	struct json_object *o = json_tokener_parse(line), *v;
	struct port *p;

	if (o && json_object_object_get_ex(o, "add", &v))
		port_load(n, v);
	else if (o && json_object_object_get_ex(o, "del", &v) &&
		 (p = network_port_find(n, json_object_get_string(v))))
		network_port_remove_at(n, (size_t)(p - n->ports));
	json_object_put(o);
}

/* The journal's lines on n's list; how many there were. */
static size_t journal_replay(struct netmgr *m, struct network *n)
{
	char path[4096], *buf, *line, *save = NULL;
	size_t len, lines = 0;

	journal_path(m, n, path, sizeof(path));
	if (file_read_all(path, 64 << 20, &buf, &len))
		return 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save), lines++)
		journal_apply(n, line);
	free(buf);
	return lines ? lines : 1;	/* an empty file is dropped too */
}

static int journal_append(struct netmgr *m, struct network *n, struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s);
	char path[4096], *line = malloc(len + 1);
	int err;

	if (!line)
		return -ENOMEM;
	memcpy(line, s, len);
	line[len] = '\n';
	journal_path(m, n, path, sizeof(path));
	err = file_append_sync(path, line, len + 1, 0644);
	free(line);
	return err;
}

int netstore_save_port(struct netmgr *m, struct network *n, const struct port *p,
		       const char *ifname)
{
	struct json_object *o;
	int err = -EFBIG;	/* long enough: the list is written whole */

	if (n->journal_n < JOURNAL_MIN || 2 * n->journal_n < n->n_ports) {
		o = json_object_new_object();
		if (p)
			json_object_object_add(o, "add", port_json(p));
		else
			json_object_object_add(o, "del", json_object_new_string(ifname));
		err = journal_append(m, n, o);
		json_object_put(o);
	}
	if (!err) {
		n->journal_n++;
		return 0;
	}
	/* a failed append may have left a torn line: the whole state replaces it */
	return netstore_save_runtime(m, n);
}

/* <state>/ports/NAME.json: the network's ports, active or not, so that
 * net-stop + net-start and a vnetd restart re-add every port whose device
 * still exists (issue 17.3). */
static int save_ports(struct netmgr *m, struct network *n)
{
	char path[4096];
	struct json_object *obj;
	int err;

	path_of(path, sizeof(path), m->paths.state_dir, "ports", n->def->name, ".json");
	if (!n->n_ports) {
		err = unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	} else {
		obj = json_object_new_object();
		json_object_object_add(obj, "ports", ports_json(n));
		err = save_json(path, obj, 0644);
		json_object_put(obj);
	}
	if (!err)	/* the list holds what the journal said */
		journal_drop(m, n);
	return err;
}

int netstore_save_runtime(struct netmgr *m, struct network *n)
{
	char path[4096];
	struct json_object *obj;
	int err = save_ports(m, n);

	if (err)
		log_warn("network %s: cannot store its ports: %s", n->def->name, strerror(-err));
	err = save_live_def(m, n);
	path_of(path, sizeof(path), m->paths.state_dir, "running", n->def->name, ".json");
	if (n->state == NETWORK_STOPPED)
		return unlink(path) < 0 && errno != ENOENT ? -errno : err;
	if (err)
		return err;
	obj = json_object_new_object();
	json_object_object_add(obj, "id", json_object_new_int((int32_t)n->id));
	if (n->transient)
		json_object_object_add(obj, "transient", json_object_new_boolean(1));
	/* the ports here too: what a vnetd before the port list reads */
	json_object_object_add(obj, "ports", ports_json(n));
	/* written by a vnetd that marks its bridges (netlink.h); without it,
	 * the next start claims the running bridge once (legacy) */
	if (n->def->mode != NETDEF_MODE_BRIDGE)
		json_object_object_add(obj, "bridge_owned", json_object_new_boolean(1));
	err = save_json(path, obj, 0644);
	json_object_put(obj);
	return err;
}

static void load_meta(struct netmgr *m, struct netdef *def, uint32_t *id, int *autostart)
{
	const char *name = def->name;
	char path[4096];
	struct json_object *obj, *v;

	path_of(path, sizeof(path), m->paths.conf_dir, "networks", name, ".meta");
	obj = json_object_from_file(path);
	if (!obj)
		return;
	if (json_object_object_get_ex(obj, "id", &v))
		*id = json_object_get_int(v);
	if (json_object_object_get_ex(obj, "autostart", &v))
		*autostart = json_object_get_boolean(v);
	if (!def->has_mac && json_object_object_get_ex(obj, "mac", &v))
		def->has_mac = mac_parse(json_object_get_string(v), def->mac) == 0;
	json_object_put(obj);
}

/* A network redefined while it ran: it runs on with the definition it was
 * started with (running/NAME.xml); the stored one is pending. */
static void load_live_def(struct netmgr *m, struct network *n)
{
	char path[4096], err[4200];
	struct netdef *live;

	path_of(path, sizeof(path), m->paths.state_dir, "running", n->def->name, ".xml");
	if (access(path, F_OK) || netdef_load_file(path, &live, err, sizeof(err)))
		return;
	netmgr_add_warnings(live);
	if (!strcmp(live->name, n->def->name) && memcmp(live, n->def, sizeof(*live))) {
		free(n->pending_def);
		n->pending_def = n->def;
		n->def = live;
		return;
	}
	free(live);
}

/* The port list saved by a previous run: ports/NAME.json, else (a vnetd
 * before the list, or a network without ports) the running state's, then
 * the journal on it; a replayed journal is folded into the list at once
 * (a torn last line must not be followed by the next append). */
static void load_ports(struct netmgr *m, struct network *n, struct json_object *running)
{
	char path[4096];
	struct json_object *obj, *ports;

	path_of(path, sizeof(path), m->paths.state_dir, "ports", n->def->name, ".json");
	obj = json_object_from_file(path);
	if (obj && json_object_object_get_ex(obj, "ports", &ports))
		ports_load(n, ports);
	else if (running && json_object_object_get_ex(running, "ports", &ports))
		ports_load(n, ports);
	json_object_put(obj);
	if (journal_replay(m, n) && save_ports(m, n))
		log_warn("network %s: cannot store its ports", n->def->name);
}

/* The running state of a previous run (network_start re-adds its ports). */
static void load_runtime(struct netmgr *m, struct network *n)
{
	char path[4096];
	struct json_object *obj;

	path_of(path, sizeof(path), m->paths.state_dir, "running", n->def->name, ".json");
	obj = json_object_from_file(path);
	if (obj) {
		struct json_object *v;

		n->state = NETWORK_RESUMING; /* "was running": netmgr_init restarts it */
		n->bridge_legacy = !json_object_object_get_ex(obj, "bridge_owned", NULL);
		n->transient = json_object_object_get_ex(obj, "transient", &v) &&
			       json_object_get_boolean(v);
		load_live_def(m, n);
	}
	load_ports(m, n, obj);
	json_object_put(obj);
}

/* A definition stored before vnet kept the bridge's MAC gets one now, for
 * good: the running bridge's own (a resumed network), else a random one. */
static void keep_mac(struct netmgr *m, struct network *n)
{
	struct netdef *d = n->def;

	if (d->has_mac || d->mode == NETDEF_MODE_BRIDGE)
		return;
	if (network_bridge_is_ours(n) && nl_link_mac(d->bridge, d->mac) == 0)
		d->has_mac = 1;
	else
		netmgr_assign_mac(d);
	netstore_save(m, n);
}

/* A definition written by hand with <vnet:ula/> gets its /64 now, kept. */
static void keep_ula(struct netmgr *m, struct network *n)
{
	char err[256];

	if (!n->def->ula.enabled || n->def->ula.has_prefix)
		return;
	if (netmgr_assign_ula(m, n->def, err, sizeof(err)))
		log_warn("network %s: %s", n->def->name, err);
	else
		netstore_save(m, n);
}

/* Load one definition. On reload, an inactive network takes the new
 * definition; an active one keeps running with the old until restarted. */
static int load_one(struct netmgr *m, const char *file, int reload)
{
	char path[4096], err[4200];
	struct netdef *def;
	struct network *n;
	uint32_t id = 0;
	int autostart = 0, ret;

	snprintf(path, sizeof(path), "%s/networks/%s", m->paths.conf_dir, file);
	ret = netdef_load_file(path, &def, err, sizeof(err));
	if (ret) {
		/* one removed since the directory was read is not worth a line */
		if (ret != -ENOENT)
			log_warn("ignoring %s: %s", path, err);
		return ret;
	}
	load_meta(m, def, &id, &autostart);
	netmgr_add_warnings(def);
	n = reload ? netmgr_find(m, def->name) : NULL;
	if (n) {
		if (n->state == NETWORK_ACTIVE) {
			if (memcmp(n->def, def, sizeof(*def)))
				log_info("network %s changed on disk; restart it to apply", def->name);
			free(def);
		} else {
			free(n->def);
			n->def = def;
			n->autostart = autostart;
			keep_mac(m, n);
	keep_ula(m, n);
		}
		return 0;
	}
	if (!id || netmgr_find(m, def->name))
		id = netmgr_free_id(m);
	n = netmgr_add(m, def, id, autostart);
	if (!n) {
		free(def);
		return -ENOMEM;
	}
	if (!reload)
		load_runtime(m, n);
	keep_mac(m, n);
	keep_ula(m, n);
	return 0;
}

static int scan_definitions(struct netmgr *m, int reload)
{
	char path[4096];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/networks", m->paths.conf_dir);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 4 && !strcmp(de->d_name + l - 4, ".xml"))
			load_one(m, de->d_name, reload);
	}
	closedir(d);
	return 0;
}

/* Transient networks have no definition in the conf dir: each running
 * state with a definition and no network of its name is one. */
static void load_transients(struct netmgr *m)
{
	char path[4096], err[4200];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/running", m->paths.state_dir);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		size_t l = strlen(de->d_name);
		struct json_object *obj, *v;
		struct netdef *def;
		struct network *n;
		uint32_t id = 0;

		if (l <= 4 || strcmp(de->d_name + l - 4, ".xml"))
			continue;
		snprintf(path, sizeof(path), "%s/running/%s", m->paths.state_dir, de->d_name);
		if (netdef_load_file(path, &def, err, sizeof(err)))
			continue;
		if (netmgr_find(m, def->name)) {
			free(def);
			continue;
		}
		netmgr_add_warnings(def);
		path_of(path, sizeof(path), m->paths.state_dir, "running", def->name, ".json");
		obj = json_object_from_file(path);
		if (obj && json_object_object_get_ex(obj, "id", &v))
			id = (uint32_t)json_object_get_int(v);
		json_object_put(obj);
		for (size_t i = 0; id && i < m->n_nets; i++)
			if (m->nets[i]->id == id)
				id = 0;
		n = netmgr_add(m, def, id ? id : netmgr_free_id(m), 0);
		if (!n) {
			free(def);
			continue;
		}
		load_runtime(m, n);
		n->transient = 1;	/* a running state without the flag: still no definition */
	}
	if (d)
		closedir(d);
}

int netstore_load_all(struct netmgr *m)
{
	int ret = scan_definitions(m, 0);

	load_transients(m);
	return ret;
}

void netmgr_reload(struct netmgr *m)
{
	char path[4096];

	/* Inactive networks whose definition was removed go away. */
	for (size_t i = 0; i < m->n_nets;) {
		struct network *n = m->nets[i];

		snprintf(path, sizeof(path), "%s/networks/%s.xml", m->paths.conf_dir, n->def->name);
		if (n->state != NETWORK_ACTIVE && access(path, F_OK)) {
			log_info("network %s no longer defined", n->def->name);
			m->nets[i] = m->nets[--m->n_nets];
			network_ports_free(n);
			free(n->def);
			free(n);
			continue;
		}
		i++;
	}
	scan_definitions(m, 1);
}
