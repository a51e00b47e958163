/* Shared by the tests/integration/svc-*-test.c programs, which svc-test.sh
 * runs inside one sandbox (moto behind the fault proxy; the environment
 * comes from the sandbox's env file).
 *
 *   svct_setup      cmocka group setup: a loop and a client from the env
 *   svct_req(r, c)  asserts a builder gave a request (prints the cause)
 *   svct_call(r)    sends it; the response is the caller's
 *   svct_ok(r)      sends it and asserts success (prints the AWS error)
 *   svct_aws(fmt)   runs the real AWS CLI against moto directly and
 *                   returns its parsed JSON output (json_object_put it);
 *                   asserts it exited 0
 *   svct_aws_fails(fmt)  the same, asserting it failed; returns stderr
 *   svct_refused(r, &cause, want)  asserts a builder refused, saying want
 *   svct_name(pfx)  a fresh lower-case unique name (static buffer ring) */
#ifndef S3W_SVC_COMMON_H
#define S3W_SVC_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "aws.h"
#include "loop.h"
#include "svc.h"

static struct loop *svct_loop;
static struct aws_client *svct_client;

static inline int
svct_setup(void **state)
{
	struct aws_options o;
	char *cause = NULL;

	(void)state;
	if (getenv("S3WATCH_SANDBOX_MOTO_URL") == NULL) {
		fprintf(stderr, "run me through svc-test.sh (no sandbox)\n");
		return -1;
	}
	memset(&o, 0, sizeof o);
	svct_loop = loop_new();
	svct_client = aws_client_new(svct_loop, &o, &cause);
	if (svct_client == NULL) {
		fprintf(stderr, "client: %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

static inline int
svct_teardown(void **state)
{
	(void)state;
	aws_client_free(svct_client);
	loop_free(svct_loop);
	return 0;
}

/* A macro so the cause is read after the builder ran (argument order is
 * unspecified in C). */
#define svct_req(expr, cause) svct_req_((expr), &(cause))

static inline struct aws_request *
svct_req_(struct aws_request *r, char **cause)
{
	if (r == NULL)
		fail_msg("builder refused: %s", *cause != NULL ? *cause : "?");
	return r;
}

static inline struct aws_response *
svct_call(struct aws_request *r)
{
	struct aws_response *resp = aws_call(svct_client, r);

	assert_non_null(resp);
	return resp;
}

static inline struct aws_response *
svct_ok(struct aws_request *r)
{
	const char *op = r->op;
	struct aws_response *resp = svct_call(r);

	if (resp->kind != AWS_OK)
		fail_msg("%s failed: %s", op, aws_error_text(resp));
	return resp;
}

/* Sends a request and asserts success, freeing the response. */
static inline void
svct_do(struct aws_request *r)
{
	aws_response_free(svct_ok(r));
}

/* Asserts a parser succeeded, printing its cause. */
#define svct_parsed(expr, cause) do {					\
	if ((expr) != 0)						\
		fail_msg("%s: %s", #expr, (cause) != NULL ? (cause) : "?"); \
} while (0)

static inline char *
svct_run(const char *args, int *status, bool want_stderr)
{
	struct buf b = { 0 };
	char *cmd, chunk[4096];
	size_t n;
	FILE *f;
	int rc;

	/* A clean Python for Debian's awscli, as lib.sh's awscli() does. */
	cmd = xasprintf("env -u PYTHONPATH -u PYTHONHOME PYTHONNOUSERSITE=1 "
	    "PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/bin/aws --endpoint-url "
	    "\"$S3WATCH_SANDBOX_MOTO_URL\" --region us-east-1 --output json "
	    "%s %s", args, want_stderr ? "2>&1 >/dev/null" : "");
	if ((f = popen(cmd, "r")) == NULL)
		fail_msg("popen: %s", cmd);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	rc = pclose(f);
	*status = WIFEXITED(rc) ? WEXITSTATUS(rc) : 255;
	free(cmd);
	return buf_take(&b);
}

static inline struct json_object *
svct_aws(const char *fmt, ...) ATTR_FORMAT(1, 2);
static inline struct json_object *
svct_aws(const char *fmt, ...)
{
	struct json_object *o;
	char *args, *out;
	va_list ap;
	int status;

	va_start(ap, fmt);
	args = xvasprintf(fmt, ap);
	va_end(ap);
	out = svct_run(args, &status, false);
	if (status != 0)
		fail_msg("aws %s: exit %d", args, status);
	o = *out != '\0' ? json_tokener_parse(out) : json_object_new_object();
	if (o == NULL)
		fail_msg("aws %s: not JSON: %s", args, out);
	free(args);
	free(out);
	return o;
}

static inline char *
svct_aws_fails(const char *fmt, ...) ATTR_FORMAT(1, 2);
static inline char *
svct_aws_fails(const char *fmt, ...)
{
	char *args, *err;
	va_list ap;
	int status;

	va_start(ap, fmt);
	args = xvasprintf(fmt, ap);
	va_end(ap);
	err = svct_run(args, &status, true);
	if (status == 0)
		fail_msg("aws %s: succeeded, expected a failure", args);
	free(args);
	return err;
}

/* Asserts a builder refused, with a cause holding want (taken by address:
 * C evaluates arguments in no set order, and the builder sets it). */
static inline void
svct_refused(struct aws_request *r, char **cause, const char *want)
{
	if (r != NULL) {
		aws_request_free(r);
		fail_msg("builder accepted, expected a refusal with '%s'", want);
	}
	assert_non_null(*cause);
	if (strstr(*cause, want) == NULL)
		fail_msg("cause '%s' lacks '%s'", *cause, want);
	free(*cause);
	*cause = NULL;
}

/* A string field of the CLI's JSON, by dotted path ("Trail.Name"). */
static inline const char *
svct_jstr(struct json_object *o, const char *path)
{
	char *copy = xstrdup(path), *p, *save = NULL;
	const char *v;

	for (p = strtok_r(copy, ".", &save); p != NULL && o != NULL;
	    p = strtok_r(NULL, ".", &save))
		o = aws_json_get(o, p);
	free(copy);
	v = o != NULL ? json_object_get_string(o) : NULL;
	return v;
}

static inline const char *
svct_name(const char *prefix)
{
	static char ring[8][96];
	static unsigned int next, serial;
	char *s = ring[next++ % 8];

	snprintf(s, sizeof ring[0], "%s-%ld-%u", prefix, (long)getpid(),
	    serial++);
	return s;
}

#endif
