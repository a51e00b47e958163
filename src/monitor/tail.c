/* Following a log group: polls, pages, overlap and dedupe. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "aws.h"
#include "calls.h"
#include "idset.h"
#include "loop.h"
#include "svc.h"
#include "tail.h"

/* Between sweeps a poll still reaches back this far: events written in
 * the same second arrive in any order. */
#define TAIL_NEAR_MS	5000
/* Failed polls in a row (each after the client's own retries) before a
 * one-off read gives up. */
#define TAIL_GIVE_UP	3
/* Events asked per page unless told otherwise. */
#define TAIL_PAGE_LIMIT	1000
/* A deep sweep skips what the previous one surely saw: records ingested
 * this long before it began (CloudWatch may take a while to index). */
#define TAIL_DEEP_MARGIN_MS	(5 * 60 * 1000)

struct tail {
	struct aws_client	*client;
	struct tail_options	 o;
	char			*group;
	tail_event_fn		 on_event;
	tail_state_fn		 on_state;
	void			*arg;

	struct idset		*seen;
	struct tail_health	 h;
	char			*last_error;

	bool			 running;
	bool			 in_flight;
	struct loop_timer	*timer;
	char			*token;		/* within a drain */
	int64_t			 start_ms;	/* of the current drain */
	int64_t			 last_sweep;	/* monotonic ms */
	int64_t			 last_deep;	/* monotonic ms */
	bool			 deep;		/* this drain reaches late_ms */
	int64_t			 late_floor;	/* below: only a deep sweep */
	int64_t			 ingested;	/* newest ingestion seen */
	int64_t			 deep_asof;	/* ingested, at this deep start */
	int64_t			 deep_skip;	/* ingested before: seen */
	bool			 deep_next;	/* resumed: reach back at once */
	uint64_t		 last_call;	/* monotonic ms */
	bool			 got_events;	/* in the current drain */
	int			 failures;	/* in a row, throttling aside */
};

static int64_t
tail_now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

const struct calls_entry tail_calls[] = {
	{ SVC_LOGS, "FilterLogEvents", 0, "${log_group_arn}",
	  "read the trail's records and the acks" },
	{ .op = NULL }
};

struct tail *
tail_new(struct aws_client *c, const struct tail_options *o,
    tail_event_fn on_event, tail_state_fn on_state, void *arg)
{
	struct tail *t = xcalloc(1, sizeof *t);

	t->client = c;
	t->o = *o;
	t->group = xstrdup(o->group);
	t->o.group = t->group;
	if (t->o.overlap_ms <= 0)
		t->o.overlap_ms = 15 * 60 * 1000;
	if (t->o.sweep_ms <= 0)
		t->o.sweep_ms = 60 * 1000;
	if (t->o.min_interval_ms <= 0)
		t->o.min_interval_ms = 2000;
	if (t->o.max_interval_ms < t->o.min_interval_ms)
		t->o.max_interval_ms = 30000 > t->o.min_interval_ms ? 30000 :
		    t->o.min_interval_ms;
	if (t->o.min_gap_ms <= 0)
		t->o.min_gap_ms = 250;
	if (t->o.dedupe == 0)
		t->o.dedupe = 200000;
	/* AWS stops a page at 1 MB (~600 CloudTrail records) anyway; a
	 * limit bounds our memory where an endpoint sends more. */
	if (t->o.page_limit <= 0)
		t->o.page_limit = TAIL_PAGE_LIMIT;
	if (t->o.late_ms == 0)
		t->o.late_ms = 2 * 3600 * 1000;
	if (t->o.late_sweep_ms <= 0)
		t->o.late_sweep_ms = 10 * 60 * 1000;
	if (t->o.future_ms <= 0)
		t->o.future_ms = 5 * 60 * 1000;
	t->on_event = on_event;
	t->on_state = on_state;
	t->arg = arg;
	t->seen = idset_new(t->o.dedupe);
	t->h.interval_ms = t->o.min_interval_ms;
	t->h.newest_ms = o->since_ms;
	return t;
}

void
tail_free(struct tail *t)
{
	if (t == NULL)
		return;
	if (t->timer != NULL)
		loop_timer_cancel(aws_client_loop(t->client), t->timer);
	idset_free(t->seen);
	free(t->token);
	free(t->group);
	free(t->last_error);
	free(t);
}

static void	tail_poll(void *);

static void
tail_schedule(struct tail *t, int64_t delay_ms)
{
	uint64_t since = loop_now_ms() - t->last_call;

	/* Never closer than min_gap_ms to the previous call. */
	if (delay_ms < t->o.min_gap_ms && since < (uint64_t)t->o.min_gap_ms)
		delay_ms = t->o.min_gap_ms - (int64_t)since;
	if (delay_ms < 0)
		delay_ms = 0;
	t->timer = loop_timer_add(aws_client_loop(t->client),
	    (uint64_t)delay_ms, tail_poll, t);
}

static void
tail_state(struct tail *t)
{
	t->h.last_error = t->last_error;
	if (t->on_state != NULL)
		t->on_state(t->arg);
}

static void
tail_error(struct tail *t, const char *text)
{
	free(t->last_error);
	t->last_error = xstrdup(text);
	t->h.errors++;
}

static bool
tail_throttled(const struct aws_response *resp)
{
	return resp->code != NULL && (strcmp(resp->code, "ThrottlingException")
	    == 0 || strcmp(resp->code, "Throttling") == 0 ||
	    strcmp(resp->code, "TooManyRequestsException") == 0 ||
	    strcmp(resp->code, "LimitExceededException") == 0);
}

static void
tail_slower(struct tail *t, int factor)
{
	int64_t next = (int64_t)t->h.interval_ms * factor;

	t->h.interval_ms = next > t->o.max_interval_ms ?
	    t->o.max_interval_ms : (int)next;
}

/* One event of a page, straight from the answer's text. */
static void
tail_on_event(const struct logs_event_ref *e, void *arg)
{
	struct tail *t = arg;
	struct tail_event ev;
	int64_t bound, anchor;

	/* The previous deep sweep delivered it (or the set would say). */
	if (t->deep && e->ingestion_time > 0 &&
	    e->ingestion_time < t->deep_skip && e->timestamp < t->late_floor) {
		t->h.duplicates++;
		return;
	}
	if (e->id == NULL || !idset_add(t->seen, e->id, strlen(e->id))) {
		t->h.duplicates++;
		return;
	}
	ev.id = e->id;
	ev.stream = e->stream != NULL ? e->stream : "";
	ev.timestamp = e->timestamp;
	ev.ingestion = e->ingestion_time;
	ev.message = e->message;
	ev.len = e->len;
	/* CloudWatch takes timestamps up to 2 hours ahead: such a record
	 * anchors the window no further than when it arrived, or every
	 * record after it would look already seen. */
	bound = ev.ingestion > 0 ? ev.ingestion : tail_now_ms();
	anchor = ev.timestamp < bound ? ev.timestamp : bound;
	if (ev.timestamp > bound + t->o.future_ms)
		t->h.future++;
	if (anchor > t->h.newest_ms)
		t->h.newest_ms = anchor;
	if (ev.ingestion > t->ingested)
		t->ingested = ev.ingestion;
	if (t->deep && ev.timestamp < t->late_floor)
		t->h.late++;
	if (ev.ingestion > 0)
		t->h.lag_ms = ev.ingestion - ev.timestamp;
	t->h.events++;
	t->got_events = true;
	t->on_event(&ev, t->arg);
}

static void
tail_on_page(struct aws_response *resp, void *arg)
{
	struct tail *t = arg;
	char *cause = NULL, *next = NULL;

	t->in_flight = false;
	/* Events of a page that breaks half-way are delivered; the page is
	 * asked again and the dedupe set drops them the second time. */
	if (resp->kind != AWS_OK || logs_filter_page_scan(resp->body.data,
	    resp->body.len, tail_on_event, t, &next, &cause) != 0) {
		if (tail_throttled(resp)) {
			t->h.throttled++;
			tail_slower(t, 2);
		} else {
			tail_error(t, cause != NULL ? cause :
			    aws_error_text(resp));
			tail_slower(t, 2);
			t->failures++;
			/* A one-off read gives up where a follower waits (the
			 * group may yet be created, the network come back). */
			if (!t->o.follow && (t->failures >= TAIL_GIVE_UP ||
			    (resp->code != NULL && strcmp(resp->code,
			    "ResourceNotFoundException") == 0)))
				t->running = false;
		}
		free(cause);
		aws_response_free(resp);
		tail_state(t);
		/* Retry the same page later: the token is kept. */
		if (t->running)
			tail_schedule(t, t->h.interval_ms);
		return;
	}
	aws_response_free(resp);
	free(t->last_error);
	t->last_error = NULL;
	t->failures = 0;
	free(t->token);
	t->token = next;
	if (t->token != NULL) {
		tail_state(t);
		/* More pages (possibly after empty ones): keep draining. */
		if (t->running)
			tail_schedule(t, 0);
		return;
	}
	t->h.caught_up = true;
	if (t->deep) {
		t->deep = false;
		t->deep_skip = t->deep_asof - TAIL_DEEP_MARGIN_MS;
	}
	if (t->got_events)
		t->h.interval_ms = t->o.min_interval_ms;
	else
		tail_slower(t, 2);
	tail_state(t);
	if (!t->o.follow)
		t->running = false;
	else if (t->running)
		tail_schedule(t, t->h.interval_ms);
}

static void
tail_poll(void *arg)
{
	struct tail *t = arg;
	struct logs_filter f;
	struct aws_request *r;
	char *cause = NULL;
	int64_t back, now;

	t->timer = NULL;
	if (!t->running)
		return;
	if (t->token == NULL) {
		/* A new drain: how far back does it reach? */
		now = (int64_t)loop_now_ms();
		back = TAIL_NEAR_MS;
		if (t->last_sweep == 0 || now - t->last_sweep >= t->o.sweep_ms) {
			back = t->o.overlap_ms;
			t->last_sweep = now;
		}
		/* The first drain reaches back to since_ms anyway. */
		if (t->last_deep == 0)
			t->last_deep = now;
		t->deep = false;
		if (t->o.late_ms > t->o.overlap_ms && (t->deep_next ||
		    now - t->last_deep >= t->o.late_sweep_ms)) {
			t->deep_next = false;
			t->deep = true;
			t->late_floor = t->h.newest_ms - t->o.overlap_ms;
			t->deep_asof = t->ingested;
			t->last_deep = now;
			back = t->o.late_ms;
		}
		t->start_ms = t->h.newest_ms - back;
		if (t->start_ms < t->o.since_ms)
			t->start_ms = t->o.since_ms;
		t->got_events = false;
		t->h.caught_up = false;
	}
	memset(&f, 0, sizeof f);
	f.group = t->group;
	f.start = t->start_ms > 0 ? t->start_ms : 1;
	f.token = t->token;
	f.limit = t->o.page_limit;
	if ((r = logs_filter_log_events(&f, &cause)) == NULL) {
		tail_error(t, cause);
		free(cause);
		t->running = false;
		tail_state(t);
		return;
	}
	/* The page is read straight from its text (logs_filter_page_scan):
	 * no JSON tree of a whole page. */
	r->raw_body = true;
	t->in_flight = true;
	t->h.calls++;
	t->last_call = loop_now_ms();
	aws_send(t->client, r, tail_on_page, t);
}

void
tail_start(struct tail *t)
{
	if (t->running)
		return;
	t->running = true;
	if (!t->in_flight && t->timer == NULL)
		tail_schedule(t, 0);
}

void
tail_stop(struct tail *t)
{
	t->running = false;
	if (t->timer != NULL) {
		loop_timer_cancel(aws_client_loop(t->client), t->timer);
		t->timer = NULL;
	}
}

bool
tail_idle(const struct tail *t)
{
	return !t->in_flight && t->timer == NULL;
}

bool
tail_done(const struct tail *t)
{
	return !t->running && tail_idle(t);
}

const struct tail_health *
tail_health(const struct tail *t)
{
	return &t->h;
}

struct idset *
tail_seen(struct tail *t)
{
	return t->seen;
}

void
tail_resume(struct tail *t, int64_t newest_ms)
{
	int64_t now = tail_now_ms();

	/* A checkpoint from before this fix may hold a future stamp. */
	if (newest_ms > now)
		newest_ms = now;
	if (newest_ms <= 0)
		return;
	t->h.newest_ms = newest_ms;
	/* What came late while no one was reading. */
	t->deep_next = true;
	if (newest_ms - t->o.overlap_ms < t->o.since_ms)
		t->o.since_ms = newest_ms - t->o.overlap_ms;
}

int64_t
tail_clock_ms(void)
{
	return tail_now_ms();
}
