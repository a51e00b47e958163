/* The one event loop: curl_multi_poll over curl's sockets, the watched
 * fds (the tty, a credential_process's pipes and pidfd) and a signal
 * self-pipe, with millisecond timers.  Nothing that runs under the loop
 * sleeps, busy-waits or blocks on a read; everything that waits registers
 * here.  The one exception is not the console's: a plain command with no
 * prompt set reads an MFA code from /dev/tty (aws_client_set_prompt). */
#ifndef S3W_LOOP_H
#define S3W_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>

struct loop;
struct loop_timer;

typedef void (*loop_fn)(void *arg);

/* Every easy handle added to the multi handle carries a pointer to one of
 * these as CURLOPT_PRIVATE; the loop calls done() when curl finishes it. */
struct loop_xfer {
	void	(*done)(struct loop_xfer *, CURLcode);
};

struct loop	*loop_new(void);
void		 loop_free(struct loop *);
CURLM		*loop_multi(struct loop *);
void		 loop_add_xfer(struct loop *, CURL *);
/* For a transfer abandoned before curl finished it. */
void		 loop_remove_xfer(struct loop *, CURL *);

/* Timers fire once.  The handle stays valid until it fires or is
 * cancelled; cancelling a fired timer is not allowed. */
struct loop_timer *loop_timer_add(struct loop *, uint64_t delay_ms, loop_fn, void *);
void		 loop_timer_cancel(struct loop *, struct loop_timer *);

/* Calls fn when fd is readable or hung up, once a pass while it stays so:
 * fn reads (the fd should be non-blocking) or stops the watch.  Watching
 * an fd again replaces its fn; a NULL fn stops watching it.  Stop before
 * closing the fd. */
void		 loop_watch_fd(struct loop *, int fd, loop_fn, void *);

/* SIGINT/SIGTERM/SIGHUP/SIGWINCH set flags that the owner reads and clears. */
void		 loop_catch_signals(struct loop *);
int		 loop_take_signal(struct loop *);

/* One pass: wait up to max_wait_ms (-1: until the next timer), then run
 * finished transfers and due timers. */
void		 loop_run_once(struct loop *, int max_wait_ms);
/* Runs passes until *done is true; something must be pending or watched. */
void		 loop_run_until(struct loop *, const bool *done);
/* Number of transfers and timers still pending. */
int		 loop_pending(struct loop *);

uint64_t	 loop_now_ms(void);	/* monotonic */

#endif
