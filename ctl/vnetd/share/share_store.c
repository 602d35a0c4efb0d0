/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The record of a share (<state>/shared/NIC.json, replaced atomically),
 * recovery of half-done shares at daemon start, and the listing. */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "nl/nl.h"
#include "share.h"
#include "share_priv.h"

static void record_path(char *buf, size_t len, const char *state_dir, const char *nic)
{
	snprintf(buf, len, "%s/shared/%s.json", state_dir, nic);
}

int share_sock_open(struct nl_sock **ret)
{
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (!sk)
		return -ENOMEM;
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		nl_socket_free(sk);
		return -EIO;
	}
	*ret = sk;
	return 0;
}

int share_record_write(const struct share_ctx *c, const char *state)
{
	char path[4096], dir[4096];
	struct json_object *o = json_object_new_object();
	const char *s;
	int r;

	snprintf(dir, sizeof(dir), "%s/shared", c->state_dir);
	r = mkdir_p(dir, 0700);
	if (r)
		return r;
	json_object_object_add(o, "nic", json_object_new_string(c->nic));
	json_object_object_add(o, "bridge", json_object_new_string(c->bridge));
	json_object_object_add(o, "state", json_object_new_string(state));
	json_object_object_add(o, "snapshot", json_object_get(c->snap));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	record_path(path, sizeof(path), c->state_dir, c->nic);
	r = file_write_atomic(path, s, strlen(s), 0600);
	json_object_put(o);
	return r;
}

int share_record_read(const char *state_dir, const char *nic, struct json_object **ret)
{
	char path[4096], *text;
	struct json_object *o, *snap;
	int r;

	record_path(path, sizeof(path), state_dir, nic);
	r = file_read_all(path, 1 << 22, &text, NULL);
	if (r)
		return r;
	o = json_tokener_parse(text);
	free(text);
	if (!o || !json_object_object_get_ex(o, "snapshot", &snap) || !snap_str(o, "bridge")) {
		json_object_put(o);
		return -EBADMSG;
	}
	*ret = o;
	return 0;
}

void share_record_remove(const char *state_dir, const char *nic)
{
	char path[4096];

	record_path(path, sizeof(path), state_dir, nic);
	if (unlink(path) && errno != ENOENT)
		log_warn("cannot remove %s: %s", path, strerror(errno));
}

/* A completed share whose bridge is gone (the host rebooted): the admin
 * marked the NIC shared, so share it again from its current state. */
static void reshare(const char *state_dir, const char *nic, const char *bridge)
{
	char err[512];
	int idx;

	if (if_nametoindex(bridge))
		return;
	share_record_remove(state_dir, nic);
	if (share_do(state_dir, nic, bridge, &idx, err, sizeof(err)))
		log_err("%s (after its bridge %s disappeared)", err, bridge);
	else
		log_info("share %s: bridge %s was gone; shared again", nic, bridge);
}

static void recover_one(const char *state_dir, const char *nic)
{
	struct share_ctx c = { .state_dir = state_dir };
	struct json_object *rec;
	char why[512] = "", err[512];

	if (share_record_read(state_dir, nic, &rec)) {
		log_warn("share %s: unreadable record; left alone", nic);
		return;
	}
	if (!strcmp(snap_str(rec, "state") ?: "", "shared")) {
		reshare(state_dir, nic, snap_str(rec, "bridge"));
		json_object_put(rec);
		return;
	}
	if (share_sock_open(&c.sk)) {
		json_object_put(rec);
		return;
	}
	snprintf(c.nic, sizeof(c.nic), "%s", nic);
	snprintf(c.bridge, sizeof(c.bridge), "%s", snap_str(rec, "bridge"));
	json_object_object_get_ex(rec, "snapshot", &c.snap);
	c.err = err;
	c.errlen = sizeof(err);
	if (share_undo(&c, why, sizeof(why)))
		log_err("share %s: half-done share found; undo incomplete: %s", nic, why);
	else
		log_warn("share %s: half-done share (%s) found; restored to its snapshot", nic,
			 snap_str(rec, "state"));
	share_record_remove(state_dir, nic);
	nl_socket_free(c.sk);
	json_object_put(rec);
}

static int each_record(const char *state_dir, void (*fn)(const char *, const char *, void *),
		       void *arg)
{
	char dir[4096], nic[IFNAMSIZ + 8];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/shared", state_dir);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n < 6 || n - 5 >= IFNAMSIZ || strcmp(de->d_name + n - 5, ".json"))
			continue;
		snprintf(nic, sizeof(nic), "%.*s", (int)(n - 5), de->d_name);
		fn(state_dir, nic, arg);
	}
	closedir(d);
	return 0;
}

static void recover_cb(const char *state_dir, const char *nic, void *arg)
{
	(void)arg;
	recover_one(state_dir, nic);
}

void share_recover(const char *state_dir)
{
	each_record(state_dir, recover_cb, NULL);
}

struct find_arg {
	const char *bridge;
	char *nic;
	size_t len;
};

static void find_cb(const char *state_dir, const char *nic, void *arg)
{
	struct find_arg *f = arg;
	struct json_object *rec;

	if (share_record_read(state_dir, nic, &rec))
		return;
	if (!strcmp(snap_str(rec, "bridge"), f->bridge) &&
	    !strcmp(snap_str(rec, "state") ?: "", "shared"))
		snprintf(f->nic, f->len, "%s", nic);
	json_object_put(rec);
}

/* The NIC shared onto bridge, "" if none. */
void share_nic_of(const char *state_dir, const char *bridge, char *nic, size_t len)
{
	struct find_arg f = { bridge, nic, len };

	nic[0] = '\0';
	each_record(state_dir, find_cb, &f);
}
