/* SPDX-License-Identifier: GPL-2.0-or-later */
/* save_sync (ctl/vnetd/core): a save's files are synced one after the
 * other on the loop, each step handed its sync's result and the fd to take
 * over, done() once after the last; a drain finishes the steps in place
 * without done(); a failed sync's error reaches the step; a kick's held
 * replies are released when its save is over (before done(), or in a
 * drain), at once with nothing to save, never by a kick during a save. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

struct owner {
	struct loop *loop;
	int steps, dones, errs[4], fds[4];
	int n_files; /* how many files the save syncs */
	char dir[64];
	int begins, saves;	 /* begin() calls; saves: begin() has something */
	unsigned released;	 /* replies released so far */
	unsigned released_at_done; /* ... when done() ran */
};

static int step(void *ctx, int fd, int err, int *ret_fd, int *ret_full)
{
	struct owner *o = ctx;

	o->fds[o->steps] = fd;
	o->errs[o->steps++] = err;
	assert_int_equal(close(fd), 0); /* the step owns fd */
	if (o->steps >= o->n_files)
		return 0;
	*ret_fd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	*ret_full = 1;
	return 1;
}

static void done(void *ctx)
{
	struct owner *o = ctx;

	o->dones++;
	o->released_at_done = o->released;
	loop_quit(o->loop);
}

static int tmp_file(struct owner *o);

static int begin(void *ctx, int *ret_fd, int *ret_full)
{
	struct owner *o = ctx;

	o->begins++;
	if (!o->saves)
		return 0;
	o->saves--;
	*ret_fd = tmp_file(o);
	*ret_full = 0;
	return 1;
}

static void release(void *ctx, unsigned n)
{
	struct owner *o = ctx;

	o->released += n;
}

static const struct save_sync_ops ops = { .step = step, .done = done, .begin = begin,
					  .release = release };

static int tmp_file(struct owner *o)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "%s/f", o->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x\n", 2), 2);
	return fd;
}

static void setup_owner(struct owner *o, int n_files)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->dir, sizeof(o->dir), "/tmp/test_save_sync.XXXXXX");
	assert_non_null(mkdtemp(o->dir));
	o->loop = loop_new();
	assert_non_null(o->loop);
	o->n_files = n_files;
}

static void free_owner(struct owner *o)
{
	char path[96];

	snprintf(path, sizeof(path), "%s/f", o->dir);
	unlink(path);
	rmdir(o->dir);
	loop_free(o->loop);
}

static void test_steps_then_done(void **state)
{
	struct save_sync c;
	struct owner o;

	(void)state;
	setup_owner(&o, 2);
	assert_int_equal(save_sync_init(&c, o.loop, &ops, &o), 0);
	if (save_sync_run(&c, tmp_file(&o), 0)) {
		assert_true(save_sync_busy(&c));
		assert_int_equal(o.steps, 0); /* nothing before the loop runs */
		loop_run(o.loop);
		assert_int_equal(o.dones, 1);
	} else { /* no AIO here: done in place, no done() */
		assert_int_equal(o.dones, 0);
	}
	assert_false(save_sync_busy(&c));
	assert_int_equal(o.steps, 2);
	assert_int_equal(o.errs[0], 0);
	assert_int_equal(o.errs[1], 0);
	save_sync_free(&c);
	free_owner(&o);
}

static void test_drain(void **state)
{
	struct save_sync c;
	struct owner o;

	(void)state;
	setup_owner(&o, 3);
	assert_int_equal(save_sync_init(&c, o.loop, &ops, &o), 0);
	if (save_sync_run(&c, tmp_file(&o), 0))
		assert_int_equal(save_sync_drain(&c), 1);
	assert_int_equal(save_sync_drain(&c), 0); /* nothing in flight */
	assert_int_equal(o.steps, 3);
	assert_int_equal(o.dones, 0);
	assert_false(save_sync_busy(&c));
	save_sync_free(&c);
	free_owner(&o);
}

static void test_failed_sync(void **state)
{
	struct save_sync c;
	struct owner o;
	int p[2];

	(void)state;
	setup_owner(&o, 1);
	assert_int_equal(save_sync_init(&c, o.loop, &ops, &o), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	/* a pipe cannot be synced: EINVAL, in place or from the kernel */
	if (save_sync_run(&c, p[1], 0))
		loop_run(o.loop);
	assert_int_equal(o.steps, 1);
	assert_int_equal(o.errs[0], -EINVAL);
	save_sync_free(&c);
	free_owner(&o);
}

static void test_kick_releases(void **state)
{
	struct save_sync c;
	struct owner o;

	(void)state;
	setup_owner(&o, 2);
	assert_int_equal(save_sync_init(&c, o.loop, &ops, &o), 0);
	save_sync_kick(&c, 3); /* nothing to save: they leave at once */
	assert_int_equal(o.begins, 1);
	assert_int_equal(o.released, 3);
	o.released = 0;
	o.saves = 1;
	save_sync_kick(&c, 2);
	if (save_sync_busy(&c)) {
		assert_int_equal(o.released, 0);
		save_sync_kick(&c, 5); /* during the save: no other begins */
		assert_int_equal(o.begins, 2);
		loop_run(o.loop);
		assert_int_equal(o.dones, 1);
		assert_int_equal(o.released_at_done, 2); /* before done() */
	}
	assert_int_equal(o.released, 2);
	assert_int_equal(o.steps, 2);
	o.saves = 1; /* a drained save releases its replies too */
	save_sync_kick(&c, 4);
	if (save_sync_busy(&c))
		assert_int_equal(save_sync_drain(&c), 1);
	assert_int_equal(o.released, 6);
	save_sync_free(&c);
	free_owner(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps_then_done),
		cmocka_unit_test(test_drain),
		cmocka_unit_test(test_failed_sync),
		cmocka_unit_test(test_kick_releases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
