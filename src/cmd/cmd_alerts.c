/* s3watch alerts: the alerts the monitor keeps, grouped by rule and
 * principal; acknowledge, publish, or make the team's ack key.  Catching
 * up runs the monitor silently (cmd_monitor.c). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "cmd_internal.h"
#include "loop.h"
#include "monitor.h"
#include "rules.h"
#include "session.h"
#include "statefile.h"
#include "text.h"

/* An ack or publish in flight. */
struct alerts_cli_wait {
	bool	 done;
	char	*error;
};

static void
alerts_cli_done(const char *error, void *arg)
{
	struct alerts_cli_wait *w = arg;

	w->done = true;
	if (error != NULL)
		w->error = xstrdup(error);
}

static void
alerts_cli_print(const struct alert *a, bool json)
{
	struct json_object *o;
	const char *state = alerts_state_text(a);
	char *f[5], *note, *raw;
	size_t i;

	if (json) {
		o = alerts_record(a);
		printf("%s\n", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return;
	}
	f[0] = text_safe_str(a->rule);
	f[1] = text_safe_str(a->key);
	f[2] = text_safe_str(a->last_seen);
	/* Who acked is what the on-call reader looks for first. */
	raw = a->acked ? xasprintf("acked by %s", a->ack_who) : xstrdup(state);
	f[3] = text_safe_str(raw);
	free(raw);
	f[4] = text_safe_str(a->ack_note);
	note = a->ack_who != NULL && *f[4] != '\0' ?
	    xasprintf(": %s", f[4]) : xstrdup("");
	printf("%s %-8s %-28s %6llu %-20s %s  [%s%s]\n", a->id,
	    rules_severity_name(a->severity), f[0],
	    (unsigned long long)a->count, f[2], f[1], f[3], note);
	free(note);
	if (a->suspect_who != NULL) {
		char *who = text_safe_str(a->suspect_who);
		char *why = text_safe_str(a->suspect_why);

		printf("%*s  ! suspicious ack by %s not applied: %s\n",
		    ALERTS_ID_LEN, "", who, why);
		free(who);
		free(why);
	}
	for (i = 0; i < 5; i++)
		free(f[i]);
}

/* The team's ack key: made once, then copied to every console's state
 * directory (doc/alert-integrity.md). */
static int
alerts_cli_keygen(void)
{
	char *dir, *path = NULL, *cause = NULL;
	int rc = EXIT_OK;

	if ((dir = statefile_dir(&cause)) == NULL) {
		rc = cmd_error("alerts", EXIT_CONFIG, "%s", cause);
		free(cause);
		return rc;
	}
	if (monitor_ack_keygen(dir, &path, &cause) != 0) {
		rc = cmd_error("alerts", EXIT_FAIL, "%s", cause);
		free(cause);
	} else
		printf("made the team's ack key %s (mode 0600).\nCopy it, "
		    "over a secure channel, to the state directory of every "
		    "console of the team: acks are then signed, and acks "
		    "without a valid signature never silence an alert.\n",
		    path);
	free(path);
	free(dir);
	return rc;
}

/* The verb and its arguments: "ack ID", "publish ID", or a verb alone;
 * the usage status after saying what is wrong. */
static int
alerts_cli_args(const char *verb, int argc, char **argv)
{
	static const char *const alone[] = { "list", "test-publish", "keygen",
	    NULL };
	bool with_id = strcmp(verb, "ack") == 0 || strcmp(verb, "publish") == 0;
	size_t i;

	for (i = 0; !with_id && alone[i] != NULL; i++)
		if (strcmp(verb, alone[i]) == 0)
			break;
	if (!with_id && alone[i] == NULL)
		cmd_error("alerts", EXIT_USAGE, "unknown verb '%s'", verb);
	else if (with_id && argc != 2)
		cmd_error("alerts", EXIT_USAGE, "%s needs an alert ID", verb);
	else if (!with_id && argc > 1)
		cmd_error("alerts", EXIT_USAGE, "unexpected argument '%s'",
		    argv[1]);
	else
		return EXIT_OK;
	cmd_usage(stderr, &cmd_alerts_entry);
	return EXIT_USAGE;
}

static int
cmd_alerts(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	struct cmd_monitor_opts *o = opts;
	struct cmd_monitor_ctx cli = { .cmd = "alerts", .o = o,
	    .silent = true };
	struct alerts_cli_wait w = { false, NULL };
	struct session *ss = NULL;
	struct monitor *m = NULL;
	struct alerts *t;
	struct alert *a = NULL;
	char *cause = NULL, *safe;
	const char *verb = argc > 0 ? argv[0] : "list";
	size_t i;
	int rc;

	if ((rc = alerts_cli_args(verb, argc, argv)) != EXIT_OK)
		return rc;
	if (strcmp(verb, "keygen") == 0)
		return alerts_cli_keygen();
	if ((ss = session_open("alerts", g, o->conf.config, o->conf.sets,
	    o->conf.nsets, true, &rc)) == NULL)
		return rc;
	/* Catch up first (new hits, the team's acks), printing nothing. */
	if ((m = cmd_monitor_open(&cli, ss, &rc)) == NULL ||
	    (rc = cmd_monitor_loop(&cli, ss->client, m)) != EXIT_OK)
		goto done;
	t = monitor_alerts(m);
	if (strcmp(verb, "list") == 0) {
		for (i = 0; (a = alerts_at(t, i)) != NULL; i++)
			if (o->all || !a->acked)
				alerts_cli_print(a, o->json);
		goto done;
	}
	if (strcmp(verb, "test-publish") != 0 &&
	    (a = alerts_find(t, argv[1], &cause)) == NULL) {
		rc = cmd_error("alerts", EXIT_FAIL, "%s", cause);
		free(cause);
		goto done;
	}
	if (strcmp(verb, "ack") == 0) {
		if (monitor_ack(m, a, o->note, alerts_cli_done, &w,
		    &cause) != 0) {
			rc = cmd_error("alerts", EXIT_FAIL, "%s", cause);
			free(cause);
			goto done;
		}
	} else
		monitor_publish(m, a, strcmp(verb, "test-publish") == 0,
		    alerts_cli_done, &w);
	loop_run_until(aws_client_loop(ss->client), &w.done);
	if (w.error != NULL) {
		safe = text_safe_str(w.error);
		rc = cmd_error("alerts", EXIT_FAIL, "%s: %s",
		    strcmp(verb, "ack") == 0 ? "acknowledged locally, but not "
		    "shared with the team" : "publish failed", safe);
		free(safe);
	} else if (strcmp(verb, "ack") == 0)
		printf("acknowledged %s (%s) as %s\n", a->id, a->rule, ss->who);
	else
		printf("published %s to %s\n", a != NULL ? a->id : "a test "
		    "alert", ss->topic_arn);
done:
	monitor_free(m);
	session_close(ss);
	free(w.error);
	return rc;
}

static const struct cmd_option cmd_alerts_options[] = {
	{ .name = "all", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_monitor_opts, all), .flags = CMD_O_BRIEF,
	  .help = "`list`: acknowledged alerts too" },
	{ .name = "json", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_monitor_opts, json), .flags = CMD_O_BRIEF,
	  .help = "`list`: JSON lines, one alert a line" },
	{ .name = "note", .arg = "TEXT", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_monitor_opts, note), .flags = CMD_O_BRIEF,
	  .help = "`ack`: a note kept with the acknowledgement" },
	{ .name = "since", .arg = "WHEN", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_monitor_opts, since), .dflt = "1h",
	  .help = "catch up from <WHEN> when there is no checkpoint: `90s`, "
	  "`15m`, `1h`, `7d` or an ISO time" },
	{ .name = "no-resume", .type = CMD_O_UNSET,
	  .off = offsetof(struct cmd_monitor_opts, resume),
	  .help = "catch up from `--since`, not from the checkpoint" },
	{ .type = CMD_O_INCLUDE, .include = cmd_monitor_common },
	{ .name = NULL }
};

const struct cmd_entry cmd_alerts_entry = {
	.name = "alerts",
	.args = "[`list`|`ack` <ID>|`publish` <ID>|`test-publish`|`keygen`]",
	.min_args = 0,
	.max_args = 2,
	.args_first = true,
	.help = "alerts grouped by rule and principal; acks are shared with "
	    "the team through the log group, cover only what was seen (a "
	    "later hit reopens), and can be signed with a team key",
	.doc = "`list` (the default) prints the open alerts; `ack` "
	    "acknowledges one; `publish` sends one to the topic and "
	    "`test-publish` a clearly marked test alert; `keygen` makes the "
	    "team's ack key.  Each first catches up with the log group, "
	    "silently.\n\n"
	    "An acknowledgement goes to the private journal and to the log "
	    "group's `s3watch-acks` stream, which every console reads back.  "
	    "It covers the hits its console had seen; a later hit reopens the "
	    "alert, listed as reopened after the ack by <WHO>.  An ack from "
	    "the stream applies only to an alert that exists, never past the "
	    "time it reached CloudWatch, and is shown as suspicious, and not "
	    "applied, when it names no caller of this account or, where the "
	    "team shares a key, has no valid signature.  `keygen` makes that "
	    "key (`ack.key`); copy it to every console's state directory.",
	.options = cmd_alerts_options,
	.opts_size = sizeof(struct cmd_monitor_opts),
	.run = cmd_alerts,
};
