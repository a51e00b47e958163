/* Prints what setup step 8 would deploy for a rule pack (src/setup/
 * analyser_plan.c) as one JSON object, for the Python tests: the
 * analyser's rules.json ("config"), the EventBridge patterns in front of
 * it ("routes"), each rule's place ("rules"), and the metric filters and
 * alarms.  Pure: no AWS.
 *
 *	analyser-plan RULES_DIR [--prefix P] [--cidr CIDR]...
 *
 * Pack problems go to standard error; exit 1 if the pack can't be read. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "analyser_plan.h"
#include "xalloc.h"

static void
on_error(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "analyser-plan: %s\n", msg);
}

static void
add_str(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, json_object_new_string(value));
}

static struct json_object *
strings(char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/* --set NAME=VALUE: a rule setting (trail_name, source_bucket, ...), as
 * setup gives the run's names. */
struct plan_set {
	char	**v;
	size_t	  n;
};

static int
configure(struct rules *r, void *arg, char **cause)
{
	struct plan_set *ps = arg;
	char *name, *eq;
	size_t i;
	int k, rc = 0;

	for (i = 0; i < ps->n && rc == 0; i++) {
		name = xstrdup(ps->v[i]);
		if ((eq = strchr(name, '=')) == NULL ||
		    (*eq = '\0', k = rules_setting_find(name)) < 0) {
			*cause = xasprintf("--set %s: not NAME=VALUE of a rule "
			    "setting", ps->v[i]);
			rc = -1;
		} else {
			eq++;
			rc = rules_set(r, (enum rules_setting)k, &eq, 1, cause);
		}
		free(name);
	}
	return rc;
}

int
main(int argc, char **argv)
{
	struct aplan_input in = { .prefix = "s3watch-" };
	struct plan_set sets = { 0 };
	struct aplan pl;
	struct json_object *o, *a, *e, *d;
	char **cidrs = NULL, *cause = NULL;
	size_t ncidrs = 0, i, k;
	int j;

	if (argc < 2) {
		fprintf(stderr, "usage: analyser-plan RULES_DIR [--prefix P] "
		    "[--cidr CIDR]... [--set NAME=VALUE]...\n");
		return 2;
	}
	in.rules_dir = argv[1];
	for (j = 2; j + 1 < argc; j += 2) {
		if (strcmp(argv[j], "--prefix") == 0)
			in.prefix = argv[j + 1];
		else if (strcmp(argv[j], "--set") == 0)
			*(char **)xpush(&sets.v, &sets.n, sizeof *sets.v) =
			    argv[j + 1];
		else if (strcmp(argv[j], "--cidr") == 0)
			*(char **)xpush(&cidrs, &ncidrs, sizeof *cidrs) =
			    argv[j + 1];
		else {
			fprintf(stderr, "analyser-plan: unknown %s\n", argv[j]);
			return 2;
		}
	}
	in.cidrs = cidrs;
	in.ncidrs = ncidrs;
	in.configure = configure;
	in.configure_arg = &sets;
	if (aplan_make(&pl, &in, on_error, NULL, &cause) != 0) {
		fprintf(stderr, "analyser-plan: %s\n", cause);
		free(cause);
		free(cidrs);
		free(sets.v);
		return 1;
	}
	o = json_object_new_object();
	json_object_object_add(o, "config", json_tokener_parse(pl.config));
	json_object_object_add(o, "routes", strings(pl.routes, pl.nroutes));
	add_str(o, "namespace", pl.namespace);
	a = json_object_new_array();
	for (i = 0; i < pl.nrules; i++) {
		e = json_object_new_object();
		add_str(e, "id", pl.rules[i].id);
		add_str(e, "kind", pl.rules[i].kind);
		add_str(e, "severity", pl.rules[i].severity);
		add_str(e, "how", aplan_how_name(pl.rules[i].how));
		if (pl.rules[i].why != NULL)
			add_str(e, "why", pl.rules[i].why);
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "rules", a);
	a = json_object_new_array();
	for (i = 0; i < pl.nfilters; i++) {
		e = json_object_new_object();
		add_str(e, "name", pl.filters[i].name);
		add_str(e, "pattern", pl.filters[i].pattern);
		add_str(e, "metric", pl.filters[i].metric);
		add_str(e, "value", pl.filters[i].value);
		d = json_object_new_object();
		for (k = 0; k < pl.filters[i].ndims; k++)
			json_object_object_add(d, pl.filters[i].dim_names[k],
			    json_object_new_string(pl.filters[i].dim_values[k]));
		json_object_object_add(e, "dimensions", d);
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "filters", a);
	a = json_object_new_array();
	for (i = 0; i < pl.nalarms; i++) {
		e = json_object_new_object();
		add_str(e, "name", pl.alarms[i].name);
		add_str(e, "rule", pl.alarms[i].rule);
		add_str(e, "query", pl.alarms[i].query);
		json_object_object_add(e, "period",
		    json_object_new_int(pl.alarms[i].period));
		json_object_object_add(e, "threshold",
		    json_object_new_double(pl.alarms[i].threshold));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "alarms", a);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	aplan_free(&pl);
	free(cidrs);
	free(sets.v);
	return 0;
}
