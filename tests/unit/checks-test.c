/* The analysis checks (src/rules/rules_check.c) on their edge cases: each
 * shape the specification names (doc/rules.md), the settings, missing
 * fields and wrong types, and hostile input, where nothing unproven may
 * hit and nothing may crash.  Cases are tables of records and verdicts. */
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
#define OWNER_ID "79a59df900b949e55d96a1e698fbaced" \
	"fd6e09d98eacf8f8d5218e7cd47ef2be"
#define OTHER_ID "be31c2a4f2e1d0c9b8a7f6e5d4c3b2a1" \
	"f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5"
#define ALL_USERS "http://acs.amazonaws.com/groups/global/AllUsers"
#define AUTH_USERS "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
#define LOG_DELIVERY "http://acs.amazonaws.com/groups/s3/LogDelivery"
#define NITEMS(a) (sizeof (a) / sizeof (a)[0])

/* --- records, built at compile time ------------------------------------- */

/* A successful call with these request parameters (JSON text), and extra
 * members. */
#define REC_HEAD(src, name) "{\"eventVersion\":\"1.10\",\"eventSource\":\"" \
	src "\",\"eventName\":\"" name "\",\"eventTime\":" \
	"\"2026-08-21T10:00:00Z\",\"userIdentity\":{\"type\":\"IAMUser\"," \
	"\"accountId\":\"" OWN "\"},\"recipientAccountId\":\"" OWN "\"," \
	"\"requestParameters\":"
#define REC(src, name, params) REC_HEAD(src, name) params "}"
#define RECX(src, name, params, extra) REC_HEAD(src, name) params "," extra "}"
/* PutBucketPolicy of a policy on acme-data; one Allow statement with this
 * principal member (and condition). */
#define POL(policy) REC("s3.amazonaws.com", "PutBucketPolicy", \
	"{\"bucketName\":\"acme-data\",\"bucketPolicy\":" policy "}")
#define STMT_HEAD(principal) "{\"Version\":\"2012-10-17\",\"Statement\":" \
	"[{\"Sid\":\"S\",\"Effect\":\"Allow\"," principal ",\"Action\":" \
	"\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::acme-data/*\""
#define STMT(principal) POL(STMT_HEAD(principal) "}]}")
#define STMTC(principal, cond) POL(STMT_HEAD(principal) ",\"Condition\":" \
	cond "}]}")
#define AWS(v) "\"Principal\":{\"AWS\":" v "}"
#define ANYONE "\"Principal\":\"*\""
/* An ACL call; a PutBucketAcl with these grants (and the owner's id). */
#define ACL(name, params) REC("s3.amazonaws.com", name, params)
#define ACL_HEAD(grants) "{\"bucketName\":\"acme-data\",\"acl\":\"\"," \
	"\"AccessControlPolicy\":{\"AccessControlList\":{\"Grant\":" grants "}"
#define ACL_BODY(grants) ACL("PutBucketAcl", ACL_HEAD(grants) "}}")
#define ACL_OWNED(grants) ACL("PutBucketAcl", ACL_HEAD(grants) \
	",\"Owner\":{\"ID\":\"" OWNER_ID "\"}}}")
#define GRANT(type, k, v, perm) "{\"Grantee\":{\"xsi:type\":\"" type "\",\"" \
	k "\":\"" v "\"},\"Permission\":\"" perm "\"}"
/* A copy with these resources and parameters. */
#define COPY(name, resources, params) RECX("s3.amazonaws.com", name, params, \
	"\"resources\":" resources)
#define RES(type, acct) "{\"type\":\"AWS::S3::" type "\",\"ARN\":\"arn:aws:" \
	"s3:::b/k\"" acct "}"
#define ACCT(a) ",\"accountId\":\"" a "\""
#define KMS(a) "{\"x-amz-server-side-encryption-aws-kms-key-id\":\"arn:aws:" \
	"kms:eu-west-1:" a ":key/1f8e4b2a\"}"
/* Event selectors. */
#define SEL(params) REC("cloudtrail.amazonaws.com", "PutEventSelectors", params)
#define BASIC(mgmt, values) "{\"readWriteType\":\"All\"," \
	"\"includeManagementEvents\":" mgmt ",\"dataResources\":[{\"type\":" \
	"\"AWS::S3::Object\",\"values\":" values "}]}"
#define ADV(...) SEL("{\"advancedEventSelectors\":[" __VA_ARGS__ "]}")
#define ADV_MGMT "{\"name\":\"m\",\"fieldSelectors\":[{\"field\":" \
	"\"eventCategory\",\"equals\":[\"Management\"]}]}"
#define ADV_DATA(arn) "{\"name\":\"d\",\"fieldSelectors\":[{\"field\":" \
	"\"eventCategory\",\"equals\":[\"Data\"]},{\"field\":\"resources.type\"," \
	"\"equals\":[\"AWS::S3::Object\"]}" arn "]}"
#define ARN_SEL(ops) ",{\"field\":\"resources.ARN\"," ops "}"
/* Lifecycle rules of a bucket; one enabled rule expiring something. */
#define LIFE(bucket, rules) REC("s3.amazonaws.com", \
	"PutBucketLifecycleConfiguration", "{\"bucketName\":\"" bucket "\"," \
	"\"lifecycle\":\"\",\"LifecycleConfiguration\":{\"Rule\":" rules "}}")
#define ENABLED(what) "{\"Status\":\"Enabled\"," what "}"
#define EXPIRE(v) "\"Expiration\":{" v "}"

/* --- settings and verdicts ---------------------------------------------- */

static char *source_buckets[] = { "acme-data", "acme-ledger" };
static char *trail_buckets[] = { "acme-trail" };
static char *log_buckets[] = { "acme-logs" };
static char *trail_names[] = { "org-trail" };
static char *trusted_both[] = { OWN, OTHER };
static char *trusted_other[] = { OTHER };

/* Most cases': no trusted account (the record's own), 30 days, one
 * monitored bucket, any trail. */
static struct rules_check_settings
settings(void)
{
	struct rules_check_settings s = {
		NULL, 0, 30, source_buckets, 1, trail_buckets, 1, log_buckets, 1,
		NULL, 0
	};

	return s;
}

/* The verdict of a check on a record: "-" for no hit, else
 * "SEVERITY: reason"; borrowed until the next call. */
static const char *
verdict(const char *check, const struct rules_check_settings *s,
    const char *json)
{
	static char out[RULES_CHECK_REASON_MAX + 32];
	const struct rules_check *c = rules_check_find(check);
	struct json_object *root, *rec;
	struct rules_check_hit h;

	assert_non_null(c);
	snprintf(out, sizeof out, "-");
	root = rules_check_parse(json, strlen(json), PATTERN_WRAP_AUTO, &rec);
	if (root != NULL && rules_check_run(c, rec, s, &h))
		snprintf(out, sizeof out, "%s: %s", rules_severity_name(h.severity),
		    h.reason);
	json_object_put(root);
	return out;
}

/* What a check must say of a record: a severity ("-" for no hit) or the
 * whole verdict ("SEVERITY: reason"). */
struct check_case {
	const char	*check;
	const char	*record;
	const char	*want;
};

static void
expect(const struct check_case *c, const struct rules_check_settings *s,
    size_t n)
{
	struct rules_check_settings d = settings();
	char got[RULES_CHECK_REASON_MAX + 32];

	snprintf(got, sizeof got, "%s", verdict(c->check, s != NULL ? s : &d,
	    c->record));
	if (strchr(c->want, ':') == NULL)
		got[strcspn(got, ":")] = '\0';
	if (strcmp(got, c->want) != 0)
		fail_msg("%s case %zu: got '%s', wanted '%s'\n%.400s", c->check,
		    n, got, c->want, c->record);
}

static void
expect_all(const struct check_case *c, size_t n,
    const struct rules_check_settings *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		expect(&c[i], s, i + 1);
}

/* --- policy-grant ------------------------------------------------------- */

static const struct check_case policy_principals[] = {
	/* Everyone, in each spelling. */
	{ "policy-grant", STMT(ANYONE), "critical" },
	{ "policy-grant", STMT("\"Principal\":[\"*\"]"), "critical" },
	{ "policy-grant", STMT(AWS("\"*\"")), "critical" },
	{ "policy-grant", STMT(AWS("[\"arn:aws:iam::" OWN ":root\",\"*\"]")),
	  "critical" },
	{ "policy-grant", STMT("\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::" OWN
	  ":role/app\"}"), "critical" },
	/* Another account: an id, a number, IAM and STS ARNs, any partition,
	 * a member name in any case. */
	{ "policy-grant", STMT(AWS("\"" OTHER "\"")), "high" },
	{ "policy-grant", STMT(AWS(OTHER)), "high" },
	{ "policy-grant", STMT(AWS("\"arn:aws:iam::" OTHER ":role/x\"")),
	  "high" },
	{ "policy-grant", STMT(AWS("\"arn:aws:sts::" OTHER
	  ":assumed-role/x/y\"")), "high" },
	{ "policy-grant", STMT(AWS("\"arn:aws-cn:iam::" OTHER ":root\"")),
	  "high" },
	{ "policy-grant", STMT("\"Principal\":{\"aws\":[\"" OTHER "\"]}"),
	  "high" },
	/* Any canonical user: the owner's id is not in the record. */
	{ "policy-grant", STMT("\"Principal\":{\"CanonicalUser\":\"" OWNER_ID
	  "\"}"), "high" },
	/* Our own account, and what proves nothing. */
	{ "policy-grant", STMT(AWS("[\"" OWN "\",\"arn:aws:iam::" OWN
	  ":role/app\"]")), "-" },
	{ "policy-grant", STMT(AWS("[\"44445555666\",\"AROA4EXAMPLEQ7ZX2KDM\","
	  "\"arn:aws:s3:::" OTHER "\",\"arn:aws:ec2::" OTHER ":x\",\"\",null,"
	  "true,{}]")), "-" },
	{ "policy-grant", STMT("\"Principal\":{\"Federated\":"
	  "\"cognito-identity.amazonaws.com\"}"), "-" },
	{ "policy-grant", STMT("\"Principal\":\"arn:aws:iam::" OTHER ":root\""),
	  "-" },
	{ "policy-grant", STMT("\"Principal\":null"), "-" },
};

static const struct check_case policy_conditions[] = {
	/* Each confining key, under any operator, in any case. */
	{ "policy-grant", STMTC(ANYONE, "{\"StringEquals\":{"
	  "\"aws:PrincipalOrgID\":\"o-abc\"}}"), "medium" },
	{ "policy-grant", STMTC(ANYONE, "{\"StringEquals\":{"
	  "\"AWS:SOURCEVPCE\":\"vpce-1\"}}"), "medium" },
	{ "policy-grant", STMTC(ANYONE, "{\"ForAnyValue:StringLike\":{"
	  "\"aws:sourcevpc\":[\"vpc-1\"]}}"), "medium" },
	{ "policy-grant", STMTC(ANYONE, "{\"NotIpAddress\":{\"aws:SourceIp\":"
	  "\"203.0.113.0/24\"}}"), "medium" },
	{ "policy-grant", STMTC(ANYONE, "{\"StringEquals\":{"
	  "\"aws:PrincipalAccount\":[\"" OWN "\"]}}"), "medium" },
	{ "policy-grant", STMTC(AWS("\"" OTHER "\""), "{\"StringEquals\":{"
	  "\"aws:PrincipalOrgID\":\"o-abc\"}}"), "low" },
	/* aws:PrincipalAccount naming another account confines nothing. */
	{ "policy-grant", STMTC(ANYONE, "{\"StringEquals\":{"
	  "\"aws:PrincipalAccount\":[\"" OWN "\",\"" OTHER "\"]}}"),
	  "critical" },
	/* Other keys and malformed conditions confine nothing. */
	{ "policy-grant", STMTC(ANYONE, "{\"Bool\":{\"aws:SecureTransport\":"
	  "\"true\"}}"), "critical" },
	{ "policy-grant", STMTC(ANYONE, "{\"StringEquals\":\"aws:SourceVpce\"}"),
	  "critical" },
	{ "policy-grant", STMTC(ANYONE, "[\"aws:SourceVpce\"]"), "critical" },
	/* A service principal: low unless tied to a trusted account. */
	{ "policy-grant", STMT("\"Principal\":{\"Service\":"
	  "\"logging.s3.amazonaws.com\"}"), "low" },
	{ "policy-grant", STMTC("\"Principal\":{\"Service\":"
	  "\"logging.s3.amazonaws.com\"}", "{\"StringEquals\":{"
	  "\"aws:SourceAccount\":\"" OWN "\"}}"), "-" },
	{ "policy-grant", STMTC("\"Principal\":{\"Service\":"
	  "[\"cloudtrail.amazonaws.com\"]}", "{\"ArnLike\":{\"aws:SourceArn\":"
	  "\"arn:aws:cloudtrail:eu-west-1:" OWN ":trail/t\"}}"), "-" },
	{ "policy-grant", STMTC("\"Principal\":{\"Service\":"
	  "\"logging.s3.amazonaws.com\"}", "{\"ArnLike\":{\"aws:SourceArn\":"
	  "\"arn:aws:s3:::acme-data\"}}"), "low" },
	{ "policy-grant", STMTC("\"Principal\":{\"Service\":"
	  "\"logging.s3.amazonaws.com\"}", "{\"StringEquals\":{"
	  "\"aws:SourceAccount\":[\"" OWN "\",\"" OTHER "\"]}}"), "low" },
	/* A service tied to us, beside another account: the account wins. */
	{ "policy-grant", STMTC("\"Principal\":{\"Service\":"
	  "\"logging.s3.amazonaws.com\",\"AWS\":\"" OTHER "\"}",
	  "{\"StringEquals\":{\"aws:SourceAccount\":\"" OWN "\"}}"), "high" },
};

static const struct check_case policy_shapes[] = {
	/* Statement as an object; the policy as JSON text. */
	{ "policy-grant", POL("{\"Statement\":{\"Effect\":\"Allow\","
	  "\"Principal\":\"*\"}}"), "critical" },
	{ "policy-grant", POL("\"{\\\"Statement\\\":[{\\\"Effect\\\":"
	  "\\\"Allow\\\",\\\"Principal\\\":{\\\"AWS\\\":\\\"" OTHER "\\\"}}]}\""),
	  "high" },
	/* Text that is not JSON, or JSON that is not an object. */
	{ "policy-grant", POL("\"{\\\"Statement\\\":[\""), "-" },
	{ "policy-grant", POL("\"[1,2]\""), "-" },
	/* Text after the object makes it no JSON text; blanks do not. */
	{ "policy-grant", POL("\"{\\\"Statement\\\":{\\\"Effect\\\":"
	  "\\\"Allow\\\",\\\"Principal\\\":\\\"*\\\"}} x\""), "-" },
	{ "policy-grant", POL("\"{\\\"Statement\\\":{\\\"Effect\\\":"
	  "\\\"Allow\\\",\\\"Principal\\\":\\\"*\\\"}}{}\""), "-" },
	{ "policy-grant", POL("\"{\\\"Statement\\\":{\\\"Effect\\\":"
	  "\\\"Allow\\\",\\\"Principal\\\":\\\"*\\\"}} \\n\\t\""),
	  "critical" },
	/* Deny, and Effect not exactly "Allow". */
	{ "policy-grant", POL("{\"Statement\":[{\"Effect\":\"Deny\","
	  "\"Principal\":\"*\"},{\"Effect\":\"allow\",\"Principal\":\"*\"},"
	  "{\"Effect\":1,\"Principal\":\"*\"},{\"Principal\":\"*\"}]}"), "-" },
	/* Missing or wrong members. */
	{ "policy-grant", POL("{}"), "-" },
	{ "policy-grant", POL("null"), "-" },
	{ "policy-grant", POL("{\"Statement\":\"*\"}"), "-" },
	{ "policy-grant", POL("{\"Statement\":[1,\"x\",null,[],{}]}"), "-" },
	{ "policy-grant", REC("s3.amazonaws.com", "PutBucketPolicy", "null"),
	  "-" },
	/* The worst statement wins; the reason names it (Sid, or number). */
	{ "policy-grant", POL("{\"Statement\":[{\"Sid\":\"A\",\"Effect\":"
	  "\"Allow\",\"Principal\":{\"Service\":\"x.amazonaws.com\"}},"
	  "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" OTHER "\"}},"
	  "{\"Sid\":\"C\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Condition\":"
	  "{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}]}"),
	  "high: statement #2 allows account \"" OTHER "\", outside the trusted "
	  "accounts" },
	{ "policy-grant", STMTC(ANYONE, "{\"IpAddress\":{\"aws:SourceIp\":"
	  "\"10.0.0.0/8\"}}"), "medium: statement \"S\" allows everyone "
	  "(Principal \"*\"), confined by aws:SourceIp" },
	/* Escaped NULs and control characters stay inside the reason. */
	{ "policy-grant", POL("{\"Statement\":{\"Sid\":\"a\\u0000b\\u001b[2J\","
	  "\"Effect\":\"Allow\",\"Principal\":\"*\"}}"), "critical: statement "
	  "\"a\" allows everyone (Principal \"*\")" },
};

/* The record's own account: recipientAccountId, else the caller's; none
 * known: accounts prove nothing. */
static const struct check_case policy_own_account[] = {
	{ "policy-grant", "{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
	  "\"PutBucketPolicy\",\"userIdentity\":{\"accountId\":\"" OTHER "\"},"
	  "\"requestParameters\":{\"bucketPolicy\":{\"Statement\":{\"Effect\":"
	  "\"Allow\",\"Principal\":{\"AWS\":\"" OTHER "\"}}}}}", "-" },
	{ "policy-grant", "{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
	  "\"PutBucketPolicy\",\"recipientAccountId\":\"anonymous\","
	  "\"requestParameters\":{\"bucketPolicy\":{\"Statement\":[{\"Effect\":"
	  "\"Allow\",\"Principal\":{\"AWS\":\"" OTHER "\"}},{\"Effect\":\"Allow\","
	  "\"Principal\":{\"AWS\":\"" OTHER "\"},\"Condition\":{\"StringEquals\":"
	  "{\"aws:PrincipalAccount\":\"" THIRD "\"}}}]}}}", "-" },
	{ "policy-grant", "{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
	  "\"PutBucketPolicy\",\"requestParameters\":{\"bucketPolicy\":{"
	  "\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\"}}}}",
	  "critical" },
};

/* trusted_accounts replaces the record's account. */
static const struct check_case policy_trusted[] = {
	{ "policy-grant", STMT(AWS("\"arn:aws:iam::" OTHER ":root\"")), "-" },
	{ "policy-grant", STMT(AWS("\"" OWN "\"")), "-" },
	{ "policy-grant", STMT(AWS("\"" THIRD "\"")), "high" },
};

static const struct check_case policy_trusted_other[] = {
	{ "policy-grant", STMT(AWS("\"" OWN "\"")), "high" },
	{ "policy-grant", STMT(AWS("\"" OTHER "\"")), "-" },
};

static void
test_policy(void **state)
{
	struct rules_check_settings s = settings();

	(void)state;
	expect_all(policy_principals, NITEMS(policy_principals), NULL);
	expect_all(policy_conditions, NITEMS(policy_conditions), NULL);
	expect_all(policy_shapes, NITEMS(policy_shapes), NULL);
	expect_all(policy_own_account, NITEMS(policy_own_account), NULL);
	s.trusted = trusted_both;
	s.ntrusted = 2;
	expect_all(policy_trusted, NITEMS(policy_trusted), &s);
	s.trusted = trusted_other;
	s.ntrusted = 1;
	expect_all(policy_trusted_other, NITEMS(policy_trusted_other), &s);
}

/* --- the common gate ---------------------------------------------------- */

#define GATE_POLICY "{\"bucketPolicy\":{\"Statement\":{\"Effect\":\"Allow\"," \
	"\"Principal\":\"*\"}}}"

static const struct check_case gate[] = {
	{ "policy-grant", REC("s3.amazonaws.com", "PutBucketPolicy",
	  GATE_POLICY), "critical" },
	/* A failed call, another call, another service, missing names. */
	{ "policy-grant", RECX("s3.amazonaws.com", "PutBucketPolicy",
	  GATE_POLICY, "\"errorCode\":\"AccessDenied\""), "-" },
	{ "policy-grant", RECX("s3.amazonaws.com", "PutBucketPolicy",
	  GATE_POLICY, "\"errorCode\":null"), "-" },
	{ "policy-grant", REC("s3.amazonaws.com", "GetBucketPolicy",
	  GATE_POLICY), "-" },
	{ "policy-grant", REC("iam.amazonaws.com", "PutBucketPolicy",
	  GATE_POLICY), "-" },
	{ "policy-grant", "{\"requestParameters\":{}}", "-" },
	/* The record inside an EventBridge event. */
	{ "policy-grant", "{\"version\":\"0\",\"detail-type\":\"AWS API Call via "
	  "CloudTrail\",\"source\":\"aws.s3\",\"detail\":" REC("s3.amazonaws.com",
	  "PutBucketPolicy", GATE_POLICY) "}", "critical" },
	{ "policy-grant", "{\"detail-type\":\"x\",\"detail\":[]}", "-" },
};

static void
test_gate(void **state)
{
	(void)state;
	expect_all(gate, NITEMS(gate), NULL);
	assert_null(rules_check_find("nosuch"));
}

/* --- acl-grant ---------------------------------------------------------- */

static const struct check_case acl_canned_and_body[] = {
	{ "acl-grant", ACL("PutBucketAcl", "{\"x-amz-acl\":\"public-read\"}"),
	  "critical" },
	{ "acl-grant", ACL("PutObjectAcl", "{\"x-amz-acl\":"
	  "[\"authenticated-read\"]}"), "critical" },
	{ "acl-grant", ACL("PutBucketAcl", "{\"X-Amz-Acl\":"
	  "[\"PUBLIC-READ-WRITE\"]}"), "critical" },
	{ "acl-grant", ACL("PutBucketAcl", "{\"x-amz-acl\":[\"private\","
	  "\"bucket-owner-full-control\",1]}"), "-" },
	/* Grants: object or array; groups; the owner; others. */
	{ "acl-grant", ACL_OWNED(GRANT("Group", "URI", ALL_USERS, "READ")),
	  "critical" },
	{ "acl-grant", ACL_OWNED("[" GRANT("CanonicalUser", "ID", OWNER_ID,
	  "FULL_CONTROL") "," GRANT("Group", "URI", AUTH_USERS, "READ") "]"),
	  "critical" },
	{ "acl-grant", ACL_OWNED("[" GRANT("CanonicalUser", "ID", OWNER_ID,
	  "FULL_CONTROL") "," GRANT("Group", "URI", LOG_DELIVERY, "WRITE") "]"),
	  "-" },
	{ "acl-grant", ACL_OWNED(GRANT("CanonicalUser", "ID", OTHER_ID, "READ")),
	  "high: grants READ to canonical user "
	  "\"be31c2a4f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3...\", not the "
	  "owner" },
	/* Canonical ids compare without case; no owner: not the owner. */
	{ "acl-grant", ACL_OWNED(GRANT("CanonicalUser", "ID",
	  "79A59DF900B949E55D96A1E698FBACEDFD6E09D98EACF8F8D5218E7CD47EF2BE",
	  "READ")), "-" },
	{ "acl-grant", ACL_BODY(GRANT("CanonicalUser", "ID", OWNER_ID, "READ")),
	  "high" },
	{ "acl-grant", ACL_OWNED(GRANT("AmazonCustomerByEmail", "EmailAddress",
	  "x@example.net", "WRITE")), "high" },
	/* The worst grant wins. */
	{ "acl-grant", ACL_OWNED("[" GRANT("AmazonCustomerByEmail",
	  "EmailAddress", "x@example.net", "WRITE") "," GRANT("Group", "URI",
	  ALL_USERS, "READ") "]"), "critical" },
	/* Group URIs compare exactly. */
	{ "acl-grant", ACL_OWNED(GRANT("Group", "URI",
	  "https://acs.amazonaws.com/groups/global/AllUsers/x", "READ")), "-" },
	/* Malformed grants and parameters. */
	{ "acl-grant", ACL_OWNED("[1,null,\"x\",{},{\"Grantee\":5},"
	  "{\"Grantee\":{\"URI\":7,\"ID\":\"\"}}]"), "-" },
	{ "acl-grant", ACL("PutBucketAcl", "[]"), "-" },
};

static const struct check_case acl_headers[] = {
	{ "acl-grant", ACL("PutObjectAcl", "{\"x-amz-grant-read\":\"uri=\\\""
	  ALL_USERS "\\\"\"}"), "critical: grants read to AllUsers (everyone)" },
	{ "acl-grant", ACL("PutObjectAcl", "{\"x-amz-grant-write-acp\":"
	  "[\" id=\\\"" OWNER_ID "\\\" ,  URI = " AUTH_USERS "\"]}"),
	  "critical" },
	{ "acl-grant", ACL("PutObjectAcl", "{\"x-amz-grant-full-control\":"
	  "\"id=" OTHER_ID "\"}"), "high" },
	{ "acl-grant", ACL("PutBucketAcl", "{\"x-amz-grant-read\":"
	  "\"emailAddress=\\\"a@example.com\\\"\"}"), "high" },
	/* The owner named in a body beside the header. */
	{ "acl-grant", ACL("PutBucketAcl", "{\"x-amz-grant-full-control\":"
	  "\"id=\\\"" OWNER_ID "\\\"\",\"AccessControlPolicy\":{\"Owner\":"
	  "{\"ID\":\"" OWNER_ID "\"}}}"), "-" },
	{ "acl-grant", ACL("PutBucketAcl", "{\"x-amz-grant-read\":\"uri=\\\""
	  LOG_DELIVERY "\\\"\"}"), "-" },
	/* Junk in a header. */
	{ "acl-grant", ACL("PutBucketAcl", "{\"x-amz-grant-read\":"
	  "\",,=,id=,uri,\\\"\\\"=x,nosuch=\\\"y\\\"\",\"x-amz-grant-write\":5,"
	  "\"x-amz-grant-\":\"\"}"), "-" },
};

static void
test_acl(void **state)
{
	(void)state;
	expect_all(acl_canned_and_body, NITEMS(acl_canned_and_body), NULL);
	expect_all(acl_headers, NITEMS(acl_headers), NULL);
}

/* --- cross-account-copy ------------------------------------------------- */

static const struct check_case copies[] = {
	{ "cross-account-copy", COPY("CopyObject", "[" RES("Object", "") ","
	  RES("Bucket", ACCT(OWN)) "," RES("Object", "") "," RES("Bucket",
	  ACCT(OTHER)) "]", "{}"), "high: the copy's buckets belong to "
	  "accounts " OWN " and " OTHER },
	{ "cross-account-copy", COPY("UploadPartCopy", "[" RES("Object",
	  ACCT(OTHER)) "]", "{}"), "high" },
	{ "cross-account-copy", COPY("CopyObject", "[" RES("Bucket", ACCT(OWN))
	  "," RES("Object", ACCT(OWN)) "]", "{}"), "-" },
	/* The KMS key's account: a key or an alias; a bare id is ours. */
	{ "cross-account-copy", COPY("CopyObject", "[" RES("Bucket", ACCT(OWN))
	  "]", KMS(OTHER)), "high" },
	{ "cross-account-copy", COPY("CopyObject", "[]", KMS(OWN)), "-" },
	{ "cross-account-copy", COPY("CopyObject", "[]", "{\"x-amz-server-side-"
	  "encryption-aws-kms-key-id\":\"arn:aws:kms:eu-west-1:" OTHER
	  ":alias/drop\"}"), "high" },
	{ "cross-account-copy", COPY("CopyObject", "[]", "{\"x-amz-server-side-"
	  "encryption-aws-kms-key-id\":[\"1f8e4b2a\",\"arn:aws:s3:::" OTHER
	  "\",\"arn:aws:kms:eu-west-1::key/x\",7]}"), "-" },
	/* resources[].accountId is CloudTrail's own: any text counts. */
	{ "cross-account-copy", COPY("CopyObject", "[" RES("Bucket",
	  ACCT("12948575929274")) "," RES("Bucket", ACCT("111111111111")) "]",
	  "{}"), "high" },
	{ "cross-account-copy", COPY("CopyObject", "[" RES("Bucket",
	  ACCT("4444")) "]", "{}"), "high" },
	/* What proves nothing: other types, no account, a non-list. */
	{ "cross-account-copy", COPY("CopyObject", "[" RES("AccessPoint",
	  ACCT(OTHER)) ",{\"type\":\"AWS::S3::Bucket\",\"accountId\":"
	  "444455556666},{\"type\":\"AWS::S3::Bucket\",\"accountId\":\"\"},"
	  "{\"accountId\":\"" OTHER "\"},5,null]", "{}"), "-" },
	{ "cross-account-copy", COPY("CopyObject", RES("Bucket", ACCT(OTHER)),
	  "{}"), "-" },
};

/* Trusted accounts: two of them may differ; a third is foreign. */
static const struct check_case copies_trusted[] = {
	{ "cross-account-copy", COPY("CopyObject", "[" RES("Bucket", ACCT(OWN))
	  "," RES("Bucket", ACCT(OTHER)) "]", KMS(OTHER)), "-" },
	{ "cross-account-copy", COPY("CopyObject", "[" RES("Bucket", ACCT(OWN))
	  "," RES("Bucket", ACCT(THIRD)) "]", "{}"), "high" },
};

static void
test_copy(void **state)
{
	struct rules_check_settings s = settings();

	(void)state;
	expect_all(copies, NITEMS(copies), NULL);
	s.trusted = trusted_both;
	s.ntrusted = 2;
	expect_all(copies_trusted, NITEMS(copies_trusted), &s);
}

/* --- trail-selectors ---------------------------------------------------- */

static const struct check_case selectors_basic[] = {
	{ "trail-selectors", SEL("{\"eventSelectors\":[" BASIC("true",
	  "[\"arn:aws:s3:::acme-data/\"]") "]}"), "-" },
	{ "trail-selectors", SEL("{\"eventSelectors\":[" BASIC("false",
	  "[\"arn:aws:s3:::acme-data/\"]") "]}"), "high: the new event selectors "
	  "log no management events" },
	/* Covering the bucket: all of S3, the bucket, a prefix of its name,
	 * any partition; a string for a list; names in any case. */
	{ "trail-selectors", SEL("{\"eventSelectors\":" BASIC("true",
	  "[\"arn:aws:s3\"]") "}"), "-" },
	{ "trail-selectors", SEL("{\"eventSelectors\":[" BASIC("\"true\"",
	  "\"arn:aws:s3:::\"") "]}"), "-" },
	{ "trail-selectors", SEL("{\"EventSelectors\":[{"
	  "\"IncludeManagementEvents\":true,\"DataResources\":{\"Type\":"
	  "\"AWS::S3::Object\",\"Values\":[\"arn:aws-cn:s3:::acme\"]}}]}"), "-" },
	{ "trail-selectors", SEL("{\"eventSelectors\":[" BASIC("true",
	  "[\"arn:aws:s3:::acme-data\"]") "]}"), "-" },
	/* Not covering it: an object prefix, another bucket, another type. */
	{ "trail-selectors", SEL("{\"eventSelectors\":[" BASIC("true",
	  "[\"arn:aws:s3:::acme-data/logs/\",\"arn:aws:s3:::acme-data-2/\","
	  "\"arn:aws:s3:::acme-data/x\"]") "]}"), "high: the new event selectors "
	  "log no data events of bucket acme-data" },
	{ "trail-selectors", SEL("{\"eventSelectors\":[{"
	  "\"includeManagementEvents\":true,\"dataResources\":[{\"type\":"
	  "\"AWS::Lambda::Function\",\"values\":[\"arn:aws:s3\"]}]}]}"), "high" },
	/* Nothing said, or nothing of use. */
	{ "trail-selectors", SEL("{\"trailName\":\"t\"}"), "-" },
	{ "trail-selectors", SEL("{\"eventSelectors\":null}"), "-" },
	{ "trail-selectors", SEL("{\"eventSelectors\":[1,\"x\",null]}"),
	  "high" },
	{ "trail-selectors", REC("cloudtrail.amazonaws.com",
	  "PutAdvancedEventSelectors", "{\"eventSelectors\":[]}"), "high" },
};

/* Two monitored buckets: each must be covered. */
static const struct check_case selectors_two_buckets[] = {
	{ "trail-selectors", SEL("{\"eventSelectors\":[" BASIC("true",
	  "[\"arn:aws:s3:::acme-data/\"]") "]}"), "high: the new event selectors "
	  "log no data events of bucket acme-ledger" },
};

/* No monitored bucket known: management only. */
static const struct check_case selectors_no_bucket[] = {
	{ "trail-selectors", SEL("{\"eventSelectors\":[{"
	  "\"includeManagementEvents\":true}]}"), "-" },
};

/* The monitored trail (a name or an ARN; none named: it): data judged;
 * another trail: management only. */
#define TRAIL_ARN(name) "arn:aws:cloudtrail:eu-west-1:" OWN ":trail/" name
static const struct check_case selectors_trail[] = {
	{ "trail-selectors", SEL("{\"trailName\":\"org-trail\",\"eventSelectors"
	  "\":{\"includeManagementEvents\":true}}"), "high" },
	{ "trail-selectors", SEL("{\"trailName\":\"" TRAIL_ARN("org-trail")
	  "\",\"eventSelectors\":{\"includeManagementEvents\":true}}"), "high" },
	{ "trail-selectors", SEL("{\"eventSelectors\":{"
	  "\"includeManagementEvents\":true}}"), "high" },
	{ "trail-selectors", SEL("{\"trailName\":\"dev-trail\",\"eventSelectors"
	  "\":{\"includeManagementEvents\":true}}"), "-" },
	{ "trail-selectors", SEL("{\"trailName\":\"" TRAIL_ARN("org-trail-2")
	  "\",\"eventSelectors\":{\"includeManagementEvents\":true}}"), "-" },
	{ "trail-selectors", SEL("{\"trailName\":\"dev-trail\",\"eventSelectors"
	  "\":{\"includeManagementEvents\":false}}"), "high" },
};

static const struct check_case selectors_advanced[] = {
	{ "trail-selectors", ADV(ADV_MGMT "," ADV_DATA("")), "-" },
	{ "trail-selectors", ADV(ADV_MGMT "," ADV_DATA(ARN_SEL("\"startsWith\":"
	  "[\"arn:aws:s3:::other/\",\"arn:aws:s3:::acme-data/\"]"))), "-" },
	{ "trail-selectors", ADV(ADV_MGMT "," ADV_DATA(ARN_SEL("\"Equals\":"
	  "[\"arn:aws:s3:::acme-data/\"]"))), "-" },
	{ "trail-selectors", ADV(ADV_DATA("")), "high: the new advanced event "
	  "selectors log no management events" },
	/* The bucket excluded, or only a part of it logged. */
	{ "trail-selectors", ADV(ADV_MGMT "," ADV_DATA(ARN_SEL("\"startsWith\":"
	  "[\"arn:aws:s3:::\"],\"notStartsWith\":[\"arn:aws:s3:::acme-data/\"]"))),
	  "high" },
	{ "trail-selectors", ADV(ADV_MGMT "," ADV_DATA(ARN_SEL("\"endsWith\":"
	  "[\".pdf\"]"))), "high" },
	{ "trail-selectors", ADV(ADV_MGMT "," ADV_DATA(ARN_SEL("\"startsWith\":"
	  "[\"arn:aws:s3:::acme-data/tmp/\"]"))), "high" },
	/* Excluding another bucket keeps this one. */
	{ "trail-selectors", ADV(ADV_MGMT "," ADV_DATA(ARN_SEL(
	  "\"notStartsWith\":[\"arn:aws:s3:::noisy/\"]"))), "-" },
	/* Data of another type, or events of no category. */
	{ "trail-selectors", ADV(ADV_MGMT ",{\"fieldSelectors\":[{\"field\":"
	  "\"eventCategory\",\"equals\":[\"Data\"]},{\"field\":\"resources.type\","
	  "\"equals\":[\"AWS::DynamoDB::Table\"]}]}"), "high" },
	{ "trail-selectors", ADV("{\"fieldSelectors\":[{\"field\":"
	  "\"eventCategory\",\"notEquals\":[\"Management\"]},{\"equals\":"
	  "[\"Management\"]},{\"field\":5}]}"), "high" },
	/* Advanced wins over basic when both are given. */
	{ "trail-selectors", SEL("{\"eventSelectors\":[" BASIC("true",
	  "[\"arn:aws:s3\"]") "],\"advancedEventSelectors\":[" ADV_DATA("")
	  "]}"), "high" },
};

static void
test_selectors(void **state)
{
	struct rules_check_settings s = settings();

	(void)state;
	expect_all(selectors_basic, NITEMS(selectors_basic), NULL);
	expect_all(selectors_advanced, NITEMS(selectors_advanced), NULL);
	s.nsource = 2;
	expect_all(selectors_two_buckets, NITEMS(selectors_two_buckets), &s);
	s.nsource = 0;
	expect_all(selectors_no_bucket, NITEMS(selectors_no_bucket), &s);
	s = settings();
	s.trails = trail_names;
	s.ntrails = 1;
	expect_all(selectors_trail, NITEMS(selectors_trail), &s);
}

/* --- log-expiry --------------------------------------------------------- */

static const struct check_case expiry[] = {
	{ "log-expiry", LIFE("acme-data", "{\"ID\":\"x\",\"Status\":\"Enabled\","
	  EXPIRE("\"Days\":7") "}"), "high: lifecycle rule \"x\" expires "
	  "objects after 7 days, fewer than 30" },
	{ "log-expiry", LIFE("acme-data", ENABLED(EXPIRE("\"Days\":30"))), "-" },
	{ "log-expiry", LIFE("acme-data", ENABLED(EXPIRE("\"Days\":\"3\""))),
	  "high" },
	{ "log-expiry", LIFE("acme-data", ENABLED(EXPIRE("\"Days\":-1"))),
	  "high" },
	/* Not integers: not judged by days. */
	{ "log-expiry", LIFE("acme-data", "[" ENABLED(EXPIRE("\"Days\":1.5")) ","
	  ENABLED(EXPIRE("\"Days\":\"1 day\"")) "," ENABLED(EXPIRE(
	  "\"Days\":true")) "," ENABLED(EXPIRE("\"Days\":"
	  "\"99999999999999999999\"")) "]"), "-" },
	/* Disabled, or not exactly Enabled. */
	{ "log-expiry", LIFE("acme-trail", "[{\"Status\":\"Disabled\","
	  EXPIRE("\"Days\":1") "},{\"Status\":\"enabled\"," EXPIRE("\"Days\":1")
	  "},{" EXPIRE("\"Days\":1") "}]"), "-" },
	/* The log buckets: any expiration, whatever its length. */
	{ "log-expiry", LIFE("acme-trail", "{\"ID\":\"y\",\"Status\":\"Enabled\","
	  EXPIRE("\"Days\":3650") "}"), "high: lifecycle rule \"y\" expires "
	  "objects of the trail bucket acme-trail" },
	{ "log-expiry", LIFE("acme-logs", "[" ENABLED(
	  "\"NoncurrentVersionExpiration\":{}") "]"), "high" },
	{ "log-expiry", LIFE("acme-logs", "[" ENABLED(EXPIRE("\"Date\":"
	  "\"2030-01-01T00:00:00Z\"")) "]"), "high" },
	/* Delete markers, transitions, aborts are not expirations. */
	{ "log-expiry", LIFE("acme-trail", "[" ENABLED(EXPIRE(
	  "\"ExpiredObjectDeleteMarker\":true") ",\"Transition\":{\"Days\":1},"
	  "\"AbortIncompleteMultipartUpload\":{\"DaysAfterInitiation\":1}") "]"),
	  "-" },
	/* Noncurrent versions. */
	{ "log-expiry", LIFE("acme-data", ENABLED("\"NoncurrentVersionExpiration"
	  "\":{\"NoncurrentDays\":29}")), "high" },
	{ "log-expiry", LIFE("acme-data", ENABLED("\"NoncurrentVersionExpiration"
	  "\":{\"NoncurrentDays\":30}")), "-" },
	/* Dates: whole days after the call (10:00 on 2026-08-21). */
	{ "log-expiry", LIFE("acme-data", "{\"ID\":\"d\",\"Status\":\"Enabled\","
	  EXPIRE("\"Date\":\"2026-09-19T00:00:00.000Z\"") "}"), "high: lifecycle "
	  "rule \"d\" expires objects on 2026-09-19T00:00:00.000Z, 28 days after "
	  "the call, fewer than 30" },
	{ "log-expiry", LIFE("acme-data", ENABLED(EXPIRE("\"Date\":"
	  "\"2026-09-20T10:00:00Z\""))), "-" },
	{ "log-expiry", LIFE("acme-data", ENABLED(EXPIRE("\"Date\":"
	  "\"2026-08-20T00:00:00Z\""))), "high: lifecycle rule #1 expires "
	  "objects on 2026-08-20T00:00:00Z, -2 days after the call, fewer than "
	  "30" },
	{ "log-expiry", LIFE("acme-data", "[" ENABLED(EXPIRE("\"Date\":"
	  "\"tomorrow\"")) "," ENABLED(EXPIRE("\"Date\":20260822")) "]"), "-" },
	/* Missing pieces. */
	{ "log-expiry", LIFE("acme-data", "null"), "-" },
	{ "log-expiry", REC("s3.amazonaws.com", "PutBucketLifecycle", "{}"),
	  "-" },
	{ "log-expiry", REC("s3.amazonaws.com", "PutBucketLifecycle",
	  "{\"LifecycleConfiguration\":{\"Rule\":" ENABLED(EXPIRE("\"Days\":1"))
	  "}}"), "high" },
};

/* log_expiry_min_days 0 judges only the log buckets; 400 flags a year. */
static const struct check_case expiry_none[] = {
	{ "log-expiry", LIFE("acme-data", ENABLED(EXPIRE("\"Days\":0"))), "-" },
	{ "log-expiry", LIFE("acme-trail", ENABLED(EXPIRE("\"Days\":9999"))),
	  "high" },
};

static const struct check_case expiry_long[] = {
	{ "log-expiry", LIFE("acme-data", ENABLED(EXPIRE("\"Days\":365"))),
	  "high" },
};

static void
test_expiry(void **state)
{
	struct rules_check_settings s = settings();

	(void)state;
	expect_all(expiry, NITEMS(expiry), NULL);
	s.min_days = 0;
	expect_all(expiry_none, NITEMS(expiry_none), &s);
	s.min_days = 400;
	expect_all(expiry_long, NITEMS(expiry_long), &s);
}

/* --- hostile input ------------------------------------------------------ */

static void
test_hostile(void **state)
{
	struct rules_check_settings s = settings();
	const struct rules_check *c;
	struct check_case one;
	struct buf b = { NULL, 0, 0 }, rec = { NULL, 0, 0 };
	const char *v;
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
		assert_string_equal(verdict(c->name, &s, b.data), "-");

	/* Many statements: the worst is still found. */
	buf_reset(&b);
	buf_adds(&b, "{\"Statement\":[");
	for (i = 0; i < 20000; i++)
		buf_printf(&b, "%s{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
		    "\"%s\"}}", i > 0 ? "," : "", i == 19999 ? "*" : OWN);
	buf_adds(&b, "]}");
	buf_printf(&rec, "{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
	    "\"PutBucketPolicy\",\"requestParameters\":{\"bucketPolicy\":%s}}",
	    b.data);
	one.check = "policy-grant";
	one.record = rec.data;
	one.want = "critical";
	expect(&one, NULL, 1);

	/* Long text is cut in the reason, on a character boundary. */
	buf_reset(&rec);
	buf_adds(&rec, "{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
	    "\"PutBucketPolicy\",\"requestParameters\":{\"bucketPolicy\":{"
	    "\"Statement\":{\"Sid\":\"");
	for (i = 0; i < 1000; i++)
		buf_adds(&rec, "\xf0\x9f\x98\x80");
	buf_adds(&rec, "\",\"Effect\":\"Allow\",\"Principal\":\"*\"}}}}");
	v = verdict("policy-grant", &s, rec.data);
	assert_true(strlen(v) < RULES_CHECK_REASON_MAX + 16);
	assert_non_null(strstr(v, "\xf0\x9f\x98\x80...\" allows everyone"));

	/* Wrong types at every level, for every check and event. */
	for (c = rules_checks; c->name != NULL; c++) {
		assert_string_equal(verdict(c->name, &s, "[]"), "-");
		assert_string_equal(verdict(c->name, &s, "\"x\""), "-");
		assert_string_equal(verdict(c->name, &s, "{\"eventSource\":1}"),
		    "-");
		assert_string_equal(verdict(c->name, &s, "{\"eventSource\":"),
		    "-");
		for (i = 0; c->events[i] != NULL; i++) {
			buf_reset(&rec);
			buf_printf(&rec, "{\"eventSource\":\"%s\",\"eventName\":"
			    "\"%s\",\"requestParameters\":\"x\",\"resources\":"
			    "{\"type\":5}}", c->source, c->events[i]);
			assert_string_equal(verdict(c->name, &s, rec.data), "-");
			buf_reset(&rec);
			buf_printf(&rec, "{\"eventSource\":\"%s\",\"eventName\":"
			    "\"%s\",\"requestParameters\":[{},{}],"
			    "\"recipientAccountId\":[]}", c->source, c->events[i]);
			assert_string_equal(verdict(c->name, &s, rec.data), "-");
		}
	}
	buf_free(&b);
	buf_free(&rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_gate),
		cmocka_unit_test(test_acl),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
