/* The helpers the svc_*.c files share: local checks for builders, JSON
 * and query-protocol request fields, and the pieces parsers are made of.
 * Only svc_*.c include this header; svc.h is the typed API for the rest. */
#ifndef S3W_SVC_INTERNAL_H
#define S3W_SVC_INTERNAL_H

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "isotime.h"
#include "kv.h"
#include "svc.h"
#include "xml.h"

static inline bool
svc_empty(const char *s)
{
	return s == NULL || *s == '\0';
}

/* Builders: sets *cause and returns NULL. */
static inline struct aws_request *
svc_invalid(char **cause, const char *fmt, ...) ATTR_FORMAT(2, 3);
static inline struct aws_request *
svc_invalid(char **cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*cause = xvasprintf(fmt, ap);
	va_end(ap);
	return NULL;
}

/* False with *cause "WHAT is empty" when a required string is missing. */
static inline bool
svc_need(const char *value, const char *what, char **cause)
{
	if (!svc_empty(value))
		return true;
	*cause = xasprintf("%s is empty", what);
	return false;
}

/* Documents (policies, patterns, dashboards) must at least be JSON. */
static inline bool
svc_need_json(const char *doc, const char *what, char **cause)
{
	struct json_tokener *tok;
	struct json_object *o;
	bool ok;

	if (!svc_need(doc, what, cause))
		return false;
	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, doc, (int)strlen(doc));
	ok = o != NULL && json_tokener_get_error(tok) == json_tokener_success &&
	    json_tokener_get_parse_end(tok) == strlen(doc);
	if (!ok)
		*cause = xasprintf("%s is not valid JSON", what);
	json_object_put(o);
	json_tokener_free(tok);
	return ok;
}

static inline int
svc_lacks(const char *op, const char *what, char **cause)
{
	*cause = xasprintf("%s answer has no %s", op, what);
	return -1;
}

/* Percent-decoding of IAM policy documents and of S3 listings asked for
 * with encoding-type=url, where '+' also stands for a space. */
static inline char *
svc_url_decode(const char *s, bool plus_is_space)
{
	struct buf b = { 0 };
	char hex[3] = { 0, 0, 0 };

	for (; *s != '\0'; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			hex[0] = s[1];
			hex[1] = s[2];
			buf_addc(&b, (char)strtol(hex, NULL, 16));
			s += 2;
		} else
			buf_addc(&b, plus_is_space && *s == '+' ? ' ' : *s);
	}
	return buf_take(&b);
}

/* "2024-05-01T12:34:56[.123]Z" (AWS XML timestamps: what follows the
 * seconds is not read); 0 when unparsable. */
static inline time_t
svc_iso8601(const char *s)
{
	int64_t t;

	return isotime_parse(s, ISOTIME_PREFIX, &t) == 0 ? (time_t)t : 0;
}

/* awsJson and rest-json: a request with an empty JSON body to fill. */
static inline struct aws_request *
svc_json_request(enum aws_service_id svc, const char *op)
{
	struct aws_request *r = aws_request_new(svc, op);

	r->json = json_object_new_object();
	return r;
}

static inline void
svc_json_add_str(struct json_object *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, key, json_object_new_string(v));
}

static inline void
svc_json_add_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static inline void
svc_json_add_bool(struct json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

static inline void
svc_json_add_strings(struct json_object *o, const char *key,
    char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	json_object_object_add(o, key, a);
}

/* {"key": "value", ...} from tags, as CloudWatch Logs and Lambda want. */
static inline void
svc_json_add_map(struct json_object *o, const char *key,
    const struct svc_tag *tags, size_t n)
{
	struct json_object *m = json_object_new_object();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_object_add(m, tags[i].key,
		    json_object_new_string(tags[i].value));
	json_object_object_add(o, key, m);
}

static inline char *
svc_json_dup(struct json_object *o, const char *key)
{
	return xstrdup_null(aws_json_str(o, key));
}

/* Strings of a JSON array into an owned vector. */
static inline char **
svc_json_strings(struct json_object *o, const char *key, size_t *n)
{
	struct json_object *a = aws_json_array(o, key, n);
	char **v;
	size_t i;

	if (*n == 0)
		return NULL;
	v = xcalloc(*n, sizeof *v);
	for (i = 0; i < *n; i++)
		v[i] = xstrdup(json_object_get_string(
		    json_object_array_get_idx(a, i)));
	return v;
}

/* One string of a JSON answer into *out, which must be there. */
static inline int
svc_json_field(struct aws_response *resp, const char *op, const char *key,
    char **out, char **cause)
{
	const char *v;

	*out = NULL;
	if (svc_check(resp, op, cause) != 0)
		return -1;
	if ((v = aws_json_str(resp->json, key)) == NULL)
		return svc_lacks(op, key, cause);
	*out = xstrdup(v);
	return 0;
}

/* Query protocol: the <OpResult> element of <OpResponse>, or NULL. */
static inline const struct xml_node *
svc_xml_result(struct aws_response *resp)
{
	const struct xml_node *n;
	size_t len;

	for (n = resp->xml != NULL ? resp->xml->child : NULL; n != NULL;
	    n = n->next) {
		len = strlen(n->name);
		if (len > 6 && strcmp(n->name + len - 6, "Result") == 0)
			return n;
	}
	return NULL;
}

static inline char *
svc_xml_dup(const struct xml_node *n, const char *path)
{
	return xstrdup_null(n != NULL ? xml_text(n, path) : NULL);
}

static inline bool
svc_xml_bool(const struct xml_node *n, const char *path)
{
	const char *v = n != NULL ? xml_text(n, path) : NULL;

	return v != NULL && strcmp(v, "true") == 0;
}

/* One text of a query answer's result into *out, which must be there. */
static inline int
svc_xml_field(struct aws_response *resp, const char *op, const char *path,
    char **out, char **cause)
{
	*out = NULL;
	if (svc_check(resp, op, cause) != 0)
		return -1;
	if ((*out = svc_xml_dup(svc_xml_result(resp), path)) == NULL)
		return svc_lacks(op, path, cause);
	return 0;
}

/* Query protocol lists: "List.member.N[.Field]" (N from 1). */
static inline void
svc_param_member(struct aws_request *r, const char *list, size_t i,
    const char *field, const char *value)
{
	char *name;

	if (field != NULL)
		name = xasprintf("%s.member.%zu.%s", list, i + 1, field);
	else
		name = xasprintf("%s.member.%zu", list, i + 1);
	kv_add(&r->params, name, value);
	free(name);
}

static inline void
svc_param_tags(struct aws_request *r, const char *list,
    const struct svc_tag *tags, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		svc_param_member(r, list, i, "Key", tags[i].key);
		svc_param_member(r, list, i, "Value", tags[i].value);
	}
}

#endif
