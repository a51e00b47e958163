/* AWS Lambda operations (rest-json, /2015-03-31/functions/...). */
#include "config.h"

#include <strings.h>

#include <openssl/evp.h>

#include "svc_internal.h"

#define LAMBDA_API	"2015-03-31"

/* Characters of [A-Za-z0-9] plus those in extra, length 1 to max. */
static bool
lambda_chars_ok(const char *s, size_t max, const char *extra)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr(extra, s[i]) == NULL)
			return false;
	return true;
}

int
lambda_function_name_check(const char *name, char **cause)
{
	if (!svc_need(name, "function name", cause))
		return -1;
	if (lambda_chars_ok(name, 64, "-_"))
		return 0;
	*cause = xasprintf("function name '%s' must be 1 to 64 letters, digits, "
	    "'-' or '_'", name);
	return -1;
}

/* Existing functions: a name, "name:qualifier", a partial or a full ARN. */
static bool
lambda_ref_ok(const char *function, char **cause)
{
	if (!svc_need(function, "function name", cause))
		return false;
	if (lambda_chars_ok(function, 256, "-_.:$"))
		return true;
	*cause = xasprintf("function '%s' must be a name or an ARN of at most "
	    "256 letters, digits, '-', '_', '.', ':' or '$'", function);
	return false;
}

/* arn:aws:iam::123456789012:role/name, in any partition. */
static bool
lambda_role_ok(const char *role, char **cause)
{
	const char *p;
	size_t i;

	if (!svc_need(role, "function role ARN", cause))
		return false;
	if (strncmp(role, "arn:", 4) != 0 ||
	    (p = strstr(role, ":iam::")) == NULL)
		goto bad;
	p += 6;
	for (i = 0; i < 12; i++)
		if (!isdigit((unsigned char)p[i]))
			goto bad;
	if (strncmp(p + 12, ":role/", 6) == 0 && p[18] != '\0')
		return true;
bad:
	*cause = xasprintf("function role '%s' is not an IAM role ARN "
	    "(arn:aws:iam::ACCOUNT:role/NAME)", role);
	return false;
}

/* Names are [a-zA-Z][a-zA-Z0-9_]+; all of them fit in 4 KB. */
static bool
lambda_env_ok(const struct svc_tag *env, size_t n, char **cause)
{
	size_t i, total = 0;

	for (i = 0; i < n; i++) {
		if (env[i].key == NULL || !isalpha((unsigned char)env[i].key[0]) ||
		    !lambda_chars_ok(env[i].key, SIZE_MAX, "_") ||
		    strlen(env[i].key) < 2) {
			*cause = xasprintf("environment variable '%s' must be a "
			    "letter then at least one letter, digit or '_'",
			    env[i].key != NULL ? env[i].key : "");
			return false;
		}
		if (env[i].value == NULL) {
			*cause = xasprintf("environment variable %s has no value",
			    env[i].key);
			return false;
		}
		total += strlen(env[i].key) + strlen(env[i].value);
	}
	if (total > 4096) {
		*cause = xasprintf("environment variables take %zu bytes, more "
		    "than 4096", total);
		return false;
	}
	return true;
}

static struct aws_request *
lambda_request(const char *op, const char *method, const char *function)
{
	struct aws_request *r = aws_request_new(SVC_LAMBDA, op);

	r->method = method;
	aws_request_path(r, LAMBDA_API, false);
	aws_request_path(r, "functions", false);
	if (function != NULL)
		aws_request_path(r, function, false);
	return r;
}

struct aws_request *
lambda_create_function(const struct lambda_function_spec *s, char **cause)
{
	struct json_object *code, *env;
	struct aws_request *r;
	unsigned char *b64;

	if (lambda_function_name_check(s->name, cause) != 0 ||
	    !svc_need(s->runtime, "function runtime", cause) ||
	    !lambda_role_ok(s->role_arn, cause) ||
	    !svc_need(s->handler, "function handler", cause) ||
	    !lambda_env_ok(s->env, s->nenv, cause))
		return NULL;
	if (strlen(s->handler) > 128 || strpbrk(s->handler, " \t\r\n") != NULL)
		return svc_invalid(cause, "function %s: handler '%s' must be at "
		    "most 128 characters without spaces", s->name, s->handler);
	if (s->zip == NULL || s->zip_len == 0)
		return svc_invalid(cause, "function %s: the zip is empty",
		    s->name);
	if (s->zip_len > LAMBDA_MAX_ZIP)
		return svc_invalid(cause, "function %s: the zip is %zu bytes, "
		    "more than AWS's %d for a direct upload", s->name,
		    s->zip_len, LAMBDA_MAX_ZIP);
	if (s->timeout < 0 || s->timeout > 900)
		return svc_invalid(cause, "function %s: timeout %d s is not 1 "
		    "to 900", s->name, s->timeout);
	if (s->memory_mb != 0 && (s->memory_mb < 128 || s->memory_mb > 10240))
		return svc_invalid(cause, "function %s: memory %d MB is not "
		    "128 to 10240", s->name, s->memory_mb);
	if (s->description != NULL && strlen(s->description) > 256)
		return svc_invalid(cause, "function %s: description longer than "
		    "256 characters", s->name);

	r = lambda_request("CreateFunction", "POST", NULL);
	r->json = json_object_new_object();
	svc_json_add_str(r->json, "FunctionName", s->name);
	svc_json_add_str(r->json, "Runtime", s->runtime);
	svc_json_add_str(r->json, "Role", s->role_arn);
	svc_json_add_str(r->json, "Handler", s->handler);
	svc_json_add_str(r->json, "PackageType", "Zip");
	b64 = xmalloc(4 * ((s->zip_len + 2) / 3) + 1);
	EVP_EncodeBlock(b64, s->zip, (int)s->zip_len);
	code = json_object_new_object();
	svc_json_add_str(code, "ZipFile", (const char *)b64);
	free(b64);
	json_object_object_add(r->json, "Code", code);
	if (s->timeout > 0)
		svc_json_add_int(r->json, "Timeout", s->timeout);
	if (s->memory_mb > 0)
		svc_json_add_int(r->json, "MemorySize", s->memory_mb);
	if (s->nenv > 0) {
		env = json_object_new_object();
		svc_json_add_map(env, "Variables", s->env, s->nenv);
		json_object_object_add(r->json, "Environment", env);
	}
	svc_json_add_str(r->json, "Description", s->description);
	return r;
}

struct aws_request *
lambda_get_function(const char *function, char **cause)
{
	if (!lambda_ref_ok(function, cause))
		return NULL;
	return lambda_request("GetFunction", "GET", function);
}

struct aws_request *
lambda_delete_function(const char *function, char **cause)
{
	if (!lambda_ref_ok(function, cause))
		return NULL;
	return lambda_request("DeleteFunction", "DELETE", function);
}

/* "*", "lambda:*" or "lambda:InvokeFunction" and the like. */
static bool
lambda_action_ok(const char *action)
{
	return strcmp(action, "*") == 0 || (strncmp(action, "lambda:", 7) == 0 &&
	    (strcmp(action + 7, "*") == 0 || lambda_chars_ok(action + 7,
	    SIZE_MAX, "")));
}

struct aws_request *
lambda_add_permission(const struct lambda_permission_spec *s, char **cause)
{
	struct aws_request *r;
	size_t i;

	if (!lambda_ref_ok(s->function, cause) ||
	    !svc_need(s->statement_id, "statement id", cause) ||
	    !svc_need(s->action, "permission action", cause) ||
	    !svc_need(s->principal, "permission principal", cause))
		return NULL;
	if (!lambda_chars_ok(s->statement_id, 100, "-_"))
		return svc_invalid(cause, "statement id '%s' must be 1 to 100 "
		    "letters, digits, '-' or '_'", s->statement_id);
	if (!lambda_action_ok(s->action))
		return svc_invalid(cause, "permission action '%s' is not '*', "
		    "'lambda:*' or 'lambda:Operation'", s->action);
	if (strpbrk(s->principal, " \t\r\n") != NULL)
		return svc_invalid(cause, "permission principal '%s' has spaces",
		    s->principal);
	if (s->source_arn != NULL && strncmp(s->source_arn, "arn:", 4) != 0)
		return svc_invalid(cause, "permission source '%s' is not an ARN",
		    s->source_arn);
	if (s->source_account != NULL) {
		for (i = 0; isdigit((unsigned char)s->source_account[i]); i++)
			;
		if (i != 12 || s->source_account[i] != '\0')
			return svc_invalid(cause, "permission source account "
			    "'%s' is not 12 digits", s->source_account);
	}
	r = lambda_request("AddPermission", "POST", s->function);
	aws_request_path(r, "policy", false);
	r->json = json_object_new_object();
	svc_json_add_str(r->json, "StatementId", s->statement_id);
	svc_json_add_str(r->json, "Action", s->action);
	svc_json_add_str(r->json, "Principal", s->principal);
	svc_json_add_str(r->json, "SourceArn", s->source_arn);
	svc_json_add_str(r->json, "SourceAccount", s->source_account);
	return r;
}

struct aws_request *
lambda_get_policy(const char *function, char **cause)
{
	struct aws_request *r;

	if (!lambda_ref_ok(function, cause))
		return NULL;
	r = lambda_request("GetPolicy", "GET", function);
	aws_request_path(r, "policy", false);
	return r;
}

struct aws_request *
lambda_remove_permission(const char *function, const char *statement_id,
    char **cause)
{
	struct aws_request *r;

	if (!lambda_ref_ok(function, cause) ||
	    !svc_need(statement_id, "statement id", cause))
		return NULL;
	if (!lambda_chars_ok(statement_id, 100, "-_."))
		return svc_invalid(cause, "statement id '%s' must be 1 to 100 "
		    "letters, digits, '-', '_' or '.'", statement_id);
	r = lambda_request("RemovePermission", "DELETE", function);
	aws_request_path(r, "policy", false);
	aws_request_path(r, statement_id, false);
	return r;
}

/* --- answers ------------------------------------------------------------ */

static void
lambda_env_read(struct json_object *vars, struct lambda_function *f)
{
	struct lambda_var *v;

	if (vars == NULL || !json_object_is_type(vars, json_type_object))
		return;
	json_object_object_foreach(vars, key, val) {
		v = xpush(&f->env, &f->nenv, sizeof *f->env);
		v->name = xstrdup(key);
		v->value = xstrdup(json_object_get_string(val));
	}
}

static int
lambda_function_read(struct json_object *o, const char *op,
    struct lambda_function *f, char **cause)
{
	if (aws_json_str(o, "FunctionArn") == NULL)
		return svc_lacks(op, "FunctionArn", cause);
	f->name = svc_json_dup(o, "FunctionName");
	f->arn = svc_json_dup(o, "FunctionArn");
	f->runtime = svc_json_dup(o, "Runtime");
	f->role_arn = svc_json_dup(o, "Role");
	f->handler = svc_json_dup(o, "Handler");
	f->description = svc_json_dup(o, "Description");
	f->state = svc_json_dup(o, "State");
	f->state_reason = svc_json_dup(o, "StateReason");
	f->last_update_status = svc_json_dup(o, "LastUpdateStatus");
	f->code_sha256 = svc_json_dup(o, "CodeSha256");
	f->code_size = aws_json_int(o, "CodeSize", 0);
	f->timeout = (int)aws_json_int(o, "Timeout", 0);
	f->memory_mb = (int)aws_json_int(o, "MemorySize", 0);
	lambda_env_read(aws_json_get(aws_json_get(o, "Environment"),
	    "Variables"), f);
	return 0;
}

int
lambda_create_function_parse(struct aws_response *resp,
    struct lambda_function *f, char **cause)
{
	memset(f, 0, sizeof *f);
	if (svc_check(resp, "CreateFunction", cause) != 0)
		return -1;
	return lambda_function_read(resp->json, "CreateFunction", f, cause);
}

int
lambda_get_function_parse(struct aws_response *resp,
    struct lambda_function *f, char **cause)
{
	struct json_object *o;

	memset(f, 0, sizeof *f);
	if (svc_check(resp, "GetFunction", cause) != 0)
		return -1;
	if ((o = aws_json_get(resp->json, "Configuration")) == NULL)
		return svc_lacks("GetFunction", "Configuration", cause);
	return lambda_function_read(o, "GetFunction", f, cause);
}

void
lambda_function_free(struct lambda_function *f)
{
	size_t i;

	free(f->name);
	free(f->arn);
	free(f->runtime);
	free(f->role_arn);
	free(f->handler);
	free(f->description);
	free(f->state);
	free(f->state_reason);
	free(f->last_update_status);
	free(f->code_sha256);
	for (i = 0; i < f->nenv; i++) {
		free(f->env[i].name);
		free(f->env[i].value);
	}
	free(f->env);
	memset(f, 0, sizeof *f);
}

int
lambda_add_permission_parse(struct aws_response *resp, char **statement,
    char **cause)
{
	return svc_json_field(resp, "AddPermission", "Statement", statement,
	    cause);
}

/* Principal {"Service": "x"} or {"AWS": ["y"]}, Action "a" or ["a"]: the
 * first string inside. */
static char *
lambda_first_str(struct json_object *v)
{
	struct json_object_iter it;

	if (v == NULL)
		return NULL;
	switch (json_object_get_type(v)) {
	case json_type_string:
		return xstrdup(json_object_get_string(v));
	case json_type_array:
		return json_object_array_length(v) > 0 ?
		    lambda_first_str(json_object_array_get_idx(v, 0)) : NULL;
	case json_type_object:
		json_object_object_foreachC(v, it)
			return lambda_first_str(it.val);
		return NULL;
	default:
		return NULL;
	}
}

/* A condition key under any operator (ArnLike, StringEquals, ...); AWS
 * writes "AWS:SourceArn", but keys are case-insensitive. */
static char *
lambda_condition(struct json_object *cond, const char *key)
{
	struct json_object_iter op, k;

	if (cond == NULL || !json_object_is_type(cond, json_type_object))
		return NULL;
	json_object_object_foreachC(cond, op) {
		if (!json_object_is_type(op.val, json_type_object))
			continue;
		json_object_object_foreachC(op.val, k)
			if (strcasecmp(k.key, key) == 0)
				return lambda_first_str(k.val);
	}
	return NULL;
}

int
lambda_get_policy_parse(struct aws_response *resp, struct lambda_policy *p,
    char **cause)
{
	struct json_object *doc, *a, *o, *cond;
	struct lambda_statement *s;
	const char *text;
	size_t i, n;

	memset(p, 0, sizeof *p);
	if (svc_check(resp, "GetPolicy", cause) != 0)
		return -1;
	if ((text = aws_json_str(resp->json, "Policy")) == NULL)
		return svc_lacks("GetPolicy", "Policy", cause);
	if ((doc = json_tokener_parse(text)) == NULL) {
		*cause = xstrdup("GetPolicy: the policy is not valid JSON");
		return -1;
	}
	p->json = xstrdup(text);
	p->revision_id = svc_json_dup(resp->json, "RevisionId");
	/* A single statement may be an object rather than a list. */
	o = aws_json_get(doc, "Statement");
	if (o != NULL && json_object_is_type(o, json_type_object)) {
		a = NULL;
		n = 1;
	} else
		a = aws_json_array(doc, "Statement", &n);
	for (i = 0; i < n; i++) {
		if (a != NULL)
			o = json_object_array_get_idx(a, i);
		s = xpush(&p->v, &p->n, sizeof *p->v);
		s->sid = svc_json_dup(o, "Sid");
		s->effect = svc_json_dup(o, "Effect");
		s->principal = lambda_first_str(aws_json_get(o, "Principal"));
		s->action = lambda_first_str(aws_json_get(o, "Action"));
		s->resource = lambda_first_str(aws_json_get(o, "Resource"));
		cond = aws_json_get(o, "Condition");
		s->source_arn = lambda_condition(cond, "AWS:SourceArn");
		s->source_account = lambda_condition(cond, "AWS:SourceAccount");
	}
	json_object_put(doc);
	return 0;
}

void
lambda_policy_free(struct lambda_policy *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].sid);
		free(p->v[i].effect);
		free(p->v[i].principal);
		free(p->v[i].action);
		free(p->v[i].resource);
		free(p->v[i].source_arn);
		free(p->v[i].source_account);
	}
	free(p->v);
	free(p->json);
	free(p->revision_id);
	memset(p, 0, sizeof *p);
}
