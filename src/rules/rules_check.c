/* The analysis checks (policy-grant, acl-grant, cross-account-copy,
 * trail-selectors, log-expiry): the table and each check, as doc/rules.md
 * specifies them for this engine and the Lambda analyser alike. */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "rules_check.h"
#include "xalloc.h"

/* Text from the record is cut to this many bytes in a reason. */
#define CK_QUOTE_MAX	48

/* --- reading the record ------------------------------------------------- */

/* A member of o by its exact name (CloudTrail's own fields); NULL when o
 * is no object, lacks it or holds null there. */
static struct json_object *
ck_get(struct json_object *o, const char *name)
{
	struct json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, name, &v))
		return NULL;
	return v;
}

/* A member by its name in any case: the request's own documents (policy,
 * ACL, selectors, lifecycle) and HTTP headers. */
static struct json_object *
ck_member(struct json_object *o, const char *name)
{
	if (!json_object_is_type(o, json_type_object))
		return NULL;
	json_object_object_foreach(o, k, v) {
		if (strcasecmp(k, name) == 0)
			return v;
	}
	return NULL;
}

static const char *
ck_str(struct json_object *v)
{
	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

/* One value or a list of them ("Statement": {...} or [{...}, ...]). */
static size_t
ck_count(struct json_object *v)
{
	if (v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_array))
		return json_object_array_length(v);
	return 1;
}

static struct json_object *
ck_item(struct json_object *v, size_t i)
{
	if (json_object_is_type(v, json_type_array))
		return json_object_array_get_idx(v, i);
	return i == 0 ? v : NULL;
}

/* A string, or a JSON integer as its decimal digits (an account id
 * written as a number); NULL for anything else. */
static const char *
ck_text(struct json_object *v, char *buf, size_t size)
{
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	if (json_object_is_type(v, json_type_int)) {
		snprintf(buf, size, "%lld",
		    (long long)json_object_get_int64(v));
		return buf;
	}
	return NULL;
}

/* A JSON integer, or a string of decimal digits with an optional sign. */
static bool
ck_int(struct json_object *v, long long *out)
{
	const char *s = ck_str(v), *p;

	if (json_object_is_type(v, json_type_int)) {
		*out = (long long)json_object_get_int64(v);
		return true;
	}
	if (s == NULL)
		return false;
	p = *s == '-' || *s == '+' ? s + 1 : s;
	if (*p == '\0' || strspn(p, "0123456789") != strlen(p) ||
	    strlen(p) > 15)
		return false;
	*out = strtoll(s, NULL, 10);
	return true;
}

/* JSON true, or the string "true" in any case. */
static bool
ck_true(struct json_object *v)
{
	const char *s = ck_str(v);

	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	return s != NULL && strcasecmp(s, "true") == 0;
}

/* Does the string value or list v hold want (exactly)? */
static bool
ck_holds(struct json_object *v, const char *want)
{
	const char *s;
	size_t i;

	for (i = 0; i < ck_count(v); i++)
		if ((s = ck_str(ck_item(v, i))) != NULL && strcmp(s, want) == 0)
			return true;
	return false;
}

static bool
ck_in(const char *s, char *const *list, size_t n)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* --- accounts ----------------------------------------------------------- */

static bool
ck_is_account(const char *s)
{
	return s != NULL && strlen(s) == 12 && strspn(s, "0123456789") == 12;
}

/* The account field of an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:...)
 * into out, when it is 12 digits and the service is service (NULL: any). */
static bool
ck_arn_account(const char *arn, const char *service, char out[13])
{
	const char *f[6];
	size_t i, n;

	if (arn == NULL || strncmp(arn, "arn:", 4) != 0)
		return false;
	f[0] = arn;
	for (i = 1; i < 6; i++) {
		if ((f[i] = strchr(f[i - 1], ':')) == NULL)
			return false;
		f[i]++;
	}
	n = (size_t)(f[3] - f[2]) - 1;
	if (service != NULL && (strlen(service) != n ||
	    strncmp(f[2], service, n) != 0))
		return false;
	if ((size_t)(f[5] - f[4]) != 13 || strspn(f[4], "0123456789") != 12)
		return false;
	memcpy(out, f[4], 12);
	out[12] = '\0';
	return true;
}

/* The trusted accounts: the settings', else the record's own account. */
struct ck_ctx {
	const struct rules_check_settings *s;
	char		 own[13];	/* "" when the record names none */
	struct rules_check_hit *hit;
	bool		 any;		/* hit holds a verdict */
};

static void
ck_init(struct ck_ctx *x, struct json_object *rec,
    const struct rules_check_settings *s, struct rules_check_hit *h)
{
	const char *own = ck_str(ck_get(rec, "recipientAccountId"));

	memset(x, 0, sizeof *x);
	x->s = s;
	x->hit = h;
	if (!ck_is_account(own))
		own = ck_str(ck_get(ck_get(rec, "userIdentity"), "accountId"));
	if (ck_is_account(own))
		memcpy(x->own, own, 13);
	h->severity = RULES_INFO;
	h->reason[0] = '\0';
}

/* Not provably foreign: with no trusted account known (no setting, no
 * account in the record) nothing is. */
static bool
ck_trusted(const struct ck_ctx *x, const char *account)
{
	if (x->s->ntrusted > 0)
		return ck_in(account, x->s->trusted, x->s->ntrusted);
	return x->own[0] == '\0' || strcmp(account, x->own) == 0;
}

/* Every value of v (at least one) is a trusted account, or with arn the
 * ARN of a resource in one. */
static bool
ck_all_trusted(const struct ck_ctx *x, struct json_object *v, bool arn)
{
	char buf[32], acct[13];
	const char *s;
	size_t i, n = ck_count(v);

	for (i = 0; i < n; i++) {
		s = ck_text(ck_item(v, i), buf, sizeof buf);
		if (arn ? !ck_arn_account(s, NULL, acct) : !ck_is_account(s))
			return false;
		if (!ck_trusted(x, arn ? acct : s))
			return false;
	}
	return n > 0;
}

/* --- verdicts ----------------------------------------------------------- */

/* Text from the record, cut to CK_QUOTE_MAX bytes on a character
 * boundary. */
static const char *
ck_quote(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s);

	if (n <= CK_QUOTE_MAX && n < size)
		return s;
	n = CK_QUOTE_MAX < size - 4 ? CK_QUOTE_MAX : size - 4;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

/* A finding of severity sev: kept when it is the worst so far (the first
 * of equals). */
static void ATTR_FORMAT(3, 4)
ck_raise(struct ck_ctx *x, enum rules_severity sev, const char *fmt, ...)
{
	va_list ap;

	if (x->any && sev <= x->hit->severity)
		return;
	x->any = true;
	x->hit->severity = sev;
	va_start(ap, fmt);
	vsnprintf(x->hit->reason, sizeof x->hit->reason, fmt, ap);
	va_end(ap);
}

/* --- policy-grant ------------------------------------------------------- */

enum ck_class {
	CK_NONE,
	CK_SERVICE,	/* a service principal, not tied to our accounts */
	CK_FOREIGN,	/* an account outside the trusted ones */
	CK_PUBLIC,	/* everyone */
};

/* The worst principal of a statement, and its text for the reason. */
struct ck_principal {
	enum ck_class	 class;
	char		 who[96];
};

/* what, and the value from the record quoted after it (unless NULL). */
static void
ck_principal_set(struct ck_principal *p, enum ck_class class,
    const char *what, const char *value)
{
	char q[CK_QUOTE_MAX + 4];

	if (class <= p->class)
		return;
	p->class = class;
	if (value == NULL)
		snprintf(p->who, sizeof p->who, "%s", what);
	else
		snprintf(p->who, sizeof p->who, "%s \"%s\"", what,
		    ck_quote(value, q, sizeof q));
}

/* What a statement's Condition says, under any operator: the key that
 * confines it to known networks or to the trusted accounts (as written;
 * NULL for none), and whether it ties a service principal to the trusted
 * accounts (aws:SourceAccount, or aws:SourceArn of a resource in one). */
static void
ck_condition(const struct ck_ctx *x, struct json_object *cond,
    const char **confining, bool *service_ok)
{
	static const char *const any[] = {
		"aws:PrincipalOrgID", "aws:SourceVpc", "aws:SourceVpce",
		"aws:SourceIp",
	};
	size_t i;

	*confining = NULL;
	*service_ok = false;
	if (!json_object_is_type(cond, json_type_object))
		return;
	json_object_object_foreach(cond, op, keys) {
		(void)op;
		if (!json_object_is_type(keys, json_type_object))
			continue;
		json_object_object_foreach(keys, k, v) {
			for (i = 0; i < sizeof any / sizeof any[0]; i++)
				if (*confining == NULL &&
				    strcasecmp(k, any[i]) == 0)
					*confining = any[i];
			if (*confining == NULL &&
			    strcasecmp(k, "aws:PrincipalAccount") == 0 &&
			    ck_all_trusted(x, v, false))
				*confining = "aws:PrincipalAccount";
			if ((strcasecmp(k, "aws:SourceAccount") == 0 &&
			    ck_all_trusted(x, v, false)) ||
			    (strcasecmp(k, "aws:SourceArn") == 0 &&
			    ck_all_trusted(x, v, true)))
				*service_ok = true;
		}
	}
}

/* The AWS principals of a statement: "*", account ids, IAM and STS ARNs. */
static void
ck_aws_principals(const struct ck_ctx *x, struct json_object *v,
    struct ck_principal *p)
{
	char buf[32], acct[13];
	const char *s;
	size_t i;

	for (i = 0; i < ck_count(v); i++) {
		if ((s = ck_text(ck_item(v, i), buf, sizeof buf)) == NULL)
			continue;
		if (strcmp(s, "*") == 0)
			ck_principal_set(p, CK_PUBLIC, "everyone (AWS \"*\")",
			    NULL);
		else if (ck_is_account(s) && !ck_trusted(x, s))
			ck_principal_set(p, CK_FOREIGN, "account", s);
		else if ((ck_arn_account(s, "iam", acct) ||
		    ck_arn_account(s, "sts", acct)) && !ck_trusted(x, acct))
			ck_principal_set(p, CK_FOREIGN, "account", s);
	}
}

static void
ck_statement(struct ck_ctx *x, struct json_object *st, size_t index)
{
	struct json_object *principal, *cond = ck_member(st, "Condition");
	struct ck_principal p = { CK_NONE, "" };
	const char *effect = ck_str(ck_member(st, "Effect"));
	const char *sid = ck_str(ck_member(st, "Sid")), *key, *s;
	char label[CK_QUOTE_MAX + 16], q[CK_QUOTE_MAX + 4];
	bool service_ok;
	size_t i;

	if (effect == NULL || strcmp(effect, "Allow") != 0)
		return;
	ck_condition(x, cond, &key, &service_ok);
	if (ck_member(st, "NotPrincipal") != NULL)
		ck_principal_set(&p, CK_PUBLIC, "everyone but the NotPrincipal",
		    NULL);
	principal = ck_member(st, "Principal");
	if (json_object_is_type(principal, json_type_object)) {
		json_object_object_foreach(principal, k, v) {
			if (strcasecmp(k, "AWS") == 0)
				ck_aws_principals(x, v, &p);
			for (i = 0; i < ck_count(v); i++) {
				if ((s = ck_str(ck_item(v, i))) == NULL ||
				    *s == '\0')
					continue;
				if (strcasecmp(k, "CanonicalUser") == 0)
					ck_principal_set(&p, CK_FOREIGN,
					    "canonical user", s);
				else if (strcasecmp(k, "Service") == 0 &&
				    !service_ok)
					ck_principal_set(&p, CK_SERVICE,
					    "service", s);
			}
		}
	} else if (ck_holds(principal, "*"))
		ck_principal_set(&p, CK_PUBLIC, "everyone (Principal \"*\")",
		    NULL);
	if (p.class == CK_NONE)
		return;

	if (sid != NULL && *sid != '\0')
		snprintf(label, sizeof label, "\"%s\"", ck_quote(sid, q,
		    sizeof q));
	else
		snprintf(label, sizeof label, "#%zu", index + 1);
	switch (p.class) {
	case CK_PUBLIC:
		ck_raise(x, key != NULL ? RULES_MEDIUM : RULES_CRITICAL,
		    "statement %s allows %s%s%s", label, p.who,
		    key != NULL ? ", confined by " : "",
		    key != NULL ? key : "");
		break;
	case CK_FOREIGN:
		ck_raise(x, key != NULL ? RULES_LOW : RULES_HIGH,
		    "statement %s allows %s, outside the trusted accounts%s%s",
		    label, p.who, key != NULL ? ", confined by " : "",
		    key != NULL ? key : "");
		break;
	case CK_SERVICE:
		ck_raise(x, RULES_LOW, "statement %s allows %s with no "
		    "aws:SourceAccount or aws:SourceArn of a trusted account",
		    label, p.who);
		break;
	case CK_NONE:
		break;
	}
}

static bool
ck_policy_grant(struct json_object *rec, const struct rules_check_settings *s,
    struct rules_check_hit *h)
{
	struct json_object *policy, *parsed = NULL, *stmts;
	struct ck_ctx x;
	const char *text;
	size_t i;

	ck_init(&x, rec, s, h);
	policy = ck_get(ck_get(rec, "requestParameters"), "bucketPolicy");
	/* Some writers keep the policy as the JSON text it was sent as. */
	if ((text = ck_str(policy)) != NULL)
		parsed = rules_check_parse(text, strlen(text),
		    PATTERN_WRAP_CLOUDTRAIL, &policy);
	stmts = ck_member(policy, "Statement");
	for (i = 0; i < ck_count(stmts); i++)
		ck_statement(&x, ck_item(stmts, i), i);
	json_object_put(parsed);
	return x.any;
}

/* --- acl-grant ---------------------------------------------------------- */

#define CK_GROUPS	"http://acs.amazonaws.com/groups/global/"
#define CK_ALL_USERS	CK_GROUPS "AllUsers"
#define CK_AUTH_USERS	CK_GROUPS "AuthenticatedUsers"

/* One grantee: kind is "uri", "id" or "emailaddress" (any case). */
static void
ck_grantee(struct ck_ctx *x, const char *kind, const char *value,
    const char *owner, const char *permission)
{
	char q[CK_QUOTE_MAX + 4], qp[CK_QUOTE_MAX + 4];

	if (value == NULL || *value == '\0')
		return;
	permission = ck_quote(permission, qp, sizeof qp);
	if (strcasecmp(kind, "uri") == 0) {
		if (strcmp(value, CK_ALL_USERS) == 0)
			ck_raise(x, RULES_CRITICAL, "grants %s to AllUsers "
			    "(everyone)", permission);
		else if (strcmp(value, CK_AUTH_USERS) == 0)
			ck_raise(x, RULES_CRITICAL, "grants %s to "
			    "AuthenticatedUsers (every AWS account)",
			    permission);
	} else if (strcasecmp(kind, "id") == 0) {
		if (owner == NULL || strcasecmp(value, owner) != 0)
			ck_raise(x, RULES_HIGH, "grants %s to canonical user "
			    "\"%s\", not the owner", permission,
			    ck_quote(value, q, sizeof q));
	} else if (strcasecmp(kind, "emailaddress") == 0)
		ck_raise(x, RULES_HIGH, "grants %s to e-mail address \"%s\"",
		    permission, ck_quote(value, q, sizeof q));
}

/* An x-amz-grant-PERMISSION header: comma-separated KIND="VALUE"
 * grantees. */
static void
ck_grant_header(struct ck_ctx *x, const char *permission, const char *value,
    const char *owner)
{
	char *copy = xstrdup(value), *item, *eq, *k, *v, *save = NULL;
	size_t n;

	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(item, '=')) == NULL)
			continue;
		*eq = '\0';
		k = item + strspn(item, " \t");
		for (n = strlen(k); n > 0 && (k[n - 1] == ' ' ||
		    k[n - 1] == '\t'); n--)
			k[n - 1] = '\0';
		v = eq + 1 + strspn(eq + 1, " \t");
		for (n = strlen(v); n > 0 && (v[n - 1] == ' ' ||
		    v[n - 1] == '\t'); n--)
			v[n - 1] = '\0';
		if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
			v[n - 1] = '\0';
			v++;
		}
		ck_grantee(x, k, v, owner, permission);
	}
	free(copy);
}

static bool
ck_acl_grant(struct json_object *rec, const struct rules_check_settings *s,
    struct rules_check_hit *h)
{
	static const char *const canned[] = {
		"public-read", "public-read-write", "authenticated-read",
	};
	struct json_object *rp = ck_get(rec, "requestParameters"), *acp;
	struct json_object *grants, *g, *grantee;
	const char *owner, *acl, *perm, *hv;
	struct ck_ctx x;
	size_t i, j;

	ck_init(&x, rec, s, h);
	if (!json_object_is_type(rp, json_type_object))
		return false;
	acp = ck_member(rp, "x-amz-acl");
	for (i = 0; i < ck_count(acp); i++) {
		if ((acl = ck_str(ck_item(acp, i))) == NULL)
			continue;
		for (j = 0; j < sizeof canned / sizeof canned[0]; j++)
			if (strcasecmp(acl, canned[j]) == 0)
				ck_raise(&x, RULES_CRITICAL, "canned ACL %s",
				    canned[j]);
	}
	acp = ck_member(rp, "AccessControlPolicy");
	owner = ck_str(ck_member(ck_member(acp, "Owner"), "ID"));
	grants = ck_member(ck_member(acp, "AccessControlList"), "Grant");
	for (i = 0; i < ck_count(grants); i++) {
		g = ck_item(grants, i);
		grantee = ck_member(g, "Grantee");
		perm = ck_str(ck_member(g, "Permission"));
		if (perm == NULL)
			perm = "a permission";
		ck_grantee(&x, "uri", ck_str(ck_member(grantee, "URI")), owner,
		    perm);
		ck_grantee(&x, "id", ck_str(ck_member(grantee, "ID")), owner,
		    perm);
		ck_grantee(&x, "emailaddress", ck_str(ck_member(grantee,
		    "EmailAddress")), owner, perm);
	}
	json_object_object_foreach(rp, hname, hval) {
		if (strncasecmp(hname, "x-amz-grant-", 12) != 0)
			continue;
		for (i = 0; i < ck_count(hval); i++)
			if ((hv = ck_str(ck_item(hval, i))) != NULL)
				ck_grant_header(&x, hname + 12, hv, owner);
	}
	return x.any;
}

/* --- cross-account-copy ------------------------------------------------- */

static bool
ck_cross_account_copy(struct json_object *rec,
    const struct rules_check_settings *s, struct rules_check_hit *h)
{
	struct json_object *res = ck_get(rec, "resources"), *r, *kms;
	const char *type, *acct, *first = NULL, *key;
	char q[CK_QUOTE_MAX + 4], kacct[13];
	struct ck_ctx x;
	size_t i;

	ck_init(&x, rec, s, h);
	for (i = 0; json_object_is_type(res, json_type_array) &&
	    i < json_object_array_length(res); i++) {
		r = json_object_array_get_idx(res, i);
		type = ck_str(ck_get(r, "type"));
		/* CloudTrail's own field, not the caller's: any text. */
		acct = ck_str(ck_get(r, "accountId"));
		if (type == NULL || (strcmp(type, "AWS::S3::Object") != 0 &&
		    strcmp(type, "AWS::S3::Bucket") != 0) || acct == NULL ||
		    *acct == '\0')
			continue;
		/* Two accounts are a hit unless the setting trusts both
		 * (a pipeline between accounts of the owner's). */
		if (first == NULL)
			first = acct;
		else if (strcmp(first, acct) != 0 && (s->ntrusted == 0 ||
		    !ck_trusted(&x, first) || !ck_trusted(&x, acct)))
			ck_raise(&x, RULES_HIGH, "the copy's buckets belong to "
			    "accounts %s and %s", first, acct);
		if (!ck_trusted(&x, acct))
			ck_raise(&x, RULES_HIGH, "a bucket of the copy belongs "
			    "to account %s, outside the trusted accounts",
			    acct);
	}
	kms = ck_member(ck_get(rec, "requestParameters"),
	    "x-amz-server-side-encryption-aws-kms-key-id");
	for (i = 0; i < ck_count(kms); i++) {
		key = ck_str(ck_item(kms, i));
		if (!ck_arn_account(key, "kms", kacct) || ck_trusted(&x, kacct))
			continue;
		ck_raise(&x, RULES_HIGH, "the copy is encrypted with KMS key "
		    "\"%s\" of account %s, outside the trusted accounts",
		    ck_quote(key, q, sizeof q), kacct);
	}
	return x.any;
}

/* --- trail-selectors ---------------------------------------------------- */

/* Does a data resource value or an ARN prefix cover every object of
 * bucket?  "arn:P:s3" and "arn:P:s3:::" cover all buckets; otherwise the
 * value must be a prefix of "arn:P:s3:::BUCKET/". */
static bool
ck_covers(const char *v, const char *bucket)
{
	const char *rest, *tail;
	size_t n;

	if (v == NULL || strncmp(v, "arn:", 4) != 0 ||
	    (rest = strchr(v + 4, ':')) == NULL)
		return false;
	rest++;
	if (strcmp(rest, "s3") == 0)
		return true;
	if (strncmp(rest, "s3:::", 5) != 0)
		return false;
	tail = rest + 5;
	n = strlen(bucket);
	if (strlen(tail) <= n)
		return strncmp(bucket, tail, strlen(tail)) == 0;
	return strncmp(bucket, tail, n) == 0 && strcmp(tail + n, "/") == 0;
}

static bool
ck_any_covers(struct json_object *values, const char *bucket)
{
	size_t i;

	for (i = 0; i < ck_count(values); i++)
		if (ck_covers(ck_str(ck_item(values, i)), bucket))
			return true;
	return false;
}

/* An advanced resources.ARN field selector: does it keep every object of
 * bucket?  With StartsWith, Equals or EndsWith, only a StartsWith or
 * Equals value covering the bucket does; a NotStartsWith covering it
 * drops it. */
static bool
ck_arn_selector_keeps(struct json_object *f, const char *bucket)
{
	struct json_object *sw = ck_member(f, "startsWith");
	struct json_object *eq = ck_member(f, "equals");
	struct json_object *ew = ck_member(f, "endsWith");
	bool keeps = true;

	if (ck_count(sw) + ck_count(eq) + ck_count(ew) > 0)
		keeps = ck_any_covers(sw, bucket) || ck_any_covers(eq, bucket);
	if (ck_any_covers(ck_member(f, "notStartsWith"), bucket))
		keeps = false;
	return keeps;
}

/* Is the call's trail (a name or an ARN) the monitored trail?  With no
 * trail named in the settings, or none in the call, every trail is. */
static bool
ck_monitored_trail(const char *trail, const struct rules_check_settings *s)
{
	const char *slash;
	size_t i;

	if (s->ntrails == 0 || trail == NULL)
		return true;
	slash = strncmp(trail, "arn:", 4) == 0 ? strstr(trail, ":trail/") :
	    NULL;
	if (slash != NULL)
		trail = slash + 7;
	for (i = 0; i < s->ntrails; i++)
		if (strcmp(trail, s->trails[i]) == 0)
			return true;
	return false;
}

static bool
ck_trail_selectors(struct json_object *rec,
    const struct rules_check_settings *s, struct rules_check_hit *h)
{
	struct json_object *rp = ck_get(rec, "requestParameters");
	struct json_object *adv = ck_member(rp, "advancedEventSelectors");
	struct json_object *basic = ck_member(rp, "eventSelectors");
	struct json_object *sel, *list, *list_dr, *item, *fs, *f;
	const char *field, *type, *lost = NULL;
	bool mgmt = false, cat_data, type_obj, arn_ok, *data;
	char q[CK_QUOTE_MAX + 4];
	struct ck_ctx x;
	size_t i, j, k, b, nsource;

	ck_init(&x, rec, s, h);
	if (adv == NULL && basic == NULL)
		return false;
	/* Other trails may log other data; management events they must. */
	nsource = ck_monitored_trail(ck_str(ck_get(rp, "trailName")), s) ?
	    s->nsource : 0;
	data = xcalloc(nsource + 1, sizeof *data);
	list = adv != NULL ? adv : basic;
	for (i = 0; i < ck_count(list); i++) {
		sel = ck_item(list, i);
		if (!json_object_is_type(sel, json_type_object))
			continue;
		if (adv == NULL) {
			if (ck_true(ck_member(sel, "includeManagementEvents")))
				mgmt = true;
			list_dr = ck_member(sel, "dataResources");
			for (j = 0; j < ck_count(list_dr); j++) {
				item = ck_item(list_dr, j);
				type = ck_str(ck_member(item, "type"));
				if (type == NULL || strcmp(type,
				    "AWS::S3::Object") != 0)
					continue;
				for (b = 0; b < nsource; b++)
					if (ck_any_covers(ck_member(item,
					    "values"), s->source[b]))
						data[b] = true;
			}
			continue;
		}
		fs = ck_member(sel, "fieldSelectors");
		cat_data = type_obj = false;
		for (j = 0; j < ck_count(fs); j++) {
			f = ck_item(fs, j);
			field = ck_str(ck_member(f, "field"));
			if (field == NULL)
				continue;
			if (strcmp(field, "eventCategory") == 0) {
				if (ck_holds(ck_member(f, "equals"),
				    "Management"))
					mgmt = true;
				if (ck_holds(ck_member(f, "equals"), "Data"))
					cat_data = true;
			} else if (strcmp(field, "resources.type") == 0 &&
			    ck_holds(ck_member(f, "equals"), "AWS::S3::Object"))
				type_obj = true;
		}
		if (!cat_data || !type_obj)
			continue;
		for (b = 0; b < nsource; b++) {
			arn_ok = true;
			for (k = 0; k < ck_count(fs); k++) {
				f = ck_item(fs, k);
				field = ck_str(ck_member(f, "field"));
				if (field != NULL && strcmp(field,
				    "resources.ARN") == 0 &&
				    !ck_arn_selector_keeps(f, s->source[b]))
					arn_ok = false;
			}
			if (arn_ok)
				data[b] = true;
		}
	}
	for (b = 0; b < nsource && lost == NULL; b++)
		if (!data[b])
			lost = s->source[b];
	free(data);
	if (!mgmt)
		ck_raise(&x, RULES_HIGH, "the new %sevent selectors log no "
		    "management events%s%s", adv != NULL ? "advanced " : "",
		    lost != NULL ? " and no data events of bucket " : "",
		    lost != NULL ? ck_quote(lost, q, sizeof q) : "");
	else if (lost != NULL)
		ck_raise(&x, RULES_HIGH, "the new %sevent selectors log no "
		    "data events of bucket %s", adv != NULL ? "advanced " : "",
		    ck_quote(lost, q, sizeof q));
	return x.any;
}

/* --- log-expiry --------------------------------------------------------- */

static bool
ck_log_expiry(struct json_object *rec, const struct rules_check_settings *s,
    struct rules_check_hit *h)
{
	struct json_object *rp = ck_get(rec, "requestParameters");
	struct json_object *rules, *rule, *exp, *nve, *days_v, *date_v;
	const char *bucket = ck_str(ck_get(rp, "bucketName")), *status, *id;
	const char *date, *which = NULL;
	char label[CK_QUOTE_MAX + 16], q[CK_QUOTE_MAX + 4];
	char qd[CK_QUOTE_MAX + 4];
	long long days;
	int64_t at, when;
	struct ck_ctx x;
	size_t i;

	ck_init(&x, rec, s, h);
	if (ck_in(bucket, s->trail, s->ntrail))
		which = "the trail bucket";
	else if (ck_in(bucket, s->logs, s->nlogs))
		which = "the access-log bucket";
	at = rules_parse_time(ck_str(ck_get(rec, "eventTime")) != NULL ?
	    ck_str(ck_get(rec, "eventTime")) : "");
	rules = ck_member(ck_member(rp, "LifecycleConfiguration"), "Rule");
	for (i = 0; i < ck_count(rules); i++) {
		rule = ck_item(rules, i);
		status = ck_str(ck_member(rule, "Status"));
		if (status == NULL || strcmp(status, "Enabled") != 0)
			continue;
		exp = ck_member(rule, "Expiration");
		days_v = ck_member(exp, "Days");
		date_v = ck_member(exp, "Date");
		nve = ck_member(rule, "NoncurrentVersionExpiration");
		if (days_v == NULL && date_v == NULL && nve == NULL)
			continue;
		id = ck_str(ck_member(rule, "ID"));
		if (id != NULL && *id != '\0')
			snprintf(label, sizeof label, "\"%s\"", ck_quote(id, q,
			    sizeof q));
		else
			snprintf(label, sizeof label, "#%zu", i + 1);
		if (which != NULL) {
			ck_raise(&x, RULES_HIGH, "lifecycle rule %s expires "
			    "objects of %s %s", label, which,
			    ck_quote(bucket, q, sizeof q));
			continue;
		}
		if (ck_int(days_v, &days) && days < s->min_days)
			ck_raise(&x, RULES_HIGH, "lifecycle rule %s expires "
			    "objects after %lld day%s, fewer than %ld", label,
			    days, days == 1 ? "" : "s", s->min_days);
		if (ck_int(ck_member(nve, "NoncurrentDays"), &days) &&
		    days < s->min_days)
			ck_raise(&x, RULES_HIGH, "lifecycle rule %s expires "
			    "noncurrent versions after %lld day%s, fewer than "
			    "%ld", label, days, days == 1 ? "" : "s",
			    s->min_days);
		/* A date: whole days from the call to it, rounded down. */
		if ((date = ck_str(date_v)) == NULL || at < 0 ||
		    (when = rules_parse_time(date)) < 0)
			continue;
		days = (when - at) / 86400 - ((when - at) % 86400 < 0);
		if (days < s->min_days)
			ck_raise(&x, RULES_HIGH, "lifecycle rule %s expires "
			    "objects on %s, %lld day%s after the call, fewer "
			    "than %ld", label, ck_quote(date, qd, sizeof qd),
			    days, days == 1 ? "" : "s", s->min_days);
	}
	return x.any;
}

/* --- the table ---------------------------------------------------------- */

static const char *const ck_policy_events[] = { "PutBucketPolicy", NULL };
static const char *const ck_acl_events[] = {
	"PutBucketAcl", "PutObjectAcl", NULL
};
static const char *const ck_copy_events[] = {
	"CopyObject", "UploadPartCopy", NULL
};
static const char *const ck_selector_events[] = {
	"PutEventSelectors", "PutAdvancedEventSelectors", NULL
};
static const char *const ck_lifecycle_events[] = {
	"PutBucketLifecycle", "PutBucketLifecycleConfiguration", NULL
};

const struct rules_check rules_checks[] = {
	{ "policy-grant", "s3.amazonaws.com", ck_policy_events,
	  RULES_CRITICAL, "an Allow statement of the new bucket policy for "
	  "everyone (critical; medium when a condition confines it) or for "
	  "an account outside the trusted accounts (high; low when "
	  "confined), or for a service with no condition naming a trusted "
	  "account (low)", ck_policy_grant },
	{ "acl-grant", "s3.amazonaws.com", ck_acl_events, RULES_CRITICAL,
	  "a public canned ACL or a grant to AllUsers or AuthenticatedUsers "
	  "(critical), or to a canonical user other than the owner or an "
	  "e-mail address (high)", ck_acl_grant },
	{ "cross-account-copy", "s3.amazonaws.com", ck_copy_events,
	  RULES_HIGH, "a copy between buckets of two accounts, or from or "
	  "to an account outside the trusted accounts, or encrypted with a "
	  "KMS key of such an account (high)", ck_cross_account_copy },
	{ "trail-selectors", "cloudtrail.amazonaws.com", ck_selector_events,
	  RULES_HIGH, "new event selectors that log no management events, "
	  "or, on the monitored trail, no data events of a monitored bucket "
	  "(high)",
	  ck_trail_selectors },
	{ "log-expiry", "s3.amazonaws.com", ck_lifecycle_events, RULES_HIGH,
	  "an enabled lifecycle rule that expires objects of the trail or "
	  "access-log bucket, or expires objects sooner than "
	  "log_expiry_min_days (high)", ck_log_expiry },
	{ NULL, NULL, NULL, RULES_INFO, NULL, NULL }
};

const struct rules_check *
rules_check_find(const char *name)
{
	const struct rules_check *c;

	for (c = rules_checks; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

struct json_object *
rules_check_parse(const char *json, size_t len, enum pattern_wrap wrap,
    struct json_object **record)
{
	struct json_tokener *tok;
	struct json_object *root;
	size_t end;
	bool ok;

	*record = NULL;
	if (len > INT_MAX || (tok = json_tokener_new_ex(
	    RULES_CHECK_MAX_DEPTH)) == NULL)
		return NULL;
	root = json_tokener_parse_ex(tok, json, (int)len);
	/* Text after the value ("{...} x") makes it no JSON text at all. */
	ok = json_tokener_get_error(tok) == json_tokener_success;
	end = ok ? json_tokener_get_parse_end(tok) : 0;
	while (end < len && (json[end] == ' ' || json[end] == '\t' ||
	    json[end] == '\r' || json[end] == '\n'))
		end++;
	json_tokener_free(tok);
	if (!ok || end != len || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return NULL;
	}
	if (wrap == PATTERN_WRAP_AUTO)
		wrap = json_object_object_get_ex(root, "eventSource", NULL) &&
		    !json_object_object_get_ex(root, "detail-type", NULL) ?
		    PATTERN_WRAP_CLOUDTRAIL : PATTERN_WRAP_NONE;
	*record = wrap == PATTERN_WRAP_CLOUDTRAIL ? root : ck_get(root,
	    "detail");
	if (!json_object_is_type(*record, json_type_object)) {
		*record = NULL;
		json_object_put(root);
		return NULL;
	}
	return root;
}

bool
rules_check_run(const struct rules_check *c, struct json_object *record,
    const struct rules_check_settings *s, struct rules_check_hit *h)
{
	const char *source = ck_str(ck_get(record, "eventSource"));
	const char *name = ck_str(ck_get(record, "eventName"));
	size_t i;

	h->severity = RULES_INFO;
	h->reason[0] = '\0';
	if (source == NULL || name == NULL || strcmp(source, c->source) != 0 ||
	    json_object_object_get_ex(record, "errorCode", NULL))
		return false;
	for (i = 0; c->events[i] != NULL; i++)
		if (strcmp(name, c->events[i]) == 0)
			break;
	if (c->events[i] == NULL || !c->fn(record, s, h))
		return false;
	if (h->severity > c->worst)
		h->severity = c->worst;
	return true;
}
