/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Who the service child runs as, and the one directory it may write.
 *
 * The default user is "vnet-svc" (dist/vnet.sysusers creates it): a uid
 * of its own, so nothing else on the host owns the lease files. Where it
 * does not exist (a tree run from the build directory, tests) the child
 * runs as nobody:nogroup (65534), which is still no root and no
 * capability, but shares its uid with whatever else runs as nobody. */
#include "privsep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

#define NOBODY 65534

static int parse_ids(const char *spec, uid_t *uid, gid_t *gid)
{
	unsigned long u, g;
	char *end;

	u = strtoul(spec, &end, 10);
	if (end == spec)
		return -1;
	g = u;
	if (*end == ':') {
		const char *gs = end + 1;

		g = strtoul(gs, &end, 10);
		if (end == gs)
			return -1;
	}
	if (*end || u == 0 || g == 0 || u > 0xfffffffe || g > 0xfffffffe)
		return -1;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

int privsep_resolve_user(const char *spec, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	const struct passwd *pw;

	if (spec && spec[0] >= '0' && spec[0] <= '9') {
		if (parse_ids(spec, uid, gid))
			return snprintf(err, errlen, "service user '%s': expected UID[:GID], not root",
					spec), -1;
		return 0;
	}
	pw = getpwnam(spec ? spec : PRIVSEP_DEFAULT_USER);
	if (pw && pw->pw_uid && pw->pw_gid) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
		return 0;
	}
	if (spec)
		return snprintf(err, errlen, "service user '%s' %s", spec,
				pw ? "is root" : "does not exist"), -1;
	*uid = NOBODY;
	*gid = NOBODY;
	return 0;
}

/* The directory, its lease files and temp files: a name the child made. */
static int own_entries(int dfd, uid_t uid, gid_t gid)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.' ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    (st.st_uid == uid && st.st_gid == gid))
			continue;
		if (fchownat(dirfd(d), e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
			ret = -errno;
	}
	closedir(d);
	return ret;
}

int privsep_own_dir(const char *dir, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), ret = 0;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* readable by all (the NSS module reads the leases in any process);
	 * the mode while it is still root's: without CAP_FOWNER only then */
	if (st.st_uid == geteuid() && (st.st_mode & 07777) != 0755)
		ret = fchmod(fd, 0755);
	if (!ret && (st.st_uid != uid || st.st_gid != gid))
		ret = fchown(fd, uid, gid);
	if (ret) {
		snprintf(err, errlen, "cannot give %s to uid %u: %s", dir, (unsigned)uid,
			 strerror(errno));
		close(fd);
		return -1;
	}
	ret = own_entries(fd, uid, gid); /* closes fd */
	if (ret)
		return snprintf(err, errlen, "cannot give the files in %s to uid %u: %s", dir,
				(unsigned)uid, strerror(-ret)), -1;
	return 0;
}
