/* s3watch: the entry point.  Everything else lives in libs3watch.a (the
 * model and I/O) and libs3watch_ui.a (the console), so the tests link the
 * same code the program runs. */
#include "config.h"

#include "cmd.h"
#include "ui.h"

int
main(int argc, char **argv)
{
	cmd_console_run = ui_main;
	return cmd_main(argc, argv);
}
