/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the service child gives up before it reads its first message:
 *  - the file system: chroot into the lease directory (CAP_SYS_CHROOT;
 *    without it the child only changes into it and says so);
 *  - every capability: the bounding set (CAP_SETPCAP; without it the set
 *    stays, harmless under no_new_privs and a non-root uid), then uid/gid
 *    (with supplementary groups) to the service user, which clears the
 *    permitted and effective sets, then inheritable and ambient;
 *  - new privileges (PR_SET_NO_NEW_PRIVS: no setuid binary, no file caps);
 *  - every system call the services do not make (seccomp, below): what
 *    is not listed kills the process, which the core sees and restarts. */
#include "privsep.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/util.h"

#define ERRF(...) (snprintf(err, errlen, __VA_ARGS__), -1)

static int enter_root(const char *root, char *err, size_t errlen)
{
	if (chdir(root) < 0)
		return ERRF("cannot enter %s: %s", root, strerror(errno));
	if (chroot(".") == 0)
		return chdir("/") < 0 ? ERRF("chdir /: %s", strerror(errno)) : 0;
	if (errno != EPERM)
		return ERRF("chroot %s: %s", root, strerror(errno));
	log_warn("no CAP_SYS_CHROOT: the service child is not chrooted (it works in %s)", root);
	return 0;
}

static void drop_bounding_set(void)
{
	for (int cap = 0; cap <= 63; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) <= 0)
			continue; /* not in the set, or past the kernel's last */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			log_warn("no CAP_SETPCAP: the service child keeps its capability bounding "
				 "set (it holds no capability and cannot gain one)");
			return;
		}
	}
}

static int drop_ids(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return ERRF("cannot become uid %u gid %u: %s", (unsigned)uid, (unsigned)gid,
			    strerror(errno));
	if (syscall(SYS_capset, &h, d) < 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return ERRF("cannot clear capabilities: %s", strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return ERRF("no_new_privs: %s", strerror(errno));
	if (setresuid(0, 0, 0) == 0 || setresgid(0, 0, 0) == 0)
		return ERRF("could become root again");
	return 0;
}

/* What the services call, as the tests exercise them (privsep.sh runs the
 * DHCP, DNS, snooping and metrics tests through this filter). */
static const int allowed[] = {
	/* I/O on the sockets the core sent, the lease files, the TFTP root (openat2) */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(pread64),
	SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(lseek),
	SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(renameat2),
	SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(io_setup), SCMP_SYS(io_submit), SCMP_SYS(io_getevents), SCMP_SYS(io_destroy),
	SCMP_SYS(fcntl),
	/* the loop */
	SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait),
	SCMP_SYS(epoll_pwait2), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(eventfd2),
	SCMP_SYS(pipe2),
	/* sockets: guests' DHCP/DNS, upstream DNS, metrics clients */
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(recvfrom), SCMP_SYS(sendto),
	SCMP_SYS(recvmmsg), SCMP_SYS(sendmmsg), SCMP_SYS(connect), SCMP_SYS(accept4),
	SCMP_SYS(accept), SCMP_SYS(shutdown), SCMP_SYS(setsockopt), SCMP_SYS(getsockopt),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	/* memory, time, randomness, threads' leftovers in libc */
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(brk), SCMP_SYS(mprotect),
	SCMP_SYS(madvise), SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(getrandom),
	SCMP_SYS(futex), SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getppid),
	/* signals and the way out (abort() included) */
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigaction),
	SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group),
};

static int install_seccomp(char *err, size_t errlen)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int r = f ? 0 : -ENOMEM;

	for (size_t i = 0; !r && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		r = seccomp_rule_add(f, SCMP_ACT_ALLOW, allowed[i], 0);
	/* upstream DNS only: no raw, netlink or packet sockets; syslog's
	 * reconnect (AF_UNIX) fails quietly instead of killing us */
	if (!r)
		r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_EQ, AF_INET));
	if (!r) /* IPv6 upstreams (issue 18.6) */
		r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_EQ, AF_INET6));
	if (!r)
		r = seccomp_rule_add(f, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	/* abort() signals itself, and nothing else */
	if (!r)
		r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	if (!r)
		r = seccomp_load(f);
	seccomp_release(f);
	return r ? ERRF("seccomp: %s", strerror(-r)) : 0;
}

int privsep_sandbox(const char *root, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	if (enter_root(root, err, errlen))
		return -1;
	drop_bounding_set();
	if (drop_ids(uid, gid, err, errlen))
		return -1;
	/* after the credentials changed (which clears it): the core's death
	 * kills us, even if the channel's end were inherited somewhere */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	return install_seccomp(err, errlen);
}
