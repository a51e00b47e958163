/* Between the report's model (report.c) and its writers (report_md.c,
 * report_csv.c, report_html.c).  The writers see no record and no table:
 * only the document, sections of safe text that every format shows, plus
 * the figures of the HTML charts.  Not for other modules. */
#ifndef S3W_REPORT_INTERNAL_H
#define S3W_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct report_col {
	const char	*key;		/* CSV column */
	const char	*label;		/* Markdown and HTML heading */
	bool		 num;
};

enum report_sec_id {
	RS_SUMMARY, RS_PRINCIPALS, RS_ACCESS, RS_DENIED, RS_DAYS, RS_CHANGES,
	RS_ACKS, RS_POSTURE, RS_NOTES, RS_COUNT
};

struct report_sec_def {
	const char		*id;		/* CSV section column */
	const char		*title;
	const char		*empty;		/* when there are no rows */
	const struct report_col	*cols;
	size_t			 ncols;
};

/* A section's rows of cells (safe text; NULL: absent). */
struct report_sec {
	const struct report_sec_def	*def;
	char				**cells;	/* nrows * ncols */
	size_t				 nrows;
};

/* One bar or column of a chart. */
struct report_bar {
	char		*label;
	uint64_t	 value;
};

/* The report as the writers get it; everything in it is owned by it. */
struct report_doc {
	const char		*title;		/* borrowed from the report */
	struct report_sec	 secs[RS_COUNT];	/* in RS_ order */
	/* HTML only: */
	struct report_bar	*busiest;	/* S3 accesses, busiest first */
	size_t			 nbusiest;
	struct report_bar	*days;		/* denied a day, "YYYY-MM-DD" */
	size_t			 ndays;
};

void	report_write_md(struct buf *, const struct report_doc *);
void	report_write_csv(struct buf *, const struct report_doc *);
void	report_write_html(struct buf *, const struct report_doc *);

#endif
