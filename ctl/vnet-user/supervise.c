/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The supervisor: starts the switch and the stack, restarts whichever dies
 * (with back-off and a budget), and on SIGTERM stops both and removes the
 * network's run directory, so a stopped network leaves nothing behind. The
 * switch is its own process so that a crashed stack does not cut the
 * guests' links: QEMU stays plugged in while a new stack joins. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "vu.h"

#define BUDGET 10	  /* restarts allowed ... */
#define BUDGET_WINDOW 60  /* ... within this many seconds */
#define READY_TIMEOUT 10000 /* ms for a first stack to say OK */

struct sup {
	const struct vu_paths *p;
	pid_t sw, stack;
	unsigned restarts;
	time_t window_start;
	unsigned in_window;
	sigset_t mask;
};

static void child_init(const sigset_t *mask)
{
	sigprocmask(SIG_UNBLOCK, mask, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM); /* a dead supervisor takes us along */
}

static int wait_switch(const struct sup *s)
{
	struct stat st;

	for (int i = 0; i < 150; i++) {
		if (!stat(s->p->run.sw_ctl, &st))
			return 0;
		if (waitpid(s->sw, NULL, WNOHANG) == s->sw)
			return -ECHILD;
		usleep(20000);
	}
	return -ETIMEDOUT;
}

/* vdeplug4's switch plugin hosting a switch with a null port: the
 * documented way to run a stand-alone switch (libvdeplug_switch(1)). */
static int start_switch(struct sup *s)
{
	char url[320];

	snprintf(url, sizeof(url), "switch://%s[mode=0600]", s->p->run.sw);
	s->sw = fork();
	if (s->sw < 0)
		return -errno;
	if (s->sw == 0) {
		child_init(&s->mask);
		execlp("vde_plug", "vde_plug", "null://", url, (char *)NULL);
		fprintf(stderr, "vnet-user: cannot run vde_plug: %s\n", strerror(errno));
		_exit(127);
	}
	return wait_switch(s);
}

static int start_stack(struct sup *s, int ready_fd)
{
	s->stack = fork();
	if (s->stack < 0)
		return -errno;
	if (s->stack == 0) {
		child_init(&s->mask);
		_exit(vu_stack_run(s->p, ready_fd, s->restarts));
	}
	return 0;
}

static void stop_child(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	for (int i = 0; i < 100 && waitpid(*pid, NULL, WNOHANG) == 0; i++)
		usleep(20000);
	if (waitpid(*pid, NULL, WNOHANG) == 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
	}
	*pid = 0;
}

static void __attribute__((noreturn)) finish(struct sup *s, int status)
{
	int r;

	stop_child(&s->stack);
	stop_child(&s->sw);
	if ((r = user_rundir_remove(&s->p->run)))
		log_warn("cannot remove %s: %s", s->p->run.dir, strerror(-r));
	exit(status);
}

/* First start: relay the stack's "OK"/"ERR ..." line to vnetctl. */
static int first_stack(struct sup *s, int ready_fd)
{
	char line[400] = "";
	struct pollfd pf;
	int fds[2], r;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	r = start_stack(s, fds[1]);
	close(fds[1]);
	pf = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	if (!r && poll(&pf, 1, READY_TIMEOUT) == 1 && (n = read(fds[0], line, sizeof(line) - 1)) > 0)
		line[n] = 0;
	close(fds[0]);
	if (r || strncmp(line, "OK", 2)) {
		if (!line[0])
			snprintf(line, sizeof(line), "ERR the stack died while starting (see %s)\n",
				 s->p->run.log);
		if (ready_fd >= 0 && write(ready_fd, line, strlen(line)) < 0)
			log_debug("ready pipe: %s", strerror(errno));
		return -EINVAL;
	}
	if (ready_fd >= 0 && write(ready_fd, "OK\n", 3) < 0)
		log_debug("ready pipe: %s", strerror(errno));
	return 0;
}

/* A restart within the budget, after a back-off; -1 when out of budget. */
static int restart(struct sup *s, int switch_too)
{
	time_t now = time(NULL);

	if (now - s->window_start > BUDGET_WINDOW) {
		s->window_start = now;
		s->in_window = 0;
	}
	if (++s->in_window > BUDGET) {
		log_err("restarted %u times in %d s: giving up", BUDGET, BUDGET_WINDOW);
		return -1;
	}
	usleep(100000u << (s->in_window < 5 ? s->in_window : 5));
	s->restarts++;
	if (switch_too) {
		stop_child(&s->stack);
		if (start_switch(s))
			return -1;
	}
	log_warn("restarting the stack (restart %u)", s->restarts);
	return start_stack(s, -1) ? -1 : 0;
}

static void reap(struct sup *s)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		int is_sw = pid == s->sw;

		if (pid != s->sw && pid != s->stack)
			continue;
		log_warn("%s (pid %d) died: %s %d", is_sw ? "switch" : "stack", pid,
			 WIFSIGNALED(st) ? "signal" : "status",
			 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		if (is_sw)
			s->sw = 0;
		else
			s->stack = 0;
		if (!is_sw && WIFEXITED(st) && WEXITSTATUS(st) == 2)
			finish(s, 1); /* the definition cannot run: retrying will not help */
		if (restart(s, is_sw))
			finish(s, 1);
	}
}

static void daemon_io(const struct vu_paths *p)
{
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	int log = open(p->run.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

	if (nul >= 0)
		dup2(nul, 0);
	if (log >= 0) {
		dup2(log, 1);
		dup2(log, 2);
	}
}

int vu_supervise(const struct vu_paths *p, int ready_fd)
{
	struct sup s = { .p = p, .window_start = time(NULL) };
	char pid[16];
	int sig;

	setsid();
	daemon_io(p);
	/* only vnetctl's read end may see EOF from us: no child inherits it */
	if (ready_fd >= 0)
		fcntl(ready_fd, F_SETFD, FD_CLOEXEC);
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (file_write_atomic(p->run.pid, pid, strlen(pid), 0600))
		fatal("cannot write %s", p->run.pid);
	sigemptyset(&s.mask);
	sigaddset(&s.mask, SIGCHLD);
	sigaddset(&s.mask, SIGTERM);
	sigaddset(&s.mask, SIGINT);
	sigaddset(&s.mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &s.mask, NULL);
	if (start_switch(&s)) {
		if (ready_fd >= 0 && write(ready_fd, "ERR cannot start the VDE switch (vde_plug)\n", 43) < 0)
			log_debug("ready pipe: %s", strerror(errno));
		finish(&s, 1);
	}
	if (first_stack(&s, ready_fd))
		finish(&s, 1);
	if (ready_fd >= 0)
		close(ready_fd);
	for (;;) {
		sig = sigwaitinfo(&s.mask, NULL);
		if (sig == SIGCHLD)
			reap(&s);
		else if (sig > 0)
			finish(&s, 0);
	}
}
