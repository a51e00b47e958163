/* The IAM, bucket and topic policies the setup writes, as JSON text.
 *
 * Every grant to an AWS service carries confused-deputy conditions
 * (aws:SourceArn and aws:SourceAccount), resources are as narrow as the
 * service allows, and the buckets refuse plain HTTP.  tests/unit/
 * policy-test.c holds these properties.  All functions return a new
 * string the caller frees. */
#ifndef S3W_POLICY_H
#define S3W_POLICY_H

#include <stdbool.h>

/* Lets logging.s3.amazonaws.com put objects under log_prefix for
 * source_bucket of account only.  require_tls adds a Deny of plain HTTP
 * (to every caller, this tool included). */
char	*policy_access_log_bucket(const char *partition, const char *log_bucket,
	    const char *log_prefix, const char *source_bucket,
	    const char *account, bool require_tls);
/* Lets cloudtrail.amazonaws.com read the ACL and write under
 * prefix/AWSLogs/account/ for trail_arn only. */
char	*policy_trail_bucket(const char *partition, const char *trail_bucket,
	    const char *trail_prefix, const char *account,
	    const char *trail_arn, bool require_tls);
/* A role only service may assume, for account (and source_arn if given). */
char	*policy_trust(const char *service, const char *account,
	    const char *source_arn);
/* CloudTrail's delivery role: CreateLogStream and PutLogEvents on the
 * trail's streams of one log group. */
char	*policy_trail_logs_role(const char *partition, const char *region,
	    const char *account, const char *log_group);
/* The alert topic: the account manages it; EventBridge may publish for
 * rules matching rule_arn_like only. */
char	*policy_topic(const char *topic_arn, const char *account,
	    const char *rule_arn_like);
/* The analyser's role: its own log group, Publish to one topic, and the
 * item calls it makes on its state table (GetItem, PutItem, UpdateItem,
 * DeleteItem) on that table only. */
char	*policy_lambda_role(const char *partition, const char *region,
	    const char *account, const char *function, const char *topic_arn,
	    const char *table_arn);

#endif
