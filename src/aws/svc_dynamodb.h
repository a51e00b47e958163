/* Amazon DynamoDB (awsJson 1.0): the tables setup makes and the time to
 * live that expires their items.  Reading and writing items is the Lambda
 * analyser's business (boto3), not s3watch's.  See svc.h for the
 * conventions. */
#ifndef S3W_SVC_DYNAMODB_H
#define S3W_SVC_DYNAMODB_H

#include "svc.h"

/* CreateTable input: on-demand (PAY_PER_REQUEST) billing, one string
 * partition key. */
struct dynamodb_table_spec {
	const char		*name;
	const char		*key;		/* partition key attribute (S) */
	const struct svc_tag	*tags;
	size_t			 ntags;
};

/* DescribeTable output. */
struct dynamodb_table {
	char	*name;
	char	*arn;
	char	*status;	/* CREATING, ACTIVE, DELETING, UPDATING, ... */
	char	*billing;	/* PAY_PER_REQUEST or PROVISIONED */
	char	*key;		/* the HASH key's attribute name */
	char	*key_type;	/* its type: S, N or B */
	size_t	 nkeys;		/* key schema elements (2 with a sort key) */
};

/* DescribeTimeToLive output. */
struct dynamodb_ttl {
	char	*status;	/* ENABLED, ENABLING, DISABLED, DISABLING */
	char	*attribute;	/* NULL when disabled */
};

/* Table names: 3 to 255 of letters, digits, '_', '-' and '.'; 0, or -1
 * with *cause. */
int	 dynamodb_table_name_check(const char *, char **cause);

struct aws_request *dynamodb_create_table(const struct dynamodb_table_spec *,
	    char **cause);
struct aws_request *dynamodb_describe_table(const char *name, char **cause);
struct aws_request *dynamodb_delete_table(const char *name, char **cause);
/* AWS refuses a second change within an hour of the last one
 * (ValidationException): ask DescribeTimeToLive first. */
struct aws_request *dynamodb_update_time_to_live(const char *name,
	    const char *attribute, bool enabled, char **cause);
struct aws_request *dynamodb_describe_time_to_live(const char *name,
	    char **cause);

/* CreateTable answers the table description too. */
int	 dynamodb_create_table_parse(struct aws_response *,
	    struct dynamodb_table *, char **cause);
/* A missing table is ResourceNotFoundException. */
int	 dynamodb_describe_table_parse(struct aws_response *,
	    struct dynamodb_table *, char **cause);
void	 dynamodb_table_free(struct dynamodb_table *);
int	 dynamodb_describe_time_to_live_parse(struct aws_response *,
	    struct dynamodb_ttl *, char **cause);
void	 dynamodb_ttl_free(struct dynamodb_ttl *);

#endif
