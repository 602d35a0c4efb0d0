/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnetlink event listener: any link, IPv4 address, route or netconf
 * (per-device forwarding) change schedules one reconciliation shortly
 * after (events come in bursts). A second socket follows the bridge fdb
 * (RTNLGRP_NEIGH, AF_BRIDGE): a change on a VXLAN device of a network
 * spanning hosts (zebra installing or withdrawing a remote guest's MAC)
 * schedules the mirror's sync (netmgr_overlay_sync, overlay_fdb.c). */
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <sys/socket.h>

#include "util/util.h"
#include "netmgr/netmgr.h"

#define LINKWATCH_DELAY_MS 100
#define FDBWATCH_DELAY_MS 10	/* a burst of fdb events (a host's routes) is one sync */

static struct nl_sock *watch;
static struct netmgr *mgr;
static long pending;
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
	netmgr_reconcile(mgr);
}

static void on_event(int fd, uint32_t events, void *data)
{
	char buf[16384];
	ssize_t r;

	/* The content does not matter: the reconciler looks at the kernel's
	 * state itself, so an overrun (ENOBUFS) loses nothing either. */
	do {
		r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
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
