/* The alert table. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "alerts.h"
#include "hash.h"
#include "hmap.h"
#include "xalloc.h"

struct alerts {
	struct alert	**v;
	size_t		  n;
	bool		  sorted;
	struct hmap	 *by_pair;	/* rule NUL key -> alert (borrowed) */
	unsigned char	  key[32];
	size_t		  keylen;
};

struct alerts *
alerts_new(const void *key, size_t keylen)
{
	struct alerts *t = xcalloc(1, sizeof *t);

	t->by_pair = hmap_new(NULL);
	if (key != NULL && keylen > 0) {
		t->keylen = keylen < sizeof t->key ? keylen : sizeof t->key;
		memcpy(t->key, key, t->keylen);
	} else {
		t->keylen = sizeof t->key;
		if (RAND_bytes(t->key, (int)t->keylen) != 1)
			abort();
	}
	return t;
}

static void
alert_free(struct alert *a)
{
	free(a->rule);
	free(a->title);
	free(a->key);
	free(a->first_seen);
	free(a->last_seen);
	free(a->last_event_id);
	free(a->last_action);
	free(a->last_resource);
	free(a->last_source_ip);
	free(a->ack_who);
	free(a->ack_caller);
	free(a->ack_at);
	free(a->ack_note);
	free(a->suspect_who);
	free(a->suspect_why);
	free(a);
}

void
alerts_free(struct alerts *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		alert_free(t->v[i]);
	free(t->v);
	hmap_free(t->by_pair);
	free(t);
}

static void
alerts_set(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value != NULL ? value : "");
}

/* Rule and key as one string, NUL between them (neither holds a NUL). */
static char *
alerts_pair(const char *rule, const char *key, size_t *len)
{
	size_t rl = strlen(rule), kl = strlen(key);
	char *s = xmalloc(rl + kl + 2);

	memcpy(s, rule, rl + 1);
	memcpy(s + rl + 1, key, kl + 1);
	*len = rl + 1 + kl;
	return s;
}

struct alert *
alerts_get(struct alerts *t, const char *rule, const char *key)
{
	size_t len;
	char *pair = alerts_pair(rule, key, &len);
	struct alert *a = hmap_find(t->by_pair, pair, len);

	free(pair);
	return a;
}

static void
alerts_make_id(const struct alerts *t, char id[ALERTS_ID_LEN + 1],
    const char *rule, const char *key)
{
	unsigned char mac[HASH_SHA256_LEN];
	size_t len;
	char *s = alerts_pair(rule, key, &len);

	hash_hmac_sha256(t->key, t->keylen, s, len, mac);
	hash_hex(mac, ALERTS_ID_LEN / 2, id);
	id[ALERTS_ID_LEN] = '\0';
	free(s);
}

static struct alert *
alerts_add(struct alerts *t, const char *rule, const char *key)
{
	struct alert *a = xcalloc(1, sizeof *a);
	size_t len;
	char *pair;

	alerts_make_id(t, a->id, rule, key);
	a->rule = xstrdup(rule);
	a->key = xstrdup(key);
	alerts_set(&a->title, rule);
	a->severity = RULES_MEDIUM;
	pair = alerts_pair(rule, key, &len);
	hmap_insert(t->by_pair, pair, len, a);
	free(pair);
	if ((t->n & (t->n - 1)) == 0)	/* grows by doubling */
		t->v = xreallocarray(t->v, t->n == 0 ? 1 : t->n * 2,
		    sizeof *t->v);
	t->v[t->n++] = a;
	t->sorted = false;
	return a;
}

/* acked and reopened follow from the hits and the ack in force. */
static void
alerts_judge(struct alert *a)
{
	bool had = a->ack_who != NULL;

	a->acked = had && a->last_ms <= a->ack_covers_ms &&
	    a->last_ingested <= a->ack_seen_ms;
	a->reopened = had && !a->acked;
}

struct alert *
alerts_hit(struct alerts *t, const struct rules_hit *h, int64_t time_ms,
    int64_t ingested_ms, enum alerts_change *change)
{
	const char *key = *h->principal != '\0' ? h->principal : h->source_ip;
	struct alert *a = alerts_get(t, h->rule, key);
	bool was_acked;

	*change = ALERTS_UPDATED;
	if (a == NULL) {
		a = alerts_add(t, h->rule, key);
		alerts_set(&a->title, h->title);
		a->severity = h->severity;
		*change = ALERTS_CREATED;
	}
	if (a->recount) {
		/* Its events are being read again since the checkpoint. */
		a->recount = false;
		a->count = 0;
	}
	was_acked = a->acked;
	if (h->severity > a->severity) {
		a->severity = h->severity;
		if (*change == ALERTS_UPDATED)
			*change = ALERTS_ESCALATED;
	}
	/* Events arrive out of order: keep the true first and last. */
	if (a->first_seen == NULL || strcmp(h->time, a->first_seen) < 0)
		alerts_set(&a->first_seen, h->time);
	if (a->last_seen == NULL || time_ms >= a->last_ms) {
		alerts_set(&a->last_seen, h->time);
		alerts_set(&a->last_event_id, h->event_id);
		alerts_set(&a->last_action, h->action);
		alerts_set(&a->last_resource, h->resource);
		alerts_set(&a->last_source_ip, h->source_ip);
		a->last_ms = time_ms;
	}
	if (ingested_ms > a->last_ingested)
		a->last_ingested = ingested_ms;
	a->count++;
	alerts_judge(a);
	if (was_acked && !a->acked)
		*change = ALERTS_REOPENED;
	t->sorted = false;
	return a;
}

struct alert *
alerts_find(struct alerts *t, const char *id, char **cause)
{
	struct alert *found = NULL;
	size_t i, len = strlen(id), n = 0;

	for (i = 0; len > 0 && i < t->n; i++)
		if (strncmp(t->v[i]->id, id, len) == 0) {
			found = t->v[i];
			n++;
		}
	if (n == 1)
		return found;
	*cause = n == 0 ? xasprintf("no alert '%s'", id) :
	    xasprintf("'%s' names %zu alerts: give more of the id", id, n);
	return NULL;
}

size_t
alerts_count(const struct alerts *t)
{
	return t->n;
}

size_t
alerts_open(const struct alerts *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		n += !t->v[i]->acked;
	return n;
}

static int
alerts_newest_first(const void *a, const void *b)
{
	const struct alert *x = *(struct alert *const *)a;
	const struct alert *y = *(struct alert *const *)b;

	if (x->last_ms != y->last_ms)
		return x->last_ms < y->last_ms ? 1 : -1;
	return strcmp(x->id, y->id);
}

struct alert *
alerts_at(struct alerts *t, size_t i)
{
	if (!t->sorted) {
		if (t->n > 1)
			qsort(t->v, t->n, sizeof *t->v, alerts_newest_first);
		t->sorted = true;
	}
	return i < t->n ? t->v[i] : NULL;
}

static void
alerts_take_ack(struct alert *a, const struct alerts_ack *k)
{
	alerts_set(&a->ack_who, k->who);
	alerts_set(&a->ack_caller, k->caller);
	alerts_set(&a->ack_at, k->at);
	alerts_set(&a->ack_note, k->note);
	a->ack_covers_ms = k->covers_ms;
	a->ack_seen_ms = k->seen_ms;
	a->ack_trust = k->trust;
	a->ack_count = a->count;
	alerts_judge(a);
}

void
alerts_ack_prepare(const struct alert *a, struct alerts_ack *k,
    const char *who, const char *caller, const char *at, const char *note)
{
	memset(k, 0, sizeof *k);
	k->rule = a->rule;
	k->key = a->key;
	k->who = who;
	k->caller = caller != NULL ? caller : "";
	k->at = at;
	k->note = note != NULL ? note : "";
	/* What this console has seen, no more. */
	k->covers_ms = a->last_ms;
	k->seen_ms = a->last_ingested;
	k->trust = ALERTS_ACK_LOCAL;
}

int
alerts_ack_apply(struct alerts *t, const struct alerts_ack *k, char **cause)
{
	struct alert *a = alerts_get(t, k->rule, k->key);

	if (a == NULL) {
		*cause = xasprintf("an ack by %s for an alert not seen here "
		    "(rule %s): ignored", k->who != NULL ? k->who : "?",
		    k->rule);
		return -1;
	}
	if (k->trust == ALERTS_ACK_SUSPECT) {
		alerts_set(&a->suspect_who, k->who);
		alerts_set(&a->suspect_why, k->why);
		return 0;
	}
	/* The ack that saw most stays in force; an older one adds nothing. */
	if (a->ack_who != NULL && (k->seen_ms < a->ack_seen_ms ||
	    (k->seen_ms == a->ack_seen_ms && k->covers_ms <= a->ack_covers_ms)))
		return 0;
	alerts_take_ack(a, k);
	return 0;
}

static void
alerts_add_str(struct json_object *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, key, json_object_new_string(v));
}

static void
alerts_add_i64(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

struct json_object *
alerts_record(const struct alert *a)
{
	struct json_object *o = json_object_new_object();

	alerts_add_str(o, "type", "alert");
	alerts_add_str(o, "id", a->id);
	alerts_add_str(o, "rule", a->rule);
	alerts_add_str(o, "title", a->title);
	alerts_add_str(o, "key", a->key);
	alerts_add_str(o, "severity", rules_severity_name(a->severity));
	alerts_add_str(o, "state", a->acked ? "acked" : a->reopened ?
	    "reopened" : "open");
	alerts_add_i64(o, "count", (int64_t)a->count);
	alerts_add_str(o, "first_seen", a->first_seen);
	alerts_add_str(o, "last_seen", a->last_seen);
	alerts_add_i64(o, "last_ms", a->last_ms);
	alerts_add_i64(o, "last_ingested", a->last_ingested);
	alerts_add_str(o, "last_event_id", a->last_event_id);
	alerts_add_str(o, "last_action", a->last_action);
	alerts_add_str(o, "last_resource", a->last_resource);
	alerts_add_str(o, "last_source_ip", a->last_source_ip);
	if (a->ack_who != NULL) {
		alerts_add_str(o, "ack_who", a->ack_who);
		alerts_add_str(o, "ack_caller", a->ack_caller);
		alerts_add_str(o, "ack_at", a->ack_at);
		alerts_add_str(o, "ack_note", a->ack_note);
		alerts_add_str(o, "ack_trust", alerts_trust_name(a->ack_trust));
	}
	if (a->suspect_who != NULL) {
		alerts_add_str(o, "suspect_ack_who", a->suspect_who);
		alerts_add_str(o, "suspect_ack_why", a->suspect_why);
	}
	return o;
}

struct json_object *
alerts_ack_record(const struct alerts_ack *k)
{
	struct json_object *o = json_object_new_object();

	alerts_add_str(o, "type", "ack");
	json_object_object_add(o, "v", json_object_new_int(2));
	alerts_add_str(o, "rule", k->rule);
	alerts_add_str(o, "key", k->key);
	alerts_add_str(o, "who", k->who);
	alerts_add_str(o, "caller", k->caller != NULL ? k->caller : "");
	alerts_add_str(o, "at", k->at);
	alerts_add_str(o, "note", k->note != NULL ? k->note : "");
	alerts_add_i64(o, "covers_ms", k->covers_ms);
	alerts_add_i64(o, "seen_ms", k->seen_ms);
	alerts_add_str(o, "trust", alerts_trust_name(k->trust));
	if (k->why != NULL)
		alerts_add_str(o, "why", k->why);
	return o;
}

static const char *
alerts_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* An integer field; false when missing or not an integer. */
static bool
alerts_i64(struct json_object *o, const char *key, int64_t *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

static enum rules_severity
alerts_severity(const char *name)
{
	int s;

	for (s = RULES_INFO; s <= RULES_CRITICAL; s++)
		if (name != NULL && strcmp(rules_severity_name(s), name) == 0)
			return s;
	return RULES_MEDIUM;
}

const char *
alerts_trust_name(enum alerts_trust trust)
{
	static const char *const names[] = {
		[ALERTS_ACK_LOCAL] = "local",
		[ALERTS_ACK_SIGNED] = "signed",
		[ALERTS_ACK_UNSIGNED] = "unsigned",
		[ALERTS_ACK_SUSPECT] = "suspect",
	};

	return names[trust];
}

static enum alerts_trust
alerts_trust_of(const char *name)
{
	int i;

	for (i = ALERTS_ACK_LOCAL; i <= ALERTS_ACK_SUSPECT; i++)
		if (name != NULL && strcmp(alerts_trust_name(i), name) == 0)
			return i;
	return ALERTS_ACK_SUSPECT;
}

int
alerts_ack_parse(struct json_object *o, struct alerts_ack *k, char **cause)
{
	memset(k, 0, sizeof *k);
	k->rule = alerts_str(o, "rule");
	k->key = alerts_str(o, "key");
	k->who = alerts_str(o, "who");
	k->caller = alerts_str(o, "caller");
	k->at = alerts_str(o, "at");
	k->note = alerts_str(o, "note");
	if (k->rule == NULL || k->key == NULL || k->who == NULL ||
	    k->at == NULL) {
		*cause = xstrdup("an ack without rule, key, who or at");
		return -1;
	}
	/* An ack of the first format names no extent: it covers nothing
	 * it cannot prove, so nothing. */
	if (!alerts_i64(o, "covers_ms", &k->covers_ms) ||
	    !alerts_i64(o, "seen_ms", &k->seen_ms)) {
		*cause = xstrdup("an ack without covers_ms and seen_ms (an old "
		    "s3watch, or forged)");
		return -1;
	}
	k->trust = ALERTS_ACK_SUSPECT;
	return 0;
}

void
alerts_ack_mac(const struct alerts_ack *k, const void *key, size_t keylen,
    char out[65])
{
	unsigned char mac[HASH_SHA256_LEN];
	char *text;

	/* Every field an attacker would want to change, each on its line;
	 * JSON strings hold no raw newline, so the layout is unambiguous. */
	text = xasprintf("s3watch-ack-v2\n%s\n%s\n%s\n%s\n%s\n%lld\n%lld\n%s",
	    k->rule, k->key, k->who, k->caller != NULL ? k->caller : "",
	    k->at, (long long)k->covers_ms, (long long)k->seen_ms,
	    k->note != NULL ? k->note : "");
	hash_hmac_sha256(key, keylen, text, strlen(text), mac);
	hash_hex(mac, sizeof mac, out);
	out[64] = '\0';
	free(text);
}

static void
alerts_apply_alert(struct alerts *t, struct json_object *o, bool with_counts)
{
	const char *rule = alerts_str(o, "rule"), *key = alerts_str(o, "key");
	const char *first = alerts_str(o, "first_seen");
	struct alert *a = alerts_get(t, rule, key);
	int64_t v;

	if (a == NULL)
		a = alerts_add(t, rule, key);
	if (alerts_str(o, "title") != NULL)
		alerts_set(&a->title, alerts_str(o, "title"));
	a->severity = alerts_severity(alerts_str(o, "severity"));
	if (alerts_i64(o, "count", &v) && v > 0)
		a->count = (uint64_t)v;
	a->recount = !with_counts;
	if (first != NULL && (a->first_seen == NULL ||
	    strcmp(first, a->first_seen) < 0))
		alerts_set(&a->first_seen, first);
	if (!alerts_i64(o, "last_ms", &v))
		v = 0;
	if (a->last_seen == NULL || v >= a->last_ms) {
		a->last_ms = v;
		alerts_set(&a->last_seen, alerts_str(o, "last_seen"));
		alerts_set(&a->last_event_id, alerts_str(o, "last_event_id"));
		alerts_set(&a->last_action, alerts_str(o, "last_action"));
		alerts_set(&a->last_resource, alerts_str(o, "last_resource"));
		alerts_set(&a->last_source_ip, alerts_str(o, "last_source_ip"));
	}
	if (alerts_i64(o, "last_ingested", &v) && v > a->last_ingested)
		a->last_ingested = v;
	a->journalled = true;
	alerts_judge(a);
	t->sorted = false;
}

bool
alerts_apply(struct alerts *t, struct json_object *o, bool with_counts)
{
	const char *type = alerts_str(o, "type");
	struct alerts_ack k;
	char *cause = NULL;
	int rc;

	if (type == NULL || alerts_str(o, "rule") == NULL ||
	    alerts_str(o, "key") == NULL)
		return false;
	if (strcmp(type, "alert") == 0) {
		alerts_apply_alert(t, o, with_counts);
		return true;
	}
	if (strcmp(type, "ack") != 0 || alerts_ack_parse(o, &k, &cause) != 0) {
		free(cause);
		return false;
	}
	/* Our journal says how far it was believed when it came. */
	k.trust = alerts_trust_of(alerts_str(o, "trust"));
	k.why = alerts_str(o, "why");
	rc = alerts_ack_apply(t, &k, &cause);
	free(cause);
	return rc == 0;
}

const char *
alerts_state_text(const struct alert *a)
{
	static char buf[512];

	if (a->acked)
		return "acked";
	if (a->reopened) {
		snprintf(buf, sizeof buf, "reopened after ack by %s at %s",
		    a->ack_who, a->ack_at != NULL ? a->ack_at : "?");
		return buf;
	}
	return "open";
}
