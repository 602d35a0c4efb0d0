// SPDX-License-Identifier: GPL-2.0-or-later
/* dpctl: drive the data path (ctl/vnetd/datapath.c) without the daemon,
 * for system tests and benchmarks.
 *   dpctl PIN_DIR open | purge | tick | stats [NET_ID]
 *   dpctl PIN_DIR net-set NET_ID nat|route|isolated BRIDGE GW/PREFIX [UPLINK ADDR]
 *   dpctl PIN_DIR port-add NET_ID IFNAME [MAC] | port-del IFNAME
 *   dpctl PIN_DIR uplink-add IFNAME | uplink-del IFNAME
 *   dpctl PIN_DIR lease-bind NET_ID MAC IP [del]
 *   dpctl PIN_DIR forward-add NET_ID tcp|udp HOSTPORT GUESTIP:PORT */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dp/dp.h"
#include "util/util.h"

static void die(const char *msg)
{
	fprintf(stderr, "dpctl: %s\n", msg);
	exit(1);
}

static int ifidx(const char *name)
{
	int i = if_nametoindex(name);

	if (!i)
		die("no such interface");
	return i;
}

static void parse_mac(const char *s, uint8_t mac[6])
{
	struct ether_addr *e = ether_aton(s);

	if (!e)
		die("bad MAC");
	memcpy(mac, e, 6);
}

static struct in_addr parse_ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		die("bad IPv4 address");
	return a;
}

/* SIOCGIFHWADDR, not sysfs: nsenter --net keeps the caller's /sys. */
static void bridge_mac(const char *br, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", br);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr))
		die("cannot read bridge MAC");
	close(fd);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
}

static int net_set(struct datapath *dp, int argc, char **argv, char *err, size_t len)
{
	struct dp_net_cfg c = { .net_id = atoi(argv[0]) };
	char *slash = strchr(argv[3], '/');

	if (argc < 4 || !slash)
		die("net-set NET_ID MODE BRIDGE GW/PREFIX [UPLINK ADDR]");
	c.mode = !strcmp(argv[1], "nat")     ? NETDEF_MODE_NAT :
		 !strcmp(argv[1], "route")   ? NETDEF_MODE_ROUTE : NETDEF_MODE_ISOLATED;
	c.bridge_ifindex = ifidx(argv[2]);
	bridge_mac(argv[2], c.bridge_mac);
	*slash = 0;
	c.gw = parse_ip(argv[3]);
	c.prefix = atoi(slash + 1);
	if (argc >= 6) {
		c.uplink_ifindex = ifidx(argv[4]);
		c.uplink_addr = parse_ip(argv[5]);
	}
	return dp_net_set(dp, &c, err, len);
}

static int forward_add(struct datapath *dp, int argc, char **argv, char *err, size_t len)
{
	struct netdef_port_forward pf = { 0 };
	char *colon;

	if (argc < 4 || !(colon = strchr(argv[3], ':')))
		die("forward-add NET_ID tcp|udp HOSTPORT GUESTIP:PORT");
	*colon = 0;
	pf.proto = !strcmp(argv[1], "tcp") ? IPPROTO_TCP : IPPROTO_UDP;
	pf.host_port = atoi(argv[2]);
	pf.guest_ip = parse_ip(argv[3]);
	pf.guest_port = atoi(colon + 1);
	return dp_forward_add(dp, atoi(argv[0]), &pf, err, len);
}

static int run(struct datapath *dp, const char *cmd, int argc, char **argv, char *err,
	       size_t len)
{
	uint8_t mac[6];

	if (!strcmp(cmd, "open"))
		return 0;
	if (!strcmp(cmd, "tick")) {
		dp_tick(dp);
		return 0;
	}
	if (!strcmp(cmd, "stats")) {
		struct json_object *o = dp_stats_json(dp, argc ? atoi(argv[0]) : 0);

		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
		return 0;
	}
	if (!strcmp(cmd, "net-set") && argc >= 4)
		return net_set(dp, argc, argv, err, len);
	if (!strcmp(cmd, "port-add") && argc >= 2) {
		if (argc >= 3)
			parse_mac(argv[2], mac);
		return dp_port_add(dp, atoi(argv[0]), ifidx(argv[1]), argc >= 3 ? mac : NULL,
				   err, len);
	}
	if (!strcmp(cmd, "port-del") && argc >= 1)
		return dp_port_del(dp, ifidx(argv[0]));
	if (!strcmp(cmd, "uplink-add") && argc >= 1)
		return dp_uplink_add(dp, ifidx(argv[0]), err, len);
	if (!strcmp(cmd, "uplink-del") && argc >= 1)
		return dp_uplink_del(dp, ifidx(argv[0]));
	if (!strcmp(cmd, "lease-bind") && argc >= 3) {
		parse_mac(argv[1], mac);
		return dp_lease_bind(dp, atoi(argv[0]), mac, parse_ip(argv[2]),
				     !(argc >= 4 && !strcmp(argv[3], "del")));
	}
	if (!strcmp(cmd, "forward-add") && argc >= 4)
		return forward_add(dp, argc, argv, err, len);
	die("unknown command or missing arguments (see the comment in dpctl.c)");
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct datapath *dp;
	char err[256] = "";
	int r;

	log_init("dpctl", 0, getenv("DPCTL_DEBUG") ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	if (argc < 3)
		die("usage: dpctl PIN_DIR COMMAND [ARGS]");
	if (!strcmp(argv[2], "purge"))
		return dp_purge(argv[1]) ? 1 : 0;
	r = dp_open(argv[1], &dp, err, sizeof(err));
	if (r) {
		fprintf(stderr, "dpctl: %s\n", err[0] ? err : strerror(-r));
		return 1;
	}
	r = run(dp, argv[2], argc - 3, argv + 3, err, sizeof(err));
	if (r)
		fprintf(stderr, "dpctl: %s: %s\n", argv[2], err[0] ? err : strerror(-r));
	dp_close(dp);
	return r ? 1 : 0;
}
