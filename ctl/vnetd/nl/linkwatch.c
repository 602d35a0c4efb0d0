/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnetlink event listener: any link, IPv4 address, route or netconf
 * (per-device forwarding) change schedules one reconciliation shortly
 * after (events come in bursts). The burst's events are kept by what they
 * name, so the reconciler looks at those devices only (issue 21); a lost
 * event (ENOBUFS) or more than fits makes it the full pass. A second
 * socket follows the bridge fdb (RTNLGRP_NEIGH, AF_BRIDGE): a change on a
 * VXLAN device of a network spanning hosts (zebra installing or
 * withdrawing a remote guest's MAC) schedules the mirror's sync
 * (netmgr_overlay_sync, overlay_fdb.c). */
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netconf.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <string.h>
#include <sys/socket.h>

#include "util/util.h"
#include "netmgr/netmgr.h"

#define LINKWATCH_DELAY_MS 100
#define FDBWATCH_DELAY_MS 10	/* a burst of fdb events (a host's routes) is one sync */

static struct nl_sock *watch;
static struct netmgr *mgr;
static long pending;
static struct reconcile_events burst;	/* what this burst's events named */
static int burst_full;	/* lost or too many: the full pass */
static struct nl_sock *fdbwatch;
static long fdb_pending;

static void on_fdb_timer(void *data)
{
	fdb_pending = 0;
	netmgr_overlay_sync(mgr);
}

/* Which messages matter: AF_BRIDGE fdb entries of an overlay network's
 * VXLAN device; an overrun (ENOBUFS) may have lost one: sync anyway. */
static void on_fdb_event(int fd, uint32_t events, void *data)
{
	char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	int want = 0;
	ssize_t r;

	for (;;) {
		r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r < 0 && errno == ENOBUFS) {
			want = 1;
			continue;
		}
		if (r <= 0)
			break;
		int len = (int)r;

		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			struct ndmsg *ndm = NLMSG_DATA(h);

			if ((h->nlmsg_type != RTM_NEWNEIGH && h->nlmsg_type != RTM_DELNEIGH) ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof(*ndm)) || ndm->ndm_family != AF_BRIDGE)
				continue;
			want |= netmgr_overlay_is_dev(mgr, ndm->ndm_ifindex);
		}
	}
	if (want && !fdb_pending)
		fdb_pending = loop_add_timer(mgr->loop, FDBWATCH_DELAY_MS, on_fdb_timer, NULL);
}

static int fdbwatch_start(struct netmgr *m)
{
	int err;

	fdbwatch = nl_socket_alloc();
	if (!fdbwatch)
		return -ENOMEM;
	nl_socket_disable_seq_check(fdbwatch);
	err = nl_connect(fdbwatch, NETLINK_ROUTE);
	if (!err)
		err = nl_socket_add_memberships(fdbwatch, RTNLGRP_NEIGH, 0);
	if (!err)
		err = nl_socket_set_nonblocking(fdbwatch);
	if (!err)
		nl_socket_set_buffer_size(fdbwatch, 1 << 20, 0);
	if (err) {
		nl_socket_free(fdbwatch);
		fdbwatch = NULL;
		return -EIO;
	}
	return loop_add_fd(m->loop, nl_socket_get_fd(fdbwatch), EPOLLIN, on_fdb_event, NULL);
}

static void on_timer(void *data)
{
	pending = 0;
	if (burst_full)
		netmgr_reconcile(mgr);
	else
		netmgr_reconcile_events(mgr, &burst);
	memset(&burst, 0, sizeof(burst));
	burst_full = 0;
}

static void add_dev(int ifindex)
{
	if (ifindex <= 0) {	/* netconf's "all" or "default" */
		burst.all_nets = 1;
		return;
	}
	for (size_t i = 0; i < burst.n_devs; i++)
		if (burst.devs[i] == ifindex)
			return;
	if (burst.n_devs == RECONCILE_MAX_EVENTS)
		burst_full = 1;
	else
		burst.devs[burst.n_devs++] = ifindex;
}

static void add_link(const struct ifinfomsg *ifi, int len)
{
	const struct rtattr *a = IFLA_RTA(ifi);
	const char *name = NULL;
	size_t nlen = 0;

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_IFNAME) {
			name = RTA_DATA(a);
			nlen = RTA_PAYLOAD(a);
		}
	if (!name || strnlen(name, nlen) >= 16 || strnlen(name, nlen) == nlen) {
		burst_full = 1;	/* a link event without a name: look at all */
		return;
	}
	for (size_t i = 0; i < burst.n_links; i++)
		if (!strcmp(burst.links[i].name, name) && burst.links[i].ifindex == ifi->ifi_index)
			return;
	if (burst.n_links == RECONCILE_MAX_EVENTS) {
		burst_full = 1;
		return;
	}
	snprintf(burst.links[burst.n_links].name, 16, "%s", name);
	burst.links[burst.n_links++].ifindex = ifi->ifi_index;
}

/* The device a netconf event names (NETCONFA_IFINDEX; <= 0: all, default). */
static void add_netconf(const struct netconfmsg *nc, int len)
{
	const struct rtattr *a = (const void *)((const char *)nc + NLMSG_ALIGN(sizeof(*nc)));

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == NETCONFA_IFINDEX && RTA_PAYLOAD(a) >= (int)sizeof(int))
			return add_dev(*(const int *)RTA_DATA(a));
	burst.all_nets = 1;
}

/* One message: what it names (routes: only a default route changes an
 * uplink; other routes are net-start's checks, not the reconciler's). */
static void add_msg(const struct nlmsghdr *h)
{
	int body = (int)(h->nlmsg_len - NLMSG_HDRLEN);

	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (body >= (int)sizeof(struct ifinfomsg))
			return add_link(NLMSG_DATA(h), body - (int)NLMSG_ALIGN(sizeof(struct ifinfomsg)));
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (body >= (int)sizeof(struct ifaddrmsg))
			return add_dev((int)((const struct ifaddrmsg *)NLMSG_DATA(h))->ifa_index);
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		if (body >= (int)sizeof(struct rtmsg)) {
			if (((const struct rtmsg *)NLMSG_DATA(h))->rtm_dst_len == 0)
				burst.all_nets = 1;
			return;
		}
		break;
	case RTM_NEWNETCONF:
	case RTM_DELNETCONF:
		if (body >= (int)sizeof(struct netconfmsg))
			return add_netconf(NLMSG_DATA(h), body - (int)NLMSG_ALIGN(sizeof(struct netconfmsg)));
		break;
	default:
		return;
	}
	burst_full = 1;	/* too short to say what it names */
}

static void add_buf(const char *buf, int len)
{
	const struct nlmsghdr *h = (const void *)buf;

	for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
		add_msg(h);
}

static void on_event(int fd, uint32_t events_mask, void *data)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	ssize_t r;

	do {
		r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r > 0)
			add_buf(buf, (int)r);
		else if (r < 0 && errno == ENOBUFS)
			burst_full = 1;	/* an overrun: some events are lost */
	} while (r > 0 || (r < 0 && errno == ENOBUFS));
	if (!pending)
		pending = loop_add_timer(mgr->loop, LINKWATCH_DELAY_MS, on_timer, NULL);
}

int linkwatch_start(struct netmgr *m)
{
	int err;

	watch = nl_socket_alloc();
	if (!watch)
		return -ENOMEM;
	nl_socket_disable_seq_check(watch);
	err = nl_connect(watch, NETLINK_ROUTE);
	if (!err)
		err = nl_socket_add_memberships(watch, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
						RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV4_NETCONF, 0);
	if (!err)
		err = nl_socket_set_nonblocking(watch);
	if (err) {
		nl_socket_free(watch);
		watch = NULL;
		return -EIO;
	}
	mgr = m;
	err = loop_add_fd(m->loop, nl_socket_get_fd(watch), EPOLLIN, on_event, NULL);
	/* without it the mirror follows the reconciler (5 s) only */
	if (!err && fdbwatch_start(m))
		log_warn("cannot follow the bridge fdb (RTNLGRP_NEIGH): remote MACs of networks "
			 "spanning hosts are mirrored every 5 s only");
	return err;
}

void linkwatch_stop(void)
{
	if (!watch)
		return;
	if (pending)
		loop_cancel_timer(mgr->loop, pending);
	pending = 0;
	if (fdb_pending)
		loop_cancel_timer(mgr->loop, fdb_pending);
	fdb_pending = 0;
	if (fdbwatch) {
		loop_del_fd(mgr->loop, nl_socket_get_fd(fdbwatch));
		nl_socket_free(fdbwatch);
		fdbwatch = NULL;
	}
	loop_del_fd(mgr->loop, nl_socket_get_fd(watch));
	nl_socket_free(watch);
	watch = NULL;
}
