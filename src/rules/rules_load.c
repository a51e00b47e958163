/* Loading rule packs: libconfig files, each rule checked and compiled;
 * a bad rule or file is reported as "FILE:LINE: reason" and skipped. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "buf.h"
#include "hmap.h"
#include "rules_check.h"
#include "rules_internal.h"

/* One file being loaded: where errors go and how many there were. */
struct rules_ctx {
	struct rules	*r;
	const char	*name;
	rules_error_fn	 err;
	void		*arg;
	int		 nerr;
};

static void
rules_error_at(struct rules_ctx *x, int n, const char *fmt, va_list ap)
{
	char *msg, *line;

	msg = xvasprintf(fmt, ap);
	line = n > 0 ? xasprintf("%s:%d: %s", x->name, n, msg) :
	    xasprintf("%s: %s", x->name, msg);
	x->nerr++;
	if (x->err != NULL)
		x->err(line, x->arg);
	free(line);
	free(msg);
}

/* "FILE:LINE: reason", the line of setting s (none without one). */
static void ATTR_FORMAT(3, 4)
rules_error(struct rules_ctx *x, const config_setting_t *s, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	rules_error_at(x, s != NULL ? (int)config_setting_source_line(s) : 0,
	    fmt, ap);
	va_end(ap);
}

static void ATTR_FORMAT(3, 4)
rules_error_line(struct rules_ctx *x, int n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rules_error_at(x, n, fmt, ap);
	va_end(ap);
}

/* Durations: seconds as an integer, or a string "90s", "5m", "24h", "10d". */
static int
rules_duration(struct rules_ctx *x, const config_setting_t *g,
    const char *name, int64_t *out, bool required)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	const char *str;
	char *end;
	long long v;
	int64_t mul = 1;

	if (s == NULL) {
		if (required)
			rules_error(x, g, "'%s' is required", name);
		return required ? -1 : 0;
	}
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		v = config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_STRING:
		str = config_setting_get_string(s);
		errno = 0;
		v = strtoll(str, &end, 10);
		if (end == str || errno != 0)
			goto bad;
		if (*end != '\0') {
			const char *u = end;

			if (u[1] != '\0')
				goto bad;
			switch (*u) {
			case 's': mul = 1; break;
			case 'm': mul = 60; break;
			case 'h': mul = 3600; break;
			case 'd': mul = 86400; break;
			default: goto bad;
			}
		}
		break;
	default:
		goto bad;
	}
	if (v <= 0 || v > INT64_MAX / 86400 / 10000)
		goto bad;
	*out = v * mul;
	return 0;
bad:
	rules_error(x, s, "'%s' must be a positive duration: seconds, or a "
	    "number with s, m, h or d (e.g. \"5m\")", name);
	return -1;
}

static int
rules_uint(struct rules_ctx *x, const config_setting_t *g, const char *name,
    unsigned *out, unsigned min, unsigned max, bool required)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	long long v;

	if (s == NULL) {
		if (required)
			rules_error(x, g, "'%s' is required", name);
		return required ? -1 : 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		goto bad;
	v = config_setting_get_int64(s);
	if (v < min || v > max)
		goto bad;
	*out = (unsigned)v;
	return 0;
bad:
	rules_error(x, s, "'%s' must be an integer from %u to %u", name, min,
	    max);
	return -1;
}

/* The strings of an array or list setting (one string is accepted too);
 * returns how many, or -1 after an error.  The strings are copies. */
static ssize_t
rules_strings(struct rules_ctx *x, const config_setting_t *s, char ***out)
{
	int i, n;
	const char *str;

	*out = NULL;
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		*out = xcalloc(2, sizeof **out);
		(*out)[0] = xstrdup(config_setting_get_string(s));
		return 1;
	}
	if (!config_setting_is_aggregate(s) || config_setting_is_group(s))
		goto bad;
	n = config_setting_length(s);
	*out = xcalloc((size_t)n + 1, sizeof **out);
	for (i = 0; i < n; i++) {
		if ((str = config_setting_get_string_elem(s, i)) == NULL) {
			while (i-- > 0)
				free((*out)[i]);
			free(*out);
			*out = NULL;
			goto bad;
		}
		(*out)[i] = xstrdup(str);
	}
	return n;
bad:
	rules_error(x, s, "'%s' must be a string or a list of strings",
	    config_setting_name(s));
	return -1;
}

static void
rules_strings_free(char **v, ssize_t n)
{
	ssize_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A key part or value: a field name from the table, or a dotted path. */
static int
rules_ref(struct rules_ctx *x, const config_setting_t *s, const char *text,
    struct rules_ref *ref)
{
	size_t i;

	for (i = 0; i < RF_COUNT; i++) {
		if (strcmp(text, rules_fields[i].name) == 0) {
			ref->field = (int)i;
			ref->path = NULL;
			return 0;
		}
	}
	if (strchr(text, '.') == NULL || text[0] == '.' ||
	    text[strlen(text) - 1] == '.') {
		struct buf names = { NULL, 0, 0 };

		for (i = 0; i < RF_COUNT; i++)
			buf_printf(&names, "%s%s", i ? ", " : "",
			    rules_fields[i].name);
		rules_error(x, s, "unknown field '%s': use one of %s, or a "
		    "dotted event path such as detail.userIdentity.arn", text,
		    names.data);
		buf_free(&names);
		return -1;
	}
	ref->field = -1;
	ref->path = xstrdup(text);
	ref->id = pattern_set_want(x->r->set, text);
	return 0;
}

/* Compiles a pattern setting; returns its index in the set or -1. */
static int
rules_pattern(struct rules_ctx *x, const config_setting_t *s)
{
	const char *text = config_setting_get_string(s);
	char *json, *cause = NULL;
	int idx;

	if (text == NULL) {
		rules_error(x, s, "'%s' must be a string holding an EventBridge "
		    "pattern (JSON)", config_setting_name(s));
		return -1;
	}
	if ((json = rules_expand(x->r, text, &cause)) == NULL) {
		rules_error(x, s, "%s", cause);
		free(cause);
		return -1;
	}
	if (strlen(json) > PATTERN_MAX_LEN) {
		rules_error(x, s, "pattern is %zu characters; EventBridge allows "
		    "%d", strlen(json), PATTERN_MAX_LEN);
		free(json);
		return -1;
	}
	idx = pattern_set_add(x->r->set, json, strlen(json), &cause);
	if (idx < 0) {
		rules_error(x, s, "invalid pattern: %s", cause != NULL ? cause :
		    "unknown reason");
		free(cause);
	}
	free(json);
	return idx;
}

static const char *const rules_rule_settings[] = {
	"id", "title", "severity", "description", "rationale", "ref",
	"pattern", "select", "count", "first_seen", "sequence", "check",
	"suppress", "allow", NULL
};
static const char *const rules_state_settings[] = {
	"key", "threshold", "window", "distinct", "sum", "value", "history",
	"values", "learn", "steps", "max_keys", NULL
};
static const char *const rules_allow_settings[] = {
	"principals", "cidrs", "user_agents", NULL
};

/* Reports members of group g not named in known. */
static int
rules_check_names(struct rules_ctx *x, const config_setting_t *g,
    const char *const *known, const char *what)
{
	const config_setting_t *m;
	const char *name;
	size_t k;
	int i, bad = 0;

	for (i = 0; (m = config_setting_get_elem(g, (unsigned)i)) != NULL; i++) {
		if ((name = config_setting_name(m)) == NULL)
			continue;
		for (k = 0; known[k] != NULL; k++)
			if (strcmp(known[k], name) == 0)
				break;
		if (known[k] == NULL) {
			rules_error(x, m, "unknown %s setting '%s'", what, name);
			bad = -1;
		}
	}
	return bad;
}

static int
rules_load_allow(struct rules_ctx *x, struct rule *ru,
    const config_setting_t *a)
{
	const config_setting_t *s;
	char **v;
	ssize_t n, i;

	if (!config_setting_is_group(a)) {
		rules_error(x, a, "'allow' must be a group: allow = { principals "
		    "= [...]; cidrs = [...]; user_agents = [...]; }");
		return -1;
	}
	if (rules_check_names(x, a, rules_allow_settings, "allow") != 0)
		return -1;
	if ((s = config_setting_get_member(a, "principals")) != NULL) {
		if ((n = rules_strings(x, s, &ru->principals)) < 0)
			return -1;
		ru->nprincipals = (size_t)n;
	}
	if ((s = config_setting_get_member(a, "user_agents")) != NULL) {
		if ((n = rules_strings(x, s, &ru->agents)) < 0)
			return -1;
		ru->nagents = (size_t)n;
	}
	if ((s = config_setting_get_member(a, "cidrs")) != NULL) {
		if ((n = rules_strings(x, s, &v)) < 0)
			return -1;
		ru->cidrs = xcalloc((size_t)n + 1, sizeof *ru->cidrs);
		for (i = 0; i < n; i++) {
			if (rules_cidr_parse(v[i], &ru->cidrs[i]) != 0) {
				rules_error(x, s, "'%s' is not a CIDR", v[i]);
				rules_strings_free(v, n);
				return -1;
			}
		}
		ru->ncidrs = (size_t)n;
		rules_strings_free(v, n);
	}
	return 0;
}

static int
rules_load_suppress(struct rules_ctx *x, struct rule *ru,
    const config_setting_t *s)
{
	const config_setting_t *e;
	int i, n, idx;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		ru->suppress = xcalloc(1, sizeof *ru->suppress);
		if ((ru->suppress[0] = rules_pattern(x, s)) < 0)
			return -1;
		ru->nsuppress = 1;
		return 0;
	}
	if (!config_setting_is_aggregate(s) || config_setting_is_group(s)) {
		rules_error(x, s, "'suppress' must be a pattern or a list of "
		    "patterns");
		return -1;
	}
	n = config_setting_length(s);
	ru->suppress = xcalloc((size_t)n + 1, sizeof *ru->suppress);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		if ((idx = rules_pattern(x, e)) < 0)
			return -1;
		ru->suppress[ru->nsuppress++] = idx;
	}
	return 0;
}

static int
rules_load_key(struct rules_ctx *x, struct rule *ru,
    const config_setting_t *g)
{
	const config_setting_t *s = config_setting_get_member(g, "key");
	char **v;
	ssize_t n, i;

	if (s == NULL) {
		rules_error(x, g, "'key' is required (e.g. key = [\"principal\"])");
		return -1;
	}
	if ((n = rules_strings(x, s, &v)) < 0)
		return -1;
	if (n == 0 || n > RULES_MAX_KEY) {
		rules_error(x, s, "'key' needs 1 to %d fields", RULES_MAX_KEY);
		rules_strings_free(v, n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (rules_ref(x, s, v[i], &ru->key[i]) != 0) {
			rules_strings_free(v, n);
			return -1;
		}
		ru->nkey++;
	}
	rules_strings_free(v, n);
	return 0;
}

static int
rules_load_value(struct rules_ctx *x, struct rule *ru,
    const config_setting_t *g, const char *name)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	const char *text;

	if (s == NULL)
		return 1;
	if ((text = config_setting_get_string(s)) == NULL) {
		rules_error(x, s, "'%s' must be a field name or event path",
		    name);
		return -1;
	}
	return rules_ref(x, s, text, &ru->value);
}

/* The stateful block of a rule: count, first_seen or sequence. */
static int
rules_load_state(struct rules_ctx *x, struct rule *ru,
    const config_setting_t *g)
{
	const config_setting_t *steps, *st;
	int i, rc;
	ssize_t n;

	if (!config_setting_is_group(g)) {
		rules_error(x, g, "'%s' must be a group { ... }",
		    rules_kinds[ru->kind].name);
		return -1;
	}
	if (rules_check_names(x, g, rules_state_settings,
	    rules_kinds[ru->kind].name) != 0)
		return -1;
	if (rules_load_key(x, ru, g) != 0)
		return -1;
	ru->max_keys = RULES_DEFAULT_MAX_KEYS;
	if (rules_uint(x, g, "max_keys", &ru->max_keys, 1, RULES_LIMIT_MAX_KEYS,
	    false) != 0)
		return -1;
	switch (ru->kind) {
	case RULES_COUNT:
		if (rules_duration(x, g, "window", &ru->window, true) != 0)
			return -1;
		if ((rc = rules_load_value(x, ru, g, "distinct")) < 0)
			return -1;
		if (rc == 0)
			ru->count_mode = RULES_COUNT_DISTINCT;
		if ((rc = rules_load_value(x, ru, g, "sum")) < 0)
			return -1;
		if (rc == 0) {
			if (ru->count_mode == RULES_COUNT_DISTINCT) {
				rules_error(x, g, "a count has either 'distinct' "
				    "or 'sum', not both");
				return -1;
			}
			ru->count_mode = RULES_COUNT_SUM;
			if (config_setting_lookup_float(g, "threshold",
			    &ru->sum_threshold) != CONFIG_TRUE) {
				long long ll;

				if (config_setting_lookup_int64(g, "threshold",
				    &ll) != CONFIG_TRUE || ll <= 0) {
					rules_error(x, g, "'threshold' must be a "
					    "positive number");
					return -1;
				}
				ru->sum_threshold = (double)ll;
			}
			ru->threshold = 1;
			break;
		}
		if (rules_uint(x, g, "threshold", &ru->threshold, 1,
		    ru->count_mode == RULES_COUNT_DISTINCT ?
		    RULES_MAX_DISTINCT : 1000000000u, true) != 0)
			return -1;
		break;
	case RULES_FIRST_SEEN:
		if ((rc = rules_load_value(x, ru, g, "value")) != 0) {
			if (rc > 0)
				rules_error(x, g, "'value' is required (e.g. "
				    "value = \"sourceIP\")");
			return -1;
		}
		if (rules_duration(x, g, "history", &ru->window, true) != 0)
			return -1;
		if (rules_duration(x, g, "learn", &ru->learn, false) != 0)
			return -1;
		ru->threshold = RULES_DEFAULT_VALUES;
		if (rules_uint(x, g, "values", &ru->threshold, 1,
		    RULES_MAX_VALUES, false) != 0)
			return -1;
		break;
	case RULES_SEQUENCE:
		if (rules_duration(x, g, "window", &ru->window, true) != 0)
			return -1;
		steps = config_setting_get_member(g, "steps");
		if (steps == NULL || !config_setting_is_list(steps) ||
		    config_setting_length(steps) < 2 ||
		    config_setting_length(steps) > RULES_MAX_STEPS) {
			rules_error(x, steps != NULL ? steps : g, "'steps' must be "
			    "a list of 2 to %d steps, each a rule id or a list "
			    "of rule ids: steps = ( [\"a\", \"b\"], \"c\" )",
			    RULES_MAX_STEPS);
			return -1;
		}
		for (i = 0; i < config_setting_length(steps); i++) {
			st = config_setting_get_elem(steps, (unsigned)i);
			if ((n = rules_strings(x, st, &ru->step_names[i])) < 0)
				return -1;
			if (n == 0) {
				rules_error(x, st, "step %d names no rule", i + 1);
				return -1;
			}
			ru->steps[i].n = (size_t)n;
			ru->nsteps++;
		}
		ru->step_line = (int)config_setting_source_line(steps);
		break;
	case RULES_PATTERN:
	case RULES_CHECK:
		break;
	}
	return 0;
}

/* A check rule's `check = "NAME"`. */
static int
rules_load_check(struct rules_ctx *x, struct rule *ru,
    const config_setting_t *s)
{
	const struct rules_check *c;
	struct buf names = { NULL, 0, 0 };
	const char *name = config_setting_get_string(s);

	if (name != NULL && (ru->check = rules_check_find(name)) != NULL)
		return 0;
	for (c = rules_checks; c->name != NULL; c++)
		buf_printf(&names, "%s%s", c == rules_checks ? "" : ", ",
		    c->name);
	if (name == NULL)
		rules_error(x, s, "'check' must be the name of a check: %s",
		    names.data);
	else
		rules_error(x, s, "unknown check '%s' (%s)", name, names.data);
	buf_free(&names);
	return -1;
}

/* The pattern that selects a rule's events: `pattern`, a check's
 * `select`, none for a sequence. */
static int
rules_load_input(struct rules_ctx *x, struct rule *ru,
    const config_setting_t *g)
{
	const char *input = rules_kinds[ru->kind].input;
	const config_setting_t *s, *other;
	char *cause = NULL;

	other = config_setting_get_member(g, input != NULL &&
	    strcmp(input, "select") == 0 ? "pattern" : "select");
	if (input == NULL && (other = config_setting_get_member(g,
	    "pattern")) == NULL)
		other = config_setting_get_member(g, "select");
	if (other != NULL) {
		if (input == NULL)
			rules_error(x, other, "a sequence takes its events "
			    "from its steps; drop '%s'",
			    config_setting_name(other));
		else if (strcmp(input, "select") == 0)
			rules_error(x, other, "a check selects its events "
			    "with 'select', not 'pattern'");
		else
			rules_error(x, other, "'select' is a check's; this "
			    "rule matches with 'pattern'");
		return -1;
	}
	ru->pattern = -1;
	if (input == NULL)
		return 0;
	if ((s = config_setting_get_member(g, input)) == NULL) {
		rules_error(x, g, "rule '%s' has no '%s'", ru->id, input);
		return -1;
	}
	if ((ru->pattern = rules_pattern(x, s)) < 0)
		return -1;
	/* Kept to deploy the rule to EventBridge (setup step 7) and for
	 * doc/rules.md. */
	ru->pattern_src = xstrdup(config_setting_get_string(s));
	ru->pattern_text = rules_expand(x->r, ru->pattern_src, &cause);
	free(cause);
	return 0;
}

static bool
rules_id_ok(const char *id)
{
	const char *p;

	if (*id == '\0' || strlen(id) > 64)
		return false;
	for (p = id; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-_.", *p) == NULL)
			return false;
	return true;
}

static void
rules_load_rule(struct rules_ctx *x, const config_setting_t *g)
{
	struct rule *ru = xcalloc(1, sizeof *ru);
	const config_setting_t *s;
	const char *str;
	size_t i, kinds = 0;

	if (!config_setting_is_group(g)) {
		rules_error(x, g, "each rule must be a group { id = ...; }");
		goto fail;
	}
	if (config_setting_lookup_string(g, "id", &str) != CONFIG_TRUE) {
		rules_error(x, g, "rule has no 'id'");
		goto fail;
	}
	if (!rules_id_ok(str)) {
		rules_error(x, config_setting_get_member(g, "id"), "rule id '%s' "
		    "must be 1 to 64 letters, digits, '-', '_' or '.'", str);
		goto fail;
	}
	ru->id = xstrdup(str);
	ru->file = xstrdup(x->name);
	ru->where = xasprintf("%s:%d", x->name, (int)config_setting_source_line(g));
	if (rules_find(x->r, ru->id) != NULL) {
		rules_error(x, g, "rule '%s' is already defined at %s", ru->id,
		    rules_find(x->r, ru->id)->where);
		goto fail;
	}
	if (rules_check_names(x, g, rules_rule_settings, "rule") != 0)
		goto fail;
	ru->title = xstrdup(config_setting_lookup_string(g, "title", &str) ==
	    CONFIG_TRUE ? str : ru->id);
	ru->description = config_setting_lookup_string(g, "description",
	    &str) == CONFIG_TRUE ? xstrdup(str) : NULL;
	ru->rationale = config_setting_lookup_string(g, "rationale",
	    &str) == CONFIG_TRUE ? xstrdup(str) : NULL;
	if (config_setting_lookup_string(g, "severity", &str) != CONFIG_TRUE) {
		rules_error(x, g, "rule '%s' has no 'severity' (info, low, "
		    "medium, high or critical)", ru->id);
		goto fail;
	}
	for (i = 0; i < RULES_NSEVERITY; i++)
		if (strcmp(str, rules_severity_names[i]) == 0)
			break;
	if (i == RULES_NSEVERITY) {
		rules_error(x, config_setting_get_member(g, "severity"),
		    "unknown severity '%s' (info, low, medium, high or critical)",
		    str);
		goto fail;
	}
	ru->severity = (enum rules_severity)i;

	ru->kind = RULES_PATTERN;
	for (i = 0; i < RULES_NKIND; i++) {
		if (i != RULES_PATTERN &&
		    config_setting_get_member(g, rules_kinds[i].name) != NULL) {
			ru->kind = (enum rules_kind)i;
			kinds++;
		}
	}
	if (kinds > 1) {
		rules_error(x, g, "rule '%s' has more than one of count, "
		    "first_seen, sequence and check", ru->id);
		goto fail;
	}
	if (rules_load_input(x, ru, g) != 0)
		goto fail;
	if (ru->kind == RULES_CHECK && rules_load_check(x, ru,
	    config_setting_get_member(g, "check")) != 0)
		goto fail;
	if (rules_kinds[ru->kind].stateful && rules_load_state(x, ru,
	    config_setting_get_member(g, rules_kinds[ru->kind].name)) != 0)
		goto fail;
	if ((s = config_setting_get_member(g, "suppress")) != NULL &&
	    rules_load_suppress(x, ru, s) != 0)
		goto fail;
	if ((s = config_setting_get_member(g, "allow")) != NULL &&
	    rules_load_allow(x, ru, s) != 0)
		goto fail;
	if (rules_kinds[ru->kind].stateful)
		ru->table = rules_table_new(x->r, ru);
	ru->file_errors = x->nerr;
	if (x->r->nrules == x->r->arules) {
		x->r->arules = x->r->arules == 0 ? 64 : x->r->arules * 2;
		x->r->rules = xreallocarray(x->r->rules, x->r->arules,
		    sizeof *x->r->rules);
	}
	x->r->rules[x->r->nrules++] = ru;
	(void)hmap_insert(x->r->by_id, ru->id, strlen(ru->id), ru);
	return;
fail:
	rules_rule_free(ru);
}

/* Settings blocks: any setting by its name, checked always and taken
 * unless the caller gave it. */
static void
rules_load_settings(struct rules_ctx *x, const config_t *cf)
{
	const config_setting_t *s, *c;
	struct buf names = { NULL, 0, 0 };
	char **strs, *cause = NULL;
	ssize_t n;
	int k, i;

	if ((s = config_lookup(cf, "settings")) == NULL)
		return;
	if (!config_setting_is_group(s)) {
		rules_error(x, s, "'settings' must be a group { ... }");
		return;
	}
	for (i = 0; (c = config_setting_get_elem(s, (unsigned)i)) != NULL;
	    i++) {
		if ((k = rules_setting_find(config_setting_name(c))) < 0) {
			for (k = 0; k < RULES_SET_COUNT; k++)
				buf_printf(&names, "%s%s", k ? ", " : "",
				    rules_settings[k].name);
			rules_error(x, c, "unknown setting '%s' (%s)",
			    config_setting_name(c), names.data);
			buf_free(&names);
			continue;
		}
		if (config_setting_type(c) == CONFIG_TYPE_INT ||
		    config_setting_type(c) == CONFIG_TYPE_INT64) {
			strs = xcalloc(2, sizeof *strs);
			strs[0] = xasprintf("%lld", (long long)
			    config_setting_get_int64(c));
			n = 1;
		} else if ((n = rules_strings(x, c, &strs)) < 0)
			continue;
		if (rules_setting_store(x->r, (enum rules_setting)k, strs,
		    (size_t)n, !x->r->set_fixed[k], &cause) != 0) {
			rules_error(x, c, "%s", cause);
			free(cause);
			cause = NULL;
		}
		rules_strings_free(strs, n);
	}
}

static void
rules_load_rules(struct rules_ctx *x, const config_t *cf)
{
	const config_setting_t *list, *root = config_root_setting(cf);
	const config_setting_t *m;
	int i, n;

	for (i = 0; (m = config_setting_get_elem(root, (unsigned)i)) != NULL;
	    i++) {
		if (strcmp(config_setting_name(m), "rules") != 0 &&
		    strcmp(config_setting_name(m), "settings") != 0)
			rules_error(x, m, "unknown setting '%s' (a file holds "
			    "'settings' and 'rules')", config_setting_name(m));
	}
	if ((list = config_lookup(cf, "rules")) == NULL)
		return;
	if (!config_setting_is_list(list) && !config_setting_is_array(list)) {
		rules_error(x, list, "'rules' must be a list: rules = ( { ... }, "
		    "{ ... } );");
		return;
	}
	n = config_setting_length(list);
	for (i = 0; i < n; i++)
		rules_load_rule(x, config_setting_get_elem(list, (unsigned)i));
}

/* Reads a file (path) or text into cf, reporting a syntax error. */
static int
rules_read(struct rules_ctx *x, config_t *cf, const char *path,
    const char *text)
{
	int rc;

	config_init(cf);
	rc = path != NULL ? config_read_file(cf, path) :
	    config_read_string(cf, text);
	if (rc == CONFIG_TRUE)
		return 0;
	if (config_error_type(cf) == CONFIG_ERR_FILE_IO)
		rules_error(x, NULL, "%s", strerror(errno != 0 ? errno : EIO));
	else if (config_error_line(cf) > 0)
		rules_error_line(x, config_error_line(cf), "%s",
		    config_error_text(cf));
	else
		rules_error(x, NULL, "%s", config_error_text(cf));
	config_destroy(cf);
	return -1;
}

/* Sequences name other rules, which may come later: resolved last.  A
 * sequence whose steps can't be resolved is dropped. */
static int
rules_resolve(struct rules *r, rules_error_fn err, void *arg)
{
	struct rule *ru, *st;
	size_t i, j, k, out = 0;
	char *msg;
	bool *bad = xcalloc(r->nrules + 1, sizeof *bad);
	int nerr = 0;

	for (i = 0; i < r->nrules; i++) {
		ru = r->rules[i];
		for (j = 0; !bad[i] && ru->kind == RULES_SEQUENCE &&
		    j < ru->nsteps; j++) {
			free(ru->steps[j].rules);
			ru->steps[j].rules = xcalloc(ru->steps[j].n,
			    sizeof *ru->steps[j].rules);
			for (k = 0; k < ru->steps[j].n; k++) {
				st = rules_find(r, ru->step_names[j][k]);
				if (st == NULL || st->kind == RULES_SEQUENCE) {
					msg = xasprintf("%s:%d: sequence '%s' "
					    "step %zu: %s '%s'", ru->file,
					    ru->step_line, ru->id, j + 1,
					    st == NULL ? "no rule" :
					    "a step can't be a sequence",
					    ru->step_names[j][k]);
					if (err != NULL)
						err(msg, arg);
					free(msg);
					nerr++;
					bad[i] = true;
					break;
				}
				ru->steps[j].rules[k] = st;
				st->in_sequence = true;
			}
		}
	}
	/* Dropped only now, after every lookup above; out of the map too. */
	for (i = 0; i < r->nrules; i++) {
		if (bad[i]) {
			(void)hmap_remove(r->by_id, r->rules[i]->id,
			    strlen(r->rules[i]->id));
			rules_rule_free(r->rules[i]);
		} else
			r->rules[out++] = r->rules[i];
	}
	r->nrules = out;
	free(bad);
	return nerr;
}

static int
rules_load_one(struct rules *r, const char *name, const char *path,
    const char *text, rules_error_fn err, void *arg)
{
	struct rules_ctx x = { r, name, err, arg, 0 };
	config_t cf;

	if (r->ev != NULL) {
		rules_error(&x, NULL, "rules can't be added after evaluation "
		    "started");
		return x.nerr;
	}
	if (rules_read(&x, &cf, path, text) != 0)
		return x.nerr;
	rules_load_settings(&x, &cf);
	rules_load_rules(&x, &cf);
	config_destroy(&cf);
	return x.nerr + rules_resolve(r, err, arg);
}

int
rules_load_file(struct rules *r, const char *path, rules_error_fn err,
    void *arg)
{
	return rules_load_one(r, path, path, NULL, err, arg);
}

int
rules_load_string(struct rules *r, const char *name, const char *text,
    rules_error_fn err, void *arg)
{
	return rules_load_one(r, name, NULL, text, err, arg);
}

static int
rules_conf_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	    strcmp(d->d_name + n - 5, ".conf") == 0;
}

static int
rules_name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
rules_load_dir(struct rules *r, const char *dir, rules_error_fn err,
    void *arg, char **cause)
{
	struct dirent **names;
	struct rules_ctx x = { r, NULL, err, arg, 0 };
	config_t *cf;
	char **paths;
	bool *ok;
	int i, n;

	if ((n = scandir(dir, &names, rules_conf_filter, rules_name_cmp)) < 0) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	/* Two passes: settings from every file first, since patterns of
	 * earlier files may use them. */
	cf = xcalloc((size_t)n + 1, sizeof *cf);
	paths = xcalloc((size_t)n + 1, sizeof *paths);
	ok = xcalloc((size_t)n + 1, sizeof *ok);
	for (i = 0; i < n; i++) {
		paths[i] = xasprintf("%s/%s", dir, names[i]->d_name);
		free(names[i]);
		x.name = paths[i];
		ok[i] = rules_read(&x, &cf[i], paths[i], NULL) == 0;
		if (ok[i])
			rules_load_settings(&x, &cf[i]);
	}
	free(names);
	for (i = 0; i < n; i++) {
		x.name = paths[i];
		if (ok[i]) {
			rules_load_rules(&x, &cf[i]);
			config_destroy(&cf[i]);
		}
		free(paths[i]);
	}
	free(cf);
	free(paths);
	free(ok);
	return x.nerr + rules_resolve(r, err, arg);
}

