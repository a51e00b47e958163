/* Services, partitions and endpoint resolution.  The service table is the
 * single source of truth for protocol, API version and signing names. */
#ifndef S3W_ENDPOINT_H
#define S3W_ENDPOINT_H

#include <stdbool.h>

enum aws_protocol {
	AWS_PROTO_JSON,		/* awsJson1.1: POST /, X-Amz-Target */
	AWS_PROTO_JSON_10,	/* awsJson1.0 (DynamoDB): the same, 1.0 */
	AWS_PROTO_QUERY,	/* query: form POST, XML responses */
	AWS_PROTO_REST_XML,	/* S3 */
	AWS_PROTO_REST_JSON,	/* Lambda, SSO portal */
};

enum aws_service_id {
	SVC_S3,
	SVC_CLOUDTRAIL,
	SVC_LOGS,
	SVC_IAM,
	SVC_SNS,
	SVC_EVENTS,
	SVC_LAMBDA,
	SVC_CLOUDWATCH,
	SVC_STS,
	SVC_SSO,
	SVC_DYNAMODB,
	SVC_COUNT
};

struct aws_service {
	enum aws_service_id	 id;
	const char		*name;		/* our name, e.g. "logs" */
	const char		*env_id;	/* AWS_ENDPOINT_URL_<env_id> */
	const char		*config_key;	/* key in a [services] section */
	const char		*signing_name;
	const char		*host_prefix;	/* <prefix>.<region>.<dns suffix> */
	enum aws_protocol	 protocol;
	const char		*api_version;
	const char		*target_prefix;	/* awsJson: X-Amz-Target prefix */
	bool			 global;	/* one endpoint per partition (IAM) */
};

struct aws_partition {
	const char	*name;			/* "aws", "aws-cn", ... */
	const char	*dns_suffix;
	const char	*global_region;		/* signing region of global services */
};

const struct aws_service	*endpoint_service(enum aws_service_id);
const struct aws_service	*endpoint_service_by_name(const char *);
/* NULL when the region belongs to no known partition. */
const struct aws_partition	*endpoint_partition(const char *region);
bool				 endpoint_region_valid(const char *region);

/* The default https URL (no trailing slash) and the signing region of a
 * service in a region. Caller frees the URL. */
char	*endpoint_default_url(const struct aws_service *, const char *region,
	    const char **signing_region);

/* "arn:<partition>:<service>:<region>:<account>:<resource>". Caller frees. */
char	*endpoint_arn(const char *region, const char *service,
	    const char *arn_region, const char *account, const char *resource);

/* Checks "scheme://host[:port][/path]" with scheme http or https; returns
 * 0, or -1 and *cause.  A user name or password ("user:pw@host") is
 * refused, and *cause never quotes a URL that holds one. */
int	 endpoint_url_check(const char *url, char **cause);
/* True when the URL has "user[:password]@" before its host. */
bool	 endpoint_url_userinfo(const char *url);

#endif
