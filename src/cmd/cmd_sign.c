/* s3watch sign: signs a raw HTTP/1.1 request from stdin with the
 * credentials in the environment, for debugging signature mismatches. */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "sigv4.h"

#define SIGN_MAX_INPUT	(16u * 1024 * 1024)

struct sign_input {
	char		*method;
	char		*path;
	char		*query;		/* NULL without '?' */
	char		*version;	/* "HTTP/1.1" */
	struct kv	 headers;
	const char	*body;
	size_t		 body_len;
	bool		 crlf;
};

static void
sign_input_free(struct sign_input *in)
{
	free(in->method);
	free(in->path);
	free(in->query);
	free(in->version);
	kv_free(&in->headers);
}

/* Next line of b from *pos without its terminator; NULL at the end. */
static char *
sign_next_line(const struct buf *b, size_t *pos, bool *crlf)
{
	const char *start = b->data + *pos, *nl;
	size_t len;

	if (*pos >= b->len)
		return NULL;
	nl = memchr(start, '\n', b->len - *pos);
	len = nl != NULL ? (size_t)(nl - start) : b->len - *pos;
	*pos += len + (nl != NULL);
	if (len > 0 && start[len - 1] == '\r') {
		len--;
		*crlf = true;
	}
	return xstrndup(start, len);
}

/* True when s has a C0, DEL or C1 control character. */
static bool
sign_has_ctl(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; p != NULL && *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return true;
	return false;
}

static int
sign_parse(const struct buf *b, struct sign_input *in, char **cause)
{
	char *line, *sp1, *sp2, *target, *colon, *q, *prev, *v;
	size_t pos = 0, n, lineno = 1;

	if (b->len == 0) {
		*cause = xstrdup("no request on stdin (expected 'METHOD /path HTTP/1.1')");
		return -1;
	}
	line = sign_next_line(b, &pos, &in->crlf);
	sp1 = strchr(line, ' ');
	sp2 = sp1 != NULL ? strrchr(line, ' ') : NULL;
	if (sp1 == NULL || sp2 == sp1 || strncmp(sp2 + 1, "HTTP/", 5) != 0) {
		*cause = xstrdup("line 1: expected 'METHOD TARGET HTTP/1.1'");
		free(line);
		return -1;
	}
	in->method = xstrndup(line, (size_t)(sp1 - line));
	for (n = 0; in->method[n] != '\0'; n++) {
		if (!isupper((unsigned char)in->method[n])) {
			*cause = xasprintf("line 1: invalid method '%s'", in->method);
			free(line);
			return -1;
		}
	}
	in->version = xstrdup(sp2 + 1);
	target = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	if (strncmp(target, "http://", 7) == 0 || strncmp(target, "https://", 8) == 0) {
		/* Absolute form: the path starts after the authority. */
		char *p = strchr(strstr(target, "://") + 3, '/');
		char *abs = xstrdup(p != NULL ? p : "/");

		free(target);
		target = abs;
	}
	if ((q = strchr(target, '?')) != NULL) {
		in->query = xstrdup(q + 1);
		*q = '\0';
	}
	in->path = target;
	free(line);

	while ((line = sign_next_line(b, &pos, &in->crlf)) != NULL) {
		lineno++;
		if (*line == '\0') {
			free(line);
			break;
		}
		if ((*line == ' ' || *line == '\t') && in->headers.n > 0) {
			/* obs-fold: a continuation of the previous value */
			prev = in->headers.v[in->headers.n - 1].value;
			in->headers.v[in->headers.n - 1].value =
			    xasprintf("%s %s", prev, line + strspn(line, " \t"));
			free(prev);
			free(line);
			continue;
		}
		if ((colon = strchr(line, ':')) == NULL || colon == line) {
			*cause = xasprintf("line %zu: expected 'Name: value'", lineno);
			free(line);
			return -1;
		}
		if (memchr(line, '\0', strlen(line)) != NULL ||
		    strpbrk(line, "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e"
		    "\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c"
		    "\x1d\x1e\x1f\x7f") != NULL) {
			*cause = xasprintf("line %zu: control characters in a header",
			    lineno);
			free(line);
			return -1;
		}
		v = colon + 1 + strspn(colon + 1, " \t");
		n = strlen(v);
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		kv_addn(&in->headers, line, (size_t)(colon - line), v, n);
		free(line);
	}
	in->body = b->data + pos;
	in->body_len = pos < b->len ? b->len - pos : 0;
	return 0;
}

static void
sign_print_request(const struct sign_input *in)
{
	const char *eol = in->crlf ? "\r\n" : "\n";
	size_t i;

	printf("%s %s%s%s %s%s", in->method, in->path, in->query ? "?" : "",
	    in->query ? in->query : "", in->version, eol);
	for (i = 0; i < in->headers.n; i++)
		printf("%s: %s%s", in->headers.v[i].name, in->headers.v[i].value, eol);
	fputs(eol, stdout);
	fwrite(in->body, 1, in->body_len, stdout);
}

static const char *const sign_shows[] = { "canonical", "string-to-sign",
	"authorization", "request", NULL };
enum { SIGN_CANONICAL, SIGN_STRING_TO_SIGN, SIGN_AUTHORIZATION,
	SIGN_REQUEST };

struct cmd_sign_opts {
	const char	*service;
	const char	*region;
	const char	*time;
	bool		 s3;
	bool		 unsigned_payload;
	int		 show;		/* in sign_shows[] */
};

static int
cmd_sign(void *opts, int argc, char **argv, const struct cmd_globals *g)
{
	struct cmd_sign_opts *o = opts;
	struct sigv4_params prm;
	struct sigv4_creds cr;
	struct sigv4_request req;
	struct sigv4_result res;
	struct sign_input in;
	struct buf b = { 0 };
	char *cause = NULL;
	int rc = EXIT_OK;

	(void)argc;
	(void)argv;
	memset(&prm, 0, sizeof prm);
	prm.service = o->service;
	prm.region = o->region != NULL ? o->region : g->aws.region;
	prm.s3 = o->s3;
	prm.unsigned_payload = o->unsigned_payload;
	if (prm.service == NULL || prm.region == NULL)
		return cmd_error("sign", EXIT_USAGE, "--service and --region are "
		    "required");
	if (prm.unsigned_payload && !prm.s3)
		return cmd_error("sign", EXIT_USAGE, "--unsigned-payload needs --s3: "
		    "only S3 accepts UNSIGNED-PAYLOAD");
	if (o->time == NULL)
		prm.when = time(NULL);
	else if (sigv4_parse_amz_date(o->time, &prm.when) != 0)
		return cmd_error("sign", EXIT_USAGE, "--time '%s' is not "
		    "YYYYMMDDTHHMMSSZ", o->time);
	cr.access_key = getenv("AWS_ACCESS_KEY_ID");
	cr.secret_key = getenv("AWS_SECRET_ACCESS_KEY");
	cr.session_token = getenv("AWS_SESSION_TOKEN");
	if (cr.access_key == NULL || *cr.access_key == '\0' ||
	    cr.secret_key == NULL || *cr.secret_key == '\0')
		return cmd_error("sign", EXIT_CONFIG, "AWS_ACCESS_KEY_ID and "
		    "AWS_SECRET_ACCESS_KEY must be set in the environment");
	/* The key and the token go into the printed headers; never quote
	 * them. */
	if (sign_has_ctl(cr.access_key) || sign_has_ctl(cr.secret_key) ||
	    sign_has_ctl(cr.session_token))
		return cmd_error("sign", EXIT_CONFIG, "%s has a control character",
		    sign_has_ctl(cr.access_key) ? "AWS_ACCESS_KEY_ID" :
		    sign_has_ctl(cr.secret_key) ? "AWS_SECRET_ACCESS_KEY" :
		    "AWS_SESSION_TOKEN");

	if (buf_read_fd(&b, STDIN_FILENO, SIGN_MAX_INPUT) != 0) {
		buf_free(&b);
		return cmd_error("sign", EXIT_USAGE, "cannot read stdin: %m");
	}
	memset(&in, 0, sizeof in);
	if (sign_parse(&b, &in, &cause) != 0) {
		rc = cmd_error("sign", EXIT_USAGE, "bad request on stdin: %s", cause);
		goto out;
	}
	memset(&req, 0, sizeof req);
	req.method = in.method;
	req.path = in.path;
	req.query = in.query;
	req.headers = &in.headers;
	req.body = in.body;
	req.body_len = in.body_len;
	if (sigv4_sign(&req, &prm, &cr, &res, &cause) != 0) {
		rc = cmd_error("sign", EXIT_USAGE, "%s", cause);
		goto out;
	}
	switch (o->show) {
	case SIGN_CANONICAL:
		printf("%s\n", res.canonical_request);
		break;
	case SIGN_STRING_TO_SIGN:
		printf("%s\n", res.string_to_sign);
		break;
	case SIGN_AUTHORIZATION:
		printf("%s\n", res.authorization);
		break;
	default:
		sign_print_request(&in);
		break;
	}
	sigv4_result_free(&res);
out:
	free(cause);
	sign_input_free(&in);
	buf_free(&b);
	return rc;
}

static const struct cmd_option cmd_sign_options[] = {
	{ .name = "service", .arg = "NAME", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_sign_opts, service),
	  .flags = CMD_O_BRIEF | CMD_O_REQUIRED,
	  .help = "the service's signing name, such as `s3` or `logs`" },
	{ .name = "region", .arg = "REGION", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_sign_opts, region), .flags = CMD_O_BRIEF,
	  .help = "the region to sign for (default: the global `--region`)" },
	{ .name = "time", .arg = "YYYYMMDDTHHMMSSZ", .type = CMD_O_STRING,
	  .off = offsetof(struct cmd_sign_opts, time),
	  .help = "sign as of this time (default: now)" },
	{ .name = "s3", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_sign_opts, s3),
	  .help = "apply the S3 rules: each path segment is decoded and "
	  "signed encoded once (`/test$file.text` as `/test%24file.text`), "
	  "without normalisation, and `X-Amz-Content-SHA256` is added; "
	  "without it the path is normalised and encoded a second time" },
	{ .name = "unsigned-payload", .type = CMD_O_FLAG,
	  .off = offsetof(struct cmd_sign_opts, unsigned_payload),
	  .help = "sign `UNSIGNED-PAYLOAD` rather than the body's hash (S3 "
	  "only)" },
	{ .name = "show", .arg = "WHAT", .type = CMD_O_CHOICE,
	  .off = offsetof(struct cmd_sign_opts, show),
	  .choices = sign_shows, .dflt = "request",
	  .help = "print the canonical request, the string to sign, the "
	  "Authorization header, or the request with its new headers" },
	{ .name = NULL }
};

const struct cmd_entry cmd_sign_entry = {
	.name = "sign",
	.help = "signs a raw HTTP request read on standard input (SigV4 "
	    "debugging)",
	.doc = "Reads a raw HTTP/1.1 request on standard input and signs it "
	    "with Signature Version 4, using `AWS_ACCESS_KEY_ID`, "
	    "`AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` from the "
	    "environment.  The secret key is never printed.",
	.options = cmd_sign_options,
	.opts_size = sizeof(struct cmd_sign_opts),
	.run = cmd_sign,
};
