/* The dedupe set, the journal and the alert table. */
#include "config.h"

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "alerts.h"
#include "idset.h"
#include "journal.h"
#include "xalloc.h"

static void
test_idset(void **state)
{
	struct idset *s = idset_new(100);
	char id[32];
	uint64_t *out;
	int i, round;

	(void)state;
	assert_true(idset_add(s, "a", 1));
	assert_false(idset_add(s, "a", 1));
	assert_true(idset_has(s, "a", 1));
	assert_false(idset_has(s, "b", 1));
	/* Many rounds of eviction keep it bounded and correct. */
	for (round = 0; round < 50; round++)
		for (i = 0; i < 100; i++) {
			snprintf(id, sizeof id, "id-%d-%d", round, i);
			assert_true(idset_add(s, id, strlen(id)));
			assert_false(idset_add(s, id, strlen(id)));
		}
	assert_int_equal(idset_count(s), 100);
	assert_false(idset_has(s, "a", 1));
	assert_false(idset_has(s, "id-48-99", 8));
	assert_true(idset_has(s, "id-49-0", 7));
	assert_true(idset_has(s, "id-49-99", 8));

	/* Export and import round-trip, oldest first. */
	out = xcalloc(idset_count(s), sizeof *out);
	idset_export(s, out);
	struct idset *t = idset_new(100);
	for (i = 0; i < 100; i++)
		idset_add_hash(t, out[i]);
	assert_false(idset_add(t, "id-49-0", 7));
	assert_true(idset_add(t, "id-48-0", 7));
	idset_free(t);
	free(out);
	idset_free(s);
}

struct seen {
	int	 n;
	char	 last[64];
};

static void
on_record(struct json_object *o, size_t offset, void *arg)
{
	struct seen *s = arg;
	struct json_object *v;

	/* Each record of the test is 8 bytes: {"n":N} and a newline. */
	if (s->n < 3)
		assert_int_equal(offset, (size_t)s->n * 8);
	s->n++;
	if (json_object_object_get_ex(o, "n", &v))
		snprintf(s->last, sizeof s->last, "%s",
		    json_object_get_string(v));
}

static void
test_journal(void **state)
{
	char dir[] = "/tmp/s3watch-journal.XXXXXX", *path, *cause = NULL;
	struct journal *j;
	struct json_object *o;
	struct seen seen = { 0, "" };
	struct stat st;
	FILE *f;
	int i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/journal", dir);
	j = journal_open(path, on_record, &seen, &cause);
	assert_non_null(j);
	assert_int_equal(seen.n, 0);
	for (i = 0; i < 3; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "n", json_object_new_int(i));
		assert_int_equal(journal_append(j, o, &cause), 0);
		json_object_put(o);
	}
	journal_close(j);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* A crash mid-line: the cut record is skipped, later ones are kept. */
	f = fopen(path, "a");
	fputs("{\"n\": 99, \"cut", f);
	fclose(f);
	j = journal_open(path, on_record, &seen, &cause);
	assert_non_null(j);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.last, "2");
	assert_int_equal(journal_skipped(j), 1);
	o = json_object_new_object();
	json_object_object_add(o, "n", json_object_new_int(3));
	assert_int_equal(journal_append(j, o, &cause), 0);
	json_object_put(o);
	journal_close(j);
	memset(&seen, 0, sizeof seen);
	j = journal_open(path, on_record, &seen, &cause);
	assert_int_equal(seen.n, 4);
	assert_string_equal(seen.last, "3");
	journal_close(j);

	/* Unopenable: a clear cause. */
	assert_null(journal_open("/proc/nope/journal", NULL, NULL, &cause));
	assert_non_null(strstr(cause, "/proc/nope/journal"));
	free(cause);
	unlink(path);
	rmdir(dir);
	free(path);
}

static struct rules_hit
hit(const char *rule, const char *principal, const char *ip, const char *time,
    const char *id)
{
	struct rules_hit h;

	memset(&h, 0, sizeof h);
	h.rule = rule;
	h.title = "A title";
	h.severity = RULES_HIGH;
	h.event_id = id;
	h.time = time;
	h.principal = principal;
	h.source_ip = ip;
	h.action = "s3.amazonaws.com:GetObject";
	h.resource = "b/k";
	return h;
}

/* A check's hits differ in severity: the alert takes the worst, and a
 * rise is a change of its own (journalled, shown). */
static void
test_severity_worst(void **state)
{
	struct alerts *t = alerts_new("k1", 2), *u;
	struct rules_hit h;
	struct alert *a;
	struct json_object *rec;
	enum alerts_change ch;

	(void)state;
	h = hit("grant", "arn:mallory", "1.2.3.4", "2026-11-24T10:00:00Z", "e1");
	h.severity = RULES_LOW;
	a = alerts_hit(t, &h, 1000, 2000, &ch);
	assert_int_equal(ch, ALERTS_CREATED);
	assert_int_equal(a->severity, RULES_LOW);
	h.severity = RULES_CRITICAL;
	h.event_id = "e2";
	assert_ptr_equal(alerts_hit(t, &h, 2000, 3000, &ch), a);
	assert_int_equal(ch, ALERTS_ESCALATED);
	assert_int_equal(a->severity, RULES_CRITICAL);
	h.severity = RULES_MEDIUM;
	h.event_id = "e3";
	assert_ptr_equal(alerts_hit(t, &h, 3000, 4000, &ch), a);
	assert_int_equal(ch, ALERTS_UPDATED);
	assert_int_equal(a->severity, RULES_CRITICAL);
	assert_int_equal(a->count, 3);
	/* Another console reads the worst back. */
	u = alerts_new("k1", 2);
	rec = alerts_record(a);
	assert_true(alerts_apply(u, rec, true));
	json_object_put(rec);
	assert_int_equal(alerts_get(u, "grant", "arn:mallory")->severity,
	    RULES_CRITICAL);
	alerts_free(u);
	alerts_free(t);
}

static void
test_alerts(void **state)
{
	struct alerts *t = alerts_new("k1", 2), *u;
	struct rules_hit h;
	struct alert *a, *b;
	struct json_object *rec;
	enum alerts_change ch;
	char *cause = NULL;

	(void)state;
	h = hit("r1", "arn:alice", "1.2.3.4", "2026-11-24T10:00:05Z", "e1");
	a = alerts_hit(t, &h, 5000, 9000, &ch);
	assert_int_equal(ch, ALERTS_CREATED);
	h = hit("r1", "arn:alice", "1.2.3.5", "2026-11-24T10:00:01Z", "e0");
	b = alerts_hit(t, &h, 1000, 9500, &ch);
	assert_int_equal(ch, ALERTS_UPDATED);
	assert_ptr_equal(a, b);
	assert_int_equal(a->count, 2);
	/* Out of order: first and last are by event time. */
	assert_string_equal(a->first_seen, "2026-11-24T10:00:01Z");
	assert_string_equal(a->last_seen, "2026-11-24T10:00:05Z");
	assert_string_equal(a->last_event_id, "e1");
	assert_int_equal(a->last_ms, 5000);
	assert_int_equal(a->last_ingested, 9500);
	/* No principal: grouped by source IP. */
	h = hit("r1", "", "9.9.9.9", "2026-11-24T11:00:00Z", "e2");
	b = alerts_hit(t, &h, 7000, 9600, &ch);
	assert_int_equal(ch, ALERTS_CREATED);
	assert_string_equal(b->key, "9.9.9.9");
	assert_int_equal(alerts_count(t), 2);
	assert_ptr_equal(alerts_at(t, 0), b);
	assert_int_equal(alerts_open(t), 2);
	assert_ptr_equal(alerts_get(t, "r1", "9.9.9.9"), b);
	assert_null(alerts_get(t, "r1", "9.9.9.8"));

	assert_ptr_equal(alerts_find(t, a->id, &cause), a);
	assert_null(alerts_find(t, "zzzz", &cause));
	assert_non_null(strstr(cause, "no alert"));
	free(cause);

	/* Records replay into another console's table. */
	u = alerts_new("k2", 2);
	rec = alerts_record(a);
	assert_true(alerts_apply(u, rec, true));
	json_object_put(rec);
	b = alerts_get(u, "r1", "arn:alice");
	assert_non_null(b);
	assert_int_equal(b->count, 2);
	assert_int_equal(b->last_ms, 5000);
	/* Its own secret: the same alert has another id there. */
	assert_string_not_equal(a->id, b->id);
	assert_int_equal(alerts_open(u), 1);
	rec = json_tokener_parse("{\"type\":\"other\",\"rule\":\"r\",\"key\":\"k\"}");
	assert_false(alerts_apply(u, rec, true));
	json_object_put(rec);
	alerts_free(u);
	alerts_free(t);
}

/* Ids: 16 hex digits, keyed, never shared between rules or keys. */
static void
test_ids(void **state)
{
	struct alerts *t = alerts_new("secret", 6), *u = alerts_new("secret", 6);
	struct alerts *w = alerts_new("other", 5);
	struct rules_hit h;
	struct alert *a, *b, *c;
	enum alerts_change ch;
	size_t i;

	(void)state;
	h = hit("r1", "arn:alice", "", "2026-11-24T10:00:05Z", "e1");
	a = alerts_hit(t, &h, 1, 1, &ch);
	assert_int_equal(strlen(a->id), ALERTS_ID_LEN);
	for (i = 0; i < ALERTS_ID_LEN; i++)
		assert_non_null(strchr("0123456789abcdef", a->id[i]));
	b = alerts_hit(u, &h, 1, 1, &ch);
	c = alerts_hit(w, &h, 1, 1, &ch);
	assert_string_equal(a->id, b->id);
	assert_string_not_equal(a->id, c->id);
	/* Rule and key are one pair: "r1","x\0y" is not "r1x","y". */
	h = hit("r1x", "arn:alice", "", "2026-11-24T10:00:05Z", "e1");
	b = alerts_hit(t, &h, 1, 1, &ch);
	assert_int_equal(ch, ALERTS_CREATED);
	assert_ptr_not_equal(a, b);
	assert_string_not_equal(a->id, b->id);
	alerts_free(t);
	alerts_free(u);
	alerts_free(w);
}

static struct alerts_ack
ack(const char *rule, const char *key, int64_t covers, int64_t seen,
    enum alerts_trust trust)
{
	struct alerts_ack k;

	memset(&k, 0, sizeof k);
	k.rule = rule;
	k.key = key;
	k.who = "bob@host";
	k.caller = "arn:aws:iam::123456789012:user/bob";
	k.at = "2026-11-24T10:30:00Z";
	k.note = "seen";
	k.covers_ms = covers;
	k.seen_ms = seen;
	k.trust = trust;
	return k;
}

/* An ack covers what its writer had seen; anything after reopens. */
static void
test_ack_reopens(void **state)
{
	struct alerts *t = alerts_new("k", 1);
	struct rules_hit h;
	struct alerts_ack k;
	struct alert *a;
	enum alerts_change ch;
	char *cause = NULL;

	(void)state;
	h = hit("del", "arn:mallory", "", "2026-11-24T10:00:00Z", "e1");
	a = alerts_hit(t, &h, 10000, 20000, &ch);
	alerts_ack_prepare(a, &k, "ann@host", "arn:aws:iam::1:user/ann",
	    "2026-11-24T10:05:00Z", "known");
	assert_int_equal(k.covers_ms, 10000);
	assert_int_equal(k.seen_ms, 20000);
	assert_int_equal(alerts_ack_apply(t, &k, &cause), 0);
	assert_true(a->acked);
	assert_false(a->reopened);
	assert_int_equal(alerts_open(t), 0);
	assert_string_equal(alerts_state_text(a), "acked");
	/* The same hit again (same times): still covered. */
	a = alerts_hit(t, &h, 10000, 20000, &ch);
	assert_int_equal(ch, ALERTS_UPDATED);
	assert_true(a->acked);
	/* A later hit reopens, and says after whose ack. */
	h = hit("del", "arn:mallory", "", "2026-11-24T10:10:00Z", "e2");
	a = alerts_hit(t, &h, 30000, 40000, &ch);
	assert_int_equal(ch, ALERTS_REOPENED);
	assert_false(a->acked);
	assert_true(a->reopened);
	assert_int_equal(alerts_open(t), 1);
	assert_string_equal(alerts_state_text(a),
	    "reopened after ack by ann@host at 2026-11-24T10:05:00Z");
	/* A new ack of all that closes it; then a hit stamped before the
	 * ack but delivered after it was never seen: it reopens. */
	alerts_ack_prepare(a, &k, "ann@host", "", "2026-11-24T10:15:00Z", "");
	assert_int_equal(alerts_ack_apply(t, &k, &cause), 0);
	assert_true(a->acked);
	h = hit("del", "arn:mallory", "", "2026-11-24T09:00:00Z", "e3");
	a = alerts_hit(t, &h, 5000, 50000, &ch);
	assert_int_equal(ch, ALERTS_REOPENED);
	assert_int_equal(a->last_ms, 30000);
	alerts_free(t);
}

/* Acks from the stream: never create an alert, never silence more than
 * was hit, a suspect one never applies, an older one adds nothing. */
static void
test_ack_guards(void **state)
{
	struct alerts *t = alerts_new("k", 1);
	struct rules_hit h;
	struct alerts_ack k;
	struct alert *a;
	enum alerts_change ch;
	char *cause = NULL;

	(void)state;
	/* Planted ahead of any hit: refused, and no alert appears. */
	k = ack("del", "arn:mallory", 99999, 99999, ALERTS_ACK_UNSIGNED);
	assert_int_equal(alerts_ack_apply(t, &k, &cause), -1);
	assert_non_null(strstr(cause, "not seen here"));
	free(cause);
	cause = NULL;
	assert_int_equal(alerts_count(t), 0);
	h = hit("del", "arn:mallory", "", "2026-11-24T10:00:00Z", "e1");
	a = alerts_hit(t, &h, 10000, 20000, &ch);
	assert_int_equal(ch, ALERTS_CREATED);
	assert_false(a->acked);
	/* Applied to hits already beyond it: open at once, reopened. */
	k = ack("del", "arn:mallory", 9000, 20000, ALERTS_ACK_UNSIGNED);
	assert_int_equal(alerts_ack_apply(t, &k, &cause), 0);
	assert_false(a->acked);
	assert_true(a->reopened);
	/* A suspect ack is recorded, not applied. */
	k = ack("del", "arn:mallory", 99999, 99999, ALERTS_ACK_SUSPECT);
	k.who = "eve@host";
	k.why = "no valid signature";
	assert_int_equal(alerts_ack_apply(t, &k, &cause), 0);
	assert_false(a->acked);
	assert_string_equal(a->suspect_who, "eve@host");
	assert_string_equal(a->suspect_why, "no valid signature");
	assert_string_equal(a->ack_who, "bob@host");
	/* A covering one applies; an older one after it adds nothing. */
	k = ack("del", "arn:mallory", 10000, 20000, ALERTS_ACK_SIGNED);
	assert_int_equal(alerts_ack_apply(t, &k, &cause), 0);
	assert_true(a->acked);
	assert_int_equal(a->ack_trust, ALERTS_ACK_SIGNED);
	k = ack("del", "arn:mallory", 1, 1, ALERTS_ACK_UNSIGNED);
	k.who = "old@host";
	assert_int_equal(alerts_ack_apply(t, &k, &cause), 0);
	assert_string_equal(a->ack_who, "bob@host");
	assert_true(a->acked);
	alerts_free(t);
}

/* Ack records: round trip, the MAC binds every field, the first format
 * (no extent) is refused. */
static void
test_ack_records(void **state)
{
	struct alerts *t = alerts_new("k", 1), *u = alerts_new("k", 1);
	struct rules_hit h;
	struct alerts_ack k, r;
	struct json_object *rec, *o;
	struct alert *a;
	enum alerts_change ch;
	char mac[65], mac2[65], *cause = NULL;

	(void)state;
	h = hit("del", "arn:mallory", "", "2026-11-24T10:00:00Z", "e1");
	a = alerts_hit(t, &h, 10000, 20000, &ch);
	alerts_ack_prepare(a, &k, "ann@host", "arn:aws:iam::1:user/ann",
	    "2026-11-24T10:05:00Z", "ticket 7");
	rec = alerts_ack_record(&k);
	assert_int_equal(alerts_ack_parse(rec, &r, &cause), 0);
	assert_string_equal(r.rule, "del");
	assert_string_equal(r.key, "arn:mallory");
	assert_string_equal(r.who, "ann@host");
	assert_string_equal(r.caller, "arn:aws:iam::1:user/ann");
	assert_string_equal(r.note, "ticket 7");
	assert_int_equal(r.covers_ms, 10000);
	assert_int_equal(r.seen_ms, 20000);
	/* A parsed ack is believed only as far as its reader decides. */
	assert_int_equal(r.trust, ALERTS_ACK_SUSPECT);
	alerts_ack_mac(&k, "team", 4, mac);
	alerts_ack_mac(&r, "team", 4, mac2);
	assert_string_equal(mac, mac2);
	assert_int_equal(strlen(mac), 64);
	r.covers_ms++;
	alerts_ack_mac(&r, "team", 4, mac2);
	assert_string_not_equal(mac, mac2);
	r.covers_ms--;
	r.who = "eve@host";
	alerts_ack_mac(&r, "team", 4, mac2);
	assert_string_not_equal(mac, mac2);
	r.who = "ann@host";
	alerts_ack_mac(&r, "other", 5, mac2);
	assert_string_not_equal(mac, mac2);
	/* The journal replays alert then ack; an ack alone applies to
	 * nothing. */
	assert_false(alerts_apply(u, rec, true));
	o = alerts_record(a);
	assert_true(alerts_apply(u, o, true));
	json_object_put(o);
	assert_true(alerts_apply(u, rec, true));
	assert_true(alerts_get(u, "del", "arn:mallory")->acked);
	json_object_put(rec);
	/* The first format's ack names no extent: refused. */
	rec = json_tokener_parse("{\"type\":\"ack\",\"id\":\"abcd1234\","
	    "\"rule\":\"del\",\"key\":\"arn:mallory\",\"who\":\"x@y\","
	    "\"at\":\"2026-11-24T10:05:00Z\"}");
	assert_int_equal(alerts_ack_parse(rec, &r, &cause), -1);
	assert_non_null(strstr(cause, "covers_ms"));
	free(cause);
	json_object_put(rec);
	alerts_free(t);
	alerts_free(u);
}

/* A journal record newer than the checkpoint: its events come again, so
 * the count restarts at the next hit instead of counting them twice. */
static void
test_recount(void **state)
{
	struct alerts *t = alerts_new("k", 1), *u = alerts_new("k", 1);
	struct rules_hit h;
	struct json_object *rec;
	struct alert *a;
	enum alerts_change ch;

	(void)state;
	h = hit("del", "arn:mallory", "", "2026-11-24T10:00:00Z", "e1");
	a = alerts_hit(t, &h, 10000, 20000, &ch);
	a = alerts_hit(t, &h, 10000, 20000, &ch);
	assert_int_equal(a->count, 2);
	rec = alerts_record(a);
	assert_true(alerts_apply(u, rec, false));
	a = alerts_get(u, "del", "arn:mallory");
	assert_int_equal(a->count, 2);
	assert_true(a->recount);
	a = alerts_hit(u, &h, 10000, 20000, &ch);
	assert_int_equal(a->count, 1);
	/* With the checkpoint's counts it is kept. */
	assert_true(alerts_apply(u, rec, true));
	assert_int_equal(a->count, 2);
	a = alerts_hit(u, &h, 10000, 20000, &ch);
	assert_int_equal(a->count, 3);
	json_object_put(rec);
	alerts_free(t);
	alerts_free(u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idset),
		cmocka_unit_test(test_journal),
		cmocka_unit_test(test_alerts),
		cmocka_unit_test(test_severity_worst),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_ack_reopens),
		cmocka_unit_test(test_ack_guards),
		cmocka_unit_test(test_ack_records),
		cmocka_unit_test(test_recount),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
