/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "core.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

struct loop_fd {
	int fd;
	loop_io_cb cb;
	void *data;
	struct loop_fd *next;
};

struct loop_timer {
	long id;
	uint64_t due;
	loop_timer_cb cb;
	void *data;
	struct loop_timer *next;
};

struct loop {
	int epfd;
	int quit;
	long next_timer_id;
	struct loop_fd *fds;
	struct loop_timer *timers; /* sorted by due time */
};

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	while (l->fds) {
		struct loop_fd *f = l->fds;

		l->fds = f->next;
		free(f);
	}
	while (l->timers) {
		struct loop_timer *t = l->timers;

		l->timers = t->next;
		free(t);
	}
	close(l->epfd);
	free(l);
}

int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_io_cb cb, void *data)
{
	struct loop_fd *f = calloc(1, sizeof(*f));
	struct epoll_event ev = { .events = events };

	if (!f)
		return -ENOMEM;
	f->fd = fd;
	f->cb = cb;
	f->data = data;
	ev.data.ptr = f;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = -errno;

		free(f);
		return err;
	}
	f->next = l->fds;
	l->fds = f;
	return 0;
}

static struct loop_fd *loop_find(struct loop *l, int fd, struct loop_fd ***prevp)
{
	struct loop_fd **pp;

	for (pp = &l->fds; *pp; pp = &(*pp)->next) {
		if ((*pp)->fd == fd) {
			if (prevp)
				*prevp = pp;
			return *pp;
		}
	}
	return NULL;
}

int loop_mod_fd(struct loop *l, int fd, uint32_t events)
{
	struct loop_fd *f = loop_find(l, fd, NULL);
	struct epoll_event ev = { .events = events };

	if (!f)
		return -ENOENT;
	ev.data.ptr = f;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

/* Removal only marks the entry dead (cb = NULL) when called from inside a
 * dispatch, so a pending epoll event never touches freed memory; dead
 * entries are reaped after each dispatch round. */
static int loop_dispatching;

void loop_del_fd(struct loop *l, int fd)
{
	struct loop_fd **pp, *f = loop_find(l, fd, &pp);

	if (!f)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	if (loop_dispatching) {
		f->cb = NULL;
		f->fd = -1;
		return;
	}
	*pp = f->next;
	free(f);
}

static void loop_reap(struct loop *l)
{
	struct loop_fd **pp = &l->fds;

	while (*pp) {
		if (!(*pp)->cb) {
			struct loop_fd *dead = *pp;

			*pp = dead->next;
			free(dead);
		} else {
			pp = &(*pp)->next;
		}
	}
}

long loop_add_timer(struct loop *l, unsigned ms, loop_timer_cb cb, void *data)
{
	struct loop_timer *t = calloc(1, sizeof(*t)), **pp;

	if (!t)
		return -ENOMEM;
	t->id = ++l->next_timer_id;
	t->due = loop_now_ms() + ms;
	t->cb = cb;
	t->data = data;
	for (pp = &l->timers; *pp && (*pp)->due <= t->due; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	return t->id;
}

void loop_cancel_timer(struct loop *l, long id)
{
	struct loop_timer **pp;

	for (pp = &l->timers; *pp; pp = &(*pp)->next) {
		if ((*pp)->id == id) {
			struct loop_timer *t = *pp;

			*pp = t->next;
			free(t);
			return;
		}
	}
}

static int loop_timeout(struct loop *l)
{
	uint64_t now = loop_now_ms();

	if (!l->timers)
		return 1000;
	if (l->timers->due <= now)
		return 0;
	return (int)(l->timers->due - now);
}

static void loop_fire_timers(struct loop *l)
{
	uint64_t now = loop_now_ms();

	while (l->timers && l->timers->due <= now) {
		struct loop_timer *t = l->timers;

		l->timers = t->next;
		t->cb(t->data);
		free(t);
	}
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[32];

	while (!l->quit) {
		int n = epoll_wait(l->epfd, evs, 32, loop_timeout(l));

		if (n < 0 && errno != EINTR)
			return -errno;
		loop_dispatching = 1;
		for (int i = 0; i < n; i++) {
			struct loop_fd *f = evs[i].data.ptr;

			if (f->cb)
				f->cb(f->fd, evs[i].events, f->data);
		}
		loop_dispatching = 0;
		loop_reap(l);
		loop_fire_timers(l);
	}
	return 0;
}

void loop_quit(struct loop *l)
{
	l->quit = 1;
}
