/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int conf6_open(const char *dev, const char *name, int flags)
{
	char path[160];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", dev, name);
	return open(path, flags | O_CLOEXEC);
}

int ipv6_conf_get(const char *dev, const char *name)
{
	char buf[16] = "";
	int fd = conf6_open(dev, name, O_RDONLY), e;
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = read(fd, buf, sizeof(buf) - 1);
	e = errno;
	close(fd);
	if (r <= 0)
		return r < 0 ? -e : -EIO;
	return atoi(buf);
}

static int conf6_set(const char *dev, const char *name, const char *val)
{
	int fd = conf6_open(dev, name, O_WRONLY), ret = 0;
	size_t n = strlen(val);

	if (fd < 0)
		return -errno;
	if (write(fd, val, n) != (ssize_t)n)
		ret = -errno;
	close(fd);
	return ret;
}

int ipv6_conf_set(const char *dev, const char *name, int val)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d\n", val);
	return conf6_set(dev, name, buf);
}

int ipv6_forwarding_on(const char *dev)
{
	int r;

	if (ipv6_conf_get(dev, "accept_ra") == 1 && (r = conf6_set(dev, "accept_ra", "2\n")))
		return r;
	if (ipv6_conf_get(dev, "forwarding") != 1 && (r = conf6_set(dev, "forwarding", "1\n")))
		return r;
	/* absent before Linux 6.17: the kernel's own forwarding then needs
	 * the global setting, which vnet leaves to the administrator */
	if (ipv6_conf_get(dev, "force_forwarding") == 0)
		conf6_set(dev, "force_forwarding", "1\n");
	return 0;
}
