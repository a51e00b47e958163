/* AWS CloudTrail operations (awsJson 1.1). */
#include "config.h"

#include "svc_internal.h"

static const char *const cloudtrail_rw_names[] = {
	[CLOUDTRAIL_RW_ALL] = "All",
	[CLOUDTRAIL_RW_READ_ONLY] = "ReadOnly",
	[CLOUDTRAIL_RW_WRITE_ONLY] = "WriteOnly",
};

/* New trails: 3-128 of letters, digits, '.', '_', '-', starting and ending
 * with a letter or digit, no two separators in a row.  Other operations
 * also take trail ARNs, so they only need a name. */
static bool
cloudtrail_name_ok(const char *name, char **cause)
{
	size_t i, n;

	if (!svc_need(name, "trail name", cause))
		return false;
	n = strlen(name);
	if (n < 3 || n > 128 || !isalnum((unsigned char)name[0]) ||
	    !isalnum((unsigned char)name[n - 1]))
		goto bad;
	for (i = 0; i < n; i++) {
		if (isalnum((unsigned char)name[i]))
			continue;
		if (strchr("._-", name[i]) == NULL ||
		    strchr("._-", name[i + 1]) != NULL)
			goto bad;
	}
	return true;
bad:
	*cause = xasprintf("trail name '%s' must be 3 to 128 letters, digits, "
	    "'.', '_' or '-', start and end with a letter or digit, and have "
	    "no two of '.', '_', '-' in a row", name);
	return false;
}

/* The many CloudTrail requests that carry only a trail name. */
static struct aws_request *
cloudtrail_named(const char *op, const char *key, const char *name,
    char **cause)
{
	struct aws_request *r;

	if (!svc_need(name, "trail name", cause))
		return NULL;
	r = svc_json_request(SVC_CLOUDTRAIL, op);
	svc_json_add_str(r->json, key, name);
	return r;
}

static struct aws_request *
cloudtrail_trail_request(const char *op, const struct cloudtrail_trail_spec *s,
    char **cause)
{
	struct aws_request *r;
	struct json_object *tags;
	size_t i;

	if (strcmp(op, "CreateTrail") == 0 &&
	    (!cloudtrail_name_ok(s->name, cause) ||
	    !svc_need(s->s3_bucket, "trail S3 bucket", cause)))
		return NULL;
	if ((s->cwl_group_arn == NULL) != (s->cwl_role_arn == NULL))
		return svc_invalid(cause, "trail %s: CloudWatch Logs needs both "
		    "a log group ARN and a role ARN", s->name);
	if ((r = cloudtrail_named(op, "Name", s->name, cause)) == NULL)
		return NULL;
	svc_json_add_str(r->json, "S3BucketName", s->s3_bucket);
	svc_json_add_str(r->json, "S3KeyPrefix", s->s3_prefix);
	svc_json_add_str(r->json, "SnsTopicName", s->sns_topic);
	svc_json_add_bool(r->json, "IncludeGlobalServiceEvents", s->global_events);
	svc_json_add_bool(r->json, "IsMultiRegionTrail", s->multi_region);
	svc_json_add_bool(r->json, "EnableLogFileValidation",
	    s->log_file_validation);
	svc_json_add_str(r->json, "CloudWatchLogsLogGroupArn", s->cwl_group_arn);
	svc_json_add_str(r->json, "CloudWatchLogsRoleArn", s->cwl_role_arn);
	svc_json_add_str(r->json, "KmsKeyId", s->kms_key_id);
	if (s->ntags > 0 && strcmp(op, "CreateTrail") == 0) {
		tags = json_object_new_array();
		for (i = 0; i < s->ntags; i++) {
			struct json_object *t = json_object_new_object();

			svc_json_add_str(t, "Key", s->tags[i].key);
			svc_json_add_str(t, "Value", s->tags[i].value);
			json_object_array_add(tags, t);
		}
		json_object_object_add(r->json, "TagsList", tags);
	}
	return r;
}

struct aws_request *
cloudtrail_create_trail(const struct cloudtrail_trail_spec *s, char **cause)
{
	return cloudtrail_trail_request("CreateTrail", s, cause);
}

struct aws_request *
cloudtrail_update_trail(const struct cloudtrail_trail_spec *s, char **cause)
{
	return cloudtrail_trail_request("UpdateTrail", s, cause);
}

struct aws_request *
cloudtrail_delete_trail(const char *name, char **cause)
{
	return cloudtrail_named("DeleteTrail", "Name", name, cause);
}

struct aws_request *
cloudtrail_describe_trails(char *const *names, size_t n)
{
	struct aws_request *r = svc_json_request(SVC_CLOUDTRAIL, "DescribeTrails");

	if (n > 0)
		svc_json_add_strings(r->json, "trailNameList", names, n);
	return r;
}

struct aws_request *
cloudtrail_get_trail_status(const char *name, char **cause)
{
	return cloudtrail_named("GetTrailStatus", "Name", name, cause);
}

struct aws_request *
cloudtrail_start_logging(const char *name, char **cause)
{
	return cloudtrail_named("StartLogging", "Name", name, cause);
}

struct aws_request *
cloudtrail_stop_logging(const char *name, char **cause)
{
	return cloudtrail_named("StopLogging", "Name", name, cause);
}

struct aws_request *
cloudtrail_put_event_selectors(const char *trail,
    const struct cloudtrail_selector *sel, size_t n, char **cause)
{
	struct json_object *list, *s, *resources, *d;
	struct aws_request *r;
	size_t i, j;

	/* AWS's limits: 5 selectors, 250 data resource values in all. */
	if (n == 0 || n > 5)
		return svc_invalid(cause, "trail %s: 1 to 5 event selectors, "
		    "not %zu", trail != NULL ? trail : "", n);
	if ((r = cloudtrail_named("PutEventSelectors", "TrailName", trail,
	    cause)) == NULL)
		return NULL;
	list = json_object_new_array();
	for (i = 0; i < n; i++) {
		s = json_object_new_object();
		svc_json_add_str(s, "ReadWriteType",
		    cloudtrail_rw_names[sel[i].rw]);
		svc_json_add_bool(s, "IncludeManagementEvents", sel[i].management);
		resources = json_object_new_array();
		for (j = 0; j < sel[i].nresources; j++) {
			d = json_object_new_object();
			svc_json_add_str(d, "Type", sel[i].resources[j].type);
			svc_json_add_strings(d, "Values",
			    sel[i].resources[j].values,
			    sel[i].resources[j].nvalues);
			json_object_array_add(resources, d);
		}
		json_object_object_add(s, "DataResources", resources);
		json_object_array_add(list, s);
	}
	json_object_object_add(r->json, "EventSelectors", list);
	return r;
}

struct aws_request *
cloudtrail_get_event_selectors(const char *trail, char **cause)
{
	return cloudtrail_named("GetEventSelectors", "TrailName", trail, cause);
}

/* CloudTrail's timestamps are epoch seconds. */
static void
cloudtrail_add_range(struct json_object *o, time_t start, time_t end)
{
	if (start != 0)
		svc_json_add_int(o, "StartTime", (int64_t)start);
	if (end != 0)
		svc_json_add_int(o, "EndTime", (int64_t)end);
}

struct aws_request *
cloudtrail_lookup_events(const char *attr_key, const char *attr_value,
    time_t start, time_t end, int max, const char *token, char **cause)
{
	static const char *const keys[] = { "EventId", "EventName", "ReadOnly",
	    "Username", "ResourceType", "ResourceName", "EventSource",
	    "AccessKeyId" };
	struct json_object *attrs, *a;
	struct aws_request *r;
	size_t i;

	if (max < 0 || max > 50)
		return svc_invalid(cause, "LookupEvents: max results %d is not "
		    "0 to 50", max);
	if (attr_key != NULL) {
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (strcmp(attr_key, keys[i]) == 0)
				break;
		if (i == sizeof keys / sizeof keys[0])
			return svc_invalid(cause, "LookupEvents: unknown lookup "
			    "attribute '%s'", attr_key);
		if (!svc_need(attr_value, "LookupEvents attribute value", cause))
			return NULL;
	}
	r = svc_json_request(SVC_CLOUDTRAIL, "LookupEvents");
	if (attr_key != NULL) {
		attrs = json_object_new_array();
		a = json_object_new_object();
		svc_json_add_str(a, "AttributeKey", attr_key);
		svc_json_add_str(a, "AttributeValue", attr_value);
		json_object_array_add(attrs, a);
		json_object_object_add(r->json, "LookupAttributes", attrs);
	}
	cloudtrail_add_range(r->json, start, end);
	if (max > 0)
		svc_json_add_int(r->json, "MaxResults", max);
	if (!svc_empty(token))
		svc_json_add_str(r->json, "NextToken", token);
	return r;
}

struct aws_request *
cloudtrail_list_public_keys(time_t start, time_t end, const char *token)
{
	struct aws_request *r = svc_json_request(SVC_CLOUDTRAIL, "ListPublicKeys");

	cloudtrail_add_range(r->json, start, end);
	if (!svc_empty(token))
		svc_json_add_str(r->json, "NextToken", token);
	return r;
}

/* --- answers ------------------------------------------------------------ */

static void
cloudtrail_trail_read(struct json_object *o, struct cloudtrail_trail *t)
{
	t->name = svc_json_dup(o, "Name");
	t->arn = svc_json_dup(o, "TrailARN");
	t->s3_bucket = svc_json_dup(o, "S3BucketName");
	t->s3_prefix = svc_json_dup(o, "S3KeyPrefix");
	t->sns_topic_arn = svc_json_dup(o, "SnsTopicARN");
	t->cwl_group_arn = svc_json_dup(o, "CloudWatchLogsLogGroupArn");
	t->cwl_role_arn = svc_json_dup(o, "CloudWatchLogsRoleArn");
	t->kms_key_id = svc_json_dup(o, "KmsKeyId");
	t->home_region = svc_json_dup(o, "HomeRegion");
	t->multi_region = aws_json_bool(o, "IsMultiRegionTrail", false);
	t->global_events = aws_json_bool(o, "IncludeGlobalServiceEvents", false);
	t->log_file_validation = aws_json_bool(o, "LogFileValidationEnabled",
	    false);
	t->custom_selectors = aws_json_bool(o, "HasCustomEventSelectors", false);
}

static int
cloudtrail_trail_answer(struct aws_response *resp, const char *op,
    struct cloudtrail_trail *t, char **cause)
{
	memset(t, 0, sizeof *t);
	if (svc_check(resp, op, cause) != 0)
		return -1;
	if (aws_json_str(resp->json, "TrailARN") == NULL)
		return svc_lacks(op, "TrailARN", cause);
	cloudtrail_trail_read(resp->json, t);
	return 0;
}

int
cloudtrail_create_trail_parse(struct aws_response *resp,
    struct cloudtrail_trail *t, char **cause)
{
	return cloudtrail_trail_answer(resp, "CreateTrail", t, cause);
}

int
cloudtrail_update_trail_parse(struct aws_response *resp,
    struct cloudtrail_trail *t, char **cause)
{
	return cloudtrail_trail_answer(resp, "UpdateTrail", t, cause);
}

void
cloudtrail_trail_free(struct cloudtrail_trail *t)
{
	free(t->name);
	free(t->arn);
	free(t->s3_bucket);
	free(t->s3_prefix);
	free(t->sns_topic_arn);
	free(t->cwl_group_arn);
	free(t->cwl_role_arn);
	free(t->kms_key_id);
	free(t->home_region);
	memset(t, 0, sizeof *t);
}

int
cloudtrail_describe_trails_parse(struct aws_response *resp,
    struct cloudtrail_trails *l, char **cause)
{
	struct json_object *a;
	size_t i, n;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "DescribeTrails", cause) != 0)
		return -1;
	if ((a = aws_json_array(resp->json, "trailList", &n)) == NULL)
		return svc_lacks("DescribeTrails", "trailList", cause);
	for (i = 0; i < n; i++)
		cloudtrail_trail_read(json_object_array_get_idx(a, i),
		    xpush(&l->v, &l->n, sizeof *l->v));
	return 0;
}

void
cloudtrail_trails_free(struct cloudtrail_trails *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		cloudtrail_trail_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

int
cloudtrail_get_trail_status_parse(struct aws_response *resp,
    struct cloudtrail_status *s, char **cause)
{
	struct json_object *o = resp->json;

	memset(s, 0, sizeof *s);
	if (svc_check(resp, "GetTrailStatus", cause) != 0)
		return -1;
	if (aws_json_get(o, "IsLogging") == NULL)
		return svc_lacks("GetTrailStatus", "IsLogging", cause);
	s->logging = aws_json_bool(o, "IsLogging", false);
	s->latest_delivery_error = svc_json_dup(o, "LatestDeliveryError");
	s->latest_cwl_delivery_error = svc_json_dup(o,
	    "LatestCloudWatchLogsDeliveryError");
	s->latest_delivery = (time_t)aws_json_int(o, "LatestDeliveryTime", 0);
	s->latest_cwl_delivery = (time_t)aws_json_int(o,
	    "LatestCloudWatchLogsDeliveryTime", 0);
	s->start_logging = (time_t)aws_json_int(o, "StartLoggingTime", 0);
	s->stop_logging = (time_t)aws_json_int(o, "StopLoggingTime", 0);
	return 0;
}

void
cloudtrail_status_free(struct cloudtrail_status *s)
{
	free(s->latest_delivery_error);
	free(s->latest_cwl_delivery_error);
	memset(s, 0, sizeof *s);
}

static enum cloudtrail_rw
cloudtrail_rw_from(const char *v)
{
	size_t i;

	for (i = 0; v != NULL && i < sizeof cloudtrail_rw_names /
	    sizeof cloudtrail_rw_names[0]; i++)
		if (strcmp(v, cloudtrail_rw_names[i]) == 0)
			return (enum cloudtrail_rw)i;
	return CLOUDTRAIL_RW_ALL;
}

static int
cloudtrail_selectors_answer(struct aws_response *resp, const char *op,
    struct cloudtrail_selectors *l, char **cause)
{
	struct json_object *a, *o, *ra, *d;
	struct cloudtrail_selector *s;
	struct cloudtrail_data_resource *dr;
	size_t i, j, n, nr;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, op, cause) != 0)
		return -1;
	l->trail_arn = svc_json_dup(resp->json, "TrailARN");
	aws_json_array(resp->json, "AdvancedEventSelectors", &n);
	l->advanced = n > 0;
	a = aws_json_array(resp->json, "EventSelectors", &n);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(a, i);
		s = xpush(&l->v, &l->n, sizeof *l->v);
		s->rw = cloudtrail_rw_from(aws_json_str(o, "ReadWriteType"));
		s->management = aws_json_bool(o, "IncludeManagementEvents", true);
		ra = aws_json_array(o, "DataResources", &nr);
		for (j = 0; j < nr; j++) {
			d = json_object_array_get_idx(ra, j);
			dr = xpush(&s->resources, &s->nresources,
			    sizeof *s->resources);
			dr->type = svc_json_dup(d, "Type");
			dr->values = svc_json_strings(d, "Values", &dr->nvalues);
		}
	}
	return 0;
}

int
cloudtrail_get_event_selectors_parse(struct aws_response *resp,
    struct cloudtrail_selectors *l, char **cause)
{
	return cloudtrail_selectors_answer(resp, "GetEventSelectors", l, cause);
}

int
cloudtrail_put_event_selectors_parse(struct aws_response *resp,
    struct cloudtrail_selectors *l, char **cause)
{
	return cloudtrail_selectors_answer(resp, "PutEventSelectors", l, cause);
}

void
cloudtrail_selectors_free(struct cloudtrail_selectors *l)
{
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		for (j = 0; j < l->v[i].nresources; j++) {
			free(l->v[i].resources[j].type);
			xstrv_free(l->v[i].resources[j].values,
			    l->v[i].resources[j].nvalues);
		}
		free(l->v[i].resources);
	}
	free(l->v);
	free(l->trail_arn);
	memset(l, 0, sizeof *l);
}

int
cloudtrail_lookup_events_parse(struct aws_response *resp,
    struct cloudtrail_events *l, char **cause)
{
	struct json_object *a, *o;
	struct cloudtrail_event *e;
	size_t i, n;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "LookupEvents", cause) != 0)
		return -1;
	if ((a = aws_json_array(resp->json, "Events", &n)) == NULL)
		return svc_lacks("LookupEvents", "Events", cause);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(a, i);
		e = xpush(&l->v, &l->n, sizeof *l->v);
		e->id = svc_json_dup(o, "EventId");
		e->name = svc_json_dup(o, "EventName");
		e->source = svc_json_dup(o, "EventSource");
		e->username = svc_json_dup(o, "Username");
		e->access_key = svc_json_dup(o, "AccessKeyId");
		e->read_only = aws_json_str(o, "ReadOnly") != NULL &&
		    strcmp(aws_json_str(o, "ReadOnly"), "true") == 0;
		e->time = (time_t)aws_json_int(o, "EventTime", 0);
		e->json = svc_json_dup(o, "CloudTrailEvent");
	}
	l->next_token = svc_json_dup(resp->json, "NextToken");
	return 0;
}

void
cloudtrail_events_free(struct cloudtrail_events *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].name);
		free(l->v[i].source);
		free(l->v[i].username);
		free(l->v[i].access_key);
		free(l->v[i].json);
	}
	free(l->v);
	free(l->next_token);
	memset(l, 0, sizeof *l);
}

int
cloudtrail_list_public_keys_parse(struct aws_response *resp,
    struct cloudtrail_public_keys *l, char **cause)
{
	struct json_object *a, *o;
	struct cloudtrail_public_key *k;
	size_t i, n;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "ListPublicKeys", cause) != 0)
		return -1;
	if ((a = aws_json_array(resp->json, "PublicKeyList", &n)) == NULL)
		return svc_lacks("ListPublicKeys", "PublicKeyList", cause);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(a, i);
		k = xpush(&l->v, &l->n, sizeof *l->v);
		k->value = svc_json_dup(o, "Value");
		k->fingerprint = svc_json_dup(o, "Fingerprint");
		k->valid_from = (time_t)aws_json_int(o, "ValidityStartTime", 0);
		k->valid_to = (time_t)aws_json_int(o, "ValidityEndTime", 0);
	}
	l->next_token = svc_json_dup(resp->json, "NextToken");
	return 0;
}

void
cloudtrail_public_keys_free(struct cloudtrail_public_keys *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].value);
		free(l->v[i].fingerprint);
	}
	free(l->v);
	free(l->next_token);
	memset(l, 0, sizeof *l);
}
