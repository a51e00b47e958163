/* The rule engine: the tables, allowed CIDRs and evaluating events.
 * Loading rule packs is in rules_load.c; stateful memory (windows,
 * histories, sequences) and the state file in rules_state.c;
 * rules_internal.h is what they share. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "buf.h"
#include "hmap.h"
#include "isotime.h"
#include "rules_check.h"
#include "rules_internal.h"

const char *const rules_severity_names[RULES_NSEVERITY] = {
	[RULES_INFO] = "info",
	[RULES_LOW] = "low",
	[RULES_MEDIUM] = "medium",
	[RULES_HIGH] = "high",
	[RULES_CRITICAL] = "critical",
};

/* Rule kinds: the setting that selects each one, and what it needs. */
const struct rules_kind_info rules_kinds[RULES_NKIND] = {
	[RULES_PATTERN] = { "pattern", "pattern", false },
	[RULES_COUNT] = { "count", "pattern", true },
	[RULES_FIRST_SEEN] = { "first_seen", "pattern", true },
	[RULES_SEQUENCE] = { "sequence", NULL, true },
	[RULES_CHECK] = { "check", "select", false },
};

/* Settings: names (s3watch.conf's keys), what they hold, the pattern
 * variable each fills. */
const struct rules_setting_info rules_settings[RULES_SET_COUNT] = {
	[RULES_SET_ALLOWED_CIDRS] = { "allowed_cidrs", RULES_ST_CIDRS,
	    "outside_allowed_cidrs", "the networks callers are expected from; "
	    "the variable is the list of cidr matches for every other IPv4 and "
	    "IPv6 address" },
	[RULES_SET_TRUSTED_ACCOUNTS] = { "trusted_accounts",
	    RULES_ST_ACCOUNTS, NULL, "the accounts a policy, ACL or copy may "
	    "reach; none: the account of each event (recipientAccountId, else "
	    "userIdentity.accountId)" },
	[RULES_SET_LOG_EXPIRY_MIN_DAYS] = { "log_expiry_min_days",
	    RULES_ST_DAYS, NULL, "the shortest expiration a lifecycle rule may "
	    "set, in days (default 30)" },
	[RULES_SET_SOURCE_BUCKET] = { "source_bucket", RULES_ST_BUCKETS,
	    "source_bucket", "the monitored bucket(s)" },
	[RULES_SET_TRAIL_BUCKET] = { "trail_bucket", RULES_ST_BUCKETS,
	    "trail_bucket", "the bucket(s) the trail writes to" },
	[RULES_SET_LOG_BUCKET] = { "log_bucket", RULES_ST_BUCKETS,
	    "log_bucket", "the bucket(s) of the S3 server access logs" },
	[RULES_SET_LOG_GROUP] = { "log_group", RULES_ST_LOG_GROUPS,
	    "log_group", "the log group the trail delivers to" },
	[RULES_SET_TRAIL_NAME] = { "trail_name", RULES_ST_TRAILS,
	    "trail_name", "the trail; the variable matches its name and any "
	    "ARN ending in :trail/NAME" },
	[RULES_SET_RULE_PREFIX] = { "rule_prefix", RULES_ST_PREFIX,
	    "rule_prefix", "the prefix of this tool's EventBridge rules; the "
	    "variable is a prefix match" },
};

/* Fields every event is read for: the event paths behind them.  A derived
 * field takes the first path present, in order.  Keys and values of
 * stateful rules name these, or give a dotted event path. */
const struct rules_field_info rules_fields[RF_COUNT] = {
	[RF_EVENT_ID] = { "eventID", { "detail.eventID", "id" } },
	[RF_TIME] = { "time", { "detail.eventTime", "time" } },
	[RF_PRINCIPAL] = { "principal", { "detail.userIdentity.arn",
	    "detail.userIdentity.invokedBy" } },
	[RF_SOURCE_IP] = { "sourceIP", { "detail.sourceIPAddress" } },
	[RF_EVENT_SOURCE] = { "eventSource", { "detail.eventSource",
	    "source" } },
	[RF_EVENT_NAME] = { "eventName", { "detail.eventName",
	    "detail-type" } },
	[RF_BUCKET] = { "bucket", { "detail.requestParameters.bucketName" } },
	[RF_OBJECT_KEY] = { "key", { "detail.requestParameters.key" } },
	[RF_RESOURCE_ARN] = { "resourceARN", { "detail.resources.ARN",
	    "resources" } },
	/* Names of the resource for control-plane calls of other services. */
	[RF_RESOURCE_NAME] = { "resourceName", {
	    "detail.requestParameters.name",
	    "detail.requestParameters.trailName",
	    "detail.requestParameters.logGroupName",
	    "detail.requestParameters.functionName",
	    "detail.requestParameters.topicArn",
	    "detail.requestParameters.keyId",
	    "detail.requestParameters.detectorId",
	    "detail.requestParameters.rule" } },
	[RF_ACCESS_KEY] = { "accessKey", { "detail.userIdentity.accessKeyId" } },
	[RF_USER_AGENT] = { "userAgent", { "detail.userAgent" } },
	[RF_ACCOUNT] = { "account", { "detail.userIdentity.accountId",
	    "account" } },
	[RF_PRINCIPAL_ID] = { "principalId",
	    { "detail.userIdentity.principalId" } },
	[RF_IDENTITY_TYPE] = { "identityType", { "detail.userIdentity.type" } },
	[RF_FINDING_TYPE] = { "findingType", { "detail.type" } },
	/* Computed in rules_field(), from the fields above. */
	[RF_ACTION] = { "action", { NULL } },
	[RF_RESOURCE] = { "resource", { NULL } },
	[RF_UA_FAMILY] = { "userAgentFamily", { NULL } },
};

/* Display fields (rules_event_field()): the first path present wins. */
static const char *const rules_show_paths[RULES_EF_COUNT][RULES_SHOW_PATHS] = {
	[RULES_EF_EVENT_ID] = { "detail.eventID" },
	[RULES_EF_TIME] = { "detail.eventTime" },
	[RULES_EF_NAME] = { "detail.eventName" },
	[RULES_EF_SOURCE] = { "detail.eventSource" },
	[RULES_EF_PRINCIPAL] = { "detail.userIdentity.arn",
	    "detail.userIdentity.sessionContext.sessionIssuer.arn",
	    "detail.userIdentity.invokedBy", "detail.userIdentity.type" },
	[RULES_EF_SOURCE_IP] = { "detail.sourceIPAddress" },
	[RULES_EF_BUCKET] = { "detail.requestParameters.bucketName" },
	[RULES_EF_KEY] = { "detail.requestParameters.key" },
	[RULES_EF_ERROR_CODE] = { "detail.errorCode" },
	[RULES_EF_ERROR_MESSAGE] = { "detail.errorMessage" },
	[RULES_EF_USER_AGENT] = { "detail.userAgent" },
	[RULES_EF_REGION] = { "detail.awsRegion" },
};

const char *
rules_severity_name(enum rules_severity s)
{
	return (size_t)s < RULES_NSEVERITY ? rules_severity_names[s] : "?";
}

const char *
rules_kind_name(enum rules_kind k)
{
	return (size_t)k < RULES_NKIND ? rules_kinds[k].name : "?";
}

/* --- CIDRs -------------------------------------------------------------- */

int
rules_cidr_parse(const char *s, struct rules_cidr *c)
{
	char addr[64], *end;
	const char *slash = strchr(s, '/');
	size_t n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	long bits;
	int i;

	if (n == 0 || n >= sizeof addr)
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	memset(c, 0, sizeof *c);
	if (inet_pton(AF_INET, addr, c->addr) == 1)
		c->v6 = false;
	else if (inet_pton(AF_INET6, addr, c->addr) == 1)
		c->v6 = true;
	else
		return -1;
	c->bits = c->v6 ? 128 : 32;
	if (slash != NULL) {
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || errno != 0 || bits < 0 ||
		    bits > c->bits)
			return -1;
		c->bits = (int)bits;
	}
	/* Clear host bits so that 10.1.2.3/8 means 10.0.0.0/8. */
	for (i = c->bits; i < (c->v6 ? 128 : 32); i++)
		c->addr[i / 8] &= (unsigned char)~(0x80 >> (i % 8));
	return 0;
}

static bool
rules_prefix_eq(const unsigned char *a, const unsigned char *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;
	unsigned char mask;

	if (memcmp(a, b, (size_t)whole) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (unsigned char)(0xff << (8 - rest));
	return ((a[whole] ^ b[whole]) & mask) == 0;
}

bool
rules_cidr_contains(const struct rules_cidr *c, size_t n, const char *ip)
{
	unsigned char a[16];
	bool v6;
	size_t i;

	if (inet_pton(AF_INET, ip, a) == 1)
		v6 = false;
	else if (inet_pton(AF_INET6, ip, a) == 1)
		v6 = true;
	else
		return false;
	for (i = 0; i < n; i++)
		if (c[i].v6 == v6 && rules_prefix_eq(c[i].addr, a, c[i].bits))
			return true;
	return false;
}

/* Appends the part of prefix (v6, p/bits) that no allowed CIDR covers, as
 * EventBridge pattern values: {"cidr":...} (whose mask must stay below the
 * address width) or, for a single address, the exact IP literal. */
static void
rules_complement(struct buf *out, bool v6, unsigned char *p, int bits,
    const struct rules_cidr *allowed, size_t n)
{
	int width = v6 ? 128 : 32;
	bool overlap = false;
	char text[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < n; i++) {
		if (allowed[i].v6 != v6)
			continue;
		if (allowed[i].bits <= bits &&
		    rules_prefix_eq(allowed[i].addr, p, allowed[i].bits))
			return;
		if (allowed[i].bits > bits &&
		    rules_prefix_eq(allowed[i].addr, p, bits))
			overlap = true;
	}
	if (!overlap) {
		inet_ntop(v6 ? AF_INET6 : AF_INET, p, text, sizeof text);
		if (out->len > 1)
			buf_addc(out, ',');
		if (bits == width)
			buf_printf(out, "\"%s\"", text);
		else
			buf_printf(out, "{\"cidr\":\"%s/%d\"}", text, bits);
		return;
	}
	rules_complement(out, v6, p, bits + 1, allowed, n);
	p[bits / 8] |= (unsigned char)(0x80 >> (bits % 8));
	rules_complement(out, v6, p, bits + 1, allowed, n);
	p[bits / 8] &= (unsigned char)~(0x80 >> (bits % 8));
}

char *
rules_cidr_complement(const struct rules_cidr *allowed, size_t n)
{
	struct buf out = { NULL, 0, 0 };
	unsigned char p[16];

	buf_addc(&out, '[');
	memset(p, 0, sizeof p);
	rules_complement(&out, false, p, 0, allowed, n);
	memset(p, 0, sizeof p);
	rules_complement(&out, true, p, 0, allowed, n);
	buf_addc(&out, ']');
	return buf_take(&out);
}

/* --- settings ------------------------------------------------------------ */

const char *
rules_setting_name(enum rules_setting k)
{
	return (size_t)k < RULES_SET_COUNT ? rules_settings[k].name : "?";
}

const char *
rules_setting_var(enum rules_setting k)
{
	return (size_t)k < RULES_SET_COUNT ? rules_settings[k].var : NULL;
}

const char *
rules_setting_help(enum rules_setting k)
{
	return (size_t)k < RULES_SET_COUNT ? rules_settings[k].help : NULL;
}

int
rules_setting_find(const char *name)
{
	size_t i;

	for (i = 0; i < RULES_SET_COUNT; i++)
		if (strcmp(rules_settings[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* A name of min..max characters, letters and digits and chars (which keep
 * it free of anything JSON would have to escape in a pattern). */
static bool
rules_name_ok(const char *s, const char *chars, size_t min, size_t max,
    bool lower)
{
	size_t i, n = strlen(s);

	if (n < min || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && (lower ?
		    !islower((unsigned char)s[i]) :
		    !isalpha((unsigned char)s[i])) && strchr(chars, s[i]) == NULL)
			return false;
	return true;
}

/* The names a setting of each type takes. */
struct rules_name_rule {
	const char	*what;
	const char	*chars;		/* but letters and digits */
	size_t		 min, max;
	bool		 lower;		/* lower-case letters only */
	const char	*words;
};
static const struct rules_name_rule rules_name_rules[] = {
	[RULES_ST_BUCKETS] = { "bucket name", ".-", 3, 63, true,
	    "3 to 63 lower-case letters, digits, '.' or '-'" },
	[RULES_ST_LOG_GROUPS] = { "log group name", "._-/#", 1, 512, false,
	    "1 to 512 letters, digits, '.', '_', '-', '/' or '#'" },
	[RULES_ST_TRAILS] = { "trail name", "._-", 3, 128, false,
	    "3 to 128 letters, digits, '.', '_' or '-'" },
	[RULES_ST_PREFIX] = { "name prefix", "._-", 0, 64, false,
	    "at most 64 letters, digits, '.', '_' or '-'" },
};

/* One value of a setting; -1 with *cause. */
static int
rules_setting_check(enum rules_setting k, const char *v, long *days,
    struct rules_cidr *cidr, char **cause)
{
	char *end;
	long n;
	const struct rules_name_rule *nr;

	switch (rules_settings[k].type) {
	case RULES_ST_CIDRS:
		if (rules_cidr_parse(v, cidr) == 0)
			return 0;
		*cause = xasprintf("'%s' is not a CIDR (e.g. 10.0.0.0/8)", v);
		return -1;
	case RULES_ST_ACCOUNTS:
		if (strlen(v) == 12 && strspn(v, "0123456789") == 12)
			return 0;
		*cause = xasprintf("'%s' is not an AWS account id (12 digits)",
		    v);
		return -1;
	case RULES_ST_DAYS:
		errno = 0;
		n = strtol(v, &end, 10);
		if (isdigit((unsigned char)*v) && *end == '\0' && errno == 0 &&
		    n <= RULES_MAX_MIN_DAYS) {
			*days = n;
			return 0;
		}
		*cause = xasprintf("'%s' is not a number of days from 0 to %d",
		    v, RULES_MAX_MIN_DAYS);
		return -1;
	case RULES_ST_BUCKETS:
	case RULES_ST_LOG_GROUPS:
	case RULES_ST_TRAILS:
	case RULES_ST_PREFIX:
		nr = &rules_name_rules[rules_settings[k].type];
		if (rules_name_ok(v, nr->chars, nr->min, nr->max, nr->lower))
			return 0;
		*cause = xasprintf("'%s' is not a %s (%s)", v, nr->what,
		    nr->words);
		return -1;
	}
	return -1;
}

int
rules_setting_store(struct rules *r, enum rules_setting k,
    char *const *v, size_t n, bool store, char **cause)
{
	enum rules_setting_type type = rules_settings[k].type;
	struct rules_cidr *c;
	long days = RULES_DEFAULT_MIN_DAYS;
	size_t i;

	if ((type == RULES_ST_DAYS || type == RULES_ST_PREFIX) && n > 1) {
		*cause = xasprintf("%s takes one value, not %zu",
		    rules_settings[k].name, n);
		return -1;
	}
	c = xcalloc(n + 1, sizeof *c);
	for (i = 0; i < n; i++) {
		if (rules_setting_check(k, v[i], &days, &c[i], cause) != 0) {
			free(c);
			return -1;
		}
	}
	if (!store) {
		free(c);
		return 0;
	}
	if (type == RULES_ST_CIDRS) {
		free(r->cidrs);
		r->cidrs = c;
		r->ncidrs = n;
	} else
		free(c);
	if (type == RULES_ST_DAYS)
		r->min_days = days;
	for (i = 0; i < r->set_n[k]; i++)
		free(r->set_v[k][i]);
	free(r->set_v[k]);
	r->set_v[k] = xcalloc(n + 1, sizeof *r->set_v[k]);
	for (i = 0; i < n; i++)
		r->set_v[k][i] = xstrdup(v[i]);
	r->set_n[k] = n;
	return 0;
}

int
rules_set(struct rules *r, enum rules_setting k, char *const *v, size_t n,
    char **cause)
{
	if ((size_t)k >= RULES_SET_COUNT) {
		*cause = xstrdup("no such setting");
		return -1;
	}
	if (rules_setting_store(r, k, v, n, true, cause) != 0)
		return -1;
	r->set_fixed[k] = true;
	return 0;
}

int
rules_set_allowed_cidrs(struct rules *r, char *const *cidrs, size_t n,
    char **cause)
{
	return rules_set(r, RULES_SET_ALLOWED_CIDRS, cidrs, n, cause);
}

/* What ${var} of setting k expands to: the complement of the allowed
 * CIDRs; a list of names; a prefix; a trail's name or ARN (events name a
 * trail either way).  A name not given is itself, as a string no event
 * holds. */
static void
rules_expand_var(struct rules *r, enum rules_setting k, struct buf *out)
{
	char *list;
	size_t i;

	if (rules_settings[k].type == RULES_ST_CIDRS) {
		list = rules_cidr_complement(r->cidrs, r->ncidrs);
		buf_adds(out, list);
		free(list);
		return;
	}
	if (r->set_n[k] == 0) {
		buf_printf(out, "[\"${%s}\"]", rules_settings[k].var);
		return;
	}
	buf_addc(out, '[');
	for (i = 0; i < r->set_n[k]; i++) {
		if (i > 0)
			buf_addc(out, ',');
		if (rules_settings[k].type == RULES_ST_PREFIX)
			buf_printf(out, "{\"prefix\":\"%s\"}", r->set_v[k][i]);
		else if (rules_settings[k].type == RULES_ST_TRAILS)
			buf_printf(out, "\"%s\",{\"suffix\":\":trail/%s\"}",
			    r->set_v[k][i], r->set_v[k][i]);
		else
			buf_printf(out, "\"%s\"", r->set_v[k][i]);
	}
	buf_addc(out, ']');
}

char *
rules_expand(struct rules *r, const char *text, char **cause)
{
	struct buf out = { NULL, 0, 0 }, names = { NULL, 0, 0 };
	const char *p, *end;
	size_t i, n;

	buf_adds(&out, "");
	while ((p = strstr(text, "${")) != NULL) {
		buf_add(&out, text, (size_t)(p - text));
		end = strchr(p, '}');
		n = end != NULL ? (size_t)(end - p - 2) : 0;
		for (i = 0; end != NULL && i < RULES_SET_COUNT; i++)
			if (rules_settings[i].var != NULL &&
			    strlen(rules_settings[i].var) == n &&
			    strncmp(p + 2, rules_settings[i].var, n) == 0)
				break;
		if (end == NULL || i == RULES_SET_COUNT) {
			for (i = 0; i < RULES_SET_COUNT; i++) {
				if (rules_settings[i].var == NULL)
					continue;
				buf_printf(&names, "%s${%s}", names.len > 0 ?
				    ", " : "", rules_settings[i].var);
			}
			*cause = xasprintf("unknown variable '%.*s' (%s)",
			    end != NULL ? (int)(n + 3) : 2, p, names.data);
			buf_free(&names);
			buf_free(&out);
			return NULL;
		}
		rules_expand_var(r, (enum rules_setting)i, &out);
		text = end + 1;
	}
	buf_adds(&out, text);
	return buf_take(&out);
}

/* --- the default pack --------------------------------------------------- */

/* Run from a build tree, the binary sits next to a Makefile naming the
 * source tree; its conf/rules.d is the pack to use. */
static char *
rules_build_tree_dir(void)
{
	char exe[PATH_MAX], line[PATH_MAX + 32], *slash, *dir = NULL, *v;
	ssize_t n;
	FILE *f;

	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL ||
	    (size_t)(slash - exe) + sizeof "/Makefile" > sizeof exe)
		return NULL;
	strcpy(slash, "/Makefile");
	if ((f = fopen(exe, "r")) == NULL)
		return NULL;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "abs_top_srcdir = ", 17) != 0)
			continue;
		v = line + 17;
		v[strcspn(v, "\n")] = '\0';
		dir = xasprintf("%s/conf/rules.d", v);
		if (access(dir, R_OK | X_OK) != 0) {
			free(dir);
			dir = NULL;
		}
		break;
	}
	fclose(f);
	return dir;
}

char *
rules_default_dir(void)
{
	const char *env = getenv("S3WATCH_RULES_DIR");
	char *dir;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if ((dir = rules_build_tree_dir()) != NULL)
		return dir;
	return xstrdup(PKGDATADIR "/rules.d");
}

/* --- setup -------------------------------------------------------------- */

struct rules *
rules_new(void)
{
	struct rules *r = xcalloc(1, sizeof *r);
	size_t i, j;

	r->set = pattern_set_new();
	r->by_id = hmap_new(NULL);
	r->seed = rules_random_seed();
	for (i = 0; i < RF_COUNT; i++)
		for (j = 0; j < RULES_FIELD_PATHS; j++)
			r->field_ids[i][j] = rules_fields[i].paths[j] == NULL ?
			    -1 : pattern_set_want(r->set, rules_fields[i].paths[j]);
	for (i = 0; i < RULES_EF_COUNT; i++)
		for (j = 0; j < RULES_SHOW_PATHS; j++)
			r->show_ids[i][j] = rules_show_paths[i][j] == NULL ?
			    -1 : pattern_set_want(r->set, rules_show_paths[i][j]);
	/* The seed rule's default: the allow-list the brief starts from. */
	r->ncidrs = 1;
	r->cidrs = xcalloc(1, sizeof *r->cidrs);
	(void)rules_cidr_parse("10.0.0.0/8", r->cidrs);
	r->min_days = RULES_DEFAULT_MIN_DAYS;
	return r;
}

void
rules_rule_free(struct rule *ru)
{
	size_t i, j;

	free(ru->id);
	free(ru->title);
	free(ru->pattern_text);
	free(ru->pattern_src);
	free(ru->description);
	free(ru->rationale);
	free(ru->where);
	free(ru->file);
	free(ru->suppress);
	for (i = 0; i < ru->nprincipals; i++)
		free(ru->principals[i]);
	free(ru->principals);
	for (i = 0; i < ru->nagents; i++)
		free(ru->agents[i]);
	free(ru->agents);
	free(ru->cidrs);
	for (i = 0; i < ru->nkey; i++)
		free(ru->key[i].path);
	free(ru->value.path);
	for (i = 0; i < ru->nsteps; i++)
		free(ru->steps[i].rules);
	for (i = 0; i < ru->nsteps; i++) {
		for (j = 0; ru->step_names[i][j] != NULL; j++)
			free(ru->step_names[i][j]);
		free(ru->step_names[i]);
	}
	rules_table_free(ru->table);
	free(ru);
}

struct rule *
rules_find(const struct rules *r, const char *id)
{
	return hmap_find(r->by_id, id, strlen(id));
}

void
rules_free(struct rules *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nrules; i++)
		rules_rule_free(r->rules[i]);
	free(r->rules);
	hmap_free(r->by_id);
	for (i = 0; i < RULES_SET_COUNT; i++) {
		while (r->set_n[i] > 0)
			free(r->set_v[i][--r->set_n[i]]);
		free(r->set_v[i]);
	}
	free(r->cidrs);
	json_object_put(r->ct_root);
	free(r->matched);
	free(r->mgen);
	free(r->pat_first);
	free(r->by_pat);
	free(r->seqs);
	free(r->rbits);
	for (i = 0; i < RF_COUNT; i++)
		buf_free(&r->fval[i]);
	buf_free(&r->keybuf);
	for (i = 0; i < RULES_EF_COUNT; i++)
		buf_free(&r->show[i]);
	if (r->ev != NULL)
		pattern_event_free(r->ev);
	pattern_set_free(r->set);
	free(r);
}

size_t
rules_count(const struct rules *r)
{
	return r->nrules;
}

const char *
rules_id(const struct rules *r, size_t i)
{
	return i < r->nrules ? r->rules[i]->id : NULL;
}

enum rules_kind
rules_kind_of(const struct rules *r, size_t i)
{
	return i < r->nrules ? r->rules[i]->kind : RULES_PATTERN;
}

uint64_t
rules_hits(const struct rules *r, size_t i)
{
	return i < r->nrules ? r->rules[i]->hits : 0;
}

const char *
rules_title(const struct rules *r, size_t i)
{
	return i < r->nrules ? r->rules[i]->title : NULL;
}

const char *
rules_pattern_text(const struct rules *r, size_t i)
{
	return i < r->nrules ? r->rules[i]->pattern_text : NULL;
}

bool
rules_info(const struct rules *r, size_t i, struct rules_info *info)
{
	const struct rule *ru;

	if (i >= r->nrules)
		return false;
	ru = r->rules[i];
	info->id = ru->id;
	info->title = ru->title;
	info->kind = ru->kind;
	info->severity = ru->severity;
	info->description = ru->description;
	info->rationale = ru->rationale;
	info->pattern = ru->pattern_src;
	info->check = ru->check != NULL ? ru->check->name : NULL;
	info->file = ru->file;
	return true;
}

/* "90s", "5m", "24h", "7d": the largest unit that divides it. */
static void
rules_duration_text(struct buf *b, int64_t secs)
{
	if (secs % 86400 == 0)
		buf_printf(b, "%" PRId64 "d", secs / 86400);
	else if (secs % 3600 == 0)
		buf_printf(b, "%" PRId64 "h", secs / 3600);
	else if (secs % 60 == 0)
		buf_printf(b, "%" PRId64 "m", secs / 60);
	else
		buf_printf(b, "%" PRId64 "s", secs);
}

static void
rules_ref_name(struct buf *b, const struct rules_ref *ref)
{
	buf_adds(b, ref->field >= 0 ? rules_fields[ref->field].name :
	    ref->path);
}

static void
rules_key_names(struct buf *b, const struct rule *ru)
{
	size_t i;

	for (i = 0; i < ru->nkey; i++) {
		buf_adds(b, i == 0 ? "" : i + 1 == ru->nkey ? " and " : ", ");
		rules_ref_name(b, &ru->key[i]);
	}
}

char *
rules_logic(const struct rules *r, size_t i)
{
	struct buf b = { NULL, 0, 0 };
	const struct rule *ru;
	size_t j, k;

	buf_adds(&b, "");
	if (i >= r->nrules)
		return buf_take(&b);
	ru = r->rules[i];
	switch (ru->kind) {
	case RULES_PATTERN:
		break;
	case RULES_CHECK:
		buf_printf(&b, "the check %s", ru->check->name);
		break;
	case RULES_COUNT:
		if (ru->count_mode == RULES_COUNT_SUM) {
			buf_adds(&b, "a sum of ");
			rules_ref_name(&b, &ru->value);
			buf_printf(&b, " of %.0f or more", ru->sum_threshold);
		} else if (ru->count_mode == RULES_COUNT_DISTINCT) {
			buf_printf(&b, "%u or more distinct ", ru->threshold);
			rules_ref_name(&b, &ru->value);
		} else
			buf_printf(&b, "%u or more events", ru->threshold);
		buf_adds(&b, " per ");
		rules_key_names(&b, ru);
		buf_adds(&b, " within ");
		rules_duration_text(&b, ru->window);
		break;
	case RULES_FIRST_SEEN:
		buf_adds(&b, "a ");
		rules_ref_name(&b, &ru->value);
		buf_adds(&b, " not seen for its ");
		rules_key_names(&b, ru);
		buf_adds(&b, " within ");
		rules_duration_text(&b, ru->window);
		if (ru->learn > 0) {
			buf_adds(&b, " (learning for ");
			rules_duration_text(&b, ru->learn);
			buf_adds(&b, ")");
		}
		break;
	case RULES_SEQUENCE:
		for (j = 0; j < ru->nsteps; j++) {
			buf_adds(&b, j == 0 ? "a hit of " : ", then of ");
			for (k = 0; ru->step_names[j][k] != NULL; k++)
				buf_printf(&b, "%s%s", k == 0 ? "" :
				    ru->step_names[j][k + 1] == NULL ? " or " :
				    ", ", ru->step_names[j][k]);
		}
		buf_adds(&b, " by the same ");
		rules_key_names(&b, ru);
		buf_adds(&b, " within ");
		rules_duration_text(&b, ru->window);
		break;
	}
	return buf_take(&b);
}

/* --- evaluation --------------------------------------------------------- */

/* The first value of a wanted path, or NULL. */
static const struct pattern_value *
rules_value(const struct rules *r, int id)
{
	const struct pattern_value *v;
	size_t n;

	if (id < 0)
		return NULL;
	v = pattern_event_values(r->ev, id, &n);
	return n > 0 ? v : NULL;
}

/* Fields are C strings: an escaped NUL (\u0000) must not cut one short,
 * so it reads as '?' like any other control character. */
static void
rules_put_text(struct buf *b, const char *s, size_t len)
{
	const char *nul;

	while (len > 0 && (nul = memchr(s, '\0', len)) != NULL) {
		buf_add(b, s, (size_t)(nul - s));
		buf_addc(b, '?');
		len -= (size_t)(nul - s) + 1;
		s = nul + 1;
	}
	buf_add(b, s, len);
}

static void
rules_put(struct buf *b, const struct pattern_value *v)
{
	if (v == NULL || v->type == PATTERN_V_NULL)
		return;
	rules_put_text(b, v->text, v->len);
}

/* A field of the loaded event as text, "" when absent.  Computed once per
 * event; borrowed until the next event. */
const char *
rules_field(struct rules *r, enum rules_field f)
{
	struct buf *b = &r->fval[f];
	const struct pattern_value *v = NULL;
	const char *s, *e;
	size_t j;

	if (r->fgen[f] == r->gen)
		return b->data != NULL ? b->data : "";
	r->fgen[f] = r->gen;
	buf_reset(b);
	buf_add(b, "", 0);
	switch (f) {
	case RF_ACTION:
		s = rules_field(r, RF_EVENT_SOURCE);
		/* s3.amazonaws.com:GetObject reads better as s3:GetObject. */
		e = strstr(s, ".amazonaws.com");
		if (strncmp(s, "aws.", 4) == 0)
			s += 4;
		if (e != NULL && e[14] == '\0')
			buf_add(b, s, (size_t)(e - s));
		else
			buf_adds(b, s);
		if (b->len > 0)
			buf_addc(b, ':');
		buf_adds(b, rules_field(r, RF_EVENT_NAME));
		break;
	case RF_RESOURCE:
		if (*(s = rules_field(r, RF_BUCKET)) != '\0') {
			buf_adds(b, s);
			if (*(s = rules_field(r, RF_OBJECT_KEY)) != '\0')
				buf_printf(b, "/%s", s);
		} else if (*(s = rules_field(r, RF_RESOURCE_ARN)) != '\0')
			buf_adds(b, s);
		else
			buf_adds(b, rules_field(r, RF_RESOURCE_NAME));
		break;
	case RF_UA_FAMILY:
		/* "aws-cli/2.15.0 Python/3.11" -> "aws-cli"; "[S3Browser ...]"
		 * -> "S3Browser". */
		s = rules_field(r, RF_USER_AGENT);
		s += strspn(s, "[ ");
		buf_add(b, s, strcspn(s, "/ ]("));
		break;
	case RF_PRINCIPAL:
		for (j = 0; j < RULES_FIELD_PATHS && v == NULL; j++)
			v = rules_value(r, r->field_ids[f][j]);
		if (v != NULL) {
			rules_put(b, v);
			break;
		}
		/* No ARN: anonymous callers, or AWS services. */
		s = rules_field(r, RF_ACCOUNT);
		if (strcmp(s, "anonymous") == 0 ||
		    strcmp(rules_field(r, RF_PRINCIPAL_ID), "anonymous") == 0)
			buf_adds(b, "anonymous");
		else
			buf_adds(b, rules_field(r, RF_PRINCIPAL_ID));
		break;
	default:
		for (j = 0; j < RULES_FIELD_PATHS && v == NULL; j++)
			v = rules_value(r, r->field_ids[f][j]);
		rules_put(b, v);
		break;
	}
	return b->data;
}

/* A key part or value as text: several values (under arrays) are joined
 * with ','. */
void
rules_ref_text(struct rules *r, const struct rules_ref *ref, struct buf *out)
{
	const struct pattern_value *v;
	size_t i, n;

	if (ref->field >= 0) {
		buf_adds(out, rules_field(r, (enum rules_field)ref->field));
		return;
	}
	v = pattern_event_values(r->ev, ref->id, &n);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(out, ',');
		rules_put(out, &v[i]);
	}
}

/* Seconds since the epoch of "2026-08-21T10:00:00Z" (fractions and
 * offsets allowed, 1970 or later); -1 if it isn't one. */
int64_t
rules_parse_time(const char *s)
{
	int64_t t;

	if (isotime_parse(s, ISOTIME_FRACTION | ISOTIME_OFFSET | ISOTIME_EPOCH,
	    &t) != 0)
		return -1;
	return t;
}

static bool
rules_matched(const struct rules *r, int idx)
{
	return idx >= 0 && r->mgen[idx] == r->gen;
}

/* Suppress patterns and allow-lists: true if the event must not count. */
static bool
rules_silenced(struct rules *r, const struct rule *ru)
{
	const char *s;
	size_t i;

	for (i = 0; i < ru->nsuppress; i++)
		if (rules_matched(r, ru->suppress[i]))
			return true;
	if (ru->nprincipals > 0) {
		s = rules_field(r, RF_PRINCIPAL);
		for (i = 0; i < ru->nprincipals; i++)
			if (fnmatch(ru->principals[i], s, 0) == 0)
				return true;
	}
	if (ru->nagents > 0) {
		s = rules_field(r, RF_USER_AGENT);
		for (i = 0; i < ru->nagents; i++)
			if (fnmatch(ru->agents[i], s, 0) == 0)
				return true;
	}
	if (ru->ncidrs > 0 && rules_cidr_contains(ru->cidrs, ru->ncidrs,
	    rules_field(r, RF_SOURCE_IP)))
		return true;
	return false;
}

/* The key of a stateful rule for this event, as text; false when every
 * part is missing (the event can't be attributed). */
bool
rules_key_text(struct rules *r, const struct rule *ru, struct buf *out)
{
	size_t i, before;
	bool any = false;

	buf_reset(out);
	for (i = 0; i < ru->nkey; i++) {
		if (i > 0)
			buf_addc(out, '\x1f');
		before = out->len;
		rules_ref_text(r, &ru->key[i], out);
		any |= out->len > before;
	}
	return any;
}

static void
rules_emit(struct rules *r, struct rule *ru, enum rules_severity sev,
    const char *reason, rules_hit_fn fn, void *arg)
{
	struct rules_hit h;

	ru->hits++;
	ru->hit_gen = r->gen;
	r->nhits++;
	if (fn == NULL)
		return;
	h.rule = ru->id;
	h.title = ru->title;
	h.severity = sev < ru->severity ? sev : ru->severity;
	h.reason = reason;
	h.kind = ru->kind;
	h.event_id = rules_field(r, RF_EVENT_ID);
	h.time = rules_field(r, RF_TIME);
	h.principal = rules_field(r, RF_PRINCIPAL);
	h.source_ip = rules_field(r, RF_SOURCE_IP);
	h.action = rules_field(r, RF_ACTION);
	h.resource = rules_field(r, RF_RESOURCE);
	fn(&h, arg);
}

static void
rules_start(struct rules *r)
{
	size_t n = pattern_set_count(r->set), i, p;

	r->ev = pattern_event_new(r->set);
	r->matched = xcalloc(n + 1, sizeof *r->matched);
	r->mgen = xcalloc(n + 1, sizeof *r->mgen);
	/* an event then visits only the rules its patterns select */
	r->pat_first = xcalloc(n + 2, sizeof *r->pat_first);
	r->by_pat = xcalloc(r->nrules + 1, sizeof *r->by_pat);
	r->seqs = xcalloc(r->nrules + 1, sizeof *r->seqs);
	r->rbits = xcalloc(r->nrules / 64 + 1, sizeof *r->rbits);
	for (i = 0; i < r->nrules; i++) {
		if (r->rules[i]->kind == RULES_SEQUENCE)
			r->seqs[r->nseqs++] = i;
		else if (r->rules[i]->pattern >= 0 &&
		    (size_t)r->rules[i]->pattern < n)
			r->pat_first[r->rules[i]->pattern + 2]++;
	}
	for (p = 0; p < n; p++)
		r->pat_first[p + 2] += r->pat_first[p + 1];
	for (i = 0; i < r->nrules; i++)
		if (r->rules[i]->kind != RULES_SEQUENCE &&
		    r->rules[i]->pattern >= 0 &&
		    (size_t)r->rules[i]->pattern < n)
			r->by_pat[r->pat_first[r->rules[i]->pattern + 1]++] = i;
}

/* A check on the loaded event: its record is parsed once, for the first
 * check that needs it. */
static bool
rules_check_event(struct rules *r, const struct rule *ru,
    struct rules_check_hit *h)
{
	struct rules_check_settings s;

	if (r->ct_gen != r->gen && r->text != NULL) {
		r->ct_gen = r->gen;
		json_object_put(r->ct_root);
		r->ct_root = rules_check_parse(r->text, r->textlen, r->wrap,
		    &r->ct_record);
	}
	if (r->ct_record == NULL)
		return false;
	s.trusted = r->set_v[RULES_SET_TRUSTED_ACCOUNTS];
	s.ntrusted = r->set_n[RULES_SET_TRUSTED_ACCOUNTS];
	s.min_days = r->min_days;
	s.source = r->set_v[RULES_SET_SOURCE_BUCKET];
	s.nsource = r->set_n[RULES_SET_SOURCE_BUCKET];
	s.trail = r->set_v[RULES_SET_TRAIL_BUCKET];
	s.ntrail = r->set_n[RULES_SET_TRAIL_BUCKET];
	s.logs = r->set_v[RULES_SET_LOG_BUCKET];
	s.nlogs = r->set_n[RULES_SET_LOG_BUCKET];
	s.trails = r->set_v[RULES_SET_TRAIL_NAME];
	s.ntrails = r->set_n[RULES_SET_TRAIL_NAME];
	return rules_check_run(ru->check, r->ct_record, &s, h);
}

/* A non-sequence rule whose pattern matched the event. */
static void
rules_run(struct rules *r, struct rule *ru, int64_t *t, rules_hit_fn fn,
    void *arg)
{
	struct rules_check_hit ch;
	bool hit = true;

	if (rules_silenced(r, ru))
		return;
	if (ru->kind == RULES_CHECK) {
		if (rules_check_event(r, ru, &ch))
			rules_emit(r, ru, ch.severity, ch.reason, fn, arg);
		return;
	}
	if (ru->kind != RULES_PATTERN) {
		if (*t < 0)
			*t = rules_event_time(r);
		hit = rules_state_update(r, ru, *t);
	}
	if (hit)
		rules_emit(r, ru, ru->severity, "", fn, arg);
}

int
rules_event_load(struct rules *r, const char *json, size_t len,
    enum pattern_wrap wrap, char **cause)
{
	if (r->ev == NULL)
		rules_start(r);
	/* A new generation either way: no field of the last event lingers. */
	r->gen++;
	r->loaded = r->evaluated = false;
	json_object_put(r->ct_root);
	r->ct_root = r->ct_record = NULL;
	r->text = NULL;
	if (pattern_event_load(r->ev, json, len, wrap, cause) != 0)
		return -1;
	r->text = json;
	r->textlen = len;
	r->wrap = wrap;
	r->loaded = true;
	return 0;
}

const char *
rules_event_field(struct rules *r, enum rules_event_field f)
{
	const struct pattern_value *v = NULL;
	struct buf *b;
	size_t j;

	if ((size_t)f >= RULES_EF_COUNT || !r->loaded)
		return NULL;
	if (r->sgen[f] == r->gen)
		return r->showp[f];
	r->sgen[f] = r->gen;
	r->showp[f] = NULL;
	/* The first path with a string or number wins. */
	for (j = 0; j < RULES_SHOW_PATHS; j++)
		if ((v = rules_value(r, r->show_ids[f][j])) != NULL &&
		    (v->type == PATTERN_V_STRING || v->type == PATTERN_V_NUMBER))
			break;
	if (j == RULES_SHOW_PATHS)
		return NULL;
	b = &r->show[f];
	buf_reset(b);
	buf_add(b, "", 0);
	rules_put_text(b, v->text, v->len);
	r->showp[f] = b->data;
	return b->data;
}

int
rules_eval(struct rules *r, const char *json, size_t len,
    enum pattern_wrap wrap, rules_hit_fn fn, void *arg, char **cause)
{
	if (rules_event_load(r, json, len, wrap, cause) != 0)
		return -1;
	return rules_eval_loaded(r, fn, arg);
}

int
rules_eval_loaded(struct rules *r, rules_hit_fn fn, void *arg)
{
	size_t i, j, n, np, w;
	struct rule *ru;
	uint64_t bits;
	int64_t t;

	/* Once per load: state must not count an event twice. */
	if (!r->loaded || r->evaluated)
		return 0;
	r->evaluated = true;
	r->nhits = 0;
	np = pattern_set_count(r->set);
	n = np > 0 ? pattern_event_matches(r->ev, r->matched, np) : 0;
	for (i = 0; i < n; i++)
		r->mgen[r->matched[i]] = r->gen;
	t = -1;
	/* Two passes: sequences follow the hits of the other rules.  The
	 * first visits, in rule order, the rules of the matched patterns. */
	memset(r->rbits, 0, (r->nrules / 64 + 1) * sizeof *r->rbits);
	for (i = 0; i < n; i++)
		for (j = r->pat_first[r->matched[i]];
		    j < r->pat_first[r->matched[i] + 1]; j++)
			r->rbits[r->by_pat[j] / 64] |=
			    (uint64_t)1 << (r->by_pat[j] % 64);
	for (w = 0; w <= r->nrules / 64; w++)
		for (bits = r->rbits[w]; bits != 0; bits &= bits - 1)
			rules_run(r, r->rules[w * 64 +
			    (size_t)__builtin_ctzll(bits)], &t, fn, arg);
	for (i = 0; i < r->nseqs; i++) {
		ru = r->rules[r->seqs[i]];
		if (!rules_sequence_touched(r, ru))
			continue;
		if (t < 0)
			t = rules_event_time(r);
		if (rules_state_update(r, ru, t) && !rules_silenced(r, ru))
			rules_emit(r, ru, ru->severity, "", fn, arg);
	}
	return (int)r->nhits;
}

/* This event's time; events without one count as the latest time seen. */
int64_t
rules_event_time(struct rules *r)
{
	int64_t t = rules_parse_time(rules_field(r, RF_TIME));

	if (t < 0)
		return r->now;
	if (t > r->now)
		r->now = t;
	return t;
}

bool
rules_sequence_touched(const struct rules *r, const struct rule *ru)
{
	size_t j, k;

	for (j = 0; j < ru->nsteps; j++)
		for (k = 0; k < ru->steps[j].n; k++)
			if (ru->steps[j].rules[k]->hit_gen == r->gen)
				return true;
	return false;
}
