#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "loop.h"
#include "text.h"

int (*cmd_console_run)(int, char **, const struct cmd_globals *);

/* The console lives in ui/, which src/ does not link: main() hands it
 * over. */
static int
cmd_console(int argc, char **argv, const struct cmd_globals *g)
{
	if (cmd_console_run == NULL)
		return cmd_error("console", EXIT_USAGE, "this build has no "
		    "console");
	return cmd_console_run(argc, argv, g);
}

const struct cmd cmd_table[] = {
	{ "console", "[--view NAME] [--exit-after SECONDS]",
	  "open the full-screen console (the default command)", cmd_console },
	{ "whoami", "[--json]",
	  "print the identity, region, endpoint and credential source", cmd_whoami },
	{ "sign", "--service S --region R [--time T] [--s3] [--unsigned-payload] "
	  "[--show WHAT]",
	  "sign a raw HTTP/1.1 request read on stdin (debugging)", cmd_sign },
	{ "setup", "--plan|--yes [--only N|--from N] [--json]",
	  "the ten-step guided setup: show the plan, or apply it",
	  cmd_setup },
	{ "status", "[--only N|--from N] [--json]",
	  "check and verify every step: PASS, WARN or FAIL with the reason",
	  cmd_status },
	{ "teardown", "[--yes] [--empty-buckets] [--json]",
	  "remove what s3watch created, last step first", cmd_teardown },
	{ "config", "[--config FILE] [--set KEY=VALUE]...",
	  "show every setting, its value and where it came from", cmd_config },
	{ "monitor", "[--since 1h] [--follow] [--json] [--hits]",
	  "tail the trail's log group: events, rule hits, health", cmd_monitor },
	{ "alerts", "list [--all] | ack ID [--note T] | publish ID | test-publish",
	  "list, acknowledge and publish alerts", cmd_alerts },
	{ "validate", "[--only N] [--wait SECONDS] [--json]",
	  "prove the pipeline works: access logs, events, canary, alert path",
	  cmd_validate },
	{ "pattern", "test --pattern P --event E",
	  "test an EventBridge pattern against an event (JSON or @file)",
	  cmd_pattern },
	{ "replay", "[--stats] [--rules DIR] FILE...",
	  "run the rule pack over CloudTrail log files or JSON lines",
	  cmd_replay },
	{ "verify-logs", "[--trail NAME] [--start T] [--end T] [--json] | "
	  "--local DIR --public-key FILE",
	  "validate CloudTrail log file integrity (digest chain, signatures)",
	  cmd_verify_logs },
	{ "report", "[--since 7d] [--format md|csv|html] [--output FILE]",
	  "write an access report for auditors (Markdown, CSV or HTML)",
	  cmd_report },
	{ NULL, NULL, NULL, NULL }
};

void
cmd_usage(FILE *f)
{
	const struct cmd *c;

	fprintf(f, "usage: s3watch [global options] COMMAND [options]\n\n"
	    "Sets up and runs S3 access monitoring on AWS.\n\nCommands:\n");
	for (c = cmd_table; c->name != NULL; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->help);
	fprintf(f, "\nGlobal options:\n"
	    "  --profile NAME        AWS profile (default: AWS_PROFILE or 'default')\n"
	    "  --region REGION       AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, profile)\n"
	    "  --endpoint-url URL    send every AWS call to this endpoint\n"
	    "  --debug-log FILE      append a debug log (secrets are never written)\n"
	    "  --no-color            no colours (NO_COLOR is honoured too)\n"
	    "  -h, --help            this help; 'COMMAND --help' for a command\n"
	    "  -V, --version         print the version\n");
}

int
cmd_number(const char *cmd, const char *name, const char *arg, long min,
    long max, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || n < min || n > max)
		return cmd_error(cmd, EXIT_USAGE, "--%s '%s' is not a number "
		    "from %ld to %ld", name, arg, min, max);
	*out = n;
	return EXIT_OK;
}

void
cmd_push(char ***v, size_t *n, char *arg)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = arg;
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
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "region", required_argument, NULL, 'r' },
		{ "endpoint-url", required_argument, NULL, 'e' },
		{ "debug-log", required_argument, NULL, 'd' },
		{ "no-color", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_globals g;
	const struct cmd *c;
	char *cause = NULL;
	int ch, rc;

	memset(&g, 0, sizeof g);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': g.aws.profile = optarg; break;
		case 'r': g.aws.region = optarg; break;
		case 'e': g.aws.endpoint_url = optarg; break;
		case 'd': g.debug_log = optarg; break;
		case 'n': g.no_color = 1; break;
		case 'h':
			cmd_usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return EXIT_OK;
		default:
			cmd_error(NULL, EXIT_USAGE, "unknown or incomplete option '%s'",
			    argv[optind - 1]);
			cmd_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (g.debug_log == NULL)
		g.debug_log = getenv("S3WATCH_DEBUG_LOG");
	if (g.debug_log != NULL && *g.debug_log != '\0' &&
	    log_open(g.debug_log, &cause) != 0) {
		rc = cmd_error(NULL, EXIT_CONFIG, "%s", cause);
		free(cause);
		return rc;
	}
	if (optind >= argc) {
		/* No command: the console, when there is a terminal. */
		if (cmd_console_run != NULL && isatty(STDIN_FILENO) &&
		    isatty(STDOUT_FILENO))
			return cmd_console_run(argc - optind, argv + optind, &g);
		cmd_usage(stdout);
		return EXIT_OK;
	}
	for (c = cmd_table; c->name != NULL; c++) {
		if (strcmp(c->name, argv[optind]) == 0) {
			argv += optind;
			argc -= optind;
			optind = 0;	/* GNU getopt: reinitialise for the command */
			opterr = 0;
			return c->run(argc, argv, &g);
		}
	}
	cmd_error(NULL, EXIT_USAGE, "unknown command '%s'", argv[optind]);
	cmd_usage(stderr);
	return EXIT_USAGE;
}
