/* s3watch setup: the ten-step guided setup as a plain command, in text or
 * JSON lines.  The run it drives, and prints, is shared with status and
 * teardown (cmd_internal.h). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd_internal.h"
#include "conf.h"
#include "session.h"
#include "setup.h"
#include "text.h"

/* One run: what it prints and how. */
struct setup_cli {
	const char			*cmd;
	enum setup_op			 op;
	const struct cmd_setup_opts	*o;
	struct setup			*setup;
	/* status table rows, collected from verify notes */
	struct buf			 table;
	int				 rows;
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

	if (cli->o->empty_buckets)
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

static void
setup_cli_event(const struct setup_event *ev, void *arg)
{
	struct setup_cli *cli = arg;

	if (cli->o->json)
		setup_cli_json(ev);
	else
		setup_cli_text(cli, ev);
	if (ev->kind == SETUP_EV_ASK)
		setup_answer(cli->setup, setup_cli_ask(cli, ev->text));
}

static int
setup_cli_step(const char *cmd, const char *arg, int *n)
{
	if ((*n = setup_step_find(arg)) < 0)
		return cmd_error(cmd, EXIT_USAGE, "no step '%s' (1 to %d, or "
		    "a name such as 'trail')", arg, SETUP_NSTEPS);
	return EXIT_OK;
}

int
cmd_setup_only(const char *cmd, const char *arg, void *opts)
{
	struct cmd_setup_opts *o = opts;
	int n, rc;

	if ((rc = setup_cli_step(cmd, arg, &n)) == EXIT_OK)
		o->first = o->last = n;
	return rc;
}

int
cmd_setup_from(const char *cmd, const char *arg, void *opts)
{
	struct cmd_setup_opts *o = opts;
	int n, rc;

	if ((rc = setup_cli_step(cmd, arg, &n)) == EXIT_OK) {
		o->first = n;
		o->last = SETUP_NSTEPS;
	}
	return rc;
}

/* The steps, for the help of setup, status and teardown. */
void
cmd_setup_steps(struct cmd_section *sec)
{
	int i;

	sec->title = "Steps (a number or a name)";
	for (i = 0; i < SETUP_NSTEPS; i++)
		cmd_section_add(sec, xasprintf("%2d %s", i + 1,
		    setup_steps[i]->name), xstrdup(setup_steps[i]->title));
}

/* Before an apply that deploys the rules (step 7): the networks S3 calls
 * are expected from are the operator's to say, never a silent default.
 * On a terminal, ask, and save the answer; elsewhere, say so and go on
 * (status warns).  -1 after printing why when the answers are refused. */
static int
setup_cli_cidrs(const char *cmd, struct conf *conf)
{
	static const enum conf_key key = CONF_ALLOWED_CIDRS;
	char line[1024], *assignment, *path, *cause = NULL, *now;
	int tries;

	if (strcmp(conf_key_source(conf, key), "default") != 0)
		return 0;
	now = conf_value_text(conf, key);
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "s3watch %s: allowed_cidrs is the default %s, "
		    "which no one chose: set your networks (s3watch.conf or "
		    "--set allowed_cidrs=...); status warns until then\n", cmd,
		    now);
		free(now);
		return 0;
	}
	fprintf(stderr, "Which networks are S3 calls expected from?  The "
	    "caller-IP rule reports S3 calls\nfrom anywhere else.  CIDRs, "
	    "comma-separated (Enter keeps %s):\n", now);
	free(now);
	for (tries = 0; tries < 3; tries++) {
		fputs("allowed_cidrs> ", stderr);
		if (fgets(line, sizeof line, stdin) == NULL)
			return 0;
		line[strcspn(line, "\r\n")] = '\0';
		if (*line == '\0')
			return 0;
		assignment = xasprintf("allowed_cidrs=%s", line);
		if (conf_set(conf, assignment, &cause) != 0) {
			free(assignment);
			fprintf(stderr, "%s\n", cause);
			free(cause);
			cause = NULL;
			continue;
		}
		free(assignment);
		if ((path = conf_save_path()) == NULL ||
		    conf_save_keys(conf, path, &key, 1, &cause) != 0) {
			fprintf(stderr, "s3watch %s: used for this run, not "
			    "saved: %s\n", cmd, cause != NULL ? cause :
			    "no home directory");
			free(cause);
		} else
			fprintf(stderr, "saved allowed_cidrs in %s\n", path);
		free(path);
		return 0;
	}
	cmd_error(cmd, EXIT_USAGE, "no valid CIDRs given");
	return -1;
}

int
cmd_setup_run(const char *cmd, enum setup_op op, struct cmd_setup_opts *o,
    const struct cmd_globals *g)
{
	struct setup_cli cli = { .cmd = cmd, .op = op, .o = o };
	struct cmd_globals gl = *g;
	struct aws_client *c;
	struct conf *conf;
	char *cause = NULL;
	int rc = EXIT_OK, alerts_step;

	if (o->first == 0) {
		o->first = 1;
		o->last = SETUP_NSTEPS;
	}
	if ((conf = session_conf(cmd, o->conf.config, o->conf.sets,
	    o->conf.nsets, &rc)) == NULL)
		return rc;
	alerts_step = setup_step_find("alerts");
	if (op == SETUP_APPLY && !o->json && o->first <= alerts_step &&
	    alerts_step <= o->last && setup_cli_cidrs(cmd, conf) != 0) {
		conf_free(conf);
		return EXIT_USAGE;
	}
	if (gl.aws.region == NULL && *conf_str(conf, CONF_REGION) != '\0')
		gl.aws.region = conf_str(conf, CONF_REGION);
	if ((c = cmd_client(cmd, &gl)) == NULL) {
		conf_free(conf);
		return EXIT_CONFIG;
	}
	if ((cli.setup = setup_new(c, conf, o->ledger, setup_cli_event, &cli,
	    &cause)) == NULL) {
		rc = cmd_error(cmd, EXIT_CONFIG, "%s", cause);
		free(cause);
	} else {
		if (op == SETUP_STATUS && !o->json)
			buf_printf(&cli.table, "%-4s %-5s %-5s %s\n", "STEP",
			    "CHECK", "RESULT", "REASON");
		setup_run(cli.setup, op, o->first, o->last);
		if (op == SETUP_STATUS && !o->json && cli.rows > 0)
			fputs(cli.table.data, stdout);
		if (!o->json)
			printf("%d change%s, %d failed, %d with warnings\n",
			    setup_changes(cli.setup),
			    setup_changes(cli.setup) == 1 ? "" : "s",
			    setup_failures(cli.setup),
			    setup_warnings(cli.setup));
		rc = setup_failures(cli.setup) > 0 ? EXIT_FAIL : EXIT_OK;
		setup_free(cli.setup);
	}
	cmd_client_free(c);
	conf_free(conf);
	buf_free(&cli.table);
	return rc;
}

const struct cmd_option cmd_setup_common[] = {
	{ .name = "json", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_setup_opts, json), .flags = CMD_O_BRIEF,
	  .help = "print JSON lines, one event a line" },
	{ .type = CMD_O_INCLUDE, .include = cmd_conf_options,
	  .off = offsetof(struct cmd_setup_opts, conf) },
	{ .name = "ledger", .arg = "FILE", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_setup_opts, ledger),
	  .help = CMD_HELP_LEDGER },
	{ .name = NULL }
};

static int
cmd_setup(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	struct cmd_setup_opts *o = opts;

	(void)argc;
	(void)argv;
	if (o->plan == o->yes)
		return cmd_error("setup", EXIT_USAGE, "say --plan to see the "
		    "calls, or --yes to make them");
	return cmd_setup_run("setup", o->plan ? SETUP_PLAN : SETUP_APPLY, o,
	    g);
}

static const struct cmd_option cmd_setup_options[] = {
	{ .name = "plan", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_setup_opts, plan),
	  .flags = CMD_O_BRIEF | CMD_O_REQUIRED | CMD_O_OR_NEXT,
	  .help = "show, step by step, the calls a run would make, and make "
	  "none" },
	{ .name = "yes", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_setup_opts, yes),
	  .help = "make the calls" },
	{ .name = "only", .arg = "STEP", .type = CMD_O_CALL,
	  .call = cmd_setup_only, .flags = CMD_O_BRIEF | CMD_O_OR_NEXT,
	  .help = "run this step only" },
	{ .name = "from", .arg = "STEP", .type = CMD_O_CALL,
	  .call = cmd_setup_from,
	  .help = "run this step and the ones after it" },
	{ .type = CMD_O_INCLUDE, .include = cmd_setup_common },
	{ .name = NULL }
};

const struct cmd_entry cmd_setup_entry = {
	.name = "setup",
	.help = "the ten-step setup: the exact calls it would make, or make "
	    "them; safe to repeat",
	.doc = "Each step checks what is missing or different, creates or "
	    "fixes only that, and verifies the posture afterwards.  A second "
	    "run changes nothing, and a run interrupted at any point converges "
	    "when run again: every resource is written to the ledger before "
	    "the call that creates it.  Failures name the step, the call, the "
	    "AWS error and a fix.  Before deploying the rules (step 7) while "
	    "`allowed_cidrs` is still the shipped default, it asks on a "
	    "terminal which networks S3 calls are expected from, and saves the "
	    "answer in the configuration file; `status` warns until someone "
	    "has chosen.",
	.options = cmd_setup_options,
	.opts_size = sizeof(struct cmd_setup_opts),
	.run = cmd_setup,
	.section = cmd_setup_steps,
};
