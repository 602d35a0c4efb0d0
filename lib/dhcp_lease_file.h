/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The lease file of one DHCP pool, as vnetd's DHCP service and the
 * user-mode stack both keep it: loaded once at start, then saved after
 * every batch of changes and before that batch's replies leave, so an
 * acknowledged lease is on disk. Unlike the pure libraries this one logs
 * warnings (in the network's name): it is the services' shared code, and
 * an operator should read the same lines in both modes. */
#ifndef VNET_DHCP_LEASE_FILE_H
#define VNET_DHCP_LEASE_FILE_H

#include <stdint.h>

#include "dhcp_pool.h"

#define DHCP_LEASE_RETRY_SECS 5 /* a failed save is tried again this often */

struct dhcp_lease_file {
	char path[4096];
	char net[64];	  /* network name, for the log lines */
	int unsaved;	  /* the last save failed: save again, even with nothing new */
	int64_t retry_at; /* wall-clock second from which a retry is due */
};

/* -ENAMETOOLONG if path does not fit. */
int dhcp_lease_file_init(struct dhcp_lease_file *f, const char *path, const char *net);

/* Restore the file's records into p; a missing file is an empty one. Bad
 * lines are skipped (counted in store_bad_lines, logged once), records
 * that no longer fit the pool are dropped with a warning. 0, or -errno if
 * the file exists but cannot be read (starting anyway would overwrite it). */
int dhcp_lease_file_load(struct dhcp_lease_file *f, struct dhcp_pool *p, int64_t now);

/* Replace the file with p's persistent records (atomically). A failure is
 * counted in store_errors and sets unsaved: the replies should still go out
 * (a full disk must not stop DHCP) and the caller retries once
 * dhcp_lease_file_retry_due(). The first failure of a run and the recovery
 * are logged, not every retry. 0 or -errno. */
int dhcp_lease_file_save(struct dhcp_lease_file *f, struct dhcp_pool *p);

/* 1 if the last save failed and DHCP_LEASE_RETRY_SECS have passed. */
int dhcp_lease_file_retry_due(const struct dhcp_lease_file *f, int64_t now);

#endif
