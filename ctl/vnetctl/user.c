/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetctl's user mode: the commands done here (definitions, start, stop)
 * and those relayed to a running network's stack over its ctl.sock. */
#include "user.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "util/util.h"
#include "user_priv.h"

struct ucmd {
	const char *net;	 /* args[0] or NULL */
	struct json_object *args; /* owned by the caller */
	struct json_object *opts;
	struct user_paths p;
	char err[8192]; /* a refused definition lists every problem, one per line */
};

static __attribute__((noreturn)) void die(const char *msg)
{
	fprintf(stderr, "vnetctl: %s\n", msg);
	exit(1);
}

int user_mode_auto(const char *sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ok;

	if (geteuid() == 0 || strlen(sock) >= sizeof(sa.sun_path))
		return 0;
	strcpy(sa.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1;
	ok = !connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return !ok;
}

/* A name that is safe as a path component. */
static void check_name(const char *net)
{
	if (!net || !*net || strlen(net) >= NETDEF_NAME_MAX || net[0] == '.' ||
	    strspn(net, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
		    strlen(net))
		die("bad network name");
}

static struct json_object *relay(struct ucmd *c, const char *cmd)
{
	if (!user_running(&c->p)) {
		snprintf(c->err, sizeof(c->err), "network '%s' is not active", c->net);
		die(c->err);
	}
	return client_call(c->p.rd.ctl, cmd, json_object_get(c->args),
			   c->opts ? json_object_get(c->opts) : NULL);
}

static struct json_object *summary(struct ucmd *c, const struct netdef *d)
{
	struct json_object *o = json_object_new_object();
	char addr[32];

	snprintf(addr, sizeof(addr), "%s/%u", inet_ntoa(d->ip), d->prefix);
	json_object_object_add(o, "name", json_object_new_string(d->name));
	json_object_object_add(o, "active", json_object_new_boolean(user_running(&c->p) > 0));
	json_object_object_add(o, "state", json_object_new_string(user_running(&c->p) > 0
								  ? "active" : "inactive"));
	json_object_object_add(o, "persistent", json_object_new_boolean(1));
	json_object_object_add(o, "autostart", json_object_new_boolean(0));
	json_object_object_add(o, "bridge", json_object_new_string("(user)"));
	json_object_object_add(o, "mode", json_object_new_string(netdef_mode_name(d->mode)));
	json_object_object_add(o, "address", json_object_new_string(d->has_ip ? addr : ""));
	json_object_object_add(o, "socket", json_object_new_string(c->p.rd.sw));
	return o;
}

static struct netdef *load(struct ucmd *c)
{
	struct netdef *d = user_load_def(&c->p, c->net, c->err, sizeof(c->err));

	if (!d)
		die(c->err);
	return d;
}

static struct json_object *u_define(struct ucmd *c)
{
	const char *xml = c->net; /* args[0] is the XML text */
	struct netdef *d = NULL;
	struct user_paths p;
	char *out;
	int r;

	if (netdef_parse_xml(xml, strlen(xml), &d, c->err, sizeof(c->err)))
		die(c->err);
	if (d->mode == NETDEF_MODE_BRIDGE || d->mode == NETDEF_MODE_ROUTE || !d->has_ip) {
		snprintf(c->err, sizeof(c->err), "a user network needs <ip> and forward mode nat "
			 "or none (isolated); '%s' needs root", netdef_mode_name(d->mode));
		die(c->err);
	}
	user_paths(&p, d->name);
	out = netdef_format_xml(d);
	if (!out || mkdir_p(p.conf, 0700) || (r = file_write_atomic(p.def, out, strlen(out), 0600)))
		die("cannot write the definition under ~/.config/vnet/networks");
	free(out);
	out = strdup(d->name);
	free(d);
	return json_object_new_string(out);
}

static struct json_object *u_undefine(struct ucmd *c)
{
	if (user_running(&c->p))
		die("network is active: stop it first");
	if (unlink(c->p.def)) {
		if (!strcmp(c->net, "default"))
			die("the built-in network 'default' cannot be undefined");
		snprintf(c->err, sizeof(c->err), "network '%s' not found", c->net);
		die(c->err);
	}
	return NULL;
}

static void list_add(struct json_object *a, const char *net)
{
	struct ucmd c = { .net = net };
	struct netdef *d;

	user_paths(&c.p, net);
	d = user_load_def(&c.p, net, c.err, sizeof(c.err));
	if (d)
		json_object_array_add(a, summary(&c, d));
	free(d);
}

/* Every definition file, plus the built-in default unless a file overrides it. */
static struct json_object *u_list(struct ucmd *c)
{
	struct json_object *a = json_object_new_array();
	DIR *dir = opendir(c->p.conf);
	struct dirent *e;
	int has_default = 0;

	while (dir && (e = readdir(dir))) {
		size_t n = strlen(e->d_name);
		char net[NETDEF_NAME_MAX];

		if (n < 5 || n - 4 >= sizeof(net) || strcmp(e->d_name + n - 4, ".xml"))
			continue;
		snprintf(net, sizeof(net), "%.*s", (int)(n - 4), e->d_name);
		has_default |= !strcmp(net, "default");
		list_add(a, net);
	}
	if (dir)
		closedir(dir);
	if (!has_default)
		list_add(a, "default");
	return a;
}

static struct json_object *u_info(struct ucmd *c)
{
	struct netdef *d;
	struct json_object *o;

	if (user_running(&c->p))
		return relay(c, "net-info");
	d = load(c);
	o = summary(c, d);
	free(d);
	return o;
}

static struct json_object *u_dumpxml(struct ucmd *c)
{
	struct netdef *d = load(c);
	char *xml = netdef_format_xml(d);
	struct json_object *o = json_object_new_string(xml ? xml : "");

	free(xml);
	free(d);
	return o;
}

static struct json_object *u_start(struct ucmd *c)
{
	struct netdef *d;

	if (user_running(&c->p)) {
		snprintf(c->err, sizeof(c->err), "network '%s' is already active", c->net);
		die(c->err);
	}
	d = load(c);
	if (user_start(&c->p, d, c->err, sizeof(c->err)))
		die(c->err);
	free(d);
	return NULL;
}

static struct json_object *u_stop(struct ucmd *c)
{
	pid_t pid = user_running(&c->p);

	if (!pid) {
		snprintf(c->err, sizeof(c->err), "network '%s' is not active", c->net);
		die(c->err);
	}
	if (user_stop(&c->p, pid, c->err, sizeof(c->err)))
		die(c->err);
	return NULL;
}

/* stats without NET: every running network. */
static struct json_object *u_stats(struct ucmd *c)
{
	struct json_object *all, *a = json_object_new_array();

	if (c->net)
		return json_object_array_add(a, relay(c, "stats")), a;
	all = u_list(c);
	for (size_t i = 0; i < json_object_array_length(all); i++) {
		struct json_object *n = json_object_array_get_idx(all, i), *v;
		struct ucmd one = { .args = json_object_new_array() };

		json_object_object_get_ex(n, "name", &v);
		one.net = json_object_get_string(v);
		user_paths(&one.p, one.net);
		if (user_running(&one.p))
			json_object_array_add(a, relay(&one, "stats"));
		json_object_put(one.args);
	}
	json_object_put(all);
	return a;
}

static struct json_object *u_leases(struct ucmd *c) { return relay(c, "leases"); }
static struct json_object *u_forward_add(struct ucmd *c) { return relay(c, "forward-add"); }
static struct json_object *u_host_add(struct ucmd *c) { return relay(c, "host-add"); }

static const struct {
	const char *name;
	int local_name; /* args[0] is a network name to check */
	struct json_object *(*fn)(struct ucmd *c);
} ucmds[] = {
	{ "net-define", 0, u_define },	 { "net-undefine", 1, u_undefine },
	{ "net-list", 0, u_list },	 { "net-info", 1, u_info },
	{ "net-dumpxml", 1, u_dumpxml }, { "net-start", 1, u_start },
	{ "net-stop", 1, u_stop },	 { "stats", 1, u_stats },
	{ "leases", 1, u_leases },	 { "forward-add", 1, u_forward_add },
	{ "host-add", 1, u_host_add },
};

struct json_object *user_call(const char *cmd, struct json_object *args,
			      struct json_object *opts)
{
	struct ucmd c = { .args = args, .opts = opts };
	struct json_object *a0 = json_object_array_get_idx(args, 0), *ret;

	c.net = a0 ? json_object_get_string(a0) : NULL;
	for (size_t i = 0; i < sizeof(ucmds) / sizeof(ucmds[0]); i++) {
		if (strcmp(ucmds[i].name, cmd))
			continue;
		if (ucmds[i].local_name && c.net)
			check_name(c.net);
		user_paths(&c.p, ucmds[i].local_name ? c.net : NULL);
		ret = ucmds[i].fn(&c);
		json_object_put(args); /* as client_call(); opts stay the caller's */
		return ret;
	}
	fprintf(stderr, "vnetctl: '%s' is not available in user mode (it needs vnetd)\n", cmd);
	exit(1);
}
