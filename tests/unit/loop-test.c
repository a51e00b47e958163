/* The event loop: timers and watched fds, hang-ups included, and watches
 * changed from inside a pass. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"
#include "xalloc.h"

struct reader {
	struct loop	*loop;
	int		 fd;
	int		 calls;
	size_t		 got;
	bool		 eof;
	struct reader	*other;		/* stopped from this one's callback */
};

static void
reader_fn(void *arg)
{
	struct reader *r = arg;
	char buf[64];
	ssize_t n;

	r->calls++;
	while ((n = read(r->fd, buf, sizeof buf)) > 0)
		r->got += (size_t)n;
	if (n == 0) {
		r->eof = true;
		loop_watch_fd(r->loop, r->fd, NULL, NULL);
	}
	if (r->other != NULL)
		loop_watch_fd(r->loop, r->other->fd, NULL, NULL);
}

static void
open_pipe(int p[2])
{
	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
}

static void
test_two_fds(void **state)
{
	struct loop *l = loop_new();
	struct reader a = { 0 }, b = { 0 };
	int pa[2], pb[2];

	open_pipe(pa);
	open_pipe(pb);
	a.loop = b.loop = l;
	a.fd = pa[0];
	b.fd = pb[0];
	loop_watch_fd(l, a.fd, reader_fn, &a);
	loop_watch_fd(l, b.fd, reader_fn, &b);
	assert_int_equal(write(pb[1], "hello", 5), 5);
	loop_run_once(l, 1000);
	assert_int_equal(a.calls, 0);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.got, 5);

	/* A writer that goes is seen: curl reports no POLLHUP, the loop
	 * does, and the reader gets its end of file. */
	close(pa[1]);
	loop_run_once(l, 1000);
	assert_int_equal(a.calls, 1);
	assert_true(a.eof);
	close(pa[0]);

	close(pb[1]);
	loop_run_once(l, 1000);
	assert_true(b.eof);
	close(pb[0]);
	/* Nothing watched, nothing pending: a pass returns. */
	loop_run_once(l, 0);
	assert_int_equal(loop_pending(l), 0);
	loop_free(l);
}

/* A watch stopped by an earlier callback of the same pass is not called,
 * and one watched again on the same fd gets only later passes. */
static void
test_changed_in_a_pass(void **state)
{
	struct loop *l = loop_new();
	struct reader a = { 0 }, b = { 0 }, c = { 0 };
	int pa[2], pb[2];

	open_pipe(pa);
	open_pipe(pb);
	a.loop = b.loop = c.loop = l;
	a.fd = pa[0];
	b.fd = c.fd = pb[0];
	a.other = &b;
	b.other = &a;
	loop_watch_fd(l, a.fd, reader_fn, &a);
	loop_watch_fd(l, b.fd, reader_fn, &b);
	assert_int_equal(write(pa[1], "x", 1), 1);
	assert_int_equal(write(pb[1], "y", 1), 1);
	loop_run_once(l, 1000);
	/* Whichever ran first stopped the other. */
	assert_int_equal(a.calls + b.calls, 1);

	/* Replaced: the new fn only. */
	loop_watch_fd(l, a.fd, NULL, NULL);
	loop_watch_fd(l, pb[0], reader_fn, &b);
	loop_watch_fd(l, pb[0], reader_fn, &c);
	b.calls = c.calls = 0;
	b.other = NULL;
	assert_int_equal(write(pb[1], "z", 1), 1);
	loop_run_once(l, 1000);
	assert_int_equal(b.calls, 0);
	assert_int_equal(c.calls, 1);
	loop_watch_fd(l, pb[0], NULL, NULL);
	close(pa[0]);
	close(pa[1]);
	close(pb[0]);
	close(pb[1]);
	loop_free(l);
}

struct writer {
	int	fd;
};

static void
writer_fn(void *arg)
{
	struct writer *w = arg;

	assert_int_equal(write(w->fd, "ok", 2), 2);
	close(w->fd);
}

static void
done_fn(void *arg)
{
	struct reader *r = arg;
	char buf[8];

	r->calls++;
	if (read(r->fd, buf, sizeof buf) == 0) {
		r->eof = true;
		loop_watch_fd(r->loop, r->fd, NULL, NULL);
	}
}

/* loop_run_until waits on watched fds and timers alike. */
static void
test_run_until(void **state)
{
	struct loop *l = loop_new();
	struct reader r = { 0 };
	struct writer w;
	int p[2];

	open_pipe(p);
	r.loop = l;
	r.fd = p[0];
	w.fd = p[1];
	loop_watch_fd(l, r.fd, done_fn, &r);
	loop_timer_add(l, 10, writer_fn, &w);
	loop_run_until(l, &r.eof);
	assert_true(r.eof);
	close(p[0]);
	loop_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_fds),
		cmocka_unit_test(test_changed_in_a_pass),
		cmocka_unit_test(test_run_until),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
