/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_full(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= w;
	}
	return 0;
}

static int fsync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd, err = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Write all of data to fd, fsync it and close it: the first error. */
static int write_sync_close(int fd, const void *data, size_t len)
{
	int err = write_full(fd, data, len);

	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

int file_write_atomic(const char *path, const void *data, size_t len, unsigned mode)
{
	char tmp[4096];
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	err = write_sync_close(fd, data, len);
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	return fsync_dir_of(path);
}

int file_append_sync(const char *path, const void *data, size_t len, unsigned mode)
{
	int created = access(path, F_OK) != 0, err;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode);

	if (fd < 0)
		return -errno;
	err = write_sync_close(fd, data, len);
	return err || !created ? err : fsync_dir_of(path);
}

int file_read_all(const char *path, size_t max, char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	struct stat st;
	size_t want, n;
	char *buf;

	if (!f)
		return -errno;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return -EISDIR;
	}
	/* Size the buffer from the file (one byte more detects growth past
	 * max); pseudo-files report 0 and get max. */
	want = fstat(fileno(f), &st) == 0 && st.st_size > 0 && (size_t)st.st_size < max
		       ? (size_t)st.st_size + 1 : max + 1;
	buf = malloc(want + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, want, f);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return -EIO;
	}
	fclose(f);
	if (n > max) {
		free(buf);
		return -EFBIG;
	}
	buf[n] = '\0';
	*ret = buf;
	if (ret_len)
		*ret_len = n;
	return 0;
}

int mkdir_p(const char *path, unsigned mode)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int tmp_name(const char *path, char *tmp, size_t cap)
{
	return snprintf(tmp, cap, "%s.tmp.%d", path, (int)getpid()) >= (int)cap ? -ENAMETOOLONG : 0;
}

int file_atomic_begin(const char *path, const void *data, size_t len, unsigned mode,
		      int *ret_fd)
{
	char tmp[4096];
	int fd, err = tmp_name(path, tmp, sizeof(tmp));

	*ret_fd = -1;
	if (err)
		return err;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	err = write_full(fd, data, len);
	if (err) {
		close(fd);
		unlink(tmp);
		return err;
	}
	*ret_fd = fd;
	return 0;
}

int file_atomic_commit(const char *path, int fd, int err, int *ret_dirfd)
{
	char tmp[4096], *copy;
	int dfd;

	*ret_dirfd = -1;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err)
		err = tmp_name(path, tmp, sizeof(tmp));
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err) {
		if (!tmp_name(path, tmp, sizeof(tmp)))
			unlink(tmp);
		return err;
	}
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (dfd < 0)
		return -errno;
	*ret_dirfd = dfd;
	return 0;
}
