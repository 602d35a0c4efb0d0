/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The control socket. One request per connection; the client has a short
 * deadline to send it, so a stalled peer cannot hold the daemon. */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/epoll.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "util/util.h"

static int listen_fd = -1;
static char sock_path[108];
static struct netmgr *mgr;
static struct loop *ev_loop;

/* net-event subscribers: connections kept open, sent one JSON event per
 * line. Non-blocking: one that does not read is dropped, never waited for. */
#define MAX_SUBSCRIBERS 32
static struct subscriber {
	int fd;
	char net[NETDEF_NAME_MAX]; /* "" = every network */
} subs[MAX_SUBSCRIBERS];
static size_t n_subs;

static void sub_drop(size_t i, const char *why)
{
	log_info("net-event: subscriber %d gone (%s)", subs[i].fd, why);
	loop_del_fd(ev_loop, subs[i].fd);
	close(subs[i].fd);
	subs[i] = subs[--n_subs];
}

/* A subscriber sends nothing more: readable means it closed (or talks
 * out of turn); either way it is done. */
static void on_sub(int fd, uint32_t events, void *data)
{
	(void)events;
	(void)data;
	for (size_t i = 0; i < n_subs; i++)
		if (subs[i].fd == fd)
			return sub_drop(i, "closed");
}

static void broadcast(struct json_object *ev)
{
	struct json_object *v;
	const char *net = json_object_object_get_ex(ev, "network", &v) ? json_object_get_string(v) : "";

	for (size_t i = 0; i < n_subs;) {
		if (subs[i].net[0] && strcmp(subs[i].net, net)) {
			i++;
			continue;
		}
		if (ctl_send(subs[i].fd, ev)) {
			sub_drop(i, "not reading");
			continue;
		}
		i++;
	}
}

static int subscribe(int fd, struct json_object *req)
{
	struct json_object *args, *a0;
	struct subscriber *s;

	if (n_subs >= MAX_SUBSCRIBERS)
		return -ENOSPC;
	s = &subs[n_subs];
	s->fd = fd;
	s->net[0] = '\0';
	if (json_object_object_get_ex(req, "args", &args) && (a0 = json_object_array_get_idx(args, 0))) {
		struct network *n = netmgr_find(mgr, json_object_get_string(a0));

		snprintf(s->net, sizeof(s->net), "%s", n ? n->def->name : json_object_get_string(a0));
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    loop_add_fd(ev_loop, fd, EPOLLIN | EPOLLRDHUP, on_sub, NULL))
		return -EIO;
	n_subs++;
	log_info("net-event: subscriber %d%s%s", fd, s->net[0] ? " for network " : "", s->net);
	mgr->on_event = broadcast;
	return 0;
}

static int is_event_request(struct json_object *req)
{
	struct json_object *v;

	return json_object_object_get_ex(req, "cmd", &v) &&
	       json_object_is_type(v, json_type_string) &&
	       !strcmp(json_object_get_string(v), "net-event");
}

static int reply_ok(struct json_object *rep)
{
	struct json_object *v;

	return json_object_object_get_ex(rep, "ok", &v) && json_object_get_boolean(v);
}

/* Root, the daemon's own user, or a member of group "vnet" (primary or
 * supplementary: the peer's uid is looked up, never its pid). */
static int peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct group *g;
	struct passwd *pw;
	gid_t groups[256];
	int n = 256;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return 0;
	if (cred.uid == 0 || cred.uid == getuid())
		return 1;
	g = getgrnam("vnet");
	if (!g)
		return 0;
	if (cred.gid == g->gr_gid)
		return 1;
	pw = getpwuid(cred.uid);
	if (!pw || getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (groups[i] == g->gr_gid)
			return 1;
	return 0;
}

static void reply_error(int fd, const char *msg)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "error", json_object_new_string(msg));
	ctl_send(fd, r);
	json_object_put(r);
}

/* 1: the connection was kept (a net-event subscriber). */
static int serve_client(int fd)
{
	struct timeval tv = { .tv_sec = 2 };
	struct json_object *req, *rep;
	int ret;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!peer_allowed(fd)) {
		reply_error(fd, "permission denied: only root or the vnet group may control vnetd");
		return 0;
	}
	ret = ctl_recv(fd, &req);
	if (ret) {
		if (ret != -ECONNRESET && ret != -EAGAIN)
			reply_error(fd, ret == -EMSGSIZE ? "request too large" : "malformed request");
		return 0;
	}
	rep = commands_exec(mgr, req);
	if (is_event_request(req) && reply_ok(rep) && n_subs >= MAX_SUBSCRIBERS) {
		json_object_put(rep);
		reply_error(fd, "too many net-event subscribers");
		json_object_put(req);
		return 0;
	}
	ret = ctl_send(fd, rep) == 0 && is_event_request(req) && reply_ok(rep) && !subscribe(fd, req);
	json_object_put(req);
	json_object_put(rep);
	return ret;
}

static void on_accept(int fd, uint32_t events, void *data)
{
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

	if (c < 0) {
		/* Out of descriptors: back off instead of spinning on the event. */
		if (errno == EMFILE || errno == ENFILE)
			usleep(100000);
		return;
	}
	if (!serve_client(c))
		close(c);
}

/* A daemon already answering on the socket must not be disturbed. */
static int socket_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), alive;

	if (fd < 0)
		return 0;
	alive = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return alive;
}

int ctlsock_open(struct loop *loop, struct netmgr *m, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int ret;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (socket_alive(&sa))
		return -EADDRINUSE;
	unlink(path);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (listen_fd < 0)
		return -errno;
	old = umask(0007);
	ret = bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret < 0 || listen(listen_fd, 16) < 0) {
		ret = -errno;
		close(listen_fd);
		listen_fd = -1;
		return ret;
	}
	snprintf(sock_path, sizeof(sock_path), "%s", path);
	mgr = m;
	ev_loop = loop;
	return loop_add_fd(loop, listen_fd, EPOLLIN, on_accept, NULL);
}

void ctlsock_close(void)
{
	if (listen_fd < 0)
		return;
	while (n_subs)
		sub_drop(n_subs - 1, "vnetd stops");
	if (mgr)
		mgr->on_event = NULL;
	close(listen_fd);
	unlink(sock_path);
	listen_fd = -1;
}
