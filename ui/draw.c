/* Drawing helpers (see draw.h): width-aware clipping for UTF-8, boxes,
 * sparklines and a spinner, all on stdscr. */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "buf.h"
#include "draw.h"
#include "text.h"
#include "theme.h"

/* The next character of s: its byte length and display width.  One the
 * terminal would not draw as measured (invalid, unprintable, or drawing
 * nothing: text_invisible) is drawn as '?', one column, and *shown is
 * false: what is measured is what is drawn. */
static size_t
draw_char(const char *s, int *width, bool *shown)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;
	int cw;

	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	*width = 1;
	*shown = false;
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
		return 1;
	if ((cw = wcwidth(wc)) < 0 || text_invisible((uint32_t)wc))
		return n;
	*width = cw;
	*shown = true;
	return n;
}

/* The n bytes at s (whole characters) at y,x, as draw_char measured
 * them. */
static void
draw_put(int y, int x, const char *s, size_t n, bool clean)
{
	struct buf b = { 0 };
	const char *p = s;
	size_t k;
	bool shown;
	int cw;

	if (clean) {
		mvaddnstr(y, x, s, (int)n);
		return;
	}
	while (p < s + n) {
		k = draw_char(p, &cw, &shown);
		if (shown)
			buf_add(&b, p, k);
		else
			buf_addc(&b, '?');
		p += k;
	}
	mvaddnstr(y, x, b.data != NULL ? b.data : "", (int)b.len);
	buf_free(&b);
}

int
draw_width(const char *s)
{
	int w = 0, cw;
	bool shown;

	while (*s != '\0') {
		s += draw_char(s, &cw, &shown);
		w += cw;
	}
	return w;
}

int
draw_text(int y, int x, int w, attr_t attr, const char *s)
{
	const char *p = s;
	int used = 0, cw;
	bool shown, clean = true;
	size_t n;

	if (w <= 0 || s == NULL)
		return 0;
	while (*p != '\0') {
		n = draw_char(p, &cw, &shown);
		if (used + cw > w)
			break;
		used += cw;
		clean = clean && shown;
		p += n;
	}
	attrset(attr);
	draw_put(y, x, s, (size_t)(p - s), clean);
	attrset(A_NORMAL);
	return used;
}

void
draw_fill(int y, int x, int w, attr_t attr)
{
	if (w <= 0)
		return;
	attrset(attr);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

int
draw_cell(int y, int x, int w, attr_t attr, const char *s)
{
	int used;

	if (w <= 0)
		return 0;
	used = draw_text(y, x, w, attr, s);
	draw_fill(y, x + used, w - used, attr);
	return w;
}

int
draw_cell_tail(int y, int x, int w, attr_t attr, const char *s)
{
	const char *el = theme_glyphs()->ellipsis;
	int total, cw;
	bool shown;

	if (w <= 0 || s == NULL)
		return 0;
	if ((total = draw_width(s)) <= w)
		return draw_cell(y, x, w, attr, s);
	/* Skip from the front until the rest and the ellipsis fit. */
	while (*s != '\0' && total > w - 1) {
		s += draw_char(s, &cw, &shown);
		total -= cw;
	}
	draw_text(y, x, 1, attr, el);
	return draw_cell(y, x + 1, w - 1, attr, s) + 1;
}

int
draw_safe(int y, int x, int w, attr_t attr, const char *raw)
{
	char *safe = text_safe_str(raw);
	int n = draw_cell(y, x, w, attr, safe);

	free(safe);
	return n;
}

int
draw_fmt(int y, int x, int w, attr_t attr, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	n = draw_text(y, x, w, attr, s);
	free(s);
	return n;
}

int
draw_wrap(int y, int x, int w, int maxrows, attr_t attr, const char *s)
{
	const char *p = s, *line, *brk;
	int rows = 0, used, cw;
	bool shown, clean;
	size_t n;

	if (w <= 0 || s == NULL)
		return 0;
	while (*p != '\0' && rows < maxrows) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		line = p;
		brk = NULL;
		used = 0;
		clean = true;
		while (*p != '\0' && *p != '\n') {
			n = draw_char(p, &cw, &shown);
			if (used + cw > w)
				break;
			if (*p == ' ')
				brk = p;
			used += cw;
			clean = clean && shown;
			p += n;
		}
		if (*p != '\0' && *p != '\n' && brk != NULL && brk > line)
			p = brk;
		attrset(attr);
		draw_put(y + rows, x, line, (size_t)(p - line), clean);
		attrset(A_NORMAL);
		if (*p == '\n')
			p++;
		rows++;
	}
	return rows;
}

void
draw_hline(int y, int x, int w, attr_t attr)
{
	const char *h = theme_glyphs()->h;
	int i;

	attrset(attr);
	for (i = 0; i < w; i++)
		mvaddstr(y, x + i, h);
	attrset(A_NORMAL);
}

void
draw_vline(int y, int x, int h, attr_t attr)
{
	const char *v = theme_glyphs()->v;
	int i;

	attrset(attr);
	for (i = 0; i < h; i++)
		mvaddstr(y + i, x, v);
	attrset(A_NORMAL);
}

void
draw_box(const struct rect *r, attr_t attr, const char *title)
{
	const struct theme_glyphs *g = theme_glyphs();

	if (r->h < 2 || r->w < 2)
		return;
	draw_hline(r->y, r->x + 1, r->w - 2, attr);
	draw_hline(r->y + r->h - 1, r->x + 1, r->w - 2, attr);
	draw_vline(r->y + 1, r->x, r->h - 2, attr);
	draw_vline(r->y + 1, r->x + r->w - 1, r->h - 2, attr);
	attrset(attr);
	mvaddstr(r->y, r->x, g->tl);
	mvaddstr(r->y, r->x + r->w - 1, g->tr);
	mvaddstr(r->y + r->h - 1, r->x, g->bl);
	mvaddstr(r->y + r->h - 1, r->x + r->w - 1, g->br);
	attrset(A_NORMAL);
	if (title != NULL && r->w > 6) {
		draw_text(r->y, r->x + 2, 1, attr, " ");
		draw_text(r->y, r->x + 3, r->w - 6, attr | A_BOLD, title);
		draw_text(r->y, r->x + 3 + (draw_width(title) < r->w - 6 ?
		    draw_width(title) : r->w - 6), 1, attr, " ");
	}
}

void
draw_spark(int y, int x, int w, attr_t attr, const uint64_t *v, size_t n)
{
	const struct theme_glyphs *g = theme_glyphs();
	uint64_t max = 0;
	size_t i, first;
	int col = 0;

	if (w <= 0)
		return;
	first = n > (size_t)w ? n - (size_t)w : 0;
	for (i = first; i < n; i++)
		if (v[i] > max)
			max = v[i];
	attrset(attr);
	for (i = first; i < n; i++, col++) {
		if (v[i] == 0)
			mvaddstr(y, x + col, " ");
		else
			mvaddstr(y, x + col, g->spark[max <= 1 ? 7 :
			    (int)((v[i] * 7 + max - 1) / max)]);
	}
	attrset(A_NORMAL);
}

const char *
draw_spinner(uint64_t now_ms)
{
	const struct theme_glyphs *g = theme_glyphs();

	return g->spin[(now_ms / 100) % (uint64_t)g->nspin];
}

const char *
draw_duration(char *buf, size_t len, int64_t ms)
{
	if (ms < 0)
		ms = 0;
	if (ms < 1000)
		snprintf(buf, len, "%dms", (int)ms);
	else if (ms < 60000)
		snprintf(buf, len, "%.1fs", (double)ms / 1000);
	else if (ms < 3600000)
		snprintf(buf, len, "%dm%02ds", (int)(ms / 60000),
		    (int)(ms / 1000 % 60));
	else
		snprintf(buf, len, "%dh%02dm", (int)(ms / 3600000),
		    (int)(ms / 60000 % 60));
	return buf;
}
