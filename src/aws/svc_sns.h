/* Amazon SNS (query): topics, their attributes and subscriptions, and
 * publishing, e.g. the topic CloudTrail notifies of new log files or
 * s3watch alerts go to.  See svc.h for the conventions. */
#ifndef S3W_SVC_SNS_H
#define S3W_SVC_SNS_H

#include "svc.h"

/* AWS's limit on a message, in bytes of UTF-8. */
#define SNS_MESSAGE_MAX	262144

/* CreateTopic input.  attrs are topic attributes (DisplayName, Policy,
 * FifoTopic, KmsMasterKeyId, ...). */
struct sns_topic_spec {
	const char		*name;	/* ".fifo" at the end for FIFO topics */
	const struct svc_tag	*attrs;
	size_t			 nattrs;
	const struct svc_tag	*tags;
	size_t			 ntags;
};

struct sns_attribute {
	char	*name;
	char	*value;
};

struct sns_attributes {
	struct sns_attribute	*v;
	size_t			 n;
};

struct sns_subscription {
	char	*arn;			/* "PendingConfirmation" until confirmed */
	char	*owner;			/* account id */
	char	*protocol;
	char	*endpoint;
	char	*topic_arn;
};

struct sns_subscriptions {
	struct sns_subscription	*v;
	size_t			 n;
	char			*next_token;
};

/* Publish input; NULL fields are left out.  group_id is required for FIFO
 * topics and dedup_id when the topic lacks content-based deduplication. */
struct sns_message {
	const char		*topic_arn;
	const char		*message;
	const char		*subject;	/* email subject line */
	const char		*group_id;
	const char		*dedup_id;
	const struct svc_tag	*attrs;		/* String message attributes */
	size_t			 nattrs;
};

struct aws_request *sns_create_topic(const struct sns_topic_spec *,
	    char **cause);
struct aws_request *sns_delete_topic(const char *arn, char **cause);
/* value NULL sends none, which AWS takes as empty. */
struct aws_request *sns_set_topic_attributes(const char *arn,
	    const char *name, const char *value, char **cause);
struct aws_request *sns_get_topic_attributes(const char *arn, char **cause);
/* protocol "sqs", "lambda", "https", "email", ...; endpoint its queue,
 * function ARN, URL or address.  attrs are subscription attributes
 * (RawMessageDelivery, FilterPolicy, ...). */
struct aws_request *sns_subscribe(const char *topic_arn, const char *protocol,
	    const char *endpoint, const struct svc_tag *attrs, size_t nattrs,
	    char **cause);
struct aws_request *sns_list_subscriptions_by_topic(const char *topic_arn,
	    const char *token, char **cause);
struct aws_request *sns_publish(const struct sns_message *, char **cause);

/* DeleteTopic and SetTopicAttributes answer nothing: check them with
 * svc_check().  The strings returned are the caller's. */
int	 sns_create_topic_parse(struct aws_response *, char **arn,
	    char **cause);
int	 sns_get_topic_attributes_parse(struct aws_response *,
	    struct sns_attributes *, char **cause);
/* The value of an attribute, borrowed, or NULL. */
const char *sns_attribute(const struct sns_attributes *, const char *name);
void	 sns_attributes_free(struct sns_attributes *);
int	 sns_subscribe_parse(struct aws_response *, char **arn, char **cause);
int	 sns_list_subscriptions_by_topic_parse(struct aws_response *,
	    struct sns_subscriptions *, char **cause);
void	 sns_subscriptions_free(struct sns_subscriptions *);
int	 sns_publish_parse(struct aws_response *, char **message_id,
	    char **cause);

#endif
