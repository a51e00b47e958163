/* s3watch report: an access report for auditors, from the trail's log
 * group (read once, not followed), the alert journal and the posture
 * check, as Markdown, CSV or one self-contained HTML file. */
#include "config.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerts.h"
#include "cmd_internal.h"
#include "conf.h"
#include "journal.h"
#include "loop.h"
#include "monitor.h"
#include "report.h"
#include "session.h"
#include "setup.h"
#include "statefile.h"
#include "tail.h"
#include "text.h"

struct report_cli {
	const char	*since;
	const char	*output;
	const char	*group;
	const char	*ledger;
	const char	*title;
	struct cmd_conf_opts conf;
	enum report_format format;
	bool		 posture;
	long		 max_rows;
	long		 page_limit;

	struct report	*report;
	struct alerts	*alerts;
	uint64_t	 acks_seen;	/* from the team's ack stream */
};

/* The posture table: verify's findings of `s3watch status`. */
static void
report_cli_setup_event(const struct setup_event *ev, void *arg)
{
	struct report_cli *cli = arg;

	if (ev->kind == SETUP_EV_NOTE && ev->level >= SETUP_L_PASS)
		report_add_posture(cli->report, ev->step, ev->check,
		    setup_level_name(ev->level), ev->text, ev->fix);
}

static void
report_cli_journal(struct json_object *o, size_t offset, void *arg)
{
	struct report_cli *cli = arg;

	(void)offset;
	alerts_apply(cli->alerts, o, true);
}

static void
report_cli_event(const struct tail_event *te, void *arg)
{
	struct report_cli *cli = arg;
	struct json_object *o;

	/* The team's acks share the group; they are not CloudTrail's. */
	if (strcmp(te->stream, MONITOR_ACK_STREAM) == 0) {
		/* Counted only: the journal holds the acks as they were
		 * judged when they came (alerts.h). */
		if ((o = json_tokener_parse(te->message)) != NULL &&
		    json_object_is_type(o, json_type_object) &&
		    json_object_object_get(o, "type") != NULL &&
		    strcmp(json_object_get_string(json_object_object_get(o,
		    "type")), "ack") == 0)
			cli->acks_seen++;
		json_object_put(o);
		return;
	}
	report_add_json(cli->report, te->message, te->len, te->timestamp);
}

/* Acknowledgements known here: the monitor's journal, if there is one. */
static int
report_cli_acks(struct report_cli *cli)
{
	struct journal *j;
	unsigned char key[32];
	char *path, *dir, *cause = NULL;

	if ((path = statefile_path("journal.jsonl", &cause)) == NULL) {
		report_add_note(cli->report, cause);
		free(cause);
		return 0;
	}
	/* Reading must not make a journal where the monitor never ran. */
	if (access(path, F_OK) != 0) {
		free(path);
		return 0;
	}
	/* The console's ids, so the report names alerts as it does. */
	if ((dir = statefile_dir(&cause)) != NULL &&
	    monitor_id_key(dir, key, &cause) == 0) {
		alerts_free(cli->alerts);
		cli->alerts = alerts_new(key, sizeof key);
	} else {
		report_add_note(cli->report, cause);
		free(cause);
		cause = NULL;
	}
	free(dir);
	if ((j = journal_open(path, report_cli_journal, cli, &cause)) == NULL) {
		cmd_error("report", EXIT_FAIL, "%s", cause);
		free(cause);
		free(path);
		return -1;
	}
	if (journal_skipped(j) > 0) {
		char *note = xasprintf("journal: %zu damaged record(s) skipped",
		    journal_skipped(j));

		report_add_note(cli->report, note);
		free(note);
	}
	journal_close(j);
	free(path);
	return 0;
}

/* Reads the group from since to now. */
static int
report_cli_read(struct report_cli *cli, struct aws_client *c,
    const char *group, int64_t since)
{
	struct loop *l = aws_client_loop(c);
	struct tail_options o;
	const struct tail_health *h;
	struct tail *t;
	int rc = EXIT_OK, sig;

	memset(&o, 0, sizeof o);
	o.group = group;
	o.since_ms = since;
	o.follow = false;
	o.page_limit = (int)cli->page_limit;
	t = tail_new(c, &o, report_cli_event, NULL, cli);
	loop_catch_signals(l);
	tail_start(t);
	while (!tail_done(t)) {
		loop_run_once(l, 1000);
		if ((sig = loop_take_signal(l)) == SIGINT || sig == SIGTERM ||
		    sig == SIGHUP) {
			tail_stop(t);
			rc = cmd_error("report", EXIT_FAIL, "interrupted");
		}
	}
	h = tail_health(t);
	if (rc == EXIT_OK && h->last_error != NULL && h->events == 0) {
		char *safe = text_safe_str(h->last_error);

		rc = cmd_error("report", EXIT_FAIL, "%s: %s", group, safe);
		free(safe);
	}
	tail_free(t);
	return rc;
}

static int
report_cli_write(const struct report_cli *cli, const char *text)
{
	char *cause = NULL;
	int rc;

	if (cli->output == NULL || strcmp(cli->output, "-") == 0) {
		if (fputs(text, stdout) == EOF || fflush(stdout) != 0)
			return cmd_error("report", EXIT_FAIL, "stdout: write "
			    "failed");
		return EXIT_OK;
	}
	/* Atomic and private: a report names principals and addresses. */
	if (statefile_write(cli->output, text, strlen(text), &cause) != 0) {
		rc = cmd_error("report", EXIT_FAIL, "%s", cause);
		free(cause);
		return rc;
	}
	return EXIT_OK;
}

static int
report_cli_format(const char *cmd, const char *arg, void *opts)
{
	struct report_cli *cli = opts;
	int f;

	if ((f = report_format_find(arg)) < 0)
		return cmd_error(cmd, EXIT_USAGE, "--format '%s': give md, csv "
		    "or html", arg);
	cli->format = (enum report_format)f;
	return EXIT_OK;
}

static int
cmd_report(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	struct report_cli *cli = opts;
	struct report_options ro;
	struct cmd_globals gl = *g;
	struct aws_client *c = NULL;
	struct conf *conf = NULL;
	struct setup *s = NULL;
	const struct report_counts *n;
	char *group = NULL, *cause = NULL, *text, *source;
	struct alert *a;
	int64_t since;
	size_t i;
	int rc;

	(void)argc;
	(void)argv;
	if (session_since_parse(cli->since,
	    &since, &cause) != 0) {
		rc = cmd_error("report", EXIT_USAGE, "--since %s", cause);
		free(cause);
		goto out;
	}
	if ((conf = session_conf("report", cli->conf.config, cli->conf.sets,
	    cli->conf.nsets, &rc)) == NULL)
		goto out;
	if (gl.aws.region == NULL && *conf_str(conf, CONF_REGION) != '\0')
		gl.aws.region = conf_str(conf, CONF_REGION);
	if ((c = cmd_client("report", &gl)) == NULL) {
		rc = EXIT_CONFIG;
		goto out;
	}
	/* The names, as the monitor finds them: configuration and ledger. */
	if ((s = setup_new(c, conf, cli->ledger, report_cli_setup_event, cli,
	    &cause)) == NULL || setup_identify(s, &cause) != 0) {
		rc = cmd_error("report", EXIT_CONFIG, "%s", cause);
		free(cause);
		goto out;
	}
	group = xstrdup(cli->group != NULL ? cli->group :
	    setup_name(s, "log_group"));

	memset(&ro, 0, sizeof ro);
	ro.title = cli->title;
	source = xasprintf("CloudWatch Logs group %s", group);
	ro.source = source;
	ro.since_ms = since;
	ro.until_ms = tail_clock_ms();
	ro.max_rows = (size_t)cli->max_rows;
	cli->report = report_new(&ro);
	free(source);
	cli->alerts = alerts_new(NULL, 0);

	if (report_cli_acks(cli) != 0) {
		rc = EXIT_FAIL;
		goto out;
	}
	if ((rc = report_cli_read(cli, c, group, since)) != EXIT_OK)
		goto out;
	for (i = 0; (a = alerts_at(cli->alerts, i)) != NULL; i++)
		report_add_alert(cli->report, a);
	if (cli->posture)
		setup_run(s, SETUP_STATUS, 1, SETUP_NSTEPS);
	else
		report_add_note(cli->report, "The posture was not checked "
		    "(--no-posture).");

	text = report_render(cli->report, cli->format);
	rc = report_cli_write(cli, text);
	free(text);
	n = report_counts(cli->report);
	if (rc == EXIT_OK && cli->output != NULL && strcmp(cli->output, "-") != 0)
		fprintf(stderr, "s3watch report: %llu records (%llu S3 "
		    "accesses, %llu denied, %llu changes), %zu acknowledged "
		    "alerts, %zu posture rows: %s report in %s\n",
		    (unsigned long long)n->records, (unsigned long long)n->s3,
		    (unsigned long long)n->denied,
		    (unsigned long long)n->changes, n->acks, n->posture,
		    report_format_name(cli->format), cli->output);
out:
	setup_free(s);
	if (c != NULL)
		cmd_client_free(c);
	conf_free(conf);
	report_free(cli->report);
	if (cli->alerts != NULL)
		alerts_free(cli->alerts);
	free(group);
	return rc;
}

static const struct cmd_option cmd_report_options[] = {
	{ .name = "since", .arg = "WHEN", .type = CMD_O_STRING,
	  .off = offsetof(struct report_cli, since), .dflt = "7d",
	  .flags = CMD_O_BRIEF, .help = CMD_HELP_SINCE },
	{ .name = "format", .arg = "md|csv|html", .type = CMD_O_CALL,
	  .call = report_cli_format, .dflt = "md", .flags = CMD_O_BRIEF,
	  .help = "Markdown, CSV, or one self-contained HTML file" },
	{ .name = "output", .short_name = 'o', .arg = "FILE",
	  .type = CMD_O_STRING, .off = offsetof(struct report_cli, output),
	  .flags = CMD_O_BRIEF,
	  .help = "write the report to <FILE> (mode 0600, atomically) "
	  "rather than standard output" },
	{ .name = "group", .arg = "GROUP", .type = CMD_O_STRING,
	  .off = offsetof(struct report_cli, group),
	  .help = "read this log group (default: the configuration's "
	  "`log_group`)" },
	{ .name = "no-posture", .type = CMD_O_UNSET,
	  .off = offsetof(struct report_cli, posture),
	  .help = "leave out the posture table (no `status` run)" },
	{ .name = "title", .arg = "TEXT", .type = CMD_O_STRING,
	  .off = offsetof(struct report_cli, title),
	  .help = "the report's title" },
	{ .name = "max-rows", .arg = "N", .type = CMD_O_NUMBER,
	  .off = offsetof(struct report_cli, max_rows),
	  .min = 1, .max = 1000000,
	  .help = "at most <N> rows a table, rather than 1000" },
	{ .name = "page-limit", .arg = "N", .type = CMD_O_NUMBER,
	  .off = offsetof(struct report_cli, page_limit),
	  .min = 1, .max = 10000,
	  .help = "ask for pages of at most <N> events, rather than 1000" },
	{ .type = CMD_O_INCLUDE, .include = cmd_conf_options,
	  .off = offsetof(struct report_cli, conf) },
	{ .name = "ledger", .arg = "FILE", .type = CMD_O_STRING,
	  .off = offsetof(struct report_cli, ledger),
	  .help = CMD_HELP_LEDGER },
	{ .name = NULL }
};

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.help = "an access report for auditors",
	.doc = "Reads the trail's log group once (not followed), the alert "
	    "journal and the posture check, and writes accesses per principal "
	    "and bucket, denied attempts, administrative changes, acknowledged "
	    "alerts and the posture table.",
	.options = cmd_report_options,
	.opts_size = sizeof(struct report_cli),
	.run = cmd_report,
};
