/* s3watch setup, status, teardown and config: the guided setup as plain
 * commands, in text or JSON lines. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "session.h"
#include "setup.h"
#include "text.h"

/* Options shared by the four commands; the table says which take what. */
struct setup_cli {
	const char	*cmd;
	enum setup_op	 op;
	bool		 json;
	bool		 yes;
	bool		 plan;
	bool		 empty_buckets;
	int		 first, last;
	const char	*config;
	const char	*ledger;
	char	       **sets;
	size_t		 nsets;

	/* status table rows, collected from verify notes */
	struct buf	 table;
	int		 rows;
};

static const char *const setup_state_marks[SETUP_S_COUNT] = {
	"pending", "checking", "applying", "verifying", "undoing", "done",
	"WARN", "FAILED",
};

static void
setup_cli_json(const struct setup_event *ev)
{
	static const char *const kinds[] = { "step", "call", "answer", "note",
	    "ask", "done" };
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "event", json_object_new_string(
	    kinds[ev->kind]));
	json_object_object_add(o, "step", json_object_new_int(ev->step));
	switch (ev->kind) {
	case SETUP_EV_STEP:
		json_object_object_add(o, "state", json_object_new_string(
		    setup_state_name(ev->state)));
		break;
	case SETUP_EV_CALL:
	case SETUP_EV_ANSWER:
		json_object_object_add(o, "call",
		    json_object_new_string(ev->call));
		json_object_object_add(o, "target",
		    json_object_new_string(ev->target));
		json_object_object_add(o, "write",
		    json_object_new_boolean(ev->write));
		if (ev->kind == SETUP_EV_CALL)
			json_object_object_add(o, "planned",
			    json_object_new_boolean(ev->planned));
		else {
			json_object_object_add(o, "ms",
			    json_object_new_int64((int64_t)ev->elapsed_ms));
			if (ev->error != NULL)
				json_object_object_add(o, "error",
				    json_object_new_string(ev->error));
		}
		break;
	case SETUP_EV_NOTE:
		json_object_object_add(o, "level", json_object_new_string(
		    setup_level_name(ev->level)));
		if (ev->check != NULL)
			json_object_object_add(o, "check",
			    json_object_new_string(ev->check));
		break;
	default:
		break;
	}
	if (ev->text != NULL)
		json_object_object_add(o, "text", json_object_new_string(ev->text));
	if (ev->fix != NULL)
		json_object_object_add(o, "fix", json_object_new_string(ev->fix));
	/* JSON escaping keeps control characters off the terminal. */
	printf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	fflush(stdout);
}

static void
setup_cli_status_row(struct setup_cli *cli, const struct setup_event *ev)
{
	char *text = text_safe_str(ev->text), *fix = text_safe_str(ev->fix);

	buf_printf(&cli->table, "%-4d %-5s %-5s %s", ev->step,
	    ev->check != NULL ? ev->check : "-", setup_level_name(ev->level),
	    text);
	if (*fix != '\0')
		buf_printf(&cli->table, " (fix: %s)", fix);
	buf_addc(&cli->table, '\n');
	cli->rows++;
	free(text);
	free(fix);
}

static void
setup_cli_text(struct setup_cli *cli, const struct setup_event *ev)
{
	static const char *const marks[SETUP_L_COUNT] = { "ok", "missing",
	    "differs", "PASS", "WARN", "FAIL" };
	const struct setup_step *st = ev->step >= 1 ?
	    setup_steps[ev->step - 1] : NULL;
	char *text = text_safe_str(ev->text), *fix = text_safe_str(ev->fix);
	char *target = text_safe_str(ev->target);
	char *error = text_safe_str(ev->error);

	switch (ev->kind) {
	case SETUP_EV_STEP:
		if (cli->op == SETUP_STATUS)
			break;
		if (ev->state == SETUP_S_CHECKING ||
		    ev->state == SETUP_S_UNDOING)
			printf("Step %d/%d  %s\n", ev->step, SETUP_NSTEPS,
			    st->title);
		else if (ev->state >= SETUP_S_DONE)
			printf("  = %s\n", setup_state_marks[ev->state]);
		break;
	case SETUP_EV_CALL:
		if (ev->planned)
			printf("  + would call %s %s\n", ev->call, target);
		break;
	case SETUP_EV_ANSWER:
		if (cli->op == SETUP_STATUS || !ev->write)
			break;
		if (ev->error == NULL)
			printf("  + %s %s (%llu ms)\n", ev->call, target,
			    (unsigned long long)ev->elapsed_ms);
		else
			printf("  ! %s %s: %s\n", ev->call, target, error);
		break;
	case SETUP_EV_NOTE:
		if (cli->op == SETUP_STATUS) {
			if (ev->level >= SETUP_L_PASS)
				setup_cli_status_row(cli, ev);
			break;
		}
		printf("  %-7s %s%s%s\n", marks[ev->level], text,
		    *fix != '\0' ? "\n          fix: " : "", fix);
		break;
	case SETUP_EV_ASK:
	case SETUP_EV_DONE:
		if (ev->text != NULL)
			printf("%s\n", text);
		break;
	}
	fflush(stdout);
	free(text);
	free(fix);
	free(target);
	free(error);
}

/* Teardown's question about a non-empty bucket. */
static bool
setup_cli_ask(struct setup_cli *cli, const char *question)
{
	char line[16];

	if (cli->empty_buckets)
		return true;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "s3watch %s: %s no (stdin is not a terminal; "
		    "--empty-buckets says yes)\n", cli->cmd, question);
		return false;
	}
	fprintf(stderr, "%s [y/N] ", question);
	if (fgets(line, sizeof line, stdin) == NULL)
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

struct setup_cli_ctx {
	struct setup_cli	*cli;
	struct setup		*setup;
};

static void
setup_cli_event(const struct setup_event *ev, void *arg)
{
	struct setup_cli_ctx *x = arg;

	if (x->cli->json)
		setup_cli_json(ev);
	else
		setup_cli_text(x->cli, ev);
	if (ev->kind == SETUP_EV_ASK)
		setup_answer(x->setup, setup_cli_ask(x->cli, ev->text));
}

static int
setup_cli_step(const char *cmd, const char *arg, int *n)
{
	if ((*n = setup_step_find(arg)) < 0)
		return cmd_error(cmd, EXIT_USAGE, "no step '%s' (1 to %d, or "
		    "a name such as 'trail')", arg, SETUP_NSTEPS);
	return EXIT_OK;
}

static int
setup_cli_usage(const struct setup_cli *cli, FILE *f)
{
	switch (cli->op) {
	case SETUP_PLAN:
	case SETUP_APPLY:
		fprintf(f, "usage: s3watch setup --plan|--yes [--only N | --from "
		    "N] [--json]\n");
		break;
	case SETUP_STATUS:
	case SETUP_VALIDATE:
		fprintf(f, "usage: s3watch status [--only N | --from N] "
		    "[--json]\n");
		break;
	case SETUP_UNDO:
		fprintf(f, "usage: s3watch teardown [--yes] [--empty-buckets] "
		    "[--json]\n");
		break;
	}
	fprintf(f, "       [--config FILE] [--set KEY=VALUE]... [--ledger FILE]\n"
	    "Steps are 1-%d or names:", SETUP_NSTEPS);
	for (int i = 0; i < SETUP_NSTEPS; i++)
		fprintf(f, " %s", setup_steps[i]->name);
	fprintf(f, "\n");
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

static int
setup_cli_main(struct setup_cli *cli, int argc, char **argv,
    const struct cmd_globals *g)
{
	static const struct option opts[] = {
		{ "plan", no_argument, NULL, 'p' },
		{ "yes", no_argument, NULL, 'y' },
		{ "only", required_argument, NULL, 'o' },
		{ "from", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "ledger", required_argument, NULL, 'l' },
		{ "empty-buckets", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct setup_cli_ctx x = { cli, NULL };
	struct cmd_globals gl = *g;
	struct aws_client *c;
	struct conf *conf;
	char *cause = NULL;
	int ch, rc = EXIT_OK, n;

	cli->first = 1;
	cli->last = SETUP_NSTEPS;
	optind = 0;	/* GNU getopt: start afresh, permuting */
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': cli->plan = true; break;
		case 'y': cli->yes = true; break;
		case 'j': cli->json = true; break;
		case 'c': cli->config = optarg; break;
		case 'l': cli->ledger = optarg; break;
		case 'E': cli->empty_buckets = true; break;
		case 's':
			cli->sets = xreallocarray(cli->sets, cli->nsets + 1,
			    sizeof *cli->sets);
			cli->sets[cli->nsets++] = optarg;
			break;
		case 'o':
		case 'f':
			if ((rc = setup_cli_step(cli->cmd, optarg, &n)) != 0)
				goto out;
			cli->first = n;
			cli->last = ch == 'o' ? n : SETUP_NSTEPS;
			break;
		case 'h':
			rc = setup_cli_usage(cli, stdout);
			goto out;
		default:
			rc = cmd_error(cli->cmd, EXIT_USAGE, "unknown option "
			    "'%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (optind != argc) {
		rc = setup_cli_usage(cli, stderr);
		goto out;
	}
	if (cli->op == SETUP_APPLY || cli->op == SETUP_PLAN) {
		if (cli->plan == cli->yes) {
			rc = cmd_error(cli->cmd, EXIT_USAGE, "say --plan to see "
			    "the calls, or --yes to make them");
			goto out;
		}
		cli->op = cli->plan ? SETUP_PLAN : SETUP_APPLY;
	}
	if (cli->op == SETUP_UNDO && !cli->yes) {
		if (!isatty(STDIN_FILENO)) {
			rc = cmd_error(cli->cmd, EXIT_USAGE, "say --yes to "
			    "remove what s3watch created");
			goto out;
		}
		fprintf(stderr, "Remove everything s3watch created? [y/N] ");
		char line[16];
		if (fgets(line, sizeof line, stdin) == NULL ||
		    (line[0] != 'y' && line[0] != 'Y'))
			goto out;
	}
	if ((conf = session_conf(cli->cmd, cli->config, cli->sets, cli->nsets,
	    &rc)) == NULL)
		goto out;
	if (gl.aws.region == NULL && *conf_str(conf, CONF_REGION) != '\0')
		gl.aws.region = conf_str(conf, CONF_REGION);
	if ((c = cmd_client(cli->cmd, &gl)) == NULL) {
		conf_free(conf);
		rc = EXIT_CONFIG;
		goto out;
	}
	if ((x.setup = setup_new(c, conf, cli->ledger, setup_cli_event, &x,
	    &cause)) == NULL) {
		rc = cmd_error(cli->cmd, EXIT_CONFIG, "%s", cause);
		free(cause);
	} else {
		if (cli->op == SETUP_STATUS && !cli->json)
			buf_printf(&cli->table, "%-4s %-5s %-5s %s\n", "STEP",
			    "CHECK", "RESULT", "REASON");
		setup_run(x.setup, cli->op, cli->first, cli->last);
		if (cli->op == SETUP_STATUS && !cli->json && cli->rows > 0)
			fputs(cli->table.data, stdout);
		if (!cli->json)
			printf("%d change%s, %d failed, %d with warnings\n",
			    setup_changes(x.setup),
			    setup_changes(x.setup) == 1 ? "" : "s",
			    setup_failures(x.setup), setup_warnings(x.setup));
		rc = setup_failures(x.setup) > 0 ? EXIT_FAIL : EXIT_OK;
		setup_free(x.setup);
	}
	cmd_client_free(c);
	conf_free(conf);
out:
	free(cli->sets);
	buf_free(&cli->table);
	return rc;
}

int
cmd_setup(int argc, char **argv, const struct cmd_globals *g)
{
	struct setup_cli cli = { .cmd = "setup", .op = SETUP_APPLY };

	return setup_cli_main(&cli, argc, argv, g);
}

int
cmd_status(int argc, char **argv, const struct cmd_globals *g)
{
	struct setup_cli cli = { .cmd = "status", .op = SETUP_STATUS };

	return setup_cli_main(&cli, argc, argv, g);
}

int
cmd_teardown(int argc, char **argv, const struct cmd_globals *g)
{
	struct setup_cli cli = { .cmd = "teardown", .op = SETUP_UNDO };

	return setup_cli_main(&cli, argc, argv, g);
}

/* s3watch config: every setting, its value and where it came from. */
int
cmd_config(int argc, char **argv, const struct cmd_globals *g)
{
	struct setup_cli cli = { .cmd = "config" };
	struct conf *conf;
	char *safe;
	char *const *v;
	size_t i, n;
	int k, rc = EXIT_OK, ch;
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};

	optind = 0;	/* GNU getopt: start afresh, permuting */
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': cli.config = optarg; break;
		case 's':
			cli.sets = xreallocarray(cli.sets, cli.nsets + 1,
			    sizeof *cli.sets);
			cli.sets[cli.nsets++] = optarg;
			break;
		case 'h':
			printf("usage: s3watch config [--config FILE] "
			    "[--set KEY=VALUE]...\n");
			goto out;
		default:
			rc = cmd_error("config", EXIT_USAGE, "unknown option "
			    "'%s'", argv[optind - 1]);
			goto out;
		}
	}
	if ((conf = session_conf("config", cli.config, cli.sets, cli.nsets,
	    &rc)) == NULL)
		goto out;
	for (k = 0; k < CONF_COUNT; k++) {
		printf("%-22s ", conf_key_name(k));
		switch (conf_key_type(k)) {
		case CONF_T_STRING:
			safe = text_safe_str(conf_str(conf, k));
			printf("\"%s\"", safe);
			free(safe);
			break;
		case CONF_T_INT:
			printf("%ld", conf_int(conf, k));
			break;
		case CONF_T_BOOL:
			printf("%s", conf_bool(conf, k) ? "true" : "false");
			break;
		case CONF_T_LIST:
			v = conf_list(conf, k, &n);
			printf("[");
			for (i = 0; i < n; i++) {
				safe = text_safe_str(v[i]);
				printf("%s\"%s\"", i > 0 ? ", " : "", safe);
				free(safe);
			}
			printf("]");
			break;
		}
		printf("  # %s\n", conf_key_source(conf, k));
	}
	conf_free(conf);
	(void)g;
out:
	free(cli.sets);
	return rc;
}
