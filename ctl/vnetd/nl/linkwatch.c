/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnetlink event listener: any link, IPv4 address, route or netconf
 * (per-device forwarding) change schedules one reconciliation shortly
 * after (events come in bursts). */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <sys/socket.h>

#include "util/util.h"
#include "netmgr/netmgr.h"

#define LINKWATCH_DELAY_MS 100

static struct nl_sock *watch;
static struct netmgr *mgr;
static long pending;

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
	return loop_add_fd(m->loop, nl_socket_get_fd(watch), EPOLLIN, on_event, NULL);
}

void linkwatch_stop(void)
{
	if (!watch)
		return;
	if (pending)
		loop_cancel_timer(mgr->loop, pending);
	pending = 0;
	loop_del_fd(mgr->loop, nl_socket_get_fd(watch));
	nl_socket_free(watch);
	watch = NULL;
}
