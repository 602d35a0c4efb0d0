/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where user networks live, following the XDG base directory spec. */
#include "user_priv.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

static const char *home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && *h)
		return h;
	pw = getpwuid(getuid());
	return pw ? pw->pw_dir : "/";
}

/* $VAR/vnet, else $HOME/fallback/vnet */
static void xdg(char *out, size_t cap, const char *var, const char *fallback)
{
	const char *v = getenv(var);

	if (v && v[0] == '/')
		snprintf(out, cap, "%s/vnet", v);
	else
		snprintf(out, cap, "%s/%s/vnet", home(), fallback);
}

/* The run dir must be ours and private: someone else's directory there
 * could hand our guests to them. */
static void check_private(const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077)) {
		fprintf(stderr, "vnetctl: %s must be a directory owned by you with mode 0700\n", dir);
		exit(1);
	}
}

void user_paths(struct user_paths *p, const char *net)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char dir[sizeof(p->run) + NETDEF_NAME_MAX + 1];

	xdg(p->conf, sizeof(p->conf), "XDG_CONFIG_HOME", ".config");
	strncat(p->conf, "/networks", sizeof(p->conf) - strlen(p->conf) - 1);
	xdg(p->state, sizeof(p->state), "XDG_STATE_HOME", ".local/state");
	if (rt && rt[0] == '/')
		snprintf(p->run, sizeof(p->run), "%s/vnet", rt);
	else /* no session runtime dir (e.g. su without a login): a private one */
		snprintf(p->run, sizeof(p->run), "/tmp/vnet-%u", (unsigned)getuid());
	if (mkdir_p(p->run, 0700) && errno != EEXIST) {
		fprintf(stderr, "vnetctl: cannot create %s: %s\n", p->run, strerror(errno));
		exit(1);
	}
	check_private(p->run);
	net = net ? net : "";
	snprintf(p->def, sizeof(p->def), "%s/%s.xml", p->conf, net);
	snprintf(p->leases, sizeof(p->leases), "%s/%s.leases", p->state, net);
	snprintf(dir, sizeof(dir), "%s/%s", p->run, net);
	if (user_rundir_init(&p->rd, dir)) {
		fprintf(stderr, "vnetctl: %s: path too long\n", dir);
		exit(1);
	}
}
