/* The query-protocol services (src/aws/svc_iam.c, svc_sns.c, svc_sts.c,
 * svc_cloudwatch.c) against moto, each result checked with the real AWS
 * CLI.  Run through svc-test.sh. */
#include "config.h"

#include "creds.h"
#include "svc-common.h"

#define TRUST_POLICY "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":" \
	"\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"}," \
	"\"Action\":\"sts:AssumeRole\"}]}"
#define S3_POLICY "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":" \
	"\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\"],\"Resource\":" \
	"\"arn:aws:s3:::bucket/*\"}]}"
#define DASHBOARD_BODY "{\"widgets\":[{\"type\":\"text\",\"x\":0,\"y\":0," \
	"\"width\":6,\"height\":3,\"properties\":{\"markdown\":\"s3watch\"}}]}"

/* A builder's local refusal: no request, a cause mentioning want.  The
 * cause is taken by address: C leaves the order of argument evaluation
 * open, and the builder sets it. */
static void
refused(struct aws_request *r, char **cause, const char *want)
{
	if (r != NULL) {
		aws_request_free(r);
		fail_msg("builder accepted what it should refuse (%s)", want);
	}
	assert_non_null(*cause);
	if (strstr(*cause, want) == NULL)
		fail_msg("cause '%s' lacks '%s'", *cause, want);
	free(*cause);
	*cause = NULL;
}

/* AWS's refusal: sends r, expects the error code, and checks svc_check's
 * cause names the operation and the code. */
static void
aws_refuses(struct aws_request *r, const char *code)
{
	const char *op = r->op;
	struct aws_response *resp = svct_call(r);
	char *cause = NULL;

	if (resp->kind != AWS_ERR_SERVICE)
		fail_msg("%s: expected %s, got kind %d: %s", op, code,
		    (int)resp->kind, aws_error_text(resp));
	assert_string_equal(resp->code, code);
	assert_int_equal(svc_check(resp, op, &cause), -1);
	assert_non_null(strstr(cause, op));
	assert_non_null(strstr(cause, code));
	free(cause);
	aws_response_free(resp);
}

/* Same JSON, whatever the spacing. */
static void
assert_json_same(const char *text, struct json_object *o)
{
	struct json_object *t = json_tokener_parse(text);

	assert_non_null(t);
	if (!json_object_equal(t, o))
		fail_msg("JSON differs: %s vs %s", text,
		    json_object_to_json_string(o));
	json_object_put(t);
}

static struct json_object *
jidx(struct json_object *o, const char *key, size_t i)
{
	struct json_object *a = aws_json_get(o, key);

	assert_non_null(a);
	assert_true(json_object_is_type(a, json_type_array));
	assert_true(i < json_object_array_length(a));
	return json_object_array_get_idx(a, i);
}

static size_t
jlen(struct json_object *o, const char *key)
{
	struct json_object *a = aws_json_get(o, key);

	return a != NULL ? json_object_array_length(a) : 0;
}

/* --- STS ---------------------------------------------------------------- */

static void
test_sts_get_caller_identity(void **state)
{
	struct sts_identity id;
	struct aws_response *resp;
	struct json_object *cli;
	char *cause = NULL;

	(void)state;
	resp = svct_ok(sts_get_caller_identity());
	svct_parsed(sts_get_caller_identity_parse(resp, &id, &cause), cause);
	aws_response_free(resp);
	cli = svct_aws("sts get-caller-identity");
	assert_string_equal(id.account, svct_jstr(cli, "Account"));
	assert_string_equal(id.arn, svct_jstr(cli, "Arn"));
	assert_string_equal(id.user_id, svct_jstr(cli, "UserId"));
	json_object_put(cli);
	sts_identity_free(&id);
	assert_null(id.arn);
}

/* --- IAM ---------------------------------------------------------------- */

static void
test_iam_role_lifecycle(void **state)
{
	const struct svc_tag tags[] = { { "team", "storage" } };
	struct iam_role_spec spec;
	struct iam_role role, got;
	struct iam_role_policy pol;
	struct iam_policy_names names;
	struct aws_response *resp;
	struct json_object *cli;
	const char *name = svct_name("s3w-role");
	char *cause = NULL;
	size_t i;

	(void)state;
	memset(&spec, 0, sizeof spec);
	spec.name = name;
	spec.assume_policy = TRUST_POLICY;
	spec.path = "/s3watch/";
	spec.description = "s3watch test role";
	spec.max_session = 7200;
	spec.tags = tags;
	spec.ntags = 1;
	resp = svct_ok(svct_req(iam_create_role(&spec, &cause), cause));
	svct_parsed(iam_create_role_parse(resp, &role, &cause), cause);
	aws_response_free(resp);
	assert_string_equal(role.name, name);
	assert_string_equal(role.path, "/s3watch/");
	assert_non_null(strstr(role.arn, ":role/s3watch/"));
	assert_non_null(role.id);
	assert_int_equal(role.max_session, 7200);
	assert_true(role.created > 0);
	/* Percent-decoded back to what was sent. */
	assert_string_equal(role.assume_policy, TRUST_POLICY);

	cli = svct_aws("iam get-role --role-name %s", name);
	assert_string_equal(svct_jstr(cli, "Role.Arn"), role.arn);
	assert_string_equal(svct_jstr(cli, "Role.RoleId"), role.id);
	assert_string_equal(svct_jstr(cli, "Role.Description"),
	    "s3watch test role");
	assert_string_equal(json_object_get_string(aws_json_get(jidx(
	    aws_json_get(cli, "Role"), "Tags", 0), "Key")), "team");
	assert_string_equal(json_object_get_string(aws_json_get(jidx(
	    aws_json_get(cli, "Role"), "Tags", 0), "Value")), "storage");
	assert_json_same(role.assume_policy, aws_json_get(aws_json_get(cli,
	    "Role"), "AssumeRolePolicyDocument"));
	json_object_put(cli);

	resp = svct_ok(svct_req(iam_get_role(name, &cause), cause));
	svct_parsed(iam_get_role_parse(resp, &got, &cause), cause);
	aws_response_free(resp);
	assert_string_equal(got.arn, role.arn);
	assert_string_equal(got.description, "s3watch test role");
	assert_string_equal(got.assume_policy, TRUST_POLICY);
	assert_int_equal(got.created, role.created);
	iam_role_free(&got);

	/* Inline policy: put, read back (decoded), list. */
	svct_do(svct_req(iam_put_role_policy(name, "s3-access", S3_POLICY,
	    &cause), cause));
	resp = svct_ok(svct_req(iam_get_role_policy(name, "s3-access", &cause),
	    cause));
	svct_parsed(iam_get_role_policy_parse(resp, &pol, &cause), cause);
	aws_response_free(resp);
	assert_string_equal(pol.role, name);
	assert_string_equal(pol.name, "s3-access");
	assert_string_equal(pol.document, S3_POLICY);
	cli = svct_aws("iam get-role-policy --role-name %s --policy-name "
	    "s3-access", name);
	assert_json_same(pol.document, aws_json_get(cli, "PolicyDocument"));
	json_object_put(cli);
	iam_role_policy_free(&pol);

	svct_do(svct_req(iam_put_role_policy(name, "second", S3_POLICY,
	    &cause), cause));
	resp = svct_ok(svct_req(iam_list_role_policies(name, NULL, &cause),
	    cause));
	svct_parsed(iam_list_role_policies_parse(resp, &names, &cause), cause);
	aws_response_free(resp);
	assert_int_equal(names.n, 2);
	assert_null(names.marker);
	assert_true((strcmp(names.v[0], "s3-access") == 0 &&
	    strcmp(names.v[1], "second") == 0) ||
	    (strcmp(names.v[1], "s3-access") == 0 &&
	    strcmp(names.v[0], "second") == 0));
	cli = svct_aws("iam list-role-policies --role-name %s", name);
	assert_int_equal(jlen(cli, "PolicyNames"), 2);
	json_object_put(cli);

	/* Teardown: the role goes only once its policies are gone. */
	aws_refuses(svct_req(iam_delete_role(name, &cause), cause),
	    "DeleteConflict");
	for (i = 0; i < names.n; i++)
		svct_do(svct_req(iam_delete_role_policy(name, names.v[i],
		    &cause), cause));
	iam_policy_names_free(&names);
	cli = svct_aws("iam list-role-policies --role-name %s", name);
	assert_int_equal(jlen(cli, "PolicyNames"), 0);
	json_object_put(cli);
	free(svct_aws_fails("iam get-role-policy --role-name %s --policy-name "
	    "s3-access", name));
	svct_do(svct_req(iam_delete_role(name, &cause), cause));
	cause = svct_aws_fails("iam get-role --role-name %s", name);
	assert_non_null(strstr(cause, "NoSuchEntity"));
	free(cause);
	cause = NULL;
	iam_role_free(&role);
}

static void
test_iam_missing(void **state)
{
	struct aws_response *resp;
	struct iam_role role;
	struct iam_role_policy pol;
	const char *name = svct_name("s3w-nosuch");
	char *cause = NULL;

	(void)state;
	resp = svct_call(svct_req(iam_get_role(name, &cause), cause));
	assert_int_equal(iam_get_role_parse(resp, &role, &cause), -1);
	assert_int_equal(resp->status, 404);
	aws_response_free(resp);
	/* "GetRole: NoSuchEntity: ... (HTTP 404, ...)" */
	assert_non_null(strstr(cause, "GetRole: NoSuchEntity"));
	assert_non_null(strstr(cause, name));
	free(cause);
	cause = NULL;
	iam_role_free(&role);

	resp = svct_call(svct_req(iam_get_role_policy(name, "p", &cause),
	    cause));
	assert_int_equal(iam_get_role_policy_parse(resp, &pol, &cause), -1);
	aws_response_free(resp);
	assert_non_null(strstr(cause, "GetRolePolicy: NoSuchEntity"));
	free(cause);
	cause = NULL;
	aws_refuses(svct_req(iam_delete_role(name, &cause), cause),
	    "NoSuchEntity");
	aws_refuses(svct_req(iam_delete_role_policy(name, "p", &cause), cause),
	    "NoSuchEntity");
	aws_refuses(svct_req(iam_put_role_policy(name, "p", S3_POLICY, &cause),
	    cause), "NoSuchEntity");
	aws_refuses(svct_req(iam_list_role_policies(name, NULL, &cause), cause),
	    "NoSuchEntity");
}

static void
test_iam_refusals(void **state)
{
	struct iam_role_spec spec;
	char long_name[66], *cause = NULL;

	(void)state;
	memset(long_name, 'r', 65);
	long_name[65] = '\0';
	memset(&spec, 0, sizeof spec);
	spec.assume_policy = TRUST_POLICY;
	refused(iam_create_role(&spec, &cause), &cause, "IAM role name is empty");
	spec.name = "has space";
	refused(iam_create_role(&spec, &cause), &cause, "'has space' must be 1 "
	    "to 64");
	spec.name = long_name;
	refused(iam_create_role(&spec, &cause), &cause, "must be 1 to 64");
	long_name[64] = '\0';	/* 64 is fine */
	spec.name = long_name;
	aws_request_free(svct_req(iam_create_role(&spec, &cause), cause));
	spec.name = "ok+=,.@_-Name9";
	spec.assume_policy = "{\"Version\":";
	refused(iam_create_role(&spec, &cause), &cause,
	    "IAM role trust policy is not valid JSON");
	spec.assume_policy = NULL;
	refused(iam_create_role(&spec, &cause), &cause,
	    "IAM role trust policy is empty");
	spec.assume_policy = TRUST_POLICY;
	spec.path = "s3watch";
	refused(iam_create_role(&spec, &cause), &cause, "IAM path 's3watch'");
	spec.path = "/";
	spec.max_session = 60;
	refused(iam_create_role(&spec, &cause), &cause, "3600 to 43200");

	refused(iam_get_role("", &cause), &cause, "IAM role name is empty");
	refused(iam_delete_role(NULL, &cause), &cause, "IAM role name is empty");
	refused(iam_put_role_policy("r", "p", "{\"a\":1} trailing", &cause),
	    &cause, "IAM policy document is not valid JSON");
	refused(iam_put_role_policy("r", "p", "", &cause), &cause,
	    "IAM policy document is empty");
	refused(iam_put_role_policy("r", "", S3_POLICY, &cause), &cause,
	    "IAM policy name is empty");
	refused(iam_get_role_policy("r", "bad/name", &cause), &cause,
	    "IAM policy name 'bad/name'");
	refused(iam_delete_role_policy("bad role", "p", &cause), &cause,
	    "IAM role name 'bad role'");
	refused(iam_list_role_policies("", NULL, &cause), &cause,
	    "IAM role name is empty");
}

/* --- STS AssumeRole ------------------------------------------------------ */

static void
test_sts_assume_role(void **state)
{
	struct iam_role_spec spec;
	struct sts_role_spec as;
	struct sts_credentials c;
	struct sts_identity id;
	struct iam_role role;
	struct aws_request *r;
	struct aws_response *resp;
	struct creds borrowed;
	const char *name = svct_name("s3w-assume");
	char *cause = NULL, *want;
	time_t now = time(NULL);

	(void)state;
	memset(&spec, 0, sizeof spec);
	spec.name = name;
	spec.assume_policy = TRUST_POLICY;
	resp = svct_ok(svct_req(iam_create_role(&spec, &cause), cause));
	svct_parsed(iam_create_role_parse(resp, &role, &cause), cause);
	aws_response_free(resp);

	memset(&as, 0, sizeof as);
	as.role_arn = role.arn;
	as.session_name = "s3watch-test";
	as.external_id = "ext-id:42";
	as.policy = S3_POLICY;
	as.duration = 1800;
	resp = svct_ok(svct_req(sts_assume_role(&as, &cause), cause));
	svct_parsed(sts_assume_role_parse(resp, &c, &cause), cause);
	aws_response_free(resp);
	assert_true(strlen(c.access_key) >= 16);
	assert_true(c.secret_key != NULL && *c.secret_key != '\0');
	assert_true(c.session_token != NULL && *c.session_token != '\0');
	/* moto honours DurationSeconds; allow for clock differences. */
	assert_true(c.expiration > now + 1800 - 120);
	assert_true(c.expiration < now + 1800 + 120);
	want = xasprintf("assumed-role/%s/s3watch-test", name);
	assert_non_null(strstr(c.assumed_role_arn, want));
	assert_non_null(strstr(c.assumed_role_id, ":s3watch-test"));

	/* The new credentials work, and moto knows whose they are. */
	memset(&borrowed, 0, sizeof borrowed);
	borrowed.access_key = c.access_key;
	borrowed.secret_key = c.secret_key;
	borrowed.session_token = c.session_token;
	borrowed.expiration = c.expiration;
	r = sts_get_caller_identity();
	r->creds = &borrowed;
	resp = svct_ok(r);
	svct_parsed(sts_get_caller_identity_parse(resp, &id, &cause), cause);
	aws_response_free(resp);
	assert_non_null(strstr(id.arn, want));
	sts_identity_free(&id);
	free(want);
	sts_credentials_free(&c);
	assert_null(c.secret_key);

	/* Refusals, local then AWS's. */
	as.session_name = "x";
	refused(sts_assume_role(&as, &cause), &cause,
	    "role session name 'x' must be 2 to 64");
	as.session_name = "bad session";
	refused(sts_assume_role(&as, &cause), &cause, "role session name");
	as.session_name = "ok";
	as.duration = 600;
	refused(sts_assume_role(&as, &cause), &cause, "900 to 43200");
	as.duration = 0;
	as.policy = "not json";
	refused(sts_assume_role(&as, &cause), &cause,
	    "session policy is not valid JSON");
	as.policy = NULL;
	as.external_id = "x";
	refused(sts_assume_role(&as, &cause), &cause, "external id");
	as.external_id = NULL;
	as.role_arn = "my-role";
	refused(sts_assume_role(&as, &cause), &cause, "is not an ARN");
	as.role_arn = NULL;
	refused(sts_assume_role(&as, &cause), &cause, "role ARN is empty");

	svct_do(svct_req(iam_delete_role(name, &cause), cause));
	iam_role_free(&role);
}

/* --- SNS ---------------------------------------------------------------- */

static char *
topic_create(const char *name, const struct svc_tag *attrs, size_t n)
{
	struct sns_topic_spec spec;
	struct aws_response *resp;
	char *arn, *cause = NULL;

	memset(&spec, 0, sizeof spec);
	spec.name = name;
	spec.attrs = attrs;
	spec.nattrs = n;
	resp = svct_ok(svct_req(sns_create_topic(&spec, &cause), cause));
	svct_parsed(sns_create_topic_parse(resp, &arn, &cause), cause);
	aws_response_free(resp);
	return arn;
}

static void
test_sns_topic_attributes(void **state)
{
	const struct svc_tag attrs[] = { { "DisplayName", "s3watch alerts" } };
	const struct svc_tag tags[] = { { "app", "s3watch" } };
	struct sns_topic_spec spec;
	struct sns_attributes a;
	struct aws_response *resp;
	struct json_object *cli;
	const char *name = svct_name("s3w-topic");
	char *arn, *again, *cause = NULL;

	(void)state;
	memset(&spec, 0, sizeof spec);
	spec.name = name;
	spec.attrs = attrs;
	spec.nattrs = 1;
	spec.tags = tags;
	spec.ntags = 1;
	resp = svct_ok(svct_req(sns_create_topic(&spec, &cause), cause));
	svct_parsed(sns_create_topic_parse(resp, &arn, &cause), cause);
	aws_response_free(resp);
	assert_non_null(strstr(arn, ":sns:us-east-1:"));
	assert_non_null(strstr(arn, name));

	cli = svct_aws("sns get-topic-attributes --topic-arn %s", arn);
	assert_string_equal(svct_jstr(cli, "Attributes.DisplayName"),
	    "s3watch alerts");
	assert_string_equal(svct_jstr(cli, "Attributes.TopicArn"), arn);
	json_object_put(cli);
	cli = svct_aws("sns list-tags-for-resource --resource-arn %s", arn);
	assert_string_equal(json_object_get_string(aws_json_get(jidx(cli,
	    "Tags", 0), "Value")), "s3watch");
	json_object_put(cli);

	/* CreateTopic is idempotent: same name, same ARN. */
	again = topic_create(name, attrs, 1);
	assert_string_equal(again, arn);
	free(again);

	svct_do(svct_req(sns_set_topic_attributes(arn, "DisplayName",
	    "renamed", &cause), cause));
	resp = svct_ok(svct_req(sns_get_topic_attributes(arn, &cause), cause));
	svct_parsed(sns_get_topic_attributes_parse(resp, &a, &cause), cause);
	aws_response_free(resp);
	assert_true(a.n >= 3);
	assert_string_equal(sns_attribute(&a, "DisplayName"), "renamed");
	assert_string_equal(sns_attribute(&a, "TopicArn"), arn);
	assert_string_equal(sns_attribute(&a, "Owner"), "123456789012");
	assert_non_null(sns_attribute(&a, "Policy"));
	assert_null(sns_attribute(&a, "NoSuchAttribute"));
	sns_attributes_free(&a);
	cli = svct_aws("sns get-topic-attributes --topic-arn %s", arn);
	assert_string_equal(svct_jstr(cli, "Attributes.DisplayName"),
	    "renamed");
	json_object_put(cli);

	svct_do(svct_req(sns_delete_topic(arn, &cause), cause));
	cause = svct_aws_fails("sns get-topic-attributes --topic-arn %s", arn);
	assert_non_null(strstr(cause, "NotFound"));
	free(cause);
	cause = NULL;
	/* Gone: AWS's NotFound comes back through svc_check. */
	resp = svct_call(svct_req(sns_get_topic_attributes(arn, &cause),
	    cause));
	assert_int_equal(sns_get_topic_attributes_parse(resp, &a, &cause), -1);
	aws_response_free(resp);
	assert_non_null(strstr(cause, "GetTopicAttributes: NotFound"));
	free(cause);
	free(arn);
}

static void
test_sns_publish_to_sqs(void **state)
{
	const struct svc_tag mattrs[] = { { "bucket", "logs-bucket" } };
	const struct svc_tag sattrs[] = { { "RawMessageDelivery", "false" } };
	struct sns_subscriptions subs;
	struct sns_message m;
	struct aws_response *resp;
	struct json_object *cli, *msg, *body;
	const char *topic_name = svct_name("s3w-pub"), *queue_name;
	char *topic, *queue_url, *queue_arn, *sub, *id, *big, *cause = NULL;
	const char *text = "s3watch: GetObject on s3://b/k by \"someone\" "
	    "\xc3\xa9t\xc3\xa9 & <more>";
	int tries;

	(void)state;
	topic = topic_create(topic_name, NULL, 0);
	queue_name = svct_name("s3w-queue");
	cli = svct_aws("sqs create-queue --queue-name %s", queue_name);
	queue_url = xstrdup(svct_jstr(cli, "QueueUrl"));
	json_object_put(cli);
	cli = svct_aws("sqs get-queue-attributes --queue-url %s "
	    "--attribute-names QueueArn", queue_url);
	queue_arn = xstrdup(svct_jstr(cli, "Attributes.QueueArn"));
	json_object_put(cli);

	resp = svct_ok(svct_req(sns_subscribe(topic, "sqs", queue_arn, sattrs,
	    1, &cause), cause));
	svct_parsed(sns_subscribe_parse(resp, &sub, &cause), cause);
	aws_response_free(resp);
	assert_non_null(strstr(sub, topic));

	resp = svct_ok(svct_req(sns_list_subscriptions_by_topic(topic, NULL,
	    &cause), cause));
	svct_parsed(sns_list_subscriptions_by_topic_parse(resp, &subs, &cause),
	    cause);
	aws_response_free(resp);
	assert_int_equal(subs.n, 1);
	assert_string_equal(subs.v[0].arn, sub);
	assert_string_equal(subs.v[0].protocol, "sqs");
	assert_string_equal(subs.v[0].endpoint, queue_arn);
	assert_string_equal(subs.v[0].topic_arn, topic);
	assert_string_equal(subs.v[0].owner, "123456789012");
	assert_true(subs.next_token == NULL || *subs.next_token == '\0');
	sns_subscriptions_free(&subs);
	cli = svct_aws("sns list-subscriptions-by-topic --topic-arn %s", topic);
	assert_int_equal(jlen(cli, "Subscriptions"), 1);
	assert_string_equal(json_object_get_string(aws_json_get(jidx(cli,
	    "Subscriptions", 0), "SubscriptionArn")), sub);
	json_object_put(cli);

	memset(&m, 0, sizeof m);
	m.topic_arn = topic;
	m.message = text;
	m.subject = "s3watch alert: GetObject";
	m.attrs = mattrs;
	m.nattrs = 1;
	resp = svct_ok(svct_req(sns_publish(&m, &cause), cause));
	svct_parsed(sns_publish_parse(resp, &id, &cause), cause);
	aws_response_free(resp);
	assert_true(id != NULL && *id != '\0');

	/* The queue gets SNS's JSON envelope around the message. */
	body = NULL;
	for (tries = 0; tries < 5 && body == NULL; tries++) {
		cli = svct_aws("sqs receive-message --queue-url %s "
		    "--wait-time-seconds 1 --max-number-of-messages 1",
		    queue_url);
		if (jlen(cli, "Messages") > 0) {
			msg = jidx(cli, "Messages", 0);
			assert_non_null(strstr(svct_jstr(msg, "Body"),
			    "s3watch: GetObject"));
			body = json_tokener_parse(svct_jstr(msg, "Body"));
		}
		json_object_put(cli);
	}
	assert_non_null(body);
	assert_string_equal(svct_jstr(body, "Message"), text);
	assert_string_equal(svct_jstr(body, "MessageId"), id);
	assert_string_equal(svct_jstr(body, "TopicArn"), topic);
	assert_string_equal(svct_jstr(body, "Subject"),
	    "s3watch alert: GetObject");
	assert_string_equal(svct_jstr(body, "MessageAttributes.bucket.Value"),
	    "logs-bucket");
	assert_string_equal(svct_jstr(body, "MessageAttributes.bucket.Type"),
	    "String");
	json_object_put(body);

	/* The largest message AWS takes goes through. */
	big = xmalloc(SNS_MESSAGE_MAX + 1);
	memset(big, 'x', SNS_MESSAGE_MAX);
	big[SNS_MESSAGE_MAX] = '\0';
	memset(&m, 0, sizeof m);
	m.topic_arn = topic;
	m.message = big;
	svct_do(svct_req(sns_publish(&m, &cause), cause));
	free(big);

	svct_do(svct_req(sns_delete_topic(topic, &cause), cause));
	/* Publishing to a deleted topic: AWS's NotFound. */
	memset(&m, 0, sizeof m);
	m.topic_arn = topic;
	m.message = "late";
	aws_refuses(svct_req(sns_publish(&m, &cause), cause), "NotFound");
	json_object_put(svct_aws("sqs delete-queue --queue-url %s", queue_url));
	free(id);
	free(sub);
	free(queue_arn);
	free(queue_url);
	free(topic);
}

static void
test_sns_refusals(void **state)
{
	const struct svc_tag fifo[] = { { "FifoTopic", "true" } };
	struct sns_topic_spec spec;
	struct sns_message m;
	char subject[101], *big, *cause = NULL;
	size_t i;

	(void)state;
	memset(&m, 0, sizeof m);
	m.topic_arn = "arn:aws:sns:us-east-1:123456789012:t";
	refused(sns_publish(&m, &cause), &cause, "SNS message is empty");
	m.message = "";
	refused(sns_publish(&m, &cause), &cause, "SNS message is empty");

	/* 256 KiB counts bytes of UTF-8: 131073 'é' are 262146 bytes. */
	big = xmalloc(2 * 131073 + 1);
	for (i = 0; i < 131073; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[2 * 131073] = '\0';
	m.message = big;
	refused(sns_publish(&m, &cause), &cause, "262146 bytes is over the "
	    "limit of 262144");
	big[SNS_MESSAGE_MAX] = '\0';	/* 131072 'é': exactly the limit */
	aws_request_free(svct_req(sns_publish(&m, &cause), cause));
	memset(big, 'x', SNS_MESSAGE_MAX + 1);
	big[SNS_MESSAGE_MAX + 1] = '\0';
	refused(sns_publish(&m, &cause), &cause, "over the limit");
	free(big);
	m.message = "bad \xc3( utf-8";
	refused(sns_publish(&m, &cause), &cause, "not valid UTF-8");
	m.message = "surrogate \xed\xa0\x80";
	refused(sns_publish(&m, &cause), &cause, "not valid UTF-8");

	m.message = "hello";
	m.subject = "two\nlines";
	refused(sns_publish(&m, &cause), &cause, "SNS subject must be");
	m.subject = "tab\there";
	refused(sns_publish(&m, &cause), &cause, "SNS subject must be");
	m.subject = "";
	refused(sns_publish(&m, &cause), &cause, "SNS subject must be");
	m.subject = " leading space";
	refused(sns_publish(&m, &cause), &cause, "SNS subject must be");
	m.subject = "caf\xc3\xa9";
	refused(sns_publish(&m, &cause), &cause, "printable ASCII");
	memset(subject, 's', 100);
	subject[100] = '\0';
	m.subject = subject;
	refused(sns_publish(&m, &cause), &cause, "1 to 99");
	subject[99] = '\0';	/* 99 is under 100 */
	aws_request_free(svct_req(sns_publish(&m, &cause), cause));
	m.subject = "!Alert: 5 GetObject/s (see s3watch)";
	aws_request_free(svct_req(sns_publish(&m, &cause), cause));

	m.subject = NULL;
	m.topic_arn = NULL;
	refused(sns_publish(&m, &cause), &cause, "SNS topic ARN is empty");
	m.topic_arn = "arn:aws:sns:us-east-1:123456789012:t.fifo";
	refused(sns_publish(&m, &cause), &cause, "no message group id");
	m.group_id = "g1";
	aws_request_free(svct_req(sns_publish(&m, &cause), cause));

	memset(&spec, 0, sizeof spec);
	refused(sns_create_topic(&spec, &cause), &cause,
	    "SNS topic name is empty");
	spec.name = "bad.name";
	refused(sns_create_topic(&spec, &cause), &cause, "1 to 256");
	spec.name = "alerts.fifo";
	refused(sns_create_topic(&spec, &cause), &cause, "'.fifo'");
	spec.attrs = fifo;
	spec.nattrs = 1;
	aws_request_free(svct_req(sns_create_topic(&spec, &cause), cause));
	spec.name = "alerts";
	refused(sns_create_topic(&spec, &cause), &cause, "'.fifo'");

	refused(sns_delete_topic("", &cause), &cause, "SNS topic ARN is empty");
	refused(sns_get_topic_attributes(NULL, &cause), &cause,
	    "SNS topic ARN is empty");
	refused(sns_set_topic_attributes(m.topic_arn, "", "v", &cause), &cause,
	    "SNS topic attribute name is empty");
	refused(sns_subscribe(m.topic_arn, "carrier-pigeon", "x", NULL, 0,
	    &cause), &cause, "unknown SNS subscription protocol");
	refused(sns_subscribe(m.topic_arn, "sqs", "", NULL, 0, &cause), &cause,
	    "SNS subscription endpoint is empty");
	refused(sns_list_subscriptions_by_topic("", NULL, &cause), &cause,
	    "SNS topic ARN is empty");
}

/* --- CloudWatch --------------------------------------------------------- */

static void
test_cloudwatch_dashboards(void **state)
{
	struct cloudwatch_validations v;
	struct cloudwatch_dashboard d;
	struct cloudwatch_dashboards l;
	struct aws_response *resp;
	struct json_object *cli;
	char *names[2], prefix[64], *cause = NULL;
	size_t i, found;

	(void)state;
	names[0] = xstrdup(svct_name("s3w-dash"));
	names[1] = xstrdup(svct_name("s3w-dash"));
	for (i = 0; i < 2; i++) {
		resp = svct_ok(svct_req(cloudwatch_put_dashboard(names[i],
		    DASHBOARD_BODY, &cause), cause));
		svct_parsed(cloudwatch_put_dashboard_parse(resp, &v, &cause),
		    cause);
		aws_response_free(resp);
		assert_int_equal(v.n, 0);
		cloudwatch_validations_free(&v);
	}

	resp = svct_ok(svct_req(cloudwatch_get_dashboard(names[0], &cause),
	    cause));
	svct_parsed(cloudwatch_get_dashboard_parse(resp, &d, &cause), cause);
	aws_response_free(resp);
	assert_string_equal(d.name, names[0]);
	assert_string_equal(d.body, DASHBOARD_BODY);
	assert_non_null(strstr(d.arn, ":dashboard/"));
	cli = svct_aws("cloudwatch get-dashboard --dashboard-name %s",
	    names[0]);
	assert_string_equal(svct_jstr(cli, "DashboardArn"), d.arn);
	assert_string_equal(svct_jstr(cli, "DashboardBody"), DASHBOARD_BODY);
	json_object_put(cli);
	cloudwatch_dashboard_free(&d);

	/* The two share the "s3w-dash-PID-" prefix. */
	snprintf(prefix, sizeof prefix, "s3w-dash-%ld-", (long)getpid());
	resp = svct_ok(cloudwatch_list_dashboards(prefix, NULL));
	svct_parsed(cloudwatch_list_dashboards_parse(resp, &l, &cause), cause);
	aws_response_free(resp);
	assert_int_equal(l.n, 2);
	for (i = found = 0; i < l.n; i++) {
		if (strcmp(l.v[i].name, names[0]) == 0 ||
		    strcmp(l.v[i].name, names[1]) == 0)
			found++;
		assert_int_equal(l.v[i].size, (int64_t)strlen(DASHBOARD_BODY));
		assert_true(l.v[i].modified > 0);
		assert_non_null(strstr(l.v[i].arn, l.v[i].name));
	}
	assert_int_equal(found, 2);
	assert_true(l.next_token == NULL || *l.next_token == '\0');
	cloudwatch_dashboards_free(&l);
	cli = svct_aws("cloudwatch list-dashboards --dashboard-name-prefix %s",
	    prefix);
	assert_int_equal(jlen(cli, "DashboardEntries"), 2);
	json_object_put(cli);

	/* Replacing a dashboard keeps its name, changes its body. */
	svct_do(svct_req(cloudwatch_put_dashboard(names[1], "{\"widgets\":[]}",
	    &cause), cause));
	cli = svct_aws("cloudwatch get-dashboard --dashboard-name %s",
	    names[1]);
	assert_string_equal(svct_jstr(cli, "DashboardBody"), "{\"widgets\":[]}");
	json_object_put(cli);

	svct_do(svct_req(cloudwatch_delete_dashboards(names, 2, &cause),
	    cause));
	cli = svct_aws("cloudwatch list-dashboards --dashboard-name-prefix %s",
	    prefix);
	assert_int_equal(jlen(cli, "DashboardEntries"), 0);
	json_object_put(cli);
	cause = svct_aws_fails("cloudwatch get-dashboard --dashboard-name %s",
	    names[0]);
	assert_non_null(strstr(cause, "ResourceNotFound"));
	free(cause);
	cause = NULL;
	resp = svct_call(svct_req(cloudwatch_get_dashboard(names[0], &cause),
	    cause));
	assert_int_equal(cloudwatch_get_dashboard_parse(resp, &d, &cause), -1);
	aws_response_free(resp);
	assert_non_null(strstr(cause, "GetDashboard: ResourceNotFound"));
	free(cause);
	free(names[0]);
	free(names[1]);
}

/* Alarms on a Metrics Insights query: create, read back (here and with
 * the CLI), replace, list by prefix, delete. */
static void
test_cloudwatch_alarms(void **state)
{
	char *actions[1] = { "arn:aws:sns:us-east-1:123456789012:alerts" };
	char *names[2], prefix[64], *cause = NULL;
	struct cloudwatch_alarm_spec s = { .description = "s3watch rule x",
	    .query = "SELECT SUM(\"s3watch-bytes\") FROM SCHEMA(\"S3Watch\", "
	    "Principal) GROUP BY Principal", .period = 900,
	    .threshold = 1073741824, .comparison =
	    "GreaterThanOrEqualToThreshold", .evaluation_periods = 1,
	    .missing = "notBreaching", .actions = actions, .nactions = 1 };
	struct cloudwatch_alarms l;
	struct aws_response *resp;
	struct json_object *cli, *m;

	(void)state;
	snprintf(prefix, sizeof prefix, "s3w-alarm-%ld-", (long)getpid());
	names[0] = xstrdup(svct_name("s3w-alarm"));
	names[1] = xstrdup(svct_name("s3w-alarm"));
	s.name = names[0];
	svct_do(svct_req(cloudwatch_put_metric_alarm(&s, &cause), cause));
	s.name = names[1];
	s.threshold = 20;
	s.period = 300;
	svct_do(svct_req(cloudwatch_put_metric_alarm(&s, &cause), cause));

	cli = svct_aws("cloudwatch describe-alarms --alarm-names %s", names[0]);
	m = json_object_array_get_idx(aws_json_get(cli, "MetricAlarms"), 0);
	assert_non_null(m);
	assert_string_equal(svct_jstr(m, "AlarmDescription"), "s3watch rule x");
	assert_string_equal(svct_jstr(m, "ComparisonOperator"),
	    "GreaterThanOrEqualToThreshold");
	assert_string_equal(svct_jstr(m, "TreatMissingData"), "notBreaching");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(
	    aws_json_get(m, "AlarmActions"), 0)), actions[0]);
	assert_string_equal(svct_jstr(json_object_array_get_idx(aws_json_get(m,
	    "Metrics"), 0), "Expression"), s.query);
	assert_int_equal(json_object_get_int(aws_json_get(
	    json_object_array_get_idx(aws_json_get(m, "Metrics"), 0), "Period")),
	    900);
	assert_true(json_object_get_double(aws_json_get(m, "Threshold")) ==
	    1073741824.0);
	json_object_put(cli);

	resp = svct_ok(cloudwatch_describe_alarms(prefix, NULL));
	svct_parsed(cloudwatch_describe_alarms_parse(resp, &l, &cause), cause);
	aws_response_free(resp);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].name, names[0]);
	assert_string_equal(l.v[0].query, s.query);
	assert_int_equal(l.v[0].period, 900);
	assert_true(l.v[0].threshold == 1073741824.0);
	assert_int_equal(l.v[0].evaluation_periods, 1);
	assert_int_equal(l.v[0].datapoints, 1);
	assert_true(l.v[0].actions_enabled);
	assert_int_equal(l.v[0].nactions, 1);
	assert_string_equal(l.v[0].actions[0], actions[0]);
	assert_string_equal(l.v[0].missing, "notBreaching");
	assert_non_null(strstr(l.v[0].arn, ":alarm:"));
	assert_int_equal(l.v[1].period, 300);
	assert_true(l.v[1].threshold == 20.0);
	cloudwatch_alarms_free(&l);

	svct_do(svct_req(cloudwatch_delete_alarms(names, 2, &cause), cause));
	cli = svct_aws("cloudwatch describe-alarms --alarm-name-prefix %s",
	    prefix);
	assert_int_equal(jlen(cli, "MetricAlarms"), 0);
	json_object_put(cli);

	s.period = 90;
	refused(cloudwatch_put_metric_alarm(&s, &cause), &cause,
	    "a period of 90 s");
	s.period = 60;
	s.datapoints = 2;
	refused(cloudwatch_put_metric_alarm(&s, &cause), &cause,
	    "2 of 1 evaluation periods");
	s.datapoints = 0;
	s.name = "";
	refused(cloudwatch_put_metric_alarm(&s, &cause), &cause,
	    "CloudWatch alarm name is empty");
	refused(cloudwatch_delete_alarms(names, 0, &cause), &cause,
	    "0 alarm names");
	free(names[0]);
	free(names[1]);
}

static void
test_cloudwatch_refusals(void **state)
{
	char *names[2] = { "ok", "" }, long_name[257], *cause = NULL;

	(void)state;
	refused(cloudwatch_put_dashboard("", DASHBOARD_BODY, &cause), &cause,
	    "CloudWatch dashboard name is empty");
	refused(cloudwatch_put_dashboard("has space", DASHBOARD_BODY, &cause),
	    &cause, "'has space' must be 1 to 255");
	memset(long_name, 'd', 256);
	long_name[256] = '\0';
	refused(cloudwatch_put_dashboard(long_name, DASHBOARD_BODY, &cause),
	    &cause, "must be 1 to 255");
	long_name[255] = '\0';
	aws_request_free(svct_req(cloudwatch_put_dashboard(long_name,
	    DASHBOARD_BODY, &cause), cause));
	refused(cloudwatch_put_dashboard("d", "{\"widgets\":[", &cause), &cause,
	    "CloudWatch dashboard body is not valid JSON");
	refused(cloudwatch_put_dashboard("d", NULL, &cause), &cause,
	    "CloudWatch dashboard body is empty");
	refused(cloudwatch_get_dashboard(NULL, &cause), &cause,
	    "CloudWatch dashboard name is empty");
	refused(cloudwatch_delete_dashboards(names, 0, &cause), &cause,
	    "no dashboard names");
	refused(cloudwatch_delete_dashboards(names, 2, &cause), &cause,
	    "CloudWatch dashboard name is empty");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sts_get_caller_identity),
		cmocka_unit_test(test_iam_role_lifecycle),
		cmocka_unit_test(test_iam_missing),
		cmocka_unit_test(test_iam_refusals),
		cmocka_unit_test(test_sts_assume_role),
		cmocka_unit_test(test_sns_topic_attributes),
		cmocka_unit_test(test_sns_publish_to_sqs),
		cmocka_unit_test(test_sns_refusals),
		cmocka_unit_test(test_cloudwatch_dashboards),
		cmocka_unit_test(test_cloudwatch_refusals),
		cmocka_unit_test(test_cloudwatch_alarms),
	};

	return cmocka_run_group_tests(tests, svct_setup, svct_teardown);
}
