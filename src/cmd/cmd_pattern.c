/* s3watch pattern test: an EventBridge pattern against one event, offline,
 * as `aws events test-event-pattern` answers it. */
#include "config.h"

#include <stddef.h>
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

/* --wrap's choices, in the order of pattern_wrap_of[]. */
static const char *const pattern_wraps[] = { "none", "cloudtrail", "auto",
	NULL };
static const enum pattern_wrap pattern_wrap_of[] = { PATTERN_WRAP_NONE,
	PATTERN_WRAP_CLOUDTRAIL, PATTERN_WRAP_AUTO };

struct cmd_pattern_opts {
	const char	*pattern;
	const char	*event;
	int		 wrap;		/* in pattern_wraps[] */
};

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

static int
cmd_pattern(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	struct cmd_pattern_opts *o = opts;
	struct buf pb = { 0 }, eb = { 0 };
	bool invalid;
	char *cause = NULL, *safe;
	int r, rc;

	(void)g;
	if (argc < 1 || strcmp(argv[0], "test") != 0) {
		cmd_error("pattern", EXIT_USAGE, argc < 1 ? "missing subcommand" :
		    "unknown subcommand '%s'", argc < 1 ? "" : argv[0]);
		cmd_usage(stderr, &cmd_pattern_entry);
		return EXIT_USAGE;
	}
	if (o->pattern == NULL || o->event == NULL)
		return cmd_error("pattern", EXIT_USAGE, "--pattern and --event are "
		    "required");
	if (pattern_arg("pattern", o->pattern, &pb) != 0 ||
	    pattern_arg("event", o->event, &eb) != 0) {
		buf_free(&pb);
		buf_free(&eb);
		return EXIT_USAGE;
	}
	r = pattern_test(pb.data != NULL ? pb.data : "", pb.len,
	    eb.data != NULL ? eb.data : "", eb.len, pattern_wrap_of[o->wrap],
	    &invalid, &cause);
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

static const struct cmd_option cmd_pattern_options[] = {
	{ .name = "pattern", .arg = "JSON|@FILE", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_pattern_opts, pattern),
	  .flags = CMD_O_BRIEF | CMD_O_REQUIRED,
	  .help = "the event pattern: JSON text, or `@`<FILE> (`@-` for "
	  "standard input)" },
	{ .name = "event", .arg = "JSON|@FILE", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_pattern_opts, event),
	  .flags = CMD_O_BRIEF | CMD_O_REQUIRED,
	  .help = "the event: JSON text, or `@`<FILE> (`@-` for standard "
	  "input)" },
	{ .name = "wrap", .arg = "HOW", .type = CMD_O_CHOICE,
	  .off = offsetof(struct cmd_pattern_opts, wrap),
	  .choices = pattern_wraps, .dflt = "none",
	  .help = "`cloudtrail` reads the event as a CloudTrail record the "
	  "way EventBridge delivers it (source `aws.s3`, `detail-type`, "
	  "`detail` the record); `auto` when it looks like one" },
	{ .name = NULL }
};

const struct cmd_entry cmd_pattern_entry = {
	.name = "pattern",
	.args = "`test`",
	.args_first = true,
	.min_args = 0,
	.max_args = 1,
	.help = "EventBridge pattern matching, as `aws events "
	    "test-event-pattern`",
	.doc = "Tests an EventBridge event pattern against an event, with "
	    "EventBridge's semantics.  Prints `match` (exit 0) or `nomatch` "
	    "(exit 1); an invalid pattern prints AWS's reason and exits 2.",
	.options = cmd_pattern_options,
	.opts_size = sizeof(struct cmd_pattern_opts),
	.run = cmd_pattern,
};
