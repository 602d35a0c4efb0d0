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

#include "netdef.h"

/* Paths of one running network, all under dir ($XDG_RUNTIME_DIR/vnet/NET). */
struct vu_paths {
	char dir[256];
	char def[256];	  /* the definition (XML), read at every (re)start */
	char leases[256]; /* lease file (persistent state dir) */
	char fwds[300];	  /* dir/forwards: port forwards added at run time */
	char sw[300];	  /* dir/switch: the VDE switch directory (QEMU's sock=) */
	char ctl[300];	  /* dir/ctl.sock: the stack's control socket */
	char pid[300];	  /* dir/pid: the supervisor's pid */
	char log[300];	  /* dir/log: the processes' stderr */
};

void vu_paths_init(struct vu_paths *p, const char *dir, const char *def, const char *leases);

/* Supervisor: never returns; exit status 0 after a clean stop. */
int vu_supervise(const struct vu_paths *p, int ready_fd);
/* The stack process (a child of the supervisor). */
int vu_stack_run(const struct vu_paths *p, int ready_fd, unsigned restarts);

/* Milliseconds of CLOCK_MONOTONIC (libslirp's timer clock too). */
int64_t vu_clock_ms(void);

/* Gateway MAC, as libslirp forms it for its own addresses (52:55:IP). */
void vu_gw_mac(struct in_addr gw, uint8_t mac[6]);

#endif
