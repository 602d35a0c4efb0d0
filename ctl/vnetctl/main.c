/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetctl: the vnet command-line tool (virsh net-* style). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ctype.h>
#include <time.h>

#include "client.h"
#include "ctl/ctl.h"
#include "util/util.h"
#include "print.h"
#include "stats_text.h"
#include "suggest.h"
#include "user.h"

struct ctl {
	const char *sock;
	int argc;
	char **argv;
	struct json_object *opts;
	int user; /* --user, or not root and vnetd unreachable: user.c */
};

static struct json_object *call(struct ctl *c, const char *cmd, struct json_object *args,
				struct json_object *opts)
{
	/* user mode knows vnet's names only */
	if (c->user && !strcmp(cmd, "net-destroy"))
		cmd = "net-stop";
	return c->user ? user_call(cmd, args, opts) : client_call(c->sock, cmd, args, opts);
}

/* A verb of lib/ctl_verbs.h and how vnetctl runs it. */
struct verb {
	const struct ctl_verb *cv;
	const char *name;
	int (*fn)(struct ctl *c, const struct verb *v);
};

/* virsh's columns */
static void text_list(struct json_object *d)
{
	static const char *const k[] = { "name", "state", "autostart", "persistent" };
	static const char *const t[] = { "Name", "State", "Autostart", "Persistent" };

	print_table(d, k, t, 4);
}

static void text_ports(struct json_object *d)
{
	/* Hook: what runs on the port; Choice: what port-add --hook asked */
	static const char *const k[] = { "ifname", "kind", "mac", "hook", "hook_choice",
					 "filter", "addrs" };
	static const char *const t[] = { "Interface", "Kind", "MAC", "Hook", "Choice", "Filter",
					 "Addresses" };

	print_table(d, k, t, 7);
}

/* virsh net-dhcp-leases' columns: the expiry in local time, IP/prefix. */
static void text_leases(struct json_object *d)
{
	static const char *const k[] = { "expiry_time", "mac", "protocol", "ip_prefix", "hostname",
					 "client_id" };
	static const char *const t[] = { "Expiry Time", "MAC address", "Protocol", "IP address",
					 "Hostname", "Client ID or DUID" };
	struct json_object *v;

	for (size_t i = 0; i < json_object_array_length(d); i++) {
		struct json_object *l = json_object_array_get_idx(d, i);
		int64_t exp = json_object_object_get_ex(l, "expires", &v) ? json_object_get_int64(v) : 0;
		time_t t_ = (time_t)exp;
		int is_static = json_object_object_get_ex(l, "static", &v) && json_object_get_boolean(v);
		char buf[64], ip[64];
		struct tm tm;

		/* expires 0: a static host, or an infinite lease (<lease expiry='0'>) */
		snprintf(buf, sizeof(buf), "%s", is_static ? "static" : "never");
		if (exp > 0 && localtime_r(&t_, &tm))
			strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
		json_object_object_add(l, "expiry_time", json_object_new_string(buf));
		if (!json_object_object_get_ex(l, "protocol", &v)) /* DHCPv6 leases say ipv6 */
			json_object_object_add(l, "protocol", json_object_new_string("ipv4"));
		snprintf(ip, sizeof(ip), "%s", json_object_object_get_ex(l, "ip", &v)
			 ? json_object_get_string(v) : "-");
		if (json_object_object_get_ex(l, "prefix", &v))
			snprintf(ip + strlen(ip), sizeof(ip) - strlen(ip), "/%d", json_object_get_int(v));
		json_object_object_add(l, "ip_prefix", json_object_new_string(ip));
		if (json_object_object_get_ex(l, "hostname", &v) && !*json_object_get_string(v))
			json_object_object_add(l, "hostname", NULL);
	}
	print_table(d, k, t, 6);
}

static void text_forwards(struct json_object *d)
{
	static const char *const k[] = { "proto", "host_port", "guest_ip", "guest_port" };
	static const char *const t[] = { "Protocol", "Host port", "Guest address", "Guest port" };

	print_table(d, k, t, 4);
}

/* net-info: virsh's lines first, in its order and layout, then vnet's */
static void text_info(struct json_object *d)
{
	static const char *const k[] = { "name", "uuid", "active", "persistent", "autostart", "bridge" };
	static const char *const t[] = { "Name", "UUID", "Active", "Persistent", "Autostart", "Bridge" };
	struct json_object *v;
	char key[64];

	for (size_t i = 0; i < 6; i++) {
		if (!json_object_object_get_ex(d, k[i], &v))
			continue;
		snprintf(key, sizeof(key), "%s:", t[i]);
		printf("%-15s %s\n", key, json_object_is_type(v, json_type_boolean)
			? (json_object_get_boolean(v) ? "yes" : "no") : json_object_get_string(v));
	}
	json_object_object_foreach(d, name, val) {
		bool seen = !strcmp(name, "state");

		if (!strcmp(name, "warnings")) { /* one line each */
			const char *w = json_object_get_string(val), *e;

			for (; w && *w; w = *e ? e + 1 : e) {
				e = strchr(w, '\n');
				if (!e)
					e = w + strlen(w);
				printf("%-15s %.*s\n", "Warning:", (int)(e - w), w);
			}
			continue;
		}

		for (size_t i = 0; i < 6; i++)
			seen |= !strcmp(name, k[i]);
		if (seen)
			continue;
		snprintf(key, sizeof(key), "%c%s:", toupper((unsigned char)name[0]), name + 1);
		for (char *p = key; *p; p++)
			if (*p == '_')
				*p = ' ';
		if (json_object_is_type(val, json_type_object) || json_object_is_type(val, json_type_array))
			printf("%-15s %s\n", key, json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN));
		else if (json_object_is_type(val, json_type_boolean))
			printf("%-15s %s\n", key, json_object_get_boolean(val) ? "yes" : "no");
		else
			printf("%-15s %s\n", key, json_object_get_string(val));
	}
}

static void text_string(struct json_object *d)
{
	fputs(json_object_get_string(d), stdout);
	if (!strchr(json_object_get_string(d), '\n'))
		putchar('\n');
}

static void text_stats(struct json_object *d)
{
	stats_text(d);
}

static struct json_object *args_from(struct ctl *c)
{
	struct json_object *a = json_object_new_array();

	for (int i = 0; i < c->argc; i++)
		json_object_array_add(a, json_object_new_string(c->argv[i]));
	return a;
}

static int simple(struct ctl *c, const struct verb *v, const char *done_fmt)
{
	struct json_object *d = call(c, v->name, args_from(c), c->opts);

	if (print_json)
		print_result(d, NULL);
	else if (done_fmt)
		printf(done_fmt, c->argc ? c->argv[0] : "", c->argc > 1 ? c->argv[1] : "");
	json_object_put(d);
	return 0;
}

static int show(struct ctl *c, const struct verb *v, void (*text)(struct json_object *))
{
	struct json_object *d = call(c, v->name, args_from(c), c->opts);

	print_result(d, text);
	json_object_put(d);
	return 0;
}

static int define_from(struct ctl *c, const struct verb *v, const char *what, const char *done);

static int v_define(struct ctl *c, const struct verb *v)
{
	return define_from(c, v, "Network", "defined");
}

static int v_create(struct ctl *c, const struct verb *v)
{
	return define_from(c, v, "Network", "created");
}

static char edit_kept[4096]; /* net-edit: the edited file, kept if it was refused */

static void edit_note(void)
{
	if (edit_kept[0])
		fprintf(stderr, "vnetctl: the edited definition is kept in %s\n", edit_kept);
}

/* net-edit: virsh's way -- the definition (the pending one, if any) in a
 * temporary file, $VISUAL or $EDITOR (else vi) on it, and net-define of
 * the result. Refused (the daemon's errors printed): the file is kept and
 * its path printed, nothing is changed, exit 1. */
static int v_edit(struct ctl *c, const struct verb *v)
{
	const char *ed = getenv("VISUAL") && *getenv("VISUAL") ? getenv("VISUAL")
		       : getenv("EDITOR") && *getenv("EDITOR") ? getenv("EDITOR") : "vi";
	struct json_object *o = json_object_new_object(), *args = json_object_new_array(), *d;
	char path[] = "/tmp/vnetctl-edit-XXXXXX.xml", *cmd, *after = NULL;
	const char *before;
	int fd, rc;

	json_object_object_add(o, "inactive", json_object_new_boolean(1));
	json_object_array_add(args, json_object_new_string(c->argv[0]));
	d = call(c, "net-dumpxml", args, o);
	json_object_put(o);
	before = json_object_get_string(d);
	fd = mkstemps(path, 4);
	if (fd < 0 || write(fd, before, strlen(before)) != (ssize_t)strlen(before) || close(fd)) {
		fprintf(stderr, "vnetctl: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (asprintf(&cmd, "%s '%s'", ed, path) < 0)
		return 1;
	rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		fprintf(stderr, "vnetctl: the editor (%s) failed; nothing changed\n", ed);
		unlink(path);
		return 1;
	}
	if (file_read_all(path, 1 << 20, &after, NULL)) {
		fprintf(stderr, "vnetctl: cannot read %s back\n", path);
		return 1;
	}
	if (!strcmp(before, after)) {
		printf("Network %s XML configuration not changed.\n", c->argv[0]);
		unlink(path);
	} else {
		args = json_object_new_array();
		json_object_array_add(args, json_object_new_string(after));
		snprintf(edit_kept, sizeof(edit_kept), "%s", path);
		atexit(edit_note);
		json_object_put(call(c, "net-define", args, NULL));
		edit_kept[0] = '\0';
		unlink(path);
		printf("Network %s XML configuration edited.\n", c->argv[0]);
	}
	free(after);
	json_object_put(d);
	return 0;
}

/* net-update: XML is an element, or the name of a file holding one (virsh) */
static int v_update(struct ctl *c, const struct verb *v)
{
	struct json_object *args = json_object_new_array(), *d;
	const char *x = c->argv[3];
	char *xml = NULL;
	int ret;

	if (x[strspn(x, " \t\r\n")] != '<') {
		ret = file_read_all(x, 1 << 20, &xml, NULL);
		if (ret) {
			fprintf(stderr, "vnetctl: cannot read %s: %s\n", x, strerror(-ret));
			json_object_put(args);
			return 1;
		}
		x = xml;
	}
	for (int i = 0; i < 3; i++)
		json_object_array_add(args, json_object_new_string(c->argv[i]));
	json_object_array_add(args, json_object_new_string(x));
	free(xml);
	d = call(c, v->name, args, c->opts);
	if (print_json)
		print_result(d, NULL);
	else
		printf("Updated network %s %s\n", c->argv[0], json_object_get_string(d));
	json_object_put(d);
	return 0;
}

/* What the definition holds that vnet accepts without effect (the
 * parser's and netmgr's warnings, as net-info lists them), on stderr. */
static void print_warnings(struct ctl *c, const char *name)
{
	struct json_object *args = json_object_new_array(), *d, *w;
	const char *s, *nl;

	json_object_array_add(args, json_object_new_string(name));
	d = call(c, "net-info", args, NULL);
	if (d && json_object_object_get_ex(d, "warnings", &w))
		for (s = json_object_get_string(w); s && *s; s = nl ? nl + 1 : NULL) {
			nl = strchr(s, '\n');
			fprintf(stderr, "vnetctl: warning: %.*s\n", nl ? (int)(nl - s) : (int)strlen(s), s);
		}
	json_object_put(d);
}

static bool opt_flag(struct ctl *c, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(c->opts, key, &v) && json_object_get_boolean(v);
}

struct event_ctx {
	int loop, timestamp;
};

/* virsh's line: "event 'lifecycle' for network NET: Started" */
static int print_event(struct json_object *ev, void *ctx)
{
	struct event_ctx *e = ctx;
	struct json_object *v;
	const char *kind = "", *net = "", *type = "";

	if (print_json) {
		printf("%s\n", json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		fflush(stdout);
		return e->loop;
	}
	if (json_object_object_get_ex(ev, "event", &v))
		kind = json_object_get_string(v);
	if (json_object_object_get_ex(ev, "network", &v))
		net = json_object_get_string(v);
	if (json_object_object_get_ex(ev, "type", &v))
		type = json_object_get_string(v);
	if (e->timestamp && json_object_object_get_ex(ev, "time", &v)) {
		double t = json_object_get_double(v);
		time_t s = (time_t)t;
		struct tm tm;
		char buf[64];

		gmtime_r(&s, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
		printf("%s.%03d+0000: ", buf, (int)((t - (double)s) * 1000));
	}
	printf("event '%s' for network %s: ", kind, net);
	if (!strcmp(kind, "lifecycle")) {
		printf("%c%s\n", toupper((unsigned char)type[0]), type[0] ? type + 1 : "");
	} else {
		printf("%s", type);
		for (const char *k = "mac\0ip\0hostname\0vtep\0"; *k; k += strlen(k) + 1)
			if (json_object_object_get_ex(ev, k, &v) && *json_object_get_string(v))
				printf(" %s", json_object_get_string(v));
		putchar('\n');
	}
	fflush(stdout);
	return e->loop;
}

static int v_event(struct ctl *c, const struct verb *v)
{
	struct event_ctx e = { opt_flag(c, "loop"), opt_flag(c, "timestamp") };
	struct json_object *t;
	int timeout = 0, n;

	if (json_object_object_get_ex(c->opts, "timeout", &t)) {
		char *end;
		long s = strtol(json_object_get_string(t), &end, 10);

		if (s <= 0 || *end || s > 86400 * 365) {
			fprintf(stderr, "vnetctl: invalid --timeout '%s' (seconds)\n",
				json_object_get_string(t));
			return 2;
		}
		timeout = (int)s;
	}
	if (c->user) {
		fprintf(stderr, "vnetctl: 'net-event' is not available in user mode (it needs vnetd)\n");
		return 1;
	}
	n = client_stream(c->sock, v->name, args_from(c), c->opts, timeout, print_event, &e);
	if (!print_json)
		printf("events received: %d\n", n);
	return 0;
}

/* net-define, net-create, acl-define: the file's XML (or stdin's, "-") to
 * vnetd; what: "Network" (whose definition warnings are printed) or "ACL". */
static int define_from(struct ctl *c, const struct verb *v, const char *what, const char *done)
{
	char *xml;
	int ret = file_read_all(strcmp(c->argv[0], "-") ? c->argv[0] : "/dev/stdin", 1 << 20, &xml, NULL);
	struct json_object *args, *d;

	if (ret) {
		fprintf(stderr, "vnetctl: cannot read %s: %s\n", c->argv[0],
			ret == -EFBIG ? "file larger than 1 MiB" : strerror(-ret));
		return 1;
	}
	args = json_object_new_array();
	json_object_array_add(args, json_object_new_string(xml));
	free(xml);
	d = call(c, v->name, args, NULL);
	if (print_json)
		print_result(d, NULL);
	else
		printf("%s %s %s from %s\n", what, json_object_get_string(d), done, c->argv[0]);
	if (!print_json && !c->user && !strcmp(what, "Network"))
		print_warnings(c, json_object_get_string(d));
	json_object_put(d);
	return 0;
}

static int v_undefine(struct ctl *c, const struct verb *v) { return simple(c, v, "Network %s has been undefined\n%.0s"); }
static int v_start(struct ctl *c, const struct verb *v) { return simple(c, v, "Network %s started\n%.0s"); }
static int v_stop(struct ctl *c, const struct verb *v) { return simple(c, v, "Network %s stopped\n%.0s"); }
static int v_port_add(struct ctl *c, const struct verb *v) { return simple(c, v, "Port %2$s added to network %1$s\n"); }
static int v_port_del(struct ctl *c, const struct verb *v) { return simple(c, v, "Port %2$s removed from network %1$s\n"); }
static int v_host_add(struct ctl *c, const struct verb *v) { return simple(c, v, "Static host %2$s added to network %1$s\n"); }
static int v_forward_add(struct ctl *c, const struct verb *v) { return simple(c, v, "Port forward added to network %s\n%.0s"); }
/* tap-add / vde-add print what the user passes to QEMU: the tap name, the socket path. */
static int v_print_data(struct ctl *c, const struct verb *v)
{
	struct json_object *d = call(c, v->name, args_from(c), c->opts);

	print_result(d, text_string);
	json_object_put(d);
	return 0;
}

/* net-list: the filters are applied here too (user mode lists every network) */
static int v_list(struct ctl *c, const struct verb *v)
{
	struct json_object *d = call(c, v->name, args_from(c), c->opts), *f = json_object_new_array();
	const char *only = opt_flag(c, "name") ? "name" : opt_flag(c, "uuid") ? "uuid" : NULL;

	for (size_t i = 0; d && i < json_object_array_length(d); i++) {
		struct json_object *n = json_object_array_get_idx(d, i);

		if (ctl_net_list_match(n, c->opts))
			json_object_array_add(f, json_object_get(n));
	}
	json_object_put(d);
	if (only && !print_json) {
		for (size_t i = 0; i < json_object_array_length(f); i++) {
			struct json_object *n = json_object_array_get_idx(f, i), *x;

			if (json_object_object_get_ex(n, only, &x))
				printf("%s\n", json_object_get_string(x));
		}
	} else {
		print_result(f, text_list);
	}
	json_object_put(f);
	return 0;
}

static int v_info(struct ctl *c, const struct verb *v) { return show(c, v, text_info); }
static int v_destroy(struct ctl *c, const struct verb *v) { return simple(c, v, "Network %s destroyed\n%.0s"); }
static int v_host_del(struct ctl *c, const struct verb *v) { return simple(c, v, "Static host %2$s removed from network %1$s\n"); }
static int v_forward_del(struct ctl *c, const struct verb *v) { return simple(c, v, "Port forward removed from network %s\n%.0s"); }
static int v_forward_list(struct ctl *c, const struct verb *v) { return show(c, v, text_forwards); }

/* net-dhcp-leases NET [MAC] and leases NET [--mac MAC]: one listing. The
 * MAC filter is applied here too (user mode's stacks list every lease). */
static int v_leases(struct ctl *c, const struct verb *v)
{
	struct json_object *o, *d, *f = json_object_new_array(), *args = json_object_new_array(), *x;
	const char *mac_s = c->argc > 1 ? c->argv[1] : NULL;
	uint8_t mac[6], lm[6];

	if (json_object_object_get_ex(c->opts, "mac", &x))
		mac_s = json_object_get_string(x);
	if (mac_s && mac_parse(mac_s, mac)) {
		fprintf(stderr, "vnetctl: invalid MAC address '%s'\n", mac_s);
		json_object_put(f);
		json_object_put(args);
		return 2;
	}
	json_object_array_add(args, json_object_new_string(c->argv[0]));
	o = json_object_new_object();
	if (mac_s && !c->user)
		json_object_object_add(o, "mac", json_object_new_string(mac_s));
	d = call(c, "leases", args, o);
	json_object_put(o);
	for (size_t i = 0; d && i < json_object_array_length(d); i++) {
		struct json_object *l = json_object_array_get_idx(d, i);

		if (mac_s && (!json_object_object_get_ex(l, "mac", &x) ||
			      mac_parse(json_object_get_string(x), lm) || memcmp(lm, mac, 6)))
			continue;
		json_object_array_add(f, json_object_get(l));
	}
	json_object_put(d);
	print_result(f, text_leases);
	json_object_put(f);
	return 0;
}
static int v_dumpxml(struct ctl *c, const struct verb *v) { return show(c, v, text_string); }
static int v_port_list(struct ctl *c, const struct verb *v) { return show(c, v, text_ports); }
static int v_stats(struct ctl *c, const struct verb *v) { return show(c, v, text_stats); }

static int v_autostart(struct ctl *c, const struct verb *v)
{
	return simple(c, v, json_object_object_length(c->opts) ? "Network %s unmarked as autostarted\n%.0s"
							       : "Network %s marked as autostarted\n%.0s");
}

static int v_metrics(struct ctl *c, const struct verb *v)
{
	struct json_object *d = call(c, v->name, args_from(c), NULL);

	fputs(json_object_get_string(d), stdout);
	json_object_put(d);
	return 0;
}

static int v_share(struct ctl *c, const struct verb *v) { return simple(c, v, "Interface %s shared\n%.0s"); }
static int v_unshare(struct ctl *c, const struct verb *v) { return simple(c, v, "Interface %s unshared\n%.0s"); }
static int v_help(struct ctl *c, const struct verb *v);

/* How each verb runs here; names, arguments, options and help are the
 * table's (lib/ctl_verbs.h). */
/* ---- ACLs ---- */
static void text_acls(struct json_object *d)
{
	static const char *const k[] = { "name", "default", "rules" };
	static const char *const t[] = { "Name", "Default", "Rules" };

	print_table(d, k, t, 3);
}

static void text_acl_stats(struct json_object *d)
{
	static const char *const k[] = { "index", "hits", "rule" };
	static const char *const t[] = { "Index", "Hits", "Rule" };
	struct json_object *v, *rules;

	if (json_object_object_get_ex(d, "rules", &rules))
		print_table(rules, k, t, 3);
	printf("%-6s %8lld  default %s\n", "-",
	       json_object_object_get_ex(d, "default_hits", &v) ? (long long)json_object_get_int64(v) : 0LL,
	       json_object_object_get_ex(d, "default", &v) ? json_object_get_string(v) : "?");
	printf("%-6s %8lld  replies of allowed flows\n", "-",
	       json_object_object_get_ex(d, "established_hits", &v) ? (long long)json_object_get_int64(v) : 0LL);
}

static int v_acl_define(struct ctl *c, const struct verb *v) { return define_from(c, v, "ACL", "defined"); }

static int v_acl_undefine(struct ctl *c, const struct verb *v) { return simple(c, v, "ACL %s undefined\n%.0s"); }
static int v_acl_list(struct ctl *c, const struct verb *v) { return show(c, v, text_acls); }
static int v_acl_rule_add(struct ctl *c, const struct verb *v) { return simple(c, v, "Rule added to ACL %s\n%.0s"); }
static int v_acl_rule_del(struct ctl *c, const struct verb *v) { return simple(c, v, "Rule %2$s removed from ACL %1$s\n"); }
static int v_acl_stats(struct ctl *c, const struct verb *v) { return show(c, v, text_acl_stats); }
static int v_acl_attach(struct ctl *c, const struct verb *v) { return simple(c, v, "ACLs of network %s set\n%.0s"); }

static int (*const runners[CTL_VERB_MAX])(struct ctl *c, const struct verb *v) = {
	/* ACLs (a block of their own: other verbs are appended at the end) */
	[CTL_VERB_ACL_DEFINE] = v_acl_define,	 [CTL_VERB_ACL_UNDEFINE] = v_acl_undefine,
	[CTL_VERB_ACL_LIST] = v_acl_list,	 [CTL_VERB_ACL_DUMPXML] = v_dumpxml,
	[CTL_VERB_ACL_RULE_ADD] = v_acl_rule_add, [CTL_VERB_ACL_RULE_DEL] = v_acl_rule_del,
	[CTL_VERB_ACL_STATS] = v_acl_stats,	 [CTL_VERB_ACL_ATTACH] = v_acl_attach,
	[CTL_VERB_ACL_DETACH] = v_acl_attach,
	/* the rest */
	[CTL_VERB_NET_DEFINE] = v_define,	 [CTL_VERB_NET_UNDEFINE] = v_undefine,
	[CTL_VERB_NET_START] = v_start,		 [CTL_VERB_NET_STOP] = v_stop,
	[CTL_VERB_NET_AUTOSTART] = v_autostart,	 [CTL_VERB_NET_LIST] = v_list,
	[CTL_VERB_NET_INFO] = v_info,		 [CTL_VERB_NET_DUMPXML] = v_dumpxml,
	[CTL_VERB_PORT_ADD] = v_port_add,	 [CTL_VERB_PORT_DEL] = v_port_del,
	[CTL_VERB_PORT_LIST] = v_port_list,	 [CTL_VERB_TAP_ADD] = v_print_data,
	[CTL_VERB_VDE_ADD] = v_print_data,	 [CTL_VERB_LEASES] = v_leases,
	[CTL_VERB_HOST_ADD] = v_host_add,	 [CTL_VERB_FORWARD_ADD] = v_forward_add,
	[CTL_VERB_STATS] = v_stats,		 [CTL_VERB_METRICS] = v_metrics,
	[CTL_VERB_SHARE] = v_share,		 [CTL_VERB_UNSHARE] = v_unshare,
	[CTL_VERB_HELP] = v_help,
	[CTL_VERB_NET_DESTROY] = v_destroy,	 [CTL_VERB_NET_UUID] = v_print_data,
	[CTL_VERB_NET_NAME] = v_print_data,	 [CTL_VERB_NET_DHCP_LEASES] = v_leases,
	[CTL_VERB_HOST_DEL] = v_host_del,	 [CTL_VERB_FORWARD_LIST] = v_forward_list,
	[CTL_VERB_FORWARD_DEL] = v_forward_del, [CTL_VERB_NET_CREATE] = v_create,
	[CTL_VERB_NET_EDIT] = v_edit,		 [CTL_VERB_NET_UPDATE] = v_update,
	[CTL_VERB_NET_EVENT] = v_event,
};
static struct verb verbs[CTL_VERB_MAX];

static void verbs_init(void)
{
	for (int i = 0; i < CTL_VERB_MAX; i++)
		verbs[i] = (struct verb){ &ctl_verbs[i], ctl_verbs[i].name, runners[i] };
}
#define N_VERBS CTL_VERB_MAX

static void usage(FILE *f)
{
	fprintf(f, "usage: vnetctl [--socket PATH | --user] [--json] [-p] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < N_VERBS; i++)
		fprintf(f, "  %-14s %-34s %s\n", verbs[i].name, verbs[i].cv->usage, verbs[i].cv->help);
}

/* Exact name, else a unique prefix (like ip(8)). */
static const struct verb *find_verb(const char *name)
{
	const struct verb *found = NULL;

	for (size_t i = 0; i < N_VERBS; i++) {
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
		if (!strncmp(verbs[i].name, name, strlen(name))) {
			if (found)
				return NULL;
			found = &verbs[i];
		}
	}
	return found;
}

static int unknown_verb(const char *name)
{
	const char *names[N_VERBS];

	for (size_t i = 0; i < N_VERBS; i++)
		names[i] = verbs[i].name;
	suggest_report(stderr, "command", name, names, N_VERBS);
	return 2;
}

static int verb_help(const struct verb *w)
{
	printf("usage: vnetctl [--socket PATH] [--json] %s %s\n  %s\n", w->name, w->cv->usage, w->cv->help);
	return 0;
}

static int v_help(struct ctl *c, const struct verb *v)
{
	const struct verb *w = c->argc ? find_verb(c->argv[0]) : NULL;

	if (c->argc && !w)
		return unknown_verb(c->argv[0]);
	if (!w) {
		usage(stdout);
		return 0;
	}
	return verb_help(w);
}

/* Options after the verb go to the request's opts: only the verb's own
 * (lib/ctl_verbs.h), "--x VALUE" as a string, a flag as true. */
static int split_options(struct ctl *c, const struct verb *v, int argc, char **argv)
{
	c->opts = json_object_new_object();
	c->argv = calloc(argc + 1, sizeof(char *));
	c->argc = 0;
	for (int i = 0; i < argc; i++) {
		bool takes_value;

		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			print_json = 1;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			if (!ctl_verb_has_option(v->cv, argv[i] + 2, &takes_value)) {
				fprintf(stderr, "vnetctl: %s does not take %s\nusage: vnetctl %s %s\n",
					v->name, argv[i], v->name, v->cv->usage);
				return -1;
			}
			if (takes_value && i + 1 >= argc) {
				fprintf(stderr, "vnetctl: %s needs a value\n", argv[i]);
				return -1;
			}
			json_object_object_add(c->opts, argv[i] + 2,
					       takes_value ? json_object_new_string(argv[i + 1])
							   : json_object_new_boolean(1));
			i += takes_value;
		} else {
			c->argv[c->argc++] = argv[i];
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ctl c = { .sock = getenv("VNET_SOCKET") ? getenv("VNET_SOCKET") : CTL_DEFAULT_SOCKET };
	const struct verb *v;
	int i = 1, ret, sock_given = !!getenv("VNET_SOCKET");

	verbs_init();

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			c.sock = argv[++i], sock_given = 1;
		else if (!strcmp(argv[i], "--user"))
			c.user = 1;
		else if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			print_json = 1;
		else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty"))
			print_pretty = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(stdout), 0;
		else if (!strcmp(argv[i], "--version"))
			return printf("vnetctl %s\n", VNET_VERSION), 0;
		else
			return fprintf(stderr, "vnetctl: unknown option %s\n", argv[i]), 2;
	}
	if (i >= argc)
		return usage(stderr), 2;
	v = find_verb(argv[i]);
	if (!v)
		return unknown_verb(argv[i]);
	for (int k = i + 1; k < argc; k++)
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h"))
			return verb_help(v);
	if (split_options(&c, v, argc - i - 1, argv + i + 1))
		return 2;
	if (c.argc < v->cv->min_args || c.argc > v->cv->max_args)
		return fprintf(stderr, "vnetctl: usage: vnetctl %s %s\n", v->name, v->cv->usage), 2;
	if (!c.user && !sock_given && user_mode_auto(c.sock))
		c.user = 1;
	ret = v->fn(&c, v);
	json_object_put(c.opts);
	free(c.argv);
	return ret;
}
