/* STS providers: AssumeRole (signed with the source credentials) and
 * AssumeRoleWithWebIdentity (unsigned: the token is the proof). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws.h"
#include "creds.h"
#include "creds_internal.h"
#include "xml.h"
#include "xalloc.h"

struct creds_sts_job {
	struct creds_ctx	*ctx;
	struct creds		*src;		/* aws_send borrows it until done */
	const char		*op;
	char			*role_arn;
	char			*source;
	char			*what;
	creds_res_fn		 fn;
	void			*arg;
};

static void
creds_sts_done(struct aws_response *resp, void *arg)
{
	struct creds_sts_job *j = arg;
	const char *ak, *sk, *token, *exp, *arn;
	char path[128], *account;
	time_t expiration;

	if (resp->kind != AWS_OK) {
		creds_fail(j->fn, j->arg, "%s: sts %s for %s failed: %s", j->what,
		    j->op, j->role_arn, aws_error_text(resp));
		goto out;
	}
#define STS_FIELD(name) (snprintf(path, sizeof path, "%sResult/%s", j->op, \
	    name), xml_text(resp->xml, path))
	ak = STS_FIELD("Credentials/AccessKeyId");
	sk = STS_FIELD("Credentials/SecretAccessKey");
	token = STS_FIELD("Credentials/SessionToken");
	exp = STS_FIELD("Credentials/Expiration");
	arn = STS_FIELD("AssumedRoleUser/Arn");
#undef STS_FIELD
	if (ak == NULL || *ak == '\0' || sk == NULL || *sk == '\0') {
		creds_fail(j->fn, j->arg, "%s: the sts %s answer for %s has no "
		    "credentials", j->what, j->op, j->role_arn);
		goto out;
	}
	if (exp == NULL || creds_parse_time(exp, &expiration) != 0) {
		creds_fail(j->fn, j->arg, "%s: the sts %s answer for %s has no "
		    "valid Expiration", j->what, j->op, j->role_arn);
		goto out;
	}
	if ((account = creds_arn_account(arn)) == NULL)
		account = creds_arn_account(j->role_arn);
	creds_found(j->fn, j->arg, creds_make(ak, sk, token, expiration,
	    j->source, account));
	free(account);
out:
	aws_response_free(resp);
	creds_free(j->src);
	creds_ctx_unref(j->ctx);
	free(j->role_arn);
	free(j->source);
	free(j->what);
	free(j);
}

static char *
creds_sts_session_name(const char *name)
{
	if (name != NULL && *name != '\0')
		return xstrdup(name);
	return xasprintf("s3watch-session-%lld", (long long)time(NULL));
}

static void
creds_sts_send(struct creds_ctx *ctx, struct aws_request *r,
    const struct creds *src, const struct creds_role *role, creds_res_fn fn,
    void *arg)
{
	struct creds_sts_job *j = xcalloc(1, sizeof *j);

	j->ctx = ctx;
	creds_ctx_ref(ctx);
	j->op = r->op;
	j->role_arn = xstrdup(role->role_arn);
	j->source = xstrdup(role->source);
	j->what = xstrdup(role->what);
	j->fn = fn;
	j->arg = arg;
	if (src != NULL) {
		j->src = creds_dup(src);
		r->creds = j->src;
	} else
		r->anonymous = true;
	aws_send(ctx->client, r, creds_sts_done, j);
}

void
creds_sts_assume_role(struct creds_ctx *ctx, const struct creds *src,
    const struct creds_role *role, creds_res_fn fn, void *arg)
{
	struct aws_request *r;
	char *session, num[32];

	if (!creds_ctx_alive(ctx)) {
		creds_fail(fn, arg, "cancelled");
		return;
	}
	r = aws_request_new(SVC_STS, "AssumeRole");
	session = creds_sts_session_name(role->session_name);
	kv_add(&r->params, "RoleArn", role->role_arn);
	kv_add(&r->params, "RoleSessionName", session);
	if (role->external_id != NULL)
		kv_add(&r->params, "ExternalId", role->external_id);
	if (role->duration > 0) {
		snprintf(num, sizeof num, "%ld", role->duration);
		kv_add(&r->params, "DurationSeconds", num);
	}
	if (role->mfa_serial != NULL && role->mfa_code != NULL) {
		kv_add(&r->params, "SerialNumber", role->mfa_serial);
		kv_add(&r->params, "TokenCode", role->mfa_code);
	}
	free(session);
	creds_sts_send(ctx, r, src, role, fn, arg);
}

void
creds_sts_web_identity(struct creds_ctx *ctx, const char *token_file,
    const struct creds_role *role, creds_res_fn fn, void *arg)
{
	struct aws_request *r;
	char *token, *session, *cause = NULL, num[32];

	if (!creds_ctx_alive(ctx)) {
		creds_fail(fn, arg, "cancelled");
		return;
	}
	if ((token = creds_read_token_file(token_file, "web identity token file",
	    &cause)) == NULL) {
		creds_fail(fn, arg, "%s: %s", role->what, cause);
		free(cause);
		return;
	}
	r = aws_request_new(SVC_STS, "AssumeRoleWithWebIdentity");
	session = creds_sts_session_name(role->session_name);
	kv_add(&r->params, "RoleArn", role->role_arn);
	kv_add(&r->params, "RoleSessionName", session);
	kv_add(&r->params, "WebIdentityToken", token);
	if (role->duration > 0) {
		snprintf(num, sizeof num, "%ld", role->duration);
		kv_add(&r->params, "DurationSeconds", num);
	}
	explicit_bzero(token, strlen(token));
	free(token);
	free(session);
	creds_sts_send(ctx, r, NULL, role, fn, arg);
}
