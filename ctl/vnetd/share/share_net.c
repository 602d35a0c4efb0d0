/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shares and networks: unshare (refused while a bridge-mode network runs
 * on the bridge), moving NAT/route networks' uplink between the NIC and
 * the bridge that took over its addresses and routes, and the bridge-mode
 * network hooks used by network.c. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "nl/nl.h"
#include "netmgr/netmgr.h"
#include "share.h"
#include "share_priv.h"
#include "core/core.h"


static int uplink_used(struct netmgr *m, int ifindex)
{
	for (size_t i = 0; i < m->n_nets; i++)
		if (m->nets[i]->state == NETWORK_ACTIVE && m->nets[i]->uplink_ifindex == ifindex)
			return 1;
	return 0;
}

/* The network's uplink is now `to`: network_setup_datapath writes it as
 * at start (in place: conntrack kept; forwards re-added, forwarding on).
 * On failure the old uplink stays recorded. */
static int set_uplink(struct network *n, const char *to, char *err, size_t errlen)
{
	char old[sizeof(n->uplink)];
	int old_idx = n->uplink_ifindex, ret;

	snprintf(old, sizeof(old), "%s", n->uplink);
	snprintf(n->uplink, sizeof(n->uplink), "%s", to);
	n->uplink_ifindex = if_nametoindex(to);
	ret = network_setup_datapath(n, err, errlen);
	if (ret) {
		snprintf(n->uplink, sizeof(n->uplink), "%s", old);
		n->uplink_ifindex = old_idx;
	}
	return ret;
}

/* Networks whose uplink was `from` now reach the outside through `to`
 * (the host's addresses and routes moved there). */
void share_rehome(struct netmgr *m, int fidx, const char *to)
{
	char err[256];
	char from[IF_NAMESIZE] = "?";

	if_indextoname(fidx, from);
	for (size_t i = 0; fidx && i < m->n_nets; i++) {
		struct network *n = m->nets[i];

		if (n->state != NETWORK_ACTIVE || n->uplink_ifindex != fidx || n->def->mode == NETDEF_MODE_BRIDGE)
			continue;
		if (set_uplink(n, to, err, sizeof(err)))
			log_warn("network %s: cannot move its uplink to %s: %s", n->def->name, to, err);
		else
			log_info("network %s: uplink %s -> %s", n->def->name, from, to);
	}
	if (fidx && !uplink_used(m, fidx))
		dp_uplink_del(m->dp, fidx);
}

static int bridge_in_use(struct netmgr *m, const char *bridge, char *err, size_t errlen)
{
	for (size_t i = 0; i < m->n_nets; i++) {
		struct network *n = m->nets[i];

		if (n->state == NETWORK_ACTIVE && n->def->mode == NETDEF_MODE_BRIDGE &&
		    !strcmp(n->def->bridge, bridge))
			return ERR("unshare: network %s runs on %s; stop it first", n->def->name,
				   bridge), -EBUSY;
	}
	return 0;
}

int unshare_iface(struct netmgr *m, const char *nic, char *err, size_t errlen)
{
	struct share_ctx c = { .state_dir = m->paths.state_dir, .err = err, .errlen = errlen };
	struct json_object *rec;
	char why[400];
	int r = share_record_read(c.state_dir, nic, &rec);

	if (r)
		return ERR("%s is not shared", nic), r == -ENOENT ? -ENOENT : r;
	snprintf(c.nic, sizeof(c.nic), "%s", nic);
	snprintf(c.bridge, sizeof(c.bridge), "%s", snap_str(rec, "bridge"));
	json_object_object_get_ex(rec, "snapshot", &c.snap);
	r = bridge_in_use(m, c.bridge, err, errlen);
	if (!r && share_sock_open(&c.sk))
		r = -EIO, ERR("cannot open a netlink socket");
	if (!r && (r = share_record_write(&c, "unsharing")))
		ERR("cannot record the unshare of %s: %s", nic, strerror(-r));
	if (!r) {
		int br_idx = if_nametoindex(c.bridge);

		r = share_undo(&c, why, sizeof(why));
		share_rehome(m, br_idx, nic);
		if (r)
			ERR("unshare %s: %s", nic, why);
		share_record_remove(c.state_dir, nic);
		log_info("unshared %s%s", nic, r ? " (with errors)" : "");
	}
	nl_socket_free(c.sk);
	json_object_put(rec);
	return r;
}

int share_bridge_check(const char *bridge, char *err, size_t errlen)
{
	char kind[32] = "";

	if (nl_link_kind(bridge, kind, sizeof(kind)))
		return ERR("bridge %s does not exist (vnetctl share IFACE --bridge %s)", bridge,
			   bridge), -ENODEV;
	if (strcmp(kind, "bridge"))
		return ERR("%s is not a bridge", bridge), -EINVAL;
	return 0;
}

int share_bridge_uplink(struct network *n, char *err, size_t errlen)
{
	char nic[IFNAMSIZ];

	(void)err;
	(void)errlen;
	share_nic_of(n->mgr->paths.state_dir, n->def->bridge, nic, sizeof(nic));
	n->uplink_ifindex = nic[0] ? (int)if_nametoindex(nic) : 0;
	snprintf(n->uplink, sizeof(n->uplink), "%s", n->uplink_ifindex ? nic : "");
	return 0;
}
