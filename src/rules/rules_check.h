/* The analysis checks: named predicates over one CloudTrail record for
 * what an EventBridge pattern cannot say (reading a bucket policy, an ACL
 * or event selectors; comparing two fields).  A rule of kind `check` names
 * one and selects its events with a pattern; the rule engine runs it on
 * the events its pattern selects.  The Lambda analyser implements the same
 * checks in Python; doc/rules.md holds the specification both follow, and
 * tests/rules/fixtures the records on which both must agree.
 *
 * Pure: a check reads the record and the settings, nothing else.  A record
 * is never trusted: every member may be missing or of another type, and
 * what is not proven is not a hit.
 *
 * Ownership: records and settings are borrowed for the call; a hit's
 * reason is its own storage. */
#ifndef S3W_RULES_CHECK_H
#define S3W_RULES_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "pattern.h"
#include "rules.h"

/* A reason, with any text from the record cut short. */
#define RULES_CHECK_REASON_MAX	256
/* Deeper JSON is not a CloudTrail record. */
#define RULES_CHECK_MAX_DEPTH	64

/* What the checks read besides the record (rules_set()). */
struct rules_check_settings {
	char *const	*trusted;	/* 12-digit accounts; none: the
					   record's own account */
	size_t		 ntrusted;
	long		 min_days;	/* log_expiry_min_days */
	char *const	*source;	/* the monitored buckets */
	size_t		 nsource;
	char *const	*trail;		/* the trail's buckets */
	size_t		 ntrail;
	char *const	*logs;		/* the access-log buckets */
	size_t		 nlogs;
	char *const	*trails;	/* the trail's name; none: any */
	size_t		 ntrails;
};

struct rules_check_hit {
	enum rules_severity	 severity;
	char			 reason[RULES_CHECK_REASON_MAX];
};

/* A check proper: true with *hit filled when the record shows what it
 * looks for.  Called only for a successful call of one of its events. */
typedef bool	(*rules_check_fn)(struct json_object *record,
		    const struct rules_check_settings *,
		    struct rules_check_hit *);

struct rules_check {
	const char		*name;		/* check = "NAME" */
	const char		*source;	/* the eventSource it reads */
	const char *const	*events;	/* its eventNames */
	enum rules_severity	 worst;		/* its highest */
	const char		*summary;	/* for doc/rules.md */
	rules_check_fn		 fn;
};

/* Every check; a NULL name ends the table. */
extern const struct rules_check rules_checks[];

const struct rules_check *rules_check_find(const char *name);

/* The CloudTrail record of an event's JSON text: the text itself for a
 * record (wrap CLOUDTRAIL, or AUTO finding eventSource and no
 * detail-type), else its "detail".  Returns the parsed text (caller puts
 * it) and sets *record, borrowed from it; NULL when the text is not a JSON
 * object within RULES_CHECK_MAX_DEPTH. */
struct json_object *rules_check_parse(const char *json, size_t len,
		    enum pattern_wrap, struct json_object **record);

/* Runs c on a record: only a successful call (no errorCode) of c's source
 * and events can hit.  A hit's severity is c's own, at most c->worst. */
bool		 rules_check_run(const struct rules_check *c,
		    struct json_object *record,
		    const struct rules_check_settings *,
		    struct rules_check_hit *);

#endif
