/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vde-add: a real vde_switch (Debian vde2) whose tap is a port of the
 * network, so QEMU guests join with -netdev vde,sock=<run>/vde/NET.
 * vnetd creates the persistent tap first (tap.c) and hands it to the switch
 * with -tap, so the port, its XDP program and its counters survive a switch
 * restart. The switch runs daemonized (-d -p PIDFILE: it outlives a vnetd
 * restart, which adopts it); vnetd watches it through a pidfd in the event
 * loop and restarts it with back-off when it dies. Files under <run>/vde/:
 *   NET/      the switch's socket directory (0770, group G; 0700 without G)
 *   NET.pid   the switch's pid file        NET.json  {"tap":..,"group":..} */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <json-c/json.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/util.h"
#include "netmgr/netmgr.h"
#include "guest.h"
#include "core/core.h"

#define VDE_DEFAULT_GROUP "vnet"
#define VDE_READY_MS 3000	/* a started switch must create its socket by then */
#define VDE_BACKOFF_MIN_MS 100
#define VDE_BACKOFF_MAX_MS 5000
#define VDE_STABLE_MS 30000	/* running this long resets the back-off */
#define VDE_MAX_GUESTS_LIMIT 4096

struct vde_switch {
	struct network *n;
	char tap[16];
	char group[64];		/* "" : root only */
	unsigned max_guests;	/* client MACs DHCP serves on the tap at once */
	pid_t pid;
	int pidfd;
	long timer;
	unsigned backoff_ms;
	uint64_t started_ms;
};

static void set_multi_mac(struct network *n, const char *tap)
{
	int ifindex = if_nametoindex(tap);

	/* Several guests share the tap: the first lease must not lock the
	 * port to one MAC. */
	if (ifindex && dp_port_set_multi_mac(n->mgr->dp, ifindex))
		log_warn("network %s: cannot mark %s as shared by several guests", n->def->name, tap);
}

static void vde_path(struct network *n, const char *ext, char *buf, size_t len)
{
	snprintf(buf, len, "%s/vde/%s%s", n->mgr->paths.run_dir, n->def->name, ext);
}

/* The socket directory holds only the switch's sockets: empty it. */
static void remove_dir(const char *dir)
{
	char path[4096];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void exec_switch(struct vde_switch *sw, const char *dir, const char *pidfile)
{
	const int has_group = sw->group[0] != '\0';
	const char *argv[] = { "vde_switch", "-d", "-p", pidfile, "-s", dir,
			       "-m", has_group ? "0660" : "0600",
			       "--dirmode", has_group ? "0770" : "0700", "-t", sw->tap,
			       has_group ? "-g" : NULL, sw->group, NULL };
	sigset_t none;

	/* vnetd blocks its signals for the signalfd and ignores SIGPIPE;
	 * both would be inherited across exec. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	execvp("vde_switch", (char *const *)argv);
	_exit(127);
}

/* The switch forks into the background; wait (bounded) for its pid file
 * and control socket so that QEMU can connect as soon as we reply. */
static int wait_ready(const char *dir, const char *pidfile)
{
	char ctl[4096 + 8];
	struct stat st;
	int pid;

	snprintf(ctl, sizeof(ctl), "%s/ctl", dir);
	for (int ms = 0; ms < VDE_READY_MS; ms += 10) {
		pid = pidfile_read(pidfile);
		if (pid && !stat(ctl, &st) && S_ISSOCK(st.st_mode))
			return pid;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

static void on_exit_event(int fd, uint32_t events, void *data);

static int watch(struct vde_switch *sw)
{
	int fd = pidfd_open(sw->pid, 0), ret;

	if (fd < 0)
		return -errno;
	ret = loop_add_fd(sw->n->mgr->loop, fd, EPOLLIN, on_exit_event, sw);
	if (ret) {
		close(fd);
		return ret;
	}
	sw->pidfd = fd;
	return 0;
}

static int spawn(struct vde_switch *sw, char *err, size_t errlen)
{
	char dir[4096], pidfile[4096];
	int status, pid, ret;
	pid_t child;

	vde_path(sw->n, "", dir, sizeof(dir));
	vde_path(sw->n, ".pid", pidfile, sizeof(pidfile));
	remove_dir(dir);	/* stale sockets of a dead switch */
	unlink(pidfile);
	child = fork();
	if (child < 0)
		return ERR("fork: %s", strerror(errno)), -errno;
	if (child == 0)
		exec_switch(sw, dir, pidfile);
	/* -d: the first process exits as soon as the daemon is forked. */
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return ERR("vde_switch failed to start (status %d; is vde2 installed?)", status), -EIO;
	pid = wait_ready(dir, pidfile);
	if (pid < 0)
		return ERR("vde_switch did not create %s/ctl", dir), pid;
	sw->pid = pid;
	sw->started_ms = loop_now_ms();
	ret = watch(sw);
	if (ret) {
		kill(pid, SIGKILL);
		return ERR("cannot watch vde_switch %d: %s", pid, strerror(-ret)), ret;
	}
	log_info("network %s: vde_switch %d on %s (tap %s)", sw->n->def->name, pid, dir, sw->tap);
	return 0;
}

static void on_restart(void *data)
{
	struct vde_switch *sw = data;
	char err[256];

	sw->timer = 0;
	if (!spawn(sw, err, sizeof(err)))
		return;
	log_warn("network %s: restarting vde_switch: %s", sw->n->def->name, err);
	sw->backoff_ms = sw->backoff_ms * 2 > VDE_BACKOFF_MAX_MS ? VDE_BACKOFF_MAX_MS
								: sw->backoff_ms * 2;
	sw->timer = loop_add_timer(sw->n->mgr->loop, sw->backoff_ms, on_restart, sw);
}

static void unwatch(struct vde_switch *sw)
{
	if (sw->pidfd < 0)
		return;
	loop_del_fd(sw->n->mgr->loop, sw->pidfd);
	close(sw->pidfd);
	sw->pidfd = -1;
}

static void on_exit_event(int fd, uint32_t events, void *data)
{
	struct vde_switch *sw = data;

	(void)fd;
	(void)events;
	unwatch(sw);
	waitpid(sw->pid, NULL, WNOHANG); /* only ours if adopted from a child; harmless */
	if (loop_now_ms() - sw->started_ms > VDE_STABLE_MS)
		sw->backoff_ms = VDE_BACKOFF_MIN_MS;
	log_warn("network %s: vde_switch %d exited; restarting in %u ms", sw->n->def->name,
		 (int)sw->pid, sw->backoff_ms);
	sw->pid = 0;
	sw->timer = loop_add_timer(sw->n->mgr->loop, sw->backoff_ms, on_restart, sw);
}

/* SIGTERM (the switch removes its sockets), SIGKILL after a second. */
static void stop_switch(struct vde_switch *sw)
{
	struct pollfd p;
	int fd;

	if (sw->timer > 0)
		loop_cancel_timer(sw->n->mgr->loop, sw->timer);
	sw->timer = 0;
	if (!sw->pid)
		return;
	fd = sw->pidfd >= 0 ? dup(sw->pidfd) : pidfd_open(sw->pid, 0);
	unwatch(sw);
	if (fd < 0)
		return;
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	pidfd_send_signal(fd, SIGTERM, NULL, 0);
	if (poll(&p, 1, 1000) <= 0) {
		pidfd_send_signal(fd, SIGKILL, NULL, 0);
		poll(&p, 1, 1000);
	}
	close(fd);
	sw->pid = 0;
}

static struct vde_switch *sw_new(struct network *n, const char *tap, const char *group)
{
	struct vde_switch *sw = calloc(1, sizeof(*sw));

	if (!sw)
		return NULL;
	sw->n = n;
	sw->pidfd = -1;
	sw->backoff_ms = VDE_BACKOFF_MIN_MS;
	snprintf(sw->tap, sizeof(sw->tap), "%s", tap);
	snprintf(sw->group, sizeof(sw->group), "%s", group ? group : "");
	sw->max_guests = VDE_DEFAULT_MAX_GUESTS;
	return sw;
}

static int save_state(struct vde_switch *sw)
{
	struct json_object *o = json_object_new_object();
	char path[4096];
	const char *s;
	int ret;

	json_object_object_add(o, "tap", json_object_new_string(sw->tap));
	json_object_object_add(o, "group", json_object_new_string(sw->group));
	json_object_object_add(o, "max_guests", json_object_new_int((int)sw->max_guests));
	s = json_object_to_json_string(o);
	vde_path(sw->n, ".json", path, sizeof(path));
	ret = file_write_atomic(path, s, strlen(s), 0644);
	json_object_put(o);
	return ret;
}

/* --group G must exist; without it the "vnet" group if there is one. */
static int pick_group(const char *group, char *buf, size_t len)
{
	buf[0] = '\0';
	if (group) {
		if (!getgrnam(group))
			return -ENOENT;
		snprintf(buf, len, "%s", group);
	} else if (getgrnam(VDE_DEFAULT_GROUP)) {
		snprintf(buf, len, "%s", VDE_DEFAULT_GROUP);
	}
	return 0;
}

int vde_add(struct network *n, const char *group, unsigned max_guests, char *ret_sock,
	    size_t socklen, char *err, size_t errlen)
{
	char grp[64], tap[16], path[4096];
	int ret;

	if (n->state != NETWORK_ACTIVE)
		return ERR("network %s is not active", n->def->name), -EINVAL;
	if (pick_group(group, grp, sizeof(grp)))
		return ERR("unknown group '%s'", group), -ENOENT;
	if (max_guests > VDE_MAX_GUESTS_LIMIT)
		return ERR("--max-guests: at most %d", VDE_MAX_GUESTS_LIMIT), -EINVAL;
	vde_path(n, "", ret_sock, socklen);
	if (n->vde) { /* one switch per network: vde-add again reports it */
		if (max_guests && max_guests != n->vde->max_guests) {
			n->vde->max_guests = max_guests;
			save_state(n->vde);
		}
		return 0;
	}
	snprintf(path, sizeof(path), "%s/vde", n->mgr->paths.run_dir);
	ret = mkdir_p(path, 0755);
	if (ret)
		return ERR("cannot create %s: %s", path, strerror(-ret)), ret;
	ret = tap_add(n, NULL, NULL, tap, err, errlen);
	if (ret)
		return ret;
	set_multi_mac(n, tap);
	n->vde = sw_new(n, tap, grp);
	if (n->vde && max_guests)
		n->vde->max_guests = max_guests;
	if (!n->vde || save_state(n->vde) || spawn(n->vde, err, errlen)) {
		if (!n->vde || !err[0])
			ERR("cannot start vde_switch for %s", n->def->name);
		network_port_del(n, tap, path, sizeof(path)); /* also stops and forgets n->vde */
		return -EIO;
	}
	return 0;
}

static struct vde_switch *load_state(struct network *n)
{
	struct json_object *o, *tap, *grp, *max;
	struct vde_switch *sw = NULL;
	char path[4096];

	vde_path(n, ".json", path, sizeof(path));
	o = json_object_from_file(path);
	if (!o)
		return NULL;
	if (json_object_object_get_ex(o, "tap", &tap) && json_object_object_get_ex(o, "group", &grp))
		sw = sw_new(n, json_object_get_string(tap), json_object_get_string(grp));
	/* written by this version on: older state files keep the default */
	if (sw && json_object_object_get_ex(o, "max_guests", &max) &&
	    json_object_get_int(max) > 0 && json_object_get_int(max) <= VDE_MAX_GUESTS_LIMIT)
		sw->max_guests = (unsigned)json_object_get_int(max);
	json_object_put(o);
	return sw;
}

unsigned vde_max_guests(struct network *n)
{
	return n->vde ? n->vde->max_guests : VDE_DEFAULT_MAX_GUESTS;
}

void vde_net_started(struct network *n)
{
	struct vde_switch *sw;
	char pidfile[4096], err[256];
	int pid;

	if (n->vde || !(sw = load_state(n)))
		return;
	n->vde = sw;
	set_multi_mac(n, sw->tap);
	vde_path(n, ".pid", pidfile, sizeof(pidfile));
	pid = pidfile_running(pidfile, "vde_switch");
	if (pid) {
		sw->pid = pid;
		sw->started_ms = loop_now_ms();
		if (!watch(sw)) {
			log_info("network %s: adopted vde_switch %d", n->def->name, pid);
			return;
		}
		stop_switch(sw);
	}
	if (spawn(sw, err, sizeof(err))) {
		log_warn("network %s: vde_switch: %s; retrying", n->def->name, err);
		sw->timer = loop_add_timer(n->mgr->loop, sw->backoff_ms, on_restart, sw);
	}
}

void vde_net_stopped(struct network *n)
{
	struct vde_switch *sw = n->vde;
	char path[4096];

	if (!sw) /* a switch recorded by an earlier run but never adopted */
		sw = load_state(n);
	if (!sw)
		return;
	if (!n->vde) {
		vde_path(n, ".pid", path, sizeof(path));
		sw->pid = pidfile_running(path, "vde_switch");
	}
	stop_switch(sw);
	vde_path(n, "", path, sizeof(path));
	remove_dir(path);
	vde_path(n, ".pid", path, sizeof(path));
	unlink(path);
	vde_path(n, ".json", path, sizeof(path));
	unlink(path);
	log_info("network %s: vde_switch stopped", n->def->name);
	free(sw);
	n->vde = NULL;
}

void vde_port_removed(struct network *n, const char *ifname)
{
	if (n->vde && !strcmp(n->vde->tap, ifname))
		vde_net_stopped(n);
}
