/* being written */
#include "config.h"

#include "ui.h"

int
ui_main(int argc, char **argv, const struct cmd_globals *g)
{
	(void)argc; (void)argv; (void)g;
	return cmd_error("console", EXIT_USAGE, "the console is being written");
}
