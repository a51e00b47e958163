/* The live monitoring engine. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "aws.h"
#include "buf.h"
#include "calls.h"
#include "conf.h"
#include "hash.h"
#include "idset.h"
#include "journal.h"
#include "log.h"
#include "loop.h"
#include "monitor.h"
#include "statefile.h"
#include "svc.h"

#define MONITOR_SAVE_MS		10000
#define MONITOR_CHECKPOINT_MAX	(256 * 1024 * 1024)
#define MONITOR_KEY_LEN		32	/* bytes; 64 hex digits on disk */

struct monitor_hits {
	struct rules_hit	 v[MONITOR_MAX_HITS];
	size_t			 n;
};

struct monitor {
	struct aws_client	*client;
	struct monitor_options	 o;
	char			*group;
	char			*topic_arn;
	char			*who;
	char			*caller;
	char			*account;
	char			*state_dir;
	monitor_fn		 fn;
	void			*arg;

	struct rules		*rules;
	struct tail		*tail;
	struct idset		*ct_seen;	/* CloudTrail eventIDs */
	struct alerts		*alerts;
	struct journal		*journal;
	struct monitor_stats	 stats;
	char			*journal_error;	/* the last failure */
	struct alert		**wait;		/* alerts to journal */
	size_t			 nwait;
	size_t			 capwait;
	size_t			 journal_mark;	/* checkpoint's journal size */
	unsigned char		 ack_key[32];	/* the team's; ack_keylen 0: none */
	size_t			 ack_keylen;

	struct loop_timer	*save_timer;
	bool			 dirty;		/* unsaved progress */
	bool			 ack_stream_made;
	int			 in_flight;	/* acks and publishes */
};

static char *
monitor_path(const struct monitor *m, const char *name)
{
	return xasprintf("%s/%s", m->state_dir, name);
}

static void
monitor_emit(struct monitor *m, enum monitor_event kind,
    const struct monitor_record *r, const struct alert *a, const char *text)
{
	if (m->fn != NULL)
		m->fn(kind, r, a, text, m->arg);
}

static void
monitor_warn(struct monitor *m, const char *fmt, ...) ATTR_FORMAT(2, 3);
static void
monitor_warn(struct monitor *m, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	monitor_emit(m, MONITOR_WARNING, NULL, NULL, text);
	free(text);
}

/* --- keys ---------------------------------------------------------------- */

/* A key file: 64 hex digits (and a newline).  1 read, 0 missing, -1. */
static int
monitor_key_read(const char *path, unsigned char key[MONITOR_KEY_LEN],
    char **cause)
{
	char *text, *err = NULL;
	size_t len, i;
	unsigned int byte;

	if ((text = statefile_read(path, 256, &len, &err)) == NULL) {
		if (err == NULL)
			return 0;
		*cause = err;
		return -1;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	if (len != MONITOR_KEY_LEN * 2 ||
	    strspn(text, "0123456789abcdefABCDEF") != len) {
		*cause = xasprintf("%s: not a key (64 hex digits)", path);
		free(text);
		return -1;
	}
	for (i = 0; i < MONITOR_KEY_LEN; i++) {
		sscanf(text + 2 * i, "%2x", &byte);
		key[i] = (unsigned char)byte;
	}
	free(text);
	return 1;
}

static int
monitor_key_make(const char *path, unsigned char key[MONITOR_KEY_LEN],
    char **cause)
{
	char hex[MONITOR_KEY_LEN * 2 + 2];

	if (RAND_bytes(key, MONITOR_KEY_LEN) != 1) {
		*cause = xstrdup("no random bytes for a key");
		return -1;
	}
	hash_hex(key, MONITOR_KEY_LEN, hex);
	strcpy(hex + MONITOR_KEY_LEN * 2, "\n");
	return statefile_write(path, hex, strlen(hex), cause);
}

int
monitor_ack_keygen(const char *dir, char **path, char **cause)
{
	unsigned char key[MONITOR_KEY_LEN];
	int rc;

	*path = xasprintf("%s/ack.key", dir);
	if ((rc = monitor_key_read(*path, key, cause)) < 0)
		return -1;
	if (rc == 1) {
		*cause = xasprintf("%s exists: the team's key is kept", *path);
		return -1;
	}
	return monitor_key_make(*path, key, cause);
}

int
monitor_id_key(const char *dir, unsigned char key[MONITOR_KEY_LEN],
    char **cause)
{
	char *path = xasprintf("%s/id.key", dir);
	int rc = monitor_key_read(path, key, cause);

	if (rc == 0)
		rc = monitor_key_make(path, key, cause);
	free(path);
	return rc < 0 ? -1 : 0;
}

/* The per-install id key and the team's ack key. */
static int
monitor_keys(struct monitor *m, unsigned char id_key[MONITOR_KEY_LEN],
    char **cause)
{
	char *path;
	int rc;

	if (monitor_id_key(m->state_dir, id_key, cause) != 0)
		return -1;
	path = monitor_path(m, "ack.key");
	rc = monitor_key_read(path, m->ack_key, cause);
	free(path);
	if (rc < 0)
		return -1;
	m->ack_keylen = rc == 1 ? MONITOR_KEY_LEN : 0;
	return 0;
}

/* --- journal and checkpoint ------------------------------------------- */

static void
monitor_on_journal(struct json_object *o, size_t offset, void *arg)
{
	struct monitor *m = arg;

	/* A record the checkpoint has counted gives its counts; a newer
	 * one's events are read again after the checkpoint. */
	alerts_apply(m->alerts, o, offset < m->journal_mark);
}

/* 0, or -1 after counting and keeping the failure (the caller decides
 * what the record's loss means). */
static int
monitor_journal_write(struct monitor *m, struct json_object *rec)
{
	char *cause = NULL;

	if (m->journal == NULL)
		return 0;
	if (journal_append(m->journal, rec, &cause) == 0)
		return 0;
	m->stats.journal_failures++;
	free(m->journal_error);
	m->journal_error = cause;
	return -1;
}

/* An alert that opened or reopened waits for the end of its page: one
 * write and one fsync for the page, and the checkpoint waits for it. */
static void
monitor_journal_alert(struct monitor *m, struct alert *a, bool created)
{
	if (!created && !a->journalled)
		return;		/* already waiting */
	a->journalled = false;
	if (m->nwait == m->capwait) {
		m->capwait = m->capwait == 0 ? 64 : m->capwait * 2;
		m->wait = xreallocarray(m->wait, m->capwait, sizeof *m->wait);
	}
	m->wait[m->nwait++] = a;
	m->stats.unjournalled = m->nwait;
}

/* Writes the alerts that wait; -1 with *cause while they still wait. */
static int
monitor_journal_flush(struct monitor *m, char **cause)
{
	struct json_object **recs;
	size_t i, n = m->nwait;
	int rc;

	if (n == 0 || m->journal == NULL) {
		m->nwait = m->stats.unjournalled = 0;
		return 0;
	}
	recs = xcalloc(n, sizeof *recs);
	for (i = 0; i < n; i++)
		recs[i] = alerts_record(m->wait[i]);
	free(m->journal_error);
	m->journal_error = NULL;
	rc = journal_append_many(m->journal, recs, n, &m->journal_error);
	for (i = 0; i < n; i++)
		json_object_put(recs[i]);
	free(recs);
	if (rc != 0) {
		m->stats.journal_failures++;
		*cause = xasprintf("%zu alert(s) could not be journalled (%s): "
		    "the checkpoint was not advanced, so their events will be "
		    "read again", n, m->journal_error);
		return -1;
	}
	for (i = 0; i < n; i++)
		m->wait[i]->journalled = true;
	m->nwait = m->stats.unjournalled = 0;
	return 0;
}

/* The dedupe sets go into the checkpoint as base64 of their 64-bit
 * hashes, oldest first: a few MB at most, written in one go. */
static void
monitor_add_hashes(struct json_object *o, const char *key, struct idset *s)
{
	size_t n = idset_count(s), len = n * 8;
	uint64_t *v = xcalloc(n + 1, sizeof *v);
	unsigned char *raw = xmalloc(len + 1), *b64;
	size_t i, k;

	idset_export(s, v);
	for (i = 0; i < n; i++)
		for (k = 0; k < 8; k++)
			raw[i * 8 + k] = (unsigned char)(v[i] >> (56 - 8 * k));
	b64 = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock(b64, raw, (int)len);
	json_object_object_add(o, key, json_object_new_string((char *)b64));
	free(b64);
	free(raw);
	free(v);
}

static void
monitor_read_hashes(struct json_object *o, const char *key, struct idset *s)
{
	struct json_object *a;
	const char *text;
	unsigned char *raw;
	size_t len, i, k;
	uint64_t h;
	int n;

	if (!json_object_object_get_ex(o, key, &a) ||
	    !json_object_is_type(a, json_type_string))
		return;
	text = json_object_get_string(a);
	len = strlen(text);
	if (len % 4 != 0)
		return;
	raw = xmalloc(len / 4 * 3 + 1);
	if ((n = EVP_DecodeBlock(raw, (const unsigned char *)text,
	    (int)len)) >= 0) {
		/* DecodeBlock counts the padding as data. */
		n -= (len > 0 && text[len - 1] == '=') +
		    (len > 1 && text[len - 2] == '=');
		for (i = 0; i + 8 <= (size_t)n; i += 8) {
			for (h = 0, k = 0; k < 8; k++)
				h = (h << 8) | raw[i + k];
			idset_add_hash(s, h);
		}
	}
	free(raw);
}

int
monitor_save(struct monitor *m, char **cause)
{
	struct json_object *o, *rec;
	struct buf b = { 0 };
	struct alert *a;
	const char *text;
	char *path;
	size_t i;
	int rc;

	if (m->state_dir == NULL)
		return 0;
	if (monitor_journal_flush(m, cause) != 0)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(3));
	json_object_object_add(o, "group", json_object_new_string(m->group));
	json_object_object_add(o, "newest_ms", json_object_new_int64(
	    tail_health(m->tail)->newest_ms));
	/* Journal records from here on are newer than these figures. */
	json_object_object_add(o, "journal_mark", json_object_new_int64(
	    m->journal != NULL ? (int64_t)journal_size(m->journal) : 0));
	monitor_add_hashes(o, "cloudwatch_ids", tail_seen(m->tail));
	monitor_add_hashes(o, "cloudtrail_ids", m->ct_seen);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	buf_add(&b, text, strlen(text) - 1);	/* without its '}' */
	json_object_put(o);
	/* Each alert's figures, true to the events the sets hold; one record
	 * at a time, never a tree of them all. */
	buf_adds(&b, ",\"alerts\":[");
	for (i = 0; (a = alerts_at(m->alerts, i)) != NULL; i++) {
		rec = alerts_record(a);
		if (i > 0)
			buf_addc(&b, ',');
		buf_adds(&b, json_object_to_json_string_ext(rec,
		    JSON_C_TO_STRING_PLAIN));
		json_object_put(rec);
	}
	buf_adds(&b, "]}");
	path = monitor_path(m, "checkpoint.json");
	rc = statefile_write(path, b.data, b.len, cause);
	free(path);
	buf_free(&b);
	if (rc == 0 && rules_count(m->rules) > 0) {
		path = monitor_path(m, "rules-state.json");
		rc = rules_state_save(m->rules, path, cause);
		free(path);
	}
	if (rc == 0)
		m->dirty = false;
	return rc;
}

/* The checkpoint, parsed: NULL when missing, foreign or broken (a broken
 * one says so).  Read before the journal, which needs its mark. */
static struct json_object *
monitor_read_checkpoint(struct monitor *m)
{
	struct json_object *o, *v;
	char *path = monitor_path(m, "checkpoint.json"), *cause = NULL, *text;
	size_t len;

	text = statefile_read(path, MONITOR_CHECKPOINT_MAX, &len, &cause);
	if (text == NULL) {
		if (cause != NULL)
			monitor_warn(m, "checkpoint ignored: %s", cause);
		free(cause);
		free(path);
		return NULL;
	}
	o = json_tokener_parse(text);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		monitor_warn(m, "checkpoint ignored: %s is not a JSON object",
		    path);
		json_object_put(o);
		o = NULL;
	} else if (!json_object_object_get_ex(o, "group", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), m->group) != 0) {
		json_object_put(o);
		o = NULL;
	} else if (json_object_object_get_ex(o, "journal_mark", &v) &&
	    json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) > 0)
		m->journal_mark = (size_t)json_object_get_int64(v);
	free(text);
	free(path);
	return o;
}

static void
monitor_apply_checkpoint(struct monitor *m, struct json_object *o)
{
	struct json_object *v;
	size_t i, n;

	if (json_object_object_get_ex(o, "newest_ms", &v) &&
	    json_object_is_type(v, json_type_int))
		tail_resume(m->tail, json_object_get_int64(v));
	monitor_read_hashes(o, "cloudwatch_ids", tail_seen(m->tail));
	monitor_read_hashes(o, "cloudtrail_ids", m->ct_seen);
	if (json_object_object_get_ex(o, "alerts", &v) &&
	    json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			alerts_apply(m->alerts,
			    json_object_array_get_idx(v, i), true);
	}
}

static void
monitor_autosave(void *arg)
{
	struct monitor *m = arg;
	char *cause = NULL;

	m->save_timer = NULL;
	if (m->dirty && monitor_save(m, &cause) != 0) {
		monitor_warn(m, "checkpoint: %s", cause);
		free(cause);
	}
	m->save_timer = loop_timer_add(aws_client_loop(m->client),
	    MONITOR_SAVE_MS, monitor_autosave, m);
}

/* --- events ------------------------------------------------------------- */

static void
monitor_on_hit(const struct rules_hit *h, void *arg)
{
	struct monitor_hits *hits = arg;
	struct rules_hit *c;

	if (hits->n == MONITOR_MAX_HITS)
		return;
	c = &hits->v[hits->n++];
	c->rule = xstrdup(h->rule);
	c->title = xstrdup(h->title);
	c->severity = h->severity;
	c->kind = h->kind;
	c->event_id = xstrdup(h->event_id);
	c->time = xstrdup(h->time);
	c->principal = xstrdup(h->principal);
	c->source_ip = xstrdup(h->source_ip);
	c->action = xstrdup(h->action);
	c->resource = xstrdup(h->resource);
	c->reason = xstrdup(h->reason);
}

static void
monitor_hits_free(struct monitor_hits *hits)
{
	size_t i;

	for (i = 0; i < hits->n; i++) {
		free((char *)hits->v[i].rule);
		free((char *)hits->v[i].title);
		free((char *)hits->v[i].event_id);
		free((char *)hits->v[i].time);
		free((char *)hits->v[i].principal);
		free((char *)hits->v[i].source_ip);
		free((char *)hits->v[i].action);
		free((char *)hits->v[i].resource);
		free((char *)hits->v[i].reason);
	}
	hits->n = 0;
}

/* The account in a caller ARN ("arn:PARTITION:SERVICE::ACCOUNT:..."),
 * copied to out; false when it is not such an ARN. */
static bool
monitor_arn_account(const char *arn, char out[13])
{
	const char *p = arn;
	int colons = 0;

	while (*p != '\0' && colons < 4)
		if (*p++ == ':')
			colons++;
	if (strncmp(arn, "arn:", 4) != 0 || colons < 4 ||
	    strspn(p, "0123456789") != 12 || p[12] != ':')
		return false;
	memcpy(out, p, 12);
	out[12] = '\0';
	return true;
}

/* How far to believe an ack another console wrote (why when suspect). */
static enum alerts_trust
monitor_ack_trust(struct monitor *m, struct json_object *o,
    const struct alerts_ack *k, const char **why)
{
	struct json_object *v;
	char mac[65], account[13];

	if (m->ack_keylen > 0) {
		alerts_ack_mac(k, m->ack_key, m->ack_keylen, mac);
		if (!json_object_object_get_ex(o, "mac", &v) ||
		    !json_object_is_type(v, json_type_string) ||
		    strcmp(json_object_get_string(v), mac) != 0) {
			*why = "no valid signature under the team's ack key";
			return ALERTS_ACK_SUSPECT;
		}
	}
	if (k->caller == NULL || !monitor_arn_account(k->caller, account)) {
		*why = "it names no caller identity";
		return ALERTS_ACK_SUSPECT;
	}
	if (m->account != NULL && strcmp(account, m->account) != 0) {
		*why = "its caller is of another account than the log group";
		return ALERTS_ACK_SUSPECT;
	}
	return m->ack_keylen > 0 ? ALERTS_ACK_SIGNED : ALERTS_ACK_UNSIGNED;
}

/* An ack another console (or this one) put in the team's stream. */
static void
monitor_on_ack_event(struct monitor *m, const struct tail_event *te)
{
	struct json_object *o = json_tokener_parse(te->message), *v, *rec;
	struct alerts_ack k;
	struct alert *a;
	char *cause = NULL;
	int64_t arrived;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "type", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "ack") != 0) {
		json_object_put(o);
		return;
	}
	m->stats.acks_seen++;
	if (alerts_ack_parse(o, &k, &cause) != 0) {
		m->stats.acks_ignored++;
		monitor_warn(m, "ack stream: %s: ignored", cause);
		free(cause);
		json_object_put(o);
		return;
	}
	/* Judged on what its writer signed, then bounded: its writer saw
	 * nothing after it reached CloudWatch, whatever its clock says. */
	k.trust = monitor_ack_trust(m, o, &k, &k.why);
	arrived = te->ingestion > 0 ? te->ingestion : te->timestamp;
	if (k.covers_ms > arrived)
		k.covers_ms = arrived;
	if (k.seen_ms > arrived)
		k.seen_ms = arrived;
	if ((a = alerts_get(m->alerts, k.rule, k.key)) == NULL) {
		m->stats.acks_ignored++;
		(void)alerts_ack_apply(m->alerts, &k, &cause);
		monitor_warn(m, "%s", cause);
		free(cause);
		json_object_put(o);
		return;
	}
	/* Our own acks come back: already journalled. */
	if (a->ack_who != NULL && a->ack_trust == ALERTS_ACK_LOCAL &&
	    strcmp(a->ack_who, k.who) == 0 && strcmp(a->ack_at, k.at) == 0 &&
	    strcmp(a->ack_caller, k.caller != NULL ? k.caller : "") == 0) {
		json_object_put(o);
		return;
	}
	if (k.trust == ALERTS_ACK_SUSPECT) {
		m->stats.acks_suspect++;
		monitor_warn(m, "suspicious ack by %s on alert %s (%s): %s; "
		    "not applied", k.who, a->id, a->rule, k.why);
	}
	(void)alerts_ack_apply(m->alerts, &k, &cause);
	free(cause);
	/* Journalled as judged now (k borrows from o until o goes). */
	rec = alerts_ack_record(&k);
	json_object_object_add(rec, "ingestion",
	    json_object_new_int64(arrived));
	if (monitor_journal_write(m, rec) != 0)
		monitor_warn(m, "ack by %s not journalled: %s", k.who,
		    m->journal_error);
	json_object_put(rec);
	json_object_put(o);
	monitor_emit(m, MONITOR_ACK, NULL, a, NULL);
}

static void
monitor_on_event(const struct tail_event *te, void *arg)
{
	struct monitor *m = arg;
	struct monitor_record r;
	struct monitor_hits hits = { .n = 0 };
	struct rules *ru = m->rules;
	char *cause = NULL;
	const char *v;
	struct alert *a;
	enum alerts_change change;
	int64_t when;
	size_t i;

	m->dirty = true;
	if (strcmp(te->stream, MONITOR_ACK_STREAM) == 0) {
		monitor_on_ack_event(m, te);
		return;
	}
	memset(&r, 0, sizeof r);
	r.stream = te->stream;
	r.timestamp = te->timestamp;
	r.ingestion = te->ingestion;
	r.raw = te->message;
	r.len = te->len;
	m->stats.records++;
	/* One read serves the display fields and the rules. */
	if (rules_event_load(ru, te->message, te->len, PATTERN_WRAP_CLOUDTRAIL,
	    &cause) != 0) {
		r.malformed = true;
		r.why = cause;
		m->stats.malformed++;
		monitor_emit(m, MONITOR_RECORD, &r, NULL, NULL);
		free(cause);
		return;
	}
	r.event_id = rules_event_field(ru, RULES_EF_EVENT_ID);
	r.time = rules_event_field(ru, RULES_EF_TIME);
	r.name = rules_event_field(ru, RULES_EF_NAME);
	r.source = rules_event_field(ru, RULES_EF_SOURCE);
	r.principal = rules_event_field(ru, RULES_EF_PRINCIPAL);
	r.source_ip = rules_event_field(ru, RULES_EF_SOURCE_IP);
	r.bucket = rules_event_field(ru, RULES_EF_BUCKET);
	r.key = rules_event_field(ru, RULES_EF_KEY);
	r.error_code = rules_event_field(ru, RULES_EF_ERROR_CODE);
	r.error_message = rules_event_field(ru, RULES_EF_ERROR_MESSAGE);
	r.user_agent = rules_event_field(ru, RULES_EF_USER_AGENT);
	r.region = rules_event_field(ru, RULES_EF_REGION);
	/* CloudTrail may deliver a record twice, in different CloudWatch
	 * events: drop it before it counts in the rules' state. */
	if ((v = r.event_id) != NULL && !idset_add(m->ct_seen, v, strlen(v))) {
		m->stats.duplicates++;
		return;
	}
	rules_eval_loaded(ru, monitor_on_hit, &hits);
	r.hits = hits.v;
	r.nhits = hits.n;
	m->stats.hits += hits.n;
	monitor_emit(m, MONITOR_RECORD, &r, NULL, NULL);
	for (i = 0; i < hits.n; i++) {
		/* The event's own time, else when CloudWatch stamped it. */
		when = rules_parse_time(hits.v[i].time);
		when = when >= 0 ? when * 1000 : te->timestamp;
		a = alerts_hit(m->alerts, &hits.v[i], when, te->ingestion,
		    &change);
		if (change == ALERTS_REOPENED)
			m->stats.reopened++;
		if (change != ALERTS_UPDATED)
			monitor_journal_alert(m, a, change == ALERTS_CREATED);
		monitor_emit(m, MONITOR_ALERT, NULL, a, NULL);
	}
	monitor_hits_free(&hits);
}

static void
monitor_on_state(void *arg)
{
	struct monitor *m = arg;
	char *cause = NULL;

	/* A page is in: its alerts go down before anything else. */
	if (monitor_journal_flush(m, &cause) != 0) {
		monitor_warn(m, "%s", cause);
		free(cause);
	}
	monitor_emit(m, MONITOR_HEALTH, NULL, NULL, NULL);
}

/* --- life cycle ----------------------------------------------------------- */

int
monitor_rules_conf(struct rules *r, const struct conf *c, const char *suffix,
    const char *account, const char *region, char **cause)
{
	char *v, *why = NULL, *const *list;
	size_t n;
	int k, rc = 0;

	for (k = 0; k < RULES_SET_COUNT && rc == 0; k++) {
		enum conf_key ck;

		if (k == RULES_SET_ALLOWED_CIDRS ||
		    conf_key_find(rules_setting_name(k)) < 0)
			continue;
		ck = (enum conf_key)conf_key_find(rules_setting_name(k));
		switch (conf_key_type(ck)) {
		case CONF_T_LIST:
			list = conf_list(c, ck, &n);
			rc = rules_set(r, k, list, n, &why);
			break;
		case CONF_T_INT:
			v = xasprintf("%ld", conf_int(c, ck));
			rc = rules_set(r, k, &v, 1, &why);
			free(v);
			break;
		case CONF_T_STRING:
			/* A name the setup has not resolved stays unset. */
			v = conf_expand(c, ck, suffix, account, region);
			if (strstr(v, "${") == NULL)
				rc = rules_set(r, k, &v, 1, &why);
			free(v);
			break;
		case CONF_T_BOOL:
			break;
		}
		if (rc != 0) {
			*cause = xasprintf("%s: %s", rules_setting_name(k),
			    why);
			free(why);
		}
	}
	return rc;
}

static void
monitor_rule_error(const char *text, void *arg)
{
	struct monitor *m = arg;

	monitor_warn(m, "rules: %s", text);
}

#define MONITOR_ARN_ACKS						\
	"arn:${partition}:logs:${region}:${account}:log-group:${log_group}" \
	":log-stream:" MONITOR_ACK_STREAM

const struct calls_entry monitor_calls[] = {
	{ SVC_LOGS, "CreateLogStream", 0, MONITOR_ARN_ACKS,
	  "create the acks stream, once" },
	{ SVC_LOGS, "PutLogEvents", 0, MONITOR_ARN_ACKS,
	  "write acks, to that stream only" },
	{ SVC_SNS, "Publish", 0, "${topic_arn}",
	  "publish alerts (alerts publish, test-publish)" },
	{ .op = NULL }
};

struct monitor *
monitor_new(struct aws_client *c, const struct monitor_options *o,
    monitor_fn fn, void *arg, char **cause)
{
	struct monitor *m = xcalloc(1, sizeof *m);
	struct tail_options to = o->tail;
	struct json_object *cp = NULL;
	unsigned char id_key[MONITOR_KEY_LEN];
	char *path;

	m->client = c;
	m->o = *o;
	m->group = xstrdup(o->tail.group != NULL ? o->tail.group : o->group);
	m->topic_arn = o->topic_arn != NULL ? xstrdup(o->topic_arn) : NULL;
	m->who = xstrdup(o->who != NULL ? o->who : "unknown");
	m->caller = xstrdup(o->caller != NULL ? o->caller : "");
	m->account = o->account != NULL ? xstrdup(o->account) : NULL;
	m->state_dir = o->state_dir != NULL ? xstrdup(o->state_dir) : NULL;
	m->fn = fn;
	m->arg = arg;
	m->ct_seen = idset_new(to.dedupe > 0 ? to.dedupe : 200000);
	if (m->state_dir != NULL) {
		if (monitor_keys(m, id_key, cause) != 0)
			goto fail;
		m->alerts = alerts_new(id_key, sizeof id_key);
	} else
		m->alerts = alerts_new(NULL, 0);

	m->rules = rules_new();
	if (o->nallowed_cidrs > 0 && rules_set_allowed_cidrs(m->rules,
	    o->allowed_cidrs, o->nallowed_cidrs, cause) != 0)
		goto fail;
	if (o->conf != NULL && monitor_rules_conf(m->rules, o->conf, o->suffix,
	    o->account, aws_client_region(c), cause) != 0)
		goto fail;
	if (o->rules_dir != NULL && rules_load_dir(m->rules, o->rules_dir,
	    monitor_rule_error, m, cause) < 0)
		goto fail;

	to.group = m->group;
	m->tail = tail_new(c, &to, monitor_on_event, monitor_on_state, m);
	if (m->state_dir != NULL) {
		/* The checkpoint's mark first: the journal replay needs it. */
		if (o->resume)
			cp = monitor_read_checkpoint(m);
		path = monitor_path(m, "journal.jsonl");
		m->journal = journal_open(path, monitor_on_journal, m, cause);
		free(path);
		if (m->journal == NULL)
			goto fail;
		if (journal_skipped(m->journal) > 0)
			monitor_warn(m, "journal: %zu damaged record(s) skipped",
			    journal_skipped(m->journal));
		if (cp != NULL)
			monitor_apply_checkpoint(m, cp);
		json_object_put(cp);
		cp = NULL;
		path = monitor_path(m, "rules-state.json");
		if (rules_state_load(m->rules, path, cause) != 0) {
			monitor_warn(m, "rules state ignored: %s", *cause);
			free(*cause);
			*cause = NULL;
		}
		free(path);
	}
	return m;
fail:
	json_object_put(cp);
	monitor_free(m);
	return NULL;
}

void
monitor_free(struct monitor *m)
{
	if (m == NULL)
		return;
	if (m->save_timer != NULL)
		loop_timer_cancel(aws_client_loop(m->client), m->save_timer);
	tail_free(m->tail);
	rules_free(m->rules);
	idset_free(m->ct_seen);
	alerts_free(m->alerts);
	journal_close(m->journal);
	free(m->group);
	free(m->topic_arn);
	free(m->who);
	free(m->caller);
	free(m->account);
	free(m->journal_error);
	free(m->wait);
	free(m->state_dir);
	free(m);
}

void
monitor_start(struct monitor *m)
{
	tail_start(m->tail);
	if (m->state_dir != NULL && m->save_timer == NULL)
		m->save_timer = loop_timer_add(aws_client_loop(m->client),
		    MONITOR_SAVE_MS, monitor_autosave, m);
}

void
monitor_stop(struct monitor *m)
{
	tail_stop(m->tail);
	if (m->save_timer != NULL) {
		loop_timer_cancel(aws_client_loop(m->client), m->save_timer);
		m->save_timer = NULL;
	}
}

bool
monitor_done(const struct monitor *m)
{
	return tail_done(m->tail) && m->in_flight == 0;
}

struct alerts *
monitor_alerts(struct monitor *m)
{
	return m->alerts;
}

const struct tail_health *
monitor_health(const struct monitor *m)
{
	return tail_health(m->tail);
}

const struct monitor_stats *
monitor_stats(const struct monitor *m)
{
	return &m->stats;
}

const struct rules *
monitor_rules(const struct monitor *m)
{
	return m->rules;
}

/* --- acks and publishing ------------------------------------------------- */

struct monitor_call {
	struct monitor		*m;
	monitor_done_fn		 done;
	void			*arg;
	char			*message;	/* ack: still to put */
};

static void
monitor_call_end(struct monitor_call *mc, const char *error)
{
	mc->m->in_flight--;
	if (mc->done != NULL)
		mc->done(error, mc->arg);
	free(mc->message);
	free(mc);
}

static void
monitor_on_ack_put(struct aws_response *resp, void *arg)
{
	struct monitor_call *mc = arg;

	monitor_call_end(mc, resp->kind == AWS_OK ? NULL :
	    aws_error_text(resp));
	aws_response_free(resp);
}

static void
monitor_put_ack(struct monitor_call *mc)
{
	struct logs_event ev;
	struct aws_request *r;
	char *cause = NULL;

	ev.timestamp = tail_clock_ms();
	ev.message = mc->message;
	ev.stream = NULL;
	ev.id = NULL;
	ev.ingestion_time = 0;
	r = logs_put_log_events(mc->m->group, MONITOR_ACK_STREAM, &ev, 1, NULL,
	    &cause);
	if (r == NULL) {
		monitor_call_end(mc, cause);
		free(cause);
		return;
	}
	aws_send(mc->m->client, r, monitor_on_ack_put, mc);
}

static void
monitor_on_stream_made(struct aws_response *resp, void *arg)
{
	struct monitor_call *mc = arg;

	if (resp->kind == AWS_OK || (resp->code != NULL && strcmp(resp->code,
	    "ResourceAlreadyExistsException") == 0)) {
		mc->m->ack_stream_made = true;
		aws_response_free(resp);
		monitor_put_ack(mc);
		return;
	}
	monitor_call_end(mc, aws_error_text(resp));
	aws_response_free(resp);
}

static char *
monitor_now_iso(void)
{
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

int
monitor_ack(struct monitor *m, struct alert *a, const char *note,
    monitor_done_fn done, void *arg, char **cause)
{
	struct monitor_call *mc;
	struct json_object *rec;
	struct alerts_ack k;
	struct aws_request *r;
	char *at = monitor_now_iso(), mac[65];

	alerts_ack_prepare(a, &k, m->who, m->caller, at, note);
	rec = alerts_ack_record(&k);
	if (m->journal != NULL && journal_append(m->journal, rec,
	    cause) != 0) {
		m->stats.journal_failures++;
		json_object_put(rec);
		free(at);
		return -1;
	}
	/* The team's copy: its writer judges nothing, readers do. */
	json_object_object_del(rec, "trust");
	if (m->ack_keylen > 0) {
		alerts_ack_mac(&k, m->ack_key, m->ack_keylen, mac);
		json_object_object_add(rec, "mac", json_object_new_string(mac));
	}
	(void)alerts_ack_apply(m->alerts, &k, cause);
	free(at);
	monitor_emit(m, MONITOR_ACK, NULL, a, NULL);
	mc = xcalloc(1, sizeof *mc);
	mc->m = m;
	mc->done = done;
	mc->arg = arg;
	mc->message = xstrdup(json_object_to_json_string_ext(rec,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(rec);
	m->in_flight++;
	if (m->ack_stream_made) {
		monitor_put_ack(mc);
		return 0;
	}
	if ((r = logs_create_log_stream(m->group, MONITOR_ACK_STREAM,
	    cause)) == NULL) {
		monitor_call_end(mc, *cause);
		free(*cause);
		*cause = NULL;
		return 0;
	}
	aws_send(m->client, r, monitor_on_stream_made, mc);
	return 0;
}

static void
monitor_on_published(struct aws_response *resp, void *arg)
{
	struct monitor_call *mc = arg;
	char *id = NULL, *cause = NULL;

	if (sns_publish_parse(resp, &id, &cause) != 0)
		monitor_call_end(mc, cause);
	else
		monitor_call_end(mc, NULL);
	free(id);
	free(cause);
	aws_response_free(resp);
}

/* SNS subjects: printable ASCII, under 100 characters. */
static char *
monitor_subject(const char *fmt, ...) ATTR_FORMAT(1, 2);
static char *
monitor_subject(const char *fmt, ...)
{
	va_list ap;
	char *s, *p;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	if (strlen(s) > 99)
		s[99] = '\0';
	return s;
}

void
monitor_publish(struct monitor *m, const struct alert *a, bool test,
    monitor_done_fn done, void *arg)
{
	struct monitor_call *mc;
	struct sns_message msg;
	struct json_object *body;
	struct aws_request *r;
	char *subject, *text, *cause = NULL, *now;

	if (m->topic_arn == NULL) {
		if (done != NULL)
			done("no alert topic: run s3watch setup (step 7)", arg);
		return;
	}
	now = monitor_now_iso();
	if (a != NULL) {
		body = alerts_record(a);
		subject = monitor_subject("[s3watch%s] %s %s: %s", test ?
		    " TEST" : "", rules_severity_name(a->severity), a->rule,
		    a->title);
	} else {
		body = json_object_new_object();
		json_object_object_add(body, "type",
		    json_object_new_string("test"));
		json_object_object_add(body, "text", json_object_new_string(
		    "This is a test alert from s3watch: the alert path works. "
		    "No action is needed."));
		subject = monitor_subject("[s3watch TEST] alert path check");
	}
	json_object_object_add(body, "test", json_object_new_boolean(test));
	json_object_object_add(body, "sent_by", json_object_new_string(m->who));
	json_object_object_add(body, "sent_at", json_object_new_string(now));
	free(now);
	text = xstrdup(json_object_to_json_string_ext(body,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(body);
	/* Alerts are small, but their fields come from events. */
	if (strlen(text) > SNS_MESSAGE_MAX)
		text[SNS_MESSAGE_MAX - 1] = '\0';
	memset(&msg, 0, sizeof msg);
	msg.topic_arn = m->topic_arn;
	msg.message = text;
	msg.subject = subject;
	r = sns_publish(&msg, &cause);
	free(text);
	free(subject);
	if (r == NULL) {
		if (done != NULL)
			done(cause, arg);
		free(cause);
		return;
	}
	mc = xcalloc(1, sizeof *mc);
	mc->m = m;
	mc->done = done;
	mc->arg = arg;
	m->in_flight++;
	aws_send(m->client, r, monitor_on_published, mc);
}
