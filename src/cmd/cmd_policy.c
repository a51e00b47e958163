/* s3watch policy: the least IAM policy for each way of using s3watch,
 * made from the call tables of the parts each use runs (calls.h), and
 * the hook that names that policy when AWS denies a call. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_internal.h"
#include "conf.h"
#include "monitor.h"
#include "oppolicy.h"
#include "session.h"
#include "setup.h"
#include "tail.h"
#include "text.h"
#include "validate.h"

_Static_assert(2 * SETUP_NSTEPS + VALIDATE_NTESTS + 4 <= CMD_POLICY_MAX_PARTS,
    "a use's tables fit CMD_POLICY_MAX_PARTS");

enum policy_use {
	POLICY_SETUP,
	POLICY_MONITOR,
	POLICY_RESPOND,
	POLICY_AUDIT,
	POLICY_NUSES
};

static const char *const policy_use_names[POLICY_NUSES + 1] = {
	"setup", "monitor", "respond", "audit", NULL
};

/* The uses, in the order of --for (policy_use_names): the commands
 * that need the policy, and what it lets them do. */
static const struct {
	const char	*commands;
	const char	*what;
} policy_uses[POLICY_NUSES] = {
	{ "setup status teardown validate",
	  "create, check, repair and remove what s3watch makes, and run the "
	  "validation tests" },
	{ "monitor alerts",
	  "follow the trail's log group, write acks to their stream only, "
	  "publish alerts to the topic" },
	{ "",
	  "the response actions" },
	{ "status report verify-logs",
	  "read-only: status, report and verify-logs" },
};

struct cmd_policy_opts {
	int			 use;
	bool			 use_set;
	bool			 json;
	bool			 moto;
	const char		*ledger;
	struct cmd_conf_opts	 conf;
};

/* The use of the command running, for the denial hint (-1: none). */
static int policy_current = -1;

/* The tables of a use; the number of parts. */
static size_t
policy_parts(enum policy_use use, struct oppolicy_part *v)
{
	size_t n = 0;
	int i;

	switch (use) {
	case POLICY_SETUP:
		v[n++] = (struct oppolicy_part){ setup_calls, 0 };
		for (i = 0; i < SETUP_NSTEPS; i++)
			v[n++] = (struct oppolicy_part){
			    setup_steps[i]->calls, CALLS_ANY };
		for (i = 0; i < VALIDATE_NTESTS; i++)
			v[n++] = (struct oppolicy_part){
			    validate_steps[i]->calls, CALLS_ANY };
		break;
	case POLICY_MONITOR:
		v[n++] = (struct oppolicy_part){ setup_calls, 0 };
		v[n++] = (struct oppolicy_part){ tail_calls, 0 };
		v[n++] = (struct oppolicy_part){ monitor_calls, 0 };
		break;
	case POLICY_RESPOND:
		/* s3watch has no response actions yet (issue [2.5]). */
		break;
	case POLICY_AUDIT:
		v[n++] = (struct oppolicy_part){ setup_calls, 0 };
		for (i = 0; i < SETUP_NSTEPS; i++)
			v[n++] = (struct oppolicy_part){
			    setup_steps[i]->calls, CALLS_READ };
		v[n++] = (struct oppolicy_part){ tail_calls, 0 };
		v[n++] = (struct oppolicy_part){ cmd_verify_logs_calls, 0 };
		break;
	default:
		break;
	}
	return n;
}

static bool
policy_use_has(int use, const char *action)
{
	struct oppolicy_part parts[CMD_POLICY_MAX_PARTS];
	size_t n = policy_parts((enum policy_use)use, parts);

	return oppolicy_has(parts, n, action);
}

static bool
policy_word_in(const char *word, const char *list)
{
	size_t len = strlen(word);
	const char *p;

	for (p = list; (p = strstr(p, word)) != NULL; p += len)
		if ((p == list || p[-1] == ' ') && (p[len] == ' ' ||
		    p[len] == '\0'))
			return true;
	return false;
}

/* The policy that grants action: the running command's, else the least
 * privileged use that holds it. */
static const char *
policy_grant(const char *action)
{
	static const int order[] = { POLICY_MONITOR, POLICY_RESPOND,
	    POLICY_AUDIT, POLICY_SETUP };
	size_t i;

	if (policy_current >= 0 && policy_use_has(policy_current, action))
		return policy_use_names[policy_current];
	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		if (policy_use_has(order[i], action))
			return policy_use_names[order[i]];
	return NULL;
}

void
cmd_policy_enter(const char *command)
{
	static const int order[] = { POLICY_MONITOR, POLICY_AUDIT,
	    POLICY_SETUP };
	size_t i;

	calls_set_grant(policy_grant);
	policy_current = -1;
	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		if (policy_word_in(command, policy_uses[order[i]].commands)) {
			policy_current = order[i];
			break;
		}
}

static int
policy_for(const char *cmd, const char *arg, void *opts)
{
	struct cmd_policy_opts *o = opts;
	int i;

	for (i = 0; i < POLICY_NUSES; i++)
		if (strcmp(arg, policy_use_names[i]) == 0) {
			o->use = i;
			o->use_set = true;
			return EXIT_OK;
		}
	return cmd_error(cmd, EXIT_USAGE, "--for '%s': give setup, monitor, "
	    "respond or audit", arg);
}

size_t
cmd_policy_parts(const char *use, struct oppolicy_part *v)
{
	int i;

	for (i = 0; i < POLICY_NUSES; i++)
		if (strcmp(use, policy_use_names[i]) == 0)
			return policy_parts((enum policy_use)i, v);
	return 0;
}

static const char *
policy_name(const char *key, void *arg)
{
	return setup_name(arg, key);
}

static void
policy_setup_event(const struct setup_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
}

static int
cmd_policy(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	struct cmd_policy_opts *o = opts;
	struct oppolicy_part parts[CMD_POLICY_MAX_PARTS];
	struct cmd_globals gl = *g;
	struct aws_client *c = NULL;
	struct conf *conf = NULL;
	struct setup *s = NULL;
	struct oppolicy *p = NULL;
	char *cause = NULL, *text, *safe;
	size_t nparts;
	int rc = EXIT_OK;

	(void)argc;
	(void)argv;
	if (!o->use_set)
		return cmd_error("policy", EXIT_USAGE, "say which policy: --for "
		    "setup, monitor, respond or audit");
	if ((nparts = policy_parts((enum policy_use)o->use, parts)) == 0) {
		if (o->json)
			return cmd_error("policy", EXIT_FAIL, "--for %s grants "
			    "nothing yet: s3watch has no response actions, so "
			    "there is no policy document to print",
			    policy_use_names[o->use]);
		printf("The %s policy grants nothing yet: s3watch has no "
		    "response actions.\nWhen it has some, this prints the "
		    "least policy they need; until then,\nno operator needs "
		    "more than `s3watch policy --for monitor`.\n",
		    policy_use_names[o->use]);
		return EXIT_OK;
	}
	if ((conf = session_conf("policy", o->conf.config, o->conf.sets,
	    o->conf.nsets, &rc)) == NULL)
		goto out;
	if (gl.aws.region == NULL && *conf_str(conf, CONF_REGION) != '\0')
		gl.aws.region = conf_str(conf, CONF_REGION);
	if ((c = cmd_client("policy", &gl)) == NULL) {
		rc = EXIT_CONFIG;
		goto out;
	}
	/* The names, as setup makes them: account, region, suffix. */
	if ((s = setup_new(c, conf, o->ledger, policy_setup_event, NULL,
	    &cause)) == NULL || setup_identify(s, &cause) != 0) {
		rc = cmd_error("policy", EXIT_CONFIG, "%s", cause);
		goto out;
	}
	if ((p = oppolicy_new(parts, nparts, policy_name, s, o->moto,
	    &cause)) == NULL) {
		rc = cmd_error("policy", EXIT_FAIL, "%s", cause);
		goto out;
	}
	text = o->json ? oppolicy_json(p) : oppolicy_text(p);
	/* Names come from the configuration: keep the terminal safe. */
	safe = text_safe_lines(text);
	free(text);
	if (!o->json)
		printf("The %s policy, for %s: %s.\nAccount %s, region %s, "
		    "suffix %s.\n\n", policy_use_names[o->use],
		    policy_uses[o->use].commands, policy_uses[o->use].what,
		    setup_name(s, "account"), setup_name(s, "region"),
		    setup_name(s, "suffix"));
	fputs(safe, stdout);
	if (o->json)
		putchar('\n');
	else
		printf("\n%zu grants.  --json prints the policy document.\n",
		    p->n);
	free(safe);
out:
	free(cause);
	oppolicy_free(p);
	setup_free(s);
	cmd_client_free(c);
	conf_free(conf);
	return rc;
}

static const struct cmd_option cmd_policy_options[] = {
	{ .name = "for", .arg = "USE", .type = CMD_O_CALL, .call = policy_for,
	  .choices = policy_use_names,
	  .flags = CMD_O_BRIEF | CMD_O_REQUIRED,
	  .help = "`setup` (setup, status, teardown, validate), `monitor` "
	  "(monitor, alerts), `respond` (the response actions: none yet) or "
	  "`audit` (status, report, verify-logs; read-only)" },
	{ .name = "json", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_policy_opts, json), .flags = CMD_O_BRIEF,
	  .help = "print the IAM policy document" },
	{ .name = "moto", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_policy_opts, moto),
	  .help = "for tests against moto's strict mode: every resource but "
	  "S3's widened to \"*\" and no conditions, as moto evaluates them "
	  "(the actions are the same; never give this one to a person)" },
	{ .type = CMD_O_INCLUDE, .include = cmd_conf_options,
	  .off = offsetof(struct cmd_policy_opts, conf) },
	{ .name = "ledger", .arg = "FILE", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_policy_opts, ledger),
	  .help = CMD_HELP_LEDGER },
	{ .name = NULL }
};

const struct cmd_entry cmd_policy_entry = {
	.name = "policy",
	.help = "the least IAM policy for setup, monitor, respond or audit",
	.doc = "Prints the IAM policy an operator needs for one way of using "
	    "s3watch, made from the calls s3watch makes (each setup step's "
	    "table, the tail, the monitor, verify-logs), with resources "
	    "scoped to the configured names: the buckets, the log group and "
	    "the acks stream, the topic, the roles, the trail, the function, "
	    "the table, the dashboard, and the rules and alarms by their "
	    "prefix.  Only actions that take no resource (list calls, saved "
	    "queries) have \"*\".  The names hold the account and the suffix, "
	    "so it asks for the account (GetCallerIdentity) and uses the "
	    "ledger's suffix: print it with the state directory, or the "
	    "`suffix` setting, of the operator who will use it.  When AWS "
	    "denies a call, every command names the action and the policy "
	    "that grants it.",
	.options = cmd_policy_options,
	.opts_size = sizeof(struct cmd_policy_opts),
	.run = cmd_policy,
};
