/* The operator policies: the least IAM policy for a way of using s3watch,
 * made from the call tables (calls.h) of the parts that use involves,
 * with each resource template filled in from the run's names.
 *
 * A policy owns its rows; the tables and the why strings are static. */
#ifndef S3W_OPPOLICY_H
#define S3W_OPPOLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "calls.h"

/* One table, with the phases of it that count (0: all). */
struct oppolicy_part {
	const struct calls_entry	*calls;
	unsigned			 when;
};

/* One grant: an action on one resource. */
struct oppolicy_row {
	char		*action;	/* "logs:FilterLogEvents" */
	char		*resource;	/* an ARN, or "*" */
	const char	*why;
	const char	*condition;	/* JSON, or NULL */
};

struct oppolicy {
	struct oppolicy_row	*v;	/* by action, then resource */
	size_t			 n;
};

/* The value of ${key}, or NULL when there is none (borrowed). */
typedef const char *(*oppolicy_name_fn)(const char *key, void *arg);

/* The rows of the parts' calls, each resource filled in by name(); NULL
 * with *cause naming a template's unknown ${key}.  With moto, what moto
 * can evaluate: every resource but S3's is "*", and no conditions (its
 * IAM checks other services' calls against "*" and sees no condition
 * values), and the S3 calls moto checks under another action (HeadBucket,
 * the public access block calls) and CloudWatch's (monitoring:X) carry
 * moto's action, so a strict
 * sandbox proves the list of actions. */
struct oppolicy	*oppolicy_new(const struct oppolicy_part *, size_t nparts,
		    oppolicy_name_fn name, void *arg, bool moto, char **cause);
void		 oppolicy_free(struct oppolicy *);
/* Does it grant this action (on any resource)? */
bool		 oppolicy_has(const struct oppolicy_part *, size_t nparts,
		    const char *action);
/* A valid IAM policy document: actions with the same resources and
 * condition share a statement.  Caller frees. */
char		*oppolicy_json(const struct oppolicy *);
/* The table for people: action, resource, why; caller frees. */
char		*oppolicy_text(const struct oppolicy *);

#endif
