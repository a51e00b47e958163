/* S3 server access log records. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "accesslog.h"
#include "buf.h"
#include "isotime.h"
#include "xalloc.h"

/* A whole log file is read into memory: S3 writes them small. */
#define ACCESSLOG_MAX_FILE	((size_t)1 << 30)

static const char *const accesslog_names[ACCESSLOG_NFIELDS] = {
	"bucket_owner", "bucket", "time", "remote_ip", "requester",
	"request_id", "operation", "key", "request_uri", "http_status",
	"error_code", "bytes_sent", "object_size", "total_time",
	"turn_around_time", "referer", "user_agent", "version_id", "host_id",
	"signature_version", "cipher_suite", "auth_type", "host_header",
	"tls_version", "access_point_arn", "acl_required", "source_region",
};

const char *
accesslog_field_name(enum accesslog_field f)
{
	if ((unsigned)f >= ACCESSLOG_NFIELDS)
		return "unknown";
	return accesslog_names[f];
}

static int
accesslog_digits(const char *s, size_t n, int *out)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

time_t
accesslog_parse_time(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *m;
	int day, year, hour, min, sec, off;
	time_t t;

	/* 06/Feb/2019:00:00:38 +0000: exactly 26 characters. */
	if (s == NULL || strlen(s) != 26 || s[2] != '/' || s[6] != '/' ||
	    s[11] != ':' || s[14] != ':' || s[17] != ':' || s[20] != ' ' ||
	    (s[21] != '+' && s[21] != '-'))
		return -1;
	if (accesslog_digits(s, 2, &day) != 0 ||
	    accesslog_digits(s + 7, 4, &year) != 0 ||
	    accesslog_digits(s + 12, 2, &hour) != 0 ||
	    accesslog_digits(s + 15, 2, &min) != 0 ||
	    accesslog_digits(s + 18, 2, &sec) != 0 ||
	    accesslog_digits(s + 22, 4, &off) != 0)
		return -1;
	for (m = months; *m != '\0'; m += 3) {
		if (strncmp(m, s + 3, 3) == 0)
			break;
	}
	if (*m == '\0' || day < 1 || day > 31 || year < 1970 || hour > 23 ||
	    min > 59 || sec > 60 || off % 100 > 59 || off / 100 > 23)
		return -1;
	t = (time_t)isotime_from_civil(year, (int)(m - months) / 3 + 1, day,
	    hour, min, sec);
	/* Local time minus the offset is UTC. */
	off = (off / 100) * 3600 + (off % 100) * 60;
	return s[21] == '+' ? t - off : t + off;
}

/* "-" is -1; digits are the number; anything else fails. */
static int
accesslog_number(const char *s, int64_t max, int64_t *out)
{
	int64_t v = 0;

	if (s == NULL) {
		*out = -1;
		return 0;
	}
	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (max - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

void
accesslog_record_free(struct accesslog_record *r)
{
	free(r->line);
	memset(r, 0, sizeof *r);
	r->http_status = -1;
	r->bytes_sent = r->object_size = r->total_time =
	    r->turn_around_time = -1;
	r->time = -1;
}

/* Finds the closing character of a quoted or bracketed field: one
 * followed by a space or the end of the line, so a stray quote inside a
 * User-Agent does not end it early. */
static char *
accesslog_close(char *p, char *end, char c)
{
	for (; p < end; p++) {
		if (*p == c && (p + 1 == end || p[1] == ' '))
			return p;
	}
	return NULL;
}

static int
accesslog_split(struct accesslog_record *r, size_t len, const char **reason)
{
	char *p = r->line, *end = r->line + len, *q;
	size_t i;

	for (i = 0; i < ACCESSLOG_NFIELDS && p < end; i++) {
		if ((i == ACCESSLOG_TIME && *p == '[') || *p == '"') {
			if ((q = accesslog_close(p + 1, end,
			    *p == '[' ? ']' : '"')) == NULL) {
				*reason = *p == '[' ? "unterminated [time]" :
				    "unterminated quoted field";
				return -1;
			}
			*q = '\0';
			r->field[i] = p + 1;
			p = q + 1;
		} else {
			q = memchr(p, ' ', (size_t)(end - p));
			if (q == NULL)
				q = end;
			*q = '\0';
			r->field[i] = p;
			p = q;
		}
		if (p < end)
			*p++ = '\0';	/* the separating space */
		if (strcmp(r->field[i], "-") == 0)
			r->field[i] = NULL;
	}
	r->nfields = i;
	if (p < end)
		r->extra = p;
	return 0;
}

int
accesslog_parse(const char *line, size_t len, struct accesslog_record *r,
    const char **reason)
{
	static const struct {
		enum accesslog_field	 f;
		int64_t			 max;
		const char		*reason;
	} numbers[] = {
		{ ACCESSLOG_HTTP_STATUS, 999, "HTTP status is not a number" },
		{ ACCESSLOG_BYTES_SENT, INT64_MAX, "bytes sent is not a number" },
		{ ACCESSLOG_OBJECT_SIZE, INT64_MAX,
		  "object size is not a number" },
		{ ACCESSLOG_TOTAL_TIME, INT64_MAX, "total time is not a number" },
		{ ACCESSLOG_TURN_AROUND_TIME, INT64_MAX,
		  "turn-around time is not a number" },
	};
	int64_t v[sizeof numbers / sizeof numbers[0]];
	size_t i;

	memset(r, 0, sizeof *r);
	accesslog_record_free(r);
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0) {
		*reason = "empty line";
		return -1;
	}
	if (len > ACCESSLOG_MAX_LINE) {
		*reason = "line too long";
		return -1;
	}
	r->line = xmalloc(len + 1);
	memcpy(r->line, line, len);
	r->line[len] = '\0';
	if (accesslog_split(r, len, reason) != 0)
		goto bad;
	if (r->nfields < ACCESSLOG_MIN_FIELDS) {
		*reason = "too few fields";
		goto bad;
	}
	if ((r->time = accesslog_parse_time(r->field[ACCESSLOG_TIME])) == -1) {
		*reason = "time does not parse";
		goto bad;
	}
	for (i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		if (accesslog_number(r->field[numbers[i].f], numbers[i].max,
		    &v[i]) != 0) {
			*reason = numbers[i].reason;
			goto bad;
		}
	}
	r->http_status = (int)v[0];
	r->bytes_sent = v[1];
	r->object_size = v[2];
	r->total_time = v[3];
	r->turn_around_time = v[4];
	return 0;
bad:
	accesslog_record_free(r);
	return -1;
}

/* --- the iterator ---------------------------------------------------------- */

struct accesslog_iter {
	const char		*data;
	size_t			 len;
	size_t			 pos;
	size_t			 line;
	size_t			 records;
	size_t			 malformed;
	struct accesslog_error	 errors[ACCESSLOG_MAX_ERRORS];
	size_t			 nerrors;
	struct accesslog_record	 rec;
	struct buf		 owned;		/* the file, for _open() */
};

struct accesslog_iter *
accesslog_iter_new(const char *data, size_t len)
{
	struct accesslog_iter *it = xcalloc(1, sizeof *it);

	it->data = data != NULL ? data : "";
	it->len = data != NULL ? len : 0;
	accesslog_record_free(&it->rec);
	return it;
}

struct accesslog_iter *
accesslog_iter_open(const char *path, char **cause)
{
	struct accesslog_iter *it;
	struct buf b = { 0 };
	gzFile gz;
	int n, err;

	/* gzread() passes plain files through unchanged. */
	if ((gz = gzopen(path, "rb")) == NULL) {
		*cause = xasprintf("cannot open %s: %s", path,
		    errno != 0 ? strerror(errno) : "out of memory");
		return NULL;
	}
	for (;;) {
		buf_reserve(&b, 65536);
		n = gzread(gz, b.data + b.len, 65536);
		if (n <= 0)
			break;
		b.len += (size_t)n;
		if (b.len > ACCESSLOG_MAX_FILE) {
			n = -1;
			break;
		}
	}
	if (n < 0) {
		*cause = xasprintf("cannot read %s: %s", path,
		    b.len > ACCESSLOG_MAX_FILE ? "file too large" :
		    gzerror(gz, &err));
		gzclose(gz);
		buf_free(&b);
		return NULL;
	}
	gzclose(gz);
	it = accesslog_iter_new(NULL, 0);
	it->owned = b;
	it->data = b.data != NULL ? b.data : "";
	it->len = b.len;
	return it;
}

const struct accesslog_record *
accesslog_iter_next(struct accesslog_iter *it)
{
	const char *p, *nl, *reason;
	size_t n;

	accesslog_record_free(&it->rec);
	while (it->pos < it->len) {
		p = it->data + it->pos;
		nl = memchr(p, '\n', it->len - it->pos);
		n = nl != NULL ? (size_t)(nl - p) : it->len - it->pos;
		it->pos += n + (nl != NULL ? 1 : 0);
		it->line++;
		if (n == 0 || (n == 1 && *p == '\r'))
			continue;
		if (accesslog_parse(p, n, &it->rec, &reason) == 0) {
			it->records++;
			return &it->rec;
		}
		it->malformed++;
		if (it->nerrors < ACCESSLOG_MAX_ERRORS) {
			it->errors[it->nerrors].line = it->line;
			it->errors[it->nerrors].reason = reason;
			it->nerrors++;
		}
	}
	return NULL;
}

size_t
accesslog_iter_records(const struct accesslog_iter *it)
{
	return it->records;
}

size_t
accesslog_iter_malformed(const struct accesslog_iter *it)
{
	return it->malformed;
}

const struct accesslog_error *
accesslog_iter_errors(const struct accesslog_iter *it, size_t *n)
{
	*n = it->nerrors;
	return it->errors;
}

void
accesslog_iter_free(struct accesslog_iter *it)
{
	if (it == NULL)
		return;
	accesslog_record_free(&it->rec);
	buf_free(&it->owned);
	free(it);
}
