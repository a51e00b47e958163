/* Amazon S3 server access log records: one request per line, fields
 * separated by single spaces, '[...]' around the time, '"..."' around the
 * Request-URI, Referer and User-Agent, and '-' for an absent value.
 *
 * Fields have been added over the years; every era parses: a line from
 * the original 17-field format, today's 27 fields, and lines of a future
 * format with fields this version does not know (kept raw in 'extra').
 * A line is malformed, and counted with a reason, when it has fewer than
 * ACCESSLOG_MIN_FIELDS fields, an unterminated quote or bracket, a time
 * that does not parse, or a number field that is not a number.
 *
 * A quoted field ends at the first '"' followed by a space or the end of
 * the line: S3 does not escape quotes, so a User-Agent holding '" ' is
 * split there (the line then usually still parses, shifted).
 *
 * Bytes are not checked: invalid UTF-8 and control characters are stored
 * as they are (a NUL byte ends a field early).  Sanitise before display.
 *
 * Ownership: a parsed record owns one copy of its line; its field
 * pointers point into that copy and live until accesslog_record_free()
 * (or, for the iterator, until the next call or accesslog_iter_free()). */
#ifndef S3W_ACCESSLOG_H
#define S3W_ACCESSLOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* In log order: AWS's "Amazon S3 server access log format". */
enum accesslog_field {
	ACCESSLOG_BUCKET_OWNER,
	ACCESSLOG_BUCKET,
	ACCESSLOG_TIME,			/* without the brackets */
	ACCESSLOG_REMOTE_IP,
	ACCESSLOG_REQUESTER,
	ACCESSLOG_REQUEST_ID,
	ACCESSLOG_OPERATION,
	ACCESSLOG_KEY,
	ACCESSLOG_REQUEST_URI,		/* without the quotes */
	ACCESSLOG_HTTP_STATUS,
	ACCESSLOG_ERROR_CODE,
	ACCESSLOG_BYTES_SENT,
	ACCESSLOG_OBJECT_SIZE,
	ACCESSLOG_TOTAL_TIME,
	ACCESSLOG_TURN_AROUND_TIME,
	ACCESSLOG_REFERER,		/* without the quotes */
	ACCESSLOG_USER_AGENT,		/* without the quotes */
	ACCESSLOG_VERSION_ID,
	ACCESSLOG_HOST_ID,
	ACCESSLOG_SIGNATURE_VERSION,
	ACCESSLOG_CIPHER_SUITE,
	ACCESSLOG_AUTH_TYPE,
	ACCESSLOG_HOST_HEADER,
	ACCESSLOG_TLS_VERSION,
	ACCESSLOG_ACCESS_POINT_ARN,
	ACCESSLOG_ACL_REQUIRED,
	ACCESSLOG_SOURCE_REGION,
	ACCESSLOG_NFIELDS
};

/* The original format ended with the User-Agent. */
#define ACCESSLOG_MIN_FIELDS	(ACCESSLOG_USER_AGENT + 1)
/* Longer lines are malformed without being copied. */
#define ACCESSLOG_MAX_LINE	(256 * 1024)

struct accesslog_record {
	/* NULL when the field is '-' (or "-" quoted), or beyond the fields
	 * the line has. */
	const char	*field[ACCESSLOG_NFIELDS];
	size_t		 nfields;	/* fields present, at most NFIELDS */
	const char	*extra;		/* unknown trailing fields, raw, or NULL */
	time_t		 time;		/* epoch seconds, UTC */
	/* -1 when absent ('-'; for bytes sent that means zero). */
	int		 http_status;
	int64_t		 bytes_sent;
	int64_t		 object_size;
	int64_t		 total_time;	/* milliseconds */
	int64_t		 turn_around_time;
	char		*line;		/* owned storage the fields point into */
};

/* Parses len bytes (no newline; a trailing CR is dropped).  0, or -1 with
 * *reason, a static string.  The record is always safe to free. */
int		 accesslog_parse(const char *line, size_t len,
		    struct accesslog_record *, const char **reason);
void		 accesslog_record_free(struct accesslog_record *);
/* "bucket_owner", "http_status", ...: stable names for JSON output. */
const char	*accesslog_field_name(enum accesslog_field);
/* "06/Feb/2019:00:00:38 +0000" to epoch seconds; -1 if it does not parse. */
time_t		 accesslog_parse_time(const char *);

/* Iterates over the records of a buffer or a file, skipping blank lines
 * and counting malformed ones; it never stops early. */
struct accesslog_iter;

struct accesslog_error {
	size_t		 line;		/* from 1 */
	const char	*reason;	/* static */
};

/* Borrows data, which must outlive the iterator. */
struct accesslog_iter	*accesslog_iter_new(const char *data, size_t len);
/* Reads the whole file (gzip is inflated); NULL with *cause. */
struct accesslog_iter	*accesslog_iter_open(const char *path, char **cause);
/* The next record, borrowed until the next call; NULL at the end. */
const struct accesslog_record *accesslog_iter_next(struct accesslog_iter *);
size_t			 accesslog_iter_records(const struct accesslog_iter *);
size_t			 accesslog_iter_malformed(const struct accesslog_iter *);
/* The first ACCESSLOG_MAX_ERRORS malformed lines (the count goes on). */
#define ACCESSLOG_MAX_ERRORS	100
const struct accesslog_error *accesslog_iter_errors(
			    const struct accesslog_iter *, size_t *n);
void			 accesslog_iter_free(struct accesslog_iter *);

#endif
