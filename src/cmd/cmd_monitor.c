/* s3watch monitor: the live engine as a plain command, in text or JSON
 * lines for jq and SIEMs.  Opening and running the monitor is shared with
 * alerts (cmd_internal.h). */
#include "config.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_internal.h"
#include "conf.h"
#include "loop.h"
#include "monitor.h"
#include "rules.h"
#include "session.h"
#include "statefile.h"
#include "text.h"

static void
mon_json_str(struct json_object *o, const char *key, const char *v)
{
	char *safe;

	if (v == NULL)
		return;
	/* Escapes and invalid UTF-8 never reach a terminal or a SIEM. */
	safe = text_safe_str(v);
	json_object_object_add(o, key, json_object_new_string(safe));
	free(safe);
}

static void
mon_print_record_json(const struct monitor_record *r)
{
	struct json_object *o = json_object_new_object(), *hits, *h;
	size_t i;

	if (r->malformed) {
		json_object_object_add(o, "malformed",
		    json_object_new_boolean(true));
		mon_json_str(o, "why", r->why);
		json_object_object_add(o, "bytes",
		    json_object_new_int64((int64_t)r->len));
	}
	mon_json_str(o, "time", r->time);
	mon_json_str(o, "eventID", r->event_id);
	mon_json_str(o, "event", r->name);
	mon_json_str(o, "source", r->source);
	mon_json_str(o, "principal", r->principal);
	mon_json_str(o, "sourceIP", r->source_ip);
	mon_json_str(o, "bucket", r->bucket);
	mon_json_str(o, "key", r->key);
	mon_json_str(o, "error", r->error_code);
	mon_json_str(o, "userAgent", r->user_agent);
	json_object_object_add(o, "lag_ms", json_object_new_int64(
	    r->ingestion > 0 ? r->ingestion - r->timestamp : 0));
	hits = json_object_new_array();
	for (i = 0; i < r->nhits; i++) {
		h = json_object_new_object();
		mon_json_str(h, "rule", r->hits[i].rule);
		mon_json_str(h, "severity",
		    rules_severity_name(r->hits[i].severity));
		if (*r->hits[i].reason != '\0')
			mon_json_str(h, "reason", r->hits[i].reason);
		json_object_array_add(hits, h);
	}
	json_object_object_add(o, "hits", hits);
	printf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void
mon_print_record_text(const struct monitor_record *r)
{
	char *f[7];
	const char *raw[7] = { r->time, r->name, r->principal, r->source_ip,
	    r->bucket, r->key, r->error_code };
	size_t i;

	if (r->malformed) {
		f[0] = text_safe_str(r->why);
		printf("!! malformed event (%zu bytes): %s\n", r->len, f[0]);
		free(f[0]);
		return;
	}
	for (i = 0; i < 7; i++)
		f[i] = text_safe_str(raw[i] != NULL ? raw[i] : "-");
	printf("%-20s %-22s %-40s %-15s %s/%s %s", f[0], f[1], f[2], f[3],
	    f[4], f[5], raw[6] != NULL ? f[6] : "ok");
	for (i = 0; i < r->nhits; i++)
		printf("%s%s:%s", i == 0 ? "  << " : " ",
		    rules_severity_name(r->hits[i].severity), r->hits[i].rule);
	printf("\n");
	for (i = 0; i < 7; i++)
		free(f[i]);
}

/* Following, the operator wants to know the pipeline is alive: every
 * MON_HEALTH_MS, events/s, delivery lag, throttling and the last error. */
#define MON_HEALTH_MS	30000

static void
mon_health(struct cmd_monitor_ctx *cli)
{
	const struct tail_health *h;
	uint64_t now = loop_now_ms();
	char *err;

	if (!cli->o->follow || cli->m == NULL || cli->silent)
		return;
	if (cli->health_ms == 0) {
		cli->health_ms = now;
		return;
	}
	if (now - cli->health_ms < MON_HEALTH_MS)
		return;
	h = monitor_health(cli->m);
	err = text_safe_str(h->last_error);
	fprintf(stderr, "s3watch monitor: health: %.1f events/s, delivery lag "
	    "%.1f s, %llu throttled, %llu future-stamped, %llu late, poll "
	    "every %.1f s%s%s\n",
	    (double)(h->events - cli->health_events) * 1000.0 /
	    (double)(now - cli->health_ms), (double)h->lag_ms / 1000.0,
	    (unsigned long long)h->throttled, (unsigned long long)h->future,
	    (unsigned long long)h->late, h->interval_ms / 1000.0,
	    h->last_error != NULL ? ", last error: " : "",
	    h->last_error != NULL ? err : "");
	free(err);
	cli->health_ms = now;
	cli->health_events = h->events;
}

static void
mon_on_event(enum monitor_event kind, const struct monitor_record *r,
    const struct alert *a, const char *text, void *arg)
{
	struct cmd_monitor_ctx *cli = arg;
	char *safe;

	switch (kind) {
	case MONITOR_RECORD:
		if (cli->silent || (cli->o->hits && r->nhits == 0 &&
		    !r->malformed))
			break;
		if (cli->o->json)
			mon_print_record_json(r);
		else
			mon_print_record_text(r);
		/* A terminal sees each line; a pipe gets them by the page. */
		if (cli->tty)
			fflush(stdout);
		break;
	case MONITOR_WARNING:
		safe = text_safe_str(text);
		fprintf(stderr, "s3watch %s: %s\n", cli->cmd, safe);
		free(safe);
		break;
	case MONITOR_HEALTH:
		/* After every page: a follower's reader is never far behind. */
		fflush(stdout);
		mon_health(cli);
		break;
	case MONITOR_ALERT:
	case MONITOR_ACK:
		(void)a;
		break;
	}
}

int
cmd_monitor_since(const char *cmd, const char *since, int64_t *ms)
{
	char *cause = NULL;
	int rc;

	if (session_since_parse(since, ms, &cause) == 0)
		return EXIT_OK;
	rc = cmd_error(cmd, EXIT_USAGE, "--since %s", cause);
	free(cause);
	return rc;
}

struct monitor *
cmd_monitor_open(struct cmd_monitor_ctx *cli, struct session *ss, int *rc)
{
	const struct cmd_monitor_opts *co = cli->o;
	struct monitor_options o;
	struct monitor *m;
	char *cause = NULL, *state;

	memset(&o, 0, sizeof o);
	if ((state = statefile_dir(&cause)) == NULL) {
		*rc = cmd_error(cli->cmd, EXIT_CONFIG, "%s", cause);
		free(cause);
		return NULL;
	}
	o.group = co->group != NULL ? co->group : ss->group;
	o.topic_arn = ss->topic_arn;
	o.rules_dir = co->rules_dir != NULL ? co->rules_dir : ss->rules_dir;
	o.allowed_cidrs = conf_list(ss->conf, CONF_ALLOWED_CIDRS,
	    &o.nallowed_cidrs);
	o.conf = ss->conf;
	o.suffix = ss->suffix;
	o.state_dir = state;
	o.resume = co->resume;
	o.who = ss->who;
	o.caller = ss->caller_arn;
	o.account = ss->account;
	o.tail.group = o.group;
	o.tail.follow = co->follow;
	session_tail_env(&o.tail);
	if (co->poll_ms > 0) {
		o.tail.min_interval_ms = (int)co->poll_ms;
		o.tail.min_gap_ms = co->poll_ms < 250 ? (int)co->poll_ms : 0;
	}
	o.tail.page_limit = (int)co->page_limit;
	if ((*rc = cmd_monitor_since(cli->cmd, co->since,
	    &o.tail.since_ms)) != EXIT_OK) {
		free(state);
		return NULL;
	}
	if ((m = monitor_new(ss->client, &o, mon_on_event, cli,
	    &cause)) == NULL) {
		*rc = cmd_error(cli->cmd, EXIT_CONFIG, "%s", cause);
		free(cause);
	}
	free(state);
	return m;
}

int
cmd_monitor_loop(struct cmd_monitor_ctx *cli, struct aws_client *c,
    struct monitor *m)
{
	struct loop *l = aws_client_loop(c);
	const struct tail_health *h;
	char *cause = NULL;
	int rc = EXIT_OK, sig;

	loop_catch_signals(l);
	cli->m = m;
	cli->tty = isatty(STDOUT_FILENO);
	monitor_start(m);
	while (!monitor_done(m)) {
		loop_run_once(l, 1000);
		if ((sig = loop_take_signal(l)) == SIGINT || sig == SIGTERM ||
		    sig == SIGHUP) {
			monitor_stop(m);
			break;
		}
	}
	/* Let the last page finish, so the checkpoint matches the output. */
	while (!monitor_done(m))
		loop_run_once(l, 1000);
	if (monitor_save(m, &cause) != 0) {
		rc = cmd_error(cli->cmd, EXIT_FAIL, "%s", cause);
		free(cause);
	} else if (monitor_stats(m)->journal_failures > 0)
		/* Written at last, but the operator must know the disk. */
		rc = cmd_error(cli->cmd, EXIT_FAIL, "%llu journal write(s) "
		    "failed during the run; every alert is journalled now",
		    (unsigned long long)monitor_stats(m)->journal_failures);
	h = monitor_health(m);
	if (h->last_error != NULL && h->events == 0 && !cli->o->follow)
		rc = cmd_error(cli->cmd, EXIT_FAIL, "%s", h->last_error);
	return rc;
}

static void
mon_stats(struct monitor *m)
{
	const struct monitor_stats *st = monitor_stats(m);
	const struct tail_health *h = monitor_health(m);

	/* On stderr: JSON lines on stdout stay clean. */
	fprintf(stderr, "%llu events, %llu rule hits, %llu malformed, %llu "
	    "duplicates dropped, %llu future-stamped, %llu late, %llu calls, "
	    "%llu throttled; %zu open alerts (%llu reopened after an ack)\n",
	    (unsigned long long)st->records,
	    (unsigned long long)st->hits, (unsigned long long)st->malformed,
	    (unsigned long long)(st->duplicates + h->duplicates),
	    (unsigned long long)h->future, (unsigned long long)h->late,
	    (unsigned long long)h->calls, (unsigned long long)h->throttled,
	    alerts_open(monitor_alerts(m)), (unsigned long long)st->reopened);
	if (st->acks_suspect > 0 || st->acks_ignored > 0)
		fprintf(stderr, "%llu suspicious ack(s) not applied, %llu ack(s) "
		    "for alerts not seen here ignored\n",
		    (unsigned long long)st->acks_suspect,
		    (unsigned long long)st->acks_ignored);
}

static int
cmd_monitor(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	struct cmd_monitor_opts *o = opts;
	struct cmd_monitor_ctx cli = { .cmd = "monitor", .o = o };
	struct session *ss;
	struct monitor *m;
	int64_t since;
	int rc;

	(void)argc;
	(void)argv;
	/* Bad arguments are said before anything talks to AWS. */
	if ((rc = cmd_monitor_since("monitor", o->since, &since)) != EXIT_OK)
		return rc;
	if ((ss = session_open("monitor", g, o->conf.config, o->conf.sets,
	    o->conf.nsets, true, &rc)) == NULL)
		return rc;
	if ((m = cmd_monitor_open(&cli, ss, &rc)) != NULL) {
		rc = cmd_monitor_loop(&cli, ss->client, m);
		mon_stats(m);
		monitor_free(m);
	}
	session_close(ss);
	return rc;
}

const struct cmd_option cmd_monitor_common[] = {
	{ .name = "group", .arg = "GROUP", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_monitor_opts, group),
	  .help = "read this log group (default: the configuration's "
	  "`log_group`)" },
	{ .name = "rules", .arg = "DIR", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_monitor_opts, rules_dir),
	  .help = "the rule pack (default: the configuration's `rules_dir`, "
	  "`S3WATCH_RULES_DIR`, else the shipped pack)" },
	{ .name = "poll", .arg = "MS", .type = CMD_O_NUMBER,
	  .off = offsetof(struct cmd_monitor_opts, poll_ms),
	  .min = 1, .max = 600000,
	  .help = "poll the log group every <MS> milliseconds at the most, "
	  "for a local sandbox: AWS allows 5 calls a second" },
	{ .name = "page-limit", .arg = "N", .type = CMD_O_NUMBER,
	  .off = offsetof(struct cmd_monitor_opts, page_limit),
	  .min = 1, .max = 10000,
	  .help = "ask for pages of at most <N> events, rather than 1000" },
	{ .type = CMD_O_INCLUDE, .include = cmd_conf_options,
	  .off = offsetof(struct cmd_monitor_opts, conf) },
	{ .name = NULL }
};

static const struct cmd_option cmd_monitor_options[] = {
	{ .name = "since", .arg = "WHEN", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_monitor_opts, since), .dflt = "1h",
	  .flags = CMD_O_BRIEF, .help = CMD_HELP_SINCE },
	{ .name = "follow", .short_name = 'f', .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_monitor_opts, follow),
	  .flags = CMD_O_BRIEF,
	  .help = "keep following new events until interrupted, with a "
	  "health line on standard error every 30 seconds" },
	{ .name = "json", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_monitor_opts, json), .flags = CMD_O_BRIEF,
	  .help = "print JSON lines, one event a line; the totals go to "
	  "standard error" },
	{ .name = "hits", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_monitor_opts, hits), .flags = CMD_O_BRIEF,
	  .help = "print only the events that hit a rule, and malformed "
	  "input" },
	{ .name = "no-resume", .type = CMD_O_UNSET,
	  .off = offsetof(struct cmd_monitor_opts, resume),
	  .help = "start from `--since`, not from the checkpoint" },
	{ .type = CMD_O_INCLUDE, .include = cmd_monitor_common },
	{ .name = NULL }
};

const struct cmd_entry cmd_monitor_entry = {
	.name = "monitor",
	.help = "tails the trail's log group: events, rule hits, malformed "
	    "input; resumes from a checkpoint",
	.doc = "Every event is printed with the rules it hits; alerts are "
	    "journalled as they open.  A checkpoint resumes the next run "
	    "where this one stopped, however long ago that was.  Records "
	    "stamped ahead of their arrival (a fast clock, up to the two hours "
	    "CloudWatch accepts) are shown and counted as future-stamped, and "
	    "hide nothing after them; records that reach CloudWatch later than "
	    "the 15-minute overlap are found by a sweep that reaches back two "
	    "hours every ten minutes, and counted as late.  The totals go to "
	    "standard error at the end.",
	.options = cmd_monitor_options,
	.opts_size = sizeof(struct cmd_monitor_opts),
	.run = cmd_monitor,
};
