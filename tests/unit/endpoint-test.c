/* Regions, partitions, default endpoints and ARNs. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "endpoint.h"

static void
test_partitions(void **state)
{
	assert_string_equal(endpoint_partition("us-east-1")->name, "aws");
	assert_string_equal(endpoint_partition("ap-southeast-7")->name, "aws");
	assert_string_equal(endpoint_partition("il-central-1")->name, "aws");
	assert_string_equal(endpoint_partition("cn-northwest-1")->name, "aws-cn");
	assert_string_equal(endpoint_partition("us-gov-west-1")->name, "aws-us-gov");
	assert_string_equal(endpoint_partition("us-iso-east-1")->name, "aws-iso");
	assert_string_equal(endpoint_partition("us-isob-east-1")->name, "aws-iso-b");
	assert_null(endpoint_partition("mars-north-1"));
	assert_null(endpoint_partition("us-east"));
	assert_null(endpoint_partition("us-east-1x"));
	assert_null(endpoint_partition("US-EAST-1"));
	assert_null(endpoint_partition(""));
	assert_null(endpoint_partition("us-east-1; rm -rf"));
}

static void
test_default_urls(void **state)
{
	const char *sr;
	char *u;

	u = endpoint_default_url(endpoint_service(SVC_LOGS), "eu-west-1", &sr);
	assert_string_equal(u, "https://logs.eu-west-1.amazonaws.com");
	assert_string_equal(sr, "eu-west-1");
	free(u);
	u = endpoint_default_url(endpoint_service(SVC_IAM), "eu-west-1", &sr);
	assert_string_equal(u, "https://iam.amazonaws.com");
	assert_string_equal(sr, "us-east-1");
	free(u);
	u = endpoint_default_url(endpoint_service(SVC_IAM), "cn-north-1", &sr);
	assert_string_equal(u, "https://iam.cn-north-1.amazonaws.com.cn");
	assert_string_equal(sr, "cn-north-1");
	free(u);
	u = endpoint_default_url(endpoint_service(SVC_IAM), "us-gov-east-1", &sr);
	assert_string_equal(u, "https://iam.us-gov.amazonaws.com");
	assert_string_equal(sr, "us-gov-west-1");
	free(u);
	u = endpoint_default_url(endpoint_service(SVC_CLOUDWATCH), "cn-north-1", &sr);
	assert_string_equal(u, "https://monitoring.cn-north-1.amazonaws.com.cn");
	free(u);
	u = endpoint_default_url(endpoint_service(SVC_SSO), "us-west-2", &sr);
	assert_string_equal(u, "https://portal.sso.us-west-2.amazonaws.com");
	free(u);
	assert_null(endpoint_default_url(endpoint_service(SVC_S3), "nowhere-1", &sr));
}

static void
test_arns(void **state)
{
	char *a;

	a = endpoint_arn("cn-north-1", "s3", NULL, NULL, "bucket");
	assert_string_equal(a, "arn:aws-cn:s3:::bucket");
	free(a);
	a = endpoint_arn("us-gov-west-1", "logs", "us-gov-west-1", "1",
	    "log-group:g:*");
	assert_string_equal(a, "arn:aws-us-gov:logs:us-gov-west-1:1:log-group:g:*");
	free(a);
}

static void
test_service_table(void **state)
{
	int i;

	for (i = 0; i < SVC_COUNT; i++) {
		assert_int_equal(endpoint_service(i)->id, i);
		assert_ptr_equal(endpoint_service_by_name(endpoint_service(i)->name),
		    endpoint_service(i));
	}
	assert_string_equal(endpoint_service(SVC_LOGS)->target_prefix, "Logs_20140328");
	assert_null(endpoint_service_by_name("nope"));
}

static void
test_url_check(void **state)
{
	char *cause = NULL;

	assert_int_equal(endpoint_url_check("http://127.0.0.1:5000", &cause), 0);
	assert_int_equal(endpoint_url_check("https://x.example/path", &cause), 0);
	assert_int_equal(endpoint_url_check("ftp://x", &cause), -1);
	free(cause);
	assert_int_equal(endpoint_url_check("http://", &cause), -1);
	free(cause);
	assert_int_equal(endpoint_url_check("http://a b", &cause), -1);
	free(cause);
	assert_int_equal(endpoint_url_check("http://a/?x=1", &cause), -1);
	free(cause);
}

/* A user name or password in an endpoint URL would go out in the Host
 * header and into error messages: refused, without repeating it. */
static void
test_url_userinfo(void **state)
{
	static const char *const bad[] = {
		"http://user:pw-SECRET@127.0.0.1:5000/",
		"https://user:pw-SECRET@s3.example",
		"http://pw-SECRET@127.0.0.1",
		"https://:pw-SECRET@host/path",
		"http://user:pw-SECRET@[::1]:5000",
		"https://a@b:pw-SECRET@host",
		/* Refused for the scheme, but without quoting the password. */
		"ftp://user:pw-SECRET@host/",
		"user:pw-SECRET@host",
		"HTTP://user:pw-SECRET@host",
	};
	char *cause;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		if (endpoint_url_check(bad[i], &cause) != -1)
			fail_msg("accepted %s", bad[i]);
		if (strstr(cause, "SECRET") != NULL)
			fail_msg("%s: the password in '%s'", bad[i], cause);
		if (i < 6 && strstr(cause, "user name or password") == NULL)
			fail_msg("%s: '%s' does not say why", bad[i], cause);
		free(cause);
	}
	assert_true(endpoint_url_userinfo("http://u:p@h"));
	assert_true(endpoint_url_userinfo("h@x"));
	/* '@' after the host is part of the path or query. */
	assert_false(endpoint_url_userinfo("http://h/a@b"));
	assert_false(endpoint_url_userinfo("http://h?x=a@b"));
	assert_false(endpoint_url_userinfo("https://h#a@b"));
	cause = NULL;
	assert_int_equal(endpoint_url_check("http://127.0.0.1:5000/a@b",
	    &cause), 0);
	assert_null(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partitions),
		cmocka_unit_test(test_default_urls),
		cmocka_unit_test(test_arns),
		cmocka_unit_test(test_service_table),
		cmocka_unit_test(test_url_check),
		cmocka_unit_test(test_url_userinfo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
