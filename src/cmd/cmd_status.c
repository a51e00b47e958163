/* s3watch status: every step's check and posture verification, as a
 * table of PASS, WARN and FAIL (a read-only run of cmd_setup.c's). */
#include "config.h"

#include <stddef.h>

#include "cmd_internal.h"
#include "setup.h"

static int
cmd_status(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	(void)argc;
	(void)argv;
	return cmd_setup_run("status", SETUP_STATUS, opts, g);
}

static const struct cmd_option cmd_status_options[] = {
	{ .name = "only", .arg = "STEP", .type = CMD_O_CALL,
	  .call = cmd_setup_only, .flags = CMD_O_BRIEF | CMD_O_OR_NEXT,
	  .help = "check this step only" },
	{ .name = "from", .arg = "STEP", .type = CMD_O_CALL,
	  .call = cmd_setup_from,
	  .help = "check this step and the ones after it" },
	{ .type = CMD_O_INCLUDE, .include = cmd_setup_common },
	{ .name = NULL }
};

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.help = "every check and posture verification: PASS, WARN or FAIL "
	    "with the reason and a fix",
	.doc = "Runs each step's check and verification without writing "
	    "anything, and prints one row for each finding, with a suggested "
	    "fix.  Exits 1 when anything fails.",
	.options = cmd_status_options,
	.opts_size = sizeof(struct cmd_setup_opts),
	.run = cmd_status,
	.section = cmd_setup_steps,
};
