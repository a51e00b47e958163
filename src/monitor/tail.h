/* Following a CloudWatch Logs group with FilterLogEvents, through the
 * event loop.
 *
 * CloudTrail delivers about 5 minutes late and out of order, so a poll
 * does not start at the newest event seen: every sweep_ms it reaches back
 * overlap_ms (default 15 minutes), and in between a few seconds.  Events
 * seen before (by CloudWatch eventId, in a bounded set) are dropped, so
 * the overlap costs calls, not duplicates.  Pages are drained through
 * nextToken, empty pages included.
 *
 * The window is anchored on event timestamps, but an event counts for
 * the anchor only up to its own ingestion time (or the wall clock): a
 * record stamped hours ahead, from a fast clock or a hostile writer, is
 * shown and counted as future-stamped, and hides nothing after it.
 * Records that CloudWatch receives later than the overlap still arrive:
 * every late_sweep_ms a poll reaches back late_ms (default 2 hours).
 *
 * FilterLogEvents has an account-wide quota of 5 calls a second: calls
 * are spaced at least min_gap_ms apart, the poll interval grows while
 * nothing new arrives and on throttling (which slows polling, never stops
 * it), and shrinks when events flow.
 *
 * Ownership: the tail borrows the client; events passed to the callback
 * are borrowed for the call.  tail_free() may be called with a call in
 * flight only after tail_stop() and the loop has run it out
 * (tail_idle()). */
#ifndef S3W_TAIL_H
#define S3W_TAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calls.h"

struct aws_client;
struct idset;
struct tail;

struct tail_options {
	const char	*group;
	int64_t		 since_ms;	/* first poll's start, epoch ms */
	bool		 follow;	/* false: stop once caught up */
	int64_t		 overlap_ms;	/* default 15 min */
	int64_t		 sweep_ms;	/* how often to reach back; 60 s */
	int		 min_interval_ms;	/* default 2000 */
	int		 max_interval_ms;	/* default 30000 */
	int		 min_gap_ms;		/* between calls; default 250 */
	size_t		 dedupe;	/* eventIds remembered; 200000 */
	int		 page_limit;	/* events per page; 0: 1000 */
	int64_t		 late_ms;	/* deep sweep reach; 2 h; <0: none */
	int64_t		 late_sweep_ms;	/* how often; default 10 min */
	int64_t		 future_ms;	/* ahead of ingestion by more than
					   this is future-stamped; 5 min */
};

struct tail_event {
	const char	*id;		/* CloudWatch eventId */
	const char	*stream;
	int64_t		 timestamp;	/* ms */
	int64_t		 ingestion;	/* ms */
	const char	*message;
	size_t		 len;
};

struct tail_health {
	uint64_t	 events;	/* delivered (new) */
	uint64_t	 duplicates;	/* dropped as seen */
	uint64_t	 calls;
	uint64_t	 throttled;
	uint64_t	 errors;
	uint64_t	 future;	/* stamped ahead of their ingestion */
	uint64_t	 late;		/* found only by a deep sweep */
	/* The window's anchor: the newest event timestamp, each taken no
	 * later than its ingestion time (or the clock). */
	int64_t		 newest_ms;
	int64_t		 lag_ms;	/* ingestion minus event time, last */
	int		 interval_ms;	/* current poll interval */
	bool		 caught_up;	/* the last poll drained */
	const char	*last_error;	/* or NULL */
};

typedef void (*tail_event_fn)(const struct tail_event *, void *arg);
/* After every page, error or throttle: health changed, and the events
 * of a page are all delivered (a place to write them down). */
typedef void (*tail_state_fn)(void *arg);

/* The calls a tail makes. */
extern const struct calls_entry tail_calls[];

struct tail	*tail_new(struct aws_client *, const struct tail_options *,
		    tail_event_fn, tail_state_fn, void *arg);
void		 tail_free(struct tail *);
void		 tail_start(struct tail *);
/* Stops polling; a call in flight still completes (events delivered). */
void		 tail_stop(struct tail *);
bool		 tail_idle(const struct tail *);
/* Not following and caught up (or stopped): nothing more will come. */
bool		 tail_done(const struct tail *);
const struct tail_health *tail_health(const struct tail *);

/* The wall clock in epoch ms, the log's timescale. */
int64_t		 tail_clock_ms(void);

/* For checkpoints: the dedupe set, and where the next poll starts.
 * tail_resume() also reaches back to newest_ms when the checkpoint is
 * older than since_ms: a restart after a long outage catches up. */
struct idset	*tail_seen(struct tail *);
void		 tail_resume(struct tail *, int64_t newest_ms);

#endif
