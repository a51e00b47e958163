/* Private state files: the state directory, and whole-file reads and
 * atomic writes with mode 0600.
 *
 * The directory is $S3WATCH_STATE_DIR, else $XDG_STATE_HOME/s3watch, else
 * ~/.local/state/s3watch; it is created with mode 0700.  Since what it
 * holds decides which alerts exist, it must be ours and private: one
 * owned by someone else, or a shared (sticky, world-writable) one, is
 * refused; one of ours open to others is made 0700, saying so on stderr.
 * A symbolic link to it is followed once and the real directory checked
 * and used.
 *
 * A state file is only ever a regular file of ours with one link, opened
 * without following a symbolic link and without blocking on a FIFO.
 *
 * A write goes to a temporary file in the same directory, is fsync'd,
 * renamed over the old file and the directory fsync'd, so a crash leaves
 * the old file or the new one, never a mix.  The rename replaces a
 * symbolic link itself, never what it points to. */
#ifndef S3W_STATEFILE_H
#define S3W_STATEFILE_H

#include <stddef.h>

/* The state directory (its real path), created if needed and checked as
 * above; caller frees.  NULL with *cause when it cannot be made or is
 * refused. */
char	*statefile_dir(char **cause);
/* DIR/NAME in the state directory; caller frees.  NULL with *cause. */
char	*statefile_path(const char *name, char **cause);

/* Opens a state file with open(2)'s flags (O_CREAT makes it 0600),
 * refusing a symbolic link, a FIFO, a device, a directory, a file owned by
 * someone else or one with other names (hard links).  The descriptor, or
 * -1 with *cause naming the path and the reason; -1 with *cause = NULL
 * when the file does not exist and O_CREAT was not given. */
int	 statefile_open(const char *path, int flags, char **cause);

/* 0, or -1 with *cause naming the path and the system error. */
int	 statefile_write(const char *path, const void *data, size_t len,
	    char **cause);
/* The whole file, NUL-terminated (caller frees), and its length in *len.
 * NULL with *cause = NULL when the file does not exist, NULL with *cause
 * set on any other error, when statefile_open() refuses it or when it is
 * over max bytes. */
char	*statefile_read(const char *path, size_t max, size_t *len,
	    char **cause);

#endif
