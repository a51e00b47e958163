/* The plan of setup step 8: which detections run where in AWS, made from
 * the rule pack (see analyser_plan.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libconfig.h>

#include "analyser_plan.h"
#include "buf.h"
#include "pattern.h"
#include "xalloc.h"

#define APLAN_NAMESPACE		"S3Watch"
/* Metrics Insights alarms see the last 3 hours only. */
#define APLAN_MAX_PERIOD	(3 * 3600)

/* The pack as written: each rule's group as JSON (the first definition
 * of an id, which is the one the engine keeps), and the allowed CIDRs of
 * its settings (the last file's, as the engine reads them). */
struct aplan_pack {
	struct json_object	*rules;		/* id -> rule */
	struct json_object	*cidrs;		/* array, or NULL */
	struct json_object	*files;		/* the trees, kept alive */
};

/* One loaded rule and what the plan makes of it. */
struct aplan_item {
	const char		*id;		/* borrowed from the engine */
	const char		*kind;
	const char		*pattern;	/* expanded, or NULL */
	struct json_object	*tree;		/* borrowed from the pack */
	const char		*severity;
	int			 how;		/* enum aplan_how, or -1 */
	char			*why;
};

static const char *const aplan_how_names[] = {
	[APLAN_ALERT] = "alert",
	[APLAN_SILENT] = "silent",
	[APLAN_METRIC] = "metric",
	[APLAN_COVERED] = "covered",
	[APLAN_CONSOLE] = "console",
};

const char *
aplan_how_name(enum aplan_how h)
{
	return (size_t)h < sizeof aplan_how_names / sizeof aplan_how_names[0] ?
	    aplan_how_names[h] : "?";
}

/* --- the pack as written ------------------------------------------------- */

static struct json_object *
aplan_json(const config_setting_t *s)
{
	struct json_object *o;
	const config_setting_t *e;
	unsigned i;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_GROUP:
		o = json_object_new_object();
		for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++)
			json_object_object_add(o, config_setting_name(e),
			    aplan_json(e));
		return o;
	case CONFIG_TYPE_ARRAY:
	case CONFIG_TYPE_LIST:
		o = json_object_new_array();
		for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++)
			json_object_array_add(o, aplan_json(e));
		return o;
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return json_object_new_int64(config_setting_get_int64(s));
	case CONFIG_TYPE_FLOAT:
		return json_object_new_double(config_setting_get_float(s));
	case CONFIG_TYPE_BOOL:
		return json_object_new_boolean(config_setting_get_bool(s));
	case CONFIG_TYPE_STRING:
		return json_object_new_string(config_setting_get_string(s));
	}
	return NULL;
}

/* The engine's choice of files (rules_load.c): *.conf, no dot files, in
 * name order. */
static int
aplan_conf_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	    strcmp(d->d_name + n - 5, ".conf") == 0;
}

static int
aplan_name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Files that do not parse were reported by the engine; they add nothing. */
static int
aplan_pack_read(struct aplan_pack *p, const char *dir, char **cause)
{
	struct dirent **names;
	struct json_object *tree, *list, *rule, *id, *set;
	config_t cf;
	char *path;
	size_t i, k;
	int n;

	memset(p, 0, sizeof *p);
	if ((n = scandir(dir, &names, aplan_conf_filter, aplan_name_cmp)) < 0) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	p->rules = json_object_new_object();
	p->files = json_object_new_array();
	for (i = 0; i < (size_t)n; i++) {
		path = xasprintf("%s/%s", dir, names[i]->d_name);
		free(names[i]);
		config_init(&cf);
		if (config_read_file(&cf, path) == CONFIG_TRUE) {
			tree = aplan_json(config_root_setting(&cf));
			json_object_array_add(p->files, tree);
			if (json_object_object_get_ex(tree, "settings", &set) &&
			    json_object_object_get_ex(set, "allowed_cidrs",
			    &list))
				p->cidrs = list;
			if (json_object_object_get_ex(tree, "rules", &list) &&
			    json_object_is_type(list, json_type_array)) {
				for (k = 0; k < json_object_array_length(list);
				    k++) {
					rule = json_object_array_get_idx(list, k);
					if (json_object_object_get_ex(rule, "id",
					    &id) && json_object_is_type(id,
					    json_type_string) &&
					    !json_object_object_get_ex(p->rules,
					    json_object_get_string(id), NULL))
						json_object_object_add(p->rules,
						    json_object_get_string(id),
						    json_object_get(rule));
				}
			}
		}
		config_destroy(&cf);
		free(path);
	}
	free(names);
	return 0;
}

static void
aplan_pack_free(struct aplan_pack *p)
{
	json_object_put(p->rules);
	json_object_put(p->files);
}

static const char *
aplan_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static struct json_object *
aplan_get(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o != NULL && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static bool
aplan_urgent(const char *severity)
{
	return severity != NULL && (strcmp(severity, "high") == 0 ||
	    strcmp(severity, "critical") == 0);
}

static int
aplan_severity_rank(const char *severity)
{
	size_t i;

	for (i = RULES_INFO; i <= RULES_CRITICAL; i++)
		if (severity != NULL && strcmp(severity,
		    rules_severity_name((enum rules_severity)i)) == 0)
			return (int)i;
	return -1;
}

static bool
aplan_stateful(const char *kind)
{
	return strcmp(kind, "count") == 0 || strcmp(kind, "first_seen") == 0 ||
	    strcmp(kind, "sequence") == 0;
}

static struct aplan_item *
aplan_find(struct aplan_item *v, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

/* A sequence step is one rule id or a list of them: how many, and the
 * k-th. */
static size_t
aplan_step_count(struct json_object *step)
{
	return json_object_is_type(step, json_type_array) ?
	    json_object_array_length(step) : 1;
}

static const char *
aplan_step_id(struct json_object *step, size_t k)
{
	return json_object_get_string(json_object_is_type(step,
	    json_type_array) ? json_object_array_get_idx(step, k) : step);
}

/* id is (one of) the last step of a high or critical sequence. */
static bool
aplan_ends_urgent_sequence(const struct aplan_item *v, size_t n,
    const char *id)
{
	struct json_object *steps, *last;
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i].kind, "sequence") != 0 ||
		    !aplan_urgent(v[i].severity))
			continue;
		steps = aplan_get(aplan_get(v[i].tree, "sequence"), "steps");
		if (steps == NULL || json_object_array_length(steps) == 0)
			continue;
		last = json_object_array_get_idx(steps,
		    json_object_array_length(steps) - 1);
		for (k = 0; k < aplan_step_count(last); k++)
			if (strcmp(aplan_step_id(last, k), id) == 0)
				return true;
	}
	return false;
}

/* A duration as the engine reads it: seconds, or "90s", "5m", "24h",
 * "10d"; -1 if it is not one. */
static long long
aplan_duration(struct json_object *o)
{
	const char *s;
	char *end;
	long long v;

	if (json_object_is_type(o, json_type_int))
		return json_object_get_int64(o);
	if ((s = json_object_get_string(o)) == NULL)
		return -1;
	v = strtoll(s, &end, 10);
	if (end == s || v <= 0)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return v;
	if (strcmp(end, "m") == 0)
		return v * 60;
	if (strcmp(end, "h") == 0)
		return v * 3600;
	if (strcmp(end, "d") == 0)
		return v * 86400;
	return -1;
}

/* --- metric filters ---------------------------------------------------- */

/* Values and keys written into a filter pattern unquoted or in quotes. */
static bool
aplan_safe(const char *s, const char *more)
{
	const char *p;

	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(more, *p) != NULL))
			return false;
	return *s != '\0';
}

/* One field of a pattern as a filter condition: its values ORed. */
static int
aplan_condition(struct buf *out, const char *path, struct json_object *vals)
{
	struct json_object *v, *op;
	size_t i, n = json_object_array_length(vals);

	buf_addc(out, '(');
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(vals, i);
		if (i > 0)
			buf_adds(out, " || ");
		switch (json_object_get_type(v)) {
		case json_type_string:
			if (!aplan_safe(json_object_get_string(v), "._:/@+=,-"))
				return -1;
			buf_printf(out, "$.%s = \"%s\"", path,
			    json_object_get_string(v));
			break;
		case json_type_int:
			buf_printf(out, "$.%s = %lld", path,
			    (long long)json_object_get_int64(v));
			break;
		case json_type_boolean:
			buf_printf(out, "$.%s IS %s", path,
			    json_object_get_boolean(v) ? "TRUE" : "FALSE");
			break;
		case json_type_null:
			buf_printf(out, "$.%s IS NULL", path);
			break;
		case json_type_object:
			/* {"exists": false} only: what is absent is absent
			 * in both languages. */
			if (json_object_object_length(v) != 1 ||
			    (op = aplan_get(v, "exists")) == NULL ||
			    !json_object_is_type(op, json_type_boolean) ||
			    json_object_get_boolean(op))
				return -1;
			buf_printf(out, "$.%s NOT EXISTS", path);
			break;
		default:
			return -1;
		}
	}
	buf_addc(out, ')');
	return 0;
}

/* The conditions of a pattern object under path (the record's fields,
 * without "detail."); -1 when one has no filter form. */
static int
aplan_conditions(struct buf *out, const char *path, struct json_object *o)
{
	struct buf sub = { 0 };
	int rc = 0;

	json_object_object_foreach(o, key, val) {
		if (!aplan_safe(key, "_")) {
			rc = -1;
			break;
		}
		buf_reset(&sub);
		buf_printf(&sub, "%s%s%s", path, *path != '\0' ? "." : "", key);
		if (json_object_is_type(val, json_type_object))
			rc = aplan_conditions(out, sub.data, val);
		else if (json_object_is_type(val, json_type_array)) {
			if (out->len > 0)
				buf_adds(out, " && ");
			rc = aplan_condition(out, sub.data, val);
		} else
			rc = -1;
		if (rc != 0)
			break;
	}
	buf_free(&sub);
	return rc;
}

/* "detail.a.b" as a filter's "$.a.b"; NULL if it is no such path. */
static char *
aplan_selector(const char *ref)
{
	if (strncmp(ref, "detail.", 7) != 0 || !aplan_safe(ref + 7, "._"))
		return NULL;
	return xasprintf("$.%s", ref + 7);
}

/* A high or critical count that sums a field: its metric filters and
 * alarm, or -1 (*why set) when it has no such form. */
static int
aplan_metric(struct aplan *pl, const struct aplan_input *in,
    struct aplan_item *it, char **why)
{
	struct json_object *pat = NULL, *count, *key, *detail;
	struct buf conds = { 0 }, dims = { 0 };
	struct aplan_filter f[2];
	struct aplan_alarm *a;
	const char *value, *title, *k;
	char *metric = NULL, *sel = NULL;
	long long window;
	double threshold;
	size_t i, nf = 1, nkeys;
	bool principal = false;
	int rc = -1;

	memset(f, 0, sizeof f);
	count = aplan_get(it->tree, "count");
	key = aplan_get(count, "key");
	value = aplan_str(count, "sum");
	window = aplan_duration(aplan_get(count, "window"));
	threshold = json_object_get_double(aplan_get(count, "threshold"));
	if (aplan_get(it->tree, "suppress") != NULL ||
	    aplan_get(it->tree, "allow") != NULL) {
		*why = xstrdup("a suppress or allow setting has no metric "
		    "filter form");
		goto out;
	}
	if (window <= 0 || window > APLAN_MAX_PERIOD || !(threshold > 0)) {
		*why = xstrdup("its window is longer than a Metrics Insights "
		    "alarm sees (3 hours)");
		goto out;
	}
	if (it->pattern == NULL || (pat = json_tokener_parse(it->pattern)) ==
	    NULL || json_object_object_length(pat) != 1 ||
	    (detail = aplan_get(pat, "detail")) == NULL ||
	    !json_object_is_type(detail, json_type_object) ||
	    aplan_conditions(&conds, "", detail) != 0) {
		*why = xstrdup("its pattern has no CloudWatch Logs filter form");
		goto out;
	}
	if (value == NULL || (sel = aplan_selector(value)) == NULL) {
		*why = xstrdup("the field it sums is not a record path");
		goto out;
	}
	buf_printf(&conds, " && (%s > 0)", sel);
	metric = xasprintf("%s%s", in->prefix, it->id);
	f[0].value = sel;
	sel = NULL;
	nkeys = key != NULL && json_object_is_type(key, json_type_array) ?
	    json_object_array_length(key) : 0;
	if (nkeys == 0 || nkeys > APLAN_MAX_DIMS) {
		*why = xstrdup("its key has no metric dimension form");
		goto out;
	}
	for (i = 0; i < nkeys; i++) {
		k = json_object_get_string(json_object_array_get_idx(key, i));
		if (strcmp(k, "principal") == 0) {
			f[0].dim_names[i] = xstrdup("Principal");
			f[0].dim_values[i] = xstrdup("$.userIdentity.arn");
			principal = true;
		} else if ((sel = aplan_selector(k)) != NULL) {
			f[0].dim_names[i] = xstrdup(strrchr(k, '.') + 1);
			f[0].dim_values[i] = sel;
			buf_printf(&conds, " && (%s = \"*\")", sel);
			sel = NULL;
		} else {
			*why = xasprintf("its key field '%s' has no metric "
			    "dimension form", k);
			goto out;
		}
		buf_printf(&dims, "%s%s", i > 0 ? ", " : "", f[0].dim_names[i]);
		f[0].ndims++;
	}
	f[0].metric = xstrdup(metric);
	f[0].name = xstrdup(metric);
	if (principal) {
		/* Callers without an ARN (anonymous, AWS services) go by
		 * their identity type: one series each, as the engine keeps
		 * "anonymous" as one key. */
		f[1] = f[0];
		f[1].name = xasprintf("%s-noarn", metric);
		f[1].metric = xstrdup(metric);
		f[1].value = xstrdup(f[0].value);
		for (i = 0; i < f[0].ndims; i++) {
			f[1].dim_names[i] = xstrdup(f[0].dim_names[i]);
			f[1].dim_values[i] = xstrdup(strcmp(f[0].dim_values[i],
			    "$.userIdentity.arn") == 0 ? "$.userIdentity.type" :
			    f[0].dim_values[i]);
		}
		f[1].pattern = xasprintf("{ %s && ($.userIdentity.arn NOT "
		    "EXISTS) }", conds.data);
		f[0].pattern = xasprintf("{ %s && ($.userIdentity.arn = \"*\") }",
		    conds.data);
		nf = 2;
	} else
		f[0].pattern = xasprintf("{ %s }", conds.data);
	for (i = 0; i < nf; i++)
		*(struct aplan_filter *)xpush(&pl->filters, &pl->nfilters,
		    sizeof *pl->filters) = f[i];
	memset(f, 0, sizeof f);
	a = xpush(&pl->alarms, &pl->nalarms, sizeof *pl->alarms);
	a->name = xstrdup(metric);
	a->rule = xstrdup(it->id);
	title = aplan_str(it->tree, "title");
	a->description = xasprintf("s3watch rule %s (%s): %s", it->id,
	    it->severity, title != NULL ? title : it->id);
	a->query = xasprintf("SELECT SUM(\"%s\") FROM SCHEMA(\"%s\", %s) "
	    "GROUP BY %s", metric, APLAN_NAMESPACE, dims.data, dims.data);
	/* Alarm periods are whole minutes. */
	a->period = (int)((window + 59) / 60 * 60);
	a->threshold = threshold;
	rc = 0;
out:
	for (i = 0; i < 2; i++) {
		free(f[i].name);
		free(f[i].pattern);
		free(f[i].metric);
		free(f[i].value);
		for (nkeys = 0; nkeys < APLAN_MAX_DIMS; nkeys++) {
			free(f[i].dim_names[nkeys]);
			free(f[i].dim_values[nkeys]);
		}
	}
	free(sel);
	free(metric);
	buf_free(&conds);
	buf_free(&dims);
	json_object_put(pat);
	return rc;
}

/* --- the decisions ----------------------------------------------------- */

/* A sequence whose steps include a metric rule: covered by the alarms of
 * its last step (which must hold only such rules, as severe), or left to
 * the console. */
static void
aplan_sequence(struct aplan_item *v, size_t n, struct aplan_item *seq)
{
	struct json_object *steps, *step;
	struct aplan_item *st;
	struct buf names = { 0 };
	size_t j, k, nsteps;
	bool metric = false, covered = true, wider = false;
	const char *blocker = NULL;

	steps = aplan_get(aplan_get(seq->tree, "sequence"), "steps");
	nsteps = steps != NULL ? json_object_array_length(steps) : 0;
	for (j = 0; j < nsteps; j++) {
		step = json_object_array_get_idx(steps, j);
		for (k = 0; k < aplan_step_count(step); k++) {
			st = aplan_find(v, n, aplan_step_id(step, k));
			if (st == NULL || st->how != APLAN_METRIC) {
				if (j == nsteps - 1)
					covered = false;
				continue;
			}
			metric = true;
			if (j != nsteps - 1) {
				covered = false;
				blocker = st->id;
			} else if (aplan_severity_rank(st->severity) <
			    aplan_severity_rank(seq->severity))
				wider = true;
			buf_printf(&names, "%s%s", names.len > 0 ? ", " : "",
			    st->id);
		}
	}
	if (!metric)
		return;
	if (covered) {
		seq->how = APLAN_COVERED;
		seq->why = wider ? xasprintf("its last step is the alarm of "
		    "%s, which alerts on that step alone (wider than the "
		    "sequence, never narrower)", names.data) :
		    xasprintf("its last step is the alarm of %s, which "
		    "alerts as it would", names.data);
	} else {
		seq->how = APLAN_CONSOLE;
		seq->why = xasprintf("step %s is a metric alarm, whose hits the "
		    "analyser does not see", blocker != NULL ? blocker :
		    names.data);
	}
	buf_free(&names);
}

/* The step rules of the analyser's sequences run too, silently. */
static void
aplan_steps_silent(struct aplan_item *v, size_t n, struct aplan_item *seq)
{
	struct json_object *steps, *step;
	struct aplan_item *st;
	size_t j, k;

	steps = aplan_get(aplan_get(seq->tree, "sequence"), "steps");
	for (j = 0; steps != NULL && j < json_object_array_length(steps); j++) {
		step = json_object_array_get_idx(steps, j);
		for (k = 0; k < aplan_step_count(step); k++) {
			st = aplan_find(v, n, aplan_step_id(step, k));
			if (st != NULL && st->how < 0)
				st->how = APLAN_SILENT;
		}
	}
}

/* The members of a rule the analyser reads, the pattern as the engine
 * expanded it. */
static struct json_object *
aplan_rule_json(const struct aplan_item *it)
{
	static const char *const keep[] = { "id", "title", "severity", "check",
	    "suppress", "allow", "count", "first_seen", "sequence", NULL };
	struct json_object *o = json_object_new_object(), *v;
	size_t i;

	for (i = 0; keep[i] != NULL; i++)
		if ((v = aplan_get(it->tree, keep[i])) != NULL)
			json_object_object_add(o, keep[i], json_object_get(v));
	json_object_object_add(o, "kind", json_object_new_string(it->kind));
	json_object_object_add(o, "alert",
	    json_object_new_boolean(it->how == APLAN_ALERT));
	if (it->pattern != NULL)
		json_object_object_add(o, "pattern",
		    json_object_new_string(it->pattern));
	else if ((v = aplan_get(it->tree, "select")) != NULL ||
	    (v = aplan_get(it->tree, "pattern")) != NULL)
		json_object_object_add(o, "pattern", json_object_get(v));
	return o;
}

/* Joins the patterns into as few EventBridge patterns as their size and
 * $or's limits allow. */
static void
aplan_routes(struct aplan *pl, char **pats, size_t n)
{
	struct pattern_set *set = pattern_set_new();
	struct buf cur = { 0 }, try = { 0 };
	char *cause = NULL;
	size_t i, incur = 0, first = 0;

	for (i = 0; i <= n; i++) {
		if (i < n) {
			buf_reset(&try);
			buf_adds(&try, "{\"$or\":[");
			for (size_t k = first; k <= i; k++)
				buf_printf(&try, "%s%s", k > first ? "," : "",
				    pats[k]);
			buf_adds(&try, "]}");
			if (incur == 0 || (try.len <= PATTERN_MAX_LEN &&
			    pattern_set_add(set, try.data, try.len,
			    &cause) >= 0)) {
				incur++;
				continue;
			}
			free(cause);
			cause = NULL;
		}
		if (incur == 0)
			break;
		buf_reset(&cur);
		if (incur == 1)
			buf_adds(&cur, pats[first]);
		else {
			buf_adds(&cur, "{\"$or\":[");
			for (size_t k = first; k < first + incur; k++)
				buf_printf(&cur, "%s%s", k > first ? "," : "",
				    pats[k]);
			buf_adds(&cur, "]}");
		}
		*(char **)xpush(&pl->routes, &pl->nroutes, sizeof *pl->routes) =
		    buf_take(&cur);
		first = i;
		incur = i < n ? 1 : 0;
	}
	buf_free(&cur);
	buf_free(&try);
	pattern_set_free(set);
}

int
aplan_make(struct aplan *pl, const struct aplan_input *in,
    rules_error_fn err, void *arg, char **cause)
{
	struct aplan_pack pack;
	struct aplan_item *v = NULL, *it;
	struct aplan_rule *r;
	struct rules *rl = rules_new();
	struct json_object *conf, *list, *cidrs;
	char **pats = NULL, *why;
	size_t i, j, n = 0, npats = 0;
	int rc = -1;

	memset(pl, 0, sizeof *pl);
	memset(&pack, 0, sizeof pack);
	pl->namespace = xstrdup(APLAN_NAMESPACE);
	if (in->ncidrs > 0 && rules_set_allowed_cidrs(rl, in->cidrs, in->ncidrs,
	    cause) != 0)
		goto out;
	if (in->configure != NULL &&
	    in->configure(rl, in->configure_arg, cause) != 0)
		goto out;
	if (rules_load_dir(rl, in->rules_dir, err, arg, cause) < 0 ||
	    aplan_pack_read(&pack, in->rules_dir, cause) != 0)
		goto out;
	for (i = 0; i < rules_count(rl); i++) {
		it = xpush(&v, &n, sizeof *v);
		it->id = rules_id(rl, i);
		it->kind = rules_kind_name(rules_kind_of(rl, i));
		it->pattern = rules_pattern_text(rl, i);
		it->tree = aplan_get(pack.rules, it->id);
		it->severity = aplan_str(it->tree, "severity");
		it->how = -1;
	}
	/* The checks, and the high and critical stateful rules; a sum over
	 * every event it selects is a metric filter when it can be one, as
	 * is one that ends a high or critical sequence (else the analyser
	 * would run on every GetObject). */
	for (i = 0; i < n; i++) {
		it = &v[i];
		if (strcmp(it->kind, "check") == 0)
			it->how = APLAN_ALERT;
		else if (aplan_stateful(it->kind) && (aplan_urgent(it->severity) ||
		    aplan_ends_urgent_sequence(v, n, it->id))) {
			if (aplan_urgent(it->severity))
				it->how = APLAN_ALERT;
			why = NULL;
			if (strcmp(it->kind, "count") == 0 &&
			    aplan_str(aplan_get(it->tree, "count"), "sum") != NULL) {
				if (aplan_metric(pl, in, it, &why) == 0)
					it->how = APLAN_METRIC;
				else if (it->how == APLAN_ALERT)
					it->why = xasprintf("the analyser runs "
					    "it on every event it selects: %s",
					    why);
				free(why);
			}
		}
	}
	for (i = 0; i < n; i++)
		if (v[i].how == APLAN_ALERT && strcmp(v[i].kind, "sequence") == 0)
			aplan_sequence(v, n, &v[i]);
	for (i = 0; i < n; i++)
		if (v[i].how == APLAN_ALERT && strcmp(v[i].kind, "sequence") == 0)
			aplan_steps_silent(v, n, &v[i]);

	conf = json_object_new_object();
	json_object_object_add(conf, "version", json_object_new_int(1));
	cidrs = json_object_new_array();
	if (in->ncidrs > 0) {
		for (i = 0; i < in->ncidrs; i++)
			json_object_array_add(cidrs,
			    json_object_new_string(in->cidrs[i]));
	} else if (pack.cidrs != NULL &&
	    json_object_is_type(pack.cidrs, json_type_array)) {
		json_object_put(cidrs);
		cidrs = json_object_get(pack.cidrs);
	} else
		json_object_array_add(cidrs, json_object_new_string("10.0.0.0/8"));
	json_object_object_add(conf, "allowed_cidrs", cidrs);
	list = json_object_new_array();
	json_object_object_add(conf, "rules", list);
	for (i = 0; i < n; i++) {
		it = &v[i];
		if (it->how < 0)
			continue;
		r = xpush(&pl->rules, &pl->nrules, sizeof *pl->rules);
		r->id = xstrdup(it->id);
		r->kind = xstrdup(it->kind);
		r->severity = xstrdup(it->severity != NULL ? it->severity : "?");
		r->how = (enum aplan_how)it->how;
		r->why = it->why;
		it->why = NULL;
		if (it->how != APLAN_ALERT && it->how != APLAN_SILENT)
			continue;
		if (it->how == APLAN_ALERT)
			pl->nalert++;
		json_object_array_add(list, aplan_rule_json(it));
		if (it->pattern == NULL)
			continue;
		for (j = 0; j < npats && strcmp(pats[j], it->pattern) != 0; j++)
			;
		if (j == npats)
			*(char **)xpush(&pats, &npats, sizeof *pats) =
			    xstrdup(it->pattern);
	}
	pl->config = xstrdup(json_object_to_json_string_ext(conf,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(conf);
	aplan_routes(pl, pats, npats);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(v[i].why);
	free(v);
	xstrv_free(pats, npats);
	aplan_pack_free(&pack);
	rules_free(rl);
	if (rc != 0)
		aplan_free(pl);
	return rc;
}

void
aplan_free(struct aplan *pl)
{
	size_t i, k;

	free(pl->config);
	xstrv_free(pl->routes, pl->nroutes);
	for (i = 0; i < pl->nrules; i++) {
		free(pl->rules[i].id);
		free(pl->rules[i].kind);
		free(pl->rules[i].severity);
		free(pl->rules[i].why);
	}
	free(pl->rules);
	for (i = 0; i < pl->nfilters; i++) {
		free(pl->filters[i].name);
		free(pl->filters[i].pattern);
		free(pl->filters[i].metric);
		free(pl->filters[i].value);
		for (k = 0; k < pl->filters[i].ndims; k++) {
			free(pl->filters[i].dim_names[k]);
			free(pl->filters[i].dim_values[k]);
		}
	}
	free(pl->filters);
	for (i = 0; i < pl->nalarms; i++) {
		free(pl->alarms[i].name);
		free(pl->alarms[i].rule);
		free(pl->alarms[i].description);
		free(pl->alarms[i].query);
	}
	free(pl->alarms);
	free(pl->namespace);
	memset(pl, 0, sizeof *pl);
}
