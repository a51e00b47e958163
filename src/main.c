/* s3watch: the entry point.  Everything else lives in libs3watch.a (the
 * model and I/O) and libs3watch_ui.a (the console), so the tests link the
 * same code the program runs. */
#include "config.h"

#include <malloc.h>

#include "cmd.h"
#include "ui.h"

int
main(int argc, char **argv)
{
	/* Answers of a few MB come and go: give them back to the system
	 * rather than let glibc's adaptive threshold keep them. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	cmd_console_run = ui_main;
	return cmd_main(argc, argv);
}
