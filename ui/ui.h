/* The full-screen console (ncurses).  ui/ draws; src/ is the model. */
#ifndef S3W_UI_H
#define S3W_UI_H

#include "cmd.h"

/* `s3watch` with no command, or `s3watch console` (cmd_console.c parses
 * the options). */
int	ui_main(const struct cmd_console_opts *, const struct cmd_globals *);

#endif
