/* The access report for auditors: CloudTrail records folded into bounded
 * tables (accesses per principal and bucket, denied attempts, denied
 * attempts per day), a list of administrative changes, acknowledged
 * alerts and the posture table, written as Markdown, CSV or one
 * self-contained HTML file with inline SVG charts.
 *
 * The model is pure: records come in as JSON text (or already split),
 * text comes out.  Every string taken from an event is made safe once on
 * the way in (text_safe: no control characters, valid UTF-8), then
 * escaped for the format on the way out (Markdown, RFC 4180, HTML).
 *
 * Memory is bounded: each aggregate table holds at most max_rows keys;
 * once full, new keys are counted in one "(other)" row.  The change list
 * keeps the first max_changes changes and counts the rest.
 *
 * Ownership: the report owns copies of everything it is given.
 *
 * The files: report.c is the model (the tables, what counts as a change,
 * and the document of sections that every format shows); report_md.c,
 * report_csv.c and report_html.c are the writers, which see only that
 * document (report_internal.h). */
#ifndef S3W_REPORT_H
#define S3W_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct alert;
struct report;

enum report_format {
	REPORT_MD,
	REPORT_CSV,
	REPORT_HTML,
};

#define REPORT_OTHER	"(other)"

struct report_options {
	const char	*title;		/* NULL: "S3 access report" */
	const char	*source;	/* where the records came from, shown */
	int64_t		 since_ms;	/* the window; 0: open */
	int64_t		 until_ms;	/* 0: when rendered */
	size_t		 max_rows;	/* per aggregate table; 0: 1000 */
	size_t		 max_changes;	/* 0: 1000 */
	size_t		 dedupe;	/* CloudTrail eventIDs; 0: 200000 */
};

/* One CloudTrail record's fields, raw (the report makes them safe). */
struct report_record {
	const char	*event_id;	/* dedupe; NULL: never a duplicate */
	const char	*time;		/* eventTime, ISO 8601 */
	const char	*name;		/* eventName */
	const char	*source;	/* eventSource */
	const char	*principal;
	const char	*source_ip;
	const char	*bucket;
	const char	*error_code;
	const char	*target;	/* what an admin change changed; NULL:
					   the bucket */
};

struct report	*report_new(const struct report_options *);
void		 report_free(struct report *);

/* Folds in one CloudTrail record given as JSON text (a CloudWatch
 * message); timestamp_ms (0: none) stands in for a missing eventTime.
 * 0, or -1 when it is not a JSON object (counted as malformed). */
int		 report_add_json(struct report *, const char *json, size_t len,
		    int64_t timestamp_ms);
/* The same for a record already split into fields. */
void		 report_add_record(struct report *, const struct report_record *);
/* An alert: kept when it is acknowledged (within the window). */
void		 report_add_alert(struct report *, const struct alert *);
/* A posture row: result is "PASS", "WARN" or "FAIL". */
void		 report_add_posture(struct report *, int step, const char *check,
		    const char *result, const char *reason, const char *fix);
/* A line for the report's notes (e.g. why the posture is missing). */
void		 report_add_note(struct report *, const char *text);

/* The report as text; caller frees. */
char		*report_render(const struct report *, enum report_format);

/* "md", "markdown", "csv", "html"; -1 otherwise. */
int		 report_format_find(const char *);
const char	*report_format_name(enum report_format);

/* Is this (eventSource, eventName) an administrative change?  Its kind
 * ("bucket policy", "trail", ...) or NULL. */
const char	*report_change_kind(const char *source, const char *name);

/* Counters, for the command's summary and the tests. */
struct report_counts {
	uint64_t	records;	/* folded in */
	uint64_t	duplicates;	/* same eventID again */
	uint64_t	malformed;
	uint64_t	s3;		/* S3 events: the accesses */
	uint64_t	denied;
	uint64_t	changes;
	uint64_t	changes_dropped; /* over max_changes */
	uint64_t	other;		/* keys folded into "(other)" rows */
	size_t		acks;
	size_t		posture;
};
const struct report_counts *report_counts(const struct report *);

#endif
