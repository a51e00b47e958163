/* s3watch teardown: removes what the ledger says s3watch created, last
 * step first (an undo run of cmd_setup.c's). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd_internal.h"
#include "setup.h"

static int
cmd_teardown(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	struct cmd_setup_opts *o = opts;
	char line[16];

	(void)argc;
	(void)argv;
	if (!o->yes) {
		if (!isatty(STDIN_FILENO))
			return cmd_error("teardown", EXIT_USAGE, "say --yes to "
			    "remove what s3watch created");
		fprintf(stderr, "Remove everything s3watch created? [y/N] ");
		if (fgets(line, sizeof line, stdin) == NULL ||
		    (line[0] != 'y' && line[0] != 'Y'))
			return EXIT_OK;
	}
	return cmd_setup_run("teardown", SETUP_UNDO, o, g);
}

static const struct cmd_option cmd_teardown_options[] = {
	{ .name = "yes", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_setup_opts, yes), .flags = CMD_O_BRIEF,
	  .help = "remove without asking first" },
	{ .name = "empty-buckets", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_setup_opts, empty_buckets),
	  .flags = CMD_O_BRIEF,
	  .help = "empty the buckets s3watch created that hold objects, "
	  "without asking" },
	{ .name = "only", .arg = "STEP", .type = CMD_O_CALL,
	  .call = cmd_setup_only, .flags = CMD_O_OR_NEXT,
	  .help = "remove what this step created only" },
	{ .name = "from", .arg = "STEP", .type = CMD_O_CALL,
	  .call = cmd_setup_from,
	  .help = "remove what this step and the ones after it created" },
	{ .type = CMD_O_INCLUDE, .include = cmd_setup_common },
	{ .name = NULL }
};

const struct cmd_entry cmd_teardown_entry = {
	.name = "teardown",
	.help = "removes what s3watch created (and only that), last step "
	    "first",
	.doc = "Only what the ledger holds is removed.  Without `--yes` it "
	    "asks first, on a terminal.  A bucket that holds objects is "
	    "emptied only after a yes on the terminal, or with "
	    "`--empty-buckets`.",
	.options = cmd_teardown_options,
	.opts_size = sizeof(struct cmd_setup_opts),
	.run = cmd_teardown,
	.section = cmd_setup_steps,
};
