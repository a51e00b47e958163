/* Policy documents, built with json-c so every value is escaped. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "policy.h"
#include "xalloc.h"

static struct json_object *
policy_str(const char *fmt, ...) ATTR_FORMAT(1, 2);
static struct json_object *
policy_str(const char *fmt, ...)
{
	struct json_object *o;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	o = json_object_new_string(s);
	free(s);
	return o;
}

static struct json_object *
policy_strings(const char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/* {"Service": service} */
static struct json_object *
policy_service(const char *service)
{
	struct json_object *p = json_object_new_object();

	json_object_object_add(p, "Service", json_object_new_string(service));
	return p;
}

/* {op: {key: value}} added to a Condition block (made if absent). */
static void
policy_condition(struct json_object *stmt, const char *op, const char *key,
    struct json_object *value)
{
	struct json_object *cond, *block;

	if (!json_object_object_get_ex(stmt, "Condition", &cond)) {
		cond = json_object_new_object();
		json_object_object_add(stmt, "Condition", cond);
	}
	if (!json_object_object_get_ex(cond, op, &block)) {
		block = json_object_new_object();
		json_object_object_add(cond, op, block);
	}
	json_object_object_add(block, key, value);
}

static struct json_object *
policy_statement(struct json_object *doc, const char *sid, const char *effect,
    struct json_object *principal, struct json_object *action,
    struct json_object *resource)
{
	struct json_object *st = json_object_new_object(), *list;

	if (sid != NULL)
		json_object_object_add(st, "Sid", json_object_new_string(sid));
	json_object_object_add(st, "Effect", json_object_new_string(effect));
	if (principal != NULL)
		json_object_object_add(st, "Principal", principal);
	json_object_object_add(st, "Action", action);
	if (resource != NULL)
		json_object_object_add(st, "Resource", resource);
	json_object_object_get_ex(doc, "Statement", &list);
	json_object_array_add(list, st);
	return st;
}

static struct json_object *
policy_doc(void)
{
	struct json_object *doc = json_object_new_object();

	json_object_object_add(doc, "Version",
	    json_object_new_string("2012-10-17"));
	json_object_object_add(doc, "Statement", json_object_new_array());
	return doc;
}

static char *
policy_text(struct json_object *doc)
{
	char *s = xstrdup(json_object_to_json_string_ext(doc,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(doc);
	return s;
}

/* Buckets holding logs refuse requests without TLS. */
static void
policy_deny_plain_http(struct json_object *doc, const char *partition,
    const char *bucket)
{
	struct json_object *st, *res = json_object_new_array();

	json_object_array_add(res, policy_str("arn:%s:s3:::%s", partition,
	    bucket));
	json_object_array_add(res, policy_str("arn:%s:s3:::%s/*", partition,
	    bucket));
	st = policy_statement(doc, "DenyInsecureTransport", "Deny",
	    json_object_new_string("*"), json_object_new_string("s3:*"), res);
	policy_condition(st, "Bool", "aws:SecureTransport",
	    json_object_new_string("false"));
}

char *
policy_access_log_bucket(const char *partition, const char *log_bucket,
    const char *log_prefix, const char *source_bucket, const char *account,
    bool require_tls)
{
	struct json_object *doc = policy_doc(), *st;

	st = policy_statement(doc, "S3ServerAccessLogsDelivery", "Allow",
	    policy_service("logging.s3.amazonaws.com"),
	    json_object_new_string("s3:PutObject"),
	    policy_str("arn:%s:s3:::%s/%s*", partition, log_bucket,
	    log_prefix));
	policy_condition(st, "ArnLike", "aws:SourceArn",
	    policy_str("arn:%s:s3:::%s", partition, source_bucket));
	policy_condition(st, "StringEquals", "aws:SourceAccount",
	    json_object_new_string(account));
	if (require_tls)
		policy_deny_plain_http(doc, partition, log_bucket);
	return policy_text(doc);
}

char *
policy_trail_bucket(const char *partition, const char *trail_bucket,
    const char *trail_prefix, const char *account, const char *trail_arn,
    bool require_tls)
{
	struct json_object *doc = policy_doc(), *st;

	st = policy_statement(doc, "CloudTrailAclCheck", "Allow",
	    policy_service("cloudtrail.amazonaws.com"),
	    json_object_new_string("s3:GetBucketAcl"),
	    policy_str("arn:%s:s3:::%s", partition, trail_bucket));
	policy_condition(st, "StringEquals", "aws:SourceArn",
	    json_object_new_string(trail_arn));
	st = policy_statement(doc, "CloudTrailWrite", "Allow",
	    policy_service("cloudtrail.amazonaws.com"),
	    json_object_new_string("s3:PutObject"),
	    *trail_prefix != '\0' ?
	    policy_str("arn:%s:s3:::%s/%s/AWSLogs/%s/*", partition,
	    trail_bucket, trail_prefix, account) :
	    policy_str("arn:%s:s3:::%s/AWSLogs/%s/*", partition, trail_bucket,
	    account));
	policy_condition(st, "StringEquals", "s3:x-amz-acl",
	    json_object_new_string("bucket-owner-full-control"));
	policy_condition(st, "StringEquals", "aws:SourceArn",
	    json_object_new_string(trail_arn));
	if (require_tls)
		policy_deny_plain_http(doc, partition, trail_bucket);
	return policy_text(doc);
}

char *
policy_trust(const char *service, const char *account, const char *source_arn)
{
	struct json_object *doc = policy_doc(), *st;

	st = policy_statement(doc, NULL, "Allow", policy_service(service),
	    json_object_new_string("sts:AssumeRole"), NULL);
	policy_condition(st, "StringEquals", "aws:SourceAccount",
	    json_object_new_string(account));
	if (source_arn != NULL)
		policy_condition(st, "ArnLike", "aws:SourceArn",
		    json_object_new_string(source_arn));
	return policy_text(doc);
}

char *
policy_trail_logs_role(const char *partition, const char *region,
    const char *account, const char *log_group)
{
	static const char *const actions[] = { "logs:CreateLogStream",
	    "logs:PutLogEvents" };
	struct json_object *doc = policy_doc();

	/* CloudTrail names its streams ACCOUNT_CloudTrail_REGION, one per
	 * region of a multi-region trail. */
	policy_statement(doc, "CloudTrailDelivery", "Allow", NULL,
	    policy_strings(actions, 2),
	    policy_str("arn:%s:logs:%s:%s:log-group:%s:log-stream:%s_CloudTrail_*",
	    partition, region, account, log_group, account));
	return policy_text(doc);
}

char *
policy_topic(const char *topic_arn, const char *account,
    const char *rule_arn_like)
{
	static const char *const owner_actions[] = { "sns:GetTopicAttributes",
	    "sns:SetTopicAttributes", "sns:Subscribe",
	    "sns:ListSubscriptionsByTopic", "sns:Publish", "sns:DeleteTopic" };
	struct json_object *doc = policy_doc(), *st, *owner;

	owner = json_object_new_object();
	json_object_object_add(owner, "AWS", json_object_new_string("*"));
	st = policy_statement(doc, "AccountManages", "Allow", owner,
	    policy_strings(owner_actions, 6),
	    json_object_new_string(topic_arn));
	policy_condition(st, "StringEquals", "AWS:SourceOwner",
	    json_object_new_string(account));
	st = policy_statement(doc, "EventBridgePublishes", "Allow",
	    policy_service("events.amazonaws.com"),
	    json_object_new_string("sns:Publish"),
	    json_object_new_string(topic_arn));
	policy_condition(st, "ArnLike", "aws:SourceArn",
	    json_object_new_string(rule_arn_like));
	policy_condition(st, "StringEquals", "aws:SourceAccount",
	    json_object_new_string(account));
	return policy_text(doc);
}

char *
policy_lambda_role(const char *partition, const char *region,
    const char *account, const char *function, const char *topic_arn,
    const char *table_arn)
{
	static const char *const log_actions[] = { "logs:CreateLogStream",
	    "logs:PutLogEvents" };
	static const char *const state_actions[] = { "dynamodb:GetItem",
	    "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem" };
	struct json_object *doc = policy_doc();

	policy_statement(doc, "OwnLogGroup", "Allow", NULL,
	    json_object_new_string("logs:CreateLogGroup"),
	    policy_str("arn:%s:logs:%s:%s:log-group:/aws/lambda/%s", partition,
	    region, account, function));
	policy_statement(doc, "OwnLogStreams", "Allow", NULL,
	    policy_strings(log_actions, 2),
	    policy_str("arn:%s:logs:%s:%s:log-group:/aws/lambda/%s:*",
	    partition, region, account, function));
	policy_statement(doc, "PublishFindings", "Allow", NULL,
	    json_object_new_string("sns:Publish"),
	    json_object_new_string(topic_arn));
	policy_statement(doc, "KeepState", "Allow", NULL,
	    policy_strings(state_actions, 4), json_object_new_string(table_arn));
	return policy_text(doc);
}
