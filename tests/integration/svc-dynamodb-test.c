/* DynamoDB operations (src/aws/svc_dynamodb.c, awsJson 1.0) against moto,
 * checked with the AWS CLI.  Run through svc-test.sh. */
#include "config.h"

#include "svc-common.h"

static void
test_table_lifecycle(void **state)
{
	const char *name = svct_name("s3w-state");
	struct svc_tag tag = { "created-by", "s3watch" };
	struct dynamodb_table_spec spec = { .name = name, .key = "pk",
	    .tags = &tag, .ntags = 1 };
	struct dynamodb_table t;
	struct dynamodb_ttl ttl;
	struct aws_response *resp;
	struct json_object *o;
	char *cause = NULL;

	(void)state;
	resp = svct_ok(svct_req(dynamodb_create_table(&spec, &cause), cause));
	svct_parsed(dynamodb_create_table_parse(resp, &t, &cause), cause);
	assert_string_equal(t.name, name);
	assert_string_equal(t.billing, "PAY_PER_REQUEST");
	dynamodb_table_free(&t);
	aws_response_free(resp);

	/* What the CLI sees. */
	o = svct_aws("dynamodb describe-table --table-name %s", name);
	assert_string_equal(svct_jstr(o, "Table.BillingModeSummary.BillingMode"),
	    "PAY_PER_REQUEST");
	assert_string_equal(svct_jstr(json_object_array_get_idx(aws_json_get(
	    aws_json_get(o, "Table"), "KeySchema"), 0), "AttributeName"), "pk");
	assert_string_equal(svct_jstr(json_object_array_get_idx(aws_json_get(
	    aws_json_get(o, "Table"), "KeySchema"), 0), "KeyType"), "HASH");
	json_object_put(o);

	resp = svct_ok(svct_req(dynamodb_describe_table(name, &cause), cause));
	svct_parsed(dynamodb_describe_table_parse(resp, &t, &cause), cause);
	assert_string_equal(t.key, "pk");
	assert_string_equal(t.key_type, "S");
	assert_int_equal(t.nkeys, 1);
	assert_string_equal(t.status, "ACTIVE");
	assert_non_null(strstr(t.arn, ":table/"));
	dynamodb_table_free(&t);
	aws_response_free(resp);

	/* Time to live: off, then on for "ttl". */
	resp = svct_ok(svct_req(dynamodb_describe_time_to_live(name, &cause),
	    cause));
	svct_parsed(dynamodb_describe_time_to_live_parse(resp, &ttl, &cause),
	    cause);
	assert_string_equal(ttl.status, "DISABLED");
	dynamodb_ttl_free(&ttl);
	aws_response_free(resp);
	svct_do(svct_req(dynamodb_update_time_to_live(name, "ttl", true, &cause),
	    cause));
	o = svct_aws("dynamodb describe-time-to-live --table-name %s", name);
	assert_string_equal(svct_jstr(o,
	    "TimeToLiveDescription.TimeToLiveStatus"), "ENABLED");
	assert_string_equal(svct_jstr(o,
	    "TimeToLiveDescription.AttributeName"), "ttl");
	json_object_put(o);
	resp = svct_ok(svct_req(dynamodb_describe_time_to_live(name, &cause),
	    cause));
	svct_parsed(dynamodb_describe_time_to_live_parse(resp, &ttl, &cause),
	    cause);
	assert_string_equal(ttl.status, "ENABLED");
	assert_string_equal(ttl.attribute, "ttl");
	dynamodb_ttl_free(&ttl);
	aws_response_free(resp);

	/* A second create is refused; delete, then it is gone. */
	resp = svct_call(svct_req(dynamodb_create_table(&spec, &cause), cause));
	assert_int_equal(resp->kind, AWS_ERR_SERVICE);
	assert_string_equal(resp->code, "ResourceInUseException");
	aws_response_free(resp);
	svct_do(svct_req(dynamodb_delete_table(name, &cause), cause));
	free(svct_aws_fails("dynamodb describe-table --table-name %s", name));
	resp = svct_call(svct_req(dynamodb_describe_table(name, &cause), cause));
	assert_int_equal(resp->kind, AWS_ERR_SERVICE);
	assert_string_equal(resp->code, "ResourceNotFoundException");
	assert_int_equal(dynamodb_describe_table_parse(resp, &t, &cause), -1);
	assert_non_null(strstr(cause, "DescribeTable"));
	free(cause);
	cause = NULL;
	dynamodb_table_free(&t);
	aws_response_free(resp);
}

static void
test_refusals(void **state)
{
	struct dynamodb_table_spec spec = { .name = "ok-table", .key = "" };
	char *cause = NULL;

	(void)state;
	svct_refused(dynamodb_describe_table("ab", &cause), &cause,
	    "must be 3 to 255");
	svct_refused(dynamodb_describe_table("bad name", &cause), &cause,
	    "must be 3 to 255");
	svct_refused(dynamodb_delete_table("", &cause), &cause,
	    "table name is empty");
	svct_refused(dynamodb_create_table(&spec, &cause), &cause,
	    "key attribute is empty");
	svct_refused(dynamodb_update_time_to_live("ok-table", NULL, true, &cause),
	    &cause, "time to live attribute is empty");
	assert_int_equal(dynamodb_table_name_check("s3w.state-1_x", &cause), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_lifecycle),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, svct_setup, svct_teardown);
}
