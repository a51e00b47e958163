/* The calls each part of s3watch makes, declared in tables beside the code
 * that makes them (each setup step, the tail, the monitor, verify-logs),
 * so that the operator policies (`s3watch policy`) are made from the
 * code's own lists and a run can refuse a call its table does not
 * declare; and what a denied call needs: its IAM action, and which policy
 * grants it.
 *
 * A table ends with an entry whose op is NULL.  Every string is static. */
#ifndef S3W_CALLS_H
#define S3W_CALLS_H

#include <stdbool.h>

#include "endpoint.h"

/* When a setup step makes a call: bits of its phases, in the order of
 * enum setup_phase (setup_internal.h).  The other parts' tables say 0:
 * always. */
#define CALLS_CHECK	(1u << 0)
#define CALLS_APPLY	(1u << 1)
#define CALLS_VERIFY	(1u << 2)
#define CALLS_UNDO	(1u << 3)
#define CALLS_READ	(CALLS_CHECK | CALLS_VERIFY)	/* status */
#define CALLS_ANY	(CALLS_CHECK | CALLS_APPLY | CALLS_VERIFY | CALLS_UNDO)

/* Not a call but a permission a call needs from its caller (iam:PassRole
 * for CreateTrail and CreateFunction): op is the IAM action's name. */
#define CALLS_IMPLIED	(1u << 0)

/* Resource templates several tables use. */
#define CALLS_ARN_BUCKET(name)	"arn:${partition}:s3:::${" name "}"
#define CALLS_ARN_OBJECTS(name)	"arn:${partition}:s3:::${" name "}/*"
#define CALLS_ARN_BUCKETS	CALLS_ARN_BUCKET("source_bucket") " "	\
	CALLS_ARN_BUCKET("log_bucket") " " CALLS_ARN_BUCKET("trail_bucket")
#define CALLS_ARN_RULES							\
	"arn:${partition}:events:${region}:${account}:rule/${rule_prefix}*"
#define CALLS_ARN_ALARMS						\
	"arn:${partition}:cloudwatch:${region}:${account}:alarm:${rule_prefix}*"
#define CALLS_ARN_TABLE							\
	"arn:${partition}:dynamodb:${region}:${account}:table/"		\
	"${lambda_function}-state"
#define CALLS_ARN_DASHBOARD						\
	"arn:${partition}:cloudwatch::${account}:dashboard/${dashboard}"
/* iam:PassRole only to the service that is to assume the role. */
#define CALLS_PASSED_TO(svc)						\
	"{\"StringEquals\": {\"iam:PassedToService\": \"" svc "\"}}"

struct calls_entry {
	enum aws_service_id	 svc;
	const char		*op;		/* as aws_request_new() names it */
	unsigned		 when;		/* CALLS_* phases, 0: always */
	/* The ARN the call acts on, with ${name} for the run's names
	 * (setup_name(): ${log_bucket}, ${topic_arn}, ...) and a trailing
	 * '*' for a prefix; "*" when the action takes no resource. */
	const char		*resource;
	const char		*why;		/* for the operator, a few words */
	unsigned		 flags;		/* CALLS_IMPLIED */
	const char		*condition;	/* a Condition's JSON, or NULL */
};

/* The IAM action that authorises a call, e.g. "s3:ListBucket" for S3's
 * HeadBucket and "cloudwatch:PutDashboard" for monitoring's; the caller
 * frees it. */
char	*calls_action(enum aws_service_id, const char *op);
/* The IAM service prefix: "cloudwatch" for the monitoring endpoint. */
const char *calls_iam_prefix(enum aws_service_id);
/* Is the entry in the table for these phases (when is 0 for always)? */
const struct calls_entry *calls_find(const struct calls_entry *,
	    enum aws_service_id, const char *op, unsigned when);

/* Does this AWS error code say the caller lacks a permission? */
bool	 calls_denied(const char *code);

/* Which `s3watch policy --for USE` grants an IAM action: the tables live
 * above this layer, so the program registers the function that knows
 * (cmd_policy.c).  calls_grant() answers NULL when none is registered or
 * no policy holds the action. */
typedef const char *(*calls_grant_fn)(const char *action);
void	 calls_set_grant(calls_grant_fn);
const char *calls_grant(const char *action);

#endif
