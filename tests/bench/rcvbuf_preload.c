/* SPDX-License-Identifier: GPL-2.0-or-later */
/* LD_PRELOAD for a load generator we cannot change (perfdhcp): every UDP
 * socket it opens gets a receive buffer of $RCVBUF_BYTES (default 32 MiB)
 * through SO_RCVBUFFORCE (needs CAP_NET_ADMIN). A network namespace's
 * sockets start at the host's net.core.rmem_default (208 KiB), which a
 * namespace cannot raise on this kernel; at 10k+ exchanges/s perfdhcp's
 * socket overflowed and the bench measured the client, not the server. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/socket.h>

int socket(int domain, int type, int protocol)
{
	static int (*real_socket)(int, int, int);
	const char *env = getenv("RCVBUF_BYTES");
	int fd, bytes = env ? atoi(env) : 32 << 20;

	if (!real_socket)
		*(void **)&real_socket = dlsym(RTLD_NEXT, "socket");
	if (!real_socket)
		return -1;
	fd = real_socket(domain, type, protocol);
	if (fd >= 0 && (domain == AF_INET || domain == AF_INET6) &&
	    (type & 0xff) == SOCK_DGRAM && bytes > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes));
	return fd;
}
