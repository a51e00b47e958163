/* s3watch validate: the validation tests as a command. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "session.h"
#include "text.h"
#include "validate.h"

struct validate_cli {
	bool	json;
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
	struct validate_cli *cli = arg;
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

int
cmd_validate(int argc, char **argv, const struct cmd_globals *g)
{
	static const struct option opts[] = {
		{ "only", required_argument, NULL, 'o' },
		{ "wait", required_argument, NULL, 'w' },
		{ "poll", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char usage[] = "s3watch validate [--only N] [--wait "
	    "SECONDS] [--poll MS] [--json] [--config FILE] [--set K=V]";
	struct validate_cli cli = { false };
	struct cmd_globals gl = *g;
	struct aws_client *c;
	struct validate *v;
	struct conf *conf = NULL;
	const char *config = NULL;
	char **sets = NULL, *cause = NULL, *end;
	size_t nsets = 0;
	int ch, first = 1, last = VALIDATE_NTESTS, wait_s = 900, poll = 5000;
	int rc = EXIT_OK, i, failed = 0;
	long n;

	optind = 0;	/* GNU getopt: start afresh, permuting */
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if ((first = last = validate_cli_find(optarg)) < 0) {
				rc = cmd_error("validate", EXIT_USAGE, "no test "
				    "'%s' (1 to %d, or a name such as 'canary')",
				    optarg, VALIDATE_NTESTS);
				goto out;
			}
			break;
		case 'w':
		case 'p':
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n < 0 ||
			    n > 86400000) {
				rc = cmd_error("validate", EXIT_USAGE, "--%s '%s' "
				    "is not a number", ch == 'w' ? "wait" :
				    "poll", optarg);
				goto out;
			}
			if (ch == 'w')
				wait_s = (int)n;
			else
				poll = n < 10 ? 10 : (int)n;
			break;
		case 'j': cli.json = true; break;
		case 'c': config = optarg; break;
		case 's':
			sets = xreallocarray(sets, nsets + 1, sizeof *sets);
			sets[nsets++] = optarg;
			break;
		case 'h':
			printf("usage: %s\n", usage);
			goto out;
		default:
			rc = cmd_error("validate", EXIT_USAGE, "unknown option "
			    "'%s' (usage: %s)", argv[optind - 1], usage);
			goto out;
		}
	}
	if ((conf = session_conf("validate", config, sets, nsets, &rc)) == NULL)
		goto out;
	if (gl.aws.region == NULL && *conf_str(conf, CONF_REGION) != '\0')
		gl.aws.region = conf_str(conf, CONF_REGION);
	if ((c = cmd_client("validate", &gl)) == NULL) {
		rc = EXIT_CONFIG;
		goto out;
	}
	if ((v = validate_new(c, conf, validate_cli_event, &cli,
	    &cause)) == NULL) {
		rc = cmd_error("validate", EXIT_CONFIG, "%s", cause);
		free(cause);
	} else {
		validate_set_wait(v, wait_s, poll);
		validate_run(v, first, last);
		for (i = first; i <= last; i++)
			failed += validate_result_of(v, i) != VALIDATE_PASS;
		if (!cli.json)
			printf("%d passed, %d not\n", last - first + 1 - failed,
			    failed);
		rc = failed > 0 ? EXIT_FAIL : EXIT_OK;
		validate_free(v);
	}
	cmd_client_free(c);
out:
	conf_free(conf);
	free(sets);
	return rc;
}
