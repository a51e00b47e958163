/* Setup steps 9 and 10: the CloudWatch dashboard, and the saved Logs
 * Insights queries over the trail's log group.  See setup_internal.h for
 * how these resumable operations work. */
#include "config.h"

#include "calls.h"
#include "setup_internal.h"

/* --- step 9: the dashboard ---------------------------------------------- */

#define DASH_PERIOD	86400	/* S3 storage metrics are daily */

/* Log widgets: title and the query after "SOURCE 'GROUP' | ". */
static const struct {
	const char	*title;
	const char	*query;
} dash_logs[] = {
	{ "Top S3 API calls",
	  "filter eventSource = 's3.amazonaws.com' "
	  "| stats count(*) as calls by eventName "
	  "| sort calls desc | limit 20" },
	{ "Denied S3 calls by source IP",
	  "filter eventSource = 's3.amazonaws.com' and errorCode like "
	  "/AccessDenied/ "
	  "| stats count(*) as denied by sourceIPAddress, eventName "
	  "| sort denied desc | limit 20" },
	{ "S3 callers",
	  "filter eventSource = 's3.amazonaws.com' "
	  "| stats count(*) as calls by userIdentity.arn, sourceIPAddress "
	  "| sort calls desc | limit 20" },
};

#define DASH_NLOGS	(sizeof dash_logs / sizeof dash_logs[0])

struct dash_facts {
	bool	 found;
	char	*body;
	char	*want;
};

static void
dash_facts_free(void *p)
{
	struct dash_facts *f = p;

	free(f->body);
	free(f->want);
}

static struct json_object *
dash_widget(const char *type, int x, int y, int w, int h,
    struct json_object *props)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "x", json_object_new_int(x));
	json_object_object_add(o, "y", json_object_new_int(y));
	json_object_object_add(o, "width", json_object_new_int(w));
	json_object_object_add(o, "height", json_object_new_int(h));
	json_object_object_add(o, "properties", props);
	return o;
}

/* S3 storage metrics exist only per StorageType: without it (as in the
 * recipe) the widget stays empty. */
static struct json_object *
dash_metric(struct setup_job *j, const char *metric, const char *storage,
    const char *title)
{
	struct json_object *p = json_object_new_object(), *m, *all;
	const char *v[] = { "AWS/S3", metric, "BucketName", N(j)->source_bucket,
	    "StorageType", storage };
	size_t i;

	m = json_object_new_array();
	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		json_object_array_add(m, json_object_new_string(v[i]));
	all = json_object_new_array();
	json_object_array_add(all, m);
	json_object_object_add(p, "metrics", all);
	json_object_object_add(p, "period", json_object_new_int(DASH_PERIOD));
	json_object_object_add(p, "stat", json_object_new_string("Average"));
	json_object_object_add(p, "region",
	    json_object_new_string(N(j)->region));
	json_object_object_add(p, "title", json_object_new_string(title));
	json_object_object_add(p, "view", json_object_new_string("timeSeries"));
	return p;
}

static struct json_object *
dash_log(struct setup_job *j, size_t i)
{
	struct json_object *p = json_object_new_object();
	char *q;

	q = xasprintf("SOURCE '%s' | %s", N(j)->log_group, dash_logs[i].query);
	json_object_object_add(p, "query", json_object_new_string(q));
	json_object_object_add(p, "region",
	    json_object_new_string(N(j)->region));
	json_object_object_add(p, "title",
	    json_object_new_string(dash_logs[i].title));
	json_object_object_add(p, "view", json_object_new_string("table"));
	free(q);
	return p;
}

static char *
dash_body(struct setup_job *j)
{
	struct json_object *doc = json_object_new_object(), *w;
	char *s;
	size_t i;

	w = json_object_new_array();
	json_object_array_add(w, dash_widget("metric", 0, 0, 12, 6,
	    dash_metric(j, "BucketSizeBytes", "StandardStorage",
	    "Bucket size (Standard storage)")));
	json_object_array_add(w, dash_widget("metric", 12, 0, 12, 6,
	    dash_metric(j, "NumberOfObjects", "AllStorageTypes",
	    "Number of objects")));
	for (i = 0; i < DASH_NLOGS; i++)
		json_object_array_add(w, dash_widget("log", 0,
		    6 + 6 * (int)i, 24, 6, dash_log(j, i)));
	json_object_object_add(doc, "widgets", w);
	s = xstrdup(json_object_to_json_string_ext(doc,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return s;
}

static bool
dash_missing(const struct setup_job *j)
{
	return sj_code(j, "ResourceNotFound") ||
	    sj_code(j, "ResourceNotFoundException");
}

static int
setup_dashboard_check(struct setup_job *j)
{
	struct dash_facts *f = setup_facts(j);
	struct cloudwatch_dashboard d;
	char *cause = NULL;

	SJ_BEGIN(j);
	f = setup_facts_new(j, sizeof *f, dash_facts_free);
	f->want = dash_body(j);
	SJ_READ(j, cloudwatch_get_dashboard(N(j)->dashboard, &j->cause),
	    N(j)->dashboard);
	if (dash_missing(j)) {
		setup_note(j, SETUP_L_MISSING, "P-09", NULL, "there is no "
		    "dashboard %s", N(j)->dashboard);
		return SJ_DONE;
	}
	if (cloudwatch_get_dashboard_parse(j->resp, &d, &cause) != 0)
		return setup_fail_parse(j, cause);
	f->found = true;
	f->body = d.body;
	d.body = NULL;
	cloudwatch_dashboard_free(&d);
	setup_note(j, setup_json_same(f->body, f->want) ? SETUP_L_OK :
	    SETUP_L_DIFFERS, "P-09", NULL, "dashboard %s %s",
	    N(j)->dashboard, setup_json_same(f->body, f->want) ? "charts the "
	    "bucket and the trail's log group" : "is not the one s3watch "
	    "writes");
	SJ_END(j);
}

static int
setup_dashboard_apply(struct setup_job *j)
{
	struct dash_facts *f = setup_facts(j);
	struct cloudwatch_validations v;
	char *cause = NULL;
	size_t i;

	SJ_BEGIN(j);
	if (f->found && setup_json_same(f->body, f->want))
		return SJ_DONE;
	if (f->found && !setup_owned(j, "dashboard", N(j)->dashboard))
		return setup_fail_text(j, "set dashboard in s3watch.conf to "
		    "another name, or delete it", "the dashboard %s exists and "
		    "s3watch did not make it", N(j)->dashboard);
	if (setup_intend(j, "dashboard", N(j)->dashboard, NULL) != 0)
		return SJ_FAIL;
	SJ_WRITE(j, cloudwatch_put_dashboard(N(j)->dashboard, f->want,
	    &j->cause), N(j)->dashboard);
	if (!sj_ok(j))
		return setup_fail(j, NULL);
	if (j->resp != NULL) {
		if (cloudwatch_put_dashboard_parse(j->resp, &v, &cause) == 0)
			for (i = 0; i < v.n; i++)
				setup_note(j, SETUP_L_WARN, "P-09", NULL,
				    "CloudWatch: %s%s%s", v.v[i].message,
				    v.v[i].data_path != NULL ? " at " : "",
				    v.v[i].data_path != NULL ?
				    v.v[i].data_path : "");
		cloudwatch_validations_free(&v);
		free(cause);
	}
	if (setup_created(j, "dashboard", N(j)->dashboard) != 0)
		return SJ_FAIL;
	SJ_END(j);
}

/* Counts the widgets of a dashboard body: log widgets over the log
 * group (and all of them), metric widgets with StorageType (and all). */
static void
dash_inspect(struct setup_job *j, const char *body, size_t *logs_ok,
    size_t *logs, size_t *metrics_ok, size_t *metrics)
{
	struct json_object *doc, *w, *o, *props, *ms, *m;
	const char *type, *q;
	char *source;
	size_t i, k, l, n, nm;
	bool storage;

	*logs_ok = *logs = *metrics_ok = *metrics = 0;
	if (body == NULL || (doc = json_tokener_parse(body)) == NULL)
		return;
	source = xasprintf("SOURCE '%s'", N(j)->log_group);
	w = aws_json_array(doc, "widgets", &n);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(w, i);
		type = aws_json_str(o, "type");
		props = aws_json_get(o, "properties");
		if (type != NULL && strcmp(type, "log") == 0) {
			(*logs)++;
			q = aws_json_str(props, "query");
			if (q != NULL && strstr(q, source) != NULL)
				(*logs_ok)++;
		} else if (type != NULL && strcmp(type, "metric") == 0) {
			(*metrics)++;
			ms = aws_json_array(props, "metrics", &nm);
			storage = nm > 0;
			for (k = 0; k < nm; k++) {
				m = json_object_array_get_idx(ms, k);
				l = json_object_is_type(m, json_type_array) ?
				    json_object_array_length(m) : 0;
				for (; l > 0; l--) {
					q = json_object_get_string(
					    json_object_array_get_idx(m, l - 1));
					if (q != NULL && strcmp(q,
					    "StorageType") == 0)
						break;
				}
				storage = storage && l > 0;
			}
			if (storage)
				(*metrics_ok)++;
		}
	}
	free(source);
	json_object_put(doc);
}

static int
setup_dashboard_verify(struct setup_job *j)
{
	struct dash_facts *f = setup_facts(j);
	const char *fix = "run s3watch setup --only 9";
	size_t logs_ok, logs, metrics_ok, metrics;

	if (!f->found) {
		setup_note(j, SETUP_L_FAIL, "P-09", fix, "there is no dashboard "
		    "%s", N(j)->dashboard);
		return SJ_DONE;
	}
	setup_note(j, SETUP_L_PASS, "P-09", NULL, "dashboard %s exists",
	    N(j)->dashboard);
	dash_inspect(j, f->body, &logs_ok, &logs, &metrics_ok, &metrics);
	setup_note(j, logs > 0 && logs_ok == logs ? SETUP_L_PASS :
	    SETUP_L_FAIL, "P-09", logs > 0 && logs_ok == logs ? NULL : fix,
	    "%zu of %zu log widgets query %s", logs_ok, logs, N(j)->log_group);
	setup_note(j, metrics > 0 && metrics_ok == metrics ? SETUP_L_PASS :
	    SETUP_L_FAIL, "P-09", metrics > 0 && metrics_ok == metrics ? NULL :
	    fix, "%zu of %zu metric widgets name the StorageType S3 storage "
	    "metrics need", metrics_ok, metrics);
	return SJ_DONE;
}

static int
setup_dashboard_undo(struct setup_job *j)
{
	char *names[1];

	SJ_BEGIN(j);
	if (!setup_owned(j, "dashboard", N(j)->dashboard))
		return SJ_DONE;
	names[0] = N(j)->dashboard;
	SJ_WRITE(j, cloudwatch_delete_dashboards(names, 1, &j->cause),
	    N(j)->dashboard);
	if (!sj_ok(j) && !dash_missing(j))
		return setup_fail(j, NULL);
	if (setup_forget(j, "dashboard", N(j)->dashboard) != 0)
		return SJ_FAIL;
	SJ_END(j);
}

static const struct calls_entry dashboard_calls[] = {
	{ SVC_CLOUDWATCH, "GetDashboard", CALLS_READ, CALLS_ARN_DASHBOARD,
	  "read the dashboard" },
	{ SVC_CLOUDWATCH, "PutDashboard", CALLS_APPLY, CALLS_ARN_DASHBOARD,
	  "create it" },
	{ SVC_CLOUDWATCH, "DeleteDashboards", CALLS_UNDO, CALLS_ARN_DASHBOARD,
	  "teardown" },
	{ .op = NULL }
};
const struct setup_step setup_step_dashboard = {
	.name = "dashboard",
	.title = "Dashboard",
	.why = "A CloudWatch dashboard with the bucket's storage metrics "
	    "(with the StorageType dimensions they need) and log widgets over "
	    "the trail's log group: top calls, denied calls, callers.",
	.check = setup_dashboard_check,
	.apply = setup_dashboard_apply,
	.verify = setup_dashboard_verify,
	.undo = setup_dashboard_undo,
	.calls = dashboard_calls,
};

/* --- step 10: saved queries --------------------------------------------- */

/* The recipe's queries, corrected: "sort count desc" named no field, and
 * /GetObject|.../ also matched GetObjectAcl and the like. */
static const struct {
	const char	*name;		/* after query_prefix */
	const char	*text;
} queries[] = {
	{ "failed-access-by-ip",
	  "fields @timestamp, eventName, sourceIPAddress, errorCode, "
	  "errorMessage\n"
	  "| filter errorCode like /AccessDenied/\n"
	  "| stats count(*) as failures by sourceIPAddress\n"
	  "| sort failures desc" },
	{ "access-patterns",
	  "fields @timestamp, eventName, sourceIPAddress, userIdentity.type\n"
	  "| filter eventSource = 's3.amazonaws.com' and eventName in "
	  "['GetObject', 'PutObject', 'DeleteObject']\n"
	  "| stats count(*) as calls by sourceIPAddress, userIdentity.type\n"
	  "| sort calls desc" },
	{ "admin-actions",
	  "fields @timestamp, eventName, sourceIPAddress, userIdentity.arn, "
	  "requestParameters.bucketName\n"
	  "| filter eventSource = 's3.amazonaws.com' and eventName like "
	  "/^(PutBucket|DeleteBucket)/\n"
	  "| sort @timestamp desc" },
};

#define NQUERIES	(sizeof queries / sizeof queries[0])
#define QUERY_WINDOW_S	(15 * 60)
#define QUERY_POLLS	30
#define QUERY_POLL_MS	1000

struct queries_facts {
	char	*name[NQUERIES];
	char	*id[NQUERIES];		/* found, or NULL */
	bool	 text_ok[NQUERIES];
	bool	 group_ok[NQUERIES];	/* exactly the trail's log group */
	char	*token;
	char	*run;			/* verify: the running query */
	/* teardown: definitions of ours to delete */
	char   **del_id;
	char   **del_name;
	size_t	 ndel;
};

static void
queries_facts_free(void *p)
{
	struct queries_facts *f = p;
	size_t i;

	for (i = 0; i < NQUERIES; i++) {
		free(f->name[i]);
		free(f->id[i]);
	}
	free(f->token);
	free(f->run);
	xstrv_free(f->del_id, f->ndel);
	xstrv_free(f->del_name, f->ndel);
}

static struct queries_facts *
queries_facts_new(struct setup_job *j)
{
	struct queries_facts *f;
	size_t i;

	f = setup_facts_new(j, sizeof *f, queries_facts_free);
	for (i = 0; i < NQUERIES; i++)
		f->name[i] = xasprintf("%s%s", N(j)->query_prefix,
		    queries[i].name);
	return f;
}

/* Reads a page of DescribeQueryDefinitions: ours by name into f->id (or,
 * for teardown, into f->del_*); f->token is the next page.  0, or SJ_FAIL
 * (noted). */
static int
queries_seen(struct setup_job *j, struct queries_facts *f, bool undo)
{
	struct logs_query_definitions l;
	const struct logs_query_definition *d;
	char *cause = NULL;
	size_t i, k;

	if (logs_describe_query_definitions_parse(j->resp, &l, &cause) != 0)
		return setup_fail_parse(j, cause);
	for (i = 0; i < l.n; i++) {
		d = &l.v[i];
		if (d->name == NULL || d->id == NULL)
			continue;
		if (undo) {
			if (!setup_owned(j, "query-definition", d->name))
				continue;
			f->del_id = xreallocarray(f->del_id, f->ndel + 1,
			    sizeof *f->del_id);
			f->del_name = xreallocarray(f->del_name, f->ndel + 1,
			    sizeof *f->del_name);
			f->del_id[f->ndel] = xstrdup(d->id);
			f->del_name[f->ndel++] = xstrdup(d->name);
			continue;
		}
		for (k = 0; k < NQUERIES; k++) {
			if (f->id[k] != NULL || strcmp(d->name, f->name[k]) != 0)
				continue;
			f->id[k] = xstrdup(d->id);
			f->text_ok[k] = d->query != NULL &&
			    strcmp(d->query, queries[k].text) == 0;
			f->group_ok[k] = d->ngroups == 1 &&
			    strcmp(d->groups[0], N(j)->log_group) == 0;
		}
	}
	free(f->token);
	f->token = l.next_token;
	l.next_token = NULL;
	logs_query_definitions_free(&l);
	return 0;
}

static int
setup_queries_check(struct setup_job *j)
{
	struct queries_facts *f = setup_facts(j);
	size_t k;

	SJ_BEGIN(j);
	f = queries_facts_new(j);
	do {
		SJ_READ(j, logs_describe_query_definitions(N(j)->query_prefix,
		    f->token, 1000, &j->cause), N(j)->query_prefix);
		if (queries_seen(j, f, false) != 0)
			return SJ_FAIL;
	} while (f->token != NULL);
	for (k = 0; k < NQUERIES; k++)
		setup_note(j, f->id[k] == NULL ? SETUP_L_MISSING :
		    f->text_ok[k] && f->group_ok[k] ? SETUP_L_OK :
		    SETUP_L_DIFFERS, "P-10", NULL, "saved query %s %s",
		    f->name[k], f->id[k] == NULL ? "does not exist" :
		    !f->text_ok[k] ? "has another query text" :
		    !f->group_ok[k] ? "does not query just the trail's log group" :
		    "is in place");
	SJ_END(j);
}

static struct aws_request *
queries_put(struct setup_job *j, const struct queries_facts *f, size_t k)
{
	char *groups[1];

	groups[0] = N(j)->log_group;
	return logs_put_query_definition(f->name[k], queries[k].text, groups,
	    1, f->id[k], &j->cause);
}

static int
setup_queries_apply(struct setup_job *j)
{
	struct queries_facts *f = setup_facts(j);
	char *id = NULL, *cause = NULL;
	int rc;

	SJ_BEGIN(j);
	for (j->i = 0; (size_t)j->i < NQUERIES; j->i++) {
		if (f->id[j->i] != NULL && f->text_ok[j->i] &&
		    f->group_ok[j->i])
			continue;
		/* An existing one is updated in place, by its id. */
		if (f->id[j->i] == NULL && setup_intend(j, "query-definition",
		    f->name[j->i], NULL) != 0)
			return SJ_FAIL;
		SJ_WRITE(j, queries_put(j, f, (size_t)j->i), f->name[j->i]);
		if (!sj_ok(j))
			return setup_fail(j, NULL);
		if (f->id[j->i] != NULL || j->resp == NULL)
			continue;
		/* The ledger keeps the id AWS chose as the entry's ARN. */
		if (logs_put_query_definition_parse(j->resp, &id, &cause) != 0)
			return setup_fail_parse(j, cause);
		rc = setup_intend(j, "query-definition", f->name[j->i], id);
		free(id);
		if (rc != 0 || setup_created(j, "query-definition",
		    f->name[j->i]) != 0)
			return SJ_FAIL;
	}
	SJ_END(j);
}

/* Reads GetQueryResults: 1 complete, 0 still running, -1 failed (noted). */
static int
queries_polled(struct setup_job *j, size_t k)
{
	struct logs_query_results r;
	char *cause = NULL;
	int rc;

	if (logs_get_query_results_parse(j->resp, &r, &cause) != 0) {
		setup_note(j, SETUP_L_FAIL, "P-10", NULL, "query %s: %s",
		    queries[k].name, cause);
		free(cause);
		return -1;
	}
	if (strcmp(r.status, "Complete") == 0) {
		setup_note(j, SETUP_L_PASS, "P-10", NULL, "query %s runs: %zu "
		    "rows over the last %d minutes", queries[k].name, r.nrows,
		    QUERY_WINDOW_S / 60);
		rc = 1;
	} else if (strcmp(r.status, "Scheduled") == 0 ||
	    strcmp(r.status, "Running") == 0)
		rc = 0;
	else {
		setup_note(j, SETUP_L_FAIL, "P-10", "run it in the Logs "
		    "Insights console to see why", "query %s ended %s",
		    queries[k].name, r.status);
		rc = -1;
	}
	logs_query_results_free(&r);
	return rc;
}

static int
setup_queries_verify(struct setup_job *j)
{
	struct queries_facts *f = setup_facts(j);
	char *groups[1], *cause = NULL;
	time_t now;
	size_t k;
	int rc;

	SJ_BEGIN(j);
	for (k = 0; k < NQUERIES; k++) {
		if (f->id[k] == NULL)
			setup_note(j, SETUP_L_FAIL, "P-10", "run s3watch setup "
			    "--only 10", "there is no saved query %s",
			    f->name[k]);
		else
			setup_note(j, f->text_ok[k] && f->group_ok[k] ?
			    SETUP_L_PASS : SETUP_L_FAIL, "P-10",
			    f->text_ok[k] && f->group_ok[k] ? NULL : "run "
			    "s3watch setup --only 10", "saved query %s %s %s",
			    f->name[k], f->text_ok[k] && f->group_ok[k] ?
			    "queries" : "does not query just", N(j)->log_group);
	}
	/* Each query must also run: a syntax error shows only then. */
	for (j->i = 0; (size_t)j->i < NQUERIES; j->i++) {
		groups[0] = N(j)->log_group;
		now = time(NULL);
		SJ_READ(j, logs_start_query(groups, 1, queries[j->i].text,
		    now - QUERY_WINDOW_S, now, 100, &j->cause),
		    f->name[j->i]);
		if (!sj_ok(j)) {
			setup_note(j, SETUP_L_FAIL, "P-10",
			    sj_code(j, "ResourceNotFoundException") ?
			    "run s3watch setup --only 5" : NULL, "query %s "
			    "does not run: %s", queries[j->i].name,
			    aws_error_text(j->resp));
			continue;
		}
		free(f->run);
		if (logs_start_query_parse(j->resp, &f->run, &cause) != 0)
			return setup_fail_parse(j, cause);
		for (j->tries = 1;; j->tries++) {
			SJ_READ(j, logs_get_query_results(f->run, &j->cause),
			    f->name[j->i]);
			if ((rc = queries_polled(j, (size_t)j->i)) != 0)
				break;
			if (j->tries == QUERY_POLLS) {
				setup_note(j, SETUP_L_WARN, "P-10", NULL,
				    "query %s still runs after %d s",
				    queries[j->i].name,
				    QUERY_POLLS * QUERY_POLL_MS / 1000);
				break;
			}
			SJ_SLEEP(j, QUERY_POLL_MS);
		}
	}
	SJ_END(j);
}

static int
setup_queries_undo(struct setup_job *j)
{
	struct queries_facts *f = setup_facts(j);
	size_t k;

	SJ_BEGIN(j);
	f = queries_facts_new(j);
	for (k = 0; k < NQUERIES; k++)
		if (setup_owned(j, "query-definition", f->name[k]))
			break;
	if (k == NQUERIES)
		return SJ_DONE;
	/* Deleting needs the ids: find ours by name. */
	do {
		SJ_READ(j, logs_describe_query_definitions(N(j)->query_prefix,
		    f->token, 1000, &j->cause), N(j)->query_prefix);
		if (queries_seen(j, f, true) != 0)
			return SJ_FAIL;
	} while (f->token != NULL);
	for (j->i = 0; (size_t)j->i < f->ndel; j->i++) {
		SJ_WRITE(j, logs_delete_query_definition(f->del_id[j->i],
		    &j->cause), f->del_name[j->i]);
		if (!sj_ok(j) && !sj_code(j, "ResourceNotFoundException"))
			return setup_fail(j, NULL);
		if (setup_forget(j, "query-definition", f->del_name[j->i]) != 0)
			return SJ_FAIL;
	}
	/* Ours that are gone already. */
	for (k = 0; k < NQUERIES; k++)
		if (setup_forget(j, "query-definition", f->name[k]) != 0)
			return SJ_FAIL;
	SJ_END(j);
}

static const struct calls_entry queries_calls[] = {
	{ SVC_LOGS, "DescribeQueryDefinitions", CALLS_CHECK | CALLS_UNDO,
	  "*", "read the saved queries (takes no resource)" },
	{ SVC_LOGS, "PutQueryDefinition", CALLS_APPLY, "*",
	  "save the queries (takes no resource)" },
	{ SVC_LOGS, "DeleteQueryDefinition", CALLS_UNDO, "*",
	  "teardown (takes no resource)" },
	{ SVC_LOGS, "StartQuery", CALLS_VERIFY, "${log_group_arn}",
	  "run one query" },
	{ SVC_LOGS, "GetQueryResults", CALLS_VERIFY, "*",
	  "read its results (takes no resource)" },
	{ .op = NULL }
};
const struct setup_step setup_step_queries = {
	.name = "queries",
	.title = "Logs Insights queries",
	.why = "Saves the investigation queries: failed access by source IP, "
	    "access patterns by caller, and administrative actions on buckets.",
	.check = setup_queries_check,
	.apply = setup_queries_apply,
	.verify = setup_queries_verify,
	.undo = setup_queries_undo,
	.calls = queries_calls,
};
