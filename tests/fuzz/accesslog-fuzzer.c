/* libFuzzer harness: access log lines and files never crash the parser,
 * and every record it returns holds together. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accesslog.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct accesslog_record *r)
{
	size_t i, len;

	if (r->nfields < ACCESSLOG_MIN_FIELDS || r->nfields > ACCESSLOG_NFIELDS ||
	    r->line == NULL || r->time == -1)
		abort();
	len = 0;
	for (i = 0; i < ACCESSLOG_NFIELDS; i++) {
		/* Fields are NUL-terminated and readable. */
		if (r->field[i] != NULL)
			len += strlen(r->field[i]);
		if (i >= r->nfields && r->field[i] != NULL)
			abort();
	}
	if (r->extra != NULL)
		len += strlen(r->extra);
	if (len > ACCESSLOG_MAX_LINE)
		abort();
	if (r->http_status > 999 || r->bytes_sent < -1 || r->object_size < -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const struct accesslog_record *rp;
	struct accesslog_record r;
	struct accesslog_iter *it;
	const struct accesslog_error *e;
	const char *reason = NULL;
	size_t n, records = 0, i;

	/* The whole input as one line. */
	if (accesslog_parse(text, size, &r, &reason) == 0)
		check(&r);
	else if (reason == NULL)
		abort();
	accesslog_record_free(&r);

	/* And as a file of lines. */
	it = accesslog_iter_new(text, size);
	while ((rp = accesslog_iter_next(it)) != NULL) {
		check(rp);
		records++;
	}
	if (accesslog_iter_records(it) != records)
		abort();
	e = accesslog_iter_errors(it, &n);
	if (n > ACCESSLOG_MAX_ERRORS || n > accesslog_iter_malformed(it))
		abort();
	for (i = 0; i < n; i++) {
		if (e[i].reason == NULL || e[i].line == 0)
			abort();
	}
	accesslog_iter_free(it);
	if (size < 64) {
		char s[64];

		memcpy(s, text, size);
		s[size] = '\0';
		(void)accesslog_parse_time(s);
	}
	return 0;
}
