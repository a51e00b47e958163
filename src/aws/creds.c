/* The credential chain: environment, profile, web identity, container,
 * EC2 instance metadata, tried in that order, with the result cached and
 * refreshed before it expires.
 *
 * A refresh is a walk over the providers.  Each provider answers found,
 * skip (not configured) or fail (configured but broken: the walk stops,
 * as the SDKs do).  Providers that need the network answer later from the
 * loop; callers waiting meanwhile are queued and all answered at the end.
 *
 * This file holds the chain, the walk, the environment provider and what
 * the providers share.  creds_profile.c resolves a profile (keys, SSO
 * settings, roles and their sources); creds_process.c runs a profile's
 * credential_process and asks for MFA codes; creds_sts.c and
 * creds_remote.c are the providers that call out over the network. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws.h"
#include "awsconf.h"
#include "buf.h"
#include "creds.h"
#include "creds_internal.h"
#include "isotime.h"
#include "log.h"
#include "loop.h"
#include "xalloc.h"

#define CREDS_FRESH_S		300	/* refresh this long before expiry */
#define CREDS_RETRY_S		30	/* at most one refresh per this, while valid */
#define CREDS_MAX_CHAIN		16	/* source_profile hops */

struct creds_waiter {
	creds_done_fn	 fn;
	void		*arg;
};

struct creds_walk;

struct creds_chain {
	struct aws_client	*client;
	char			*profile;	/* given explicitly, or NULL */
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

void
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

void
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
	int64_t t;

	if (isotime_parse(s, ISOTIME_FRACTION | ISOTIME_OFFSET |
	    ISOTIME_SDK_ZONE, &t) != 0)
		return -1;
	*out = (time_t)t;
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

char *
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

/* --- environment ------------------------------------------------------- */

void
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
		creds_profile(w->ctx, profile, creds_walk_answer, w);
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
	ctx->process_ms = chain->process_ms;
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
	return chain;
}

static void
creds_chain_destroy(struct creds_chain *chain)
{
	struct creds_walk *w;

	if (chain->timer != NULL)
		loop_timer_cancel(aws_client_loop(chain->client), chain->timer);
	if ((w = chain->walk) != NULL) {
		/* Answers still on their way land in the orphaned walk; a
		 * credential_process still running is stopped. */
		w->ctx->chain = NULL;
		chain->walk = NULL;
		creds_process_cancel(w->ctx);
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

