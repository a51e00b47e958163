/* The debug log: a file named by --debug-log or S3WATCH_DEBUG_LOG, never
 * stderr (curses owns the terminal).  Registered secrets are masked in
 * every line, as a second line of defence behind not logging them.  Each
 * entry is one line with a time stamp, made terminal-safe as text_safe()
 * does; a line break inside an entry continues it on a line indented past
 * the time stamp. */
#ifndef S3W_LOG_H
#define S3W_LOG_H

#include "xalloc.h"

/* Returns 0, or -1 with *cause. The file is created with mode 0600. */
int	 log_open(const char *path, char **cause);
void	 log_close(void);
void	 log_debug(const char *, ...) ATTR_FORMAT(1, 2);
/* Strings that must never be written (secret keys, tokens); copied. */
void	 log_add_secret(const char *);
/* Replaces every registered secret in s (in place) with asterisks. */
void	 log_mask(char *s);

#endif
