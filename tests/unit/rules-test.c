/* The rule engine: loading (errors with FILE:LINE, partial loads), each
 * rule kind, suppression and allow-lists, bounded memory, the state file,
 * and every fixture of tests/rules/fixtures against the shipped pack. */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "buf.h"
#include "rules.h"
#include "rules_check.h"
#include "xalloc.h"

static char tmpdir[] = "/tmp/rules-test.XXXXXX";

/* --- helpers ------------------------------------------------------------ */

static char *
write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Collected load errors, one per line. */
static void
on_error(const char *msg, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%s\n", msg);
}

static struct rules *
load_ok(const char *text)
{
	struct rules *r = rules_new();
	struct buf errs = { NULL, 0, 0 };

	if (rules_load_string(r, "test.conf", text, on_error, &errs) != 0)
		fail_msg("unexpected load errors:\n%s", errs.data);
	buf_free(&errs);
	return r;
}

/* Hits of one event, as "rule,rule," (rule order). */
struct hits {
	struct buf	 ids;
	int		 n;
};

static void
on_hit(const struct rules_hit *h, void *arg)
{
	struct hits *hs = arg;

	buf_printf(&hs->ids, "%s,", h->rule);
	hs->n++;
}

static const char *
eval(struct rules *r, const char *json, struct hits *hs)
{
	char *cause = NULL;

	buf_reset(&hs->ids);
	buf_add(&hs->ids, "", 0);
	hs->n = 0;
	if (rules_eval(r, json, strlen(json), PATTERN_WRAP_AUTO, on_hit, hs,
	    &cause) < 0)
		fail_msg("event rejected: %s", cause);
	return hs->ids.data;
}

/* A compact CloudTrail S3 record.  t is seconds after 2026-08-21T10:00:00Z. */
static char *
event(const char *name, const char *who, const char *ip, const char *bucket,
    int t, const char *extra)
{
	return xasprintf("{\"eventVersion\":\"1.10\",\"userIdentity\":{"
	    "\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/%s\","
	    "\"accountId\":\"111122223333\",\"accessKeyId\":\"AKIAEXAMPLE\"},"
	    "\"eventTime\":\"2026-08-2%dT%02d:%02d:%02dZ\","
	    "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"%s\","
	    "\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"%s\","
	    "\"userAgent\":\"aws-cli/2.17.20 md/distrib#debian.12\","
	    "\"requestParameters\":{\"bucketName\":\"%s\",\"key\":\"k/%d\"},"
	    "\"eventID\":\"ev-%d\",\"eventType\":\"AwsApiCall\""
	    "%s%s}", who, 1 + t / 86400, t % 86400 / 3600, t % 3600 / 60,
	    t % 60, name, ip, bucket, t, t, extra != NULL ? "," : "",
	    extra != NULL ? extra : "");
}

/* Evaluates one generated event; returns its hit list. */
static const char *
ev(struct rules *r, struct hits *hs, const char *name, const char *who,
    const char *ip, const char *bucket, int t, const char *extra)
{
	char *json = event(name, who, ip, bucket, t, extra);
	const char *ids = eval(r, json, hs);

	free(json);
	return ids;
}

static const char *
top_srcdir(void)
{
	static char dir[4096];
	const char *env = getenv("top_srcdir");
	const char *tail = "/tests/unit/rules-test.c";
	size_t n;

	if (env != NULL && *env != '\0')
		return env;
	n = strlen(__FILE__);
	if (n >= strlen(tail) && strcmp(__FILE__ + n - strlen(tail), tail) == 0)
		n -= strlen(tail);
	else
		n = 0;
	snprintf(dir, sizeof dir, "%.*s", (int)n, n > 0 ? __FILE__ : ".");
	return dir;
}

/* --- loading ------------------------------------------------------------ */

static void
test_load_errors_partial(void **state)
{
	struct rules *r = rules_new();
	struct buf errs = { NULL, 0, 0 };
	char *dir = xasprintf("%s/pack", tmpdir), *path, *want;
	char *cause = NULL;
	int n;

	assert_int_equal(mkdir(dir, 0700), 0);
	free(write_file("pack/10-good.conf",
	    "rules = (\n"
	    "{ id = \"good-one\"; severity = \"low\";\n"
	    "  pattern = \"{\\\"detail\\\":{\\\"eventName\\\":[\\\"GetObject\\\"]}}\"; }\n"
	    ");\n"));
	/* A syntax error: the whole file is skipped. */
	free(write_file("pack/20-syntax.conf",
	    "rules = (\n"
	    "{ id = \"broken\"; severity = \"low\";\n"
	    "  pattern = ; }\n"
	    ");\n"));
	/* Semantic errors: only the bad rules are skipped. */
	free(write_file("pack/30-semantic.conf",
	    "rules = (\n"
	    "{ id = \"bad-severity\"; severity = \"urgent\";\n"
	    "  pattern = \"{\\\"detail\\\":{\\\"eventName\\\":[\\\"X\\\"]}}\"; },\n"
	    "{ id = \"bad-pattern\"; severity = \"low\";\n"
	    "  pattern = \"{\\\"detail\\\":{\\\"eventName\\\":[]}}\"; },\n"
	    "{ id = \"good-two\"; severity = \"high\";\n"
	    "  pattern = \"{\\\"detail\\\":{\\\"eventName\\\":[\\\"PutObject\\\"]}}\"; },\n"
	    "{ id = \"typo\"; severity = \"low\";\n"
	    "  pattern = \"{\\\"detail\\\":{\\\"eventName\\\":[\\\"X\\\"]}}\";\n"
	    "  count = { key = [\"principal\"]; treshold = 3; window = 60; }; },\n"
	    "{ id = \"good-one\"; severity = \"low\";\n"
	    "  pattern = \"{\\\"detail\\\":{\\\"eventName\\\":[\\\"X\\\"]}}\"; },\n"
	    "{ id = \"seq\"; severity = \"low\";\n"
	    "  sequence = { key = [\"principal\"]; window = \"1h\";\n"
	    "    steps = ( \"good-one\", \"missing\" ); }; }\n"
	    ");\n"));
	free(write_file("pack/README", "not a rule file\n"));

	n = rules_load_dir(r, dir, on_error, &errs, &cause);
	assert_int_equal(n, 6);
	assert_int_equal(rules_count(r), 2);
	assert_string_equal(rules_id(r, 0), "good-one");
	assert_string_equal(rules_id(r, 1), "good-two");

	path = xasprintf("%s/20-syntax.conf:3: syntax error", dir);
	assert_non_null(strstr(errs.data, path));
	free(path);
	want = xasprintf("%s/30-semantic.conf:2: unknown severity 'urgent'", dir);
	assert_non_null(strstr(errs.data, want));
	free(want);
	want = xasprintf("%s/30-semantic.conf:5: invalid pattern: Empty arrays "
	    "are not allowed", dir);
	assert_non_null(strstr(errs.data, want));
	free(want);
	want = xasprintf("%s/30-semantic.conf:10: unknown count setting "
	    "'treshold'", dir);
	assert_non_null(strstr(errs.data, want));
	free(want);
	want = xasprintf("%s/30-semantic.conf:11: rule 'good-one' is already "
	    "defined at %s/10-good.conf:2", dir, dir);
	assert_non_null(strstr(errs.data, want));
	free(want);
	want = xasprintf("%s/30-semantic.conf:15: sequence 'seq' step 2: no "
	    "rule 'missing'", dir);
	assert_non_null(strstr(errs.data, want));
	free(want);

	/* What loaded works. */
	{
		struct hits hs = { { NULL, 0, 0 }, 0 };

		assert_string_equal(ev(r, &hs, "PutObject", "u", "10.0.0.1", "b",
		    0, NULL), "good-two,");
		buf_free(&hs.ids);
	}
	rules_free(r);

	r = rules_new();
	assert_int_equal(rules_load_dir(r, "/nonexistent/rules.d", on_error,
	    &errs, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/rules.d"));
	free(cause);
	rules_free(r);
	buf_free(&errs);
	free(dir);
}

static void
test_load_semantics(void **state)
{
#define P "pattern = \"{\\\"detail\\\":{\\\"eventName\\\":[\\\"X\\\"]}}\";"
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "rules = ( { severity = \"low\"; " P " } );",
		  "test.conf:1: rule has no 'id'" },
		{ "rules = ( { id = \"a b\"; severity = \"low\"; } );",
		  "rule id 'a b' must be" },
		{ "rules = ( { id = \"a\"; " P " } );",
		  "has no 'severity'" },
		{ "rules = ( { id = \"a\"; severity = \"low\"; } );",
		  "rule 'a' has no 'pattern'" },
		{ "rules = ( { id = \"a\"; severity = \"low\"; " P "\n"
		  "count = { key = [\"principal\"]; window = \"5x\"; threshold = 2; };"
		  " } );", "test.conf:2: 'window' must be a positive duration" },
		{ "rules = ( { id = \"a\"; severity = \"low\"; " P "\n"
		  "count = { key = [\"nosuch\"]; window = 5; threshold = 2; }; } );",
		  "unknown field 'nosuch'" },
		{ "rules = ( { id = \"a\"; severity = \"low\"; " P "\n"
		  "first_seen = { key = [\"principal\"]; history = \"1d\"; }; } );",
		  "'value' is required" },
		{ "rules = ( { id = \"a\"; severity = \"low\"; " P "\n"
		  "count = { key = [\"principal\"]; window = 5; threshold = 2; };\n"
		  "sequence = { key = [\"principal\"]; window = 5; }; } );",
		  "more than one of count, first_seen, sequence and check" },
		{ "rules = ( { id = \"a\"; severity = \"low\"; " P "\n"
		  "allow = { cidrs = [\"10.0.0.0/33\"]; }; } );",
		  "'10.0.0.0/33' is not a CIDR" },
		{ "rules = ( { id = \"a\"; severity = \"low\"; "
		  "pattern = \"{\\\"detail\\\":{\\\"x\\\":[]}}\"; } );",
		  "invalid pattern: Empty arrays are not allowed" },
		{ "settings = { allowed_cidrs = [\"nope\"]; };",
		  "'nope' is not a CIDR" },
		{ "rulez = ();", "unknown setting 'rulez'" },
		/* Checks. */
		{ "rules = ( { id = \"a\"; severity = \"low\"; check = \"x\";\n"
		  "select = \"{\\\"detail\\\":{\\\"x\\\":[1]}}\"; } );",
		  "test.conf:1: unknown check 'x' (policy-grant, acl-grant, "
		  "cross-account-copy, trail-selectors, log-expiry)" },
		{ "rules = ( { id = \"a\"; severity = \"low\"; check = 5;\n"
		  "select = \"{\\\"detail\\\":{\\\"x\\\":[1]}}\"; } );",
		  "'check' must be the name of a check" },
		{ "rules = ( { id = \"a\"; severity = \"low\"; "
		  "check = \"log-expiry\"; } );", "rule 'a' has no 'select'" },
		{ "rules = ( { id = \"a\"; severity = \"low\"; "
		  "check = \"log-expiry\";\n" P " } );",
		  "test.conf:2: a check selects its events with 'select'" },
		{ "rules = ( { id = \"a\"; severity = \"low\";\n"
		  "select = \"{\\\"detail\\\":{\\\"x\\\":[1]}}\"; } );",
		  "test.conf:2: 'select' is a check's" },
		{ "rules = ( { id = \"a\"; severity = \"low\"; check = \"acl-grant\";\n"
		  "count = { key = [\"principal\"]; window = 5; threshold = 2; };"
		  "} );", "more than one of count, first_seen, sequence and check" },
		/* Settings and variables. */
		{ "settings = { nosuch = 1; };", "test.conf:1: unknown setting "
		  "'nosuch' (allowed_cidrs, trusted_accounts, log_expiry_min_days, "
		  "source_bucket, trail_bucket, log_bucket, log_group, trail_name, "
		  "rule_prefix)" },
		{ "settings = { trusted_accounts = [\"12345\"]; };",
		  "'12345' is not an AWS account id (12 digits)" },
		{ "settings = { log_expiry_min_days = -1; };",
		  "'-1' is not a number of days from 0 to 36500" },
		{ "settings = { log_expiry_min_days = [\"1\", \"2\"]; };",
		  "log_expiry_min_days takes one value, not 2" },
		{ "settings = { source_bucket = \"Bad_Name\"; };",
		  "'Bad_Name' is not a bucket name" },
		{ "settings = { log_group = \"a\\\"b\"; };",
		  "is not a log group name" },
		{ "settings = { trail_name = \"x\"; };", "is not a trail name" },
		{ "settings = { rule_prefix = \"a b\"; };", "is not a name prefix" },
		{ "rules = ( { id = \"a\"; severity = \"low\"; pattern = "
		  "\"{\\\"detail\\\":{\\\"x\\\":${nosuch}}}\"; } );",
		  "unknown variable '${nosuch}' (${outside_allowed_cidrs}, "
		  "${source_bucket}, ${trail_bucket}, ${log_bucket}, ${log_group}, "
		  "${trail_name}, ${rule_prefix})" },
		{ "rules = ( { id = \"a\"; severity = \"low\"; pattern = "
		  "\"{\\\"detail\\\":{\\\"x\\\":${source_bucket\"; } );",
		  "unknown variable '${'" },
	};
#undef P
	struct buf errs = { NULL, 0, 0 };
	struct rules *r;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r = rules_new();
		buf_reset(&errs);
		buf_add(&errs, "", 0);
		assert_true(rules_load_string(r, "test.conf", cases[i].text,
		    on_error, &errs) > 0);
		if (strstr(errs.data, cases[i].want) == NULL)
			fail_msg("case %zu: got '%s', wanted '%s'", i, errs.data,
			    cases[i].want);
		assert_int_equal(rules_count(r), 0);
		rules_free(r);
	}
	buf_free(&errs);
}

/* --- kinds -------------------------------------------------------------- */

#define GET_PATTERN \
	"pattern = \"{\\\"detail\\\":{\\\"eventName\\\":[\\\"GetObject\\\"]}}\";\n"

static void
test_pattern_and_fields(void **state)
{
	struct rules *r = load_ok("rules = ( { id = \"get\"; severity = \"high\";\n"
	    GET_PATTERN "} );");
	struct hits hs = { { NULL, 0, 0 }, 0 };
	const char *ct = "{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
	    "\"GetObject\",\"eventTime\":\"2026-08-21T10:00:00Z\",\"eventID\":"
	    "\"e1\",\"sourceIPAddress\":\"10.1.2.3\",\"userIdentity\":{\"type\":"
	    "\"AWSAccount\",\"principalId\":\"\",\"accountId\":\"anonymous\"},"
	    "\"requestParameters\":{\"bucketName\":\"b\",\"key\":\"a/b.txt\"}}";
	const char *eb = "{\"version\":\"0\",\"id\":\"x\",\"detail-type\":\"AWS "
	    "API Call via CloudTrail\",\"source\":\"aws.s3\",\"account\":\"1\","
	    "\"time\":\"2026-08-21T10:00:00Z\",\"region\":\"eu-west-1\","
	    "\"resources\":[],\"detail\":{\"eventSource\":\"s3.amazonaws.com\","
	    "\"eventName\":\"GetObject\",\"eventID\":\"e2\"}}";
	char *cause = NULL;

	assert_string_equal(eval(r, ct, &hs), "get,");
	assert_string_equal(eval(r, eb, &hs), "get,");
	assert_int_equal(rules_hits(r, 0), 2);
	assert_int_equal(rules_eval(r, "{\"eventName\":", 13, PATTERN_WRAP_AUTO,
	    on_hit, &hs, &cause), -1);
	assert_non_null(cause);
	free(cause);
	buf_free(&hs.ids);
	rules_free(r);
}

static void
copy_hit(const struct rules_hit *h, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%s|%s|%s|%s|%s|%s|%s|%s", h->rule,
	    rules_severity_name(h->severity), h->event_id, h->time, h->principal,
	    h->source_ip, h->action, h->resource);
}

static void
test_hit_fields(void **state)
{
	struct rules *r = load_ok("rules = ( { id = \"get\"; severity = \"high\";\n"
	    GET_PATTERN "} );");
	struct buf b = { NULL, 0, 0 };
	char *json, *cause = NULL;

	json = event("GetObject", "alice", "10.1.2.3", "bkt", 61, NULL);
	assert_int_equal(rules_eval(r, json, strlen(json), PATTERN_WRAP_CLOUDTRAIL,
	    copy_hit, &b, &cause), 1);
	assert_string_equal(b.data, "get|high|ev-61|2026-08-21T00:01:01Z|"
	    "arn:aws:iam::111122223333:user/alice|10.1.2.3|s3:GetObject|bkt/k/61");
	free(json);
	buf_reset(&b);
	/* Anonymous callers have no ARN. */
	json = xstrdup("{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
	    "\"GetObject\",\"userIdentity\":{\"type\":\"AWSAccount\","
	    "\"principalId\":\"\",\"accountId\":\"anonymous\"},\"resources\":[{"
	    "\"ARN\":\"arn:aws:s3:::b/x\"}]}");
	assert_int_equal(rules_eval(r, json, strlen(json), PATTERN_WRAP_AUTO,
	    copy_hit, &b, &cause), 1);
	assert_string_equal(b.data, "get|high|||anonymous||s3:GetObject|"
	    "arn:aws:s3:::b/x");
	free(json);
	buf_free(&b);
	rules_free(r);
}

static void
test_count(void **state)
{
	struct rules *r = load_ok("rules = ( { id = \"burst\"; severity = \"high\";\n"
	    GET_PATTERN
	    "count = { key = [\"principal\"]; threshold = 3; window = \"2m\"; };"
	    " } );");
	struct hits hs = { { NULL, 0, 0 }, 0 };

	assert_int_equal(rules_kind_of(r, 0), RULES_COUNT);
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 0, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "b", "10.0.0.1", "b", 1, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 2, NULL), "");
	assert_string_equal(ev(r, &hs, "PutObject", "a", "10.0.0.1", "b", 3, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 4, NULL),
	    "burst,");
	/* Fired: the count starts again. */
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 5, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 6, NULL), "");
	/* Outside the window, old events no longer count. */
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 600, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 601, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 602, NULL),
	    "burst,");
	assert_int_equal(rules_state_keys(r), 2);
	buf_free(&hs.ids);
	rules_free(r);
}

static void
test_count_distinct_and_sum(void **state)
{
	struct rules *r = load_ok("rules = (\n"
	    "{ id = \"spread\"; severity = \"medium\";\n" GET_PATTERN
	    "count = { key = [\"principal\", \"sourceIP\"]; distinct = \"bucket\";"
	    " threshold = 3; window = 60; }; },\n"
	    "{ id = \"volume\"; severity = \"high\";\n" GET_PATTERN
	    "count = { key = [\"principal\"]; threshold = 1000; window = \"15m\";"
	    " sum = \"detail.additionalEventData.bytesTransferredOut\"; }; }\n"
	    ");");
	struct hits hs = { { NULL, 0, 0 }, 0 };

	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b1", 0, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b1", 1, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.2", "b2", 2, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b2", 3, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b3", 4,
	    "\"additionalEventData\":{\"bytesTransferredOut\":600}"), "spread,");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b3", 5,
	    "\"additionalEventData\":{\"bytesTransferredOut\":399}"), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b3", 6,
	    "\"additionalEventData\":{\"bytesTransferredOut\":1}"), "volume,");
	buf_free(&hs.ids);
	rules_free(r);
}

static void
test_first_seen(void **state)
{
	struct rules *r = load_ok("rules = ( { id = \"newip\"; severity = \"low\";\n"
	    GET_PATTERN
	    "first_seen = { key = [\"principal\"]; value = \"sourceIP\";"
	    " history = \"1d\"; learn = \"1h\"; values = 2; }; } );");
	struct hits hs = { { NULL, 0, 0 }, 0 };

	/* Learning: new values are remembered, not reported. */
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 0, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.2", "b", 60, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 7200, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.3", "b", 7201, NULL),
	    "newip,");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.3", "b", 7202, NULL), "");
	/* Only 2 values per key: 10.0.0.2 was the oldest and is forgotten. */
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.2", "b", 7203, NULL),
	    "newip,");
	/* Past the history, a value is new again. */
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.2", "b",
	    7203 + 86401, NULL), "newip,");
	buf_free(&hs.ids);
	rules_free(r);
}

static const char seq_pack[] =
	"rules = (\n"
	"{ id = \"weaken\"; severity = \"high\";\n"
	"  pattern = \"{\\\"detail\\\":{\\\"eventName\\\":[\\\"PutBucketVersioning\\\"]}}\"; },\n"
	"{ id = \"delete\"; severity = \"low\";\n"
	"  pattern = \"{\\\"detail\\\":{\\\"eventName\\\":[\\\"DeleteObjects\\\"]}}\"; },\n"
	"{ id = \"note\"; severity = \"low\";\n"
	"  pattern = \"{\\\"detail\\\":{\\\"eventName\\\":[\\\"PutObject\\\"]}}\"; },\n"
	"{ id = \"chain\"; severity = \"critical\";\n"
	"  sequence = { key = [\"principal\"]; window = \"1h\";\n"
	"    steps = ( \"weaken\", [ \"delete\", \"note\" ] ); }; }\n"
	");";

static void
test_sequence(void **state)
{
	struct rules *r = load_ok(seq_pack);
	struct hits hs = { { NULL, 0, 0 }, 0 };

	/* Out of order: nothing. */
	assert_string_equal(ev(r, &hs, "DeleteObjects", "a", "10.0.0.1", "b", 0, NULL),
	    "delete,");
	assert_string_equal(ev(r, &hs, "PutBucketVersioning", "a", "10.0.0.1", "b",
	    10, NULL), "weaken,");
	/* Another principal doesn't continue a's chain. */
	assert_string_equal(ev(r, &hs, "DeleteObjects", "z", "10.0.0.1", "b", 20,
	    NULL), "delete,");
	assert_string_equal(ev(r, &hs, "PutObject", "a", "10.0.0.1", "b", 30, NULL),
	    "note,chain,");
	/* Done: a new chain is needed. */
	assert_string_equal(ev(r, &hs, "PutObject", "a", "10.0.0.1", "b", 40, NULL),
	    "note,");
	/* Too late. */
	assert_string_equal(ev(r, &hs, "PutBucketVersioning", "a", "10.0.0.1", "b",
	    100, NULL), "weaken,");
	assert_string_equal(ev(r, &hs, "DeleteObjects", "a", "10.0.0.1", "b",
	    100 + 3601, NULL), "delete,");
	assert_int_equal(rules_hits(r, 3), 1);
	buf_free(&hs.ids);
	rules_free(r);
}

/* --- suppression and allow-lists ------------------------------------------ */

static void
test_suppress_allow(void **state)
{
	struct rules *r = load_ok("rules = (\n"
	    "{ id = \"get\"; severity = \"low\";\n" GET_PATTERN
	    "  suppress = [ \"{\\\"detail\\\":{\\\"requestParameters\\\":"
	    "{\\\"bucketName\\\":[{\\\"prefix\\\":\\\"public-\\\"}]}}}\" ];\n"
	    "  allow = { principals = [ \"arn:aws:iam::*:user/ci-*\" ];\n"
	    "    cidrs = [ \"192.168.0.0/16\", \"2001:db8::/32\" ];\n"
	    "    user_agents = [ \"Terraform/*\" ]; }; },\n"
	    "{ id = \"burst\"; severity = \"high\";\n" GET_PATTERN
	    "  count = { key = [\"bucket\"]; threshold = 2; window = 60; };\n"
	    "  allow = { principals = \"arn:aws:iam::111122223333:user/backup\"; }; }\n"
	    ");");
	struct hits hs = { { NULL, 0, 0 }, 0 };

	assert_string_equal(ev(r, &hs, "GetObject", "ci-runner", "10.0.0.1", "b", 0,
	    NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "alice", "192.168.4.5", "b", 1,
	    NULL), "burst,");
	assert_string_equal(ev(r, &hs, "GetObject", "alice", "2001:db8::7", "b2", 2,
	    NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "alice", "10.0.0.1",
	    "public-site", 3, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "alice", "10.0.0.1", "b2", 4,
	    "\"x\":1"), "get,burst,");
	/* An allow-listed caller does not count towards a stateful rule. */
	assert_string_equal(ev(r, &hs, "GetObject", "backup", "10.0.0.1", "b3", 5,
	    NULL), "get,");
	assert_string_equal(ev(r, &hs, "GetObject", "backup", "10.0.0.1", "b3", 6,
	    NULL), "get,");
	{
		char *json = xasprintf("{\"eventSource\":\"s3.amazonaws.com\","
		    "\"eventName\":\"GetObject\",\"userAgent\":\"Terraform/1.9.0\","
		    "\"sourceIPAddress\":\"10.0.0.1\"}");

		assert_string_equal(eval(r, json, &hs), "");
		free(json);
	}
	buf_free(&hs.ids);
	rules_free(r);
}

static void
test_allowed_cidrs(void **state)
{
	const char *pack = "settings = { allowed_cidrs = [ \"10.0.0.0/8\" ]; };\n"
	    "rules = ( { id = \"out\"; severity = \"medium\";\n"
	    "pattern = \"{\\\"detail\\\":{\\\"sourceIPAddress\\\":"
	    "${outside_allowed_cidrs}}}\"; } );";
	char *list[] = { "10.0.0.0/8", "192.168.1.7/32", "2001:db8::/32" };
	struct hits hs = { { NULL, 0, 0 }, 0 };
	struct rules *r = load_ok(pack);
	char *cause = NULL;

	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.9.9.9", "b", 0, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "11.0.0.1", "b", 0, NULL), "out,");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "9.255.255.255", "b", 0, NULL),
	    "out,");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "2001:db8::1", "b", 0, NULL),
	    "out,");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "AWS Internal", "b", 0, NULL), "");
	rules_free(r);

	/* The command line replaces the settings. */
	r = rules_new();
	assert_int_equal(rules_set_allowed_cidrs(r, list, 3, &cause), 0);
	assert_int_equal(rules_load_string(r, "t.conf", pack, NULL, NULL), 0);
	assert_string_equal(ev(r, &hs, "GetObject", "a", "192.168.1.7", "b", 0, NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "192.168.1.6", "b", 0, NULL),
	    "out,");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "192.168.1.8", "b", 0, NULL),
	    "out,");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "2001:db8:ffff::1", "b", 0,
	    NULL), "");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "2001:db9::1", "b", 0, NULL),
	    "out,");
	rules_free(r);

	r = rules_new();
	list[0] = "10.0.0.0/40";
	assert_int_equal(rules_set_allowed_cidrs(r, list, 1, &cause), -1);
	assert_non_null(strstr(cause, "10.0.0.0/40"));
	free(cause);
	rules_free(r);
	buf_free(&hs.ids);
}

/* Settings: from the caller or a pack's block, each kind of variable. */
static void
test_settings(void **state)
{
	const char *pack = "settings = { source_bucket = [\"pack-b\"]; "
	    "log_group = \"/pack/group\"; trail_name = \"pack-trail\"; "
	    "rule_prefix = \"p-\"; log_expiry_min_days = 10; };\n"
	    "rules = (\n"
	    "{ id = \"b\"; severity = \"low\"; pattern = \"{\\\"detail\\\":"
	    "{\\\"requestParameters\\\":{\\\"bucketName\\\":"
	    "${source_bucket}}}}\"; },\n"
	    "{ id = \"g\"; severity = \"low\"; pattern = \"{\\\"detail\\\":"
	    "{\\\"requestParameters\\\":{\\\"logGroupName\\\":"
	    "${log_group}}}}\"; },\n"
	    "{ id = \"t\"; severity = \"low\"; pattern = \"{\\\"detail\\\":"
	    "{\\\"requestParameters\\\":{\\\"name\\\":${trail_name}}}}\"; },\n"
	    "{ id = \"r\"; severity = \"low\"; pattern = \"{\\\"detail\\\":"
	    "{\\\"requestParameters\\\":{\\\"rule\\\":${rule_prefix}}}}\"; },\n"
	    "{ id = \"u\"; severity = \"low\"; pattern = \"{\\\"detail\\\":"
	    "{\\\"requestParameters\\\":{\\\"bucketName\\\":"
	    "${trail_bucket}}}}\"; }\n);";
	char *two[] = { "caller-b", "caller-c" }, *days[] = { "x" };
	struct hits hs = { { NULL, 0, 0 }, 0 };
	struct rules_info ri;
	struct rules *r = load_ok(pack);
	char *cause = NULL;

	/* The pack's own values; a name not given matches nothing. */
	assert_string_equal(rules_pattern_text(r, 4), "{\"detail\":{"
	    "\"requestParameters\":{\"bucketName\":[\"${trail_bucket}\"]}}}");
	assert_true(rules_info(r, 4, &ri));
	assert_string_equal(ri.pattern, "{\"detail\":{"
	    "\"requestParameters\":{\"bucketName\":${trail_bucket}}}}");
	assert_false(rules_info(r, 5, &ri));
	assert_string_equal(rules_pattern_text(r, 2), "{\"detail\":{"
	    "\"requestParameters\":{\"name\":[\"pack-trail\",{\"suffix\":"
	    "\":trail/pack-trail\"}]}}}");
	assert_string_equal(rules_pattern_text(r, 3), "{\"detail\":{"
	    "\"requestParameters\":{\"rule\":[{\"prefix\":\"p-\"}]}}}");
	assert_string_equal(eval(r, "{\"eventSource\":\"x\",\"requestParameters\""
	    ":{\"bucketName\":\"pack-b\",\"logGroupName\":\"/pack/group\","
	    "\"name\":\"arn:aws:cloudtrail:r:1:trail/pack-trail\",\"rule\":"
	    "\"p-x\"}}", &hs), "b,g,t,r,");
	assert_string_equal(eval(r, "{\"eventSource\":\"x\",\"requestParameters\""
	    ":{\"bucketName\":\"${trail_bucket}\",\"name\":\"pack-trail-2\"}}",
	    &hs), "u,");
	rules_free(r);

	/* The caller's values win over the pack's, whichever comes first. */
	r = rules_new();
	assert_int_equal(rules_set(r, RULES_SET_SOURCE_BUCKET, two, 2, &cause), 0);
	assert_int_equal(rules_load_string(r, "t.conf", pack, NULL, NULL), 0);
	assert_string_equal(eval(r, "{\"eventSource\":\"x\",\"requestParameters\""
	    ":{\"bucketName\":\"caller-c\"}}", &hs), "b,");
	assert_string_equal(eval(r, "{\"eventSource\":\"x\",\"requestParameters\""
	    ":{\"bucketName\":\"pack-b\"}}", &hs), "");
	/* A pack's bad value is an error even where the caller's wins. */
	{
		struct rules *u = rules_new();
		struct buf errs = { NULL, 0, 0 };

		assert_int_equal(rules_set(u, RULES_SET_SOURCE_BUCKET, two, 2,
		    &cause), 0);
		assert_int_equal(rules_load_string(u, "u.conf", "settings = { "
		    "source_bucket = \"Bad_Name\"; };", on_error, &errs), 1);
		assert_non_null(strstr(errs.data, "u.conf:1: 'Bad_Name' is not "
		    "a bucket name"));
		buf_free(&errs);
		rules_free(u);
	}
	/* Bad values, and names. */
	assert_int_equal(rules_set(r, RULES_SET_LOG_EXPIRY_MIN_DAYS, days, 1,
	    &cause), -1);
	assert_string_equal(cause, "'x' is not a number of days from 0 to 36500");
	free(cause);
	assert_int_equal(rules_set(r, RULES_SET_COUNT, days, 1, &cause), -1);
	free(cause);
	assert_string_equal(rules_setting_name(RULES_SET_TRUSTED_ACCOUNTS),
	    "trusted_accounts");
	assert_int_equal(rules_setting_find("log_expiry_min_days"),
	    RULES_SET_LOG_EXPIRY_MIN_DAYS);
	assert_int_equal(rules_setting_find("nosuch"), -1);
	rules_free(r);
	buf_free(&hs.ids);
}

/* A check rule: its own severity (capped by the rule's), its reason, the
 * settings it reads, sequences and both event shapes. */
struct check_hits {
	struct buf	 text;		/* "rule=severity:reason;" */
};

static void
on_check_hit(const struct rules_hit *h, void *arg)
{
	struct check_hits *c = arg;

	assert_non_null(h->reason);
	buf_printf(&c->text, "%s=%s:%s;", h->rule,
	    rules_severity_name(h->severity), h->reason);
}

static const char *
eval_check(struct rules *r, const char *json, struct check_hits *c)
{
	char *cause = NULL;

	buf_reset(&c->text);
	buf_add(&c->text, "", 0);
	if (rules_eval(r, json, strlen(json), PATTERN_WRAP_AUTO, on_check_hit, c,
	    &cause) < 0)
		fail_msg("event rejected: %s", cause);
	return c->text.data;
}

#define POLICY_SELECT "select = \"{\\\"detail\\\":{\\\"eventName\\\":" \
	"[\\\"PutBucketPolicy\\\"],\\\"errorCode\\\":[{\\\"exists\\\":" \
	"false}]}}\";\n"
#define PUT_POLICY(principal) "{\"eventSource\":\"s3.amazonaws.com\"," \
	"\"eventName\":\"PutBucketPolicy\",\"eventTime\":" \
	"\"2026-08-21T10:00:00Z\",\"recipientAccountId\":\"111122223333\"," \
	"\"userIdentity\":{\"arn\":\"arn:aws:iam::111122223333:user/m\"}," \
	"\"requestParameters\":{\"bucketName\":\"b\",\"bucketPolicy\":" \
	"{\"Statement\":{\"Sid\":\"S\",\"Effect\":\"Allow\",\"Principal\":" \
	principal "}}}}"

static void
test_check_rules(void **state)
{
	struct rules *r = load_ok("rules = (\n"
	    "{ id = \"grant\"; severity = \"critical\"; check = \"policy-grant\";\n"
	    "  rationale = \"Why.\"; description = \"What.\";\n"
	    POLICY_SELECT " },\n"
	    "{ id = \"capped\"; severity = \"medium\"; check = \"policy-grant\";\n"
	    POLICY_SELECT " },\n"
	    "{ id = \"quiet\"; severity = \"high\"; check = \"policy-grant\";\n"
	    POLICY_SELECT "  allow = { principals = [\"*:user/m\"]; }; },\n"
	    "{ id = \"changed\"; severity = \"low\";\n"
	    "  pattern = \"{\\\"detail\\\":{\\\"eventName\\\":"
	    "[\\\"PutBucketPolicy\\\"]}}\"; },\n"
	    "{ id = \"chain\"; severity = \"critical\";\n"
	    "  sequence = { key = [\"principal\"]; window = \"1h\";\n"
	    "    steps = ( \"changed\", \"grant\" ); }; }\n);");
	struct check_hits c = { { NULL, 0, 0 } };
	struct rules_info ri;
	char *logic, *ev;

	assert_int_equal(rules_kind_of(r, 0), RULES_CHECK);
	assert_string_equal(rules_kind_name(RULES_CHECK), "check");
	assert_true(rules_info(r, 0, &ri));
	assert_string_equal(ri.rationale, "Why.");
	assert_string_equal(ri.description, "What.");
	assert_string_equal(ri.check, "policy-grant");
	assert_int_equal(ri.kind, RULES_CHECK);
	assert_true(rules_info(r, 3, &ri));
	assert_null(ri.rationale);
	assert_null(ri.check);
	assert_true(rules_info(r, 1, &ri));
	assert_int_equal(ri.severity, RULES_MEDIUM);
	assert_true(rules_info(r, 4, &ri));
	assert_null(ri.pattern);
	/* The select pattern is what an analyser's EventBridge rule needs. */
	assert_non_null(strstr(rules_pattern_text(r, 0), "PutBucketPolicy"));
	logic = rules_logic(r, 0);
	assert_string_equal(logic, "the check policy-grant");
	free(logic);
	logic = rules_logic(r, 4);
	assert_string_equal(logic, "a hit of changed, then of grant by the same "
	    "principal within 1h");
	free(logic);
	logic = rules_logic(r, 3);
	assert_string_equal(logic, "");
	free(logic);

	/* Our own account: no hit of the checks. */
	assert_string_equal(eval_check(r, PUT_POLICY("{\"AWS\":\"111122223333\"}"),
	    &c), "changed=low:;");
	/* Another account: high, capped at medium; the allow-list silences;
	 * the check's hit is a step of the sequence. */
	assert_string_equal(eval_check(r, PUT_POLICY("{\"AWS\":\"444455556666\"}"),
	    &c), "grant=high:statement \"S\" allows account \"444455556666\", "
	    "outside the trusted accounts;capped=medium:statement \"S\" allows "
	    "account \"444455556666\", outside the trusted accounts;changed=low:;"
	    "chain=critical:;");
	/* Everyone. */
	assert_non_null(strstr(eval_check(r, PUT_POLICY("\"*\""), &c),
	    "grant=critical:statement \"S\" allows everyone (Principal \"*\");"
	    "capped=medium:statement \"S\" allows everyone (Principal \"*\");"
	    "changed=low:;"));
	assert_int_equal(rules_hits(r, 0), 2);
	rules_free(r);

	/* Trusted accounts from the caller; an EventBridge event's detail. */
	r = rules_new();
	{
		char *acct[] = { "444455556666" };
		char *cause = NULL;

		assert_int_equal(rules_set(r, RULES_SET_TRUSTED_ACCOUNTS, acct, 1,
		    &cause), 0);
	}
	assert_int_equal(rules_load_string(r, "t.conf", "rules = ( { id = \"grant\";"
	    " severity = \"critical\"; check = \"policy-grant\";\n"
	    POLICY_SELECT " } );", NULL, NULL), 0);
	assert_string_equal(eval_check(r, PUT_POLICY("{\"AWS\":\"444455556666\"}"),
	    &c), "");
	ev = xasprintf("{\"version\":\"0\",\"detail-type\":\"AWS API Call via "
	    "CloudTrail\",\"source\":\"aws.s3\",\"detail\":%s}",
	    PUT_POLICY("{\"AWS\":\"111122223333\"}"));
	assert_string_equal(eval_check(r, ev, &c), "grant=high:statement \"S\" "
	    "allows account \"111122223333\", outside the trusted accounts;");
	free(ev);
	/* Loaded but not evaluated, then evaluated: one parse, one hit. */
	assert_int_equal(rules_event_load(r, PUT_POLICY("\"*\""),
	    strlen(PUT_POLICY("\"*\"")), PATTERN_WRAP_CLOUDTRAIL, NULL), 0);
	buf_reset(&c.text);
	assert_int_equal(rules_eval_loaded(r, on_check_hit, &c), 1);
	assert_int_equal(rules_eval_loaded(r, on_check_hit, &c), 0);
	rules_free(r);
	buf_free(&c.text);
}

/* --- memory and state ------------------------------------------------------ */

static void
test_bounded_memory(void **state)
{
	struct rules *r = load_ok("rules = ( { id = \"burst\"; severity = \"high\";\n"
	    GET_PATTERN
	    "count = { key = [\"principal\"]; threshold = 2; window = \"1h\";"
	    " max_keys = 100; }; } );");
	struct hits hs = { { NULL, 0, 0 }, 0 };
	char who[32];
	int i;

	assert_string_equal(ev(r, &hs, "GetObject", "keep", "10.0.0.1", "b", 0, NULL), "");
	for (i = 0; i < 5000; i++) {
		snprintf(who, sizeof who, "u%d", i);
		assert_string_equal(ev(r, &hs, "GetObject", who, "10.0.0.1", "b",
		    1, NULL), "");
		/* Used often, "keep" is never the least recently used. */
		if (i % 50 == 0)
			(void)ev(r, &hs, "PutObject", "keep", "10.0.0.1", "b", 1, NULL);
		assert_true(rules_state_keys(r) <= 100);
	}
	assert_int_equal(rules_state_keys(r), 100);
	/* u0 was evicted: its first event is forgotten. */
	assert_string_equal(ev(r, &hs, "GetObject", "u0", "10.0.0.1", "b", 2, NULL), "");
	buf_free(&hs.ids);
	rules_free(r);

	/* "keep" survives only if touched: GetObject refreshes it. */
	r = load_ok("rules = ( { id = \"burst\"; severity = \"high\";\n"
	    GET_PATTERN
	    "count = { key = [\"principal\"]; threshold = 2; window = \"1h\";"
	    " max_keys = 10; }; } );");
	assert_string_equal(ev(r, &hs, "GetObject", "keep", "10.0.0.1", "b", 0, NULL), "");
	for (i = 0; i < 100; i++) {
		snprintf(who, sizeof who, "u%d", i);
		(void)ev(r, &hs, "GetObject", who, "10.0.0.1", "b", 1, NULL);
		if (i == 50)
			break;
	}
	assert_int_equal(rules_state_keys(r), 10);
	buf_free(&hs.ids);
	rules_free(r);
}

static const char state_pack[] =
	"rules = (\n"
	"{ id = \"burst\"; severity = \"high\";\n" GET_PATTERN
	"  count = { key = [\"principal\"]; threshold = 3; window = \"1h\"; }; },\n"
	"{ id = \"newip\"; severity = \"low\";\n" GET_PATTERN
	"  first_seen = { key = [\"principal\"]; value = \"sourceIP\"; history = \"1d\"; }; }\n"
	");";

static void
test_state_round_trip(void **state)
{
	struct rules *r = load_ok(state_pack);
	struct hits hs = { { NULL, 0, 0 }, 0 };
	char *path = xasprintf("%s/state", tmpdir), *cause = NULL;
	struct stat st;

	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 0, NULL),
	    "newip,");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 1, NULL), "");
	assert_int_equal(rules_state_save(r, path, &cause), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	rules_free(r);

	r = load_ok(state_pack);
	assert_int_equal(rules_state_load(r, path, &cause), 0);
	assert_int_equal(rules_state_keys(r), 2);
	/* The third event completes the count; the IP is not new. */
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 2, NULL),
	    "burst,");
	rules_free(r);

	/* Changed parameters drop that rule's state, silently. */
	r = load_ok("rules = (\n"
	    "{ id = \"burst\"; severity = \"high\";\n" GET_PATTERN
	    "  count = { key = [\"principal\"]; threshold = 4; window = \"1h\"; }; }\n"
	    ");");
	assert_int_equal(rules_state_load(r, path, &cause), 0);
	assert_int_equal(rules_state_keys(r), 0);
	rules_free(r);

	/* A missing file is an empty state. */
	r = load_ok(state_pack);
	assert_int_equal(rules_state_load(r, "/nonexistent/state", &cause), 0);
	rules_free(r);
	buf_free(&hs.ids);
	free(path);
}

static void
test_state_corrupt(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "garbage\n", "state:1: not an s3watch rules state file" },
		{ "s3watch-rules-state 1\nseed zz\n", "state:2: bad seed line" },
		{ "s3watch-rules-state 1\nseed 0000000000000001\n"
		  "rule burst 0000000000000001 0 2\n0000000000000005 00\n",
		  "state:4: truncated (keys missing)" },
		{ "s3watch-rules-state 1\nseed 0000000000000001\nrule x\n",
		  "state:3: expected a rule line" },
		{ "s3watch-rules-state 1\nseed 0000000000000001\n",
		  "truncated (no 'end')" },
		{ "s3watch-rules-state 1\nseed 0000000000000001\nend\nmore\n",
		  "state:4: data after 'end'" },
	};
	struct rules *r = load_ok(state_pack);
	struct hits hs = { { NULL, 0, 0 }, 0 };
	char *path = xasprintf("%s/state", tmpdir), *cause, *good;
	size_t i;

	/* A good file, then the same rules with a damaged key line. */
	(void)ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 0, NULL);
	assert_int_equal(rules_state_save(r, path, &cause), 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		free(write_file("state", cases[i].text));
		cause = NULL;
		assert_int_equal(rules_state_load(r, path, &cause), -1);
		if (strstr(cause, cases[i].want) == NULL)
			fail_msg("case %zu: got '%s', wanted '%s'", i, cause,
			    cases[i].want);
		assert_non_null(strstr(cause, "state ignored"));
		free(cause);
		/* Never fatal: the rules still run, from empty state. */
		assert_int_equal(rules_state_keys(r), 0);
		assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 1,
		    NULL), "newip,");
	}
	/* A damaged payload in an otherwise good file. */
	assert_int_equal(rules_state_save(r, path, &cause), 0);
	{
		struct buf b = { NULL, 0, 0 };
		char *p;

		assert_int_equal(buf_read_file(&b, path, 1 << 20), 0);
		p = strstr(b.data, "\nrule newip");
		assert_non_null(p);
		p = strchr(p + 1, '\n') + 1 + 17;
		*p = 'x';
		good = write_file("state", b.data);
		buf_free(&b);
		free(good);
	}
	cause = NULL;
	assert_int_equal(rules_state_load(r, path, &cause), -1);
	assert_non_null(strstr(cause, "bad key state"));
	free(cause);
	rules_free(r);
	buf_free(&hs.ids);
	free(path);
}

/* --- the shipped pack against its fixtures --------------------------------- */

struct fixture_ctx {
	struct buf	 ids;		/* ",a,b," hits of the fixture */
	struct buf	 sevs;		/* ",a=high,b=low," */
	int		 n;
};

static void
on_fixture_hit(const struct rules_hit *h, void *arg)
{
	struct fixture_ctx *x = arg;

	buf_printf(&x->ids, "%s,", h->rule);
	buf_printf(&x->sevs, "%s=%s,", h->rule, rules_severity_name(h->severity));
	x->n++;
}

static bool
listed(const char *list, const char *id)
{
	char *want = xasprintf(" %s ", id);
	bool found = strstr(list, want) != NULL;

	free(want);
	return found;
}

/* The settings every fixture runs with (settings.json: s3watch.conf's
 * keys, a string, a number or a list of strings each). */
static void
fixture_settings(struct rules *r, const char *dir)
{
	char *path = xasprintf("%s/settings.json", dir), *cause = NULL;
	char *v[16], num[32];
	struct json_object *o = json_object_from_file(path), *e;
	size_t i, n;
	int k;

	if (o == NULL)
		fail_msg("%s: cannot read", path);
	json_object_object_foreach(o, key, val) {
		if ((k = rules_setting_find(key)) < 0)
			fail_msg("%s: no rules setting '%s'", path, key);
		n = 0;
		if (json_object_is_type(val, json_type_array)) {
			for (i = 0; i < json_object_array_length(val) && i < 16;
			    i++) {
				e = json_object_array_get_idx(val, i);
				v[n++] = (char *)json_object_get_string(e);
			}
		} else if (json_object_is_type(val, json_type_int)) {
			snprintf(num, sizeof num, "%d", json_object_get_int(val));
			v[n++] = num;
		} else
			v[n++] = (char *)json_object_get_string(val);
		if (rules_set(r, (enum rules_setting)k, v, n, &cause) != 0)
			fail_msg("%s: %s: %s", path, key, cause);
	}
	json_object_put(o);
	free(path);
}

/* Runs one fixture file through a fresh copy of the pack. */
static void
run_fixture(const char *pack, const char *dir, const char *path, bool lines,
    struct fixture_ctx *x)
{
	struct rules *r = rules_new();
	struct buf text = { NULL, 0, 0 };
	char *cause = NULL, *p, *nl;

	fixture_settings(r, dir);
	if (rules_load_dir(r, pack, NULL, NULL, &cause) != 0)
		fail_msg("the pack %s does not load cleanly", pack);
	if (buf_read_file(&text, path, 16 << 20) != 0)
		fail_msg("%s: cannot read", path);
	buf_reset(&x->ids);
	buf_add(&x->ids, ",", 1);
	buf_reset(&x->sevs);
	buf_add(&x->sevs, ",", 1);
	x->n = 0;
	for (p = text.data; *p != '\0'; p = nl) {
		nl = lines ? strchr(p, '\n') : NULL;
		if (nl == NULL)
			nl = p + strlen(p);
		if (nl > p && rules_eval(r, p, (size_t)(nl - p),
		    PATTERN_WRAP_CLOUDTRAIL, on_fixture_hit, x, &cause) < 0)
			fail_msg("%s: %s", path, cause);
		if (*nl == '\n')
			nl++;
	}
	buf_free(&text);
	rules_free(r);
}

/* Many rules: ids found by name (duplicates, sequence steps, the state
 * file) wherever they are in the pack, and a dropped sequence's id free
 * again. */
static void
test_many_rules(void **state)
{
	struct rules *r = rules_new();
	struct buf pack = { NULL, 0, 0 }, errs = { NULL, 0, 0 };
	struct hits hs = { { NULL, 0, 0 }, 0 };
	char *path = xasprintf("%s/many-state", tmpdir), *cause = NULL;
	int i, n = 3000;

	buf_adds(&pack, "rules = (\n"
	    "{ id = \"chain\"; severity = \"critical\";\n"
	    "  sequence = { key = [\"principal\"]; window = \"1h\";\n"
	    "    steps = ( \"r2999\", \"r0\" ); }; },\n"
	    "{ id = \"broken-chain\"; severity = \"low\";\n"
	    "  sequence = { key = [\"principal\"]; window = \"1h\";\n"
	    "    steps = ( \"r1\", \"nope\" ); }; },\n");
	for (i = 0; i < n; i++)
		buf_printf(&pack, "{ id = \"r%d\"; severity = \"low\"; pattern = "
		    "\"{\\\"detail\\\":{\\\"eventName\\\":[\\\"N%d\\\"]}}\"; },\n",
		    i, i);
	buf_adds(&pack, "{ id = \"burst\"; severity = \"high\";\n" GET_PATTERN
	    "  count = { key = [\"principal\"]; threshold = 2; window = \"1h\"; }; }\n"
	    ");\n");
	assert_int_equal(rules_load_string(r, "a.conf", pack.data, on_error,
	    &errs), 1);
	assert_non_null(strstr(errs.data, "sequence 'broken-chain' step 2: no "
	    "rule 'nope'"));
	assert_int_equal(rules_count(r), (size_t)n + 2);
	assert_string_equal(rules_id(r, 0), "chain");
	assert_string_equal(rules_id(r, (size_t)n), "r2999");
	assert_string_equal(rules_id(r, (size_t)n + 1), "burst");

	/* A second file: a duplicate names where the first one is; the
	 * dropped sequence's id can be used. */
	buf_reset(&errs);
	assert_int_equal(rules_load_string(r, "b.conf", "rules = (\n"
	    "{ id = \"r1500\"; severity = \"low\";\n" GET_PATTERN " },\n"
	    "{ id = \"broken-chain\"; severity = \"low\";\n" GET_PATTERN " }\n"
	    ");", on_error, &errs), 1);
	assert_non_null(strstr(errs.data, "b.conf:2: rule 'r1500' is already "
	    "defined at a.conf:1508"));
	assert_int_equal(rules_count(r), (size_t)n + 3);
	assert_string_equal(rules_id(r, (size_t)n + 2), "broken-chain");

	/* The steps resolved to the right rules. */
	assert_string_equal(ev(r, &hs, "N2999", "a", "10.0.0.1", "b", 0, NULL),
	    "r2999,");
	assert_string_equal(ev(r, &hs, "N0", "a", "10.0.0.1", "b", 1, NULL),
	    "r0,chain,");
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 2,
	    NULL), "broken-chain,");
	/* State is found again by rule id. */
	assert_int_equal(rules_state_save(r, path, &cause), 0);
	rules_free(r);
	r = rules_new();
	assert_int_equal(rules_load_string(r, "a.conf", pack.data, NULL, NULL),
	    1);
	assert_int_equal(rules_state_load(r, path, &cause), 0);
	assert_int_equal(rules_state_keys(r), 2);
	assert_string_equal(ev(r, &hs, "GetObject", "a", "10.0.0.1", "b", 3,
	    NULL), "burst,");
	rules_free(r);
	buf_free(&hs.ids);
	buf_free(&pack);
	buf_free(&errs);
	free(path);
}

/* "FILE RULE SEVERITY" of expect.txt for file, or NULL. */
static const char *
fixture_expected(const char *expect, const char *file, const char *id,
    char *sev, size_t size)
{
	char *want = xasprintf("\n%s %s ", file, id);
	const char *p = strstr(expect, want);

	if (p != NULL) {
		p += strlen(want);
		snprintf(sev, size, "%.*s", (int)strcspn(p, "\n"), p);
	}
	free(want);
	return p != NULL ? sev : NULL;
}

/* The fixture files of rule id: its .pos and .neg files and their
 * -CASE variants, each once. */
static int
fixture_filter_id(const struct dirent *d, const char *id)
{
	size_t n = strlen(id);

	return strncmp(d->d_name, id, n) == 0 && d->d_name[n] == '.' &&
	    (strncmp(d->d_name + n + 1, "pos", 3) == 0 ||
	    strncmp(d->d_name + n + 1, "neg", 3) == 0) &&
	    strchr(".-", d->d_name[n + 4]) != NULL &&
	    strstr(d->d_name, ".json") != NULL;
}

static void
test_fixtures(void **state)
{
	char *pack = xasprintf("%s/conf/rules.d", top_srcdir());
	char *dir = xasprintf("%s/tests/rules/fixtures", top_srcdir());
	char *path, *also_path, *line, *id_list, *hit, *end, sev[32];
	struct fixture_ctx x = { { NULL, 0, 0 }, { NULL, 0, 0 }, 0 };
	struct buf also = { NULL, 0, 0 }, allowed = { NULL, 0, 0 };
	struct buf expect = { NULL, 0, 0 }, seen = { NULL, 0, 0 };
	struct rules *r = rules_new();
	struct buf errs = { NULL, 0, 0 };
	struct dirent **names;
	struct rules_info ri;
	char *cause = NULL;
	const char *id, *want, *name;
	size_t i, checked = 0, idlen;
	int j, nnames, pos, neg;
	bool lines, positive;

	fixture_settings(r, dir);
	if (rules_load_dir(r, pack, on_error, &errs, &cause) != 0)
		fail_msg("%s: %s", pack, errs.data != NULL ? errs.data : cause);
	assert_true(rules_count(r) >= 60);
	also_path = xasprintf("%s/also-hits.txt", dir);
	assert_int_equal(buf_read_file(&also, also_path, 1 << 20), 0);
	free(also_path);
	also_path = xasprintf("%s/expect.txt", dir);
	assert_int_equal(buf_read_file(&expect, also_path, 1 << 20), 0);
	free(also_path);
	buf_adds(&seen, ",");

	if ((nnames = scandir(dir, &names, NULL, alphasort)) < 0)
		fail_msg("%s: cannot list", dir);
	for (i = 0; i < rules_count(r); i++) {
		id = rules_id(r, i);
		idlen = strlen(id);
		/* The rules the positive fixture may hit besides its own. */
		buf_reset(&allowed);
		buf_printf(&allowed, " %s ", id);
		line = xasprintf("\n%s:", id);
		if ((hit = strstr(also.data, line)) != NULL) {
			hit += strlen(line);
			end = strchr(hit, '\n');
			id_list = xstrndup(hit, end != NULL ? (size_t)(end - hit) :
			    strlen(hit));
			buf_printf(&allowed, "%s ", id_list);
			free(id_list);
		}
		free(line);
		pos = neg = 0;
		for (j = 0; j < nnames; j++) {
			name = names[j]->d_name;
			if (!fixture_filter_id(names[j], id))
				continue;
			buf_printf(&seen, "%s,", name);
			positive = strncmp(name + idlen + 1, "pos", 3) == 0;
			pos += positive;
			neg += !positive;
			lines = strstr(name, ".jsonl") != NULL;
			path = xasprintf("%s/%s", dir, name);
			run_fixture(pack, dir, path, lines, &x);
			line = xasprintf(",%s,", id);
			if (positive) {
				if (strstr(x.ids.data, line) == NULL)
					fail_msg("%s: rule %s did not hit (hits: %s)",
					    path, id, x.ids.data);
				/* Every other hit must be listed. */
				for (hit = x.ids.data + 1; *hit != '\0'; hit = end + 1) {
					end = strchr(hit, ',');
					id_list = xstrndup(hit, (size_t)(end - hit));
					if (!listed(allowed.data, id_list))
						fail_msg("%s: also hit %s, not listed in "
						    "also-hits.txt", path, id_list);
					free(id_list);
				}
				/* The severity: a check's own, else the rule's. */
				want = fixture_expected(expect.data, name, id, sev,
				    sizeof sev);
				if (want == NULL && rules_info(r, i, &ri))
					want = rules_severity_name(ri.severity);
				free(line);
				line = xasprintf(",%s=%s,", id, want);
				if (strstr(x.sevs.data, line) == NULL)
					fail_msg("%s: rule %s did not hit at %s "
					    "(hits: %s)", path, id, want, x.sevs.data);
			} else if (strstr(x.ids.data, line) != NULL)
				fail_msg("%s: rule %s hit", path, id);
			free(line);
			free(path);
			checked++;
		}
		if (pos == 0 || neg == 0)
			fail_msg("rule %s has no %s fixture", id, pos == 0 ?
			    "positive" : "negative");
	}
	/* No fixture is left of a rule that is gone. */
	for (j = 0; j < nnames; j++) {
		name = names[j]->d_name;
		line = xasprintf(",%s,", name);
		if (strstr(name, ".json") != NULL &&
		    strcmp(name, "settings.json") != 0 &&
		    strstr(seen.data, line) == NULL)
			fail_msg("%s: a fixture of no rule", name);
		free(line);
		free(names[j]);
	}
	free(names);
	assert_true(checked >= 2 * rules_count(r));
	print_message("%zu fixtures checked against %zu rules\n", checked,
	    rules_count(r));
	rules_free(r);
	buf_free(&x.ids);
	buf_free(&x.sevs);
	buf_free(&also);
	buf_free(&allowed);
	buf_free(&expect);
	buf_free(&seen);
	buf_free(&errs);
	free(pack);
	free(dir);
}

/* The shipped pack: every rule says what it does and why its severity; a
 * check rule's severity is the worst its check raises. */
static void
test_pack_rationale(void **state)
{
	char *pack = xasprintf("%s/conf/rules.d", top_srcdir());
	struct rules *r = rules_new();
	const struct rules_check *c;
	struct rules_info ri;
	char *cause = NULL;
	size_t i, checks = 0;

	if (rules_load_dir(r, pack, NULL, NULL, &cause) != 0)
		fail_msg("the pack %s does not load cleanly", pack);
	for (i = 0; rules_info(r, i, &ri); i++) {
		if (ri.rationale == NULL || strlen(ri.rationale) < 20)
			fail_msg("rule %s has no rationale", ri.id);
		if (ri.description == NULL)
			fail_msg("rule %s has no description", ri.id);
		if (ri.kind != RULES_CHECK)
			continue;
		assert_non_null(c = rules_check_find(ri.check));
		if (c->worst != ri.severity)
			fail_msg("rule %s is %s, its check raises up to %s", ri.id,
			    rules_severity_name(ri.severity),
			    rules_severity_name(c->worst));
		checks++;
	}
	/* Every check is in the pack. */
	for (c = rules_checks; c->name != NULL; c++)
		checks--;
	assert_int_equal(checks, 0);
	rules_free(r);
	free(pack);
}

static int
cleanup(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}

static int
setup(void **state)
{
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_errors_partial),
		cmocka_unit_test(test_load_semantics),
		cmocka_unit_test(test_pattern_and_fields),
		cmocka_unit_test(test_hit_fields),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_count_distinct_and_sum),
		cmocka_unit_test(test_first_seen),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_suppress_allow),
		cmocka_unit_test(test_allowed_cidrs),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_check_rules),
		cmocka_unit_test(test_bounded_memory),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_corrupt),
		cmocka_unit_test(test_many_rules),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_pack_rationale),
	};

	return cmocka_run_group_tests(tests, setup, cleanup);
}
