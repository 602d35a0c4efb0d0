/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ctlproto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
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
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += w;
	}
	return 0;
}

int ctl_recv(int fd, struct json_object **ret)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	struct json_object *obj;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

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
