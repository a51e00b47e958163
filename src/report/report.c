/* The access report's model: records folded into bounded tables, then
 * turned into the document every writer shows (report_internal.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts.h"
#include "buf.h"
#include "hash.h"
#include "idset.h"
#include "pattern.h"
#include "ctevent.h"
#include "report.h"
#include "report_internal.h"
#include "rules.h"
#include "text.h"
#include "xalloc.h"

#define REPORT_MAX_KEYS		5
#define REPORT_DEF_ROWS		1000
#define REPORT_DEF_CHANGES	1000
#define REPORT_DEF_DEDUPE	200000
#define REPORT_CHART_BARS	15	/* principals in the bar chart */
#define REPORT_CHART_DAYS	92	/* longest window charted day by day */

/* --- what counts as a change, a denial -------------------------------- */

/* Where an administrative change names its target. */
enum report_tfield {
	RT_BUCKET, RT_NAME, RT_TRAIL, RT_GROUP, RT_RULE, RT_TOPIC, RT_FUNCTION,
	RT_COUNT
};

static const char *const report_tpaths[RT_COUNT] = {
	[RT_BUCKET] = "requestParameters.bucketName",
	[RT_NAME] = "requestParameters.name",
	[RT_TRAIL] = "requestParameters.trailName",
	[RT_GROUP] = "requestParameters.logGroupName",
	[RT_RULE] = "requestParameters.rule",
	[RT_TOPIC] = "requestParameters.topicArn",
	[RT_FUNCTION] = "requestParameters.functionName",
};

/* The administrative changes an auditor wants listed: the bucket's
 * protections and the monitoring pipeline itself.  Lambda's event names
 * carry an API version ("UpdateFunctionCode20150331v2"), matched as a
 * prefix followed by a digit. */
static const struct report_change_def {
	const char		*source;
	const char		*name;
	const char		*kind;
	enum report_tfield	 target;
} report_change_defs[] = {
	{ "s3.amazonaws.com", "CreateBucket", "bucket", RT_BUCKET },
	{ "s3.amazonaws.com", "DeleteBucket", "bucket", RT_BUCKET },
	{ "s3.amazonaws.com", "PutBucketPolicy", "bucket policy", RT_BUCKET },
	{ "s3.amazonaws.com", "DeleteBucketPolicy", "bucket policy", RT_BUCKET },
	{ "s3.amazonaws.com", "PutBucketAcl", "bucket ACL", RT_BUCKET },
	{ "s3.amazonaws.com", "PutBucketLogging", "access logging", RT_BUCKET },
	{ "s3.amazonaws.com", "PutBucketPublicAccessBlock",
	  "public access block", RT_BUCKET },
	{ "s3.amazonaws.com", "DeleteBucketPublicAccessBlock",
	  "public access block", RT_BUCKET },
	{ "s3.amazonaws.com", "PutAccountPublicAccessBlock",
	  "public access block", RT_BUCKET },
	{ "s3.amazonaws.com", "DeleteAccountPublicAccessBlock",
	  "public access block", RT_BUCKET },
	{ "s3.amazonaws.com", "PutBucketEncryption", "encryption", RT_BUCKET },
	{ "s3.amazonaws.com", "DeleteBucketEncryption", "encryption",
	  RT_BUCKET },
	{ "s3.amazonaws.com", "PutBucketLifecycle", "lifecycle", RT_BUCKET },
	{ "s3.amazonaws.com", "PutBucketLifecycleConfiguration", "lifecycle",
	  RT_BUCKET },
	{ "s3.amazonaws.com", "DeleteBucketLifecycle", "lifecycle", RT_BUCKET },
	{ "s3.amazonaws.com", "PutBucketVersioning", "versioning", RT_BUCKET },
	{ "s3.amazonaws.com", "PutBucketOwnershipControls", "ownership",
	  RT_BUCKET },
	{ "s3.amazonaws.com", "DeleteBucketOwnershipControls", "ownership",
	  RT_BUCKET },
	{ "s3.amazonaws.com", "PutBucketReplication", "replication", RT_BUCKET },
	{ "s3.amazonaws.com", "DeleteBucketReplication", "replication",
	  RT_BUCKET },
	{ "s3.amazonaws.com", "PutBucketNotification", "notifications",
	  RT_BUCKET },
	{ "cloudtrail.amazonaws.com", "CreateTrail", "trail", RT_NAME },
	{ "cloudtrail.amazonaws.com", "UpdateTrail", "trail", RT_NAME },
	{ "cloudtrail.amazonaws.com", "DeleteTrail", "trail", RT_NAME },
	{ "cloudtrail.amazonaws.com", "StartLogging", "trail", RT_NAME },
	{ "cloudtrail.amazonaws.com", "StopLogging", "trail", RT_NAME },
	{ "cloudtrail.amazonaws.com", "PutEventSelectors", "trail", RT_TRAIL },
	{ "cloudtrail.amazonaws.com", "PutInsightSelectors", "trail",
	  RT_TRAIL },
	{ "logs.amazonaws.com", "CreateLogGroup", "log group", RT_GROUP },
	{ "logs.amazonaws.com", "DeleteLogGroup", "log group", RT_GROUP },
	{ "logs.amazonaws.com", "DeleteLogStream", "log group", RT_GROUP },
	{ "logs.amazonaws.com", "PutRetentionPolicy", "log group", RT_GROUP },
	{ "logs.amazonaws.com", "DeleteRetentionPolicy", "log group",
	  RT_GROUP },
	{ "logs.amazonaws.com", "AssociateKmsKey", "log group", RT_GROUP },
	{ "logs.amazonaws.com", "DisassociateKmsKey", "log group", RT_GROUP },
	{ "logs.amazonaws.com", "PutSubscriptionFilter", "log group",
	  RT_GROUP },
	{ "logs.amazonaws.com", "DeleteSubscriptionFilter", "log group",
	  RT_GROUP },
	{ "logs.amazonaws.com", "PutMetricFilter", "log group", RT_GROUP },
	{ "logs.amazonaws.com", "DeleteMetricFilter", "log group", RT_GROUP },
	{ "events.amazonaws.com", "PutRule", "EventBridge rule", RT_NAME },
	{ "events.amazonaws.com", "DeleteRule", "EventBridge rule", RT_NAME },
	{ "events.amazonaws.com", "EnableRule", "EventBridge rule", RT_NAME },
	{ "events.amazonaws.com", "DisableRule", "EventBridge rule", RT_NAME },
	{ "events.amazonaws.com", "PutTargets", "EventBridge rule", RT_RULE },
	{ "events.amazonaws.com", "RemoveTargets", "EventBridge rule",
	  RT_RULE },
	{ "sns.amazonaws.com", "CreateTopic", "SNS topic", RT_NAME },
	{ "sns.amazonaws.com", "DeleteTopic", "SNS topic", RT_TOPIC },
	{ "sns.amazonaws.com", "SetTopicAttributes", "SNS topic", RT_TOPIC },
	{ "sns.amazonaws.com", "Subscribe", "SNS topic", RT_TOPIC },
	{ "sns.amazonaws.com", "Unsubscribe", "SNS topic", RT_TOPIC },
	{ "sns.amazonaws.com", "AddPermission", "SNS topic", RT_TOPIC },
	{ "sns.amazonaws.com", "RemovePermission", "SNS topic", RT_TOPIC },
	{ "lambda.amazonaws.com", "CreateFunction", "Lambda function",
	  RT_FUNCTION },
	{ "lambda.amazonaws.com", "DeleteFunction", "Lambda function",
	  RT_FUNCTION },
	{ "lambda.amazonaws.com", "UpdateFunctionCode", "Lambda function",
	  RT_FUNCTION },
	{ "lambda.amazonaws.com", "UpdateFunctionConfiguration",
	  "Lambda function", RT_FUNCTION },
	{ "lambda.amazonaws.com", "AddPermission", "Lambda function",
	  RT_FUNCTION },
	{ "lambda.amazonaws.com", "RemovePermission", "Lambda function",
	  RT_FUNCTION },
	{ "lambda.amazonaws.com", "PutFunctionConcurrency", "Lambda function",
	  RT_FUNCTION },
};

static const struct report_change_def *
report_change_def(const char *source, const char *name)
{
	size_t i, n;

	if (source == NULL || name == NULL)
		return NULL;
	for (i = 0; i < sizeof report_change_defs /
	    sizeof report_change_defs[0]; i++) {
		const struct report_change_def *d = &report_change_defs[i];

		n = strlen(d->name);
		if (strcmp(source, d->source) == 0 &&
		    strncmp(name, d->name, n) == 0 && (name[n] == '\0' ||
		    (name[n] >= '0' && name[n] <= '9')))
			return d;
	}
	return NULL;
}

const char *
report_change_kind(const char *source, const char *name)
{
	const struct report_change_def *d = report_change_def(source, name);

	return d != NULL ? d->kind : NULL;
}

/* --- bounded aggregate tables ------------------------------------------ */

struct report_row {
	char		*f[REPORT_MAX_KEYS];	/* key fields, safe; NULL: none */
	uint64_t	 count;
	uint64_t	 denied;
	char		*first;			/* eventTime, safe */
	char		*last;
};

struct report_table {
	size_t			 nkeys;
	size_t			 max;
	struct report_row	*rows;
	size_t			 n;
	size_t			*index;		/* row + 1; 0: empty */
	size_t			 mask;
	struct report_row	 other;		/* count > 0 once used */
	uint64_t		*folded;	/* the report's counter */
};

static void
report_table_init(struct report_table *t, size_t nkeys, size_t max,
    uint64_t *folded)
{
	size_t size = 16;

	while (size < max * 2)
		size *= 2;
	t->nkeys = nkeys;
	t->max = max;
	t->rows = xcalloc(max, sizeof *t->rows);
	t->index = xcalloc(size, sizeof *t->index);
	t->mask = size - 1;
	t->folded = folded;
}

static void
report_row_clear(struct report_row *r)
{
	size_t i;

	for (i = 0; i < REPORT_MAX_KEYS; i++)
		free(r->f[i]);
	free(r->first);
	free(r->last);
}

static void
report_table_free(struct report_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		report_row_clear(&t->rows[i]);
	report_row_clear(&t->other);
	free(t->rows);
	free(t->index);
}

static uint64_t
report_key_hash(char *const *f, size_t nkeys)
{
	struct buf b = { 0 };
	uint64_t h;
	size_t i;

	for (i = 0; i < nkeys; i++)
		buf_add(&b, f[i], strlen(f[i]) + 1);
	h = hash64(b.data, b.len);
	buf_free(&b);
	return h;
}

static bool
report_key_eq(const struct report_row *r, char *const *f, size_t nkeys)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (strcmp(r->f[i], f[i]) != 0)
			return false;
	return true;
}

/* The row for these (safe) fields, made if there is room, else the
 * "(other)" row. */
static struct report_row *
report_table_get(struct report_table *t, char *const *f)
{
	size_t slot, i;
	struct report_row *r;

	slot = (size_t)report_key_hash(f, t->nkeys) & t->mask;
	while (t->index[slot] != 0) {
		r = &t->rows[t->index[slot] - 1];
		if (report_key_eq(r, f, t->nkeys))
			return r;
		slot = (slot + 1) & t->mask;
	}
	if (t->n == t->max) {
		if (t->other.f[0] == NULL)
			for (i = 0; i < t->nkeys; i++)
				t->other.f[i] = xstrdup(REPORT_OTHER);
		(*t->folded)++;
		return &t->other;
	}
	r = &t->rows[t->n++];
	for (i = 0; i < t->nkeys; i++)
		r->f[i] = xstrdup(f[i]);
	t->index[slot] = t->n;
	return r;
}

static void
report_row_seen(struct report_row *r, const char *time, bool denied)
{
	r->count++;
	if (denied)
		r->denied++;
	if (time == NULL || *time == '\0')
		return;
	if (r->first == NULL || strcmp(time, r->first) < 0) {
		free(r->first);
		r->first = xstrdup(time);
	}
	if (r->last == NULL || strcmp(time, r->last) > 0) {
		free(r->last);
		r->last = xstrdup(time);
	}
}

/* --- the model ---------------------------------------------------------- */

struct report_change {
	char	*time, *kind, *name, *principal, *source_ip, *target, *result;
};

struct report_ack {
	char			 id[ALERTS_ID_LEN + 1];
	char			*rule, *key, *last_seen, *who, *at, *note;
	enum rules_severity	 severity;
	uint64_t		 count;
};

struct report_posture {
	int	 step;
	char	*check, *result, *reason, *fix;
};

/* The record fields, read with the pattern engine's fast reader. */
enum {
	RF_ID, RF_TIME, RF_NAME, RF_SOURCE, RF_ARN, RF_ISSUER, RF_INVOKED,
	RF_TYPE, RF_IP, RF_ERROR, RF_COUNT
};

static const char *const report_paths[RF_COUNT] = {
	[RF_ID] = "eventID",
	[RF_TIME] = "eventTime",
	[RF_NAME] = "eventName",
	[RF_SOURCE] = "eventSource",
	[RF_ARN] = "userIdentity.arn",
	[RF_ISSUER] = "userIdentity.sessionContext.sessionIssuer.arn",
	[RF_INVOKED] = "userIdentity.invokedBy",
	[RF_TYPE] = "userIdentity.type",
	[RF_IP] = "sourceIPAddress",
	[RF_ERROR] = "errorCode",
};

struct report {
	struct report_options	 o;
	char			*title;
	char			*source;
	struct report_counts	 counts;
	struct idset		*seen;

	struct report_table	 principals;	/* principal */
	struct report_table	 access;	/* principal, bucket */
	struct report_table	 denied;	/* principal, ip, bucket, action,
						   error */
	struct report_table	 days;		/* day: S3 events, denied */

	struct report_change	*changes;
	size_t			 nchanges;
	struct report_ack	*acks;
	size_t			 nacks;
	struct report_posture	*posture;
	size_t			 nposture;
	char		       **notes;
	size_t			 nnotes;

	struct pattern_set	*fields;
	struct pattern_event	*ev;
	int			 ids[RF_COUNT];
	int			 tids[RT_COUNT];
};

struct report *
report_new(const struct report_options *o)
{
	struct report *r = xcalloc(1, sizeof *r);
	size_t rows;
	int i;

	r->o = *o;
	rows = o->max_rows > 0 ? o->max_rows : REPORT_DEF_ROWS;
	r->o.max_changes = o->max_changes > 0 ? o->max_changes :
	    REPORT_DEF_CHANGES;
	r->title = text_safe_str(o->title != NULL ? o->title :
	    "S3 access report");
	r->source = o->source != NULL ? text_safe_str(o->source) : NULL;
	r->o.title = r->o.source = NULL;
	r->seen = idset_new(o->dedupe > 0 ? o->dedupe : REPORT_DEF_DEDUPE);
	report_table_init(&r->principals, 1, rows, &r->counts.other);
	report_table_init(&r->access, 2, rows, &r->counts.other);
	report_table_init(&r->denied, 5, rows, &r->counts.other);
	report_table_init(&r->days, 1, rows, &r->counts.other);
	r->fields = pattern_set_new();
	for (i = 0; i < RF_COUNT; i++)
		r->ids[i] = pattern_set_want(r->fields, report_paths[i]);
	for (i = 0; i < RT_COUNT; i++)
		r->tids[i] = pattern_set_want(r->fields, report_tpaths[i]);
	r->ev = pattern_event_new(r->fields);
	return r;
}

void
report_free(struct report *r)
{
	size_t i;

	if (r == NULL)
		return;
	report_table_free(&r->principals);
	report_table_free(&r->access);
	report_table_free(&r->denied);
	report_table_free(&r->days);
	for (i = 0; i < r->nchanges; i++) {
		struct report_change *c = &r->changes[i];

		free(c->time);
		free(c->kind);
		free(c->name);
		free(c->principal);
		free(c->source_ip);
		free(c->target);
		free(c->result);
	}
	free(r->changes);
	for (i = 0; i < r->nacks; i++) {
		free(r->acks[i].rule);
		free(r->acks[i].key);
		free(r->acks[i].last_seen);
		free(r->acks[i].who);
		free(r->acks[i].at);
		free(r->acks[i].note);
	}
	free(r->acks);
	for (i = 0; i < r->nposture; i++) {
		free(r->posture[i].check);
		free(r->posture[i].result);
		free(r->posture[i].reason);
		free(r->posture[i].fix);
	}
	free(r->posture);
	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	pattern_event_free(r->ev);
	pattern_set_free(r->fields);
	idset_free(r->seen);
	free(r->title);
	free(r->source);
	free(r);
}

const struct report_counts *
report_counts(const struct report *r)
{
	return &r->counts;
}

/* ms since the epoch as ISO 8601 UTC, into out[21]. */
static void
report_iso(int64_t ms, char out[21])
{
	struct tm tm;
	time_t t = (time_t)(ms / 1000);

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* YYYY-MM-DD from an ISO time, else from the timestamp. */
static void
report_day(const char *time, int64_t ms, char out[21])
{
	static const char shape[] = "dddd-dd-dd";
	size_t i;

	for (i = 0; time != NULL && i < 10; i++)
		if (time[i] == '\0' || (shape[i] == 'd' ? time[i] < '0' ||
		    time[i] > '9' : time[i] != '-'))
			break;
	if (time != NULL && i == 10) {
		memcpy(out, time, 10);
		out[10] = '\0';
	} else if (ms > 0) {
		report_iso(ms, out);
		out[10] = '\0';
	} else
		strcpy(out, "unknown");
}

static char *
report_safe(const char *s, const char *absent)
{
	return s != NULL && *s != '\0' ? text_safe_str(s) : xstrdup(absent);
}

static void
report_add_change(struct report *r, const struct report_record *rec,
    const char *kind, const char *time)
{
	struct report_change *c;

	r->counts.changes++;
	if (r->nchanges == r->o.max_changes) {
		r->counts.changes_dropped++;
		return;
	}
	r->changes = xreallocarray(r->changes, r->nchanges + 1,
	    sizeof *r->changes);
	c = &r->changes[r->nchanges++];
	c->time = xstrdup(time);
	c->kind = xstrdup(kind);
	c->name = report_safe(rec->name, "-");
	c->principal = report_safe(rec->principal, "-");
	c->source_ip = report_safe(rec->source_ip, "-");
	c->target = report_safe(rec->target != NULL ? rec->target :
	    rec->bucket, "-");
	c->result = report_safe(rec->error_code, "ok");
}

static void
report_fold(struct report *r, const struct report_record *rec, int64_t ms)
{
	const char *kind = report_change_kind(rec->source, rec->name);
	bool denied = ctevent_denied(rec->error_code);
	char *f[REPORT_MAX_KEYS], *pb[2], *pd[1], *time, day[21];
	size_t i;

	r->counts.records++;
	if (rec->event_id != NULL && *rec->event_id != '\0' &&
	    !idset_add(r->seen, rec->event_id, strlen(rec->event_id))) {
		r->counts.duplicates++;
		return;
	}
	if (denied)
		r->counts.denied++;
	time = report_safe(rec->time, "");
	if (*time == '\0' && ms > 0) {
		free(time);
		time = xmalloc(21);
		report_iso(ms, time);
	}
	memset(f, 0, sizeof f);
	f[0] = report_safe(rec->principal, "-");
	f[1] = report_safe(rec->source_ip, "-");
	f[2] = report_safe(rec->bucket, "-");
	f[3] = report_safe(rec->name, "-");
	f[4] = report_safe(rec->error_code, "-");
	pb[0] = f[0];
	pb[1] = f[2];
	pd[0] = day;
	report_day(rec->time, ms, day);
	report_row_seen(report_table_get(&r->days, pd), time, denied);
	/* Accesses are S3's; denials and changes come from any service. */
	if (rec->source != NULL && strcmp(rec->source, "s3.amazonaws.com") == 0) {
		r->counts.s3++;
		report_row_seen(report_table_get(&r->principals, f), time,
		    denied);
		report_row_seen(report_table_get(&r->access, pb), time, denied);
	}
	if (denied)
		report_row_seen(report_table_get(&r->denied, f), time, true);
	if (kind != NULL)
		report_add_change(r, rec, kind, time);
	for (i = 0; i < REPORT_MAX_KEYS; i++)
		free(f[i]);
	free(time);
}

void
report_add_record(struct report *r, const struct report_record *rec)
{
	report_fold(r, rec, 0);
}

/* The first value of a field as a NUL-terminated copy, or NULL. */
static char *
report_field(const struct report *r, int id)
{
	const struct pattern_value *pv;
	size_t n;

	pv = pattern_event_values(r->ev, id, &n);
	if (n == 0 || (pv[0].type != PATTERN_V_STRING &&
	    pv[0].type != PATTERN_V_NUMBER))
		return NULL;
	return xstrndup(pv[0].text, pv[0].len);
}

int
report_add_json(struct report *r, const char *json, size_t len,
    int64_t timestamp_ms)
{
	const struct report_change_def *d;
	struct report_record rec;
	char *v[RF_COUNT], *bucket, *target = NULL, *cause = NULL;
	int i;

	if (pattern_event_load(r->ev, json, len, PATTERN_WRAP_NONE,
	    &cause) != 0) {
		free(cause);
		r->counts.records++;
		r->counts.malformed++;
		return -1;
	}
	for (i = 0; i < RF_COUNT; i++)
		v[i] = report_field(r, r->ids[i]);
	bucket = report_field(r, r->tids[RT_BUCKET]);
	memset(&rec, 0, sizeof rec);
	rec.event_id = v[RF_ID];
	rec.time = v[RF_TIME];
	rec.name = v[RF_NAME];
	rec.source = v[RF_SOURCE];
	/* As the monitor names principals, so alerts and report agree. */
	rec.principal = v[RF_ARN] != NULL ? v[RF_ARN] : v[RF_ISSUER] != NULL ?
	    v[RF_ISSUER] : v[RF_INVOKED] != NULL ? v[RF_INVOKED] : v[RF_TYPE];
	rec.source_ip = v[RF_IP];
	rec.bucket = bucket;
	rec.error_code = v[RF_ERROR];
	if ((d = report_change_def(rec.source, rec.name)) != NULL &&
	    d->target != RT_BUCKET)
		rec.target = target = report_field(r, r->tids[d->target]);
	report_fold(r, &rec, timestamp_ms);
	for (i = 0; i < RF_COUNT; i++)
		free(v[i]);
	free(bucket);
	free(target);
	return 0;
}

void
report_add_alert(struct report *r, const struct alert *a)
{
	struct report_ack *k;
	char since[21];

	if (!a->acked)
		return;
	if (r->o.since_ms > 0 && a->ack_at != NULL && *a->ack_at != '\0') {
		report_iso(r->o.since_ms, since);
		if (strcmp(a->ack_at, since) < 0)
			return;
	}
	r->acks = xreallocarray(r->acks, r->nacks + 1, sizeof *r->acks);
	k = &r->acks[r->nacks++];
	memcpy(k->id, a->id, sizeof k->id);
	k->id[ALERTS_ID_LEN] = '\0';
	k->rule = report_safe(a->rule, "-");
	k->key = report_safe(a->key, "-");
	k->last_seen = report_safe(a->last_seen, "-");
	k->who = report_safe(a->ack_who, "-");
	k->at = report_safe(a->ack_at, "-");
	k->note = report_safe(a->ack_note, "");
	k->severity = a->severity;
	k->count = a->count;
	r->counts.acks = r->nacks;
}

void
report_add_posture(struct report *r, int step, const char *check,
    const char *result, const char *reason, const char *fix)
{
	struct report_posture *p;

	r->posture = xreallocarray(r->posture, r->nposture + 1,
	    sizeof *r->posture);
	p = &r->posture[r->nposture++];
	p->step = step;
	p->check = report_safe(check, "-");
	p->result = report_safe(result, "-");
	p->reason = report_safe(reason, "");
	p->fix = report_safe(fix, "");
	r->counts.posture = r->nposture;
}

void
report_add_note(struct report *r, const char *text)
{
	r->notes = xreallocarray(r->notes, r->nnotes + 1, sizeof *r->notes);
	r->notes[r->nnotes++] = text_safe_str(text);
}

/* --- the document: what every format shows ---------------------------- */

#define COL(k, l)	{ k, l, false }
#define NUM(k, l)	{ k, l, true }
#define NCOLS(a)	(sizeof (a) / sizeof (a)[0])

static const struct report_col report_cols_summary[] = {
	COL("item", "Item"), COL("value", "Value"),
};
static const struct report_col report_cols_principals[] = {
	COL("principal", "Principal"), NUM("count", "Accesses"),
	NUM("denied", "Denied"), COL("first_seen", "First seen"),
	COL("last_seen", "Last seen"),
};
static const struct report_col report_cols_access[] = {
	COL("principal", "Principal"), COL("bucket", "Bucket"),
	NUM("count", "Accesses"), NUM("denied", "Denied"),
	COL("first_seen", "First seen"), COL("last_seen", "Last seen"),
};
static const struct report_col report_cols_denied[] = {
	COL("principal", "Principal"), COL("source_ip", "Source IP"),
	COL("bucket", "Bucket"), COL("action", "Action"),
	COL("error_code", "Error"), NUM("count", "Attempts"),
	COL("first_seen", "First seen"), COL("last_seen", "Last seen"),
};
static const struct report_col report_cols_days[] = {
	COL("day", "Day"), NUM("count", "Events"), NUM("denied", "Denied"),
};
static const struct report_col report_cols_changes[] = {
	COL("time", "When"), COL("change", "Change"), COL("action", "Event"),
	COL("principal", "Who"), COL("source_ip", "Source IP"),
	COL("target", "Target"), COL("result", "Result"),
};
static const struct report_col report_cols_acks[] = {
	COL("alert_id", "Alert"), COL("rule", "Rule"),
	COL("severity", "Severity"), COL("alert_key", "Principal or IP"),
	NUM("count", "Hits"), COL("last_seen", "Last seen"),
	COL("acked_by", "Acknowledged by"), COL("acked_at", "Acknowledged at"),
	COL("note", "Note"),
};
static const struct report_col report_cols_posture[] = {
	NUM("step", "Step"), COL("check", "Check"), COL("result", "Result"),
	COL("reason", "Reason"), COL("fix", "Fix"),
};
static const struct report_col report_cols_notes[] = {
	COL("note", "Note"),
};

static const struct report_sec_def report_secs[RS_COUNT] = {
	[RS_SUMMARY] = { "summary", "Summary", NULL,
	    report_cols_summary, NCOLS(report_cols_summary) },
	[RS_PRINCIPALS] = { "principals", "Accesses per principal",
	    "No S3 access in the window.",
	    report_cols_principals, NCOLS(report_cols_principals) },
	[RS_ACCESS] = { "accesses", "Accesses per principal and bucket",
	    "No S3 access in the window.",
	    report_cols_access, NCOLS(report_cols_access) },
	[RS_DENIED] = { "denied", "Denied attempts",
	    "No denied attempt in the window.",
	    report_cols_denied, NCOLS(report_cols_denied) },
	[RS_DAYS] = { "days", "Events and denied attempts per day",
	    "No event in the window.",
	    report_cols_days, NCOLS(report_cols_days) },
	[RS_CHANGES] = { "changes", "Administrative changes",
	    "No administrative change in the window.",
	    report_cols_changes, NCOLS(report_cols_changes) },
	[RS_ACKS] = { "acks", "Acknowledged alerts",
	    "No alert was acknowledged in the window.",
	    report_cols_acks, NCOLS(report_cols_acks) },
	[RS_POSTURE] = { "posture", "Posture",
	    "The posture was not checked.",
	    report_cols_posture, NCOLS(report_cols_posture) },
	[RS_NOTES] = { "notes", "Notes", NULL,
	    report_cols_notes, NCOLS(report_cols_notes) },
};

static char **
report_sec_row(struct report_sec *s)
{
	size_t nc = s->def->ncols;

	s->cells = xreallocarray(s->cells, (s->nrows + 1) * nc,
	    sizeof *s->cells);
	memset(s->cells + s->nrows * nc, 0, nc * sizeof *s->cells);
	return s->cells + s->nrows++ * nc;
}

static char *
report_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static char *
report_u64(uint64_t n)
{
	return xasprintf("%llu", (unsigned long long)n);
}

static void
report_kv(struct report_sec *s, const char *item, char *value)
{
	char **c = report_sec_row(s);

	c[0] = xstrdup(item);
	c[1] = value;
}

static int
report_row_cmp(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;
	size_t i;
	int d;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	for (i = 0; i < REPORT_MAX_KEYS && x->f[i] != NULL; i++)
		if ((d = strcmp(x->f[i], y->f[i])) != 0)
			return d;
	return 0;
}

static int
report_row_key_cmp(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;

	return strcmp(x->f[0], y->f[0]);
}

static int
report_change_cmp(const void *a, const void *b)
{
	const struct report_change *x = a, *y = b;

	return strcmp(x->time, y->time);
}

static int
report_ack_cmp(const void *a, const void *b)
{
	const struct report_ack *x = a, *y = b;

	return strcmp(x->at, y->at);
}

/* The table's rows, sorted (by count, or by key), "(other)" last; a
 * copy of the structs, borrowing their strings. */
static struct report_row *
report_sorted(const struct report_table *t, bool by_key, size_t *n)
{
	struct report_row *v = xcalloc(t->n + 1, sizeof *v);

	memcpy(v, t->rows, t->n * sizeof *v);
	if (t->n > 1)
		qsort(v, t->n, sizeof *v, by_key ? report_row_key_cmp :
		    report_row_cmp);
	*n = t->n;
	if (t->other.count > 0)
		v[(*n)++] = t->other;
	return v;
}

static void
report_sec_table(struct report_sec *s, const struct report_table *t,
    bool by_key)
{
	struct report_row *v;
	size_t n, i, k, c;
	char **cells;

	v = report_sorted(t, by_key, &n);
	for (i = 0; i < n; i++) {
		cells = report_sec_row(s);
		for (c = 0, k = 0; c < s->def->ncols; c++) {
			const char *key = s->def->cols[c].key;

			if (strcmp(key, "count") == 0)
				cells[c] = report_u64(v[i].count);
			else if (strcmp(key, "denied") == 0)
				cells[c] = report_u64(v[i].denied);
			else if (strcmp(key, "first_seen") == 0)
				cells[c] = report_dup(v[i].first);
			else if (strcmp(key, "last_seen") == 0)
				cells[c] = report_dup(v[i].last);
			else
				cells[c] = xstrdup(v[i].f[k++]);
		}
	}
	free(v);
}

static void
report_build(const struct report *r, struct report_sec *secs,
    const char *until)
{
	const struct report_counts *n = &r->counts;
	struct report_change *ch;
	struct report_ack *ak;
	char since[21], **c;
	size_t i, pass = 0, warn = 0, fail = 0;

	for (i = 0; i < RS_COUNT; i++) {
		memset(&secs[i], 0, sizeof secs[i]);
		secs[i].def = &report_secs[i];
	}
	for (i = 0; i < r->nposture; i++) {
		if (strcmp(r->posture[i].result, "PASS") == 0)
			pass++;
		else if (strcmp(r->posture[i].result, "WARN") == 0)
			warn++;
		else if (strcmp(r->posture[i].result, "FAIL") == 0)
			fail++;
	}
	if (r->o.since_ms > 0)
		report_iso(r->o.since_ms, since);
	else
		strcpy(since, "(start of the group)");
	report_kv(&secs[RS_SUMMARY], "From", xstrdup(since));
	report_kv(&secs[RS_SUMMARY], "To", xstrdup(until));
	if (r->source != NULL)
		report_kv(&secs[RS_SUMMARY], "Source", xstrdup(r->source));
	report_kv(&secs[RS_SUMMARY], "Records read", report_u64(n->records));
	report_kv(&secs[RS_SUMMARY], "Duplicates dropped",
	    report_u64(n->duplicates));
	report_kv(&secs[RS_SUMMARY], "Malformed records",
	    report_u64(n->malformed));
	report_kv(&secs[RS_SUMMARY], "S3 accesses", report_u64(n->s3));
	report_kv(&secs[RS_SUMMARY], "Principals seen", xasprintf("%s%zu",
	    r->principals.other.count > 0 ? "more than " : "",
	    r->principals.n));
	report_kv(&secs[RS_SUMMARY], "Denied attempts", report_u64(n->denied));
	report_kv(&secs[RS_SUMMARY], "Administrative changes",
	    report_u64(n->changes));
	report_kv(&secs[RS_SUMMARY], "Acknowledged alerts",
	    xasprintf("%zu", r->nacks));
	report_kv(&secs[RS_SUMMARY], "Posture", r->nposture == 0 ?
	    xstrdup("not checked") : xasprintf("%zu PASS, %zu WARN, %zu FAIL",
	    pass, warn, fail));

	report_sec_table(&secs[RS_PRINCIPALS], &r->principals, false);
	report_sec_table(&secs[RS_ACCESS], &r->access, false);
	report_sec_table(&secs[RS_DENIED], &r->denied, false);
	report_sec_table(&secs[RS_DAYS], &r->days, true);

	ch = xcalloc(r->nchanges + 1, sizeof *ch);
	if (r->nchanges > 0)
		memcpy(ch, r->changes, r->nchanges * sizeof *ch);
	if (r->nchanges > 1)
		qsort(ch, r->nchanges, sizeof *ch, report_change_cmp);
	for (i = 0; i < r->nchanges; i++) {
		c = report_sec_row(&secs[RS_CHANGES]);
		c[0] = xstrdup(ch[i].time);
		c[1] = xstrdup(ch[i].kind);
		c[2] = xstrdup(ch[i].name);
		c[3] = xstrdup(ch[i].principal);
		c[4] = xstrdup(ch[i].source_ip);
		c[5] = xstrdup(ch[i].target);
		c[6] = xstrdup(ch[i].result);
	}
	free(ch);

	ak = xcalloc(r->nacks + 1, sizeof *ak);
	if (r->nacks > 0)
		memcpy(ak, r->acks, r->nacks * sizeof *ak);
	if (r->nacks > 1)
		qsort(ak, r->nacks, sizeof *ak, report_ack_cmp);
	for (i = 0; i < r->nacks; i++) {
		c = report_sec_row(&secs[RS_ACKS]);
		c[0] = xstrdup(ak[i].id);
		c[1] = xstrdup(ak[i].rule);
		c[2] = xstrdup(rules_severity_name(ak[i].severity));
		c[3] = xstrdup(ak[i].key);
		c[4] = report_u64(ak[i].count);
		c[5] = xstrdup(ak[i].last_seen);
		c[6] = xstrdup(ak[i].who);
		c[7] = xstrdup(ak[i].at);
		c[8] = xstrdup(ak[i].note);
	}
	free(ak);

	for (i = 0; i < r->nposture; i++) {
		c = report_sec_row(&secs[RS_POSTURE]);
		c[0] = xasprintf("%d", r->posture[i].step);
		c[1] = xstrdup(r->posture[i].check);
		c[2] = xstrdup(r->posture[i].result);
		c[3] = xstrdup(r->posture[i].reason);
		c[4] = xstrdup(r->posture[i].fix);
	}

	/* What the tables do not show. */
	if (n->other > 0)
		report_sec_row(&secs[RS_NOTES])[0] = xasprintf("%llu table "
		    "entries went to \"" REPORT_OTHER "\" rows: each table "
		    "keeps its first %zu keys.", (unsigned long long)n->other,
		    r->access.max);
	if (n->changes_dropped > 0)
		report_sec_row(&secs[RS_NOTES])[0] = xasprintf("%llu more "
		    "administrative changes are not listed (the first %zu "
		    "are).", (unsigned long long)n->changes_dropped,
		    r->o.max_changes);
	for (i = 0; i < r->nnotes; i++)
		report_sec_row(&secs[RS_NOTES])[0] = xstrdup(r->notes[i]);
}

/* The busiest principals: the chart's bars. */
static struct report_bar *
report_busiest(const struct report *r, size_t *nb)
{
	struct report_row *v;
	struct report_bar *bars;
	size_t i, n;

	v = report_sorted(&r->principals, false, &n);
	*nb = n < REPORT_CHART_BARS ? n : REPORT_CHART_BARS;
	bars = xcalloc(*nb + 1, sizeof *bars);
	for (i = 0; i < *nb; i++) {
		bars[i].label = xstrdup(v[i].f[0]);
		bars[i].value = v[i].count;
	}
	free(v);
	return bars;
}

static int
report_bar_cmp(const void *a, const void *b)
{
	const struct report_bar *x = a, *y = b;

	return strcmp(x->label, y->label);
}

/* The days to chart, denied attempts each: each day of the window (when
 * it is at most REPORT_CHART_DAYS long), with the days seen outside it;
 * by day. */
static struct report_bar *
report_days(const struct report *r, size_t *n)
{
	const struct report_table *t = &r->days;
	struct report_bar *v;
	int64_t day_ms = 86400 * 1000, d, first, last;
	size_t nw = 0, i, k;
	char day[21];

	first = r->o.since_ms - r->o.since_ms % day_ms;
	if ((last = r->o.until_ms) == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		last = (int64_t)ts.tv_sec * 1000;
	}
	if (r->o.since_ms > 0 && last > first &&
	    (last - first) / day_ms < REPORT_CHART_DAYS)
		nw = (size_t)((last - first) / day_ms) + 1;
	v = xcalloc(nw + t->n + 1, sizeof *v);
	for (i = 0, d = first; i < nw; i++, d += day_ms) {
		report_iso(d, day);
		day[10] = '\0';
		v[i].label = xstrdup(day);
		for (k = 0; k < t->n; k++)
			if (strcmp(t->rows[k].f[0], day) == 0)
				v[i].value = t->rows[k].denied;
	}
	*n = nw;
	for (k = 0; k < t->n; k++) {
		for (i = 0; i < nw; i++)
			if (strcmp(v[i].label, t->rows[k].f[0]) == 0)
				break;
		if (i == nw) {
			v[*n].label = xstrdup(t->rows[k].f[0]);
			v[(*n)++].value = t->rows[k].denied;
		}
	}
	if (*n > 1)
		qsort(v, *n, sizeof *v, report_bar_cmp);
	return v;
}

static void
report_doc_build(const struct report *r, struct report_doc *doc,
    bool charts)
{
	char until[21];
	struct timespec ts;

	memset(doc, 0, sizeof *doc);
	doc->title = r->title;
	if (r->o.until_ms > 0)
		report_iso(r->o.until_ms, until);
	else {
		clock_gettime(CLOCK_REALTIME, &ts);
		report_iso((int64_t)ts.tv_sec * 1000, until);
	}
	report_build(r, doc->secs, until);
	if (charts) {
		doc->busiest = report_busiest(r, &doc->nbusiest);
		doc->days = report_days(r, &doc->ndays);
	}
}

static void
report_bars_free(struct report_bar *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].label);
	free(v);
}

static void
report_doc_free(struct report_doc *doc)
{
	struct report_sec *s;
	size_t i, k;

	for (i = 0; i < RS_COUNT; i++) {
		s = &doc->secs[i];
		for (k = 0; k < s->nrows * s->def->ncols; k++)
			free(s->cells[k]);
		free(s->cells);
	}
	report_bars_free(doc->busiest, doc->nbusiest);
	report_bars_free(doc->days, doc->ndays);
}

/* --- rendering ----------------------------------------------------------- */

char *
report_render(const struct report *r, enum report_format fmt)
{
	struct report_doc doc;
	struct buf b = { 0 };

	report_doc_build(r, &doc, fmt == REPORT_HTML);
	switch (fmt) {
	case REPORT_MD:
		report_write_md(&b, &doc);
		break;
	case REPORT_CSV:
		report_write_csv(&b, &doc);
		break;
	case REPORT_HTML:
		report_write_html(&b, &doc);
		break;
	}
	report_doc_free(&doc);
	if (b.data == NULL)
		buf_adds(&b, "");
	return buf_take(&b);
}

static const char *const report_format_names[] = {
	[REPORT_MD] = "md",
	[REPORT_CSV] = "csv",
	[REPORT_HTML] = "html",
};

int
report_format_find(const char *s)
{
	size_t i;

	if (s == NULL)
		return -1;
	if (strcmp(s, "markdown") == 0)
		return REPORT_MD;
	for (i = 0; i < sizeof report_format_names /
	    sizeof report_format_names[0]; i++)
		if (strcmp(s, report_format_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
report_format_name(enum report_format f)
{
	return report_format_names[f];
}
