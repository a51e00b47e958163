/* The console's model of the event stream: the newest events in a
 * bounded ring (each field made terminal-safe once, with the raw JSON),
 * the list the monitor view shows (filtered, paused, with a cursor that
 * follows the newest event), search, event rates by the second and the
 * minute, and top-N tables of source IPs, principals and denied calls.
 * It never calls curses: ui/view_monitor.c only draws it.
 *
 * The filter language (monview_filter_parse):
 *   ""                   no filter
 *   errors | error       events with an error code (or malformed)
 *   hits                 events with a rule hit
 *   sev:LEVEL            a hit of LEVEL or higher (info low medium high
 *                        critical)
 *   FIELD:TEXT           TEXT in one field: time event principal ip
 *                        object (or bucket, key) result rule id; any: every
 *                        field, for a text that holds a colon itself
 *   TEXT                 TEXT in any field
 * Names and texts match without regard to case; TEXT is a substring.
 *
 * Clocks are passed in (monotonic ms), so the tests drive them.
 *
 * Ownership: a monview owns its events and strings.  An event, a row or
 * a top-N key it returns stays valid until the next monview_add() or
 * monview_free(); the filter's strings until the filter changes. */
#ifndef S3W_MONVIEW_H
#define S3W_MONVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"

#define MONVIEW_RING	5000	/* events kept with their JSON */
#define MONVIEW_MINUTES	60	/* per-minute history */
#define MONVIEW_SECONDS	8	/* the rate's window (+1 filling) */
#define MONVIEW_TOP_CAP	4096	/* distinct keys per top-N table */

struct monitor_record;
struct monview;

enum monview_field {
	MONVIEW_F_TIME,
	MONVIEW_F_EVENT,
	MONVIEW_F_PRINCIPAL,
	MONVIEW_F_IP,
	MONVIEW_F_OBJECT,	/* bucket/key */
	MONVIEW_F_RESULT,	/* error code, or "ok" */
	MONVIEW_F_RULES,	/* rule ids, space-separated */
	MONVIEW_F_ID,		/* CloudTrail eventID */
	MONVIEW_F_COUNT
};

struct monview_event {
	uint64_t		 seq;		/* 1, 2, ... in arrival order */
	char			*f[MONVIEW_F_COUNT];	/* safe */
	enum rules_severity	 sev;		/* the highest hit */
	size_t			 nhits;
	bool			 error;		/* an error code, or malformed */
	bool			 malformed;
	char			*raw;		/* as received */
	size_t			 len;
};

enum monview_filter_kind {
	MONVIEW_NONE,
	MONVIEW_TEXT,		/* any field */
	MONVIEW_FIELD,
	MONVIEW_HITS,
	MONVIEW_ERRORS,
	MONVIEW_SEVERITY,	/* a hit at least this severe */
};

struct monview_filter {
	enum monview_filter_kind kind;
	enum monview_field	 field;		/* FIELD */
	enum rules_severity	 sev;		/* SEVERITY */
	char			*text;		/* TEXT, FIELD: safe */
	char			*label;		/* as shown: safe; NULL: NONE */
};

enum monview_top {
	MONVIEW_TOP_IP,
	MONVIEW_TOP_PRINCIPAL,
	MONVIEW_TOP_DENIED,	/* event names of denied calls */
	MONVIEW_TOP_COUNT
};

struct monview_top_entry {
	const char	*key;		/* safe */
	uint64_t	 count;
};

struct monview	*monview_new(void);
void		 monview_free(struct monview *);

/* A record from the monitor, arrived at now_ms. */
void		 monview_add(struct monview *, const struct monitor_record *,
		    uint64_t now_ms);
/* Events added so far: the newest event's seq. */
uint64_t	 monview_total(const struct monview *);
/* The event numbered seq, or NULL once the ring has dropped it. */
const struct monview_event *monview_event(const struct monview *,
		    uint64_t seq);
/* The monitor's last warning (safe), or NULL. */
void		 monview_warn(struct monview *, const char *raw);
const char	*monview_warning(const struct monview *);

/* Events a second, times ten, over the last full seconds. */
int		 monview_rate(struct monview *, uint64_t now_ms);
/* MONVIEW_MINUTES counts, oldest first, the last the current minute:
 * events, or (hits) events with a rule hit. */
const uint64_t	*monview_minutes(struct monview *, bool hits,
		    uint64_t now_ms);
/* The n biggest of a top-N table, biggest first (ties by key); returns
 * how many were written. */
size_t		 monview_top(const struct monview *, enum monview_top,
		    struct monview_top_entry *, size_t n);

/* The filter language above: 0, or -1 with *cause (nothing changed). */
int		 monview_filter_parse(const char *raw,
		    struct monview_filter *, char **cause);
void		 monview_filter_clear(struct monview_filter *);
bool		 monview_filter_match(const struct monview_filter *,
		    const struct monview_event *);
/* Whether safe text is in any field (search matches). */
bool		 monview_event_has(const struct monview_event *,
		    const char *text);

/* The list.  Setting a filter follows the newest event again. */
int		 monview_set_filter(struct monview *, const char *raw,
		    char **cause);
/* Hits or errors on, or off when that filter is on already. */
void		 monview_toggle(struct monview *, enum monview_filter_kind);
/* No filter and no search. */
void		 monview_clear(struct monview *);
const struct monview_filter *monview_filter(const struct monview *);

size_t		 monview_rows(struct monview *);
const struct monview_event *monview_row(struct monview *, size_t i);
/* The cursor's row (the newest while following); 0 when empty. */
size_t		 monview_cursor(struct monview *);
/* Moves the cursor; on the last row it follows again, unless paused. */
void		 monview_select(struct monview *, size_t i);
/* Follows the newest event, and resumes when paused. */
void		 monview_follow(struct monview *);
bool		 monview_following(const struct monview *);
/* Pause holds the list as it is while events keep arriving. */
void		 monview_pause(struct monview *, bool on);
/* Paused: true with the events arrived since in *behind. */
bool		 monview_paused(const struct monview *, uint64_t *behind);
/* Shows the event with this CloudTrail eventID (raw): clears the filter,
 * resumes, selects it; false if the ring holds no such event. */
bool		 monview_select_id(struct monview *, const char *event_id);

enum monview_found {
	MONVIEW_FOUND,
	MONVIEW_NO_SEARCH,	/* nothing searched for yet */
	MONVIEW_NO_MATCH,	/* none further that way */
};

/* Searches for raw text from the cursor (which may match itself) to
 * older rows; "" changes nothing (MONVIEW_NO_SEARCH). */
enum monview_found monview_search(struct monview *, const char *raw);
/* The next match, older or newer than the cursor. */
enum monview_found monview_search_step(struct monview *, bool older);
/* The search (safe), or NULL. */
const char	*monview_searching(const struct monview *);

/* The event's JSON, pretty-printed and cut into safe lines, kept for the
 * last event asked. */
size_t		 monview_detail(struct monview *, const struct monview_event *,
		    const char *const **lines);

#endif
