/* s3watch: the entry point.  Everything else lives in libs3watch.a so the
 * tests link the same code the program runs. */
#include "config.h"

#include "cmd.h"

int
main(int argc, char **argv)
{
	return cmd_main(argc, argv);
}
