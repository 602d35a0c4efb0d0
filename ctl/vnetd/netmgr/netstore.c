/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Persistence of definitions (<conf>/networks/NAME.xml + NAME.meta) and of
 * the running state (<state>/running/NAME.json: active flag and ports), so
 * that a restarted daemon adopts exactly what was running. Every file is
 * replaced atomically. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "netdef/netdef.h"
#include "netmgr.h"

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

int netstore_save(struct netmgr *m, struct network *n)
{
	char path[4096], *xml = netdef_format_xml(n->def);
	struct json_object *meta;
	int err;

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
	path_of(path, sizeof(path), m->paths.conf_dir, "networks", n->def->name, ".meta");
	err = save_json(path, meta, 0600);
	json_object_put(meta);
	return err;
}

int netstore_remove(struct netmgr *m, const char *name)
{
	char path[4096];

	path_of(path, sizeof(path), m->paths.conf_dir, "networks", name, ".meta");
	unlink(path);
	path_of(path, sizeof(path), m->paths.state_dir, "running", name, ".json");
	unlink(path);
	path_of(path, sizeof(path), m->paths.conf_dir, "networks", name, ".xml");
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

int netstore_save_runtime(struct netmgr *m, struct network *n)
{
	char path[4096], mac[18];
	struct json_object *obj, *ports;
	int err;

	path_of(path, sizeof(path), m->paths.state_dir, "running", n->def->name, ".json");
	if (n->state == NETWORK_STOPPED)
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	obj = json_object_new_object();
	ports = json_object_new_array();
	for (size_t i = 0; i < n->n_ports; i++) {
		struct json_object *p = json_object_new_object();

		json_object_object_add(p, "ifname", json_object_new_string(n->ports[i].ifname));
		if (n->ports[i].has_mac) {
			mac_format(n->ports[i].mac, mac);
			json_object_object_add(p, "mac", json_object_new_string(mac));
		}
		if (n->ports[i].hook != DP_HOOK_AUTO)	/* port-add --hook */
			json_object_object_add(p, "hook", json_object_new_string(
					       dp_hook_choice_name(n->ports[i].hook)));
		json_object_array_add(ports, p);
	}
	json_object_object_add(obj, "ports", ports);
	/* written by a vnetd that marks its bridges (netlink.h); without it,
	 * the next start claims the running bridge once (legacy) */
	if (n->def->mode != NETDEF_MODE_BRIDGE)
		json_object_object_add(obj, "bridge_owned", json_object_new_boolean(1));
	err = save_json(path, obj, 0644);
	json_object_put(obj);
	return err;
}

static void load_meta(struct netmgr *m, const char *name, uint32_t *id, int *autostart)
{
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
	json_object_put(obj);
}

/* Ports saved by a previous run; network_start re-adds them. */
static void load_runtime(struct netmgr *m, struct network *n)
{
	char path[4096];
	struct json_object *obj, *ports, *v;

	path_of(path, sizeof(path), m->paths.state_dir, "running", n->def->name, ".json");
	obj = json_object_from_file(path);
	if (!obj)
		return;
	n->state = NETWORK_RESUMING; /* "was running": netmgr_init restarts it */
	n->bridge_legacy = !json_object_object_get_ex(obj, "bridge_owned", NULL);
	if (json_object_object_get_ex(obj, "ports", &ports)) {
		for (size_t i = 0; i < json_object_array_length(ports) && n->n_ports < NETWORK_MAX_PORTS; i++) {
			struct json_object *p = json_object_array_get_idx(ports, i);
			struct port *pt = &n->ports[n->n_ports];

			if (!json_object_object_get_ex(p, "ifname", &v))
				continue;
			memset(pt, 0, sizeof(*pt));
			snprintf(pt->ifname, sizeof(pt->ifname), "%s", json_object_get_string(v));
			if (json_object_object_get_ex(p, "mac", &v))
				pt->has_mac = mac_parse(json_object_get_string(v), pt->mac) == 0;
			if (json_object_object_get_ex(p, "hook", &v))
				pt->hook = dp_hook_choice_parse(json_object_get_string(v));
			if (pt->hook < 0)
				pt->hook = DP_HOOK_AUTO;
			n->n_ports++;
		}
	}
	json_object_put(obj);
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
	load_meta(m, def->name, &id, &autostart);
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

int netstore_load_all(struct netmgr *m)
{
	return scan_definitions(m, 0);
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
			free(n->def);
			free(n);
			continue;
		}
		i++;
	}
	scan_definitions(m, 1);
}
