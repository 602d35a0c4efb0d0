/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/share/ (one header per folder). */
#ifndef VNET_SHARE_SHARE_H
#define VNET_SHARE_SHARE_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

/* ---- share ---- */
/* Sharing a physical NIC: a bridge takes over the NIC's MAC, MTU,
 * addresses and routes and the NIC becomes its addressless port, so guests
 * on the bridge sit on the NIC's LAN (docs/shared-nic.md). The NIC's state
 * is recorded under <state>/shared/NIC.json before anything changes; any
 * failure, an unshare, or a daemon start that finds a half-done share puts
 * back exactly what was recorded. */
struct netmgr;
struct network;

#define SHARE_DEFAULT_BRIDGE "ebr0"

/* vnetctl share NIC [--bridge BR] / unshare NIC. 0 or -errno + one line. */
int share_iface(struct netmgr *m, const char *nic, const char *bridge, char *err, size_t errlen);
int unshare_iface(struct netmgr *m, const char *nic, char *err, size_t errlen);

/* Daemon start: every share recorded as half-done (sharing or unsharing)
 * is undone to its snapshot; completed shares are kept. */
void share_recover(const char *state_dir);

/* Bridge-mode networks: the bridge must exist (made by share or by the
 * admin) and be a bridge; vnet neither creates nor deletes it. */
int share_bridge_check(const char *bridge, char *err, size_t errlen);
/* A bridge-mode network's uplink is the NIC shared onto its bridge (its
 * uplink program then sees the LAN side); none if not shared. */
int share_bridge_uplink(struct network *n, char *err, size_t errlen);

/* Bridge-mode networks learn their guests' addresses (for the data path's
 * anti-spoofing) from the LAN's DHCPACKs (share_snoop.c); sets n->snoop. */
int share_snoop_start(struct network *n, char *err, size_t errlen);
void share_snoop_stop(struct network *n); /* NULL-safe */
/* The child saw a DHCPACK (checked message): bind it if it came from the
 * LAN side. A new child gets the socket again (resend). */
struct psm_snoop_ack;
void share_snoop_on_ack(struct network *n, const struct psm_snoop_ack *m);
void share_snoop_resend(struct network *n);
uint32_t share_snoop_gen(const struct network *n);

/* [{"nic":..,"bridge":..,"state":..}] */

#endif
