/* Credentials from local HTTP services: the ECS/EKS container endpoint, EC2
 * instance metadata (IMDSv2), and the IAM Identity Center (SSO) portal
 * with a token cached by "aws sso login". */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "aws.h"
#include "awsconf.h"
#include "buf.h"
#include "creds.h"
#include "creds_internal.h"
#include "endpoint.h"
#include "hash.h"
#include "http.h"
#include "kv.h"
#include "log.h"
#include "xalloc.h"

#define CREDS_CONTAINER_HOST	"http://169.254.170.2"
#define CREDS_CONTAINER_MS	2000
#define CREDS_CONTAINER_TRIES	3
#define CREDS_IMDS_HOST		"http://169.254.169.254"
#define CREDS_IMDS_HOST6	"http://[fd00:ec2::254]"
#define CREDS_IMDS_MS		1000
#define CREDS_IMDS_TTL		"21600"

/* The JSON document both metadata services answer with. */
static int
creds_remote_parse(const struct buf *body, const char *what,
    const char *source, struct creds **out, char **cause)
{
	struct json_tokener *tok;
	struct json_object *o;
	const char *ak, *sk, *token, *exp, *code;
	time_t expiration = 0;

	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, body->data != NULL ? body->data : "",
	    (int)body->len);
	json_tokener_free(tok);
	/* Never quote the body: it holds the secret key. */
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		*cause = xasprintf("%s: the answer is not a JSON object", what);
		if (o != NULL)
			json_object_put(o);
		return -1;
	}
	if ((code = aws_json_str(o, "Code")) != NULL &&
	    strcmp(code, "Success") != 0) {
		*cause = xasprintf("%s: the answer's Code is '%.64s', not "
		    "'Success'", what, code);
		json_object_put(o);
		return -1;
	}
	ak = aws_json_str(o, "AccessKeyId");
	sk = aws_json_str(o, "SecretAccessKey");
	token = aws_json_str(o, "Token");
	exp = aws_json_str(o, "Expiration");
	if (ak == NULL || *ak == '\0' || sk == NULL || *sk == '\0') {
		*cause = xasprintf("%s: the answer has no %s", what,
		    ak == NULL || *ak == '\0' ? "AccessKeyId" : "SecretAccessKey");
		json_object_put(o);
		return -1;
	}
	if (exp != NULL && creds_parse_time(exp, &expiration) != 0) {
		*cause = xasprintf("%s: the answer's Expiration is not an "
		    "ISO-8601 time", what);
		json_object_put(o);
		return -1;
	}
	*out = creds_make(ak, sk, token, expiration, source,
	    aws_json_str(o, "AccountId"));
	json_object_put(o);
	return 0;
}

/* "scheme://host" of a URL, for messages: the path of a container URI
 * can be a capability. */
static char *
creds_remote_origin(const char *url)
{
	const char *h = strstr(url, "://");

	h = h != NULL ? h + 3 : url;
	return xstrndup(url, (size_t)(h - url) + strcspn(h, "/?#"));
}

/* --- container --------------------------------------------------------- */

struct creds_container_job {
	struct creds_ctx	*ctx;
	char			*url;
	struct kv		 headers;
	int			 tries;
	creds_res_fn		 fn;
	void			*arg;
};

static void	creds_container_send(struct creds_container_job *);

static void
creds_container_free(struct creds_container_job *j)
{
	size_t i;

	for (i = 0; i < j->headers.n; i++)
		explicit_bzero(j->headers.v[i].value, strlen(j->headers.v[i].value));
	kv_free(&j->headers);
	creds_ctx_unref(j->ctx);
	free(j->url);
	free(j);
}

static void
creds_container_done(struct http_response *hr, void *arg)
{
	struct creds_container_job *j = arg;
	struct creds *c;
	char *origin, *cause = NULL;
	bool retry;

	origin = creds_remote_origin(j->url);
	retry = hr->error != NULL || hr->status >= 500;
	if (retry && j->tries < CREDS_CONTAINER_TRIES &&
	    creds_ctx_alive(j->ctx)) {
		free(origin);
		creds_container_send(j);
		return;
	}
	if (hr->error != NULL)
		creds_fail(j->fn, j->arg, "container credentials from %s: %s",
		    origin, hr->error);
	else if (hr->status != 200)
		creds_fail(j->fn, j->arg, "container credentials from %s: HTTP "
		    "%ld", origin, hr->status);
	else if (creds_remote_parse(&hr->body, "container credentials",
	    "container credentials", &c, &cause) != 0) {
		creds_fail(j->fn, j->arg, "%s (from %s)", cause, origin);
		free(cause);
	} else
		creds_found(j->fn, j->arg, c);
	free(origin);
	creds_container_free(j);
}

static void
creds_container_send(struct creds_container_job *j)
{
	struct http_request req;

	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.url = j->url;
	req.headers = &j->headers;
	req.timeout_ms = CREDS_CONTAINER_MS;
	req.connect_timeout_ms = CREDS_CONTAINER_MS;
	j->tries++;
	http_start(j->ctx->loop, &req, creds_container_done, j);
}

/* Only addresses a container agent can have: the SDKs refuse to send the
 * token anywhere else over plain http. */
static bool
creds_container_host_ok(const char *url)
{
	const char *h = url + strlen("http://"), *end;
	char *host;
	bool ok;

	if (strncasecmp(url, "https://", 8) == 0)
		return true;
	if (strncasecmp(url, "http://", 7) != 0)
		return false;
	end = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(end - h)) != NULL)
		return false;
	if (*h == '[') {
		if ((end = memchr(h, ']', (size_t)(end - h))) == NULL)
			return false;
		host = xstrndup(h + 1, (size_t)(end - h - 1));
	} else
		host = xstrndup(h, strcspn(h, ":/?#"));
	ok = strcasecmp(host, "localhost") == 0 ||
	    strcmp(host, "::1") == 0 ||
	    strcmp(host, "169.254.170.2") == 0 ||
	    strcmp(host, "169.254.170.23") == 0 ||
	    strcasecmp(host, "fd00:ec2::23") == 0 ||
	    (strncmp(host, "127.", 4) == 0 &&
	    strspn(host, "0123456789.") == strlen(host));
	free(host);
	return ok;
}

void
creds_remote_container(struct creds_ctx *ctx, creds_res_fn fn, void *arg)
{
	struct creds_container_job *j;
	const char *rel, *full, *file, *token;
	char *cause = NULL, *owned = NULL;

	rel = creds_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	full = creds_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	if (rel == NULL && full == NULL) {
		creds_skip(fn, arg, "container");
		return;
	}
	if (!creds_ctx_alive(ctx)) {
		creds_fail(fn, arg, "cancelled");
		return;
	}
	if (rel == NULL && !creds_container_host_ok(full)) {
		creds_fail(fn, arg, "container credentials: "
		    "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https or a "
		    "loopback, ECS or EKS Pod Identity address");
		return;
	}
	/* Messages name the URI's origin: it must not hold a password. */
	if (rel == NULL && endpoint_url_userinfo(full)) {
		creds_fail(fn, arg, "container credentials: "
		    "AWS_CONTAINER_CREDENTIALS_FULL_URI has a user name or "
		    "password before '@': remove it");
		return;
	}
	if ((file = creds_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) != NULL) {
		if ((owned = creds_read_token_file(file,
		    "container authorization token file", &cause)) == NULL) {
			creds_fail(fn, arg, "container credentials: %s", cause);
			free(cause);
			return;
		}
		token = owned;
	} else
		token = creds_env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	if (token != NULL && !creds_text_ok(token)) {
		creds_fail(fn, arg, "container credentials: the authorization "
		    "token has a line break or control character");
		free(owned);
		return;
	}

	j = xcalloc(1, sizeof *j);
	j->ctx = ctx;
	creds_ctx_ref(ctx);
	j->url = rel != NULL ? xasprintf("%s%s%s", CREDS_CONTAINER_HOST,
	    *rel == '/' ? "" : "/", rel) : xstrdup(full);
	if (token != NULL) {
		log_add_secret(token);
		kv_add(&j->headers, "Authorization", token);
	}
	if (owned != NULL) {
		explicit_bzero(owned, strlen(owned));
		free(owned);
	}
	j->fn = fn;
	j->arg = arg;
	creds_container_send(j);
}

/* --- EC2 instance metadata --------------------------------------------- */

enum creds_imds_stage {
	CREDS_IMDS_TOKEN,
	CREDS_IMDS_ROLE,
	CREDS_IMDS_CREDS,
};

struct creds_imds_job {
	struct creds_ctx	*ctx;
	enum creds_imds_stage	 stage;
	char			*base;
	char			*token;
	char			*role;
	long			 timeout_ms;
	int			 attempts;
	int			 tries;
	creds_res_fn		 fn;
	void			*arg;
};

static void	creds_imds_send(struct creds_imds_job *);

static void
creds_imds_free(struct creds_imds_job *j)
{
	creds_ctx_unref(j->ctx);
	free(j->base);
	if (j->token != NULL) {
		explicit_bzero(j->token, strlen(j->token));
		free(j->token);
	}
	free(j->role);
	free(j);
}

/* How many of the n bytes at s are characters of an IAM role name. */
static size_t
creds_imds_role_len(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && (s[i] == '\0' ||
		    strchr("+=,.@_-", s[i]) == NULL))
			break;
	return i;
}

static void
creds_imds_done(struct http_response *hr, void *arg)
{
	struct creds_imds_job *j = arg;
	struct creds *c;
	char *cause = NULL;
	size_t n;

	if ((hr->error != NULL || hr->status >= 500) &&
	    j->tries < j->attempts && creds_ctx_alive(j->ctx)) {
		creds_imds_send(j);
		return;
	}
	if (!creds_ctx_alive(j->ctx)) {
		creds_fail(j->fn, j->arg, "cancelled");
		goto done;
	}
	/* Not being on EC2 is normal: unreachable means skip, not fail. */
	if (hr->error != NULL) {
		creds_skip(j->fn, j->arg, "EC2 instance metadata (%s: %s)",
		    j->base, hr->timed_out ? "timed out" : hr->error);
		goto done;
	}
	switch (j->stage) {
	case CREDS_IMDS_TOKEN:
		if (hr->status != 200 || hr->body.len == 0) {
			creds_skip(j->fn, j->arg, "EC2 instance metadata (no "
			    "IMDSv2 token: HTTP %ld)", hr->status);
			goto done;
		}
		j->token = xstrndup(hr->body.data, hr->body.len);
		log_add_secret(j->token);
		/* It goes back in a header. */
		if (strlen(j->token) != hr->body.len ||
		    !creds_text_ok(j->token)) {
			creds_fail(j->fn, j->arg, "EC2 instance metadata: the "
			    "IMDSv2 token has a control character");
			goto done;
		}
		j->stage = CREDS_IMDS_ROLE;
		j->tries = 0;
		creds_imds_send(j);
		return;
	case CREDS_IMDS_ROLE:
		if (hr->status == 404) {
			creds_skip(j->fn, j->arg, "EC2 instance metadata (no IAM "
			    "role is attached to the instance)");
			goto done;
		}
		n = hr->body.len > 0 ? strcspn(hr->body.data, "\r\n") : 0;
		while (n > 0 && isspace((unsigned char)hr->body.data[n - 1]))
			n--;
		/* It goes into the path: IAM's role name characters only. */
		if (hr->status != 200 || n == 0 || n > 128 ||
		    creds_imds_role_len(hr->body.data, n) != n) {
			creds_fail(j->fn, j->arg, "EC2 instance metadata: cannot "
			    "get the role name (HTTP %ld)", hr->status);
			goto done;
		}
		j->role = xstrndup(hr->body.data, n);
		j->stage = CREDS_IMDS_CREDS;
		j->tries = 0;
		creds_imds_send(j);
		return;
	case CREDS_IMDS_CREDS:
		if (hr->status != 200) {
			creds_fail(j->fn, j->arg, "EC2 instance metadata: "
			    "credentials of role %s: HTTP %ld", j->role,
			    hr->status);
			goto done;
		}
		if (creds_remote_parse(&hr->body, "EC2 instance metadata",
		    "EC2 instance metadata (IMDSv2)", &c, &cause) != 0) {
			creds_fail(j->fn, j->arg, "%s", cause);
			free(cause);
			goto done;
		}
		creds_found(j->fn, j->arg, c);
		goto done;
	}
done:
	creds_imds_free(j);
}

static void
creds_imds_send(struct creds_imds_job *j)
{
	struct http_request req;
	struct kv headers = { 0 };
	char *url;

	memset(&req, 0, sizeof req);
	switch (j->stage) {
	case CREDS_IMDS_TOKEN:
		req.method = "PUT";
		url = xasprintf("%s/latest/api/token", j->base);
		kv_add(&headers, "X-aws-ec2-metadata-token-ttl-seconds",
		    CREDS_IMDS_TTL);
		break;
	case CREDS_IMDS_ROLE:
		req.method = "GET";
		url = xasprintf("%s/latest/meta-data/iam/security-credentials/",
		    j->base);
		kv_add(&headers, "X-aws-ec2-metadata-token", j->token);
		break;
	default:
		req.method = "GET";
		url = xasprintf("%s/latest/meta-data/iam/security-credentials/%s",
		    j->base, j->role);
		kv_add(&headers, "X-aws-ec2-metadata-token", j->token);
		break;
	}
	req.url = url;
	req.headers = &headers;
	req.timeout_ms = j->timeout_ms;
	req.connect_timeout_ms = j->timeout_ms;
	j->tries++;
	http_start(j->ctx->loop, &req, creds_imds_done, j);
	free(url);
	kv_free(&headers);
}

static long
creds_imds_number(const char *name, long dflt, long max)
{
	const char *v = creds_env(name);
	char *end;
	long n;

	if (v == NULL)
		return dflt;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > max)
		return dflt;
	return n;
}

void
creds_remote_imds(struct creds_ctx *ctx, creds_res_fn fn, void *arg)
{
	struct creds_imds_job *j;
	const char *base, *mode;
	size_t n;

	if (creds_env_true("AWS_EC2_METADATA_DISABLED")) {
		creds_skip(fn, arg, "EC2 instance metadata (disabled)");
		return;
	}
	if (!creds_ctx_alive(ctx)) {
		creds_fail(fn, arg, "cancelled");
		return;
	}
	if ((base = creds_env("AWS_EC2_METADATA_SERVICE_ENDPOINT")) == NULL) {
		mode = creds_env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
		base = mode != NULL && strcasecmp(mode, "IPv6") == 0 ?
		    CREDS_IMDS_HOST6 : CREDS_IMDS_HOST;
	}
	if (strncmp(base, "http://", 7) != 0 &&
	    strncmp(base, "https://", 8) != 0) {
		creds_fail(fn, arg, "EC2 instance metadata: "
		    "AWS_EC2_METADATA_SERVICE_ENDPOINT must be an http:// or "
		    "https:// URL");
		return;
	}
	/* Messages name the endpoint: it must not hold a password. */
	if (endpoint_url_userinfo(base)) {
		creds_fail(fn, arg, "EC2 instance metadata: "
		    "AWS_EC2_METADATA_SERVICE_ENDPOINT has a user name or "
		    "password before '@': remove it");
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->ctx = ctx;
	creds_ctx_ref(ctx);
	j->base = xstrdup(base);
	n = strlen(j->base);
	while (n > 8 && j->base[n - 1] == '/')
		j->base[--n] = '\0';
	/* Short: off EC2 nothing answers, and nobody should wait for that. */
	j->timeout_ms = creds_imds_number("AWS_METADATA_SERVICE_TIMEOUT", 1,
	    60) * 1000;
	j->attempts = (int)creds_imds_number("AWS_METADATA_SERVICE_NUM_ATTEMPTS",
	    1, 10);
	j->stage = CREDS_IMDS_TOKEN;
	j->fn = fn;
	j->arg = arg;
	creds_imds_send(j);
}

/* --- SSO --------------------------------------------------------------- */

struct creds_sso_job {
	struct creds_ctx	*ctx;
	char			*profile;
	char			*label;		/* session name or start URL */
	char			*account_id;
	char			*role_name;
	creds_res_fn		 fn;
	void			*arg;
};

static void
creds_sso_done(struct aws_response *resp, void *arg)
{
	struct creds_sso_job *j = arg;
	struct json_object *rc;
	const char *ak, *sk, *token;
	long long ms;
	char *source;

	if (resp->kind != AWS_OK) {
		if (resp->status == 401 || resp->status == 403)
			creds_fail(j->fn, j->arg, "profile %s: the SSO portal "
			    "refused the token for session %s (%s); run: aws sso "
			    "login --profile %s", j->profile, j->label,
			    aws_error_text(resp), j->profile);
		else
			creds_fail(j->fn, j->arg, "profile %s: SSO "
			    "GetRoleCredentials for account %s, role %s failed: "
			    "%s", j->profile, j->account_id, j->role_name,
			    aws_error_text(resp));
		goto out;
	}
	rc = aws_json_get(resp->json, "roleCredentials");
	ak = aws_json_str(rc, "accessKeyId");
	sk = aws_json_str(rc, "secretAccessKey");
	token = aws_json_str(rc, "sessionToken");
	ms = aws_json_int(rc, "expiration", 0);
	if (ak == NULL || *ak == '\0' || sk == NULL || *sk == '\0') {
		creds_fail(j->fn, j->arg, "profile %s: the SSO "
		    "GetRoleCredentials answer has no roleCredentials",
		    j->profile);
		goto out;
	}
	source = xasprintf("profile %s: SSO", j->profile);
	creds_found(j->fn, j->arg, creds_make(ak, sk, token,
	    (time_t)(ms / 1000), source, j->account_id));
	free(source);
out:
	aws_response_free(resp);
	creds_ctx_unref(j->ctx);
	free(j->profile);
	free(j->label);
	free(j->account_id);
	free(j->role_name);
	free(j);
}

/* The access token "aws sso login" cached, or NULL with *cause. */
static char *
creds_sso_token(struct creds_ctx *ctx, const struct creds_sso *sso,
    const char *label, char **cause)
{
	struct json_object *o;
	struct buf b = { 0 };
	const char *key, *tok, *exp;
	char hex[41], *rel, *path, *token = NULL;
	time_t expires;

	key = sso->session != NULL ? sso->session : sso->start_url;
	hash_sha1_hex(key, strlen(key), hex);
	rel = xasprintf("~/.aws/sso/cache/%s.json", hex);
	path = awsconf_expand_path(rel);
	free(rel);
	if (path == NULL) {
		*cause = xasprintf("profile %s: cannot find the SSO token cache "
		    "(no home directory)", sso->profile);
		return NULL;
	}
	if (buf_read_file(&b, path, 1024 * 1024) != 0) {
		if (errno == ENOENT)
			*cause = xasprintf("SSO token for session %s not found "
			    "(no %s); run: aws sso login --profile %s", label,
			    path, sso->profile);
		else
			*cause = xasprintf("profile %s: cannot read the SSO token "
			    "cache %s: %s", sso->profile, path, errno == EFBIG ?
			    "larger than 1 MiB" : strerror(errno));
		goto out;
	}
	if ((o = json_tokener_parse(b.data != NULL ? b.data : "")) == NULL ||
	    !json_object_is_type(o, json_type_object)) {
		*cause = xasprintf("profile %s: the SSO token cache %s is not "
		    "a JSON object; run: aws sso login --profile %s",
		    sso->profile, path, sso->profile);
		if (o != NULL)
			json_object_put(o);
		goto out;
	}
	tok = aws_json_str(o, "accessToken");
	exp = aws_json_str(o, "expiresAt");
	if (tok == NULL || *tok == '\0' || exp == NULL ||
	    creds_parse_time(exp, &expires) != 0 ||
	    expires <= creds_now(ctx))
		*cause = xasprintf("SSO token for session %s has expired; run: "
		    "aws sso login --profile %s", label, sso->profile);
	else if (!creds_text_ok(tok))
		*cause = xasprintf("profile %s: the SSO token in %s has a line "
		    "break or control character", sso->profile, path);
	else {
		token = xstrdup(tok);
		log_add_secret(token);
	}
	json_object_put(o);
out:
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	buf_free(&b);
	free(path);
	return token;
}

void
creds_remote_sso(struct creds_ctx *ctx, const struct creds_sso *sso,
    creds_res_fn fn, void *arg)
{
	struct creds_sso_job *j;
	struct aws_request *r;
	const char *label;
	char *token, *cause = NULL;

	if (!creds_ctx_alive(ctx)) {
		creds_fail(fn, arg, "cancelled");
		return;
	}
	label = sso->session != NULL ? sso->session : sso->start_url;
	if ((token = creds_sso_token(ctx, sso, label, &cause)) == NULL) {
		creds_fail(fn, arg, "%s", cause);
		free(cause);
		return;
	}

	/* The client sends SSO to the portal of the profile's sso_region. */
	r = aws_request_new(SVC_SSO, "GetRoleCredentials");
	r->method = "GET";
	aws_request_path(r, "federation", false);
	aws_request_path(r, "credentials", false);
	kv_add(&r->query, "role_name", sso->role_name);
	kv_add(&r->query, "account_id", sso->account_id);
	kv_add(&r->headers, "x-amz-sso_bearer_token", token);
	r->anonymous = true;
	explicit_bzero(token, strlen(token));
	free(token);

	j = xcalloc(1, sizeof *j);
	j->ctx = ctx;
	creds_ctx_ref(ctx);
	j->profile = xstrdup(sso->profile);
	j->label = xstrdup(label);
	j->account_id = xstrdup(sso->account_id);
	j->role_name = xstrdup(sso->role_name);
	j->fn = fn;
	j->arg = arg;
	aws_send(ctx->client, r, creds_sso_done, j);
}
