/* The command table, the global options and the dispatcher. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_internal.h"
#include "log.h"
#include "loop.h"
#include "text.h"

int (*cmd_console_run)(const struct cmd_console_opts *,
    const struct cmd_globals *);

/* In the order of --help and the man page: the console, the setup and
 * what checks it, monitoring, then the offline tools. */
const struct cmd_entry *const cmd_table[] = {
	&cmd_console_entry,
	&cmd_setup_entry,
	&cmd_status_entry,
	&cmd_teardown_entry,
	&cmd_config_entry,
	&cmd_monitor_entry,
	&cmd_alerts_entry,
	&cmd_validate_entry,
	&cmd_verify_logs_entry,
	&cmd_report_entry,
	&cmd_replay_entry,
	&cmd_pattern_entry,
	&cmd_whoami_entry,
	&cmd_policy_entry,
	&cmd_sign_entry,
	NULL
};

static int
cmd_version(const char *cmd, const char *arg, void *opts)
{
	(void)cmd;
	(void)arg;
	(void)opts;
	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	return CMD_DONE;
}

const struct cmd_option cmd_conf_options[] = {
	{ .name = "config", .arg = "FILE", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_conf_opts, config),
	  .help = "read the configuration from <FILE> (default: "
	  "`S3WATCH_CONFIG`, else s3watch/s3watch.conf in `XDG_CONFIG_HOME` "
	  "or ~/.config, when it exists)" },
	{ .name = "set", .arg = "KEY=VALUE", .type = CMD_O_LIST,
	  .off = offsetof(struct cmd_conf_opts, sets),
	  .off_n = offsetof(struct cmd_conf_opts, nsets),
	  .help = "set one configuration key over the file; `s3watch config "
	  "--help` lists them" },
	{ .name = NULL }
};

static const struct cmd_option cmd_global_options[] = {
	{ .name = "profile", .arg = "NAME", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_globals, aws.profile),
	  .flags = CMD_O_BRIEF,
	  .help = "the profile of the shared AWS files (default: "
	  "`AWS_PROFILE`, else `default`); a profile given here wins over "
	  "credentials in the environment" },
	{ .name = "region", .arg = "REGION", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_globals, aws.region),
	  .flags = CMD_O_BRIEF,
	  .help = "the AWS region (default: the configuration's `region`, "
	  "`AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`)" },
	{ .name = "endpoint-url", .arg = "URL", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_globals, aws.endpoint_url),
	  .flags = CMD_O_BRIEF,
	  .help = "send every AWS call to this endpoint; a URL with a user "
	  "name or password (<user>`:`<password>`@`) is refused, here as in "
	  "every other endpoint setting" },
	{ .name = "debug-log", .arg = "FILE", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_globals, debug_log),
	  .flags = CMD_O_BRIEF,
	  .help = "append a debug log to <FILE> (mode 0600; also "
	  "`S3WATCH_DEBUG_LOG`); secrets are never written" },
	{ .name = "no-color", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_globals, no_color),
	  .flags = CMD_O_BRIEF,
	  .help = "draw without colours (`NO_COLOR` is honoured too)" },
	{ .name = "version", .short_name = 'V', .type = CMD_O_CALL,
	  .call = cmd_version,
	  .help = "print the version" },
	{ .name = NULL }
};

const struct cmd_entry cmd_main_entry = {
	.name = NULL,
	.args = "[<COMMAND> [<ARGS>]]",
	.min_args = 0,
	.max_args = -1,
	.in_order = true,
	.help = "set up and run S3 access monitoring on AWS",
	.doc = "With no command on a terminal, `s3watch` opens the console: "
	    "the setup wizard while setup is incomplete, the monitor once it "
	    "is done.  `s3watch` <COMMAND> `--help` describes a command.",
	.options = cmd_global_options,
	.opts_size = sizeof(struct cmd_globals),
};

const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

int
cmd_run(const struct cmd_entry *e, int argc, char **argv,
    const struct cmd_globals *g)
{
	void *opts = xcalloc(1, e->opts_size);
	int first, rc;

	cmd_policy_enter(e->name);
	if ((rc = cmd_parse(e, argc, argv, opts, &first)) == EXIT_OK)
		rc = e->run(opts, argc - first, argv + first, g);
	else if (rc == CMD_DONE)
		rc = EXIT_OK;
	cmd_opts_free(e, opts);
	free(opts);
	return rc;
}

int
cmd_error(const char *cmd, int status, const char *fmt, ...)
{
	va_list ap;
	char *msg, *safe;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	log_mask(msg);
	/* Messages quote input (arguments, files, AWS answers): no escape
	 * sequence of theirs reaches the terminal. */
	safe = text_safe_lines(msg);
	fprintf(stderr, "s3watch%s%s: %s\n", cmd ? " " : "", cmd ? cmd : "",
	    safe);
	free(safe);
	free(msg);
	return status;
}

struct aws_client *
cmd_client(const char *cmd, const struct cmd_globals *g)
{
	struct loop *l = loop_new();
	struct aws_client *c;
	char *cause = NULL;

	if ((c = aws_client_new(l, &g->aws, &cause)) == NULL) {
		cmd_error(cmd, EXIT_CONFIG, "%s", cause);
		free(cause);
		loop_free(l);
	}
	return c;
}

void
cmd_client_free(struct aws_client *c)
{
	struct loop *l = aws_client_loop(c);

	aws_client_free(c);
	loop_free(l);
}

int
cmd_main(int argc, char **argv)
{
	static char console[] = "console";
	char *none[] = { console, NULL };
	const struct cmd_entry *e;
	struct cmd_globals g;
	char *cause = NULL;
	int first, rc;

	memset(&g, 0, sizeof g);
	if ((rc = cmd_parse(&cmd_main_entry, argc, argv, &g, &first)) !=
	    EXIT_OK)
		return rc == CMD_DONE ? EXIT_OK : rc;
	if (g.debug_log == NULL)
		g.debug_log = getenv("S3WATCH_DEBUG_LOG");
	if (g.debug_log != NULL && *g.debug_log != '\0' &&
	    log_open(g.debug_log, &cause) != 0) {
		rc = cmd_error(NULL, EXIT_CONFIG, "%s", cause);
		free(cause);
		return rc;
	}
	if (first >= argc) {
		/* No command: the console, when there is a terminal. */
		if (cmd_console_run != NULL && isatty(STDIN_FILENO) &&
		    isatty(STDOUT_FILENO))
			return cmd_run(&cmd_console_entry, 1, none, &g);
		cmd_help(stdout, &cmd_main_entry);
		return EXIT_OK;
	}
	if ((e = cmd_find(argv[first])) == NULL) {
		cmd_error(NULL, EXIT_USAGE, "unknown command '%s'", argv[first]);
		cmd_help(stderr, &cmd_main_entry);
		return EXIT_USAGE;
	}
	return cmd_run(e, argc - first, argv + first, &g);
}
