/* Validation tests that prove the pipeline works end to end (the recipe's
 * four, made real), run from the console's menu or `s3watch validate`.
 * Each ends PASS, FAIL or TIMEOUT with evidence, reporting progress as it
 * goes through the event loop, like the setup (setup.h).
 *
 * Ownership: borrows the client and conf; strings in events are borrowed
 * for the callback's duration. */
#ifndef S3W_VALIDATE_H
#define S3W_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>

struct aws_client;
struct conf;
struct validate;

#define VALIDATE_NTESTS 4

enum validate_result {
	VALIDATE_PENDING,
	VALIDATE_RUNNING,
	VALIDATE_PASS,
	VALIDATE_FAIL,
	VALIDATE_TIMEOUT,
	VALIDATE_RESULT_COUNT
};

struct validate_test {
	int		 id;		/* 1..4 */
	const char	*name;		/* "access-logging", "cloudtrail", ... */
	const char	*title;
	const char	*why;
};

extern const struct validate_test validate_tests[VALIDATE_NTESTS];
/* The same tests as the engine runs them, with their calls (calls.h). */
struct setup_step;
extern const struct setup_step *const validate_steps[VALIDATE_NTESTS];

enum validate_event_kind {
	VALIDATE_EV_STATE,	/* a test's result changed */
	VALIDATE_EV_PROGRESS,	/* text: what it is doing or waiting for */
	VALIDATE_EV_EVIDENCE,	/* text: a fact that supports the result */
	VALIDATE_EV_DONE,	/* the run is over */
};

struct validate_event {
	enum validate_event_kind kind;
	int			 test;		/* 1..4 */
	enum validate_result	 result;	/* STATE */
	const char		*text;
	uint64_t		 elapsed_ms;
};

typedef void (*validate_event_fn)(const struct validate_event *, void *);

struct validate	*validate_new(struct aws_client *, const struct conf *,
		    validate_event_fn, void *arg, char **cause);
void		 validate_free(struct validate *);
/* How long tests wait for deliveries (default 900 s), polling every
 * poll_ms (default 5000). */
void		 validate_set_wait(struct validate *, int wait_s, int poll_ms);
/* Starts tests first..last; events follow from the loop. */
void		 validate_start(struct validate *, int first, int last);
void		 validate_run(struct validate *, int first, int last);
bool		 validate_busy(const struct validate *);
void		 validate_cancel(struct validate *);
enum validate_result validate_result_of(const struct validate *, int test);
const char	*validate_result_name(enum validate_result);

#endif
