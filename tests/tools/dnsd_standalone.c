/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test driver: one DNS proxy service on an event loop, outside vnetd.
 *   dnsd_standalone --ip A --prefix N [--domain D [--local-only]] [--name NAME=IP]...
 *                   [--forwarder IP]... [--resolv PATH] [--counters FILE]
 * SIGUSR1 writes the counters as JSON to FILE; SIGTERM/SIGINT stop it.
 * Prints "ready" on stdout once listening. */
#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "dns_service/dns_service.h"
#include "util/util.h"

static struct dns_service *svc;
static const char *counters_path;

static void on_signal(int fd, uint32_t events, void *data)
{
	struct signalfd_siginfo si;
	struct loop *loop = data;

	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGUSR1 && counters_path) {
		struct json_object *o = dns_service_counters_json(svc);
		char tmp[4096];
		FILE *f;

		snprintf(tmp, sizeof(tmp), "%s.tmp", counters_path);
		f = fopen(tmp, "w");
		if (f) {
			fprintf(f, "%s\n", json_object_to_json_string(o));
			fclose(f);
			rename(tmp, counters_path);
		}
		json_object_put(o);
		return;
	}
	loop_quit(loop);
}

static int parse_ip(const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1) {
		fprintf(stderr, "bad address %s\n", s);
		exit(2);
	}
	return 0;
}

static void add_name(struct netdef *def, char *arg)
{
	char *eq = strchr(arg, '=');
	struct netdef_dns_host *h = &def->dns_hosts[def->n_dns_hosts++];

	if (!eq || def->n_dns_hosts > NETDEF_MAX_DNS_HOSTS) {
		fprintf(stderr, "bad --name %s\n", arg);
		exit(2);
	}
	*eq = 0;
	parse_ip(eq + 1, &h->ip);
	snprintf(h->names[0], sizeof(h->names[0]), "%s", arg);
	h->n_names = 1;
}

static void parse_args(int argc, char **argv, struct netdef *def, const char **resolv)
{
	static const struct option opts[] = {
		{ "ip", 1, 0, 'i' },	  { "prefix", 1, 0, 'p' }, { "domain", 1, 0, 'd' },
		{ "name", 1, 0, 'n' },	  { "forwarder", 1, 0, 'f' }, { "resolv", 1, 0, 'r' },
		{ "counters", 1, 0, 'c' }, { "local-only", 0, 0, 'l' }, { 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'i': parse_ip(optarg, &def->ip); def->has_ip = 1; break;
		case 'p': def->prefix = atoi(optarg); break;
		case 'd': snprintf(def->domain, sizeof(def->domain), "%s", optarg); break;
		case 'n': add_name(def, optarg); break;
		case 'f':
			if (def->n_forwarders < NETDEF_MAX_FORWARDERS)
				parse_ip(optarg, &def->forwarders[def->n_forwarders].addr.v4),
				def->forwarders[def->n_forwarders++].addr.family = AF_INET;
			break;
		case 'r': *resolv = optarg; break;
		case 'c': counters_path = optarg; break;
		case 'l': def->domain_local_only = NETDEF_YES; break;
		default: exit(2);
		}
	}
}

int main(int argc, char **argv)
{
	static struct netdef def;
	const char *resolv = "/etc/resolv.conf";
	struct loop *loop = loop_new();
	char err[256];
	sigset_t ss;
	int sfd;

	snprintf(def.name, sizeof(def.name), "test");
	parse_args(argc, argv, &def, &resolv);
	log_init("dnsd", 0, getenv("DNSD_DEBUG") ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	sigemptyset(&ss);
	sigaddset(&ss, SIGUSR1);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	sfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
	if (!loop || sfd < 0 || loop_add_fd(loop, sfd, EPOLLIN, on_signal, loop) < 0)
		return 1;
	svc = dns_service_start(loop, &def, resolv, err, sizeof(err));
	if (!svc) {
		fprintf(stderr, "%s\n", err);
		loop_free(loop);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	loop_run(loop);
	dns_service_stop(svc);
	loop_free(loop);
	close(sfd);
	return 0;
}
