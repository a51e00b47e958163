/* Operator policies from the call tables. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "oppolicy.h"
#include "xalloc.h"

/* Fills ${key} in tmpl (one resource, no spaces); NULL with *cause. */
static char *
oppolicy_fill(const char *tmpl, size_t len, oppolicy_name_fn name, void *arg,
    char **cause)
{
	struct buf b = { 0 };
	const char *p = tmpl, *end = tmpl + len, *close, *v;
	char *key;

	while (p < end) {
		if (p[0] != '$' || p + 1 >= end || p[1] != '{') {
			buf_addc(&b, *p++);
			continue;
		}
		close = memchr(p, '}', (size_t)(end - p));
		if (close == NULL) {
			*cause = xasprintf("resource %.*s: no '}'", (int)len,
			    tmpl);
			buf_free(&b);
			return NULL;
		}
		key = xstrndup(p + 2, (size_t)(close - p - 2));
		if ((v = name(key, arg)) == NULL) {
			*cause = xasprintf("resource %.*s: no name %s",
			    (int)len, tmpl, key);
			free(key);
			buf_free(&b);
			return NULL;
		}
		free(key);
		buf_adds(&b, v);
		p = close + 1;
	}
	return buf_take(&b);
}

/* NULL first. */
static int
oppolicy_cond_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
oppolicy_row_cmp(const void *a, const void *b)
{
	const struct oppolicy_row *x = a, *y = b;
	int c;

	if ((c = strcmp(x->action, y->action)) != 0)
		return c;
	if ((c = oppolicy_cond_cmp(x->condition, y->condition)) != 0)
		return c;
	return strcmp(x->resource, y->resource);
}

static void
oppolicy_add(struct oppolicy *p, char *action, char *resource,
    const struct calls_entry *e, bool moto)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].action, action) == 0 &&
		    strcmp(p->v[i].resource, resource) == 0) {
			free(action);
			free(resource);
			return;
		}
	p->v = xreallocarray(p->v, p->n + 1, sizeof *p->v);
	p->v[p->n].action = action;
	p->v[p->n].resource = resource;
	p->v[p->n].why = e->why;
	p->v[p->n].condition = moto ? NULL : e->condition;
	p->n++;
}

/* The S3 calls moto authorises under another action than AWS's (moto
 * 5.2.1's s3/responses.py ACTION_MAP): HeadBucket under s3:HeadBucket
 * where AWS has s3:ListBucket, and the public access block calls under
 * its default for the method, since its map looks for a query key
 * "public_access_block" where the request has "publicAccessBlock". */
static const struct {
	const char	*op;
	const char	*action;
} oppolicy_moto_s3[] = {
	{ "HeadBucket", "s3:HeadBucket" },
	{ "GetPublicAccessBlock", "s3:ListBucket" },
	{ "PutPublicAccessBlock", "s3:CreateBucket" },
	{ "DeletePublicAccessBlock", "s3:DeleteBucket" },
};

/* The action of a call: AWS's, or with moto the one moto checks. */
static char *
oppolicy_action(const struct calls_entry *e, bool moto)
{
	char *a, *r;
	size_t i;

	/* moto checks CloudWatch's calls as monitoring:X (its signing
	 * name), where AWS has cloudwatch:X. */
	if (moto && e->svc == SVC_CLOUDWATCH) {
		a = calls_action(e->svc, e->op);
		r = xasprintf("monitoring%s", strchr(a, ':'));
		free(a);
		return r;
	}
	if (moto && e->svc == SVC_S3)
		for (i = 0; i < sizeof oppolicy_moto_s3 /
		    sizeof oppolicy_moto_s3[0]; i++)
			if (strcmp(e->op, oppolicy_moto_s3[i].op) == 0)
				return xstrdup(oppolicy_moto_s3[i].action);
	return calls_action(e->svc, e->op);
}

static bool
oppolicy_counts(const struct calls_entry *e, unsigned when)
{
	return when == 0 || e->when == 0 || (e->when & when) != 0;
}

struct oppolicy *
oppolicy_new(const struct oppolicy_part *parts, size_t nparts,
    oppolicy_name_fn name, void *arg, bool moto, char **cause)
{
	struct oppolicy *p = xcalloc(1, sizeof *p);
	const struct calls_entry *e;
	const char *r;
	char *action, *res;
	size_t i, len;

	for (i = 0; i < nparts; i++) {
		for (e = parts[i].calls; e != NULL && e->op != NULL; e++) {
			if (!oppolicy_counts(e, parts[i].when))
				continue;
			/* Moto evaluates only S3's resources (its IAM
			 * checks every other call against "*"). */
			if (moto && e->svc != SVC_S3) {
				oppolicy_add(p, oppolicy_action(e, moto),
				    xstrdup("*"), e, moto);
				continue;
			}
			for (r = e->resource; *r != '\0'; r += len) {
				r += strspn(r, " ");
				if ((len = strcspn(r, " ")) == 0)
					break;
				if ((res = oppolicy_fill(r, len, name, arg,
				    cause)) == NULL) {
					oppolicy_free(p);
					return NULL;
				}
				action = oppolicy_action(e, moto);
				oppolicy_add(p, action, res, e, moto);
			}
		}
	}
	if (p->n > 0)
		qsort(p->v, p->n, sizeof *p->v, oppolicy_row_cmp);
	return p;
}

void
oppolicy_free(struct oppolicy *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->v[i].action);
		free(p->v[i].resource);
	}
	free(p->v);
	free(p);
}

bool
oppolicy_has(const struct oppolicy_part *parts, size_t nparts,
    const char *action)
{
	const struct calls_entry *e;
	bool found = false;
	size_t i;
	char *a;

	for (i = 0; i < nparts && !found; i++)
		for (e = parts[i].calls; e != NULL && e->op != NULL &&
		    !found; e++) {
			if (!oppolicy_counts(e, parts[i].when))
				continue;
			a = calls_action(e->svc, e->op);
			found = strcmp(a, action) == 0;
			free(a);
		}
	return found;
}

/* The resources of the rows of an action and condition (the rows are
 * sorted so), as one key: "r1 r2 ...". */
static char *
oppolicy_resources_of(const struct oppolicy *p, size_t first, size_t *next)
{
	struct buf b = { 0 };
	size_t i;

	for (i = first; i < p->n && strcmp(p->v[i].action,
	    p->v[first].action) == 0 && oppolicy_cond_cmp(p->v[i].condition,
	    p->v[first].condition) == 0; i++)
		buf_printf(&b, "%s%s", i == first ? "" : " ",
		    p->v[i].resource);
	*next = i;
	return buf_take(&b);
}

static struct json_object *
oppolicy_strings(const char *spaced)
{
	struct json_object *a = json_object_new_array();
	const char *r;
	size_t len;

	for (r = spaced; *r != '\0'; r += len) {
		r += strspn(r, " ");
		if ((len = strcspn(r, " ")) == 0)
			break;
		json_object_array_add(a, json_object_new_string_len(r,
		    (int)len));
	}
	return a;
}

char *
oppolicy_json(const struct oppolicy *p)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *sts = json_object_new_array(), *st, *acts, *cond;
	char **keys = NULL, *key, *out;
	const char **conds = NULL;
	struct json_object **stv = NULL;
	size_t i, k, nkeys = 0, next;

	/* Actions with the same resources and condition: one statement. */
	for (i = 0; i < p->n; i = next) {
		key = oppolicy_resources_of(p, i, &next);
		for (k = 0; k < nkeys; k++)
			if (strcmp(keys[k], key) == 0 && oppolicy_cond_cmp(
			    conds[k], p->v[i].condition) == 0)
				break;
		if (k == nkeys) {
			keys = xreallocarray(keys, nkeys + 1, sizeof *keys);
			conds = xreallocarray(conds, nkeys + 1, sizeof *conds);
			stv = xreallocarray(stv, nkeys + 1, sizeof *stv);
			keys[nkeys] = key;
			conds[nkeys] = p->v[i].condition;
			st = stv[nkeys] = json_object_new_object();
			json_object_object_add(st, "Effect",
			    json_object_new_string("Allow"));
			json_object_object_add(st, "Action",
			    json_object_new_array());
			json_object_object_add(st, "Resource",
			    oppolicy_strings(key));
			if (conds[nkeys] != NULL && (cond = json_tokener_parse(
			    conds[nkeys])) != NULL)
				json_object_object_add(st, "Condition", cond);
			json_object_array_add(sts, st);
			nkeys++;
		} else
			free(key);
		json_object_object_get_ex(stv[k], "Action", &acts);
		json_object_array_add(acts,
		    json_object_new_string(p->v[i].action));
	}
	json_object_object_add(doc, "Version",
	    json_object_new_string("2012-10-17"));
	json_object_object_add(doc, "Statement", sts);
	out = xstrdup(json_object_to_json_string_ext(doc,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	for (k = 0; k < nkeys; k++)
		free(keys[k]);
	free(keys);
	free(conds);
	free(stv);
	return out;
}

char *
oppolicy_text(const struct oppolicy *p)
{
	struct buf b = { 0 };
	size_t i, wa = strlen("ACTION"), wr = strlen("RESOURCE");

	for (i = 0; i < p->n; i++) {
		if (strlen(p->v[i].action) > wa)
			wa = strlen(p->v[i].action);
		if (strlen(p->v[i].resource) > wr)
			wr = strlen(p->v[i].resource);
	}
	buf_printf(&b, "%-*s  %-*s  %s\n", (int)wa, "ACTION", (int)wr,
	    "RESOURCE", "WHY");
	for (i = 0; i < p->n; i++)
		buf_printf(&b, "%-*s  %-*s  %s%s%s%s\n", (int)wa,
		    p->v[i].action, (int)wr, p->v[i].resource, p->v[i].why,
		    p->v[i].condition != NULL ? " (if " : "",
		    p->v[i].condition != NULL ? p->v[i].condition : "",
		    p->v[i].condition != NULL ? ")" : "");
	return buf_take(&b);
}
