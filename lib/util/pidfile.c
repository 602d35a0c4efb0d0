/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


pid_t pidfile_read(const char *path)
{
	char *s;
	long pid;

	if (file_read_all(path, 64, &s, NULL))
		return 0;
	pid = strtol(s, NULL, 10);
	free(s);
	return pid > 0 && pid == (pid_t)pid ? (pid_t)pid : 0;
}

pid_t pidfile_running(const char *path, const char *comm)
{
	pid_t pid = pidfile_read(path);
	char proc[64], *name;
	int same;

	/* a process of another user that took the pid is not ours either */
	if (!pid || kill(pid, 0))
		return 0;
	snprintf(proc, sizeof(proc), "/proc/%d/comm", (int)pid);
	if (file_read_all(proc, 64, &name, NULL))
		return 0;
	same = !strncmp(name, comm, strlen(comm));
	free(name);
	return same ? pid : 0;
}
