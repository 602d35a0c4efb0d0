/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int ctl_send(int fd, struct json_object *obj)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s), off = 0;

	if (len + 1 > CTL_MSG_MAX)
		return -EMSGSIZE;
	while (off < len + 1) {
		const char *p = off < len ? s + off : "\n";
		size_t n = off < len ? len - off : 1;
		/* no SIGPIPE: a peer that refused us early still left a reply */
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += w;
	}
	return 0;
}

/* SO_RCVTIMEO bounds each read; a peer trickling a byte at a time would
 * restart it forever, so it is turned into a deadline for the whole line:
 * before each read the timeout is set to what is left. 0 or -EAGAIN. */
static int rcv_deadline(int fd, struct timespec *end)
{
	struct timeval tv;
	struct timespec now;
	socklen_t sl = sizeof(tv);
	long long left;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!end->tv_sec && !end->tv_nsec) {
		if (getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &sl) || (!tv.tv_sec && !tv.tv_usec))
			end->tv_sec = -1; /* no timeout: nothing to bound */
		else
			*end = (struct timespec){ now.tv_sec + tv.tv_sec, now.tv_nsec + tv.tv_usec * 1000 };
		return 0;
	}
	if (end->tv_sec < 0)
		return 0;
	left = (end->tv_sec - now.tv_sec) * 1000000LL + (end->tv_nsec - now.tv_nsec) / 1000;
	if (left <= 0)
		return -EAGAIN;
	tv = (struct timeval){ left / 1000000, left % 1000000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

int ctl_recv(int fd, struct json_object **ret)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	struct json_object *obj;
	struct timespec end = { 0 };

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (rcv_deadline(fd, &end)) {
			free(buf);
			return -EAGAIN;
		}

		if (len + 1 >= cap) {
			char *nb;

			if (cap >= CTL_MSG_MAX) {
				free(buf);
				return -EMSGSIZE;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			free(buf);
			return err;
		}
		if (r == 0) {
			free(buf);
			return -ECONNRESET;
		}
		len += r;
		if (memchr(buf + len - r, '\n', r))
			break;
	}
	buf[len] = '\0';
	obj = json_tokener_parse(buf);
	free(buf);
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return -EBADMSG;
	}
	*ret = obj;
	return 0;
}
