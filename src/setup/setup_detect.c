/* Step 8's state and alarms: the analyser's DynamoDB table, and the metric
 * filters and alarms of the stateful rules that sum over every event (see
 * setup_detect.h and doc/detections-in-aws.md).  See setup_internal.h for
 * how these resumable operations work. */
#include "config.h"

#include <sys/types.h>

#include <math.h>

#include "setup_detect.h"

/* A new table takes seconds to become ACTIVE. */
#define DETECT_WAIT_TRIES	60
#define DETECT_WAIT_MS		2000
#define DETECT_COMPARISON	"GreaterThanOrEqualToThreshold"
#define DETECT_MISSING		"notBreaching"

static const char detect_fix[] = "run s3watch setup --only 8";

void
detect_facts_init(struct setup_job *j, struct detect_facts *f,
    const struct aplan *plan)
{
	memset(f, 0, sizeof *f);
	f->plan = plan;
	f->table = xasprintf("%s-state", N(j)->lambda_function);
	f->table_arn = xasprintf("arn:%s:dynamodb:%s:%s:table/%s",
	    N(j)->partition, N(j)->region, N(j)->account, f->table);
	f->group_found = true;
	if (plan != NULL) {
		f->filter_found = xcalloc(plan->nfilters + 1, sizeof(bool));
		f->filter_ok = xcalloc(plan->nfilters + 1, sizeof(bool));
		f->alarm_found = xcalloc(plan->nalarms + 1, sizeof(bool));
		f->alarm_ok = xcalloc(plan->nalarms + 1, sizeof(bool));
	}
}

void
detect_facts_free(struct detect_facts *f)
{
	free(f->table);
	free(f->table_arn);
	free(f->filter_found);
	free(f->filter_ok);
	free(f->alarm_found);
	free(f->alarm_ok);
	xstrv_free(f->stale_filters, f->nstale_filters);
	xstrv_free(f->stale_alarms, f->nstale_alarms);
	free(f->token);
	memset(f, 0, sizeof *f);
}

static bool
detect_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* --- check ------------------------------------------------------------- */

static int
detect_table_seen(struct setup_job *j, struct detect_facts *f)
{
	struct dynamodb_table t;
	char *cause = NULL;

	if (sj_code(j, "ResourceNotFoundException")) {
		f->table_found = false;
		return 0;
	}
	if (dynamodb_describe_table_parse(j->resp, &t, &cause) != 0)
		return setup_fail_parse(j, cause);
	f->table_found = true;
	f->table_ok = detect_eq(t.billing, "PAY_PER_REQUEST") &&
	    detect_eq(t.key, DETECT_KEY) && detect_eq(t.key_type, "S") &&
	    t.nkeys == 1;
	f->table_active = detect_eq(t.status, "ACTIVE");
	dynamodb_table_free(&t);
	return 0;
}

static int
detect_ttl_seen(struct setup_job *j, struct detect_facts *f)
{
	struct dynamodb_ttl t;
	char *cause = NULL;

	if (dynamodb_describe_time_to_live_parse(j->resp, &t, &cause) != 0)
		return setup_fail_parse(j, cause);
	f->ttl_ok = (detect_eq(t.status, "ENABLED") ||
	    detect_eq(t.status, "ENABLING")) && detect_eq(t.attribute, DETECT_TTL);
	dynamodb_ttl_free(&t);
	return 0;
}

static bool
detect_filter_same(const struct aplan *plan, const struct aplan_filter *want,
    const struct logs_metric_filter *got)
{
	size_t i, k;

	if (!detect_eq(got->pattern, want->pattern) ||
	    !detect_eq(got->metric, want->metric) ||
	    !detect_eq(got->namespace, plan->namespace) ||
	    !detect_eq(got->value, want->value) || got->ntransforms != 1 ||
	    got->ndims != want->ndims)
		return false;
	for (i = 0; i < want->ndims; i++) {
		for (k = 0; k < got->ndims; k++)
			if (detect_eq(got->dims[k].name, want->dim_names[i]) &&
			    detect_eq(got->dims[k].value, want->dim_values[i]))
				break;
		if (k == got->ndims)
			return false;
	}
	return true;
}

/* A name AWS listed under our prefix: its place among the plan's names
 * (found, or -1), a name of ours the plan does not have being kept as
 * stale. */
static ssize_t
detect_listed(struct setup_job *j, const char *name, const char *kind,
    const char *(*name_of)(const struct aplan *, size_t), size_t n,
    const struct aplan *plan, char ***stale, size_t *nstale)
{
	size_t k;

	if (name == NULL)
		return -1;
	for (k = 0; plan != NULL && k < n; k++)
		if (detect_eq(name, name_of(plan, k)))
			return (ssize_t)k;
	if (setup_owned(j, kind, name))
		*(char **)xpush(stale, nstale, sizeof **stale) = xstrdup(name);
	return -1;
}

static const char *
detect_filter_name(const struct aplan *plan, size_t k)
{
	return plan->filters[k].name;
}

static const char *
detect_alarm_name(const struct aplan *plan, size_t k)
{
	return plan->alarms[k].name;
}

static int
detect_filters_seen(struct setup_job *j, struct detect_facts *f)
{
	struct logs_metric_filters l;
	char *cause = NULL;
	ssize_t k;
	size_t i;

	if (logs_describe_metric_filters_parse(j->resp, &l, &cause) != 0)
		return setup_fail_parse(j, cause);
	for (i = 0; i < l.n; i++) {
		k = detect_listed(j, l.v[i].name, "metric-filter",
		    detect_filter_name, f->plan != NULL ? f->plan->nfilters : 0,
		    f->plan, &f->stale_filters, &f->nstale_filters);
		if (k < 0)
			continue;
		f->filter_found[k] = true;
		f->filter_ok[k] = detect_filter_same(f->plan,
		    &f->plan->filters[k], &l.v[i]);
	}
	free(f->token);
	f->token = l.next_token;
	l.next_token = NULL;
	logs_metric_filters_free(&l);
	return 0;
}

static bool
detect_alarm_same(struct setup_job *j, const struct aplan_alarm *want,
    const struct cloudwatch_alarm *got)
{
	return detect_eq(got->query, want->query) &&
	    got->period == want->period &&
	    fabs(got->threshold - want->threshold) <= 1e-9 *
	    fabs(want->threshold) && detect_eq(got->comparison,
	    DETECT_COMPARISON) && got->evaluation_periods == 1 &&
	    (got->datapoints == 0 || got->datapoints == 1) &&
	    detect_eq(got->missing, DETECT_MISSING) && got->actions_enabled &&
	    got->nactions == 1 && detect_eq(got->actions[0], N(j)->topic_arn) &&
	    detect_eq(got->description, want->description);
}

static int
detect_alarms_seen(struct setup_job *j, struct detect_facts *f)
{
	struct cloudwatch_alarms l;
	char *cause = NULL;
	ssize_t k;
	size_t i;

	if (cloudwatch_describe_alarms_parse(j->resp, &l, &cause) != 0)
		return setup_fail_parse(j, cause);
	for (i = 0; i < l.n; i++) {
		k = detect_listed(j, l.v[i].name, "alarm", detect_alarm_name,
		    f->plan != NULL ? f->plan->nalarms : 0, f->plan,
		    &f->stale_alarms, &f->nstale_alarms);
		if (k < 0)
			continue;
		f->alarm_found[k] = true;
		f->alarm_ok[k] = detect_alarm_same(j, &f->plan->alarms[k],
		    &l.v[i]);
	}
	free(f->token);
	f->token = l.next_token;
	l.next_token = NULL;
	cloudwatch_alarms_free(&l);
	return 0;
}

int
detect_check(struct setup_job *j, struct detect_facts *f)
{
	SJ_BEGIN(j);
	SJ_READ(j, dynamodb_describe_table(f->table, &j->cause), f->table);
	if (detect_table_seen(j, f) != 0)
		return SJ_FAIL;
	if (f->table_found) {
		SJ_READ(j, dynamodb_describe_time_to_live(f->table, &j->cause),
		    f->table);
		if (detect_ttl_seen(j, f) != 0)
			return SJ_FAIL;
	}
	/* The filters and alarms under our prefix: the plan's, and ours
	 * that the pack no longer has. */
	do {
		SJ_READ(j, logs_describe_metric_filters(N(j)->log_group,
		    N(j)->rule_prefix, f->token, &j->cause), N(j)->log_group);
		if (sj_code(j, "ResourceNotFoundException")) {
			f->group_found = false;
			break;
		}
		if (detect_filters_seen(j, f) != 0)
			return SJ_FAIL;
	} while (f->token != NULL);
	do {
		SJ_READ(j, cloudwatch_describe_alarms(N(j)->rule_prefix,
		    f->token), N(j)->rule_prefix);
		if (detect_alarms_seen(j, f) != 0)
			return SJ_FAIL;
	} while (f->token != NULL);
	SJ_END(j);
}

/* Every plan filter (or alarm) as the plan says, *found counting those
 * there at all. */
static size_t
detect_count(const bool *ok, const bool *found, size_t n, size_t *nfound)
{
	size_t i, good = 0;

	*nfound = 0;
	for (i = 0; i < n; i++) {
		good += ok[i];
		*nfound += found[i];
	}
	return good;
}

void
detect_checked(struct setup_job *j, const struct detect_facts *f)
{
	const struct aplan *p = f->plan;
	size_t i, ok, found;

	setup_note(j, !f->table_found ? SETUP_L_MISSING : f->table_ok &&
	    f->ttl_ok ? SETUP_L_OK : SETUP_L_DIFFERS, "P-08", NULL, "table %s %s",
	    f->table, !f->table_found ? "does not exist" : !f->table_ok ?
	    "is not on demand with the key " DETECT_KEY : !f->ttl_ok ?
	    "does not expire items (TTL on " DETECT_TTL ")" : "keeps the "
	    "analyser's state, its items expiring");
	if (p == NULL)
		return;
	ok = detect_count(f->filter_ok, f->filter_found, p->nfilters, &found);
	if (!f->group_found && p->nfilters > 0)
		setup_note(j, SETUP_L_MISSING, "P-08", NULL, "there is no log "
		    "group %s for the metric filters", N(j)->log_group);
	else if (p->nfilters > 0)
		setup_note(j, ok == p->nfilters ? SETUP_L_OK : found < p->nfilters ?
		    SETUP_L_MISSING : SETUP_L_DIFFERS, "P-08", NULL, "%zu of %zu "
		    "metric filters are as the pack says", ok, p->nfilters);
	for (i = 0; i < f->nstale_filters; i++)
		setup_note(j, SETUP_L_DIFFERS, "P-08", NULL, "metric filter %s is "
		    "no longer in the pack", f->stale_filters[i]);
	ok = detect_count(f->alarm_ok, f->alarm_found, p->nalarms, &found);
	if (p->nalarms > 0)
		setup_note(j, ok == p->nalarms ? SETUP_L_OK : found < p->nalarms ?
		    SETUP_L_MISSING : SETUP_L_DIFFERS, "P-08", NULL, "%zu of %zu "
		    "alarms are as the pack says", ok, p->nalarms);
	for (i = 0; i < f->nstale_alarms; i++)
		setup_note(j, SETUP_L_DIFFERS, "P-08", NULL, "alarm %s is no "
		    "longer in the pack", f->stale_alarms[i]);
}

/* --- apply ------------------------------------------------------------- */

static struct aws_request *
detect_filter_request(struct setup_job *j, const struct detect_facts *f,
    size_t k)
{
	const struct aplan_filter *pf = &f->plan->filters[k];
	struct logs_metric_filter_spec s = { 0 };
	struct svc_tag dims[APLAN_MAX_DIMS];
	size_t i;

	for (i = 0; i < pf->ndims; i++) {
		dims[i].key = pf->dim_names[i];
		dims[i].value = pf->dim_values[i];
	}
	s.group = N(j)->log_group;
	s.name = pf->name;
	s.pattern = pf->pattern;
	s.metric = pf->metric;
	s.namespace = f->plan->namespace;
	s.value = pf->value;
	s.dims = dims;
	s.ndims = pf->ndims;
	return logs_put_metric_filter(&s, &j->cause);
}

static struct aws_request *
detect_alarm_request(struct setup_job *j, const struct detect_facts *f,
    size_t k)
{
	const struct aplan_alarm *pa = &f->plan->alarms[k];
	struct cloudwatch_alarm_spec s = { 0 };
	char *actions[1];

	actions[0] = N(j)->topic_arn;
	s.name = pa->name;
	s.description = pa->description;
	s.query = pa->query;
	s.period = pa->period;
	s.threshold = pa->threshold;
	s.comparison = DETECT_COMPARISON;
	s.evaluation_periods = 1;
	s.datapoints = 1;
	s.missing = DETECT_MISSING;
	s.actions = actions;
	s.nactions = 1;
	return cloudwatch_put_metric_alarm(&s, &j->cause);
}

static int
detect_table_wait(struct setup_job *j, struct detect_facts *f)
{
	if (detect_table_seen(j, f) != 0)
		return SJ_FAIL;
	if (f->table_active)
		return SJ_DONE;
	if (j->tries == DETECT_WAIT_TRIES)
		return setup_fail_text(j, "run s3watch setup --only 8 again in a "
		    "minute", "table %s is not ACTIVE yet", f->table);
	return SJ_WAIT;
}

int
detect_apply(struct setup_job *j, struct detect_facts *f)
{
	struct dynamodb_table_spec spec = { 0 };
	struct svc_tag tag = { "created-by", "s3watch" };
	int rc;

	SJ_BEGIN(j);
	if (f->table_found && !f->table_ok)
		return setup_fail_text(j, "delete the table (s3watch teardown "
		    "does, if s3watch made it) and run s3watch setup --only 8",
		    "table %s is not on demand with the partition key "
		    DETECT_KEY " (S): the analyser cannot keep its state there",
		    f->table);
	if (!f->table_found) {
		spec.name = f->table;
		spec.key = DETECT_KEY;
		spec.tags = &tag;
		spec.ntags = 1;
		SJ_CREATE(j, "table", f->table, f->table_arn,
		    dynamodb_create_table(&spec, &j->cause),
		    "ResourceInUseException");
	}
	/* Time to live can be set on an ACTIVE table only. */
	if (!f->table_active && !j->plan) {
		for (j->tries = 1;; j->tries++) {
			SJ_READ(j, dynamodb_describe_table(f->table, &j->cause),
			    f->table);
			if ((rc = detect_table_wait(j, f)) != SJ_WAIT) {
				if (rc == SJ_FAIL)
					return SJ_FAIL;
				break;
			}
			SJ_SLEEP(j, DETECT_WAIT_MS);
		}
	}
	if (!f->ttl_ok) {
		SJ_WRITE(j, dynamodb_update_time_to_live(f->table, DETECT_TTL,
		    true, &j->cause), f->table);
		if (!sj_ok(j))
			return setup_fail(j, NULL);
	}
	if (f->plan == NULL)
		goto done;
	for (j->i = 0; (size_t)j->i < f->plan->nfilters; j->i++) {
		if (f->filter_ok[j->i])
			continue;
		if (!f->group_found && !j->plan)
			return setup_fail_text(j, "run s3watch setup --only 5",
			    "there is no log group %s for the metric filters",
			    N(j)->log_group);
		if (f->filter_found[j->i] && !setup_owned(j, "metric-filter",
		    f->plan->filters[j->i].name))
			return setup_fail_text(j, "delete it, or set rule_prefix "
			    "to another prefix", "the metric filter %s exists and "
			    "s3watch did not make it", f->plan->filters[j->i].name);
		SJ_CREATE(j, "metric-filter", f->plan->filters[j->i].name, NULL,
		    detect_filter_request(j, f, (size_t)j->i), NULL);
	}
	for (j->i = 0; (size_t)j->i < f->nstale_filters; j->i++)
		SJ_DELETE(j, "metric-filter", f->stale_filters[j->i],
		    logs_delete_metric_filter(N(j)->log_group,
		    f->stale_filters[j->i], &j->cause),
		    "ResourceNotFoundException");
	for (j->i = 0; (size_t)j->i < f->plan->nalarms; j->i++) {
		if (f->alarm_ok[j->i])
			continue;
		if (f->alarm_found[j->i] && !setup_owned(j, "alarm",
		    f->plan->alarms[j->i].name))
			return setup_fail_text(j, "delete it, or set rule_prefix "
			    "to another prefix", "the alarm %s exists and s3watch "
			    "did not make it", f->plan->alarms[j->i].name);
		SJ_CREATE(j, "alarm", f->plan->alarms[j->i].name, NULL,
		    detect_alarm_request(j, f, (size_t)j->i), NULL);
	}
	for (j->i = 0; (size_t)j->i < f->nstale_alarms; j->i++)
		SJ_DELETE(j, "alarm", f->stale_alarms[j->i],
		    cloudwatch_delete_alarms(&f->stale_alarms[j->i], 1,
		    &j->cause), "ResourceNotFound");
done:
	;	/* a label before SJ_END's brace needs a statement (clang) */
	SJ_END(j);
}

/* --- verify ------------------------------------------------------------- */

void
detect_verify(struct setup_job *j, const struct detect_facts *f)
{
	const struct aplan *p = f->plan;
	size_t i, ok, found;

	if (!f->table_found || !f->table_ok || !f->ttl_ok)
		setup_note(j, SETUP_L_FAIL, "P-08", detect_fix, "table %s %s: "
		    "the analyser's stateful rules cannot count", f->table,
		    !f->table_found ? "is missing" : !f->table_ok ? "is not on "
		    "demand with the key " DETECT_KEY : "does not expire its "
		    "items");
	else
		setup_note(j, SETUP_L_PASS, "P-08", NULL, "table %s keeps the "
		    "analyser's state on demand, its items expiring (TTL)",
		    f->table);
	for (i = 0; p != NULL && i < p->nfilters; i++)
		if (!f->filter_ok[i])
			setup_note(j, SETUP_L_FAIL, "P-08", detect_fix, "metric "
			    "filter %s %s", p->filters[i].name,
			    !f->group_found ? "has no log group" :
			    !f->filter_found[i] ? "is missing" : "differs from "
			    "the pack");
	for (i = 0; p != NULL && i < p->nalarms; i++)
		if (!f->alarm_ok[i])
			setup_note(j, SETUP_L_FAIL, "P-08", detect_fix, "alarm %s "
			    "(rule %s) %s", p->alarms[i].name, p->alarms[i].rule,
			    !f->alarm_found[i] ? "is missing" : "differs from the "
			    "pack or does not notify the topic");
	for (i = 0; i < f->nstale_filters; i++)
		setup_note(j, SETUP_L_FAIL, "P-08", detect_fix, "metric filter %s "
		    "is no longer in the pack", f->stale_filters[i]);
	for (i = 0; i < f->nstale_alarms; i++)
		setup_note(j, SETUP_L_FAIL, "P-08", detect_fix, "alarm %s is no "
		    "longer in the pack", f->stale_alarms[i]);
	if (p == NULL || p->nalarms == 0)
		return;
	ok = detect_count(f->alarm_ok, f->alarm_found, p->nalarms, &found);
	if (ok == p->nalarms && detect_count(f->filter_ok, f->filter_found,
	    p->nfilters, &found) == p->nfilters)
		setup_note(j, SETUP_L_PASS, "P-08", NULL, "%zu alarm%s on metric "
		    "filters of %s notify %s", ok, ok == 1 ? "" : "s",
		    N(j)->log_group, N(j)->topic);
}

/* --- teardown ----------------------------------------------------------- */

int
detect_undo(struct setup_job *j, struct detect_facts *f)
{
	SJ_BEGIN(j);
	do {
		SJ_READ(j, logs_describe_metric_filters(N(j)->log_group,
		    N(j)->rule_prefix, f->token, &j->cause), N(j)->log_group);
		if (sj_code(j, "ResourceNotFoundException"))
			break;
		if (detect_filters_seen(j, f) != 0)
			return SJ_FAIL;
	} while (f->token != NULL);
	for (j->i = 0; (size_t)j->i < f->nstale_filters; j->i++)
		SJ_DELETE(j, "metric-filter", f->stale_filters[j->i],
		    logs_delete_metric_filter(N(j)->log_group,
		    f->stale_filters[j->i], &j->cause),
		    "ResourceNotFoundException");
	do {
		SJ_READ(j, cloudwatch_describe_alarms(N(j)->rule_prefix,
		    f->token), N(j)->rule_prefix);
		if (detect_alarms_seen(j, f) != 0)
			return SJ_FAIL;
	} while (f->token != NULL);
	for (j->i = 0; (size_t)j->i < f->nstale_alarms; j->i++)
		SJ_DELETE(j, "alarm", f->stale_alarms[j->i],
		    cloudwatch_delete_alarms(&f->stale_alarms[j->i], 1,
		    &j->cause), "ResourceNotFound");
	SJ_DELETE(j, "table", f->table, dynamodb_delete_table(f->table,
	    &j->cause), "ResourceNotFoundException");
	SJ_END(j);
}
