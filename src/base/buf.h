/* A growable byte buffer.  Always NUL-terminated so text can be used as a
 * C string; len excludes the terminator.  A zeroed struct is an empty buffer. */
#ifndef S3W_BUF_H
#define S3W_BUF_H

#include <stddef.h>

#include "xalloc.h"

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_reserve(struct buf *, size_t extra);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...) ATTR_FORMAT(2, 3);
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);
/* Hands the storage to the caller (free() it) and leaves the buffer empty. */
char	*buf_take(struct buf *);
/* Read a whole file or stream; -1 with errno set on failure. */
int	 buf_read_file(struct buf *, const char *path, size_t max);
int	 buf_read_fd(struct buf *, int fd, size_t max);

#endif
