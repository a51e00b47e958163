/* The report as CSV (RFC 4180): one table for every section. */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "report_internal.h"

/* Quoted when it holds a comma, quote, CR or LF; quotes doubled.  A text
 * value starting like a formula gets a leading apostrophe, so a
 * spreadsheet shows it instead of running it. */
static void
report_csv_field(struct buf *b, const char *s, bool num)
{
	bool formula = !num && *s != '\0' && strchr("=+-@\t\r", *s) != NULL;
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		buf_addc(b, '"');
	if (formula)
		buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	if (quote)
		buf_addc(b, '"');
}

/* One table: a section column, then the union of every section's
 * columns in order of first appearance; each row fills its own. */
void
report_write_csv(struct buf *b, const struct report_doc *doc)
{
	const struct report_sec *secs = doc->secs;
	const struct report_col *cols[64];
	size_t ncols = 0, i, k, c, j;
	const struct report_sec_def *d;
	const char *cell;

	for (i = 0; i < RS_COUNT; i++) {
		d = secs[i].def;
		for (c = 0; c < d->ncols; c++) {
			for (j = 0; j < ncols; j++)
				if (strcmp(cols[j]->key, d->cols[c].key) == 0)
					break;
			if (j == ncols && ncols < sizeof cols / sizeof cols[0])
				cols[ncols++] = &d->cols[c];
		}
	}
	buf_adds(b, "section");
	for (j = 0; j < ncols; j++)
		buf_printf(b, ",%s", cols[j]->key);
	buf_adds(b, "\r\n");
	for (i = 0; i < RS_COUNT; i++) {
		d = secs[i].def;
		for (k = 0; k < secs[i].nrows; k++) {
			buf_adds(b, d->id);
			for (j = 0; j < ncols; j++) {
				buf_addc(b, ',');
				for (c = 0; c < d->ncols; c++)
					if (strcmp(d->cols[c].key,
					    cols[j]->key) == 0)
						break;
				if (c == d->ncols)
					continue;
				cell = secs[i].cells[k * d->ncols + c];
				report_csv_field(b, cell != NULL ? cell : "",
				    d->cols[c].num);
			}
			buf_adds(b, "\r\n");
		}
	}
}
