/* The analysis checks (src/rules/rules_check.c) on their edge cases: each
 * shape the specification names (doc/rules.md), the settings, missing
 * fields and wrong types, and hostile input, where nothing unproven may
 * hit and nothing may crash. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "buf.h"
#include "rules_check.h"
#include "xalloc.h"

#define OWN	"111122223333"
#define OTHER	"444455556666"
#define THIRD	"777788889999"
#define OWNER_ID "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
#define OTHER_ID "be31c2a4f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5"
#define ALL_USERS "http://acs.amazonaws.com/groups/global/AllUsers"
#define AUTH_USERS "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
#define LOG_DELIVERY "http://acs.amazonaws.com/groups/s3/LogDelivery"

static char *source_buckets[] = { "acme-data", "acme-ledger" };
static char *trail_buckets[] = { "acme-trail" };
static char *log_buckets[] = { "acme-logs" };
static char *trail_names[] = { "org-trail" };
static char *trusted_both[] = { OWN, OTHER };
static char *trusted_other[] = { OTHER };

/* The settings of most cases: no trusted account (the record's own), 30
 * days, one monitored bucket. */
static struct rules_check_settings
settings(void)
{
	struct rules_check_settings s = {
		NULL, 0, 30, source_buckets, 1, trail_buckets, 1, log_buckets, 1
	};

	return s;
}

/* The verdict of a check on a record: "-" for no hit, else
 * "SEVERITY: reason"; reason borrowed until the next call. */
static const char *
verdict_with(const char *check, const struct rules_check_settings *s,
    const char *json)
{
	static char out[RULES_CHECK_REASON_MAX + 32];
	const struct rules_check *c = rules_check_find(check);
	struct json_object *root, *rec;
	struct rules_check_hit h;

	assert_non_null(c);
	root = rules_check_parse(json, strlen(json), PATTERN_WRAP_AUTO, &rec);
	if (root == NULL)
		return "-";
	if (!rules_check_run(c, rec, s, &h))
		snprintf(out, sizeof out, "-");
	else
		snprintf(out, sizeof out, "%s: %s", rules_severity_name(h.severity),
		    h.reason);
	json_object_put(root);
	return out;
}

static const char *
verdict(const char *check, const char *json)
{
	struct rules_check_settings s = settings();

	return verdict_with(check, &s, json);
}

/* Only the severity ("-" for none). */
static char *
sev_with(const char *check, const struct rules_check_settings *s,
    const char *json)
{
	static char out[16];
	const char *v = verdict_with(check, s, json);

	snprintf(out, sizeof out, "%.*s", (int)strcspn(v, ":"), v);
	return out;
}

static char *
sev(const char *check, const char *json)
{
	struct rules_check_settings s = settings();

	return sev_with(check, &s, json);
}

/* A CloudTrail record of a successful call with these request
 * parameters (JSON text) and extra members. */
static char *
record(const char *source, const char *name, const char *params,
    const char *extra)
{
	static char *last;

	free(last);
	last = xasprintf("{\"eventVersion\":\"1.10\",\"eventSource\":\"%s\","
	    "\"eventName\":\"%s\",\"eventTime\":\"2026-08-21T10:00:00Z\","
	    "\"userIdentity\":{\"type\":\"IAMUser\",\"accountId\":\"" OWN "\"},"
	    "\"recipientAccountId\":\"" OWN "\",\"requestParameters\":%s%s%s}",
	    source, name, params, extra != NULL ? "," : "",
	    extra != NULL ? extra : "");
	return last;
}

/* PutBucketPolicy of a policy (JSON text) on acme-data. */
static char *
pol(const char *policy)
{
	static char *p;

	free(p);
	p = xasprintf("{\"bucketName\":\"acme-data\",\"bucketPolicy\":%s}",
	    policy);
	return record("s3.amazonaws.com", "PutBucketPolicy", p, NULL);
}

/* One Allow statement with this principal member (JSON, after its name)
 * and condition (NULL: none). */
static char *
stmt(const char *principal, const char *condition)
{
	static char *p;

	free(p);
	p = xasprintf("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
	    "\"S\",\"Effect\":\"Allow\",%s,\"Action\":\"s3:GetObject\","
	    "\"Resource\":\"arn:aws:s3:::acme-data/*\"%s%s}]}", principal,
	    condition != NULL ? ",\"Condition\":" : "",
	    condition != NULL ? condition : "");
	return pol(p);
}

/* --- policy-grant --------------------------------------------------------- */

static void
test_policy_principals(void **state)
{
	(void)state;
	/* Everyone, in each spelling. */
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":\"*\"",
	    NULL)), "critical");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":[\"*\"]",
	    NULL)), "critical");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"AWS\":"
	    "\"*\"}", NULL)), "critical");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"AWS\":"
	    "[\"arn:aws:iam::" OWN ":root\",\"*\"]}", NULL)), "critical");
	assert_string_equal(sev("policy-grant", stmt("\"NotPrincipal\":{\"AWS\":"
	    "\"arn:aws:iam::" OWN ":role/app\"}", NULL)), "critical");
	/* Another account: an id, a number, IAM and STS ARNs, any
	 * partition. */
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"AWS\":"
	    "\"" OTHER "\"}", NULL)), "high");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"AWS\":"
	    OTHER "}", NULL)), "high");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"AWS\":"
	    "\"arn:aws:iam::" OTHER ":role/x\"}", NULL)), "high");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"AWS\":"
	    "\"arn:aws:sts::" OTHER ":assumed-role/x/y\"}", NULL)), "high");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"AWS\":"
	    "\"arn:aws-cn:iam::" OTHER ":root\"}", NULL)), "high");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"aws\":"
	    "[\"" OTHER "\"]}", NULL)), "high");
	/* Any canonical user: the owner's id is not in the record. */
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{"
	    "\"CanonicalUser\":\"" OWNER_ID "\"}", NULL)), "high");
	/* Our own account, and what proves nothing. */
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"AWS\":"
	    "[\"" OWN "\",\"arn:aws:iam::" OWN ":role/app\"]}", NULL)), "-");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"AWS\":"
	    "[\"44445555666\",\"AROA4EXAMPLEQ7ZX2KDM\",\"arn:aws:s3:::"
	    OTHER "\",\"arn:aws:ec2::" OTHER ":x\",\"\",null,true,{}]}", NULL)),
	    "-");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{"
	    "\"Federated\":\"cognito-identity.amazonaws.com\"}", NULL)), "-");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":\"arn:aws:"
	    "iam::" OTHER ":root\"", NULL)), "-");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":null",
	    NULL)), "-");
}

static void
test_policy_conditions(void **state)
{
	(void)state;
	/* Each confining key, under any operator, in any case. */
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":\"*\"",
	    "{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-abc\"}}")), "medium");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":\"*\"",
	    "{\"StringEquals\":{\"AWS:SOURCEVPCE\":\"vpce-1\"}}")), "medium");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":\"*\"",
	    "{\"ForAnyValue:StringLike\":{\"aws:sourcevpc\":[\"vpc-1\"]}}")),
	    "medium");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":\"*\"",
	    "{\"NotIpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}")),
	    "medium");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":\"*\"",
	    "{\"StringEquals\":{\"aws:PrincipalAccount\":[\"" OWN "\"]}}")),
	    "medium");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"AWS\":"
	    "\"" OTHER "\"}", "{\"StringEquals\":{\"aws:PrincipalOrgID\":"
	    "\"o-abc\"}}")), "low");
	/* aws:PrincipalAccount naming another account confines nothing. */
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":\"*\"",
	    "{\"StringEquals\":{\"aws:PrincipalAccount\":[\"" OWN "\",\""
	    OTHER "\"]}}")), "critical");
	/* Other keys and malformed conditions confine nothing. */
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":\"*\"",
	    "{\"Bool\":{\"aws:SecureTransport\":\"true\"}}")), "critical");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":\"*\"",
	    "{\"StringEquals\":\"aws:SourceVpce\"}")), "critical");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":\"*\"",
	    "[\"aws:SourceVpce\"]")), "critical");
	/* A service principal: low unless tied to a trusted account. */
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"Service\":"
	    "\"logging.s3.amazonaws.com\"}", NULL)), "low");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"Service\":"
	    "\"logging.s3.amazonaws.com\"}", "{\"StringEquals\":{"
	    "\"aws:SourceAccount\":\"" OWN "\"}}")), "-");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"Service\":"
	    "[\"cloudtrail.amazonaws.com\"]}", "{\"ArnLike\":{\"aws:SourceArn\":"
	    "\"arn:aws:cloudtrail:eu-west-1:" OWN ":trail/t\"}}")), "-");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"Service\":"
	    "\"logging.s3.amazonaws.com\"}", "{\"ArnLike\":{\"aws:SourceArn\":"
	    "\"arn:aws:s3:::acme-data\"}}")), "low");
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"Service\":"
	    "\"logging.s3.amazonaws.com\"}", "{\"StringEquals\":{"
	    "\"aws:SourceAccount\":[\"" OWN "\",\"" OTHER "\"]}}")), "low");
	/* A service tied to us, beside another account: the account wins. */
	assert_string_equal(sev("policy-grant", stmt("\"Principal\":{\"Service\":"
	    "\"logging.s3.amazonaws.com\",\"AWS\":\"" OTHER "\"}",
	    "{\"StringEquals\":{\"aws:SourceAccount\":\"" OWN "\"}}")), "high");
}

static void
test_policy_shapes(void **state)
{
	const char *v;

	(void)state;
	/* Statement as an object; the policy as JSON text. */
	assert_string_equal(sev("policy-grant", pol("{\"Statement\":{\"Effect\":"
	    "\"Allow\",\"Principal\":\"*\"}}")), "critical");
	assert_string_equal(sev("policy-grant", pol("\"{\\\"Statement\\\":"
	    "[{\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":{\\\"AWS\\\":"
	    "\\\"" OTHER "\\\"}}]}\"")), "high");
	/* Text that is not JSON, or JSON that is not an object. */
	assert_string_equal(sev("policy-grant", pol("\"{\\\"Statement\\\":[\"")),
	    "-");
	assert_string_equal(sev("policy-grant", pol("\"[1,2]\"")), "-");
	/* Deny, and Effect not exactly "Allow". */
	assert_string_equal(sev("policy-grant", pol("{\"Statement\":[{\"Effect\":"
	    "\"Deny\",\"Principal\":\"*\"},{\"Effect\":\"allow\",\"Principal\":"
	    "\"*\"},{\"Effect\":1,\"Principal\":\"*\"},{\"Principal\":\"*\"}]}")),
	    "-");
	/* Missing or wrong members. */
	assert_string_equal(sev("policy-grant", pol("{}")), "-");
	assert_string_equal(sev("policy-grant", pol("null")), "-");
	assert_string_equal(sev("policy-grant", pol("{\"Statement\":\"*\"}")),
	    "-");
	assert_string_equal(sev("policy-grant", pol("{\"Statement\":[1,\"x\","
	    "null,[],{}]}")), "-");
	assert_string_equal(sev("policy-grant", record("s3.amazonaws.com",
	    "PutBucketPolicy", "null", NULL)), "-");
	/* The worst statement wins; the reason names it (Sid, or number). */
	v = verdict("policy-grant", pol("{\"Statement\":[{\"Sid\":\"A\","
	    "\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"x.amazonaws.com\"}},"
	    "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" OTHER "\"}},"
	    "{\"Sid\":\"C\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Condition\":"
	    "{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}]}"));
	assert_string_equal(v, "high: statement #2 allows account \"" OTHER
	    "\", outside the trusted accounts");
	v = verdict("policy-grant", stmt("\"Principal\":\"*\"", "{\"IpAddress\":"
	    "{\"aws:SourceIp\":\"10.0.0.0/8\"}}"));
	assert_string_equal(v, "medium: statement \"S\" allows everyone "
	    "(Principal \"*\"), confined by aws:SourceIp");
}

static void
test_policy_trusted(void **state)
{
	struct rules_check_settings s = settings();
	const char *other = stmt("\"Principal\":{\"AWS\":\"arn:aws:iam::"
	    OTHER ":root\"}", NULL);
	char *copy = xstrdup(other), *noacct;

	(void)state;
	s.trusted = trusted_both;
	s.ntrusted = 2;
	assert_string_equal(sev_with("policy-grant", &s, copy), "-");
	/* The setting replaces the record's account. */
	s.trusted = trusted_other;
	s.ntrusted = 1;
	assert_string_equal(sev_with("policy-grant", &s, stmt("\"Principal\":"
	    "{\"AWS\":\"" OWN "\"}", NULL)), "high");
	/* userIdentity.accountId when there is no recipientAccountId. */
	noacct = xasprintf("{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
	    "\"PutBucketPolicy\",\"userIdentity\":{\"accountId\":\"" OTHER "\"},"
	    "\"requestParameters\":{\"bucketPolicy\":{\"Statement\":{\"Effect\":"
	    "\"Allow\",\"Principal\":{\"AWS\":\"" OTHER "\"}}}}}");
	assert_string_equal(sev("policy-grant", noacct), "-");
	free(noacct);
	/* No account known at all: accounts prove nothing, "*" still does. */
	noacct = xasprintf("{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
	    "\"PutBucketPolicy\",\"recipientAccountId\":\"anonymous\","
	    "\"requestParameters\":{\"bucketPolicy\":{\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Principal\":{\"AWS\":\"" OTHER "\"}},{\"Effect\":"
	    "\"Allow\",\"Principal\":{\"AWS\":\"" OTHER "\"},\"Condition\":{"
	    "\"StringEquals\":{\"aws:PrincipalAccount\":\"" THIRD "\"}}}]}}}");
	assert_string_equal(sev("policy-grant", noacct), "-");
	free(noacct);
	free(copy);
}

/* --- the common gate ------------------------------------------------------ */

static void
test_gate(void **state)
{
	const char *p = "{\"bucketPolicy\":{\"Statement\":{\"Effect\":\"Allow\","
	    "\"Principal\":\"*\"}}}";
	char *ev;

	(void)state;
	assert_string_equal(sev("policy-grant", record("s3.amazonaws.com",
	    "PutBucketPolicy", p, NULL)), "critical");
	/* A failed call, another call, another service, missing names. */
	assert_string_equal(sev("policy-grant", record("s3.amazonaws.com",
	    "PutBucketPolicy", p, "\"errorCode\":\"AccessDenied\"")), "-");
	assert_string_equal(sev("policy-grant", record("s3.amazonaws.com",
	    "PutBucketPolicy", p, "\"errorCode\":null")), "-");
	assert_string_equal(sev("policy-grant", record("s3.amazonaws.com",
	    "GetBucketPolicy", p, NULL)), "-");
	assert_string_equal(sev("policy-grant", record("iam.amazonaws.com",
	    "PutBucketPolicy", p, NULL)), "-");
	assert_string_equal(sev("policy-grant", "{\"requestParameters\":{}}"),
	    "-");
	/* The record inside an EventBridge event. */
	ev = xasprintf("{\"version\":\"0\",\"detail-type\":\"AWS API Call via "
	    "CloudTrail\",\"source\":\"aws.s3\",\"detail\":%s}",
	    record("s3.amazonaws.com", "PutBucketPolicy", p, NULL));
	assert_string_equal(sev("policy-grant", ev), "critical");
	free(ev);
	assert_string_equal(sev("policy-grant", "{\"detail-type\":\"x\","
	    "\"detail\":[]}"), "-");
	assert_null(rules_check_find("nosuch"));
}

/* --- acl-grant -------------------------------------------------------------- */

static char *
acl(const char *name, const char *params)
{
	return record("s3.amazonaws.com", name, params, NULL);
}

/* An AccessControlPolicy with these grants (JSON) and the owner's id. */
static char *
acl_body(const char *grants, const char *owner)
{
	static char *p;

	free(p);
	p = xasprintf("{\"bucketName\":\"acme-data\",\"acl\":\"\","
	    "\"AccessControlPolicy\":{\"AccessControlList\":{\"Grant\":%s}%s%s%s}}",
	    grants, owner != NULL ? ",\"Owner\":{\"ID\":\"" : "",
	    owner != NULL ? owner : "", owner != NULL ? "\"}" : "");
	return acl("PutBucketAcl", p);
}

#define GRANT(type, k, v, perm) "{\"Grantee\":{\"xsi:type\":\"" type "\",\"" \
	k "\":\"" v "\"},\"Permission\":\"" perm "\"}"

static void
test_acl_canned_and_body(void **state)
{
	(void)state;
	assert_string_equal(sev("acl-grant", acl("PutBucketAcl",
	    "{\"x-amz-acl\":\"public-read\"}")), "critical");
	assert_string_equal(sev("acl-grant", acl("PutObjectAcl",
	    "{\"x-amz-acl\":[\"authenticated-read\"]}")), "critical");
	assert_string_equal(sev("acl-grant", acl("PutBucketAcl",
	    "{\"X-Amz-Acl\":[\"PUBLIC-READ-WRITE\"]}")), "critical");
	assert_string_equal(sev("acl-grant", acl("PutBucketAcl",
	    "{\"x-amz-acl\":[\"private\",\"bucket-owner-full-control\",1]}")),
	    "-");
	/* Grants: object or array; groups; the owner; others. */
	assert_string_equal(sev("acl-grant", acl_body(GRANT("Group", "URI",
	    ALL_USERS, "READ"), OWNER_ID)), "critical");
	assert_string_equal(sev("acl-grant", acl_body("[" GRANT("CanonicalUser",
	    "ID", OWNER_ID, "FULL_CONTROL") "," GRANT("Group", "URI", AUTH_USERS,
	    "READ") "]", OWNER_ID)), "critical");
	assert_string_equal(sev("acl-grant", acl_body("[" GRANT("CanonicalUser",
	    "ID", OWNER_ID, "FULL_CONTROL") "," GRANT("Group", "URI",
	    LOG_DELIVERY, "WRITE") "]", OWNER_ID)), "-");
	assert_string_equal(verdict("acl-grant", acl_body(GRANT("CanonicalUser",
	    "ID", OTHER_ID, "READ"), OWNER_ID)), "high: grants READ to "
	    "canonical user \"be31c2a4f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3...\""
	    ", not the owner");
	/* Canonical ids compare without case; no owner: not the owner. */
	assert_string_equal(sev("acl-grant", acl_body(GRANT("CanonicalUser",
	    "ID", "79A59DF900B949E55D96A1E698FBACEDFD6E09D98EACF8F8D5218E7CD47EF2BE",
	    "READ"), OWNER_ID)), "-");
	assert_string_equal(sev("acl-grant", acl_body(GRANT("CanonicalUser",
	    "ID", OWNER_ID, "READ"), NULL)), "high");
	assert_string_equal(sev("acl-grant", acl_body(GRANT(
	    "AmazonCustomerByEmail", "EmailAddress", "x@example.net", "WRITE"),
	    OWNER_ID)), "high");
	/* The worst grant wins. */
	assert_string_equal(sev("acl-grant", acl_body("[" GRANT(
	    "AmazonCustomerByEmail", "EmailAddress", "x@example.net", "WRITE") ","
	    GRANT("Group", "URI", ALL_USERS, "READ") "]", OWNER_ID)), "critical");
	/* Group URIs compare exactly. */
	assert_string_equal(sev("acl-grant", acl_body(GRANT("Group", "URI",
	    "https://acs.amazonaws.com/groups/global/AllUsers/x", "READ"),
	    OWNER_ID)), "-");
	/* Malformed grants. */
	assert_string_equal(sev("acl-grant", acl_body("[1,null,\"x\",{},"
	    "{\"Grantee\":5},{\"Grantee\":{\"URI\":7,\"ID\":\"\"}}]", OWNER_ID)),
	    "-");
	assert_string_equal(sev("acl-grant", acl("PutBucketAcl", "[]")), "-");
}

static void
test_acl_headers(void **state)
{
	(void)state;
	assert_string_equal(verdict("acl-grant", acl("PutObjectAcl",
	    "{\"x-amz-grant-read\":\"uri=\\\"" ALL_USERS "\\\"\"}")),
	    "critical: grants read to AllUsers (everyone)");
	assert_string_equal(sev("acl-grant", acl("PutObjectAcl",
	    "{\"x-amz-grant-write-acp\":[\" id=\\\"" OWNER_ID "\\\" ,  URI = "
	    AUTH_USERS "\"]}")), "critical");
	assert_string_equal(sev("acl-grant", acl("PutObjectAcl",
	    "{\"x-amz-grant-full-control\":\"id=" OTHER_ID "\"}")), "high");
	assert_string_equal(sev("acl-grant", acl("PutBucketAcl",
	    "{\"x-amz-grant-read\":\"emailAddress=\\\"a@example.com\\\"\"}")),
	    "high");
	/* The owner named in a body beside the header. */
	assert_string_equal(sev("acl-grant", acl("PutBucketAcl",
	    "{\"x-amz-grant-full-control\":\"id=\\\"" OWNER_ID "\\\"\","
	    "\"AccessControlPolicy\":{\"Owner\":{\"ID\":\"" OWNER_ID "\"}}}")),
	    "-");
	assert_string_equal(sev("acl-grant", acl("PutBucketAcl",
	    "{\"x-amz-grant-read\":\"uri=\\\"" LOG_DELIVERY "\\\"\"}")), "-");
	/* Junk in a header. */
	assert_string_equal(sev("acl-grant", acl("PutBucketAcl",
	    "{\"x-amz-grant-read\":\",,=,id=,uri,\\\"\\\"=x,nosuch=\\\"y\\\"\","
	    "\"x-amz-grant-write\":5,\"x-amz-grant-\":\"\"}")), "-");
}

/* --- cross-account-copy ------------------------------------------------------ */

/* A CopyObject with resources (JSON) and request parameters. */
static char *
copy(const char *name, const char *resources, const char *params)
{
	static char *extra;

	free(extra);
	extra = xasprintf("\"resources\":%s", resources);
	return record("s3.amazonaws.com", name, params, extra);
}

#define RES(type, acct) "{\"type\":\"AWS::S3::" type "\",\"ARN\":\"arn:aws:" \
	"s3:::b/k\"" acct "}"
#define ACCT(a) ",\"accountId\":\"" a "\""
#define KMS(a) "{\"x-amz-server-side-encryption-aws-kms-key-id\":\"arn:aws:" \
	"kms:eu-west-1:" a ":key/1f8e4b2a\"}"

static void
test_copy(void **state)
{
	struct rules_check_settings s = settings();

	(void)state;
	assert_string_equal(verdict("cross-account-copy", copy("CopyObject",
	    "[" RES("Object", "") "," RES("Bucket", ACCT(OWN)) "," RES("Object",
	    "") "," RES("Bucket", ACCT(OTHER)) "]", "{}")), "high: the copy's "
	    "buckets belong to accounts " OWN " and " OTHER);
	assert_string_equal(sev("cross-account-copy", copy("UploadPartCopy",
	    "[" RES("Object", ACCT(OTHER)) "]", "{}")), "high");
	assert_string_equal(sev("cross-account-copy", copy("CopyObject",
	    "[" RES("Bucket", ACCT(OWN)) "," RES("Object", ACCT(OWN)) "]",
	    "{}")), "-");
	/* The KMS key's account. */
	assert_string_equal(sev("cross-account-copy", copy("CopyObject",
	    "[" RES("Bucket", ACCT(OWN)) "]", KMS(OTHER))), "high");
	assert_string_equal(sev("cross-account-copy", copy("CopyObject",
	    "[]", KMS(OWN))), "-");
	assert_string_equal(sev("cross-account-copy", copy("CopyObject", "[]",
	    "{\"x-amz-server-side-encryption-aws-kms-key-id\":\"arn:aws:kms:"
	    "eu-west-1:" OTHER ":alias/drop\"}")), "high");
	assert_string_equal(sev("cross-account-copy", copy("CopyObject", "[]",
	    "{\"x-amz-server-side-encryption-aws-kms-key-id\":[\"1f8e4b2a\","
	    "\"arn:aws:s3:::" OTHER "\",\"arn:aws:kms:eu-west-1::key/x\",7]}")),
	    "-");
	/* resources[].accountId is CloudTrail's own: any text counts. */
	assert_string_equal(sev("cross-account-copy", copy("CopyObject",
	    "[" RES("Bucket", ACCT("12948575929274")) "," RES("Bucket",
	    ACCT("111111111111")) "]", "{}")), "high");
	assert_string_equal(sev("cross-account-copy", copy("CopyObject",
	    "[" RES("Bucket", ACCT("4444")) "]", "{}")), "high");
	/* What proves nothing: other types, no account, a non-list. */
	assert_string_equal(sev("cross-account-copy", copy("CopyObject",
	    "[" RES("AccessPoint", ACCT(OTHER)) ",{\"type\":\"AWS::S3::Bucket\","
	    "\"accountId\":444455556666},{\"type\":\"AWS::S3::Bucket\","
	    "\"accountId\":\"\"},{\"accountId\":\"" OTHER "\"},5,null]",
	    "{}")), "-");
	assert_string_equal(sev("cross-account-copy", copy("CopyObject",
	    RES("Bucket", ACCT(OTHER)), "{}")), "-");
	/* Trusted accounts: two of them may differ; one alone suffices. */
	s.trusted = trusted_both;
	s.ntrusted = 2;
	assert_string_equal(sev_with("cross-account-copy", &s, copy("CopyObject",
	    "[" RES("Bucket", ACCT(OWN)) "," RES("Bucket", ACCT(OTHER)) "]",
	    KMS(OTHER))), "-");
	assert_string_equal(sev_with("cross-account-copy", &s, copy("CopyObject",
	    "[" RES("Bucket", ACCT(OWN)) "," RES("Bucket", ACCT(THIRD)) "]",
	    "{}")), "high");
}

/* --- trail-selectors --------------------------------------------------------- */

static char *
sel(const char *params)
{
	return record("cloudtrail.amazonaws.com", "PutEventSelectors", params,
	    NULL);
}

#define BASIC(mgmt, values) "{\"readWriteType\":\"All\"," \
	"\"includeManagementEvents\":" mgmt ",\"dataResources\":[{\"type\":" \
	"\"AWS::S3::Object\",\"values\":" values "}]}"
#define ADV_MGMT "{\"name\":\"m\",\"fieldSelectors\":[{\"field\":" \
	"\"eventCategory\",\"equals\":[\"Management\"]}]}"
#define ADV_DATA(arn) "{\"name\":\"d\",\"fieldSelectors\":[{\"field\":" \
	"\"eventCategory\",\"equals\":[\"Data\"]},{\"field\":\"resources.type\"," \
	"\"equals\":[\"AWS::S3::Object\"]}" arn "]}"

static void
test_selectors_basic(void **state)
{
	struct rules_check_settings s = settings();

	(void)state;
	assert_string_equal(sev("trail-selectors", sel("{\"eventSelectors\":["
	    BASIC("true", "[\"arn:aws:s3:::acme-data/\"]") "]}")), "-");
	assert_string_equal(verdict("trail-selectors", sel("{\"eventSelectors\":["
	    BASIC("false", "[\"arn:aws:s3:::acme-data/\"]") "]}")), "high: the "
	    "new event selectors log no management events");
	/* Covering the bucket: all of S3, the bucket, a prefix of its name,
	 * any partition; a string for a list; names in any case. */
	assert_string_equal(sev("trail-selectors", sel("{\"eventSelectors\":"
	    BASIC("true", "[\"arn:aws:s3\"]") "}")), "-");
	assert_string_equal(sev("trail-selectors", sel("{\"eventSelectors\":["
	    BASIC("\"true\"", "\"arn:aws:s3:::\"") "]}")), "-");
	assert_string_equal(sev("trail-selectors", sel("{\"EventSelectors\":["
	    "{\"IncludeManagementEvents\":true,\"DataResources\":{\"Type\":"
	    "\"AWS::S3::Object\",\"Values\":[\"arn:aws-cn:s3:::acme\"]}}]}")), "-");
	assert_string_equal(sev("trail-selectors", sel("{\"eventSelectors\":["
	    BASIC("true", "[\"arn:aws:s3:::acme-data\"]") "]}")), "-");
	/* Not covering it: an object prefix, another bucket, another type. */
	assert_string_equal(verdict("trail-selectors", sel("{\"eventSelectors\":["
	    BASIC("true", "[\"arn:aws:s3:::acme-data/logs/\","
	    "\"arn:aws:s3:::acme-data-2/\",\"arn:aws:s3:::acme-data/x\"]") "]}")),
	    "high: the new event selectors log no data events of bucket acme-data");
	assert_string_equal(sev("trail-selectors", sel("{\"eventSelectors\":["
	    "{\"includeManagementEvents\":true,\"dataResources\":[{\"type\":"
	    "\"AWS::Lambda::Function\",\"values\":[\"arn:aws:s3\"]}]}]}")),
	    "high");
	/* Two monitored buckets: each must be covered. */
	s.nsource = 2;
	assert_string_equal(verdict_with("trail-selectors", &s,
	    sel("{\"eventSelectors\":[" BASIC("true",
	    "[\"arn:aws:s3:::acme-data/\"]") "]}")), "high: the new event "
	    "selectors log no data events of bucket acme-ledger");
	/* No monitored bucket known: management only. */
	s.nsource = 0;
	assert_string_equal(sev_with("trail-selectors", &s,
	    sel("{\"eventSelectors\":[{\"includeManagementEvents\":true}]}")),
	    "-");
	/* The monitored trail (a name or an ARN): data judged; another
	 * trail: management only. */
	s = settings();
	s.trails = trail_names;
	s.ntrails = 1;
	assert_string_equal(sev_with("trail-selectors", &s,
	    sel("{\"trailName\":\"org-trail\",\"eventSelectors\":"
	    "{\"includeManagementEvents\":true}}")), "high");
	assert_string_equal(sev_with("trail-selectors", &s,
	    sel("{\"trailName\":\"arn:aws:cloudtrail:eu-west-1:" OWN
	    ":trail/org-trail\",\"eventSelectors\":{\"includeManagementEvents\""
	    ":true}}")), "high");
	assert_string_equal(sev_with("trail-selectors", &s,
	    sel("{\"eventSelectors\":{\"includeManagementEvents\":true}}")),
	    "high");
	assert_string_equal(sev_with("trail-selectors", &s,
	    sel("{\"trailName\":\"dev-trail\",\"eventSelectors\":"
	    "{\"includeManagementEvents\":true}}")), "-");
	assert_string_equal(sev_with("trail-selectors", &s,
	    sel("{\"trailName\":\"arn:aws:cloudtrail:eu-west-1:" OWN
	    ":trail/org-trail-2\",\"eventSelectors\":{"
	    "\"includeManagementEvents\":true}}")), "-");
	assert_string_equal(sev_with("trail-selectors", &s,
	    sel("{\"trailName\":\"dev-trail\",\"eventSelectors\":"
	    "{\"includeManagementEvents\":false}}")), "high");
	/* Nothing said, or nothing of use. */
	assert_string_equal(sev("trail-selectors", sel("{\"trailName\":\"t\"}")),
	    "-");
	assert_string_equal(sev("trail-selectors", sel("{\"eventSelectors\":"
	    "null}")), "-");
	assert_string_equal(sev("trail-selectors", sel("{\"eventSelectors\":"
	    "[1,\"x\",null]}")), "high");
	assert_string_equal(sev("trail-selectors", record(
	    "cloudtrail.amazonaws.com", "PutAdvancedEventSelectors",
	    "{\"eventSelectors\":[]}", NULL)), "high");
}

static void
test_selectors_advanced(void **state)
{
	(void)state;
	assert_string_equal(sev("trail-selectors", sel("{\"advancedEventSelectors"
	    "\":[" ADV_MGMT "," ADV_DATA("") "]}")), "-");
	assert_string_equal(sev("trail-selectors", sel("{\"advancedEventSelectors"
	    "\":[" ADV_MGMT "," ADV_DATA(",{\"field\":\"resources.ARN\","
	    "\"startsWith\":[\"arn:aws:s3:::other/\",\"arn:aws:s3:::acme-data/\"]}")
	    "]}")), "-");
	assert_string_equal(sev("trail-selectors", sel("{\"advancedEventSelectors"
	    "\":[" ADV_MGMT "," ADV_DATA(",{\"field\":\"resources.ARN\","
	    "\"Equals\":[\"arn:aws:s3:::acme-data/\"]}") "]}")), "-");
	assert_string_equal(verdict("trail-selectors", sel("{\""
	    "advancedEventSelectors\":[" ADV_DATA("") "]}")), "high: the new "
	    "advanced event selectors log no management events");
	/* The bucket excluded, or only a part of it logged. */
	assert_string_equal(sev("trail-selectors", sel("{\"advancedEventSelectors"
	    "\":[" ADV_MGMT "," ADV_DATA(",{\"field\":\"resources.ARN\","
	    "\"startsWith\":[\"arn:aws:s3:::\"],\"notStartsWith\":"
	    "[\"arn:aws:s3:::acme-data/\"]}") "]}")), "high");
	assert_string_equal(sev("trail-selectors", sel("{\"advancedEventSelectors"
	    "\":[" ADV_MGMT "," ADV_DATA(",{\"field\":\"resources.ARN\","
	    "\"endsWith\":[\".pdf\"]}") "]}")), "high");
	assert_string_equal(sev("trail-selectors", sel("{\"advancedEventSelectors"
	    "\":[" ADV_MGMT "," ADV_DATA(",{\"field\":\"resources.ARN\","
	    "\"startsWith\":[\"arn:aws:s3:::acme-data/tmp/\"]}") "]}")), "high");
	/* Excluding another bucket keeps this one. */
	assert_string_equal(sev("trail-selectors", sel("{\"advancedEventSelectors"
	    "\":[" ADV_MGMT "," ADV_DATA(",{\"field\":\"resources.ARN\","
	    "\"notStartsWith\":[\"arn:aws:s3:::noisy/\"]}") "]}")), "-");
	/* Data of another type, or events of no category. */
	assert_string_equal(sev("trail-selectors", sel("{\"advancedEventSelectors"
	    "\":[" ADV_MGMT ",{\"fieldSelectors\":[{\"field\":\"eventCategory\","
	    "\"equals\":[\"Data\"]},{\"field\":\"resources.type\",\"equals\":"
	    "[\"AWS::DynamoDB::Table\"]}]}]}")), "high");
	assert_string_equal(sev("trail-selectors", sel("{\"advancedEventSelectors"
	    "\":[{\"fieldSelectors\":[{\"field\":\"eventCategory\",\"notEquals\":"
	    "[\"Management\"]},{\"equals\":[\"Management\"]},{\"field\":5}]}]}")),
	    "high");
	/* Advanced wins over basic when both are given. */
	assert_string_equal(sev("trail-selectors", sel("{\"eventSelectors\":["
	    BASIC("true", "[\"arn:aws:s3\"]") "],\"advancedEventSelectors\":["
	    ADV_DATA("") "]}")), "high");
}

/* --- log-expiry ---------------------------------------------------------------- */

static char *
life(const char *bucket, const char *rules)
{
	static char *p;

	free(p);
	p = xasprintf("{\"bucketName\":\"%s\",\"lifecycle\":\"\","
	    "\"LifecycleConfiguration\":{\"Rule\":%s}}", bucket, rules);
	return record("s3.amazonaws.com", "PutBucketLifecycleConfiguration", p,
	    NULL);
}

static void
test_expiry(void **state)
{
	struct rules_check_settings s = settings();

	(void)state;
	assert_string_equal(verdict("log-expiry", life("acme-data",
	    "{\"ID\":\"x\",\"Status\":\"Enabled\",\"Expiration\":{\"Days\":7}}")),
	    "high: lifecycle rule \"x\" expires objects after 7 days, fewer than "
	    "30");
	assert_string_equal(sev("log-expiry", life("acme-data", "{\"Status\":"
	    "\"Enabled\",\"Expiration\":{\"Days\":30}}")), "-");
	assert_string_equal(sev("log-expiry", life("acme-data", "{\"Status\":"
	    "\"Enabled\",\"Expiration\":{\"Days\":\"3\"}}")), "high");
	assert_string_equal(sev("log-expiry", life("acme-data", "{\"Status\":"
	    "\"Enabled\",\"Expiration\":{\"Days\":-1}}")), "high");
	/* Not integers, or absent: not judged by days. */
	assert_string_equal(sev("log-expiry", life("acme-data", "[{\"Status\":"
	    "\"Enabled\",\"Expiration\":{\"Days\":1.5}},{\"Status\":\"Enabled\","
	    "\"Expiration\":{\"Days\":\"1 day\"}},{\"Status\":\"Enabled\","
	    "\"Expiration\":{\"Days\":true}},{\"Status\":\"Enabled\","
	    "\"Expiration\":{\"Days\":\"99999999999999999999\"}}]")), "-");
	/* Disabled, or not exactly Enabled. */
	assert_string_equal(sev("log-expiry", life("acme-trail", "[{\"Status\":"
	    "\"Disabled\",\"Expiration\":{\"Days\":1}},{\"Status\":\"enabled\","
	    "\"Expiration\":{\"Days\":1}},{\"Expiration\":{\"Days\":1}}]")), "-");
	/* The log buckets: any expiration, whatever its length. */
	assert_string_equal(verdict("log-expiry", life("acme-trail", "{\"ID\":"
	    "\"y\",\"Status\":\"Enabled\",\"Expiration\":{\"Days\":3650}}")),
	    "high: lifecycle rule \"y\" expires objects of the trail bucket "
	    "acme-trail");
	assert_string_equal(sev("log-expiry", life("acme-logs", "[{\"Status\":"
	    "\"Enabled\",\"NoncurrentVersionExpiration\":{}}]")), "high");
	assert_string_equal(sev("log-expiry", life("acme-logs", "[{\"Status\":"
	    "\"Enabled\",\"Expiration\":{\"Date\":\"2030-01-01T00:00:00Z\"}}]")),
	    "high");
	/* Delete markers, transitions, aborts are not expirations. */
	assert_string_equal(sev("log-expiry", life("acme-trail", "[{\"Status\":"
	    "\"Enabled\",\"Expiration\":{\"ExpiredObjectDeleteMarker\":true},"
	    "\"Transition\":{\"Days\":1},\"AbortIncompleteMultipartUpload\":"
	    "{\"DaysAfterInitiation\":1}}]")), "-");
	/* Noncurrent versions. */
	assert_string_equal(sev("log-expiry", life("acme-data", "{\"Status\":"
	    "\"Enabled\",\"NoncurrentVersionExpiration\":{\"NoncurrentDays\":"
	    "29}}")), "high");
	assert_string_equal(sev("log-expiry", life("acme-data", "{\"Status\":"
	    "\"Enabled\",\"NoncurrentVersionExpiration\":{\"NoncurrentDays\":"
	    "30}}")), "-");
	/* Dates: whole days after the call (10:00 on 2026-08-21). */
	assert_string_equal(verdict("log-expiry", life("acme-data", "{\"ID\":"
	    "\"d\",\"Status\":\"Enabled\",\"Expiration\":{\"Date\":"
	    "\"2026-09-19T00:00:00.000Z\"}}")), "high: lifecycle rule \"d\" "
	    "expires objects on 2026-09-19T00:00:00.000Z, 28 days after the call, "
	    "fewer than 30");
	assert_string_equal(sev("log-expiry", life("acme-data", "{\"Status\":"
	    "\"Enabled\",\"Expiration\":{\"Date\":\"2026-09-20T10:00:00Z\"}}")),
	    "-");
	assert_string_equal(verdict("log-expiry", life("acme-data", "{\"Status\":"
	    "\"Enabled\",\"Expiration\":{\"Date\":\"2026-08-20T00:00:00Z\"}}")),
	    "high: lifecycle rule #1 expires objects on 2026-08-20T00:00:00Z, -2 "
	    "days after the call, fewer than 30");
	assert_string_equal(sev("log-expiry", life("acme-data", "[{\"Status\":"
	    "\"Enabled\",\"Expiration\":{\"Date\":\"tomorrow\"}},{\"Status\":"
	    "\"Enabled\",\"Expiration\":{\"Date\":20260822}}]")), "-");
	/* The setting: 0 judges only the log buckets. */
	s.min_days = 0;
	assert_string_equal(sev_with("log-expiry", &s, life("acme-data",
	    "{\"Status\":\"Enabled\",\"Expiration\":{\"Days\":0}}")), "-");
	s.min_days = 400;
	assert_string_equal(sev_with("log-expiry", &s, life("acme-data",
	    "{\"Status\":\"Enabled\",\"Expiration\":{\"Days\":365}}")), "high");
	/* Missing pieces. */
	assert_string_equal(sev("log-expiry", life("acme-data", "null")), "-");
	assert_string_equal(sev("log-expiry", record("s3.amazonaws.com",
	    "PutBucketLifecycle", "{}", NULL)), "-");
	assert_string_equal(sev("log-expiry", record("s3.amazonaws.com",
	    "PutBucketLifecycle", "{\"LifecycleConfiguration\":{\"Rule\":"
	    "{\"Status\":\"Enabled\",\"Expiration\":{\"Days\":1}}}}", NULL)),
	    "high");
}

/* --- hostile input ------------------------------------------------------------- */

static void
test_hostile(void **state)
{
	const struct rules_check *c;
	struct buf b = { NULL, 0, 0 };
	const char *v;
	char *long_sid;
	int i;

	(void)state;
	/* Deeper than a record can be: not parsed, no hit. */
	buf_adds(&b, "{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
	    "\"PutBucketPolicy\",\"x\":");
	for (i = 0; i < 5000; i++)
		buf_addc(&b, '[');
	for (i = 0; i < 5000; i++)
		buf_addc(&b, ']');
	buf_adds(&b, ",\"requestParameters\":{\"bucketPolicy\":{\"Statement\":"
	    "{\"Effect\":\"Allow\",\"Principal\":\"*\"}}}}");
	for (c = rules_checks; c->name != NULL; c++)
		assert_string_equal(sev(c->name, b.data), "-");
	/* Many statements: the worst is still found. */
	buf_reset(&b);
	buf_adds(&b, "{\"Statement\":[");
	for (i = 0; i < 20000; i++)
		buf_printf(&b, "%s{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
		    "\"%s\"}}", i > 0 ? "," : "", i == 19999 ? "*" : OWN);
	buf_adds(&b, "]}");
	assert_string_equal(sev("policy-grant", pol(b.data)), "critical");
	/* Long text is cut in the reason, on a character boundary. */
	long_sid = xcalloc(1, 4001);
	for (i = 0; i < 1000; i++)
		memcpy(long_sid + 4 * i, "\xf0\x9f\x98\x80", 4);
	buf_reset(&b);
	buf_printf(&b, "{\"Statement\":{\"Sid\":\"%s\",\"Effect\":\"Allow\","
	    "\"Principal\":\"*\"}}", long_sid);
	v = verdict("policy-grant", pol(b.data));
	assert_true(strlen(v) < RULES_CHECK_REASON_MAX + 16);
	assert_non_null(strstr(v, "\xf0\x9f\x98\x80...\" allows everyone"));
	free(long_sid);
	/* Escaped NULs and control characters stay inside the reason. */
	assert_string_equal(verdict("policy-grant", pol("{\"Statement\":{"
	    "\"Sid\":\"a\\u0000b\\u001b[2J\",\"Effect\":\"Allow\",\"Principal\":"
	    "\"*\"}}")), "critical: statement \"a\" allows everyone (Principal "
	    "\"*\")");
	/* Wrong types at every level, for every check. */
	for (c = rules_checks; c->name != NULL; c++) {
		assert_string_equal(sev(c->name, "[]"), "-");
		assert_string_equal(sev(c->name, "\"x\""), "-");
		assert_string_equal(sev(c->name, "{\"eventSource\":1}"), "-");
		assert_string_equal(sev(c->name, record(c->source, c->events[0],
		    "\"x\"", NULL)), "-");
		assert_string_equal(sev(c->name, record(c->source, c->events[0],
		    "[{},{}]", "\"resources\":{\"type\":5}")), "-");
		assert_string_equal(sev(c->name, "{\"eventSource\":"), "-");
	}
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_principals),
		cmocka_unit_test(test_policy_conditions),
		cmocka_unit_test(test_policy_shapes),
		cmocka_unit_test(test_policy_trusted),
		cmocka_unit_test(test_gate),
		cmocka_unit_test(test_acl_canned_and_body),
		cmocka_unit_test(test_acl_headers),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_selectors_basic),
		cmocka_unit_test(test_selectors_advanced),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
