/* The plan of setup step 8 (src/setup/analyser_plan.c): which rules the
 * analyser runs, which become metric filters and alarms, which a sequence
 * cannot have, the rules.json it writes, and the EventBridge patterns in
 * front of the analyser. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "analyser_plan.h"
#include "buf.h"
#include "pattern.h"
#include "xalloc.h"

#define P(names) "\"{\\\"detail\\\":{\\\"eventName\\\":[" names "]}}\""

static const char pack[] =
	"settings = { allowed_cidrs = [ \"192.168.0.0/16\" ]; };\n"
	"rules = (\n"
	"{ id = \"changed\"; severity = \"low\"; pattern = " P("\\\"PutBucketAcl\\\"") "; },\n"
	"{ id = \"outside\"; severity = \"medium\";\n"
	"  pattern = \"{\\\"detail\\\":{\\\"sourceIPAddress\\\":${outside_allowed_cidrs}}}\"; },\n"
	"{ id = \"burst\"; severity = \"critical\"; pattern = " P("\\\"DeleteObject\\\"") ";\n"
	"  count = { key = [ \"principal\" ]; threshold = 3; window = \"5m\"; }; },\n"
	"{ id = \"sweep\"; severity = \"medium\"; pattern = " P("\\\"ListObjects\\\"") ";\n"
	"  count = { key = [ \"principal\" ]; threshold = 3; window = \"5m\"; }; },\n"
	"{ id = \"bytes\"; severity = \"high\";\n"
	"  pattern = \"{\\\"detail\\\":{\\\"eventSource\\\":[\\\"s3.amazonaws.com\\\"],"
	"\\\"eventName\\\":[\\\"GetObject\\\"],\\\"errorCode\\\":[{\\\"exists\\\":false}]}}\";\n"
	"  count = { key = [ \"principal\" ]; sum = \"detail.additionalEventData.bytesTransferredOut\";"
	" threshold = 1000; window = \"15m\"; }; },\n"
	"{ id = \"bytes-allowed\"; severity = \"high\"; pattern = " P("\\\"GetObject\\\"") ";\n"
	"  count = { key = [ \"principal\" ]; sum = \"detail.additionalEventData.bytesTransferredOut\";"
	" threshold = 1000; window = \"15m\"; }; allow = { cidrs = [ \"10.0.0.0/8\" ]; }; },\n"
	"{ id = \"seq-ok\"; severity = \"critical\";\n"
	"  sequence = { key = [ \"principal\" ]; window = \"1h\"; steps = ( \"changed\", [ \"burst\", \"outside\" ] ); }; },\n"
	"{ id = \"seq-covered\"; severity = \"high\";\n"
	"  sequence = { key = [ \"principal\" ]; window = \"1h\"; steps = ( \"sweep\", \"bytes\" ); }; },\n"
	"{ id = \"seq-blind\"; severity = \"high\";\n"
	"  sequence = { key = [ \"principal\" ]; window = \"1h\"; steps = ( \"bytes\", \"burst\" ); }; },\n"
	"{ id = \"broken\"; severity = \"high\"; pattern = \"{\\\"detail\\\":[]}\"; count = { key = [ \"principal\" ]; threshold = 2; window = 60; }; }\n"
	");\n";

static char dir[64];

static int
setup_pack(void **state)
{
	char path[128];
	FILE *f;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/aplan-test.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/10-test.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(pack, f);
	fclose(f);
	return 0;
}

static int
remove_pack(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof path, "%s/10-test.conf", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

static int nerrors;

static void
count_error(const char *msg, void *arg)
{
	(void)msg;
	(void)arg;
	nerrors++;
}

static const struct aplan_rule *
find(const struct aplan *pl, const char *id)
{
	size_t i;

	for (i = 0; i < pl->nrules; i++)
		if (strcmp(pl->rules[i].id, id) == 0)
			return &pl->rules[i];
	return NULL;
}

/* The plan's decision about a rule it has. */
static enum aplan_how
how(const struct aplan *pl, const char *id)
{
	const struct aplan_rule *r = find(pl, id);

	if (r == NULL) {
		fail_msg("the plan has no rule %s", id);
		return (enum aplan_how)-1;
	}
	return r->how;
}

static const char *
why(const struct aplan *pl, const char *id)
{
	const struct aplan_rule *r = find(pl, id);

	if (r == NULL || r->why == NULL) {
		fail_msg("the plan says nothing of why for %s", id);
		return "";
	}
	return r->why;
}

static void
test_decisions(void **state)
{
	struct aplan_input in = { .rules_dir = dir, .prefix = "s3w-" };
	struct aplan pl;
	char *cause = NULL;

	(void)state;
	nerrors = 0;
	assert_int_equal(aplan_make(&pl, &in, count_error, NULL, &cause), 0);
	assert_int_equal(nerrors, 1);		/* "broken" */
	assert_int_equal(how(&pl, "burst"), APLAN_ALERT);
	assert_int_equal(how(&pl, "bytes"), APLAN_METRIC);
	/* an allow-list has no filter form: the analyser runs it */
	assert_int_equal(how(&pl, "bytes-allowed"), APLAN_ALERT);
	assert_non_null(strstr(why(&pl, "bytes-allowed"), "allow"));
	assert_int_equal(how(&pl, "seq-ok"), APLAN_ALERT);
	assert_int_equal(how(&pl, "changed"), APLAN_SILENT);
	assert_int_equal(how(&pl, "outside"), APLAN_SILENT);
	assert_int_equal(how(&pl, "seq-covered"), APLAN_COVERED);
	assert_non_null(strstr(why(&pl, "seq-covered"), "bytes"));
	assert_int_equal(how(&pl, "seq-blind"), APLAN_CONSOLE);
	assert_non_null(strstr(why(&pl, "seq-blind"), "bytes"));
	/* medium stateful rules are the console's, and no sequence needs
	 * "sweep" in the analyser */
	assert_null(find(&pl, "sweep"));
	assert_null(find(&pl, "broken"));
	assert_int_equal(pl.nalert, 3);
	aplan_free(&pl);
}

static void
test_config(void **state)
{
	struct aplan_input in = { .rules_dir = dir, .prefix = "s3w-" };
	char *cidrs[1] = { "10.0.0.0/8" };
	struct json_object *conf, *rules, *r, *v;
	struct aplan pl;
	char *cause = NULL;
	size_t i;

	(void)state;
	assert_int_equal(aplan_make(&pl, &in, NULL, NULL, &cause), 0);
	conf = json_tokener_parse(pl.config);
	assert_non_null(conf);
	/* the pack's settings, unless s3watch.conf has some */
	json_object_object_get_ex(conf, "allowed_cidrs", &v);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v,
	    0)), "192.168.0.0/16");
	json_object_object_get_ex(conf, "rules", &rules);
	assert_int_equal(json_object_array_length(rules), 5);
	for (i = 0; i < json_object_array_length(rules); i++) {
		r = json_object_array_get_idx(rules, i);
		json_object_object_get_ex(r, "id", &v);
		if (strcmp(json_object_get_string(v), "outside") == 0) {
			/* expanded as the engine deployed it */
			json_object_object_get_ex(r, "pattern", &v);
			assert_non_null(strstr(json_object_get_string(v),
			    "{\"cidr\":\"0.0.0.0/1\"}"));
			json_object_object_get_ex(r, "alert", &v);
			assert_false(json_object_get_boolean(v));
		}
		if (strcmp(json_object_get_string(v), "seq-ok") == 0) {
			assert_true(json_object_object_get_ex(r, "sequence",
			    &v));
			json_object_object_get_ex(r, "kind", &v);
			assert_string_equal(json_object_get_string(v),
			    "sequence");
		}
	}
	json_object_put(conf);
	aplan_free(&pl);

	in.cidrs = cidrs;
	in.ncidrs = 1;
	assert_int_equal(aplan_make(&pl, &in, NULL, NULL, &cause), 0);
	assert_non_null(strstr(pl.config, "\"allowed_cidrs\":[\"10.0.0.0/8\"]"));
	assert_non_null(strstr(pl.config, "{\\\"cidr\\\":\\\"11.0.0.0/8\\\"}"));
	aplan_free(&pl);
}

static void
test_metric(void **state)
{
	struct aplan_input in = { .rules_dir = dir, .prefix = "s3w-" };
	struct aplan pl;
	char *cause = NULL;

	(void)state;
	assert_int_equal(aplan_make(&pl, &in, NULL, NULL, &cause), 0);
	assert_int_equal(pl.nfilters, 2);
	assert_string_equal(pl.filters[0].name, "s3w-bytes");
	assert_string_equal(pl.filters[0].pattern, "{ ($.eventSource = "
	    "\"s3.amazonaws.com\") && ($.eventName = \"GetObject\") && "
	    "($.errorCode NOT EXISTS) && "
	    "($.additionalEventData.bytesTransferredOut > 0) && "
	    "($.userIdentity.arn = \"*\") }");
	assert_string_equal(pl.filters[0].value,
	    "$.additionalEventData.bytesTransferredOut");
	assert_string_equal(pl.filters[0].dim_values[0], "$.userIdentity.arn");
	assert_string_equal(pl.filters[1].name, "s3w-bytes-noarn");
	assert_non_null(strstr(pl.filters[1].pattern, "NOT EXISTS) }"));
	assert_string_equal(pl.filters[1].dim_values[0], "$.userIdentity.type");
	assert_string_equal(pl.filters[1].metric, pl.filters[0].metric);
	assert_int_equal(pl.nalarms, 1);
	assert_string_equal(pl.alarms[0].query, "SELECT SUM(\"s3w-bytes\") FROM "
	    "SCHEMA(\"S3Watch\", Principal) GROUP BY Principal");
	assert_int_equal(pl.alarms[0].period, 900);
	assert_true(pl.alarms[0].threshold == 1000.0);
	assert_string_equal(pl.namespace, "S3Watch");
	aplan_free(&pl);
}

/* Many patterns: joined with $or within the size EventBridge allows, each
 * a valid pattern, every rule's pattern in one of them. */
static void
test_routes(void **state)
{
	struct aplan_input in = { .prefix = "s3w-" };
	struct pattern_set *set;
	struct buf b = { 0 };
	struct aplan pl;
	char tmp[64], path[128], *cause = NULL;
	size_t i, k, found;
	FILE *f;

	(void)state;
	snprintf(tmp, sizeof tmp, "/tmp/aplan-routes.XXXXXX");
	assert_non_null(mkdtemp(tmp));
	snprintf(path, sizeof path, "%s/00-many.conf", tmp);
	buf_adds(&b, "rules = (\n");
	for (i = 0; i < 40; i++)
		buf_printf(&b, "%s{ id = \"c%zu\"; severity = \"high\"; pattern = "
		    "\"{\\\"detail\\\":{\\\"eventSource\\\":[\\\"s3.amazonaws.com\\\"],"
		    "\\\"eventName\\\":[\\\"Op%zuWithAFairlyLongNameToFillThePattern\\\"],"
		    "\\\"errorCode\\\":[{\\\"exists\\\":false}]}}\"; count = { key = "
		    "[ \"principal\" ]; threshold = 5; window = 60; }; }\n",
		    i > 0 ? "," : "", i, i);
	buf_adds(&b, ");\n");
	assert_non_null(f = fopen(path, "w"));
	fputs(b.data, f);
	fclose(f);
	in.rules_dir = tmp;
	assert_int_equal(aplan_make(&pl, &in, NULL, NULL, &cause), 0);
	assert_true(pl.nroutes > 1);
	set = pattern_set_new();
	for (i = 0; i < pl.nroutes; i++) {
		assert_true(strlen(pl.routes[i]) <= PATTERN_MAX_LEN);
		assert_true(pattern_set_add(set, pl.routes[i],
		    strlen(pl.routes[i]), &cause) >= 0);
	}
	for (i = found = 0; i < 40; i++) {
		snprintf(path, sizeof path, "\"Op%zuWithAFairlyLong", i);
		for (k = 0; k < pl.nroutes; k++)
			if (strstr(pl.routes[k], path) != NULL)
				break;
		found += k < pl.nroutes;
	}
	assert_int_equal(found, 40);
	pattern_set_free(set);
	aplan_free(&pl);
	buf_free(&b);
	snprintf(path, sizeof path, "%s/00-many.conf", tmp);
	unlink(path);
	rmdir(tmp);
}

static void
test_unreadable_pack(void **state)
{
	struct aplan_input in = { .rules_dir = "/nonexistent/rules.d",
	    .prefix = "s3w-" };
	struct aplan pl;
	char *cause = NULL;

	(void)state;
	assert_int_equal(aplan_make(&pl, &in, NULL, NULL, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/rules.d"));
	free(cause);
	assert_string_equal(aplan_how_name(APLAN_COVERED), "covered");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decisions),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_metric),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_unreadable_pack),
	};

	return cmocka_run_group_tests(tests, setup_pack, remove_pack);
}
