/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd: the vnet control daemon. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <libxml/parser.h>

#include "control/control.h"
#include "dp/dp.h"
#include "util/util.h"
#include "metrics_http/metrics_http.h"
#include "nl/nl.h"
#include "netmgr/netmgr.h"
#include "privsep/privsep.h"
#include "share/share.h"
#include "core.h"

/* Every setting vnetd runs with, filled once here from its options and
 * environment (VNET_DP_HOOK, VNET_CT_MAX as documented defaults); each
 * module is handed its part (paths, dp_config, the child's user, the flow
 * caps). No module reads the environment for configuration; test-only
 * faults are test_hook()s, compiled into vnetd-test alone. */
struct vnetd_config {
	int foreground, debug, cleanup;
	struct vnetd_paths paths;
	const char *metrics;
	long ct_guest_max, ct_forward_max;	/* flows; -1: the default share */
	struct dp_config dp;	/* --dp-hook/VNET_DP_HOOK, --ct-max/VNET_CT_MAX */
	const char *service_user; /* NULL: PRIVSEP_DEFAULT_USER, else nobody */
};

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: vnetd [--foreground] [--conf-dir D] [--state-dir D] [--run-dir D]\n"
		"             [--pin-dir D] [--resolv-conf F] [--metrics ADDR:PORT|off] [--debug]\n"
		"             [--ct-guest-max N] [--ct-forward-max N] [--ct-max ENTRIES]\n"
		"             [--dp-hook tc|xdp|xdp-veth] [--uplink-xdp auto|on|off]\n"
		"             [--service-user USER|UID[:GID]]\n"
		"             [--underlay-local ADDR] [--underlay-dev DEV] [--frr-vty-dir D]\n"
		"             [--vtysh PATH]\n"
		"       vnetd --cleanup [--run-dir D] [--state-dir D] [--conf-dir D] [--pin-dir D]\n");
	exit(code);
}

/* A flow cap: a count of flows, 0 for none. */
static long parse_cap(const char *name, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < 0 || n > (1L << 24)) {
		fprintf(stderr, "vnetd: --%s wants a number of flows (0: no cap), not '%s'\n", name, v);
		exit(2);
	}
	return n;
}

/* The data path's settings: the environment first (VNET_DP_HOOK,
 * VNET_CT_MAX, as documented), then the options; read here and nowhere else. */
static void dp_option(struct dp_config *c, const char *name, const char *from, const char *v)
{
	char *end = "";

	if (!v || !*v)
		return;
	if (!strcmp(name, "dp-hook") && dp_hook_policy_parse(v, &c->hook_policy) == 0)
		return;
	if (!strcmp(name, "uplink-xdp") && dp_uplink_xdp_parse(v, &c->uplink_xdp) == 0)
		return;
	if (!strcmp(name, "tc-link") && dp_tc_link_parse(v, &c->tc_link) == 0)
		return;
	if (!strcmp(name, "ct-max")) {
		c->ct_max = strtoul(v, &end, 10);
		if (!*end && c->ct_max >= 64 && c->ct_max <= (1UL << 24))
			return;
	}
	fprintf(stderr, "vnetd: %s: invalid value '%s' (see vnetd(8))\n", from, v);
	exit(2);
}

static void parse_options(int argc, char **argv, struct vnetd_config *o)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' }, { "conf-dir", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' }, { "run-dir", required_argument, NULL, 'r' },
		{ "pin-dir", required_argument, NULL, 'p' }, { "resolv-conf", required_argument, NULL, 'R' },
		{ "metrics", required_argument, NULL, 'm' }, { "debug", no_argument, NULL, 'd' },
		{ "cleanup", no_argument, NULL, 'C' }, { "help", no_argument, NULL, 'h' },
		{ "ct-guest-max", required_argument, NULL, 'G' },
		{ "ct-forward-max", required_argument, NULL, 'F' },
		{ "ct-max", required_argument, NULL, 'M' }, { "dp-hook", required_argument, NULL, 'H' },
		{ "uplink-xdp", required_argument, NULL, 'X' },
		{ "service-user", required_argument, NULL, 'u' },
		{ "underlay-local", required_argument, NULL, 'L' },
		{ "underlay-dev", required_argument, NULL, 'D' },
		{ "frr-vty-dir", required_argument, NULL, 'V' },
		{ "vtysh", required_argument, NULL, 'Y' }, { 0 }
	};
	int c;

	*o = (struct vnetd_config){ .paths = { "/etc/vnet", "/var/lib/vnet", "/run/vnet", "/sys/fs/bpf/vnet",
					  "/etc/resolv.conf" },
			       .metrics = "127.0.0.1:9578", .ct_guest_max = -1, .ct_forward_max = -1,
			       .dp = DP_CONFIG_DEFAULT };
	dp_option(&o->dp, "dp-hook", "VNET_DP_HOOK", getenv("VNET_DP_HOOK"));
	dp_option(&o->dp, "ct-max", "VNET_CT_MAX", getenv("VNET_CT_MAX"));
	dp_option(&o->dp, "uplink-xdp", "VNET_UPLINK_XDP", getenv("VNET_UPLINK_XDP"));
	dp_option(&o->dp, "tc-link", "VNET_TC_LINK", getenv("VNET_TC_LINK"));
	while ((c = getopt_long(argc, argv, "fdh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->foreground = 1; break;
		case 'd': o->debug = 1; break;
		case 'C': o->cleanup = 1; break;
		case 'c': o->paths.conf_dir = optarg; break;
		case 's': o->paths.state_dir = optarg; break;
		case 'r': o->paths.run_dir = optarg; break;
		case 'p': o->paths.pin_dir = optarg; break;
		case 'R': o->paths.resolv_conf = optarg; break;
		case 'm': o->metrics = optarg; break;
		case 'G': o->ct_guest_max = parse_cap("ct-guest-max", optarg); break;
		case 'F': o->ct_forward_max = parse_cap("ct-forward-max", optarg); break;
		case 'M': dp_option(&o->dp, "ct-max", "--ct-max", optarg); break;
		case 'H': dp_option(&o->dp, "dp-hook", "--dp-hook", optarg); break;
		case 'X': dp_option(&o->dp, "uplink-xdp", "--uplink-xdp", optarg); break;
		case 'u': o->service_user = optarg; break;
		case 'L': o->paths.underlay_local = optarg; break;
		case 'D': o->paths.underlay_dev = optarg; break;
		case 'V': o->paths.frr_vty_dir = optarg; break;
		case 'Y': o->paths.vtysh = optarg; break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	dp_configure(&o->dp);
}

/* The pid file is also the single-instance lock. */
static int write_pidfile(const char *run_dir)
{
	char path[4096], buf[32];
	int fd;

	snprintf(path, sizeof(path), "%s/vnetd.pid", run_dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return -EADDRINUSE;
	}
	snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, buf, strlen(buf)) < 0) {
		close(fd);
		return -errno;
	}
	return fd; /* kept open (and locked) for the daemon's lifetime */
}

/* SIGHUP re-reads the definitions; SIGTERM/SIGINT end the daemon and
 * leave the networks running. */
static void on_signal(int fd, uint32_t events, void *data)
{
	struct netmgr *m = data;
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGHUP) {
		log_info("SIGHUP: reloading definitions");
		netmgr_reload(m);
		return;
	}
	log_info("signal %u: exiting, networks keep running", si.ssi_signo);
	loop_quit(m->loop);
}

static int setup_signals(struct loop *loop, struct netmgr *m)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	return loop_add_fd(loop, fd, EPOLLIN, on_signal, m);
}

static void on_tick(void *data)
{
	static unsigned ticks;
	struct netmgr *m = data;

	dp_tick(m->dp);
	privsep_tick();
	netmgr_retry_binds(m);
	/* Events drive reconciliation; this catches anything they missed. */
	if (++ticks % 5 == 0)
		netmgr_reconcile(m);
	sdnotify_watchdog();
	loop_add_timer(m->loop, 1000, on_tick, m);
}

static void set_ct_limits(struct datapath *dp, const struct vnetd_config *o)
{
	unsigned g, f;

	dp_set_ct_limits(dp, o->ct_guest_max, o->ct_forward_max);
	dp_get_ct_limits(dp, &g, &f);
	log_info("conntrack: flows per guest %u, per port forward %u (0: no cap)", g, f);
}

static void daemonize(void)
{
	pid_t pid = fork();

	if (pid < 0)
		fatal("fork: %s", strerror(errno));
	if (pid > 0)
		_exit(0);
	setsid();
	pid = fork();
	if (pid < 0)
		fatal("fork: %s", strerror(errno));
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		fatal("chdir: %s", strerror(errno));
	int nullfd = open("/dev/null", O_RDWR);

	if (nullfd >= 0) {
		dup2(nullfd, 0);
		dup2(nullfd, 1);
		dup2(nullfd, 2);
		if (nullfd > 2)
			close(nullfd);
	}
}

/* Each running network holds descriptors in both processes (DHCP, DNS
 * over UDP and TCP, the guests' packet sockets, RA, TFTP): ~10 each, so
 * NETMGR_MAX_NETS networks need more than the usual soft limit of 1,024.
 * The soft limit goes up to the hard one (the child inherits it); the
 * loop is epoll, nothing uses select(). */
static void raise_fd_limit(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) || r.rlim_cur >= r.rlim_max)
		return;
	r.rlim_cur = r.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &r))
		log_warn("cannot raise the descriptor limit: %s", strerror(errno));
}

/* The service child: its user, its directory, the metrics socket. It
 * starts before the networks, whose services run in it. */
static void start_child(struct vnetd_config *o, struct loop *loop, struct netmgr *m)
{
	struct privsep_config cfg = { .metrics_fd = -1, .debug = o->debug,
				      .syslog = !o->foreground };
	char dir[4096], err[256];
	struct privsep_ops ops;

	if (privsep_resolve_user(o->service_user, &cfg.uid, &cfg.gid, err, sizeof(err)))
		fatal("%s", err);
	snprintf(dir, sizeof(dir), "%s/leases", o->paths.state_dir);
	if (mkdir_p(dir, 0755))
		fatal("cannot create %s: %s", dir, strerror(errno));
	if (privsep_own_dir(dir, cfg.uid, cfg.gid, err, sizeof(err)))
		fatal("lease directory: %s", err);
	cfg.lease_dir = dir;
	if (strcmp(o->metrics, "off") &&
	    (cfg.metrics_fd = metrics_http_listen(o->metrics, err, sizeof(err))) < 0)
		log_warn("metrics disabled: %s", err);
	netmgr_privsep_ops(m, &ops);
	if (privsep_start(loop, &cfg, &ops, err, sizeof(err)))
		fatal("cannot start the service child: %s", err);
}

static int run(struct vnetd_config *o)
{
	char sock[4096], err[256];
	struct datapath *dp = NULL;
	struct netmgr mgr = { 0 };
	struct loop *loop;
	int ret, pidfd;

	if (mkdir_p(o->paths.run_dir, 0755))
		fatal("cannot create %s: %s", o->paths.run_dir, strerror(errno));
	snprintf(sock, sizeof(sock), "%s/vnetd.sock", o->paths.run_dir);
	pidfd = write_pidfile(o->paths.run_dir);
	if (pidfd == -EADDRINUSE)
		fatal("another vnetd is already running with run dir %s", o->paths.run_dir);
	if (pidfd < 0)
		fatal("cannot write pid file in %s: %s", o->paths.run_dir, strerror(-pidfd));
	loop = loop_new();
	if (!loop || setup_signals(loop, &mgr))
		fatal("cannot set up the event loop");
	if ((ret = nl_init()))
		fatal("netlink: %s", strerror(-ret));
	share_recover(o->paths.state_dir);
	if (dp_open(o->paths.pin_dir, &dp, err, sizeof(err)))
		fatal("data path: %s", err);
	set_ct_limits(dp, o);
	raise_fd_limit();
	start_child(o, loop, &mgr);
	if ((ret = netmgr_init(&mgr, loop, dp, &o->paths)))
		fatal("cannot initialise networks: %s", strerror(-ret));
	if (linkwatch_start(&mgr))
		log_warn("cannot watch rtnetlink events; reconciling every 5 s only");
	ret = ctlsock_open(loop, &mgr, sock);
	if (ret == -EADDRINUSE)
		fatal("another vnetd is already listening on %s", sock);
	if (ret)
		fatal("cannot listen on %s: %s", sock, strerror(-ret));
	loop_add_timer(loop, 1000, on_tick, &mgr);
	log_info("ready on %s", sock);
	sdnotify_ready(sock);
	ret = loop_run(loop);
	sdnotify_send("STOPPING=1");
	ctlsock_close();
	linkwatch_stop();
	netmgr_fini(&mgr);
	privsep_stop();
	dp_close(dp);
	nl_fini();
	loop_free(loop);
	snprintf(sock, sizeof(sock), "%s/vnetd.pid", o->paths.run_dir);
	unlink(sock);
	close(pidfd);
	return ret ? 1 : 0;
}

/* --cleanup: stop every running network and remove all pinned state. */
static int cleanup(struct vnetd_config *o)
{
	char err[256];
	struct datapath *dp = NULL;
	struct netmgr mgr;
	struct loop *loop = loop_new();

	if (!loop || nl_init() || dp_open(o->paths.pin_dir, &dp, err, sizeof(err)))
		fatal("cleanup: cannot open the data path");
	netmgr_init(&mgr, loop, dp, &o->paths);
	for (size_t i = 0; i < mgr.n_nets; i++)
		if (mgr.nets[i]->state == NETWORK_ACTIVE)
			network_stop(mgr.nets[i], err, sizeof(err));
	netmgr_fini(&mgr);
	dp_close(dp);
	dp_purge(o->paths.pin_dir);
	nl_fini();
	loop_free(loop);
	return 0;
}

int main(int argc, char **argv)
{
	struct vnetd_config o;

	if (argc > 1 && !strcmp(argv[1], PRIVSEP_CHILD_ARG))
		return privsep_child_main(argc, argv);
	parse_options(argc, argv, &o);
	xmlInitParser();
	log_init("vnetd", !o.foreground && !o.cleanup, o.debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if (o.cleanup)
		return cleanup(&o);
	if (!o.foreground)
		daemonize();
	return run(&o);
}
