/* EventBridge event patterns: compile once, match many events.
 *
 * Semantics follow aws/event-ruler (see doc/architecture.md and
 * ../shared/notes/eventbridge-patterns.md).  A pattern_set holds compiled
 * patterns and the union of the event fields they read ("paths", e.g.
 * "detail.requestParameters.bucketName").  A pattern_event is reusable
 * scratch: pattern_event_load() reads only those paths out of an event's
 * JSON text (the rest is validated and skipped), after which every pattern
 * of the set can be tested against it.
 *
 * Callers that want other fields of the event (rule keys, output columns)
 * register them with pattern_set_want() before the first event is loaded.
 *
 * Ownership: the set owns its patterns; an event borrows its set, which
 * must outlive it, and owns its scratch.  Strings returned by
 * pattern_event_values() are borrowed until the next load or the free. */
#ifndef S3W_PATTERN_H
#define S3W_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

/* AWS's prefix for the reasons *cause holds after a failed compile. */
#define PATTERN_INVALID_PREFIX "Event pattern is not valid. Reason: "

/* AWS's limits: pattern text, event size. */
#define PATTERN_MAX_LEN		2048
#define PATTERN_EVENT_MAX	(256 * 1024)

struct pattern_set;
struct pattern_event;

/* How pattern_event_load() sees its input. */
enum pattern_wrap {
	PATTERN_WRAP_NONE,	/* the text is an EventBridge event */
	PATTERN_WRAP_CLOUDTRAIL, /* a CloudTrail record: seen as EventBridge
				    wraps it (version, id, detail-type,
				    source, account, time, region,
				    resources, detail) */
	PATTERN_WRAP_AUTO,	/* CLOUDTRAIL if the object has "eventSource"
				   and no "detail-type", else NONE */
};

/* A value read from an event, in event-ruler's form. */
enum pattern_value_type {
	PATTERN_V_STRING,
	PATTERN_V_NUMBER,
	PATTERN_V_TRUE,
	PATTERN_V_FALSE,
	PATTERN_V_NULL,
};

struct pattern_value {
	enum pattern_value_type	 type;
	const char		*text;	/* unescaped string, or number text */
	size_t			 len;
};

struct pattern_set	*pattern_set_new(void);
void			 pattern_set_free(struct pattern_set *);

/* Compiles a pattern (JSON text of len bytes) into the set.  Returns its
 * index (0, 1, ... in order of addition), or -1 with *cause (caller frees)
 * set to AWS's reason text WITHOUT PATTERN_INVALID_PREFIX. */
int	 pattern_set_add(struct pattern_set *, const char *json, size_t len,
	    char **cause);
size_t	 pattern_set_count(const struct pattern_set *);

/* Registers a dotted path to read from every event; returns its field id
 * for pattern_event_values().  The same path gives the same id. */
int	 pattern_set_want(struct pattern_set *, const char *path);

struct pattern_event	*pattern_event_new(struct pattern_set *);
void			 pattern_event_free(struct pattern_event *);

/* Reads an event.  0, or -1 with *cause for malformed JSON (with the
 * byte offset), a non-object, or more than PATTERN_EVENT_MAX bytes. */
int	 pattern_event_load(struct pattern_event *, const char *json,
	    size_t len, enum pattern_wrap, char **cause);

/* Does pattern idx of the set match the loaded event? */
bool	 pattern_event_match(const struct pattern_event *, int idx);

/* Fills out[] with the indexes of every matching pattern, ascending;
 * returns how many (at most max). */
size_t	 pattern_event_matches(const struct pattern_event *, int *out,
	    size_t max);

/* The values a wanted field has in the loaded event (several when it lies
 * under arrays); *n is 0 when it is absent.  Borrowed. */
const struct pattern_value *pattern_event_values(
	    const struct pattern_event *, int field, size_t *n);

/* One-shot helper for `s3watch pattern test` and tests: 1 match, 0 no
 * match, -1 with *cause (invalid pattern: AWS's reason; bad event: why). */
int	 pattern_test(const char *pattern, size_t plen, const char *event,
	    size_t elen, enum pattern_wrap, bool *invalid_pattern,
	    char **cause);

#endif
