/* Text from outside (AWS answers, events, names) made safe for a
 * terminal: control characters, escape sequences (ESC, C1 controls) and
 * invalid UTF-8 never reach the screen. */
#ifndef S3W_TEXT_H
#define S3W_TEXT_H

#include <stddef.h>

/* A copy of the len bytes at s in which each control character is shown
 * as '?', and each invalid UTF-8 byte as U+FFFD.  Caller frees. */
char	*text_safe(const char *s, size_t len);
/* The same for a NUL-terminated string; NULL gives "". */
char	*text_safe_str(const char *s);
/* The same, keeping line breaks (messages of several lines). */
char	*text_safe_lines(const char *s);

#endif
