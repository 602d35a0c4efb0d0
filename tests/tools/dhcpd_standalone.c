/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test driver: one dhcp_service on a bridge, without the daemon.
 *   dhcpd_standalone BRIDGE IP/PREFIX START END LEASEFILE LEASE_SECS [MAC=IP[=NAME]]...
 * Logs lease events and every message at debug level on stderr (with
 * DHCPD_QUIET=1 in the environment, lease events only, as vnetd); on
 * SIGTERM/SIGINT prints the counters and leases as JSON on stdout. */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "dhcp_service/dhcp_service.h"
#include "util/util.h"

static struct netdef def;

static void on_signal(int fd, uint32_t events, void *data)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) == sizeof(si))
		loop_quit(data);
}

static int parse_host(const char *arg, struct netdef_host *h)
{
	char buf[128], *ip, *name;
	unsigned m[6];

	snprintf(buf, sizeof(buf), "%s", arg);
	ip = strchr(buf, '=');
	if (!ip)
		return -1;
	*ip++ = '\0';
	name = strchr(ip, '=');
	if (name)
		*name++ = '\0';
	if (sscanf(buf, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6 ||
	    inet_pton(AF_INET, ip, &h->ip) != 1)
		return -1;
	for (int i = 0; i < 6; i++)
		h->mac[i] = (uint8_t)m[i];
	snprintf(h->name, sizeof(h->name), "%s", name ? name : "");
	h->has_mac = h->has_ip = 1;
	return 0;
}

static int parse_args(int argc, char **argv)
{
	char *slash;

	if (argc < 7)
		return -1;
	snprintf(def.name, sizeof(def.name), "test");
	snprintf(def.bridge, sizeof(def.bridge), "%s", argv[1]);
	slash = strchr(argv[2], '/');
	if (!slash)
		return -1;
	*slash = '\0';
	def.prefix = (unsigned)atoi(slash + 1);
	def.has_ip = def.has_dhcp = 1;
	if (inet_pton(AF_INET, argv[2], &def.ip) != 1 ||
	    inet_pton(AF_INET, argv[3], &def.dhcp_start) != 1 ||
	    inet_pton(AF_INET, argv[4], &def.dhcp_end) != 1)
		return -1;
	def.lease_secs = (unsigned)atoi(argv[6]);
	snprintf(def.domain, sizeof(def.domain), "vnet.test");
	for (int i = 7; i < argc && def.n_hosts < NETDEF_MAX_HOSTS; i++)
		if (parse_host(argv[i], &def.hosts[def.n_hosts++]))
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct json_object *c, *l;
	struct dhcp_service *s;
	struct loop *loop;
	char err[256];
	sigset_t set;
	int sfd;

	if (parse_args(argc, argv)) {
		fprintf(stderr, "usage: %s BRIDGE IP/PREFIX START END LEASEFILE LEASE_SECS "
				"[MAC=IP[=NAME]]...\n", argv[0]);
		return 2;
	}
	/* DHCPD_QUIET=1: the daemon's default level (no line per message), for benches */
	log_init("dhcpd_standalone", 0, getenv("DHCPD_QUIET") ? LOG_LVL_INFO : LOG_LVL_DEBUG);
	setvbuf(stderr, NULL, _IOLBF, 0);
	loop = loop_new();
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (!loop || sfd < 0 || loop_add_fd(loop, sfd, EPOLLIN, on_signal, loop))
		return 1;
	s = dhcp_service_start(loop, &def, argv[5], NULL, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	fprintf(stderr, "dhcpd_standalone: ready\n");
	loop_run(loop);
	c = dhcp_service_counters_json(s);
	l = dhcp_service_leases_json(s);
	printf("%s\n%s\n", json_object_to_json_string(c), json_object_to_json_string(l));
	json_object_put(c);
	json_object_put(l);
	dhcp_service_stop(s);
	loop_free(loop);
	return 0;
}
