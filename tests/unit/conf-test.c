/* s3watch.conf: the option table's defaults, every type, every check with
 * its exact message, --set, ${...} expansion, sources, and the shipped
 * sample staying in sync with the table. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "xalloc.h"

static char tmpdir[] = "/tmp/conf-test.XXXXXX";

/* Writes a fixture into tmpdir; returns its path (caller frees). */
static char *
fixture_len(const char *name, const char *data, size_t len)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static char *
fixture(const char *name, const char *data)
{
	return fixture_len(name, data, strlen(data));
}

/* Loads data as s3watch.conf into c; returns conf_load's result. */
static int
load_into(struct conf *c, const char *data, char **cause)
{
	char *path = fixture("s3watch.conf", data);
	int rc;

	*cause = NULL;
	rc = conf_load(c, path, cause);
	free(path);
	return rc;
}

static struct conf *
load_ok(const char *data)
{
	struct conf *c = conf_new();
	char *cause;

	if (load_into(c, data, &cause) != 0)
		fail_msg("unexpected error: %s", cause);
	assert_null(cause);
	return c;
}

/* The whole of *cause must be "TMPDIR/s3watch.conf:" + want. */
static void
assert_cause(const char *cause, const char *want)
{
	char *full = xasprintf("%s/s3watch.conf:%s", tmpdir, want);

	assert_non_null(cause);
	assert_string_equal(cause, full);
	free(full);
}

/* One bad setting: the exact message, and the key keeps its default. */
static void
expect_problem(const char *data, const char *want)
{
	struct conf *c = conf_new(), *d = conf_new();
	char *cause, *a, *b;
	int k;

	assert_int_equal(load_into(c, data, &cause), -1);
	assert_cause(cause, want);
	free(cause);
	for (k = 0; k < CONF_COUNT; k++) {
		a = conf_expand(c, k, NULL, NULL, NULL);
		b = conf_expand(d, k, NULL, NULL, NULL);
		assert_string_equal(a, b);
		assert_string_equal(conf_key_source(c, k), "default");
		free(a);
		free(b);
	}
	conf_free(c);
	conf_free(d);
}

static void
expect_set_error(const char *assignment, const char *want)
{
	struct conf *c = conf_new();
	char *cause = NULL;

	assert_int_equal(conf_set(c, assignment, &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
	conf_free(c);
}

static void
test_table(void **state)
{
	int k;

	(void)state;
	for (k = 0; k < CONF_COUNT; k++) {
		assert_non_null(conf_key_name(k));
		assert_non_null(conf_key_help(k));
		assert_true(strlen(conf_key_help(k)) > 10);
		assert_int_equal(conf_key_find(conf_key_name(k)), k);
	}
	assert_int_equal(conf_key_find("nope"), -1);
	assert_int_equal(conf_key_find(""), -1);
	assert_int_equal(conf_key_find("Log_Bucket"), -1);
	assert_int_equal(conf_key_type(CONF_REGION), CONF_T_STRING);
	assert_int_equal(conf_key_type(CONF_RETENTION_DAYS), CONF_T_INT);
	assert_int_equal(conf_key_type(CONF_CREATE_SOURCE_BUCKET), CONF_T_BOOL);
	assert_int_equal(conf_key_type(CONF_ALLOWED_CIDRS), CONF_T_LIST);
	assert_string_equal(conf_key_name(CONF_LOG_BUCKET), "log_bucket");
}

static void
test_defaults(void **state)
{
	static const struct {
		enum conf_key	 k;
		const char	*v;
	} want[] = {
		{ CONF_REGION, "" },
		{ CONF_SUFFIX, "" },
		{ CONF_SOURCE_BUCKET, "secure-docs-${suffix}" },
		{ CONF_LOG_BUCKET, "s3-access-logs-${suffix}" },
		{ CONF_LOG_PREFIX, "access-logs/" },
		{ CONF_TRAIL_BUCKET, "cloudtrail-logs-${suffix}" },
		{ CONF_TRAIL_PREFIX, "cloudtrail-logs" },
		{ CONF_TRAIL_NAME, "s3-security-monitoring-trail" },
		{ CONF_LOG_GROUP, "/aws/cloudtrail/s3-security-monitoring" },
		{ CONF_TRAIL_ROLE, "CloudTrailLogsRole-${suffix}" },
		{ CONF_TOPIC, "s3-security-alerts-${suffix}" },
		{ CONF_ALERT_EMAIL, "" },
		{ CONF_RULE_PREFIX, "s3watch-" },
		{ CONF_LAMBDA_FUNCTION, "s3-security-monitor-${suffix}" },
		{ CONF_LAMBDA_ROLE, "LambdaS3SecurityMonitorRole-${suffix}" },
		{ CONF_LAMBDA_RUNTIME, "python3.12" },
		{ CONF_DASHBOARD, "S3SecurityMonitoring-${suffix}" },
		{ CONF_QUERY_PREFIX, "s3watch/" },
		{ CONF_RULES_DIR, "" },
	};
	struct conf *c = conf_new();
	char *const *l;
	size_t i, n;
	int k;

	(void)state;
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_string_equal(conf_str(c, want[i].k), want[i].v);
	assert_int_equal(conf_int(c, CONF_RETENTION_DAYS), 30);
	assert_true(conf_bool(c, CONF_CREATE_SOURCE_BUCKET));
	l = conf_list(c, CONF_ALLOWED_CIDRS, &n);
	assert_int_equal(n, 3);
	assert_string_equal(l[0], "10.0.0.0/8");
	assert_string_equal(l[1], "172.16.0.0/12");
	assert_string_equal(l[2], "192.168.0.0/16");
	assert_null(l[3]);
	for (k = 0; k < CONF_COUNT; k++)
		assert_string_equal(conf_key_source(c, k), "default");
	/* Asking with the wrong type gives an empty answer, not a crash. */
	assert_string_equal(conf_str(c, CONF_RETENTION_DAYS), "");
	assert_int_equal(conf_int(c, CONF_REGION), 0);
	assert_false(conf_bool(c, CONF_REGION));
	l = conf_list(c, CONF_REGION, &n);
	assert_int_equal(n, 0);
	assert_null(l[0]);
	conf_free(c);
	conf_free(NULL);
}

static void
test_types(void **state)
{
	struct conf *c;
	char *const *l;
	size_t n;

	(void)state;
	c = load_ok("# a comment\n"
	    "region = \"eu-west-3\";\n"
	    "retention_days = 90;\n"
	    "create_source_bucket = false;\n"
	    "allowed_cidrs = [\"203.0.113.0/24\", \"2001:db8::/32\"];\n"
	    "log_prefix : \"logs/\"\n");
	assert_string_equal(conf_str(c, CONF_REGION), "eu-west-3");
	assert_int_equal(conf_int(c, CONF_RETENTION_DAYS), 90);
	assert_false(conf_bool(c, CONF_CREATE_SOURCE_BUCKET));
	l = conf_list(c, CONF_ALLOWED_CIDRS, &n);
	assert_int_equal(n, 2);
	assert_string_equal(l[0], "203.0.113.0/24");
	assert_string_equal(l[1], "2001:db8::/32");
	assert_null(l[2]);
	assert_string_equal(conf_str(c, CONF_LOG_PREFIX), "logs/");
	conf_free(c);

	/* A (list) works like an [array]; 64-bit and hex integers too; an
	 * empty list is allowed. */
	c = load_ok("allowed_cidrs = (\"10.1.0.0/16\");\n"
	    "retention_days = 365L;\n");
	l = conf_list(c, CONF_ALLOWED_CIDRS, &n);
	assert_int_equal(n, 1);
	assert_string_equal(l[0], "10.1.0.0/16");
	assert_int_equal(conf_int(c, CONF_RETENTION_DAYS), 365);
	conf_free(c);
	c = load_ok("allowed_cidrs = [];\nretention_days = 0xE;\n");
	conf_list(c, CONF_ALLOWED_CIDRS, &n);
	assert_int_equal(n, 0);
	assert_int_equal(conf_int(c, CONF_RETENTION_DAYS), 14);
	conf_free(c);

	/* An empty file changes nothing. */
	c = load_ok("");
	assert_int_equal(conf_int(c, CONF_RETENTION_DAYS), 30);
	conf_free(c);
}

static void
test_wrong_types(void **state)
{
	(void)state;
	expect_problem("\nregion = 5;\n",
	    "2: region: expected a string, found an integer");
	expect_problem("retention_days = \"30\";\n",
	    "1: retention_days: expected an integer, found a string");
	expect_problem("retention_days = 30.0;\n",
	    "1: retention_days: expected an integer, found a number with a "
	    "fraction");
	expect_problem("create_source_bucket = \"yes\";\n",
	    "1: create_source_bucket: expected true or false, found a string");
	expect_problem("create_source_bucket = 1;\n",
	    "1: create_source_bucket: expected true or false, found an "
	    "integer");
	expect_problem("allowed_cidrs = \"10.0.0.0/8\";\n",
	    "1: allowed_cidrs: expected a list of strings, found a string");
	expect_problem("allowed_cidrs = (\"10.0.0.0/8\",\n  5);\n",
	    "2: allowed_cidrs: expected a list of strings, found an integer "
	    "in it");
	expect_problem("allowed_cidrs = ((\"10.0.0.0/8\"));\n",
	    "1: allowed_cidrs: expected a list of strings, found a list in "
	    "it");
	expect_problem("log_group = { name = \"x\"; };\n",
	    "1: log_group: expected a string, found a group");
	expect_problem("topic = [\"a\"];\n",
	    "1: topic: expected a string, found an array");
	expect_problem("retention_days = 99999999999L;\n",
	    "1: retention_days: 99999999999 is out of range");
}

static void
test_checks(void **state)
{
	static const struct {
		const char	*setting;
		const char	*reason;
	} bad[] = {
		{ "retention_days = 31", "retention_days: 31 is not a "
		    "CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, "
		    "150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, "
		    "3288 or 3653)" },
		{ "retention_days = -1", "retention_days: -1 is not a "
		    "CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, "
		    "150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, "
		    "3288 or 3653)" },
		{ "allowed_cidrs = [\"10.0.0.300/8\"]", "allowed_cidrs: "
		    "'10.0.0.300/8' is not an IPv4 or IPv6 CIDR" },
		{ "allowed_cidrs = [\"10.0.0.0/33\"]", "allowed_cidrs: "
		    "'10.0.0.0/33' is not an IPv4 or IPv6 CIDR" },
		{ "allowed_cidrs = [\"2001:db8::/129\"]", "allowed_cidrs: "
		    "'2001:db8::/129' is not an IPv4 or IPv6 CIDR" },
		{ "allowed_cidrs = [\"10.0.0.0/08\"]", "allowed_cidrs: "
		    "'10.0.0.0/08' is not an IPv4 or IPv6 CIDR" },
		{ "allowed_cidrs = [\"10.0.0.0/8 \"]", "allowed_cidrs: "
		    "'10.0.0.0/8 ' is not an IPv4 or IPv6 CIDR" },
		{ "allowed_cidrs = [\"10.0.0.0/+8\"]", "allowed_cidrs: "
		    "'10.0.0.0/+8' is not an IPv4 or IPv6 CIDR" },
		{ "allowed_cidrs = [\"10.0.0.0/\"]", "allowed_cidrs: "
		    "'10.0.0.0/' is not an IPv4 or IPv6 CIDR" },
		{ "allowed_cidrs = [\"/8\"]", "allowed_cidrs: "
		    "'/8' is not an IPv4 or IPv6 CIDR" },
		{ "allowed_cidrs = [\"10.0.0/8\"]", "allowed_cidrs: "
		    "'10.0.0/8' is not an IPv4 or IPv6 CIDR" },
		{ "allowed_cidrs = [\"010.0.0.0/8\"]", "allowed_cidrs: "
		    "'010.0.0.0/8' is not an IPv4 or IPv6 CIDR" },
		{ "allowed_cidrs = [\"10.0.0.0/8/8\"]", "allowed_cidrs: "
		    "'10.0.0.0/8/8' is not an IPv4 or IPv6 CIDR" },
		{ "allowed_cidrs = [\"fe80::1%eth0/64\"]", "allowed_cidrs: "
		    "'fe80::1%eth0/64' is not an IPv4 or IPv6 CIDR" },
		{ "allowed_cidrs = [\"\"]", "allowed_cidrs: "
		    "'' is not an IPv4 or IPv6 CIDR" },
		{ "allowed_cidrs = [\"203.0.113.7\"]", "allowed_cidrs: "
		    "'203.0.113.7' is not an IPv4 or IPv6 CIDR (write "
		    "'203.0.113.7/32' for one address)" },
		{ "allowed_cidrs = [\"2001:db8::1\"]", "allowed_cidrs: "
		    "'2001:db8::1' is not an IPv4 or IPv6 CIDR (write "
		    "'2001:db8::1/128' for one address)" },
		{ "alert_email = \"alice\"", "alert_email: 'alice' is not an "
		    "e-mail address such as 'alice@example.com'" },
		{ "alert_email = \"alice@example\"", "alert_email: "
		    "'alice@example' is not an e-mail address such as "
		    "'alice@example.com'" },
		{ "alert_email = \"a@b@example.com\"", "alert_email: "
		    "'a@b@example.com' is not an e-mail address such as "
		    "'alice@example.com'" },
		{ "alert_email = \"al ice@example.com\"", "alert_email: "
		    "'al ice@example.com' is not an e-mail address such as "
		    "'alice@example.com'" },
		{ "alert_email = \"@example.com\"", "alert_email: "
		    "'@example.com' is not an e-mail address such as "
		    "'alice@example.com'" },
		{ "alert_email = \"alice@example.com.\"", "alert_email: "
		    "'alice@example.com.' is not an e-mail address such as "
		    "'alice@example.com'" },
		{ "alert_email = \"alice@\\tx.com\"", "alert_email: "
		    "the value contains a control character, an invisible "
		    "character or invalid UTF-8" },
		{ "source_bucket = \"secure\xe2\x80\x8b-docs\"", "source_bucket: "
		    "the value contains a control character, an invisible "
		    "character or invalid UTF-8" },
		{ "alert_email = \"alice@exa\xe2\x80\xaemple.com\"",
		    "alert_email: the value contains a control character, an "
		    "invisible character or invalid UTF-8" },
		{ "source_bucket = \"Secure-Docs\"", "source_bucket: S3 bucket "
		    "name 'Secure-Docs' may only contain lower-case letters, "
		    "digits, '.' and '-'" },
		{ "log_bucket = \"logs_${suffix}\"", "log_bucket: S3 bucket name "
		    "'logs_abc123' may only contain lower-case letters, digits, "
		    "'.' and '-' (with ${suffix} as abc123)" },
		{ "trail_bucket = \"ab\"", "trail_bucket: S3 bucket name 'ab' "
		    "must be 3 to 63 characters long" },
		{ "trail_bucket = \"\"", "trail_bucket: S3 bucket name is "
		    "empty" },
		{ "source_bucket = \"docs-${bucket}\"", "source_bucket: unknown "
		    "variable '${bucket}' (only ${suffix}, ${account} and "
		    "${region})" },
		{ "topic = \"alerts-${suffix\"", "topic: 'alerts-${suffix' has "
		    "an unterminated '${'" },
		{ "log_group = \"/aws/cloudtrail/s3 watch\"", "log_group: log "
		    "group name '/aws/cloudtrail/s3 watch' must be 1 to 512 "
		    "letters, digits, '.', '_', '-', '/' or '#'" },
		{ "log_group = \"\"", "log_group: log group name is empty" },
		{ "region = \"us-east\"", "region: 'us-east' is not a region "
		    "name such as 'us-east-1'" },
		{ "region = \"US-EAST-1\"", "region: 'US-EAST-1' is not a region "
		    "name such as 'us-east-1'" },
		{ "region = \"us--east-1\"", "region: 'us--east-1' is not a "
		    "region name such as 'us-east-1'" },
		{ "region = \"us-east-1-\"", "region: 'us-east-1-' is not a "
		    "region name such as 'us-east-1'" },
		{ "region = \"${region}\"", "region: '${region}' is not a region "
		    "name such as 'us-east-1'" },
		{ "suffix = \"ABC\"", "suffix: 'ABC' must be at most 16 "
		    "lower-case letters, digits or '-'" },
		{ "log_prefix = \"access-logs\"", "log_prefix: 'access-logs' "
		    "must end in '/'" },
		{ "log_prefix = \"\"", "log_prefix: '' must end in '/'" },
		{ "trail_prefix = \"cloudtrail/\"", "trail_prefix: "
		    "'cloudtrail/' must not start or end with '/'" },
		{ "trail_prefix = \"/cloudtrail\"", "trail_prefix: "
		    "'/cloudtrail' must not start or end with '/'" },
		{ "trail_name = \"my trail\"", "trail_name: trail name "
		    "'my trail' may only contain letters, digits and any of "
		    "'._-'" },
		{ "trail_name = \"-trail\"", "trail_name: trail name '-trail' "
		    "must begin and end with a letter or digit" },
		{ "trail_role = \"Role/${suffix}\"", "trail_role: IAM role name "
		    "'Role/${suffix}' may only contain letters, digits and any "
		    "of '+=,.@_-'" },
		/* 68 characters with the sample suffix. */
		{ "lambda_role = \"LambdaS3SecurityMonitorRole-ForThe"
		    "ProductionAndStagingAccount-${suffix}\"", "lambda_role: IAM role name "
		    "'LambdaS3SecurityMonitorRole-ForTheProductionAndStagingAccount-"
		    "${suffix}' must be 1 to 64 characters long (with ${suffix} "
		    "as abc123)" },
		{ "topic = \"alerts.fifo\"", "topic: SNS topic name "
		    "'alerts.fifo' may only contain letters, digits and any of "
		    "'_-'" },
		{ "rule_prefix = \"s3watch:\"", "rule_prefix: rule name prefix "
		    "'s3watch:' may only contain letters, digits and any of "
		    "'._-'" },
		{ "lambda_function = \"\"", "lambda_function: Lambda function "
		    "name '' must be 1 to 64 characters long" },
		{ "lambda_runtime = \"nodejs20.x\"", "lambda_runtime: "
		    "'nodejs20.x' is not a Python runtime such as 'python3.12'" },
		{ "lambda_runtime = \"python3.\"", "lambda_runtime: "
		    "'python3.' is not a Python runtime such as 'python3.12'" },
		{ "dashboard = \"S3 Security\"", "dashboard: dashboard name "
		    "'S3 Security' may only contain letters, digits and any of "
		    "'_-'" },
		{ "rules_dir = \"${HOME}/rules\"", "rules_dir: unknown variable "
		    "'${HOME}' (only ${suffix}, ${account} and ${region})" },
	};
	char *data, *want;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		/* Blank lines first: the line number must be the setting's. */
		data = xasprintf("\n\n%s;\n", bad[i].setting);
		want = xasprintf("3: %s", bad[i].reason);
		expect_problem(data, want);
		free(data);
		free(want);
	}
}

static void
test_good_values(void **state)
{
	static const char *const good[] = {
		"allowed_cidrs = [\"10.1.2.3/8\", \"0.0.0.0/0\", \"::/0\", "
		    "\"2001:db8::1/64\", \"::ffff:10.0.0.0/104\", "
		    "\"203.0.113.7/32\", \"2001:DB8::/32\"]",
		"alert_email = \"security-team+s3@mail.example.co.uk\"",
		"region = \"us-gov-west-1\"",
		"region = \"cn-north-1\"",
		"region = \"eu-west-3\"",
		"suffix = \"prod-01\"",
		"source_bucket = \"docs-${account}-${region}\"",
		"log_bucket = \"logs.example.com\"",
		"log_group = \"/s3watch/${suffix}\"",
		"trail_prefix = \"\"",
		"rule_prefix = \"\"",
		"lambda_runtime = \"python3.9\"",
		"trail_role = \"Trail+Role=x,y.z@w_${suffix}\"",
		"rules_dir = \"/etc/s3watch/rules.d\"",
		"query_prefix = \"S3 Watch / ${suffix}\"",
		"retention_days = 3653",
		"retention_days = 1",
	};
	struct conf *c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		char *data = xasprintf("%s;\n", good[i]);

		c = load_ok(data);
		conf_free(c);
		free(data);
	}
}

static void
test_unknown_key(void **state)
{
	(void)state;
	expect_problem("log_buckt = \"x\";\n",
	    "1: unknown key 'log_buckt' (did you mean 'log_bucket'?)");
	expect_problem("\nLog-Bucket = \"x\";\n",
	    "2: unknown key 'Log-Bucket' (did you mean 'log_bucket'?)");
	expect_problem("retention = 30;\n",
	    "1: unknown key 'retention' (did you mean 'retention_days'?)");
	expect_problem("log = 30;\n", "1: unknown key 'log'");
	expect_problem("xyz = 1;\n", "1: unknown key 'xyz'");
	expect_problem("s3watch = { region = \"us-east-1\"; };\n",
	    "1: unknown key 's3watch'");
}

static void
test_syntax_error(void **state)
{
	(void)state;
	expect_problem("region = \"us-east-1\";\n\nlog_bucket = ;\n",
	    "3: syntax error");
	expect_problem("region = \"us-east-1\";\nregion = \"eu-west-1\";\n",
	    "2: duplicate setting name");
	expect_problem("allowed_cidrs = [\"10.0.0.0/8\", 5];\n",
	    "1: mismatched element type in array");
	/* libconfig notices the unterminated string at the end. */
	expect_problem("region = \"us-east-1\n",
	    "2: syntax error");
}

/* Every problem is reported, in file order; the good keys still apply. */
static void
test_many_problems(void **state)
{
	struct conf *c = conf_new();
	char *cause, *want, *src;
	size_t n;

	(void)state;
	assert_int_equal(load_into(c,
	    "region = \"eu-west-3\";\n"			/* 1 good */
	    "retention_days = 31;\n"			/* 2 bad */
	    "log_buckt = \"logs\";\n"			/* 3 unknown */
	    "allowed_cidrs = [\"10.0.0.0/8\",\n"	/* 4 */
	    "    \"10.0.0.300/8\"];\n"			/* 5 bad item */
	    "alert_email = \"ops@example.com\";\n"	/* 6 good */
	    "topic = 7;\n"				/* 7 wrong type */
	    "create_source_bucket = false;\n",		/* 8 good */
	    &cause), -1);
	want = xasprintf(
	    "%s/s3watch.conf:2: retention_days: 31 is not a CloudWatch Logs "
	    "retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, "
	    "545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)\n"
	    "%s/s3watch.conf:3: unknown key 'log_buckt' (did you mean "
	    "'log_bucket'?)\n"
	    "%s/s3watch.conf:5: allowed_cidrs: '10.0.0.300/8' is not an IPv4 "
	    "or IPv6 CIDR\n"
	    "%s/s3watch.conf:7: topic: expected a string, found an integer",
	    tmpdir, tmpdir, tmpdir, tmpdir);
	assert_string_equal(cause, want);
	free(cause);
	free(want);
	assert_string_equal(conf_str(c, CONF_REGION), "eu-west-3");
	assert_string_equal(conf_str(c, CONF_ALERT_EMAIL), "ops@example.com");
	assert_false(conf_bool(c, CONF_CREATE_SOURCE_BUCKET));
	assert_int_equal(conf_int(c, CONF_RETENTION_DAYS), 30);
	conf_list(c, CONF_ALLOWED_CIDRS, &n);
	assert_int_equal(n, 3);
	assert_string_equal(conf_str(c, CONF_TOPIC),
	    "s3-security-alerts-${suffix}");
	src = xasprintf("%s/s3watch.conf:1", tmpdir);
	assert_string_equal(conf_key_source(c, CONF_REGION), src);
	free(src);
	assert_string_equal(conf_key_source(c, CONF_RETENTION_DAYS), "default");
	assert_string_equal(conf_key_source(c, CONF_TOPIC), "default");
	conf_free(c);
}

/* The file name is reported as given. */
static void
test_relative_path(void **state)
{
	struct conf *c = conf_new();
	char *cwd = getcwd(NULL, 0), *cause, *path;

	(void)state;
	path = fixture("s3watch.conf", "# allowed networks\n\n\n\n\n\n"
	    "allowed_cidrs = [\"10.0.0.300/8\"];\n");
	assert_non_null(cwd);
	assert_int_equal(chdir(tmpdir), 0);
	assert_int_equal(conf_load(c, "s3watch.conf", &cause), -1);
	assert_string_equal(cause, "s3watch.conf:7: allowed_cidrs: "
	    "'10.0.0.300/8' is not an IPv4 or IPv6 CIDR");
	free(cause);
	assert_int_equal(conf_load(c, "missing.conf", &cause), -1);
	assert_string_equal(cause, "missing.conf: No such file or directory");
	free(cause);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	free(path);
	conf_free(c);
}

static void
test_bad_files(void **state)
{
	struct conf *c = conf_new();
	char *cause, *path, *want, *big;
	size_t n = 1024 * 1024 + 1;

	(void)state;
	path = xasprintf("%s/nonexistent.conf", tmpdir);
	assert_int_equal(conf_load(c, path, &cause), -1);
	want = xasprintf("%s: No such file or directory", path);
	assert_string_equal(cause, want);
	free(cause);
	free(want);
	free(path);

	assert_int_equal(conf_load(c, tmpdir, &cause), -1);
	want = xasprintf("%s: Is a directory", tmpdir);
	assert_string_equal(cause, want);
	free(cause);
	free(want);

	path = fixture_len("nul.conf", "region = \"us-east-1\";\0x", 23);
	assert_int_equal(conf_load(c, path, &cause), -1);
	want = xasprintf("%s: contains a NUL byte, not a text file", path);
	assert_string_equal(cause, want);
	free(cause);
	free(want);
	free(path);

	/* Just over 1 MiB of comment: refused before libconfig sees it. */
	big = xmalloc(n);
	memset(big, '#', n);
	big[n - 1] = '\n';
	path = fixture_len("big.conf", big, n);
	free(big);
	assert_int_equal(conf_load(c, path, &cause), -1);
	want = xasprintf("%s: larger than 1048576 bytes, not a configuration "
	    "file", path);
	assert_string_equal(cause, want);
	free(cause);
	free(want);
	free(path);
	assert_string_equal(conf_str(c, CONF_REGION), "");
	conf_free(c);
}

/* Later files override earlier ones; each key says where it came from. */
static void
test_files_in_turn(void **state)
{
	struct conf *c = conf_new();
	char *a, *b, *cause, *src;

	(void)state;
	a = fixture("a.conf", "region = \"us-east-1\";\n"
	    "retention_days = 60;\n");
	b = fixture("b.conf", "\nretention_days = 90;\n"
	    "suffix = \"team1\";\n");
	assert_int_equal(conf_load(c, a, &cause), 0);
	assert_int_equal(conf_load(c, b, &cause), 0);
	assert_string_equal(conf_str(c, CONF_REGION), "us-east-1");
	assert_int_equal(conf_int(c, CONF_RETENTION_DAYS), 90);
	assert_string_equal(conf_str(c, CONF_SUFFIX), "team1");
	src = xasprintf("%s:1", a);
	assert_string_equal(conf_key_source(c, CONF_REGION), src);
	free(src);
	src = xasprintf("%s:2", b);
	assert_string_equal(conf_key_source(c, CONF_RETENTION_DAYS), src);
	free(src);
	assert_string_equal(conf_key_source(c, CONF_TOPIC), "default");
	assert_int_equal(conf_set(c, "retention_days=7", &cause), 0);
	assert_string_equal(conf_key_source(c, CONF_RETENTION_DAYS), "--set");
	assert_int_equal(conf_int(c, CONF_RETENTION_DAYS), 7);
	free(a);
	free(b);
	conf_free(c);
}

/* @include is relative to the including file; lines name their file. */
static void
test_include(void **state)
{
	struct conf *c = conf_new();
	char *inc, *main_path, *cause, *src;

	(void)state;
	inc = fixture("inc.conf", "\nsuffix = \"inc1\";\n");
	main_path = fixture("main.conf", "@include \"inc.conf\"\n"
	    "region = \"us-east-1\";\n");
	assert_int_equal(conf_load(c, main_path, &cause), 0);
	assert_string_equal(conf_str(c, CONF_SUFFIX), "inc1");
	assert_string_equal(conf_str(c, CONF_REGION), "us-east-1");
	src = xasprintf("%s:2", main_path);
	assert_string_equal(conf_key_source(c, CONF_REGION), src);
	free(src);
	src = xasprintf("%s:2", inc);
	assert_string_equal(conf_key_source(c, CONF_SUFFIX), src);
	free(src);
	free(inc);
	free(main_path);
	conf_free(c);
}

static void
test_set(void **state)
{
	struct conf *c = conf_new();
	char *const *l;
	char *cause = NULL;
	size_t n;

	(void)state;
	assert_int_equal(conf_set(c, "region=eu-central-1", &cause), 0);
	assert_null(cause);
	assert_string_equal(conf_str(c, CONF_REGION), "eu-central-1");
	assert_string_equal(conf_key_source(c, CONF_REGION), "--set");
	assert_int_equal(conf_set(c, "topic=a=b", &cause), -1);
	free(cause);
	assert_int_equal(conf_set(c, "query_prefix=a=b", &cause), 0);
	assert_string_equal(conf_str(c, CONF_QUERY_PREFIX), "a=b");
	assert_int_equal(conf_set(c, "alert_email=", &cause), 0);
	assert_string_equal(conf_str(c, CONF_ALERT_EMAIL), "");

	assert_int_equal(conf_set(c, "retention_days=365", &cause), 0);
	assert_int_equal(conf_int(c, CONF_RETENTION_DAYS), 365);

	assert_int_equal(conf_set(c, "create_source_bucket=no", &cause), 0);
	assert_false(conf_bool(c, CONF_CREATE_SOURCE_BUCKET));
	assert_int_equal(conf_set(c, "create_source_bucket=1", &cause), 0);
	assert_true(conf_bool(c, CONF_CREATE_SOURCE_BUCKET));
	assert_int_equal(conf_set(c, "create_source_bucket=false", &cause), 0);
	assert_false(conf_bool(c, CONF_CREATE_SOURCE_BUCKET));
	assert_int_equal(conf_set(c, "create_source_bucket=YES", &cause), 0);
	assert_true(conf_bool(c, CONF_CREATE_SOURCE_BUCKET));
	assert_int_equal(conf_set(c, "create_source_bucket=0", &cause), 0);
	assert_false(conf_bool(c, CONF_CREATE_SOURCE_BUCKET));
	assert_int_equal(conf_set(c, "create_source_bucket=true", &cause), 0);
	assert_true(conf_bool(c, CONF_CREATE_SOURCE_BUCKET));

	assert_int_equal(conf_set(c, "allowed_cidrs=1.2.3.4/32, 2001:db8::/48",
	    &cause), 0);
	l = conf_list(c, CONF_ALLOWED_CIDRS, &n);
	assert_int_equal(n, 2);
	assert_string_equal(l[0], "1.2.3.4/32");
	assert_string_equal(l[1], "2001:db8::/48");
	assert_null(l[2]);
	assert_int_equal(conf_set(c, "allowed_cidrs=", &cause), 0);
	l = conf_list(c, CONF_ALLOWED_CIDRS, &n);
	assert_int_equal(n, 0);
	assert_null(l[0]);
	conf_free(c);

	expect_set_error("region", "--set region: expected KEY=VALUE");
	expect_set_error("=x", "--set =x: expected KEY=VALUE");
	expect_set_error("log_buckt=x", "--set log_buckt: unknown key "
	    "'log_buckt' (did you mean 'log_bucket'?)");
	expect_set_error("retention_days=abc", "--set retention_days: 'abc' "
	    "is not a decimal integer");
	expect_set_error("retention_days=", "--set retention_days: '' is not "
	    "a decimal integer");
	expect_set_error("retention_days=30x", "--set retention_days: '30x' "
	    "is not a decimal integer");
	expect_set_error("retention_days= 30", "--set retention_days: ' 30' "
	    "is not a decimal integer");
	expect_set_error("retention_days=0x1e", "--set retention_days: "
	    "'0x1e' is not a decimal integer");
	expect_set_error("retention_days=99999999999999999999999",
	    "--set retention_days: 99999999999999999999999 is out of range");
	expect_set_error("retention_days=99999999999",
	    "--set retention_days: 99999999999 is out of range");
	expect_set_error("retention_days=31", "--set retention_days: 31 is not "
	    "a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, "
	    "180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or "
	    "3653)");
	expect_set_error("create_source_bucket=maybe", "--set "
	    "create_source_bucket: 'maybe' is not true, false, yes, no, 1 or "
	    "0");
	expect_set_error("allowed_cidrs=10.0.0.0/8,,1.2.3.4/32", "--set "
	    "allowed_cidrs: empty item in '10.0.0.0/8,,1.2.3.4/32'");
	expect_set_error("allowed_cidrs=10.0.0.0/8,10.0.0.300/8", "--set "
	    "allowed_cidrs: '10.0.0.300/8' is not an IPv4 or IPv6 CIDR");
	expect_set_error("alert_email=nobody", "--set alert_email: 'nobody' "
	    "is not an e-mail address such as 'alice@example.com'");
	expect_set_error("log_bucket=Logs", "--set log_bucket: S3 bucket name "
	    "'Logs' may only contain lower-case letters, digits, '.' and '-'");

	/* A refused --set leaves the value alone. */
	c = conf_new();
	assert_int_equal(conf_set(c, "allowed_cidrs=10.0.0.0/8,junk", &cause),
	    -1);
	free(cause);
	conf_list(c, CONF_ALLOWED_CIDRS, &n);
	assert_int_equal(n, 3);
	assert_string_equal(conf_key_source(c, CONF_ALLOWED_CIDRS), "default");
	conf_free(c);
}

static void
test_expand(void **state)
{
	struct conf *c = conf_new();
	char *s, *cause;

	(void)state;
	s = conf_expand(c, CONF_SOURCE_BUCKET, "abc123", "111122223333",
	    "eu-west-1");
	assert_string_equal(s, "secure-docs-abc123");
	free(s);
	assert_int_equal(conf_set(c, "log_group=/s3w/${account}/${region}/"
	    "${suffix}/${suffix}", &cause), 0);
	s = conf_expand(c, CONF_LOG_GROUP, "x1", "111122223333", "eu-west-1");
	assert_string_equal(s, "/s3w/111122223333/eu-west-1/x1/x1");
	free(s);
	s = conf_expand(c, CONF_LOG_GROUP, NULL, NULL, "eu-west-1");
	assert_string_equal(s, "/s3w/${account}/eu-west-1/${suffix}/${suffix}");
	free(s);
	s = conf_expand(c, CONF_LOG_GROUP, NULL, NULL, NULL);
	assert_string_equal(s, conf_str(c, CONF_LOG_GROUP));
	free(s);
	/* The replacement is not expanded again. */
	s = conf_expand(c, CONF_LOG_GROUP, "${account}", "1", "r");
	assert_string_equal(s, "/s3w/1/r/${account}/${account}");
	free(s);
	s = conf_expand(c, CONF_LOG_PREFIX, "abc", "1", "r");
	assert_string_equal(s, "access-logs/");
	free(s);
	s = conf_expand(c, CONF_RETENTION_DAYS, "abc", "1", "r");
	assert_string_equal(s, "30");
	free(s);
	s = conf_expand(c, CONF_CREATE_SOURCE_BUCKET, "abc", "1", "r");
	assert_string_equal(s, "true");
	free(s);
	s = conf_expand(c, CONF_ALLOWED_CIDRS, "abc", "1", "r");
	assert_string_equal(s, "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16");
	free(s);
	conf_free(c);
}

static void
test_default_path(void **state)
{
	char *home = xasprintf("%s/home", tmpdir), *dir, *p, *want;

	(void)state;
	setenv("S3WATCH_CONFIG", "/nowhere/s3watch.conf", 1);
	p = conf_default_path();
	assert_string_equal(p, "/nowhere/s3watch.conf");
	free(p);
	unsetenv("S3WATCH_CONFIG");

	assert_int_equal(mkdir(home, 0700), 0);
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	assert_null(conf_default_path());

	dir = xasprintf("%s/.config", home);
	assert_int_equal(mkdir(dir, 0700), 0);
	free(dir);
	dir = xasprintf("%s/.config/s3watch", home);
	assert_int_equal(mkdir(dir, 0700), 0);
	free(dir);
	p = fixture("home/.config/s3watch/s3watch.conf", "");
	want = conf_default_path();
	assert_string_equal(want, p);
	free(want);
	free(p);

	/* XDG_CONFIG_HOME replaces ~/.config. */
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	assert_null(conf_default_path());
	dir = xasprintf("%s/s3watch", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	free(dir);
	p = fixture("s3watch/s3watch.conf", "");
	want = conf_default_path();
	assert_string_equal(want, p);
	free(want);
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	free(home);
}

/* conf/s3watch.conf names every key of the table with its default and
 * loads without a complaint. */
static void
test_sample_in_sync(void **state)
{
	struct conf *c = conf_new(), *d = conf_new();
	const char *top = getenv("top_srcdir");
	char *path, *cause = NULL, *a, *b, *dir, *prefix;
	int k;

	(void)state;
	if (top != NULL && *top != '\0')
		path = xasprintf("%s/conf/s3watch.conf", top);
	else {
		/* __FILE__ is .../tests/unit/conf-test.c */
		dir = xstrdup(__FILE__);
		if ((a = strstr(dir, "tests/unit/conf-test.c")) != NULL)
			*a = '\0';
		path = xasprintf("%s%sconf/s3watch.conf", dir,
		    *dir == '\0' || a == NULL ? "./" : "");
		free(dir);
	}
	if (conf_load(c, path, &cause) != 0)
		fail_msg("%s does not load: %s", path, cause);
	prefix = xasprintf("%s:", path);
	for (k = 0; k < CONF_COUNT; k++) {
		if (strncmp(conf_key_source(c, k), prefix, strlen(prefix)) != 0)
			fail_msg("%s does not set %s", path, conf_key_name(k));
		a = conf_expand(c, k, NULL, NULL, NULL);
		b = conf_expand(d, k, NULL, NULL, NULL);
		if (strcmp(a, b) != 0)
			fail_msg("%s sets %s to '%s', the default is '%s'",
			    path, conf_key_name(k), a, b);
		free(a);
		free(b);
	}
	free(prefix);
	free(path);
	conf_free(c);
	conf_free(d);
}

static void
cleanup(void)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(cmd);
}

/* conf_save_keys(): an assignment is replaced where it stands (a list
 * over several lines too), comments and other keys are kept, a new key
 * is appended with its help, strings are escaped, and what it writes
 * loads back. */
static void
test_save_keys(void **state)
{
	const char *text = "# top comment\n"
	    "suffix = \"a\"; # trailing\n"
	    "allowed_cidrs = [\"10.0.0.0/8\",\n"
	    "    \"172.16.0.0/12\"];\n"
	    "retention_days = 400;\n";
	enum conf_key keys[] = { CONF_ALLOWED_CIDRS, CONF_ALERT_EMAIL };
	struct conf *c = load_ok(text), *back;
	char *path = fixture("s3watch.conf", text), *cause = NULL, *got;
	char *const *v;
	struct stat st;
	size_t n;
	FILE *f;

	(void)state;
	assert_int_equal(conf_set(c, "allowed_cidrs=203.0.113.0/24,"
	    "2001:db8::/32", &cause), 0);
	assert_int_equal(conf_set(c, "alert_email=ops@example.com", &cause), 0);
	assert_int_equal(conf_save_keys(c, path, keys, 2, &cause), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	got = xcalloc(1, 4096);
	assert_true(fread(got, 1, 4095, f) > 0);
	fclose(f);
	assert_string_equal(got, "# top comment\n"
	    "suffix = \"a\"; # trailing\n"
	    "allowed_cidrs = [\"203.0.113.0/24\", \"2001:db8::/32\"];\n"
	    "retention_days = 400;\n"
	    "# address subscribed to topic; \"\" for none\n"
	    "alert_email = \"ops@example.com\";\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	back = conf_new();
	assert_int_equal(conf_load(back, path, &cause), 0);
	v = conf_list(back, CONF_ALLOWED_CIDRS, &n);
	assert_int_equal(n, 2);
	assert_string_equal(v[1], "2001:db8::/32");
	assert_string_equal(conf_str(back, CONF_ALERT_EMAIL), "ops@example.com");
	assert_int_equal(conf_int(back, CONF_RETENTION_DAYS), 400);
	assert_string_equal(conf_key_source(back, CONF_ALLOWED_CIDRS) +
	    strlen(path), ":3");
	/* A string that needs escaping survives the round trip. */
	free(got);
	got = conf_value_text(c, CONF_SUFFIX);
	assert_string_equal(got, "\"a\"");
	free(got);
	/* A folder that does not exist yet is made. */
	free(path);
	path = xasprintf("%s/new/dir/s3watch.conf", tmpdir);
	assert_int_equal(conf_save_keys(c, path, keys, 1, &cause), 0);
	assert_int_equal(stat(path, &st), 0);
	unlink(path);
	free(path);
	conf_free(back);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_good_values),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_many_problems),
		cmocka_unit_test(test_relative_path),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_files_in_turn),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_sample_in_sync),
		cmocka_unit_test(test_save_keys),
	};
	int rc;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	cleanup();
	return rc;
}
