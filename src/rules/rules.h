/* The rule engine: rule packs loaded from a directory of libconfig files
 * (conf/rules.d, its *.conf files read in name order), evaluated one CloudTrail
 * record or EventBridge event at a time.
 *
 * Rule kinds (see the table in rules.c):
 *   pattern     one EventBridge pattern; every matching event is a hit
 *   count       N matching events (or N distinct values, or a sum) per key
 *               within a window
 *   first_seen  a value not seen for the key within the history
 *   sequence    hits of other rules, in order, per key, within a window
 *   check       a named analysis of the event (rules_check.h) that may
 *               hit, with a severity of its own and a reason
 * Every kind selects its input with an EventBridge pattern (`pattern`, a
 * check's `select`; sequences take their steps' hits), then applies
 * suppress patterns and allow-lists.
 *
 * Settings (rules_set(), or a pack's `settings` block; the caller's win):
 * the allowed CIDRs, the trusted accounts, the shortest expiration of a
 * lifecycle rule, and the names the setup resolves.  Patterns use them as
 * ${VARIABLE}s, expanded when the pack loads; a name not given expands to
 * a value no event holds ("${source_bucket}" itself).
 *
 * Stateful rules keep bounded memory (max_keys per rule, least recently
 * used key evicted) and can be saved to and loaded from a state file.
 * Keys and values are kept as 64-bit hashes, never as text.
 *
 * Ownership: a rules set owns its rules, patterns and state.  Hits passed
 * to the callback borrow their strings until the callback returns. */
#ifndef S3W_RULES_H
#define S3W_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pattern.h"

enum rules_severity {
	RULES_INFO,
	RULES_LOW,
	RULES_MEDIUM,
	RULES_HIGH,
	RULES_CRITICAL,
};

enum rules_kind {
	RULES_PATTERN,
	RULES_COUNT,
	RULES_FIRST_SEEN,
	RULES_SEQUENCE,
	RULES_CHECK,
};

/* Settings of the rules besides the pack (the table in rules.c; the names
 * are those of s3watch.conf's keys). */
enum rules_setting {
	RULES_SET_ALLOWED_CIDRS,	/* CIDRs: ${outside_allowed_cidrs} */
	RULES_SET_TRUSTED_ACCOUNTS,	/* 12-digit account ids */
	RULES_SET_LOG_EXPIRY_MIN_DAYS,	/* one number of days */
	RULES_SET_SOURCE_BUCKET,	/* the monitored bucket(s) */
	RULES_SET_TRAIL_BUCKET,		/* the trail's bucket(s) */
	RULES_SET_LOG_BUCKET,		/* the access-log bucket(s) */
	RULES_SET_LOG_GROUP,		/* the trail's log group */
	RULES_SET_TRAIL_NAME,		/* the trail */
	RULES_SET_RULE_PREFIX,		/* our EventBridge rules' names */
	RULES_SET_COUNT
};

struct rules;

/* One rule hit.  Fields missing from the event are "" (never NULL). */
struct rules_hit {
	const char		*rule;		/* rule id */
	const char		*title;
	enum rules_severity	 severity;
	enum rules_kind		 kind;
	const char		*event_id;
	const char		*time;
	const char		*principal;
	const char		*source_ip;
	const char		*action;	/* eventSource:eventName */
	const char		*resource;	/* bucket/key or an ARN */
	const char		*reason;	/* a check's finding or "" */
};

typedef void	(*rules_hit_fn)(const struct rules_hit *, void *);
/* A load problem, "FILE:LINE: reason" (or "FILE: reason"); borrowed. */
typedef void	(*rules_error_fn)(const char *, void *);

/* The pack to load when none is named: $S3WATCH_RULES_DIR, else the
 * source tree's conf/rules.d when run from a build tree, else
 * PKGDATADIR/rules.d.  Caller frees. */
char		*rules_default_dir(void);

/* An ISO 8601 time as CloudTrail writes it ("2026-11-24T10:00:00Z",
 * fractions and offsets allowed): epoch seconds, or -1. */
int64_t		 rules_parse_time(const char *);

struct rules	*rules_new(void);
void		 rules_free(struct rules *);

/* Replaces a setting, and the packs' settings blocks' value for it (from
 * the command line or s3watch.conf).  Call before rules_load_dir().  n may
 * be 0 (no CIDR allowed; no account trusted but the record's own; a name
 * not known).  -1 with *cause ("'X' is not ...") for a bad value. */
int		 rules_set(struct rules *, enum rules_setting,
		    char *const *values, size_t n, char **cause);
/* rules_set() of RULES_SET_ALLOWED_CIDRS. */
int		 rules_set_allowed_cidrs(struct rules *, char *const *cidrs,
		    size_t n, char **cause);
/* A setting's name ("trusted_accounts"), and the setting of a name (-1
 * when none has it). */
const char	*rules_setting_name(enum rules_setting);
int		 rules_setting_find(const char *name);
/* A setting's ${variable} in patterns (NULL when it has none) and what it
 * holds, in words. */
const char	*rules_setting_var(enum rules_setting);
const char	*rules_setting_help(enum rules_setting);

/* Loads every *.conf file of dir, sorted by name.  Each bad rule or file
 * is reported through err and skipped; the rest still load.  Returns the
 * number of problems, or -1 with *cause if dir can't be read.  Rules must
 * all be loaded before the first rules_eval(). */
int		 rules_load_dir(struct rules *, const char *dir,
		    rules_error_fn err, void *arg, char **cause);
/* Loads one file, or (path NULL) text given in memory and named name. */
int		 rules_load_file(struct rules *, const char *path,
		    rules_error_fn err, void *arg);
int		 rules_load_string(struct rules *, const char *name,
		    const char *text, rules_error_fn err, void *arg);

size_t		 rules_count(const struct rules *);
/* Rule i (load order): its id, kind and number of hits so far. */
const char	*rules_id(const struct rules *, size_t i);
enum rules_kind	 rules_kind_of(const struct rules *, size_t i);
uint64_t	 rules_hits(const struct rules *, size_t i);
/* Rule i's title, and its pattern as loaded (${...} expanded), the JSON
 * to deploy to EventBridge; NULL for sequences. */
const char	*rules_title(const struct rules *, size_t i);
const char	*rules_pattern_text(const struct rules *, size_t i);
/* Rule i as the pack wrote it, for documentation and tools: false past
 * the last rule.  Strings are borrowed from the rules; NULL when the pack
 * gives none. */
struct rules_info {
	const char		*id;
	const char		*title;
	enum rules_kind		 kind;
	enum rules_severity	 severity;	/* a check's: its worst */
	const char		*description;
	const char		*rationale;
	const char		*pattern;	/* as written (a check's
						   select); NULL for
						   sequences */
	const char		*check;		/* a check's name */
	const char		*file;		/* as given to the loader */
};
bool		 rules_info(const struct rules *, size_t i,
		    struct rules_info *);
/* What rule i looks for beyond its pattern, in words ("20 or more events
 * per principal within 5m", "the check policy-grant"; "" for a pattern
 * rule).  Caller frees. */
char		*rules_logic(const struct rules *, size_t i);

const char	*rules_severity_name(enum rules_severity);
const char	*rules_kind_name(enum rules_kind);

/* Evaluates one event (a CloudTrail record or an EventBridge event, as
 * wrap says) and calls fn for every hit, in rule order.  A check's hit has
 * the check's severity, at most its rule's.  Returns the number of hits,
 * or -1 with *cause (caller frees) for a malformed event. */
int		 rules_eval(struct rules *, const char *json, size_t len,
		    enum pattern_wrap wrap, rules_hit_fn fn, void *arg,
		    char **cause);

/* rules_eval() in two steps, for callers that look at the event before
 * it counts (e.g. to drop a duplicate): rules_event_load() reads it
 * (-1 with *cause for a malformed event, which is then not loaded), and
 * rules_eval_loaded() evaluates the event loaded last, once.  The text
 * is borrowed until then: checks read it again. */
int		 rules_event_load(struct rules *, const char *json, size_t len,
		    enum pattern_wrap wrap, char **cause);
int		 rules_eval_loaded(struct rules *, rules_hit_fn fn, void *arg);

/* Fields of the loaded event for display, read in the same pass as the
 * rules' (CloudTrail names; an EventBridge event's detail). */
enum rules_event_field {
	RULES_EF_EVENT_ID,	/* eventID */
	RULES_EF_TIME,		/* eventTime */
	RULES_EF_NAME,		/* eventName */
	RULES_EF_SOURCE,	/* eventSource */
	RULES_EF_PRINCIPAL,	/* userIdentity.arn, else the session issuer's
				   ARN, else invokedBy, else its type */
	RULES_EF_SOURCE_IP,	/* sourceIPAddress */
	RULES_EF_BUCKET,	/* requestParameters.bucketName */
	RULES_EF_KEY,		/* requestParameters.key */
	RULES_EF_ERROR_CODE,	/* errorCode */
	RULES_EF_ERROR_MESSAGE,	/* errorMessage */
	RULES_EF_USER_AGENT,	/* userAgent */
	RULES_EF_REGION,	/* awsRegion */
	RULES_EF_COUNT
};

/* A field of the event loaded last (rules_eval() or rules_event_load()):
 * its first value when a string or number, an escaped NUL shown as '?';
 * NULL when absent (or null, true, false, an object), or when the last
 * load failed.  Borrowed until the next load. */
const char	*rules_event_field(struct rules *, enum rules_event_field);

/* Stateful memory in use: keys held over all rules. */
size_t		 rules_state_keys(const struct rules *);

/* Writes the state of every stateful rule to path, atomically (temporary
 * file, fsync, rename) with mode 0600.  0, or -1 with *cause. */
int		 rules_state_save(const struct rules *, const char *path,
		    char **cause);
/* Reads a state file written by rules_state_save().  A missing file is
 * fine (0).  A corrupt one is ignored as a whole and -1 returned with
 * *cause; the rules keep working from empty state.  State of rules whose
 * id or parameters changed is dropped silently. */
int		 rules_state_load(struct rules *, const char *path,
		    char **cause);

#endif
