/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
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
