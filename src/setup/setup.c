/* The setup engine: the step table, the run driver, and what the step
 * files share (names, facts, notes, ledger, fixes). */
#include "config.h"

#include <sys/random.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "endpoint.h"
#include "log.h"
#include "loop.h"
#include "monitor.h"
#include "setup_internal.h"
#include "statefile.h"

/* The step entries, each beside its operations: steps 1-3 in setup_s3.c,
 * 4-6 in setup_trail.c, 7 in setup_alerts.c, 8 in setup_lambda.c, 9-10 in
 * setup_insights.c. */
extern const struct setup_step setup_step_buckets, setup_step_access_logging,
    setup_step_trail_policy, setup_step_trail, setup_step_log_group,
    setup_step_trail_logs, setup_step_alerts, setup_step_lambda,
    setup_step_dashboard, setup_step_queries;

/* The one place that orders them: a step's number is its place here. */
#define SETUP_STEP_ENTRIES \
	&setup_step_buckets, \
	&setup_step_access_logging, \
	&setup_step_trail_policy, \
	&setup_step_trail, \
	&setup_step_log_group, \
	&setup_step_trail_logs, \
	&setup_step_alerts, \
	&setup_step_lambda, \
	&setup_step_dashboard, \
	&setup_step_queries,

const struct setup_step *const setup_steps[SETUP_NSTEPS] = {
	SETUP_STEP_ENTRIES
};
/* The declared size would pad a missing step with NULL: count them. */
_Static_assert(sizeof (const struct setup_step *[]){ SETUP_STEP_ENTRIES } /
    sizeof (const struct setup_step *) == SETUP_NSTEPS,
    "setup_steps[] must hold exactly SETUP_NSTEPS steps");

_Static_assert(CALLS_CHECK == 1u << SETUP_PH_CHECK &&
    CALLS_APPLY == 1u << SETUP_PH_APPLY &&
    CALLS_VERIFY == 1u << SETUP_PH_VERIFY &&
    CALLS_UNDO == 1u << SETUP_PH_UNDO, "calls.h's phases are setup's");

/* Every run's own calls, outside its steps. */
const struct calls_entry setup_calls[] = {
	{ SVC_STS, "GetCallerIdentity", 0, "*",
	  "the account, for the names (needs no permission on AWS)" },
	{ .op = NULL }
};

static const char *const setup_phase_names[] = {
	"check", "apply", "verify", "undo",
};

/* Suggested fixes for AWS error codes (a denial names its action). */
static const struct {
	const char	*code;
	const char	*fix;
} setup_fixes[] = {
	{ "ExpiredToken", "the credentials have expired: renew them (e.g. aws "
	  "sso login) and run again" },
	{ "ExpiredTokenException", "the credentials have expired: renew them "
	  "(e.g. aws sso login) and run again" },
	{ "InvalidClientTokenId", "the access key is not valid: check the "
	  "profile (s3watch whoami)" },
	{ "UnrecognizedClientException", "the access key is not valid: check "
	  "the profile (s3watch whoami)" },
	{ "SignatureDoesNotMatch", "the secret key does not match the access "
	  "key: check the profile (s3watch whoami)" },
	{ "BucketAlreadyExists", "another account owns this bucket name: set "
	  "suffix or the bucket names in s3watch.conf" },
	{ "Throttling", "AWS is throttling this account: wait a minute and "
	  "run again" },
	{ "ThrottlingException", "AWS is throttling this account: wait a "
	  "minute and run again" },
	{ "InsufficientS3BucketPolicyException", "the trail bucket policy "
	  "does not let CloudTrail write: run step 3 (trail-policy) again" },
	{ "InvalidCloudWatchLogsRoleArnException", "IAM has not propagated the "
	  "delivery role yet: run again in a minute" },
	{ "InvalidCloudWatchLogsLogGroupArnException", "the log group is "
	  "missing: run step 5 (log-group) again" },
	{ "InvalidParameterValueException", "check the values in s3watch.conf "
	  "(s3watch config)" },
	{ "LimitExceededException", "an account quota was reached: remove "
	  "unused resources or ask AWS for a higher quota" },
	{ "MaximumNumberOfTrailsExceededException", "this region already has "
	  "5 trails: remove one or set trail_name to an existing trail" },
};

struct setup {
	struct aws_client	*client;
	const struct conf	*conf;
	struct ledger		*ledger;
	setup_event_fn		 fn;
	void			*arg;

	struct setup_names	 names;
	bool			 resolved;

	bool			 busy;
	bool			 cancelled;
	bool			 waiting;	/* for a call, timer or answer */
	enum setup_op		 op;
	int			 first, last;
	int			 cur;		/* current step, 1-based */
	int			 phase;		/* index into the op's phases */
	struct setup_job	 job;
	void			*facts;
	void			(*facts_free)(void *);

	/* The call in flight. */
	char			*call;
	char			*target;
	bool			 call_write;
	uint64_t		 call_start;

	int			 changes;
	int			 failures;
	int			 warnings;
	enum setup_level	 worst;		/* of the current step */
	const struct setup_step *const *steps;	/* setup_steps, or another */
	int			 nsteps;
	enum setup_step_state	 states[SETUP_MAX_STEPS];
};

/* The phases each operation runs for a step. */
struct setup_phase_spec {
	enum setup_phase	phase;
	bool			plan;
	bool			quiet;
};

static const struct {
	int			n;
	struct setup_phase_spec	v[4];
} setup_op_phases[] = {
	[SETUP_PLAN] = { 2, { { SETUP_PH_CHECK, false, false },
	    { SETUP_PH_APPLY, true, false } } },
	[SETUP_APPLY] = { 4, { { SETUP_PH_CHECK, false, false },
	    { SETUP_PH_APPLY, false, false }, { SETUP_PH_CHECK, false, true },
	    { SETUP_PH_VERIFY, false, false } } },
	[SETUP_STATUS] = { 2, { { SETUP_PH_CHECK, false, false },
	    { SETUP_PH_VERIFY, false, false } } },
	[SETUP_UNDO] = { 1, { { SETUP_PH_UNDO, false, false } } },
	[SETUP_VALIDATE] = { 1, { { SETUP_PH_VERIFY, false, false } } },
};

static const char *const setup_state_names[SETUP_S_COUNT] = {
	"pending", "checking", "applying", "verifying", "undoing", "done",
	"warn", "failed",
};

static const char *const setup_level_names[SETUP_L_COUNT] = {
	"ok", "missing", "differs", "PASS", "WARN", "FAIL",
};

static void	setup_advance(struct setup *);

const char *
setup_state_name(enum setup_step_state st)
{
	return st < SETUP_S_COUNT ? setup_state_names[st] : "?";
}

const char *
setup_level_name(enum setup_level l)
{
	return l < SETUP_L_COUNT ? setup_level_names[l] : "?";
}

int
setup_step_find(const char *s)
{
	char *end;
	long n;
	int i;

	n = strtol(s, &end, 10);
	if (*s != '\0' && *end == '\0')
		return n >= 1 && n <= SETUP_NSTEPS ? (int)n : -1;
	for (i = 0; i < SETUP_NSTEPS; i++)
		if (strcmp(setup_steps[i]->name, s) == 0)
			return i + 1;
	return -1;
}

static void
setup_emit(struct setup *s, struct setup_event *ev)
{
	ev->step = s->cur;
	if (s->fn != NULL)
		s->fn(ev, s->arg);
}

static void
setup_set_state(struct setup *s, enum setup_step_state st, const char *text)
{
	struct setup_event ev = { .kind = SETUP_EV_STEP, .state = st,
	    .text = text };

	if (s->cur >= 1 && s->cur <= s->nsteps)
		s->states[s->cur - 1] = st;
	setup_emit(s, &ev);
}

/* --- names ----------------------------------------------------------- */

/* The names of SETUP_NAMES, as a table: its name, its field, how it is
 * made. */
enum setup_name_how {
	SETUP_NAME_ID,
	SETUP_NAME_CONF,
	SETUP_NAME_ARN,
};

static const struct setup_name_def {
	const char		*name;
	size_t			 off;		/* in struct setup_names */
	enum setup_name_how	 how;
	enum conf_key		 key;		/* CONF */
	const char		*service;	/* ARN */
	bool			 regional;
	const char		*resource;
	size_t			 of;		/* the name it is made of */
	const char		*tail;
} setup_name_defs[] = {
#define SETUP_NAME_OFF(n)	offsetof(struct setup_names, n)
#define SETUP_NAME_ID_DEF(n)						\
	{ .name = #n, .off = SETUP_NAME_OFF(n), .how = SETUP_NAME_ID },
#define SETUP_NAME_CONF_DEF(n, k)					\
	{ .name = #n, .off = SETUP_NAME_OFF(n), .how = SETUP_NAME_CONF,	\
	  .key = (k) },
#define SETUP_NAME_ARN_DEF(n, svc, reg, res, o, t)			\
	{ .name = #n, .off = SETUP_NAME_OFF(n), .how = SETUP_NAME_ARN,	\
	  .service = (svc), .regional = (reg), .resource = (res),	\
	  .of = SETUP_NAME_OFF(o), .tail = (t) },
	SETUP_NAMES(SETUP_NAME_ID_DEF, SETUP_NAME_CONF_DEF, SETUP_NAME_ARN_DEF)
#undef SETUP_NAME_ID_DEF
#undef SETUP_NAME_CONF_DEF
#undef SETUP_NAME_ARN_DEF
#undef SETUP_NAME_OFF
};

#define SETUP_NNAMES	(sizeof setup_name_defs / sizeof setup_name_defs[0])

static char **
setup_name_field(const struct setup_names *n, size_t off)
{
	return (char **)((char *)n + off);
}

static void
setup_names_free(struct setup_names *n)
{
	size_t i;

	for (i = 0; i < SETUP_NNAMES; i++)
		free(*setup_name_field(n, setup_name_defs[i].off));
	xstrv_free(n->allowed_cidrs, n->nallowed_cidrs);
	memset(n, 0, sizeof *n);
}

/* The names the table makes from conf and from other names. */
static void
setup_names_make(struct setup *s)
{
	struct setup_names *n = &s->names;
	const struct setup_name_def *d;
	char **field;
	size_t i;

	for (i = 0; i < SETUP_NNAMES; i++) {
		d = &setup_name_defs[i];
		field = setup_name_field(n, d->off);
		switch (d->how) {
		case SETUP_NAME_ID:
			break;
		case SETUP_NAME_CONF:
			*field = conf_expand(s->conf, d->key, n->suffix,
			    n->account, n->region);
			break;
		case SETUP_NAME_ARN:
			*field = xasprintf("arn:%s:%s:%s:%s:%s%s%s",
			    n->partition, d->service, d->regional ? n->region :
			    "", n->account, d->resource,
			    *setup_name_field(n, d->of), d->tail);
			break;
		}
	}
}

/* Six lower-case letters and digits: valid in every name we make. */
static char *
setup_random_suffix(void)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[6];
	char *s = xmalloc(sizeof r + 1);
	size_t i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		abort();
	for (i = 0; i < sizeof r; i++)
		s[i] = set[r[i] % (sizeof set - 1)];
	s[sizeof r] = '\0';
	return s;
}

static int
setup_resolve(struct setup *s, const char *account, const char *caller,
    char **cause)
{
	struct setup_names *n = &s->names;
	const struct aws_partition *p;
	const char *region = aws_client_region(s->client);
	char *suffix;

	if (region == NULL || (p = endpoint_partition(region)) == NULL) {
		*cause = xasprintf("no usable region (%s): set region in "
		    "s3watch.conf, --region or AWS_REGION",
		    region != NULL ? region : "none");
		return -1;
	}
	if (s->ledger->account != NULL && (strcmp(s->ledger->account,
	    account) != 0 || strcmp(s->ledger->region, region) != 0)) {
		*cause = xasprintf("the ledger %s belongs to account %s in %s, "
		    "not %s in %s: set S3WATCH_STATE_DIR for another one",
		    s->ledger->path, s->ledger->account, s->ledger->region,
		    account, region);
		return -1;
	}
	setup_names_free(n);
	n->account = xstrdup(account);
	n->caller_arn = xstrdup(caller);
	n->region = xstrdup(region);
	n->partition = xstrdup(p->name);
	if (*conf_str(s->conf, CONF_SUFFIX) != '\0')
		suffix = xstrdup(conf_str(s->conf, CONF_SUFFIX));
	else if (s->ledger->suffix != NULL)
		suffix = xstrdup(s->ledger->suffix);
	else
		suffix = setup_random_suffix();
	n->suffix = suffix;
	/* Remembered at once: a plan must name what apply will create. */
	if (ledger_set(s->ledger, &s->ledger->suffix, suffix, cause) != 0 ||
	    ledger_set(s->ledger, &s->ledger->account, account, cause) != 0 ||
	    ledger_set(s->ledger, &s->ledger->region, region, cause) != 0)
		return -1;

	setup_names_make(s);
	n->create_source_bucket = conf_bool(s->conf, CONF_CREATE_SOURCE_BUCKET);
	n->require_tls = conf_bool(s->conf, CONF_REQUIRE_TLS);
	n->retention_days = (int)conf_int(s->conf, CONF_RETENTION_DAYS);
	setup_conf_changed(s);
	s->resolved = true;
	return 0;
}

void
setup_conf_changed(struct setup *s)
{
	struct setup_names *n = &s->names;
	char *const *cidrs;
	size_t i;

	xstrv_free(n->allowed_cidrs, n->nallowed_cidrs);
	cidrs = conf_list(s->conf, CONF_ALLOWED_CIDRS, &n->nallowed_cidrs);
	n->allowed_cidrs = xcalloc(n->nallowed_cidrs + 1, sizeof *cidrs);
	for (i = 0; i < n->nallowed_cidrs; i++)
		n->allowed_cidrs[i] = xstrdup(cidrs[i]);
}

const char *
setup_name(const struct setup *s, const char *key)
{
	size_t i;

	if (!s->resolved)
		return NULL;
	for (i = 0; i < SETUP_NNAMES; i++)
		if (strcmp(setup_name_defs[i].name, key) == 0)
			return *setup_name_field(&s->names,
			    setup_name_defs[i].off);
	return NULL;
}

const struct setup_names *
setup_names_of(const struct setup *s)
{
	return &s->names;
}

struct aws_client *
setup_client(const struct setup *s)
{
	return s->client;
}

const struct conf *
setup_conf(const struct setup *s)
{
	return s->conf;
}

int
setup_rules_conf(struct setup_job *j, struct rules *r, char **cause)
{
	return monitor_rules_conf(r, j->s->conf, N(j)->suffix, N(j)->account,
	    N(j)->region, cause);
}

void *
setup_event_arg(const struct setup *s)
{
	return s->arg;
}

/* --- life cycle -------------------------------------------------------- */

struct setup *
setup_new(struct aws_client *c, const struct conf *conf,
    const char *ledger_path, setup_event_fn fn, void *arg, char **cause)
{
	return setup_new_table(c, conf, ledger_path, setup_steps, SETUP_NSTEPS,
	    fn, arg, cause);
}

struct setup *
setup_new_table(struct aws_client *c, const struct conf *conf,
    const char *ledger_path, const struct setup_step *const *steps, int nsteps,
    setup_event_fn fn, void *arg, char **cause)
{
	struct setup *s;
	struct ledger *l;
	char *path;

	if (ledger_path != NULL)
		path = xstrdup(ledger_path);
	else if ((path = statefile_path("ledger.json", cause)) == NULL)
		return NULL;
	l = ledger_open(path, cause);
	free(path);
	if (l == NULL)
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->client = c;
	s->conf = conf;
	s->ledger = l;
	s->fn = fn;
	s->arg = arg;
	s->job.s = s;
	s->steps = steps;
	s->nsteps = nsteps < SETUP_MAX_STEPS ? nsteps : SETUP_MAX_STEPS;
	return s;
}

static void
setup_facts_drop(struct setup *s)
{
	if (s->facts != NULL && s->facts_free != NULL)
		s->facts_free(s->facts);
	free(s->facts);
	s->facts = NULL;
	s->facts_free = NULL;
}

static void
setup_job_reset(struct setup_job *j)
{
	aws_response_free(j->resp);
	j->resp = NULL;
	free(j->cause);
	j->cause = NULL;
	j->pt = j->sub = 0;
	j->i = j->n = j->tries = 0;
}

void
setup_free(struct setup *s)
{
	if (s == NULL)
		return;
	setup_job_reset(&s->job);
	setup_facts_drop(s);
	setup_names_free(&s->names);
	ledger_free(s->ledger);
	free(s->call);
	free(s->target);
	free(s);
}

bool
setup_busy(const struct setup *s)
{
	return s->busy;
}

void
setup_cancel(struct setup *s)
{
	if (s->busy)
		s->cancelled = true;
}

int
setup_changes(const struct setup *s)
{
	return s->changes;
}

int
setup_failures(const struct setup *s)
{
	return s->failures;
}

int
setup_warnings(const struct setup *s)
{
	return s->warnings;
}

enum setup_step_state
setup_step_state(const struct setup *s, int step)
{
	return step >= 1 && step <= s->nsteps ? s->states[step - 1] :
	    SETUP_S_PENDING;
}

/* --- facts, notes, ledger ---------------------------------------------- */

void *
setup_facts_new(struct setup_job *j, size_t size, void (*free_fn)(void *))
{
	struct setup *s = j->s;

	setup_facts_drop(s);
	s->facts = xcalloc(1, size);
	s->facts_free = free_fn;
	return s->facts;
}

void *
setup_facts(struct setup_job *j)
{
	return j->s->facts;
}

static void
setup_level_seen(struct setup *s, enum setup_level level)
{
	if ((level == SETUP_L_WARN || level == SETUP_L_FAIL) &&
	    level > s->worst)
		s->worst = level;
}

static void
setup_note_v(struct setup_job *j, enum setup_level level, const char *check,
    const char *fix, const char *fmt, va_list ap)
{
	struct setup_event ev = { .kind = SETUP_EV_NOTE, .level = level,
	    .check = check, .fix = fix };
	char *text;

	setup_level_seen(j->s, level);
	if (j->quiet && level != SETUP_L_FAIL)
		return;
	text = xvasprintf(fmt, ap);
	ev.text = text;
	setup_emit(j->s, &ev);
	free(text);
}

bool
setup_default_cidrs(const struct setup_job *j)
{
	return strcmp(conf_key_source(j->s->conf, CONF_ALLOWED_CIDRS),
	    "default") == 0;
}

void
setup_note(struct setup_job *j, enum setup_level level, const char *check,
    const char *fix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	setup_note_v(j, level, check, fix, fmt, ap);
	va_end(ap);
}

int
setup_fail_text(struct setup_job *j, const char *fix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	setup_note_v(j, SETUP_L_FAIL, NULL, fix, fmt, ap);
	va_end(ap);
	return SJ_FAIL;
}

/* The fix for the last call's error. */
static char *
setup_fix_for(struct aws_response *resp)
{
	size_t i;

	if (resp->kind == AWS_ERR_TRANSPORT)
		return xstrdup("check the network and the endpoint "
		    "(s3watch whoami shows it)");
	if (resp->kind == AWS_ERR_CREDENTIALS)
		return xstrdup("configure credentials (aws configure, "
		    "AWS_PROFILE) and check them with s3watch whoami");
	if (resp->denied != NULL)
		return xasprintf("allow %s for the caller: `s3watch policy "
		    "--for %s` prints the policy that grants it", resp->denied,
		    calls_grant(resp->denied) != NULL ?
		    calls_grant(resp->denied) : "setup");
	for (i = 0; resp->code != NULL &&
	    i < sizeof setup_fixes / sizeof setup_fixes[0]; i++)
		if (strcmp(setup_fixes[i].code, resp->code) == 0)
			return xstrdup(setup_fixes[i].fix);
	return NULL;
}

int
setup_fail(struct setup_job *j, const char *fix)
{
	char *found = NULL;
	int rc;

	if (j->resp == NULL)
		return setup_fail_text(j, fix, "%s %s failed", j->s->call,
		    j->s->target);
	if (fix == NULL)
		fix = found = setup_fix_for(j->resp);
	rc = setup_fail_text(j, fix, "%s %s: %s", j->s->call, j->s->target,
	    aws_error_text(j->resp));
	free(found);
	return rc;
}

bool
setup_iam_retry(struct setup_job *j, bool refused, const char *role)
{
	if (sj_ok(j) || !refused || j->tries >= SETUP_IAM_TRIES)
		return false;
	setup_note(j, SETUP_L_OK, NULL, NULL, "the new role %s is not usable "
	    "yet (IAM takes about 10 s to propagate it): retrying in %d s "
	    "(%d of %d)", role, SETUP_IAM_WAIT_MS / 1000, j->tries,
	    SETUP_IAM_TRIES - 1);
	return true;
}

int
setup_iam_failed(struct setup_job *j, const char *role, const char *service)
{
	char *fix;
	int rc;

	fix = xasprintf("check that the role %s trusts %s (aws iam get-role "
	    "--role-name %s), then run s3watch setup again", role, service,
	    role);
	rc = setup_fail_text(j, fix, "%s %s: the role %s was still refused "
	    "after %d s: %s", j->s->call, j->s->target, role,
	    (SETUP_IAM_TRIES - 1) * SETUP_IAM_WAIT_MS / 1000,
	    aws_error_text(j->resp));
	free(fix);
	return rc;
}

int
setup_fail_parse(struct setup_job *j, char *cause)
{
	int rc;

	if (j->resp != NULL && j->resp->kind != AWS_OK) {
		free(cause);
		return setup_fail(j, NULL);
	}
	rc = setup_fail_text(j, "check the endpoint (s3watch whoami): the "
	    "answer was not what AWS sends", "%s %s: %s", j->s->call,
	    j->s->target, cause != NULL ? cause : "unusable answer");
	free(cause);
	return rc;
}

static int
setup_ledger_rc(struct setup_job *j, int rc, char *cause)
{
	if (rc == 0)
		return 0;
	setup_note(j, SETUP_L_FAIL, NULL, "check the state directory's "
	    "permissions and free space", "ledger: %s",
	    cause != NULL ? cause : "cannot be saved");
	free(cause);
	return -1;
}

int
setup_intend(struct setup_job *j, const char *kind, const char *name,
    const char *arn)
{
	char *cause = NULL;

	if (j->plan)
		return 0;
	return setup_ledger_rc(j, ledger_intend(j->s->ledger, kind, name, arn,
	    j->s->cur, &cause), cause);
}

int
setup_created(struct setup_job *j, const char *kind, const char *name)
{
	char *cause = NULL;

	if (j->plan)
		return 0;
	return setup_ledger_rc(j, ledger_created(j->s->ledger, kind, name,
	    &cause), cause);
}

int
setup_forget(struct setup_job *j, const char *kind, const char *name)
{
	char *cause = NULL;

	return setup_ledger_rc(j, ledger_forget(j->s->ledger, kind, name,
	    &cause), cause);
}

bool
setup_owned(struct setup_job *j, const char *kind, const char *name)
{
	return ledger_find(j->s->ledger, kind, name) != NULL;
}

int
setup_policy_ours(struct setup_job *j, bool exists, const char *kind,
    const char *name, const char *what, const char *statements,
    const char *setting)
{
	char *policy = xasprintf("%s-policy", kind), *fix;
	bool ours;
	int rc;

	ours = !exists || setup_owned(j, kind, name) ||
	    setup_owned(j, policy, name);
	free(policy);
	if (ours)
		return 0;
	fix = xasprintf("merge the %s of `s3watch setup --plan` into it, or "
	    "choose another %s", statements, setting);
	rc = setup_fail_text(j, fix, "the %s %s already has a policy that "
	    "s3watch did not write", what, name);
	free(fix);
	return rc;
}

bool
setup_json_same(const char *a, const char *b)
{
	struct json_object *x, *y;
	bool same;

	if (a == NULL || b == NULL)
		return a == b;
	x = json_tokener_parse(a);
	y = json_tokener_parse(b);
	same = x != NULL && y != NULL && json_object_equal(x, y);
	json_object_put(x);
	json_object_put(y);
	return same;
}

/* --- calls --------------------------------------------------------------- */

static void
setup_on_answer(struct aws_response *resp, void *arg)
{
	struct setup *s = arg;
	struct setup_job *j = &s->job;
	struct setup_event ev = { .kind = SETUP_EV_ANSWER };

	aws_response_free(j->resp);
	j->resp = resp;
	ev.call = s->call;
	ev.target = s->target;
	ev.write = s->call_write;
	ev.elapsed_ms = loop_now_ms() - s->call_start;
	ev.error = resp->kind == AWS_OK ? NULL : aws_error_text(resp);
	if (resp->kind == AWS_OK && s->call_write)
		s->changes++;
	setup_emit(s, &ev);
	s->waiting = false;
	setup_advance(s);
}

int
setup_send(struct setup_job *j, struct aws_request *r, const char *target,
    bool write)
{
	struct setup *s = j->s;
	struct setup_event ev = { .kind = SETUP_EV_CALL };

	aws_response_free(j->resp);
	j->resp = NULL;
	if (r == NULL)
		return setup_fail_text(j, "fix the setting in s3watch.conf",
		    "%s", j->cause != NULL ? j->cause : "invalid request");
	/* The tables are the operator policies: a call they do not list
	 * would be denied to an operator who holds exactly those. */
	if (calls_find(j->step->calls, r->svc, r->op, 1u << j->phase) ==
	    NULL) {
		setup_fail_text(j, "report this as a bug of s3watch",
		    "step %s made %s:%s, which its table of calls does not "
		    "declare for its %s", j->step->name,
		    endpoint_service(r->svc)->signing_name, r->op,
		    setup_phase_names[j->phase]);
		aws_request_free(r);
		return SJ_FAIL;
	}
	free(s->call);
	free(s->target);
	s->call = xasprintf("%s:%s", endpoint_service(r->svc)->signing_name,
	    r->op);
	s->target = xstrdup(target != NULL ? target : "");
	s->call_write = write;
	ev.call = s->call;
	ev.target = s->target;
	ev.write = write;
	ev.planned = write && j->plan;
	setup_emit(s, &ev);
	if (ev.planned) {
		aws_request_free(r);
		return SJ_NEXT;
	}
	s->call_start = loop_now_ms();
	s->waiting = true;
	aws_send(s->client, r, setup_on_answer, s);
	return SJ_WAIT;
}

static void
setup_wake(void *arg)
{
	struct setup *s = arg;

	s->waiting = false;
	setup_advance(s);
}

void
setup_sleep(struct setup_job *j, uint64_t ms)
{
	j->s->waiting = true;
	loop_timer_add(aws_client_loop(j->s->client), ms, setup_wake, j->s);
}

void
setup_ask(struct setup_job *j, const char *fmt, ...)
{
	struct setup_event ev = { .kind = SETUP_EV_ASK };
	char *text;
	va_list ap;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	ev.text = text;
	j->s->waiting = true;
	j->answer = false;
	setup_emit(j->s, &ev);
	free(text);
}

void
setup_answer(struct setup *s, bool yes)
{
	s->job.answer = yes;
	/* Resume from the loop, not from inside the asker's callback. */
	loop_timer_add(aws_client_loop(s->client), 0, setup_wake, s);
}

/* --- the driver -------------------------------------------------------- */

static int (*setup_phase_fn(const struct setup_step *st,
    enum setup_phase ph))(struct setup_job *)
{
	switch (ph) {
	case SETUP_PH_CHECK:
		return st->check;
	case SETUP_PH_APPLY:
		return st->apply;
	case SETUP_PH_VERIFY:
		return st->verify;
	case SETUP_PH_UNDO:
		return st->undo;
	}
	return NULL;
}

static enum setup_step_state
setup_phase_state(enum setup_phase ph)
{
	switch (ph) {
	case SETUP_PH_CHECK:
		return SETUP_S_CHECKING;
	case SETUP_PH_APPLY:
		return SETUP_S_APPLYING;
	case SETUP_PH_VERIFY:
		return SETUP_S_VERIFYING;
	case SETUP_PH_UNDO:
		return SETUP_S_UNDOING;
	}
	return SETUP_S_PENDING;
}

/* why: the run stopped early (it counts as a failure). */
static void
setup_finish(struct setup *s, const char *why)
{
	struct setup_event ev = { .kind = SETUP_EV_DONE, .text = why };

	if (why != NULL && s->failures == 0)
		s->failures = 1;
	s->busy = false;
	s->cur = 0;
	setup_job_reset(&s->job);
	setup_facts_drop(s);
	setup_emit(s, &ev);
}

/* Steps run first..last, or last..first for teardown. */
static bool
setup_next_step(struct setup *s)
{
	if (s->op == SETUP_UNDO)
		s->cur--;
	else
		s->cur++;
	return s->cur >= s->first && s->cur <= s->last;
}

static void
setup_begin_phase(struct setup *s)
{
	struct setup_job *j = &s->job;
	const struct setup_phase_spec *p = &setup_op_phases[s->op].v[s->phase];

	setup_job_reset(j);
	j->step = s->steps[s->cur - 1];
	j->phase = p->phase;
	j->plan = p->plan;
	j->quiet = p->quiet;
	if (!p->quiet)
		setup_set_state(s, setup_phase_state(p->phase), NULL);
}

static void
setup_end_step(struct setup *s, bool failed)
{
	enum setup_step_state st;

	if (failed || s->worst == SETUP_L_FAIL) {
		st = SETUP_S_FAILED;
		s->failures++;
	} else if (s->worst == SETUP_L_WARN) {
		st = SETUP_S_WARN;
		s->warnings++;
	} else
		st = SETUP_S_DONE;
	setup_set_state(s, st, NULL);
	setup_facts_drop(s);
}

static void
setup_advance(struct setup *s)
{
	struct setup_job *j = &s->job;
	int (*fn)(struct setup_job *);
	int rc;

	while (s->busy && !s->waiting) {
		if (s->cancelled) {
			setup_finish(s, "cancelled");
			return;
		}
		fn = setup_phase_fn(j->step, j->phase);
		rc = fn != NULL ? fn(j) : SJ_DONE;
		if (rc == SJ_WAIT)
			return;
		if (rc == SJ_FAIL) {
			setup_end_step(s, true);
			/* Later steps stand on this one, except in a survey
			 * (status) or a teardown, which go on. */
			if (s->op == SETUP_APPLY || s->op == SETUP_PLAN) {
				setup_finish(s, "stopped at a failed step");
				return;
			}
		} else if (++s->phase < setup_op_phases[s->op].n) {
			setup_begin_phase(s);
			continue;
		} else
			setup_end_step(s, false);
		if (!setup_next_step(s)) {
			setup_finish(s, NULL);
			return;
		}
		s->phase = 0;
		s->worst = SETUP_L_OK;
		setup_begin_phase(s);
	}
}

static void
setup_begin_steps(struct setup *s)
{
	s->cur = s->op == SETUP_UNDO ? s->last : s->first;
	s->phase = 0;
	s->worst = SETUP_L_OK;
	setup_begin_phase(s);
	setup_advance(s);
}

static void
setup_on_identity(struct aws_response *resp, void *arg)
{
	struct setup *s = arg;
	const char *account, *arn;
	char *cause = NULL, *why;

	s->waiting = false;
	if (resp->kind != AWS_OK) {
		why = xasprintf("sts:GetCallerIdentity: %s", aws_error_text(resp));
		aws_response_free(resp);
		setup_finish(s, why);
		free(why);
		return;
	}
	account = xml_text(resp->xml, "GetCallerIdentityResult/Account");
	arn = xml_text(resp->xml, "GetCallerIdentityResult/Arn");
	if (account == NULL || setup_resolve(s, account,
	    arn != NULL ? arn : "", &cause) != 0) {
		why = cause != NULL ? cause :
		    xstrdup("sts:GetCallerIdentity: no Account in the answer");
		aws_response_free(resp);
		setup_finish(s, why);
		free(why);
		return;
	}
	aws_response_free(resp);
	setup_begin_steps(s);
}

int
setup_identify(struct setup *s, char **cause)
{
	struct aws_response *resp;
	const char *account, *arn;
	int rc;

	resp = aws_call(s->client, aws_request_new(SVC_STS,
	    "GetCallerIdentity"));
	if (resp->kind != AWS_OK) {
		*cause = xasprintf("sts:GetCallerIdentity: %s",
		    aws_error_text(resp));
		aws_response_free(resp);
		return -1;
	}
	account = xml_text(resp->xml, "GetCallerIdentityResult/Account");
	arn = xml_text(resp->xml, "GetCallerIdentityResult/Arn");
	if (account == NULL) {
		*cause = xstrdup("sts:GetCallerIdentity: no Account in the "
		    "answer");
		rc = -1;
	} else
		rc = setup_resolve(s, account, arn != NULL ? arn : "", cause);
	aws_response_free(resp);
	return rc;
}

void
setup_start(struct setup *s, enum setup_op op, int first, int last)
{
	int i;

	if (s->busy)
		return;
	s->busy = true;
	s->cancelled = false;
	s->op = op;
	s->first = first < 1 ? 1 : first;
	s->last = last > s->nsteps ? s->nsteps : last;
	s->changes = s->failures = s->warnings = 0;
	for (i = s->first; i <= s->last; i++)
		s->states[i - 1] = SETUP_S_PENDING;
	s->cur = 0;
	s->waiting = true;
	/* Names hold the account, so every run starts by asking it. */
	aws_send(s->client, aws_request_new(SVC_STS, "GetCallerIdentity"),
	    setup_on_identity, s);
}

void
setup_run(struct setup *s, enum setup_op op, int first, int last)
{
	struct loop *l = aws_client_loop(s->client);

	setup_start(s, op, first, last);
	while (s->busy)
		loop_run_once(l, -1);
}
