/* Profile resolution: what one profile of ~/.aws/config and
 * ~/.aws/credentials gives, in botocore's order (web identity, SSO,
 * credentials file keys, credential_process, config file keys), and roles
 * assumed from a source profile or a credential_source, with MFA. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsconf.h"
#include "buf.h"
#include "creds.h"
#include "creds_internal.h"
#include "xalloc.h"

#define CREDS_MAX_CHAIN		16	/* source_profile hops */

static void	creds_profile_walk(struct creds_ctx *, const char *profile,
		    char **seen, size_t nseen, creds_res_fn, void *);

/* Which file a profile setting came from, for messages. */
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

/* --- roles ------------------------------------------------------------- */

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
	struct creds		*src;		/* while the MFA code is asked */
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
	creds_free(j->src);
	free(j);
}

static void
creds_role_done(struct creds_res *res, void *arg)
{
	struct creds_role_job *j = arg;

	j->fn(res, j->arg);
	creds_role_job_free(j);
}

/* AssumeRole with the source credentials src, and the MFA code when the
 * profile has an mfa_serial. */
static void
creds_role_assume(struct creds_role_job *j, const struct creds *src,
    const char *code)
{
	struct creds_role role;
	char *what;

	memset(&role, 0, sizeof role);
	if (code != NULL) {
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
	free(what);
}

static void
creds_role_mfa_done(const char *code, void *arg)
{
	struct creds_role_job *j = arg;
	struct creds *src = j->src;

	j->src = NULL;
	if (!creds_ctx_alive(j->ctx)) {
		creds_fail(j->fn, j->arg, "cancelled");
		creds_role_job_free(j);
	} else if (code == NULL || *code == '\0') {
		creds_fail(j->fn, j->arg, "profile %s: no MFA code for %s was "
		    "entered", j->profile, j->mfa_serial);
		creds_role_job_free(j);
	} else
		creds_role_assume(j, src, code);
	creds_free(src);
}

static void
creds_role_source_done(struct creds_res *res, void *arg)
{
	struct creds_role_job *j = arg;
	struct creds *src;

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
	if (j->mfa_serial != NULL) {
		/* Asked through the client's prompt: the answer comes later,
		 * from the loop, or at once from /dev/tty. */
		j->src = src;
		creds_mfa_ask(j->ctx, j->mfa_serial, creds_role_mfa_done, j);
		return;
	}
	creds_role_assume(j, src, NULL);
	creds_free(src);
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
	creds_profile_walk(ctx, sp, next, nseen + 1, creds_role_source_done, j);
	free(next);
}

/* seen: the profiles on the way here, for loops. */
static void
creds_profile_walk(struct creds_ctx *ctx, const char *profile, char **seen,
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

void
creds_profile(struct creds_ctx *ctx, const char *profile, creds_res_fn fn,
    void *arg)
{
	creds_profile_walk(ctx, profile, NULL, 0, fn, arg);
}
