/* Call tables: IAM actions of calls, denial codes, the grant hook. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "calls.h"
#include "xalloc.h"

/* Calls whose IAM action is not their operation's name (the Service
 * Authorization Reference, "Actions defined by Amazon S3"). */
static const struct {
	enum aws_service_id	 svc;
	const char		*op;
	const char		*action;
} calls_renamed[] = {
	{ SVC_S3, "HeadBucket", "ListBucket" },
	{ SVC_S3, "ListObjectsV2", "ListBucket" },
	{ SVC_S3, "ListObjects", "ListBucket" },
	{ SVC_S3, "ListBuckets", "ListAllMyBuckets" },
	{ SVC_S3, "HeadObject", "GetObject" },
	{ SVC_S3, "GetPublicAccessBlock", "GetBucketPublicAccessBlock" },
	{ SVC_S3, "PutPublicAccessBlock", "PutBucketPublicAccessBlock" },
	{ SVC_S3, "DeletePublicAccessBlock", "PutBucketPublicAccessBlock" },
	{ SVC_S3, "GetBucketLifecycleConfiguration",
	  "GetLifecycleConfiguration" },
	{ SVC_S3, "PutBucketLifecycleConfiguration",
	  "PutLifecycleConfiguration" },
};

/* The codes AWS services answer a call the policy does not allow with. */
static const char *const calls_denial_codes[] = {
	"AccessDenied",			/* S3, IAM, STS, CloudWatch */
	"AccessDeniedException",	/* JSON services */
	"AuthorizationError",		/* SNS */
	"AuthorizationErrorException",
	"UnauthorizedOperation",	/* EC2-style */
	"UnauthorizedAccess",
	"NotAuthorized",
};

static calls_grant_fn calls_grant_hook;

const char *
calls_iam_prefix(enum aws_service_id svc)
{
	/* The only service whose signing name is not its IAM prefix. */
	if (svc == SVC_CLOUDWATCH)
		return "cloudwatch";
	return endpoint_service(svc)->signing_name;
}

char *
calls_action(enum aws_service_id svc, const char *op)
{
	size_t i;

	for (i = 0; i < sizeof calls_renamed / sizeof calls_renamed[0]; i++)
		if (calls_renamed[i].svc == svc &&
		    strcmp(calls_renamed[i].op, op) == 0)
			return xasprintf("%s:%s", calls_iam_prefix(svc),
			    calls_renamed[i].action);
	return xasprintf("%s:%s", calls_iam_prefix(svc), op);
}

const struct calls_entry *
calls_find(const struct calls_entry *t, enum aws_service_id svc,
    const char *op, unsigned when)
{
	for (; t != NULL && t->op != NULL; t++) {
		if (t->svc != svc || strcmp(t->op, op) != 0 ||
		    (t->flags & CALLS_IMPLIED))
			continue;
		if (when == 0 || t->when == 0 || (t->when & when) != 0)
			return t;
	}
	return NULL;
}

bool
calls_denied(const char *code)
{
	size_t i;

	if (code == NULL)
		return false;
	for (i = 0; i < sizeof calls_denial_codes /
	    sizeof calls_denial_codes[0]; i++)
		if (strcmp(code, calls_denial_codes[i]) == 0)
			return true;
	return false;
}

void
calls_set_grant(calls_grant_fn fn)
{
	calls_grant_hook = fn;
}

const char *
calls_grant(const char *action)
{
	return calls_grant_hook != NULL ? calls_grant_hook(action) : NULL;
}
