/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fdatasync without blocking the caller: Linux AIO's IOCB_CMD_FDSYNC (kernel
 * >= 4.18, any file system: the kernel runs the sync on a worker), whose
 * completion signals an eventfd the event loop watches. No thread in the
 * process (glibc's POSIX aio_fsync would start one, and the sandboxed
 * service child may not clone). Where io_setup is refused (aio-max-nr
 * reached, a filter), the sync is done in place. */
#include "util.h"

#include <errno.h>
#include <linux/aio_abi.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static aio_context_t ctx_of(const struct fdsync *s)
{
	return (aio_context_t)s->ctx;
}

int fdsync_init(struct fdsync *s)
{
	aio_context_t ctx = 0;

	memset(s, 0, sizeof(*s));
	s->efd = -1;
	s->fd = -1;
	if (syscall(SYS_io_setup, 1, &ctx) < 0)
		return 0; /* synchronous */
	s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->efd < 0) {
		syscall(SYS_io_destroy, ctx);
		return 0;
	}
	s->ctx = (uint64_t)ctx;
	return 0;
}

static int start(struct fdsync *s, int fd, int full, int *ret_err)
{
	struct iocb cb = { .aio_fildes = (uint32_t)fd,
			   .aio_lio_opcode = full ? IOCB_CMD_FSYNC : IOCB_CMD_FDSYNC,
			   .aio_flags = IOCB_FLAG_RESFD, .aio_resfd = (uint32_t)s->efd };
	struct iocb *list[1] = { &cb };

	if (s->fd >= 0)
		return -EBUSY;
	if (s->ctx && syscall(SYS_io_submit, ctx_of(s), 1, list) == 1) {
		s->fd = fd;
		return 1;
	}
	*ret_err = (full ? fsync(fd) : fdatasync(fd)) < 0 ? -errno : 0;
	return 0;
}

int fdsync_start(struct fdsync *s, int fd, int *ret_err)
{
	return start(s, fd, 0, ret_err);
}

int fdsync_start_full(struct fdsync *s, int fd, int *ret_err)
{
	return start(s, fd, 1, ret_err);
}

/* Reap the one completion: 1 and *ret_err, or 0 if it is not done. */
static int reap(struct fdsync *s, const struct timespec *wait, int *ret_err)
{
	struct io_event ev;
	long r;

	do
		r = syscall(SYS_io_getevents, ctx_of(s), 1, 1, &ev, wait);
	while (r < 0 && errno == EINTR);
	if (r != 1)
		return 0;
	*ret_err = ev.res < 0 ? (int)ev.res : 0;
	s->fd = -1;
	return 1;
}

int fdsync_done(struct fdsync *s, int *ret_err)
{
	static const struct timespec now = { 0, 0 };
	uint64_t v;

	if (s->fd < 0)
		return 0;
	if (read(s->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return 0;
	return reap(s, &now, ret_err);
}

int fdsync_wait(struct fdsync *s)
{
	uint64_t v;
	int err = 0;

	if (s->fd < 0)
		return 0;
	if (!reap(s, NULL, &err))
		err = -EIO; /* the context is gone: nothing is known */
	s->fd = -1;
	if (read(s->efd, &v, sizeof(v)) < 0)
		v = 0; /* the count, cleared */
	return err;
}

void fdsync_free(struct fdsync *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		fdsync_wait(s);
	if (s->ctx)
		syscall(SYS_io_destroy, ctx_of(s));
	if (s->efd >= 0)
		close(s->efd);
	s->ctx = 0;
	s->efd = -1;
}
