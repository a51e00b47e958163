/* s3watch pattern test: an EventBridge pattern against one event, offline,
 * as `aws events test-event-pattern` answers it. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "text.h"
#include "pattern.h"

/* Patterns are small; an event may be a bit over AWS's limit so that the
 * limit, not this reader, is what refuses it. */
#define PATTERN_ARG_MAX	(PATTERN_EVENT_MAX + 4096)

static const struct {
	const char		*name;
	enum pattern_wrap	 wrap;
} pattern_wraps[] = {
	{ "none", PATTERN_WRAP_NONE },
	{ "cloudtrail", PATTERN_WRAP_CLOUDTRAIL },
	{ "auto", PATTERN_WRAP_AUTO },
};

static int
pattern_usage(int status)
{
	FILE *f = status == EXIT_OK ? stdout : stderr;

	fprintf(f, "usage: s3watch pattern test --pattern JSON|@FILE "
	    "--event JSON|@FILE\n"
	    "                            [--wrap none|cloudtrail|auto]\n"
	    "Tests an EventBridge event pattern against an event, like\n"
	    "`aws events test-event-pattern`: prints match (exit 0) or nomatch\n"
	    "(exit 1); an invalid pattern or event exits 2.  --wrap cloudtrail\n"
	    "reads the event as a CloudTrail record the way EventBridge\n"
	    "delivers it (source aws.s3, detail-type, detail = the record).\n");
	return status;
}

/* A JSON text, or @file ("-" for stdin). */
static int
pattern_arg(const char *what, const char *arg, struct buf *b)
{
	const char *path = arg + 1;

	if (arg[0] != '@') {
		buf_adds(b, arg);
		return 0;
	}
	if ((strcmp(path, "-") == 0 ? buf_read_fd(b, 0, PATTERN_ARG_MAX) :
	    buf_read_file(b, path, PATTERN_ARG_MAX)) != 0)
		return cmd_error("pattern", EXIT_USAGE, "cannot read %s file "
		    "'%s': %m", what, path);
	return 0;
}

int
cmd_pattern(int argc, char **argv, const struct cmd_globals *g)
{
	static const struct option opts[] = {
		{ "pattern", required_argument, NULL, 'p' },
		{ "event", required_argument, NULL, 'e' },
		{ "wrap", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum pattern_wrap wrap = PATTERN_WRAP_NONE;
	const char *pattern = NULL, *event = NULL;
	struct buf pb = { 0 }, eb = { 0 };
	bool invalid;
	char *cause = NULL, *safe;
	size_t i;
	int ch, r, rc;

	(void)g;
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		return pattern_usage(EXIT_OK);
	if (argc < 2 || strcmp(argv[1], "test") != 0) {
		cmd_error("pattern", EXIT_USAGE, argc < 2 ? "missing subcommand" :
		    "unknown subcommand '%s'", argv[argc < 2 ? 0 : 1]);
		return pattern_usage(EXIT_USAGE);
	}
	argc--;
	argv++;
	optind = 0;	/* GNU getopt: start afresh, permuting */
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': pattern = optarg; break;
		case 'e': event = optarg; break;
		case 'w':
			for (i = 0; i < sizeof pattern_wraps /
			    sizeof pattern_wraps[0]; i++)
				if (strcmp(optarg, pattern_wraps[i].name) == 0)
					break;
			if (i == sizeof pattern_wraps / sizeof pattern_wraps[0])
				return cmd_error("pattern", EXIT_USAGE, "--wrap must "
				    "be none, cloudtrail or auto, not '%s'", optarg);
			wrap = pattern_wraps[i].wrap;
			break;
		case 'h': return pattern_usage(EXIT_OK);
		default:
			cmd_error("pattern", EXIT_USAGE, "unknown or incomplete "
			    "option '%s'", argv[optind - 1]);
			return pattern_usage(EXIT_USAGE);
		}
	}
	if (optind < argc)
		return cmd_error("pattern", EXIT_USAGE, "unexpected argument '%s'",
		    argv[optind]);
	if (pattern == NULL || event == NULL)
		return cmd_error("pattern", EXIT_USAGE, "--pattern and --event are "
		    "required");
	if (pattern_arg("pattern", pattern, &pb) != 0 ||
	    pattern_arg("event", event, &eb) != 0) {
		buf_free(&pb);
		buf_free(&eb);
		return EXIT_USAGE;
	}
	r = pattern_test(pb.data != NULL ? pb.data : "", pb.len,
	    eb.data != NULL ? eb.data : "", eb.len, wrap, &invalid, &cause);
	if (r < 0 && invalid) {
		/* AWS's own words, which may quote the pattern: made safe. */
		safe = text_safe_str(cause);
		fprintf(stderr, "%s%s\n", PATTERN_INVALID_PREFIX, safe);
		free(safe);
		rc = EXIT_USAGE;
	} else if (r < 0)
		rc = cmd_error("pattern", EXIT_USAGE, "event is not valid: %s",
		    cause);
	else {
		puts(r ? "match" : "nomatch");
		rc = r ? EXIT_OK : EXIT_FAIL;
	}
	free(cause);
	buf_free(&pb);
	buf_free(&eb);
	return rc;
}
