#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "endpoint.h"
#include "xalloc.h"

/* id, name, env id, [services] key, signing name, host prefix, protocol,
 * API version, awsJson target prefix, global. The API versions and target
 * prefixes are those of botocore's service-2.json models. */
static const struct aws_service endpoint_services[SVC_COUNT] = {
	{ SVC_S3, "s3", "S3", "s3", "s3", "s3", AWS_PROTO_REST_XML,
	  "2006-03-01", NULL, false },
	{ SVC_CLOUDTRAIL, "cloudtrail", "CLOUDTRAIL", "cloudtrail", "cloudtrail",
	  "cloudtrail", AWS_PROTO_JSON, "2013-11-01",
	  "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", false },
	{ SVC_LOGS, "logs", "CLOUDWATCH_LOGS", "cloudwatch_logs", "logs", "logs",
	  AWS_PROTO_JSON, "2014-03-28", "Logs_20140328", false },
	{ SVC_IAM, "iam", "IAM", "iam", "iam", "iam", AWS_PROTO_QUERY,
	  "2010-05-08", NULL, true },
	{ SVC_SNS, "sns", "SNS", "sns", "sns", "sns", AWS_PROTO_QUERY,
	  "2010-03-31", NULL, false },
	{ SVC_EVENTS, "events", "EVENTBRIDGE", "eventbridge", "events", "events",
	  AWS_PROTO_JSON, "2015-10-07", "AWSEvents", false },
	{ SVC_LAMBDA, "lambda", "LAMBDA", "lambda", "lambda", "lambda",
	  AWS_PROTO_REST_JSON, "2015-03-31", NULL, false },
	{ SVC_CLOUDWATCH, "cloudwatch", "CLOUDWATCH", "cloudwatch", "monitoring",
	  "monitoring", AWS_PROTO_QUERY, "2010-08-01", NULL, false },
	{ SVC_STS, "sts", "STS", "sts", "sts", "sts", AWS_PROTO_QUERY,
	  "2011-06-15", NULL, false },
	{ SVC_SSO, "sso", "SSO", "sso", "awsssoportal", "portal.sso",
	  AWS_PROTO_REST_JSON, "2019-06-10", NULL, false },
	{ SVC_DYNAMODB, "dynamodb", "DYNAMODB", "dynamodb", "dynamodb",
	  "dynamodb", AWS_PROTO_JSON_10, "2012-08-10", "DynamoDB_20120810",
	  false },
};

/* Region name patterns are those of botocore's partitions.json, written
 * as a prefix plus "<word>-<digits>". */
struct endpoint_partition_rule {
	const char		*prefixes;	/* space separated */
	struct aws_partition	 partition;
};

static const struct endpoint_partition_rule endpoint_partitions[] = {
	{ "us-gov-", { "aws-us-gov", "amazonaws.com", "us-gov-west-1" } },
	{ "us-isob-", { "aws-iso-b", "sc2s.sgov.gov", "us-isob-east-1" } },
	{ "us-isof-", { "aws-iso-f", "csp.hci.ic.gov", "us-isof-south-1" } },
	{ "us-iso-", { "aws-iso", "c2s.ic.gov", "us-iso-east-1" } },
	{ "eu-isoe-", { "aws-iso-e", "cloud.adc-e.uk", "eu-isoe-west-1" } },
	{ "eusc-", { "aws-eusc", "amazonaws.eu", "eusc-de-east-1" } },
	{ "cn-", { "aws-cn", "amazonaws.com.cn", "cn-north-1" } },
	{ "us- eu- ap- sa- ca- me- af- il- mx-",
	  { "aws", "amazonaws.com", "us-east-1" } },
};

const struct aws_service *
endpoint_service(enum aws_service_id id)
{
	return id < SVC_COUNT ? &endpoint_services[id] : NULL;
}

const struct aws_service *
endpoint_service_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < SVC_COUNT; i++)
		if (strcasecmp(endpoint_services[i].name, name) == 0)
			return &endpoint_services[i];
	return NULL;
}

/* "<word>-<digits>" after the partition prefix, word in [a-z]. */
static bool
endpoint_region_tail_ok(const char *p)
{
	const char *start = p;

	while (islower((unsigned char)*p))
		p++;
	if (p == start || *p++ != '-' || !isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	return *p == '\0';
}

const struct aws_partition *
endpoint_partition(const char *region)
{
	const char *pfx, *sp;
	size_t i, n;

	if (region == NULL)
		return NULL;
	for (i = 0; i < sizeof endpoint_partitions / sizeof endpoint_partitions[0]; i++) {
		for (pfx = endpoint_partitions[i].prefixes; *pfx != '\0'; pfx = sp) {
			sp = strchr(pfx, ' ');
			n = sp != NULL ? (size_t)(sp - pfx) : strlen(pfx);
			if (strncmp(region, pfx, n) == 0 &&
			    endpoint_region_tail_ok(region + n))
				return &endpoint_partitions[i].partition;
			sp = sp != NULL ? sp + 1 : pfx + n;
		}
	}
	return NULL;
}

bool
endpoint_region_valid(const char *region)
{
	return endpoint_partition(region) != NULL;
}

char *
endpoint_default_url(const struct aws_service *svc, const char *region,
    const char **signing_region)
{
	const struct aws_partition *p = endpoint_partition(region);

	if (p == NULL)
		return NULL;
	*signing_region = region;
	if (svc->global) {
		*signing_region = p->global_region;
		if (strcmp(p->name, "aws") == 0)
			return xasprintf("https://%s.%s", svc->host_prefix,
			    p->dns_suffix);
		if (strcmp(p->name, "aws-us-gov") == 0)
			return xasprintf("https://%s.us-gov.%s", svc->host_prefix,
			    p->dns_suffix);
		return xasprintf("https://%s.%s.%s", svc->host_prefix,
		    p->global_region, p->dns_suffix);
	}
	return xasprintf("https://%s.%s.%s", svc->host_prefix, region,
	    p->dns_suffix);
}

char *
endpoint_arn(const char *region, const char *service, const char *arn_region,
    const char *account, const char *resource)
{
	const struct aws_partition *p = endpoint_partition(region);

	return xasprintf("arn:%s:%s:%s:%s:%s", p != NULL ? p->name : "aws",
	    service, arn_region != NULL ? arn_region : "",
	    account != NULL ? account : "", resource);
}

bool
endpoint_url_userinfo(const char *url)
{
	const char *host = strstr(url, "://");

	host = host != NULL ? host + 3 : url;
	return memchr(host, '@', strcspn(host, "/?#")) != NULL;
}

int
endpoint_url_check(const char *url, char **cause)
{
	const char *host;
	size_t i;

	/* First: every later message quotes the URL. */
	if (endpoint_url_userinfo(url)) {
		*cause = xstrdup("endpoint URL has a user name or password "
		    "before '@' (scheme://user:password@host): remove it; "
		    "requests are signed with AWS credentials");
		return -1;
	}
	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else {
		*cause = xasprintf("endpoint URL '%s' must start with https:// "
		    "or http://", url);
		return -1;
	}
	if (*host == '\0' || *host == '/' || *host == ':') {
		*cause = xasprintf("endpoint URL '%s' has no host", url);
		return -1;
	}
	for (i = 0; url[i] != '\0'; i++) {
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f) {
			*cause = xstrdup("endpoint URL contains spaces or "
			    "control characters");
			return -1;
		}
	}
	if (strchr(host, '?') != NULL || strchr(host, '#') != NULL) {
		*cause = xasprintf("endpoint URL '%s' must not have a query or "
		    "fragment", url);
		return -1;
	}
	return 0;
}
