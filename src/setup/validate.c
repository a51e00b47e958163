/* The validation tests, run by the setup engine as a table of their own
 * (setup_new_table, op SETUP_VALIDATE): each test is a resumable verify
 * operation, its notes are the evidence.  See setup_internal.h. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accesslog.h"
#include "loop.h"
#include "pattern.h"
#include "rules.h"
#include "setup_internal.h"
#include "tail.h"
#include "validate.h"

/* A note with this check id ends its test as TIMEOUT, not FAIL. */
#define VALIDATE_TIMEOUT_ID	"TIMEOUT"

static int	validate_access_logging(struct setup_job *);
static int	validate_cloudtrail(struct setup_job *);
static int	validate_canary(struct setup_job *);
static int	validate_alert_path(struct setup_job *);

/* The calls of each test (calls.h). */
static const struct calls_entry access_logging_calls[] = {
	{ SVC_S3, "PutObject", CALLS_VERIFY, CALLS_ARN_OBJECTS("source_bucket"),
	  "validate: upload a test object" },
	{ SVC_S3, "ListObjectsV2", CALLS_VERIFY, CALLS_ARN_BUCKET("log_bucket"),
	  "validate: find its access logs" },
	{ SVC_S3, "GetObject", CALLS_VERIFY, CALLS_ARN_OBJECTS("log_bucket"),
	  "validate: read them" },
	{ .op = NULL }
};
static const struct calls_entry cloudtrail_calls[] = {
	{ SVC_CLOUDTRAIL, "LookupEvents", CALLS_VERIFY, "*",
	  "validate: the bucket's management events (takes no resource)" },
	{ .op = NULL }
};
static const struct calls_entry canary_calls[] = {
	{ SVC_S3, "PutObject", CALLS_VERIFY, CALLS_ARN_OBJECTS("source_bucket"),
	  "validate: put the canary" },
	{ SVC_S3, "GetObject", CALLS_VERIFY, CALLS_ARN_OBJECTS("source_bucket"),
	  "validate: read it, and a missing key" },
	{ SVC_LOGS, "FilterLogEvents", CALLS_VERIFY, "${log_group_arn}",
	  "validate: wait for its events" },
	{ .op = NULL }
};
static const struct calls_entry alert_path_calls[] = {
	{ SVC_CLOUDWATCH, "GetDashboard", CALLS_VERIFY, CALLS_ARN_DASHBOARD,
	  "validate: the dashboard exists" },
	{ SVC_EVENTS, "TestEventPattern", CALLS_VERIFY, "*",
	  "validate: EventBridge agrees with the rules (takes no resource)" },
	{ SVC_SNS, "GetTopicAttributes", CALLS_VERIFY, "${topic_arn}",
	  "validate: the topic" },
	{ SVC_SNS, "ListSubscriptionsByTopic", CALLS_VERIFY, "${topic_arn}",
	  "validate: its confirmed subscriptions" },
	{ SVC_SNS, "Publish", CALLS_VERIFY, "${topic_arn}",
	  "validate: a test publish" },
	{ .op = NULL }
};

/* The tests, in order: number, name, title, what it does and why, the
 * verify operation the engine runs for it, and its calls.  Both tables
 * come from here. */
#define VALIDATE_TESTS(X)						\
	X(1, "access-logging", "Access logging",			\
	  "Uploads a test object to the monitored bucket and waits "	\
	  "for server access logs under the prefix, then parses "	\
	  "them.  AWS delivers within hours, so the wait is "		\
	  "configurable.",						\
	  validate_access_logging, access_logging_calls)					\
	X(2, "cloudtrail", "CloudTrail events",				\
	  "Looks up the bucket's management events in CloudTrail's "	\
	  "event history.",						\
	  validate_cloudtrail, cloudtrail_calls)						\
	X(3, "canary", "End-to-end canary",				\
	  "Puts and reads a canary object and reads a missing key, "	\
	  "waits for those data events in the log group, checks the "	\
	  "local rules fire on them, and reports the delivery "		\
	  "latency.",							\
	  validate_canary, canary_calls)						\
	X(4, "alert-path", "Alert path",				\
	  "Checks the dashboard exists, that EventBridge's "		\
	  "TestEventPattern agrees with the local engine on the "	\
	  "pack's fixtures, that the topic has confirmed "		\
	  "subscriptions, and that a test publish succeeds.",		\
	  validate_alert_path, alert_path_calls)

#define VALIDATE_TEST(n_, name_, title_, why_, fn_, calls_)		\
	{ n_, name_, title_, why_ },
#define VALIDATE_STEP(n_, name_, title_, why_, fn_, calls_)		\
	&(const struct setup_step){ .name = name_, .title = title_,	\
	    .why = why_, .verify = fn_, .calls = calls_ },

const struct validate_test validate_tests[VALIDATE_NTESTS] = {
	VALIDATE_TESTS(VALIDATE_TEST)
};

/* The engine's view of the same tests. */
const struct setup_step *const validate_steps[VALIDATE_NTESTS] = {
	VALIDATE_TESTS(VALIDATE_STEP)
};

#undef VALIDATE_TEST
#undef VALIDATE_STEP

struct validate {
	struct setup		*setup;
	validate_event_fn	 fn;
	void			*arg;
	int			 wait_s;
	int			 poll_ms;
	enum validate_result	 results[VALIDATE_NTESTS];
	bool			 timed_out[VALIDATE_NTESTS];
	uint64_t		 started[VALIDATE_NTESTS];
};

/* The validate a test runs for: the engine's event argument. */
static struct validate *
validate_of_job(struct setup_job *j)
{
	return setup_event_arg(j->s);
}

static const char *const validate_result_names[VALIDATE_RESULT_COUNT] = {
	"pending", "running", "PASS", "FAIL", "TIMEOUT",
};

const char *
validate_result_name(enum validate_result r)
{
	return r < VALIDATE_RESULT_COUNT ? validate_result_names[r] : "?";
}

/* --- helpers for the tests ------------------------------------------------ */

static void
validate_progress(struct setup_job *j, const char *fmt, ...) ATTR_FORMAT(2, 3);
static void
validate_progress(struct setup_job *j, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	/* Progress is an OK note; evidence is PASS/FAIL. */
	setup_note(j, SETUP_L_OK, NULL, NULL, "%s", text);
	free(text);
}

/* Seconds spent waiting so far, against the test's budget. */
static bool
validate_expired(struct setup_job *j, uint64_t since_ms)
{
	struct validate *v = validate_of_job(j);

	return loop_now_ms() - since_ms >= (uint64_t)v->wait_s * 1000;
}

static char *
validate_stamp(void)
{
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
	return xasprintf("%s-%04x", buf, (unsigned int)(loop_now_ms() & 0xffff));
}

/* --- 1: access logging ---------------------------------------------------- */

/* Parses a log object with the access log parser: lines, the malformed
 * ones, the widest field era, and whether the test object is there. */
struct validate_lines {
	size_t	parsed;
	size_t	malformed;
	size_t	max_fields;
	bool	has_key;
};

static void
validate_scan_log(const char *data, size_t len, const char *key,
    struct validate_lines *st)
{
	struct accesslog_iter *it = accesslog_iter_new(data, len);
	const struct accesslog_record *r;
	const char *k;

	memset(st, 0, sizeof *st);
	while ((r = accesslog_iter_next(it)) != NULL) {
		if (r->nfields > st->max_fields)
			st->max_fields = r->nfields;
		k = r->field[ACCESSLOG_KEY];
		if (k != NULL && strcmp(k, key) == 0)
			st->has_key = true;
	}
	st->parsed = accesslog_iter_records(it);
	st->malformed = accesslog_iter_malformed(it);
	accesslog_iter_free(it);
}

struct access_facts {
	char			*key;
	time_t			 start;
	uint64_t		 wait_from;
	char			*newest;	/* log object to read */
	time_t			 newest_time;
	size_t			 objects;
};

static void
access_facts_free(void *p)
{
	struct access_facts *f = p;

	free(f->key);
	free(f->newest);
}

static int
validate_access_logging(struct setup_job *j)
{
	struct access_facts *f = setup_facts(j);
	struct s3_objects l;
	struct s3_data d;
	struct validate_lines st;
	char *cause = NULL, *stamp;
	size_t i;

	SJ_BEGIN(j);
	f = setup_facts_new(j, sizeof *f, access_facts_free);
	stamp = validate_stamp();
	f->key = xasprintf("s3watch-validate/access-%s.txt", stamp);
	free(stamp);
	f->start = time(NULL);
	SJ_WRITE(j, s3_put_object(N(j)->source_bucket, f->key, "s3watch "
	    "access logging test\n", 27, "text/plain", &j->cause), f->key);
	if (!sj_ok(j))
		return setup_fail(j, NULL);
	f->wait_from = loop_now_ms();
	for (;;) {
		SJ_READ(j, s3_list_objects_v2(N(j)->log_bucket,
		    N(j)->log_prefix, NULL, 1000, &j->cause), N(j)->log_bucket);
		if (!sj_ok(j))
			return setup_fail(j, "run s3watch setup --only 1");
		if (s3_list_objects_v2_parse(j->resp, &l, &cause) != 0)
			return setup_fail_parse(j, cause);
		for (i = 0; i < l.n; i++)
			if (l.v[i].modified >= f->start - 60 &&
			    l.v[i].modified >= f->newest_time) {
				free(f->newest);
				f->newest = xstrdup(l.v[i].key);
				f->newest_time = l.v[i].modified;
			}
		f->objects = l.n;
		s3_objects_free(&l);
		if (f->newest != NULL)
			break;
		if (validate_expired(j, f->wait_from)) {
			setup_note(j, SETUP_L_FAIL, VALIDATE_TIMEOUT_ID, "AWS "
			    "delivers access logs within hours: run again "
			    "later, or with a longer --wait", "no access log "
			    "under s3://%s/%s after %d s", N(j)->log_bucket,
			    N(j)->log_prefix, validate_of_job(j)->wait_s);
			return SJ_DONE;
		}
		validate_progress(j, "waiting for access logs under s3://%s/%s",
		    N(j)->log_bucket, N(j)->log_prefix);
		SJ_SLEEP(j, validate_of_job(j)->poll_ms);
	}
	SJ_READ(j, s3_get_object(N(j)->log_bucket, f->newest, &j->cause),
	    f->newest);
	if (s3_get_object_parse(j->resp, &d, &cause) != 0)
		return setup_fail_parse(j, cause);
	validate_scan_log(d.data, d.len, f->key, &st);
	s3_data_free(&d);
	setup_note(j, SETUP_L_PASS, "P-03", NULL, "access logs are delivered: "
	    "s3://%s/%s", N(j)->log_bucket, f->newest);
	if (st.parsed == 0)
		setup_note(j, SETUP_L_FAIL, "P-03", "check the log bucket's "
		    "contents", "the newest log object has no parsable line "
		    "(%zu malformed)", st.malformed);
	else
		setup_note(j, SETUP_L_PASS, "P-03", NULL, "%zu log line(s) "
		    "parsed (%zu malformed), up to %zu fields%s", st.parsed,
		    st.malformed, st.max_fields, st.has_key ? ", including the "
		    "test object's upload" : "");
	SJ_END(j);
}

/* --- 2: CloudTrail events ------------------------------------------------- */

static int
validate_cloudtrail(struct setup_job *j)
{
	struct cloudtrail_events ev;
	char *cause = NULL;

	SJ_BEGIN(j);
	SJ_READ(j, cloudtrail_lookup_events("ResourceName",
	    N(j)->source_bucket, 0, 0, 50, NULL, &j->cause),
	    N(j)->source_bucket);
	if (j->resp != NULL && j->resp->status >= 500) {
		setup_note(j, SETUP_L_FAIL, "P-04", "use test 3 (canary), "
		    "which reads the log group, or a real AWS endpoint",
		    "the endpoint does not support CloudTrail LookupEvents "
		    "(HTTP %ld%s%s): event history cannot be read here",
		    j->resp->status, j->resp->code != NULL ? ", " : "",
		    j->resp->code != NULL ? j->resp->code : "");
		return SJ_DONE;
	}
	if (cloudtrail_lookup_events_parse(j->resp, &ev, &cause) != 0)
		return setup_fail_parse(j, cause);
	if (ev.n == 0)
		setup_note(j, SETUP_L_FAIL, "P-04", "check the trail (s3watch "
		    "status --only 4)", "no management event names %s in the "
		    "last 90 days", N(j)->source_bucket);
	else
		setup_note(j, SETUP_L_PASS, "P-04", NULL, "%zu management "
		    "event(s) name %s, the newest %s", ev.n,
		    N(j)->source_bucket, ev.v[0].name != NULL ? ev.v[0].name :
		    "?");
	cloudtrail_events_free(&ev);
	SJ_END(j);
}

/* --- 3: the end-to-end canary ------------------------------------------- */

enum { C_PUT, C_GET, C_MISSING, C_COUNT };

struct canary_facts {
	char		*key;
	char		*missing;
	char		*pattern;
	int64_t		 t0;		/* epoch ms before the first call */
	uint64_t	 wait_from;
	char		*token;
	bool		 seen[C_COUNT];
	int64_t		 ingested[C_COUNT];
	char		*records[C_COUNT];
};

static void
canary_facts_free(void *p)
{
	struct canary_facts *f = p;
	int i;

	free(f->key);
	free(f->missing);
	free(f->pattern);
	free(f->token);
	for (i = 0; i < C_COUNT; i++)
		free(f->records[i]);
}

/* Which of the three calls is this record, if any? */
static int
canary_which(const struct canary_facts *f, const char *msg)
{
	bool missing = strstr(msg, f->missing) != NULL;

	if (strstr(msg, "\"PutObject\"") != NULL && !missing)
		return C_PUT;
	if (strstr(msg, "\"GetObject\"") != NULL)
		return missing ? C_MISSING : C_GET;
	return -1;
}

static int
canary_hits(struct setup_job *j, const char *rules_dir,
    struct canary_facts *f, char **cause)
{
	struct rules *r = rules_new();
	int i, n, hits = 0;

	if ((N(j)->nallowed_cidrs > 0 && rules_set_allowed_cidrs(r,
	    N(j)->allowed_cidrs, N(j)->nallowed_cidrs, cause) != 0) ||
	    setup_rules_conf(j, r, cause) != 0 ||
	    rules_load_dir(r, rules_dir, NULL, NULL, cause) < 0) {
		rules_free(r);
		return -1;
	}
	for (i = 0; i < C_COUNT; i++) {
		n = rules_eval(r, f->records[i], strlen(f->records[i]),
		    PATTERN_WRAP_CLOUDTRAIL, NULL, NULL, cause);
		if (n < 0) {
			rules_free(r);
			return -1;
		}
		hits += n;
	}
	rules_free(r);
	return hits;
}

static int
validate_canary(struct setup_job *j)
{
	struct canary_facts *f = setup_facts(j);
	struct logs_filter lf;
	struct logs_events l;
	char *cause = NULL, *stamp, *dir;
	size_t i;
	int k, hits;

	SJ_BEGIN(j);
	f = setup_facts_new(j, sizeof *f, canary_facts_free);
	stamp = validate_stamp();
	f->key = xasprintf("s3watch-canary/%s", stamp);
	f->missing = xasprintf("s3watch-canary/%s-missing", stamp);
	f->pattern = xasprintf("\"%s\"", stamp);
	free(stamp);
	f->t0 = tail_clock_ms();
	SJ_WRITE(j, s3_put_object(N(j)->source_bucket, f->key, "canary\n", 7,
	    "text/plain", &j->cause), f->key);
	if (!sj_ok(j))
		return setup_fail(j, NULL);
	SJ_READ(j, s3_get_object(N(j)->source_bucket, f->key, &j->cause),
	    f->key);
	if (!sj_ok(j))
		return setup_fail(j, NULL);
	SJ_READ(j, s3_get_object(N(j)->source_bucket, f->missing, &j->cause),
	    f->missing);
	if (!sj_code(j, "NoSuchKey"))
		return setup_fail_text(j, NULL, "reading a missing key should "
		    "fail with NoSuchKey");
	f->wait_from = loop_now_ms();
	for (;;) {
		memset(&lf, 0, sizeof lf);
		lf.group = N(j)->log_group;
		lf.start = f->t0 - 60000;
		lf.pattern = f->pattern;
		lf.token = f->token;
		SJ_READ(j, logs_filter_log_events(&lf, &j->cause),
		    N(j)->log_group);
		if (!sj_ok(j))
			return setup_fail(j, "run s3watch setup --only 5");
		if (logs_filter_log_events_parse(j->resp, &l, &cause) != 0)
			return setup_fail_parse(j, cause);
		for (i = 0; i < l.n; i++) {
			if ((k = canary_which(f, l.v[i].message)) < 0 ||
			    f->seen[k])
				continue;
			f->seen[k] = true;
			f->ingested[k] = l.v[i].ingestion_time;
			f->records[k] = xstrdup(l.v[i].message);
		}
		free(f->token);
		f->token = l.next_token != NULL ? xstrdup(l.next_token) : NULL;
		logs_events_free(&l);
		if (f->seen[C_PUT] && f->seen[C_GET] && f->seen[C_MISSING])
			break;
		if (f->token != NULL)
			continue;
		if (validate_expired(j, f->wait_from)) {
			setup_note(j, SETUP_L_FAIL, VALIDATE_TIMEOUT_ID, "check "
			    "the trail's data events and its log group (s3watch "
			    "status --only 4 --from 4)", "the canary's data "
			    "events did not reach %s within %d s (put %s, get "
			    "%s, missing key %s)", N(j)->log_group,
			    validate_of_job(j)->wait_s, f->seen[C_PUT] ?
			    "seen" : "not seen", f->seen[C_GET] ? "seen" :
			    "not seen", f->seen[C_MISSING] ? "seen" : "not seen");
			return SJ_DONE;
		}
		validate_progress(j, "waiting for the canary's events in %s",
		    N(j)->log_group);
		SJ_SLEEP(j, validate_of_job(j)->poll_ms);
	}
	setup_note(j, SETUP_L_PASS, "P-05", NULL, "the three canary data "
	    "events reached %s", N(j)->log_group);
	{
		int64_t last = 0;

		for (k = 0; k < C_COUNT; k++)
			if (f->ingested[k] > last)
				last = f->ingested[k];
		setup_note(j, SETUP_L_PASS, "P-06", NULL, "delivery latency: "
		    "%.1f s from the first call to the last event's ingestion",
		    (double)(last - f->t0) / 1000.0);
	}
	dir = *N(j)->rules_dir != '\0' ? xstrdup(N(j)->rules_dir) :
	    rules_default_dir();
	hits = canary_hits(j, dir, f, &cause);
	free(dir);
	if (hits < 0) {
		setup_note(j, SETUP_L_FAIL, NULL, "check the rule pack "
		    "(s3watch replay)", "the local rules could not run: %s",
		    cause != NULL ? cause : "?");
		free(cause);
	} else if (hits == 0)
		setup_note(j, SETUP_L_FAIL, NULL, "check the rule pack's "
		    "canary rule", "no local rule fired on the canary's events");
	else
		setup_note(j, SETUP_L_PASS, NULL, NULL, "the local rules fired "
		    "%d time(s) on the canary's events", hits);
	SJ_END(j);
}

/* --- 4: the alert path ---------------------------------------------------- */

static int
validate_alert_path(struct setup_job *j)
{
	struct cloudwatch_dashboard db;
	struct sns_attributes at;
	struct sns_subscriptions subs;
	struct sns_message msg;
	size_t i;
	const char *confirmed;
	char *cause = NULL;
	long n;

	SJ_BEGIN(j);
	SJ_READ(j, cloudwatch_get_dashboard(N(j)->dashboard, &j->cause),
	    N(j)->dashboard);
	if (cloudwatch_get_dashboard_parse(j->resp, &db, &cause) != 0) {
		setup_note(j, SETUP_L_FAIL, "P-09", "run s3watch setup --only 9",
		    "dashboard %s: %s", N(j)->dashboard, cause);
		free(cause);
		cause = NULL;
	} else {
		setup_note(j, SETUP_L_PASS, "P-09", NULL, "dashboard %s exists",
		    N(j)->dashboard);
		cloudwatch_dashboard_free(&db);
	}
	SJ_READ(j, events_test_event_pattern("{\"source\":[\"aws.s3\"]}",
	    "{\"version\":\"0\",\"id\":\"1\",\"detail-type\":\"x\","
	    "\"source\":\"aws.s3\",\"account\":\"123456789012\",\"time\":"
	    "\"2026-01-01T00:00:00Z\",\"region\":\"us-east-1\",\"resources\":"
	    "[],\"detail\":{}}", &j->cause), "TestEventPattern");
	{
		bool match = false;

		if (events_test_event_pattern_parse(j->resp, &match,
		    &cause) != 0) {
			setup_note(j, SETUP_L_OK, "P-07", NULL, "not checked: "
			    "%s", cause);
			free(cause);
			cause = NULL;
		} else if (!match)
			setup_note(j, SETUP_L_FAIL, "P-07", NULL, "EventBridge "
			    "disagrees with the local engine on a plain "
			    "source match");
		else
			setup_note(j, SETUP_L_PASS, "P-07", NULL, "EventBridge "
			    "and the local engine agree");
	}
	SJ_READ(j, sns_get_topic_attributes(N(j)->topic_arn, &j->cause),
	    N(j)->topic);
	if (sns_get_topic_attributes_parse(j->resp, &at, &cause) != 0) {
		setup_note(j, SETUP_L_FAIL, "P-07", "run s3watch setup --only 7",
		    "topic %s: %s", N(j)->topic, cause);
		free(cause);
		return SJ_DONE;
	}
	confirmed = sns_attribute(&at, "SubscriptionsConfirmed");
	/* Not atoi(): past INT_MAX it is undefined; strtol() clamps. */
	n = confirmed != NULL ? strtol(confirmed, NULL, 10) : 0;
	j->n = n > 0 ? (int)(n < INT_MAX ? n : INT_MAX) : 0;
	sns_attributes_free(&at);
	/* Endpoints that do not keep the counters (moto): count the list. */
	if (j->n < 1) {
		SJ_READ(j, sns_list_subscriptions_by_topic(N(j)->topic_arn, NULL,
		    &j->cause), N(j)->topic);
		if (sns_list_subscriptions_by_topic_parse(j->resp, &subs,
		    &cause) != 0) {
			free(cause);
			cause = NULL;
		} else {
			for (i = 0; i < subs.n; i++)
				j->n += subs.v[i].arn != NULL &&
				    strcmp(subs.v[i].arn, "PendingConfirmation") != 0;
			sns_subscriptions_free(&subs);
		}
	}
	if (j->n < 1)
		setup_note(j, SETUP_L_FAIL, "P-07", "set alert_email and confirm "
		    "the subscription mail", "topic %s has no confirmed "
		    "subscription: alerts reach no one", N(j)->topic);
	else
		setup_note(j, SETUP_L_PASS, "P-07", NULL, "topic %s has %d "
		    "confirmed subscription(s)", N(j)->topic, j->n);
	memset(&msg, 0, sizeof msg);
	msg.topic_arn = N(j)->topic_arn;
	msg.subject = "[s3watch TEST] validation of the alert path";
	msg.message = "This is a test message from s3watch validate: the alert "
	    "path works.  No action is needed.";
	SJ_WRITE(j, sns_publish(&msg, &j->cause), N(j)->topic);
	if (!sj_ok(j))
		return setup_fail(j, NULL);
	setup_note(j, SETUP_L_PASS, "P-07", NULL, "a test alert was published "
	    "to %s", N(j)->topic);
	SJ_END(j);
}

/* --- the run ------------------------------------------------------------- */

static void
validate_on_setup(const struct setup_event *ev, void *arg)
{
	struct validate *v = arg;
	struct validate_event out = { .test = ev->step };
	int i = ev->step - 1;

	switch (ev->kind) {
	case SETUP_EV_STEP:
		if (i < 0 || i >= VALIDATE_NTESTS)
			return;
		out.kind = VALIDATE_EV_STATE;
		if (ev->state == SETUP_S_VERIFYING) {
			v->timed_out[i] = false;
			v->started[i] = loop_now_ms();
			out.result = VALIDATE_RUNNING;
		} else if (ev->state == SETUP_S_DONE ||
		    ev->state == SETUP_S_WARN)
			out.result = VALIDATE_PASS;
		else if (ev->state == SETUP_S_FAILED)
			out.result = v->timed_out[i] ? VALIDATE_TIMEOUT :
			    VALIDATE_FAIL;
		else
			return;
		v->results[i] = out.result;
		out.elapsed_ms = loop_now_ms() - v->started[i];
		break;
	case SETUP_EV_NOTE:
		if (ev->check != NULL && strcmp(ev->check,
		    VALIDATE_TIMEOUT_ID) == 0 && i >= 0)
			v->timed_out[i] = true;
		out.kind = ev->level == SETUP_L_OK ? VALIDATE_EV_PROGRESS :
		    VALIDATE_EV_EVIDENCE;
		out.text = ev->text;
		break;
	case SETUP_EV_CALL:
		return;
	case SETUP_EV_ANSWER:
		if (ev->error == NULL)
			return;
		out.kind = VALIDATE_EV_PROGRESS;
		out.text = ev->error;
		break;
	case SETUP_EV_ASK:
		setup_answer(v->setup, false);
		return;
	case SETUP_EV_DONE:
		out.kind = VALIDATE_EV_DONE;
		out.text = ev->text;
		break;
	}
	if (v->fn != NULL)
		v->fn(&out, v->arg);
}

struct validate *
validate_new(struct aws_client *c, const struct conf *conf,
    validate_event_fn fn, void *arg, char **cause)
{
	struct validate *v = xcalloc(1, sizeof *v);

	v->fn = fn;
	v->arg = arg;
	v->wait_s = 900;
	v->poll_ms = 5000;
	v->setup = setup_new_table(c, conf, NULL, validate_steps,
	    VALIDATE_NTESTS, validate_on_setup, v, cause);
	if (v->setup == NULL) {
		free(v);
		return NULL;
	}
	return v;
}

void
validate_set_wait(struct validate *v, int wait_s, int poll_ms)
{
	v->wait_s = wait_s;
	v->poll_ms = poll_ms;
}

void
validate_free(struct validate *v)
{
	if (v == NULL)
		return;
	setup_free(v->setup);
	free(v);
}

void
validate_start(struct validate *v, int first, int last)
{
	int i;

	for (i = first; i <= last && i <= VALIDATE_NTESTS; i++)
		if (i >= 1)
			v->results[i - 1] = VALIDATE_PENDING;
	setup_start(v->setup, SETUP_VALIDATE, first, last);
}

void
validate_run(struct validate *v, int first, int last)
{
	setup_run(v->setup, SETUP_VALIDATE, first, last);
}

void
validate_cancel(struct validate *v)
{
	setup_cancel(v->setup);
}

bool
validate_busy(const struct validate *v)
{
	return setup_busy(v->setup);
}

enum validate_result
validate_result_of(const struct validate *v, int test)
{
	return test >= 1 && test <= VALIDATE_NTESTS ? v->results[test - 1] :
	    VALIDATE_PENDING;
}
