/* Amazon S3 (REST-XML): buckets, their policy, server access logging and
 * public access block, and objects.  See svc.h for the conventions. */
#ifndef S3W_SVC_S3_H
#define S3W_SVC_S3_H

#include "svc.h"

/* Server access log object keys (TargetObjectKeyFormat). */
enum s3_key_format {
	S3_KEY_FORMAT_NONE,		/* element omitted: AWS's legacy default */
	S3_KEY_FORMAT_SIMPLE,		/* SimplePrefix */
	S3_KEY_FORMAT_PARTITIONED,	/* PartitionedPrefix */
};

enum s3_date_source {
	S3_DATE_EVENT_TIME,
	S3_DATE_DELIVERY_TIME,
};

/* PutBucketLogging input and GetBucketLogging output.  Logging is off when
 * target_bucket is NULL. */
struct s3_logging {
	char			*target_bucket;
	char			*target_prefix;
	enum s3_key_format	 key_format;
	enum s3_date_source	 date_source;	/* for PARTITIONED */
};

struct s3_public_access_block {
	bool	block_public_acls;
	bool	ignore_public_acls;
	bool	block_public_policy;
	bool	restrict_public_buckets;
};

struct s3_head {
	bool	 exists;
	bool	 accessible;	/* false: 403, or 301 (another region) */
	char	*region;	/* x-amz-bucket-region, or NULL */
};

struct s3_object {
	char	*key;
	int64_t	 size;
	time_t	 modified;
	char	*etag;
};

struct s3_objects {
	struct s3_object	*v;
	size_t			 n;
	bool			 truncated;
	char			*next_token;	/* NextContinuationToken */
};

struct s3_data {
	char	*data;		/* len bytes, plus a NUL for convenience */
	size_t	 len;
	char	*content_type;
};

/* Checks the rules for new bucket names (3-63 characters of a-z, 0-9, '.'
 * and '-', ...); 0, or -1 with *cause. */
int	 s3_bucket_name_check(const char *, char **cause);

/* In us-east-1 (or with a NULL region) no CreateBucketConfiguration is sent:
 * AWS refuses LocationConstraint=us-east-1. */
struct aws_request *s3_create_bucket(const char *bucket, const char *region,
	    char **cause);
struct aws_request *s3_delete_bucket(const char *bucket, char **cause);
struct aws_request *s3_head_bucket(const char *bucket, char **cause);
struct aws_request *s3_put_bucket_policy(const char *bucket,
	    const char *policy, char **cause);
struct aws_request *s3_get_bucket_policy(const char *bucket, char **cause);
struct aws_request *s3_delete_bucket_policy(const char *bucket, char **cause);
/* NULL or a NULL target_bucket turns logging off. */
struct aws_request *s3_put_bucket_logging(const char *bucket,
	    const struct s3_logging *, char **cause);
struct aws_request *s3_get_bucket_logging(const char *bucket, char **cause);
struct aws_request *s3_put_public_access_block(const char *bucket,
	    const struct s3_public_access_block *, char **cause);
struct aws_request *s3_get_public_access_block(const char *bucket,
	    char **cause);
/* prefix and token may be NULL; max_keys 0 means AWS's default (1000). */
struct aws_request *s3_list_objects_v2(const char *bucket, const char *prefix,
	    const char *token, int max_keys, char **cause);
struct aws_request *s3_put_object(const char *bucket, const char *key,
	    const void *data, size_t len, const char *content_type,
	    char **cause);
struct aws_request *s3_get_object(const char *bucket, const char *key,
	    char **cause);
struct aws_request *s3_delete_object(const char *bucket, const char *key,
	    char **cause);

/* A 404 is an answer here (exists false), not an error. */
int	 s3_head_bucket_parse(struct aws_response *, struct s3_head *,
	    char **cause);
void	 s3_head_free(struct s3_head *);
int	 s3_get_bucket_policy_parse(struct aws_response *, char **policy,
	    char **cause);
int	 s3_get_bucket_logging_parse(struct aws_response *, struct s3_logging *,
	    char **cause);
void	 s3_logging_free(struct s3_logging *);
int	 s3_get_public_access_block_parse(struct aws_response *,
	    struct s3_public_access_block *, char **cause);
int	 s3_list_objects_v2_parse(struct aws_response *, struct s3_objects *,
	    char **cause);
void	 s3_objects_free(struct s3_objects *);
int	 s3_get_object_parse(struct aws_response *, struct s3_data *,
	    char **cause);
void	 s3_data_free(struct s3_data *);

#endif
