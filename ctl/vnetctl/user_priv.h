/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VNETCTL_USER_PRIV_H
#define VNETCTL_USER_PRIV_H

#include <sys/types.h>

#include "netdef/netdef.h"
#include "util/util.h"

struct user_paths {
	char conf[256];		/* definitions dir */
	char state[256];	/* leases dir */
	char run[256];		/* running networks' parent dir */
	char def[400], leases[400]; /* conf/NET.xml, state/NET.leases */
	struct user_rundir rd;	/* run/NET: the running network's files */
};

/* Fill p for network net (NULL: only the directories); creates and checks
 * the run dir; exits with a message on failure. */
void user_paths(struct user_paths *p, const char *net);

/* The network's definition: its file, else the built-in default. NULL and
 * a message in err if there is none or it does not parse. */
struct netdef *user_load_def(const struct user_paths *p, const char *net, char *err,
			     size_t errlen);

/* The supervisor's pid if net is running, else 0. */
pid_t user_running(const struct user_paths *p);

/* user_run.c: start (spawn vnet-user, wait for its verdict) and stop. */
int user_start(const struct user_paths *p, const struct netdef *def, char *err, size_t errlen);
int user_stop(const struct user_paths *p, pid_t pid, char *err, size_t errlen);

#endif
