/* Amazon CloudWatch Logs operations (awsJson 1.1). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "evjson.h"
#include "strscan.h"
#include "svc_internal.h"

/* PutLogEvents: AWS counts each event as its message plus 26 bytes. */
#define LOGS_EVENT_OVERHEAD	26
#define LOGS_BATCH_BYTES	1048576
#define LOGS_BATCH_EVENTS	10000
#define LOGS_BATCH_SPAN_MS	(24 * 3600 * 1000LL)

static const int logs_retention_days[] = {
	1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
	1827, 2192, 2557, 2922, 3288, 3653,
};

bool
logs_retention_valid(int days)
{
	size_t i;

	for (i = 0; i < sizeof logs_retention_days /
	    sizeof logs_retention_days[0]; i++)
		if (logs_retention_days[i] == days)
			return true;
	return false;
}

int
logs_group_name_check(const char *g, char **cause)
{
	size_t n;

	if (!svc_need(g, "log group name", cause))
		return -1;
	n = strlen(g);
	if (n > 512 || strspn(g, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/#") != n) {
		*cause = xasprintf("log group name '%s' must be 1 to 512 letters, "
		    "digits, '.', '_', '-', '/' or '#'", g);
		return -1;
	}
	return 0;
}

static struct aws_request *
logs_group_request(const char *op, const char *group, char **cause)
{
	struct aws_request *r;

	if (logs_group_name_check(group, cause) != 0)
		return NULL;
	r = svc_json_request(SVC_LOGS, op);
	svc_json_add_str(r->json, "logGroupName", group);
	return r;
}

struct aws_request *
logs_create_log_group(const char *group, const struct svc_tag *tags,
    size_t ntags, char **cause)
{
	struct aws_request *r;

	if ((r = logs_group_request("CreateLogGroup", group, cause)) == NULL)
		return NULL;
	if (ntags > 0)
		svc_json_add_map(r->json, "tags", tags, ntags);
	return r;
}

struct aws_request *
logs_delete_log_group(const char *group, char **cause)
{
	return logs_group_request("DeleteLogGroup", group, cause);
}

struct aws_request *
logs_put_retention_policy(const char *group, int days, char **cause)
{
	struct aws_request *r;

	if (!logs_retention_valid(days))
		return svc_invalid(cause, "log retention of %d days is not one "
		    "AWS accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)", days);
	if ((r = logs_group_request("PutRetentionPolicy", group, cause)) == NULL)
		return NULL;
	svc_json_add_int(r->json, "retentionInDays", days);
	return r;
}

struct aws_request *
logs_describe_log_groups(const char *prefix, const char *token, int limit,
    char **cause)
{
	struct aws_request *r;

	if (limit < 0 || limit > 50)
		return svc_invalid(cause, "DescribeLogGroups limit %d is not "
		    "between 1 and 50", limit);
	r = svc_json_request(SVC_LOGS, "DescribeLogGroups");
	if (!svc_empty(prefix))
		svc_json_add_str(r->json, "logGroupNamePrefix", prefix);
	svc_json_add_str(r->json, "nextToken", token);
	if (limit > 0)
		svc_json_add_int(r->json, "limit", limit);
	return r;
}

/* Streams: 1-512 characters, no ':' or '*'. */
static bool
logs_stream_ok(const char *s, char **cause)
{
	if (!svc_need(s, "log stream name", cause))
		return false;
	if (strlen(s) > 512 || strpbrk(s, ":*") != NULL) {
		*cause = xasprintf("log stream name '%s' must be 1 to 512 "
		    "characters without ':' or '*'", s);
		return false;
	}
	return true;
}

struct aws_request *
logs_create_log_stream(const char *group, const char *stream, char **cause)
{
	struct aws_request *r;

	if (!logs_stream_ok(stream, cause))
		return NULL;
	if ((r = logs_group_request("CreateLogStream", group, cause)) == NULL)
		return NULL;
	svc_json_add_str(r->json, "logStreamName", stream);
	return r;
}

struct aws_request *
logs_put_log_events(const char *group, const char *stream,
    const struct logs_event *ev, size_t n, const char *sequence_token,
    char **cause)
{
	struct aws_request *r;
	struct json_object *a, *e;
	size_t i, bytes = 0;

	if (!logs_stream_ok(stream, cause))
		return NULL;
	if (n == 0 || n > LOGS_BATCH_EVENTS)
		return svc_invalid(cause, "PutLogEvents takes 1 to %d events, "
		    "not %zu", LOGS_BATCH_EVENTS, n);
	for (i = 0; i < n; i++) {
		if (svc_empty(ev[i].message))
			return svc_invalid(cause, "log event %zu has an empty "
			    "message", i);
		if (i > 0 && ev[i].timestamp < ev[i - 1].timestamp)
			return svc_invalid(cause, "log events must be in time "
			    "order (event %zu is older than event %zu)", i,
			    i - 1);
		bytes += strlen(ev[i].message) + LOGS_EVENT_OVERHEAD;
	}
	if (bytes > LOGS_BATCH_BYTES)
		return svc_invalid(cause, "PutLogEvents batch of %zu bytes is "
		    "over AWS's %d", bytes, LOGS_BATCH_BYTES);
	if (ev[n - 1].timestamp - ev[0].timestamp > LOGS_BATCH_SPAN_MS)
		return svc_invalid(cause, "PutLogEvents batch spans more than "
		    "24 hours");
	if ((r = logs_group_request("PutLogEvents", group, cause)) == NULL)
		return NULL;
	svc_json_add_str(r->json, "logStreamName", stream);
	a = json_object_new_array();
	for (i = 0; i < n; i++) {
		e = json_object_new_object();
		svc_json_add_int(e, "timestamp", ev[i].timestamp);
		svc_json_add_str(e, "message", ev[i].message);
		json_object_array_add(a, e);
	}
	json_object_object_add(r->json, "logEvents", a);
	svc_json_add_str(r->json, "sequenceToken", sequence_token);
	return r;
}

struct aws_request *
logs_filter_log_events(const struct logs_filter *f, char **cause)
{
	struct aws_request *r;

	if (f->nstreams > 0 && !svc_empty(f->stream_prefix))
		return svc_invalid(cause, "FilterLogEvents takes stream names "
		    "or a stream prefix, not both");
	if (f->limit < 0 || f->limit > 10000)
		return svc_invalid(cause, "FilterLogEvents limit %d is not "
		    "between 1 and 10000", f->limit);
	if ((r = logs_group_request("FilterLogEvents", f->group, cause)) == NULL)
		return NULL;
	if (f->nstreams > 0)
		svc_json_add_strings(r->json, "logStreamNames", f->streams,
		    f->nstreams);
	if (!svc_empty(f->stream_prefix))
		svc_json_add_str(r->json, "logStreamNamePrefix", f->stream_prefix);
	if (!svc_empty(f->pattern))
		svc_json_add_str(r->json, "filterPattern", f->pattern);
	if (f->start > 0)
		svc_json_add_int(r->json, "startTime", f->start);
	if (f->end > 0)
		svc_json_add_int(r->json, "endTime", f->end);
	svc_json_add_str(r->json, "nextToken", f->token);
	if (f->limit > 0)
		svc_json_add_int(r->json, "limit", f->limit);
	return r;
}

struct aws_request *
logs_get_log_events(const char *group, const char *stream, int64_t start,
    int64_t end, const char *token, bool from_head, int limit, char **cause)
{
	struct aws_request *r;

	if (!logs_stream_ok(stream, cause))
		return NULL;
	if ((r = logs_group_request("GetLogEvents", group, cause)) == NULL)
		return NULL;
	svc_json_add_str(r->json, "logStreamName", stream);
	if (start > 0)
		svc_json_add_int(r->json, "startTime", start);
	if (end > 0)
		svc_json_add_int(r->json, "endTime", end);
	svc_json_add_str(r->json, "nextToken", token);
	if (limit > 0)
		svc_json_add_int(r->json, "limit", limit);
	svc_json_add_bool(r->json, "startFromHead", from_head);
	return r;
}

static bool
logs_groups_ok(char *const *groups, size_t n, char **cause)
{
	size_t i;

	if (n == 0 || n > 50) {
		*cause = xasprintf("a Logs Insights query takes 1 to 50 log "
		    "groups, not %zu", n);
		return false;
	}
	for (i = 0; i < n; i++)
		if (logs_group_name_check(groups[i], cause) != 0)
			return false;
	return true;
}

struct aws_request *
logs_start_query(char *const *groups, size_t ngroups, const char *query,
    time_t start_s, time_t end_s, int limit, char **cause)
{
	struct aws_request *r;

	if (!logs_groups_ok(groups, ngroups, cause) ||
	    !svc_need(query, "Logs Insights query", cause))
		return NULL;
	if (end_s < start_s)
		return svc_invalid(cause, "query end time is before its start");
	r = svc_json_request(SVC_LOGS, "StartQuery");
	svc_json_add_strings(r->json, "logGroupNames", groups, ngroups);
	svc_json_add_str(r->json, "queryString", query);
	svc_json_add_int(r->json, "startTime", (int64_t)start_s);
	svc_json_add_int(r->json, "endTime", (int64_t)end_s);
	if (limit > 0)
		svc_json_add_int(r->json, "limit", limit);
	return r;
}

struct aws_request *
logs_get_query_results(const char *query_id, char **cause)
{
	struct aws_request *r;

	if (!svc_need(query_id, "query id", cause))
		return NULL;
	r = svc_json_request(SVC_LOGS, "GetQueryResults");
	svc_json_add_str(r->json, "queryId", query_id);
	return r;
}

struct aws_request *
logs_put_query_definition(const char *name, const char *query,
    char *const *groups, size_t ngroups, const char *id, char **cause)
{
	struct aws_request *r;

	if (!svc_need(name, "query definition name", cause) ||
	    !svc_need(query, "Logs Insights query", cause) ||
	    (ngroups > 0 && !logs_groups_ok(groups, ngroups, cause)))
		return NULL;
	r = svc_json_request(SVC_LOGS, "PutQueryDefinition");
	svc_json_add_str(r->json, "name", name);
	svc_json_add_str(r->json, "queryString", query);
	if (ngroups > 0)
		svc_json_add_strings(r->json, "logGroupNames", groups, ngroups);
	svc_json_add_str(r->json, "queryDefinitionId", id);
	return r;
}

/* --- parsers ---------------------------------------------------------- */

int
logs_describe_log_groups_parse(struct aws_response *resp,
    struct logs_groups *l, char **cause)
{
	struct json_object *a, *o;
	struct logs_group *g;
	size_t i, n;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "DescribeLogGroups", cause) != 0)
		return -1;
	if ((a = aws_json_array(resp->json, "logGroups", &n)) == NULL)
		return svc_lacks("DescribeLogGroups", "logGroups", cause);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(a, i);
		g = xpush(&l->v, &l->n, sizeof *l->v);
		g->name = svc_json_dup(o, "logGroupName");
		g->arn = svc_json_dup(o, "arn");
		g->group_arn = svc_json_dup(o, "logGroupArn");
		g->retention_days = (int)aws_json_int(o, "retentionInDays", 0);
		g->created = aws_json_int(o, "creationTime", 0);
		g->stored_bytes = aws_json_int(o, "storedBytes", 0);
	}
	l->next_token = svc_json_dup(resp->json, "nextToken");
	return 0;
}

void
logs_groups_free(struct logs_groups *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].arn);
		free(l->v[i].group_arn);
	}
	free(l->v);
	free(l->next_token);
	memset(l, 0, sizeof *l);
}

int
logs_put_log_events_parse(struct aws_response *resp,
    struct logs_put_result *p, char **cause)
{
	struct json_object *rej;

	memset(p, 0, sizeof *p);
	p->too_new_start = p->too_old_end = p->expired_end = -1;
	if (svc_check(resp, "PutLogEvents", cause) != 0)
		return -1;
	p->next_sequence_token = svc_json_dup(resp->json, "nextSequenceToken");
	if ((rej = aws_json_get(resp->json, "rejectedLogEventsInfo")) != NULL) {
		p->too_new_start = (int)aws_json_int(rej,
		    "tooNewLogEventStartIndex", -1);
		p->too_old_end = (int)aws_json_int(rej,
		    "tooOldLogEventEndIndex", -1);
		p->expired_end = (int)aws_json_int(rej,
		    "expiredLogEventEndIndex", -1);
		p->rejected = p->too_new_start >= 0 || p->too_old_end >= 0 ||
		    p->expired_end >= 0;
	}
	return 0;
}

void
logs_put_result_free(struct logs_put_result *p)
{
	free(p->next_sequence_token);
	memset(p, 0, sizeof *p);
}

static int
logs_events_parse(struct aws_response *resp, const char *op,
    struct logs_events *l, char **cause)
{
	struct json_object *a, *o;
	struct logs_event *e;
	size_t i, n;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, op, cause) != 0)
		return -1;
	/* An answer without an events list is not an answer. */
	if ((a = aws_json_array(resp->json, "events", &n)) == NULL)
		return svc_lacks(op, "events list", cause);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(a, i);
		e = xpush(&l->v, &l->n, sizeof *l->v);
		e->timestamp = aws_json_int(o, "timestamp", 0);
		e->ingestion_time = aws_json_int(o, "ingestionTime", 0);
		e->message = xstrdup_null(aws_json_str(o, "message"));
		if (e->message == NULL)
			e->message = xstrdup("");
		e->stream = svc_json_dup(o, "logStreamName");
		e->id = svc_json_dup(o, "eventId");
	}
	return 0;
}

int
logs_filter_log_events_parse(struct aws_response *resp,
    struct logs_events *l, char **cause)
{
	if (logs_events_parse(resp, "FilterLogEvents", l, cause) != 0)
		return -1;
	l->next_token = svc_json_dup(resp->json, "nextToken");
	return 0;
}

int
logs_get_log_events_parse(struct aws_response *resp, struct logs_events *l,
    char **cause)
{
	if (logs_events_parse(resp, "GetLogEvents", l, cause) != 0)
		return -1;
	l->next_token = svc_json_dup(resp->json, "nextForwardToken");
	l->back_token = svc_json_dup(resp->json, "nextBackwardToken");
	return 0;
}

/* --- FilterLogEvents pages, streamed ------------------------------------ */

/* A growable scratch string, reused from one event to the next. */
struct logs_scratch {
	char	*s;
	size_t	 cap;
};

struct logs_scan {
	const char		*base;
	const char		*end;
	char			*cause;		/* first error */
	struct logs_scratch	 id, stream, msg;
};

static const char *
logs_scan_fail(struct logs_scan *sc, const char *at, const char *what)
{
	if (sc->cause == NULL)
		sc->cause = xasprintf("the logs FilterLogEvents answer is not "
		    "valid JSON: offset %zu: %s",
		    (size_t)(at - sc->base), what);
	return NULL;
}

/* Skips one value, validating it; evjson_skip()'s offset is relative to
 * the value, so the error is restated from the start of the body. */
static const char *
logs_scan_skip(struct logs_scan *sc, const char *p)
{
	char *cause = NULL, *rest = NULL;
	const char *q;
	size_t off = 0;

	if ((q = evjson_skip(p, sc->end, &cause)) != NULL)
		return q;
	if (strncmp(cause, "offset ", 7) == 0)
		off = strtoul(cause + 7, &rest, 10);
	if (rest == NULL || strncmp(rest, ": ", 2) != 0) {
		off = 0;
		rest = cause;
	} else
		rest += 2;
	if (sc->cause == NULL)
		sc->cause = xasprintf("the logs FilterLogEvents answer is not "
		    "valid JSON: offset %zu: %s",
		    (size_t)(p - sc->base) + off, rest);
	free(cause);
	return NULL;
}

/* p at a string: returns past it with the body in [*s, *e). */
static const char *
logs_scan_string(struct logs_scan *sc, const char *p, const char **s,
    const char **e, bool *esc)
{
	const char *q;

	if (p >= sc->end || *p != '"')
		return logs_scan_fail(sc, p, "expected a string");
	if ((q = evjson_string_span(p + 1, sc->end, esc)) == NULL)
		return logs_scan_fail(sc, p, "bad or unterminated string");
	*s = p + 1;
	*e = q - 1;
	return q;
}

static void
logs_scratch_reserve(struct logs_scratch *b, size_t need)
{
	if (b->cap >= need)
		return;
	b->cap = need > 2 * b->cap ? need : 2 * b->cap;
	b->s = xrealloc(b->s, b->cap);
}

/* 4 hex digits at p (p + 4 <= end checked by the caller)? */
static bool
logs_hex4(const char *p)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!isxdigit((unsigned char)p[i]))
			return false;
	return true;
}

/* Reads the string at p into scratch, unescaped and NUL-terminated, in one
 * pass (runs copied whole, escapes one by one: evjson_unescape() for
 * \u, surrogate pairs and lone surrogates alike).  Returns the pointer
 * past the closing quote, with the length in *len. */
static const char *
logs_scan_take(struct logs_scan *sc, const char *p, struct logs_scratch *b,
    size_t *len)
{
	const char *q, *start = p, *end = sc->end;
	size_t n = 0, run, chunk;
	unsigned hi;

	if (p >= end || *p != '"')
		return logs_scan_fail(sc, p, "expected a string");
	p++;
	for (;;) {
		q = strscan_json(p, end);
		run = (size_t)(q - p);
		/* the run, one escape (at most 4 bytes) and the NUL */
		logs_scratch_reserve(b, n + run + 8);
		memcpy(b->s + n, p, run);
		n += run;
		p = q;
		if (p >= end || p + 1 >= end)
			return logs_scan_fail(sc, start, "unterminated string");
		if (*p == '"')
			break;
		if ((unsigned char)*p < 0x20)
			return logs_scan_fail(sc, p, "control character in string");
		switch (p[1]) {
		case '"': case '\\': case '/':
			b->s[n++] = p[1];
			p += 2;
			continue;
		case 'b': b->s[n++] = '\b'; p += 2; continue;
		case 'f': b->s[n++] = '\f'; p += 2; continue;
		case 'n': b->s[n++] = '\n'; p += 2; continue;
		case 'r': b->s[n++] = '\r'; p += 2; continue;
		case 't': b->s[n++] = '\t'; p += 2; continue;
		case 'u':
			if (end - p < 6 || !logs_hex4(p + 2))
				return logs_scan_fail(sc, p, "bad \\u escape in "
				    "string");
			hi = (unsigned)strtoul((char[]){ p[2], p[3], p[4], p[5],
			    '\0' }, NULL, 16);
			chunk = 6;
			/* A pair only with a low surrogate right after. */
			if (hi >= 0xd800 && hi <= 0xdbff && end - p >= 12 &&
			    p[6] == '\\' && p[7] == 'u' && logs_hex4(p + 8) &&
			    (p[8] == 'd' || p[8] == 'D') && strchr("cdefCDEF",
			    p[9]) != NULL)
				chunk = 12;
			n += evjson_unescape(p, p + chunk, b->s + n);
			p += chunk;
			continue;
		default:
			return logs_scan_fail(sc, p, "bad escape in string");
		}
	}
	b->s[n] = '\0';
	*len = n;
	return p + 1;
}

static bool
logs_scan_key(const char *s, const char *e, const char *key)
{
	size_t n = strlen(key);

	return (size_t)(e - s) == n && memcmp(s, key, n) == 0;
}

/* A number as epoch ms, as json-c would give it (doubles truncated);
 * anything else is 0.  p is validated. */
static int64_t
logs_scan_int(const char *p, const char *q)
{
	char tmp[64];
	size_t n = (size_t)(q - p);
	double d;

	if (n == 0 || n >= sizeof tmp || !(*p == '-' || (*p >= '0' &&
	    *p <= '9')))
		return 0;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	if (strpbrk(tmp, ".eE") == NULL)
		return (int64_t)strtoll(tmp, NULL, 10);	/* clamps */
	d = strtod(tmp, NULL);
	if (!(d > -9.2e18 && d < 9.2e18))
		return d > 0 ? INT64_MAX : INT64_MIN;
	return (int64_t)d;
}

/* One element of "events", p at its start.  An element that is not an
 * object is handed over empty (no id: the tail drops it), as before. */
static const char *
logs_scan_event(struct logs_scan *sc, const char *p, logs_event_fn fn,
    void *arg)
{
	struct logs_event_ref ev = { NULL, NULL, 0, 0, "", 0 };
	const char *ks, *ke, *q;
	size_t n;
	bool esc;

	if (*p != '{') {
		if ((p = logs_scan_skip(sc, p)) == NULL)
			return NULL;
		fn(&ev, arg);
		return p;
	}
	p = evjson_skip_ws(p + 1, sc->end);
	if (p < sc->end && *p == '}') {
		fn(&ev, arg);
		return p + 1;
	}
	for (;;) {
		/* Keys are compared raw: AWS never escapes these. */
		if ((p = logs_scan_string(sc, p, &ks, &ke, &esc)) == NULL)
			return NULL;
		p = evjson_skip_ws(p, sc->end);
		if (p >= sc->end || *p != ':')
			return logs_scan_fail(sc, p, "expected ':'");
		p = evjson_skip_ws(p + 1, sc->end);
		if (p < sc->end && *p == '"' && logs_scan_key(ks, ke,
		    "message")) {
			if ((p = logs_scan_take(sc, p, &sc->msg, &ev.len)) ==
			    NULL)
				return NULL;
			ev.message = sc->msg.s;
		} else if (p < sc->end && *p == '"' && logs_scan_key(ks, ke,
		    "eventId")) {
			if ((p = logs_scan_take(sc, p, &sc->id, &n)) == NULL)
				return NULL;
			ev.id = sc->id.s;
		} else if (p < sc->end && *p == '"' && logs_scan_key(ks, ke,
		    "logStreamName")) {
			if ((p = logs_scan_take(sc, p, &sc->stream, &n)) == NULL)
				return NULL;
			ev.stream = sc->stream.s;
		} else {
			q = p;
			if ((p = logs_scan_skip(sc, p)) == NULL)
				return NULL;
			if (logs_scan_key(ks, ke, "timestamp"))
				ev.timestamp = logs_scan_int(q, p);
			else if (logs_scan_key(ks, ke, "ingestionTime"))
				ev.ingestion_time = logs_scan_int(q, p);
		}
		p = evjson_skip_ws(p, sc->end);
		if (p < sc->end && *p == ',') {
			p = evjson_skip_ws(p + 1, sc->end);
			continue;
		}
		if (p < sc->end && *p == '}')
			break;
		return logs_scan_fail(sc, p, "expected ',' or '}' in an event");
	}
	fn(&ev, arg);
	return p + 1;
}

static const char *
logs_scan_events(struct logs_scan *sc, const char *p, logs_event_fn fn,
    void *arg)
{
	if (p >= sc->end || *p != '[')
		return logs_scan_fail(sc, p, "events is not a list");
	p = evjson_skip_ws(p + 1, sc->end);
	if (p < sc->end && *p == ']')
		return p + 1;
	for (;;) {
		if (p >= sc->end)
			return logs_scan_fail(sc, p, "unexpected end of input");
		if ((p = logs_scan_event(sc, p, fn, arg)) == NULL)
			return NULL;
		p = evjson_skip_ws(p, sc->end);
		if (p < sc->end && *p == ',') {
			p = evjson_skip_ws(p + 1, sc->end);
			continue;
		}
		if (p < sc->end && *p == ']')
			return p + 1;
		return logs_scan_fail(sc, p, "expected ',' or ']' after an "
		    "event");
	}
}

int
logs_filter_page_scan(const char *body, size_t len, logs_event_fn fn,
    void *arg, char **next_token, char **cause)
{
	struct logs_scan sc;
	const char *p, *ks, *ke;
	size_t n;
	bool esc, events = false;

	memset(&sc, 0, sizeof sc);
	*next_token = NULL;
	sc.base = body != NULL ? body : "";
	sc.end = sc.base + (body != NULL ? len : 0);
	p = evjson_skip_ws(sc.base, sc.end);
	if (p >= sc.end || *p != '{') {
		logs_scan_fail(&sc, p, "not a JSON object");
		goto fail;
	}
	p = evjson_skip_ws(p + 1, sc.end);
	if (p < sc.end && *p == '}')
		p++;
	else for (;;) {
		if ((p = logs_scan_string(&sc, p, &ks, &ke, &esc)) == NULL)
			goto fail;
		p = evjson_skip_ws(p, sc.end);
		if (p >= sc.end || *p != ':') {
			logs_scan_fail(&sc, p, "expected ':'");
			goto fail;
		}
		p = evjson_skip_ws(p + 1, sc.end);
		if (logs_scan_key(ks, ke, "events") && p < sc.end && *p != 'n') {
			if ((p = logs_scan_events(&sc, p, fn, arg)) == NULL)
				goto fail;
			events = true;
		} else if (logs_scan_key(ks, ke, "nextToken") && p < sc.end &&
		    *p == '"') {
			if ((p = logs_scan_take(&sc, p, &sc.id, &n)) == NULL)
				goto fail;
			free(*next_token);
			*next_token = xstrdup(sc.id.s);
		} else if ((p = logs_scan_skip(&sc, p)) == NULL)
			goto fail;
		p = evjson_skip_ws(p, sc.end);
		if (p < sc.end && *p == ',') {
			p = evjson_skip_ws(p + 1, sc.end);
			continue;
		}
		if (p < sc.end && *p == '}') {
			p++;
			break;
		}
		logs_scan_fail(&sc, p, "expected ',' or '}'");
		goto fail;
	}
	if ((p = evjson_skip_ws(p, sc.end)) != sc.end) {
		logs_scan_fail(&sc, p, "trailing data after the answer");
		goto fail;
	}
	/* An answer without an events list is not an answer. */
	if (!events) {
		svc_lacks("FilterLogEvents", "events list", &sc.cause);
		goto fail;
	}
	free(sc.id.s);
	free(sc.stream.s);
	free(sc.msg.s);
	return 0;
fail:
	free(*next_token);
	*next_token = NULL;
	*cause = sc.cause;
	free(sc.id.s);
	free(sc.stream.s);
	free(sc.msg.s);
	return -1;
}

void
logs_events_free(struct logs_events *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].message);
		free(l->v[i].stream);
		free(l->v[i].id);
	}
	free(l->v);
	free(l->next_token);
	free(l->back_token);
	memset(l, 0, sizeof *l);
}

int
logs_start_query_parse(struct aws_response *resp, char **query_id,
    char **cause)
{
	return svc_json_field(resp, "StartQuery", "queryId", query_id, cause);
}

int
logs_get_query_results_parse(struct aws_response *resp,
    struct logs_query_results *q, char **cause)
{
	struct json_object *rows, *row, *cell, *stats;
	struct logs_query_row *qr;
	struct logs_query_field *f;
	size_t i, j, n, m;

	memset(q, 0, sizeof *q);
	if (svc_check(resp, "GetQueryResults", cause) != 0)
		return -1;
	if ((q->status = svc_json_dup(resp->json, "status")) == NULL)
		return svc_lacks("GetQueryResults", "status", cause);
	rows = aws_json_array(resp->json, "results", &n);
	for (i = 0; i < n; i++) {
		row = json_object_array_get_idx(rows, i);
		qr = xpush(&q->rows, &q->nrows, sizeof *q->rows);
		if (!json_object_is_type(row, json_type_array))
			continue;
		m = json_object_array_length(row);
		for (j = 0; j < m; j++) {
			cell = json_object_array_get_idx(row, j);
			f = xpush(&qr->v, &qr->n, sizeof *qr->v);
			f->field = svc_json_dup(cell, "field");
			f->value = svc_json_dup(cell, "value");
		}
	}
	if ((stats = aws_json_get(resp->json, "statistics")) != NULL) {
		q->records_matched = json_object_get_double(
		    aws_json_get(stats, "recordsMatched"));
		q->records_scanned = json_object_get_double(
		    aws_json_get(stats, "recordsScanned"));
		q->bytes_scanned = json_object_get_double(
		    aws_json_get(stats, "bytesScanned"));
	}
	return 0;
}

void
logs_query_results_free(struct logs_query_results *q)
{
	size_t i, j;

	for (i = 0; i < q->nrows; i++) {
		for (j = 0; j < q->rows[i].n; j++) {
			free(q->rows[i].v[j].field);
			free(q->rows[i].v[j].value);
		}
		free(q->rows[i].v);
	}
	free(q->rows);
	free(q->status);
	memset(q, 0, sizeof *q);
}

int
logs_put_query_definition_parse(struct aws_response *resp, char **id,
    char **cause)
{
	return svc_json_field(resp, "PutQueryDefinition", "queryDefinitionId",
	    id, cause);
}

/* --- saved queries ------------------------------------------------------ */

struct aws_request *
logs_describe_query_definitions(const char *prefix, const char *token,
    int limit, char **cause)
{
	struct aws_request *r;

	if (limit < 0 || limit > 1000)
		return svc_invalid(cause, "DescribeQueryDefinitions limit %d is "
		    "not between 1 and 1000", limit);
	r = svc_json_request(SVC_LOGS, "DescribeQueryDefinitions");
	if (!svc_empty(prefix))
		svc_json_add_str(r->json, "queryDefinitionNamePrefix", prefix);
	svc_json_add_str(r->json, "nextToken", token);
	if (limit > 0)
		svc_json_add_int(r->json, "maxResults", limit);
	return r;
}

struct aws_request *
logs_delete_query_definition(const char *id, char **cause)
{
	struct aws_request *r;

	if (!svc_need(id, "query definition id", cause))
		return NULL;
	r = svc_json_request(SVC_LOGS, "DeleteQueryDefinition");
	svc_json_add_str(r->json, "queryDefinitionId", id);
	return r;
}

int
logs_describe_query_definitions_parse(struct aws_response *resp,
    struct logs_query_definitions *l, char **cause)
{
	struct json_object *a, *o;
	struct logs_query_definition *d;
	size_t i, n;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "DescribeQueryDefinitions", cause) != 0)
		return -1;
	if ((a = aws_json_array(resp->json, "queryDefinitions", &n)) == NULL &&
	    aws_json_get(resp->json, "queryDefinitions") == NULL)
		return svc_lacks("DescribeQueryDefinitions", "queryDefinitions",
		    cause);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(a, i);
		d = xpush(&l->v, &l->n, sizeof *l->v);
		d->id = svc_json_dup(o, "queryDefinitionId");
		d->name = svc_json_dup(o, "name");
		d->query = svc_json_dup(o, "queryString");
		d->groups = svc_json_strings(o, "logGroupNames", &d->ngroups);
	}
	l->next_token = svc_json_dup(resp->json, "nextToken");
	return 0;
}

void
logs_query_definitions_free(struct logs_query_definitions *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].name);
		free(l->v[i].query);
		xstrv_free(l->v[i].groups, l->v[i].ngroups);
	}
	free(l->v);
	free(l->next_token);
	memset(l, 0, sizeof *l);
}

int
logs_delete_query_definition_parse(struct aws_response *resp, char **cause)
{
	struct json_object *v;

	if (svc_check(resp, "DeleteQueryDefinition", cause) != 0)
		return -1;
	if ((v = aws_json_get(resp->json, "success")) != NULL &&
	    !json_object_get_boolean(v)) {
		*cause = xstrdup("DeleteQueryDefinition: AWS answered "
		    "success false");
		return -1;
	}
	return 0;
}

/* --- metric filters ---------------------------------------------------- */

static bool
logs_filter_name_ok(const char *name, char **cause)
{
	if (!svc_need(name, "metric filter name", cause))
		return false;
	if (strlen(name) > 512 || strpbrk(name, ":*") != NULL) {
		*cause = xasprintf("metric filter name '%s' must be 1 to 512 "
		    "characters without ':' or '*'", name);
		return false;
	}
	return true;
}

struct aws_request *
logs_put_metric_filter(const struct logs_metric_filter_spec *s, char **cause)
{
	struct aws_request *r;
	struct json_object *t, *list;
	size_t i;

	if (!logs_filter_name_ok(s->name, cause) ||
	    !svc_need(s->metric, "metric name", cause) ||
	    !svc_need(s->namespace, "metric namespace", cause) ||
	    !svc_need(s->value, "metric value", cause))
		return NULL;
	if (s->pattern == NULL || strlen(s->pattern) > 1024)
		return svc_invalid(cause, "metric filter %s: the pattern must be "
		    "at most 1024 characters", s->name);
	if (strlen(s->metric) > 255 || strlen(s->namespace) > 255)
		return svc_invalid(cause, "metric filter %s: metric names and "
		    "namespaces are at most 255 characters", s->name);
	if (s->ndims > LOGS_MAX_DIMENSIONS)
		return svc_invalid(cause, "metric filter %s: at most %d "
		    "dimensions", s->name, LOGS_MAX_DIMENSIONS);
	for (i = 0; i < s->ndims; i++)
		if (!svc_need(s->dims[i].key, "dimension name", cause) ||
		    !svc_need(s->dims[i].value, "dimension value", cause))
			return NULL;
	if ((r = logs_group_request("PutMetricFilter", s->group, cause)) == NULL)
		return NULL;
	svc_json_add_str(r->json, "filterName", s->name);
	svc_json_add_str(r->json, "filterPattern", s->pattern);
	t = json_object_new_object();
	svc_json_add_str(t, "metricName", s->metric);
	svc_json_add_str(t, "metricNamespace", s->namespace);
	svc_json_add_str(t, "metricValue", s->value);
	if (s->ndims > 0)
		svc_json_add_map(t, "dimensions", s->dims, s->ndims);
	list = json_object_new_array();
	json_object_array_add(list, t);
	json_object_object_add(r->json, "metricTransformations", list);
	return r;
}

struct aws_request *
logs_describe_metric_filters(const char *group, const char *prefix,
    const char *token, char **cause)
{
	struct aws_request *r;

	if ((r = logs_group_request("DescribeMetricFilters", group,
	    cause)) == NULL)
		return NULL;
	if (!svc_empty(prefix))
		svc_json_add_str(r->json, "filterNamePrefix", prefix);
	svc_json_add_str(r->json, "nextToken", token);
	return r;
}

struct aws_request *
logs_delete_metric_filter(const char *group, const char *name, char **cause)
{
	struct aws_request *r;

	if (!logs_filter_name_ok(name, cause) ||
	    (r = logs_group_request("DeleteMetricFilter", group, cause)) == NULL)
		return NULL;
	svc_json_add_str(r->json, "filterName", name);
	return r;
}

int
logs_describe_metric_filters_parse(struct aws_response *resp,
    struct logs_metric_filters *l, char **cause)
{
	struct json_object *a, *o, *t, *dims;
	struct logs_metric_filter *f;
	struct logs_dimension *d;
	size_t i, n;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "DescribeMetricFilters", cause) != 0)
		return -1;
	if ((a = aws_json_array(resp->json, "metricFilters", &n)) == NULL &&
	    aws_json_get(resp->json, "metricFilters") == NULL)
		return svc_lacks("DescribeMetricFilters", "metricFilters", cause);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(a, i);
		f = xpush(&l->v, &l->n, sizeof *l->v);
		f->name = svc_json_dup(o, "filterName");
		f->group = svc_json_dup(o, "logGroupName");
		f->pattern = svc_json_dup(o, "filterPattern");
		if (aws_json_array(o, "metricTransformations",
		    &f->ntransforms) == NULL || f->ntransforms == 0)
			continue;
		t = json_object_array_get_idx(aws_json_get(o,
		    "metricTransformations"), 0);
		f->metric = svc_json_dup(t, "metricName");
		f->namespace = svc_json_dup(t, "metricNamespace");
		f->value = svc_json_dup(t, "metricValue");
		if ((dims = aws_json_get(t, "dimensions")) == NULL ||
		    !json_object_is_type(dims, json_type_object))
			continue;
		json_object_object_foreach(dims, key, val) {
			d = xpush(&f->dims, &f->ndims, sizeof *f->dims);
			d->name = xstrdup(key);
			d->value = xstrdup_null(json_object_get_string(val));
		}
	}
	l->next_token = svc_json_dup(resp->json, "nextToken");
	return 0;
}

void
logs_metric_filters_free(struct logs_metric_filters *l)
{
	size_t i, k;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].group);
		free(l->v[i].pattern);
		free(l->v[i].metric);
		free(l->v[i].namespace);
		free(l->v[i].value);
		for (k = 0; k < l->v[i].ndims; k++) {
			free(l->v[i].dims[k].name);
			free(l->v[i].dims[k].value);
		}
		free(l->v[i].dims);
	}
	free(l->v);
	free(l->next_token);
	memset(l, 0, sizeof *l);
}
