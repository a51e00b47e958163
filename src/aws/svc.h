/* Typed AWS operations, one file per service (svc_<service>.c).
 *
 * A builder returns a new request for aws_send() or aws_call(), which take
 * it over.  Builders that check their input locally (empty names, naming
 * rules, AWS limits) take a char **cause and return NULL with *cause (the
 * caller frees) for input AWS would refuse anyway.
 *
 * A parser reads a response (borrowed, not freed) into a struct owned by
 * the caller: it returns 0, or -1 with *cause naming the operation and the
 * AWS error or what the answer lacks.  The struct is zeroed first and is
 * always safe to pass to its _free function, which frees what the struct
 * points to (not the struct itself).
 *
 * Structs that serve as builder input and parser output (selectors, log
 * events, targets) borrow their strings as input and own them as output.
 *
 * The helpers the svc_*.c files share are in svc_internal.h, which only
 * they include; the few below serve their callers too. */
#ifndef S3W_SVC_H
#define S3W_SVC_H

/* Callers have long had these through this header. */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws.h"
#include "xml.h"

/* A resource tag or any other name/value pair given to a builder. */
struct svc_tag {
	const char	*key;
	const char	*value;
};

/* --- helpers for callers too -------------------------------------------- */

/* Parsers: 0 if the call succeeded, else -1 and *cause "OP: error". */
static inline int
svc_check(struct aws_response *resp, const char *op, char **cause)
{
	if (resp->kind == AWS_OK)
		return 0;
	*cause = xasprintf("%s: %s", op, aws_error_text(resp));
	return -1;
}

/* The array at key, or NULL; *n is its length. */
#include "svc_s3.h"
#include "svc_cloudtrail.h"
#include "svc_logs.h"
#include "svc_iam.h"
#include "svc_sns.h"
#include "svc_events.h"
#include "svc_lambda.h"
#include "svc_cloudwatch.h"
#include "svc_sts.h"
#include "svc_dynamodb.h"

#endif
