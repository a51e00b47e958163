/* For the step files (setup_*.c): the job a step's operations run in, the
 * resolved names, and the macros that let an operation wait for AWS.
 * Each step file defines its steps' entries (struct setup_step, setup.h),
 * with static operations; setup.c orders them.
 *
 * Operations are resumable functions in the style of protothreads: each
 * returns SJ_WAIT when it sent a call, and is called again from the top
 * when the answer is in j->resp; SJ_BEGIN jumps back to where it left
 * off.  So LOCAL VARIABLES DO NOT SURVIVE A CALL: keep what must survive
 * in the step's facts (setup_facts_new/setup_facts) or in j->i.
 *
 *	static int
 *	logs_check(struct setup_job *j)
 *	{
 *		struct logs_facts *f = setup_facts(j);
 *
 *		SJ_BEGIN(j);
 *		f = setup_facts_new(j, sizeof *f, logs_facts_free);
 *		SJ_READ(j, logs_describe_log_groups(N(j)->log_group, NULL, 50,
 *		    &j->cause), N(j)->log_group);
 *		...
 *		SJ_END(j);
 *	}
 *
 * In a plan, SJ_WRITE only reports the call and goes on with j->resp
 * NULL, which sj_ok() counts as success. */
#ifndef S3W_SETUP_INTERNAL_H
#define S3W_SETUP_INTERNAL_H

#include "aws.h"
#include "calls.h"
#include "conf.h"
#include "ledger.h"
#include "setup.h"
#include "svc.h"

/* The names of this account and region, resolved once a run knows its
 * identity: one line each, saying how it is made, so a new name is one
 * line here.  They become the fields of struct setup_names (N(j)->name)
 * and the keys setup_name() answers to; setup.c makes them in this order.
 *	ID(name)	the run's own: account, region and its partition,
 *			the suffix, the caller
 *	CONF(name, key)	the conf option key, with ${suffix}, ${account}
 *			and ${region} expanded
 *	ARN(name, service, regional, resource, of, tail)
 *			"arn:PARTITION:service:REGION:ACCOUNT:" (REGION only
 *			when regional), resource, the name `of`, tail */
#define SETUP_NAMES(ID, CONF, ARN)					\
	ID(account)							\
	ID(region)							\
	ID(partition)							\
	ID(suffix)							\
	ID(caller_arn)							\
	CONF(source_bucket, CONF_SOURCE_BUCKET)				\
	CONF(log_bucket, CONF_LOG_BUCKET)				\
	CONF(log_prefix, CONF_LOG_PREFIX)				\
	CONF(trail_bucket, CONF_TRAIL_BUCKET)				\
	CONF(trail_prefix, CONF_TRAIL_PREFIX)				\
	CONF(trail_name, CONF_TRAIL_NAME)				\
	CONF(log_group, CONF_LOG_GROUP)					\
	CONF(trail_role, CONF_TRAIL_ROLE)				\
	CONF(topic, CONF_TOPIC)						\
	CONF(alert_email, CONF_ALERT_EMAIL)				\
	CONF(rule_prefix, CONF_RULE_PREFIX)				\
	CONF(lambda_function, CONF_LAMBDA_FUNCTION)			\
	CONF(lambda_role, CONF_LAMBDA_ROLE)				\
	CONF(lambda_runtime, CONF_LAMBDA_RUNTIME)			\
	CONF(dashboard, CONF_DASHBOARD)					\
	CONF(query_prefix, CONF_QUERY_PREFIX)				\
	CONF(rules_dir, CONF_RULES_DIR)					\
	ARN(trail_arn, "cloudtrail", true, "trail/", trail_name, "")	\
	ARN(log_group_arn, "logs", true, "log-group:", log_group, ":*")	\
	ARN(trail_role_arn, "iam", false, "role/", trail_role, "")	\
	ARN(topic_arn, "sns", true, "", topic, "")			\
	ARN(lambda_arn, "lambda", true, "function:", lambda_function, "") \
	ARN(lambda_role_arn, "iam", false, "role/", lambda_role, "")

#define SETUP_NAME_ID_FIELD(n)			char *n;
#define SETUP_NAME_CONF_FIELD(n, key)		char *n;
#define SETUP_NAME_ARN_FIELD(n, svc, reg, res, of, tail) char *n;

struct setup_names {
	SETUP_NAMES(SETUP_NAME_ID_FIELD, SETUP_NAME_CONF_FIELD,
	    SETUP_NAME_ARN_FIELD)
	/* Settings, not names. */
	bool	 create_source_bucket;
	bool	 require_tls;
	int	 retention_days;
	char   **allowed_cidrs;
	size_t	 nallowed_cidrs;
};

#undef SETUP_NAME_ID_FIELD
#undef SETUP_NAME_CONF_FIELD
#undef SETUP_NAME_ARN_FIELD

enum setup_phase {
	SETUP_PH_CHECK,
	SETUP_PH_APPLY,
	SETUP_PH_VERIFY,
	SETUP_PH_UNDO,
};

struct setup_job {
	struct setup		*s;
	const struct setup_step	*step;
	enum setup_phase	 phase;
	bool			 plan;		/* writes are reported only */
	bool			 quiet;		/* check after apply: no notes */
	int			 pt;		/* where to resume */
	int			 sub;		/* where SJ_SUB's op resumes */
	struct aws_response	*resp;		/* the last answer, or NULL */
	char			*cause;		/* a builder's refusal */
	bool			 answer;	/* to the last SJ_ASK */
	int			 i, n;		/* loop state across calls */
	int			 tries;
};

enum {
	SJ_DONE,
	SJ_WAIT,
	SJ_FAIL,
	SJ_NEXT,	/* setup_send(): go on without waiting */
};

#if defined(__has_attribute)
#if __has_attribute(fallthrough)
#define SJ_FALLTHROUGH	__attribute__((fallthrough))
#endif
#endif
#ifndef SJ_FALLTHROUGH
#define SJ_FALLTHROUGH	((void)0)
#endif

#define SJ_BEGIN(j)	switch ((j)->pt) { case 0:
#define SJ_END(j)	} (j)->pt = 0; return SJ_DONE

#define SJ_CALL_(j, write, req, target) do {				\
	int sj_rc_;							\
	(j)->pt = __LINE__;						\
	sj_rc_ = setup_send((j), (req), (target), (write));		\
	if (sj_rc_ != SJ_NEXT)						\
		return sj_rc_;						\
	SJ_FALLTHROUGH;							\
	case __LINE__:;							\
} while (0)
#define SJ_READ(j, req, target)		SJ_CALL_(j, false, req, target)
#define SJ_WRITE(j, req, target)	SJ_CALL_(j, true, req, target)

/* Runs op, a call of another operation (between SJ_BEGIN and SJ_END, on
 * the same job), as part of this one: when it waits, this one waits, and
 * it resumes where it left off, its resume point kept in j->sub
 * meanwhile.  An SJ_FAIL or SJ_WAIT of op returns from this operation.
 * Sub-operations do not nest, and share j->i, j->n and j->tries with
 * their caller. */
#define SJ_SUB(j, op) do {						\
	int sj_sub_;							\
	(j)->sub = 0;							\
	SJ_FALLTHROUGH;							\
	case __LINE__:							\
	(j)->pt = (j)->sub;						\
	sj_sub_ = (op);							\
	(j)->sub = (j)->pt;						\
	(j)->pt = __LINE__;						\
	if (sj_sub_ != SJ_DONE)						\
		return sj_sub_;						\
} while (0)

#define SJ_SLEEP(j, ms) do {						\
	(j)->pt = __LINE__;						\
	setup_sleep((j), (ms));						\
	return SJ_WAIT;							\
	case __LINE__:;							\
} while (0)

#define SJ_ASK(j, ...) do {						\
	(j)->pt = __LINE__;						\
	setup_ask((j), __VA_ARGS__);					\
	return SJ_WAIT;							\
	case __LINE__:;							\
} while (0)

/* Creation of one ledger entry, written ahead: record kind/name (and
 * arn, or NULL) as intended, send req (its target is name), count the
 * error code already (or NULL) as done, and mark the entry created. */
#define SJ_CREATE(j, kind, name, arn, req, already) do {		\
	if (setup_intend((j), (kind), (name), (arn)) != 0)		\
		return SJ_FAIL;						\
	SJ_WRITE((j), (req), (name));					\
	if (!sj_ok(j) && !sj_code((j), (already)))			\
		return setup_fail((j), NULL);				\
	if (setup_created((j), (kind), (name)) != 0)			\
		return SJ_FAIL;						\
} while (0)

/* Teardown of one ledger entry: if the ledger holds kind/name, send req
 * (a delete), count the error code gone as already deleted, and forget
 * the entry.  req is only built when it is sent. */
#define SJ_DELETE(j, kind, name, req, gone) do {			\
	if (setup_owned((j), (kind), (name))) {				\
		SJ_WRITE((j), (req), (name));				\
		if (!sj_ok(j) && !sj_code((j), (gone)))			\
			return setup_fail((j), NULL);			\
		if (setup_forget((j), (kind), (name)) != 0)		\
			return SJ_FAIL;					\
	}								\
} while (0)

/* The run's names. */
#define N(j)	setup_names_of((j)->s)

const struct setup_names *setup_names_of(const struct setup *);
struct aws_client	*setup_client(const struct setup *);
const struct conf	*setup_conf(const struct setup *);
/* The arg given to setup_new: the validation tests find their run by it. */
void			*setup_event_arg(const struct setup *);
/* The settings of s3watch.conf into a rule pack, with the run's names,
 * so the patterns deployed name the real trail and buckets rather than
 * ${trail_name}; 0 or -1 with *cause. */
struct rules;
int			 setup_rules_conf(struct setup_job *, struct rules *,
			    char **cause);

/* Takes over req (NULL: the builder refused, with j->cause). */
int	 setup_send(struct setup_job *, struct aws_request *, const char *target,
	    bool write);
void	 setup_sleep(struct setup_job *, uint64_t ms);
void	 setup_ask(struct setup_job *, const char *fmt, ...) ATTR_FORMAT(2, 3);

/* The last call worked (or was only planned). */
static inline bool
sj_ok(const struct setup_job *j)
{
	return j->resp == NULL || j->resp->kind == AWS_OK;
}

/* The last call failed with this AWS error code (NULL: never). */
static inline bool
sj_code(const struct setup_job *j, const char *code)
{
	return code != NULL && j->resp != NULL && j->resp->code != NULL &&
	    strcmp(j->resp->code, code) == 0;
}

static inline bool
sj_status(const struct setup_job *j, long status)
{
	return j->resp != NULL && j->resp->kind == AWS_ERR_SERVICE &&
	    j->resp->status == status;
}

/* Step facts: what check found, for apply and verify.  _new frees the
 * old ones and returns new zeroed ones; free_fn frees their contents. */
void	*setup_facts_new(struct setup_job *, size_t, void (*free_fn)(void *));
void	*setup_facts(struct setup_job *);

/* allowed_cidrs has its shipped default, which no one chose. */
bool	 setup_default_cidrs(const struct setup_job *);

/* A finding.  check is a posture id ("P-02") or NULL; fix may be NULL. */
void	 setup_note(struct setup_job *, enum setup_level, const char *check,
	    const char *fix, const char *fmt, ...) ATTR_FORMAT(5, 6);
/* The last call failed: a FAIL note naming the call, the AWS error and a
 * fix for the error code (or the given one); returns SJ_FAIL. */
int	 setup_fail(struct setup_job *, const char *fix);
/* The last call's answer could not be used (cause, from its parser, which
 * it frees): a FAIL note naming the call and the cause, or setup_fail()'s
 * when the call itself failed; returns SJ_FAIL.  The step files' readers
 * of an answer (*_seen) end with it, and so return 0 or SJ_FAIL (noted). */
int	 setup_fail_parse(struct setup_job *, char *cause);
/* A FAIL note with this text; returns SJ_FAIL. */
int	 setup_fail_text(struct setup_job *, const char *fix,
	    const char *fmt, ...) ATTR_FORMAT(3, 4);

/* IAM is eventually consistent: CloudTrail and Lambda refuse a new role
 * for a while (about 10 s on AWS).  A step retries such a call:
 *
 *	for (j->tries = 1;; j->tries++) {
 *		SJ_WRITE(j, ...);
 *		if (!setup_iam_retry(j, refused, role))
 *			break;
 *		SJ_SLEEP(j, SETUP_IAM_WAIT_MS);
 *	}
 *
 * setup_iam_retry() says whether to try again (refused: the last call
 * failed because of the role) and notes the wait; when the role is still
 * refused at the end, setup_iam_failed() is the FAIL note (SJ_FAIL), with
 * service the principal the role must trust. */
#define SETUP_IAM_TRIES		8
#define SETUP_IAM_WAIT_MS	5000
bool	 setup_iam_retry(struct setup_job *, bool refused, const char *role);
int	 setup_iam_failed(struct setup_job *, const char *role,
	    const char *service);

/* Ledger, written ahead of creates.  A plan records nothing. */
int	 setup_intend(struct setup_job *, const char *kind, const char *name,
	    const char *arn);
int	 setup_created(struct setup_job *, const char *kind, const char *name);
int	 setup_forget(struct setup_job *, const char *kind, const char *name);
/* Is it in the ledger (pending or created)? */
bool	 setup_owned(struct setup_job *, const char *kind, const char *name);
/* Someone else's policy is not ours to replace: 0 when the policy of
 * kind/name (say "bucket"/NAME, whose policy is "bucket-policy"/NAME) is
 * absent, or the ledger holds the resource or an earlier write of the
 * policy.  Otherwise a FAIL note, whose fix is to merge statements (of
 * `s3watch setup --plan`) into it or set setting to another resource;
 * SJ_FAIL.  what names the resource for the operator. */
int	 setup_policy_ours(struct setup_job *, bool exists, const char *kind,
	    const char *name, const char *what, const char *statements,
	    const char *setting);

/* Do two JSON texts hold the same value (object key order aside)? */
bool	 setup_json_same(const char *, const char *);

/* --- parts two steps share (setup_parts.c), as sub-operations (SJ_SUB):
 * check reads what is there, apply writes what differs (ledger first),
 * undo removes what the ledger holds. */

/* An IAM role of s3watch's with one inline policy (steps 5 and 8).  The
 * step sets the names and what it wants; check finds the rest. */
struct setup_role {
	const char	*name;
	const char	*arn;
	const char	*policy_name;
	const char	*description;
	char		*want_trust;	/* owned, as are the ones below */
	char		*want_policy;
	bool		 found;
	char		*trust;		/* as found, or NULL */
	char		*policy;
};

/* The calls of setup_role_*, for the table of a step that uses them. */
#define SETUP_ROLE_CALLS(arn)						\
	{ SVC_IAM, "GetRole", CALLS_CHECK, arn, "read the role's trust" }, \
	{ SVC_IAM, "GetRolePolicy", CALLS_CHECK, arn,			\
	  "read its permissions" },					\
	{ SVC_IAM, "CreateRole", CALLS_APPLY, arn, "create the role" },	\
	{ SVC_IAM, "UpdateAssumeRolePolicy", CALLS_APPLY, arn,		\
	  "repair its trust" },						\
	{ SVC_IAM, "PutRolePolicy", CALLS_APPLY, arn,			\
	  "grant it exactly what it needs" },				\
	{ SVC_IAM, "DeleteRolePolicy", CALLS_UNDO, arn, "teardown" },	\
	{ SVC_IAM, "DeleteRole", CALLS_UNDO, arn, "teardown" }

void	 setup_role_free(struct setup_role *);
bool	 setup_role_trusted(const struct setup_role *);	/* as wanted */
bool	 setup_role_policy_ok(const struct setup_role *);
int	 setup_role_check(struct setup_job *, struct setup_role *);
int	 setup_role_apply(struct setup_job *, struct setup_role *);
int	 setup_role_undo(struct setup_job *, struct setup_role *);

/* An EventBridge rule of s3watch's with one target (steps 7 and 8).  The
 * step sets spec (name, pattern, state, description) and target (id,
 * arn), borrowed; undo needs only the names. */
struct setup_rule {
	struct events_rule_spec	 spec;
	struct events_target	 target;
	bool			 check_description;
	struct events_rule_match seen;
	bool			 target_ok;
};

/* The calls of setup_rule_*, for the table of a step that uses them;
 * step 8 replaces a rule in its apply. */
#define SETUP_RULE_CALLS						\
	{ SVC_EVENTS, "DescribeRule", CALLS_CHECK, CALLS_ARN_RULES,	\
	  "read the rules" },						\
	{ SVC_EVENTS, "ListTargetsByRule", CALLS_CHECK, CALLS_ARN_RULES, \
	  "read their targets" },					\
	{ SVC_EVENTS, "PutRule", CALLS_APPLY, CALLS_ARN_RULES,		\
	  "create or repair the rules" },				\
	{ SVC_EVENTS, "PutTargets", CALLS_APPLY, CALLS_ARN_RULES,	\
	  "point them at their target" },				\
	{ SVC_EVENTS, "RemoveTargets", CALLS_APPLY | CALLS_UNDO,	\
	  CALLS_ARN_RULES, "drop a stale rule; teardown" },		\
	{ SVC_EVENTS, "DeleteRule", CALLS_APPLY | CALLS_UNDO,		\
	  CALLS_ARN_RULES, "drop a stale rule; teardown" }

/* Found with the spec's state and pattern (and description, if checked). */
bool	 setup_rule_ok(const struct setup_rule *);
int	 setup_rule_check(struct setup_job *, struct setup_rule *);
int	 setup_rule_apply(struct setup_job *, struct setup_rule *);
int	 setup_rule_undo(struct setup_job *, struct setup_rule *);
/* "arn:...:events:REGION:ACCOUNT:rule/NAME"; caller frees. */
char	*setup_rule_arn(struct setup_job *, const char *name);

#endif
