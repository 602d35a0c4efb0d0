/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of ctl/vnetd/core/ (one header per folder). */
#ifndef VNET_CORE_CORE_H
#define VNET_CORE_CORE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>

#include "util/util.h"

/* ---- loop ---- */
/* The daemon's single-threaded event loop (epoll + a coarse timer list).
 * Every service registers its sockets here; nothing in vnetd blocks. */
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

/* ---- save_sync ---- */
/* A file save's syncs without blocking the loop, one save in flight
 * (fdsync; the DHCP services' lease files): save_sync_run(fd, full) syncs
 * its first file (full: fsync, else fdatasync); at each completion
 * ops->step(ctx, that fd, the sync's 0 or -errno, &next fd, &next full)
 * takes over fd and returns 1 with the next file to sync (a temp file,
 * then its directory after the rename), or 0 when the save is over; then
 * ops->done(ctx). Test hook DHCP_FLUSH_HOLD: no sync completes while its
 * file exists.
 * The replies that wait for a save (the services' held ACKs and Replies,
 * oldest first): save_sync_kick(n_held) starts a save unless one is in
 * flight: ops->begin(ctx, &fd, &full) writes what changed and returns 1
 * with its first file to sync, or 0 (nothing to save, or it failed); the
 * first n_held replies go with that save, and ops->release(ctx, n) lets
 * them leave once it is over (before done(), or in a drain); with no save
 * in flight after the kick they leave at once. */
struct save_sync_ops {
	int (*step)(void *ctx, int fd, int err, int *ret_fd, int *ret_full);
	void (*done)(void *ctx);
	int (*begin)(void *ctx, int *ret_fd, int *ret_full);	/* for save_sync_kick */
	void (*release)(void *ctx, unsigned n);			/* for save_sync_kick */
};
struct save_sync {
	struct loop *loop;
	const struct save_sync_ops *ops;
	void *ctx;
	struct fdsync sync;
	int fd, full, err; /* the file in flight (-1: none), its kind, its result */
	unsigned n_inflight; /* the replies that go with the save in flight */
	int watched;
	const char *hold_path;
	long hold_timer;
};
/* 0, or -EIO: the completions cannot be watched. */
int save_sync_init(struct save_sync *c, struct loop *loop, const struct save_sync_ops *ops,
		   void *ctx);
/* 1: in flight (done() follows); 0: the save is over already (synchronous
 * where there is no AIO; done() is not called). */
int save_sync_run(struct save_sync *c, int fd, int full);
static inline int save_sync_busy(const struct save_sync *c)
{
	return c->fd >= 0;
}
void save_sync_kick(struct save_sync *c, unsigned n_held);
/* Finish the save in flight here, blocking (done() is not called, its
 * replies are released): 1 if there was one. Before a synchronous save,
 * or at stop. */
int save_sync_drain(struct save_sync *c);
/* Drains. */
void save_sync_free(struct save_sync *c);

/* ---- sdnotify ---- */
/* The systemd readiness protocol (sd_notify(3)) without libsystemd: one
 * datagram per state change to the unix socket named by $NOTIFY_SOCKET.
 * Without $NOTIFY_SOCKET every call is a no-op returning 0. */
/* Send "KEY=VALUE\n..." as is. 0 if sent or not under a supervisor, else -errno. */
int sdnotify_send(const char *state);

/* READY=1 plus "STATUS=listening on <where>" (the control socket path). */
int sdnotify_ready(const char *where);

/* The watchdog interval in microseconds from $WATCHDOG_USEC (honouring
 * $WATCHDOG_PID), 0 if the supervisor expects no keep-alive. */
uint64_t sdnotify_watchdog_usec(void);

/* WATCHDOG=1 if a watchdog is configured; call it at least twice per interval. */
int sdnotify_watchdog(void);

/* ---- errmsg ---- */
/* Operations that fail fill a caller's one-line buffer `err` of size
 * `errlen`: ERR("...", ...) writes it, so "return ERR(...), -EINVAL;" reads
 * as one statement. */
#define ERR(...) (void)snprintf(err, errlen, __VA_ARGS__)

/* ---- test_hooks ---- */
/* Faults and speed-ups the system tests inject. They exist only in
 * build/vnetd-test (test_hooks.c compiled with -DVNET_TEST_HOOKS): in the
 * shipped vnetd test_hook() is always NULL and the hooks' environment
 * variable names are not even in the binary. */
/* X(id, environment variable, what it does) */
#define TEST_HOOK_LIST(X)                                                                       \
	X(SHARE_FAIL, "VNET_TEST_SHARE_FAIL", "make share step STEP fail (rollback)")           \
	X(SHARE_CRASH, "VNET_TEST_SHARE_CRASH", "exit just before share step STEP (recovery)")  \
	X(CT_TIMEOUT_DIV, "VNET_CT_TIMEOUT_DIV", "divide every conntrack timeout by N")         \
	X(CHILD_CRASH, "VNET_TEST_CHILD_CRASH", "a DHCP datagram holding this text aborts the service child") \
	X(CHILD_LIE_PORT, "VNET_TEST_CHILD_LIE_PORT", "the service child names port IFINDEX for every lease") \
	X(DHCP_FLUSH_HOLD, "VNET_TEST_DHCP_FLUSH_HOLD", "a DHCP lease file flush does not complete while file PATH exists") \
	X(NO_TCX, "VNET_TEST_NO_TCX", "tcx link creation refused (EINVAL) as by a kernel before 6.6")

enum test_hook {
#define X(id, env, what) TEST_HOOK_##id,
	TEST_HOOK_LIST(X)
#undef X
	TEST_HOOK_MAX
};

/* The hook's value (its environment variable in a test build), or NULL. */
const char *test_hook(enum test_hook h);

#endif
