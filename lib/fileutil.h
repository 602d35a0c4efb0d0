/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small file helpers: crash-safe replacement, whole-file reads, mkdir -p. */
#ifndef VNET_FILEUTIL_H
#define VNET_FILEUTIL_H

#include <stddef.h>

/* Replace path with data: write a temp file in the same directory, fsync,
 * rename over path, fsync the directory. After a crash the file is either
 * entirely old or entirely new. 0 or -errno. */
int file_write_atomic(const char *path, const void *data, size_t len, unsigned mode);
/* Read a whole file (NUL-terminated, at most max bytes) into *ret. */
int file_read_all(const char *path, size_t max, char **ret, size_t *ret_len);
/* mkdir -p with the given mode for created components. */
int mkdir_p(const char *path, unsigned mode);

#endif
