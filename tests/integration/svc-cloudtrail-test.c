/* CloudTrail operations (src/aws/svc_cloudtrail.c) against moto, checked with
 * the AWS CLI.  moto 5.2.1 lacks LookupEvents (the sandbox proxy answers
 * it) and ListPublicKeys (shown to fail cleanly); both parsers are also fed
 * AWS's documented answers. */
#include "config.h"

#include "svc-common.h"

static const char *trail_bucket;

static int
trail_setup(void **state)
{
	char *cause = NULL;

	if (svct_setup(state) != 0)
		return -1;
	trail_bucket = xstrdup(svct_name("s3w-trail"));
	json_object_put(svct_aws("s3api create-bucket --bucket %s",
	    trail_bucket));
	(void)cause;
	return 0;
}

static int
trail_teardown(void **state)
{
	free((char *)trail_bucket);
	return svct_teardown(state);
}

static char *
make_trail(const char *name)
{
	struct cloudtrail_trail_spec s = { 0 };
	struct cloudtrail_trail t;
	struct aws_response *resp;
	char *cause = NULL, *arn;

	s.name = name;
	s.s3_bucket = trail_bucket;
	s.s3_prefix = "ct";
	s.multi_region = true;
	s.global_events = true;
	s.log_file_validation = true;
	resp = svct_ok(svct_req(cloudtrail_create_trail(&s, &cause), cause));
	svct_parsed(cloudtrail_create_trail_parse(resp, &t, &cause), cause);
	assert_string_equal(t.name, name);
	assert_true(t.multi_region);
	assert_true(t.log_file_validation);
	assert_string_equal(t.s3_bucket, trail_bucket);
	arn = xstrdup(t.arn);
	cloudtrail_trail_free(&t);
	aws_response_free(resp);
	return arn;
}

static void
test_trail_lifecycle(void **state)
{
	const char *name = svct_name("s3w-trail");
	struct cloudtrail_trail_spec s = { 0 };
	struct cloudtrail_trails l;
	struct cloudtrail_trail t;
	struct aws_response *resp;
	struct json_object *o, *tr;
	char *arn, *cause = NULL, *names[1];
	size_t i;
	bool found = false;

	(void)state;
	arn = make_trail(name);
	assert_non_null(strstr(arn, ":trail/"));

	o = svct_aws("cloudtrail get-trail --name %s", name);
	assert_string_equal(svct_jstr(o, "Trail.TrailARN"), arn);
	assert_string_equal(svct_jstr(o, "Trail.S3KeyPrefix"), "ct");
	assert_true(json_object_get_boolean(aws_json_get(aws_json_get(o,
	    "Trail"), "IsMultiRegionTrail")));
	json_object_put(o);

	/* UpdateTrail keeps what it is not given. */
	s.name = name;
	s.multi_region = true;
	s.global_events = true;
	s.log_file_validation = false;
	s.s3_prefix = "ct2";
	resp = svct_ok(svct_req(cloudtrail_update_trail(&s, &cause), cause));
	svct_parsed(cloudtrail_update_trail_parse(resp, &t, &cause), cause);
	assert_false(t.log_file_validation);
	cloudtrail_trail_free(&t);
	aws_response_free(resp);
	o = svct_aws("cloudtrail get-trail --name %s", name);
	tr = aws_json_get(o, "Trail");
	assert_string_equal(svct_jstr(tr, "S3BucketName"), trail_bucket);
	assert_string_equal(svct_jstr(tr, "S3KeyPrefix"), "ct2");
	assert_false(json_object_get_boolean(aws_json_get(tr,
	    "LogFileValidationEnabled")));
	json_object_put(o);

	names[0] = (char *)name;
	resp = svct_ok(cloudtrail_describe_trails(names, 1));
	svct_parsed(cloudtrail_describe_trails_parse(resp, &l, &cause), cause);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].arn, arn);
	assert_string_equal(l.v[0].home_region, "us-east-1");
	cloudtrail_trails_free(&l);
	aws_response_free(resp);

	resp = svct_ok(cloudtrail_describe_trails(NULL, 0));
	svct_parsed(cloudtrail_describe_trails_parse(resp, &l, &cause), cause);
	for (i = 0; i < l.n; i++)
		found |= strcmp(l.v[i].name, name) == 0;
	assert_true(found);
	cloudtrail_trails_free(&l);
	aws_response_free(resp);

	svct_do(svct_req(cloudtrail_delete_trail(name, &cause), cause));
	free(svct_aws_fails("cloudtrail get-trail --name %s", name));

	resp = svct_call(svct_req(cloudtrail_get_trail_status(name, &cause),
	    cause));
	assert_int_equal(resp->kind, AWS_ERR_SERVICE);
	assert_non_null(strstr(aws_error_text(resp), "TrailNotFound"));
	aws_response_free(resp);
	free(arn);
}

static void
test_trail_refusals(void **state)
{
	struct cloudtrail_trail_spec s = { 0 };
	char *cause = NULL;

	(void)state;
	s.name = "a..b";
	s.s3_bucket = "b";
	assert_null(cloudtrail_create_trail(&s, &cause));
	assert_non_null(strstr(cause, "'a..b'"));
	free(cause);
	s.name = "good-name";
	s.cwl_group_arn = "arn:aws:logs:us-east-1:123456789012:log-group:g:*";
	assert_null(cloudtrail_create_trail(&s, &cause));
	assert_non_null(strstr(cause, "both"));
	free(cause);
	assert_null(cloudtrail_lookup_events("Colour", "red", 0, 0, 0, NULL,
	    &cause));
	assert_non_null(strstr(cause, "Colour"));
	free(cause);
	assert_null(cloudtrail_put_event_selectors("t", NULL, 0, &cause));
	assert_non_null(strstr(cause, "1 to 5"));
	free(cause);
}

static void
test_logging_and_status(void **state)
{
	const char *name = svct_name("s3w-status");
	struct cloudtrail_status st;
	struct aws_response *resp;
	struct json_object *o;
	char *arn, *cause = NULL;

	(void)state;
	arn = make_trail(name);
	svct_do(svct_req(cloudtrail_start_logging(name, &cause), cause));
	o = svct_aws("cloudtrail get-trail-status --name %s", name);
	assert_true(json_object_get_boolean(aws_json_get(o, "IsLogging")));
	json_object_put(o);

	resp = svct_ok(svct_req(cloudtrail_get_trail_status(arn, &cause),
	    cause));
	svct_parsed(cloudtrail_get_trail_status_parse(resp, &st, &cause),
	    cause);
	assert_true(st.logging);
	assert_true(st.start_logging > 0);
	cloudtrail_status_free(&st);
	aws_response_free(resp);

	svct_do(svct_req(cloudtrail_stop_logging(name, &cause), cause));
	resp = svct_ok(svct_req(cloudtrail_get_trail_status(name, &cause),
	    cause));
	svct_parsed(cloudtrail_get_trail_status_parse(resp, &st, &cause),
	    cause);
	assert_false(st.logging);
	cloudtrail_status_free(&st);
	aws_response_free(resp);
	svct_do(svct_req(cloudtrail_delete_trail(name, &cause), cause));
	free(arn);
}

static void
test_event_selectors(void **state)
{
	const char *name = svct_name("s3w-sel");
	char *values[1], *arn, *cause = NULL;
	struct cloudtrail_data_resource dr;
	struct cloudtrail_selector sel = { 0 };
	struct cloudtrail_selectors got;
	struct aws_response *resp;
	struct json_object *o, *s;

	(void)state;
	arn = make_trail(name);
	values[0] = xasprintf("arn:aws:s3:::%s/", trail_bucket);
	dr.type = (char *)"AWS::S3::Object";
	dr.values = values;
	dr.nvalues = 1;
	sel.rw = CLOUDTRAIL_RW_ALL;
	sel.management = true;
	sel.resources = &dr;
	sel.nresources = 1;
	resp = svct_ok(svct_req(cloudtrail_put_event_selectors(name, &sel, 1,
	    &cause), cause));
	svct_parsed(cloudtrail_put_event_selectors_parse(resp, &got, &cause),
	    cause);
	assert_int_equal(got.n, 1);
	cloudtrail_selectors_free(&got);
	aws_response_free(resp);

	o = svct_aws("cloudtrail get-event-selectors --trail-name %s", name);
	s = json_object_array_get_idx(aws_json_get(o, "EventSelectors"), 0);
	assert_string_equal(svct_jstr(s, "ReadWriteType"), "All");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(
	    aws_json_get(json_object_array_get_idx(aws_json_get(s,
	    "DataResources"), 0), "Values"), 0)), values[0]);
	json_object_put(o);

	resp = svct_ok(svct_req(cloudtrail_get_event_selectors(name, &cause),
	    cause));
	svct_parsed(cloudtrail_get_event_selectors_parse(resp, &got, &cause),
	    cause);
	assert_string_equal(got.trail_arn, arn);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.v[0].rw, CLOUDTRAIL_RW_ALL);
	assert_true(got.v[0].management);
	assert_int_equal(got.v[0].nresources, 1);
	assert_string_equal(got.v[0].resources[0].type, "AWS::S3::Object");
	assert_int_equal(got.v[0].resources[0].nvalues, 1);
	assert_string_equal(got.v[0].resources[0].values[0], values[0]);
	cloudtrail_selectors_free(&got);
	aws_response_free(resp);

	svct_do(svct_req(cloudtrail_delete_trail(name, &cause), cause));
	free(values[0]);
	free(arn);
}

/* moto lacks LookupEvents; the sandbox proxy keeps CloudTrail's event
 * history of the S3 calls it forwards and answers it.  moto answers
 * ListPublicKeys, which nothing fills, with HTTP 500: the error must be
 * clear and come after the standard retries. */
static void
test_lookup_events(void **state)
{
	const char *b = svct_name("s3w-history");
	struct cloudtrail_events ev;
	struct aws_response *resp;
	char *cause = NULL;
	size_t i;
	bool found = false;

	(void)state;
	svct_do(svct_req(s3_create_bucket(b, "us-east-1", &cause), cause));
	resp = svct_ok(svct_req(cloudtrail_lookup_events("ResourceName", b, 0,
	    0, 10, NULL, &cause), cause));
	svct_parsed(cloudtrail_lookup_events_parse(resp, &ev, &cause), cause);
	for (i = 0; i < ev.n; i++)
		found |= strcmp(ev.v[i].name, "CreateBucket") == 0 &&
		    strcmp(ev.v[i].source, "s3.amazonaws.com") == 0 &&
		    strstr(ev.v[i].json, b) != NULL;
	assert_true(found);
	cloudtrail_events_free(&ev);
	aws_response_free(resp);

	resp = svct_call(cloudtrail_list_public_keys(0, 0, NULL));
	assert_int_not_equal(resp->kind, AWS_OK);
	assert_int_equal(resp->status, 500);
	assert_int_equal(resp->attempts, 3);
	assert_non_null(strstr(aws_error_text(resp), "after 3 attempts"));
	aws_response_free(resp);
}

static struct aws_response *
canned(const char *json)
{
	struct aws_response *resp = xcalloc(1, sizeof *resp);

	resp->kind = AWS_OK;
	resp->status = 200;
	resp->json = json_tokener_parse(json);
	assert_non_null(resp->json);
	return resp;
}

/* AWS's answers, as the CloudTrail API reference documents them. */
static void
test_lookup_and_keys_parsers(void **state)
{
	struct cloudtrail_public_keys keys;
	struct cloudtrail_events ev;
	struct aws_response *resp;
	char *cause = NULL;

	(void)state;
	resp = canned("{\"Events\":[{\"EventId\":\"e1\",\"EventName\":"
	    "\"CreateBucket\",\"ReadOnly\":\"false\",\"AccessKeyId\":\"AKIAX\","
	    "\"EventTime\":1700000000,\"EventSource\":\"s3.amazonaws.com\","
	    "\"Username\":\"alice\",\"CloudTrailEvent\":\"{\\\"eventVersion\\\":"
	    "\\\"1.08\\\"}\"}],\"NextToken\":\"t2\"}");
	svct_parsed(cloudtrail_lookup_events_parse(resp, &ev, &cause), cause);
	assert_int_equal(ev.n, 1);
	assert_string_equal(ev.v[0].id, "e1");
	assert_string_equal(ev.v[0].name, "CreateBucket");
	assert_string_equal(ev.v[0].source, "s3.amazonaws.com");
	assert_string_equal(ev.v[0].username, "alice");
	assert_false(ev.v[0].read_only);
	assert_int_equal(ev.v[0].time, 1700000000);
	assert_string_equal(ev.v[0].json, "{\"eventVersion\":\"1.08\"}");
	assert_string_equal(ev.next_token, "t2");
	cloudtrail_events_free(&ev);
	aws_response_free(resp);

	resp = canned("{\"PublicKeyList\":[{\"Value\":\"TUlJQg==\","
	    "\"ValidityStartTime\":1700000000,\"ValidityEndTime\":1800000000,"
	    "\"Fingerprint\":\"8eba5db5\"}]}");
	svct_parsed(cloudtrail_list_public_keys_parse(resp, &keys, &cause),
	    cause);
	assert_int_equal(keys.n, 1);
	assert_string_equal(keys.v[0].value, "TUlJQg==");
	assert_string_equal(keys.v[0].fingerprint, "8eba5db5");
	assert_int_equal(keys.v[0].valid_to, 1800000000);
	assert_null(keys.next_token);
	cloudtrail_public_keys_free(&keys);
	aws_response_free(resp);

	/* An answer without the list is an error, not an empty list. */
	resp = canned("{}");
	assert_int_equal(cloudtrail_list_public_keys_parse(resp, &keys,
	    &cause), -1);
	assert_non_null(strstr(cause, "PublicKeyList"));
	free(cause);
	cloudtrail_public_keys_free(&keys);
	aws_response_free(resp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trail_lifecycle),
		cmocka_unit_test(test_trail_refusals),
		cmocka_unit_test(test_logging_and_status),
		cmocka_unit_test(test_event_selectors),
		cmocka_unit_test(test_lookup_events),
		cmocka_unit_test(test_lookup_and_keys_parsers),
	};

	return cmocka_run_group_tests(tests, trail_setup, trail_teardown);
}
