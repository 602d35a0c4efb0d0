/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pid files of vnet's helper processes (vnetd's vde_switch, a user
 * network's supervisor): a pid file outlives a killed process and pids
 * are reused, so the pid alone proves nothing. */
#ifndef VNET_PIDFILE_H
#define VNET_PIDFILE_H

#include <sys/types.h>

/* The positive decimal pid at the start of path, else 0. */
pid_t pidfile_read(const char *path);

/* The pid in path if that process exists, we may signal it, and its name
 * (/proc/PID/comm) starts with comm; else 0. */
pid_t pidfile_running(const char *path, const char *comm);

#endif
