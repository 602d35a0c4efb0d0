/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int open_forwarding(const char *dev, int flags)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", dev);
	return open(path, flags | O_CLOEXEC);
}

int ipv4_forwarding_get(const char *dev)
{
	char buf[8] = "";
	int fd = open_forwarding(dev, O_RDONLY), e;
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = read(fd, buf, sizeof(buf) - 1);
	e = errno;
	close(fd);
	if (r <= 0)
		return r < 0 ? -e : -EIO;
	return buf[0] != '0';
}

int ipv4_forwarding_on(const char *dev)
{
	int fd = open_forwarding(dev, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "1\n", 2) != 2)
		ret = -errno;
	close(fd);
	return ret;
}
