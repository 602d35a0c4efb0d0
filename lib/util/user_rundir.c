/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int user_rundir_init(struct user_rundir *r, const char *dir)
{
	if (strlen(dir) >= sizeof(r->dir))
		return -ENAMETOOLONG;
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	snprintf(r->def, sizeof(r->def), "%s/def.xml", dir);
	snprintf(r->fwds, sizeof(r->fwds), "%s/forwards", dir);
	snprintf(r->sw, sizeof(r->sw), "%s/switch", dir);
	snprintf(r->sw_ctl, sizeof(r->sw_ctl), "%s/switch/ctl", dir);
	snprintf(r->ctl, sizeof(r->ctl), "%s/ctl.sock", dir);
	snprintf(r->pid, sizeof(r->pid), "%s/pid", dir);
	snprintf(r->log, sizeof(r->log), "%s/log", dir);
	return 0;
}

/* dir's entries, and those of its subdirectories while depth allows
 * (the switch's directory holds its sockets and the guests' ones). */
static int rm_tree(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char path[USER_RUNDIR_MAX + 512];

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (depth > 0 && (e->d_type == DT_DIR ||
				  (e->d_type == DT_UNKNOWN && !lstat(path, &st) && S_ISDIR(st.st_mode))))
			rm_tree(path, depth - 1);
		else
			unlink(path);
	}
	if (d)
		closedir(d);
	return rmdir(dir) ? -errno : 0;
}

int user_rundir_remove(const struct user_rundir *r)
{
	return rm_tree(r->dir, 1);
}
