/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stack process's state, shared by its loop, its slirp callbacks and
 * its control socket. One per process, passed explicitly. */
#ifndef VNET_USER_STACK_H
#define VNET_USER_STACK_H

#include <libslirp.h>
#include <libvdeplug.h>
#include <poll.h>
#include <time.h>

#include "udhcp.h"
#include "udns.h"
#include "vu.h"

#define VU_MAX_POLL 1024
#define VU_MAX_FWDS 256

/* A port forward as installed: host address and port to a guest port. */
struct vu_fwd {
	int udp;
	struct in_addr host;
	uint16_t host_port;
	struct in_addr guest;
	uint16_t guest_port;
};

struct vu_timer {
	SlirpTimerCb cb;
	void *cb_opaque;
	int64_t expire_ms; /* -1 = not armed */
	struct vu_timer *next;
};

struct vu_counters {
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint64_t tx_errors, guest_errors;
	uint64_t not_ours; /* unicast to another guest's MAC, flooded to us */
};

struct vu_stack {
	const struct vu_paths *p;
	struct netdef *def;
	uint8_t gw_mac[6];
	VDECONN *vde;
	Slirp *slirp;
	struct vu_dhcp *dhcp;
	struct dns_zone *zone;
	struct vu_dns_counters dns;
	struct vu_dnsfwd dnsfwd;
	struct vu_counters ctr;
	struct vu_fwd fwds[VU_MAX_FWDS];
	size_t n_fwds;
	struct vu_timer *timers;
	struct pollfd pfd[VU_MAX_POLL];
	int npfd;
	int ctl_fd;
	unsigned restarts;
	time_t started;
};

/* slirp_cb.c */
extern const SlirpCb vu_slirp_cb;
Slirp *vu_slirp_new(struct vu_stack *s);
int vu_timers_run(struct vu_stack *s); /* runs due timers; ms to the next, or -1 */
int vu_fwd_add(struct vu_stack *s, const struct vu_fwd *f, char *err, size_t errlen);

/* fwdfile.c: dir/forwards, one "tcp|udp HOSTADDR HOSTPORT GUESTIP GUESTPORT"
 * per line: port forwards added at run time, kept across stack restarts. */
int vu_fwds_load(struct vu_stack *s);
int vu_fwds_append(const char *path, const struct vu_fwd *f);
int vu_fwd_parse(const char *proto, const char *host, const char *guest, struct vu_fwd *f,
		 char *err, size_t errlen);

/* uctl.c */
int vu_ctl_open(struct vu_stack *s, char *err, size_t errlen);
void vu_ctl_accept(struct vu_stack *s);

#endif
