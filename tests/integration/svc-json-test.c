/* EventBridge (src/aws/svc_events.c, awsJson) and Lambda (src/aws/svc_lambda.c,
 * rest-json) operations against moto, checked with the AWS CLI. */
#include "config.h"

#include "svc-common.h"

#define PATTERN	"{\"source\":[\"aws.s3\"],\"detail-type\":[\"AWS API " \
		"Call via CloudTrail\"],\"detail\":{\"eventName\":" \
		"[\"PutBucketPolicy\"]}}"

/* A 200 answer with this JSON body, to reach what moto never sends. */
static struct aws_response *
fake_answer(const char *json)
{
	struct aws_response *resp = xcalloc(1, sizeof *resp);

	resp->kind = AWS_OK;
	resp->status = 200;
	buf_adds(&resp->body, json);
	resp->json = json_tokener_parse(json);
	assert_non_null(resp->json);
	return resp;
}

/* Asserts a builder refused, with a cause holding want.  The cause is
 * passed by address: arguments are evaluated in no set order. */
static void
refused(struct aws_request *r, char **cause, const char *want)
{
	if (r != NULL) {
		aws_request_free(r);
		fail_msg("builder accepted, expected a refusal with '%s'", want);
	}
	assert_non_null(*cause);
	if (strstr(*cause, want) == NULL)
		fail_msg("cause '%s' lacks '%s'", *cause, want);
	free(*cause);
	*cause = NULL;
}

static char *
make_rule(const char *prefix)
{
	struct events_rule_spec s = { .name = svct_name(prefix),
	    .pattern = PATTERN, .state = EVENTS_RULE_ENABLED };
	struct aws_response *resp;
	char *cause = NULL, *arn, *name = xstrdup(s.name);

	resp = svct_ok(svct_req(events_put_rule(&s, &cause), cause));
	svct_parsed(events_put_rule_parse(resp, &arn, &cause), cause);
	aws_response_free(resp);
	free(arn);
	return name;
}

static char *
make_topic(void)
{
	struct json_object *o = svct_aws("sns create-topic --name %s",
	    svct_name("s3w-topic"));
	char *arn = xstrdup(svct_jstr(o, "TopicArn"));

	json_object_put(o);
	return arn;
}

/* --- EventBridge -------------------------------------------------------- */

static void
test_events_refusals(void **state)
{
	struct events_rule_spec s = { .name = "ok-rule", .pattern = PATTERN };
	struct events_target t[EVENTS_MAX_TARGETS + 1];
	char *ids[] = { "a", "b c" }, *cause = NULL, *long_pattern;
	size_t i;

	(void)state;
	assert_int_equal(events_rule_name_check("a.b-c_D9", &cause), 0);
	assert_int_equal(events_rule_name_check("", &cause), -1);
	refused(NULL, &cause, "rule name is empty");
	assert_int_equal(events_rule_name_check("has space", &cause), -1);
	refused(NULL, &cause, "1 to 64");
	refused(events_describe_rule("x234567890123456789012345678901234567890"
	    "1234567890123456789012345", &cause), &cause, "1 to 64");
	refused(events_delete_rule("a/b", true, &cause), &cause, "'a/b'");

	s.pattern = "{\"source\": [\"aws.s3\"]";
	refused(events_put_rule(&s, &cause), &cause, "event pattern is not "
	    "valid JSON");
	s.pattern = "{} trailing";
	refused(events_put_rule(&s, &cause), &cause, "not valid JSON");
	long_pattern = xmalloc(5000);
	memset(long_pattern, ' ', 4999);
	long_pattern[0] = '{';
	long_pattern[4998] = '}';
	long_pattern[4999] = '\0';
	s.pattern = long_pattern;
	refused(events_put_rule(&s, &cause), &cause, "more than 4096");
	refused(events_test_event_pattern(long_pattern, "{}", &cause), &cause,
	    "more than 4096");
	free(long_pattern);
	refused(events_test_event_pattern(PATTERN, "not json", &cause), &cause,
	    "test event is not valid JSON");

	/* Targets: AWS's 5 per rule, ids, Input JSON, Input xor InputPath. */
	memset(t, 0, sizeof t);
	for (i = 0; i < EVENTS_MAX_TARGETS + 1; i++) {
		t[i].id = xasprintf("t%zu", i);
		t[i].arn = "arn:aws:sns:us-east-1:123456789012:x";
	}
	refused(events_put_targets("r", t, EVENTS_MAX_TARGETS + 1, &cause),
	    &cause, "1 to 5 targets, not 6");
	refused(events_put_targets("r", t, 0, &cause), &cause, "not 0");
	t[EVENTS_MAX_TARGETS - 1].id[1] = '0';
	refused(events_put_targets("r", t, EVENTS_MAX_TARGETS, &cause), &cause,
	    "rule r: target id 't0' given twice");
	t[0].input = "{\"bucket\": ";
	refused(events_put_targets("r", t, 1, &cause), &cause,
	    "target input is not valid JSON");
	t[0].input = "{}";
	t[0].input_path = "$.detail";
	refused(events_put_targets("r", t, 1, &cause), &cause,
	    "mutually exclusive");
	t[0].input = NULL;
	t[0].arn = "";
	refused(events_put_targets("r", t, 1, &cause), &cause,
	    "target ARN is empty");
	for (i = 0; i < EVENTS_MAX_TARGETS + 1; i++)
		free(t[i].id);
	refused(events_remove_targets("r", ids, 2, false, &cause), &cause,
	    "target id 'b c'");
	refused(events_remove_targets("r", ids, 0, false, &cause), &cause,
	    "not 0");
	refused(events_list_targets_by_rule("r", NULL, 101, &cause), &cause,
	    "limit 101");
}

static void
test_events_rule_lifecycle(void **state)
{
	const char *name = svct_name("s3w-rule"), *role_arn =
	    "arn:aws:iam::123456789012:role/s3w-events";
	struct events_rule_spec s = { .name = name, .pattern = PATTERN,
	    .state = EVENTS_RULE_DISABLED, .description = "bucket policy changes",
	    .role_arn = role_arn };
	struct aws_response *resp;
	struct events_rule rule;
	struct json_object *o, *want, *got;
	char *cause = NULL, *arn;

	(void)state;
	resp = svct_ok(svct_req(events_put_rule(&s, &cause), cause));
	svct_parsed(events_put_rule_parse(resp, &arn, &cause), cause);
	aws_response_free(resp);
	assert_non_null(strstr(arn, ":rule/"));
	assert_non_null(strstr(arn, name));

	o = svct_aws("events describe-rule --name %s", name);
	assert_string_equal(svct_jstr(o, "Arn"), arn);
	assert_string_equal(svct_jstr(o, "State"), "DISABLED");
	assert_string_equal(svct_jstr(o, "Description"), "bucket policy changes");
	assert_string_equal(svct_jstr(o, "RoleArn"), role_arn);
	want = json_tokener_parse(PATTERN);
	got = json_tokener_parse(svct_jstr(o, "EventPattern"));
	assert_true(json_object_equal(want, got));
	json_object_put(want);
	json_object_put(got);
	json_object_put(o);

	resp = svct_ok(svct_req(events_describe_rule(name, &cause), cause));
	svct_parsed(events_describe_rule_parse(resp, &rule, &cause), cause);
	aws_response_free(resp);
	assert_string_equal(rule.name, name);
	assert_string_equal(rule.arn, arn);
	assert_string_equal(rule.pattern, PATTERN);
	assert_int_equal(rule.state, EVENTS_RULE_DISABLED);
	assert_string_equal(rule.description, "bucket policy changes");
	assert_string_equal(rule.role_arn, role_arn);
	assert_string_equal(rule.event_bus, "default");
	assert_null(rule.schedule);
	events_rule_free(&rule);

	/* PutRule again updates in place: enabled, no description. */
	s.state = EVENTS_RULE_ENABLED;
	s.description = NULL;
	s.role_arn = NULL;
	svct_do(svct_req(events_put_rule(&s, &cause), cause));
	o = svct_aws("events describe-rule --name %s", name);
	assert_string_equal(svct_jstr(o, "State"), "ENABLED");
	json_object_put(o);

	svct_do(svct_req(events_delete_rule(name, true, &cause), cause));
	free(svct_aws_fails("events describe-rule --name %s", name));

	/* A missing rule: AWS's error, through the parser. */
	resp = svct_call(svct_req(events_describe_rule(name, &cause), cause));
	assert_int_equal(resp->kind, AWS_ERR_SERVICE);
	assert_int_equal(events_describe_rule_parse(resp, &rule, &cause), -1);
	assert_non_null(strstr(cause, "DescribeRule: "));
	assert_non_null(strstr(cause, "ResourceNotFoundException"));
	assert_non_null(strstr(aws_error_text(resp), "ResourceNotFoundException"));
	free(cause);
	cause = NULL;
	assert_null(rule.arn);
	events_rule_free(&rule);
	aws_response_free(resp);

	/* Like AWS, deleting a rule that is not there succeeds. */
	svct_do(svct_req(events_delete_rule(name, false, &cause), cause));
	free(arn);
}

static void
test_events_targets(void **state)
{
	char *rule = make_rule("s3w-tgt"), *topic = make_topic(),
	    *topic2 = make_topic(), *cause = NULL;
	/* Two topics: moto pages targets by Arn, not by Id, so targets that
	 * share an ARN would repeat the first page. */
	struct events_target t[2] = {
		{ .id = "alert", .arn = topic,
		  .input = "{\"alert\":\"bucket policy changed\"}" },
		{ .id = "detail", .arn = topic2, .input_path = "$.detail" },
	};
	char *ids[] = { "alert" };
	struct events_targets l, page;
	struct aws_response *resp;
	struct json_object *o, *a, *e;
	size_t i;

	(void)state;
	resp = svct_ok(svct_req(events_put_targets(rule, t, 2, &cause), cause));
	svct_parsed(events_put_targets_parse(resp, &cause), cause);
	aws_response_free(resp);

	o = svct_aws("events list-targets-by-rule --rule %s", rule);
	a = aws_json_get(o, "Targets");
	assert_int_equal(json_object_array_length(a), 2);
	for (i = 0; i < 2; i++) {
		e = json_object_array_get_idx(a, i);
		if (strcmp(aws_json_str(e, "Id"), "alert") == 0) {
			assert_string_equal(aws_json_str(e, "Arn"), topic);
			assert_string_equal(aws_json_str(e, "Input"), t[0].input);
			assert_null(aws_json_str(e, "InputPath"));
		} else {
			assert_string_equal(aws_json_str(e, "Id"), "detail");
			assert_string_equal(aws_json_str(e, "Arn"), topic2);
			assert_string_equal(aws_json_str(e, "InputPath"),
			    "$.detail");
			assert_null(aws_json_str(e, "Input"));
		}
	}
	json_object_put(o);

	resp = svct_ok(svct_req(events_list_targets_by_rule(rule, NULL, 0,
	    &cause), cause));
	svct_parsed(events_list_targets_by_rule_parse(resp, &l, &cause), cause);
	aws_response_free(resp);
	assert_int_equal(l.n, 2);
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].id, "alert") == 0) {
			assert_string_equal(l.v[i].arn, topic);
			assert_string_equal(l.v[i].input, t[0].input);
			assert_null(l.v[i].input_path);
		} else {
			assert_string_equal(l.v[i].id, "detail");
			assert_string_equal(l.v[i].arn, topic2);
			assert_string_equal(l.v[i].input_path, "$.detail");
		}
	}
	assert_null(l.next_token);
	events_targets_free(&l);

	/* One per page: the token leads to the second. */
	resp = svct_ok(svct_req(events_list_targets_by_rule(rule, NULL, 1,
	    &cause), cause));
	svct_parsed(events_list_targets_by_rule_parse(resp, &page, &cause),
	    cause);
	aws_response_free(resp);
	assert_int_equal(page.n, 1);
	assert_non_null(page.next_token);
	resp = svct_ok(svct_req(events_list_targets_by_rule(rule,
	    page.next_token, 1, &cause), cause));
	svct_parsed(events_list_targets_by_rule_parse(resp, &l, &cause), cause);
	aws_response_free(resp);
	assert_int_equal(l.n, 1);
	assert_string_not_equal(l.v[0].id, page.v[0].id);
	events_targets_free(&l);
	events_targets_free(&page);

	/* AWS refuses to delete a rule that still has targets. */
	resp = svct_call(svct_req(events_delete_rule(rule, false, &cause),
	    cause));
	assert_int_equal(resp->kind, AWS_ERR_SERVICE);
	assert_non_null(strstr(aws_error_text(resp), "has targets"));
	aws_response_free(resp);

	resp = svct_ok(svct_req(events_remove_targets(rule, ids, 1, false,
	    &cause), cause));
	svct_parsed(events_remove_targets_parse(resp, &cause), cause);
	aws_response_free(resp);
	o = svct_aws("events list-targets-by-rule --rule %s", rule);
	a = aws_json_get(o, "Targets");
	assert_int_equal(json_object_array_length(a), 1);
	assert_string_equal(svct_jstr(json_object_array_get_idx(a, 0), "Id"),
	    "detail");
	json_object_put(o);

	ids[0] = "detail";
	svct_do(svct_req(events_remove_targets(rule, ids, 1, true, &cause),
	    cause));
	resp = svct_ok(svct_req(events_list_targets_by_rule(rule, NULL, 0,
	    &cause), cause));
	svct_parsed(events_list_targets_by_rule_parse(resp, &l, &cause), cause);
	aws_response_free(resp);
	assert_int_equal(l.n, 0);
	events_targets_free(&l);

	svct_do(svct_req(events_delete_rule(rule, false, &cause), cause));
	free(svct_aws_fails("events describe-rule --name %s", rule));

	/* Targets of a missing rule: AWS's error through the parser. */
	resp = svct_call(svct_req(events_list_targets_by_rule(rule, NULL, 0,
	    &cause), cause));
	assert_int_equal(events_list_targets_by_rule_parse(resp, &l, &cause),
	    -1);
	assert_non_null(strstr(cause, "ListTargetsByRule: "
	    "ResourceNotFoundException"));
	free(cause);
	events_targets_free(&l);
	aws_response_free(resp);
	free(rule);
	free(topic);
	free(topic2);
}

/* Failed entries come in a 200 answer; moto never reports any, so the
 * parser also reads what AWS sends then. */
static void
test_events_failed_entries(void **state)
{
	char *rule = make_rule("s3w-fail"), *cause = NULL;
	struct events_target t = { .id = "bad", .arn = "not-an-arn" };
	struct aws_response *resp;
	struct json_object *o;

	(void)state;
	/* moto checks the ARN's form (AWS reports it as a failed entry). */
	resp = svct_call(svct_req(events_put_targets(rule, &t, 1, &cause),
	    cause));
	assert_int_equal(events_put_targets_parse(resp, &cause), -1);
	assert_non_null(strstr(cause, "PutTargets: ValidationException"));
	assert_non_null(strstr(cause, "not-an-arn"));
	free(cause);
	cause = NULL;
	aws_response_free(resp);
	o = svct_aws("events list-targets-by-rule --rule %s", rule);
	assert_int_equal(json_object_array_length(aws_json_get(o, "Targets")),
	    0);
	json_object_put(o);

	resp = fake_answer("{\"FailedEntryCount\":2,\"FailedEntries\":["
	    "{\"TargetId\":\"a\",\"ErrorCode\":\"AccessDeniedException\","
	    "\"ErrorMessage\":\"no sns:Publish\"},{\"TargetId\":\"b\"}]}");
	assert_int_equal(events_put_targets_parse(resp, &cause), -1);
	assert_string_equal(cause, "PutTargets: 2 targets failed: a "
	    "(AccessDeniedException: no sns:Publish); b (no error code: "
	    "no message)");
	free(cause);
	cause = NULL;
	aws_response_free(resp);

	resp = fake_answer("{\"FailedEntryCount\":1,\"FailedEntries\":["
	    "{\"TargetId\":\"gone\",\"ErrorCode\":\"ResourceNotFound\","
	    "\"ErrorMessage\":\"no such target\"}]}");
	assert_int_equal(events_remove_targets_parse(resp, &cause), -1);
	assert_string_equal(cause, "RemoveTargets: 1 target failed: gone "
	    "(ResourceNotFound: no such target)");
	free(cause);
	cause = NULL;
	aws_response_free(resp);

	resp = fake_answer("{\"FailedEntryCount\":0,\"FailedEntries\":[]}");
	svct_parsed(events_put_targets_parse(resp, &cause), cause);
	aws_response_free(resp);

	svct_do(svct_req(events_delete_rule(rule, false, &cause), cause));
	free(rule);
}

static void
test_events_test_event_pattern(void **state)
{
	const char *event = "{\"id\":\"1\",\"account\":\"123456789012\","
	    "\"source\":\"aws.s3\",\"time\":\"2024-05-01T12:00:00Z\","
	    "\"region\":\"us-east-1\",\"resources\":[],\"detail-type\":"
	    "\"AWS API Call via CloudTrail\",\"detail\":{\"eventName\":"
	    "\"PutBucketPolicy\"}}";
	struct aws_response *resp;
	char *cause = NULL;
	bool match = true;

	(void)state;
	/* moto's TestEventPattern is a stub: 200 with an empty body.  The
	 * parser must say so rather than read it as "no match". */
	resp = svct_ok(svct_req(events_test_event_pattern(PATTERN, event,
	    &cause), cause));
	assert_int_equal(events_test_event_pattern_parse(resp, &match, &cause),
	    -1);
	assert_false(match);
	assert_non_null(strstr(cause, "TestEventPattern: the endpoint did not "
	    "answer Result"));
	free(cause);
	cause = NULL;
	aws_response_free(resp);

	/* The CLI gets the same empty answer from moto. */
	struct json_object *o = svct_aws("events test-event-pattern "
	    "--event-pattern '%s' --event '%s'", PATTERN, event);
	assert_null(aws_json_get(o, "Result"));
	json_object_put(o);

	/* What AWS answers. */
	resp = fake_answer("{\"Result\":true}");
	svct_parsed(events_test_event_pattern_parse(resp, &match, &cause),
	    cause);
	assert_true(match);
	aws_response_free(resp);
	resp = fake_answer("{\"Result\":false}");
	svct_parsed(events_test_event_pattern_parse(resp, &match, &cause),
	    cause);
	assert_false(match);
	aws_response_free(resp);
	resp = fake_answer("{\"Result\":\"true\"}");
	assert_int_equal(events_test_event_pattern_parse(resp, &match, &cause),
	    -1);
	free(cause);
	aws_response_free(resp);
}

/* --- Lambda ------------------------------------------------------------- */

/* A zip holding index.py, made by Python's zipfile. */
static char *
make_zip(size_t *len)
{
	struct buf b = { 0 };
	char chunk[4096];
	size_t n;
	FILE *f;

	f = popen("python3 -c 'import io, sys, zipfile\n"
	    "b = io.BytesIO()\n"
	    "with zipfile.ZipFile(b, \"w\") as z:\n"
	    "    z.writestr(\"index.py\", \"def handler(event, context):\\n"
	    "    return event\\n\")\n"
	    "sys.stdout.buffer.write(b.getvalue())'", "r");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	assert_int_equal(pclose(f), 0);
	assert_true(b.len > 22);
	*len = b.len;
	return buf_take(&b);
}

static char *
make_role(void)
{
	struct json_object *o = svct_aws("iam create-role --role-name %s "
	    "--assume-role-policy-document '{\"Version\":\"2012-10-17\","
	    "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
	    "\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}'",
	    svct_name("s3w-fn-role"));
	char *arn = xstrdup(svct_jstr(o, "Role.Arn"));

	json_object_put(o);
	return arn;
}

static const char *
env_value(const struct lambda_function *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nenv; i++)
		if (strcmp(f->env[i].name, name) == 0)
			return f->env[i].value;
	return NULL;
}

static void
test_lambda_refusals(void **state)
{
	static const char zip[] = "PK";
	const struct svc_tag bad_env[] = { { "1ST", "x" } };
	struct svc_tag big_env[2];
	struct lambda_function_spec s = { .name = "fn", .runtime = "python3.12",
	    .role_arn = "arn:aws:iam::123456789012:role/r",
	    .handler = "index.handler", .zip = zip, .zip_len = 2 };
	struct lambda_permission_spec p = { .function = "fn",
	    .statement_id = "s1", .action = "lambda:InvokeFunction",
	    .principal = "events.amazonaws.com" };
	struct aws_request *r;
	char *cause = NULL, *big;

	(void)state;
	/* The valid spec passes. */
	r = svct_req(lambda_create_function(&s, &cause), cause);
	assert_string_equal(r->method, "POST");
	assert_string_equal(r->path.data, "/2015-03-31/functions");
	assert_string_equal(aws_json_str(aws_json_get(r->json, "Code"),
	    "ZipFile"), "UEs=");
	aws_request_free(r);

	assert_int_equal(lambda_function_name_check("s3w_fn-1", &cause), 0);
	assert_int_equal(lambda_function_name_check("a.b", &cause), -1);
	refused(NULL, &cause, "1 to 64");
	s.name = "";
	refused(lambda_create_function(&s, &cause), &cause,
	    "function name is empty");
	s.name = "fn";
	s.role_arn = "arn:aws:iam::123456789012:user/u";
	refused(lambda_create_function(&s, &cause), &cause,
	    "is not an IAM role ARN");
	s.role_arn = "arn:aws:iam::123456789012:role/r";
	s.handler = "index handler";
	refused(lambda_create_function(&s, &cause), &cause, "without spaces");
	s.handler = "index.handler";
	s.zip_len = LAMBDA_MAX_ZIP + 1;
	refused(lambda_create_function(&s, &cause), &cause,
	    "the zip is 52428801 bytes");
	s.zip_len = 0;
	refused(lambda_create_function(&s, &cause), &cause, "the zip is empty");
	s.zip_len = 2;
	s.timeout = 901;
	refused(lambda_create_function(&s, &cause), &cause, "timeout 901 s");
	s.timeout = 0;
	s.memory_mb = 64;
	refused(lambda_create_function(&s, &cause), &cause, "memory 64 MB");
	s.memory_mb = 0;
	s.env = bad_env;
	s.nenv = 1;
	refused(lambda_create_function(&s, &cause), &cause,
	    "environment variable '1ST'");
	big = xmalloc(3000);
	memset(big, 'v', 2999);
	big[2999] = '\0';
	big_env[0] = (struct svc_tag){ "A1", big };
	big_env[1] = (struct svc_tag){ "A2", big };
	s.env = big_env;
	s.nenv = 2;
	refused(lambda_create_function(&s, &cause), &cause, "more than 4096");
	free(big);

	refused(lambda_get_function("has space", &cause), &cause, "'has space'");
	refused(lambda_delete_function(NULL, &cause), &cause, "is empty");
	refused(lambda_remove_permission("fn", "a/b", &cause), &cause,
	    "statement id 'a/b'");
	p.action = "s3:GetObject";
	refused(lambda_add_permission(&p, &cause), &cause,
	    "permission action 's3:GetObject'");
	p.action = "lambda:InvokeFunction";
	p.source_account = "1234";
	refused(lambda_add_permission(&p, &cause), &cause, "not 12 digits");
	p.source_account = NULL;
	p.source_arn = "rule/x";
	refused(lambda_add_permission(&p, &cause), &cause, "not an ARN");
	p.source_arn = NULL;
	p.statement_id = "";
	refused(lambda_add_permission(&p, &cause), &cause,
	    "statement id is empty");

	/* ARNs and qualifiers name existing functions. */
	r = svct_req(lambda_get_function("arn:aws:lambda:us-east-1:"
	    "123456789012:function:fn:$LATEST", &cause), cause);
	assert_string_equal(r->method, "GET");
	assert_null(r->json);
	aws_request_free(r);
}

static void
test_lambda_function_lifecycle(void **state)
{
	const struct svc_tag env[] = { { "S3W_TOPIC", "arn:aws:sns:x" },
	    { "LEVEL", "debug" } };
	struct lambda_function_spec s = { .name = svct_name("s3w-fn"),
	    .runtime = "python3.12", .handler = "index.handler",
	    .timeout = 30, .memory_mb = 256, .env = env, .nenv = 2,
	    .description = "s3watch alert relay" };
	char *name = xstrdup(s.name), *role = make_role(), *zip, *cause = NULL,
	    *arn;
	struct lambda_function f;
	struct aws_response *resp;
	struct json_object *o;

	(void)state;
	s.role_arn = role;
	zip = make_zip(&s.zip_len);
	s.zip = zip;
	resp = svct_ok(svct_req(lambda_create_function(&s, &cause), cause));
	assert_int_equal(resp->status, 201);
	svct_parsed(lambda_create_function_parse(resp, &f, &cause), cause);
	aws_response_free(resp);
	assert_string_equal(f.name, name);
	assert_non_null(strstr(f.arn, ":function:"));
	assert_string_equal(f.runtime, "python3.12");
	assert_string_equal(f.role_arn, role);
	assert_int_equal(f.code_size, (int64_t)s.zip_len);
	arn = xstrdup(f.arn);
	lambda_function_free(&f);

	o = svct_aws("lambda get-function --function-name %s", name);
	assert_string_equal(svct_jstr(o, "Configuration.FunctionArn"), arn);
	assert_string_equal(svct_jstr(o, "Configuration.Runtime"), "python3.12");
	assert_string_equal(svct_jstr(o, "Configuration.Handler"),
	    "index.handler");
	assert_string_equal(svct_jstr(o, "Configuration.Role"), role);
	assert_string_equal(svct_jstr(o, "Configuration.Timeout"), "30");
	assert_string_equal(svct_jstr(o, "Configuration.MemorySize"), "256");
	assert_string_equal(svct_jstr(o, "Configuration.Description"),
	    "s3watch alert relay");
	assert_string_equal(svct_jstr(o,
	    "Configuration.Environment.Variables.S3W_TOPIC"), "arn:aws:sns:x");
	assert_string_equal(svct_jstr(o,
	    "Configuration.Environment.Variables.LEVEL"), "debug");
	json_object_put(o);

	/* By name and by ARN. */
	resp = svct_ok(svct_req(lambda_get_function(name, &cause), cause));
	svct_parsed(lambda_get_function_parse(resp, &f, &cause), cause);
	aws_response_free(resp);
	assert_string_equal(f.arn, arn);
	assert_string_equal(f.runtime, "python3.12");
	assert_string_equal(f.role_arn, role);
	assert_string_equal(f.handler, "index.handler");
	assert_string_equal(f.state, "Active");
	assert_int_equal(f.timeout, 30);
	assert_int_equal(f.memory_mb, 256);
	assert_int_equal(f.nenv, 2);
	assert_string_equal(env_value(&f, "S3W_TOPIC"), "arn:aws:sns:x");
	assert_string_equal(env_value(&f, "LEVEL"), "debug");
	assert_string_equal(f.description, "s3watch alert relay");
	lambda_function_free(&f);
	resp = svct_ok(svct_req(lambda_get_function(arn, &cause), cause));
	svct_parsed(lambda_get_function_parse(resp, &f, &cause), cause);
	aws_response_free(resp);
	assert_string_equal(f.name, name);
	lambda_function_free(&f);

	svct_do(svct_req(lambda_delete_function(name, &cause), cause));
	free(svct_aws_fails("lambda get-function --function-name %s", name));

	/* Gone: AWS's error through the parser, and again on delete. */
	resp = svct_call(svct_req(lambda_get_function(name, &cause), cause));
	assert_int_equal(resp->status, 404);
	assert_int_equal(lambda_get_function_parse(resp, &f, &cause), -1);
	assert_non_null(strstr(cause, "GetFunction: ResourceNotFoundException"));
	free(cause);
	cause = NULL;
	lambda_function_free(&f);
	aws_response_free(resp);
	resp = svct_call(svct_req(lambda_delete_function(name, &cause), cause));
	assert_int_equal(resp->kind, AWS_ERR_SERVICE);
	assert_non_null(strstr(aws_error_text(resp), "ResourceNotFoundException"));
	aws_response_free(resp);

	/* A role that does not exist cannot be assumed by Lambda. */
	s.role_arn = "arn:aws:iam::123456789012:role/s3w-no-such-role";
	resp = svct_call(svct_req(lambda_create_function(&s, &cause), cause));
	assert_int_equal(lambda_create_function_parse(resp, &f, &cause), -1);
	assert_non_null(strstr(cause, "CreateFunction: "
	    "InvalidParameterValueException"));
	free(cause);
	aws_response_free(resp);

	free(zip);
	free(role);
	free(arn);
	free(name);
}

static void
test_lambda_permissions(void **state)
{
	struct lambda_function_spec s = { .name = svct_name("s3w-perm"),
	    .runtime = "python3.12", .handler = "index.handler" };
	struct lambda_permission_spec p = { .function = NULL,
	    .statement_id = "s3w-events", .action = "lambda:InvokeFunction",
	    .principal = "events.amazonaws.com",
	    .source_arn = "arn:aws:events:us-east-1:123456789012:rule/s3w",
	    .source_account = "123456789012" };
	char *name = xstrdup(s.name), *role = make_role(), *zip, *cause = NULL,
	    *statement;
	struct json_object *o, *doc;
	struct aws_response *resp;
	struct lambda_policy pol;
	const char *text;

	(void)state;
	s.role_arn = role;
	zip = make_zip(&s.zip_len);
	s.zip = zip;
	svct_do(svct_req(lambda_create_function(&s, &cause), cause));

	/* No policy yet: ResourceNotFoundException, as from AWS. */
	resp = svct_call(svct_req(lambda_get_policy(name, &cause), cause));
	assert_int_equal(lambda_get_policy_parse(resp, &pol, &cause), -1);
	assert_non_null(strstr(cause, "GetPolicy: ResourceNotFoundException"));
	free(cause);
	cause = NULL;
	lambda_policy_free(&pol);
	aws_response_free(resp);

	p.function = name;
	resp = svct_ok(svct_req(lambda_add_permission(&p, &cause), cause));
	/* AWS answers 201 Created; moto 5.2.1 answers 200. */
	assert_true(resp->status == 201 || resp->status == 200);
	svct_parsed(lambda_add_permission_parse(resp, &statement, &cause),
	    cause);
	aws_response_free(resp);
	doc = json_tokener_parse(statement);
	assert_non_null(doc);
	assert_string_equal(svct_jstr(doc, "Sid"), "s3w-events");
	json_object_put(doc);
	free(statement);

	/* A second statement, without conditions. */
	p.statement_id = "s3w-any";
	p.source_arn = NULL;
	p.source_account = NULL;
	p.principal = "sns.amazonaws.com";
	svct_do(svct_req(lambda_add_permission(&p, &cause), cause));

	o = svct_aws("lambda get-policy --function-name %s", name);
	text = svct_jstr(o, "Policy");
	doc = json_tokener_parse(text);
	assert_non_null(doc);
	assert_int_equal(json_object_array_length(aws_json_get(doc,
	    "Statement")), 2);
	json_object_put(doc);
	json_object_put(o);

	resp = svct_ok(svct_req(lambda_get_policy(name, &cause), cause));
	svct_parsed(lambda_get_policy_parse(resp, &pol, &cause), cause);
	aws_response_free(resp);
	assert_non_null(pol.json);
	assert_non_null(pol.revision_id);
	assert_int_equal(pol.n, 2);
	assert_string_equal(pol.v[0].sid, "s3w-events");
	assert_string_equal(pol.v[0].effect, "Allow");
	assert_string_equal(pol.v[0].principal, "events.amazonaws.com");
	assert_string_equal(pol.v[0].action, "lambda:InvokeFunction");
	assert_non_null(strstr(pol.v[0].resource, name));
	assert_string_equal(pol.v[0].source_arn,
	    "arn:aws:events:us-east-1:123456789012:rule/s3w");
	assert_string_equal(pol.v[0].source_account, "123456789012");
	assert_string_equal(pol.v[1].sid, "s3w-any");
	assert_string_equal(pol.v[1].principal, "sns.amazonaws.com");
	assert_null(pol.v[1].source_arn);
	assert_null(pol.v[1].source_account);
	lambda_policy_free(&pol);

	svct_do(svct_req(lambda_remove_permission(name, "s3w-events", &cause),
	    cause));
	o = svct_aws("lambda get-policy --function-name %s", name);
	doc = json_tokener_parse(svct_jstr(o, "Policy"));
	assert_int_equal(json_object_array_length(aws_json_get(doc,
	    "Statement")), 1);
	assert_string_equal(svct_jstr(json_object_array_get_idx(aws_json_get(doc,
	    "Statement"), 0), "Sid"), "s3w-any");
	json_object_put(doc);
	json_object_put(o);

	/* Removing it twice: AWS's error. */
	resp = svct_call(svct_req(lambda_remove_permission(name, "s3w-events",
	    &cause), cause));
	assert_int_equal(resp->kind, AWS_ERR_SERVICE);
	assert_non_null(strstr(aws_error_text(resp), "ResourceNotFoundException"));
	aws_response_free(resp);

	svct_do(svct_req(lambda_remove_permission(name, "s3w-any", &cause),
	    cause));
	free(svct_aws_fails("lambda get-policy --function-name %s", name));
	svct_do(svct_req(lambda_delete_function(name, &cause), cause));
	free(zip);
	free(role);
	free(name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_refusals),
		cmocka_unit_test(test_events_rule_lifecycle),
		cmocka_unit_test(test_events_targets),
		cmocka_unit_test(test_events_failed_entries),
		cmocka_unit_test(test_events_test_event_pattern),
		cmocka_unit_test(test_lambda_refusals),
		cmocka_unit_test(test_lambda_function_lifecycle),
		cmocka_unit_test(test_lambda_permissions),
	};

	return cmocka_run_group_tests(tests, svct_setup, svct_teardown);
}
