/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl.h"

static int connect_daemon(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vnetctl: socket path too long: %s\n", path);
		exit(1);
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		fprintf(stderr, "vnetctl: cannot connect to vnetd at %s: %s%s\n", path, strerror(e),
			e == EACCES || e == EPERM ? " (root or the vnet group may use it)"
						  : " (is vnetd running?)");
		exit(1);
	}
	return fd;
}

struct json_object *client_call(const char *sock, const char *cmd, struct json_object *args,
				struct json_object *opts)
{
	struct json_object *req = json_object_new_object(), *rep, *v, *data = NULL;
	struct timeval tv = { .tv_sec = 60 };
	int fd = connect_daemon(sock), ret;

	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	json_object_object_add(req, "args", args ? args : json_object_new_array());
	if (opts)
		json_object_object_add(req, "opts", json_object_get(opts)); /* opts stay the caller's */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ret = ctl_send(fd, req);
	json_object_put(req);
	/* EPIPE: vnetd refused before reading it all; its reply says why */
	if (!ret || ret == -EPIPE)
		ret = ctl_recv(fd, &rep);
	close(fd);
	if (ret) {
		fprintf(stderr, "vnetctl: no valid reply from vnetd: %s\n", strerror(-ret));
		exit(1);
	}
	if (!json_object_object_get_ex(rep, "ok", &v) || !json_object_get_boolean(v)) {
		fprintf(stderr, "vnetctl: %s\n",
			json_object_object_get_ex(rep, "error", &v) ? json_object_get_string(v)
								    : "request failed");
		json_object_put(rep);
		exit(1);
	}
	if (json_object_object_get_ex(rep, "data", &v))
		data = json_object_get(v);
	json_object_put(rep);
	return data;
}

/* One line of fd into *line (buffered in b), waiting until deadline (ms
 * of CLOCK_MONOTONIC, -1: none). 1: a line; 0: timed out; -1: closed. */
struct linebuf {
	char buf[65536];
	size_t len;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int read_line(int fd, struct linebuf *b, long long deadline, char *line, size_t max)
{
	for (;;) {
		char *nl = memchr(b->buf, '\n', b->len);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline < 0 ? -1 : deadline - now_ms();
		ssize_t r;

		if (nl) {
			size_t l = (size_t)(nl - b->buf);

			snprintf(line, max, "%.*s", (int)l, b->buf);
			memmove(b->buf, nl + 1, b->len - l - 1);
			b->len -= l + 1;
			return 1;
		}
		if (b->len == sizeof(b->buf))
			return -1; /* no line that long */
		if (deadline >= 0 && left <= 0)
			return 0;
		r = poll(&p, 1, (int)(left > 1000000 ? 1000000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			continue;
		r = read(fd, b->buf + b->len, sizeof(b->buf) - b->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b->len += (size_t)r;
	}
}

int client_stream(const char *sock, const char *cmd, struct json_object *args,
		  struct json_object *opts, int timeout_s,
		  int (*cb)(struct json_object *ev, void *ctx), void *ctx)
{
	struct json_object *req = json_object_new_object(), *rep, *v;
	static struct linebuf b;
	long long deadline = timeout_s > 0 ? now_ms() + timeout_s * 1000LL : -1;
	int fd = connect_daemon(sock), ret, n = 0;
	static char line[65536];

	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	json_object_object_add(req, "args", args ? args : json_object_new_array());
	if (opts)
		json_object_object_add(req, "opts", json_object_get(opts));
	ret = ctl_send(fd, req);
	json_object_put(req);
	if (ret || read_line(fd, &b, now_ms() + 60000, line, sizeof(line)) != 1 ||
	    !(rep = json_tokener_parse(line))) {
		fprintf(stderr, "vnetctl: no valid reply from vnetd\n");
		exit(1);
	}
	if (!json_object_object_get_ex(rep, "ok", &v) || !json_object_get_boolean(v)) {
		fprintf(stderr, "vnetctl: %s\n",
			json_object_object_get_ex(rep, "error", &v) ? json_object_get_string(v)
								    : "request failed");
		exit(1);
	}
	json_object_put(rep);
	while ((ret = read_line(fd, &b, deadline, line, sizeof(line))) == 1) {
		struct json_object *ev = json_tokener_parse(line);

		if (!ev)
			continue;
		n++;
		ret = cb(ev, ctx);
		json_object_put(ev);
		if (!ret)
			break;
	}
	close(fd);
	if (ret < 0)
		fprintf(stderr, "vnetctl: vnetd closed the event stream\n");
	return n;
}
