/* CloudWatch Logs operations (src/aws/svc_logs.c) against moto, checked with
 * the AWS CLI. */
#include "config.h"

#include <sys/time.h>

#include "svc-common.h"

static int64_t
now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static const char *
make_group(const char *prefix)
{
	const char *g = svct_name(prefix);
	struct svc_tag tag = { "app", "s3watch" };
	char *cause = NULL;

	svct_do(svct_req(logs_create_log_group(g, &tag, 1, &cause), cause));
	return g;
}

static void
test_groups(void **state)
{
	const char *g = make_group("/s3w/group");
	struct logs_groups l;
	struct aws_response *resp;
	struct json_object *o;
	char *cause = NULL;

	(void)state;
	svct_do(svct_req(logs_put_retention_policy(g, 90, &cause), cause));
	o = svct_aws("logs describe-log-groups --log-group-name-prefix %s", g);
	assert_int_equal(json_object_array_length(aws_json_get(o,
	    "logGroups")), 1);
	assert_int_equal(json_object_get_int(aws_json_get(
	    json_object_array_get_idx(aws_json_get(o, "logGroups"), 0),
	    "retentionInDays")), 90);
	json_object_put(o);
	o = svct_aws("logs list-tags-log-group --log-group-name %s", g);
	assert_string_equal(svct_jstr(o, "tags.app"), "s3watch");
	json_object_put(o);

	resp = svct_ok(svct_req(logs_describe_log_groups(g, NULL, 10, &cause),
	    cause));
	svct_parsed(logs_describe_log_groups_parse(resp, &l, &cause), cause);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].name, g);
	assert_int_equal(l.v[0].retention_days, 90);
	assert_true(l.v[0].created > 0);
	assert_non_null(strstr(l.v[0].arn, ":log-group:"));
	logs_groups_free(&l);
	aws_response_free(resp);

	/* Creating it again names AWS's error. */
	resp = svct_call(svct_req(logs_create_log_group(g, NULL, 0, &cause),
	    cause));
	assert_int_equal(resp->kind, AWS_ERR_SERVICE);
	assert_non_null(strstr(aws_error_text(resp),
	    "ResourceAlreadyExistsException"));
	aws_response_free(resp);

	svct_do(svct_req(logs_delete_log_group(g, &cause), cause));
	o = svct_aws("logs describe-log-groups --log-group-name-prefix %s", g);
	assert_int_equal(json_object_array_length(aws_json_get(o,
	    "logGroups")), 0);
	json_object_put(o);
}

static void
test_refusals(void **state)
{
	struct logs_event ev[2] = { { 2000, (char *)"b", NULL, 0, NULL },
	    { 1000, (char *)"a", NULL, 0, NULL } };
	struct logs_filter f = { 0 };
	char *streams[1] = { (char *)"s" };
	char *cause = NULL;

	(void)state;
	assert_null(logs_put_retention_policy("g", 8, &cause));
	assert_non_null(strstr(cause, "8 days"));
	free(cause);
	assert_null(logs_create_log_group("bad name", NULL, 0, &cause));
	assert_non_null(strstr(cause, "'bad name'"));
	free(cause);
	assert_null(logs_create_log_stream("g", "a:b", &cause));
	assert_non_null(strstr(cause, "':'"));
	free(cause);
	assert_null(logs_put_log_events("g", "s", ev, 2, NULL, &cause));
	assert_non_null(strstr(cause, "time order"));
	free(cause);
	assert_null(logs_put_log_events("g", "s", ev, 0, NULL, &cause));
	free(cause);
	f.group = "g";
	f.streams = streams;
	f.nstreams = 1;
	f.stream_prefix = "x";
	assert_null(logs_filter_log_events(&f, &cause));
	assert_non_null(strstr(cause, "not both"));
	free(cause);
	assert_null(logs_start_query(NULL, 0, "fields @message", 0, 1,
	    0, &cause));
	assert_non_null(strstr(cause, "1 to 50"));
	free(cause);
}

#define NEVENTS 25

static void
put_events(const char *g, const char *stream, int64_t base, int n,
    const char *tag)
{
	struct logs_event ev[NEVENTS];
	struct logs_put_result pr;
	struct aws_response *resp;
	char *cause = NULL;
	int i;

	assert_true(n <= NEVENTS);
	svct_do(svct_req(logs_create_log_stream(g, stream, &cause), cause));
	for (i = 0; i < n; i++) {
		ev[i].timestamp = base + i;
		ev[i].message = xasprintf("{\"eventID\":\"%s-%d\","
		    "\"eventName\":\"GetObject\"}", tag, i);
	}
	resp = svct_ok(svct_req(logs_put_log_events(g, stream, ev, (size_t)n,
	    NULL, &cause), cause));
	svct_parsed(logs_put_log_events_parse(resp, &pr, &cause), cause);
	assert_false(pr.rejected);
	logs_put_result_free(&pr);
	aws_response_free(resp);
	for (i = 0; i < n; i++)
		free(ev[i].message);
}

static void
test_events(void **state)
{
	const char *g = make_group("/s3w/events");
	struct logs_filter f = { 0 };
	struct logs_events l;
	struct aws_response *resp;
	struct json_object *o;
	char *token = NULL, *cause = NULL;
	int64_t base = now_ms() - 60000;
	size_t seen = 0, pages = 0, i;

	(void)state;
	put_events(g, "stream-a", base, NEVENTS, "a");
	put_events(g, "stream-b", base + 100, 5, "b");

	o = svct_aws("logs get-log-events --log-group-name %s "
	    "--log-stream-name stream-a --start-from-head", g);
	assert_int_equal(json_object_array_length(aws_json_get(o, "events")),
	    NEVENTS);
	json_object_put(o);

	/* Pages of 10 over both streams, until no token. */
	f.group = g;
	f.start = base;
	f.limit = 10;
	do {
		f.token = token;
		resp = svct_ok(svct_req(logs_filter_log_events(&f, &cause),
		    cause));
		free(token);
		svct_parsed(logs_filter_log_events_parse(resp, &l, &cause),
		    cause);
		for (i = 0; i < l.n; i++) {
			assert_non_null(l.v[i].id);
			assert_non_null(l.v[i].stream);
			assert_non_null(strstr(l.v[i].message, "eventID"));
			assert_true(l.v[i].ingestion_time > 0);
		}
		seen += l.n;
		pages++;
		token = l.next_token != NULL ? xstrdup(l.next_token) : NULL;
		logs_events_free(&l);
		aws_response_free(resp);
	} while (token != NULL && pages < 20);
	assert_null(token);
	assert_int_equal(seen, NEVENTS + 5);
	assert_true(pages >= 3);

	/* A filter pattern and one stream. */
	memset(&f, 0, sizeof f);
	f.group = g;
	f.stream_prefix = "stream-b";
	f.pattern = "\"b-3\"";
	resp = svct_ok(svct_req(logs_filter_log_events(&f, &cause), cause));
	svct_parsed(logs_filter_log_events_parse(resp, &l, &cause), cause);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.v[0].message, "b-3"));
	assert_string_equal(l.v[0].stream, "stream-b");
	logs_events_free(&l);
	aws_response_free(resp);

	resp = svct_ok(svct_req(logs_get_log_events(g, "stream-a", 0, 0, NULL,
	    true, 5, &cause), cause));
	svct_parsed(logs_get_log_events_parse(resp, &l, &cause), cause);
	assert_int_equal(l.n, 5);
	assert_int_equal(l.v[0].timestamp, base);
	assert_non_null(strstr(l.v[0].message, "\"a-0\""));
	assert_non_null(l.next_token);
	assert_non_null(l.back_token);
	logs_events_free(&l);
	aws_response_free(resp);

	/* A missing group: AWS's code through the parser. */
	resp = svct_call(svct_req(logs_get_log_events("/s3w/none", "s", 0, 0,
	    NULL, true, 0, &cause), cause));
	assert_int_equal(logs_get_log_events_parse(resp, &l, &cause), -1);
	assert_non_null(strstr(cause, "ResourceNotFoundException"));
	free(cause);
	logs_events_free(&l);
	aws_response_free(resp);
	svct_do(svct_req(logs_delete_log_group(g, &cause), cause));
}

static void
test_insights(void **state)
{
	const char *g = make_group("/s3w/insights");
	struct logs_query_results q;
	struct aws_response *resp;
	char *groups[1], *id, *cause = NULL;
	time_t now = time(NULL);
	int tries;

	(void)state;
	put_events(g, "s", now_ms() - 1000, 3, "q");
	groups[0] = (char *)g;
	resp = svct_ok(svct_req(logs_start_query(groups, 1,
	    "fields @timestamp, @message | sort @timestamp desc | limit 2",
	    now - 3600, now + 60, 0, &cause), cause));
	svct_parsed(logs_start_query_parse(resp, &id, &cause), cause);
	aws_response_free(resp);
	assert_true(strlen(id) > 0);

	for (tries = 0; tries < 50; tries++) {
		resp = svct_ok(svct_req(logs_get_query_results(id, &cause),
		    cause));
		svct_parsed(logs_get_query_results_parse(resp, &q, &cause),
		    cause);
		aws_response_free(resp);
		if (strcmp(q.status, "Complete") == 0)
			break;
		logs_query_results_free(&q);
		usleep(100000);
	}
	assert_string_equal(q.status, "Complete");
	assert_true(q.nrows >= 1);
	assert_true(q.rows[0].n >= 1);
	assert_non_null(q.rows[0].v[0].field);
	logs_query_results_free(&q);
	free(id);

	/* moto 5.2.1 lacks the query-definition operations; the sandbox's
	 * proxy fills them in (tests/sandbox/proxy.py), so these go through
	 * it and are checked through it too. */
	resp = svct_ok(svct_req(logs_put_query_definition("s3watch/denied",
	    "fields @message | filter errorCode = 'AccessDenied'", groups, 1,
	    NULL, &cause), cause));
	svct_parsed(logs_put_query_definition_parse(resp, &id, &cause), cause);
	aws_response_free(resp);
	resp = svct_ok(svct_req(logs_describe_query_definitions("s3watch/",
	    NULL, 0, &cause), cause));
	{
		struct logs_query_definitions qd;

		svct_parsed(logs_describe_query_definitions_parse(resp, &qd,
		    &cause), cause);
		assert_int_equal(qd.n, 1);
		assert_string_equal(qd.v[0].id, id);
		assert_string_equal(qd.v[0].name, "s3watch/denied");
		assert_int_equal(qd.v[0].ngroups, 1);
		assert_string_equal(qd.v[0].groups[0], g);
		logs_query_definitions_free(&qd);
	}
	aws_response_free(resp);
	svct_do(svct_req(logs_delete_query_definition(id, &cause), cause));
	free(id);
	/* Straight to moto, a clear error after the standard retries. */
	{
		char *aws = svct_aws_fails("logs describe-query-definitions");

		assert_non_null(strstr(aws, "500"));
		free(aws);
	}
	resp = xcalloc(1, sizeof *resp);
	resp->status = 200;
	resp->json = json_tokener_parse("{\"queryDefinitionId\":\"qd-1\"}");
	svct_parsed(logs_put_query_definition_parse(resp, &id, &cause), cause);
	assert_string_equal(id, "qd-1");
	free(id);
	aws_response_free(resp);
	svct_do(svct_req(logs_delete_log_group(g, &cause), cause));
}

/* Metric filters: create, read back (here and with the CLI), replace,
 * list by prefix, delete. */
static void
test_metric_filters(void **state)
{
	const char *g = make_group("/s3w/mf");
	struct svc_tag dims[1] = { { "Principal", "$.userIdentity.arn" } };
	struct logs_metric_filter_spec s = { .group = g,
	    .name = "s3watch-bytes", .pattern = "{ ($.eventName = \"GetObject\") "
	    "&& ($.additionalEventData.bytesTransferredOut > 0) }",
	    .metric = "s3watch-bytes", .namespace = "S3Watch",
	    .value = "$.additionalEventData.bytesTransferredOut", .dims = dims,
	    .ndims = 1 };
	struct logs_metric_filters l;
	struct aws_response *resp;
	struct json_object *o, *f, *t;
	char *cause = NULL;

	(void)state;
	svct_do(svct_req(logs_put_metric_filter(&s, &cause), cause));
	s.name = "s3watch-count";
	s.value = "1";
	s.ndims = 0;
	svct_do(svct_req(logs_put_metric_filter(&s, &cause), cause));
	s.name = "other-filter";
	svct_do(svct_req(logs_put_metric_filter(&s, &cause), cause));

	o = svct_aws("logs describe-metric-filters --log-group-name %s "
	    "--filter-name-prefix s3watch-bytes", g);
	assert_int_equal(json_object_array_length(aws_json_get(o,
	    "metricFilters")), 1);
	f = json_object_array_get_idx(aws_json_get(o, "metricFilters"), 0);
	assert_string_equal(svct_jstr(f, "filterPattern"), "{ ($.eventName = "
	    "\"GetObject\") && ($.additionalEventData.bytesTransferredOut > 0) }");
	t = json_object_array_get_idx(aws_json_get(f, "metricTransformations"), 0);
	assert_string_equal(svct_jstr(t, "metricName"), "s3watch-bytes");
	assert_string_equal(svct_jstr(t, "metricNamespace"), "S3Watch");
	assert_string_equal(svct_jstr(t, "metricValue"),
	    "$.additionalEventData.bytesTransferredOut");
	assert_string_equal(svct_jstr(t, "dimensions.Principal"),
	    "$.userIdentity.arn");
	json_object_put(o);

	resp = svct_ok(svct_req(logs_describe_metric_filters(g, "s3watch-", NULL,
	    &cause), cause));
	svct_parsed(logs_describe_metric_filters_parse(resp, &l, &cause), cause);
	aws_response_free(resp);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].name, "s3watch-bytes");
	assert_string_equal(l.v[0].group, g);
	assert_string_equal(l.v[0].metric, "s3watch-bytes");
	assert_string_equal(l.v[0].namespace, "S3Watch");
	assert_int_equal(l.v[0].ntransforms, 1);
	assert_int_equal(l.v[0].ndims, 1);
	assert_string_equal(l.v[0].dims[0].name, "Principal");
	assert_string_equal(l.v[0].dims[0].value, "$.userIdentity.arn");
	assert_string_equal(l.v[1].name, "s3watch-count");
	assert_string_equal(l.v[1].value, "1");
	assert_int_equal(l.v[1].ndims, 0);
	logs_metric_filters_free(&l);

	/* Putting again replaces. */
	s.name = "s3watch-count";
	s.value = "2";
	svct_do(svct_req(logs_put_metric_filter(&s, &cause), cause));
	o = svct_aws("logs describe-metric-filters --log-group-name %s "
	    "--filter-name-prefix s3watch-count", g);
	f = json_object_array_get_idx(aws_json_get(o, "metricFilters"), 0);
	t = json_object_array_get_idx(aws_json_get(f, "metricTransformations"), 0);
	assert_string_equal(svct_jstr(t, "metricValue"), "2");
	json_object_put(o);

	svct_do(svct_req(logs_delete_metric_filter(g, "s3watch-count", &cause),
	    cause));
	o = svct_aws("logs describe-metric-filters --log-group-name %s", g);
	assert_int_equal(json_object_array_length(aws_json_get(o,
	    "metricFilters")), 2);
	json_object_put(o);
	resp = svct_call(svct_req(logs_delete_metric_filter(g, "s3watch-count",
	    &cause), cause));
	assert_int_equal(resp->kind, AWS_ERR_SERVICE);
	assert_string_equal(resp->code, "ResourceNotFoundException");
	aws_response_free(resp);

	/* Refused locally. */
	s.name = "a:b";
	assert_null(logs_put_metric_filter(&s, &cause));
	assert_non_null(strstr(cause, "without ':' or '*'"));
	free(cause);
	s.name = "ok";
	s.ndims = 4;
	assert_null(logs_put_metric_filter(&s, &cause));
	assert_non_null(strstr(cause, "at most 3 dimensions"));
	free(cause);
	s.ndims = 0;
	s.metric = "";
	assert_null(logs_put_metric_filter(&s, &cause));
	assert_non_null(strstr(cause, "metric name is empty"));
	free(cause);
	assert_null(logs_describe_metric_filters("bad group", NULL, NULL, &cause));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_insights),
		cmocka_unit_test(test_metric_filters),
	};

	return cmocka_run_group_tests(tests, svct_setup, svct_teardown);
}
