/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A network's TFTP server: lib/tftp's core on the loop (tftp_service.h). */
#include "tftp_service.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/util.h"

struct tftp_service {
	struct loop *loop;
	char net[64];
	int udp_fd, root_fd;
	int watched;
	long timer;
	struct tftp_server *srv;
};

int tftp_service_sockets(struct in_addr ip, const char *root, int *udp_fd, int *root_fd,
			 char *err, size_t errlen)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(TFTP_PORT), .sin_addr = ip };
	int one = 1, e;

	*root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*root_fd < 0) {
		e = errno;
		snprintf(err, errlen, "tftp: root '%s': %s", root, strerror(e));
		return -e;
	}
	*udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*udp_fd >= 0) {
		setsockopt(*udp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(*udp_fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			return 0;
	}
	e = errno;
	snprintf(err, errlen, "tftp: udp %s:%d: %s", inet_ntoa(ip), TFTP_PORT, strerror(e));
	if (*udp_fd >= 0)
		close(*udp_fd);
	close(*root_fd);
	return -e;
}

/* Beneath the root only, whatever symlinks the tree holds; regular files
 * only (a FIFO would block the service, a device is nobody's boot file). */
static int f_open(void *ctx, const char *name, uint64_t *size)
{
	struct tftp_service *t = ctx;
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	struct stat st;
	int fd = (int)syscall(SYS_openat2, t->root_fd, name, &how, sizeof(how));

	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -EACCES;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EACCES;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

static ssize_t f_read(void *ctx, int h, uint64_t off, void *buf, size_t n)
{
	ssize_t r;

	(void)ctx;
	do
		r = pread(h, buf, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

static void f_close(void *ctx, int h)
{
	(void)ctx;
	close(h);
}

static void send_to(void *ctx, const struct sockaddr_in *to, const void *pkt, size_t len)
{
	struct tftp_service *t = ctx;

	/* a full socket buffer loses this packet: the retransmission timer
	 * sends it again */
	sendto(t->udp_fd, pkt, len, MSG_DONTWAIT, (const struct sockaddr *)to, sizeof(*to));
}

static void on_timer(void *data);

/* Arm the timer for what the core says is due next. */
static void rearm(struct tftp_service *t)
{
	long ms = tftp_tick(t->srv, loop_now_ms());

	if (t->timer > 0)
		loop_cancel_timer(t->loop, t->timer);
	t->timer = 0;
	if (ms >= 0)
		t->timer = loop_add_timer(t->loop, (unsigned)(ms < 10 ? 10 : ms), on_timer, t);
}

static void on_timer(void *data)
{
	struct tftp_service *t = data;

	t->timer = 0;
	rearm(t);
}

static void on_udp(int fd, uint32_t events, void *data)
{
	struct tftp_service *t = data;
	uint8_t buf[TFTP_PKT_MAX + 512];
	struct sockaddr_in from;
	socklen_t fl;
	ssize_t n;

	(void)events;
	for (int i = 0; i < 64; i++) {
		fl = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0)
			break;
		if (fl < sizeof(from) || from.sin_family != AF_INET || !from.sin_port)
			continue;
		tftp_input(t->srv, loop_now_ms(), &from, buf, (size_t)n);
	}
	rearm(t);
}

struct tftp_service *tftp_service_start_on(struct loop *loop, const char *net, int udp_fd,
					   int root_fd, char *err, size_t errlen)
{
	struct tftp_service *t = calloc(1, sizeof(*t));
	struct tftp_file_ops ops = { f_open, f_read, f_close, NULL };

	if (!t) {
		close(udp_fd);
		close(root_fd);
		snprintf(err, errlen, "tftp: out of memory");
		return NULL;
	}
	t->loop = loop;
	t->udp_fd = udp_fd;
	t->root_fd = root_fd;
	snprintf(t->net, sizeof(t->net), "%s", net);
	ops.ctx = t;
	t->srv = tftp_server_new(&ops, send_to, t);
	if (!t->srv || loop_add_fd(loop, udp_fd, EPOLLIN, on_udp, t) < 0) {
		snprintf(err, errlen, "tftp: cannot serve: out of memory");
		tftp_service_stop(t);
		return NULL;
	}
	t->watched = 1;
	log_debug("tftp: %s: serving", net);
	return t;
}

void tftp_service_stop(struct tftp_service *t)
{
	if (!t)
		return;
	if (t->timer > 0)
		loop_cancel_timer(t->loop, t->timer);
	if (t->watched)
		loop_del_fd(t->loop, t->udp_fd);
	tftp_server_free(t->srv);
	close(t->udp_fd);
	close(t->root_fd);
	free(t);
}

void tftp_service_counters(const struct tftp_service *t, struct tftp_counters *c)
{
	memset(c, 0, sizeof(*c));
	if (t && t->srv)
		tftp_get_counters(t->srv, c);
}
