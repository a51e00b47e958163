#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "xalloc.h"

/* With no timer due, wake at least this often; curl's own timeouts still
 * shorten the wait, so this only bounds a quiet, idle console. */
#define LOOP_IDLE_WAIT_MS	60000

struct loop_timer {
	uint64_t		 due;
	loop_fn			 fn;
	void			*arg;
	struct loop_timer	*next;
};

/* A watched fd.  id tells a watch from a later one on the same fd
 * number, so a pass never calls a watch added after it polled. */
struct loop_watch {
	int			 fd;
	loop_fn			 fn;
	void			*arg;
	uint64_t		 id;
};

struct loop {
	CURLM			*multi;
	int			 running;	/* transfers in the multi handle */
	struct loop_timer	*timers;	/* sorted by due time */
	struct loop_watch	*watches;
	size_t			 nwatches, capwatches;
	uint64_t		 watch_id;	/* the last one given */
	struct curl_waitfd	*wfds;		/* per pass: watches + sigpipe */
	struct pollfd		*pfds;
	uint64_t		*pids;		/* watch id of each pfds[] */
	size_t			 capfds;
	int			 sigpipe[2];
	unsigned		 sigmask;	/* bit per caught signal */
};

/* Signal handlers cannot find the loop; there is one that catches signals. */
static int loop_sigfd = -1;

uint64_t
loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct loop *
loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof *l);

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatal("curl_global_init failed");
	if ((l->multi = curl_multi_init()) == NULL)
		fatal("curl_multi_init failed");
	l->sigpipe[0] = l->sigpipe[1] = -1;
	return l;
}

void
loop_free(struct loop *l)
{
	struct loop_timer *t, *next;

	if (l == NULL)
		return;
	for (t = l->timers; t != NULL; t = next) {
		next = t->next;
		free(t);
	}
	curl_multi_cleanup(l->multi);
	free(l->watches);
	free(l->wfds);
	free(l->pfds);
	free(l->pids);
	if (l->sigpipe[0] >= 0) {
		if (loop_sigfd == l->sigpipe[1])
			loop_sigfd = -1;
		close(l->sigpipe[0]);
		close(l->sigpipe[1]);
	}
	free(l);
}

CURLM *
loop_multi(struct loop *l)
{
	return l->multi;
}

void
loop_add_xfer(struct loop *l, CURL *easy)
{
	CURLMcode rc = curl_multi_add_handle(l->multi, easy);

	if (rc != CURLM_OK)
		fatal("curl_multi_add_handle: %s", curl_multi_strerror(rc));
	l->running++;
}

void
loop_remove_xfer(struct loop *l, CURL *easy)
{
	if (curl_multi_remove_handle(l->multi, easy) == CURLM_OK)
		l->running--;
}

struct loop_timer *
loop_timer_add(struct loop *l, uint64_t delay_ms, loop_fn fn, void *arg)
{
	struct loop_timer *t = xcalloc(1, sizeof *t), **pp;

	t->due = loop_now_ms() + delay_ms;
	t->fn = fn;
	t->arg = arg;
	for (pp = &l->timers; *pp != NULL && (*pp)->due <= t->due;
	    pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	return t;
}

void
loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	struct loop_timer **pp;

	for (pp = &l->timers; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			free(t);
			return;
		}
	}
}

static struct loop_watch *
loop_watch_find(struct loop *l, int fd)
{
	size_t i;

	for (i = 0; i < l->nwatches; i++)
		if (l->watches[i].fd == fd)
			return &l->watches[i];
	return NULL;
}

void
loop_watch_fd(struct loop *l, int fd, loop_fn fn, void *arg)
{
	struct loop_watch *w = loop_watch_find(l, fd);

	if (fn == NULL) {
		if (w != NULL)
			*w = l->watches[--l->nwatches];
		return;
	}
	if (fd < 0)
		fatal("loop_watch_fd: fd %d", fd);
	if (w == NULL) {
		if (l->nwatches == l->capwatches) {
			l->capwatches = l->capwatches ? l->capwatches * 2 : 4;
			l->watches = xreallocarray(l->watches, l->capwatches,
			    sizeof *l->watches);
		}
		w = &l->watches[l->nwatches++];
	}
	w->fd = fd;
	w->fn = fn;
	w->arg = arg;
	w->id = ++l->watch_id;
}

static void
loop_on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;

	if (loop_sigfd >= 0)
		(void)!write(loop_sigfd, &c, 1);
	errno = saved;
}

void
loop_catch_signals(struct loop *l)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };
	struct sigaction sa;
	size_t i;

	if (l->sigpipe[0] < 0) {
		if (pipe2(l->sigpipe, O_CLOEXEC | O_NONBLOCK) != 0)
			fatal("pipe2: %s", strerror(errno));
	}
	loop_sigfd = l->sigpipe[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = loop_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
loop_take_signal(struct loop *l)
{
	int sig;

	for (sig = 1; sig < 32; sig++) {
		if (l->sigmask & (1u << sig)) {
			l->sigmask &= ~(1u << sig);
			return sig;
		}
	}
	return 0;
}

static void
loop_drain_signals(struct loop *l)
{
	unsigned char c[64];
	ssize_t n, i;

	while ((n = read(l->sigpipe[0], c, sizeof c)) > 0)
		for (i = 0; i < n; i++)
			if (c[i] < 32)
				l->sigmask |= 1u << c[i];
}

static void
loop_finish_xfers(struct loop *l)
{
	struct loop_xfer *x;
	CURLMsg *msg;
	int left, still;

	curl_multi_perform(l->multi, &still);
	while ((msg = curl_multi_info_read(l->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		x = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		curl_multi_remove_handle(l->multi, msg->easy_handle);
		l->running--;
		/* done() may start new transfers; info_read copes with that. */
		if (x != NULL)
			x->done(x, msg->data.result);
	}
}

static void
loop_run_timers(struct loop *l)
{
	uint64_t now = loop_now_ms();
	struct loop_timer *t;

	while ((t = l->timers) != NULL && t->due <= now) {
		l->timers = t->next;
		t->fn(t->arg);
		free(t);
	}
}

/* curl maps only POLLIN, POLLOUT and POLLPRI of the extra fds, not
 * POLLHUP: a pipe whose writer has gone would look idle while it ends
 * every wait at once.  So after the wait, one poll() that does not wait
 * says which fds are ready, hang-ups included. */
static void
loop_run_fds(struct loop *l, size_t n)
{
	struct loop_watch *w;
	size_t i;
	int rc;

	do
		rc = poll(l->pfds, (nfds_t)n, 0);
	while (rc < 0 && errno == EINTR);
	if (rc <= 0)
		return;
	for (i = 0; i < n; i++) {
		if (l->pfds[i].revents == 0)
			continue;
		if (l->pfds[i].fd == l->sigpipe[0]) {
			loop_drain_signals(l);
			continue;
		}
		/* Stopped or replaced by an earlier callback of this pass. */
		if ((w = loop_watch_find(l, l->pfds[i].fd)) == NULL ||
		    w->id != l->pids[i])
			continue;
		if (l->pfds[i].revents & POLLNVAL) {
			/* Closed while watched: a bug, but never a spin. */
			loop_watch_fd(l, l->pfds[i].fd, NULL, NULL);
			continue;
		}
		w->fn(w->arg);
	}
}

void
loop_run_once(struct loop *l, int max_wait_ms)
{
	uint64_t now = loop_now_ms();
	long wait = max_wait_ms < 0 ? LOOP_IDLE_WAIT_MS : max_wait_ms;
	size_t n = 0, i;
	if (l->timers != NULL) {
		uint64_t due = l->timers->due;

		wait = due <= now ? 0 : (long)(due - now) < wait ?
		    (long)(due - now) : wait;
	}
	if (l->capfds < l->nwatches + 1) {
		l->capfds = l->nwatches + 1;
		l->wfds = xreallocarray(l->wfds, l->capfds, sizeof *l->wfds);
		l->pfds = xreallocarray(l->pfds, l->capfds, sizeof *l->pfds);
		l->pids = xreallocarray(l->pids, l->capfds, sizeof *l->pids);
	}
	for (i = 0; i < l->nwatches; i++) {
		l->pfds[n].fd = l->watches[i].fd;
		l->pids[n++] = l->watches[i].id;
	}
	if (l->sigpipe[0] >= 0) {
		l->pfds[n].fd = l->sigpipe[0];
		l->pids[n++] = 0;
	}
	for (i = 0; i < n; i++) {
		l->pfds[i].events = POLLIN;
		l->pfds[i].revents = 0;
		l->wfds[i].fd = l->pfds[i].fd;
		l->wfds[i].events = CURL_WAIT_POLLIN;
		l->wfds[i].revents = 0;
	}
	curl_multi_poll(l->multi, l->wfds, (unsigned)n, (int)wait, NULL);
	loop_finish_xfers(l);
	if (n > 0)
		loop_run_fds(l, n);
	loop_run_timers(l);
}

void
loop_run_until(struct loop *l, const bool *done)
{
	while (!*done) {
		if (loop_pending(l) == 0 && l->nwatches == 0)
			fatal("loop_run_until: waiting with nothing pending");
		loop_run_once(l, -1);
	}
}

int
loop_pending(struct loop *l)
{
	struct loop_timer *t;
	int n = l->running;

	for (t = l->timers; t != NULL; t = t->next)
		n++;
	return n;
}
