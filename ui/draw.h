/* Small drawing helpers shared by the views, all on stdscr.  Strings
 * passed here must already be terminal-safe: text from AWS or events
 * goes through text_safe() (draw_safe() does it for you). */
#ifndef S3W_DRAW_H
#define S3W_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "xalloc.h"

/* A part of the screen a view draws into. */
struct rect {
	int	y, x, h, w;
};

/* Display columns of a UTF-8 string.  Invalid bytes, unprintable and
 * invisible characters (text_invisible) count 1: the draw functions show
 * each of them as '?'. */
int	draw_width(const char *);
/* Prints s at y,x in at most w columns (clipped by display width, never
 * splitting a character); returns the columns used. */
int	draw_text(int y, int x, int w, attr_t, const char *s);
/* The same, then pads with spaces to exactly w columns. */
int	draw_cell(int y, int x, int w, attr_t, const char *s);
/* Keeps the end of s when it does not fit ("...user/mallory"). */
int	draw_cell_tail(int y, int x, int w, attr_t, const char *s);
/* Raw outside text: made safe, then drawn as draw_cell. */
int	draw_safe(int y, int x, int w, attr_t, const char *raw);
int	draw_fmt(int y, int x, int w, attr_t, const char *fmt, ...)
	    ATTR_FORMAT(5, 6);
/* Fills a row of the rect with spaces in attr. */
void	draw_fill(int y, int x, int w, attr_t);
/* Word-wraps s into the rect from row y; returns rows used (at most
 * maxrows). */
int	draw_wrap(int y, int x, int w, int maxrows, attr_t, const char *s);
/* A box around r with a title in its top edge. */
void	draw_box(const struct rect *, attr_t, const char *title);
void	draw_hline(int y, int x, int w, attr_t);
void	draw_vline(int y, int x, int h, attr_t);
/* The last n values (oldest first) as a sparkline of w columns. */
void	draw_spark(int y, int x, int w, attr_t, const uint64_t *v, size_t n);
/* The spinner frame for a moment (ms). */
const char *draw_spinner(uint64_t now_ms);
/* "850ms", "12.3s", "4m05s", "2h10m" into buf. */
const char *draw_duration(char *buf, size_t len, int64_t ms);

#endif
