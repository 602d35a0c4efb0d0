/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetctl: the vnet command-line tool (virsh net-* style). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	return c->user ? user_call(cmd, args, opts) : client_call(c->sock, cmd, args, opts);
}

/* A verb of lib/ctl_verbs.h and how vnetctl runs it. */
struct verb {
	const struct ctl_verb *cv;
	const char *name;
	int (*fn)(struct ctl *c, const struct verb *v);
};

static void text_list(struct json_object *d)
{
	static const char *const k[] = { "name", "active", "autostart", "bridge", "mode", "address" };
	static const char *const t[] = { "Name", "Active", "Autostart", "Bridge", "Mode", "Address" };

	print_table(d, k, t, 6);
}

static void text_ports(struct json_object *d)
{
	/* Hook: what runs on the port; Choice: what port-add --hook asked */
	static const char *const k[] = { "ifname", "kind", "mac", "hook", "hook_choice" };
	static const char *const t[] = { "Interface", "Kind", "MAC", "Hook", "Choice" };

	print_table(d, k, t, 5);
}

static void text_leases(struct json_object *d)
{
	static const char *const k[] = { "mac", "ip", "hostname", "expires", "static" };
	static const char *const t[] = { "MAC", "IP address", "Hostname", "Expires", "Static" };

	print_table(d, k, t, 5);
}

static void text_kv(struct json_object *d)
{
	print_kv(d, "");
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

static int v_define(struct ctl *c, const struct verb *v)
{
	char *xml;
	int ret = file_read_all(strcmp(c->argv[0], "-") ? c->argv[0] : "/dev/stdin", 1 << 20, &xml, NULL);
	struct json_object *args = json_object_new_array(), *d;

	if (ret) {
		fprintf(stderr, "vnetctl: cannot read %s: %s\n", c->argv[0],
			ret == -EFBIG ? "file larger than 1 MiB" : strerror(-ret));
		return 1;
	}
	json_object_array_add(args, json_object_new_string(xml));
	free(xml);
	d = call(c, v->name, args, NULL);
	if (print_json)
		print_result(d, NULL);
	else
		printf("Network %s defined from %s\n", json_object_get_string(d), c->argv[0]);
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

static int v_list(struct ctl *c, const struct verb *v) { return show(c, v, text_list); }
static int v_info(struct ctl *c, const struct verb *v) { return show(c, v, text_kv); }
static int v_dumpxml(struct ctl *c, const struct verb *v) { return show(c, v, text_string); }
static int v_port_list(struct ctl *c, const struct verb *v) { return show(c, v, text_ports); }
static int v_leases(struct ctl *c, const struct verb *v) { return show(c, v, text_leases); }
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
static int (*const runners[CTL_VERB_MAX])(struct ctl *c, const struct verb *v) = {
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
