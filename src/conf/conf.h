/* s3watch.conf: the settings of the guided setup (names, prefixes,
 * retention, e-mail, allowed CIDRs, region), in libconfig syntax.
 *
 * One option table in conf.c is the single source of truth for the keys,
 * their types, defaults, checks and help text (like tmux's options table).
 * Values come from, in rising order: the table's defaults, the file, and
 * --set KEY=VALUE flags.
 *
 * String values may hold ${suffix}, ${account} and ${region}, expanded by
 * conf_expand() once the setup knows them.
 *
 * Ownership: a conf owns every string it returns; they stay valid until
 * the next conf_load/conf_set of that key or conf_free. */
#ifndef S3W_CONF_H
#define S3W_CONF_H

#include <stdbool.h>
#include <stddef.h>

enum conf_key {
	CONF_REGION,		/* "" : from the AWS profile/environment */
	CONF_SUFFIX,		/* "" : random, chosen once, remembered */
	CONF_SOURCE_BUCKET,	/* the monitored bucket */
	CONF_CREATE_SOURCE_BUCKET, /* bool: create it when missing */
	CONF_REQUIRE_TLS,	/* bool: log buckets deny plain HTTP */
	CONF_LOG_BUCKET,	/* server access log target */
	CONF_LOG_PREFIX,	/* TargetPrefix, ends in '/' */
	CONF_TRAIL_BUCKET,
	CONF_TRAIL_PREFIX,	/* S3KeyPrefix, no trailing '/' */
	CONF_TRAIL_NAME,
	CONF_LOG_GROUP,
	CONF_RETENTION_DAYS,	/* one of CloudWatch Logs' values */
	CONF_TRAIL_ROLE,	/* role CloudTrail assumes to write logs */
	CONF_TOPIC,
	CONF_ALERT_EMAIL,	/* "" : no e-mail subscription */
	CONF_RULE_PREFIX,	/* EventBridge rule names */
	CONF_LAMBDA_FUNCTION,
	CONF_LAMBDA_ROLE,
	CONF_LAMBDA_RUNTIME,
	CONF_DASHBOARD,
	CONF_QUERY_PREFIX,	/* Logs Insights saved query names */
	CONF_ALLOWED_CIDRS,	/* list of IPv4/IPv6 CIDRs */
	CONF_TRUSTED_ACCOUNTS,	/* list of accounts; []: the event's */
	CONF_LOG_EXPIRY_MIN_DAYS, /* shorter lifecycle expirations alert */
	CONF_RULES_DIR,		/* "" : the shipped rule pack */
	CONF_COUNT
};

enum conf_type {
	CONF_T_STRING,
	CONF_T_INT,
	CONF_T_BOOL,
	CONF_T_LIST,		/* list of strings */
};

struct conf;

struct conf	*conf_new(void);	/* the defaults */
void		 conf_free(struct conf *);

/* Reads a libconfig file over the current values.  Every problem is
 * reported as "FILE:LINE: reason" (syntax errors, unknown keys, wrong
 * types, values that fail their check: bad CIDR, e-mail, retention, bucket
 * or group names); returns 0, or -1 with *cause holding all problems, one
 * per line (caller frees).  Keys that were fine still take effect. */
int		 conf_load(struct conf *, const char *path, char **cause);
/* "KEY=VALUE" from the command line; a list takes comma-separated values.
 * 0, or -1 with *cause "--set KEY: reason". */
int		 conf_set(struct conf *, const char *assignment, char **cause);

/* The file conf_load() would read when no --config is given:
 * $S3WATCH_CONFIG, else $XDG_CONFIG_HOME/s3watch/s3watch.conf (or
 * ~/.config/...) if it exists, else NULL.  Caller frees. */
char		*conf_default_path(void);

const char	*conf_str(const struct conf *, enum conf_key);
long		 conf_int(const struct conf *, enum conf_key);
bool		 conf_bool(const struct conf *, enum conf_key);
char *const	*conf_list(const struct conf *, enum conf_key, size_t *n);

/* The value with ${suffix}, ${account} and ${region} replaced (NULL
 * arguments leave their variable as is); caller frees. */
char		*conf_expand(const struct conf *, enum conf_key,
		    const char *suffix, const char *account,
		    const char *region);

/* Table access for `s3watch config`, its --help and the man page. */
const char	*conf_key_name(enum conf_key);
enum conf_type	 conf_key_type(enum conf_key);
const char	*conf_key_help(enum conf_key);
/* "string", "integer", "boolean", "list of strings". */
const char	*conf_type_name(enum conf_type);
/* The default as s3watch.conf writes it: "\"s3watch-\"", 30, true,
 * ["10.0.0.0/8", ...].  Caller frees. */
char		*conf_key_default(enum conf_key);
/* The values the key takes, in words ("" when its type says all);
 * caller frees. */
char		*conf_key_range(enum conf_key);
/* The current value as s3watch.conf writes it (strings quoted and
 * escaped, lists in brackets).  Caller frees. */
char		*conf_value_text(const struct conf *, enum conf_key);
/* Writes the current values of keys[0..n) into the file at path, keeping
 * every other line (comments included): an existing assignment of a key
 * is replaced where it stands, a new one appended.  The file is written
 * atomically with mode 0600, its folder made (0700) if missing.  0, or -1
 * with *cause. */
int		 conf_save_keys(const struct conf *, const char *path,
		    const enum conf_key *keys, size_t n, char **cause);
/* Where conf_save_keys() should write: the file in use (S3WATCH_CONFIG),
 * else $XDG_CONFIG_HOME/s3watch/s3watch.conf (or ~/.config/...) even if
 * it does not exist yet; NULL when there is no home.  Caller frees. */
char		*conf_save_path(void);
/* Where the current value came from: "default", "FILE:LINE" or "--set". */
const char	*conf_key_source(const struct conf *, enum conf_key);
/* -1 when no key has that name. */
int		 conf_key_find(const char *name);

#endif
