/* S3 server access log records: every era of the format, quoting, '-',
 * malformed and truncated lines, huge lines and binary junk. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "accesslog.h"
#include "buf.h"
#include "xalloc.h"

#define OWNER "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"

/* The first 17 fields, the original format. */
#define ERA17 OWNER " amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] " \
	"192.0.2.3 " OWNER " 3E57427F3EXAMPLE REST.GET.VERSIONING - " \
	"\"GET /amzn-s3-demo-bucket1?versioning HTTP/1.1\" 200 - 113 - 7 - " \
	"\"-\" \"S3Console/0.4\""
#define ERA18 ERA17 " -"
#define ERA24 ERA18 " s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/" \
	"eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader " \
	"amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSV1.2"
#define ERA25 ERA24 " arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP"
#define ERA26 ERA25 " Yes"
#define ERA27 ERA26 " us-east-1"

static void
parse_ok(const char *line, struct accesslog_record *r)
{
	const char *reason = NULL;

	if (accesslog_parse(line, strlen(line), r, &reason) != 0)
		fail_msg("did not parse (%s): %s", reason, line);
}

static void
parse_bad(const char *line, size_t len, const char *want)
{
	struct accesslog_record r;
	const char *reason = NULL;

	assert_int_equal(accesslog_parse(line, len, &r, &reason), -1);
	assert_non_null(reason);
	if (want != NULL)
		assert_string_equal(reason, want);
	assert_null(r.line);
	accesslog_record_free(&r);
}

static void
test_era17(void **state)
{
	struct accesslog_record r;

	(void)state;
	parse_ok(ERA17, &r);
	assert_int_equal(r.nfields, 17);
	assert_string_equal(r.field[ACCESSLOG_BUCKET_OWNER], OWNER);
	assert_string_equal(r.field[ACCESSLOG_BUCKET], "amzn-s3-demo-bucket1");
	assert_string_equal(r.field[ACCESSLOG_TIME],
	    "06/Feb/2019:00:00:38 +0000");
	assert_int_equal(r.time, 1549411238);
	assert_string_equal(r.field[ACCESSLOG_REMOTE_IP], "192.0.2.3");
	assert_string_equal(r.field[ACCESSLOG_REQUEST_ID], "3E57427F3EXAMPLE");
	assert_string_equal(r.field[ACCESSLOG_OPERATION], "REST.GET.VERSIONING");
	assert_null(r.field[ACCESSLOG_KEY]);
	assert_string_equal(r.field[ACCESSLOG_REQUEST_URI],
	    "GET /amzn-s3-demo-bucket1?versioning HTTP/1.1");
	assert_int_equal(r.http_status, 200);
	assert_null(r.field[ACCESSLOG_ERROR_CODE]);
	assert_int_equal(r.bytes_sent, 113);
	assert_int_equal(r.object_size, -1);
	assert_int_equal(r.total_time, 7);
	assert_int_equal(r.turn_around_time, -1);
	assert_null(r.field[ACCESSLOG_REFERER]);	/* "-" quoted */
	assert_string_equal(r.field[ACCESSLOG_USER_AGENT], "S3Console/0.4");
	assert_null(r.field[ACCESSLOG_VERSION_ID]);
	assert_null(r.field[ACCESSLOG_SOURCE_REGION]);
	assert_null(r.extra);
	accesslog_record_free(&r);
}

static void
test_every_era(void **state)
{
	static const struct {
		const char	*line;
		size_t		 nfields;
	} eras[] = {
		{ ERA17, 17 }, { ERA18, 18 }, { ERA24, 24 }, { ERA25, 25 },
		{ ERA26, 26 }, { ERA27, 27 },
	};
	struct accesslog_record r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof eras / sizeof eras[0]; i++) {
		parse_ok(eras[i].line, &r);
		assert_int_equal(r.nfields, eras[i].nfields);
		assert_int_equal(r.time, 1549411238);
		assert_string_equal(r.field[ACCESSLOG_USER_AGENT],
		    "S3Console/0.4");
		accesslog_record_free(&r);
	}
	parse_ok(ERA27, &r);
	assert_string_equal(r.field[ACCESSLOG_HOST_ID], "s9lzHYrFp76ZVxRcpX9+"
	    "5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=");
	assert_string_equal(r.field[ACCESSLOG_SIGNATURE_VERSION], "SigV4");
	assert_string_equal(r.field[ACCESSLOG_CIPHER_SUITE],
	    "ECDHE-RSA-AES128-GCM-SHA256");
	assert_string_equal(r.field[ACCESSLOG_AUTH_TYPE], "AuthHeader");
	assert_string_equal(r.field[ACCESSLOG_HOST_HEADER],
	    "amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com");
	assert_string_equal(r.field[ACCESSLOG_TLS_VERSION], "TLSV1.2");
	assert_string_equal(r.field[ACCESSLOG_ACCESS_POINT_ARN],
	    "arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP");
	assert_string_equal(r.field[ACCESSLOG_ACL_REQUIRED], "Yes");
	assert_string_equal(r.field[ACCESSLOG_SOURCE_REGION], "us-east-1");
	accesslog_record_free(&r);
}

static void
test_future_fields(void **state)
{
	struct accesslog_record r;

	(void)state;
	parse_ok(ERA27 " newfield \"quoted future\" x", &r);
	assert_int_equal(r.nfields, ACCESSLOG_NFIELDS);
	assert_string_equal(r.extra, "newfield \"quoted future\" x");
	accesslog_record_free(&r);
	/* A trailing space is not a field. */
	parse_ok(ERA27 " ", &r);
	assert_null(r.extra);
	accesslog_record_free(&r);
	/* CRLF line ends. */
	parse_ok(ERA26 "\r", &r);
	assert_string_equal(r.field[ACCESSLOG_ACL_REQUIRED], "Yes");
	accesslog_record_free(&r);
}

static void
test_object_request(void **state)
{
	static const char line[] = OWNER " awsexamplebucket1 "
	    "[06/Feb/2019:00:00:38 -0700] 2001:db8::1 "
	    "arn:aws:iam::123456789012:user/alice A1206F460EXAMPLE "
	    "REST.PUT.OBJECT photos/2019/cat%20picture.jpg "
	    "\"PUT /awsexamplebucket1/photos/2019/cat%20picture.jpg HTTP/1.1\" "
	    "403 AccessDenied 243 1048576 42 40 "
	    "\"https://example.com/page?a=1 b\" "
	    "\"aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64 \"quoted\"/1 "
	    "prompt/off\" 3HL4kqtJvjVBH40Nrjfkd - SigV4 - QueryString "
	    "s3.amazonaws.com TLSv1.3 - No";
	struct accesslog_record r;

	(void)state;
	parse_ok(line, &r);
	/* -0700: seven hours after the same clock time in UTC. */
	assert_int_equal(r.time, 1549411238 + 7 * 3600);
	assert_string_equal(r.field[ACCESSLOG_REMOTE_IP], "2001:db8::1");
	assert_string_equal(r.field[ACCESSLOG_REQUESTER],
	    "arn:aws:iam::123456789012:user/alice");
	assert_string_equal(r.field[ACCESSLOG_KEY],
	    "photos/2019/cat%20picture.jpg");
	assert_int_equal(r.http_status, 403);
	assert_string_equal(r.field[ACCESSLOG_ERROR_CODE], "AccessDenied");
	assert_int_equal(r.object_size, 1048576);
	assert_int_equal(r.turn_around_time, 40);
	assert_string_equal(r.field[ACCESSLOG_REFERER],
	    "https://example.com/page?a=1 b");
	/* A quote inside the User-Agent does not end it (unless a space
	 * follows it: see accesslog.h). */
	assert_string_equal(r.field[ACCESSLOG_USER_AGENT], "aws-cli/2.15.0 "
	    "Python/3.11.6 Linux/6.1 exe/x86_64 \"quoted\"/1 prompt/off");
	assert_string_equal(r.field[ACCESSLOG_VERSION_ID],
	    "3HL4kqtJvjVBH40Nrjfkd");
	assert_null(r.field[ACCESSLOG_HOST_ID]);
	assert_null(r.field[ACCESSLOG_CIPHER_SUITE]);
	assert_string_equal(r.field[ACCESSLOG_AUTH_TYPE], "QueryString");
	assert_string_equal(r.field[ACCESSLOG_ACL_REQUIRED], "No");
	assert_int_equal(r.nfields, 26);
	accesslog_record_free(&r);
}

static void
test_empty_quoted(void **state)
{
	struct accesslog_record r;
	char *line = xasprintf("%s", ERA17);
	char *p = strstr(line, "\"S3Console/0.4\"");

	(void)state;
	memcpy(p, "\"\"", 2);
	memmove(p + 2, p + 15, strlen(p + 15) + 1);
	parse_ok(line, &r);
	assert_string_equal(r.field[ACCESSLOG_USER_AGENT], "");
	accesslog_record_free(&r);
	free(line);
}

static void
test_time(void **state)
{
	(void)state;
	assert_int_equal(accesslog_parse_time("06/Feb/2019:00:00:38 +0000"),
	    1549411238);
	assert_int_equal(accesslog_parse_time("06/Feb/2019:05:30:38 +0530"),
	    1549411238);
	assert_int_equal(accesslog_parse_time("31/Dec/2023:23:59:59 +0000"),
	    1704067199);
	assert_int_equal(accesslog_parse_time("06/Foo/2019:00:00:38 +0000"), -1);
	assert_int_equal(accesslog_parse_time("06/Feb/2019:24:00:38 +0000"), -1);
	assert_int_equal(accesslog_parse_time("06/Feb/2019:00:00:38 0000"), -1);
	assert_int_equal(accesslog_parse_time("06/Feb/2019:00:00:38"), -1);
	assert_int_equal(accesslog_parse_time("6/Feb/2019:00:00:38 +0000"), -1);
	assert_int_equal(accesslog_parse_time(""), -1);
	assert_int_equal(accesslog_parse_time(NULL), -1);
	assert_string_equal(accesslog_field_name(ACCESSLOG_ACL_REQUIRED),
	    "acl_required");
	assert_string_equal(accesslog_field_name(ACCESSLOG_NFIELDS), "unknown");
}

static void
test_malformed(void **state)
{
	static const char huge_prefix[] = OWNER " b [06/Feb/2019:00:00:38 +0000] "
	    "1.2.3.4 - R REST.GET.OBJECT ";
	char *line, *huge;
	size_t n;

	(void)state;
	parse_bad("", 0, "empty line");
	parse_bad("\r", 1, "empty line");
	parse_bad("just some words", 15, "too few fields");
	/* Truncated at every length: never a crash, never a record. */
	for (n = 1; n < strlen(ERA17); n++) {
		struct accesslog_record r;
		const char *reason = NULL;

		if (accesslog_parse(ERA17, n, &r, &reason) == 0)
			fail_msg("a truncated line parsed: %.*s", (int)n, ERA17);
		assert_non_null(reason);
		accesslog_record_free(&r);
	}
	parse_bad(OWNER " b [06/Feb/2019:00:00:38 +0000 1.2.3.4", 74,
	    "unterminated [time]");
	/* Without the User-Agent's closing quote. */
	parse_bad(ERA17, strlen(ERA17) - 1, "unterminated quoted field");
	line = xasprintf("%s", ERA17);
	memcpy(strstr(line, "06/Feb"), "06/Fex", 6);
	parse_bad(line, strlen(line), "time does not parse");
	free(line);
	line = xasprintf("%s", ERA17);
	memcpy(strstr(line, " 200 "), " 2x0 ", 5);
	parse_bad(line, strlen(line), "HTTP status is not a number");
	free(line);
	line = xasprintf("%s", ERA17);
	memcpy(strstr(line, " 113 "), " -13 ", 5);
	parse_bad(line, strlen(line), "bytes sent is not a number");
	free(line);
	line = xasprintf("%s", ERA17);
	memcpy(strstr(line, " 200 "), " 2000", 5);
	parse_bad(line, strlen(line), NULL);
	free(line);
	/* A number that overflows. */
	line = xasprintf("%s", ERA17);
	{
		char *big = xasprintf("%.*s 99999999999999999999999 %s",
		    (int)(strstr(line, " 113 ") - line), line,
		    strstr(line, " 113 ") + 5);

		parse_bad(big, strlen(big), "bytes sent is not a number");
		free(big);
	}
	free(line);
	/* Huge: refused whole, never copied. */
	n = ACCESSLOG_MAX_LINE + 10;
	huge = xmalloc(n + 1);
	memset(huge, 'k', n);
	memcpy(huge, huge_prefix, sizeof huge_prefix - 1);
	huge[n] = '\0';
	parse_bad(huge, n, "line too long");
	free(huge);
}

static void
test_huge_field_within_limit(void **state)
{
	struct accesslog_record r;
	struct buf b = { 0 };
	const char *reason = NULL;
	size_t i;

	(void)state;
	/* A 100 KiB User-Agent still parses. */
	buf_adds(&b, ERA17);
	b.len--;	/* drop the closing quote */
	for (i = 0; i < 100 * 1024; i++)
		buf_addc(&b, 'A');
	buf_adds(&b, "\" -");
	assert_int_equal(accesslog_parse(b.data, b.len, &r, &reason), 0);
	assert_int_equal(strlen(r.field[ACCESSLOG_USER_AGENT]),
	    strlen("S3Console/0.4") + 100 * 1024);
	accesslog_record_free(&r);
	buf_free(&b);
}

static void
test_binary_junk(void **state)
{
	struct accesslog_record r;
	const char *reason;
	char junk[1024], *line;
	unsigned seed = 12345;
	size_t i, j, n;
	int ok = 0;

	(void)state;
	/* Invalid UTF-8 and control characters are kept as they are. */
	line = xasprintf("%s", ERA17);
	memcpy(strstr(line, "S3Console"), "\xff\xfe\x1b[2J\x01", 7);
	parse_ok(line, &r);
	assert_memory_equal(r.field[ACCESSLOG_USER_AGENT], "\xff\xfe\x1b[2J\x01",
	    7);
	accesslog_record_free(&r);
	free(line);
	/* A NUL inside a field cuts it short, nothing worse. */
	line = xasprintf("%s", ERA17);
	n = strlen(line);
	*strstr(line, "REST.GET") = '\0';
	if (accesslog_parse(line, n, &r, &reason) == 0)
		assert_string_equal(r.field[ACCESSLOG_OPERATION], "");
	accesslog_record_free(&r);
	free(line);
	/* Random bytes, and random corruptions of a good line. */
	for (i = 0; i < 20000; i++) {
		n = (size_t)rand_r(&seed) % sizeof junk;
		if (i % 2 == 0) {
			for (j = 0; j < n; j++)
				junk[j] = (char)rand_r(&seed);
		} else {
			n = strlen(ERA27);
			memcpy(junk, ERA27, n);
			for (j = 0; j < 3; j++)
				junk[(size_t)rand_r(&seed) % n] =
				    (char)rand_r(&seed);
			n = (size_t)rand_r(&seed) % (n + 1);
		}
		reason = NULL;
		if (accesslog_parse(junk, n, &r, &reason) == 0) {
			ok++;
			assert_true(r.nfields >= ACCESSLOG_MIN_FIELDS);
		} else
			assert_non_null(reason);
		accesslog_record_free(&r);
	}
	assert_true(ok > 0);
}

static void
test_iter(void **state)
{
	static const char data[] =
	    ERA17 "\n"
	    "\n"
	    "garbage line\n"
	    ERA27 "\r\n"
	    "\r\n"
	    OWNER " b [06/Feb/2019:00:00:38 +0000] \"unterminated\n"
	    ERA26;		/* no final newline */
	struct accesslog_iter *it = accesslog_iter_new(data, sizeof data - 1);
	const struct accesslog_record *r;
	const struct accesslog_error *e;
	size_t n;

	(void)state;
	r = accesslog_iter_next(it);
	assert_non_null(r);
	assert_int_equal(r->nfields, 17);
	r = accesslog_iter_next(it);
	assert_non_null(r);
	assert_int_equal(r->nfields, 27);
	assert_string_equal(r->field[ACCESSLOG_SOURCE_REGION], "us-east-1");
	r = accesslog_iter_next(it);
	assert_non_null(r);
	assert_int_equal(r->nfields, 26);
	assert_null(accesslog_iter_next(it));
	assert_null(accesslog_iter_next(it));
	assert_int_equal(accesslog_iter_records(it), 3);
	assert_int_equal(accesslog_iter_malformed(it), 2);
	e = accesslog_iter_errors(it, &n);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].line, 3);
	assert_string_equal(e[0].reason, "too few fields");
	assert_int_equal(e[1].line, 6);
	assert_string_equal(e[1].reason, "unterminated quoted field");
	accesslog_iter_free(it);

	it = accesslog_iter_new(NULL, 0);
	assert_null(accesslog_iter_next(it));
	accesslog_iter_free(it);
	accesslog_iter_free(NULL);
}

static void
test_iter_many_errors(void **state)
{
	struct accesslog_iter *it;
	const struct accesslog_error *e;
	struct buf b = { 0 };
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < 250; i++)
		buf_adds(&b, i == 200 ? ERA17 "\n" : "bad\n");
	it = accesslog_iter_new(b.data, b.len);
	while (accesslog_iter_next(it) != NULL)
		n++;
	assert_int_equal(n, 1);
	assert_int_equal(accesslog_iter_malformed(it), 249);
	e = accesslog_iter_errors(it, &n);
	assert_int_equal(n, ACCESSLOG_MAX_ERRORS);
	assert_int_equal(e[ACCESSLOG_MAX_ERRORS - 1].line, ACCESSLOG_MAX_ERRORS);
	accesslog_iter_free(it);
	buf_free(&b);
}

static void
test_iter_files(void **state)
{
	char path[] = "/tmp/accesslog-test.XXXXXX", *cause = NULL;
	static const char text[] = ERA17 "\nbad\n" ERA24 "\n";
	struct accesslog_iter *it;
	gzFile gz;
	FILE *f;
	int fd, i;

	(void)state;
	for (i = 0; i < 2; i++) {
		fd = mkstemp(path);
		assert_true(fd >= 0);
		close(fd);
		if (i == 0) {
			f = fopen(path, "w");
			fputs(text, f);
			fclose(f);
		} else {
			gz = gzopen(path, "wb");
			gzwrite(gz, text, sizeof text - 1);
			gzclose(gz);
		}
		it = accesslog_iter_open(path, &cause);
		assert_non_null(it);
		assert_non_null(accesslog_iter_next(it));
		assert_non_null(accesslog_iter_next(it));
		assert_null(accesslog_iter_next(it));
		assert_int_equal(accesslog_iter_malformed(it), 1);
		accesslog_iter_free(it);
		unlink(path);
		memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	}
	assert_null(accesslog_iter_open("/nonexistent/log", &cause));
	assert_non_null(strstr(cause, "/nonexistent/log"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_era17),
		cmocka_unit_test(test_every_era),
		cmocka_unit_test(test_future_fields),
		cmocka_unit_test(test_object_request),
		cmocka_unit_test(test_empty_quoted),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_huge_field_within_limit),
		cmocka_unit_test(test_binary_junk),
		cmocka_unit_test(test_iter),
		cmocka_unit_test(test_iter_many_errors),
		cmocka_unit_test(test_iter_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
