/* AWS STS operations (query protocol). */
#include "config.h"

#include "log.h"
#include "svc_internal.h"

/* Role session names and external ids: AWS's lengths and characters. */
static bool
sts_chars_ok(const char *v, const char *what, size_t max, const char *extra,
    char **cause)
{
	size_t i, n = strlen(v);

	if (n < 2 || n > max)
		goto bad;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && strchr(extra, v[i]) == NULL)
			goto bad;
	return true;
bad:
	*cause = xasprintf("%s '%s' must be 2 to %zu letters, digits or '%s'",
	    what, v, max, extra);
	return false;
}

struct aws_request *
sts_get_caller_identity(void)
{
	return aws_request_new(SVC_STS, "GetCallerIdentity");
}

struct aws_request *
sts_assume_role(const struct sts_role_spec *s, char **cause)
{
	struct aws_request *r;
	char num[16];

	if (!svc_need(s->role_arn, "role ARN", cause) ||
	    !svc_need(s->session_name, "role session name", cause) ||
	    !sts_chars_ok(s->session_name, "role session name", 64,
	    "+=,.@_-", cause) ||
	    (s->external_id != NULL && !sts_chars_ok(s->external_id,
	    "external id", 1224, "+=,.@:/_-", cause)) ||
	    (s->policy != NULL && !svc_need_json(s->policy, "session policy",
	    cause)))
		return NULL;
	if (strncmp(s->role_arn, "arn:", 4) != 0 || strlen(s->role_arn) < 20)
		return svc_invalid(cause, "role ARN '%s' is not an ARN",
		    s->role_arn);
	if (s->duration != 0 && (s->duration < 900 || s->duration > 43200))
		return svc_invalid(cause, "role %s: session duration %d is not "
		    "900 to 43200 seconds", s->role_arn, s->duration);
	r = aws_request_new(SVC_STS, "AssumeRole");
	kv_add(&r->params, "RoleArn", s->role_arn);
	kv_add(&r->params, "RoleSessionName", s->session_name);
	if (s->external_id != NULL)
		kv_add(&r->params, "ExternalId", s->external_id);
	if (s->policy != NULL)
		kv_add(&r->params, "Policy", s->policy);
	if (s->duration != 0) {
		snprintf(num, sizeof num, "%d", s->duration);
		kv_add(&r->params, "DurationSeconds", num);
	}
	return r;
}

/* --- answers ------------------------------------------------------------ */

int
sts_get_caller_identity_parse(struct aws_response *resp,
    struct sts_identity *id, char **cause)
{
	const struct xml_node *res;

	memset(id, 0, sizeof *id);
	if (svc_check(resp, "GetCallerIdentity", cause) != 0)
		return -1;
	res = svc_xml_result(resp);
	if ((id->arn = svc_xml_dup(res, "Arn")) == NULL)
		return svc_lacks("GetCallerIdentity", "Arn", cause);
	id->account = svc_xml_dup(res, "Account");
	id->user_id = svc_xml_dup(res, "UserId");
	return 0;
}

void
sts_identity_free(struct sts_identity *id)
{
	free(id->account);
	free(id->arn);
	free(id->user_id);
	memset(id, 0, sizeof *id);
}

static void
sts_free_secret(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
	free(s);
}

int
sts_assume_role_parse(struct aws_response *resp, struct sts_credentials *c,
    char **cause)
{
	static const char *const need[] = { "Credentials/AccessKeyId",
	    "Credentials/SecretAccessKey", "Credentials/SessionToken" };
	const struct xml_node *res;
	const char *v;
	size_t i;

	memset(c, 0, sizeof *c);
	if (svc_check(resp, "AssumeRole", cause) != 0)
		return -1;
	res = svc_xml_result(resp);
	for (i = 0; i < sizeof need / sizeof need[0]; i++)
		if (res == NULL || svc_empty(xml_text(res, need[i])))
			return svc_lacks("AssumeRole", need[i], cause);
	v = xml_text(res, "Credentials/Expiration");
	if ((c->expiration = svc_iso8601(v)) == 0)
		return svc_lacks("AssumeRole", "valid Credentials/Expiration",
		    cause);
	c->access_key = svc_xml_dup(res, need[0]);
	c->secret_key = svc_xml_dup(res, need[1]);
	c->session_token = svc_xml_dup(res, need[2]);
	/* Never in a debug log, as for the chain's own credentials. */
	log_add_secret(c->secret_key);
	log_add_secret(c->session_token);
	c->assumed_role_arn = svc_xml_dup(res, "AssumedRoleUser/Arn");
	c->assumed_role_id = svc_xml_dup(res, "AssumedRoleUser/AssumedRoleId");
	return 0;
}

void
sts_credentials_free(struct sts_credentials *c)
{
	free(c->access_key);
	sts_free_secret(c->secret_key);
	sts_free_secret(c->session_token);
	free(c->assumed_role_arn);
	free(c->assumed_role_id);
	memset(c, 0, sizeof *c);
}
