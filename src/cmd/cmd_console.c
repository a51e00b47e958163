/* s3watch console: the full-screen console.  Its options are parsed here
 * like every command's; the console itself is ui/, which src/ does not
 * link, so main() hands it over through cmd_console_run. */
#include "config.h"

#include <stddef.h>

#include "cmd_internal.h"

static int
cmd_console(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	(void)argc;
	(void)argv;
	if (cmd_console_run == NULL)
		return cmd_error("console", EXIT_USAGE, "this build has no "
		    "console");
	return cmd_console_run(opts, g);
}

static const struct cmd_option cmd_console_options[] = {
	{ .name = "view", .arg = "VIEW", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_console_opts, view), .flags = CMD_O_BRIEF,
	  .help = "open this view: `setup`, `monitor`, `alerts`, `validate` "
	  "or `help` (default: the setup wizard while setup is incomplete, "
	  "else the monitor)" },
	{ .name = "exit-after", .arg = "SECONDS", .type = CMD_O_NUMBER,
	  .off = offsetof(struct cmd_console_opts, exit_after),
	  .min = 1, .max = 86400, .flags = CMD_O_BRIEF,
	  .help = "run the real loop for <SECONDS>, then quit (smoke and "
	  "sanitizer runs)" },
	{ .type = CMD_O_INCLUDE, .include = cmd_conf_options,
	  .off = offsetof(struct cmd_console_opts, conf) },
	{ .name = NULL }
};

const struct cmd_entry cmd_console_entry = {
	.name = "console",
	.help = "the full-screen console: setup wizard, monitor, alerts, "
	    "validation, help",
	.doc = "Tab or 1 to 5 switch views, `?` opens the help view (every "
	    "key, also in the man page) and `q` quits.  A problem with the "
	    "configuration is shown in the console rather than ending it.",
	.options = cmd_console_options,
	.opts_size = sizeof(struct cmd_console_opts),
	.run = cmd_console,
};
