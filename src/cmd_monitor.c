/* s3watch monitor and s3watch alerts: the live engine as plain commands,
 * in text or JSON lines for jq and SIEMs. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "loop.h"
#include "monitor.h"
#include "rules.h"
#include "session.h"
#include "statefile.h"
#include "text.h"

struct mon_cli {
	const char	*cmd;
	bool		 json;
	bool		 follow;
	bool		 resume;
	bool		 quiet;		/* hits only */
	bool		 silent;	/* no records at all */
	bool		 tty;		/* stdout is a terminal */
	const char	*since;
	const char	*config;
	const char	*group;
	const char	*rules_dir;
	char	       **sets;
	size_t		 nsets;
	int		 poll_ms;	/* 0: the tail's default */
	int		 page_limit;
	/* for alerts */
	const char	*note;
	bool		 all;
	/* results */
	bool		 done;
	char		*error;
	/* follow: a health line on stderr now and then */
	struct monitor	*m;
	uint64_t	 health_ms;
	uint64_t	 health_events;
};

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
mon_health(struct mon_cli *cli)
{
	const struct tail_health *h;
	uint64_t now = loop_now_ms();
	char *err;

	if (!cli->follow || cli->m == NULL || cli->silent)
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
	struct mon_cli *cli = arg;
	char *safe;

	switch (kind) {
	case MONITOR_RECORD:
		if (cli->silent || (cli->quiet && r->nhits == 0 &&
		    !r->malformed))
			break;
		if (cli->json)
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

/* --since (default 1h) into *ms; the reason on a bad value. */
static int
mon_since(const struct mon_cli *cli, int64_t *ms)
{
	char *cause = NULL;
	int rc;

	if (session_since_parse(cli->since != NULL ? cli->since : "1h", ms,
	    &cause) == 0)
		return EXIT_OK;
	rc = cmd_error(cli->cmd, EXIT_USAGE, "--since %s", cause);
	free(cause);
	return rc;
}

static struct monitor *
mon_open(struct mon_cli *cli, struct session *ss, int *rc)
{
	struct monitor_options o;
	struct monitor *m;
	char *cause = NULL, *state;

	memset(&o, 0, sizeof o);
	if ((state = statefile_dir(&cause)) == NULL) {
		*rc = cmd_error(cli->cmd, EXIT_CONFIG, "%s", cause);
		free(cause);
		return NULL;
	}
	o.group = cli->group != NULL ? cli->group : ss->group;
	o.topic_arn = ss->topic_arn;
	o.rules_dir = cli->rules_dir != NULL ? cli->rules_dir : ss->rules_dir;
	o.allowed_cidrs = conf_list(ss->conf, CONF_ALLOWED_CIDRS,
	    &o.nallowed_cidrs);
	o.state_dir = state;
	o.resume = cli->resume;
	o.who = ss->who;
	o.caller = ss->caller_arn;
	o.account = ss->account;
	o.tail.group = o.group;
	o.tail.follow = cli->follow;
	session_tail_env(&o.tail);
	if (cli->poll_ms > 0) {
		o.tail.min_interval_ms = cli->poll_ms;
		o.tail.min_gap_ms = cli->poll_ms < 250 ? cli->poll_ms : 0;
	}
	o.tail.page_limit = cli->page_limit;
	if ((*rc = mon_since(cli, &o.tail.since_ms)) != EXIT_OK) {
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

/* Runs the monitor until caught up (or, following, until a signal). */
static int
mon_run(struct mon_cli *cli, struct aws_client *c, struct monitor *m)
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
	if (h->last_error != NULL && h->events == 0 && !cli->follow)
		rc = cmd_error(cli->cmd, EXIT_FAIL, "%s", h->last_error);
	return rc;
}

static void
mon_stats(struct mon_cli *cli, struct monitor *m)
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
mon_parse(struct mon_cli *cli, int argc, char **argv, const char *usage,
    bool alerts)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 'S' },
		{ "follow", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "hits", no_argument, NULL, 'H' },
		{ "no-resume", no_argument, NULL, 'R' },
		{ "group", required_argument, NULL, 'g' },
		{ "rules", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "note", required_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' },
		{ "poll", required_argument, NULL, 'P' },
		{ "page-limit", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long n;
	int ch, rc;

	optind = 0;	/* GNU getopt: start afresh, permuting */
	while ((ch = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (ch) {
		case 'S': cli->since = optarg; break;
		case 'f': cli->follow = true; break;
		case 'j': cli->json = true; break;
		case 'H': cli->quiet = true; break;
		case 'R': cli->resume = false; break;
		case 'g': cli->group = optarg; break;
		case 'r': cli->rules_dir = optarg; break;
		case 'c': cli->config = optarg; break;
		case 'n': cli->note = optarg; break;
		case 'a': cli->all = true; break;
		case 'P':
			if ((rc = cmd_number(cli->cmd, "poll", optarg, 1,
			    600000, &n)) != EXIT_OK)
				return rc;
			cli->poll_ms = (int)n;
			break;
		case 'L':
			if ((rc = cmd_number(cli->cmd, "page-limit", optarg, 1,
			    10000, &n)) != EXIT_OK)
				return rc;
			cli->page_limit = (int)n;
			break;
		case 's':
			cmd_push(&cli->sets, &cli->nsets, optarg);
			break;
		case 'h':
			printf("usage: %s\n", usage);
			return -1;
		default:
			return cmd_error(cli->cmd, EXIT_USAGE, "unknown option "
			    "'%s' (usage: %s)", argv[optind - 1], usage);
		}
	}
	(void)alerts;
	return EXIT_OK;
}

int
cmd_monitor(int argc, char **argv, const struct cmd_globals *g)
{
	static const char usage[] = "s3watch monitor [--since 1h] [--follow] "
	    "[--json] [--hits] [--no-resume] [--group G] [--rules DIR] "
	    "[--poll MS] [--page-limit N]";
	struct mon_cli cli = { .cmd = "monitor", .resume = true };
	struct session *ss;
	struct monitor *m;
	int64_t since;
	int rc;

	if ((rc = mon_parse(&cli, argc, argv, usage, false)) != EXIT_OK) {
		rc = rc < 0 ? EXIT_OK : rc;
		goto out;
	}
	if (optind != argc) {
		rc = cmd_error("monitor", EXIT_USAGE, "usage: %s", usage);
		goto out;
	}
	/* Bad arguments are said before anything talks to AWS. */
	if ((rc = mon_since(&cli, &since)) != EXIT_OK)
		goto out;
	if ((ss = session_open("monitor", g, cli.config, cli.sets, cli.nsets,
	    true, &rc)) == NULL)
		goto out;
	if ((m = mon_open(&cli, ss, &rc)) != NULL) {
		rc = mon_run(&cli, ss->client, m);
		mon_stats(&cli, m);
		monitor_free(m);
	}
	session_close(ss);
out:
	free(cli.sets);
	return rc;
}

static void
mon_done(const char *error, void *arg)
{
	struct mon_cli *cli = arg;

	cli->done = true;
	if (error != NULL)
		cli->error = xstrdup(error);
}

static void
mon_print_alert(const struct mon_cli *cli, const struct alert *a)
{
	struct json_object *o;
	const char *state = alerts_state_text(a);
	char *f[5], *note, *raw;
	size_t i;

	if (cli->json) {
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
mon_keygen(void)
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

int
cmd_alerts(int argc, char **argv, const struct cmd_globals *g)
{
	static const char usage[] = "s3watch alerts list [--all] [--json] | "
	    "ack ID [--note TEXT] | publish ID | test-publish | keygen";
	struct mon_cli cli = { .cmd = "alerts", .resume = true };
	struct session *ss = NULL;
	struct monitor *m = NULL;
	struct alerts *t;
	struct alert *a = NULL;
	char *cause = NULL;
	const char *verb;
	size_t i;
	int rc;

	if ((rc = mon_parse(&cli, argc, argv, usage, true)) != EXIT_OK) {
		rc = rc < 0 ? EXIT_OK : rc;
		goto out;
	}
	verb = optind < argc ? argv[optind] : "list";
	if ((strcmp(verb, "ack") == 0 || strcmp(verb, "publish") == 0) ?
	    optind + 2 != argc : (strcmp(verb, "list") == 0 ||
	    strcmp(verb, "test-publish") == 0 || strcmp(verb, "keygen") == 0) ?
	    optind + 1 < argc : true) {
		rc = cmd_error("alerts", EXIT_USAGE, "usage: %s", usage);
		goto out;
	}
	if (strcmp(verb, "keygen") == 0) {
		rc = mon_keygen();
		goto out;
	}
	if ((ss = session_open("alerts", g, cli.config, cli.sets, cli.nsets,
	    true, &rc)) == NULL)
		goto out;
	cli.json = cli.json && strcmp(verb, "list") == 0;
	if ((m = mon_open(&cli, ss, &rc)) == NULL)
		goto done;
	/* Catch up first (new hits, the team's acks), printing nothing. */
	cli.silent = true;
	cli.follow = false;
	if ((rc = mon_run(&cli, ss->client, m)) != EXIT_OK)
		goto done;
	t = monitor_alerts(m);
	if (strcmp(verb, "list") == 0) {
		for (i = 0; (a = alerts_at(t, i)) != NULL; i++)
			if (cli.all || !a->acked)
				mon_print_alert(&cli, a);
		goto done;
	}
	if (strcmp(verb, "test-publish") != 0 &&
	    (a = alerts_find(t, argv[optind + 1], &cause)) == NULL) {
		rc = cmd_error("alerts", EXIT_FAIL, "%s", cause);
		free(cause);
		goto done;
	}
	if (strcmp(verb, "ack") == 0) {
		if (monitor_ack(m, a, cli.note, mon_done, &cli, &cause) != 0) {
			rc = cmd_error("alerts", EXIT_FAIL, "%s", cause);
			free(cause);
			goto done;
		}
	} else
		monitor_publish(m, a, strcmp(verb, "test-publish") == 0,
		    mon_done, &cli);
	loop_run_until(aws_client_loop(ss->client), &cli.done);
	if (cli.error != NULL) {
		char *safe = text_safe_str(cli.error);

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
out:
	free(cli.sets);
	free(cli.error);
	return rc;
}
