/* The alert table. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "hash.h"
#include "xalloc.h"

struct alerts {
	struct alert	**v;
	size_t		  n;
	bool		  sorted;
};

struct alerts *
alerts_new(void)
{
	return xcalloc(1, sizeof(struct alerts));
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
	free(a->ack_at);
	free(a->ack_note);
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
	free(t);
}

static void
alerts_set(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value != NULL ? value : "");
}

static void
alerts_make_id(char id[ALERTS_ID_LEN + 1], const char *rule, const char *key)
{
	char *s = xasprintf("%s%c%s", rule, '\0', key);
	uint64_t h = hash64(s, strlen(rule) + 1 + strlen(key));

	snprintf(id, ALERTS_ID_LEN + 1, "%08x", (unsigned int)(h >> 32));
	free(s);
}

static struct alert *
alerts_get(struct alerts *t, const char *rule, const char *key, bool *created)
{
	char id[ALERTS_ID_LEN + 1];
	struct alert *a;
	size_t i;

	alerts_make_id(id, rule, key);
	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i]->id, id) == 0) {
			*created = false;
			return t->v[i];
		}
	a = xcalloc(1, sizeof *a);
	memcpy(a->id, id, sizeof a->id);
	a->rule = xstrdup(rule);
	a->key = xstrdup(key);
	t->v = xreallocarray(t->v, t->n + 1, sizeof *t->v);
	t->v[t->n++] = a;
	*created = true;
	return a;
}

struct alert *
alerts_hit(struct alerts *t, const struct rules_hit *h, bool *created)
{
	const char *key = *h->principal != '\0' ? h->principal : h->source_ip;
	struct alert *a = alerts_get(t, h->rule, key, created);

	if (*created) {
		alerts_set(&a->title, h->title);
		alerts_set(&a->first_seen, h->time);
		a->severity = h->severity;
	}
	/* Events arrive out of order: keep the true first and last. */
	if (a->first_seen == NULL || strcmp(h->time, a->first_seen) < 0)
		alerts_set(&a->first_seen, h->time);
	if (a->last_seen == NULL || strcmp(h->time, a->last_seen) >= 0) {
		alerts_set(&a->last_seen, h->time);
		alerts_set(&a->last_event_id, h->event_id);
		alerts_set(&a->last_action, h->action);
		alerts_set(&a->last_resource, h->resource);
		alerts_set(&a->last_source_ip, h->source_ip);
	}
	a->count++;
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
	int c = strcmp(y->last_seen != NULL ? y->last_seen : "",
	    x->last_seen != NULL ? x->last_seen : "");

	return c != 0 ? c : strcmp(x->id, y->id);
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

void
alerts_ack(struct alert *a, const char *who, const char *at, const char *note)
{
	a->acked = true;
	alerts_set(&a->ack_who, who);
	alerts_set(&a->ack_at, at);
	alerts_set(&a->ack_note, note);
}

static void
alerts_add_str(struct json_object *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, key, json_object_new_string(v));
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
	json_object_object_add(o, "count", json_object_new_int64(
	    (int64_t)a->count));
	alerts_add_str(o, "first_seen", a->first_seen);
	alerts_add_str(o, "last_seen", a->last_seen);
	alerts_add_str(o, "last_event_id", a->last_event_id);
	alerts_add_str(o, "last_action", a->last_action);
	alerts_add_str(o, "last_resource", a->last_resource);
	alerts_add_str(o, "last_source_ip", a->last_source_ip);
	if (a->acked) {
		alerts_add_str(o, "ack_who", a->ack_who);
		alerts_add_str(o, "ack_at", a->ack_at);
		alerts_add_str(o, "ack_note", a->ack_note);
	}
	return o;
}

struct json_object *
alerts_ack_record(const struct alert *a, const char *who, const char *at,
    const char *note)
{
	struct json_object *o = json_object_new_object();

	alerts_add_str(o, "type", "ack");
	alerts_add_str(o, "id", a->id);
	alerts_add_str(o, "rule", a->rule);
	alerts_add_str(o, "key", a->key);
	alerts_add_str(o, "who", who);
	alerts_add_str(o, "at", at);
	alerts_add_str(o, "note", note != NULL ? note : "");
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

static enum rules_severity
alerts_severity(const char *name)
{
	int s;

	for (s = RULES_INFO; s <= RULES_CRITICAL; s++)
		if (name != NULL && strcmp(rules_severity_name(s), name) == 0)
			return s;
	return RULES_MEDIUM;
}

bool
alerts_apply(struct alerts *t, struct json_object *o)
{
	const char *type = alerts_str(o, "type"), *rule = alerts_str(o, "rule");
	const char *key = alerts_str(o, "key");
	struct json_object *v;
	struct alert *a;
	bool created;

	if (type == NULL || rule == NULL || key == NULL)
		return false;
	if (strcmp(type, "ack") == 0) {
		a = alerts_get(t, rule, key, &created);
		if (created)
			alerts_set(&a->title, rule);
		alerts_ack(a, alerts_str(o, "who"), alerts_str(o, "at"),
		    alerts_str(o, "note"));
		return true;
	}
	if (strcmp(type, "alert") != 0)
		return false;
	a = alerts_get(t, rule, key, &created);
	alerts_set(&a->title, alerts_str(o, "title"));
	a->severity = alerts_severity(alerts_str(o, "severity"));
	if (json_object_object_get_ex(o, "count", &v) &&
	    (uint64_t)json_object_get_int64(v) > a->count)
		a->count = (uint64_t)json_object_get_int64(v);
	if (a->first_seen == NULL || (alerts_str(o, "first_seen") != NULL &&
	    strcmp(alerts_str(o, "first_seen"), a->first_seen) < 0))
		alerts_set(&a->first_seen, alerts_str(o, "first_seen"));
	if (a->last_seen == NULL || (alerts_str(o, "last_seen") != NULL &&
	    strcmp(alerts_str(o, "last_seen"), a->last_seen) > 0)) {
		alerts_set(&a->last_seen, alerts_str(o, "last_seen"));
		alerts_set(&a->last_event_id, alerts_str(o, "last_event_id"));
		alerts_set(&a->last_action, alerts_str(o, "last_action"));
		alerts_set(&a->last_resource, alerts_str(o, "last_resource"));
		alerts_set(&a->last_source_ip, alerts_str(o, "last_source_ip"));
	}
	if (alerts_str(o, "ack_who") != NULL)
		alerts_ack(a, alerts_str(o, "ack_who"), alerts_str(o, "ack_at"),
		    alerts_str(o, "ack_note"));
	t->sorted = false;
	return true;
}
