/* The console's model of the event stream: the ring and its wrap-around,
 * rates, top-N order, the list (filter, pause, follow, search) and every
 * form of the filter language, bad input included. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "monitor.h"
#include "monview.h"
#include "xalloc.h"

#define T0	(1000ULL * 1000 * 1000)	/* a monotonic clock, ms */

/* An event; NULL fields are left out, as a record may lack them. */
struct ev {
	const char		*id, *name, *principal, *ip, *bucket, *key;
	const char		*error, *rule;
	enum rules_severity	 sev;
};

static void
add(struct monview *mv, const struct ev *e, uint64_t now)
{
	struct monitor_record r;
	struct rules_hit hit;
	char raw[256];

	memset(&r, 0, sizeof r);
	memset(&hit, 0, sizeof hit);
	snprintf(raw, sizeof raw, "{\"eventID\":\"%s\",\"eventName\":\"%s\"}",
	    e->id != NULL ? e->id : "", e->name != NULL ? e->name : "");
	r.event_id = e->id;
	r.time = "2026-11-24T10:00:07Z";
	r.name = e->name;
	r.principal = e->principal;
	r.source_ip = e->ip;
	r.bucket = e->bucket;
	r.key = e->key;
	r.error_code = e->error;
	r.raw = raw;
	r.len = strlen(raw);
	if (e->rule != NULL) {
		hit.rule = e->rule;
		hit.severity = e->sev;
		r.hits = &hit;
		r.nhits = 1;
	}
	monview_add(mv, &r, now);
}

static void
add_id(struct monview *mv, int i, uint64_t now)
{
	char id[32];
	struct ev e = { .name = "GetObject", .ip = "10.0.0.1" };

	snprintf(id, sizeof id, "ev-%d", i);
	e.id = id;
	add(mv, &e, now);
}

/* The ring keeps the newest MONVIEW_RING events; older ones are gone
 * from the list, from lookups and from eventID selection. */
static void
test_ring(void **state)
{
	struct monview *mv = monview_new();
	const struct monview_event *e;
	int i;

	(void)state;
	assert_int_equal(monview_total(mv), 0);
	assert_int_equal(monview_rows(mv), 0);
	assert_null(monview_row(mv, 0));
	assert_null(monview_event(mv, 0));
	assert_null(monview_event(mv, 1));
	for (i = 1; i <= MONVIEW_RING + 10; i++)
		add_id(mv, i, T0);
	assert_int_equal(monview_total(mv), MONVIEW_RING + 10);
	assert_int_equal(monview_rows(mv), MONVIEW_RING);
	for (i = 1; i <= 10; i++)
		assert_null(monview_event(mv, (uint64_t)i));
	e = monview_event(mv, 11);
	assert_non_null(e);
	assert_string_equal(e->f[MONVIEW_F_ID], "ev-11");
	e = monview_row(mv, 0);
	assert_int_equal(e->seq, 11);
	e = monview_row(mv, MONVIEW_RING - 1);
	assert_int_equal(e->seq, MONVIEW_RING + 10);
	assert_string_equal(e->f[MONVIEW_F_TIME], "10:00:07");
	assert_string_equal(e->f[MONVIEW_F_OBJECT], "-");
	assert_string_equal(e->f[MONVIEW_F_RESULT], "ok");
	assert_null(monview_event(mv, MONVIEW_RING + 11));
	/* Following: the cursor is on the newest. */
	assert_int_equal(monview_cursor(mv), MONVIEW_RING - 1);
	assert_false(monview_select_id(mv, "ev-10"));
	assert_false(monview_select_id(mv, ""));
	assert_true(monview_select_id(mv, "ev-11"));
	assert_int_equal(monview_cursor(mv), 0);
	assert_false(monview_following(mv));
	/* A selection the ring drops moves to the oldest row kept. */
	add_id(mv, MONVIEW_RING + 11, T0);
	assert_int_equal(monview_row(mv, monview_cursor(mv))->seq, 12);
	monview_free(mv);
}

static void
test_rates(void **state)
{
	struct monview *mv = monview_new();
	struct ev hit = { .id = "h", .name = "DeleteBucket", .rule = "r",
	    .sev = RULES_HIGH };
	const uint64_t *ev, *hits;
	int i;

	(void)state;
	assert_int_equal(monview_rate(mv, T0), 0);
	/* 14 events in one second, 7 of them hits. */
	for (i = 0; i < 7; i++) {
		add_id(mv, i, T0 + 100);
		add(mv, &hit, T0 + 200);
	}
	/* The second still filling is not counted. */
	assert_int_equal(monview_rate(mv, T0 + 900), 0);
	/* 14 over the window of 7 seconds: 2.0 a second. */
	assert_int_equal(monview_rate(mv, T0 + 1000), 20);
	assert_int_equal(monview_rate(mv, T0 + 7999), 20);
	assert_int_equal(monview_rate(mv, T0 + 8000), 0);
	/* The clock may not go back: nothing moves. */
	assert_int_equal(monview_rate(mv, T0), 0);

	ev = monview_minutes(mv, false, T0 + 8000);
	hits = monview_minutes(mv, true, T0 + 8000);
	assert_int_equal(ev[MONVIEW_MINUTES - 1], 14);
	assert_int_equal(hits[MONVIEW_MINUTES - 1], 7);
	assert_int_equal(ev[MONVIEW_MINUTES - 2], 0);
	/* Two minutes on, the counts are two buckets back. */
	ev = monview_minutes(mv, false, T0 + 2 * 60000);
	assert_int_equal(ev[MONVIEW_MINUTES - 3], 14);
	assert_int_equal(ev[MONVIEW_MINUTES - 1], 0);
	hits = monview_minutes(mv, true, T0 + 2 * 60000);
	assert_int_equal(hits[MONVIEW_MINUTES - 3], 7);
	/* Past the history, all zero. */
	ev = monview_minutes(mv, false, T0 + (MONVIEW_MINUTES + 5) * 60000ULL);
	for (i = 0; i < MONVIEW_MINUTES; i++)
		assert_int_equal(ev[i], 0);
	monview_free(mv);
}

static void
test_top(void **state)
{
	struct monview *mv = monview_new();
	struct monview_top_entry top[4];
	struct ev e;
	char ip[32];
	size_t n;
	int i;

	(void)state;
	assert_int_equal(monview_top(mv, MONVIEW_TOP_IP, top, 4), 0);
	memset(&e, 0, sizeof e);
	e.name = "GetObject";
	/* 10.0.0.3 three times, .1 and .2 twice (a tie), .4 once. */
	e.ip = "10.0.0.2"; add(mv, &e, T0); add(mv, &e, T0);
	e.ip = "10.0.0.3"; add(mv, &e, T0); add(mv, &e, T0); add(mv, &e, T0);
	e.ip = "10.0.0.4"; add(mv, &e, T0);
	e.ip = "10.0.0.1"; add(mv, &e, T0); add(mv, &e, T0);
	/* No address is not one. */
	e.ip = NULL; add(mv, &e, T0);
	e.ip = ""; add(mv, &e, T0);
	n = monview_top(mv, MONVIEW_TOP_IP, top, 4);
	assert_int_equal(n, 4);
	assert_string_equal(top[0].key, "10.0.0.3");
	assert_int_equal(top[0].count, 3);
	assert_string_equal(top[1].key, "10.0.0.1");
	assert_int_equal(top[1].count, 2);
	assert_string_equal(top[2].key, "10.0.0.2");
	assert_string_equal(top[3].key, "10.0.0.4");
	assert_int_equal(top[3].count, 1);
	n = monview_top(mv, MONVIEW_TOP_IP, top, 2);
	assert_int_equal(n, 2);
	assert_string_equal(top[1].key, "10.0.0.1");
	assert_int_equal(monview_top(mv, MONVIEW_TOP_IP, top, 0), 0);

	/* Denied calls, as ctevent_denied() says, by event name. */
	e.error = "AccessDenied"; e.name = "GetObject"; add(mv, &e, T0);
	e.error = "AccessDenied"; e.name = "PutObject"; add(mv, &e, T0);
	e.error = "AccessDenied"; e.name = "PutObject"; add(mv, &e, T0);
	e.error = "NoSuchKey"; e.name = "HeadObject"; add(mv, &e, T0);
	e.error = "SlowDown"; e.name = "HeadObject"; add(mv, &e, T0);
	n = monview_top(mv, MONVIEW_TOP_DENIED, top, 4);
	assert_int_equal(n, 2);
	assert_string_equal(top[0].key, "PutObject");
	assert_int_equal(top[0].count, 2);
	assert_string_equal(top[1].key, "GetObject");

	/* Principals: "-" (none) is not one. */
	assert_int_equal(monview_top(mv, MONVIEW_TOP_PRINCIPAL, top, 4), 0);

	/* Full: old keys still count, new ones do not. */
	e.error = NULL;
	for (i = 0; i < MONVIEW_TOP_CAP; i++) {
		snprintf(ip, sizeof ip, "192.0.%d.%d", i / 256, i % 256);
		e.ip = ip;
		add(mv, &e, T0);
	}
	e.ip = "10.0.0.4";
	for (i = 0; i < 5; i++)
		add(mv, &e, T0);
	n = monview_top(mv, MONVIEW_TOP_IP, top, 2);
	assert_string_equal(top[0].key, "10.0.0.4");
	assert_int_equal(top[0].count, 6);
	assert_string_equal(top[1].key, "10.0.0.3");
	monview_free(mv);
}

static struct monview *
sample(void)
{
	static const struct ev evs[] = {
		{ "e1", "GetObject", "arn:aws:iam::123456789012:user/alice",
		  "10.0.0.1", "secure-docs", "a/report.pdf", NULL, NULL, 0 },
		{ "e2", "DeleteBucket", "arn:aws:iam::123456789012:user/mallory",
		  "203.0.113.9", "secure-docs", NULL, NULL, "s3-bucket-deleted",
		  RULES_HIGH },
		{ "e3", "GetObject", "arn:aws:iam::123456789012:user/bob",
		  "10.0.0.2", "secure-docs", "b/x", "AccessDenied",
		  "s3-denied-burst", RULES_MEDIUM },
		{ "e4", "PutBucketPolicy", "arn:aws:iam::123456789012:user/eve",
		  "198.51.100.7", "public-site", NULL, NULL, "s3-policy-public",
		  RULES_CRITICAL },
		{ "e5", "HeadObject", "arn:aws:iam::123456789012:user/alice",
		  "10.0.0.1", "secure-docs", "c", "NoSuchKey", NULL, 0 },
	};
	struct monview *mv = monview_new();
	size_t i;

	for (i = 0; i < sizeof evs / sizeof evs[0]; i++)
		add(mv, &evs[i], T0);
	return mv;
}

/* The ids of the rows a filter leaves, "e2 e4". */
static const char *
rows(struct monview *mv)
{
	static char buf[256];
	size_t i, n = monview_rows(mv);

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s",
		    i > 0 ? " " : "", monview_row(mv, i)->f[MONVIEW_F_ID]);
	return buf;
}

static const char *
filtered(struct monview *mv, const char *text)
{
	char *cause = NULL;

	if (monview_set_filter(mv, text, &cause) != 0) {
		fail_msg("'%s' refused: %s", text, cause);
		free(cause);
	}
	return rows(mv);
}

static void
test_filter_language(void **state)
{
	static const struct {
		const char	*text;
		const char	*rows;
		const char	*label;
	} cases[] = {
		{ "", "e1 e2 e3 e4 e5", NULL },
		{ "   ", "e1 e2 e3 e4 e5", NULL },
		{ "errors", "e3 e5", "errors" },
		{ "error", "e3 e5", "errors" },
		{ " ERRORS ", "e3 e5", "errors" },
		{ "hits", "e2 e3 e4", "rule hits" },
		{ "Hits", "e2 e3 e4", "rule hits" },
		{ "sev:info", "e2 e3 e4", "sev:info" },
		{ "sev:low", "e2 e3 e4", "sev:low" },
		{ "sev:medium", "e2 e3 e4", "sev:medium" },
		{ "sev:high", "e2 e4", "sev:high" },
		{ "SEV:Critical", "e4", "SEV:Critical" },
		{ "alice", "e1 e5", "alice" },
		{ "ALICE", "e1 e5", "ALICE" },
		{ "nothing-like-it", "", "nothing-like-it" },
		{ "event:getobject", "e1 e3", "event:getobject" },
		{ "Event:Bucket", "e2 e4", "Event:Bucket" },
		{ "principal:mallory", "e2", "principal:mallory" },
		{ "ip:10.0.0", "e1 e3 e5", "ip:10.0.0" },
		{ "object:report", "e1", "object:report" },
		{ "bucket:public", "e4", "bucket:public" },
		{ "key:b/x", "e3", "key:b/x" },
		{ "result:denied", "e3", "result:denied" },
		{ "result:ok", "e1 e2 e4", "result:ok" },
		{ "rule:s3-", "e2 e3 e4", "rule:s3-" },
		{ "id:e4", "e4", "id:e4" },
		{ "time:10:00", "e1 e2 e3 e4 e5", "time:10:00" },
		/* A text with a colon of its own. */
		{ "any:iam::123456789012:user/eve", "e4",
		  "any:iam::123456789012:user/eve" },
		/* The field's text keeps its colons. */
		{ "principal:user/bob", "e3", "principal:user/bob" },
	};
	struct monview *mv = sample();
	const struct monview_filter *f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_string_equal(filtered(mv, cases[i].text), cases[i].rows);
		f = monview_filter(mv);
		if (cases[i].label == NULL) {
			assert_int_equal(f->kind, MONVIEW_NONE);
			assert_null(f->label);
		} else
			assert_string_equal(f->label, cases[i].label);
	}
	monview_free(mv);
}

static void
test_filter_bad(void **state)
{
	static const struct {
		const char	*text;
		const char	*cause;
	} cases[] = {
		{ "sev:urgent", "no severity 'urgent': info, low, medium, high "
		  "or critical" },
		{ "sev:", "'sev:' needs a text after the colon" },
		{ "ip:", "'ip:' needs a text after the colon" },
		{ "arn:aws:iam", "no field 'arn': event, principal, ip, bucket, "
		  "key, result, rule, sev, id, time (any:TEXT looks for a text "
		  "with a colon)" },
		{ ":x", "':x': a field goes before the colon" },
		{ "user:bob", "no field 'user'" },
		/* What is quoted back is safe to print. */
		{ "\x1b[2J:x", "no field '?[2J'" },
	};
	struct monview *mv = sample();
	char *cause;
	size_t i;

	(void)state;
	assert_string_equal(filtered(mv, "hits"), "e2 e3 e4");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		assert_int_equal(monview_set_filter(mv, cases[i].text, &cause),
		    -1);
		assert_non_null(cause);
		if (strstr(cause, cases[i].cause) == NULL)
			fail_msg("'%s': %s", cases[i].text, cause);
		free(cause);
		/* A refused filter leaves the one in force. */
		assert_string_equal(monview_filter(mv)->label, "rule hits");
		assert_string_equal(rows(mv), "e2 e3 e4");
	}
	monview_free(mv);
}

static void
test_filter_parse(void **state)
{
	struct monview_filter f;
	char *cause = NULL;
	struct ev e = { .id = "x", .name = "GetObject", .ip = "10.1.1.1" };
	struct monview *mv = monview_new();

	(void)state;
	memset(&f, 0, sizeof f);
	assert_int_equal(monview_filter_parse("ip:10.1", &f, &cause), 0);
	assert_int_equal(f.kind, MONVIEW_FIELD);
	assert_int_equal(f.field, MONVIEW_F_IP);
	assert_string_equal(f.text, "10.1");
	add(mv, &e, T0);
	assert_true(monview_filter_match(&f, monview_row(mv, 0)));
	/* Control characters are made safe before they are matched. */
	assert_int_equal(monview_filter_parse("a\x07" "b", &f, &cause), 0);
	assert_int_equal(f.kind, MONVIEW_TEXT);
	assert_string_equal(f.label, "a?b");
	assert_int_equal(monview_filter_parse(NULL, &f, &cause), 0);
	assert_int_equal(f.kind, MONVIEW_NONE);
	monview_filter_clear(&f);
	monview_free(mv);
}

/* Filters, pause, follow and search on the list. */
static void
test_list(void **state)
{
	struct monview *mv = sample();
	struct ev late = { .id = "e6", .name = "DeleteObject", .ip = "10.0.0.9",
	    .rule = "s3-delete", .sev = RULES_LOW };
	uint64_t behind;

	(void)state;
	assert_true(monview_following(mv));
	assert_int_equal(monview_cursor(mv), 4);
	monview_select(mv, 1);
	assert_false(monview_following(mv));
	assert_string_equal(monview_row(mv, monview_cursor(mv))->f[MONVIEW_F_ID],
	    "e2");
	/* Hidden by a filter: the cursor stays near, then follows. */
	monview_toggle(mv, MONVIEW_ERRORS);
	assert_string_equal(rows(mv), "e3 e5");
	assert_true(monview_following(mv));
	monview_toggle(mv, MONVIEW_ERRORS);
	assert_string_equal(rows(mv), "e1 e2 e3 e4 e5");
	monview_toggle(mv, MONVIEW_HITS);
	assert_string_equal(rows(mv), "e2 e3 e4");
	monview_toggle(mv, MONVIEW_ERRORS);
	assert_string_equal(rows(mv), "e3 e5");
	monview_clear(mv);
	assert_string_equal(rows(mv), "e1 e2 e3 e4 e5");

	/* Paused, the list holds while events arrive. */
	monview_pause(mv, true);
	add(mv, &late, T0);
	assert_true(monview_paused(mv, &behind));
	assert_int_equal(behind, 1);
	assert_string_equal(rows(mv), "e1 e2 e3 e4 e5");
	/* The last row while paused does not follow. */
	monview_select(mv, 4);
	assert_false(monview_following(mv));
	monview_follow(mv);
	assert_false(monview_paused(mv, &behind));
	assert_int_equal(behind, 0);
	assert_string_equal(rows(mv), "e1 e2 e3 e4 e5 e6");
	assert_int_equal(monview_cursor(mv), 5);
	monview_pause(mv, true);
	monview_pause(mv, false);
	assert_true(monview_following(mv));

	/* Selecting an eventID shows it whatever hid it. */
	assert_int_equal(monview_set_filter(mv, "hits", NULL), 0);
	monview_pause(mv, true);
	assert_true(monview_select_id(mv, "e1"));
	assert_false(monview_paused(mv, NULL));
	assert_int_equal(monview_filter(mv)->kind, MONVIEW_NONE);
	assert_int_equal(monview_cursor(mv), 0);
	monview_free(mv);
}

static void
test_search(void **state)
{
	struct monview *mv = sample();

	(void)state;
	assert_int_equal(monview_search_step(mv, true), MONVIEW_NO_SEARCH);
	assert_int_equal(monview_search(mv, ""), MONVIEW_NO_SEARCH);
	assert_null(monview_searching(mv));
	/* From the newest (e5, alice), which matches itself. */
	assert_int_equal(monview_search(mv, "ALICE"), MONVIEW_FOUND);
	assert_int_equal(monview_cursor(mv), 4);
	assert_int_equal(monview_search_step(mv, true), MONVIEW_FOUND);
	assert_int_equal(monview_cursor(mv), 0);
	assert_false(monview_following(mv));
	assert_int_equal(monview_search_step(mv, true), MONVIEW_NO_MATCH);
	assert_int_equal(monview_cursor(mv), 0);
	assert_int_equal(monview_search_step(mv, false), MONVIEW_FOUND);
	assert_int_equal(monview_cursor(mv), 4);
	assert_int_equal(monview_search_step(mv, false), MONVIEW_NO_MATCH);
	/* Not the cursor's row: the nearest older match. */
	assert_int_equal(monview_search(mv, "mallory"), MONVIEW_FOUND);
	assert_int_equal(monview_cursor(mv), 1);
	assert_string_equal(monview_searching(mv), "mallory");
	/* An empty answer changes nothing. */
	assert_int_equal(monview_search(mv, ""), MONVIEW_NO_SEARCH);
	assert_string_equal(monview_searching(mv), "mallory");
	assert_int_equal(monview_cursor(mv), 1);
	assert_int_equal(monview_search(mv, "no-such-text"), MONVIEW_NO_MATCH);
	assert_int_equal(monview_cursor(mv), 1);
	/* Terminal-safe, as it will be drawn. */
	monview_search(mv, "x\x1b[31m");
	assert_string_equal(monview_searching(mv), "x?[31m");
	monview_clear(mv);
	assert_null(monview_searching(mv));
	monview_free(mv);
}

static void
test_detail(void **state)
{
	struct monview *mv = monview_new();
	struct monitor_record r;
	const char *const *lines;
	size_t n;

	(void)state;
	memset(&r, 0, sizeof r);
	r.raw = "{\"eventName\":\"GetObject\",\"x\":\"a\\u001b[2J\"}";
	r.len = strlen(r.raw);
	monview_add(mv, &r, T0);
	n = monview_detail(mv, monview_row(mv, 0), &lines);
	assert_int_equal(n, 4);
	assert_string_equal(lines[0], "{");
	assert_string_equal(lines[1], "  \"eventName\": \"GetObject\",");
	/* json-c writes the escape back as an escape: inert. */
	assert_non_null(strstr(lines[2], "\"x\": \"a\\u001b[2J\""));
	assert_string_equal(lines[3], "}");

	/* Not JSON: the raw text, made safe, line by line. */
	r.raw = "not json\n\x1b]0;title\x07";
	r.len = strlen(r.raw);
	r.malformed = true;
	r.why = "not JSON";
	monview_add(mv, &r, T0);
	n = monview_detail(mv, monview_row(mv, 1), &lines);
	assert_int_equal(n, 2);
	assert_string_equal(lines[0], "not json");
	assert_string_equal(lines[1], "?]0;title?");
	assert_string_equal(monview_row(mv, 1)->f[MONVIEW_F_EVENT],
	    "(malformed)");
	assert_true(monview_row(mv, 1)->error);
	monview_free(mv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_filter_language),
		cmocka_unit_test(test_filter_bad),
		cmocka_unit_test(test_filter_parse),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_detail),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
