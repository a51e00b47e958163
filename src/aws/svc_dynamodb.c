/* Amazon DynamoDB operations (awsJson 1.0). */
#include "config.h"

#include "svc_internal.h"

int
dynamodb_table_name_check(const char *name, char **cause)
{
	size_t n;

	if (!svc_need(name, "DynamoDB table name", cause))
		return -1;
	n = strlen(name);
	if (n < 3 || n > 255 || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != n) {
		*cause = xasprintf("DynamoDB table name '%s' must be 3 to 255 "
		    "letters, digits, '_', '-' or '.'", name);
		return -1;
	}
	return 0;
}

static struct aws_request *
dynamodb_table_request(const char *op, const char *name, char **cause)
{
	struct aws_request *r;

	if (dynamodb_table_name_check(name, cause) != 0)
		return NULL;
	r = svc_json_request(SVC_DYNAMODB, op);
	svc_json_add_str(r->json, "TableName", name);
	return r;
}

/* [{"name": value, ...}] of one object. */
static struct json_object *
dynamodb_list1(const char *k1, const char *v1, const char *k2, const char *v2)
{
	struct json_object *a = json_object_new_array(), *o;

	o = json_object_new_object();
	svc_json_add_str(o, k1, v1);
	svc_json_add_str(o, k2, v2);
	json_object_array_add(a, o);
	return a;
}

struct aws_request *
dynamodb_create_table(const struct dynamodb_table_spec *s, char **cause)
{
	struct aws_request *r;
	struct json_object *tags, *tag;
	size_t i;

	if (!svc_need(s->key, "DynamoDB key attribute", cause))
		return NULL;
	if ((r = dynamodb_table_request("CreateTable", s->name, cause)) == NULL)
		return NULL;
	json_object_object_add(r->json, "AttributeDefinitions",
	    dynamodb_list1("AttributeName", s->key, "AttributeType", "S"));
	json_object_object_add(r->json, "KeySchema",
	    dynamodb_list1("AttributeName", s->key, "KeyType", "HASH"));
	svc_json_add_str(r->json, "BillingMode", "PAY_PER_REQUEST");
	if (s->ntags > 0) {
		tags = json_object_new_array();
		for (i = 0; i < s->ntags; i++) {
			tag = json_object_new_object();
			svc_json_add_str(tag, "Key", s->tags[i].key);
			svc_json_add_str(tag, "Value", s->tags[i].value);
			json_object_array_add(tags, tag);
		}
		json_object_object_add(r->json, "Tags", tags);
	}
	return r;
}

struct aws_request *
dynamodb_describe_table(const char *name, char **cause)
{
	return dynamodb_table_request("DescribeTable", name, cause);
}

struct aws_request *
dynamodb_delete_table(const char *name, char **cause)
{
	return dynamodb_table_request("DeleteTable", name, cause);
}

struct aws_request *
dynamodb_update_time_to_live(const char *name, const char *attribute,
    bool enabled, char **cause)
{
	struct aws_request *r;
	struct json_object *spec;

	if (!svc_need(attribute, "DynamoDB time to live attribute", cause))
		return NULL;
	if ((r = dynamodb_table_request("UpdateTimeToLive", name, cause)) == NULL)
		return NULL;
	spec = json_object_new_object();
	svc_json_add_str(spec, "AttributeName", attribute);
	svc_json_add_bool(spec, "Enabled", enabled);
	json_object_object_add(r->json, "TimeToLiveSpecification", spec);
	return r;
}

struct aws_request *
dynamodb_describe_time_to_live(const char *name, char **cause)
{
	return dynamodb_table_request("DescribeTimeToLive", name, cause);
}

/* --- answers ------------------------------------------------------------ */

static int
dynamodb_table_read(struct aws_response *resp, const char *op,
    const char *member, struct dynamodb_table *t, char **cause)
{
	struct json_object *d, *ks, *e, *bill;
	size_t i, n;

	memset(t, 0, sizeof *t);
	if (svc_check(resp, op, cause) != 0)
		return -1;
	if ((d = aws_json_get(resp->json, member)) == NULL ||
	    (t->name = svc_json_dup(d, "TableName")) == NULL)
		return svc_lacks(op, member, cause);
	t->arn = svc_json_dup(d, "TableArn");
	t->status = svc_json_dup(d, "TableStatus");
	/* Absent for tables made before on-demand billing: provisioned. */
	bill = aws_json_get(d, "BillingModeSummary");
	t->billing = xstrdup(bill != NULL && aws_json_str(bill,
	    "BillingMode") != NULL ? aws_json_str(bill, "BillingMode") :
	    "PROVISIONED");
	ks = aws_json_array(d, "KeySchema", &n);
	t->nkeys = n;
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(ks, i);
		if (aws_json_str(e, "KeyType") != NULL &&
		    strcmp(aws_json_str(e, "KeyType"), "HASH") == 0)
			t->key = svc_json_dup(e, "AttributeName");
	}
	ks = aws_json_array(d, "AttributeDefinitions", &n);
	for (i = 0; t->key != NULL && i < n; i++) {
		e = json_object_array_get_idx(ks, i);
		if (aws_json_str(e, "AttributeName") != NULL &&
		    strcmp(aws_json_str(e, "AttributeName"), t->key) == 0)
			t->key_type = svc_json_dup(e, "AttributeType");
	}
	return 0;
}

int
dynamodb_create_table_parse(struct aws_response *resp,
    struct dynamodb_table *t, char **cause)
{
	return dynamodb_table_read(resp, "CreateTable", "TableDescription", t,
	    cause);
}

int
dynamodb_describe_table_parse(struct aws_response *resp,
    struct dynamodb_table *t, char **cause)
{
	return dynamodb_table_read(resp, "DescribeTable", "Table", t, cause);
}

void
dynamodb_table_free(struct dynamodb_table *t)
{
	free(t->name);
	free(t->arn);
	free(t->status);
	free(t->billing);
	free(t->key);
	free(t->key_type);
	memset(t, 0, sizeof *t);
}

int
dynamodb_describe_time_to_live_parse(struct aws_response *resp,
    struct dynamodb_ttl *t, char **cause)
{
	struct json_object *d;

	memset(t, 0, sizeof *t);
	if (svc_check(resp, "DescribeTimeToLive", cause) != 0)
		return -1;
	if ((d = aws_json_get(resp->json, "TimeToLiveDescription")) == NULL ||
	    (t->status = svc_json_dup(d, "TimeToLiveStatus")) == NULL)
		return svc_lacks("DescribeTimeToLive", "TimeToLiveStatus",
		    cause);
	t->attribute = svc_json_dup(d, "AttributeName");
	return 0;
}

void
dynamodb_ttl_free(struct dynamodb_ttl *t)
{
	free(t->status);
	free(t->attribute);
	memset(t, 0, sizeof *t);
}
