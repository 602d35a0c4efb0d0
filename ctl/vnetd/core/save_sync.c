/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A lease file save's syncs on the loop (core.h: save_sync), shared by the
 * DHCPv4 and DHCPv6 services: each step's fsync runs through fdsync, its
 * completion comes back as the eventfd's readiness, the owner's step()
 * names the next file to sync, done() runs when the save is over; the
 * replies that wait for the save are released before. */
#include "core.h"

#include <errno.h>
#include <unistd.h>

static void on_synced(int fd, uint32_t events, void *data);

int save_sync_init(struct save_sync *c, struct loop *loop, const struct save_sync_ops *ops,
		   void *ctx)
{
	*c = (struct save_sync){ .loop = loop, .ops = ops, .ctx = ctx, .fd = -1 };
	fdsync_init(&c->sync);
	c->hold_path = test_hook(TEST_HOOK_DHCP_FLUSH_HOLD);
	if (c->sync.efd >= 0) {
		if (loop_add_fd(loop, c->sync.efd, EPOLLIN, on_synced, c) < 0)
			return -EIO;
		c->watched = 1;
	}
	return 0;
}

/* Test builds only: a sync does not complete while the hook's file exists,
 * as on a disk that takes its time. */
static int held(const struct save_sync *c)
{
	return c->hold_path && *c->hold_path && access(c->hold_path, F_OK) == 0;
}

int save_sync_run(struct save_sync *c, int fd, int full)
{
	int err, r = 1;

	while (r == 1) {
		if ((full ? fdsync_start_full(&c->sync, fd, &err) : fdsync_start(&c->sync, fd, &err)) ==
		    1) {
			c->fd = fd;
			c->full = full;
			return 1;
		}
		while (held(c)) /* synchronous: no AIO here */
			usleep(10000);
		r = c->ops->step(c->ctx, fd, err, &fd, &full);
	}
	return 0;
}

void save_sync_kick(struct save_sync *c, unsigned n_held)
{
	int fd, full;

	if (save_sync_busy(c))
		return;
	if (c->ops->begin(c->ctx, &fd, &full) == 1 && save_sync_run(c, fd, full)) {
		c->n_inflight = n_held;
		return;
	}
	if (n_held)
		c->ops->release(c->ctx, n_held);
}

/* The save is over: its replies leave. */
static void release_inflight(struct save_sync *c)
{
	unsigned n = c->n_inflight;

	c->n_inflight = 0;
	if (n)
		c->ops->release(c->ctx, n);
}

/* The sync in flight completed with c->err: the save's next step, or done. */
static void complete(struct save_sync *c)
{
	int fd = c->fd, full = c->full;

	c->fd = -1;
	if (c->ops->step(c->ctx, fd, c->err, &fd, &full) == 1 && save_sync_run(c, fd, full))
		return;
	release_inflight(c);
	c->ops->done(c->ctx);
}

static void on_hold_timer(void *data)
{
	struct save_sync *c = data;

	c->hold_timer = 0;
	if (held(c))
		c->hold_timer = loop_add_timer(c->loop, 10, on_hold_timer, c);
	else
		complete(c);
}

static void on_synced(int fd, uint32_t events, void *data)
{
	struct save_sync *c = data;

	(void)fd;
	(void)events;
	if (c->fd < 0 || c->hold_timer > 0 || !fdsync_done(&c->sync, &c->err))
		return;
	if (held(c))
		c->hold_timer = loop_add_timer(c->loop, 10, on_hold_timer, c);
	else
		complete(c);
}

int save_sync_drain(struct save_sync *c)
{
	int fd = c->fd, full = c->full, err;

	if (fd < 0)
		return 0;
	if (c->hold_timer > 0)
		loop_cancel_timer(c->loop, c->hold_timer);
	c->hold_timer = 0;
	err = c->sync.fd >= 0 ? fdsync_wait(&c->sync) : c->err;
	c->fd = -1;
	while (c->ops->step(c->ctx, fd, err, &fd, &full) == 1)
		err = (full ? fsync(fd) : fdatasync(fd)) < 0 ? -errno : 0;
	release_inflight(c);
	return 1;
}

void save_sync_free(struct save_sync *c)
{
	save_sync_drain(c);
	if (c->watched)
		loop_del_fd(c->loop, c->sync.efd);
	c->watched = 0;
	fdsync_free(&c->sync);
}
