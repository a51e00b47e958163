#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "log.h"
#include "loop.h"
#include "xalloc.h"

struct http_xfer {
	struct loop_xfer	 base;		/* first: the loop casts to it */
	struct loop		*loop;
	struct loop_timer	*refused;	/* not sent: answers from here */
	CURL			*easy;
	struct curl_slist	*hdrs;
	void			*body;
	struct http_response	 resp;
	http_done_fn		 done;
	void			*arg;
	bool			 too_big;
	char			 errbuf[CURL_ERROR_SIZE];
};

static size_t
http_on_body(char *p, size_t size, size_t n, void *arg)
{
	struct http_xfer *x = arg;

	if (x->resp.body.len + n > HTTP_MAX_BODY) {
		x->too_big = true;
		return 0;
	}
	buf_add(&x->resp.body, p, n);
	return n;
}

static size_t
http_on_header(char *p, size_t size, size_t n, void *arg)
{
	struct http_xfer *x = arg;
	const char *colon, *v, *end = p + n;

	/* A new status line (after 100 Continue) starts a fresh header set. */
	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		kv_free(&x->resp.headers);
		return n;
	}
	if ((colon = memchr(p, ':', n)) == NULL)
		return n;
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	kv_addn(&x->resp.headers, p, (size_t)(colon - p), v, (size_t)(end - v));
	return n;
}

static void
http_free(struct http_xfer *x)
{
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->hdrs);
	free(x->body);
	kv_free(&x->resp.headers);
	buf_free(&x->resp.body);
	free(x);
}

static void
http_on_done(struct loop_xfer *base, CURLcode rc)
{
	struct http_xfer *x = (struct http_xfer *)base;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->resp.status);
	x->resp.curl_code = rc;
	if (x->too_big)
		x->resp.error = "response body larger than 64 MiB";
	else if (rc != CURLE_OK)
		x->resp.error = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
	x->resp.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
	if (rc != CURLE_OK)
		x->resp.status = 0;	/* a partial answer is no answer */
	log_debug("http: %s -> %ld%s%s", x->resp.error ? "failed" : "done",
	    x->resp.status, x->resp.error ? ": " : "",
	    x->resp.error ? x->resp.error : "");
	x->done(&x->resp, x->arg);
	http_free(x);
}

/* A control character in a header would end it early and start one of
 * the sender's choosing ("X-Evil:"); a tab is allowed in a value. */
static bool
http_header_ok(const char *s, bool value)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 && !(value && *p == '\t')) || *p == 0x7f)
			return false;
	return true;
}

static void
http_on_refused(void *arg)
{
	struct http_xfer *x = arg;

	x->refused = NULL;
	log_debug("http: not sent: %s", x->resp.error);
	x->done(&x->resp, x->arg);
	http_free(x);
}

struct http_xfer *
http_start(struct loop *l, const struct http_request *req, http_done_fn done,
    void *arg)
{
	struct http_xfer *x = xcalloc(1, sizeof *x);
	bool has_type = false;
	size_t i;
	char *line;

	x->base.done = http_on_done;
	x->loop = l;
	x->done = done;
	x->arg = arg;
	if ((x->easy = curl_easy_init()) == NULL)
		fatal("curl_easy_init failed");

	/* The last line of defence: callers check what they put there. */
	for (i = 0; req->headers != NULL && i < req->headers->n; i++) {
		if (!http_header_ok(req->headers->v[i].name, false) ||
		    !http_header_ok(req->headers->v[i].value, true)) {
			x->resp.curl_code = CURLE_BAD_FUNCTION_ARGUMENT;
			x->resp.error = "a request header has a control "
			    "character: not sent";
			x->refused = loop_timer_add(l, 0, http_on_refused, x);
			return x;
		}
	}

	for (i = 0; req->headers != NULL && i < req->headers->n; i++) {
		line = xasprintf("%s: %s", req->headers->v[i].name,
		    req->headers->v[i].value);
		x->hdrs = curl_slist_append(x->hdrs, line);
		free(line);
		if (strcasecmp(req->headers->v[i].name, "content-type") == 0)
			has_type = true;
	}
	/* Only what we signed goes out: drop curl's defaults. */
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	x->hdrs = curl_slist_append(x->hdrs, "Accept:");
	if (!has_type)
		x->hdrs = curl_slist_append(x->hdrs, "Content-Type:");
	if (x->hdrs == NULL)
		fatal("curl_slist_append failed");

	curl_easy_setopt(x->easy, CURLOPT_URL, req->url);
	/* "./" and "../" can be part of an S3 key: send the signed path. */
	curl_easy_setopt(x->easy, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, &x->base);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
#if CURL_AT_LEAST_VERSION(7, 85, 0)
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	if (req->ca_bundle != NULL)
		curl_easy_setopt(x->easy, CURLOPT_CAINFO, req->ca_bundle);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS,
	    req->timeout_ms > 0 ? req->timeout_ms : 60000L);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS,
	    req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 10000L);
	curl_easy_setopt(x->easy, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(x->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, http_on_body);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, http_on_header);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);

	if (strcmp(req->method, "HEAD") == 0)
		curl_easy_setopt(x->easy, CURLOPT_NOBODY, 1L);
	else if (strcmp(req->method, "GET") != 0 || req->body_len > 0) {
		curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST, req->method);
		if (req->body_len > 0 || strcmp(req->method, "DELETE") != 0) {
			/* Copied: the caller's request may not outlive us. */
			x->body = xmalloc(req->body_len + 1);
			if (req->body_len > 0)
				memcpy(x->body, req->body, req->body_len);
			curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)req->body_len);
			curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body);
		}
	}
	loop_add_xfer(l, x->easy);
	return x;
}

void
http_cancel(struct http_xfer *x)
{
	if (x->refused != NULL)
		loop_timer_cancel(x->loop, x->refused);
	else
		loop_remove_xfer(x->loop, x->easy);
	http_free(x);
}
