/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's single-threaded event loop (epoll + a coarse timer list).
 * Every service registers its sockets here; nothing in vnetd blocks. */
#ifndef VNET_LOOP_H
#define VNET_LOOP_H

#include <stdint.h>
#include <sys/epoll.h>

struct loop;

typedef void (*loop_io_cb)(int fd, uint32_t events, void *data);
typedef void (*loop_timer_cb)(void *data);

struct loop *loop_new(void);
void loop_free(struct loop *l);

/* events are EPOLLIN/EPOLLOUT bits. Returns 0 or -errno. */
int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_io_cb cb, void *data);
int loop_mod_fd(struct loop *l, int fd, uint32_t events);
void loop_del_fd(struct loop *l, int fd);

/* One-shot timer firing after ms milliseconds; returns an id > 0 or -errno. */
long loop_add_timer(struct loop *l, unsigned ms, loop_timer_cb cb, void *data);
void loop_cancel_timer(struct loop *l, long id);

/* Monotonic milliseconds, and wall-clock seconds (for lease expiry). */
uint64_t loop_now_ms(void);

int loop_run(struct loop *l);
void loop_quit(struct loop *l);

#endif
