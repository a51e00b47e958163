/* Amazon S3 operations (REST-XML). */
#include "config.h"

#include <openssl/evp.h>

#include "svc_internal.h"

#define S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"

static bool
s3_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool
s3_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int
s3_bucket_name_check(const char *b, char **cause)
{
	static const char *const bad_prefix[] = { "xn--", "sthree-",
	    "amzn-s3-demo-" };
	static const char *const bad_suffix[] = { "-s3alias", "--ol-s3",
	    ".mrap", "--x-s3", "--table-s3" };
	unsigned int ip[4];
	size_t i, n;
	char tail;

	if (!svc_need(b, "S3 bucket name", cause))
		return -1;
	n = strlen(b);
	if (n < 3 || n > 63) {
		*cause = xasprintf("S3 bucket name '%s' must be 3 to 63 "
		    "characters long", b);
		return -1;
	}
	if (strspn(b, "abcdefghijklmnopqrstuvwxyz0123456789.-") != n) {
		*cause = xasprintf("S3 bucket name '%s' may only contain "
		    "lower-case letters, digits, '.' and '-'", b);
		return -1;
	}
	if (!isalnum((unsigned char)b[0]) || !isalnum((unsigned char)b[n - 1])) {
		*cause = xasprintf("S3 bucket name '%s' must begin and end with "
		    "a letter or digit", b);
		return -1;
	}
	if (strstr(b, "..") != NULL || strstr(b, ".-") != NULL ||
	    strstr(b, "-.") != NULL) {
		*cause = xasprintf("S3 bucket name '%s' has '..', '.-' or '-.'",
		    b);
		return -1;
	}
	if (sscanf(b, "%u.%u.%u.%u%c", &ip[0], &ip[1], &ip[2], &ip[3],
	    &tail) == 4) {
		*cause = xasprintf("S3 bucket name '%s' must not look like an "
		    "IP address", b);
		return -1;
	}
	for (i = 0; i < sizeof bad_prefix / sizeof bad_prefix[0]; i++)
		if (s3_has_prefix(b, bad_prefix[i])) {
			*cause = xasprintf("S3 bucket name '%s' must not begin "
			    "with '%s'", b, bad_prefix[i]);
			return -1;
		}
	for (i = 0; i < sizeof bad_suffix / sizeof bad_suffix[0]; i++)
		if (s3_has_suffix(b, bad_suffix[i])) {
			*cause = xasprintf("S3 bucket name '%s' must not end "
			    "with '%s'", b, bad_suffix[i]);
			return -1;
		}
	return 0;
}

/* Existing buckets may predate the naming rules (legacy us-east-1 names
 * with capitals or '_'), so only creation checks them all. */
static struct aws_request *
s3_request(const char *op, const char *method, const char *bucket,
    const char *subresource, char **cause)
{
	struct aws_request *r;

	if (!svc_need(bucket, "S3 bucket name", cause))
		return NULL;
	r = aws_request_new(SVC_S3, op);
	r->method = method;
	r->bucket = xstrdup(bucket);
	/* Of the operations here only GETs answer with a payload; the SDKs
	 * ignore other bodies (moto answers PutBucketPolicy with "True"). */
	r->raw_body = strcmp(method, "GET") != 0;
	if (subresource != NULL)
		kv_add(&r->query, subresource, "");
	return r;
}

static struct aws_request *
s3_object_request(const char *op, const char *method, const char *bucket,
    const char *key, char **cause)
{
	struct aws_request *r;

	if (!svc_need(key, "S3 object key", cause) ||
	    (r = s3_request(op, method, bucket, NULL, cause)) == NULL)
		return NULL;
	aws_request_path(r, key, true);
	return r;
}

/* XML 1.0 cannot carry most control characters, even escaped. */
static bool
s3_xml_ok(const char *s, const char *what, char **cause)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' &&
		    *s != '\r') {
			*cause = xasprintf("%s must not contain control "
			    "characters", what);
			return false;
		}
	return true;
}

static void
s3_xml_add(struct buf *b, const char *tag, const char *text)
{
	buf_printf(b, "<%s>", tag);
	for (; *text != '\0'; text++) {
		switch (*text) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&apos;"); break;
		case '\r': buf_adds(b, "&#13;"); break;
		default: buf_addc(b, *text); break;
		}
	}
	buf_printf(b, "</%s>", tag);
}

/* AWS requires a checksum of these configuration bodies. */
static void
s3_body_md5(struct aws_request *r)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
	unsigned int n = 0;

	EVP_Digest(r->body.data != NULL ? r->body.data : "", r->body.len, md,
	    &n, EVP_md5(), NULL);
	EVP_EncodeBlock(b64, md, (int)n);
	kv_add(&r->headers, "Content-MD5", (const char *)b64);
}

struct aws_request *
s3_create_bucket(const char *bucket, const char *region, char **cause)
{
	struct aws_request *r;

	if (s3_bucket_name_check(bucket, cause) != 0)
		return NULL;
	if (region != NULL && !endpoint_region_valid(region))
		return svc_invalid(cause, "unknown region '%s' for bucket %s",
		    region, bucket);
	r = s3_request("CreateBucket", "PUT", bucket, NULL, cause);
	if (region != NULL && strcmp(region, "us-east-1") != 0) {
		buf_adds(&r->body, "<CreateBucketConfiguration xmlns=\""
		    S3_XMLNS "\">");
		s3_xml_add(&r->body, "LocationConstraint", region);
		buf_adds(&r->body, "</CreateBucketConfiguration>");
	}
	return r;
}

struct aws_request *
s3_delete_bucket(const char *bucket, char **cause)
{
	return s3_request("DeleteBucket", "DELETE", bucket, NULL, cause);
}

struct aws_request *
s3_head_bucket(const char *bucket, char **cause)
{
	return s3_request("HeadBucket", "HEAD", bucket, NULL, cause);
}

struct aws_request *
s3_put_bucket_policy(const char *bucket, const char *policy, char **cause)
{
	struct aws_request *r;

	if (!svc_need_json(policy, "S3 bucket policy", cause) ||
	    (r = s3_request("PutBucketPolicy", "PUT", bucket, "policy",
	    cause)) == NULL)
		return NULL;
	buf_adds(&r->body, policy);
	kv_add(&r->headers, "Content-Type", "application/json");
	s3_body_md5(r);
	return r;
}

struct aws_request *
s3_get_bucket_policy(const char *bucket, char **cause)
{
	struct aws_request *r;

	if ((r = s3_request("GetBucketPolicy", "GET", bucket, "policy",
	    cause)) != NULL)
		r->raw_body = true;	/* the answer is the JSON policy itself */
	return r;
}

struct aws_request *
s3_delete_bucket_policy(const char *bucket, char **cause)
{
	return s3_request("DeleteBucketPolicy", "DELETE", bucket, "policy",
	    cause);
}

struct aws_request *
s3_put_bucket_logging(const char *bucket, const struct s3_logging *l,
    char **cause)
{
	const char *prefix = l != NULL && l->target_prefix != NULL ?
	    l->target_prefix : "";
	struct aws_request *r;

	if (l != NULL && l->target_bucket != NULL &&
	    (!svc_need(l->target_bucket, "S3 log target bucket", cause) ||
	    !s3_xml_ok(prefix, "S3 log target prefix", cause)))
		return NULL;
	if ((r = s3_request("PutBucketLogging", "PUT", bucket, "logging",
	    cause)) == NULL)
		return NULL;
	buf_adds(&r->body, "<BucketLoggingStatus xmlns=\"" S3_XMLNS "\">");
	if (l != NULL && l->target_bucket != NULL) {
		buf_adds(&r->body, "<LoggingEnabled>");
		s3_xml_add(&r->body, "TargetBucket", l->target_bucket);
		s3_xml_add(&r->body, "TargetPrefix", prefix);
		if (l->key_format == S3_KEY_FORMAT_SIMPLE)
			buf_adds(&r->body, "<TargetObjectKeyFormat><SimplePrefix/>"
			    "</TargetObjectKeyFormat>");
		else if (l->key_format == S3_KEY_FORMAT_PARTITIONED) {
			buf_adds(&r->body, "<TargetObjectKeyFormat>"
			    "<PartitionedPrefix>");
			s3_xml_add(&r->body, "PartitionDateSource",
			    l->date_source == S3_DATE_DELIVERY_TIME ?
			    "DeliveryTime" : "EventTime");
			buf_adds(&r->body, "</PartitionedPrefix>"
			    "</TargetObjectKeyFormat>");
		}
		buf_adds(&r->body, "</LoggingEnabled>");
	}
	buf_adds(&r->body, "</BucketLoggingStatus>");
	s3_body_md5(r);
	return r;
}

struct aws_request *
s3_get_bucket_logging(const char *bucket, char **cause)
{
	return s3_request("GetBucketLogging", "GET", bucket, "logging", cause);
}

struct aws_request *
s3_put_public_access_block(const char *bucket,
    const struct s3_public_access_block *p, char **cause)
{
	const struct {
		const char	*name;
		bool		 on;
	} f[] = {
		{ "BlockPublicAcls", p->block_public_acls },
		{ "IgnorePublicAcls", p->ignore_public_acls },
		{ "BlockPublicPolicy", p->block_public_policy },
		{ "RestrictPublicBuckets", p->restrict_public_buckets },
	};
	struct aws_request *r;
	size_t i;

	if ((r = s3_request("PutPublicAccessBlock", "PUT", bucket,
	    "publicAccessBlock", cause)) == NULL)
		return NULL;
	buf_adds(&r->body, "<PublicAccessBlockConfiguration xmlns=\""
	    S3_XMLNS "\">");
	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		s3_xml_add(&r->body, f[i].name, f[i].on ? "true" : "false");
	buf_adds(&r->body, "</PublicAccessBlockConfiguration>");
	s3_body_md5(r);
	return r;
}

struct aws_request *
s3_get_public_access_block(const char *bucket, char **cause)
{
	return s3_request("GetPublicAccessBlock", "GET", bucket,
	    "publicAccessBlock", cause);
}

struct aws_request *
s3_list_objects_v2(const char *bucket, const char *prefix, const char *token,
    int max_keys, char **cause)
{
	struct aws_request *r;
	char n[16];

	if (max_keys < 0 || max_keys > 1000)
		return svc_invalid(cause, "S3 max keys %d is not 0 to 1000",
		    max_keys);
	if ((r = s3_request("ListObjectsV2", "GET", bucket, NULL,
	    cause)) == NULL)
		return NULL;
	kv_add(&r->query, "list-type", "2");
	/* Keys may hold bytes XML cannot carry: ask for them encoded. */
	kv_add(&r->query, "encoding-type", "url");
	if (!svc_empty(prefix))
		kv_add(&r->query, "prefix", prefix);
	if (!svc_empty(token))
		kv_add(&r->query, "continuation-token", token);
	if (max_keys > 0) {
		snprintf(n, sizeof n, "%d", max_keys);
		kv_add(&r->query, "max-keys", n);
	}
	return r;
}

struct aws_request *
s3_put_object(const char *bucket, const char *key, const void *data,
    size_t len, const char *content_type, char **cause)
{
	struct aws_request *r;

	if ((r = s3_object_request("PutObject", "PUT", bucket, key,
	    cause)) == NULL)
		return NULL;
	buf_add(&r->body, data, len);
	if (content_type != NULL)
		kv_add(&r->headers, "Content-Type", content_type);
	return r;
}

struct aws_request *
s3_get_object(const char *bucket, const char *key, char **cause)
{
	struct aws_request *r;

	if ((r = s3_object_request("GetObject", "GET", bucket, key,
	    cause)) != NULL)
		r->raw_body = true;
	return r;
}

struct aws_request *
s3_delete_object(const char *bucket, const char *key, char **cause)
{
	return s3_object_request("DeleteObject", "DELETE", bucket, key, cause);
}

/* --- answers ------------------------------------------------------------ */

int
s3_head_bucket_parse(struct aws_response *resp, struct s3_head *h,
    char **cause)
{
	memset(h, 0, sizeof *h);
	h->region = xstrdup_null(kv_get(&resp->headers, "x-amz-bucket-region"));
	if (resp->kind == AWS_OK) {
		h->exists = h->accessible = true;
		return 0;
	}
	if (resp->kind == AWS_ERR_SERVICE) {
		switch (resp->status) {
		case 404:
			return 0;
		case 301:
		case 400:
			if (h->region == NULL)
				break;
			/* FALLTHROUGH */
		case 403:
			h->exists = true;
			return 0;
		}
	}
	s3_head_free(h);
	return svc_check(resp, "HeadBucket", cause);
}

void
s3_head_free(struct s3_head *h)
{
	free(h->region);
	memset(h, 0, sizeof *h);
}

int
s3_get_bucket_policy_parse(struct aws_response *resp, char **policy,
    char **cause)
{
	*policy = NULL;
	if (svc_check(resp, "GetBucketPolicy", cause) != 0)
		return -1;
	if (resp->body.len == 0)
		return svc_lacks("GetBucketPolicy", "policy", cause);
	*policy = xstrndup(resp->body.data, resp->body.len);
	/* A policy is JSON; anything else is a broken answer, not a policy. */
	if (!svc_need_json(*policy, "the GetBucketPolicy answer", cause)) {
		free(*policy);
		*policy = NULL;
		return -1;
	}
	return 0;
}

int
s3_get_bucket_logging_parse(struct aws_response *resp, struct s3_logging *l,
    char **cause)
{
	const struct xml_node *on, *fmt;
	const char *src;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "GetBucketLogging", cause) != 0)
		return -1;
	if (resp->xml == NULL || strcmp(resp->xml->name, "BucketLoggingStatus") != 0)
		return svc_lacks("GetBucketLogging", "BucketLoggingStatus", cause);
	if ((on = xml_child(resp->xml, "LoggingEnabled")) == NULL)
		return 0;
	if ((l->target_bucket = svc_xml_dup(on, "TargetBucket")) == NULL)
		return svc_lacks("GetBucketLogging", "TargetBucket", cause);
	l->target_prefix = xstrdup(xml_text(on, "TargetPrefix") != NULL ?
	    xml_text(on, "TargetPrefix") : "");
	if ((fmt = xml_child(on, "TargetObjectKeyFormat")) == NULL)
		l->key_format = S3_KEY_FORMAT_NONE;
	else if (xml_child(fmt, "PartitionedPrefix") != NULL) {
		l->key_format = S3_KEY_FORMAT_PARTITIONED;
		src = xml_text(fmt, "PartitionedPrefix/PartitionDateSource");
		l->date_source = src != NULL && strcmp(src, "DeliveryTime") == 0 ?
		    S3_DATE_DELIVERY_TIME : S3_DATE_EVENT_TIME;
	} else
		l->key_format = S3_KEY_FORMAT_SIMPLE;
	return 0;
}

void
s3_logging_free(struct s3_logging *l)
{
	free(l->target_bucket);
	free(l->target_prefix);
	memset(l, 0, sizeof *l);
}

int
s3_get_public_access_block_parse(struct aws_response *resp,
    struct s3_public_access_block *p, char **cause)
{
	const struct xml_node *x = resp->xml;

	memset(p, 0, sizeof *p);
	if (svc_check(resp, "GetPublicAccessBlock", cause) != 0)
		return -1;
	if (x == NULL || strcmp(x->name, "PublicAccessBlockConfiguration") != 0)
		return svc_lacks("GetPublicAccessBlock",
		    "PublicAccessBlockConfiguration", cause);
	p->block_public_acls = svc_xml_bool(x, "BlockPublicAcls");
	p->ignore_public_acls = svc_xml_bool(x, "IgnorePublicAcls");
	p->block_public_policy = svc_xml_bool(x, "BlockPublicPolicy");
	p->restrict_public_buckets = svc_xml_bool(x, "RestrictPublicBuckets");
	return 0;
}

/* Values of a listing asked for with encoding-type=url. */
static char *
s3_listed(const struct xml_node *n, const char *path, bool encoded)
{
	const char *v = xml_text(n, path);

	if (v == NULL)
		return NULL;
	return encoded ? svc_url_decode(v, true) : xstrdup(v);
}

int
s3_list_objects_v2_parse(struct aws_response *resp, struct s3_objects *l,
    char **cause)
{
	const struct xml_node *x = resp->xml, *c;
	struct s3_object *o;
	bool encoded;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "ListObjectsV2", cause) != 0)
		return -1;
	if (x == NULL || strcmp(x->name, "ListBucketResult") != 0)
		return svc_lacks("ListObjectsV2", "ListBucketResult", cause);
	encoded = xml_text(x, "EncodingType") != NULL &&
	    strcmp(xml_text(x, "EncodingType"), "url") == 0;
	for (c = xml_child(x, "Contents"); c != NULL; c = xml_next_same(c)) {
		o = xpush(&l->v, &l->n, sizeof *l->v);
		if ((o->key = s3_listed(c, "Key", encoded)) == NULL) {
			s3_objects_free(l);
			return svc_lacks("ListObjectsV2", "Contents/Key", cause);
		}
		o->size = xml_text(c, "Size") != NULL ?
		    strtoll(xml_text(c, "Size"), NULL, 10) : 0;
		o->modified = svc_iso8601(xml_text(c, "LastModified"));
		o->etag = svc_xml_dup(c, "ETag");
	}
	l->truncated = svc_xml_bool(x, "IsTruncated");
	l->next_token = svc_xml_dup(x, "NextContinuationToken");
	if (l->truncated && l->next_token == NULL) {
		s3_objects_free(l);
		return svc_lacks("ListObjectsV2", "NextContinuationToken", cause);
	}
	return 0;
}

void
s3_objects_free(struct s3_objects *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].etag);
	}
	free(l->v);
	free(l->next_token);
	memset(l, 0, sizeof *l);
}

int
s3_get_object_parse(struct aws_response *resp, struct s3_data *d,
    char **cause)
{
	memset(d, 0, sizeof *d);
	if (svc_check(resp, "GetObject", cause) != 0)
		return -1;
	d->len = resp->body.len;
	d->data = xmalloc(d->len + 1);
	if (d->len > 0)
		memcpy(d->data, resp->body.data, d->len);
	d->data[d->len] = '\0';
	d->content_type = xstrdup_null(kv_get(&resp->headers, "content-type"));
	return 0;
}

void
s3_data_free(struct s3_data *d)
{
	free(d->data);
	free(d->content_type);
	memset(d, 0, sizeof *d);
}
