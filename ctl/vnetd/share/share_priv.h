/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals shared by share.c (the moves), share_undo.c (putting the
 * snapshot back) and share_store.c (the on-disk record). */
#ifndef VNET_SHARE_PRIV_H
#define VNET_SHARE_PRIV_H

#include <json-c/json.h>
#include <stddef.h>

struct netmgr;
struct nl_sock;

struct share_ctx {
	struct nl_sock *sk;
	const char *state_dir;
	char nic[16], bridge[16];
	int nic_idx, br_idx;
	struct json_object *snap; /* the NIC as it was (nl_snapshot.h) */
	char *err;
	size_t errlen;
};

#define SHARE_ERR(c, ...) (void)snprintf((c)->err, (c)->errlen, __VA_ARGS__)

/* share_store.c: <state>/shared/NIC.json = {"nic","bridge","state","snapshot"} */
int share_record_write(const struct share_ctx *c, const char *state);
int share_record_read(const char *state_dir, const char *nic, struct json_object **ret);
void share_record_remove(const char *state_dir, const char *nic);
int share_sock_open(struct nl_sock **ret);
void share_nic_of(const char *state_dir, const char *bridge, char *nic, size_t len);

/* share.c: the share itself, without the networks (share_iface adds
 * moving their uplinks); *ret_idx is the NIC's ifindex. */
int share_do(const char *state_dir, const char *nic, const char *bridge, int *ret_idx,
	     char *err, size_t errlen);

/* share.c: vnet's mark on the bridge of a share ("vnet share NIC"). */
void share_mark(const struct share_ctx *c, char *buf, size_t len);

/* share_undo.c: put the NIC back as recorded and remove the bridge.
 * Idempotent; works from any point of a share. 0, or -errno with the
 * first problem in why (every step is tried anyway). */
int share_undo(struct share_ctx *c, char *why, size_t whylen);

/* share_net.c: active NAT/route networks whose uplink is from_idx now use
 * `to` (where the host's addresses and routes went). */
void share_rehome(struct netmgr *m, int from_idx, const char *to);

#endif
