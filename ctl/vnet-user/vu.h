/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnet-user: one vnet network run by an unprivileged user. A supervisor
 * process keeps two children alive: a VDE switch (vdeplug4's switch
 * plugin, `vde_plug null:// switch://DIR/switch`) that QEMU guests join,
 * and the stack: libslirp (NAT, DNS forwarding, port forwards) plus vnet's
 * own DHCP server (lib/dhcp_pool) and guest-name DNS answers (lib/dns_zone),
 * both spoken over raw frames on the switch. */
#ifndef VNET_USER_H
#define VNET_USER_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "netdef/netdef.h"
#include "util/util.h"

/* Paths of one running network. */
struct vu_paths {
	struct user_rundir run; /* $XDG_RUNTIME_DIR/vnet/NET: switch, ctl.sock, pid, ... */
	char def[256];		/* the definition (XML), read at every (re)start */
	char leases[256];	/* lease file (persistent state dir) */
};

/* Supervisor: never returns; exit status 0 after a clean stop. */
int vu_supervise(const struct vu_paths *p, int ready_fd);
/* The stack process (a child of the supervisor). */
int vu_stack_run(const struct vu_paths *p, int ready_fd, unsigned restarts);

/* Milliseconds of CLOCK_MONOTONIC (libslirp's timer clock too). */
int64_t vu_clock_ms(void);

#endif
