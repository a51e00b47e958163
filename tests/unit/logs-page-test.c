/* The streaming FilterLogEvents page scanner (logs_filter_page_scan). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "svc_logs.h"
#include "xalloc.h"

#define MAX_SEEN	8

/* What the callback saw, copied (the event is borrowed). */
struct seen {
	size_t	 n;
	char	*id[MAX_SEEN];
	char	*stream[MAX_SEEN];
	char	*msg[MAX_SEEN];
	size_t	 len[MAX_SEEN];
	int64_t	 ts[MAX_SEEN];
	int64_t	 ing[MAX_SEEN];
};

static void
on_event(const struct logs_event_ref *e, void *arg)
{
	struct seen *s = arg;
	size_t i = s->n++;

	assert_true(i < MAX_SEEN);
	assert_non_null(e->message);
	assert_int_equal(e->message[e->len], '\0');
	s->id[i] = e->id != NULL ? xstrdup(e->id) : NULL;
	s->stream[i] = e->stream != NULL ? xstrdup(e->stream) : NULL;
	s->msg[i] = xmalloc(e->len + 1);
	memcpy(s->msg[i], e->message, e->len + 1);
	s->len[i] = e->len;
	s->ts[i] = e->timestamp;
	s->ing[i] = e->ingestion_time;
}

static void
seen_free(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->id[i]);
		free(s->stream[i]);
		free(s->msg[i]);
	}
	memset(s, 0, sizeof *s);
}

static int
scan(const char *body, struct seen *s, char **token, char **cause)
{
	memset(s, 0, sizeof *s);
	*token = NULL;
	*cause = NULL;
	return logs_filter_page_scan(body, strlen(body), on_event, s, token,
	    cause);
}

static void
test_page(void **state)
{
	struct seen s;
	char *token, *cause;

	(void)state;
	assert_int_equal(scan(" {\"searchedLogStreams\":[{\"logStreamName\":"
	    "\"x\",\"searchedCompletely\":true}],\"events\":[{\"logStreamName\":"
	    "\"s1\",\"timestamp\":1700000000000,\"message\":\"{\\\"a\\\":1}\","
	    "\"ingestionTime\":1700000000500,\"eventId\":\"id1\","
	    "\"extra\":{\"deep\":[1,2,{\"x\":null}]}},\n{\"eventId\":\"id2\","
	    "\"message\":\"plain\",\"timestamp\":1.7e12}],"
	    "\"nextToken\":\"tok\\/1\"} ", &s, &token, &cause), 0);
	assert_null(cause);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.id[0], "id1");
	assert_string_equal(s.stream[0], "s1");
	assert_string_equal(s.msg[0], "{\"a\":1}");
	assert_int_equal(s.ts[0], 1700000000000LL);
	assert_int_equal(s.ing[0], 1700000000500LL);
	assert_string_equal(s.id[1], "id2");
	assert_null(s.stream[1]);
	assert_string_equal(s.msg[1], "plain");
	assert_int_equal(s.ts[1], 1700000000000LL);
	assert_int_equal(s.ing[1], 0);
	assert_string_equal(token, "tok/1");
	free(token);
	seen_free(&s);

	/* The last page: no token (or a null one). */
	assert_int_equal(scan("{\"events\":[{\"eventId\":\"a\"}],"
	    "\"nextToken\":null}", &s, &token, &cause), 0);
	assert_null(token);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.msg[0], "");
	assert_int_equal(s.len[0], 0);
	seen_free(&s);
}

/* FilterLogEvents pages may be empty while the search goes on. */
static void
test_empty_with_token(void **state)
{
	struct seen s;
	char *token, *cause;

	(void)state;
	assert_int_equal(scan("{\"events\":[],\"nextToken\":\"more\"}", &s,
	    &token, &cause), 0);
	assert_int_equal(s.n, 0);
	assert_string_equal(token, "more");
	free(token);
	assert_int_equal(scan("{\"nextToken\":\"t\",\"events\":[ ]}", &s,
	    &token, &cause), 0);
	assert_string_equal(token, "t");
	free(token);
}

static void
test_escapes(void **state)
{
	struct seen s;
	char *token, *cause;

	(void)state;
	/* \u0000 stays a byte of the message (len counts it); a surrogate
	 * pair becomes one 4-byte character; lone surrogates U+FFFD; a high
	 * surrogate before another escape pairs with nothing. */
	assert_int_equal(scan("{\"events\":[{\"eventId\":\"e\\u0031\","
	    "\"logStreamName\":\"s\\u00e9\",\"message\":"
	    "\"a\\u0000b\\ud83d\\ude00c\\ud800d\\udc00e\\ud800\\u0041"
	    "\\ud800\\ud83d\\ude00\\n\\t\\\"\\\\\\/\\b\\f\\r\"}]}", &s,
	    &token, &cause), 0);
	assert_null(token);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.id[0], "e1");
	assert_string_equal(s.stream[0], "s\xc3\xa9");
	{
		static const char want[] = "a\0b\xf0\x9f\x98\x80" "c\xef\xbf\xbd"
		    "d\xef\xbf\xbd" "e\xef\xbf\xbd" "A\xef\xbf\xbd"
		    "\xf0\x9f\x98\x80\n\t\"\\/\b\f\r";

		assert_int_equal(s.len[0], sizeof want - 1);
		assert_memory_equal(s.msg[0], want, sizeof want - 1);
	}
	seen_free(&s);
}

/* A message bigger than any scratch yet, and many events reusing it. */
static void
test_huge(void **state)
{
	size_t big = 3 * 1024 * 1024, i;
	char *body = xmalloc(big * 2 + 256), *p = body, *token, *cause;
	struct seen s;

	(void)state;
	p += sprintf(p, "{\"events\":[{\"eventId\":\"small\",\"message\":\"x\"},"
	    "{\"eventId\":\"big\",\"message\":\"");
	for (i = 0; i < big; i++) {
		if (i % 1000 == 0) {
			memcpy(p, "\\\"", 2);
			p += 2;
		} else
			*p++ = (char)('a' + i % 26);
	}
	p += sprintf(p, "\"},{\"eventId\":\"after\",\"message\":\"y\"}]}");
	memset(&s, 0, sizeof s);
	assert_int_equal(logs_filter_page_scan(body, (size_t)(p - body),
	    on_event, &s, &token, &cause), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.len[1], big);
	assert_int_equal(s.msg[1][0], '"');
	assert_int_equal(s.msg[1][1], 'b');
	assert_int_equal(s.msg[1][1000], '"');
	assert_string_equal(s.msg[2], "y");
	seen_free(&s);
	free(body);
}

/* Broken pages: a clear error with the offset, never a crash; events
 * complete before the damage are delivered. */
static void
test_malformed(void **state)
{
	static const struct {
		const char	*body;
		const char	*want;		/* in the cause */
		size_t		 delivered;
	} bad[] = {
		{ "", "offset 0: not a JSON object", 0 },
		{ "[]", "offset 0: not a JSON object", 0 },
		{ "{}", "no events list", 0 },
		{ "{\"events\":null}", "no events list", 0 },
		{ "{\"events\":{}}", "offset 10: events is not a list", 0 },
		{ "{\"events\":[", "offset 11: unexpected end", 0 },
		{ "{\"events\":[{\"eventId\":\"a\"}", "offset 26: expected ','",
		    1 },
		{ "{\"events\":[{\"eventId\":\"a\"},{\"message\":\"abc",
		    "offset 38: unterminated string", 1 },
		{ "{\"events\":[{\"message\":\"a\x01\"}]}",
		    "offset 24: control character", 0 },
		{ "{\"events\":[{\"message\":\"\\x\"}]}",
		    "offset 23: bad escape", 0 },
		{ "{\"events\":[{\"message\":\"\\u12\"}]}",
		    "offset 23: bad \\u escape", 0 },
		{ "{\"events\":[{\"eventId\" \"a\"}]}", "offset 22: expected ':'",
		    0 },
		{ "{\"events\":[{\"x\":[1,}]}", "offset 19: unexpected", 0 },
		{ "{\"events\":[{\"timestamp\":01}]}", "offset 25:", 0 },
		{ "{\"events\":[]} x", "offset 14: trailing data", 0 },
		{ "{\"events\":[] \"nextToken\":\"t\"}", "offset 13: expected ','",
		    0 },
		{ "{\"events\":[],\"nextToken\":\"t", "unterminated string", 0 },
	};
	struct seen s;
	char *token, *cause;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(scan(bad[i].body, &s, &token, &cause), -1);
		assert_null(token);
		assert_non_null(cause);
		if (strstr(cause, bad[i].want) == NULL)
			fail_msg("%s: cause \"%s\" lacks \"%s\"", bad[i].body,
			    cause, bad[i].want);
		assert_int_equal(s.n, bad[i].delivered);
		free(cause);
		seen_free(&s);
	}
	/* A body cut anywhere: never a crash, always a cause. */
	{
		static const char page[] = "{\"events\":[{\"eventId\":\"a\","
		    "\"message\":\"x\\u0041\\ud83d\\ude00\"}],\"nextToken\":"
		    "\"t\"}";
		size_t cut;
		char *copy;

		for (cut = 0; cut < sizeof page - 1; cut++) {
			copy = xmalloc(cut + 1);
			memcpy(copy, page, cut);
			memset(&s, 0, sizeof s);
			assert_int_equal(logs_filter_page_scan(copy, cut,
			    on_event, &s, &token, &cause), -1);
			assert_non_null(cause);
			assert_null(token);
			free(cause);
			seen_free(&s);
			free(copy);
		}
	}
	/* Elements that are not objects are handed over empty, as before. */
	assert_int_equal(scan("{\"events\":[null,1,{}]}", &s, &token, &cause),
	    0);
	assert_int_equal(s.n, 3);
	assert_null(s.id[0]);
	seen_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_empty_with_token),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
