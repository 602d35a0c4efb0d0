/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test driver: one dhcp6_service on a bridge, without the daemon (the
 * DHCPv6 twin of dhcpd_standalone, for tests/bench/dhcp6_perf.sh).
 *   dhcp6d_standalone NETWORK.xml LEASEFILE
 * Serves the definition's IPv6 <dhcp> on its <bridge name=> (which must
 * exist); leases in LEASEFILE. On SIGTERM/SIGINT prints the counters and
 * the leases held as JSON on stdout. Takes the test hooks (DHCP_FLUSH_HOLD). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "dhcp6_service/dhcp6_service.h"
#include "util/util.h"

static unsigned long long bound;

static void on_signal(int fd, uint32_t events, void *data)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) == sizeof(si))
		loop_quit(data);
}

static void on_bound(void *ctx, const struct dhcp6_lease *l)
{
	bound++;
}

static int bridge_mac(const char *bridge, uint8_t mac[6])
{
	char path[128];
	unsigned m[6];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", bridge);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]);
	fclose(f);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	return n == 6 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct dhcp6_hooks hooks = { .bound = on_bound };
	const struct dhcp6_counters *c;
	struct dhcp6_service *s;
	struct netdef *def;
	struct loop *loop;
	uint8_t mac[6];
	char err[512];
	sigset_t set;
	int sfd, fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s NETWORK.xml LEASEFILE\n", argv[0]);
		return 2;
	}
	if (netdef_load_file(argv[1], &def, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (bridge_mac(def->bridge, mac)) {
		fprintf(stderr, "dhcp6d_standalone: no bridge %s\n", def->bridge);
		return 1;
	}
	log_init("dhcp6d_standalone", 0, LOG_LVL_INFO);
	setvbuf(stderr, NULL, _IOLBF, 0);
	loop = loop_new();
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (!loop || sfd < 0 || loop_add_fd(loop, sfd, EPOLLIN, on_signal, loop))
		return 1;
	fd = dhcp6_service_socket(def->bridge, err, sizeof(err));
	if (fd < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	s = dhcp6_service_start_on(loop, def, mac, argv[2], &hooks, fd, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	fprintf(stderr, "dhcp6d_standalone: ready\n");
	loop_run(loop);
	c = dhcp6_service_counters(s);
	printf("{\"bound\":%llu,\"no_addrs\":%llu,\"bad_packets\":%llu,\"ignored\":%llu,"
	       "\"leases\":%zu}\n",
	       bound, (unsigned long long)c->no_addrs, (unsigned long long)c->bad_packets,
	       (unsigned long long)c->ignored, dhcp6_service_lease_count(s));
	dhcp6_service_stop(s);
	loop_free(loop);
	free(def);
	return 0;
}
