/* The report as one self-contained HTML file: inline CSS, inline SVG
 * charts, no script, and a Content-Security-Policy that loads nothing. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "report_internal.h"
#include "xalloc.h"

#define REPORT_LABEL_MAX	48	/* characters of a chart label */

static void
report_html_esc(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		default: buf_addc(b, *s); break;
		}
	}
}

/* At most max characters (not bytes: the text is valid UTF-8).  The
 * end is kept, since an ARN's end names the principal. */
static char *
report_cut(const char *s, size_t max)
{
	size_t chars = 0, i;

	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			chars++;
	if (chars <= max)
		return xstrdup(s);
	/* Skip chars - max + 1 characters, leaving room for the ellipsis. */
	for (i = 0, chars -= max - 1; ; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars-- == 0)
			break;
	return xasprintf("\xe2\x80\xa6%s", s + i);
}

/* Horizontal bars: a label, the bar, the value. */
static void
report_svg_hbars(struct buf *b, const char *title,
    const struct report_bar *bars, size_t n)
{
	const int lw = 330, bw = 360, rh = 22, w = lw + bw + 70;
	uint64_t max = 1;
	size_t i;
	char *label;

	for (i = 0; i < n; i++)
		if (bars[i].value > max)
			max = bars[i].value;
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>",
	    w, (int)n * rh + 8, w, (int)n * rh + 8);
	report_html_esc(b, title);
	buf_adds(b, "</title>\n");
	for (i = 0; i < n; i++) {
		int y = (int)i * rh + 4;
		int len = (int)((double)bars[i].value * bw / (double)max);

		label = report_cut(bars[i].label, REPORT_LABEL_MAX);
		buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
		    "class=\"l\">", lw - 6, y + 15);
		report_html_esc(b, label);
		buf_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"%d\" class=\"b\"/><text x=\"%d\" y=\"%d\" "
		    "class=\"v\">%llu</text>\n", lw, y + 2, len > 0 ? len : 1,
		    rh - 6, lw + (len > 0 ? len : 1) + 5, y + 15,
		    (unsigned long long)bars[i].value);
		free(label);
	}
	buf_adds(b, "</svg>\n");
}

/* Columns per day, labelled below when there is room. */
static void
report_svg_days(struct buf *b, const char *title,
    const struct report_bar *days, size_t n)
{
	const int h = 160, top = 20, bottom = 40, left = 10;
	int cw = n > 0 && 700 / (int)n < 36 ? 700 / (int)n : 36, w;
	uint64_t max = 1;
	size_t i, every;

	if (cw < 3)
		cw = 3;
	w = left * 2 + cw * (int)n;
	every = (size_t)(cw >= 36 ? 1 : 36 / cw + 1);
	for (i = 0; i < n; i++)
		if (days[i].value > max)
			max = days[i].value;
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>",
	    w, h + top + bottom, w, h + top + bottom);
	report_html_esc(b, title);
	buf_adds(b, "</title>\n");
	buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "class=\"a\"/>\n", left, top + h, w - left, top + h);
	for (i = 0; i < n; i++) {
		int x = left + (int)i * cw;
		int bh = (int)((double)days[i].value * h / (double)max);

		buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		    "class=\"d\"><title>", x + 1, top + h - bh, cw - 2, bh);
		report_html_esc(b, days[i].label);
		buf_printf(b, ": %llu denied</title></rect>\n",
		    (unsigned long long)days[i].value);
		if (days[i].value > 0 && cw >= 20)
			buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor="
			    "\"middle\" class=\"v\">%llu</text>\n", x + cw / 2,
			    top + h - bh - 4,
			    (unsigned long long)days[i].value);
		if (i % every == 0) {
			/* MM-DD: the year is in the window above. */
			const char *d = days[i].label;

			buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor="
			    "\"middle\" class=\"t\">", x + cw / 2,
			    top + h + 14);
			report_html_esc(b, strlen(d) == 10 ? d + 5 : d);
			buf_adds(b, "</text>\n");
		}
	}
	buf_adds(b, "</svg>\n");
}

static const char report_css[] =
	"body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
	"table{border-collapse:collapse;margin:0.5em 0 1.5em}"
	"th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;"
	"vertical-align:top;word-break:break-all}"
	"th{background:#eee}td.n{text-align:right}"
	"tr.FAIL td{background:#fdd}tr.WARN td{background:#ffd}"
	"svg{display:block;margin:0.5em 0 1.5em;font-size:12px}"
	"svg .b{fill:#4a7bd0}svg .d{fill:#c94040}svg .a{stroke:#888}"
	"svg .l,svg .v,svg .t{fill:#222}p.e{color:#666}";

void
report_write_html(struct buf *b, const struct report_doc *doc)
{
	const struct report_sec *secs = doc->secs;
	const struct report_sec_def *d;
	size_t i, k, c;
	const char *cell;

	buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    /* Nothing runs and nothing loads, even if a value slipped. */
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'\">\n<title>");
	report_html_esc(b, doc->title);
	buf_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>",
	    report_css);
	report_html_esc(b, doc->title);
	buf_adds(b, "</h1>\n");

	/* Charts: the busiest principals, and denials per day. */
	if (doc->nbusiest > 0) {
		buf_adds(b, "<h2>Charts</h2>\n<h3>S3 accesses per principal "
		    "(busiest)</h3>\n");
		report_svg_hbars(b, "S3 accesses per principal", doc->busiest,
		    doc->nbusiest);
	}
	if (doc->ndays > 0) {
		if (doc->nbusiest == 0)
			buf_adds(b, "<h2>Charts</h2>\n");
		buf_adds(b, "<h3>Denied attempts per day</h3>\n");
		report_svg_days(b, "Denied attempts per day", doc->days,
		    doc->ndays);
	}

	for (i = 0; i < RS_COUNT; i++) {
		d = secs[i].def;
		if (secs[i].nrows == 0 && d->empty == NULL)
			continue;
		buf_printf(b, "<h2 id=\"%s\">%s</h2>\n", d->id, d->title);
		if (secs[i].nrows == 0) {
			buf_printf(b, "<p class=\"e\">%s</p>\n", d->empty);
			continue;
		}
		buf_adds(b, "<table>\n<tr>");
		for (c = 0; c < d->ncols; c++)
			buf_printf(b, "<th>%s</th>", d->cols[c].label);
		buf_adds(b, "</tr>\n");
		for (k = 0; k < secs[i].nrows; k++) {
			/* Posture rows are coloured by result. */
			cell = i == RS_POSTURE ? secs[i].cells[k * d->ncols + 2] :
			    NULL;
			if (cell != NULL && (strcmp(cell, "FAIL") == 0 ||
			    strcmp(cell, "WARN") == 0))
				buf_printf(b, "<tr class=\"%s\">", cell);
			else
				buf_adds(b, "<tr>");
			for (c = 0; c < d->ncols; c++) {
				cell = secs[i].cells[k * d->ncols + c];
				buf_adds(b, d->cols[c].num ? "<td class=\"n\">" :
				    "<td>");
				report_html_esc(b, cell != NULL && *cell != '\0' ?
				    cell : "-");
				buf_adds(b, "</td>");
			}
			buf_adds(b, "</tr>\n");
		}
		buf_adds(b, "</table>\n");
	}
	buf_adds(b, "<p class=\"e\">Generated by s3watch.</p>\n</body>\n"
	    "</html>\n");
}
