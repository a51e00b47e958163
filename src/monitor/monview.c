/* The console's model of the event stream (see monview.h). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "ctevent.h"
#include "hash.h"
#include "monitor.h"
#include "monview.h"
#include "text.h"
#include "xalloc.h"

struct monview_top_slot {
	char		*key;		/* safe */
	uint64_t	 hash;
	uint64_t	 count;
};

/* Open addressing; once 3/4 full, new keys are not counted. */
struct monview_table {
	struct monview_top_slot	 v[MONVIEW_TOP_CAP];
	size_t			 n;
};

struct monview {
	struct monview_event	 ring[MONVIEW_RING];
	uint64_t		 seq;		/* the last assigned */

	/* The list: ring slots, oldest first, rebuilt when stale. */
	size_t			 vis[MONVIEW_RING];
	size_t			 nvis;
	bool			 stale;
	uint64_t		 sel_seq;
	bool			 follow;
	bool			 paused;
	uint64_t		 paused_seq;

	struct monview_filter	 filter;
	char			*search;	/* safe */
	char			*warning;	/* safe */

	uint64_t		 sec_count[MONVIEW_SECONDS];
	uint64_t		 sec_at;	/* the second of sec_count[last] */
	uint64_t		 ev_min[MONVIEW_MINUTES];
	uint64_t		 hit_min[MONVIEW_MINUTES];
	uint64_t		 min_at;	/* the minute of [last] */
	bool			 clock_set;

	struct monview_table	 top[MONVIEW_TOP_COUNT];

	uint64_t		 detail_seq;
	char		       **detail;	/* safe lines */
	size_t			 ndetail;
};

/* The names FIELD:TEXT takes. */
static const struct {
	const char		*name;
	enum monview_field	 field;
} monview_fields[] = {
	{ "time", MONVIEW_F_TIME },
	{ "event", MONVIEW_F_EVENT },
	{ "principal", MONVIEW_F_PRINCIPAL },
	{ "ip", MONVIEW_F_IP },
	{ "object", MONVIEW_F_OBJECT },
	{ "bucket", MONVIEW_F_OBJECT },
	{ "key", MONVIEW_F_OBJECT },
	{ "result", MONVIEW_F_RESULT },
	{ "rule", MONVIEW_F_RULES },
	{ "id", MONVIEW_F_ID },
};

struct monview *
monview_new(void)
{
	struct monview *mv = xcalloc(1, sizeof *mv);

	mv->follow = true;
	return mv;
}

static void
monview_event_clear(struct monview_event *e)
{
	size_t i;

	for (i = 0; i < MONVIEW_F_COUNT; i++)
		free(e->f[i]);
	free(e->raw);
	memset(e, 0, sizeof *e);
}

static void
monview_detail_free(struct monview *mv)
{
	size_t i;

	for (i = 0; i < mv->ndetail; i++)
		free(mv->detail[i]);
	free(mv->detail);
	mv->detail = NULL;
	mv->ndetail = 0;
	mv->detail_seq = 0;
}

void
monview_free(struct monview *mv)
{
	size_t i, k;

	if (mv == NULL)
		return;
	for (i = 0; i < MONVIEW_RING; i++)
		monview_event_clear(&mv->ring[i]);
	for (k = 0; k < MONVIEW_TOP_COUNT; k++)
		for (i = 0; i < MONVIEW_TOP_CAP; i++)
			free(mv->top[k].v[i].key);
	monview_detail_free(mv);
	monview_filter_clear(&mv->filter);
	free(mv->search);
	free(mv->warning);
	free(mv);
}

/* --- counting ------------------------------------------------------------ */

static void
monview_count(struct monview_table *t, const char *key)
{
	uint64_t h;
	size_t i;

	if (key == NULL || *key == '\0' || strcmp(key, "-") == 0)
		return;
	h = hash64(key, strlen(key));
	for (i = h % MONVIEW_TOP_CAP; t->v[i].key != NULL;
	    i = (i + 1) % MONVIEW_TOP_CAP)
		if (t->v[i].hash == h && strcmp(t->v[i].key, key) == 0) {
			t->v[i].count++;
			return;
		}
	if (t->n >= MONVIEW_TOP_CAP * 3 / 4)
		return;
	t->v[i].key = xstrdup(key);
	t->v[i].hash = h;
	t->v[i].count = 1;
	t->n++;
}

static bool
monview_top_before(const struct monview_top_slot *a,
    const struct monview_top_entry *b)
{
	if (a->count != b->count)
		return a->count > b->count;
	return strcmp(a->key, b->key) < 0;
}

size_t
monview_top(const struct monview *mv, enum monview_top which,
    struct monview_top_entry *out, size_t n)
{
	const struct monview_table *t = &mv->top[which];
	size_t i, j, k = 0;

	for (i = 0; i < MONVIEW_TOP_CAP && n > 0; i++) {
		if (t->v[i].key == NULL)
			continue;
		/* Insertion into the n best so far. */
		for (j = k; j > 0 && monview_top_before(&t->v[i], &out[j - 1]);
		    j--)
			if (j < n)
				out[j] = out[j - 1];
		if (j < n) {
			out[j].key = t->v[i].key;
			out[j].count = t->v[i].count;
			if (k < n)
				k++;
		}
	}
	return k;
}

/* Shifts a window of counts so that its last bucket is now. */
static void
monview_shift(uint64_t *v, size_t n, uint64_t d)
{
	if (d >= n) {
		memset(v, 0, n * sizeof *v);
		return;
	}
	memmove(v, v + d, (n - d) * sizeof *v);
	memset(v + n - d, 0, d * sizeof *v);
}

static void
monview_roll(struct monview *mv, uint64_t now_ms)
{
	uint64_t sec = now_ms / 1000, min = now_ms / 60000;

	if (!mv->clock_set) {
		mv->sec_at = sec;
		mv->min_at = min;
		mv->clock_set = true;
	}
	if (sec > mv->sec_at) {
		monview_shift(mv->sec_count, MONVIEW_SECONDS, sec - mv->sec_at);
		mv->sec_at = sec;
	}
	if (min > mv->min_at) {
		monview_shift(mv->ev_min, MONVIEW_MINUTES, min - mv->min_at);
		monview_shift(mv->hit_min, MONVIEW_MINUTES, min - mv->min_at);
		mv->min_at = min;
	}
}

int
monview_rate(struct monview *mv, uint64_t now_ms)
{
	uint64_t sum = 0;
	size_t i;

	monview_roll(mv, now_ms);
	/* The current second is still filling: not counted. */
	for (i = 0; i < MONVIEW_SECONDS - 1; i++)
		sum += mv->sec_count[i];
	return (int)(sum * 10 / (MONVIEW_SECONDS - 1));
}

const uint64_t *
monview_minutes(struct monview *mv, bool hits, uint64_t now_ms)
{
	monview_roll(mv, now_ms);
	return hits ? mv->hit_min : mv->ev_min;
}

/* --- the ring ------------------------------------------------------------ */

static char *
monview_safe(const char *s, const char *none)
{
	return text_safe_str(s != NULL ? s : none);
}

void
monview_add(struct monview *mv, const struct monitor_record *r,
    uint64_t now_ms)
{
	struct monview_event *e = &mv->ring[mv->seq % MONVIEW_RING];
	char *obj, *rules = NULL, *tmp;
	const char *t;
	size_t i;

	monview_event_clear(e);
	e->seq = ++mv->seq;
	/* "2026-11-24T10:00:00Z" shows as "10:00:00". */
	t = r->time != NULL && strlen(r->time) >= 19 && r->time[10] == 'T' ?
	    r->time + 11 : r->time;
	e->f[MONVIEW_F_TIME] = t != NULL ? text_safe(t, t != r->time ? 8 :
	    strlen(t)) : xstrdup("-");
	e->malformed = r->malformed;
	if (r->malformed) {
		e->f[MONVIEW_F_EVENT] = xstrdup("(malformed)");
		e->f[MONVIEW_F_RESULT] = monview_safe(r->why, "");
		e->error = true;
	} else {
		e->f[MONVIEW_F_EVENT] = monview_safe(r->name, "-");
		e->f[MONVIEW_F_RESULT] = monview_safe(r->error_code, "ok");
		e->error = r->error_code != NULL && *r->error_code != '\0';
	}
	e->f[MONVIEW_F_PRINCIPAL] = monview_safe(r->principal, "-");
	e->f[MONVIEW_F_IP] = monview_safe(r->source_ip, "-");
	obj = xasprintf("%s%s%s", r->bucket != NULL ? r->bucket : "-",
	    r->key != NULL ? "/" : "", r->key != NULL ? r->key : "");
	e->f[MONVIEW_F_OBJECT] = text_safe_str(obj);
	free(obj);
	e->f[MONVIEW_F_ID] = monview_safe(r->event_id, "");
	e->nhits = r->nhits;
	e->sev = RULES_INFO;
	for (i = 0; i < r->nhits; i++) {
		if (r->hits[i].severity > e->sev)
			e->sev = r->hits[i].severity;
		tmp = xasprintf("%s%s%s", rules != NULL ? rules : "",
		    rules != NULL ? " " : "", r->hits[i].rule);
		free(rules);
		rules = tmp;
	}
	e->f[MONVIEW_F_RULES] = monview_safe(rules, "");
	free(rules);
	e->len = r->raw != NULL ? r->len : 0;
	e->raw = xstrndup(r->raw != NULL ? r->raw : "", e->len);

	monview_roll(mv, now_ms);
	mv->sec_count[MONVIEW_SECONDS - 1]++;
	mv->ev_min[MONVIEW_MINUTES - 1]++;
	if (e->nhits > 0)
		mv->hit_min[MONVIEW_MINUTES - 1]++;
	monview_count(&mv->top[MONVIEW_TOP_IP], e->f[MONVIEW_F_IP]);
	monview_count(&mv->top[MONVIEW_TOP_PRINCIPAL], e->f[MONVIEW_F_PRINCIPAL]);
	if (ctevent_denied(r->error_code))
		monview_count(&mv->top[MONVIEW_TOP_DENIED], e->f[MONVIEW_F_EVENT]);
	mv->stale = true;
}

uint64_t
monview_total(const struct monview *mv)
{
	return mv->seq;
}

const struct monview_event *
monview_event(const struct monview *mv, uint64_t seq)
{
	const struct monview_event *e;

	if (seq == 0 || seq > mv->seq)
		return NULL;
	e = &mv->ring[(seq - 1) % MONVIEW_RING];
	return e->seq == seq ? e : NULL;
}

void
monview_warn(struct monview *mv, const char *raw)
{
	free(mv->warning);
	mv->warning = raw != NULL ? text_safe_str(raw) : NULL;
}

const char *
monview_warning(const struct monview *mv)
{
	return mv->warning;
}

/* --- the filter language --------------------------------------------------- */

static bool
monview_has(const char *hay, const char *needle)
{
	return hay != NULL && strcasestr(hay, needle) != NULL;
}

bool
monview_event_has(const struct monview_event *e, const char *text)
{
	size_t i;

	for (i = 0; i < MONVIEW_F_COUNT; i++)
		if (monview_has(e->f[i], text))
			return true;
	return false;
}

bool
monview_filter_match(const struct monview_filter *f,
    const struct monview_event *e)
{
	switch (f->kind) {
	case MONVIEW_NONE:
		return true;
	case MONVIEW_TEXT:
		return monview_event_has(e, f->text);
	case MONVIEW_FIELD:
		return monview_has(e->f[f->field], f->text);
	case MONVIEW_HITS:
		return e->nhits > 0;
	case MONVIEW_ERRORS:
		return e->error;
	case MONVIEW_SEVERITY:
		return e->nhits > 0 && e->sev >= f->sev;
	}
	return true;
}

void
monview_filter_clear(struct monview_filter *f)
{
	free(f->text);
	free(f->label);
	memset(f, 0, sizeof *f);
}

static void
monview_filter_set(struct monview_filter *f, enum monview_filter_kind kind,
    const char *label, const char *text)
{
	monview_filter_clear(f);
	f->kind = kind;
	f->label = kind != MONVIEW_NONE ? xstrdup(label) : NULL;
	f->text = text != NULL ? xstrdup(text) : NULL;
}

int
monview_filter_parse(const char *raw, struct monview_filter *out,
    char **cause)
{
	struct monview_filter f;
	char *safe, *s, *end, *colon;
	size_t i, n;
	int level;

	memset(&f, 0, sizeof f);
	safe = text_safe_str(raw != NULL ? raw : "");
	/* Spaces around the whole are never meant. */
	for (s = safe; isspace((unsigned char)*s); s++)
		;
	for (end = s + strlen(s); end > s && isspace((unsigned char)end[-1]);
	    end--)
		;
	*end = '\0';
	colon = strchr(s, ':');
	n = colon != NULL ? (size_t)(colon - s) : 0;
	if (*s == '\0')
		monview_filter_set(&f, MONVIEW_NONE, NULL, NULL);
	else if (strcasecmp(s, "errors") == 0 || strcasecmp(s, "error") == 0)
		monview_filter_set(&f, MONVIEW_ERRORS, "errors", NULL);
	else if (strcasecmp(s, "hits") == 0)
		monview_filter_set(&f, MONVIEW_HITS, "rule hits", NULL);
	else if (colon == NULL)
		monview_filter_set(&f, MONVIEW_TEXT, s, s);
	else if (colon[1] == '\0') {
		*cause = xasprintf("'%s' needs a text after the colon", s);
		goto fail;
	} else if (n == 3 && strncasecmp(s, "sev", 3) == 0) {
		for (level = RULES_INFO; level <= RULES_CRITICAL; level++)
			if (strcasecmp(colon + 1, rules_severity_name(
			    (enum rules_severity)level)) == 0)
				break;
		if (level > RULES_CRITICAL) {
			*cause = xasprintf("no severity '%s': info, low, medium, "
			    "high or critical", colon + 1);
			goto fail;
		}
		monview_filter_set(&f, MONVIEW_SEVERITY, s, NULL);
		f.sev = (enum rules_severity)level;
	} else if (n == 3 && strncasecmp(s, "any", 3) == 0)
		monview_filter_set(&f, MONVIEW_TEXT, s, colon + 1);
	else if (n == 0) {
		*cause = xasprintf("'%s': a field goes before the colon "
		    "(any:TEXT looks for a text with a colon)", s);
		goto fail;
	} else {
		for (i = 0; i < sizeof monview_fields / sizeof monview_fields[0];
		    i++)
			if (strlen(monview_fields[i].name) == n &&
			    strncasecmp(s, monview_fields[i].name, n) == 0)
				break;
		if (i == sizeof monview_fields / sizeof monview_fields[0]) {
			*cause = xasprintf("no field '%.*s': event, principal, ip, "
			    "bucket, key, result, rule, sev, id, time (any:TEXT "
			    "looks for a text with a colon)", (int)n, s);
			goto fail;
		}
		monview_filter_set(&f, MONVIEW_FIELD, s, colon + 1);
		f.field = monview_fields[i].field;
	}
	free(safe);
	monview_filter_clear(out);
	*out = f;
	return 0;
fail:
	free(safe);
	return -1;
}

/* --- the list -------------------------------------------------------------- */

static void
monview_rebuild(struct monview *mv)
{
	uint64_t first = mv->seq > MONVIEW_RING ? mv->seq - MONVIEW_RING + 1 :
	    1, last = mv->paused ? mv->paused_seq : mv->seq, s;
	const struct monview_event *e;

	if (!mv->stale) {
		if (mv->follow && mv->nvis > 0)
			mv->sel_seq = mv->ring[mv->vis[mv->nvis - 1]].seq;
		return;
	}
	mv->stale = false;
	mv->nvis = 0;
	for (s = first; s <= last; s++) {
		e = &mv->ring[(s - 1) % MONVIEW_RING];
		if (e->seq == s && monview_filter_match(&mv->filter, e))
			mv->vis[mv->nvis++] = (size_t)((s - 1) % MONVIEW_RING);
	}
	if (mv->follow && mv->nvis > 0)
		mv->sel_seq = mv->ring[mv->vis[mv->nvis - 1]].seq;
}

size_t
monview_rows(struct monview *mv)
{
	monview_rebuild(mv);
	return mv->nvis;
}

const struct monview_event *
monview_row(struct monview *mv, size_t i)
{
	monview_rebuild(mv);
	return i < mv->nvis ? &mv->ring[mv->vis[i]] : NULL;
}

size_t
monview_cursor(struct monview *mv)
{
	size_t lo = 0, hi, mid;

	monview_rebuild(mv);
	/* The selection, or the nearest older row when it is hidden. */
	hi = mv->nvis;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (mv->ring[mv->vis[mid]].seq <= mv->sel_seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 ? lo - 1 : 0;
}

void
monview_select(struct monview *mv, size_t i)
{
	monview_rebuild(mv);
	if (mv->nvis == 0)
		return;
	if (i >= mv->nvis)
		i = mv->nvis - 1;
	mv->sel_seq = mv->ring[mv->vis[i]].seq;
	mv->follow = i == mv->nvis - 1 && !mv->paused;
}

void
monview_follow(struct monview *mv)
{
	if (mv->paused)
		mv->stale = true;
	mv->follow = true;
	mv->paused = false;
}

bool
monview_following(const struct monview *mv)
{
	return mv->follow;
}

void
monview_pause(struct monview *mv, bool on)
{
	mv->paused = on;
	mv->paused_seq = mv->seq;
	if (!on)
		mv->follow = true;
	mv->stale = true;
}

bool
monview_paused(const struct monview *mv, uint64_t *behind)
{
	if (behind != NULL)
		*behind = mv->paused ? mv->seq - mv->paused_seq : 0;
	return mv->paused;
}

int
monview_set_filter(struct monview *mv, const char *raw, char **cause)
{
	if (monview_filter_parse(raw, &mv->filter, cause) != 0)
		return -1;
	mv->follow = true;
	mv->stale = true;
	return 0;
}

void
monview_toggle(struct monview *mv, enum monview_filter_kind kind)
{
	if (mv->filter.kind == kind)
		monview_filter_set(&mv->filter, MONVIEW_NONE, NULL, NULL);
	else if (kind == MONVIEW_HITS)
		monview_filter_set(&mv->filter, kind, "rule hits", NULL);
	else
		monview_filter_set(&mv->filter, MONVIEW_ERRORS, "errors", NULL);
	mv->follow = true;
	mv->stale = true;
}

void
monview_clear(struct monview *mv)
{
	monview_filter_clear(&mv->filter);
	free(mv->search);
	mv->search = NULL;
	mv->stale = true;
}

const struct monview_filter *
monview_filter(const struct monview *mv)
{
	return &mv->filter;
}

bool
monview_select_id(struct monview *mv, const char *event_id)
{
	char *id = text_safe_str(event_id != NULL ? event_id : "");
	const struct monview_event *e;
	uint64_t s;
	bool found = false;

	for (s = mv->seq; *id != '\0' && s > 0 && s + MONVIEW_RING > mv->seq;
	    s--) {
		if ((e = monview_event(mv, s)) == NULL ||
		    strcmp(e->f[MONVIEW_F_ID], id) != 0)
			continue;
		/* Nothing may hide it. */
		monview_filter_clear(&mv->filter);
		mv->paused = false;
		mv->follow = false;
		mv->sel_seq = s;
		mv->stale = true;
		found = true;
		break;
	}
	free(id);
	return found;
}

/* --- search ---------------------------------------------------------------- */

enum monview_found
monview_search_step(struct monview *mv, bool older)
{
	size_t i;

	if (mv->search == NULL)
		return MONVIEW_NO_SEARCH;
	if (monview_rows(mv) == 0)
		return MONVIEW_NO_MATCH;
	i = monview_cursor(mv);
	for (;;) {
		if (older ? i == 0 : i + 1 >= mv->nvis)
			return MONVIEW_NO_MATCH;
		i = older ? i - 1 : i + 1;
		if (monview_event_has(&mv->ring[mv->vis[i]], mv->search))
			break;
	}
	monview_select(mv, i);
	mv->follow = false;
	return MONVIEW_FOUND;
}

enum monview_found
monview_search(struct monview *mv, const char *raw)
{
	const struct monview_event *e;

	if (raw == NULL || *raw == '\0')
		return MONVIEW_NO_SEARCH;
	free(mv->search);
	mv->search = text_safe_str(raw);
	/* The selection itself may match. */
	if ((e = monview_row(mv, monview_cursor(mv))) != NULL &&
	    monview_event_has(e, mv->search))
		return MONVIEW_FOUND;
	return monview_search_step(mv, true);
}

const char *
monview_searching(const struct monview *mv)
{
	return mv->search;
}

/* --- the detail pane --------------------------------------------------------- */

size_t
monview_detail(struct monview *mv, const struct monview_event *e,
    const char *const **lines)
{
	struct json_tokener *tok;
	struct json_object *o = NULL;
	const char *text, *p, *nl;

	if (e->seq != mv->detail_seq) {
		monview_detail_free(mv);
		mv->detail_seq = e->seq;
		tok = json_tokener_new();
		if (e->len > 0 && e->len < INT32_MAX)
			o = json_tokener_parse_ex(tok, e->raw, (int)e->len);
		json_tokener_free(tok);
		text = o != NULL ? json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		    JSON_C_TO_STRING_NOSLASHESCAPE) : e->raw;
		for (p = text; p != NULL && *p != '\0';
		    p = nl != NULL ? nl + 1 : NULL) {
			nl = strchr(p, '\n');
			mv->detail = xreallocarray(mv->detail, mv->ndetail + 1,
			    sizeof *mv->detail);
			mv->detail[mv->ndetail++] = text_safe(p, nl != NULL ?
			    (size_t)(nl - p) : strlen(p));
		}
		json_object_put(o);
	}
	*lines = (const char *const *)mv->detail;
	return mv->ndetail;
}
