/* Private state files: the state directory, and whole-file reads and
 * atomic writes with mode 0600.
 *
 * The directory is $S3WATCH_STATE_DIR, else $XDG_STATE_HOME/s3watch, else
 * ~/.local/state/s3watch; it is created with mode 0700.  A write goes to a
 * temporary file in the same directory, is fsync'd, renamed over the old
 * file and the directory fsync'd, so a crash leaves the old file or the new
 * one, never a mix. */
#ifndef S3W_STATEFILE_H
#define S3W_STATEFILE_H

#include <stddef.h>

/* The state directory, created if needed; caller frees.  NULL with
 * *cause when it cannot be made. */
char	*statefile_dir(char **cause);
/* DIR/NAME in the state directory; caller frees.  NULL with *cause. */
char	*statefile_path(const char *name, char **cause);

/* 0, or -1 with *cause naming the path and the system error. */
int	 statefile_write(const char *path, const void *data, size_t len,
	    char **cause);
/* The whole file, NUL-terminated (caller frees), and its length in *len.
 * NULL with *cause = NULL when the file does not exist, NULL with *cause
 * set on any other error or when it is over max bytes. */
char	*statefile_read(const char *path, size_t max, size_t *len,
	    char **cause);

#endif
