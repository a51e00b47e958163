/* The credential chain: environment, profile, web identity, container,
 * EC2 instance metadata, tried in that order, with the result cached and
 * refreshed before it expires.
 *
 * A refresh is a walk over the providers.  Each provider answers found,
 * skip (not configured) or fail (configured but broken: the walk stops,
 * as the SDKs do).  Providers that need the network answer later from the
 * loop; callers waiting meanwhile are queued and all answered at the end. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "aws.h"
#include "awsconf.h"
#include "buf.h"
#include "creds.h"
#include "creds_internal.h"
#include "log.h"
#include "loop.h"
#include "xalloc.h"

extern char **environ;

#define CREDS_FRESH_S		300	/* refresh this long before expiry */
#define CREDS_RETRY_S		30	/* at most one refresh per this, while valid */
#define CREDS_PROCESS_MS	30000
#define CREDS_PROCESS_MAX	(1024 * 1024)
#define CREDS_MAX_CHAIN		16	/* source_profile hops */

struct creds_waiter {
	creds_done_fn	 fn;
	void		*arg;
};

struct creds_walk;

struct creds_chain {
	struct aws_client	*client;
	char			*profile;	/* given explicitly, or NULL */
	creds_mfa_fn		 mfa;
	void			*mfa_arg;
	int			 process_ms;

	struct creds		*cur;
	bool			 cur_keep;	/* usable after a failed refresh */
	struct creds		*old;		/* replaced, freed on next refresh */
	time_t			 refreshed_at;
	char			*error;
	char			*guess;

	struct creds_walk	*walk;
	struct creds_waiter	*waiters;
	size_t			 nwaiters;
	size_t			 capwaiters;
	struct loop_timer	*timer;		/* answers the waiters */
	bool			 in_get;
	int			 delivering;
	bool			 dead;
};

enum creds_step {
	CREDS_STEP_ENV,
	CREDS_STEP_PROFILE,
	CREDS_STEP_WEB_IDENTITY,
	CREDS_STEP_CONTAINER,
	CREDS_STEP_IMDS,
	CREDS_STEP_END,
};

struct creds_walk {
	struct creds_ctx	*ctx;
	enum creds_step		 step;
	struct buf		 tried;
};

static void	creds_walk_next(struct creds_walk *);
static void	creds_profile(struct creds_ctx *, const char *profile,
		    char **seen, size_t nseen, creds_res_fn, void *);

/* --- small helpers ----------------------------------------------------- */

const char *
creds_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

bool
creds_env_true(const char *name)
{
	const char *v = creds_env(name);

	return v != NULL && strcasecmp(v, "true") == 0;
}

void
creds_ctx_ref(struct creds_ctx *ctx)
{
	ctx->refs++;
}

void
creds_ctx_unref(struct creds_ctx *ctx)
{
	if (--ctx->refs == 0)
		free(ctx);
}

time_t	(*creds_clock)(void);

/* The wall clock: expiry times are wall-clock times. */
static time_t
creds_wall(void)
{
	return creds_clock != NULL ? creds_clock() : time(NULL);
}

bool
creds_ctx_alive(const struct creds_ctx *ctx)
{
	return ctx->chain != NULL;
}

const char *
creds_conf(const struct creds_ctx *ctx, const char *profile, const char *key)
{
	const char *v;

	if (!creds_ctx_alive(ctx))
		return NULL;
	v = awsconf_get(ctx->conf, profile, key);
	return v != NULL && *v != '\0' ? v : NULL;
}

time_t
creds_now(const struct creds_ctx *ctx)
{
	time_t now = creds_wall();

	if (creds_ctx_alive(ctx) && ctx->client != NULL)
		now += aws_client_clock_skew(ctx->client);
	return now;
}

static void
creds_answer(creds_res_fn fn, void *arg, enum creds_status status,
    struct creds *c, char *text)
{
	struct creds_res res;

	res.status = status;
	res.creds = c;
	res.text = text;
	fn(&res, arg);
}

bool
creds_text_ok(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; p != NULL && *p != '\0'; p++) {
		/* C0, DEL, and C1 (U+0080-U+009F, 0xc2 0x80-0x9f). */
		if (*p < 0x20 || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return false;
	}
	return true;
}

void
creds_found(creds_res_fn fn, void *arg, struct creds *c)
{
	const char *bad = NULL;

	/* The access key goes into Authorization and the token into
	 * X-Amz-Security-Token: a line break in either would start a header
	 * of the sender's choosing.  One check here covers every provider. */
	if (!creds_text_ok(c->access_key))
		bad = "access key id";
	else if (!creds_text_ok(c->secret_key))
		bad = "secret access key";
	else if (!creds_text_ok(c->session_token))
		bad = "session token";
	else if (!creds_text_ok(c->account_id))
		bad = "account id";
	if (bad != NULL) {
		creds_fail(fn, arg, "%s: the %s has a control character",
		    c->source, bad);
		creds_free(c);
		return;
	}
	creds_answer(fn, arg, CREDS_FOUND, c, NULL);
}

void
creds_skip(creds_res_fn fn, void *arg, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	creds_answer(fn, arg, CREDS_SKIP, NULL, text);
}

void
creds_fail(creds_res_fn fn, void *arg, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	creds_answer(fn, arg, CREDS_FAIL, NULL, text);
}

static void
creds_res_clear(struct creds_res *res)
{
	creds_free(res->creds);
	free(res->text);
	res->creds = NULL;
	res->text = NULL;
}

struct creds *
creds_make(const char *access_key, const char *secret_key, const char *token,
    time_t expiration, const char *source, const char *account)
{
	struct creds *c = xcalloc(1, sizeof *c);

	c->access_key = xstrdup(access_key);
	c->secret_key = xstrdup(secret_key);
	c->session_token = token != NULL && *token != '\0' ? xstrdup(token) :
	    NULL;
	c->expiration = expiration;
	c->source = xstrdup(source);
	c->account_id = account != NULL && *account != '\0' ?
	    xstrdup(account) : NULL;
	/* Second line of defence: the log masks these if one ever slips in. */
	log_add_secret(c->secret_key);
	if (c->session_token != NULL)
		log_add_secret(c->session_token);
	return c;
}

static void
creds_free_secret(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
creds_free(struct creds *c)
{
	if (c == NULL)
		return;
	free(c->access_key);
	creds_free_secret(c->secret_key);
	creds_free_secret(c->session_token);
	free(c->source);
	free(c->account_id);
	free(c);
}

struct creds *
creds_dup(const struct creds *c)
{
	if (c == NULL)
		return NULL;
	return creds_make(c->access_key, c->secret_key, c->session_token,
	    c->expiration, c->source != NULL ? c->source : "",
	    c->account_id);
}

int
creds_parse_time(const char *s, time_t *out)
{
	struct tm tm;
	const char *p;
	time_t t;
	int off = 0, sign, hh, mm;

	if (s == NULL)
		return -1;
	/* strptime() skips white space, line breaks included. */
	for (p = s; *p != '\0'; p++)
		if (!isgraph((unsigned char)*p))
			return -1;
	memset(&tm, 0, sizeof tm);
	if ((p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return -1;
	if (*p == '.') {
		/* Fractions of a second do not matter for expiry. */
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (strcmp(p, "UTC") == 0)
		p += 3;
	else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) == 2 && strlen(p) == 6)
			p += 6;
		else if (sscanf(p + 1, "%2d%2d", &hh, &mm) == 2 &&
		    strlen(p) == 5)
			p += 5;
		else
			return -1;
		if (hh > 23 || mm > 59)
			return -1;
		off = sign * (hh * 3600 + mm * 60);
	} else
		return -1;
	if (*p != '\0')
		return -1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*out = t - off;
	return 0;
}

char *
creds_arn_account(const char *arn)
{
	const char *p = arn;
	size_t n;
	int i;

	if (arn == NULL || strncmp(arn, "arn:", 4) != 0)
		return NULL;
	/* arn:partition:service:region:account:resource */
	for (i = 0; i < 4; i++) {
		if ((p = strchr(p, ':')) == NULL)
			return NULL;
		p++;
	}
	n = strcspn(p, ":");
	if (n != 12 || strspn(p, "0123456789") < 12)
		return NULL;
	return xstrndup(p, n);
}

char *
creds_read_token_file(const char *path, const char *what, char **cause)
{
	struct buf b = { 0 };

	if (buf_read_file(&b, path, 64 * 1024) != 0) {
		*cause = xasprintf("cannot read the %s %s: %s", what, path,
		    errno == EFBIG ? "larger than 64 KiB" : strerror(errno));
		buf_free(&b);
		return NULL;
	}
	while (b.len > 0 && isspace((unsigned char)b.data[b.len - 1]))
		b.data[--b.len] = '\0';
	if (b.len == 0 || strlen(b.data) != b.len) {
		*cause = xasprintf("the %s %s is empty or not text", what, path);
		creds_free_secret(buf_take(&b));
		return NULL;
	}
	if (!creds_text_ok(b.data)) {
		*cause = xasprintf("the %s %s has a control character", what,
		    path);
		creds_free_secret(buf_take(&b));
		return NULL;
	}
	log_add_secret(b.data);
	return buf_take(&b);
}

/* "~/.aws/config" rather than "/home/me/.aws/config", for messages. */
static char *
creds_display_path(const char *path)
{
	const char *home = getenv("HOME");
	size_t n;

	if (path == NULL)
		return xstrdup("(none)");
	if (home != NULL && (n = strlen(home)) > 1 &&
	    strncmp(path, home, n) == 0 && path[n] == '/')
		return xasprintf("~%s", path + n);
	return xstrdup(path);
}

static const char *
creds_ctx_profile_file(const struct creds_ctx *ctx, const char *profile,
    const char *key)
{
	const char *src = awsconf_source(ctx->conf, profile, key);

	if (src == NULL)
		return "unknown file";
	if (src == awsconf_credentials_path(ctx->conf))
		return "credentials file";
	return "config file";
}

/* --- environment ------------------------------------------------------- */

static void
creds_env_provider(struct creds_ctx *ctx, creds_res_fn fn, void *arg)
{
	const char *ak, *sk, *token, *exp;
	time_t expiration = 0;

	ak = creds_env("AWS_ACCESS_KEY_ID");
	sk = creds_env("AWS_SECRET_ACCESS_KEY");
	if ((token = creds_env("AWS_SESSION_TOKEN")) == NULL)
		token = creds_env("AWS_SECURITY_TOKEN");
	if (ak == NULL && sk == NULL) {
		creds_skip(fn, arg, "environment");
		return;
	}
	if (sk == NULL) {
		creds_fail(fn, arg, "environment: AWS_ACCESS_KEY_ID is set but "
		    "AWS_SECRET_ACCESS_KEY is not");
		return;
	}
	if (ak == NULL) {
		creds_fail(fn, arg, "environment: AWS_SECRET_ACCESS_KEY is set "
		    "but AWS_ACCESS_KEY_ID is not");
		return;
	}
	if ((exp = creds_env("AWS_CREDENTIAL_EXPIRATION")) != NULL &&
	    creds_parse_time(exp, &expiration) != 0) {
		creds_fail(fn, arg, "environment: AWS_CREDENTIAL_EXPIRATION "
		    "'%s' is not an ISO-8601 time", exp);
		return;
	}
	(void)ctx;
	creds_found(fn, arg, creds_make(ak, sk, token, expiration,
	    "environment", creds_env("AWS_ACCOUNT_ID")));
}

/* --- static keys in a profile ------------------------------------------ */

static bool
creds_has_static(const struct creds_ctx *ctx, const char *profile)
{
	return creds_conf(ctx, profile, "aws_access_key_id") != NULL ||
	    creds_conf(ctx, profile, "aws_secret_access_key") != NULL;
}

static void
creds_profile_static(struct creds_ctx *ctx, const char *profile,
    creds_res_fn fn, void *arg)
{
	const char *ak, *sk, *token, *file;
	char *source;

	ak = creds_conf(ctx, profile, "aws_access_key_id");
	sk = creds_conf(ctx, profile, "aws_secret_access_key");
	if ((token = creds_conf(ctx, profile, "aws_session_token")) == NULL)
		token = creds_conf(ctx, profile, "aws_security_token");
	file = creds_ctx_profile_file(ctx, profile, ak != NULL ?
	    "aws_access_key_id" : "aws_secret_access_key");
	if (sk == NULL) {
		creds_fail(fn, arg, "profile %s: aws_access_key_id is set but "
		    "aws_secret_access_key is not (%s)", profile, file);
		return;
	}
	if (ak == NULL) {
		creds_fail(fn, arg, "profile %s: aws_secret_access_key is set "
		    "but aws_access_key_id is not (%s)", profile, file);
		return;
	}
	source = xasprintf("profile %s (%s)", profile, file);
	creds_found(fn, arg, creds_make(ak, sk, token, 0, source,
	    creds_conf(ctx, profile, "aws_account_id")));
	free(source);
}

/* --- credential_process ------------------------------------------------ */

/* Runs cmd with /bin/sh, its stdout into out; stdin and stderr are ours so
 * it can prompt.  This blocks: the command may own the terminal meanwhile,
 * so nothing else should draw.  Returns 0 and the wait status, or -1. */
static int
creds_run(const char *cmd, int timeout_ms, struct buf *out, int *status,
    char **cause)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	struct pollfd pfd;
	char *argv[4], tmp[4096];
	uint64_t deadline, now;
	ssize_t n;
	pid_t pid;
	int p[2], rc;
	bool killed = false;

	if (pipe2(p, O_CLOEXEC) != 0) {
		*cause = xasprintf("could not be started: pipe: %s",
		    strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawnattr_init(&attr);
	/* Our signal mask and an ignored SIGPIPE are not the command's. */
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = (char *)cmd;
	argv[3] = NULL;
	rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		*cause = xasprintf("could not be started: /bin/sh: %s",
		    strerror(rc));
		return -1;
	}

	deadline = loop_now_ms() + (uint64_t)timeout_ms;
	for (;;) {
		now = loop_now_ms();
		if (now >= deadline) {
			killed = true;
			break;
		}
		pfd.fd = p[0];
		pfd.events = POLLIN;
		pfd.revents = 0;
		rc = poll(&pfd, 1, (int)(deadline - now));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			*cause = xasprintf("could not be read: %s",
			    strerror(errno));
			killed = true;
			break;
		}
		if (rc == 0)
			continue;
		n = read(p[0], tmp, sizeof tmp);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		if (out->len + (size_t)n > CREDS_PROCESS_MAX) {
			*cause = xstrdup("wrote more than 1 MiB");
			killed = true;
			break;
		}
		buf_add(out, tmp, (size_t)n);
	}
	close(p[0]);
	if (killed)
		kill(pid, SIGKILL);

	/* Output is done; the shell should be gone in a moment. */
	for (;;) {
		rc = waitpid(pid, status, WNOHANG);
		if (rc == pid)
			break;
		if (rc < 0 && errno != EINTR) {
			*status = 0;
			break;
		}
		now = loop_now_ms();
		if (now >= deadline && !killed) {
			kill(pid, SIGKILL);
			killed = true;
		}
		poll(NULL, 0, 10);
	}
	if (killed && *cause == NULL)
		*cause = xasprintf("did not finish within %d s",
		    (timeout_ms + 999) / 1000);
	return *cause != NULL ? -1 : 0;
}

/* What a JSON value is, for messages that must not quote it. */
static const char *
creds_json_kind(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a number with a fraction";
	case json_type_int: return "a number";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "an unknown value";
}

/* The string member name of o in *out (NULL when absent and optional),
 * or -1 with *why saying what is wrong without quoting the value: the
 * output holds the secret key. */
static int
creds_process_field(struct json_object *o, const char *name, bool required,
    const char **out, char **why)
{
	const char *article = strchr("AEIOU", name[0]) != NULL ? "an" : "a";
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, name, &v) ||
	    json_object_is_type(v, json_type_null)) {
		if (!required)
			return 0;
		*why = xasprintf("no %s", name);
		return -1;
	}
	if (!json_object_is_type(v, json_type_string)) {
		*why = xasprintf("%s %s that is %s, not a string", article, name,
		    creds_json_kind(v));
		return -1;
	}
	if (json_object_get_string_len(v) == 0) {
		if (!required)
			return 0;
		*why = xasprintf("an empty %s", name);
		return -1;
	}
	*out = json_object_get_string(v);
	if (strlen(*out) != (size_t)json_object_get_string_len(v)) {
		/* \u0000 would cut the value short without a word. */
		*why = xasprintf("%s %s that has a control character", article,
		    name);
		*out = NULL;
		return -1;
	}
	return 0;
}

static void
creds_process(struct creds_ctx *ctx, const char *profile, const char *cmd,
    creds_res_fn fn, void *arg)
{
	struct json_tokener *tok;
	struct json_object *o = NULL, *v;
	const char *ak, *sk, *token, *exp, *account;
	struct buf out = { 0 };
	char *cause = NULL, *source, *why = NULL;
	time_t expiration = 0;
	size_t end;
	int status, timeout;

	timeout = ctx->chain->process_ms > 0 ? ctx->chain->process_ms :
	    CREDS_PROCESS_MS;
	if (creds_run(cmd, timeout, &out, &status, &cause) != 0) {
		creds_fail(fn, arg, "profile %s: credential_process %s", profile,
		    cause);
		goto out;
	}
	if (WIFSIGNALED(status)) {
		creds_fail(fn, arg, "profile %s: credential_process was killed "
		    "by signal %d", profile, WTERMSIG(status));
		goto out;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		creds_fail(fn, arg, "profile %s: credential_process exited with "
		    "status %d", profile, WEXITSTATUS(status));
		goto out;
	}

	/* Never quote the output in errors: it holds the secret key. */
	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, out.data != NULL ? out.data : "",
	    (int)out.len);
	end = json_tokener_get_parse_end(tok);
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		creds_fail(fn, arg, "profile %s: credential_process output is "
		    "not valid JSON (%s at byte %zu)", profile, out.len == 0 ?
		    "empty output" : json_tokener_error_desc(
		    json_tokener_get_error(tok)), end);
		json_tokener_free(tok);
		goto out;
	}
	json_tokener_free(tok);
	while (end < out.len && isspace((unsigned char)out.data[end]))
		end++;
	if (end != out.len) {
		creds_fail(fn, arg, "profile %s: credential_process output has "
		    "data after the JSON object (byte %zu)", profile, end);
		goto out;
	}
	if (!json_object_is_type(o, json_type_object)) {
		creds_fail(fn, arg, "profile %s: credential_process output is "
		    "not a JSON object", profile);
		goto out;
	}
	if (!json_object_object_get_ex(o, "Version", &v)) {
		creds_fail(fn, arg, "profile %s: credential_process output has "
		    "no Version (expected 1)", profile);
		goto out;
	}
	if (json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) != 1) {
		creds_fail(fn, arg, "profile %s: credential_process output has "
		    "unsupported Version %lld (expected 1)", profile,
		    (long long)json_object_get_int64(v));
		goto out;
	}
	if (!json_object_is_type(v, json_type_int)) {
		creds_fail(fn, arg, "profile %s: credential_process output has "
		    "unsupported Version (%s; expected the number 1)", profile,
		    creds_json_kind(v));
		goto out;
	}
	if (creds_process_field(o, "AccessKeyId", true, &ak, &why) != 0 ||
	    creds_process_field(o, "SecretAccessKey", true, &sk, &why) != 0 ||
	    creds_process_field(o, "SessionToken", false, &token, &why) != 0 ||
	    creds_process_field(o, "Expiration", false, &exp, &why) != 0 ||
	    creds_process_field(o, "AccountId", false, &account, &why) != 0) {
		creds_fail(fn, arg, "profile %s: credential_process output has "
		    "%s", profile, why);
		free(why);
		goto out;
	}
	if (exp != NULL && creds_parse_time(exp, &expiration) != 0) {
		creds_fail(fn, arg, "profile %s: credential_process output has "
		    "an Expiration that is not an ISO-8601 time", profile);
		goto out;
	}
	source = xasprintf("profile %s: credential_process", profile);
	creds_found(fn, arg, creds_make(ak, sk, token, expiration, source,
	    account));
	free(source);
out:
	if (o != NULL)
		json_object_put(o);
	if (out.data != NULL)
		explicit_bzero(out.data, out.len);
	buf_free(&out);
	free(cause);
}

/* --- MFA --------------------------------------------------------------- */

static int
creds_tty_mfa(const char *serial, char *code, size_t len, void *arg)
{
	char *prompt;
	size_t n = 0;
	ssize_t r;
	char ch;
	int fd;

	(void)arg;
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return -1;
	prompt = xasprintf("Enter MFA code for %s: ", serial);
	if (write(fd, prompt, strlen(prompt)) < 0) {
		free(prompt);
		close(fd);
		return -1;
	}
	free(prompt);
	for (;;) {
		r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || ch == '\n')
			break;
		if (ch != '\r' && n + 1 < len)
			code[n++] = ch;
	}
	code[n] = '\0';
	close(fd);
	return n > 0 ? 0 : -1;
}

/* --- profiles ---------------------------------------------------------- */

/* A role to assume once the source credentials are in. */
struct creds_role_job {
	struct creds_ctx	*ctx;
	char			*profile;
	char			*role_arn;
	char			*session_name;
	char			*external_id;
	char			*mfa_serial;
	long			 duration;
	char			*source;	/* of the result */
	char			*from;		/* "source profile 'x'", for errors */
	creds_res_fn		 fn;
	void			*arg;
};

static void
creds_role_job_free(struct creds_role_job *j)
{
	creds_ctx_unref(j->ctx);
	free(j->profile);
	free(j->role_arn);
	free(j->session_name);
	free(j->external_id);
	free(j->mfa_serial);
	free(j->source);
	free(j->from);
	free(j);
}

static void
creds_role_done(struct creds_res *res, void *arg)
{
	struct creds_role_job *j = arg;

	j->fn(res, j->arg);
	creds_role_job_free(j);
}

static void
creds_role_source_done(struct creds_res *res, void *arg)
{
	struct creds_role_job *j = arg;
	struct creds_role role;
	struct creds *src;
	char code[64], *what;

	if (res->status == CREDS_FAIL) {
		j->fn(res, j->arg);
		creds_role_job_free(j);
		return;
	}
	if (!creds_ctx_alive(j->ctx)) {
		creds_res_clear(res);
		creds_fail(j->fn, j->arg, "cancelled");
		creds_role_job_free(j);
		return;
	}
	if (res->status == CREDS_SKIP) {
		creds_fail(j->fn, j->arg, "profile %s: %s has no credentials%s%s%s",
		    j->profile, j->from, res->text != NULL && *res->text != '\0' ?
		    " (tried " : "", res->text != NULL ? res->text : "",
		    res->text != NULL && *res->text != '\0' ? ")" : "");
		creds_res_clear(res);
		creds_role_job_free(j);
		return;
	}
	src = res->creds;
	res->creds = NULL;

	memset(&role, 0, sizeof role);
	if (j->mfa_serial != NULL) {
		/* The prompt blocks: MFA is interactive by nature. */
		code[0] = '\0';
		if (j->ctx->chain->mfa(j->mfa_serial, code, sizeof code,
		    j->ctx->chain->mfa_arg) != 0 || code[0] == '\0') {
			creds_free(src);
			creds_fail(j->fn, j->arg, "profile %s: no MFA code for "
			    "%s was entered", j->profile, j->mfa_serial);
			creds_role_job_free(j);
			return;
		}
		role.mfa_serial = j->mfa_serial;
		role.mfa_code = code;
	}
	what = xasprintf("profile %s", j->profile);
	role.role_arn = j->role_arn;
	role.session_name = j->session_name;
	role.external_id = j->external_id;
	role.duration = j->duration;
	role.source = j->source;
	role.what = what;
	creds_sts_assume_role(j->ctx, src, &role, creds_role_done, j);
	explicit_bzero(code, sizeof code);
	creds_free(src);
	free(what);
}

static int
creds_parse_duration(const char *v, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < 900 || n > 43200)
		return -1;
	*out = n;
	return 0;
}

/* SSO settings of a profile, merged with its [sso-session]; *is_sso false
 * when the profile does not use SSO at all. */
static void
creds_profile_sso(struct creds_ctx *ctx, const char *profile, bool *is_sso,
    creds_res_fn fn, void *arg)
{
	struct creds_sso sso;
	const char *session, *v;
	struct buf missing = { 0 };
	char *cfg;

	memset(&sso, 0, sizeof sso);
	sso.profile = profile;
	session = creds_conf(ctx, profile, "sso_session");
	sso.start_url = creds_conf(ctx, profile, "sso_start_url");
	sso.region = creds_conf(ctx, profile, "sso_region");
	sso.account_id = creds_conf(ctx, profile, "sso_account_id");
	sso.role_name = creds_conf(ctx, profile, "sso_role_name");
	*is_sso = session != NULL || sso.start_url != NULL ||
	    sso.region != NULL || sso.account_id != NULL ||
	    sso.role_name != NULL;
	if (!*is_sso)
		return;

	if (session != NULL) {
		sso.session = session;
		if (!awsconf_has_section(ctx->conf, "sso-session", session)) {
			cfg = creds_display_path(awsconf_config_path(ctx->conf));
			creds_fail(fn, arg, "profile %s: sso_session '%s' has no "
			    "[sso-session %s] section in %s", profile, session,
			    session, cfg);
			free(cfg);
			return;
		}
		v = awsconf_get_section(ctx->conf, "sso-session", session,
		    "sso_start_url");
		if (v != NULL && sso.start_url != NULL &&
		    strcmp(v, sso.start_url) != 0) {
			creds_fail(fn, arg, "profile %s: sso_start_url differs "
			    "from the one in [sso-session %s]", profile, session);
			return;
		}
		if (v != NULL)
			sso.start_url = v;
		v = awsconf_get_section(ctx->conf, "sso-session", session,
		    "sso_region");
		if (v != NULL && sso.region != NULL &&
		    strcmp(v, sso.region) != 0) {
			creds_fail(fn, arg, "profile %s: sso_region differs from "
			    "the one in [sso-session %s]", profile, session);
			return;
		}
		if (v != NULL)
			sso.region = v;
	}
	if (sso.start_url == NULL)
		buf_adds(&missing, ", sso_start_url");
	if (sso.region == NULL)
		buf_adds(&missing, ", sso_region");
	if (sso.account_id == NULL)
		buf_adds(&missing, ", sso_account_id");
	if (sso.role_name == NULL)
		buf_adds(&missing, ", sso_role_name");
	if (missing.len > 0) {
		creds_fail(fn, arg, "profile %s: SSO is configured but %s %s "
		    "missing", profile, missing.data + 2,
		    strchr(missing.data + 2, ',') != NULL ? "are" : "is");
		buf_free(&missing);
		return;
	}
	creds_remote_sso(ctx, &sso, fn, arg);
}

/* The providers of one profile other than assume-role, in botocore's
 * order: web identity, SSO, credentials file keys, credential_process,
 * config file keys. */
static void
creds_profile_direct(struct creds_ctx *ctx, const char *profile,
    creds_res_fn fn, void *arg)
{
	const char *token_file, *role_arn, *v, *cmd, *src;
	struct creds_role role;
	char *source, *what, *files[2];
	long duration = 0;
	bool is_sso;

	if ((token_file = creds_conf(ctx, profile,
	    "web_identity_token_file")) != NULL) {
		if ((role_arn = creds_conf(ctx, profile, "role_arn")) == NULL) {
			creds_fail(fn, arg, "profile %s: web_identity_token_file "
			    "is set but role_arn is not", profile);
			return;
		}
		if ((v = creds_conf(ctx, profile, "duration_seconds")) != NULL &&
		    creds_parse_duration(v, &duration) != 0) {
			creds_fail(fn, arg, "profile %s: duration_seconds '%s' "
			    "must be a number from 900 to 43200", profile, v);
			return;
		}
		source = xasprintf("profile %s: web identity token file",
		    profile);
		what = xasprintf("profile %s", profile);
		memset(&role, 0, sizeof role);
		role.role_arn = role_arn;
		role.session_name = creds_conf(ctx, profile, "role_session_name");
		role.duration = duration;
		role.source = source;
		role.what = what;
		creds_sts_web_identity(ctx, token_file, &role, fn, arg);
		free(source);
		free(what);
		return;
	}

	creds_profile_sso(ctx, profile, &is_sso, fn, arg);
	if (is_sso)
		return;

	src = awsconf_source(ctx->conf, profile, "aws_access_key_id");
	if (src == NULL)
		src = awsconf_source(ctx->conf, profile,
		    "aws_secret_access_key");
	if (src != NULL && src == awsconf_credentials_path(ctx->conf)) {
		creds_profile_static(ctx, profile, fn, arg);
		return;
	}
	if ((cmd = creds_conf(ctx, profile, "credential_process")) != NULL) {
		creds_process(ctx, profile, cmd, fn, arg);
		return;
	}
	if (src != NULL) {
		creds_profile_static(ctx, profile, fn, arg);
		return;
	}
	files[0] = creds_display_path(awsconf_credentials_path(ctx->conf));
	files[1] = creds_display_path(awsconf_config_path(ctx->conf));
	creds_skip(fn, arg, "profile %s (%s, %s)", profile, files[0], files[1]);
	free(files[0]);
	free(files[1]);
}

static void
creds_profile_role(struct creds_ctx *ctx, const char *profile,
    const char *role_arn, char **seen, size_t nseen, creds_res_fn fn,
    void *arg)
{
	struct creds_role_job *j;
	const char *sp, *cs, *v;
	struct buf path = { 0 };
	char **next;
	long duration = 0;
	size_t i;

	sp = creds_conf(ctx, profile, "source_profile");
	cs = creds_conf(ctx, profile, "credential_source");
	if (sp != NULL && cs != NULL) {
		creds_fail(fn, arg, "profile %s: source_profile and "
		    "credential_source are both set; use one", profile);
		return;
	}
	if (sp == NULL && cs == NULL) {
		creds_fail(fn, arg, "profile %s: role_arn is set but neither "
		    "source_profile nor credential_source is", profile);
		return;
	}
	if ((v = creds_conf(ctx, profile, "duration_seconds")) != NULL &&
	    creds_parse_duration(v, &duration) != 0) {
		creds_fail(fn, arg, "profile %s: duration_seconds '%s' must be "
		    "a number from 900 to 43200", profile, v);
		return;
	}
	if (sp != NULL && !awsconf_has_profile(ctx->conf, sp)) {
		creds_fail(fn, arg, "profile %s: source_profile '%s' does not "
		    "exist", profile, sp);
		return;
	}

	j = xcalloc(1, sizeof *j);
	j->ctx = ctx;
	creds_ctx_ref(ctx);
	j->profile = xstrdup(profile);
	j->role_arn = xstrdup(role_arn);
	if ((v = creds_conf(ctx, profile, "role_session_name")) != NULL)
		j->session_name = xstrdup(v);
	if ((v = creds_conf(ctx, profile, "external_id")) != NULL)
		j->external_id = xstrdup(v);
	if ((v = creds_conf(ctx, profile, "mfa_serial")) != NULL)
		j->mfa_serial = xstrdup(v);
	j->duration = duration;
	j->fn = fn;
	j->arg = arg;

	if (cs != NULL) {
		j->source = xasprintf("profile %s: assume-role %s via %s",
		    profile, role_arn, cs);
		j->from = xasprintf("credential_source %s", cs);
		if (strcmp(cs, "Environment") == 0)
			creds_env_provider(ctx, creds_role_source_done, j);
		else if (strcmp(cs, "Ec2InstanceMetadata") == 0)
			creds_remote_imds(ctx, creds_role_source_done, j);
		else if (strcmp(cs, "EcsContainer") == 0)
			creds_remote_container(ctx, creds_role_source_done, j);
		else {
			creds_role_job_free(j);
			creds_fail(fn, arg, "profile %s: unknown credential_source "
			    "'%s' (use Environment, Ec2InstanceMetadata or "
			    "EcsContainer)", profile, cs);
		}
		return;
	}

	j->source = xasprintf("profile %s: assume-role %s via profile %s",
	    profile, role_arn, sp);
	j->from = xasprintf("source profile '%s'", sp);

	/* A profile may name itself to use its own keys; otherwise going
	 * back to a profile already on the way here is a loop. */
	for (i = 0; i < nseen && strcmp(seen[i], sp) != 0; i++)
		;
	if (i < nseen || strcmp(sp, profile) == 0) {
		if (strcmp(sp, profile) == 0 && creds_has_static(ctx, sp)) {
			creds_profile_static(ctx, sp, creds_role_source_done, j);
			return;
		}
		for (i = 0; i < nseen; i++)
			buf_printf(&path, "%s -> ", seen[i]);
		buf_printf(&path, "%s -> %s", profile, sp);
		creds_role_job_free(j);
		creds_fail(fn, arg, "profile %s: source_profile loop: %s",
		    nseen > 0 ? seen[0] : profile, path.data);
		buf_free(&path);
		return;
	}
	if (nseen + 1 >= CREDS_MAX_CHAIN) {
		creds_role_job_free(j);
		creds_fail(fn, arg, "profile %s: more than %d source_profile "
		    "hops", nseen > 0 ? seen[0] : profile, CREDS_MAX_CHAIN);
		return;
	}

	/* As botocore: a source with keys (or without a role) gives its own
	 * credentials, one with a role is assumed in turn. */
	if (creds_has_static(ctx, sp) || creds_conf(ctx, sp, "role_arn") ==
	    NULL || creds_conf(ctx, sp, "web_identity_token_file") != NULL) {
		creds_profile_direct(ctx, sp, creds_role_source_done, j);
		return;
	}
	next = xreallocarray(NULL, nseen + 1, sizeof *next);
	for (i = 0; i < nseen; i++)
		next[i] = seen[i];
	next[nseen] = (char *)profile;
	creds_profile(ctx, sp, next, nseen + 1, creds_role_source_done, j);
	free(next);
}

static void
creds_profile(struct creds_ctx *ctx, const char *profile, char **seen,
    size_t nseen, creds_res_fn fn, void *arg)
{
	const char *role_arn;

	role_arn = creds_conf(ctx, profile, "role_arn");
	if (role_arn != NULL && creds_conf(ctx, profile,
	    "web_identity_token_file") == NULL) {
		creds_profile_role(ctx, profile, role_arn, seen, nseen, fn, arg);
		return;
	}
	creds_profile_direct(ctx, profile, fn, arg);
}

/* --- the walk ---------------------------------------------------------- */

static void	creds_chain_complete(struct creds_chain *, struct creds *,
		    char *error, bool keep);

static void
creds_walk_free(struct creds_walk *w)
{
	buf_free(&w->tried);
	creds_ctx_unref(w->ctx);
	free(w);
}

static void
creds_walk_finish(struct creds_walk *w, struct creds *c, char *error)
{
	struct creds_chain *chain = w->ctx->chain;
	bool keep;

	keep = w->step == CREDS_STEP_CONTAINER || w->step == CREDS_STEP_IMDS;
	if (chain == NULL) {
		creds_free(c);
		free(error);
	} else {
		chain->walk = NULL;
		creds_chain_complete(chain, c, error, keep);
	}
	creds_walk_free(w);
}

static void
creds_walk_answer(struct creds_res *res, void *arg)
{
	struct creds_walk *w = arg;

	if (!creds_ctx_alive(w->ctx)) {
		creds_res_clear(res);
		creds_walk_finish(w, NULL, NULL);
		return;
	}
	switch (res->status) {
	case CREDS_FOUND:
		free(res->text);
		creds_walk_finish(w, res->creds, NULL);
		return;
	case CREDS_FAIL:
		creds_free(res->creds);
		creds_walk_finish(w, NULL, res->text);
		return;
	case CREDS_SKIP:
		if (res->text != NULL && *res->text != '\0') {
			if (w->tried.len > 0)
				buf_adds(&w->tried, ", ");
			buf_adds(&w->tried, res->text);
		}
		creds_res_clear(res);
		w->step++;
		creds_walk_next(w);
		return;
	}
}

static const char *
creds_walk_profile(const struct creds_chain *chain, bool *explicit)
{
	const char *p;

	*explicit = true;
	if (chain->profile != NULL)
		return chain->profile;
	if ((p = creds_env("AWS_PROFILE")) != NULL)
		return p;
	*explicit = false;
	return "default";
}

static void
creds_walk_web_identity(struct creds_walk *w)
{
	const char *file, *role_arn;
	struct creds_role role;

	file = creds_env("AWS_WEB_IDENTITY_TOKEN_FILE");
	role_arn = creds_env("AWS_ROLE_ARN");
	if (file == NULL) {
		creds_skip(creds_walk_answer, w, "%s", "");
		return;
	}
	if (role_arn == NULL) {
		creds_fail(creds_walk_answer, w, "web identity: "
		    "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
		return;
	}
	memset(&role, 0, sizeof role);
	role.role_arn = role_arn;
	role.session_name = creds_env("AWS_ROLE_SESSION_NAME");
	role.source = "web identity token file";
	role.what = "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)";
	creds_sts_web_identity(w->ctx, file, &role, creds_walk_answer, w);
}

static void
creds_walk_next(struct creds_walk *w)
{
	struct creds_chain *chain = w->ctx->chain;
	const char *profile;
	char *files[2];
	bool explicit;

	switch (w->step) {
	case CREDS_STEP_ENV:
		if (chain->profile != NULL) {
			/* An explicit --profile beats keys in the environment. */
			creds_skip(creds_walk_answer, w, "%s", "");
			return;
		}
		creds_env_provider(w->ctx, creds_walk_answer, w);
		return;
	case CREDS_STEP_PROFILE:
		profile = creds_walk_profile(chain, &explicit);
		if (!awsconf_has_profile(w->ctx->conf, profile)) {
			files[0] = creds_display_path(awsconf_config_path(
			    w->ctx->conf));
			files[1] = creds_display_path(awsconf_credentials_path(
			    w->ctx->conf));
			if (explicit)
				creds_fail(creds_walk_answer, w, "profile '%s' not "
				    "found in %s and %s", profile, files[0],
				    files[1]);
			else
				creds_skip(creds_walk_answer, w, "profile %s (%s, "
				    "%s)", profile, files[1], files[0]);
			free(files[0]);
			free(files[1]);
			return;
		}
		creds_profile(w->ctx, profile, NULL, 0, creds_walk_answer, w);
		return;
	case CREDS_STEP_WEB_IDENTITY:
		creds_walk_web_identity(w);
		return;
	case CREDS_STEP_CONTAINER:
		creds_remote_container(w->ctx, creds_walk_answer, w);
		return;
	case CREDS_STEP_IMDS:
		creds_remote_imds(w->ctx, creds_walk_answer, w);
		return;
	case CREDS_STEP_END:
		break;
	}
	creds_walk_finish(w, NULL, xasprintf("no credentials found: tried %s",
	    w->tried.len > 0 ? w->tried.data : "nothing"));
}

static void
creds_walk_start(struct creds_chain *chain)
{
	struct creds_walk *w = xcalloc(1, sizeof *w);
	struct creds_ctx *ctx = xcalloc(1, sizeof *ctx);

	ctx->chain = chain;
	ctx->client = chain->client;
	ctx->loop = aws_client_loop(chain->client);
	ctx->conf = aws_client_conf(chain->client);
	ctx->refs = 1;
	w->ctx = ctx;
	w->step = CREDS_STEP_ENV;
	chain->walk = w;
	creds_walk_next(w);
}

/* --- the chain --------------------------------------------------------- */

struct creds_chain *
creds_chain_new(struct aws_client *client, const char *profile)
{
	struct creds_chain *chain = xcalloc(1, sizeof *chain);

	chain->client = client;
	if (profile != NULL)
		chain->profile = xstrdup(profile);
	chain->mfa = creds_tty_mfa;
	return chain;
}

static void
creds_chain_destroy(struct creds_chain *chain)
{
	if (chain->timer != NULL)
		loop_timer_cancel(aws_client_loop(chain->client), chain->timer);
	if (chain->walk != NULL) {
		/* Answers still on their way land in the orphaned walk. */
		chain->walk->ctx->chain = NULL;
		chain->walk = NULL;
	}
	creds_free(chain->cur);
	creds_free(chain->old);
	free(chain->error);
	free(chain->guess);
	free(chain->waiters);
	free(chain->profile);
	free(chain);
}

void
creds_chain_free(struct creds_chain *chain)
{
	if (chain == NULL)
		return;
	if (chain->delivering > 0) {
		chain->dead = true;
		return;
	}
	creds_chain_destroy(chain);
}

void
creds_chain_set_mfa_prompt(struct creds_chain *chain, creds_mfa_fn fn,
    void *arg)
{
	chain->mfa = fn != NULL ? fn : creds_tty_mfa;
	chain->mfa_arg = fn != NULL ? arg : NULL;
}

void
creds_chain_set_process_timeout(struct creds_chain *chain, int ms)
{
	chain->process_ms = ms;
}

static void
creds_chain_deliver(struct creds_chain *chain)
{
	struct creds_waiter *w = chain->waiters;
	size_t i, n = chain->nwaiters;

	chain->waiters = NULL;
	chain->nwaiters = chain->capwaiters = 0;
	chain->delivering++;
	for (i = 0; i < n; i++) {
		/* cur may change under a callback (invalidate); old keeps the
		 * replaced one alive until the next refresh. */
		w[i].fn(chain->cur, chain->cur != NULL ? NULL :
		    (chain->error != NULL ? chain->error : "no credentials"),
		    w[i].arg);
	}
	chain->delivering--;
	free(w);
	if (chain->dead && chain->delivering == 0)
		creds_chain_destroy(chain);
}

static void
creds_chain_timer(void *arg)
{
	struct creds_chain *chain = arg;

	chain->timer = NULL;
	creds_chain_deliver(chain);
}

static void
creds_chain_complete(struct creds_chain *chain, struct creds *c, char *error,
    bool keep)
{
	time_t now = creds_wall() + aws_client_clock_skew(chain->client);

	chain->refreshed_at = now;
	creds_free(chain->old);
	chain->old = NULL;
	if (c != NULL) {
		chain->old = chain->cur;
		chain->cur = c;
		chain->cur_keep = keep;
		free(chain->error);
		chain->error = NULL;
		log_debug("creds: using %s", c->source);
		free(error);
	} else if (chain->cur != NULL && chain->cur_keep &&
	    chain->cur->expiration > now) {
		/* Metadata services have hiccups; old credentials still work. */
		log_debug("creds: refresh failed, keeping %s until it expires: "
		    "%s", chain->cur->source, error != NULL ? error : "?");
		free(error);
	} else {
		chain->old = chain->cur;
		chain->cur = NULL;
		free(chain->error);
		chain->error = error != NULL ? error : xstrdup("no credentials");
		log_debug("creds: %s", chain->error);
	}
	if (chain->in_get) {
		/* Answer from the loop, never from inside creds_chain_get. */
		chain->timer = loop_timer_add(aws_client_loop(chain->client), 0,
		    creds_chain_timer, chain);
	} else
		creds_chain_deliver(chain);
}

static bool
creds_usable(const struct creds_chain *chain, time_t now)
{
	const struct creds *c = chain->cur;

	if (c == NULL)
		return false;
	if (c->expiration == 0 || c->expiration - now >= CREDS_FRESH_S)
		return true;
	/* Short-lived answers are not refetched more than twice a minute. */
	return c->expiration > now && now - chain->refreshed_at < CREDS_RETRY_S;
}

void
creds_chain_get(struct creds_chain *chain, creds_done_fn fn, void *arg)
{
	time_t now = creds_wall() + aws_client_clock_skew(chain->client);

	if (chain->timer == NULL && creds_usable(chain, now)) {
		fn(chain->cur, NULL, arg);
		return;
	}
	if (chain->nwaiters == chain->capwaiters) {
		chain->capwaiters = chain->capwaiters ? chain->capwaiters * 2 : 4;
		chain->waiters = xreallocarray(chain->waiters, chain->capwaiters,
		    sizeof *chain->waiters);
	}
	chain->waiters[chain->nwaiters].fn = fn;
	chain->waiters[chain->nwaiters].arg = arg;
	chain->nwaiters++;
	if (chain->walk != NULL || chain->timer != NULL)
		return;		/* an answer is on its way */
	chain->in_get = true;
	creds_walk_start(chain);
	chain->in_get = false;
}

void
creds_chain_invalidate(struct creds_chain *chain)
{
	if (chain->cur == NULL)
		return;
	creds_free(chain->old);
	chain->old = chain->cur;
	chain->cur = NULL;
}

const char *
creds_chain_source(const struct creds_chain *chain)
{
	struct creds_chain *c = (struct creds_chain *)chain;
	const struct awsconf *conf;
	const char *profile;
	bool explicit;

	if (chain->cur != NULL)
		return chain->cur->source;
	free(c->guess);
	conf = aws_client_conf(chain->client);
	profile = creds_walk_profile(chain, &explicit);
	if (chain->profile == NULL && creds_env("AWS_ACCESS_KEY_ID") != NULL)
		c->guess = xstrdup("environment");
	else if (awsconf_has_profile(conf, profile))
		c->guess = xasprintf("profile %s", profile);
	else if (creds_env("AWS_WEB_IDENTITY_TOKEN_FILE") != NULL)
		c->guess = xstrdup("web identity token file");
	else if (creds_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != NULL ||
	    creds_env("AWS_CONTAINER_CREDENTIALS_FULL_URI") != NULL)
		c->guess = xstrdup("container credentials");
	else if (!creds_env_true("AWS_EC2_METADATA_DISABLED"))
		c->guess = xstrdup("EC2 instance metadata (IMDSv2)");
	else
		c->guess = xstrdup("none");
	return c->guess;
}
