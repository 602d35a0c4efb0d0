/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The run directory of one user-mode network ($XDG_RUNTIME_DIR/vnet/NET):
 * vnetctl creates and clears it, vnet-user runs in it. Both name its files
 * from here, so they cannot disagree. */
#ifndef VNET_USER_RUNDIR_H
#define VNET_USER_RUNDIR_H

#define USER_RUNDIR_MAX 256 /* the directory's path, incl. NUL */

struct user_rundir {
	char dir[USER_RUNDIR_MAX];
	char def[USER_RUNDIR_MAX + 16];	   /* def.xml: the definition the stack (re)reads */
	char fwds[USER_RUNDIR_MAX + 16];   /* forwards: port forwards added at run time */
	char sw[USER_RUNDIR_MAX + 16];	   /* switch/: the VDE switch (QEMU's sock=) */
	char sw_ctl[USER_RUNDIR_MAX + 16]; /* switch/ctl: its socket, there once it is up */
	char ctl[USER_RUNDIR_MAX + 16];	   /* ctl.sock: the stack's control socket */
	char pid[USER_RUNDIR_MAX + 16];	   /* pid: the supervisor's */
	char log[USER_RUNDIR_MAX + 16];	   /* log: the processes' stderr */
};

/* Name the files of dir. -ENAMETOOLONG if dir does not fit. */
int user_rundir_init(struct user_rundir *r, const char *dir);

/* Remove the directory with everything in it, the switch's directory
 * included (a network that was stopped, or whose supervisor was killed,
 * leaves nothing). Deeper trees are not followed. 0, or -errno of the
 * final rmdir. */
int user_rundir_remove(const struct user_rundir *r);

#endif
