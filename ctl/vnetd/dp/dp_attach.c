// SPDX-License-Identifier: GPL-2.0-or-later
/* Attaching the programs so that they outlive the daemon and are replaced
 * atomically: tc cls_bpf filters (persist by themselves, replaced with
 * BPF_TC_F_REPLACE at a fixed handle/priority) and XDP bpf_links pinned
 * under the pin dir (replaced with bpf_link__update_program). Never
 * detach-then-attach. */
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
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

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

static int tc_attach(int ifindex, enum bpf_tc_attach_point where, int prog_fd)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = where);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = DP_TC_HANDLE, .priority = DP_TC_PRIO,
			    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	int r = bpf_tc_hook_create(&hook);

	if (r && r != -EEXIST)
		return r;
	return bpf_tc_attach(&hook, &o);
}

static int tc_detach(int ifindex, enum bpf_tc_attach_point where)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = where);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = DP_TC_HANDLE, .priority = DP_TC_PRIO);

	return bpf_tc_detach(&hook, &o);
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
	link = bpf_link__open(path);
	if (link) {
		r = bpf_link__update_program(link, prog);
		bpf_link__destroy(link);	/* closes our fd; the pin keeps it */
		return r;
	}
	if (flags) {
		fd = bpf_link_create(bpf_program__fd(prog), ifindex, BPF_XDP, &lo);
		if (fd < 0)
			return -errno;
		r = bpf_obj_pin(fd, path) ? -errno : 0;
		close(fd);	/* unpinned: closing it detaches */
		return r;
	}
	link = bpf_program__attach_xdp(prog, ifindex);
	if (!link)
		return -errno;
	r = bpf_link__pin(link, path);
	if (r)
		bpf_link__detach(link);
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
	link = bpf_link__open(path);
	if (!link)
		return -ENOENT;
	bpf_link__detach(link);
	bpf_link__unpin(link);
	bpf_link__destroy(link);
	return 0;
}

/* xdp-veth port: the tc program first (what XDP passes continues there),
 * then the xdp.frags program, then the devmap entry (a veth is an XDP
 * redirect target only with this hook; dp_config adds other devices). */
static int xdp_veth_attach(struct datapath *dp, int ifindex, int uplink)
{
	struct vnet *s = dp->skel;
	int r;

	r = tc_attach(ifindex, BPF_TC_INGRESS, bpf_program__fd(uplink ?
		      s->progs.vnet_uplink_tc : s->progs.vnet_port_tc));
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
		r = tc_attach(ifindex, BPF_TC_INGRESS, bpf_program__fd(uplink ?
			      s->progs.vnet_uplink_tc : s->progs.vnet_port_tc));
	}
	if (!r && uplink)
		r = tc_attach(ifindex, BPF_TC_EGRESS, bpf_program__fd(s->progs.vnet_uplink_guard));
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
		r = tc_detach(ifindex, BPF_TC_INGRESS);
	if (hook == VNET_HOOK_XDP_VETH && !uplink)
		xdp_detach(pin_dir, ifindex);
	if (uplink)
		tc_detach(ifindex, BPF_TC_EGRESS);
	return r;
}

/* The port's egress program (vnet_port_qos): its ingress ACL for what the
 * kernel delivers (bpf/lib/acl.h), then pacing (bpf/lib/qos.h; dp_qos.c
 * puts the fq qdisc there). Attached while either needs it. */
int dp_attach_qos(struct datapath *dp, int ifindex)
{
	return tc_attach(ifindex, BPF_TC_EGRESS, bpf_program__fd(dp->skel->progs.vnet_port_qos));
}

int dp_detach_qos(struct datapath *dp, int ifindex)
{
	struct vnet_acl_port ap;
	__u32 k = (__u32)ifindex;

	if (bpf_map_lookup_elem(DP_MAP_FD(dp, acl_port_map), &k, &ap) == 0 && ap.in_t)
		return 0;	/* still judges the port's ingress ACL */
	return tc_detach(ifindex, BPF_TC_EGRESS);
}

/* The bridge program (bpf/lib/host.h) on a network's bridge device: tc
 * ingress, which sees what the bridge hands up to the host's stack. */
int dp_attach_bridge(struct datapath *dp, int ifindex, char *err, size_t errlen)
{
	int r = tc_attach(ifindex, BPF_TC_INGRESS, bpf_program__fd(dp->skel->progs.vnet_bridge_tc));

	if (r)
		dp_err(err, errlen, "attach the bridge program to ifindex %d: %s", ifindex,
		       strerror(-r));
	return r;
}

int dp_detach_bridge(int ifindex)
{
	return tc_detach(ifindex, BPF_TC_INGRESS);
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
		tc_detach(ifindex, BPF_TC_INGRESS);
}
