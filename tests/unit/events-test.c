/* EventBridge answers set against what setup wants: DescribeRule (a rule
 * that is not there is an answer too) and ListTargetsByRule. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "svc_events.h"

#define PATTERN	"{\"source\":[\"aws.s3\"],\"detail\":{\"eventName\":[\"X\"]}}"

/* A 200 answer with this JSON body. */
static struct aws_response *
answer(const char *json)
{
	struct aws_response *r = xcalloc(1, sizeof *r);

	r->kind = AWS_OK;
	r->status = 200;
	r->json = json_tokener_parse(json);
	assert_non_null(r->json);
	return r;
}

static struct aws_response *
error_answer(const char *code)
{
	struct aws_response *r = xcalloc(1, sizeof *r);

	r->kind = AWS_ERR_SERVICE;
	r->status = 400;
	r->code = xstrdup(code);
	return r;
}

static const struct events_rule_spec want = {
	.name = "s3watch-x",
	.pattern = PATTERN,
	.state = EVENTS_RULE_ENABLED,
	.description = "Title",
};

static void
test_rule_as_wanted(void **state)
{
	/* The same pattern, written otherwise (key order, spaces). */
	struct aws_response *r = answer("{\"Name\":\"s3watch-x\",\"Arn\":"
	    "\"arn:aws:events:us-east-1:1:rule/s3watch-x\",\"EventPattern\":"
	    "\"{ \\\"detail\\\": {\\\"eventName\\\": [\\\"X\\\"]}, "
	    "\\\"source\\\": [\\\"aws.s3\\\"] }\",\"State\":\"ENABLED\","
	    "\"Description\":\"Title\"}");
	struct events_rule_match m;
	char *cause = NULL;

	assert_int_equal(events_describe_rule_match(r, &want, &m, &cause), 0);
	assert_null(cause);
	assert_true(m.found);
	assert_true(m.state);
	assert_true(m.pattern);
	assert_true(m.description);
	aws_response_free(r);
}

static void
test_rule_drifted(void **state)
{
	struct aws_response *r = answer("{\"Arn\":\"arn:aws:events:us-east-1:"
	    "1:rule/s3watch-x\",\"EventPattern\":\"{\\\"source\\\":"
	    "[\\\"aws.ec2\\\"]}\",\"State\":\"DISABLED\"}");
	struct events_rule_match m;
	char *cause = NULL;

	assert_int_equal(events_describe_rule_match(r, &want, &m, &cause), 0);
	assert_true(m.found);
	assert_false(m.state);
	assert_false(m.pattern);
	assert_false(m.description);	/* none, one wanted */
	aws_response_free(r);
}

static void
test_rule_missing(void **state)
{
	struct aws_response *r = error_answer("ResourceNotFoundException");
	struct events_rule_match m;
	char *cause = NULL;

	memset(&m, 0xff, sizeof m);
	assert_int_equal(events_describe_rule_match(r, &want, &m, &cause), 0);
	assert_null(cause);
	assert_false(m.found);
	assert_false(m.pattern);
	aws_response_free(r);
}

/* A 200 answer without the rule's ARN, or another error, is no answer. */
static void
test_rule_unusable(void **state)
{
	struct aws_response *r = answer("{\"Name\":\"s3watch-x\"}");
	struct events_rule_match m;
	char *cause = NULL;

	assert_int_equal(events_describe_rule_match(r, &want, &m, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "DescribeRule answer has no Arn"));
	free(cause);
	cause = NULL;
	aws_response_free(r);
	r = error_answer("AccessDeniedException");
	assert_int_equal(events_describe_rule_match(r, &want, &m, &cause), -1);
	assert_non_null(strstr(cause, "AccessDeniedException"));
	free(cause);
	aws_response_free(r);
}

static void
test_targets(void **state)
{
	struct events_target t = { .id = (char *)"s3watch-topic",
	    .arn = (char *)"arn:aws:sns:us-east-1:1:topic" };
	struct aws_response *r;
	char *cause = NULL;
	bool has = true;

	r = answer("{\"Targets\":[{\"Id\":\"other\",\"Arn\":"
	    "\"arn:aws:sns:us-east-1:1:topic\"},{\"Id\":\"s3watch-topic\","
	    "\"Arn\":\"arn:aws:sns:us-east-1:1:elsewhere\"},{\"Id\":"
	    "\"s3watch-topic\"}]}");
	assert_int_equal(events_list_targets_by_rule_has(r, &t, &has,
	    &cause), 0);
	assert_false(has);
	aws_response_free(r);

	r = answer("{\"Targets\":[{\"Id\":\"s3watch-topic\",\"Arn\":"
	    "\"arn:aws:sns:us-east-1:1:topic\"}]}");
	assert_int_equal(events_list_targets_by_rule_has(r, &t, &has,
	    &cause), 0);
	assert_true(has);
	aws_response_free(r);

	/* A rule without targets may come back without the list. */
	r = answer("{}");
	assert_int_equal(events_list_targets_by_rule_has(r, &t, &has,
	    &cause), 0);
	assert_false(has);
	aws_response_free(r);

	r = error_answer("ResourceNotFoundException");
	assert_int_equal(events_list_targets_by_rule_has(r, &t, &has,
	    &cause), -1);
	assert_non_null(cause);
	free(cause);
	aws_response_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_as_wanted),
		cmocka_unit_test(test_rule_drifted),
		cmocka_unit_test(test_rule_missing),
		cmocka_unit_test(test_rule_unusable),
		cmocka_unit_test(test_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
