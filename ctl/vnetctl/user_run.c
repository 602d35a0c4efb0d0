/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Starting and stopping a user network: vnet-user is spawned with a pipe on
 * which it says "OK" once the switch and the stack are up, or "ERR why". */
#include "user_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "netdef/netdef.h"

#define START_TIMEOUT_MS 20000
#define STOP_TIMEOUT_MS 10000

struct netdef *user_load_def(const struct user_paths *p, const char *net, char *err,
			     size_t errlen)
{
	struct netdef *d = NULL;
	int r = netdef_load_file(p->def, &d, err, errlen);

	if (r == -ENOENT && !strcmp(net, "default")) {
		d = calloc(1, sizeof(*d));
		if (d)
			netdef_default(d);
		return d;
	}
	if (r == -ENOENT)
		snprintf(err, errlen, "network '%s' not found", net);
	return r ? NULL : d;
}

pid_t user_running(const struct user_paths *p)
{
	return pidfile_running(p->rd.pid, "vnet-user");
}

/* vnet-user beside this vnetctl, else $VNET_USER_BIN, else $PATH. */
static void user_bin(char *out, size_t cap)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (getenv("VNET_USER_BIN")) {
		snprintf(out, cap, "%s", getenv("VNET_USER_BIN"));
		return;
	}
	snprintf(out, cap, "vnet-user");
	if (n <= 0)
		return;
	self[n] = 0;
	slash = strrchr(self, '/');
	if (!slash)
		return;
	if ((size_t)(slash - self) + 11 > cap)
		return;
	memcpy(out, self, (size_t)(slash - self));
	strcpy(out + (slash - self), "/vnet-user");
	if (access(out, X_OK))
		snprintf(out, cap, "vnet-user");
}

static int prepare(const struct user_paths *p, const struct netdef *def, char *err,
		   size_t errlen)
{
	char *xml = netdef_format_xml(def);
	int r;

	/* a run dir left by a supervisor that was killed with -9 */
	user_rundir_remove(&p->rd);
	if (mkdir(p->rd.dir, 0700) || mkdir_p(p->state, 0700)) {
		snprintf(err, errlen, "cannot create %s or %s: %s", p->rd.dir, p->state,
			 strerror(errno));
		free(xml);
		return -errno;
	}
	r = xml ? file_write_atomic(p->rd.def, xml, strlen(xml), 0600) : -ENOMEM;
	free(xml);
	if (r)
		snprintf(err, errlen, "cannot write %s: %s", p->rd.def, strerror(-r));
	return r;
}

static void spawn(const struct user_paths *p, int wfd)
{
	char bin[PATH_MAX], fd[16];

	user_bin(bin, sizeof(bin));
	snprintf(fd, sizeof(fd), "%d", wfd);
	execlp(bin, "vnet-user", "run", "--dir", p->rd.dir, "--def", p->rd.def, "--leases",
	       p->leases, "--ready-fd", fd, (char *)NULL);
	dprintf(wfd, "ERR cannot run %s: %s\n", bin, strerror(errno));
	_exit(127);
}

int user_start(const struct user_paths *p, const struct netdef *def, char *err, size_t errlen)
{
	char line[512] = "";
	struct pollfd pf;
	int fds[2], r;
	ssize_t n;
	pid_t pid;

	if ((r = prepare(p, def, err, errlen)))
		return r;
	if (pipe2(fds, O_CLOEXEC))
		return snprintf(err, errlen, "pipe: %s", strerror(errno)), -errno;
	pid = fork();
	if (pid == 0) {
		int w = dup(fds[1]); /* the one end that survives exec */

		spawn(p, w);
	}
	close(fds[1]);
	pf = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	if (pid > 0 && poll(&pf, 1, START_TIMEOUT_MS) == 1 &&
	    (n = read(fds[0], line, sizeof(line) - 1)) > 0)
		line[n] = 0;
	close(fds[0]);
	if (!strncmp(line, "OK", 2))
		return 0;
	line[strcspn(line, "\n")] = 0;
	snprintf(err, errlen, "%s", line[0] ? line + 4 : "vnet-user did not start in time");
	if (pid > 0) {
		/* it cleans up after itself; a failed start leaves nothing */
		if (!line[0])
			kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	return -EIO;
}

/* SIGTERM to the supervisor, which stops the stack and the switch and
 * removes the run dir; wait until it is gone. */
int user_stop(const struct user_paths *p, pid_t pid, char *err, size_t errlen)
{
	struct stat st;

	if (kill(pid, SIGTERM))
		return snprintf(err, errlen, "cannot stop pid %d: %s", pid, strerror(errno)), -errno;
	for (int ms = 0; ms < STOP_TIMEOUT_MS; ms += 20) {
		if (kill(pid, 0) && lstat(p->rd.dir, &st))
			return 0;
		usleep(20000);
	}
	snprintf(err, errlen, "vnet-user (pid %d) did not stop within %d s", pid,
		 STOP_TIMEOUT_MS / 1000);
	return -ETIMEDOUT;
}
