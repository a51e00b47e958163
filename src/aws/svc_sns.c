/* Amazon SNS operations (query protocol). */
#include "config.h"

#include "svc_internal.h"

/* 1-256 letters, digits, '-' or '_', plus ".fifo" for FIFO topics (and
 * only for them). */
static bool
sns_topic_name_ok(const char *name, bool fifo, char **cause)
{
	size_t n;

	if (!svc_need(name, "SNS topic name", cause))
		return false;
	n = strlen(name);
	if (fifo != (n > 5 && strcmp(name + n - 5, ".fifo") == 0)) {
		*cause = xasprintf("SNS topic name '%s' must end in '.fifo' if "
		    "and only if the topic is FIFO", name);
		return false;
	}
	if (fifo)
		n -= 5;
	if (strlen(name) > 256 || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != n) {
		*cause = xasprintf("SNS topic name '%s' must be 1 to 256 "
		    "letters, digits, '-' or '_'", name);
		return false;
	}
	return true;
}

/* Query protocol maps: "Map.entry.N.key" and "Map.entry.N.value". */
static void
sns_param_map(struct aws_request *r, const char *map, const char *key,
    const char *value, const struct svc_tag *entries, size_t n)
{
	char *name;
	size_t i;

	for (i = 0; i < n; i++) {
		name = xasprintf("%s.entry.%zu.%s", map, i + 1, key);
		kv_add(&r->params, name, entries[i].key);
		free(name);
		name = xasprintf("%s.entry.%zu.%s", map, i + 1, value);
		kv_add(&r->params, name, entries[i].value);
		free(name);
	}
}

static struct aws_request *
sns_topic_request(const char *op, const char *arn, char **cause)
{
	struct aws_request *r;

	if (!svc_need(arn, "SNS topic ARN", cause))
		return NULL;
	r = aws_request_new(SVC_SNS, op);
	kv_add(&r->params, "TopicArn", arn);
	return r;
}

struct aws_request *
sns_create_topic(const struct sns_topic_spec *s, char **cause)
{
	struct aws_request *r;
	bool fifo = false;
	size_t i;

	for (i = 0; i < s->nattrs; i++)
		if (strcmp(s->attrs[i].key, "FifoTopic") == 0)
			fifo = strcmp(s->attrs[i].value, "true") == 0;
	if (!sns_topic_name_ok(s->name, fifo, cause))
		return NULL;
	r = aws_request_new(SVC_SNS, "CreateTopic");
	kv_add(&r->params, "Name", s->name);
	sns_param_map(r, "Attributes", "key", "value", s->attrs, s->nattrs);
	svc_param_tags(r, "Tags", s->tags, s->ntags);
	return r;
}

struct aws_request *
sns_delete_topic(const char *arn, char **cause)
{
	return sns_topic_request("DeleteTopic", arn, cause);
}

struct aws_request *
sns_set_topic_attributes(const char *arn, const char *name,
    const char *value, char **cause)
{
	struct aws_request *r;

	if (!svc_need(name, "SNS topic attribute name", cause) ||
	    (r = sns_topic_request("SetTopicAttributes", arn, cause)) == NULL)
		return NULL;
	kv_add(&r->params, "AttributeName", name);
	if (value != NULL)
		kv_add(&r->params, "AttributeValue", value);
	return r;
}

struct aws_request *
sns_get_topic_attributes(const char *arn, char **cause)
{
	return sns_topic_request("GetTopicAttributes", arn, cause);
}

struct aws_request *
sns_subscribe(const char *topic_arn, const char *protocol,
    const char *endpoint, const struct svc_tag *attrs, size_t nattrs,
    char **cause)
{
	static const char *const protocols[] = { "http", "https", "email",
	    "email-json", "sms", "sqs", "application", "lambda", "firehose" };
	struct aws_request *r;
	size_t i;

	if (!svc_need(protocol, "SNS subscription protocol", cause))
		return NULL;
	for (i = 0; i < sizeof protocols / sizeof protocols[0]; i++)
		if (strcmp(protocol, protocols[i]) == 0)
			break;
	if (i == sizeof protocols / sizeof protocols[0])
		return svc_invalid(cause, "unknown SNS subscription protocol "
		    "'%s'", protocol);
	if (!svc_need(endpoint, "SNS subscription endpoint", cause) ||
	    (r = sns_topic_request("Subscribe", topic_arn, cause)) == NULL)
		return NULL;
	kv_add(&r->params, "Protocol", protocol);
	kv_add(&r->params, "Endpoint", endpoint);
	sns_param_map(r, "Attributes", "key", "value", attrs, nattrs);
	/* The ARN even while confirmation is pending, to unsubscribe with. */
	kv_add(&r->params, "ReturnSubscriptionArn", "true");
	return r;
}

struct aws_request *
sns_list_subscriptions_by_topic(const char *topic_arn, const char *token,
    char **cause)
{
	struct aws_request *r;

	if ((r = sns_topic_request("ListSubscriptionsByTopic", topic_arn,
	    cause)) == NULL)
		return NULL;
	if (!svc_empty(token))
		kv_add(&r->params, "NextToken", token);
	return r;
}

/* Well-formed UTF-8 without overlong forms or surrogates. */
static bool
sns_utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	int i, n;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf) {
			n = 1;
			c = *p & 0x1f;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			n = 2;
			c = *p & 0x0f;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			n = 3;
			c = *p & 0x07;
		} else
			return false;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			c = c << 6 | (p[i] & 0x3f);
		}
		if ((n == 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
		    (n == 3 && (c < 0x10000 || c > 0x10ffff)))
			return false;
		p += n + 1;
	}
	return true;
}

/* AWS: printable ASCII beginning with a letter, digit or punctuation
 * mark, no line breaks or control characters, under 100 characters. */
static bool
sns_subject_ok(const char *subject, char **cause)
{
	size_t i, n = strlen(subject);

	if (n == 0 || n >= 100 || !isgraph((unsigned char)subject[0]))
		goto bad;
	for (i = 0; i < n; i++)
		if (subject[i] < 0x20 || subject[i] > 0x7e)
			goto bad;
	return true;
bad:
	*cause = xasprintf("SNS subject must be 1 to 99 printable ASCII "
	    "characters, not beginning with a space and without line breaks "
	    "or control characters");
	return false;
}

struct aws_request *
sns_publish(const struct sns_message *m, char **cause)
{
	struct aws_request *r;
	size_t i, n;
	char *name;

	if (!svc_need(m->message, "SNS message", cause))
		return NULL;
	if ((n = strlen(m->message)) > SNS_MESSAGE_MAX)
		return svc_invalid(cause, "SNS message of %zu bytes is over the "
		    "limit of %d bytes", n, SNS_MESSAGE_MAX);
	if (!sns_utf8_ok(m->message))
		return svc_invalid(cause, "SNS message is not valid UTF-8");
	if (m->subject != NULL && !sns_subject_ok(m->subject, cause))
		return NULL;
	n = m->topic_arn != NULL ? strlen(m->topic_arn) : 0;
	if (n > 5 && strcmp(m->topic_arn + n - 5, ".fifo") == 0 &&
	    svc_empty(m->group_id))
		return svc_invalid(cause, "SNS message to FIFO topic %s has no "
		    "message group id", m->topic_arn);
	if ((r = sns_topic_request("Publish", m->topic_arn, cause)) == NULL)
		return NULL;
	kv_add(&r->params, "Message", m->message);
	if (m->subject != NULL)
		kv_add(&r->params, "Subject", m->subject);
	if (m->group_id != NULL)
		kv_add(&r->params, "MessageGroupId", m->group_id);
	if (m->dedup_id != NULL)
		kv_add(&r->params, "MessageDeduplicationId", m->dedup_id);
	sns_param_map(r, "MessageAttributes", "Name", "Value.StringValue",
	    m->attrs, m->nattrs);
	for (i = 0; i < m->nattrs; i++) {
		name = xasprintf("MessageAttributes.entry.%zu.Value.DataType",
		    i + 1);
		kv_add(&r->params, name, "String");
		free(name);
	}
	return r;
}

/* --- answers ------------------------------------------------------------ */

int
sns_create_topic_parse(struct aws_response *resp, char **arn, char **cause)
{
	return svc_xml_field(resp, "CreateTopic", "TopicArn", arn, cause);
}

int
sns_get_topic_attributes_parse(struct aws_response *resp,
    struct sns_attributes *l, char **cause)
{
	const struct xml_node *attrs, *e;
	struct sns_attribute *a;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "GetTopicAttributes", cause) != 0)
		return -1;
	if ((attrs = xml_find(svc_xml_result(resp), "Attributes")) == NULL)
		return svc_lacks("GetTopicAttributes", "Attributes", cause);
	for (e = attrs->child; e != NULL; e = e->next) {
		if (xml_text(e, "key") == NULL)
			continue;
		a = xpush(&l->v, &l->n, sizeof *l->v);
		a->name = svc_xml_dup(e, "key");
		/* <value/> is an empty value, not a missing one. */
		if ((a->value = svc_xml_dup(e, "value")) == NULL)
			a->value = xstrdup("");
	}
	return 0;
}

const char *
sns_attribute(const struct sns_attributes *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return l->v[i].value;
	return NULL;
}

void
sns_attributes_free(struct sns_attributes *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

int
sns_subscribe_parse(struct aws_response *resp, char **arn, char **cause)
{
	return svc_xml_field(resp, "Subscribe", "SubscriptionArn", arn, cause);
}

int
sns_list_subscriptions_by_topic_parse(struct aws_response *resp,
    struct sns_subscriptions *l, char **cause)
{
	const struct xml_node *res, *subs, *m;
	struct sns_subscription *s;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "ListSubscriptionsByTopic", cause) != 0)
		return -1;
	res = svc_xml_result(resp);
	if ((subs = xml_find(res, "Subscriptions")) == NULL)
		return svc_lacks("ListSubscriptionsByTopic", "Subscriptions",
		    cause);
	for (m = subs->child; m != NULL; m = m->next) {
		s = xpush(&l->v, &l->n, sizeof *l->v);
		s->arn = svc_xml_dup(m, "SubscriptionArn");
		s->owner = svc_xml_dup(m, "Owner");
		s->protocol = svc_xml_dup(m, "Protocol");
		s->endpoint = svc_xml_dup(m, "Endpoint");
		s->topic_arn = svc_xml_dup(m, "TopicArn");
	}
	l->next_token = svc_xml_dup(res, "NextToken");
	return 0;
}

void
sns_subscriptions_free(struct sns_subscriptions *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].arn);
		free(l->v[i].owner);
		free(l->v[i].protocol);
		free(l->v[i].endpoint);
		free(l->v[i].topic_arn);
	}
	free(l->v);
	free(l->next_token);
	memset(l, 0, sizeof *l);
}

int
sns_publish_parse(struct aws_response *resp, char **message_id, char **cause)
{
	return svc_xml_field(resp, "Publish", "MessageId", message_id, cause);
}
