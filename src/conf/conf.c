/* s3watch.conf: one option table, the libconfig loader, --set overrides
 * and ${...} expansion. */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libconfig.h>

#include "buf.h"
#include "conf.h"
#include "statefile.h"
#include "text.h"
#include "svc_logs.h"
#include "svc_s3.h"
#include "xalloc.h"

/* Bigger files are a mistake (or an attack), not a configuration. */
#define CONF_MAX_FILE	(1024 * 1024)

/* What names are checked with: the setup's suffixes are 6 characters of
 * a-z0-9, accounts 12 digits. */
#define CONF_SAMPLE_SUFFIX	"abc123"
#define CONF_SAMPLE_ACCOUNT	"123456789012"
#define CONF_SAMPLE_REGION	"us-east-1"
/* Retention periods are looked for up to a century. */
#define CONF_RETENTION_MAX	36525

struct conf_value {
	char	*str;
	long	 num;		/* ints and bools */
	char	**list;		/* NULL-terminated */
	size_t	 nlist;
};

struct conf {
	struct conf_value	 v[CONF_COUNT];
	char			*source[CONF_COUNT];	/* NULL: the default */
};

/* Strings and list items are checked one at a time, ints by value. */
typedef int (*conf_check_str_fn)(const char *, char **);
typedef int (*conf_check_int_fn)(long, char **);

/* A name AWS limits to min..max letters, digits and chars; checked after
 * expansion with sample values. */
struct conf_name {
	const char	*what;		/* "IAM role name" */
	const char	*chars;		/* besides letters and digits */
	size_t		 min, max;
};

struct conf_option {
	const char		*name;
	enum conf_type		 type;
	const char		*dflt;		/* strings */
	long			 dflt_num;	/* ints and bools */
	const char *const	*dflt_list;	/* NULL-terminated */
	const struct conf_name	*name_rule;	/* checked before check */
	conf_check_str_fn	 check;
	conf_check_int_fn	 check_int;
	/* The values it takes, in words, after name_rule's; or made by
	 * range_fn (caller frees). */
	const char		*range;
	char			*(*range_fn)(void);
	const char		*help;
};

static int conf_check_region(const char *, char **);
static int conf_check_suffix(const char *, char **);
static int conf_check_bucket(const char *, char **);
static int conf_check_log_prefix(const char *, char **);
static int conf_check_trail_prefix(const char *, char **);
static int conf_check_trail_name(const char *, char **);
static int conf_check_log_group(const char *, char **);
static int conf_check_retention(long, char **);
static int conf_check_email(const char *, char **);
static int conf_check_runtime(const char *, char **);
static int conf_check_query_prefix(const char *, char **);
static int conf_check_cidr(const char *, char **);
static int conf_check_account(const char *, char **);
static int conf_check_min_days(long, char **);
static char *conf_retention_values(void);

static const char *const conf_default_cidrs[] = {
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", NULL
};
static const char *const conf_no_strings[] = { NULL };

static const struct conf_name conf_name_trail = {
	"trail name", "._-", 3, 128
};
static const struct conf_name conf_name_role = {
	"IAM role name", "+=,.@_-", 1, 64
};
static const struct conf_name conf_name_topic = {
	"SNS topic name", "_-", 1, 256
};
/* Rule names are at most 64 characters: leave room for the rule's own. */
static const struct conf_name conf_name_rule_prefix = {
	"rule name prefix", "._-", 0, 32
};
static const struct conf_name conf_name_function = {
	"Lambda function name", "_-", 1, 64
};
static const struct conf_name conf_name_dashboard = {
	"dashboard name", "_-", 1, 255
};

#define CONF_RANGE_BUCKET	"an S3 bucket name: 3 to 63 lower-case " \
	"letters, digits, '.' or '-', beginning and ending with a letter or " \
	"digit"

/* The single source of truth: conf/s3watch.conf, `s3watch config`, its
 * --help and the man page follow it.  Defaults are those of the shell
 * recipe. */
static const struct conf_option conf_options[] = {
	[CONF_REGION] = { .name = "region", .type = CONF_T_STRING,
	    .dflt = "", .check = conf_check_region,
	    .range = "\"\" or a region name such as us-east-1",
	    .help = "AWS region; \"\" takes it from the profile or "
	    "environment" },
	[CONF_SUFFIX] = { .name = "suffix", .type = CONF_T_STRING,
	    .dflt = "", .check = conf_check_suffix,
	    .range = "at most 16 lower-case letters, digits or '-'",
	    .help = "makes names unique; \"\" picks a random one, "
	    "remembered" },
	[CONF_SOURCE_BUCKET] = { .name = "source_bucket",
	    .type = CONF_T_STRING, .dflt = "secure-docs-${suffix}",
	    .check = conf_check_bucket, .range = CONF_RANGE_BUCKET,
	    .help = "the bucket to monitor" },
	[CONF_CREATE_SOURCE_BUCKET] = { .name = "create_source_bucket",
	    .type = CONF_T_BOOL, .dflt_num = 1,
	    .help = "create source_bucket when it does not exist" },
	[CONF_REQUIRE_TLS] = { .name = "require_tls", .type = CONF_T_BOOL,
	    .dflt_num = 1,
	    .help = "log buckets refuse requests without TLS (false only for "
	    "a plain-HTTP test endpoint)" },
	[CONF_LOG_BUCKET] = { .name = "log_bucket", .type = CONF_T_STRING,
	    .dflt = "s3-access-logs-${suffix}", .check = conf_check_bucket,
	    .range = CONF_RANGE_BUCKET,
	    .help = "bucket receiving the S3 server access logs" },
	[CONF_LOG_PREFIX] = { .name = "log_prefix", .type = CONF_T_STRING,
	    .dflt = "access-logs/", .check = conf_check_log_prefix,
	    .range = "at most 512 characters, the last one '/'",
	    .help = "key prefix of the access logs, ending in '/'" },
	[CONF_TRAIL_BUCKET] = { .name = "trail_bucket",
	    .type = CONF_T_STRING, .dflt = "cloudtrail-logs-${suffix}",
	    .check = conf_check_bucket, .range = CONF_RANGE_BUCKET,
	    .help = "bucket receiving the CloudTrail log files" },
	[CONF_TRAIL_PREFIX] = { .name = "trail_prefix",
	    .type = CONF_T_STRING, .dflt = "cloudtrail-logs",
	    .check = conf_check_trail_prefix,
	    .range = "at most 200 characters, no '/' at either end",
	    .help = "key prefix of the CloudTrail files, without '/' at "
	    "either end" },
	[CONF_TRAIL_NAME] = { .name = "trail_name", .type = CONF_T_STRING,
	    .dflt = "s3-security-monitoring-trail",
	    .name_rule = &conf_name_trail, .check = conf_check_trail_name,
	    .range = "beginning and ending with a letter or digit",
	    .help = "CloudTrail trail recording S3 data events" },
	[CONF_LOG_GROUP] = { .name = "log_group", .type = CONF_T_STRING,
	    .dflt = "/aws/cloudtrail/s3-security-monitoring",
	    .check = conf_check_log_group,
	    .range = "1 to 512 letters, digits, '.', '_', '-', '/' or '#'",
	    .help = "CloudWatch Logs group the trail delivers to" },
	[CONF_RETENTION_DAYS] = { .name = "retention_days",
	    .type = CONF_T_INT, .dflt_num = 30,
	    .check_int = conf_check_retention,
	    .range_fn = conf_retention_values,
	    .help = "days log_group keeps events (a CloudWatch Logs "
	    "retention value)" },
	[CONF_TRAIL_ROLE] = { .name = "trail_role", .type = CONF_T_STRING,
	    .dflt = "CloudTrailLogsRole-${suffix}",
	    .name_rule = &conf_name_role,
	    .help = "IAM role CloudTrail assumes to write to log_group" },
	[CONF_TOPIC] = { .name = "topic", .type = CONF_T_STRING,
	    .dflt = "s3-security-alerts-${suffix}",
	    .name_rule = &conf_name_topic,
	    .help = "SNS topic for the alerts" },
	[CONF_ALERT_EMAIL] = { .name = "alert_email", .type = CONF_T_STRING,
	    .dflt = "", .check = conf_check_email,
	    .range = "\"\" or an e-mail address such as alice@example.com",
	    .help = "address subscribed to topic; \"\" for none" },
	[CONF_RULE_PREFIX] = { .name = "rule_prefix", .type = CONF_T_STRING,
	    .dflt = "s3watch-", .name_rule = &conf_name_rule_prefix,
	    .help = "prefix of the EventBridge rule names" },
	[CONF_LAMBDA_FUNCTION] = { .name = "lambda_function",
	    .type = CONF_T_STRING, .dflt = "s3-security-monitor-${suffix}",
	    .name_rule = &conf_name_function,
	    .help = "Lambda function analysing the events" },
	[CONF_LAMBDA_ROLE] = { .name = "lambda_role", .type = CONF_T_STRING,
	    .dflt = "LambdaS3SecurityMonitorRole-${suffix}",
	    .name_rule = &conf_name_role,
	    .help = "IAM role of the Lambda function" },
	[CONF_LAMBDA_RUNTIME] = { .name = "lambda_runtime",
	    .type = CONF_T_STRING, .dflt = "python3.12",
	    .check = conf_check_runtime,
	    .range = "a Python runtime such as python3.12",
	    .help = "Python runtime of the Lambda function" },
	[CONF_DASHBOARD] = { .name = "dashboard", .type = CONF_T_STRING,
	    .dflt = "S3SecurityMonitoring-${suffix}",
	    .name_rule = &conf_name_dashboard,
	    .help = "CloudWatch dashboard name" },
	[CONF_QUERY_PREFIX] = { .name = "query_prefix",
	    .type = CONF_T_STRING, .dflt = "s3watch/",
	    .check = conf_check_query_prefix,
	    .range = "at most 128 characters",
	    .help = "prefix of the saved Logs Insights query names" },
	[CONF_ALLOWED_CIDRS] = { .name = "allowed_cidrs",
	    .type = CONF_T_LIST, .dflt_list = conf_default_cidrs,
	    .check = conf_check_cidr,
	    .range = "IPv4 or IPv6 CIDRs such as 10.0.0.0/8 or 2001:db8::/32",
	    .help = "networks access is expected from (IPv4 or IPv6 CIDRs)" },
	[CONF_TRUSTED_ACCOUNTS] = { .name = "trusted_accounts",
	    .type = CONF_T_LIST, .dflt_list = conf_no_strings,
	    .check = conf_check_account,
	    .range = "12-digit AWS account ids such as 111122223333",
	    .help = "accounts a bucket policy, ACL or copy may reach without "
	    "an alert; [] means the account of each event" },
	[CONF_LOG_EXPIRY_MIN_DAYS] = { .name = "log_expiry_min_days",
	    .type = CONF_T_INT, .dflt_num = 30,
	    .check_int = conf_check_min_days, .range = "0 to 36500",
	    .help = "a lifecycle rule expiring objects sooner than this many "
	    "days is a high alert (0: only on the trail and access-log "
	    "buckets)" },
	[CONF_RULES_DIR] = { .name = "rules_dir", .type = CONF_T_STRING,
	    .dflt = "",
	    .range = "\"\" or a directory of rule files",
	    .help = "directory of detection rules; \"\" for the shipped "
	    "pack" },
};
_Static_assert(sizeof conf_options / sizeof conf_options[0] == CONF_COUNT,
    "conf_options must have one entry per enum conf_key");

static const struct {
	const char	*name;		/* for the documentation */
	const char	*expected;	/* for errors */
} conf_types[] = {
	[CONF_T_STRING] = { "string", "a string" },
	[CONF_T_INT] = { "integer", "an integer" },
	[CONF_T_BOOL] = { "boolean", "true or false" },
	[CONF_T_LIST] = { "list of strings", "a list of strings" },
};

static const char *const conf_variables[] = { "suffix", "account", "region" };

/* --- value helpers ------------------------------------------------------ */

static void
conf_value_clear(struct conf_value *v)
{
	size_t i;

	free(v->str);
	for (i = 0; i < v->nlist; i++)
		free(v->list[i]);
	free(v->list);
	memset(v, 0, sizeof *v);
}

static void
conf_list_add(struct conf_value *v, const char *s, size_t len)
{
	v->list = xreallocarray(v->list, v->nlist + 2, sizeof *v->list);
	v->list[v->nlist++] = xstrndup(s, len);
	v->list[v->nlist] = NULL;
}

static void
conf_value_default(struct conf_value *v, const struct conf_option *o)
{
	const char *const *p;

	switch (o->type) {
	case CONF_T_STRING:
		v->str = xstrdup(o->dflt);
		break;
	case CONF_T_INT:
	case CONF_T_BOOL:
		v->num = o->dflt_num;
		break;
	case CONF_T_LIST:
		v->list = xcalloc(1, sizeof *v->list);
		for (p = o->dflt_list; *p != NULL; p++)
			conf_list_add(v, *p, strlen(*p));
		break;
	}
}

/* Replaces key k's value (taking v's storage) and remembers where from. */
static void
conf_value_set(struct conf *c, enum conf_key k, struct conf_value *v,
    char *source)
{
	conf_value_clear(&c->v[k]);
	c->v[k] = *v;
	memset(v, 0, sizeof *v);
	free(c->source[k]);
	c->source[k] = source;
}

/* Replaces ${suffix}, ${account} and ${region}; NULL leaves one as is. */
static char *
conf_subst(const char *s, const char *suffix, const char *account,
    const char *region)
{
	const char *values[] = { suffix, account, region };
	struct buf b = { 0 };
	size_t i, n;

	buf_adds(&b, "");
	while (*s != '\0') {
		if (s[0] == '$' && s[1] == '{') {
			for (i = 0; i < sizeof values / sizeof values[0]; i++) {
				n = strlen(conf_variables[i]);
				if (values[i] != NULL &&
				    strncmp(s + 2, conf_variables[i], n) == 0 &&
				    s[2 + n] == '}')
					break;
			}
			if (i < sizeof values / sizeof values[0]) {
				buf_adds(&b, values[i]);
				s += 3 + n;
				continue;
			}
		}
		buf_addc(&b, *s++);
	}
	return buf_take(&b);
}

static char *
conf_sample(const char *s)
{
	return conf_subst(s, CONF_SAMPLE_SUFFIX, CONF_SAMPLE_ACCOUNT,
	    CONF_SAMPLE_REGION);
}

/* --- checks ------------------------------------------------------------- */

/* Every string: printable, and only the variables conf_expand knows. */
static int
conf_check_common(const char *s, char **cause)
{
	const char *p, *end;
	char *safe;
	bool bad;
	size_t i, n;

	/* Control characters, C1 controls, invisible characters and
	 * invalid UTF-8 are what text_safe() would change. */
	safe = text_safe_str(s);
	bad = strcmp(safe, s) != 0;
	free(safe);
	if (bad) {
		*cause = xstrdup("the value contains a control character, an "
		    "invisible character or invalid UTF-8");
		return -1;
	}
	for (p = s; (p = strstr(p, "${")) != NULL; p = end + 1) {
		if ((end = strchr(p, '}')) == NULL) {
			*cause = xasprintf("'%s' has an unterminated '${'", s);
			return -1;
		}
		n = (size_t)(end - p - 2);
		for (i = 0; i < sizeof conf_variables / sizeof conf_variables[0];
		    i++)
			if (strlen(conf_variables[i]) == n &&
			    strncmp(p + 2, conf_variables[i], n) == 0)
				break;
		if (i == sizeof conf_variables / sizeof conf_variables[0]) {
			*cause = xasprintf("unknown variable '%.*s' (only "
			    "${suffix}, ${account} and ${region})",
			    (int)(n + 3), p);
			return -1;
		}
	}
	return 0;
}

/* A name after expansion with sample values, by its rule. */
static int
conf_check_name(const char *s, const struct conf_name *r, char **cause)
{
	char *x = conf_sample(s);
	size_t n = strlen(x), i;
	int rc = 0;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)x[i]) &&
		    strchr(r->chars, x[i]) == NULL)
			break;
	if (i < n) {
		*cause = xasprintf("%s '%s' may only contain letters, digits "
		    "and any of '%s'", r->what, s, r->chars);
		rc = -1;
	} else if (n < r->min || n > r->max) {
		*cause = xasprintf("%s '%s' must be %zu to %zu characters long%s",
		    r->what, s, r->min, r->max, strcmp(x, s) != 0 ?
		    " (with ${suffix} as " CONF_SAMPLE_SUFFIX ")" : "");
		rc = -1;
	}
	free(x);
	return rc;
}

/* "us-east-1", "us-gov-west-1": lower-case words joined by '-'. */
static int
conf_check_region(const char *s, char **cause)
{
	const char *p;
	size_t parts = 1;

	if (*s == '\0')
		return 0;
	for (p = s; *p != '\0'; p++) {
		if (*p == '-') {
			if (p == s || p[1] == '-' || p[1] == '\0')
				break;
			parts++;
		} else if (!islower((unsigned char)*p) &&
		    !isdigit((unsigned char)*p))
			break;
	}
	if (*p != '\0' || parts < 3 || strlen(s) > 32) {
		*cause = xasprintf("'%s' is not a region name such as "
		    "'us-east-1'", s);
		return -1;
	}
	return 0;
}

/* It ends up in bucket names, so lower-case. */
static int
conf_check_suffix(const char *s, char **cause)
{
	size_t n = strlen(s);

	if (n > 16 || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") != n) {
		*cause = xasprintf("'%s' must be at most 16 lower-case letters, "
		    "digits or '-'", s);
		return -1;
	}
	return 0;
}

/* Checked as it will be named, with a sample ${suffix}. */
static int
conf_check_bucket(const char *s, char **cause)
{
	char *x = conf_sample(s), *why = NULL;
	int rc;

	if ((rc = s3_bucket_name_check(x, &why)) != 0) {
		if (strcmp(x, s) != 0)
			*cause = xasprintf("%s (with ${suffix} as "
			    CONF_SAMPLE_SUFFIX ")", why);
		else
			*cause = xstrdup(why);
		free(why);
	}
	free(x);
	return rc;
}

static int
conf_check_log_prefix(const char *s, char **cause)
{
	size_t n = strlen(s);

	if (n == 0 || s[n - 1] != '/') {
		*cause = xasprintf("'%s' must end in '/'", s);
		return -1;
	}
	if (n > 512) {
		*cause = xasprintf("'%s' is longer than 512 characters", s);
		return -1;
	}
	return 0;
}

static int
conf_check_trail_prefix(const char *s, char **cause)
{
	size_t n = strlen(s);

	if (n > 0 && (s[0] == '/' || s[n - 1] == '/')) {
		*cause = xasprintf("'%s' must not start or end with '/'", s);
		return -1;
	}
	if (n > 200) {
		*cause = xasprintf("'%s' is longer than CloudTrail's 200 "
		    "characters", s);
		return -1;
	}
	return 0;
}

/* After the name rule, which says how long. */
static int
conf_check_trail_name(const char *s, char **cause)
{
	char *x = conf_sample(s);
	size_t n = strlen(x);
	int rc = 0;

	if (n > 0 && (!isalnum((unsigned char)x[0]) ||
	    !isalnum((unsigned char)x[n - 1]))) {
		*cause = xasprintf("trail name '%s' must begin and end with a "
		    "letter or digit", s);
		rc = -1;
	}
	free(x);
	return rc;
}

static int
conf_check_log_group(const char *s, char **cause)
{
	char *x = conf_sample(s);
	int rc = logs_group_name_check(x, cause);

	free(x);
	return rc;
}

/* "1, 3, 5, ... or 3653": what logs_retention_valid() takes. */
static char *
conf_retention_values(void)
{
	struct buf b = { 0 };
	const char *sep = "";
	int d, last = 0;

	for (d = 1; d <= CONF_RETENTION_MAX; d++) {
		if (!logs_retention_valid(d))
			continue;
		if (last > 0) {
			buf_printf(&b, "%s%d", sep, last);
			sep = ", ";
		}
		last = d;
	}
	buf_printf(&b, " or %d", last);
	return buf_take(&b);
}

static int
conf_check_retention(long days, char **cause)
{
	char *values;

	if (days < INT_MIN || days > INT_MAX ||
	    !logs_retention_valid((int)days)) {
		values = conf_retention_values();
		*cause = xasprintf("%ld is not a CloudWatch Logs retention (%s)",
		    days, values);
		free(values);
		return -1;
	}
	return 0;
}

/* Deliberately plain: SNS does the real validation when subscribing. */
static int
conf_check_email(const char *s, char **cause)
{
	const char *at, *p;
	size_t n = strlen(s);

	if (n == 0)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			break;
	at = strchr(s, '@');
	if (*p != '\0' || n > 254 || at == NULL || at == s ||
	    strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL ||
	    at[1] == '.' || s[n - 1] == '.' || strstr(at, "..") != NULL) {
		*cause = xasprintf("'%s' is not an e-mail address such as "
		    "'alice@example.com'", s);
		return -1;
	}
	return 0;
}

/* The monitor function is written in Python. */
static int
conf_check_runtime(const char *s, char **cause)
{
	const char *p = s + strlen("python3.");

	if (strncmp(s, "python3.", strlen("python3.")) != 0 || *p == '\0' ||
	    strspn(p, "0123456789") != strlen(p)) {
		*cause = xasprintf("'%s' is not a Python runtime such as "
		    "'python3.12'", s);
		return -1;
	}
	return 0;
}

static int
conf_check_query_prefix(const char *s, char **cause)
{
	if (strlen(s) > 128) {
		*cause = xasprintf("'%s' is longer than 128 characters", s);
		return -1;
	}
	return 0;
}

/* Address "/" prefix length, strictly: inet_pton refuses junk, the length
 * is plain decimal in range.  Host bits may be set, as AWS accepts. */
static int
conf_check_cidr(const char *s, char **cause)
{
	unsigned char addr[16];
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/'), *p;
	size_t hlen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	int family, max, len = 0;

	if (hlen == 0 || hlen >= sizeof host)
		goto bad;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	family = strchr(host, ':') != NULL ? AF_INET6 : AF_INET;
	max = family == AF_INET6 ? 128 : 32;
	if (inet_pton(family, host, addr) != 1)
		goto bad;
	if (slash == NULL) {
		*cause = xasprintf("'%s' is not an IPv4 or IPv6 CIDR (write "
		    "'%s/%d' for one address)", s, s, max);
		return -1;
	}
	p = slash + 1;
	if (*p == '\0' || strlen(p) > 3 || strspn(p, "0123456789") != strlen(p)
	    || (p[0] == '0' && p[1] != '\0'))
		goto bad;
	len = atoi(p);
	if (len > max)
		goto bad;
	return 0;
bad:
	*cause = xasprintf("'%s' is not an IPv4 or IPv6 CIDR", s);
	return -1;
}

static int
conf_check_account(const char *s, char **cause)
{
	if (strlen(s) == 12 && strspn(s, "0123456789") == 12)
		return 0;
	*cause = xasprintf("'%s' is not an AWS account id (12 digits)", s);
	return -1;
}

static int
conf_check_min_days(long days, char **cause)
{
	if (days >= 0 && days <= 36500)
		return 0;
	*cause = xasprintf("%ld is not a number of days from 0 to 36500",
	    days);
	return -1;
}

/* The common and the key's own checks on a candidate value; for a list,
 * *item says which item failed. */
static int
conf_check(enum conf_key k, const struct conf_value *v, size_t *item,
    char **cause)
{
	const struct conf_option *o = &conf_options[k];
	size_t i;

	switch (o->type) {
	case CONF_T_STRING:
		if (conf_check_common(v->str, cause) != 0 ||
		    (o->name_rule != NULL && conf_check_name(v->str,
		    o->name_rule, cause) != 0))
			return -1;
		return o->check != NULL ? o->check(v->str, cause) : 0;
	case CONF_T_INT:
		if (v->num < INT_MIN || v->num > INT_MAX) {
			*cause = xasprintf("%ld is out of range", v->num);
			return -1;
		}
		return o->check_int != NULL ? o->check_int(v->num, cause) : 0;
	case CONF_T_BOOL:
		return 0;
	case CONF_T_LIST:
		for (i = 0; i < v->nlist; i++) {
			*item = i;
			if (conf_check_common(v->list[i], cause) != 0 ||
			    (o->check != NULL && o->check(v->list[i],
			    cause) != 0))
				return -1;
		}
		return 0;
	}
	return 0;
}

/* --- the table ---------------------------------------------------------- */

const char *
conf_key_name(enum conf_key k)
{
	return k < CONF_COUNT ? conf_options[k].name : NULL;
}

enum conf_type
conf_key_type(enum conf_key k)
{
	return k < CONF_COUNT ? conf_options[k].type : CONF_T_STRING;
}

const char *
conf_key_help(enum conf_key k)
{
	return k < CONF_COUNT ? conf_options[k].help : NULL;
}

const char *
conf_type_name(enum conf_type t)
{
	return conf_types[t].name;
}

char *
conf_key_default(enum conf_key k)
{
	const struct conf_option *o = &conf_options[k];
	struct buf b = { 0 };
	const char *const *p;

	switch (o->type) {
	case CONF_T_STRING:
		return xasprintf("\"%s\"", o->dflt);
	case CONF_T_INT:
		return xasprintf("%ld", o->dflt_num);
	case CONF_T_BOOL:
		return xstrdup(o->dflt_num ? "true" : "false");
	case CONF_T_LIST:
		buf_adds(&b, "[");
		for (p = o->dflt_list; *p != NULL; p++)
			buf_printf(&b, "%s\"%s\"", p > o->dflt_list ? ", " : "",
			    *p);
		buf_adds(&b, "]");
		return buf_take(&b);
	}
	return xstrdup("");
}

char *
conf_key_range(enum conf_key k)
{
	const struct conf_option *o = &conf_options[k];
	const struct conf_name *r = o->name_rule;
	struct buf b = { 0 };

	buf_adds(&b, "");
	if (r != NULL) {
		if (r->min == 0)
			buf_printf(&b, "at most %zu", r->max);
		else
			buf_printf(&b, "%zu to %zu", r->min, r->max);
		buf_printf(&b, " letters, digits or any of '%s'", r->chars);
	}
	if (o->range != NULL)
		buf_printf(&b, "%s%s", b.len > 0 ? ", " : "", o->range);
	else if (o->range_fn != NULL) {
		char *x = o->range_fn();

		buf_adds(&b, x);
		free(x);
	}
	return buf_take(&b);
}

int
conf_key_find(const char *name)
{
	int k;

	for (k = 0; k < CONF_COUNT; k++)
		if (strcmp(conf_options[k].name, name) == 0)
			return k;
	return -1;
}

/* Levenshtein distance, for "did you mean"; names are short. */
static size_t
conf_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, tmp, best;
	size_t *row;

	row = xcalloc(lb + 1, sizeof *row);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

/* "unknown key 'x'", with the closest known key when there is one. */
static char *
conf_unknown(const char *name)
{
	const char *close = NULL;
	size_t d, best = 4;
	char *lower;
	int k;

	if (strlen(name) > 64)
		return xasprintf("unknown key '%.64s...'", name);
	/* Compare case-insensitively: Log_Bucket means log_bucket. */
	lower = xstrdup(name);
	for (d = 0; lower[d] != '\0'; d++)
		lower[d] = (char)tolower((unsigned char)lower[d]);
	for (k = 0; k < CONF_COUNT; k++) {
		d = conf_distance(lower, conf_options[k].name);
		if (d < best && d < strlen(conf_options[k].name)) {
			best = d;
			close = conf_options[k].name;
		}
	}
	/* "retention" for retention_days: too far for the distance. */
	for (k = 0; close == NULL && strlen(lower) >= 4 && k < CONF_COUNT; k++)
		if (strncmp(conf_options[k].name, lower, strlen(lower)) == 0)
			close = conf_options[k].name;
	free(lower);
	if (close != NULL)
		return xasprintf("unknown key '%s' (did you mean '%s'?)", name,
		    close);
	return xasprintf("unknown key '%s'", name);
}

/* --- the conf ----------------------------------------------------------- */

struct conf *
conf_new(void)
{
	struct conf *c = xcalloc(1, sizeof *c);
	int k;

	for (k = 0; k < CONF_COUNT; k++)
		conf_value_default(&c->v[k], &conf_options[k]);
	return c;
}

void
conf_free(struct conf *c)
{
	int k;

	if (c == NULL)
		return;
	for (k = 0; k < CONF_COUNT; k++) {
		conf_value_clear(&c->v[k]);
		free(c->source[k]);
	}
	free(c);
}

const char *
conf_str(const struct conf *c, enum conf_key k)
{
	if (k >= CONF_COUNT || conf_options[k].type != CONF_T_STRING)
		return "";
	return c->v[k].str;
}

long
conf_int(const struct conf *c, enum conf_key k)
{
	if (k >= CONF_COUNT || conf_options[k].type != CONF_T_INT)
		return 0;
	return c->v[k].num;
}

bool
conf_bool(const struct conf *c, enum conf_key k)
{
	if (k >= CONF_COUNT || conf_options[k].type != CONF_T_BOOL)
		return false;
	return c->v[k].num != 0;
}

char *const *
conf_list(const struct conf *c, enum conf_key k, size_t *n)
{
	static char *const empty[] = { NULL };

	if (k >= CONF_COUNT || conf_options[k].type != CONF_T_LIST) {
		*n = 0;
		return empty;
	}
	*n = c->v[k].nlist;
	return c->v[k].list;
}

const char *
conf_key_source(const struct conf *c, enum conf_key k)
{
	if (k >= CONF_COUNT || c->source[k] == NULL)
		return "default";
	return c->source[k];
}

char *
conf_expand(const struct conf *c, enum conf_key k, const char *suffix,
    const char *account, const char *region)
{
	const struct conf_value *v;
	struct buf b = { 0 };
	char *x;
	size_t i;

	if (k >= CONF_COUNT)
		return xstrdup("");
	v = &c->v[k];
	switch (conf_options[k].type) {
	case CONF_T_STRING:
		return conf_subst(v->str, suffix, account, region);
	case CONF_T_INT:
		return xasprintf("%ld", v->num);
	case CONF_T_BOOL:
		return xstrdup(v->num ? "true" : "false");
	case CONF_T_LIST:
		buf_adds(&b, "");
		for (i = 0; i < v->nlist; i++) {
			x = conf_subst(v->list[i], suffix, account, region);
			buf_printf(&b, "%s%s", i > 0 ? "," : "", x);
			free(x);
		}
		return buf_take(&b);
	}
	return xstrdup("");
}

/* --- files -------------------------------------------------------------- */

static const char *
conf_found(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a number with a fraction";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	case CONFIG_TYPE_GROUP:
		return "a group";
	}
	return "something else";
}


/* A libconfig setting as key k's type; *at is the setting to blame. */
static int
conf_take(enum conf_key k, const config_setting_t *s, struct conf_value *v,
    const config_setting_t **at, char **cause)
{
	enum conf_type t = conf_options[k].type;
	const config_setting_t *e;
	const char *str;
	int i, n, st = config_setting_type(s);

	*at = s;
	memset(v, 0, sizeof *v);
	switch (t) {
	case CONF_T_STRING:
		if (st != CONFIG_TYPE_STRING)
			break;
		v->str = xstrdup(config_setting_get_string(s));
		return 0;
	case CONF_T_INT:
		if (st != CONFIG_TYPE_INT && st != CONFIG_TYPE_INT64)
			break;
		if (config_setting_get_int64(s) < LONG_MIN ||
		    config_setting_get_int64(s) > LONG_MAX) {
			*cause = xasprintf("%lld is out of range",
			    config_setting_get_int64(s));
			return -1;
		}
		v->num = (long)config_setting_get_int64(s);
		return 0;
	case CONF_T_BOOL:
		if (st != CONFIG_TYPE_BOOL)
			break;
		v->num = config_setting_get_bool(s);
		return 0;
	case CONF_T_LIST:
		if (st != CONFIG_TYPE_ARRAY && st != CONFIG_TYPE_LIST)
			break;
		v->list = xcalloc(1, sizeof *v->list);
		n = config_setting_length(s);
		for (i = 0; i < n; i++) {
			e = config_setting_get_elem(s, (unsigned int)i);
			if (e == NULL || (str = config_setting_get_string(e)) ==
			    NULL) {
				*at = e != NULL ? e : s;
				*cause = xasprintf("expected a list of strings, "
				    "found %s in it", e != NULL ?
				    conf_found(e) : "nothing");
				conf_value_clear(v);
				return -1;
			}
			conf_list_add(v, str, strlen(str));
		}
		return 0;
	}
	*cause = xasprintf("expected %s, found %s", conf_types[t].expected,
	    conf_found(s));
	return -1;
}

/* "FILE:LINE" of a setting: libconfig names an included file as written
 * in @include, which is relative to the including file's directory. */
static char *
conf_where(const char *path, const config_setting_t *s)
{
	const char *file = config_setting_source_file(s), *slash;
	unsigned int line = config_setting_source_line(s);

	if (file == NULL)
		file = path;
	else if (*file != '/' && (slash = strrchr(path, '/')) != NULL)
		return xasprintf("%.*s/%s:%u", (int)(slash - path), path, file,
		    line);
	return xasprintf("%s:%u", file, line);
}

static void
conf_problem(struct buf *errs, const char *path, const config_setting_t *s,
    const char *key, const char *why)
{
	char *where = conf_where(path, s);

	buf_printf(errs, "%s: %s%s%s\n", where, key != NULL ? key : "",
	    key != NULL ? ": " : "", why);
	free(where);
}

/* Reads the file ourselves: libconfig would take a huge or binary file. */
static char *
conf_read(const char *path, char **cause)
{
	struct buf b = { 0 };

	if (buf_read_file(&b, path, CONF_MAX_FILE) != 0) {
		if (errno == EFBIG)
			*cause = xasprintf("%s: larger than %d bytes, not a "
			    "configuration file", path, CONF_MAX_FILE);
		else
			*cause = xasprintf("%s: %s", path, strerror(errno));
		buf_free(&b);
		return NULL;
	}
	buf_adds(&b, "");
	if (strlen(b.data) != b.len) {
		*cause = xasprintf("%s: contains a NUL byte, not a text file",
		    path);
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

int
conf_load(struct conf *c, const char *path, char **cause)
{
	const config_setting_t *s, *at;
	config_setting_t *root;
	struct conf_value v;
	struct buf errs = { 0 };
	config_t cfg;
	char *text, *dir, *slash, *why = NULL;
	const char *name;
	size_t item;
	int i, n, k;

	*cause = NULL;
	if ((text = conf_read(path, cause)) == NULL)
		return -1;
	config_init(&cfg);
	/* @include is relative to the file, not to our working directory. */
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		slash[slash == dir] = '\0';
		config_set_include_dir(&cfg, dir);
	}
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		*cause = xasprintf("%s:%d: %s", config_error_file(&cfg) != NULL ?
		    config_error_file(&cfg) : path, config_error_line(&cfg),
		    config_error_text(&cfg));
		config_destroy(&cfg);
		free(dir);
		free(text);
		return -1;
	}
	root = config_root_setting(&cfg);
	n = config_setting_length(root);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(root, (unsigned int)i);
		name = config_setting_name(s);
		if ((k = conf_key_find(name)) < 0) {
			why = conf_unknown(name);
			conf_problem(&errs, path, s, NULL, why);
			free(why);
			continue;
		}
		item = 0;
		if (conf_take(k, s, &v, &at, &why) != 0) {
			conf_problem(&errs, path, at, name, why);
			free(why);
			continue;
		}
		if (conf_check(k, &v, &item, &why) != 0) {
			if (conf_options[k].type == CONF_T_LIST &&
			    item < (size_t)config_setting_length(s))
				at = config_setting_get_elem(s,
				    (unsigned int)item);
			conf_problem(&errs, path, at, name, why);
			free(why);
			conf_value_clear(&v);
			continue;
		}
		conf_value_set(c, k, &v, conf_where(path, s));
	}
	config_destroy(&cfg);
	free(dir);
	free(text);
	if (errs.len == 0) {
		buf_free(&errs);
		return 0;
	}
	errs.data[--errs.len] = '\0';
	*cause = buf_take(&errs);
	return -1;
}

/* --- the command line --------------------------------------------------- */

static int
conf_parse_bool(const char *s, long *out)
{
	static const char *const yes[] = { "true", "yes", "1" };
	static const char *const no[] = { "false", "no", "0" };
	size_t i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Comma-separated, blanks around items ignored; "" is the empty list. */
static int
conf_parse_list(const char *s, struct conf_value *v, char **cause)
{
	const char *p = s, *end, *a, *b;

	v->list = xcalloc(1, sizeof *v->list);
	if (s[strspn(s, " \t")] == '\0')
		return 0;
	for (;;) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		for (a = p; a < end && (*a == ' ' || *a == '\t'); a++)
			;
		for (b = end; b > a && (b[-1] == ' ' || b[-1] == '\t'); b--)
			;
		if (a == b) {
			*cause = xasprintf("empty item in '%s'", s);
			return -1;
		}
		conf_list_add(v, a, (size_t)(b - a));
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

int
conf_set(struct conf *c, const char *assignment, char **cause)
{
	const char *eq = strchr(assignment, '='), *value;
	struct conf_value v = { 0 };
	char *key, *why = NULL, *end;
	size_t item = 0;
	int k, rc = -1;

	*cause = NULL;
	if (eq == NULL || eq == assignment) {
		*cause = xasprintf("--set %s: expected KEY=VALUE", assignment);
		return -1;
	}
	key = xstrndup(assignment, (size_t)(eq - assignment));
	value = eq + 1;
	if ((k = conf_key_find(key)) < 0) {
		why = conf_unknown(key);
		goto out;
	}
	switch (conf_options[k].type) {
	case CONF_T_STRING:
		v.str = xstrdup(value);
		break;
	case CONF_T_INT:
		errno = 0;
		v.num = strtol(value, &end, 10);
		if (*value == '\0' || isspace((unsigned char)*value) ||
		    *end != '\0') {
			why = xasprintf("'%s' is not a decimal integer", value);
			goto out;
		}
		if (errno == ERANGE) {
			why = xasprintf("%s is out of range", value);
			goto out;
		}
		break;
	case CONF_T_BOOL:
		if (conf_parse_bool(value, &v.num) != 0) {
			why = xasprintf("'%s' is not true, false, yes, no, 1 "
			    "or 0", value);
			goto out;
		}
		break;
	case CONF_T_LIST:
		if (conf_parse_list(value, &v, &why) != 0)
			goto out;
		break;
	}
	if (conf_check(k, &v, &item, &why) != 0)
		goto out;
	conf_value_set(c, k, &v, xstrdup("--set"));
	rc = 0;
out:
	if (rc != 0) {
		*cause = xasprintf("--set %s: %s", key, why);
		free(why);
	}
	conf_value_clear(&v);
	free(key);
	return rc;
}

char *
conf_default_path(void)
{
	const char *v;
	char *path;

	if ((v = getenv("S3WATCH_CONFIG")) != NULL && *v != '\0')
		return xstrdup(v);
	/* As XDG says: $XDG_CONFIG_HOME replaces ~/.config when set. */
	if ((v = getenv("XDG_CONFIG_HOME")) != NULL && *v == '/')
		path = xasprintf("%s/s3watch/s3watch.conf", v);
	else if ((v = getenv("HOME")) != NULL && *v != '\0')
		path = xasprintf("%s/.config/s3watch/s3watch.conf", v);
	else
		return NULL;
	if (access(path, F_OK) == 0)
		return path;
	free(path);
	return NULL;
}

/* A string as libconfig reads it back. */
static void
conf_quote(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

char *
conf_value_text(const struct conf *c, enum conf_key k)
{
	struct buf b = { 0 };
	char *const *v;
	size_t i, n;

	switch (conf_options[k].type) {
	case CONF_T_STRING:
		conf_quote(&b, conf_str(c, k));
		break;
	case CONF_T_INT:
		buf_printf(&b, "%ld", conf_int(c, k));
		break;
	case CONF_T_BOOL:
		buf_adds(&b, conf_bool(c, k) ? "true" : "false");
		break;
	case CONF_T_LIST:
		v = conf_list(c, k, &n);
		buf_addc(&b, '[');
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_adds(&b, ", ");
			conf_quote(&b, v[i]);
		}
		buf_addc(&b, ']');
		break;
	}
	return buf_take(&b);
}

char *
conf_save_path(void)
{
	const char *v;

	if ((v = getenv("S3WATCH_CONFIG")) != NULL && *v != '\0')
		return xstrdup(v);
	if ((v = getenv("XDG_CONFIG_HOME")) != NULL && *v == '/')
		return xasprintf("%s/s3watch/s3watch.conf", v);
	if ((v = getenv("HOME")) != NULL && *v != '\0')
		return xasprintf("%s/.config/s3watch/s3watch.conf", v);
	return NULL;
}

/* Does the line at p assign key (" key = ..." or "key: ...")? */
static bool
conf_assigns(const char *p, const char *key)
{
	size_t n = strlen(key);

	p += strspn(p, " \t");
	if (strncmp(p, key, n) != 0)
		return false;
	p += n;
	p += strspn(p, " \t");
	return *p == '=' || *p == ':';
}

/* Where the assignment starting at p ends: after the line holding its
 * ';' (libconfig lists may span lines), or at the end of the text. */
static const char *
conf_assignment_end(const char *p)
{
	const char *nl;
	bool quoted = false;
	char prev = '\0';

	for (; *p != '\0'; prev = *p++) {
		if (*p == '"' && prev != '\\')
			quoted = !quoted;
		else if (*p == ';' && !quoted)
			break;
	}
	if (*p == '\0')
		return p;
	nl = strchr(p, '\n');
	return nl != NULL ? nl + 1 : p + strlen(p);
}

static int
conf_mkdirs(const char *path, char **cause)
{
	char *dir = xstrdup(path), *p;

	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			*cause = xasprintf("cannot make %s: %s", dir,
			    strerror(errno));
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

int
conf_save_keys(const struct conf *c, const char *path,
    const enum conf_key *keys, size_t n, char **cause)
{
	struct buf old = { 0 }, out = { 0 };
	const char *p, *line, *end;
	bool *done = xcalloc(n + 1, sizeof *done);
	size_t i;
	char *v;
	int rc;

	if (buf_read_file(&old, path, 1 << 20) != 0 && errno != ENOENT) {
		*cause = xasprintf("cannot read %s: %s", path, strerror(errno));
		free(done);
		return -1;
	}
	p = old.data != NULL ? old.data : "";
	while (*p != '\0') {
		line = p;
		end = strchr(line, '\n');
		end = end != NULL ? end + 1 : line + strlen(line);
		for (i = 0; i < n && !conf_assigns(line, conf_options[keys[i]].name);
		    i++)
			;
		if (i == n) {
			buf_add(&out, line, (size_t)(end - line));
			p = end;
			continue;
		}
		/* The assignment, however many lines, becomes one. */
		v = conf_value_text(c, keys[i]);
		buf_printf(&out, "%s = %s;\n", conf_options[keys[i]].name, v);
		free(v);
		done[i] = true;
		p = conf_assignment_end(line);
	}
	if (out.len > 0 && out.data[out.len - 1] != '\n')
		buf_addc(&out, '\n');
	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		v = conf_value_text(c, keys[i]);
		buf_printf(&out, "# %s\n%s = %s;\n", conf_options[keys[i]].help,
		    conf_options[keys[i]].name, v);
		free(v);
	}
	free(done);
	buf_free(&old);
	rc = conf_mkdirs(path, cause);
	if (rc == 0)
		rc = statefile_write(path, out.data != NULL ? out.data : "",
		    out.len, cause);
	buf_free(&out);
	return rc;
}