/* s3watch validate: the validation tests as a command. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_internal.h"
#include "conf.h"
#include "session.h"
#include "text.h"
#include "validate.h"

struct cmd_validate_opts {
	bool		 json;
	int		 first, last;	/* 0: every test */
	long		 wait_s;
	long		 poll_ms;
	struct cmd_conf_opts conf;
};

static int
validate_cli_find(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	int i;

	if (*s != '\0' && *end == '\0')
		return n >= 1 && n <= VALIDATE_NTESTS ? (int)n : -1;
	for (i = 0; i < VALIDATE_NTESTS; i++)
		if (strcmp(validate_tests[i].name, s) == 0)
			return i + 1;
	return -1;
}

static void
validate_cli_event(const struct validate_event *ev, void *arg)
{
	const struct cmd_validate_opts *cli = arg;
	static const char *const kinds[] = { "state", "progress", "evidence",
	    "done" };
	struct json_object *o;
	char *text = text_safe_str(ev->text);

	if (cli->json) {
		o = json_object_new_object();
		json_object_object_add(o, "event",
		    json_object_new_string(kinds[ev->kind]));
		json_object_object_add(o, "test", json_object_new_int(ev->test));
		if (ev->kind == VALIDATE_EV_STATE) {
			json_object_object_add(o, "result",
			    json_object_new_string(
			    validate_result_name(ev->result)));
			json_object_object_add(o, "ms", json_object_new_int64(
			    (int64_t)ev->elapsed_ms));
		}
		if (ev->text != NULL)
			json_object_object_add(o, "text",
			    json_object_new_string(text));
		printf("%s\n", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		switch (ev->kind) {
		case VALIDATE_EV_STATE:
			if (ev->result == VALIDATE_RUNNING)
				printf("Test %d/%d  %s\n", ev->test,
				    VALIDATE_NTESTS,
				    validate_tests[ev->test - 1].title);
			else
				printf("  = %s (%.1f s)\n",
				    validate_result_name(ev->result),
				    (double)ev->elapsed_ms / 1000.0);
			break;
		case VALIDATE_EV_PROGRESS:
			printf("  ..      %s\n", text);
			break;
		case VALIDATE_EV_EVIDENCE:
			printf("  *       %s\n", text);
			break;
		case VALIDATE_EV_DONE:
			if (ev->text != NULL)
				printf("%s\n", text);
			break;
		}
	}
	fflush(stdout);
	free(text);
}

static int
validate_cli_only(const char *cmd, const char *arg, void *opts)
{
	struct cmd_validate_opts *o = opts;

	if ((o->first = o->last = validate_cli_find(arg)) < 0)
		return cmd_error(cmd, EXIT_USAGE, "no test '%s' (1 to %d, or a "
		    "name such as 'canary')", arg, VALIDATE_NTESTS);
	return EXIT_OK;
}

static void
validate_cli_tests(struct cmd_section *sec)
{
	int i;

	sec->title = "Tests (a number or a name)";
	for (i = 0; i < VALIDATE_NTESTS; i++)
		cmd_section_add(sec, xasprintf("%d %s", validate_tests[i].id,
		    validate_tests[i].name), xstrdup(validate_tests[i].title));
}

static int
cmd_validate(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	struct cmd_validate_opts *o = opts;
	struct cmd_globals gl = *g;
	struct aws_client *c;
	struct validate *v;
	struct conf *conf;
	char *cause = NULL;
	int rc = EXIT_OK, i, failed = 0;

	(void)argc;
	(void)argv;
	if (o->first == 0) {
		o->first = 1;
		o->last = VALIDATE_NTESTS;
	}
	if ((conf = session_conf("validate", o->conf.config, o->conf.sets,
	    o->conf.nsets, &rc)) == NULL)
		return rc;
	if (gl.aws.region == NULL && *conf_str(conf, CONF_REGION) != '\0')
		gl.aws.region = conf_str(conf, CONF_REGION);
	if ((c = cmd_client("validate", &gl)) == NULL) {
		conf_free(conf);
		return EXIT_CONFIG;
	}
	if ((v = validate_new(c, conf, validate_cli_event, o,
	    &cause)) == NULL) {
		rc = cmd_error("validate", EXIT_CONFIG, "%s", cause);
		free(cause);
	} else {
		validate_set_wait(v, (int)o->wait_s, o->poll_ms < 10 ? 10 :
		    (int)o->poll_ms);
		validate_run(v, o->first, o->last);
		for (i = o->first; i <= o->last; i++)
			failed += validate_result_of(v, i) != VALIDATE_PASS;
		if (!o->json)
			printf("%d passed, %d not\n", o->last - o->first + 1 -
			    failed, failed);
		rc = failed > 0 ? EXIT_FAIL : EXIT_OK;
		validate_free(v);
	}
	cmd_client_free(c);
	conf_free(conf);
	return rc;
}

static const struct cmd_option cmd_validate_options[] = {
	{ .name = "only", .arg = "TEST", .type = CMD_O_CALL,
	  .call = validate_cli_only, .flags = CMD_O_BRIEF,
	  .help = "run this test only" },
	{ .name = "wait", .arg = "SECONDS", .type = CMD_O_NUMBER,
	  .off = offsetof(struct cmd_validate_opts, wait_s),
	  .min = 0, .max = 86400000, .dflt = "900", .flags = CMD_O_BRIEF,
	  .help = "how long a test waits for its evidence before it times "
	  "out" },
	{ .name = "poll", .arg = "MS", .type = CMD_O_NUMBER,
	  .off = offsetof(struct cmd_validate_opts, poll_ms),
	  .min = 0, .max = 86400000, .dflt = "5000",
	  .help = "look for the evidence every <MS> milliseconds; less than "
	  "10 counts as 10" },
	{ .name = "json", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_validate_opts, json), .flags = CMD_O_BRIEF,
	  .help = "print JSON lines, one event a line" },
	{ .type = CMD_O_INCLUDE, .include = cmd_conf_options,
	  .off = offsetof(struct cmd_validate_opts, conf) },
	{ .name = NULL }
};

const struct cmd_entry cmd_validate_entry = {
	.name = "validate",
	.help = "proves the pipeline: access logs, CloudTrail events, an "
	    "end-to-end canary, the alert path",
	.doc = "Each test ends PASS, FAIL or TIMEOUT, with the evidence it "
	    "found.  Exits 1 unless every test passes.",
	.options = cmd_validate_options,
	.opts_size = sizeof(struct cmd_validate_opts),
	.run = cmd_validate,
	.section = validate_cli_tests,
};
