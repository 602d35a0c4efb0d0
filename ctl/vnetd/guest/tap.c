/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tap-add: persistent taps for QEMU guests. The tap outlives the daemon
 * (TUNSETPERSIST), is owned by the user who runs QEMU (TUNSETOWNER, so an
 * unprivileged QEMU can open it with -netdev tap,ifname=...), and is a port
 * of the network with the fast path on it. vnet records the taps it made
 * in <run>/taps/IFNAME ("NET IFINDEX") so that port-del and net-stop
 * remove only those devices, also after a daemon restart. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/util.h"
#include "nl/nl.h"
#include "netmgr/netmgr.h"
#include "guest.h"
#include "core/core.h"

#define TAP_DEFAULT_NAME "vtap%d"

int tap_create(const char *name, uid_t owner, char ret_name[16], char *err, size_t errlen)
{
	/* EXCL: never attach to a tap that exists (persistent, someone's) */
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL };
	int fd, ret = 0;

	if (strlen(name) >= IFNAMSIZ)
		return ERR("invalid interface name '%s'", name), -EINVAL;
	/* TUNSETIFF on an existing persistent tap would silently attach to it. */
	if (!strchr(name, '%') && if_nametoindex(name))
		return ERR("device %s already exists", name), -EEXIST;
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return ERR("cannot open /dev/net/tun: %s", strerror(errno)), -errno;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		ret = -errno, ERR("cannot create tap %s: %s", name,
				  errno == EBUSY ? "a device of that name exists" : strerror(errno));
	else if (owner != (uid_t)-1 && ioctl(fd, TUNSETOWNER, (unsigned long)owner) < 0)
		ret = -errno, ERR("cannot set the owner of %s: %s", ifr.ifr_name, strerror(errno));
	else if (ioctl(fd, TUNSETPERSIST, 1UL) < 0)
		ret = -errno, ERR("cannot make %s persistent: %s", ifr.ifr_name, strerror(errno));
	close(fd); /* a non-persistent tap vanishes here, so failures leave nothing */
	if (!ret)
		snprintf(ret_name, 16, "%s", ifr.ifr_name);
	return ret;
}

int tap_destroy(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd, ret;

	if (!if_nametoindex(name))
		return -ENODEV;
	ret = nl_link_delete(name);
	if (!ret)
		return 0;
	/* Fallback: clear persistence; the device goes when we close it. */
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ret = ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETPERSIST, 0UL) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

static void record_path(struct network *n, const char *ifname, char *buf, size_t len)
{
	snprintf(buf, len, "%s/taps/%s", n->mgr->paths.run_dir, ifname);
}

static int resolve_user(const char *user, uid_t *ret)
{
	struct passwd *pw;
	char *end;
	long v;

	*ret = (uid_t)-1;
	if (!user)
		return 0;
	v = strtol(user, &end, 10);
	if (*user && !*end && v >= 0) {
		*ret = v;
		return 0;
	}
	pw = getpwnam(user);
	if (!pw)
		return -ENOENT;
	*ret = pw->pw_uid;
	return 0;
}

int tap_add(struct network *n, const char *name, const char *user, char ret_name[16],
	    char *err, size_t errlen)
{
	char path[4096], rec[NETDEF_NAME_MAX + 16];
	uid_t uid;
	int ret;

	if (n->state != NETWORK_ACTIVE)
		return ERR("network %s is not active", n->def->name), -EINVAL;
	if (resolve_user(user, &uid))
		return ERR("unknown user '%s'", user), -ENOENT;
	ret = tap_create(name ? name : TAP_DEFAULT_NAME, uid, ret_name, err, errlen);
	if (ret)
		return ret;
	ret = network_port_add(n, ret_name, NULL, DP_HOOK_AUTO, NULL, err, errlen);
	if (ret) {
		tap_destroy(ret_name);
		return ret;
	}
	snprintf(path, sizeof(path), "%s/taps", n->mgr->paths.run_dir);
	mkdir_p(path, 0755);
	record_path(n, ret_name, path, sizeof(path));
	/* "NET IFINDEX": the device itself, not whatever later takes its name */
	snprintf(rec, sizeof(rec), "%s %u", n->def->name, if_nametoindex(ret_name));
	ret = file_write_atomic(path, rec, strlen(rec), 0644);
	if (ret)
		log_warn("network %s: cannot record tap %s: %s", n->def->name, ret_name,
			 strerror(-ret));
	log_info("network %s: tap %s created%s%s", n->def->name, ret_name, user ? " for " : "",
		 user ? user : "");
	return 0;
}

/* The network a recorded tap belongs to ("" if vnet did not make it), and
 * its ifindex (0 in a record of a vnetd that did not write it). */
static void record_owner(struct network *n, const char *ifname, char *buf, size_t len,
			 unsigned *ifindex)
{
	char path[4096], *s = NULL, *sp;
	size_t l = 0;

	buf[0] = '\0';
	*ifindex = 0;
	record_path(n, ifname, path, sizeof(path));
	if (file_read_all(path, 256, &s, &l))
		return;
	snprintf(buf, len, "%.*s", (int)l, s);
	free(s);
	sp = strchr(buf, ' ');
	if (sp) {
		*sp = '\0';
		*ifindex = strtoul(sp + 1, NULL, 10);
	}
}

void tap_port_removed(struct network *n, const char *ifname)
{
	char path[4096];

	char owner[256];
	unsigned idx, now;

	vde_port_removed(n, ifname);
	record_owner(n, ifname, owner, sizeof(owner), &idx);
	if (strcmp(owner, n->def->name))
		return;
	now = if_nametoindex(ifname);
	if (idx && now && now != idx)	/* ours vanished; this one only has its name */
		log_warn("network %s: %s is not the tap vnet made; left alone", n->def->name,
			 ifname);
	else if (now && tap_destroy(ifname) && if_nametoindex(ifname))
		log_warn("network %s: cannot remove tap %s", n->def->name, ifname);
	else
		log_info("network %s: tap %s removed", n->def->name, ifname);
	record_path(n, ifname, path, sizeof(path));
	unlink(path);
}

void tap_net_stopped(struct network *n)
{
	char path[4096];
	struct dirent *de;
	DIR *d;

	vde_net_stopped(n);
	snprintf(path, sizeof(path), "%s/taps", n->mgr->paths.run_dir);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			tap_port_removed(n, de->d_name);
	closedir(d);
}
