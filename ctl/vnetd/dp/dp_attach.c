// SPDX-License-Identifier: GPL-2.0-or-later
/* Attaching the programs so that they outlive the daemon and are replaced
 * atomically: tcx bpf_links (a cls_bpf filter on a clsact qdisc where the
 * kernel has no tcx) and XDP bpf_links, the links pinned under the pin dir
 * (replaced with bpf_link__update_program). Never detach-then-attach. */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_sched.h>
#include <netlink/netlink.h>
#include <netlink/route/classifier.h>

#include "core/core.h"
#include "dp_priv.h"
#include "util/util.h"
#include "vnet.skel.h"

/* Device kind from the driver name (ETHTOOL_GDRVINFO). */
int dp_dev_kind(int ifindex)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	int fd, kind = VNET_KIND_OTHER;

	if (!if_indextoname(ifindex, ifr.ifr_name))
		return -ENODEV;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0) {
		if (!strcmp(info.driver, "veth"))
			kind = VNET_KIND_VETH;
		else if (!strcmp(info.driver, "tun"))
			kind = VNET_KIND_TAP;
	}
	close(fd);
	return kind;
}

static struct dp_config config = DP_CONFIG_DEFAULT;

void dp_configure(const struct dp_config *c)
{
	config = *c;
	if (config.ct_max < 64 || config.ct_max > (1UL << 24))
		config.ct_max = VNET_MAX_CT;
}

unsigned long dp_config_ct_max(void)
{
	return config.ct_max;
}

/* Hook per device type (docs/datapath.md): tc everywhere by default. A
 * veth must not be an XDP redirect target (its peer drops the frames
 * unless it runs XDP or GRO) and loses TSO under a non-frags XDP program;
 * an XDP tap or NIC could redirect only to non-veth devices, so with a
 * veth uplink or veth ports its NAT and fast path would fall back to the
 * kernel. The xdp policy selects XDP for non-veth ports (taps, NICs), for
 * hosts whose uplink and ports are all such devices. xdp-veth (opt-in):
 * the operator says every veth peer has GRO on (or runs XDP), so veths
 * take XDP frames: veth ports get an xdp.frags program in front of the tc
 * one, a veth uplink stays on tc but becomes an XDP redirect target; other
 * devices keep tc. xdp-force is for measurements only. */
int dp_hook_for(int kind, int uplink)
{
	if (config.hook_policy == DP_POLICY_XDP_VETH && kind == VNET_KIND_VETH)
		return VNET_HOOK_XDP_VETH;
	if (config.hook_policy == DP_POLICY_XDP && !uplink && kind != VNET_KIND_VETH)
		return VNET_HOOK_XDP;
	if (config.hook_policy == DP_POLICY_XDP_FORCE && !uplink)
		return VNET_HOOK_XDP;
	return VNET_HOOK_TC;
}

/* port-add --hook: auto is dp_hook_for; xdp on a veth is the xdp-veth
 * hook (the operator vouches for the guest's GRO), elsewhere plain XDP. */
int dp_port_hook(int kind, int choice)
{
	if (choice == DP_HOOK_TC)
		return VNET_HOOK_TC;
	if (choice == DP_HOOK_XDP)
		return kind == VNET_KIND_VETH ? VNET_HOOK_XDP_VETH : VNET_HOOK_XDP;
	return dp_hook_for(kind, 0);
}

const char *dp_hook_name(int hook)
{
	return hook == VNET_HOOK_XDP ? "xdp" : hook == VNET_HOOK_XDP_VETH ? "xdp-veth" : "tc";
}

/* The tc hook, one per direction: a tcx bpf_link (Linux 6.6+: no qdisc,
 * so adding a port no longer creates a clsact qdisc, whose creation walks
 * every tc block on the host for indirect offload), pinned as
 * link_tcx_{in,eg}_<ifindex> under the pin dir (it outlives vnetd, is
 * replaced in place with bpf_link__update_program), or, on a kernel
 * without tcx or with VNET_TC_LINK=clsact, a cls_bpf filter on a clsact
 * qdisc at a fixed handle/priority (replaced with BPF_TC_F_REPLACE), as
 * every vnetd before issue 21.2 attached. */
static int clsact_attach(int ifindex, enum bpf_tc_attach_point where, int prog_fd)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = where);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = DP_TC_HANDLE, .priority = DP_TC_PRIO,
			    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	int r = bpf_tc_hook_create(&hook);

	if (r && r != -EEXIST)
		return r;
	return bpf_tc_attach(&hook, &o);
}

static int clsact_detach(int ifindex, enum bpf_tc_attach_point where)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = where);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = DP_TC_HANDLE, .priority = DP_TC_PRIO);

	return bpf_tc_detach(&hook, &o);
}

/* The filters on the device's clsact qdisc, both directions (a libnl
 * dump: no qdisc, no filters, and no libbpf error message): is vnet's on
 * this hook (its fixed handle/priority, as clsact_detach deletes it), and
 * how many others are there (anyone's, vnet's on the other direction
 * included)? The dump lists each priority's header (handle 0) and then its
 * filters. This hook is dumped first: without vnet's filter on it (every
 * start on links, every port-add) the other direction is not needed.
 * -errno when that cannot be told. */
static int clsact_filters(int ifindex, enum bpf_tc_attach_point where, int *ret_mine)
{
	const __u32 parent[2] = { TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
				  TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS) };
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *c;
	int n = 0;

	*ret_mine = 0;
	if (!sk)
		return -ENOMEM;
	if (nl_connect(sk, NETLINK_ROUTE))
		n = -EIO;
	for (int k = 0, i = where == BPF_TC_EGRESS; k < 2 && n >= 0; k++, i = !i) {
		if (k && !*ret_mine)
			break;
		if (rtnl_cls_alloc_cache(sk, ifindex, parent[i], &c) < 0) {
			n = -EIO;	/* libnl's NLE_* codes are not errnos */
			break;
		}
		for (struct nl_object *o = nl_cache_get_first(c); o; o = nl_cache_get_next(o)) {
			__u32 h = rtnl_tc_get_handle(TC_CAST(o));
			int vnet = rtnl_cls_get_prio((struct rtnl_cls *)o) == DP_TC_PRIO &&
				   (h == 0 || h == DP_TC_HANDLE);

			if (vnet && h && i == (where == BPF_TC_EGRESS))
				*ret_mine = 1;
			else if (!vnet || h)
				n++;
		}
		nl_cache_free(c);
	}
	nl_socket_free(sk);
	return n;
}

/* The device's clsact qdisc. A filter request running at the same moment
 * (`tc filter show`, tc_progs' query: cls_bpf's run without the RTNL)
 * holds a reference to the qdisc, and the kernel refuses its deletion
 * with EBUSY then (qdisc_graft): retried for up to ~50 ms. */
static void clsact_destroy(int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, qdisc, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	const struct timespec ms = { .tv_nsec = 1000000 };
	int r, tries = 50;

	while ((r = bpf_tc_hook_destroy(&qdisc)) == -EBUSY && --tries)
		nanosleep(&ms, NULL);
	if (r)
		log_debug("datapath: ifindex %d: its empty clsact qdisc stays: %s", ifindex,
			  strerror(-r));
}

/* vnet's filter on this hook, and the clsact qdisc with it when that was
 * the qdisc's last filter in either direction: never while another tool's
 * filter (or vnet's on the other direction) is on it. 0: vnet's filter
 * went; -ENOENT: there was none. */
static int clsact_remove(int ifindex, enum bpf_tc_attach_point where)
{
	int mine, others = clsact_filters(ifindex, where, &mine);
	int r;

	if (others < 0)
		return clsact_detach(ifindex, where);
	if (!mine)
		return -ENOENT;
	r = clsact_detach(ifindex, where);
	if (!r && !others)
		clsact_destroy(ifindex);
	return r;
}

/* Linux 6.6's uapi, which this build's headers (libbpf 1.1) predate: the
 * tcx attach types, the link type, and the link's ifindex (0 once its
 * device is gone), the first field of bpf_link_info's union as xdp's is. */
#define TCX_INGRESS ((enum bpf_attach_type)46)	/* BPF_TCX_INGRESS */
#define TCX_EGRESS ((enum bpf_attach_type)47)	/* BPF_TCX_EGRESS */
#define TCX_LINK_TYPE 11			/* BPF_LINK_TYPE_TCX */
#define TCX_LINK_IFINDEX(info) ((info).xdp.ifindex)

static void tcx_link_path(const char *pin_dir, int ifindex, enum bpf_tc_attach_point where,
			  char *buf, size_t len)
{
	snprintf(buf, len, "%s/link_tcx_%s_%d", pin_dir, where == BPF_TC_INGRESS ? "in" : "eg",
		 ifindex);
}

/* The pinned link at path, or NULL; a link whose device is gone (the pin
 * outlived it) is unpinned and NULL returned. */
static struct bpf_link *tcx_link_open(const char *path)
{
	struct bpf_link_info info = { 0 };
	__u32 len = sizeof(info);
	struct bpf_link *link = bpf_link__open(path);

	if (!link)
		return NULL;
	if (bpf_obj_get_info_by_fd(bpf_link__fd(link), &info, &len) == 0 &&
	    info.type == TCX_LINK_TYPE && TCX_LINK_IFINDEX(info))
		return link;
	bpf_link__unpin(link);
	bpf_link__destroy(link);
	dp_link_drop(path);
	return NULL;
}

/* A pinned link found at path runs prog from now on (in place, no gap);
 * vnetd holds it (dp_link_hold). */
static int link_update(const char *path, struct bpf_link *link, struct bpf_program *prog)
{
	int r = bpf_link__update_program(link, prog);

	if (!r)
		dp_link_hold(path, bpf_link__fd(link));
	bpf_link__destroy(link);	/* closes this fd; the pin keeps it */
	return r;
}

/* Link creation as on this kernel, or (VNET_TEST_NO_TCX, test builds)
 * refused as by a kernel before 6.6, which has no tcx attach types. */
static int tcx_link_create(int prog_fd, int ifindex, enum bpf_tc_attach_point where)
{
	if (test_hook(TEST_HOOK_NO_TCX)) {
		errno = EINVAL;
		return -1;
	}
	return bpf_link_create(prog_fd, ifindex, where == BPF_TC_INGRESS ? TCX_INGRESS : TCX_EGRESS,
			       NULL);
}

/* A new link, pinned; then an older vnetd's clsact filter goes: the link
 * runs first from the moment it exists and none of vnet's programs
 * returns TC_ACT_UNSPEC (TCX_NEXT), so the filter behind it sees nothing
 * and there is no gap. A pinned link found (a restart) is updated, and a
 * filter of vnet's still behind it (a crash between the two steps) goes
 * then. Either way the emptied clsact qdisc goes (clsact_remove).
 * 1: no tcx in this kernel (or not wanted). */
static int tcx_attach(const char *pin_dir, int ifindex, enum bpf_tc_attach_point where,
		      struct bpf_program *prog)
{
	static int no_tcx;
	char path[PATH_MAX];
	struct bpf_link *link;
	int r, fd;

	tcx_link_path(pin_dir, ifindex, where, path, sizeof(path));
	dp_link_restore(path);
	link = tcx_link_open(path);
	if (link) {
		r = link_update(path, link, prog);
		if (!r)
			clsact_remove(ifindex, where);
		return r;
	}
	if (no_tcx || config.tc_link == DP_TC_LINK_CLSACT)
		return 1;
	fd = tcx_link_create(bpf_program__fd(prog), ifindex, where);
	if (fd < 0) {
		r = -errno;
		if (r != -EINVAL && r != -EOPNOTSUPP)
			return r;
		log_info("datapath: no tcx links in this kernel (%s): clsact filters",
			 strerror(-r));
		no_tcx = 1;
		return 1;
	}
	r = bpf_obj_pin(fd, path) ? -errno : 0;
	if (!r)
		dp_link_hold(path, fd);
	close(fd);	/* unpinned: closing it detaches */
	if (!r)
		clsact_remove(ifindex, where);
	return r;
}

static int tc_attach(const char *pin_dir, int ifindex, enum bpf_tc_attach_point where,
		     struct bpf_program *prog)
{
	int r = tcx_attach(pin_dir, ifindex, where, prog);

	return r == 1 ? clsact_attach(ifindex, where, bpf_program__fd(prog)) : r;
}

/* The link and, from an older vnetd or the fallback, the filter. */
static int tc_detach(const char *pin_dir, int ifindex, enum bpf_tc_attach_point where)
{
	char path[PATH_MAX];
	struct bpf_link *link;
	int r;

	tcx_link_path(pin_dir, ifindex, where, path, sizeof(path));
	dp_link_restore(path);
	link = tcx_link_open(path);
	if (link) {
		bpf_link__detach(link);
		bpf_link__unpin(link);
		bpf_link__destroy(link);
		dp_link_drop(path);
	}
	r = clsact_remove(ifindex, where);
	return link ? 0 : r;
}

/* A device that vanished: its link pins (defunct, tcx_link_open removes
 * them; a live link on a device that reuses the ifindex stays). */
void dp_tc_unpin_stale(const char *pin_dir, int ifindex)
{
	enum bpf_tc_attach_point w[2] = { BPF_TC_INGRESS, BPF_TC_EGRESS };
	char path[PATH_MAX];

	for (int i = 0; i < 2; i++) {
		tcx_link_path(pin_dir, ifindex, w[i], path, sizeof(path));
		bpf_link__destroy(tcx_link_open(path));
	}
}

static void xdp_link_path(const char *pin_dir, int ifindex, char *buf, size_t len)
{
	snprintf(buf, len, "%s/link_xdp_%d", pin_dir, ifindex);
}

/* flags: XDP_FLAGS_DRV_MODE for native mode only (the uplink); 0 lets the
 * kernel pick (native where the driver has it, else generic). */
static int xdp_attach_flags(const char *pin_dir, int ifindex, struct bpf_program *prog,
			    __u32 flags)
{
	DECLARE_LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = flags);
	char path[PATH_MAX];
	struct bpf_link *link;
	int r, fd;

	xdp_link_path(pin_dir, ifindex, path, sizeof(path));
	dp_link_restore(path);
	link = bpf_link__open(path);
	if (link)
		return link_update(path, link, prog);
	if (flags) {
		fd = bpf_link_create(bpf_program__fd(prog), ifindex, BPF_XDP, &lo);
		if (fd < 0)
			return -errno;
		r = bpf_obj_pin(fd, path) ? -errno : 0;
		if (!r)
			dp_link_hold(path, fd);
		close(fd);	/* unpinned: closing it detaches */
		return r;
	}
	link = bpf_program__attach_xdp(prog, ifindex);
	if (!link)
		return -errno;
	r = bpf_link__pin(link, path);
	if (r)
		bpf_link__detach(link);
	else
		dp_link_hold(path, bpf_link__fd(link));
	bpf_link__destroy(link);
	return r;
}

static int xdp_attach(const char *pin_dir, int ifindex, struct bpf_program *prog)
{
	return xdp_attach_flags(pin_dir, ifindex, prog, 0);
}

static int xdp_detach(const char *pin_dir, int ifindex)
{
	char path[PATH_MAX];
	struct bpf_link *link;

	xdp_link_path(pin_dir, ifindex, path, sizeof(path));
	dp_link_restore(path);
	link = bpf_link__open(path);
	if (!link)
		return -ENOENT;
	bpf_link__detach(link);
	bpf_link__unpin(link);
	bpf_link__destroy(link);
	dp_link_drop(path);
	return 0;
}

/* xdp-veth port: the tc program first (what XDP passes continues there),
 * then the xdp.frags program, then the devmap entry (a veth is an XDP
 * redirect target only with this hook; dp_config adds other devices). */
static int xdp_veth_attach(struct datapath *dp, int ifindex, int uplink)
{
	struct vnet *s = dp->skel;
	int r;

	r = tc_attach(dp->pin_dir, ifindex, BPF_TC_INGRESS,
		      uplink ? s->progs.vnet_uplink_tc : s->progs.vnet_port_tc);
	if (!r && !uplink)
		r = xdp_attach(dp->pin_dir, ifindex, s->progs.vnet_port_xdpf);
	if (!r)
		dp_tx_port(dp, ifindex, 1);
	return r;
}

/* The devmap of XDP redirect targets (tx_ports), its one writer: not
 * pinned, so dp_open refills it. */
void dp_tx_port(struct datapath *dp, __u32 ifindex, int on)
{
	int fd = DP_MAP_FD(dp, tx_ports);

	if (on)
		bpf_map_update_elem(fd, &ifindex, &ifindex, BPF_ANY);
	else
		bpf_map_delete_elem(fd, &ifindex);
}

/* The uplink's XDP program (bpf/lib/uplink_xdp.h), in front of its tc
 * program (attached first: what XDP hands on continues there). Native
 * mode only: generic XDP would run on an skb already built, after GRO,
 * slower than tc. A driver without native XDP (or one that refuses it)
 * leaves the uplink on tc alone. */
int dp_uplink_xdp_set(struct datapath *dp, int ifindex, int kind)
{
	int want = config.uplink_xdp == DP_UPXDP_ON ||
		   (config.uplink_xdp == DP_UPXDP_AUTO && kind != VNET_KIND_VETH);
	int r;

	if (!want) {
		xdp_detach(dp->pin_dir, ifindex);
		return 0;
	}
	r = xdp_attach_flags(dp->pin_dir, ifindex, dp->skel->progs.vnet_uplink_xdp,
			     XDP_FLAGS_DRV_MODE);
	if (r) {
		char name[IF_NAMESIZE] = "";

		if_indextoname(ifindex, name);
		log_info("datapath: uplink %s: no native XDP (%s): tc only", name, strerror(-r));
		return 0;
	}
	return 1;
}

/* Attach (or atomically replace) the port or uplink program. */
int dp_attach_port(struct datapath *dp, int ifindex, int hook, int uplink, char *err,
		   size_t errlen)
{
	struct vnet *s = dp->skel;
	int r;

	if (hook == VNET_HOOK_XDP_VETH) {
		r = xdp_veth_attach(dp, ifindex, uplink);
	} else if (hook == VNET_HOOK_XDP) {
		/* uplinks are never XDP (dp_hook_for): replies go into veth
		 * ports, and the egress guard needs tc anyway */
		r = xdp_attach(dp->pin_dir, ifindex, s->progs.vnet_port_xdp);
	} else {
		r = tc_attach(dp->pin_dir, ifindex, BPF_TC_INGRESS,
			      uplink ? s->progs.vnet_uplink_tc : s->progs.vnet_port_tc);
	}
	if (!r && uplink)
		r = tc_attach(dp->pin_dir, ifindex, BPF_TC_EGRESS, s->progs.vnet_uplink_guard);
	if (r)
		dp_err(err, errlen, "attach %s program to ifindex %d: %s",
		       hook == VNET_HOOK_XDP ? "XDP" : hook == VNET_HOOK_XDP_VETH ? "XDP+tc" : "tc",
		       ifindex, strerror(-r));
	return r;
}

int dp_detach(const char *pin_dir, int ifindex, int hook, int uplink)
{
	int r;

	if (uplink)	/* its XDP program first: what it passes needs tc */
		xdp_detach(pin_dir, ifindex);
	if (hook == VNET_HOOK_XDP)
		r = xdp_detach(pin_dir, ifindex);
	else
		r = tc_detach(pin_dir, ifindex, BPF_TC_INGRESS);
	if (hook == VNET_HOOK_XDP_VETH && !uplink)
		xdp_detach(pin_dir, ifindex);
	if (uplink)
		tc_detach(pin_dir, ifindex, BPF_TC_EGRESS);
	return r;
}

/* The port's egress program (vnet_port_qos): its ingress ACL for what the
 * kernel delivers (bpf/lib/acl.h), then pacing (bpf/lib/qos.h; dp_qos.c
 * puts the fq qdisc there). Attached while either needs it. */
int dp_attach_qos(struct datapath *dp, int ifindex)
{
	return tc_attach(dp->pin_dir, ifindex, BPF_TC_EGRESS, dp->skel->progs.vnet_port_qos);
}

int dp_detach_qos(struct datapath *dp, int ifindex)
{
	struct vnet_acl_port ap;
	__u32 k = (__u32)ifindex;

	if (bpf_map_lookup_elem(DP_MAP_FD(dp, acl_port_map), &k, &ap) == 0 && ap.in_t)
		return 0;	/* still judges the port's ingress ACL */
	return tc_detach(dp->pin_dir, ifindex, BPF_TC_EGRESS);
}

/* The bridge program (bpf/lib/host.h) on a network's bridge device: tc
 * ingress, which sees what the bridge hands up to the host's stack. */
int dp_attach_bridge(struct datapath *dp, int ifindex, char *err, size_t errlen)
{
	int r = tc_attach(dp->pin_dir, ifindex, BPF_TC_INGRESS, dp->skel->progs.vnet_bridge_tc);

	if (r)
		dp_err(err, errlen, "attach the bridge program to ifindex %d: %s", ifindex,
		       strerror(-r));
	return r;
}

int dp_detach_bridge(const char *pin_dir, int ifindex)
{
	return tc_detach(pin_dir, ifindex, BPF_TC_INGRESS);
}

/* A port moving from hook `from` to `to` (a changed --hook or
 * VNET_DP_HOOK across a restart): remove what `to` does not use before
 * attaching it. */
void dp_hook_switch(struct datapath *dp, int ifindex, int from, int to)
{
	int xdp_from = from == VNET_HOOK_XDP || from == VNET_HOOK_XDP_VETH;
	int xdp_to = to == VNET_HOOK_XDP || to == VNET_HOOK_XDP_VETH;

	if (from == to)
		return;
	if (xdp_from && !xdp_to)
		xdp_detach(dp->pin_dir, ifindex);
	if (from == VNET_HOOK_XDP_VETH)	/* a veth: no longer a redirect target */
		dp_tx_port(dp, ifindex, 0);
	if (from != VNET_HOOK_XDP && to == VNET_HOOK_XDP)
		tc_detach(dp->pin_dir, ifindex, BPF_TC_INGRESS);
}
