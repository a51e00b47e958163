/* The ten-step guided setup: plan, apply, status (check + verify) and
 * teardown, safe to repeat.
 *
 * Each step file defines its steps' entries (struct setup_step), as tmux
 * keeps a command's entry beside it; setup_steps[] in setup.c puts them in
 * order, and the commands and the console both draw from it.  A run is asynchronous: it sends its calls
 * through the client's event loop and reports progress as events, so the
 * console stays live; setup_run() is the synchronous form for commands.
 *
 * Everything s3watch creates is written to a resource ledger first (see
 * ledger.h), so an interrupted run converges when run again, and teardown
 * removes only what the ledger holds.
 *
 * Ownership: a setup borrows its client and conf, which must outlive it.
 * Strings in an event are borrowed for the callback's duration. */
#ifndef S3W_SETUP_H
#define S3W_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#include "calls.h"

struct aws_client;
struct conf;
struct setup;
struct setup_job;

#define SETUP_NSTEPS	10
#define SETUP_MAX_STEPS	16	/* of any table run by the engine */

enum setup_op {
	SETUP_PLAN,		/* check, then list the writes apply would make */
	SETUP_APPLY,		/* check, fix what is missing, verify */
	SETUP_STATUS,		/* check and verify, no writes */
	SETUP_UNDO,		/* teardown, last step first */
	SETUP_VALIDATE,		/* only the verify operations (validate.c) */
};

/* What the console's step list shows. */
enum setup_step_state {
	SETUP_S_PENDING,
	SETUP_S_CHECKING,
	SETUP_S_APPLYING,
	SETUP_S_VERIFYING,
	SETUP_S_UNDOING,
	SETUP_S_DONE,
	SETUP_S_WARN,
	SETUP_S_FAILED,
	SETUP_S_COUNT
};

enum setup_level {
	SETUP_L_OK,		/* check: in place as wanted */
	SETUP_L_MISSING,	/* check: absent, apply creates it */
	SETUP_L_DIFFERS,	/* check: present but drifted, apply fixes it */
	SETUP_L_PASS,		/* verify */
	SETUP_L_WARN,
	SETUP_L_FAIL,
	SETUP_L_COUNT
};

/* A step's number is its place in its table, from 1. */
struct setup_step {
	const char	*name;		/* short, for --only and JSON */
	const char	*title;
	const char	*why;		/* what it does and why, a paragraph */
	int		(*check)(struct setup_job *);
	int		(*apply)(struct setup_job *);
	int		(*verify)(struct setup_job *);
	int		(*undo)(struct setup_job *);
	/* Every call its operations may make, by phase (calls.h): a run
	 * refuses any other, and `s3watch policy` is made from them. */
	const struct calls_entry *calls;
};

/* Step n is setup_steps[n - 1]. */
extern const struct setup_step *const setup_steps[SETUP_NSTEPS];
/* The calls of every run outside its steps (its identity). */
extern const struct calls_entry setup_calls[];

enum setup_event_kind {
	SETUP_EV_STEP,		/* a step changed state */
	SETUP_EV_CALL,		/* a call is sent (or only planned) */
	SETUP_EV_ANSWER,	/* a call finished */
	SETUP_EV_NOTE,		/* a finding of check or verify */
	SETUP_EV_ASK,		/* a question: answer with setup_answer() */
	SETUP_EV_DONE,		/* the run is over */
};

struct setup_event {
	enum setup_event_kind	 kind;
	int			 step;		/* 1..10; 0 before the first */
	enum setup_step_state	 state;		/* STEP */
	const char		*call;		/* CALL, ANSWER: "s3:CreateBucket" */
	const char		*target;	/* CALL, ANSWER: the resource */
	bool			 write;		/* CALL, ANSWER */
	bool			 planned;	/* CALL: not sent (plan) */
	uint64_t		 elapsed_ms;	/* ANSWER */
	const char		*error;		/* ANSWER: NULL when it worked */
	enum setup_level	 level;		/* NOTE */
	const char		*check;		/* NOTE: posture id, e.g. "P-02" */
	const char		*text;		/* NOTE, ASK, STEP (why it failed) */
	const char		*fix;		/* NOTE, STEP: a suggested fix */
};

typedef void (*setup_event_fn)(const struct setup_event *, void *arg);

/* ledger_path NULL: ledger.json in the state directory.  NULL with *cause
 * when the ledger cannot be read. */
/* The conf (borrowed) changed where a run reads it after identifying:
 * allowed_cidrs, which the console may ask for before an apply. */
void		 setup_conf_changed(struct setup *);
struct setup	*setup_new(struct aws_client *, const struct conf *,
		    const char *ledger_path, setup_event_fn, void *arg,
		    char **cause);
/* The engine over another table of steps (the validation tests). */
struct setup	*setup_new_table(struct aws_client *, const struct conf *,
		    const char *ledger_path, const struct setup_step *const *,
		    int nsteps, setup_event_fn, void *arg, char **cause);
void		 setup_free(struct setup *);

/* Starts op over steps first..last (1..10).  Returns at once; events
 * follow from the loop, the last being SETUP_EV_DONE. */
void		 setup_start(struct setup *, enum setup_op, int first,
		    int last);
/* The same, running the loop until the run is over. */
void		 setup_run(struct setup *, enum setup_op, int first,
		    int last);
bool		 setup_busy(const struct setup *);
/* Ends the run after the call in flight (a DONE event follows). */
void		 setup_cancel(struct setup *);
void		 setup_answer(struct setup *, bool yes);

/* Resolves the names (one GetCallerIdentity, running the loop) without
 * a run, for commands that need them; 0 or -1 with *cause. */
int		 setup_identify(struct setup *, char **cause);

/* The last run's outcome. */
int		 setup_changes(const struct setup *);	/* writes made */
int		 setup_failures(const struct setup *);	/* failed steps */
int		 setup_warnings(const struct setup *);	/* steps with WARN */
enum setup_step_state setup_step_state(const struct setup *, int step);
/* A resolved name (SETUP_NAMES in setup_internal.h lists them), e.g.
 * "source_bucket", "trail_arn"; NULL if unknown or not resolved yet
 * (before the run's identity call). */
const char	*setup_name(const struct setup *, const char *key);

const char	*setup_state_name(enum setup_step_state);
const char	*setup_level_name(enum setup_level);
/* 1..10 for a step number or name; -1 otherwise. */
int		 setup_step_find(const char *);

#endif
