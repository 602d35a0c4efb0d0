/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/guest/ (one header per folder). */
#ifndef VNET_GUEST_GUEST_H
#define VNET_GUEST_GUEST_H

#include <stddef.h>
#include <sys/types.h>

/* ---- tapvde ---- */
/* Ports for QEMU guests: persistent taps (tap.c) and supervised VDE
 * switches whose tap is a port (vde.c). Both are recorded under the run
 * dir (<run>/taps/IFNAME, <run>/vde/NET.*) so a restarted vnetd adopts
 * them; both go away on port-del and net-stop. */
struct network;

/* Create a persistent tap (name may be a pattern like "vtap%d"), owned by
 * owner (or (uid_t)-1 for root only); the final name goes to ret_name. */
int tap_create(const char *name, uid_t owner, char ret_name[16], char *err, size_t errlen);
/* Remove a persistent tap device. */
int tap_destroy(const char *name);

/* tap-add: create the tap, make it a port of n, record it. */
int tap_add(struct network *n, const char *name, const char *user, char ret_name[16],
	    char *err, size_t errlen);
/* port-del hook: destroy the tap if vnet created it (the recorded device:
 * one that took its name since is left alone). */
void tap_port_removed(struct network *n, const char *ifname);
/* net-stop hook: destroy every tap vnet created for n. */
void tap_net_stopped(struct network *n);

/* vde-add: start a vde_switch whose tap is a port of n; the socket dir
 * (for -netdev vde,sock=PATH) goes to ret_sock. max_guests: client MACs
 * the DHCP server serves on the tap at once (0: VDE_DEFAULT_MAX_GUESTS). */
#define VDE_DEFAULT_MAX_GUESTS 32
int vde_add(struct network *n, const char *group, unsigned max_guests, char *ret_sock,
	    size_t socklen, char *err, size_t errlen);
/* The VDE tap's limit of client MACs (leases and offers at once). */
unsigned vde_max_guests(struct network *n);
/* net-start hook: adopt (or restart) the switch a previous run left. */
void vde_net_started(struct network *n);
/* net-stop / port-del hooks: stop the switch (and forget it). */
void vde_net_stopped(struct network *n);
void vde_port_removed(struct network *n, const char *ifname);

#endif
