/* AWS IAM operations (query protocol). */
#include "config.h"

#include <limits.h>

#include "svc_internal.h"

#define IAM_NAME_CHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
	"0123456789+=,.@_-"

/* Role and policy names share a character set; only their lengths
 * differ. */
static bool
iam_name_ok(const char *name, const char *what, size_t max, char **cause)
{
	size_t n;

	if (!svc_need(name, what, cause))
		return false;
	n = strlen(name);
	if (n > max || strspn(name, IAM_NAME_CHARS) != n) {
		*cause = xasprintf("%s '%s' must be 1 to %zu letters, digits or "
		    "'+=,.@_-'", what, name, max);
		return false;
	}
	return true;
}

int
iam_role_name_check(const char *name, char **cause)
{
	return iam_name_ok(name, "IAM role name", 64, cause) ? 0 : -1;
}

static bool
iam_policy_name_ok(const char *name, char **cause)
{
	return iam_name_ok(name, "IAM policy name", 128, cause);
}

/* "/" or "/a/b/": printable ASCII without spaces, slashes at both ends. */
static bool
iam_path_ok(const char *path, char **cause)
{
	size_t i, n = strlen(path);

	if (n == 0 || n > 512 || path[0] != '/' || path[n - 1] != '/')
		goto bad;
	for (i = 0; i < n; i++)
		if (path[i] < 0x21 || path[i] > 0x7e)
			goto bad;
	return true;
bad:
	*cause = xasprintf("IAM path '%s' must be '/' or begin and end with "
	    "'/', with at most 512 printable characters and no spaces", path);
	return false;
}

static struct aws_request *
iam_role_request(const char *op, const char *role, char **cause)
{
	struct aws_request *r;

	if (iam_role_name_check(role, cause) != 0)
		return NULL;
	r = aws_request_new(SVC_IAM, op);
	kv_add(&r->params, "RoleName", role);
	return r;
}

static struct aws_request *
iam_policy_request(const char *op, const char *role, const char *policy,
    char **cause)
{
	struct aws_request *r;

	if (!iam_policy_name_ok(policy, cause) ||
	    (r = iam_role_request(op, role, cause)) == NULL)
		return NULL;
	kv_add(&r->params, "PolicyName", policy);
	return r;
}

struct aws_request *
iam_create_role(const struct iam_role_spec *s, char **cause)
{
	struct aws_request *r;
	char num[16];

	if (iam_role_name_check(s->name, cause) != 0 ||
	    !svc_need_json(s->assume_policy, "IAM role trust policy", cause) ||
	    (s->path != NULL && !iam_path_ok(s->path, cause)))
		return NULL;
	if (s->max_session != 0 &&
	    (s->max_session < 3600 || s->max_session > 43200))
		return svc_invalid(cause, "IAM role %s: maximum session duration "
		    "%d is not 3600 to 43200 seconds", s->name, s->max_session);
	r = iam_role_request("CreateRole", s->name, cause);
	kv_add(&r->params, "AssumeRolePolicyDocument", s->assume_policy);
	if (s->path != NULL)
		kv_add(&r->params, "Path", s->path);
	if (s->description != NULL)
		kv_add(&r->params, "Description", s->description);
	if (s->max_session != 0) {
		snprintf(num, sizeof num, "%d", s->max_session);
		kv_add(&r->params, "MaxSessionDuration", num);
	}
	svc_param_tags(r, "Tags", s->tags, s->ntags);
	return r;
}

struct aws_request *
iam_get_role(const char *name, char **cause)
{
	return iam_role_request("GetRole", name, cause);
}

struct aws_request *
iam_delete_role(const char *name, char **cause)
{
	return iam_role_request("DeleteRole", name, cause);
}

struct aws_request *
iam_update_assume_role_policy(const char *role, const char *document,
    char **cause)
{
	struct aws_request *r;

	if (!svc_need_json(document, "IAM trust policy", cause) ||
	    (r = iam_role_request("UpdateAssumeRolePolicy", role, cause)) == NULL)
		return NULL;
	kv_add(&r->params, "PolicyDocument", document);
	return r;
}

struct aws_request *
iam_put_role_policy(const char *role, const char *policy,
    const char *document, char **cause)
{
	struct aws_request *r;

	if (!svc_need_json(document, "IAM policy document", cause) ||
	    (r = iam_policy_request("PutRolePolicy", role, policy,
	    cause)) == NULL)
		return NULL;
	kv_add(&r->params, "PolicyDocument", document);
	return r;
}

struct aws_request *
iam_get_role_policy(const char *role, const char *policy, char **cause)
{
	return iam_policy_request("GetRolePolicy", role, policy, cause);
}

struct aws_request *
iam_delete_role_policy(const char *role, const char *policy, char **cause)
{
	return iam_policy_request("DeleteRolePolicy", role, policy, cause);
}

struct aws_request *
iam_list_role_policies(const char *role, const char *marker, char **cause)
{
	struct aws_request *r;

	if ((r = iam_role_request("ListRolePolicies", role, cause)) == NULL)
		return NULL;
	if (!svc_empty(marker))
		kv_add(&r->params, "Marker", marker);
	return r;
}

/* --- answers ------------------------------------------------------------ */

/* IAM sends policy documents percent-encoded. */
static char *
iam_policy_dup(const struct xml_node *n, const char *path)
{
	const char *v = n != NULL ? xml_text(n, path) : NULL;

	return v != NULL ? svc_url_decode(v, false) : NULL;
}

static int
iam_role_answer(struct aws_response *resp, const char *op, struct iam_role *t,
    char **cause)
{
	const struct xml_node *role;
	const char *v;
	char *end;
	long n;

	memset(t, 0, sizeof *t);
	if (svc_check(resp, op, cause) != 0)
		return -1;
	role = xml_find(svc_xml_result(resp), "Role");
	if (role == NULL || xml_text(role, "Arn") == NULL)
		return svc_lacks(op, "Role/Arn", cause);
	t->name = svc_xml_dup(role, "RoleName");
	t->id = svc_xml_dup(role, "RoleId");
	t->arn = svc_xml_dup(role, "Arn");
	t->path = svc_xml_dup(role, "Path");
	t->assume_policy = iam_policy_dup(role, "AssumeRolePolicyDocument");
	t->description = svc_xml_dup(role, "Description");
	if ((v = xml_text(role, "MaxSessionDuration")) != NULL) {
		/* Not atoi(): past INT_MAX it is undefined. */
		n = strtol(v, &end, 10);
		t->max_session = end != v && *end == '\0' && n > 0 &&
		    n <= INT_MAX ? (int)n : 0;
	}
	t->created = svc_iso8601(xml_text(role, "CreateDate"));
	return 0;
}

int
iam_create_role_parse(struct aws_response *resp, struct iam_role *t,
    char **cause)
{
	return iam_role_answer(resp, "CreateRole", t, cause);
}

int
iam_get_role_parse(struct aws_response *resp, struct iam_role *t,
    char **cause)
{
	return iam_role_answer(resp, "GetRole", t, cause);
}

void
iam_role_free(struct iam_role *t)
{
	free(t->name);
	free(t->id);
	free(t->arn);
	free(t->path);
	free(t->assume_policy);
	free(t->description);
	memset(t, 0, sizeof *t);
}

int
iam_get_role_policy_parse(struct aws_response *resp,
    struct iam_role_policy *p, char **cause)
{
	const struct xml_node *res;

	memset(p, 0, sizeof *p);
	if (svc_check(resp, "GetRolePolicy", cause) != 0)
		return -1;
	res = svc_xml_result(resp);
	if ((p->document = iam_policy_dup(res, "PolicyDocument")) == NULL)
		return svc_lacks("GetRolePolicy", "PolicyDocument", cause);
	p->role = svc_xml_dup(res, "RoleName");
	p->name = svc_xml_dup(res, "PolicyName");
	return 0;
}

void
iam_role_policy_free(struct iam_role_policy *p)
{
	free(p->role);
	free(p->name);
	free(p->document);
	memset(p, 0, sizeof *p);
}

int
iam_list_role_policies_parse(struct aws_response *resp,
    struct iam_policy_names *l, char **cause)
{
	const struct xml_node *res, *names, *m;

	memset(l, 0, sizeof *l);
	if (svc_check(resp, "ListRolePolicies", cause) != 0)
		return -1;
	res = svc_xml_result(resp);
	if ((names = xml_find(res, "PolicyNames")) == NULL)
		return svc_lacks("ListRolePolicies", "PolicyNames", cause);
	for (m = names->child; m != NULL; m = m->next)
		*(char **)xpush(&l->v, &l->n, sizeof *l->v) =
		    xstrdup(m->text);
	if (svc_xml_bool(res, "IsTruncated"))
		l->marker = svc_xml_dup(res, "Marker");
	return 0;
}

void
iam_policy_names_free(struct iam_policy_names *l)
{
	xstrv_free(l->v, l->n);
	free(l->marker);
	memset(l, 0, sizeof *l);
}
