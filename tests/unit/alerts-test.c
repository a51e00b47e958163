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
on_record(struct json_object *o, void *arg)
{
	struct seen *s = arg;
	struct json_object *v;

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

static void
test_alerts(void **state)
{
	struct alerts *t = alerts_new(), *u;
	struct rules_hit h;
	struct alert *a, *b;
	struct json_object *rec;
	char *cause = NULL;
	bool created;

	(void)state;
	h = hit("r1", "arn:alice", "1.2.3.4", "2026-11-24T10:00:05Z", "e1");
	a = alerts_hit(t, &h, &created);
	assert_true(created);
	h = hit("r1", "arn:alice", "1.2.3.5", "2026-11-24T10:00:01Z", "e0");
	b = alerts_hit(t, &h, &created);
	assert_false(created);
	assert_ptr_equal(a, b);
	assert_int_equal(a->count, 2);
	/* Out of order: first and last are by event time. */
	assert_string_equal(a->first_seen, "2026-11-24T10:00:01Z");
	assert_string_equal(a->last_seen, "2026-11-24T10:00:05Z");
	assert_string_equal(a->last_event_id, "e1");
	/* No principal: grouped by source IP. */
	h = hit("r1", "", "9.9.9.9", "2026-11-24T11:00:00Z", "e2");
	b = alerts_hit(t, &h, &created);
	assert_true(created);
	assert_string_equal(b->key, "9.9.9.9");
	assert_int_equal(alerts_count(t), 2);
	assert_ptr_equal(alerts_at(t, 0), b);
	assert_int_equal(alerts_open(t), 2);

	assert_ptr_equal(alerts_find(t, a->id, &cause), a);
	assert_null(alerts_find(t, "zzzz", &cause));
	assert_non_null(strstr(cause, "no alert"));
	free(cause);

	/* Records replay into another console's table. */
	u = alerts_new();
	rec = alerts_record(a);
	assert_true(alerts_apply(u, rec));
	json_object_put(rec);
	rec = alerts_ack_record(a, "ops@host", "2026-11-24T12:00:00Z", "known");
	assert_true(alerts_apply(u, rec));
	json_object_put(rec);
	b = alerts_find(u, a->id, &cause);
	assert_non_null(b);
	assert_true(b->acked);
	assert_string_equal(b->ack_who, "ops@host");
	assert_string_equal(b->ack_note, "known");
	assert_int_equal(b->count, 2);
	assert_int_equal(alerts_open(u), 0);
	rec = json_tokener_parse("{\"type\":\"other\",\"rule\":\"r\",\"key\":\"k\"}");
	assert_false(alerts_apply(u, rec));
	json_object_put(rec);
	alerts_free(u);
	alerts_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idset),
		cmocka_unit_test(test_journal),
		cmocka_unit_test(test_alerts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
