/* SPDX-License-Identifier: GPL-2.0-or-later */
/* <vnet:overlay> (issue 22): a network spanning hosts. vnetd makes the
 * VXLAN device (VNI, this host's VTEP address, UDP 4789, no learning),
 * enslaves it to the network's bridge with neighbour suppression on and
 * learning off, and writes and applies the FRR configuration for BGP EVPN
 * (advertise-all-vni, one iBGP session a peer) with vtysh against the FRR
 * instance of --frr-vty-dir. vnetd never speaks BGP: zebra learns the local
 * MACs/IPs from the bridge and installs the remote ones as fdb entries on
 * the VXLAN device and neighbour entries on the bridge; the bridge forwards
 * to them and answers ARP for them (docs/multi-host.md). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "nl/nl.h"
#include "netmgr.h"
#include "core/core.h"
#include "privsep/privsep.h"

#define VTYSH_TIMEOUT_MS 10000

void network_overlay_ifname(const struct network *n, char *buf, size_t len)
{
	snprintf(buf, len, "vnvx%u", (unsigned)n->def->overlay.vni);
}

static void overlay_mark(const struct network *n, char *buf, size_t len)
{
	snprintf(buf, len, "vnet overlay %s", n->def->name);
}

/* This host's VTEP address: --underlay-local, else the definition's. */
static int local_addr(const struct network *n, struct in_addr *out, char *err, size_t errlen)
{
	const char *opt = n->mgr->paths.underlay_local;

	if (opt && opt[0]) {
		if (inet_pton(AF_INET, opt, out) != 1)
			return ERR("vnetd --underlay-local '%.40s' is not an IPv4 address", opt),
			       -EINVAL;
		return 0;
	}
	*out = n->def->overlay.local;
	if (!out->s_addr)
		return ERR("network %s: <vnet:overlay> needs this host's underlay address: "
			   "vnetd --underlay-local ADDR or <vnet:underlay local>", n->def->name),
		       -EINVAL;
	return 0;
}

static const char *underlay_dev(const struct network *n)
{
	const char *opt = n->mgr->paths.underlay_dev;

	return opt && opt[0] ? opt : n->def->overlay.underlay_dev;
}

static int frr_path(const struct network *n, const char *ext, char *buf, size_t len)
{
	int r = snprintf(buf, len, "%s/frr/%s.%s", n->mgr->paths.state_dir, n->def->name, ext);

	return r < 0 || (size_t)r >= len ? -ENAMETOOLONG : 0;
}

/* The BGP EVPN configuration for this network: one iBGP session a peer
 * (not this host itself), the l2vpn evpn family, every VNI zebra sees. */
static int frr_write(const struct network *n, struct in_addr local, const char *path)
{
	const struct netdef_overlay *o = &n->def->overlay;
	char a[INET_ADDRSTRLEN], tmp[4200];
	FILE *f;
	int ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	inet_ntop(AF_INET, &local, a, sizeof(a));
	fprintf(f, "! written by vnetd for network %s (VNI %u); applied with vtysh -f\n",
		n->def->name, (unsigned)o->vni);
	fprintf(f, "router bgp %u\n bgp router-id %s\n no bgp default ipv4-unicast\n"
		   " timers bgp 3 9\n", (unsigned)o->asn, a);
	for (size_t i = 0; i < o->n_peers; i++) {
		if (o->peers[i].s_addr == local.s_addr)
			continue;
		inet_ntop(AF_INET, &o->peers[i], a, sizeof(a));
		fprintf(f, " neighbor %s remote-as %u\n neighbor %s timers connect 2\n", a,
			(unsigned)o->asn, a);
	}
	fputs(" address-family l2vpn evpn\n", f);
	for (size_t i = 0; i < o->n_peers; i++) {
		if (o->peers[i].s_addr == local.s_addr)
			continue;
		inet_ntop(AF_INET, &o->peers[i], a, sizeof(a));
		fprintf(f, "  neighbor %s activate\n", a);
	}
	fputs("  advertise-all-vni\n exit-address-family\nexit\n", f);
	ok = !ferror(f) && !fflush(f) && !fsync(fileno(f));
	if (fclose(f) || !ok || rename(tmp, path)) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

static void exec_vtysh(const struct network *n, const char *conf, const char *logpath)
{
	const char *vty = n->mgr->paths.frr_vty_dir;
	const char *argv[8];
	int i = 0, fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);

	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	argv[i++] = "vtysh";
	if (vty && vty[0]) {
		argv[i++] = "--vty_socket";
		argv[i++] = vty;
	}
	argv[i++] = "-f";
	argv[i++] = conf;
	argv[i] = NULL;
	execvp(n->mgr->paths.vtysh && n->mgr->paths.vtysh[0] ? n->mgr->paths.vtysh : "vtysh",
	       (char *const *)argv);
	_exit(127);
}

/* vtysh -f CONF, 10 s at most; its output in <state>/frr/NAME.log. */
static int frr_apply(const struct network *n, const char *conf, char *err, size_t errlen)
{
	char logpath[4096];
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int status = 0, waited = 0;
	pid_t pid, r;

	if (frr_path(n, "log", logpath, sizeof(logpath)))
		return ERR("state dir path too long"), -ENAMETOOLONG;
	pid = fork();
	if (pid < 0)
		return ERR("fork: %s", strerror(errno)), -errno;
	if (pid == 0)
		exec_vtysh(n, conf, logpath);
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 && waited < VTYSH_TIMEOUT_MS) {
		nanosleep(&ts, NULL);
		waited += 20;
	}
	if (r == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return ERR("network %s: vtysh did not finish in %d s (see %s)", n->def->name,
			   VTYSH_TIMEOUT_MS / 1000, logpath), -ETIMEDOUT;
	}
	if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return ERR("network %s: vtysh -f %s failed (status %d; is FRR running with its "
			   "vty sockets in %s? see %s)", n->def->name, conf,
			   WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			   n->mgr->paths.frr_vty_dir ? n->mgr->paths.frr_vty_dir : "FRR's default",
			   logpath), -EIO;
	return 0;
}

/* Which bgpd answers: its vty socket's identity (inode, ctime), 0 if none. */
static uint64_t frr_vty_id(const struct network *n)
{
	const char *dir = n->mgr->paths.frr_vty_dir;
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/bgpd.vty", dir && dir[0] ? dir : "/var/run/frr");
	if (stat(path, &st) < 0)
		return 0;
	/* a new socket may get the old one's inode number: its ctime tells */
	return ((uint64_t)st.st_ino << 32) ^ ((uint64_t)st.st_ctim.tv_sec << 20) ^
	       (((uint64_t)st.st_ctim.tv_nsec ^ (uint64_t)st.st_dev) | 1);
}

static int frr_configure(struct network *n, struct in_addr local, char *err, size_t errlen)
{
	char dir[4096], conf[4096];
	int ret;

	snprintf(dir, sizeof(dir), "%s/frr", n->mgr->paths.state_dir);
	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		return ERR("cannot create %s: %s", dir, strerror(errno)), -errno;
	if (frr_path(n, "conf", conf, sizeof(conf)))
		return ERR("state dir path too long"), -ENAMETOOLONG;
	ret = frr_write(n, local, conf);
	if (ret)
		return ERR("cannot write %s: %s", conf, strerror(-ret)), ret;
	n->frr_vty_id = frr_vty_id(n);
	ret = frr_apply(n, conf, err, errlen);
	if (ret)
		n->frr_vty_id = 0;
	return ret;
}

void network_overlay_reconcile(struct network *n)
{
	struct in_addr local;
	uint64_t id;
	char err[512];

	if (!n->def->overlay.enabled)
		return;
	id = frr_vty_id(n);
	if (!id || id == n->frr_vty_id || local_addr(n, &local, err, sizeof(err)))
		return;
	if (frr_configure(n, local, err, sizeof(err)))
		log_warn("network %s: FRR restarted; configuring it again failed: %s", n->def->name,
			 err);
	else
		log_info("network %s: FRR restarted: its BGP EVPN configuration applied again",
			 n->def->name);
}

/* The VXLAN device: made and marked, or ours from a previous run (a
 * restarted vnetd); a device of that name vnet did not make is refused. */
static int vxlan_claim(struct network *n, struct in_addr local, char *err, size_t errlen)
{
	char name[16], mark[NL_MARK_MAX];
	int ret;

	network_overlay_ifname(n, name, sizeof(name));
	overlay_mark(n, mark, sizeof(mark));
	ret = nl_vxlan_create(name, n->def->overlay.vni, local, underlay_dev(n), 0, mark);
	if (ret == -EEXIST && nl_link_has_mark(name, mark))
		return 0;
	if (ret == -EEXIST)
		return ERR("network %s: %s exists and is not the VXLAN device vnet made for it "
			   "(another network with VNI %u?)", n->def->name, name,
			   (unsigned)n->def->overlay.vni), ret;
	if (ret)
		return ERR("network %s: cannot create VXLAN device %s (VNI %u, local %s): %s",
			   n->def->name, name, (unsigned)n->def->overlay.vni, inet_ntoa(local),
			   nl_strerror(ret)), ret;
	return 0;
}

/* Before anything is made: this host's VTEP address is known, and the DHCP
 * service will serve only this host's slice of the ranges: the rank of
 * this host among the peers (every host lists them all). A host that is
 * not among the peers (a route reflector setup) serves no range, only
 * <host> reservations: never an address another host may lease. */
int network_overlay_prepare(struct network *n, char *err, size_t errlen)
{
	struct in_addr local;
	unsigned idx = 1, cnt = 1;
	int ret;

	if (!n->def->overlay.enabled) {
		privsep_set_dhcp_slice(n->id, 0, 0);
		return 0;
	}
	ret = local_addr(n, &local, err, errlen);
	if (ret)
		return ret;
	if (netdef_overlay_host_index(n->def, local, &idx, &cnt) && n->def->n_ranges)
		log_warn("network %s: this host (%s) is not among the <vnet:peer>s: its DHCP "
			 "serves no range (reservations only)", n->def->name, inet_ntoa(local));
	privsep_set_dhcp_slice(n->id, idx, cnt);
	return 0;
}

int network_overlay_start(struct network *n, char *err, size_t errlen)
{
	char name[16];
	struct in_addr local;
	int ret;

	if (!n->def->overlay.enabled)
		return 0;
	if ((ret = local_addr(n, &local, err, errlen)) || (ret = vxlan_claim(n, local, err, errlen)))
		return ret;
	network_overlay_ifname(n, name, sizeof(name));
	if ((ret = nl_link_set_master(name, n->def->bridge)) || (ret = nl_brport_set_overlay(name)) ||
	    (ret = nl_link_set_up(name, 1)))
		return ERR("network %s: cannot attach %s to %s: %s", n->def->name, name,
			   n->def->bridge, nl_strerror(ret)), ret;
	ret = frr_configure(n, local, err, errlen);
	if (ret)
		return ret;
	/* names across hosts: the other hosts' proxies ask this one (overlay_evpn.c) */
	if (dns_proxy_peer_listen(n->dns, local, err, errlen))
		log_warn("network %s: the other hosts cannot ask this one for names: %s",
			 n->def->name, err);
	err[0] = '\0';
	log_info("network %s: overlay VNI %u on %s, VTEP %s", n->def->name,
		 (unsigned)n->def->overlay.vni, name, inet_ntoa(local));
	return 0;
}

struct fdb_view {
	struct in_addr vteps[NETDEF_MAX_OVERLAY_PEERS];
	size_t n_vteps;
	unsigned macs;
};

static void fdb_seen(const uint8_t mac[6], struct in_addr dst, unsigned flags, void *ctx)
{
	static const uint8_t zero[6];
	struct fdb_view *v = ctx;
	size_t i;

	(void)flags;
	if (!dst.s_addr)
		return;
	if (memcmp(mac, zero, 6))
		v->macs++;
	for (i = 0; i < v->n_vteps && v->vteps[i].s_addr != dst.s_addr; i++)
		;
	if (i == v->n_vteps && v->n_vteps < NETDEF_MAX_OVERLAY_PEERS)
		v->vteps[v->n_vteps++] = dst;
}

int network_overlay_counts(const struct network *n, unsigned *vteps, unsigned *macs)
{
	struct fdb_view v = { 0 };
	char name[16];
	int ret;

	if (!n->def->overlay.enabled || n->state != NETWORK_ACTIVE)
		return -ENOENT;
	network_overlay_ifname(n, name, sizeof(name));
	ret = nl_fdb_each(name, fdb_seen, &v);
	if (ret)
		return ret;
	*vteps = (unsigned)v.n_vteps;
	*macs = v.macs;
	return 0;
}

/* net-info: the VNI, its device, this host's VTEP, and what zebra installed
 * on the device: the remote VTEPs (flood list and MACs) and remote MACs. */
void network_overlay_info(struct json_object *o, const struct network *n)
{
	const struct netdef_overlay *ov = &n->def->overlay;
	char name[16], line[NETDEF_MAX_OVERLAY_PEERS * (INET_ADDRSTRLEN + 1) + 64];
	struct fdb_view v = { 0 };
	struct in_addr local = { 0 };
	char err[8];
	size_t len = 0;

	if (!ov->enabled)
		return;
	network_overlay_ifname(n, name, sizeof(name));
	local_addr(n, &local, err, sizeof(err));
	snprintf(line, sizeof(line), "VNI %u on %s, VTEP %s, AS %u, NAT distributed",
		 (unsigned)ov->vni, name, local.s_addr ? inet_ntoa(local) : "not set",
		 (unsigned)ov->asn);
	json_object_object_add(o, "overlay", json_object_new_string(line));
	if (n->state != NETWORK_ACTIVE || nl_fdb_each(name, fdb_seen, &v))
		return;
	line[0] = '\0';
	for (size_t i = 0; i < v.n_vteps && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", i ? " " : "",
					inet_ntoa(v.vteps[i]));
	json_object_object_add(o, "remote_vteps", json_object_new_string(len ? line : "none"));
	json_object_object_add(o, "remote_macs", json_object_new_int((int)v.macs));
	/* the guests (MAC + address) vnetd knows from EVPN at its last look */
	json_object_object_add(o, "remote_guests",
			       json_object_new_int((int)network_evpn_remote_guests(n)));
}

/* The VXLAN device goes (if it is ours): zebra withdraws this host's
 * routes for the VNI and forgets the remote ones. FRR's BGP sessions stay. */
void network_overlay_stop(struct network *n)
{
	char name[16], mark[NL_MARK_MAX];

	if (!n->def->overlay.enabled)
		return;
	network_overlay_fdb_stop(n);	/* the data path's mirror of remote MACs */
	network_evpn_free(n);
	network_overlay_ifname(n, name, sizeof(name));
	overlay_mark(n, mark, sizeof(mark));
	if (nl_link_has_mark(name, mark))
		nl_link_delete(name);
}
