/* The access report: aggregation, bounds, and each format's escaping. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alerts.h"
#include "ctevent.h"
#include "report.h"
#include "xalloc.h"

/* 2026-11-24T00:00:00Z and a week later. */
#define T_SINCE	1795478400000LL
#define T_UNTIL	(T_SINCE + 7LL * 86400 * 1000)

/* A value meant to break every format: a column, a quote, a comma,
 * markup, an escape sequence, a C1 control and invalid UTF-8. */
#define HOSTILE	"a|b\",c<script>alert(1)</script>\x1b[31m\xc2\x9b\xff=x"

static struct report *
new_report(size_t max_rows)
{
	struct report_options o = {
		.title = "Test report",
		.source = "CloudWatch Logs group /aws/cloudtrail/test",
		.since_ms = T_SINCE,
		.until_ms = T_UNTIL,
		.max_rows = max_rows,
	};

	return report_new(&o);
}

static void
add(struct report *r, const char *json)
{
	assert_int_equal(report_add_json(r, json, strlen(json), 0), 0);
}

static char *
ct(const char *id, const char *time, const char *source, const char *name,
    const char *who, const char *ip, const char *bucket, const char *error,
    const char *extra)
{
	return xasprintf("{\"eventID\":\"%s\",\"eventTime\":\"%s\","
	    "\"eventSource\":\"%s\",\"eventName\":\"%s\","
	    "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":"
	    "\"arn:aws:iam::123456789012:user/%s\"},\"sourceIPAddress\":\"%s\","
	    "\"requestParameters\":{\"bucketName\":\"%s\"%s%s}%s%s%s}", id,
	    time, source, name, who, ip, bucket, extra != NULL ? "," : "",
	    extra != NULL ? extra : "", error != NULL ? ",\"errorCode\":\"" :
	    "", error != NULL ? error : "", error != NULL ? "\"" : "");
}

static void
add_ct(struct report *r, const char *id, const char *time,
    const char *source, const char *name, const char *who, const char *ip,
    const char *bucket, const char *error, const char *extra)
{
	char *j = ct(id, time, source, name, who, ip, bucket, error, extra);

	add(r, j);
	free(j);
}

static size_t
count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
		n++;
	return n;
}

/* --- a small RFC 4180 reader, to check the writer ------------------------ */

struct csv {
	char	***rows;	/* rows of fields */
	size_t	 *nfields;
	size_t	  nrows;
};

static void
csv_parse(const char *s, struct csv *c)
{
	char **fields = NULL;
	size_t nf = 0;
	char *cur = xmalloc(strlen(s) + 1);
	size_t len = 0;
	bool quoted = false, in_quotes = false;

	memset(c, 0, sizeof *c);
	while (*s != '\0') {
		if (in_quotes) {
			if (*s == '"' && s[1] == '"') {
				cur[len++] = '"';
				s += 2;
			} else if (*s == '"') {
				in_quotes = false;
				s++;
			} else
				cur[len++] = *s++;
			continue;
		}
		if (*s == '"') {
			/* A quote opens a field only at its start. */
			assert_int_equal(len, 0);
			assert_false(quoted);
			quoted = in_quotes = true;
			s++;
		} else if (*s == ',' || (*s == '\r' && s[1] == '\n')) {
			fields = xreallocarray(fields, nf + 1, sizeof *fields);
			fields[nf++] = xstrndup(cur, len);
			len = 0;
			quoted = false;
			if (*s == '\r') {
				c->rows = xreallocarray(c->rows, c->nrows + 1,
				    sizeof *c->rows);
				c->nfields = xreallocarray(c->nfields,
				    c->nrows + 1, sizeof *c->nfields);
				c->rows[c->nrows] = fields;
				c->nfields[c->nrows++] = nf;
				fields = NULL;
				nf = 0;
				s++;
			}
			s++;
		} else {
			/* Bare CR, LF or quote never appear unquoted. */
			assert_true(*s != '\r' && *s != '\n');
			assert_false(quoted);
			cur[len++] = *s++;
		}
	}
	assert_false(in_quotes);
	assert_int_equal(nf, 0);	/* every record ends in CRLF */
	assert_int_equal(len, 0);
	free(cur);
	free(fields);
}

static void
csv_free(struct csv *c)
{
	size_t i, k;

	for (i = 0; i < c->nrows; i++) {
		for (k = 0; k < c->nfields[i]; k++)
			free(c->rows[i][k]);
		free(c->rows[i]);
	}
	free(c->rows);
	free(c->nfields);
}

static int
csv_col(const struct csv *c, const char *name)
{
	size_t k;

	for (k = 0; k < c->nfields[0]; k++)
		if (strcmp(c->rows[0][k], name) == 0)
			return (int)k;
	fail_msg("no column %s", name);
	return -1;
}

/* The first row of a section whose column col equals value. */
static const char *const *
csv_find(const struct csv *c, const char *section, const char *col,
    const char *value)
{
	int k = csv_col(c, col);
	size_t i;

	for (i = 1; i < c->nrows; i++)
		if (strcmp(c->rows[i][0], section) == 0 &&
		    strcmp(c->rows[i][k], value) == 0)
			return (const char *const *)c->rows[i];
	return NULL;
}

/* --- tests --------------------------------------------------------------- */

static void
test_tables(void **state)
{
	(void)state;
	assert_string_equal(report_change_kind("s3.amazonaws.com",
	    "PutBucketPolicy"), "bucket policy");
	assert_string_equal(report_change_kind("s3.amazonaws.com",
	    "PutBucketPublicAccessBlock"), "public access block");
	assert_string_equal(report_change_kind("cloudtrail.amazonaws.com",
	    "StopLogging"), "trail");
	assert_string_equal(report_change_kind("lambda.amazonaws.com",
	    "UpdateFunctionCode20150331v2"), "Lambda function");
	assert_string_equal(report_change_kind("events.amazonaws.com",
	    "DisableRule"), "EventBridge rule");
	/* The source matters, and a longer name is another event. */
	assert_null(report_change_kind("elasticloadbalancing.amazonaws.com",
	    "DeleteRule"));
	assert_null(report_change_kind("s3.amazonaws.com",
	    "PutBucketPolicyStatus"));
	assert_null(report_change_kind("s3.amazonaws.com", "GetBucketPolicy"));
	assert_null(report_change_kind(NULL, "PutBucketPolicy"));
	assert_true(ctevent_denied("AccessDenied"));
	assert_true(ctevent_denied("AccessDeniedException"));
	assert_true(ctevent_denied("Client.UnauthorizedOperation"));
	assert_false(ctevent_denied("NoSuchKey"));
	assert_false(ctevent_denied(""));
	assert_false(ctevent_denied(NULL));
	assert_int_equal(report_format_find("md"), REPORT_MD);
	assert_int_equal(report_format_find("markdown"), REPORT_MD);
	assert_int_equal(report_format_find("csv"), REPORT_CSV);
	assert_int_equal(report_format_find("html"), REPORT_HTML);
	assert_int_equal(report_format_find("pdf"), -1);
}

/* A small week: alice reads, bob is refused, carol changes things. */
static struct report *
sample(void)
{
	struct report *r = new_report(0);

	add_ct(r, "e1", "2026-11-24T10:00:00Z", "s3.amazonaws.com",
	    "GetObject", "alice", "10.0.0.1", "docs", NULL, NULL);
	add_ct(r, "e2", "2026-11-24T11:00:00Z", "s3.amazonaws.com",
	    "GetObject", "alice", "10.0.0.1", "docs", NULL, NULL);
	add_ct(r, "e3", "2026-11-25T09:00:00Z", "s3.amazonaws.com",
	    "PutObject", "alice", "10.0.0.1", "media", NULL, NULL);
	/* CloudTrail delivered e2 twice. */
	add_ct(r, "e2", "2026-11-24T11:00:00Z", "s3.amazonaws.com",
	    "GetObject", "alice", "10.0.0.1", "docs", NULL, NULL);
	add_ct(r, "d1", "2026-11-25T12:00:00Z", "s3.amazonaws.com",
	    "GetObject", "bob", "203.0.113.9", "docs", "AccessDenied", NULL);
	add_ct(r, "d2", "2026-11-26T12:00:00Z", "s3.amazonaws.com",
	    "GetObject", "bob", "203.0.113.9", "docs", "AccessDenied", NULL);
	add_ct(r, "c1", "2026-11-26T13:00:00Z", "s3.amazonaws.com",
	    "PutBucketPolicy", "carol", "10.0.0.7", "docs", NULL, NULL);
	add_ct(r, "c2", "2026-11-26T14:00:00Z", "cloudtrail.amazonaws.com",
	    "StopLogging", "carol", "10.0.0.7", "", NULL,
	    "\"name\":\"s3-security-monitoring-trail\"");
	add_ct(r, "c3", "2026-11-26T15:00:00Z", "lambda.amazonaws.com",
	    "UpdateFunctionCode20150331v2", "carol", "10.0.0.7", "",
	    "AccessDeniedException", "\"functionName\":\"s3watch-analyser\"");
	/* Not a change, not S3: only counted. */
	add_ct(r, "x1", "2026-11-26T16:00:00Z", "sts.amazonaws.com",
	    "GetCallerIdentity", "carol", "10.0.0.7", "", NULL, NULL);
	assert_int_equal(report_add_json(r, "not json {", 10, 0), -1);
	assert_int_equal(report_add_json(r, "[1,2]", 5, 0), -1);
	return r;
}

static void
test_aggregation(void **state)
{
	struct report *r = sample();
	const struct report_counts *n = report_counts(r);
	char *md;

	(void)state;
	assert_int_equal(n->records, 12);
	assert_int_equal(n->duplicates, 1);
	assert_int_equal(n->malformed, 2);
	assert_int_equal(n->s3, 6);
	assert_int_equal(n->denied, 3);
	assert_int_equal(n->changes, 3);
	md = report_render(r, REPORT_MD);
	assert_non_null(strstr(md, "# Test report\n"));
	/* Per principal, busiest first, then per principal and bucket. */
	assert_non_null(strstr(md, "| arn:aws:iam::123456789012:user/alice "
	    "| 3 | 0 | 2026-11-24T10:00:00Z | 2026-11-25T09:00:00Z |\n"));
	assert_non_null(strstr(md, "| arn:aws:iam::123456789012:user/alice "
	    "| docs | 2 | 0 |"));
	assert_non_null(strstr(md, "| arn:aws:iam::123456789012:user/alice "
	    "| media | 1 | 0 |"));
	assert_true(strstr(md, "user/alice | 3 |") < strstr(md,
	    "user/bob | 2 |"));
	/* Denied: who, from where, what, how often. */
	assert_non_null(strstr(md, "| arn:aws:iam::123456789012:user/bob | "
	    "203.0.113.9 | docs | GetObject | AccessDenied | 2 | "
	    "2026-11-25T12:00:00Z | 2026-11-26T12:00:00Z |\n"));
	/* Per day, in order. */
	assert_non_null(strstr(md, "| 2026-11-24 | 2 | 0 |\n"
	    "| 2026-11-25 | 2 | 1 |\n| 2026-11-26 | 5 | 2 |\n"));
	/* Changes, in time order, with their targets. */
	assert_non_null(strstr(md, "| 2026-11-26T13:00:00Z | bucket policy | "
	    "PutBucketPolicy | arn:aws:iam::123456789012:user/carol | "
	    "10.0.0.7 | docs | ok |\n"));
	assert_non_null(strstr(md, "| StopLogging | "
	    "arn:aws:iam::123456789012:user/carol | 10.0.0.7 | "
	    "s3-security-monitoring-trail | ok |"));
	assert_non_null(strstr(md, "s3watch-analyser | AccessDeniedException |"));
	assert_null(strstr(md, "GetCallerIdentity"));
	assert_non_null(strstr(md, "| Duplicates dropped | 1 |"));
	assert_non_null(strstr(md, "| Posture | not checked |"));
	assert_non_null(strstr(md, "The posture was not checked."));
	free(md);
	report_free(r);
}

static void
test_bounded(void **state)
{
	struct report *r = new_report(3);
	struct report_record rec;
	char who[32], id[32], *md;
	int i;

	(void)state;
	memset(&rec, 0, sizeof rec);
	rec.source = "s3.amazonaws.com";
	rec.name = "GetObject";
	rec.bucket = "b";
	rec.time = "2026-11-24T10:00:00Z";
	for (i = 0; i < 10; i++) {
		snprintf(who, sizeof who, "p%02d", i);
		snprintf(id, sizeof id, "id%d", i);
		rec.principal = who;
		rec.event_id = id;
		report_add_record(r, &rec);
	}
	assert_int_equal(report_counts(r)->s3, 10);
	assert_true(report_counts(r)->other >= 7);
	md = report_render(r, REPORT_MD);
	/* Three principals kept, seven in one row. */
	assert_non_null(strstr(md, "| p00 | 1 | 0 |"));
	assert_non_null(strstr(md, "| p02 | 1 | 0 |"));
	assert_null(strstr(md, "| p03 |"));
	assert_non_null(strstr(md, "| (other) | 7 | 0 |"));
	assert_non_null(strstr(md, "| (other) | (other) | 7 | 0 |"));
	assert_non_null(strstr(md, "| Principals seen | more than 3 |"));
	assert_non_null(strstr(md, "rows: each table keeps its first 3 keys"));
	free(md);
	report_free(r);
}

static struct report *
hostile(void)
{
	struct report *r = new_report(0);
	struct report_record rec;
	struct alerts *t = alerts_new(NULL, 0);
	struct json_object *o;
	struct alert *a;
	size_t i;

	memset(&rec, 0, sizeof rec);
	rec.event_id = "h1";
	rec.time = "2026-11-25T10:00:00Z";
	rec.source = "s3.amazonaws.com";
	rec.name = "PutBucketAcl";
	rec.principal = HOSTILE;
	rec.source_ip = "10.0.0.1";
	rec.bucket = "docs";
	rec.error_code = "AccessDenied";
	report_add_record(r, &rec);
	/* An ESC from JSON text too. */
	add(r, "{\"eventID\":\"h2\",\"eventTime\":\"2026-11-25T11:00:00Z\","
	    "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\","
	    "\"userIdentity\":{\"arn\":\"x\\u001b[2Jy\\u0007z\"},"
	    "\"requestParameters\":{\"bucketName\":\"b|c\"}}");
	o = json_tokener_parse("{\"type\":\"alert\",\"rule\":\"S3-DELETE\","
	    "\"title\":\"t\",\"key\":\"k<b>\",\"severity\":\"high\",\"count\":4,"
	    "\"first_seen\":\"2026-11-25T10:00:00Z\","
	    "\"last_seen\":\"2026-11-25T10:05:00Z\"}");
	assert_true(alerts_apply(t, o, true));
	json_object_put(o);
	o = json_tokener_parse("{\"type\":\"alert\",\"rule\":\"S3-OPEN\","
	    "\"title\":\"t\",\"key\":\"k2\",\"severity\":\"low\",\"count\":1}");
	assert_true(alerts_apply(t, o, true));
	json_object_put(o);
	o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("ack"));
	json_object_object_add(o, "rule", json_object_new_string("S3-DELETE"));
	json_object_object_add(o, "key", json_object_new_string("k<b>"));
	json_object_object_add(o, "who", json_object_new_string("ann@host"));
	json_object_object_add(o, "at", json_object_new_string(
	    "2026-11-25T12:00:00Z"));
	json_object_object_add(o, "note", json_object_new_string(HOSTILE));
	json_object_object_add(o, "covers_ms", json_object_new_int64(
	    INT64_MAX));
	json_object_object_add(o, "seen_ms", json_object_new_int64(INT64_MAX));
	json_object_object_add(o, "trust", json_object_new_string("local"));
	assert_true(alerts_apply(t, o, true));
	json_object_put(o);
	for (i = 0; (a = alerts_at(t, i)) != NULL; i++)
		report_add_alert(r, a);
	alerts_free(t);
	assert_int_equal(report_counts(r)->acks, 1);
	report_add_posture(r, 3, "P-05", "PASS", "the trail is logging", NULL);
	report_add_posture(r, 4, "P-07", "FAIL", HOSTILE, "run setup");
	report_add_note(r, "note with \x1b]0;title\x07");
	return r;
}

static void
no_raw_controls(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		assert_true(*p >= 0x20 || *p == '\n' || *p == '\r');
	assert_null(strstr(s, "\xc2\x9b"));	/* CSI as C1 */
	assert_null(strstr(s, "\xff"));
}

static void
test_markdown_escaping(void **state)
{
	struct report *r = hostile();
	char *md = report_render(r, REPORT_MD), *line, *save = NULL;
	size_t pipes, expect = 0;
	const char *p;

	(void)state;
	no_raw_controls(md);
	assert_null(strstr(md, "<script>"));
	assert_non_null(strstr(md, "a\\|b\",c\\<script\\>alert(1)\\</"
	    "script\\>?\\[31m?\xef\xbf\xbd=x"));
	assert_non_null(strstr(md, "x?\\[2Jy?z"));
	assert_non_null(strstr(md, "| b\\|c |"));
	assert_non_null(strstr(md, "| ann@host | 2026-11-25T12:00:00Z |"));
	assert_non_null(strstr(md, "| 4 | P-07 | FAIL |"));
	/* Every row of a table has as many unescaped pipes as its header. */
	for (line = strtok_r(md, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (*line != '|') {
			expect = 0;
			continue;
		}
		for (pipes = 0, p = line; *p != '\0'; p++) {
			if (*p == '\\') {
				p++;
				continue;
			}
			if (*p == '|')
				pipes++;
		}
		if (expect == 0)
			expect = pipes;
		assert_int_equal(pipes, expect);
	}
	free(md);
	report_free(r);
}

static void
test_csv_quoting(void **state)
{
	struct report *r = hostile();
	char *text = report_render(r, REPORT_CSV);
	const char *const *row;
	struct csv c;
	size_t i;
	int col;

	(void)state;
	no_raw_controls(text);
	csv_parse(text, &c);
	assert_true(c.nrows > 5);
	assert_string_equal(c.rows[0][0], "section");
	for (i = 0; i < c.nrows; i++)
		assert_int_equal(c.nfields[i], c.nfields[0]);
	/* The hostile principal comes back whole (made safe, not mangled). */
	row = csv_find(&c, "denied", "error_code", "AccessDenied");
	assert_non_null(row);
	assert_string_equal(row[csv_col(&c, "principal")],
	    "a|b\",c<script>alert(1)</script>?[31m?\xef\xbf\xbd=x");
	assert_string_equal(row[csv_col(&c, "count")], "1");
	row = csv_find(&c, "changes", "action", "PutBucketAcl");
	assert_non_null(row);
	assert_string_equal(row[csv_col(&c, "change")], "bucket ACL");
	assert_string_equal(row[csv_col(&c, "result")], "AccessDenied");
	row = csv_find(&c, "acks", "rule", "S3-DELETE");
	assert_non_null(row);
	assert_string_equal(row[csv_col(&c, "acked_by")], "ann@host");
	assert_string_equal(row[csv_col(&c, "alert_key")], "k<b>");
	assert_null(csv_find(&c, "acks", "rule", "S3-OPEN"));
	row = csv_find(&c, "posture", "check", "P-07");
	assert_non_null(row);
	assert_string_equal(row[csv_col(&c, "result")], "FAIL");
	assert_string_equal(row[csv_col(&c, "step")], "4");
	row = csv_find(&c, "summary", "item", "S3 accesses");
	assert_non_null(row);
	assert_string_equal(row[csv_col(&c, "value")], "2");
	/* Quoting: the field holding a quote and a comma is quoted. */
	assert_non_null(strstr(text, ",\"a|b\"\",c<script>"));
	col = csv_col(&c, "note");
	assert_true(col > 0);
	csv_free(&c);
	free(text);
	report_free(r);
}

static void
test_csv_formula(void **state)
{
	struct report *r = new_report(0);
	struct report_record rec;
	char *text;
	struct csv c;
	const char *const *row;

	(void)state;
	memset(&rec, 0, sizeof rec);
	rec.source = "s3.amazonaws.com";
	rec.name = "GetObject";
	rec.principal = "=HYPERLINK(\"http://x\")";
	rec.bucket = "@b";
	report_add_record(r, &rec);
	text = report_render(r, REPORT_CSV);
	csv_parse(text, &c);
	row = csv_find(&c, "accesses", "bucket", "'@b");
	assert_non_null(row);
	assert_string_equal(row[csv_col(&c, "principal")],
	    "'=HYPERLINK(\"http://x\")");
	csv_free(&c);
	free(text);
	report_free(r);
}

static void
test_html(void **state)
{
	struct report *r = hostile();
	char *html = report_render(r, REPORT_HTML);
	const char *p;

	(void)state;
	no_raw_controls(html);
	assert_int_equal(strncmp(html, "<!DOCTYPE html>\n", 16), 0);
	p = html + strlen(html);
	assert_int_equal(strcmp(p - 8, "</html>\n"), 0);
	assert_int_equal(count_of(html, "<html"), 1);
	/* Charts are inline SVG; nothing runs, nothing is fetched. */
	assert_true(count_of(html, "<svg ") >= 2);
	assert_int_equal(count_of(html, "<svg "), count_of(html, "</svg>"));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "href="));
	assert_null(strstr(html, "url("));
	assert_null(strstr(html, "@import"));
	assert_non_null(strstr(html, "default-src 'none'"));
	/* Every value escaped, in tables and chart labels alike. */
	assert_non_null(strstr(html, "<td>a|b&quot;,c&lt;script&gt;alert(1)"
	    "&lt;/script&gt;?[31m?\xef\xbf\xbd=x</td>"));
	assert_non_null(strstr(html, "class=\"l\">a|b&quot;,c&lt;script&gt;"));
	assert_non_null(strstr(html, "<td>k&lt;b&gt;</td>"));
	assert_non_null(strstr(html, "<td>ann@host</td>"));
	assert_non_null(strstr(html, "<tr class=\"FAIL\"><td class=\"n\">4"
	    "</td><td>P-07</td>"));
	assert_non_null(strstr(html, "note with ?]0;title?"));
	/* Every day of the window is a column, denials or not. */
	assert_int_equal(count_of(html, "class=\"d\""), 8);
	assert_non_null(strstr(html, "<title>2026-11-25: 1 denied</title>"));
	assert_non_null(strstr(html, "<title>2026-12-01: 0 denied</title>"));
	free(html);
	report_free(r);
}

static void
test_html_labels_cut(void **state)
{
	struct report *r = new_report(0);
	struct report_record rec;
	char *html, *who, *label;

	(void)state;
	/* 60 two-byte characters: the last 47 kept, never half of one. */
	who = xcalloc(1, 121);
	for (int i = 0; i < 60; i++)
		memcpy(who + 2 * i, "\xc3\xa9", 2);
	memset(&rec, 0, sizeof rec);
	rec.source = "s3.amazonaws.com";
	rec.name = "GetObject";
	rec.principal = who;
	rec.time = "2026-11-25T10:00:00Z";
	report_add_record(r, &rec);
	html = report_render(r, REPORT_HTML);
	label = xasprintf(">\xe2\x80\xa6%s</text>", who + 26);
	assert_non_null(strstr(html, label));
	free(label);
	label = xasprintf("<td>%s</td>", who);
	assert_non_null(strstr(html, label));
	free(label);
	free(html);
	free(who);
	report_free(r);
}

static void
test_empty(void **state)
{
	struct report_options o = { .until_ms = T_UNTIL };
	struct report *r = report_new(&o);
	char *md, *csv, *html;

	(void)state;
	md = report_render(r, REPORT_MD);
	csv = report_render(r, REPORT_CSV);
	html = report_render(r, REPORT_HTML);
	assert_non_null(strstr(md, "# S3 access report"));
	assert_non_null(strstr(md, "No S3 access in the window."));
	assert_non_null(strstr(md, "| From | (start of the group) |"));
	assert_int_equal(strncmp(csv, "section,item,value,", 19), 0);
	assert_null(strstr(html, "<svg"));
	assert_non_null(strstr(html, "No denied attempt in the window."));
	free(md);
	free(csv);
	free(html);
	report_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_aggregation),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_markdown_escaping),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_csv_formula),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_html_labels_cut),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
