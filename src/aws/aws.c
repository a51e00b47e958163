#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "aws.h"
#include "awsconf.h"
#include "calls.h"
#include "creds.h"
#include "http.h"
#include "log.h"
#include "loop.h"
#include "retry.h"
#include "sigv4.h"
#include "xml.h"

struct aws_endpoint {
	char		*url;		/* no trailing slash */
	const char	*source;	/* where the URL came from */
	char		*signing_region;
	bool		 custom;	/* overridden: S3 uses path style */
};

struct aws_client {
	struct loop		*loop;
	struct awsconf		*conf;
	struct creds_chain	*creds;
	char			*profile;
	char			*region;
	char			*ca_bundle;
	int			 max_attempts;
	long			 timeout_ms;	/* per attempt */
	bool			 s3_path_style;
	long			 clock_skew;
	struct retry_quota	 quota;
	struct aws_endpoint	 endpoints[SVC_COUNT];
	uint64_t		 rng;
	aws_prompt_fn		 prompt;
	void			*prompt_arg;
};

/* One request in flight, across its attempts. */
struct aws_call {
	struct aws_client	*client;
	struct aws_request	*req;
	aws_done_fn		 done;
	void			*arg;
	int			 attempt;
	int			 quota_taken;
	bool			 refreshed;	/* credentials refreshed once already */
	struct buf		 url;
	struct buf		 body;
	struct kv		 headers;
	uint64_t		 started_ms;
};

static void	aws_call_attempt(struct aws_call *);

/* --- settings ---------------------------------------------------------- */

static const char *
aws_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static const char *
aws_profile_get(struct aws_client *c, const char *key)
{
	return awsconf_get(c->conf, c->profile, key);
}

static int
aws_resolve_endpoint(struct aws_client *c, const struct aws_options *o,
    const struct aws_service *svc, char **cause)
{
	struct aws_endpoint *e = &c->endpoints[svc->id];
	const char *services, *url = NULL, *region = c->region, *signing;
	const char *from = NULL;
	char env[64], *why = NULL;
	bool ignore;

	ignore = aws_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") != NULL &&
	    strcasecmp(aws_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") == 0;
	if (aws_profile_get(c, "ignore_configured_endpoint_urls") != NULL &&
	    strcasecmp(aws_profile_get(c, "ignore_configured_endpoint_urls"),
	    "true") == 0)
		ignore = true;

	/* The order of the AWS SDKs' "service-specific endpoints" feature. */
	if (o->endpoint_url != NULL) {
		url = o->endpoint_url;
		e->source = "--endpoint-url";
	}
	snprintf(env, sizeof env, "AWS_ENDPOINT_URL_%s", svc->env_id);
	if (url == NULL && !ignore && (url = aws_env(env)) != NULL) {
		e->source = "AWS_ENDPOINT_URL_<SERVICE>";
		from = env;
	}
	if (url == NULL && !ignore && (url = aws_env("AWS_ENDPOINT_URL")) != NULL)
		e->source = "AWS_ENDPOINT_URL";
	services = aws_profile_get(c, "services");
	if (url == NULL && !ignore && services != NULL &&
	    (url = awsconf_get_section_sub(c->conf, "services", services,
	    svc->config_key, "endpoint_url")) != NULL)
		e->source = "services section of the profile";
	if (url == NULL && !ignore &&
	    (url = aws_profile_get(c, "endpoint_url")) != NULL)
		e->source = "endpoint_url in the profile";

	if (svc->id == SVC_SSO) {
		/* The portal lives in the SSO session's region. */
		const char *sso_region = aws_profile_get(c, "sso_region");
		const char *session = aws_profile_get(c, "sso_session");

		if (session != NULL)
			sso_region = awsconf_get_section(c->conf, "sso-session",
			    session, "sso_region");
		if (sso_region != NULL && endpoint_region_valid(sso_region))
			region = sso_region;
	}
	if (url != NULL) {
		if (endpoint_url_check(url, &why) != 0) {
			*cause = xasprintf("%s (from %s)", why, from != NULL ?
			    from : e->source);
			free(why);
			return -1;
		}
		e->url = xstrdup(url);
		while (strlen(e->url) > 8 && e->url[strlen(e->url) - 1] == '/')
			e->url[strlen(e->url) - 1] = '\0';
		e->custom = true;
		e->signing_region = xstrdup(svc->global ?
		    endpoint_partition(region)->global_region : region);
		return 0;
	}
	e->url = endpoint_default_url(svc, region, &signing);
	e->signing_region = xstrdup(signing);
	e->source = "default";
	return 0;
}

static int
aws_resolve_settings(struct aws_client *c, const struct aws_options *o,
    char **cause)
{
	const char *v;
	struct stat sb;
	char *end;
	long n;
	int i;

	if (o->profile != NULL)
		c->profile = xstrdup(o->profile);
	else
		c->profile = xstrdup(aws_env("AWS_PROFILE") ?
		    aws_env("AWS_PROFILE") : "default");
	if ((o->profile != NULL || aws_env("AWS_PROFILE") != NULL) &&
	    !awsconf_has_profile(c->conf, c->profile)) {
		*cause = xasprintf("profile '%s' not found in %s or %s",
		    c->profile, awsconf_config_path(c->conf),
		    awsconf_credentials_path(c->conf));
		return -1;
	}

	if ((v = o->region) == NULL && (v = aws_env("AWS_REGION")) == NULL &&
	    (v = aws_env("AWS_DEFAULT_REGION")) == NULL)
		v = aws_profile_get(c, "region");
	if (v == NULL) {
		*cause = xasprintf("no region: use --region, AWS_REGION or set "
		    "'region' in profile '%s'", c->profile);
		return -1;
	}
	if (!endpoint_region_valid(v)) {
		*cause = xasprintf("unknown region '%s': not a region of any "
		    "AWS partition (e.g. us-east-1, eu-west-1, cn-north-1)", v);
		return -1;
	}
	c->region = xstrdup(v);

	if ((v = aws_env("AWS_CA_BUNDLE")) == NULL)
		v = aws_profile_get(c, "ca_bundle");
	if (v != NULL) {
		if (stat(v, &sb) != 0 || !S_ISREG(sb.st_mode) ||
		    access(v, R_OK) != 0) {
			*cause = xasprintf("CA bundle '%s' (AWS_CA_BUNDLE or "
			    "ca_bundle) is not a readable file", v);
			return -1;
		}
		c->ca_bundle = xstrdup(v);
	}

	c->max_attempts = RETRY_MAX_ATTEMPTS;
	if ((v = aws_env("AWS_MAX_ATTEMPTS")) == NULL)
		v = aws_profile_get(c, "max_attempts");
	if (v != NULL) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || n < 1 || n > 20) {
			*cause = xasprintf("max_attempts '%s' must be a number "
			    "from 1 to 20", v);
			return -1;
		}
		c->max_attempts = (int)n;
	}
	c->timeout_ms = 60000;
	if ((v = aws_env("S3WATCH_HTTP_TIMEOUT")) != NULL) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || n < 1 || n > 3600) {
			*cause = xasprintf("S3WATCH_HTTP_TIMEOUT '%s' must be a "
			    "number of seconds from 1 to 3600", v);
			return -1;
		}
		c->timeout_ms = n * 1000;
	}
	v = awsconf_get_sub(c->conf, c->profile, "s3", "addressing_style");
	c->s3_path_style = v != NULL && strcasecmp(v, "path") == 0;

	for (i = 0; i < SVC_COUNT; i++)
		if (aws_resolve_endpoint(c, o, endpoint_service(i), cause) != 0)
			return -1;
	return 0;
}

struct aws_client *
aws_client_new(struct loop *l, const struct aws_options *o, char **cause)
{
	struct aws_client *c = xcalloc(1, sizeof *c);

	c->loop = l;
	retry_quota_init(&c->quota);
	c->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ loop_now_ms();
	if ((c->conf = awsconf_load(cause)) == NULL ||
	    aws_resolve_settings(c, o, cause) != 0) {
		aws_client_free(c);
		return NULL;
	}
	c->creds = creds_chain_new(c, o->profile);
	return c;
}

void
aws_client_free(struct aws_client *c)
{
	int i;

	if (c == NULL)
		return;
	if (c->creds != NULL)
		creds_chain_free(c->creds);
	for (i = 0; i < SVC_COUNT; i++) {
		free(c->endpoints[i].url);
		free(c->endpoints[i].signing_region);
	}
	if (c->conf != NULL)
		awsconf_free(c->conf);
	free(c->profile);
	free(c->region);
	free(c->ca_bundle);
	free(c);
}

struct loop *
aws_client_loop(struct aws_client *c)
{
	return c->loop;
}

const char *
aws_client_region(const struct aws_client *c)
{
	return c->region;
}

const char *
aws_client_profile(const struct aws_client *c)
{
	return c->profile;
}

const struct awsconf *
aws_client_conf(const struct aws_client *c)
{
	return c->conf;
}

struct creds_chain *
aws_client_creds(struct aws_client *c)
{
	return c->creds;
}

const char *
aws_client_endpoint(const struct aws_client *c, enum aws_service_id id,
    const char **source)
{
	if (source != NULL)
		*source = c->endpoints[id].source;
	return c->endpoints[id].url;
}

long
aws_client_clock_skew(const struct aws_client *c)
{
	return c->clock_skew;
}

void
aws_client_set_prompt(struct aws_client *c, aws_prompt_fn fn, void *arg)
{
	c->prompt = fn;
	c->prompt_arg = fn != NULL ? arg : NULL;
}

aws_prompt_fn
aws_client_prompt(const struct aws_client *c, void **arg)
{
	*arg = c->prompt_arg;
	return c->prompt;
}

int
aws_client_max_attempts(const struct aws_client *c)
{
	return c->max_attempts;
}

/* --- requests and responses -------------------------------------------- */

struct aws_request *
aws_request_new(enum aws_service_id svc, const char *op)
{
	struct aws_request *r = xcalloc(1, sizeof *r);

	r->svc = svc;
	r->op = op;
	r->method = "POST";
	return r;
}

void
aws_request_free(struct aws_request *r)
{
	if (r == NULL)
		return;
	if (r->json != NULL)
		json_object_put(r->json);
	kv_free(&r->params);
	buf_free(&r->path);
	kv_free(&r->query);
	kv_free(&r->headers);
	buf_free(&r->body);
	free(r->bucket);
	free(r);
}

void
aws_request_path(struct aws_request *r, const char *segment, bool keep_slash)
{
	buf_addc(&r->path, '/');
	sigv4_uri_encode(&r->path, segment, strlen(segment), keep_slash);
}

void
aws_response_free(struct aws_response *r)
{
	if (r == NULL)
		return;
	kv_free(&r->headers);
	buf_free(&r->body);
	if (r->json != NULL)
		json_object_put(r->json);
	xml_free(r->xml);
	free(r->code);
	free(r->message);
	free(r->request_id);
	free(r->denied);
	free(r->text);
	free(r);
}

const char *
aws_error_text(struct aws_response *r)
{
	struct buf b = { 0 };

	if (r->text != NULL)
		return r->text;
	if (r->kind == AWS_OK)
		return r->text = xstrdup("success");
	if (r->code != NULL)
		buf_printf(&b, "%s: ", r->code);
	buf_adds(&b, r->message != NULL ? r->message : "unknown error");
	if (r->status != 0 || r->request_id != NULL || r->attempts > 1) {
		const char *sep = "";

		buf_adds(&b, " (");
		if (r->status != 0) {
			buf_printf(&b, "HTTP %ld", r->status);
			sep = ", ";
		}
		if (r->request_id != NULL) {
			buf_printf(&b, "%srequest id %s", sep, r->request_id);
			sep = ", ";
		}
		if (r->attempts > 1)
			buf_printf(&b, "%safter %d attempts", sep, r->attempts);
		buf_addc(&b, ')');
	}
	if (r->denied != NULL) {
		const char *use = calls_grant(r->denied);

		buf_printf(&b, "; denied: %s", r->denied);
		if (use != NULL)
			buf_printf(&b, " \xe2\x80\x94 grant it with `s3watch "
			    "policy --for %s`", use);
	}
	return r->text = buf_take(&b);
}

/* Printable, single-line, bounded copy of server text for messages. */
static char *
aws_clean_text(const char *s, size_t n)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < n && b.len < 300; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\n' || ch == '\r' || ch == '\t')
			ch = ' ';
		if (ch < 0x20 || ch == 0x7f)
			continue;
		buf_addc(&b, (char)ch);
	}
	if (i < n)
		buf_adds(&b, "...");
	return buf_take(&b);
}

const char *
aws_json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long long
aws_json_int(struct json_object *o, const char *key, long long dflt)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !(json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double)))
		return dflt;
	return (long long)json_object_get_int64(v);
}

bool
aws_json_bool(struct json_object *o, const char *key, bool dflt)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return dflt;
	return json_object_get_boolean(v);
}

struct json_object *
aws_json_get(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

struct json_object *
aws_json_array(struct json_object *o, const char *key, size_t *n)
{
	struct json_object *a = aws_json_get(o, key);

	if (a == NULL || !json_object_is_type(a, json_type_array)) {
		*n = 0;
		return NULL;
	}
	*n = json_object_array_length(a);
	return a;
}

/* --- building an attempt ----------------------------------------------- */

/* Form encoding as botocore writes it: RFC 3986, a space as '+'.  AWS
 * hashes the bytes sent, so "%20" would do there, but services that
 * re-encode the parsed form before checking (moto's strict mode) expect
 * botocore's bytes. */
static void
aws_form_encode(struct buf *b, const char *s)
{
	size_t n;

	while (*s != '\0') {
		n = strcspn(s, " ");
		sigv4_uri_encode(b, s, n, false);
		s += n;
		for (; *s == ' '; s++)
			buf_addc(b, '+');
	}
}

static void
aws_form_add(struct buf *b, const char *name, const char *value)
{
	if (b->len > 0)
		buf_addc(b, '&');
	aws_form_encode(b, name);
	buf_addc(b, '=');
	aws_form_encode(b, value);
}

static bool
aws_s3_virtual_ok(const char *bucket)
{
	size_t i, n = strlen(bucket);

	/* Dots break the TLS wildcard certificate; upper case breaks DNS. */
	if (n < 3 || n > 63)
		return false;
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)bucket[i]) ||
		    isdigit((unsigned char)bucket[i]) || bucket[i] == '-'))
			return false;
	return bucket[0] != '-' && bucket[n - 1] != '-';
}

static const char *
aws_url_host(const char *url, size_t *len)
{
	const char *h = strstr(url, "://"), *end;

	h = h != NULL ? h + 3 : url;
	end = h + strcspn(h, "/");
	*len = (size_t)(end - h);
	return h;
}

static void
aws_build(struct aws_call *call)
{
	struct aws_client *c = call->client;
	struct aws_request *r = call->req;
	const struct aws_service *svc = endpoint_service(r->svc);
	const struct aws_endpoint *e = &c->endpoints[r->svc];
	const char *base = e->url, *host;
	char *tmp;
	size_t i, hlen;

	buf_reset(&call->url);
	buf_reset(&call->body);
	kv_free(&call->headers);
	kv_copy(&call->headers, &r->headers);

	switch (svc->protocol) {
	case AWS_PROTO_JSON:
	case AWS_PROTO_JSON_10:
		buf_printf(&call->url, "%s/", base);
		kv_set(&call->headers, "Content-Type", svc->protocol ==
		    AWS_PROTO_JSON ? "application/x-amz-json-1.1" :
		    "application/x-amz-json-1.0");
		tmp = xasprintf("%s.%s", svc->target_prefix, r->op);
		kv_set(&call->headers, "X-Amz-Target", tmp);
		free(tmp);
		buf_adds(&call->body, r->json != NULL ? json_object_to_json_string_ext(
		    r->json, JSON_C_TO_STRING_PLAIN) : "{}");
		break;
	case AWS_PROTO_QUERY:
		buf_printf(&call->url, "%s/", base);
		kv_set(&call->headers, "Content-Type",
		    "application/x-www-form-urlencoded; charset=utf-8");
		aws_form_add(&call->body, "Action", r->op);
		aws_form_add(&call->body, "Version", svc->api_version);
		for (i = 0; i < r->params.n; i++)
			aws_form_add(&call->body, r->params.v[i].name,
			    r->params.v[i].value);
		break;
	case AWS_PROTO_REST_XML:
	case AWS_PROTO_REST_JSON:
		if (r->bucket != NULL && !e->custom && !c->s3_path_style &&
		    aws_s3_virtual_ok(r->bucket)) {
			const char *scheme_end = strstr(base, "://") + 3;

			buf_printf(&call->url, "%.*s%s.%s", (int)(scheme_end - base),
			    base, r->bucket, scheme_end);
		} else {
			buf_adds(&call->url, base);
			if (r->bucket != NULL) {
				buf_addc(&call->url, '/');
				sigv4_uri_encode(&call->url, r->bucket,
				    strlen(r->bucket), false);
			}
		}
		if (r->path.len > 0)
			buf_add(&call->url, r->path.data, r->path.len);
		else if (r->bucket == NULL)
			buf_addc(&call->url, '/');
		for (i = 0; i < r->query.n; i++) {
			buf_addc(&call->url, i == 0 ? '?' : '&');
			sigv4_uri_encode(&call->url, r->query.v[i].name,
			    strlen(r->query.v[i].name), false);
			if (*r->query.v[i].value != '\0' ||
			    svc->protocol == AWS_PROTO_REST_JSON) {
				buf_addc(&call->url, '=');
				sigv4_uri_encode(&call->url, r->query.v[i].value,
				    strlen(r->query.v[i].value), false);
			}
		}
		if (svc->protocol == AWS_PROTO_REST_JSON && r->json != NULL) {
			buf_adds(&call->body, json_object_to_json_string_ext(
			    r->json, JSON_C_TO_STRING_PLAIN));
			if (kv_get(&call->headers, "content-type") == NULL)
				kv_set(&call->headers, "Content-Type",
				    "application/json");
		} else if (r->body.len > 0)
			buf_add(&call->body, r->body.data, r->body.len);
		break;
	}
	host = aws_url_host(call->url.data, &hlen);
	tmp = xstrndup(host, hlen);
	kv_set(&call->headers, "Host", tmp);
	free(tmp);
}

/* The part of the URL after the host, split into path and query. */
static void
aws_split_target(const char *url, char **path, char **query)
{
	const char *p = strstr(url, "://"), *q;

	p = p != NULL ? p + 3 : url;
	p += strcspn(p, "/");
	q = strchr(p, '?');
	*path = q != NULL ? xstrndup(p, (size_t)(q - p)) : xstrdup(p);
	*query = q != NULL ? xstrdup(q + 1) : NULL;
}

static int
aws_sign(struct aws_call *call, const struct creds *cr, char **cause)
{
	struct aws_client *c = call->client;
	struct aws_request *r = call->req;
	const struct aws_service *svc = endpoint_service(r->svc);
	struct sigv4_request sr;
	struct sigv4_params sp;
	struct sigv4_creds sc;
	struct sigv4_result res;
	char *path, *query;
	int rc;

	aws_split_target(call->url.data, &path, &query);
	memset(&sr, 0, sizeof sr);
	sr.method = r->method;
	sr.path = path;
	sr.query = query;
	sr.headers = &call->headers;
	sr.body = call->body.data;
	sr.body_len = call->body.len;
	memset(&sp, 0, sizeof sp);
	sp.service = svc->signing_name;
	sp.region = c->endpoints[r->svc].signing_region;
	sp.when = time(NULL) + c->clock_skew;
	sp.s3 = r->svc == SVC_S3;
	sp.unsigned_payload = sp.s3 && r->unsigned_payload &&
	    strncmp(call->url.data, "https://", 8) == 0;
	sc.access_key = cr->access_key;
	sc.secret_key = cr->secret_key;
	sc.session_token = cr->session_token;
	log_add_secret(cr->secret_key);
	log_add_secret(cr->session_token);
	rc = sigv4_sign(&sr, &sp, &sc, &res, cause);
	if (rc == 0)
		sigv4_result_free(&res);
	free(path);
	free(query);
	return rc;
}

static struct aws_response *
aws_response_new(enum aws_error_kind kind, const char *code, const char *msg)
{
	struct aws_response *r = xcalloc(1, sizeof *r);

	r->kind = kind;
	r->code = code != NULL ? xstrdup(code) : NULL;
	r->message = msg != NULL ? xstrdup(msg) : NULL;
	return r;
}

static void
aws_call_finish(struct aws_call *call, struct aws_response *resp)
{
	struct aws_request *r = call->req;

	resp->attempts = call->attempt;
	if (resp->kind == AWS_ERR_SERVICE && calls_denied(resp->code))
		resp->denied = calls_action(r->svc, r->op);
	if (resp->kind != AWS_OK)
		log_debug("aws: %s.%s failed: %s", endpoint_service(r->svc)->name,
		    r->op, aws_error_text(resp));
	call->done(resp, call->arg);
	aws_request_free(call->req);
	buf_free(&call->url);
	buf_free(&call->body);
	kv_free(&call->headers);
	free(call);
}

/* Fills code, message and request id from an error answer of any shape:
 * AWS JSON, AWS XML, or whatever a proxy or emulator sent instead. */
static void
aws_parse_error(struct aws_response *resp, const struct aws_service *svc)
{
	const char *t, *body = resp->body.data != NULL ? resp->body.data : "";
	struct json_object *j;
	struct xml_node *x;
	char *cause = NULL, *hash;

	if ((t = kv_get(&resp->headers, "x-amzn-ErrorType")) != NULL)
		resp->code = xstrndup(t, strcspn(t, ":"));
	if (*body == '{' && (j = json_tokener_parse(body)) != NULL) {
		if (resp->code == NULL && ((t = aws_json_str(j, "__type")) != NULL ||
		    (t = aws_json_str(j, "code")) != NULL ||
		    (t = aws_json_str(j, "Code")) != NULL)) {
			hash = strrchr(t, '#');
			resp->code = xstrdup(hash != NULL ? hash + 1 : t);
		}
		if ((t = aws_json_str(j, "message")) != NULL ||
		    (t = aws_json_str(j, "Message")) != NULL ||
		    (t = aws_json_str(j, "errorMessage")) != NULL)
			resp->message = aws_clean_text(t, strlen(t));
		json_object_put(j);
	} else if (*body == '<' &&
	    (x = xml_parse(body, resp->body.len, &cause)) != NULL) {
		/* S3 answers <Error>, the query services <ErrorResponse><Error>,
		 * and moto's auth check <ErrorResponse><Errors><Error>, for
		 * JSON services too. */
		const struct xml_node *err = strcmp(x->name, "Error") == 0 ? x :
		    xml_find(x, "Error") != NULL ? xml_find(x, "Error") :
		    xml_find(x, "Errors/Error");

		if (err != NULL && strcmp(x->name, "html") != 0) {
			if (resp->code == NULL && (t = xml_text(err, "Code")) != NULL)
				resp->code = xstrdup(t);
			if ((t = xml_text(err, "Message")) != NULL)
				resp->message = aws_clean_text(t, strlen(t));
			if ((t = xml_text(x, "RequestId")) != NULL ||
			    (t = xml_text(err, "RequestId")) != NULL)
				resp->request_id = xstrdup(t);
		}
		xml_free(x);
	}
	free(cause);
	if (resp->request_id == NULL &&
	    ((t = kv_get(&resp->headers, "x-amzn-RequestId")) != NULL ||
	    (t = kv_get(&resp->headers, "x-amz-request-id")) != NULL))
		resp->request_id = xstrdup(t);
	if (resp->code == NULL) {
		/* HEAD answers and non-AWS bodies: name the status. */
		switch (resp->status) {
		case 301: t = "PermanentRedirect"; break;
		case 400: t = "BadRequest"; break;
		case 403: t = "Forbidden"; break;
		case 404: t = "NotFound"; break;
		case 429: t = "TooManyRequestsException"; break;
		case 500: t = "InternalFailure"; break;
		case 502: t = "BadGateway"; break;
		case 503: t = "ServiceUnavailable"; break;
		case 504: t = "GatewayTimeout"; break;
		default: t = "HttpError"; break;
		}
		resp->code = xstrdup(t);
	}
	if (resp->message == NULL) {
		if (resp->body.len == 0)
			resp->message = xasprintf("HTTP %ld with an empty body",
			    resp->status);
		else if (*body == '<' || *body == '{')
			resp->message = xasprintf("HTTP %ld; the error body "
			    "is not an AWS error: %s", resp->status,
			    cause = aws_clean_text(body, resp->body.len));
		else
			resp->message = xasprintf("HTTP %ld; body: %s",
			    resp->status, cause = aws_clean_text(body,
			    resp->body.len));
		free(cause);
	}
	(void)svc;
}

/* Parses a successful answer; returns false and fills the error if the
 * body is not what the protocol promises. */
static bool
aws_parse_success(struct aws_response *resp, const struct aws_request *r,
    const struct aws_service *svc)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	char *cause = NULL;

	if (r->raw_body || resp->body.len == 0 || strcmp(r->method, "HEAD") == 0)
		return true;
	switch (svc->protocol) {
	case AWS_PROTO_JSON:
	case AWS_PROTO_JSON_10:
	case AWS_PROTO_REST_JSON:
		tok = json_tokener_new_ex(64);
		resp->json = json_tokener_parse_ex(tok, resp->body.data,
		    (int)resp->body.len);
		jerr = json_tokener_get_error(tok);
		if (resp->json == NULL || jerr != json_tokener_success ||
		    (size_t)json_tokener_get_parse_end(tok) != resp->body.len) {
			if (resp->json != NULL)
				json_object_put(resp->json);
			resp->json = NULL;
			resp->kind = AWS_ERR_PARSE;
			resp->code = xstrdup("InvalidResponse");
			resp->message = xasprintf("the %s %s answer is not valid "
			    "JSON: %s at byte %zu", svc->name, r->op,
			    jerr == json_tokener_success ? "trailing data" :
			    json_tokener_error_desc(jerr),
			    json_tokener_get_parse_end(tok));
			json_tokener_free(tok);
			return false;
		}
		json_tokener_free(tok);
		break;
	case AWS_PROTO_QUERY:
	case AWS_PROTO_REST_XML:
		if ((resp->xml = xml_parse(resp->body.data, resp->body.len,
		    &cause)) == NULL) {
			resp->kind = AWS_ERR_PARSE;
			resp->code = xstrdup("InvalidResponse");
			resp->message = xasprintf("the %s %s answer is not "
			    "valid XML: %s", svc->name, r->op, cause);
			free(cause);
			return false;
		}
		break;
	}
	return true;
}

static double
aws_random(struct aws_client *c)
{
	/* xorshift64*: jitter only needs to be uncorrelated between clients. */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return (double)((c->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static void
aws_call_retry_timer(void *arg)
{
	aws_call_attempt(arg);
}

static void
aws_on_http(struct http_response *hr, void *arg)
{
	struct aws_call *call = arg;
	struct aws_client *c = call->client;
	struct aws_request *r = call->req;
	const struct aws_service *svc = endpoint_service(r->svc);
	struct aws_response *resp = xcalloc(1, sizeof *resp);
	enum retry_kind kind;
	const char *date;
	uint64_t delay;
	time_t server;
	long skew;
	int cost;

	resp->status = hr->status;
	kv_copy(&resp->headers, &hr->headers);
	/* The body moves, not copies: pages of events can be megabytes. */
	if (hr->error == NULL) {
		resp->body = hr->body;
		memset(&hr->body, 0, sizeof hr->body);
	}
	log_debug("aws: %s.%s attempt %d -> %ld%s%s (%llu ms)", svc->name, r->op,
	    call->attempt, hr->status, hr->error ? " " : "",
	    hr->error ? hr->error : "",
	    (unsigned long long)(loop_now_ms() - call->started_ms));

	if (hr->error != NULL) {
		resp->kind = AWS_ERR_TRANSPORT;
		resp->code = xstrdup(hr->timed_out ? "RequestTimeout" :
		    "NetworkError");
		resp->message = xasprintf("%s %s to %s: %s", svc->name, r->op,
		    c->endpoints[r->svc].url, hr->error);
	} else if (hr->status >= 200 && hr->status < 300) {
		if (aws_parse_success(resp, r, svc))
			resp->kind = AWS_OK;
	} else {
		resp->kind = AWS_ERR_SERVICE;
		aws_parse_error(resp, svc);
	}

	/* A request http_start() refused to send is refused again. */
	kind = resp->kind == AWS_ERR_PARSE ||
	    hr->curl_code == CURLE_BAD_FUNCTION_ARGUMENT ? RETRY_NO :
	    retry_classify(resp->status, resp->code, hr->error != NULL,
	    hr->timed_out);
	if (kind == RETRY_NO || call->attempt >= c->max_attempts) {
		if (resp->kind == AWS_OK)
			retry_quota_release(&c->quota, call->quota_taken);
		aws_call_finish(call, resp);
		return;
	}
	switch (kind) {
	case RETRY_CLOCK_SKEW:
		date = kv_get(&resp->headers, "date");
		server = date != NULL ? curl_getdate(date, NULL) : -1;
		skew = server > 0 ? (long)(server - time(NULL)) : 0;
		if (server <= 0 || labs(skew - c->clock_skew) < RETRY_SKEW_THRESHOLD_S) {
			aws_call_finish(call, resp);
			return;
		}
		log_debug("aws: correcting clock skew of %ld s", skew);
		c->clock_skew = skew;
		delay = 0;
		break;
	case RETRY_EXPIRED_CREDS:
		if (call->refreshed || r->creds != NULL || r->anonymous) {
			aws_call_finish(call, resp);
			return;
		}
		call->refreshed = true;
		creds_chain_invalidate(c->creds);
		delay = 0;
		break;
	default:
		if ((cost = retry_quota_acquire(&c->quota, kind)) == 0) {
			char *m = xasprintf("%s (retry quota exhausted)",
			    resp->message);

			free(resp->message);
			resp->message = m;
			aws_call_finish(call, resp);
			return;
		}
		call->quota_taken += cost;
		delay = retry_backoff_ms(call->attempt, aws_random(c));
		break;
	}
	aws_response_free(resp);
	loop_timer_add(c->loop, delay, aws_call_retry_timer, call);
}

static void
aws_call_send(struct aws_call *call, const struct creds *cr)
{
	struct aws_client *c = call->client;
	struct http_request hr;
	char *cause = NULL;

	aws_build(call);
	if (cr != NULL && aws_sign(call, cr, &cause) != 0) {
		struct aws_response *resp = aws_response_new(AWS_ERR_CREDENTIALS,
		    "SigningError", cause);

		free(cause);
		aws_call_finish(call, resp);
		return;
	}
	memset(&hr, 0, sizeof hr);
	hr.method = call->req->method;
	hr.url = call->url.data;
	hr.headers = &call->headers;
	hr.body = call->body.data;
	hr.body_len = call->body.len;
	hr.ca_bundle = c->ca_bundle;
	hr.timeout_ms = c->timeout_ms;
	call->started_ms = loop_now_ms();
	http_start(c->loop, &hr, aws_on_http, call);
}

static void
aws_on_creds(const struct creds *cr, const char *error, void *arg)
{
	struct aws_call *call = arg;

	if (cr == NULL) {
		char *m = xasprintf("cannot sign %s %s: %s",
		    endpoint_service(call->req->svc)->name, call->req->op,
		    error != NULL ? error : "no credentials");
		struct aws_response *resp = aws_response_new(AWS_ERR_CREDENTIALS,
		    "NoCredentials", m);

		free(m);
		aws_call_finish(call, resp);
		return;
	}
	aws_call_send(call, cr);
}

static void
aws_call_attempt(struct aws_call *call)
{
	call->attempt++;
	if (call->req->anonymous)
		aws_call_send(call, NULL);
	else if (call->req->creds != NULL)
		aws_call_send(call, call->req->creds);
	else
		creds_chain_get(call->client->creds, aws_on_creds, call);
}

void
aws_send(struct aws_client *c, struct aws_request *r, aws_done_fn done,
    void *arg)
{
	struct aws_call *call = xcalloc(1, sizeof *call);

	call->client = c;
	call->req = r;
	call->done = done;
	call->arg = arg;
	aws_call_attempt(call);
}

struct aws_sync {
	bool			 done;
	struct aws_response	*resp;
};

static void
aws_sync_done(struct aws_response *resp, void *arg)
{
	struct aws_sync *s = arg;

	s->resp = resp;
	s->done = true;
}

struct aws_response *
aws_call(struct aws_client *c, struct aws_request *r)
{
	struct aws_sync s = { false, NULL };

	aws_send(c, r, aws_sync_done, &s);
	loop_run_until(c->loop, &s.done);
	return s.resp;
}
