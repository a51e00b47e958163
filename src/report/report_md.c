/* The report as Markdown: a heading and a table a section. */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "report_internal.h"

/* Backslash escapes every character Markdown could act on in a cell, so
 * a value shows as written and cannot become a link, HTML or a column. */
static void
report_md_esc(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr("\\`*_[]<>#|~&", *s) != NULL)
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
}

void
report_write_md(struct buf *b, const struct report_doc *doc)
{
	const struct report_sec *secs = doc->secs;
	const struct report_sec_def *d;
	size_t i, k, c;
	const char *cell;

	buf_adds(b, "# ");
	report_md_esc(b, doc->title);
	buf_adds(b, "\n");
	for (i = 0; i < RS_COUNT; i++) {
		d = secs[i].def;
		if (secs[i].nrows == 0 && d->empty == NULL)
			continue;
		buf_printf(b, "\n## %s\n\n", d->title);
		if (secs[i].nrows == 0) {
			buf_printf(b, "%s\n", d->empty);
			continue;
		}
		for (c = 0; c < d->ncols; c++)
			buf_printf(b, "| %s ", d->cols[c].label);
		buf_adds(b, "|\n");
		for (c = 0; c < d->ncols; c++)
			buf_adds(b, d->cols[c].num ? "| ---: " : "| --- ");
		buf_adds(b, "|\n");
		for (k = 0; k < secs[i].nrows; k++) {
			for (c = 0; c < d->ncols; c++) {
				cell = secs[i].cells[k * d->ncols + c];
				buf_adds(b, "| ");
				report_md_esc(b, cell != NULL && *cell != '\0' ?
				    cell : "-");
				buf_addc(b, ' ');
			}
			buf_adds(b, "|\n");
		}
	}
}
