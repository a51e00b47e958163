/* Amazon EventBridge operations (awsJson 1.1). */
#include "config.h"

#include "svc_internal.h"

static const char *const events_state_names[] = {
	[EVENTS_RULE_ENABLED] = "ENABLED",
	[EVENTS_RULE_DISABLED] = "DISABLED",
	[EVENTS_RULE_ENABLED_WITH_CLOUDTRAIL] =
	    "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
};

/* Rule and target ids share one rule: 1 to 64 of [.\-_A-Za-z0-9]. */
static bool
events_id_ok(const char *id, const char *what, char **cause)
{
	size_t i, n;

	if (!svc_need(id, what, cause))
		return false;
	n = strlen(id);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]) && strchr(".-_", id[i]) == NULL)
			break;
	if (n <= 64 && i == n)
		return true;
	*cause = xasprintf("%s '%s' must be 1 to 64 letters, digits, '.', '-' "
	    "or '_'", what, id);
	return false;
}

int
events_rule_name_check(const char *name, char **cause)
{
	return events_id_ok(name, "rule name", cause) ? 0 : -1;
}

/* AWS refuses patterns that are not JSON or longer than 4096 characters. */
static bool
events_pattern_ok(const char *pattern, char **cause)
{
	size_t n;

	if (!svc_need_json(pattern, "event pattern", cause))
		return false;
	if ((n = strlen(pattern)) > 4096) {
		*cause = xasprintf("event pattern is %zu characters, more than "
		    "4096", n);
		return false;
	}
	return true;
}

static struct aws_request *
events_named(const char *op, const char *key, const char *name, char **cause)
{
	struct aws_request *r;

	if (!events_id_ok(name, "rule name", cause))
		return NULL;
	r = svc_json_request(SVC_EVENTS, op);
	svc_json_add_str(r->json, key, name);
	return r;
}

struct aws_request *
events_put_rule(const struct events_rule_spec *s, char **cause)
{
	struct aws_request *r;

	if (!events_id_ok(s->name, "rule name", cause) ||
	    !events_pattern_ok(s->pattern, cause))
		return NULL;
	if (s->description != NULL && strlen(s->description) > 512)
		return svc_invalid(cause, "rule %s: description longer than "
		    "512 characters", s->name);
	if (s->role_arn != NULL && !svc_need(s->role_arn, "rule role ARN",
	    cause))
		return NULL;
	r = events_named("PutRule", "Name", s->name, cause);
	svc_json_add_str(r->json, "EventPattern", s->pattern);
	svc_json_add_str(r->json, "State", events_state_names[s->state]);
	svc_json_add_str(r->json, "Description", s->description);
	svc_json_add_str(r->json, "RoleArn", s->role_arn);
	return r;
}

struct aws_request *
events_describe_rule(const char *name, char **cause)
{
	return events_named("DescribeRule", "Name", name, cause);
}

struct aws_request *
events_delete_rule(const char *name, bool force, char **cause)
{
	struct aws_request *r;

	if ((r = events_named("DeleteRule", "Name", name, cause)) != NULL &&
	    force)
		svc_json_add_bool(r->json, "Force", true);
	return r;
}

static bool
events_target_ok(const char *rule, const struct events_target *t,
    char **cause)
{
	char *why = NULL;

	if (!events_id_ok(t->id, "target id", &why) ||
	    !svc_need(t->arn, "target ARN", &why))
		goto bad;
	if (t->input != NULL && t->input_path != NULL) {
		why = xstrdup("Input and InputPath are mutually exclusive");
		goto bad;
	}
	/* AWS wants Input to be JSON text, at most 8192 characters. */
	if (t->input != NULL && (!svc_need_json(t->input, "target input", &why) ||
	    strlen(t->input) > 8192)) {
		if (why == NULL)
			why = xstrdup("target input longer than 8192 characters");
		goto bad;
	}
	if (t->input_path != NULL && (*t->input_path == '\0' ||
	    strlen(t->input_path) > 256)) {
		why = xstrdup("target input path must be 1 to 256 characters");
		goto bad;
	}
	if (t->role_arn != NULL && !svc_need(t->role_arn, "target role ARN",
	    &why))
		goto bad;
	return true;
bad:
	*cause = xasprintf("rule %s: %s", rule, why);
	free(why);
	return false;
}

struct aws_request *
events_put_targets(const char *rule, const struct events_target *t, size_t n,
    char **cause)
{
	struct json_object *list, *o;
	struct aws_request *r;
	size_t i, j;

	if (!events_id_ok(rule, "rule name", cause))
		return NULL;
	if (n == 0 || n > EVENTS_MAX_TARGETS)
		return svc_invalid(cause, "rule %s: 1 to %d targets, not %zu",
		    rule, EVENTS_MAX_TARGETS, n);
	for (i = 0; i < n; i++) {
		if (!events_target_ok(rule, &t[i], cause))
			return NULL;
		for (j = 0; j < i; j++)
			if (strcmp(t[i].id, t[j].id) == 0)
				return svc_invalid(cause, "rule %s: target id "
				    "'%s' given twice", rule, t[i].id);
	}
	r = events_named("PutTargets", "Rule", rule, cause);
	list = json_object_new_array();
	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		svc_json_add_str(o, "Id", t[i].id);
		svc_json_add_str(o, "Arn", t[i].arn);
		svc_json_add_str(o, "Input", t[i].input);
		svc_json_add_str(o, "InputPath", t[i].input_path);
		svc_json_add_str(o, "RoleArn", t[i].role_arn);
		json_object_array_add(list, o);
	}
	json_object_object_add(r->json, "Targets", list);
	return r;
}

struct aws_request *
events_remove_targets(const char *rule, char *const *ids, size_t n,
    bool force, char **cause)
{
	struct aws_request *r;
	size_t i;

	if (!events_id_ok(rule, "rule name", cause))
		return NULL;
	if (n == 0 || n > 100)
		return svc_invalid(cause, "rule %s: 1 to 100 target ids, not "
		    "%zu", rule, n);
	for (i = 0; i < n; i++)
		if (!events_id_ok(ids[i], "target id", cause))
			return NULL;
	r = events_named("RemoveTargets", "Rule", rule, cause);
	svc_json_add_strings(r->json, "Ids", ids, n);
	if (force)
		svc_json_add_bool(r->json, "Force", true);
	return r;
}

struct aws_request *
events_list_targets_by_rule(const char *rule, const char *token, int limit,
    char **cause)
{
	struct aws_request *r;

	if (limit < 0 || limit > 100)
		return svc_invalid(cause, "ListTargetsByRule: limit %d is not "
		    "0 to 100", limit);
	if ((r = events_named("ListTargetsByRule", "Rule", rule, cause)) == NULL)
		return NULL;
	if (!svc_empty(token))
		svc_json_add_str(r->json, "NextToken", token);
	if (limit > 0)
		svc_json_add_int(r->json, "Limit", limit);
	return r;
}

struct aws_request *
events_test_event_pattern(const char *pattern, const char *event,
    char **cause)
{
	struct aws_request *r;

	if (!events_pattern_ok(pattern, cause) ||
	    !svc_need_json(event, "test event", cause))
		return NULL;
	r = svc_json_request(SVC_EVENTS, "TestEventPattern");
	svc_json_add_str(r->json, "EventPattern", pattern);
	svc_json_add_str(r->json, "Event", event);
	return r;
}

/* --- answers ------------------------------------------------------------ */

int
events_put_rule_parse(struct aws_response *resp, char **arn, char **cause)
{
	return svc_json_field(resp, "PutRule", "RuleArn", arn, cause);
}

static enum events_rule_state
events_state_from(const char *v)
{
	size_t i;

	for (i = 0; v != NULL && i < sizeof events_state_names /
	    sizeof events_state_names[0]; i++)
		if (strcmp(v, events_state_names[i]) == 0)
			return (enum events_rule_state)i;
	return EVENTS_RULE_DISABLED;
}

int
events_describe_rule_parse(struct aws_response *resp, struct events_rule *rule,
    char **cause)
{
	struct json_object *o = resp->json;

	memset(rule, 0, sizeof *rule);
	if (svc_check(resp, "DescribeRule", cause) != 0)
		return -1;
	if (aws_json_str(o, "Arn") == NULL)
		return svc_lacks("DescribeRule", "Arn", cause);
	rule->name = svc_json_dup(o, "Name");
	rule->arn = svc_json_dup(o, "Arn");
	rule->pattern = svc_json_dup(o, "EventPattern");
	rule->schedule = svc_json_dup(o, "ScheduleExpression");
	rule->state = events_state_from(aws_json_str(o, "State"));
	rule->description = svc_json_dup(o, "Description");
	rule->role_arn = svc_json_dup(o, "RoleArn");
	rule->event_bus = svc_json_dup(o, "EventBusName");
	rule->managed_by = svc_json_dup(o, "ManagedBy");
	rule->created_by = svc_json_dup(o, "CreatedBy");
	return 0;
}

void
events_rule_free(struct events_rule *rule)
{
	free(rule->name);
	free(rule->arn);
	free(rule->pattern);
	free(rule->schedule);
	free(rule->description);
	free(rule->role_arn);
	free(rule->event_bus);
	free(rule->managed_by);
	free(rule->created_by);
	memset(rule, 0, sizeof *rule);
}

static bool
events_same_str(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

int
events_describe_rule_match(struct aws_response *resp,
    const struct events_rule_spec *want, struct events_rule_match *m,
    char **cause)
{
	struct events_rule rule;
	struct json_object *a, *b;

	memset(m, 0, sizeof *m);
	if (resp->kind == AWS_ERR_SERVICE && events_same_str(resp->code,
	    "ResourceNotFoundException"))
		return 0;
	if (events_describe_rule_parse(resp, &rule, cause) != 0)
		return -1;
	m->found = true;
	m->state = rule.state == want->state;
	/* AWS may write a pattern otherwise: the values count. */
	a = json_tokener_parse(want->pattern);
	b = rule.pattern != NULL ? json_tokener_parse(rule.pattern) : NULL;
	m->pattern = a != NULL && b != NULL && json_object_equal(a, b);
	json_object_put(a);
	json_object_put(b);
	m->description = events_same_str(rule.description, want->description);
	events_rule_free(&rule);
	return 0;
}

/* PutTargets and RemoveTargets answer 200 with the entries that failed. */
static int
events_failed_entries(struct aws_response *resp, const char *op,
    char **cause)
{
	struct json_object *a, *o;
	struct buf b = { 0 };
	long long failed;
	size_t i, n;

	if (svc_check(resp, op, cause) != 0)
		return -1;
	failed = aws_json_int(resp->json, "FailedEntryCount", 0);
	a = aws_json_array(resp->json, "FailedEntries", &n);
	if (failed == 0 && n == 0)
		return 0;
	if (failed <= 0)
		failed = (long long)n;
	buf_printf(&b, "%s: %lld target%s failed", op, failed,
	    failed == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(a, i);
		buf_printf(&b, "%s %s (%s: %s)", i == 0 ? ":" : ";",
		    aws_json_str(o, "TargetId") != NULL ?
		    aws_json_str(o, "TargetId") : "?",
		    aws_json_str(o, "ErrorCode") != NULL ?
		    aws_json_str(o, "ErrorCode") : "no error code",
		    aws_json_str(o, "ErrorMessage") != NULL ?
		    aws_json_str(o, "ErrorMessage") : "no message");
	}
	*cause = buf_take(&b);
	return -1;
}

int
events_put_targets_parse(struct aws_response *resp, char **cause)
{
	return events_failed_entries(resp, "PutTargets", cause);
}

int
events_remove_targets_parse(struct aws_response *resp, char **cause)
{
	return events_failed_entries(resp, "RemoveTargets", cause);
}

int
events_list_targets_by_rule_parse(struct aws_response *resp,
    struct events_targets *l, char **cause)
{
	struct json_object *a, *o;
	struct events_target *t;
	size_t i, n;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "ListTargetsByRule", cause) != 0)
		return -1;
	/* A rule without targets may come back without the list at all. */
	a = aws_json_array(resp->json, "Targets", &n);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(a, i);
		t = xpush(&l->v, &l->n, sizeof *l->v);
		t->id = svc_json_dup(o, "Id");
		t->arn = svc_json_dup(o, "Arn");
		t->input = svc_json_dup(o, "Input");
		t->input_path = svc_json_dup(o, "InputPath");
		t->role_arn = svc_json_dup(o, "RoleArn");
	}
	l->next_token = svc_json_dup(resp->json, "NextToken");
	return 0;
}

void
events_targets_free(struct events_targets *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].arn);
		free(l->v[i].input);
		free(l->v[i].input_path);
		free(l->v[i].role_arn);
	}
	free(l->v);
	free(l->next_token);
	memset(l, 0, sizeof *l);
}

int
events_list_targets_by_rule_has(struct aws_response *resp,
    const struct events_target *want, bool *has, char **cause)
{
	struct events_targets l;
	size_t i;

	*has = false;
	if (events_list_targets_by_rule_parse(resp, &l, cause) != 0)
		return -1;
	for (i = 0; i < l.n; i++)
		if (l.v[i].id != NULL && l.v[i].arn != NULL &&
		    strcmp(l.v[i].id, want->id) == 0 &&
		    strcmp(l.v[i].arn, want->arn) == 0)
			*has = true;
	events_targets_free(&l);
	return 0;
}

int
events_test_event_pattern_parse(struct aws_response *resp, bool *match,
    char **cause)
{
	struct json_object *v;

	*match = false;
	if (svc_check(resp, "TestEventPattern", cause) != 0)
		return -1;
	v = aws_json_get(resp->json, "Result");
	if (v == NULL || !json_object_is_type(v, json_type_boolean)) {
		*cause = xasprintf("TestEventPattern: the endpoint did not answer "
		    "Result (HTTP %ld, %zu byte body), so whether the event "
		    "matches is unknown", resp->status, resp->body.len);
		return -1;
	}
	*match = json_object_get_boolean(v);
	return 0;
}
