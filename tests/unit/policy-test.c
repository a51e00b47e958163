/* The generated policies: least privilege and confused-deputy conditions. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "policy.h"

static struct json_object *
parse(char *text)
{
	struct json_object *o = json_tokener_parse(text);

	assert_non_null(o);
	free(text);
	return o;
}

static struct json_object *
get(struct json_object *o, const char *path)
{
	char *copy = strdup(path), *p, *save = NULL;

	for (p = strtok_r(copy, ".", &save); p != NULL && o != NULL;
	    p = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(p));
		else if (!json_object_object_get_ex(o, p, &o))
			o = NULL;
	}
	free(copy);
	return o;
}

static const char *
str(struct json_object *o, const char *path)
{
	struct json_object *v = get(o, path);

	return v != NULL ? json_object_get_string(v) : NULL;
}

/* Every Allow to a service principal names the source and the account. */
static void
assert_service_grants_conditioned(struct json_object *doc)
{
	struct json_object *list = get(doc, "Statement"), *st;
	size_t i;

	assert_true(json_object_array_length(list) > 0);
	for (i = 0; i < json_object_array_length(list); i++) {
		st = json_object_array_get_idx(list, i);
		if (strcmp(str(st, "Effect"), "Allow") != 0 ||
		    get(st, "Principal.Service") == NULL)
			continue;
		assert_non_null(get(st, "Condition"));
		assert_true(get(st, "Condition.StringEquals.aws:SourceArn") !=
		    NULL || get(st, "Condition.ArnLike.aws:SourceArn") != NULL ||
		    get(st, "Condition.StringEquals.aws:SourceAccount") != NULL);
	}
}

static void
test_access_log_bucket(void **state)
{
	struct json_object *doc = parse(policy_access_log_bucket("aws", "logs",
	    "access-logs/", "docs", "123456789012", true));
	struct json_object *st = get(doc, "Statement.0");

	(void)state;
	assert_string_equal(str(st, "Principal.Service"),
	    "logging.s3.amazonaws.com");
	assert_string_equal(str(st, "Action"), "s3:PutObject");
	assert_string_equal(str(st, "Resource"),
	    "arn:aws:s3:::logs/access-logs/*");
	assert_string_equal(str(st, "Condition.ArnLike.aws:SourceArn"),
	    "arn:aws:s3:::docs");
	assert_string_equal(str(st, "Condition.StringEquals.aws:SourceAccount"),
	    "123456789012");
	assert_string_equal(str(doc, "Statement.1.Effect"), "Deny");
	assert_string_equal(str(doc,
	    "Statement.1.Condition.Bool.aws:SecureTransport"), "false");
	assert_service_grants_conditioned(doc);
	json_object_put(doc);
}

static void
test_trail_bucket(void **state)
{
	const char *arn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/t";
	struct json_object *doc = parse(policy_trail_bucket("aws", "ct", "pfx",
	    "123456789012", arn, true));

	(void)state;
	assert_string_equal(str(doc, "Statement.0.Action"), "s3:GetBucketAcl");
	assert_string_equal(str(doc, "Statement.0.Resource"), "arn:aws:s3:::ct");
	assert_string_equal(str(doc, "Statement.1.Resource"),
	    "arn:aws:s3:::ct/pfx/AWSLogs/123456789012/*");
	assert_string_equal(str(doc,
	    "Statement.1.Condition.StringEquals.s3:x-amz-acl"),
	    "bucket-owner-full-control");
	assert_string_equal(str(doc,
	    "Statement.1.Condition.StringEquals.aws:SourceArn"), arn);
	assert_service_grants_conditioned(doc);
	json_object_put(doc);

	/* No prefix: no empty path segment. */
	doc = parse(policy_trail_bucket("aws-cn", "ct", "", "1", arn, false));
	assert_string_equal(str(doc, "Statement.1.Resource"),
	    "arn:aws-cn:s3:::ct/AWSLogs/1/*");
	/* Without require_tls there is no Deny. */
	assert_int_equal(json_object_array_length(get(doc, "Statement")), 2);
	json_object_put(doc);
}

static void
test_trust_and_roles(void **state)
{
	struct json_object *doc = parse(policy_trust("cloudtrail.amazonaws.com",
	    "123456789012", "arn:aws:cloudtrail:us-east-1:123456789012:trail/t"));
	struct json_object *actions;

	(void)state;
	assert_string_equal(str(doc, "Statement.0.Action"), "sts:AssumeRole");
	assert_non_null(str(doc, "Statement.0.Condition.ArnLike.aws:SourceArn"));
	assert_service_grants_conditioned(doc);
	json_object_put(doc);

	doc = parse(policy_trail_logs_role("aws", "eu-west-1", "1", "/g"));
	actions = get(doc, "Statement.0.Action");
	assert_int_equal(json_object_array_length(actions), 2);
	assert_string_equal(str(doc, "Statement.0.Resource"),
	    "arn:aws:logs:eu-west-1:1:log-group:/g:log-stream:1_CloudTrail_*");
	assert_int_equal(json_object_array_length(get(doc, "Statement")), 1);
	json_object_put(doc);

	doc = parse(policy_lambda_role("aws", "us-east-1", "1", "fn",
	    "arn:aws:sns:us-east-1:1:t",
	    "arn:aws:dynamodb:us-east-1:1:table/fn-state"));
	assert_string_equal(str(doc, "Statement.2.Action"), "sns:Publish");
	actions = get(doc, "Statement.3.Action");
	assert_int_equal(json_object_array_length(actions), 4);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(
	    actions, 0)), "dynamodb:GetItem");
	assert_string_equal(str(doc, "Statement.3.Resource"),
	    "arn:aws:dynamodb:us-east-1:1:table/fn-state");
	assert_int_equal(json_object_array_length(get(doc, "Statement")), 4);
	assert_string_equal(str(doc, "Statement.2.Resource"),
	    "arn:aws:sns:us-east-1:1:t");
	assert_string_equal(str(doc, "Statement.1.Resource"),
	    "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/fn:*");
	json_object_put(doc);
}

static void
test_topic(void **state)
{
	struct json_object *doc = parse(policy_topic("arn:aws:sns:us-east-1:1:t",
	    "1", "arn:aws:events:us-east-1:1:rule/s3watch-*"));

	(void)state;
	assert_string_equal(str(doc, "Statement.1.Principal.Service"),
	    "events.amazonaws.com");
	assert_string_equal(str(doc, "Statement.1.Action"), "sns:Publish");
	assert_string_equal(str(doc, "Statement.1.Condition.ArnLike.aws:SourceArn"),
	    "arn:aws:events:us-east-1:1:rule/s3watch-*");
	assert_string_equal(str(doc,
	    "Statement.0.Condition.StringEquals.AWS:SourceOwner"), "1");
	assert_service_grants_conditioned(doc);
	json_object_put(doc);
}

/* Names with quotes cannot break out of their JSON strings. */
static void
test_escaping(void **state)
{
	struct json_object *doc = parse(policy_access_log_bucket("aws", "b",
	    "p\"},{\"Effect\":\"Allow", "s", "1", true));

	(void)state;
	assert_int_equal(json_object_array_length(get(doc, "Statement")), 2);
	json_object_put(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access_log_bucket),
		cmocka_unit_test(test_trail_bucket),
		cmocka_unit_test(test_trust_and_roles),
		cmocka_unit_test(test_topic),
		cmocka_unit_test(test_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
