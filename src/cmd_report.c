/* s3watch report: an access report for auditors, from the trail's log
 * group (read once, not followed), the alert journal and the posture
 * check, as Markdown, CSV or one self-contained HTML file. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerts.h"
#include "cmd.h"
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
	const char	*config;
	const char	*ledger;
	const char	*title;
	char	       **sets;
	size_t		 nsets;
	enum report_format format;
	bool		 posture;
	size_t		 max_rows;
	int		 page_limit;

	struct report	*report;
	struct alerts	*alerts;
	uint64_t	 acks_seen;	/* from the team's ack stream */
};

static const char report_usage[] = "s3watch report [--since 7d] "
    "[--format md|csv|html] [--output FILE] [--group G] [--no-posture] "
    "[--title T] [--max-rows N] [--config FILE] [--set KEY=VALUE]... "
    "[--ledger FILE]";

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
	o.page_limit = cli->page_limit;
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
report_cli_parse(struct report_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 'S' },
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "group", required_argument, NULL, 'g' },
		{ "no-posture", no_argument, NULL, 'N' },
		{ "title", required_argument, NULL, 't' },
		{ "max-rows", required_argument, NULL, 'M' },
		{ "page-limit", required_argument, NULL, 'L' },
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "ledger", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long n;
	int ch, f, rc;

	optind = 0;	/* GNU getopt: start afresh, permuting */
	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'S': cli->since = optarg; break;
		case 'o': cli->output = optarg; break;
		case 'g': cli->group = optarg; break;
		case 'N': cli->posture = false; break;
		case 't': cli->title = optarg; break;
		case 'c': cli->config = optarg; break;
		case 'l': cli->ledger = optarg; break;
		case 'F':
			if ((f = report_format_find(optarg)) < 0)
				return cmd_error("report", EXIT_USAGE, "--format "
				    "'%s': give md, csv or html", optarg);
			cli->format = (enum report_format)f;
			break;
		case 'M':
		case 'L':
			if ((rc = cmd_number("report", ch == 'M' ? "max-rows" :
			    "page-limit", optarg, 1, ch == 'M' ? 1000000 : 10000,
			    &n)) != EXIT_OK)
				return rc;
			if (ch == 'M')
				cli->max_rows = (size_t)n;
			else
				cli->page_limit = (int)n;
			break;
		case 's':
			cmd_push(&cli->sets, &cli->nsets, optarg);
			break;
		case 'h':
			printf("usage: %s\n", report_usage);
			return -1;
		default:
			return cmd_error("report", EXIT_USAGE, "unknown option "
			    "'%s' (usage: %s)", argv[optind - 1], report_usage);
		}
	}
	if (optind != argc)
		return cmd_error("report", EXIT_USAGE, "usage: %s",
		    report_usage);
	return EXIT_OK;
}

int
cmd_report(int argc, char **argv, const struct cmd_globals *g)
{
	struct report_cli cli = { .format = REPORT_MD, .posture = true };
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

	if ((rc = report_cli_parse(&cli, argc, argv)) != EXIT_OK) {
		rc = rc < 0 ? EXIT_OK : rc;
		goto out;
	}
	if (session_since_parse(cli.since != NULL ? cli.since : "7d",
	    &since, &cause) != 0) {
		rc = cmd_error("report", EXIT_USAGE, "--since %s", cause);
		free(cause);
		goto out;
	}
	if ((conf = session_conf("report", cli.config, cli.sets, cli.nsets,
	    &rc)) == NULL)
		goto out;
	if (gl.aws.region == NULL && *conf_str(conf, CONF_REGION) != '\0')
		gl.aws.region = conf_str(conf, CONF_REGION);
	if ((c = cmd_client("report", &gl)) == NULL) {
		rc = EXIT_CONFIG;
		goto out;
	}
	/* The names, as the monitor finds them: configuration and ledger. */
	if ((s = setup_new(c, conf, cli.ledger, report_cli_setup_event, &cli,
	    &cause)) == NULL || setup_identify(s, &cause) != 0) {
		rc = cmd_error("report", EXIT_CONFIG, "%s", cause);
		free(cause);
		goto out;
	}
	group = xstrdup(cli.group != NULL ? cli.group :
	    setup_name(s, "log_group"));

	memset(&ro, 0, sizeof ro);
	ro.title = cli.title;
	source = xasprintf("CloudWatch Logs group %s", group);
	ro.source = source;
	ro.since_ms = since;
	ro.until_ms = tail_clock_ms();
	ro.max_rows = cli.max_rows;
	cli.report = report_new(&ro);
	free(source);
	cli.alerts = alerts_new(NULL, 0);

	if (report_cli_acks(&cli) != 0) {
		rc = EXIT_FAIL;
		goto out;
	}
	if ((rc = report_cli_read(&cli, c, group, since)) != EXIT_OK)
		goto out;
	for (i = 0; (a = alerts_at(cli.alerts, i)) != NULL; i++)
		report_add_alert(cli.report, a);
	if (cli.posture)
		setup_run(s, SETUP_STATUS, 1, SETUP_NSTEPS);
	else
		report_add_note(cli.report, "The posture was not checked "
		    "(--no-posture).");

	text = report_render(cli.report, cli.format);
	rc = report_cli_write(&cli, text);
	free(text);
	n = report_counts(cli.report);
	if (rc == EXIT_OK && cli.output != NULL && strcmp(cli.output, "-") != 0)
		fprintf(stderr, "s3watch report: %llu records (%llu S3 "
		    "accesses, %llu denied, %llu changes), %zu acknowledged "
		    "alerts, %zu posture rows: %s report in %s\n",
		    (unsigned long long)n->records, (unsigned long long)n->s3,
		    (unsigned long long)n->denied,
		    (unsigned long long)n->changes, n->acks, n->posture,
		    report_format_name(cli.format), cli.output);
out:
	setup_free(s);
	if (c != NULL)
		cmd_client_free(c);
	conf_free(conf);
	report_free(cli.report);
	if (cli.alerts != NULL)
		alerts_free(cli.alerts);
	free(cli.sets);
	free(group);
	return rc;
}
