/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd readiness protocol (sd_notify(3)) without libsystemd: one
 * datagram per state change to the unix socket named by $NOTIFY_SOCKET.
 * Without $NOTIFY_SOCKET every call is a no-op returning 0. */
#ifndef VNET_SDNOTIFY_H
#define VNET_SDNOTIFY_H

#include <stdint.h>

/* Send "KEY=VALUE\n..." as is. 0 if sent or not under a supervisor, else -errno. */
int sdnotify_send(const char *state);

/* READY=1 plus "STATUS=listening on <where>" (the control socket path). */
int sdnotify_ready(const char *where);

/* The watchdog interval in microseconds from $WATCHDOG_USEC (honouring
 * $WATCHDOG_PID), 0 if the supervisor expects no keep-alive. */
uint64_t sdnotify_watchdog_usec(void);

/* WATCHDOG=1 if a watchdog is configured; call it at least twice per interval. */
int sdnotify_watchdog(void);

#endif
