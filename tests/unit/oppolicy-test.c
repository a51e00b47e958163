/* The operator policies: made from the call tables, scoped to the run's
 * names, "*" only where AWS takes no resource, and read-only for audit. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "calls.h"
#include "cmd_internal.h"
#include "oppolicy.h"
#include "setup.h"
#include "validate.h"

static const char *const names[][2] = {
	{ "account", "123456789012" },
	{ "region", "eu-west-1" },
	{ "partition", "aws" },
	{ "source_bucket", "docs-x" },
	{ "log_bucket", "logs-x" },
	{ "trail_bucket", "trail-x" },
	{ "log_group", "/aws/ct/x" },
	{ "log_group_arn", "arn:aws:logs:eu-west-1:123456789012:log-group:"
	  "/aws/ct/x:*" },
	{ "trail_arn", "arn:aws:cloudtrail:eu-west-1:123456789012:trail/t" },
	{ "trail_role_arn", "arn:aws:iam::123456789012:role/TR" },
	{ "topic_arn", "arn:aws:sns:eu-west-1:123456789012:topic-x" },
	{ "lambda_arn", "arn:aws:lambda:eu-west-1:123456789012:function:f" },
	{ "lambda_role_arn", "arn:aws:iam::123456789012:role/LR" },
	{ "lambda_function", "f" },
	{ "rule_prefix", "s3watch-" },
	{ "dashboard", "D" },
};

static const char *
name_of(const char *key, void *arg)
{
	size_t i;

	(void)arg;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i][0], key) == 0)
			return names[i][1];
	return NULL;
}

static struct oppolicy *
policy_of(const char *use, bool moto)
{
	struct oppolicy_part parts[CMD_POLICY_MAX_PARTS];
	size_t n = cmd_policy_parts(use, parts);
	char *cause = NULL;
	struct oppolicy *p;

	p = oppolicy_new(parts, n, name_of, NULL, moto, &cause);
	if (p == NULL)
		fail_msg("%s: %s", use, cause);
	return p;
}

/* The resources one action is granted on, "r1 r2", or "" (caller frees). */
static char *
resources(const struct oppolicy *p, const char *action)
{
	char *out = strdup(""), *t;
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].action, action) != 0)
			continue;
		if (asprintf(&t, "%s%s%s", out, *out != '\0' ? " " : "",
		    p->v[i].resource) < 0)
			abort();
		free(out);
		out = t;
	}
	return out;
}

static void
check_resources(const struct oppolicy *p, const char *action,
    const char *want)
{
	char *got = resources(p, action);

	assert_string_equal(got, want);
	free(got);
}

static void
test_actions(void **state)
{
	char *a;

	(void)state;
	a = calls_action(SVC_S3, "HeadBucket");
	assert_string_equal(a, "s3:ListBucket");
	free(a);
	a = calls_action(SVC_S3, "PutPublicAccessBlock");
	assert_string_equal(a, "s3:PutBucketPublicAccessBlock");
	free(a);
	/* The monitoring endpoint's actions are cloudwatch:'s. */
	a = calls_action(SVC_CLOUDWATCH, "PutDashboard");
	assert_string_equal(a, "cloudwatch:PutDashboard");
	free(a);
	a = calls_action(SVC_LOGS, "FilterLogEvents");
	assert_string_equal(a, "logs:FilterLogEvents");
	free(a);
	assert_true(calls_denied("AccessDenied"));
	assert_true(calls_denied("AccessDeniedException"));
	assert_true(calls_denied("AuthorizationError"));
	assert_true(calls_denied("UnauthorizedOperation"));
	assert_false(calls_denied("NoSuchBucket"));
	assert_false(calls_denied(NULL));
}

static void
test_monitor(void **state)
{
	struct oppolicy *p = policy_of("monitor", false);
	const char *acks = "arn:aws:logs:eu-west-1:123456789012:log-group:"
	    "/aws/ct/x:log-stream:s3watch-acks";

	(void)state;
	assert_int_equal(p->n, 5);
	check_resources(p, "logs:FilterLogEvents",
	    "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/ct/x:*");
	/* Writes go to the acks stream only. */
	check_resources(p, "logs:PutLogEvents", acks);
	check_resources(p, "logs:CreateLogStream", acks);
	check_resources(p, "sns:Publish",
	    "arn:aws:sns:eu-west-1:123456789012:topic-x");
	check_resources(p, "sts:GetCallerIdentity", "*");
	oppolicy_free(p);
}

/* "*" only for the actions that take no resource. */
static void
test_scoped(void **state)
{
	static const char *const uses[] = { "setup", "monitor", "audit" };
	static const char *const unscoped =
	    " cloudtrail:DescribeTrails cloudtrail:ListPublicKeys"
	    " cloudtrail:LookupEvents logs:DescribeLogGroups"
	    " logs:DescribeQueryDefinitions logs:PutQueryDefinition"
	    " logs:DeleteQueryDefinition logs:GetQueryResults"
	    " events:TestEventPattern sts:GetCallerIdentity ";
	struct oppolicy *p;
	char word[128];
	size_t u, i;

	(void)state;
	for (u = 0; u < sizeof uses / sizeof uses[0]; u++) {
		p = policy_of(uses[u], false);
		assert_true(p->n > 0);
		for (i = 0; i < p->n; i++) {
			snprintf(word, sizeof word, " %s ", p->v[i].action);
			if (strcmp(p->v[i].resource, "*") == 0 &&
			    strstr(unscoped, word) == NULL)
				fail_msg("%s: %s on \"*\"", uses[u],
				    p->v[i].action);
			if (strstr(p->v[i].resource, "${") != NULL)
				fail_msg("%s: %s", uses[u], p->v[i].resource);
		}
		oppolicy_free(p);
	}
}

static void
test_setup(void **state)
{
	struct oppolicy *p = policy_of("setup", false);
	size_t i, passrole = 0;

	(void)state;
	check_resources(p, "s3:CreateBucket", "arn:aws:s3:::docs-x "
	    "arn:aws:s3:::logs-x arn:aws:s3:::trail-x");
	check_resources(p, "s3:PutBucketPolicy",
	    "arn:aws:s3:::logs-x arn:aws:s3:::trail-x");
	check_resources(p, "cloudtrail:CreateTrail",
	    "arn:aws:cloudtrail:eu-west-1:123456789012:trail/t");
	check_resources(p, "events:PutRule",
	    "arn:aws:events:eu-west-1:123456789012:rule/s3watch-*");
	check_resources(p, "cloudwatch:PutMetricAlarm",
	    "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:s3watch-*");
	check_resources(p, "cloudwatch:PutDashboard",
	    "arn:aws:cloudwatch::123456789012:dashboard/D");
	check_resources(p, "dynamodb:CreateTable",
	    "arn:aws:dynamodb:eu-west-1:123456789012:table/f-state");
	check_resources(p, "lambda:CreateFunction",
	    "arn:aws:lambda:eu-west-1:123456789012:function:f");
	/* Each role may be passed only to the service that assumes it. */
	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].action, "iam:PassRole") != 0)
			continue;
		passrole++;
		assert_non_null(p->v[i].condition);
		if (strstr(p->v[i].resource, "role/TR") != NULL)
			assert_non_null(strstr(p->v[i].condition,
			    "cloudtrail.amazonaws.com"));
		else
			assert_non_null(strstr(p->v[i].condition,
			    "lambda.amazonaws.com"));
	}
	assert_int_equal(passrole, 2);
	oppolicy_free(p);
}

/* Every step and test declares its calls; audit only reads. */
static void
test_audit_reads(void **state)
{
	static const char *const reads[] = { ":Describe", ":Get", ":List",
	    ":Filter", ":StartQuery", ":Lookup" };
	struct oppolicy *p = policy_of("audit", false);
	size_t i, k;
	bool ok;
	int s;

	(void)state;
	for (s = 0; s < SETUP_NSTEPS; s++)
		assert_non_null(setup_steps[s]->calls);
	for (s = 0; s < VALIDATE_NTESTS; s++)
		assert_non_null(validate_steps[s]->calls);
	for (i = 0; i < p->n; i++) {
		for (ok = false, k = 0; k < sizeof reads / sizeof reads[0];
		    k++)
			ok = ok || strstr(p->v[i].action, reads[k]) != NULL;
		if (!ok)
			fail_msg("audit grants %s", p->v[i].action);
	}
	check_resources(p, "s3:GetObject", "arn:aws:s3:::trail-x/*");
	oppolicy_free(p);
}

static void
test_json(void **state)
{
	static const char *const uses[] = { "setup", "monitor", "audit" };
	struct json_object *doc, *st, *v;
	struct oppolicy *p;
	char *text;
	size_t u, i, actions;

	(void)state;
	for (u = 0; u < sizeof uses / sizeof uses[0]; u++) {
		p = policy_of(uses[u], false);
		text = oppolicy_json(p);
		assert_non_null(doc = json_tokener_parse(text));
		assert_true(json_object_object_get_ex(doc, "Version", &v));
		assert_string_equal(json_object_get_string(v), "2012-10-17");
		assert_true(json_object_object_get_ex(doc, "Statement", &st));
		assert_true(json_object_array_length(st) > 0);
		/* Every row is in a statement, once. */
		for (actions = 0, i = 0; i < json_object_array_length(st);
		    i++) {
			struct json_object *s = json_object_array_get_idx(st,
			    i), *a, *r;

			assert_true(json_object_object_get_ex(s, "Action", &a));
			assert_true(json_object_object_get_ex(s, "Resource",
			    &r));
			actions += json_object_array_length(a) *
			    json_object_array_length(r);
		}
		assert_int_equal(actions, p->n);
		json_object_put(doc);
		free(text);
		oppolicy_free(p);
	}
	assert_int_equal(cmd_policy_parts("respond", NULL), 0);
}

/* What moto can evaluate: S3 scoped, the rest "*", no conditions. */
static void
test_moto(void **state)
{
	struct oppolicy *p = policy_of("setup", true);
	size_t i;

	(void)state;
	for (i = 0; i < p->n; i++) {
		assert_null(p->v[i].condition);
		if (strncmp(p->v[i].action, "s3:", 3) != 0)
			assert_string_equal(p->v[i].resource, "*");
	}
	check_resources(p, "s3:PutBucketPolicy",
	    "arn:aws:s3:::logs-x arn:aws:s3:::trail-x");
	/* moto asks s3:HeadBucket where AWS asks s3:ListBucket. */
	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].action, "s3:HeadBucket") == 0)
			break;
	assert_true(i < p->n);
	oppolicy_free(p);
}

static void
test_unknown_name(void **state)
{
	static const struct calls_entry t[] = {
		{ SVC_S3, "HeadBucket", 0, "arn:aws:s3:::${nope}", "x" },
		{ .op = NULL }
	};
	struct oppolicy_part part = { t, 0 };
	char *cause = NULL;

	(void)state;
	assert_null(oppolicy_new(&part, 1, name_of, NULL, false, &cause));
	assert_non_null(strstr(cause, "no name nope"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_monitor),
		cmocka_unit_test(test_scoped),
		cmocka_unit_test(test_setup),
		cmocka_unit_test(test_audit_reads),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_moto),
		cmocka_unit_test(test_unknown_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
