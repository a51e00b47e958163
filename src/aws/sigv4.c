#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "hash.h"
#include "isotime.h"
#include "sigv4.h"
#include "text.h"
#include "xalloc.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"

/* Headers that proxies or clients change in flight; botocore skips the same. */
static const char *const sigv4_unsigned_headers[] = {
	"authorization", "connection", "expect", "transfer-encoding",
	"user-agent", "x-amzn-trace-id", NULL
};

void
sigv4_format_amz_date(time_t t, char out[17])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

int
sigv4_parse_amz_date(const char *s, time_t *out)
{
	int64_t t;

	if (strlen(s) != 16 || isotime_parse_basic(s, &t) != 0)
		return -1;
	*out = (time_t)t;
	return 0;
}

void
sigv4_uri_encode(struct buf *out, const char *s, size_t n, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
		    (c == '/' && keep_slash))
			buf_addc(out, (char)c);
		else {
			buf_addc(out, '%');
			buf_addc(out, hex[c >> 4]);
			buf_addc(out, hex[c & 15]);
		}
	}
}

/* Percent-decodes n bytes of s; '+' stays literal, as SigV4 requires. */
static void
sigv4_uri_decode(struct buf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && text_hex_value(s[i + 1]) >= 0 &&
		    text_hex_value(s[i + 2]) >= 0) {
			buf_addc(out, (char)(text_hex_value(s[i + 1]) * 16 +
			    text_hex_value(s[i + 2])));
			i += 2;
		} else
			buf_addc(out, s[i]);
	}
}

/* RFC 3986 section 5.2.4 with empty segments dropped, as botocore does. */
static char *
sigv4_remove_dot_segments(const char *path)
{
	struct buf out = { 0 };
	const char **segs = NULL;
	size_t nseg = 0, i, len = strlen(path);
	char *copy, *p, *save = NULL;

	if (len == 0)
		return xstrdup("/");
	copy = xstrdup(path);
	segs = xreallocarray(NULL, len + 1, sizeof *segs);
	for (p = strtok_r(copy, "/", &save); p != NULL;
	    p = strtok_r(NULL, "/", &save)) {
		if (strcmp(p, ".") == 0)
			continue;
		if (strcmp(p, "..") == 0) {
			if (nseg > 0)
				nseg--;
			continue;
		}
		segs[nseg++] = p;
	}
	if (path[0] == '/')
		buf_addc(&out, '/');
	for (i = 0; i < nseg; i++) {
		if (i > 0)
			buf_addc(&out, '/');
		buf_adds(&out, segs[i]);
	}
	if (path[len - 1] == '/' && nseg > 0)
		buf_addc(&out, '/');
	free(segs);
	free(copy);
	return buf_take(&out);
}

/* S3 names the object by the decoded path and signs each segment of it
 * encoded once: "/test$file.text" signs as "/test%24file.text".  Nothing
 * is normalised, since "//", "./" and "../" are part of a key.  Segments
 * are split before decoding, so an encoded '/' stays inside its segment. */
static void
sigv4_s3_canonical_uri(struct buf *out, const char *path)
{
	struct buf seg = { 0 };
	const char *p = path;
	size_t n;

	for (;;) {
		n = strcspn(p, "/");
		buf_reset(&seg);
		sigv4_uri_decode(&seg, p, n);
		sigv4_uri_encode(out, seg.data != NULL ? seg.data : "", seg.len,
		    false);
		if (p[n] == '\0')
			break;
		buf_addc(out, '/');
		p += n + 1;
	}
	buf_free(&seg);
}

static void
sigv4_canonical_uri(struct buf *out, const char *path, bool s3)
{
	char *norm;

	if (path == NULL || *path == '\0') {
		buf_addc(out, '/');
		return;
	}
	if (s3) {
		sigv4_s3_canonical_uri(out, path);
		return;
	}
	/* The path as sent is the first encoding; SigV4 encodes it once
	 * more after removing dot segments and empty ones. */
	norm = sigv4_remove_dot_segments(path);
	sigv4_uri_encode(out, norm, strlen(norm), true);
	free(norm);
}

struct sigv4_qparam {
	char	*name;
	char	*value;
};

static int
sigv4_qparam_cmp(const void *a, const void *b)
{
	const struct sigv4_qparam *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : strcmp(x->value, y->value);
}

static char *
sigv4_encode_component(const char *s, size_t n)
{
	struct buf dec = { 0 }, enc = { 0 };

	sigv4_uri_decode(&dec, s, n);
	sigv4_uri_encode(&enc, dec.data ? dec.data : "", dec.len, false);
	buf_free(&dec);
	return buf_take(&enc);
}

static void
sigv4_canonical_query(struct buf *out, const char *query)
{
	struct sigv4_qparam *params = NULL;
	size_t n = 0, cap = 0, i;
	const char *p = query, *amp, *eq;

	if (query == NULL)
		return;
	while (*p != '\0') {
		amp = strchr(p, '&');
		if (amp == NULL)
			amp = p + strlen(p);
		if (amp > p) {
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				params = xreallocarray(params, cap, sizeof *params);
			}
			eq = memchr(p, '=', (size_t)(amp - p));
			if (eq == NULL)
				eq = amp;
			params[n].name = sigv4_encode_component(p, (size_t)(eq - p));
			params[n].value = eq < amp ?
			    sigv4_encode_component(eq + 1, (size_t)(amp - eq - 1)) :
			    xstrdup("");
			n++;
		}
		p = *amp ? amp + 1 : amp;
	}
	if (n > 1)
		qsort(params, n, sizeof *params, sigv4_qparam_cmp);
	for (i = 0; i < n; i++) {
		buf_printf(out, "%s%s=%s", i ? "&" : "", params[i].name,
		    params[i].value);
		free(params[i].name);
		free(params[i].value);
	}
	free(params);
}

struct sigv4_header {
	char		*name;		/* lower case */
	struct buf	 value;		/* trimmed, values joined with ',' */
};

static int
sigv4_header_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sigv4_header *)a)->name,
	    ((const struct sigv4_header *)b)->name);
}

static bool
sigv4_header_signed(const char *lname)
{
	size_t i;

	for (i = 0; sigv4_unsigned_headers[i] != NULL; i++)
		if (strcmp(lname, sigv4_unsigned_headers[i]) == 0)
			return false;
	return true;
}

/* Trims the value and folds runs of white space into one space. */
static void
sigv4_add_trimmed(struct buf *out, const char *v)
{
	bool space = false, any = false;

	for (; *v != '\0'; v++) {
		if (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n') {
			space = any;
			continue;
		}
		if (space)
			buf_addc(out, ' ');
		buf_addc(out, *v);
		space = false;
		any = true;
	}
	if (out->data == NULL)
		buf_adds(out, "");
}

static void
sigv4_canonical_headers(struct buf *canon, struct buf *signed_names,
    const struct kv *headers)
{
	struct sigv4_header *h = NULL;
	size_t n = 0, i, j;
	char *lname;

	h = xcalloc(headers->n + 1, sizeof *h);
	for (i = 0; i < headers->n; i++) {
		lname = xstrdup(headers->v[i].name);
		for (j = 0; lname[j] != '\0'; j++)
			lname[j] = (char)tolower((unsigned char)lname[j]);
		if (!sigv4_header_signed(lname)) {
			free(lname);
			continue;
		}
		for (j = 0; j < n; j++)
			if (strcmp(h[j].name, lname) == 0)
				break;
		if (j < n) {
			buf_addc(&h[j].value, ',');
			free(lname);
		} else
			h[n++].name = lname;
		sigv4_add_trimmed(&h[j].value, headers->v[i].value);
	}
	if (n > 1)
		qsort(h, n, sizeof *h, sigv4_header_cmp);
	for (i = 0; i < n; i++) {
		buf_printf(canon, "%s:%s\n", h[i].name, h[i].value.data);
		buf_printf(signed_names, "%s%s", i ? ";" : "", h[i].name);
		free(h[i].name);
		buf_free(&h[i].value);
	}
	free(h);
}

static void
sigv4_hmac(const unsigned char *key, size_t keylen, const char *msg,
    unsigned char out[HASH_SHA256_LEN])
{
	hash_hmac_sha256(key, keylen, msg, strlen(msg), out);
}

int
sigv4_sign(struct sigv4_request *req, const struct sigv4_params *prm,
    const struct sigv4_creds *creds, struct sigv4_result *res, char **cause)
{
	struct buf canon = { 0 }, names = { 0 }, sts = { 0 }, key = { 0 };
	char payload[HASH_SHA256_HEX_LEN + 1], date[9], hash[HASH_SHA256_HEX_LEN + 1];
	unsigned char k[HASH_SHA256_LEN];
	const char *existing;
	size_t i;

	memset(res, 0, sizeof *res);
	if (creds->access_key == NULL || *creds->access_key == '\0' ||
	    creds->secret_key == NULL || *creds->secret_key == '\0') {
		*cause = xstrdup("no access key or secret key to sign with");
		return -1;
	}
	if (prm->service == NULL || *prm->service == '\0' ||
	    prm->region == NULL || *prm->region == '\0') {
		*cause = xstrdup("signing needs a service name and a region");
		return -1;
	}
	if (prm->unsigned_payload && !prm->s3) {
		*cause = xstrdup("UNSIGNED-PAYLOAD is only allowed with the S3 rules");
		return -1;
	}
	if (kv_get(req->headers, "host") == NULL) {
		*cause = xstrdup("the request has no Host header");
		return -1;
	}
	for (i = 0; i < req->headers->n; i++) {
		if (strpbrk(req->headers->v[i].name, " \t\r\n:") != NULL ||
		    *req->headers->v[i].name == '\0') {
			*cause = xasprintf("invalid header name '%s'",
			    req->headers->v[i].name);
			return -1;
		}
	}

	sigv4_format_amz_date(prm->when, res->amz_date);
	memcpy(date, res->amz_date, 8);
	date[8] = '\0';

	kv_del(req->headers, "authorization");
	/* A Date header, if any, is signed as given, as in AWS's S3 examples. */
	kv_set(req->headers, "X-Amz-Date", res->amz_date);
	if (creds->session_token != NULL && *creds->session_token != '\0')
		kv_set(req->headers, "X-Amz-Security-Token", creds->session_token);

	existing = kv_get(req->headers, "x-amz-content-sha256");
	if (prm->s3 && prm->unsigned_payload)
		snprintf(payload, sizeof payload, "%s", SIGV4_UNSIGNED_PAYLOAD);
	else if (prm->s3 && existing != NULL && *existing != '\0')
		snprintf(payload, sizeof payload, "%s", existing);
	else
		hash_sha256_hex(req->body ? req->body : "", req->body_len, payload);
	if (prm->s3)
		kv_set(req->headers, "X-Amz-Content-SHA256", payload);

	buf_printf(&canon, "%s\n", req->method);
	sigv4_canonical_uri(&canon, req->path, prm->s3);
	buf_addc(&canon, '\n');
	sigv4_canonical_query(&canon, req->query);
	buf_addc(&canon, '\n');
	sigv4_canonical_headers(&canon, &names, req->headers);
	buf_printf(&canon, "\n%s\n%s", names.data, payload);

	hash_sha256_hex(canon.data, canon.len, hash);
	buf_printf(&sts, "%s\n%s\n%s/%s/%s/aws4_request\n%s", SIGV4_ALGORITHM,
	    res->amz_date, date, prm->region, prm->service, hash);

	buf_printf(&key, "AWS4%s", creds->secret_key);
	sigv4_hmac((unsigned char *)key.data, key.len, date, k);
	explicit_bzero(key.data, key.len);
	buf_free(&key);
	sigv4_hmac(k, sizeof k, prm->region, k);
	sigv4_hmac(k, sizeof k, prm->service, k);
	sigv4_hmac(k, sizeof k, "aws4_request", k);
	hash_hmac_sha256(k, sizeof k, sts.data, sts.len, k);
	hash_hex(k, sizeof k, res->signature);

	res->canonical_request = buf_take(&canon);
	res->string_to_sign = buf_take(&sts);
	res->signed_headers = buf_take(&names);
	res->authorization = xasprintf("%s Credential=%s/%s/%s/%s/aws4_request, "
	    "SignedHeaders=%s, Signature=%s", SIGV4_ALGORITHM, creds->access_key,
	    date, prm->region, prm->service, res->signed_headers, res->signature);
	kv_set(req->headers, "Authorization", res->authorization);
	return 0;
}

void
sigv4_result_free(struct sigv4_result *r)
{
	free(r->canonical_request);
	free(r->string_to_sign);
	free(r->signed_headers);
	free(r->authorization);
	memset(r, 0, sizeof *r);
}
