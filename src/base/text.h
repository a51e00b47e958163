/* Text from outside (AWS answers, events, names) made safe for a
 * terminal: control characters, escape sequences (ESC, C1 controls),
 * characters that draw nothing or reorder a line, and invalid UTF-8 never
 * reach the screen. */
#ifndef S3W_TEXT_H
#define S3W_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True for a code point that draws nothing or reorders the text around
 * it: bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069),
 * zero-width and joining characters (U+200B-200F, U+2060-2064, U+FEFF),
 * U+00AD, U+034F, U+061C, U+180E, U+2028/2029, variation selectors, tags
 * and the rest of Unicode's default-ignorable code points.  Shown, they
 * make "ad<U+200B>min" read as "admin" and shift the console's columns. */
bool	 text_invisible(uint32_t cp);

/* A copy of the len bytes at s in which each control character (C0, DEL,
 * C1) and each invisible character (text_invisible) is shown as '?', one
 * column wide, and each invalid UTF-8 byte as U+FFFD.  '?' marks what was
 * there without drawing it, the same way for all of them.  Caller
 * frees. */
char	*text_safe(const char *s, size_t len);
/* The same for a NUL-terminated string; NULL gives "". */
char	*text_safe_str(const char *s);
/* The same, keeping line breaks (messages of several lines). */
char	*text_safe_lines(const char *s);

/* The value of hex digit c (either case), or -1. */
int	 text_hex_value(int c);

/* Writes code point cp (at most U+10FFFF) as UTF-8 into out, which has
 * room for 4 bytes; returns the length.  Surrogates are encoded as they
 * are (callers that read UTF-16 decide what a lone one becomes). */
size_t	 text_utf8_encode(uint32_t cp, char *out);

#endif
