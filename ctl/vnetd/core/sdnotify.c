/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sd_notify(3) by hand: "the notification is a datagram sent to the AF_UNIX
 * socket in $NOTIFY_SOCKET; a leading '@' names the abstract namespace". */
#include "core.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Fill sa from $NOTIFY_SOCKET; returns the address length, 0 if unset. */
static int notify_addr(struct sockaddr_un *sa)
{
	const char *e = getenv("NOTIFY_SOCKET");
	size_t len;

	if (!e || !*e)
		return 0;
	len = strlen(e);
	if ((e[0] != '/' && e[0] != '@') || len >= sizeof(sa->sun_path))
		return -EAFNOSUPPORT; /* e.g. "vsock:", which vnetd never runs under */
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, e, len);
	if (e[0] == '@')
		sa->sun_path[0] = '\0'; /* abstract: length counts, no NUL terminator */
	else
		len++;
	return (int)(offsetof(struct sockaddr_un, sun_path) + len);
}

int sdnotify_send(const char *state)
{
	struct sockaddr_un sa;
	int alen = notify_addr(&sa), fd, ret = 0;

	if (alen <= 0)
		return alen;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, alen) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int sdnotify_ready(const char *where)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "READY=1\nSTATUS=listening on %s", where ? where : "?");
	return sdnotify_send(buf);
}

uint64_t sdnotify_watchdog_usec(void)
{
	const char *u = getenv("WATCHDOG_USEC"), *p = getenv("WATCHDOG_PID");
	char *end;
	unsigned long long v;

	if (!u || !*u)
		return 0;
	/* "If $WATCHDOG_PID is set, only that process should send keep-alives." */
	if (p && *p && strtol(p, NULL, 10) != (long)getpid())
		return 0;
	errno = 0;
	v = strtoull(u, &end, 10);
	if (errno || *end || v == 0)
		return 0;
	return v;
}

int sdnotify_watchdog(void)
{
	if (!sdnotify_watchdog_usec())
		return 0;
	return sdnotify_send("WATCHDOG=1");
}
